"""`kg cypher` is read-only: writes, LOAD CSV and writing procedures are refused by name, and change nothing.

Also: words inside strings, comments and property names are not clauses, parameters
are values, the row cap and the timeout hold, and Neo4j's EXPLAIN verdict is checked
(against a stand-in driver: there is no Neo4j server in CI).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from conftest import KG, flat
from test_store import doc_a, doc_b

from conflictkg.errors import ReadOnlyViolation, StoreError
from conflictkg.graph.falkor import FalkorStore
from conflictkg.graph.neo4j import Neo4jStore
from conflictkg.graph.readonly import check_read_only

REFUSED = [
    ("CREATE (:Entity {id: 'intruder'})", "CREATE writes to the graph"),
    ("MERGE (n:Entity {id: 'intruder'}) RETURN n", "MERGE writes to the graph"),
    ("MATCH (n:Entity {id: 'shusha'}) SET n.name = 'x'", "SET writes to the graph"),
    ("MATCH (ev:Evidence) DELETE ev", "DELETE writes to the graph"),
    ("MATCH (d:Document) DETACH DELETE d", "DETACH DELETE writes to the graph"),
    ("MATCH (n:Entity) REMOVE n.name", "REMOVE writes to the graph"),
    ("match (n) with n create (m {id: 'intruder'})", "CREATE writes to the graph"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD CSV reads files or URLs outside the graph"),
    ("CALL db.idx.fulltext.createNodeIndex('Entity', 'name')",
     "CALL db.idx.fulltext.createNodeIndex is refused (the procedure changes indexes, caches or data)"),
    ("CALL db.idx.fulltext.drop('Entity')", "CALL db.idx.fulltext.drop is refused"),
    ("CALL dbms.security.createUser('mallory', 'pw', false)", "CALL dbms.security.createUser is refused (dbms.*"),
    ("CALL apoc.cypher.runWrite('CREATE (n)', {})", "CALL apoc.cypher.runWrite is refused (apoc.*"),
    ("CALL db.createLabel('Intruder')", "CALL db.createLabel is refused (db.create*"),
    ("UNWIND [1] AS x FOREACH (y IN [x] | CREATE (:Entity {id: 'intruder'}))", "FOREACH"),
]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KG, str]]:
    """A store with two documents, held open so the server stays up between commands; and its export."""
    data = tmp_path_factory.mktemp("readonly") / "kg"
    holder = FalkorStore(data)
    holder.ensure_schema()
    holder.write_extraction(doc_a())
    holder.write_extraction(doc_b())
    kg = KG(data)
    yield kg, kg.export()
    holder.close()


@pytest.mark.parametrize(("query", "message"), REFUSED, ids=[q.split()[0] + str(i) for i, (q, _) in enumerate(REFUSED)])
def test_kg_cypher_refuses_by_name_and_changes_nothing(small: tuple[KG, str], query: str, message: str) -> None:
    kg, before = small
    result = kg("cypher", query)
    assert result.exit_code == 1
    assert f"read-only query refused: {message}" in flat(result.stderr)
    assert result.stdout == ""
    assert kg.export() == before


def test_clause_words_in_strings_comments_and_names_are_not_clauses(small: tuple[KG, str]) -> None:
    kg, _ = small
    query = ("MATCH (ev:Evidence) // a comment that says CREATE\n"
             "WHERE ev.quote CONTAINS 'guarantees' AND NOT ev.quote CONTAINS \"DETACH DELETE\" /* SET */ "
             "RETURN ev.start AS start, ev.end AS end, {set: 1} AS `merge` ORDER BY start LIMIT 1")
    result = kg("cypher", query)
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout)
    assert row["end"] > row["start"] and row["merge"] == {"set": 1}


@pytest.mark.parametrize("hostile", [
    "x'}) DETACH DELETE n //",
    "shusha' OR 1=1 //",
    "') CALL dbms.security.createUser('m', 'p', false) //",
    "\\u0027}) SET n.name = 'owned' //",
])
def test_injection_looking_parameters_are_only_values(small: tuple[KG, str], hostile: str) -> None:
    kg, before = small
    query = "MATCH (n:Entity) WHERE n.id = $id RETURN n.id AS id"
    result = kg("cypher", query, "--params", json.dumps({"id": hostile}))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    found = kg("cypher", "MATCH (n:Entity) WHERE n.id = $id RETURN n.name AS name", "--params",
               json.dumps({"id": "shusha"}))
    assert json.loads(found.stdout) == {"name": "Shusha"}
    assert kg.export() == before


def test_row_cap_and_timeout(small: tuple[KG, str]) -> None:
    kg, _ = small
    capped = kg("cypher", "UNWIND range(1, 50) AS x RETURN x", "--limit", "3")
    assert capped.exit_code == 0
    assert [json.loads(line)["x"] for line in capped.stdout.splitlines()] == [1, 2, 3]
    assert "showing the first 3 rows" in flat(capped.stderr)
    endless = "UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y RETURN count(*) AS n"  # 10^10 rows
    slow = kg("cypher", endless, "--timeout", "0.005")
    assert slow.exit_code == 1
    assert "timed out after 5 ms" in flat(slow.stderr)
    assert kg("cypher", "RETURN 1 AS x", "--limit", "0").exit_code == 2  # a usage error, not a silent empty result


def test_params_must_be_an_object(small: tuple[KG, str]) -> None:
    kg, _ = small
    result = kg("cypher", "RETURN $x AS x", "--params", "[1, 2]")
    assert result.exit_code == 1 and "--params must be a JSON object" in flat(result.stderr)


# -- Neo4j: EXPLAIN's query type decides, after the clause check ------------------------------------------------------
class FakeDriver:
    """Answers EXPLAIN with a planned query type, and records every query that reached it."""

    def __init__(self, query_type: str) -> None:
        self.query_type = query_type
        self.seen: list[str] = []

    def execute_query(self, query: Any, params: dict[str, Any], **_: Any) -> tuple[list[Any], Any, list[str]]:
        self.seen.append(query.text)
        summary = SimpleNamespace(query_type=self.query_type)
        if query.text.startswith("EXPLAIN "):
            return [], summary, []
        return [SimpleNamespace(data=lambda: {"n": 1})], summary, ["n"]


def neo4j_with(driver: FakeDriver, monkeypatch: pytest.MonkeyPatch) -> Neo4jStore:
    store = Neo4jStore("neo4j://nowhere:7687")
    monkeypatch.setattr(store, "_connect", lambda: driver)
    return store


@pytest.mark.parametrize("query_type", ["rw", "w", "s"])
def test_neo4j_refuses_what_explain_plans_as_writing(monkeypatch: pytest.MonkeyPatch, query_type: str) -> None:
    driver = FakeDriver(query_type)
    with pytest.raises(ReadOnlyViolation, match="read-only query refused: Neo4j plans it as a"):
        neo4j_with(driver, monkeypatch).read("CALL some.plugin.procedure()")
    assert driver.seen == ["EXPLAIN CALL some.plugin.procedure()"]  # planned, never run


def test_neo4j_runs_a_read_after_explain(monkeypatch: pytest.MonkeyPatch) -> None:
    driver = FakeDriver("r")
    assert neo4j_with(driver, monkeypatch).read("MATCH (n) RETURN count(n) AS n") == [{"n": 1}]
    assert driver.seen == ["EXPLAIN MATCH (n) RETURN count(n) AS n", "MATCH (n) RETURN count(n) AS n"]


def test_neo4j_never_sends_a_refused_clause(monkeypatch: pytest.MonkeyPatch) -> None:
    driver = FakeDriver("r")  # LOAD CSV plans as a read: only the clause check stops it
    with pytest.raises(ReadOnlyViolation, match="LOAD CSV"):
        neo4j_with(driver, monkeypatch).read("LOAD CSV FROM 'https://example.org/x.csv' AS row RETURN row")
    assert driver.seen == []


def test_the_check_is_shared_and_cheap_for_the_store_s_own_queries(tmp_path: Path) -> None:
    """The store's internal reads pass the same check (cached per query text)."""
    store = FalkorStore(tmp_path / "kg")
    try:
        store.write_extraction(doc_a())
        list(store.export_records())
        assert check_read_only.cache_info().hits > 0
    finally:
        store.close()


