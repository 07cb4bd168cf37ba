"""A write waits for a long read instead of queueing behind it: FalkorDB runs a waiting write before every
read that arrives after it, so a write queued behind one slow analyst query stalled every other reader until
that query ended (found by benchmarks/abuse.py; issue 13, the abuse benchmark's p95)."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

from conftest import MINI_LEXICON

from conflictkg.graph.falkor import FalkorStore
from conflictkg.loaders.pipeline import Pipeline

SLOW_MS = 4_000
SLOW = "UNWIND range(1, 400000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x) AS c"


def test_a_read_arriving_while_a_write_waits_behind_a_slow_read_is_answered_first(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Russia deployed troops to Armenia.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Turkey supports Azerbaijan.", encoding="utf-8")
    store = FalkorStore(tmp_path / "kg")
    try:
        pipeline = Pipeline(store, [MINI_LEXICON])
        pipeline.ingest([tmp_path / "a.txt"])  # (the model is loaded now, not while the slow read runs)
        finished: dict[str, float] = {}

        def slow() -> None:
            with contextlib.suppress(Exception):  # a timeout is the expected end
                store.read(SLOW, timeout_ms=SLOW_MS)
            finished["slow"] = time.monotonic()

        def write() -> None:
            pipeline.ingest([tmp_path / "b.txt"])
            finished["write"] = time.monotonic()

        readers = threading.Thread(target=slow)
        readers.start()
        time.sleep(0.8)  # the slow read is running
        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.8)  # the write is waiting for it
        rows = store.read("MATCH (d:Document) RETURN count(d) AS n")
        answered = time.monotonic()
        readers.join()
        writer.join()
        assert rows[0]["n"] >= 1
        assert answered < finished["slow"], "the read waited for the slow read to end"
        assert finished["write"] >= finished["slow"] - 0.5, "the write did not wait for the slow read"
        assert store.read("MATCH (d:Document) RETURN count(d) AS n")[0]["n"] == 2
    finally:
        store.close()
