"""A slow store read holds up its own request only: the API's event loop keeps answering the others."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import redis
import uvicorn
from conftest import MINI_LEXICON
from test_api import seeded_store

from conflictkg.api import Settings, create_app
from conflictkg.graph.falkor import FalkorStore

PAUSE_MS = 5_000


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[FalkorStore, str]]:
    """The app behind a real uvicorn server (one event loop, as `kg serve` runs it), on a free port."""
    store = seeded_store(tmp_path / "kg")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store, settings=Settings(api_key="sesame"),
                                                      lexicons=[MINI_LEXICON]),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "uvicorn did not start"
        time.sleep(0.01)
    yield store, f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)
    store.close()


def test_a_slow_read_does_not_hold_up_other_requests(served: tuple[FalkorStore, str]) -> None:
    """issue 13 item 7: while one GraphQL read waits seconds on a busy store, `{ __typename }` and a refused
    `/cypher` answer at once (well before the slow read is over)."""
    store, base = served
    admin = redis.Redis(unix_socket_path=str(store.server.socket_path))
    with httpx.Client(base_url=base, timeout=60) as http, ThreadPoolExecutor(1) as pool:
        admin.execute_command("CLIENT", "PAUSE", PAUSE_MS, "ALL")  # the store answers nobody for a while
        started = time.monotonic()
        slow = pool.submit(http.post, "/graphql", json={"query": "{ documents { totalCount } }"})
        time.sleep(0.5)  # the slow request is waiting on the store by now
        asked = time.monotonic()
        quick = http.post("/graphql", json={"query": "{ __typename }"})
        typename_took = time.monotonic() - asked
        asked = time.monotonic()
        refused = http.post("/cypher", json={"query": "RETURN 1"})
        refused_took = time.monotonic() - asked
        assert not slow.done()
        answer = slow.result(60)
        slow_at = time.monotonic() - started
    admin.close()
    assert quick.json() == {"data": {"__typename": "Query"}}
    assert refused.status_code == 401
    assert answer.status_code == 200 and answer.json()["data"]["documents"]["totalCount"] == 2
    assert slow_at >= PAUSE_MS / 1000 - 0.5
    # the bound: each quick request took a tenth of the slow one at most (typically milliseconds)
    assert typename_took < 0.1 * slow_at
    assert refused_took < 0.1 * slow_at