# -- issue 13 item 12: a procedure name is the same name however it is quoted ----------------------------------------
REFUSED_PROCEDURES = [  # (dotted name, the refusal it gets): one per refused family
    ("dbms.procedures", "dbms.* procedures"),
    ("dbms.security.createUser", "dbms.* procedures"),
    ("apoc.load.json", "apoc.* procedures"),
    ("apoc.cypher.runWrite", "apoc.* procedures"),
    ("db.createLabel", "db.create* procedures"),
    *[(f"db.idx.fulltext.{verb}Thing", "changes indexes, caches or data")
      for verb in ("create", "drop", "delete", "remove", "set", "clear", "merge", "add", "write", "kill", "load")],
]


def _spellings(name: str) -> list[str]:
    parts = name.split(".")
    return [name, ".".join(f"`{p}`" for p in parts), f"`{name}`", f"{parts[0]}.`{'.'.join(parts[1:])}`",
            " . ".join(parts), f"`{parts[0]}` /* a comment */ . `{'.'.join(parts[1:])}`"]


@pytest.mark.parametrize(("name", "reason"), REFUSED_PROCEDURES, ids=[n for n, _ in REFUSED_PROCEDURES])
def test_refused_procedures_are_refused_in_every_spelling(name: str, reason: str) -> None:
    """issue 13 item 12: backticked and dotted names are normalised before the check, so ``CALL `dbms`.`procedures`()``
    and ``CALL `apoc.load.json`(...)`` are refused like their plain spelling, naming the procedure."""
    for spelled in _spellings(name):
        with pytest.raises(ReadOnlyViolation) as refused:
            check_read_only(f"CALL {spelled}('x') YIELD value RETURN value")
        assert f"CALL {name} is refused" in str(refused.value) and reason in str(refused.value), spelled


