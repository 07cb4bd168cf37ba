"""Ad-hoc reads (a user's Cypher) take turns with writes, one at a time: a write that met a long ad-hoc read froze
the whole embedded server (every read, even PING) until the read ended, and a forged cursor or a normal client
waited up to 10 s (issue 13, items 7 and 8; found by benchmarks/abuse.py). No timing asserts: the order of
events is what is checked."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import redis
import uvicorn
from conftest import MINI_LEXICON
from test_api import seeded_store
from test_store import doc_a

from conflictkg.api import Settings, create_app
from conflictkg.errors import StoreBusy, StoreError
from conflictkg.graph.falkor import FalkorStore
from conflictkg.graph.turns import Turns

# seconds of work for one engine thread, whatever the graph holds; stopped by its timeout
SLOW = "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b WITH a, b WHERE a * b < 0 RETURN count(*) AS n"
AUTH = {"Authorization": "Bearer sesame"}


def _until(condition: Callable[[], bool], what: str) -> None:
    """Wait for an event of the test (not a measurement): fail only if it never comes."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.01)


def _writer_waits(caplog: pytest.LogCaptureFixture) -> Callable[[], bool]:
    return lambda: any("a write waits for a Cypher query" in r.getMessage() for r in caplog.records)


@pytest.fixture
def turns_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="conflictkg.graph.turns")
    return caplog


def test_adhoc_reads_run_one_at_a_time(tmp_path: Path) -> None:
    first, second = Turns(tmp_path), Turns(tmp_path)  # two users of one store (processes or threads)
    with first.adhoc(wait=0), pytest.raises(StoreBusy, match="one at a time"), second.adhoc(wait=0):
        pass
    with second.adhoc(wait=30):  # free again (after the first's rest)
        pass


def test_a_write_waits_for_an_adhoc_read_and_goes_before_the_next(tmp_path: Path,
                                                                 turns_log: pytest.LogCaptureFixture) -> None:
    reader, writer, newcomer = Turns(tmp_path), Turns(tmp_path), Turns(tmp_path)
    taken: list[bool] = []

    def write() -> None:
        with writer.write(wait=600) as got:
            taken.append(got)

    thread = threading.Thread(target=write)
    with reader.adhoc(wait=0):
        thread.start()
        _until(_writer_waits(turns_log), "the write waits")
        assert not taken  # it waits while the ad-hoc read holds the store
        with pytest.raises(StoreBusy), newcomer.adhoc(wait=0):  # and no later ad-hoc read overtakes it
            pass
    thread.join(60)
    assert taken == [True]
    with newcomer.adhoc(wait=30):
        pass


def test_a_write_goes_ahead_when_its_wait_runs_out(tmp_path: Path) -> None:
    reader, writer = Turns(tmp_path), Turns(tmp_path)
    with reader.adhoc(wait=0), writer.write(wait=0) as taken:
        assert taken is False
    with writer.write(wait=0) as taken:
        assert taken is True


def test_adhoc_reads_get_at_most_half_of_the_time_and_writes_go_on_meanwhile(tmp_path: Path) -> None:
    first, second, writer = Turns(tmp_path), Turns(tmp_path), Turns(tmp_path)
    with first.adhoc(wait=0):
        time.sleep(0.5)  # an ad-hoc read that runs a while
    with pytest.raises(StoreBusy, match="at most half of the store's time"), second.adhoc(wait=0):
        pass
    with writer.write(wait=0) as taken:  # the rest holds back ad-hoc reads only
        assert taken is True
    with second.adhoc(wait=30):  # once the rest is over
        pass


def _running(store: FalkorStore, text: str) -> Callable[[], bool]:
    admin = redis.Redis(unix_socket_path=str(store.server.socket_path), decode_responses=True)

    def check() -> bool:
        running = admin.execute_command("GRAPH.INFO", "RunningQueries")[1]
        return any(text in str(entry) for entry in running)

    return check


