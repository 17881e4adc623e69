"""Saves drafts and submits outcomes in a loop, for test_store_durability.py to SIGKILL.

A zygote: it imports everything once, then for each line "run N LOGFILE" on stdin forks a
writer and prints "pid <pid>"; when the writer dies it prints "exit <pid> <signal>". The
writer opens the store under DATA_DIR and appends to LOGFILE (written, not buffered, so it
survives the kill) "ready", then for i = 0, 1, …: "D <i>" once the draft of task "typing"
holds n=i, and "O <outcome id> <task id>" once that outcome was submitted.

    python kill_writer.py DATA_DIR
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import UTC, datetime

from revisit_tui.client.store import DRAFT_OUTCOME_KEY, AgentStore
from revisit_tui.domain.models import Disposition, Outcome

SERVER = "http://127.0.0.1:9"
AGENT = "a1"


def write(log: int, line: str) -> None:
    os.write(log, (line + "\n").encode())


def writer(data_dir: str, run: str, log_path: str) -> None:
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    store = AgentStore.open(data_dir, SERVER, AGENT)
    write(log, "ready")
    i = 0
    while True:
        store.save_draft("typing", {"n": i, "notes": "x" * 200})
        write(log, f"D {i}")
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
        write(log, f"O {outcome.id} {outcome.task_id}")
        i += 1


def main(data_dir: str) -> None:
    for line in sys.stdin:
        _, run, log_path = line.split()
        pid = os.fork()
        if pid == 0:
            try:
                writer(data_dir, run, log_path)
            finally:
                os._exit(1)  # the writer never returns; if it fails, the zygote must not go on
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {pid} {os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