def test_backticked_names_that_are_only_names_still_run(small: tuple[KG, str]) -> None:
    """issue 13 item 12: a backticked alias or label that spells a clause or a procedure is no clause."""
    kg, _ = small
    result = kg("cypher", "MATCH (n:`Entity`) WHERE n.id = 'shusha' RETURN n.name AS `CALL dbms.procedures`, "
                "1 AS `CREATE`")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"CALL dbms.procedures": "Shusha", "CREATE": 1}


def test_backticked_procedure_is_refused_through_kg_cypher(small: tuple[KG, str]) -> None:
    """issue 13 item 12: the refusal reaches the analyst as one line, and nothing runs."""
    kg, before = small
    result = kg("cypher", "CALL `dbms`.`procedures`() YIELD name RETURN name")
    assert result.exit_code == 1
    assert "read-only query refused: CALL dbms.procedures is refused" in flat(result.stderr)
    assert kg.export() == before


# -- issue 13 item 10: texts the engine's parser would stall on are refused before they reach it -----------------------
NESTED = {
    "parentheses": lambda d: "RETURN " + "(" * d + "1" + ")" * d + " AS x",
    "lists": lambda d: "RETURN " + "[" * d + "1" + "]" * d + " AS x",
    "maps": lambda d: "RETURN " + "{a: " * d + "1" + "}" * d + " AS x",
    "functions": lambda d: "RETURN " + "abs(" * d + "1" + ")" * d + " AS x",
    "NOT": lambda d: "RETURN " + "NOT " * d + "true AS x",
    "minus": lambda d: "RETURN " + "- " * d + "1 AS x",
    "CASE": lambda d: "RETURN " + "CASE WHEN true THEN " * d + "1" + " END" * d + " AS x",
}


@pytest.mark.parametrize("kind", NESTED)
def test_nesting_beyond_the_bound_is_refused_before_the_engine(kind: str) -> None:
    """issue 13 item 10: FalkorDB's parse time doubles per nesting level outside the query timeout (40 levels never
    returned), so a text nested deeper than MAX_NESTING is refused, naming the limit."""
    from conflictkg.graph.readonly import MAX_NESTING

    check_read_only(NESTED[kind](MAX_NESTING))
    for depth in (MAX_NESTING + 1, 40, 400):
        with pytest.raises(StoreError, match=f"nest {depth} deep, more than the limit of {MAX_NESTING}"):
            check_read_only(NESTED[kind](depth))


def test_nested_prefix_operators_and_brackets_add_up() -> None:
    """issue 13 item 10: `NOT(NOT(...` nests twice per step (it took four minutes at 16 steps)."""
    with pytest.raises(StoreError, match="nest 12 deep"):
        check_read_only("RETURN " + "NOT(" * 6 + "true" + ")" * 6 + " AS x")


def test_overlong_query_text_is_refused() -> None:
    """issue 13 item 10: a text longer than MAX_QUERY_CHARS is refused, naming the limit and what to do."""
    from conflictkg.graph.readonly import MAX_QUERY_CHARS

    long = "RETURN " + "+".join(["1"] * (MAX_QUERY_CHARS // 2)) + " AS x"
    with pytest.raises(StoreError, match=f"more than the limit of {MAX_QUERY_CHARS:,}; pass long lists as"):
        check_read_only(long)


def test_deep_query_through_kg_cypher_is_refused_and_the_store_still_answers(small: tuple[KG, str]) -> None:
    """issue 13 item 10: the refusal is one line with exit 1; the next query is answered."""
    kg, _ = small
    refused = kg("cypher", NESTED["functions"](20))
    assert refused.exit_code == 1 and "more than the limit of 10" in flat(refused.stderr)
    at_bound = kg("cypher", NESTED["parentheses"](10))
    assert at_bound.exit_code == 0 and json.loads(at_bound.stdout) == {"x": 1}


@pytest.mark.parametrize(("params", "message"), [
    ('{"a`b": 1}', "parameter name 'a`b' is not usable"),
    ('{"n": 99999999999999999999999}', "parameter $n holds an integer beyond 64 bits"),
    ('{"p": ' + "[" * 5000 + "]" * 5000 + "}", "--params is not valid JSON: it nests too deeply"),
])
def test_kg_cypher_refuses_unusable_params(small: tuple[KG, str], params: str, message: str) -> None:
    """issue 13 item 13: `kg cypher --params` gets the same checks as /cypher: one line, exit 1."""
    kg, _ = small
    result = kg("cypher", "RETURN 1 AS x", "--params", params)
    assert result.exit_code == 1 and message in flat(result.stderr)
