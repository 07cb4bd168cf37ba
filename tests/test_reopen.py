"""A store with a long write history reopens: its log is compacted as it grows, and a server replaying it is
waited for (not taken for a hung one); a failed open leaves no server behind."""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

import pytest
import redis
from test_server_fault import servers_for

from conflictkg.errors import StoreError
from conflictkg.graph.embedded import AOF_REWRITE_MIN
from conflictkg.graph.falkor import FalkorStore
from conflictkg.schema.models import DocumentMeta, Entity, Evidence, Extraction, Mention, Relation


def long_document(doc: str) -> Extraction:
    """One relation quoted from a long sentence (about 8 kB): a few hundred make megabytes of log."""
    text = "Azerbaijan took control of Shusha, " + "according to the observers on the ground, " * 190 + doc
    ev = Evidence(document=doc, quote=text, start=0, end=len(text), extractor="test:hand@1", confidence=0.9)
    return Extraction(
        document=DocumentMeta(id=doc, title=doc, sha256=hashlib.sha256(text.encode()).hexdigest()),
        entities=[Entity(id="azerbaijan", label="Actor", kind="State", name="Azerbaijan"),
                  Entity(id="shusha", label="Territory", kind="Settlement", name="Shusha")],
        mentions=[Mention(entity_id="azerbaijan", surface="Azerbaijan", start=0, end=10, rule="test"),
                  Mention(entity_id="shusha", surface="Shusha", start=27, end=33, rule="test")],
        relations=[Relation(subject="azerbaijan", predicate="CONTROLS", object="shusha", evidence=[ev])],
    )


def log_sizes(data: Path) -> tuple[int, int]:
    """(bytes of the compacted base, bytes of the commands logged since)."""
    folder = data / "appendonlydir"
    base = sum(f.stat().st_size for f in folder.glob("*.base.rdb"))
    return base, sum(f.stat().st_size for f in folder.glob("*.incr.aof"))


def test_the_log_is_compacted_as_it_grows(tmp_path: Path) -> None:
    """issue 13 item 2: many small writes do not make an ever longer log to replay: the server rewrites it into
    a compact base once it grows past a few megabytes, and everything is there after a reopen."""
    data = tmp_path / "kg"
    store = FalkorStore(data)
    store.ensure_schema()
    for i in range(800):
        store.write_extraction(long_document(f"d{i}.txt"))
    store.close()
    limit = int(AOF_REWRITE_MIN.removesuffix("mb")) * 1024 * 1024
    base, since = log_sizes(data)
    assert base > 100_000  # the documents are in the compacted base (an empty one is ~100 bytes) ...
    assert since < limit  # ... and the commands logged since it are fewer than the threshold
    reopened = FalkorStore(data)
    assert reopened.stats()["documents"] == 800
    reopened.close()


@pytest.fixture(scope="module")
def slow_to_load(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose log takes seconds to replay, during which the server answers PING late or not at all: one
    write of 1.5 million nodes and one that deletes them (a short log of long commands)."""
    data = tmp_path_factory.mktemp("history") / "kg"
    store = FalkorStore(data)
    store.ensure_schema()
    store.write_extraction(long_document("kept.txt"))
    server = redis.Redis(unix_socket_path=str(store.server.socket_path))
    server.execute_command("GRAPH.QUERY", "kg", "UNWIND range(1, 1500000) AS i CREATE (:Scratch {i: i})")
    server.execute_command("GRAPH.QUERY", "kg", "MATCH (n:Scratch) DELETE n")
    server.close()
    store.close()
    return data


def test_a_server_replaying_its_log_is_waited_for(slow_to_load: Path, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """issue 13 item 2: a replay longer than the start timeout, with the server silent for seconds, is waited
    for while the server works; the store opens with its data."""
    data = tmp_path / "kg"
    shutil.copytree(slow_to_load, data)
    store = FalkorStore(data)
    store.server.start_timeout = 0.5
    caplog.set_level(logging.WARNING, "conflictkg.graph.embedded")
    try:
        assert store.document_sha("kept.txt") is not None
        assert store.stats()["documents"] == 1
    finally:
        store.close()
    assert servers_for(store) == []


def test_a_failed_open_leaves_no_server(slow_to_load: Path, tmp_path: Path) -> None:
    """issue 13 item 2: when the server does not come up in time (here: a load budget shorter than the
    replay), opening fails with a clear error and no redis-server is left running."""
    data = tmp_path / "kg"
    shutil.copytree(slow_to_load, data)
    store = FalkorStore(data)
    store.server.load_timeout = 0.5
    with pytest.raises(StoreError, match="did not come up"):
        store.read("RETURN 1 AS one")
    assert store.server.server_pid() is None
    assert servers_for(store) == []
    store.close()
