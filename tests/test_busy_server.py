"""A busy server is not a hung one: it is never killed for being slow, and reads past its capacity are
refused at once instead of waiting until the client gives up."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from test_api import AppClient
from test_store import doc_a, doc_b

from conflictkg.api import Settings, create_app
from conflictkg.errors import StoreBusy, StoreError
from conflictkg.graph.falkor import FalkorStore

# seconds of work for one server thread, whatever the graph holds
SLOW = "UNWIND range(1, 4000) AS a UNWIND range(1, 4000) AS b WITH a, b WHERE a + b < 0 RETURN count(a) AS n"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FalkorStore]:
    handle = FalkorStore(tmp_path / "kg", max_queued_queries=2)
    handle.socket_timeout = 1.0  # the client's patience: short here, 120 s by default
    handle.ensure_schema()
    handle.write_extraction(doc_b())
    yield handle
    handle.close()


def test_a_write_that_waits_on_a_busy_server_does_not_kill_it(store: FalkorStore) -> None:
    """issue 13 item 8: a write held up past the client's patience by a busy server (here: writes paused, PING
    still answered) fails clearly; the server is not killed, and the write goes through once it is free."""
    pid = store.server.server_pid()
    admin = redis.Redis(unix_socket_path=str(store.server.socket_path))
    admin.execute_command("CLIENT", "PAUSE", 3000, "WRITE")
    with pytest.raises(StoreError, match="busy"):
        store.write_extraction(doc_a())
    admin.execute_command("CLIENT", "UNPAUSE")
    admin.close()
    assert store.server.server_pid() == pid
    assert store.document_sha("b.txt") == doc_b().document.sha256
    store.recover()
    store.write_extraction(doc_a())
    assert store.document_sha("a.txt") == doc_a().document.sha256


def test_reads_past_capacity_are_refused_and_the_server_stays(store: FalkorStore) -> None:
    """issue 13 item 8: with every server thread busy and the queue full, further reads are refused at once
    with a clear message (not queued until the client kills the server); the running reads finish."""
    pid = store.server.server_pid()
    readers = [FalkorStore(store.uri) for _ in range(8)]

    def slow(reader: FalkorStore) -> object:
        try:
            return reader.read(SLOW, timeout_ms=120_000)
        except StoreError as exc:
            return exc

    try:
        with ThreadPoolExecutor(len(readers)) as pool:
            outcomes = list(pool.map(slow, readers))
    finally:
        for reader in readers:
            reader.close()
    refused = [o for o in outcomes if isinstance(o, StoreError)]
    answered = [o for o in outcomes if not isinstance(o, StoreError)]
    assert refused and all(isinstance(o, StoreBusy) and "at capacity" in str(o) for o in refused)
    assert answered and all(o == [{"n": 0}] for o in answered)
    assert store.server.server_pid() == pid


def test_a_read_that_waits_on_a_busy_server_does_not_kill_it(tmp_path: Path) -> None:
    """issue 13 item 8: a read that waits longer than the client's patience behind others' work fails with
    "busy"; the server, which still answers PING, is not killed, and the others' reads complete."""
    store = FalkorStore(tmp_path / "kg")
    store.socket_timeout = 0.5
    store.ensure_schema()
    pid = store.server.server_pid()
    others = [FalkorStore(store.uri) for _ in range(3)]
    started = threading.Barrier(len(others) + 1)

    def slow(reader: FalkorStore) -> object:
        started.wait()
        return reader.read(SLOW, timeout_ms=120_000)

    try:
        with ThreadPoolExecutor(len(others)) as pool:
            busy = [pool.submit(slow, reader) for reader in others]
            started.wait()
            with pytest.raises(StoreError, match="busy"):
                store.read(SLOW, timeout_ms=120_000)
            assert all(f.result() == [{"n": 0}] for f in busy)
        assert store.server.server_pid() == pid
    finally:
        for reader in others:
            reader.close()
        store.close()


def test_cypher_past_capacity_is_503(store: FalkorStore) -> None:
    """issue 13 item 8: `/cypher` requests past what the API takes are answered 503 (ask again later), not 400 or
    500, and the server stays."""
    pid = store.server.server_pid()
    served = FalkorStore(store.uri)  # the same server, with the client's usual patience
    http = AppClient(create_app(served, settings=Settings(api_key="sesame")))

    def ask(_: int) -> int:
        response = http.post("/cypher", json={"query": SLOW}, headers={"Authorization": "Bearer sesame"})
        return response.status_code

    try:
        with ThreadPoolExecutor(8) as pool:  # the API takes 4 (one runs, three wait their turn), refuses the rest
            codes = list(pool.map(ask, range(8)))
    finally:
        served.close()
    assert set(codes) <= {200, 503} and 503 in codes and 200 in codes
    assert store.server.server_pid() == pid
