"""The explorer at /explore in headless Chromium, on the graph of ../shared/seeds, with no other host reachable.

Search opens an entity; /explore?entity=lachin_corridor draws its neighbourhood; a
click on the provision that obliges Azerbaijan shows that provision's quotes with
their documents; the document view highlights the quote at its offsets. The same
with KG_PRODUCTION=1 (no introspection), where GraphiQL is off. Each step's
screenshot is saved and checked for drawn content. (See browser_pages for what
the tests need installed.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_pages import artefacts_dir, assert_drawn, drive, graphql, ingest_seeds, serving
from test_api import seeded_store

from conflictkg.api import Settings
from conflictkg.graph.falkor import FalkorStore

RELATIONS = """query($id: ID!) { entity(id: $id) { relations { id predicate confidence } } }"""
PROVISION = """query($id: ID!) { entity(id: $id) { provisions { id type obliges { id } concerns { id }
  evidence { quote start end extractor document { id text } } } } }"""


@pytest.fixture(scope="module")
def seeds_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    store = ingest_seeds(tmp_path_factory.mktemp("explorer") / "kg")
    yield store
    store.close()


def check_explorer(page: dict[str, Any], base: str) -> None:
    assert "entity=lachin_corridor" in page["searchedUrl"]  # "LACHIN Corridor" found the node
    assert "lachin_corridor" in page["nearNames"][:3]  # "Lachn corridor" suggests it among the nearest
    assert page["namedUrl"].endswith("/explore?entity=lachin_corridor")  # ?entity=<a name> becomes the id
    assert page["heading"] == "Lachin corridor"
    drawn = page["graph"]
    assert "lachin_corridor" in drawn["entities"] and "azerbaijan" in drawn["entities"]
    assert drawn["relations"] and drawn["provisions"]
    dated = graphql(base, 'query { timeline(entity: "lachin_corridor") { ... on Timeline { entries { date } } } }')
    assert page["timeline"] == [e["date"] for e in dated["timeline"]["entries"]][:200]
    assert page["timeline"] == sorted(page["timeline"]) and page["timeline"]
    assert "null" not in page["timelineText"] and "undefined" not in page["timelineText"]
    # what was clicked is the provision that obliges Azerbaijan concerning the corridor, as the API has it
    provisions = {p["id"]: p for p in graph_provisions(base)}
    clicked = provisions[page["clicked"]]
    assert {"id": "azerbaijan"} in clicked["obliges"] and {"id": "lachin_corridor"} in clicked["concerns"]
    # its evidence: every quote, each with a link to its document view
    assert page["evidence"]["fact"] == clicked["id"]
    assert page["evidence"]["quotes"] == [e["quote"] for e in clicked["evidence"]]
    assert page["evidence"]["extractors"] == [e["extractor"] for e in clicked["evidence"]]
    first = clicked["evidence"][0]
    assert page["evidence"]["documents"][0] == f"?document={first['document']['id']}&fact={clicked['id']}"
    # the filters, colours and expansion
    relations = graphql(base, RELATIONS, id="lachin_corridor")["entity"]["relations"]
    strong = sorted(r["id"] for r in relations if (r["confidence"] or 0) >= 0.75)
    assert page["thresholdShown"] == "0.75"
    assert sorted(e["key"] for e in page["aboveThreshold"]) == strong != sorted(r["id"] for r in relations)
    assert "Corridor" in page["kindLegend"] and "Actor" not in page["kindLegend"]
    assert page["expanded"]["after"] > page["expanded"]["before"] and page["expanded"]["azerbaijanEdges"] > 1
    assert_drawn(page["screenshots"]["explorer-expanded"], min_ink=0.02)
    assert "predicate=CONNECTS" in page["predicateUrl"]
    assert {e["predicate"] for e in page["onePredicate"]} == {"CONNECTS"}
    assert sorted(e["key"] for e in page["onePredicate"]) == sorted(
        r["id"] for r in relations if r["predicate"] == "CONNECTS")
    # the document view: the quote highlighted exactly at its offsets (in one or more adjoining pieces)
    assert f"document={first['document']['id']}" in page["documentUrl"]
    marks = page["marks"]
    assert marks, "no quote of the fact is highlighted"
    runs = [m for m in marks if first["start"] <= m["start"] and m["end"] <= first["end"]]
    assert [m["start"] for m in runs[1:]] == [m["end"] for m in runs[:-1]]  # adjoining
    assert (runs[0]["start"], runs[-1]["end"]) == (first["start"], first["end"])
    assert "".join(m["text"] for m in runs) == first["quote"]
    assert first["document"]["text"][first["start"]:first["end"]] == first["quote"]
    assert page["allMarks"] > len(marks)  # the quotes of the document's other facts are highlighted too
    for name in ("explorer", "explorer-evidence", "document"):
        assert_drawn(page["screenshots"][name])
    assert_drawn(page["screenshots"]["explorer-graph"], min_ink=0.02)  # the canvas holds a drawing


def graph_provisions(base: str) -> list[dict[str, Any]]:
    return graphql(base, PROVISION, id="lachin_corridor")["entity"]["provisions"]  # type: ignore[no-any-return]


def test_the_explorer_shows_a_neighbourhood_its_evidence_and_the_quote_in_its_document(
        seeds_graph: FalkorStore, tmp_path: Path) -> None:
    with serving(seeds_graph, Settings()) as base:
        page = drive("explorer", base, artefacts_dir(tmp_path, "explorer"))
        check_explorer(page, base)


def test_in_production_the_explorer_works_and_the_playground_is_off(seeds_graph: FalkorStore,
                                                                    tmp_path: Path) -> None:
    with serving(seeds_graph, Settings(production=True)) as base:
        page = drive("no-playground", base, artefacts_dir(tmp_path, "explorer-production"))
        assert not page["playgroundHasGraphiQL"]
        assert page["playgroundStatus"] != 200 or "Loading" not in page["playgroundBody"]
        check_explorer(page, base)


def test_a_claim_reported_from_one_side_is_drawn_apart(tmp_path: Path) -> None:
    """The API tests' own graph: Azerbaijan's control of Stepanakert is only reported as Baku's claim."""
    store = seeded_store(tmp_path / "kg")
    try:
        with serving(store, Settings()) as base:
            page = drive("claims", base, artefacts_dir(tmp_path, "claims"))
    finally:
        store.close()
    edges = {(e["s"], e["predicate"], e["o"]): e for e in page["edges"]}
    claim = edges[("azerbaijan", "CONTROLS", "stepanakert")]
    assert claim["claimed"] and claim["claimedBy"] == "Azerbaijan"
    assert not edges[("armenia", "CONTROLS", "stepanakert")]["claimed"]
    assert "Claim reported from one side" in page["legend"]
    assert_drawn(page["screenshots"]["claims-graph"], min_ink=0.02)
