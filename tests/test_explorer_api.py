"""The API fields the explorer reads a hub with: relationSlice (a page of one direction, read by the store a page at
a time), provisions(first) with provisionCount, and Relation.claimedBy."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_api import FORGED_CURSORS, AppClient, messages, seeded_store
from test_remove_visibility import remove_after, shown_relations

from conflictkg.api import Settings, create_app
from conflictkg.graph.falkor import FalkorStore

Gql = Callable[..., dict[str, Any]]
SLICE = """query($id: ID!, $direction: Direction!, $first: Int, $after: String, $predicate: String) {
  entity(id: $id) { relationSlice(direction: $direction, first: $first, after: $after, predicate: $predicate) {
    relations { id predicate subject { id } object { id } } hasMore endCursor total } } }"""


@pytest.fixture(scope="module")
def gql(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gql]:
    store: FalkorStore = seeded_store(tmp_path_factory.mktemp("slices") / "kg")
    client = AppClient(create_app(store, settings=Settings()))

    def run(query: str, **variables: Any) -> dict[str, Any]:
        response = client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    yield run
    store.close()


def pages(gql: Gql, entity: str, direction: str, first: int, **extra: Any) -> list[dict[str, Any]]:
    found, after = [], None
    while True:
        page = gql(SLICE, id=entity, direction=direction, first=first, after=after, **extra)["data"]["entity"]
        piece = page["relationSlice"]
        assert len(piece["relations"]) <= first and piece["total"] >= len(piece["relations"])
        found.append(piece)
        if not piece["hasMore"]:
            assert piece["endCursor"] is None
            return found
        after = piece["endCursor"]


@pytest.mark.parametrize("direction", ["OUT", "IN"])
def test_a_slice_pages_through_an_entity_s_relations_of_one_direction(gql: Gql, direction: str) -> None:
    everything = gql("""query($d: Direction!) { entity(id: "stepanakert") { relations(direction: $d) { id } } }""",
                     d=direction)["data"]["entity"]["relations"]
    pieces = pages(gql, "stepanakert", direction, 1)
    seen = [r["id"] for piece in pieces for r in piece["relations"]]
    assert len(seen) == len(set(seen))  # no relation twice across pages
    assert sorted(seen) == sorted(r["id"] for r in everything)
    side = "subject" if direction == "OUT" else "object"
    assert all(r[side]["id"] == "stepanakert" for piece in pieces for r in piece["relations"])


def test_a_slice_of_one_predicate_and_the_refusals(gql: Gql) -> None:
    controls = [r for piece in pages(gql, "stepanakert", "IN", 5, predicate="CONTROLS") for r in piece["relations"]]
    assert sorted(r["subject"]["id"] for r in controls) == ["armenia", "azerbaijan"]
    assert {r["predicate"] for r in controls} == {"CONTROLS"}
    both = gql(SLICE, id="stepanakert", direction="BOTH")
    assert "direction OUT or IN" in both["errors"][0]["message"]
    bad = gql(SLICE, id="stepanakert", direction="IN", after="bm90IGEgY3Vyc29y")
    assert "is not a cursor" in bad["errors"][0]["message"]


def test_the_first_provisions_and_their_count(gql: Gql) -> None:
    query = """query($first: Int) {
      entity(id: "lachin_corridor") { provisionCount provisions(first: $first) { id } } }"""
    everything = gql(query)["data"]["entity"]
    assert everything["provisionCount"] == len(everything["provisions"]) >= 2
    first = gql(query, first=1)["data"]["entity"]
    assert first["provisions"] == sorted(everything["provisions"], key=lambda p: p["id"])[:1]
    assert first["provisionCount"] == everything["provisionCount"]


def test_a_relation_reported_only_as_a_claim_names_the_claimant(gql: Gql) -> None:
    rows = gql("""{ entity(id: "stepanakert") { relations(predicate: "CONTROLS", direction: IN) {
        subject { id } claimedBy { id name } } } }""")["data"]["entity"]["relations"]
    claims = {r["subject"]["id"]: r["claimedBy"] for r in rows}
    assert claims == {"azerbaijan": [{"id": "azerbaijan", "name": "Azerbaijan"}], "armenia": []}


def cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


@pytest.mark.parametrize("forged", [*FORGED_CURSORS.values(), cursor('["-1"]'), cursor('["1e3"]'),
                                    cursor('["\\u00b2"]'), cursor('["99999999999999999999"]')])
def test_forged_slice_cursors_are_argument_errors(gql: Gql, forged: str) -> None:
    """A cursor `relationSlice` did not give out (a negative, a non-ASCII digit, a huge offset) names `after`."""
    answer = gql(SLICE, id="stepanakert", direction="OUT", after=forged)
    assert "after: " in messages(answer) and "is not a cursor" in messages(answer), answer
    assert "Unexpected error" not in messages(answer)


def test_a_list_with_first_counts_the_lists_inside_it_as_full_pages(gql: Gql) -> None:
    """`provisions(first: n)` is a list of n provisions, each with lists of its own: the cost limit counts those as
    full pages, as it counts any list (it does not take them for the page, as it does inside a connection)."""
    def shape(first: int) -> str:
        return ("{ entities(first: 100) { edges { node { provisions(first: " + str(first) +
                ") { obliges { name } } } } } }")

    assert not gql(shape(2)).get("errors")
    assert "cost limit" in messages(gql(shape(20)))


@pytest.mark.parametrize(("method", "query"), [
    ("relation_slice", '{ entity(id: "stepanakert") { relationSlice(direction: IN) { relations { predicate '
                       "evidence { quote } } } } }"),
    ("provisions_touching", '{ entity(id: "lachin_corridor") { provisions(first: 5) { type evidence { quote } } } }'),
], ids=["relationSlice", "provisions-first"])
def test_a_removal_between_reads_leaves_the_explorer_s_facts_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                method: str, query: str) -> None:
    """issue 13 item 4 for the explorer's fields: a document removed between the read of the facts and the read of
    their evidence takes its facts out of the answer; none is shown without evidence."""
    store = seeded_store(tmp_path / "kg")
    try:
        http = AppClient(create_app(store, settings=Settings()))
        remove_after(method, store, monkeypatch, "report.txt" if method == "relation_slice" else "statement.txt")
        answer = http.post("/graphql", json={"query": query}).json()
        assert not answer.get("errors"), answer
        facts = shown_relations(answer["data"])
        assert all(f["evidence"] for f in facts), facts
        assert not any(f.get("predicate") == "CONTROLS" for f in facts)
        if method == "provisions_touching":
            assert answer["data"]["entity"]["provisions"] == []
    finally:
        store.close()
