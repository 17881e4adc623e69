"""The agent's store at start-up: salvaging a damaged outbox, opening a big one, a submit then.

Targets (issue 17): salvaging a 50 MB garbage outbox ≤ 5 s; opening a valid outbox of
100,000 items ≤ 2 s, and a submit after that ≤ 50 ms. Garbage comes in two kinds: random
bytes, and a real 50 MB outbox damaged the way disks damage files (runs of NUL bytes,
a cut-off end). The outbox is opened as a compacted snapshot and as a journal of 100,000
submits never compacted (the app killed before its first acknowledgement).

    python bench/bench_startup.py [--items 100000] [--garbage-mb 50] [--submits 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from revisit_tui.client.store import OUTBOX_FILE, AgentStore
from revisit_tui.domain.models import Disposition, Outcome

SERVER = "http://127.0.0.1:9"
AGENT = "a1"
SALVAGE_TARGET_S = 5.0
OPEN_TARGET_S = 2.0
SUBMIT_TARGET_MS = 50.0


def outcome(n: int) -> Outcome:
    now = datetime.now(UTC)
    return Outcome(
        id=uuid.uuid4(),
        task_id=f"t{n}",
        agent_id=AGENT,
        started_at=now,
        ended_at=now,
        disposition=Disposition.NO_ANSWER,
        notes="客户不在，约定明天上午回电。" * 4,
    )


def timed_open(root: Path) -> tuple[float, float, AgentStore]:
    """Wall and CPU seconds to open the store (CPU: what it costs on a machine of its own)."""
    started, cpu = time.perf_counter(), time.process_time()
    store = AgentStore.open(root, SERVER, AGENT)
    return time.perf_counter() - started, time.process_time() - cpu, store


def bench_salvage(root: Path, garbage: bytes, label: str) -> None:
    with AgentStore.open(root, SERVER, AGENT) as store:
        path = store.path / OUTBOX_FILE
    path.write_bytes(garbage)
    seconds, cpu, store = timed_open(root)
    recovery = store.recovered[0]
    store.close()
    verdict = "ok" if seconds <= SALVAGE_TARGET_S else "OVER"
    print(
        f"salvage {label:<28} {len(garbage) / 1e6:5.1f} MB  {seconds:6.2f} s (CPU {cpu:5.2f} s) "
        f"(target ≤ {SALVAGE_TARGET_S:.0f} s: {verdict}); "
        f"{recovery.recovered} recovered, {recovery.lost} lost"
    )


def damaged_outbox(root: Path, megabytes: int) -> bytes:
    """A real outbox of about `megabytes`, with NUL runs through it and its end cut off."""
    per_item = 700
    with AgentStore.open(root, SERVER, AGENT) as store:
        store.submit_many([outcome(n) for n in range(megabytes * 1_000_000 // per_item)])
        store.compact()
        raw = bytearray((store.path / OUTBOX_FILE).read_bytes())
        store.acknowledge(item.id for item in store.pending())
    rng = random.Random(17)
    for _ in range(200):
        at = rng.randrange(len(raw))
        raw[at : at + 4096] = bytes(len(raw[at : at + 4096]))
    return bytes(raw[: len(raw) - 12_345])


def bench_open_and_submit(root: Path, items: int, submits: int, compacted: bool) -> None:
    with AgentStore.open(root, SERVER, AGENT) as store:
        store.acknowledge(item.id for item in store.pending())
        store.submit_many([outcome(n) for n in range(items)])
        if compacted:
            store.compact()
        size = sum(p.stat().st_size for p in store.path.glob("outbox.*") if p.is_file())
    seconds, cpu, store = timed_open(root)
    assert store.pending_count() == items
    times = []
    for n in range(submits):
        started = time.perf_counter()
        store.submit(outcome(items + n))
        times.append((time.perf_counter() - started) * 1000)
    store.close()
    label = "snapshot" if compacted else "journal "
    open_verdict = "ok" if seconds <= OPEN_TARGET_S else "OVER"
    worst = max(times)
    submit_verdict = "ok" if worst <= SUBMIT_TARGET_MS else "OVER"
    print(
        f"open {items:,} items ({label}, {size / 1e6:4.1f} MB)  "
        f"{seconds:5.2f} s (CPU {cpu:4.2f} s) "
        f"(target ≤ {OPEN_TARGET_S:.0f} s: {open_verdict}); then submit "
        f"p50 {statistics.median(times):5.1f} ms  max {worst:5.1f} ms "
        f"(target ≤ {SUBMIT_TARGET_MS:.0f} ms: {submit_verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--garbage-mb", type=int, default=50)
    parser.add_argument("--submits", type=int, default=30)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall times suffer)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bench_salvage(root / "random", os.urandom(args.garbage_mb * 1_000_000), "random bytes")
        damaged = damaged_outbox(root / "damaged", args.garbage_mb)
        bench_salvage(root / "damaged", damaged, "outbox: NUL runs, cut end")
        bench_open_and_submit(root / "open", args.items, args.submits, compacted=True)
        bench_open_and_submit(root / "journal", args.items, args.submits, compacted=False)


if __name__ == "__main__":
    main()
