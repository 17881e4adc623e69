"""`revisit wallboard`: the supervisors' live view of the floor, a Textual app polling the
API's aggregates (GET /v1/wallboard) and showing the last snapshot, with its time, offline."""
