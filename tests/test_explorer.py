"""The explorer at /explore in headless Chromium, on the graph of ../shared/seeds, with no other host reachable.

Search opens an entity; /explore?entity=lachin_corridor draws its neighbourhood; a
click on the provision that obliges Azerbaijan shows that provision's quotes with
their documents; the document view highlights the quote at its offsets; the
trilateral statement's clauses come in reading order, a quote's link marking that
quote in its document. The same with KG_PRODUCTION=1 (no introspection), where
GraphiQL is off. Contested relations (a graph of the tests' own sentences) are
drawn apart and show both sides' evidence. Each step's
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
from test_explorer_api import AUTUMN, disputes

from conflictkg.api import Settings
from conflictkg.graph.falkor import FalkorStore

RELATIONS = """query($id: ID!) { entity(id: $id) { relations { id predicate confidence } } }"""
CLAUSES = """{ agreements(name: "trilateral_statement_2020", first: 1) { provisions { id type qualifiers
  obliges { name } benefits { name } concerns { name } evidence { quote start end document { id text } } } } }"""
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
    assert page["evidence"]["documents"][0] == (f"?document={first['document']['id']}&fact={clicked['id']}"
                                                f"&quote={first['start']}-{first['end']}")
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
    check_clauses(page, base)


def check_clauses(page: dict[str, Any], base: str) -> None:
    """The agreement's clauses as the API gives them (in reading order), each with its parties, qualifiers and
    quotes; a quote's link opens the document view with that quote highlighted at its offsets."""
    agreement = graphql(base, CLAUSES)["agreements"][0]
    clauses = page["clauses"]
    assert [c["provision"] for c in clauses] == [p["id"] for p in agreement["provisions"]]
    assert len(clauses) > 5
    for shown, provision in zip(clauses, agreement["provisions"], strict=True):
        assert shown["type"] == provision["type"] and provision["type"] in shown["head"]
        assert shown["quotes"] == [e["quote"] for e in provision["evidence"]]
        assert shown["links"] == [
            f"?document={e['document']['id']}&fact={provision['id']}&quote={e['start']}-{e['end']}"
            for e in provision["evidence"]]
        for role in ("obliges", "benefits", "concerns"):
            assert shown[role] == (", ".join(e["name"] for e in provision[role]) or "–")
        for key, value in provision["qualifiers"].items():
            assert f"{key.replace('_', ' ')}: {value}" in shown["qualifiers"]
    assert any(c["qualifiers"] for c in clauses) and "null" not in str(clauses) and "undefined" not in str(clauses)
    assert_drawn(page["screenshots"]["explorer-clauses"])
    clicked = next(p for p in agreement["provisions"] if p["id"] == page["clauseClicked"]["provision"])
    quote = clicked["evidence"][-1]
    assert page["clauseDocumentUrl"].endswith(page["clauseClicked"]["href"])
    runs = [m for m in page["clauseMarks"] if quote["start"] <= m["start"] and m["end"] <= quote["end"]]
    assert (runs[0]["start"], runs[-1]["end"]) == (quote["start"], quote["end"])
    assert "".join(m["text"] for m in runs) == quote["quote"] == quote["document"]["text"][quote["start"]:quote["end"]]


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


def test_a_contested_fact_is_drawn_apart_and_its_evidence_shows_both_sides(tmp_path: Path) -> None:
    """A graph of the API tests' own sentences where one source has Armenia sign the statement and another has it
    reject the statement (and Russia support, then oppose, Armenia)."""
    store = FalkorStore(tmp_path / "kg")
    try:
        store.ensure_schema()
        store.write_extractions(disputes())
        with serving(store, Settings(production=True)) as base:
            page = drive("contested", base, artefacts_dir(tmp_path, "contested"))
    finally:
        store.close()
    edges = {(e["s"], e["predicate"], e["o"]): e for e in page["edges"]}
    contested = {k for k, e in edges.items() if e["contested"]}
    assert contested == {("armenia", "SIGNED", "trilateral_statement_2020"),
                         ("armenia", "REJECTED", "trilateral_statement_2020"),
                         ("russia", "SUPPORTS", "armenia"), ("russia", "OPPOSES", "armenia")}
    assert ("armenia", "PARTICIPATED_IN", "second_karabakh_war") in edges
    for key in contested:
        assert edges[key]["dashed"] == "dashed"
    assert edges[("armenia", "SIGNED", "trilateral_statement_2020")]["contestedBy"] == "REJECTED"
    plain = edges[("armenia", "PARTICIPATED_IN", "second_karabakh_war")]
    assert plain["dashed"] == "solid" and plain["colour"] != edges[("russia", "SUPPORTS", "armenia")]["colour"]
    assert "Contested: other sources report the opposite" in page["legend"]
    assert page["entityPanel"].startswith("Armenia") and "null" not in page["entityPanel"]  # (it has no aliases)
    assert len(page["contestedFacts"]) == 4 and all("(contested)" in f for f in page["contestedFacts"])
    # the evidence of the clicked SIGNED edge: its own quote, then the quote of the REJECTED relation
    assert page["clickedEdge"] == page["sides"][0]["fact"]
    assert [(s["side"], s["quotes"]) for s in page["sides"]] == [
        ("this", ["Armenia put its name to the trilateral statement."]),
        ("other", ["Armenia turned the trilateral statement down."])]
    rejected = page["sides"][1]
    assert "REJECTED" in rejected["heading"] and rejected["documents"] == [
        f"?document=autumn.txt&fact={rejected['fact']}&quote={AUTUMN.index('Armenia turned')}-"
        f"{AUTUMN.index(' Russia backed')}"]
    assert "Contested" in page["note"]
    assert_drawn(page["screenshots"]["contested-graph"], min_ink=0.02)
    assert_drawn(page["screenshots"]["contested-evidence"])