def test_a_write_meeting_a_long_adhoc_read_does_not_freeze_the_store(tmp_path: Path,
                                                                    turns_log: pytest.LogCaptureFixture) -> None:
    """The write waits for its turn outside the engine; meanwhile the engine answers other reads."""
    store = seeded_store(tmp_path / "kg")
    writer = FalkorStore(store.uri)  # another user of the store, as `kg ingest` is
    slow_over = threading.Event()
    write_saw: list[bool] = []

    def slow() -> None:
        with contextlib.suppress(StoreError):  # its timeout is its end
            store.read(SLOW, timeout_ms=8000, adhoc=True)
        slow_over.set()

    def write() -> None:
        writer.write_extraction(doc_a())
        write_saw.append(slow_over.is_set())

    try:
        with ThreadPoolExecutor(2) as pool:
            pool.submit(slow)
            _until(_running(store, "a * b < 0"), "the ad-hoc read runs")
            written = pool.submit(write)
            _until(_writer_waits(turns_log), "the write waits")
            rows = store.read("MATCH (d:Document) RETURN count(d) AS n")
            assert not slow_over.is_set(), "the other read was held until the ad-hoc read ended"
            written.result(60)
        assert rows == [{"n": 2}]
        assert write_saw == [True]  # the write went after the ad-hoc read
        assert store.document_sha("a.txt") == doc_a().document.sha256
    finally:
        writer.close()
        store.close()


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
           ) -> Iterator[tuple[FalkorStore, str]]:
    """The app behind a real uvicorn server (one event loop, as `kg serve` runs it); the test's parameter, if
    any, is how many /cypher queries it takes at once."""
    monkeypatch.setattr("conflictkg.api.app.MAX_CYPHER_QUERIES", getattr(request, "param", 4))
    store = seeded_store(tmp_path / "kg")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(store, settings=Settings(api_key="sesame"), lexicons=[MINI_LEXICON])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    _until(lambda: server.started, "uvicorn started")
    yield store, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)
    store.close()


def _slow_cypher(pool: ThreadPoolExecutor, base: str, store: FalkorStore) -> Future[httpx.Response]:
    slow = pool.submit(httpx.post, f"{base}/cypher", json={"query": SLOW}, headers=AUTH, timeout=60)
    _until(_running(store, "a * b < 0"), "the slow /cypher query runs")
    return slow


def test_graphql_and_refusals_are_answered_while_a_cypher_query_runs_and_cypher_queues(
        served: tuple[FalkorStore, str]) -> None:
    store, base = served
    with ThreadPoolExecutor(2) as pool, httpx.Client(base_url=base, timeout=60, headers=AUTH) as http:
        slow = _slow_cypher(pool, base, store)
        queued = pool.submit(http.post, "/cypher", json={"query": "RETURN 1 AS one"})
        answer = http.post("/graphql", json={"query": "{ documents { totalCount } }"})
        nested = http.post("/cypher", json={"query": "RETURN " + "(" * 40 + "1" + ")" * 40})
        writing = http.post("/cypher", json={"query": "CREATE (:X)"})
        assert not slow.done(), "a request was held until the /cypher query ended"
        assert answer.json() == {"data": {"documents": {"totalCount": 2}}}
        assert nested.status_code == 400 and writing.status_code == 403
        assert queued.result(60).json() == {"rows": [{"one": 1}], "truncated": False}
        assert slow.done()  # the second Cypher query ran after the first, not beside it
        assert slow.result().status_code == 400 and "timed out" in slow.result().text


@pytest.mark.parametrize("served", [1], indirect=True)
def test_cypher_queries_past_the_bound_are_refused_at_once(served: tuple[FalkorStore, str]) -> None:
    store, base = served
    with ThreadPoolExecutor(1) as pool:
        slow = _slow_cypher(pool, base, store)
        refused = httpx.post(f"{base}/cypher", json={"query": "RETURN 1"}, headers=AUTH, timeout=60)
        assert not slow.done()
        slow.result(60)
    assert refused.status_code == 503
    assert "1 Cypher queries are running or waiting already" in refused.json()["error"]
