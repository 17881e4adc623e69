"""Saves drafts and submits outcomes in a loop, printing each after the store returned.

Run by test_store_durability.py, which SIGKILLs it at random moments:
    python kill_writer.py DATA_DIR RUN
Prints "ready", then for i = 0, 1, …: "D <i>" after the draft of task "typing" holds n=i,
and "O <outcome id> <task id>" after that outcome was submitted.
"""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime

from revisit_tui.client.store import DRAFT_OUTCOME_KEY, AgentStore
from revisit_tui.domain.models import Disposition, Outcome

SERVER = "http://127.0.0.1:9"
AGENT = "a1"


def main(data_dir: str, run: str) -> None:
    store = AgentStore.open(data_dir, SERVER, AGENT)
    print("ready", flush=True)
    i = 0
    while True:
        store.save_draft("typing", {"n": i, "notes": "x" * 200})
        print(f"D {i}", flush=True)
        now = datetime.now(UTC)
        outcome = Outcome(
            id=uuid.uuid4(),
            task_id=f"t-{run}-{i}",
            agent_id=AGENT,
            started_at=now,
            ended_at=now,
            disposition=Disposition.NO_ANSWER,
            notes="n" * 300,
        )
        store.save_draft(outcome.task_id, {DRAFT_OUTCOME_KEY: str(outcome.id)})
        store.submit(outcome)
        print(f"O {outcome.id} {outcome.task_id}", flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
