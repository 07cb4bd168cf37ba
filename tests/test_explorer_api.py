"""The API fields the explorer reads a hub with: relationSlice (a page of one direction, read by the store a page at
a time), provisions(first) with provisionCount, and Relation.claimedBy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from test_api import AppClient, seeded_store

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
