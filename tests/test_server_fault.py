"""The embedded FalkorDB server killed (SIGKILL) under the API: reads restart it, writes are never resent,
and everything committed before the kill is still there (appendfsync always)."""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI_LEXICON
from test_api import INGEST, NEW_TEXT, AppClient, seeded_store

from conflictkg.api import Settings, create_app
from conflictkg.errors import StoreError
from conflictkg.graph.embedded import _pid_alive
from conflictkg.graph.falkor import FalkorStore

QUERY = ("{ documents { totalCount edges { node { id } } } "
         'guarantees(corridor: "Lachin corridor") { guarantor { name } evidence { quote document { id } } } }')
AUTH = {"Authorization": "Bearer sesame"}


def kill_server(store: FalkorStore) -> int:
    """SIGKILL the server (no shutdown, no final fsync) and wait until it is gone; returns its pid."""
    pid = store.server.server_pid()
    assert pid is not None, "the server is not running"
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _pid_alive(pid):
        assert time.monotonic() < deadline, "the killed server did not die"
        time.sleep(0.01)
    return pid


def servers_for(store: FalkorStore) -> list[int]:
    """Live redis-server processes started for this data directory (found by their socket path)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(store.server.socket_path).encode() in cmdline.read_bytes():
                pid = int(cmdline.parent.name)
                if _pid_alive(pid):
                    found.append(pid)
        except (OSError, ValueError):
            continue
    return found


def ask(http: AppClient, query: str, variables: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
    response = http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert not answer.get("errors"), answer["errors"]
    return answer["data"]  # type: ignore[no-any-return]


@pytest.fixture
def served(tmp_path: Path) -> Any:
    store = seeded_store(tmp_path / "kg")
    yield store, AppClient(create_app(store, settings=Settings(api_key="sesame"), lexicons=[MINI_LEXICON]))
    store.close()


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds server processes through /proc")
def test_a_killed_server_is_restarted_by_the_next_reads(served: tuple[FalkorStore, AppClient]) -> None:
    store, http = served
    before = ask(http, QUERY)
    assert before["documents"]["totalCount"] == 2
    old = kill_server(store)

    # eight requests at once after the kill: every one is answered from the restarted server, and one server runs
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: ask(http, QUERY), range(8)))
    assert all(answer == before for answer in answers)
    assert servers_for(store) == [store.server.server_pid()] != [old]


def test_committed_writes_survive_a_kill_and_a_full_restart(served: tuple[FalkorStore, AppClient]) -> None:
    store, http = served
    [written] = ask(http, INGEST, {"docs": [{"id": "new.txt", "text": NEW_TEXT}]}, **AUTH)["ingest"]
    assert written["status"] == "ingested"
    expected = ask(http, QUERY)
    assert expected["documents"]["totalCount"] == 3
    exported = list(store.export_records())

    kill_server(store)  # right after the mutation answered: its writes were fsynced before the answer
    assert ask(http, QUERY) == expected
    kill_server(store)
    store.close()
    reopened = FalkorStore(store.uri)  # a cold start from the append-only file alone
    try:
        assert list(reopened.export_records()) == exported
    finally:
        reopened.close()


def test_a_write_to_a_killed_server_fails_clearly_and_is_not_resent(served: tuple[FalkorStore, AppClient]) -> None:
    store, http = served
    stats = store.stats()
    kill_server(store)
    with pytest.raises(StoreError, match="went away during a write, which was not retried"):
        store._write("CREATE (:Probe {id: 'sent once'})")
    assert store.read("MATCH (p:Probe) RETURN count(p) AS n") == [{"n": 0}]  # restarted; the write never landed
    assert store.stats() == stats

    # an ingest after a kill runs on the restarted server (its first steps are reads), and is kept
    kill_server(store)
    [written] = ask(http, INGEST, {"docs": [{"id": "new.txt", "text": NEW_TEXT}]}, **AUTH)["ingest"]
    assert written["status"] == "ingested"
    assert store.stats()["documents"] == stats["documents"] + 1


def test_a_server_that_stops_answering_is_replaced_and_reads_go_on(tmp_path: Path) -> None:
    """A hung server (here: stopped with SIGSTOP) is killed and started again; committed data survives."""
    from conflictkg.schema.models import DocumentMeta, Extraction

    store = FalkorStore(tmp_path / "kg")
    store.socket_timeout = 1.0  # seconds without an answer before the server counts as hung
    try:
        store.ensure_schema()
        store.write_extraction(Extraction(document=DocumentMeta(id="kept.txt", sha256="1")))
        pid = store.server.server_pid()
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)
        assert store.document_sha("kept.txt") == "1"
        assert store.server.server_pid() not in {None, pid}
        assert not _pid_alive(pid)
    finally:
        store.close()
