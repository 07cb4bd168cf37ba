"""Shared by the contract suite and the top-level cookbook and RDF tests: backends, fixture corpus, cookbook.

Neo4j is used only when NEO4J_URI is set, answers, and its database is empty: the
suite writes and deletes test data, so it never runs against a database that holds
anything else.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conflictkg.graph.falkor import FalkorStore
from conflictkg.graph.neo4j import Neo4jStore
from conflictkg.graph.store import GraphStore

ROOT = Path(__file__).resolve().parents[2]
COOKBOOK = ROOT / "docs" / "cypher-cookbook.md"
MINI_LEXICON = ROOT / "tests" / "data" / "mini_lexicon.yaml"
# the bundled sample corpus plus one report whose control claims contradict the samples'
CORPUS = (ROOT / "conflictkg" / "samples", Path(__file__).resolve().parent / "data" / "claims_2022.txt")
BACKENDS = ("embedded", "neo4j")


def _neo4j_auth() -> tuple[str, str] | None:
    password = os.environ.get("NEO4J_PASSWORD")
    return (os.environ.get("NEO4J_USER", "neo4j"), password) if password else None


@functools.cache
def neo4j_unavailable() -> str | None:
    """Why the Neo4j half of the suite cannot run here, or None when it can (asked once per session)."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return "NEO4J_URI is not set (NEO4J_URI=neo4j://localhost:7687 NEO4J_PASSWORD=... pytest tests/contract)"
    import neo4j

    try:
        with neo4j.GraphDatabase.driver(uri, auth=_neo4j_auth(), connection_timeout=5) as driver:
            driver.verify_connectivity()
            records, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n",
                                                 database_=os.environ.get("NEO4J_DATABASE"))
    except Exception as exc:  # whatever keeps the server from answering is the reason to skip
        return f"Neo4j at {uri} does not answer: {exc}"
    if records[0]["n"]:
        return (f"the Neo4j database at {uri} holds {records[0]['n']} nodes; the contract suite writes and deletes "
                "test data, so point NEO4J_URI/NEO4J_DATABASE at an empty database")
    return None


@contextmanager
def open_backend(name: str, data_dir: Path) -> Iterator[GraphStore]:
    """An empty store of one backend; a Neo4j database is emptied again afterwards."""
    if name == "embedded":
        store: GraphStore = FalkorStore(data_dir)
    else:
        reason = neo4j_unavailable()
        if reason:
            pytest.skip(reason)
        store = Neo4jStore(os.environ["NEO4J_URI"], auth=_neo4j_auth(), database=os.environ.get("NEO4J_DATABASE"))
    store.ensure_schema()
    try:
        yield store
    finally:
        if isinstance(store, Neo4jStore):
            store._write("MATCH (n) DETACH DELETE n")
        store.close()


def ingest_corpus(store: GraphStore) -> None:
    """The fixture corpus through the real pipeline, with the test lexicon."""
    from conflictkg.loaders.pipeline import Pipeline

    report = Pipeline(store, [MINI_LEXICON]).ingest(list(CORPUS))
    assert not report.failed, [d.message for d in report.failed]


# -- the cookbook ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recipe:
    number: int
    title: str
    cypher: str
    params: dict[str, Any]


def _blocks(text: str, language: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(1)) for m in re.finditer(rf"^```{language}\n(.*?)^```", text, re.M | re.S)]


def recipes() -> list[Recipe]:
    """Every ```cypher block of the cookbook with the ```json parameters that follow it and its section heading."""
    text = COOKBOOK.read_text(encoding="utf-8")
    headings = [(m.start(), int(m.group(1)), m.group(2)) for m in re.finditer(r"^## (\d+)\. (.+)$", text, re.M)]
    params = _blocks(text, "json")
    queries = _blocks(text, "cypher")
    found = []
    for i, (at, cypher) in enumerate(queries):
        number, title = next((n, t) for pos, n, t in reversed(headings) if pos < at)
        end = queries[i + 1][0] if i + 1 < len(queries) else len(text)
        example = [body for pos, body in params if at < pos < end]
        assert example, f"cookbook query {number} has no ```json parameter example after it"
        found.append(Recipe(number, title, cypher.strip(), json.loads(example[0])))
    return found


def sparql(text: str | None = None) -> str:
    """The cookbook's SPARQL query (the guarantees question over the TriG export)."""
    [(_, query)] = _blocks(text or COOKBOOK.read_text(encoding="utf-8"), "sparql")
    return query


# A row each query must return on the fixture corpus (a subset of its columns).
EXPECTED: dict[int, dict[str, Any]] = {
    1: {"guarantor": "Azerbaijan", "corridor": "Lachin corridor", "agreement": "10 November 2020 trilateral statement",
        "provision": "GUARANTEE_PASSAGE"},
    2: {"controller": "Azerbaijan", "territory": "Nagorno-Karabakh", "sources": ["04_offensive_and_exodus_2023.txt"]},
    3: {"kind": "provision", "subject": "trilateral_statement_2020", "predicate": "TRANSFER_TERRITORY",
        "concerns": ["kelbajar_district"]},
    4: {"kind": "relation", "subject": "nagorno_karabakh_republic", "predicate": "CONTROLS", "object": "stepanakert",
        "sources": ["claims_2022.txt"]},
    5: {"claimant": "Armenia", "territory": "Nagorno-Karabakh", "rival": "Azerbaijan",
        "sources": ["claims_2022.txt"], "rival_sources": ["04_offensive_and_exodus_2023.txt"]},
    6: {"path": ["Vladimir Putin", "10 November 2020 trilateral statement", "Ilham Aliyev"], "hops": 2},
    7: {"signatory": "Ilham Aliyev", "how": "SIGNED", "agreement": "10 November 2020 trilateral statement",
        "date": "2020-11-09"},
    8: {"date": "2020-11-09", "subject": "Vladimir Putin", "predicate": "SIGNED", "object_label": "Agreement"},
    9: {"event": "Lachin corridor blockade", "kind": "Blockade", "first_reported": "2023-07-20"},
    10: {"territory": "Kelbajar district", "deadline": "2020-11-15", "from_actors": ["Armenia"],
         "to_actors": ["Azerbaijan"]},
    11: {"actor": "Armenia"},
    12: {"subject": "armenia", "predicate": "CONTROLS", "object": "nagorno_karabakh", "document": "claims_2022.txt"},
}


def assert_finds(recipe: Recipe, rows: list[dict[str, Any]]) -> None:
    """The query returned a row with the expected values (lists compared as sets)."""
    want = EXPECTED[recipe.number]

    def same(a: Any, b: Any) -> bool:
        return sorted(a) == sorted(b) if isinstance(a, list) and isinstance(b, list) else a == b

    assert rows, f"cookbook query {recipe.number} ({recipe.title}) returned nothing"
    assert any(all(same(row.get(k), v) for k, v in want.items()) for row in rows), (
        f"cookbook query {recipe.number} ({recipe.title}) has no row like {want}; got {rows[:5]}"
    )
