"""The pure domain: wire models, revisit rules, validation, masking and call scripts.

Nothing here does I/O or imports Textual, httpx, FastAPI or SQLAlchemy; client, server and
supervisor code all build on it.
"""
