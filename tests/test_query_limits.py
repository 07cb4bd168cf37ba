"""What one read may cost: the server's per-query memory cap, and row caps the engine applies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from test_api import AppClient

from conflictkg.api import Settings, create_app
from conflictkg.errors import StoreError
from conflictkg.graph.falkor import FalkorStore
from conflictkg.graph.rowcap import cap_rows

# four million rows from two tiny lists: more than the small cap below allows the server to hold
MANY_ROWS = "UNWIND range(1, 2000) AS a UNWIND range(1, 2000) AS b RETURN a, b"
HOARD = "UNWIND range(1, 20000000) AS x WITH collect(x) AS xs RETURN size(xs) AS n"


@pytest.fixture
def small(tmp_path: Path) -> Iterator[FalkorStore]:
    store = FalkorStore(tmp_path / "kg", query_memory_mb=64)
    store.ensure_schema()
    yield store
    store.close()


def test_a_query_over_the_memory_cap_is_stopped_and_the_server_stays(small: FalkorStore) -> None:
    """issue 13 item 9: a read that would take gigabytes stops at the per-query memory cap with a clear error;
    the server is not restarted and answers the next read."""
    pid = small.server.server_pid()
    with pytest.raises(StoreError, match="more than the 64 MB one query may use"):
        small.read(HOARD, timeout_ms=60_000)
    assert small.read("RETURN 1 AS one") == [{"one": 1}]
    assert small.server.server_pid() == pid


def test_the_row_cap_reaches_the_engine(small: FalkorStore) -> None:
    """issue 13 item 9: with `max_rows` the engine stops producing rows: the same query read in full is over
    the memory cap, capped it answers (and in every form the cap may take)."""
    with pytest.raises(StoreError, match="one query may use"):
        small.read(MANY_ROWS, timeout_ms=60_000)
    assert len(small.read(MANY_ROWS, timeout_ms=60_000, max_rows=1001)) == 1001
    assert len(small.read(MANY_ROWS + " LIMIT 3000000", timeout_ms=60_000, max_rows=10)) == 10
    assert len(small.read(MANY_ROWS + " LIMIT $n;", {"n": 3_000_000}, timeout_ms=60_000, max_rows=10)) == 10
    assert small.read(MANY_ROWS + " LIMIT 2 // two", max_rows=10) == [{"a": 1, "b": 1}, {"a": 1, "b": 2}]
    union = MANY_ROWS + " UNION RETURN 0 AS a, 0 AS b"
    assert len(small.read(union, timeout_ms=60_000, max_rows=5)) == 5


def test_cap_rows_leaves_what_it_cannot_cap() -> None:
    """issue 13 item 9: a procedure call without RETURN, or text whose brackets do not balance, goes to the
    engine as it is (which answers the former and refuses the latter); words in strings are not clauses."""
    assert cap_rows("CALL db.labels()", 5) == "CALL db.labels()"
    assert cap_rows("RETURN 1 } RETURN 2 {", 5) == "RETURN 1 } RETURN 2 {"
    assert cap_rows("MATCH (n {name: 'a LIMIT'}) RETURN n.return AS r", 5).endswith("RETURN n.return AS r\nLIMIT 5")
    assert cap_rows("MATCH (n) WITH n LIMIT 900 RETURN n LIMIT 2", 5) == "MATCH (n) WITH n LIMIT 900 RETURN n LIMIT 2"


def test_cypher_endpoint_reads_no_more_rows_than_it_returns(small: FalkorStore) -> None:
    """issue 13 item 9: `/cypher` caps rows at the engine (the uncapped query is over the memory cap)."""
    http = AppClient(create_app(small, settings=Settings(api_key="sesame")))
    response = http.post("/cypher", json={"query": MANY_ROWS}, headers={"Authorization": "Bearer sesame"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["rows"]) == 1000 and body["truncated"] is True
    assert body["rows"][0] == {"a": 1, "b": 1}
