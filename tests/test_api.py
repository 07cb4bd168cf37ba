"""The GraphQL API on the real embedded FalkorDB: root fields, lookup, paging, limits, auth, batching."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import MINI_LEXICON, ROOT
from starlette.types import ASGIApp

from conflictkg import KnowledgeGraph
from conflictkg.api import Settings, create_app
from conflictkg.api.errors import QueryError
from conflictkg.graph.falkor import FalkorStore
from conflictkg.schema.graphql import schema
from conflictkg.schema.models import DocumentMeta, Entity, Evidence, Extraction, Mention, Provision, Relation

ENTITIES = {
    "azerbaijan": ("Actor", "State", "Azerbaijan", []),
    "armenia": ("Actor", "State", "Armenia", []),
    "russian_peacekeepers": ("Actor", "ArmedForce", "Russian peacekeepers", []),
    "russian_border_troops": ("Actor", "ArmedForce", "Russian border troops", []),
    "russia": ("Actor", "State", "Russia", []),
    "lachin_corridor": ("Territory", "Corridor", "Lachin corridor", []),
    "zangezur_corridor": ("Territory", "Corridor", "Zangezur corridor", []),
    "nakhchivan": ("Territory", "Exclave", "Nakhchivan", ["Nakhichevan"]),
    "stepanakert": ("Territory", "Settlement", "Stepanakert", ["Khankendi"]),
    "trilateral_statement_2020": ("Agreement", "Statement", "trilateral statement", []),
    "second_karabakh_war": ("Event", "War", "Second Karabakh War", []),
}

STATEMENT = (
    "Under the trilateral statement, Azerbaijan guarantees safe traffic along the Lachin corridor. "
    "Russian peacekeepers will guard the Lachin corridor. "
    "Armenia guarantees the security of transport links to Nakhchivan. "
    "Russian border troops will guard the Zangezur corridor. "
    "The Zangezur corridor connects Nakhchivan with the rest of Azerbaijan. "
    "The Lachin corridor links Armenia with Stepanakert. "
    "Russian peacekeepers are part of the forces of Russia. "
    "Armenia and Azerbaijan fought the Second Karabakh War."
)
REPORT = (
    "Xankəndi was taken by Azerbaijan in September 2023, Baku said. "
    "Stepanakert had been held by Armenia since the Second Karabakh War."
)


def _evidence(doc: str, text: str, quote: str, confidence: float = 0.8, attributed_to: str | None = None) -> Evidence:
    start = text.index(quote)
    return Evidence(document=doc, quote=quote, start=start, end=start + len(quote), extractor="test:hand@1",
                    confidence=confidence, attributed_to=attributed_to)


def _extraction(doc: str, text: str, published: date, forms: dict[str, list[str]],
                relations: Sequence[tuple[str, str, str, str, dict[str, Any], str | None]],
                provisions: Sequence[tuple[str, list[str], list[str], str]] = ()) -> Extraction:
    """One document's facts; `forms` are the surface forms each entity is mentioned by."""
    rels = [Relation(subject=s, predicate=p, object=o, qualifiers=q,
                     evidence=[_evidence(doc, text, quote, attributed_to=who)])
            for s, p, o, quote, q, who in relations]
    provs = [Provision(provision_type=t, agreement="trilateral_statement_2020", obliges=ob, concerns=co,
                       evidence=[_evidence(doc, text, quote, 0.7)])
             for t, ob, co, quote in provisions]
    entities, mentions = [], []
    for eid, surfaces in sorted(forms.items()):
        label, kind, name, aliases = ENTITIES[eid]
        entities.append(Entity(id=eid, label=label, kind=kind, name=name, aliases=aliases))
        for surface in surfaces:
            start = text.index(surface)
            mentions.append(Mention(entity_id=eid, surface=surface, start=start, end=start + len(surface),
                                    rule="test"))
    meta = DocumentMeta(id=doc, title=f"title of {doc}", publisher="Test Wire", published=published,
                        sha256=hashlib.sha256(text.encode()).hexdigest())
    return Extraction(document=meta, entities=entities, mentions=mentions, relations=rels, provisions=provs)


def statement() -> Extraction:
    forms = {"azerbaijan": ["Azerbaijan"], "armenia": ["Armenia"], "russia": ["Russia"],
             "russian_peacekeepers": ["Russian peacekeepers"], "russian_border_troops": ["Russian border troops"],
             "lachin_corridor": ["Lachin corridor"], "zangezur_corridor": ["Zangezur corridor"],
             "nakhchivan": ["Nakhchivan"], "stepanakert": ["Stepanakert"],
             "trilateral_statement_2020": ["trilateral statement"], "second_karabakh_war": ["Second Karabakh War"]}
    return _extraction(
        "statement.txt", STATEMENT, date(2020, 11, 12), forms,
        [("zangezur_corridor", "CONNECTS", "nakhchivan",
          "The Zangezur corridor connects Nakhchivan with the rest of Azerbaijan.", {}, None),
         ("lachin_corridor", "CONNECTS", "stepanakert", "The Lachin corridor links Armenia with Stepanakert.", {},
          None),
         ("russian_peacekeepers", "PART_OF", "russia", "Russian peacekeepers are part of the forces of Russia.", {},
          None),
         ("armenia", "PARTICIPATED_IN", "second_karabakh_war",
          "Armenia and Azerbaijan fought the Second Karabakh War.", {"date": "2020-09-27"}, None)],
        [("GUARANTEE_PASSAGE", ["azerbaijan"], ["lachin_corridor"],
          "Under the trilateral statement, Azerbaijan guarantees safe traffic along the Lachin corridor."),
         ("SECURE_CORRIDOR", ["russian_peacekeepers"], ["lachin_corridor"],
          "Russian peacekeepers will guard the Lachin corridor."),
         ("GUARANTEE_PASSAGE", ["armenia"], ["nakhchivan"],
          "Armenia guarantees the security of transport links to Nakhchivan."),
         ("SECURE_CORRIDOR", ["russian_border_troops"], ["zangezur_corridor"],
          "Russian border troops will guard the Zangezur corridor.")],
    )


def report() -> Extraction:
    forms = {"azerbaijan": ["Azerbaijan"], "armenia": ["Armenia"], "stepanakert": ["Xankəndi", "Stepanakert"],
             "second_karabakh_war": ["Second Karabakh War"]}
    return _extraction(
        "report.txt", REPORT, date(2023, 10, 2), forms,
        [("azerbaijan", "CONTROLS", "stepanakert", "Xankəndi was taken by Azerbaijan in September 2023, Baku said.",
          {"valid_from": "2023-09-20"}, "azerbaijan"),
         ("armenia", "CONTROLS", "stepanakert", "Stepanakert had been held by Armenia since the Second Karabakh War.",
          {"valid_to": "2023-09-20"}, None)],
    )


class AppClient:
    """Synchronous requests into the ASGI app through httpx's in-memory transport (no socket)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def request(self, method: str, url: str, **options: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://kg.test") as http:
                return await http.request(method, url, **options)

        return asyncio.run(send())

    def get(self, url: str, **options: Any) -> httpx.Response:
        return self.request("GET", url, **options)

    def post(self, url: str, **options: Any) -> httpx.Response:
        return self.request("POST", url, **options)


class Counting:
    """Counts the store's read round trips (the real store still answers them)."""

    def __init__(self, store: FalkorStore) -> None:
        self.calls = 0
        self._read = store.read

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self._read(*args, **kwargs)


def seeded_store(data_dir: Path) -> FalkorStore:
    """The small graph the API tests share: the statement and the report, written through the store."""
    store = FalkorStore(data_dir)
    store.ensure_schema()
    store.write_extractions([statement(), report()])
    return store


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    store = seeded_store(tmp_path_factory.mktemp("api") / "kg")
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(graph: FalkorStore) -> AppClient:
    return AppClient(create_app(graph, settings=Settings(api_key="sesame")))


@pytest.fixture
def gql(client: AppClient) -> Callable[..., dict[str, Any]]:
    """POST a query; returns the whole JSON answer (data and errors)."""

    def run(query: str, variables: dict[str, Any] | None = None, **headers: str) -> dict[str, Any]:
        response = client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    return run


def data(answer: dict[str, Any]) -> Any:
    assert not answer.get("errors"), answer["errors"]
    return answer["data"]


def messages(answer: dict[str, Any]) -> str:
    return " | ".join(e["message"] for e in answer.get("errors") or [])


# -- lookup --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["Xankəndi", "khankendi", "Stepanakert", "XANKENDI", "stepanakert"])
def test_entity_by_any_alias_finds_the_one_node(gql: Callable[..., dict[str, Any]], name: str) -> None:
    found = data(gql("query($n: String) { entity(name: $n) { id name label kind aliases __typename } }", {"n": name}))
    entity = found["entity"]
    assert entity["id"] == "stepanakert" and entity["__typename"] == "Territory"
    assert {"Khankendi", "Xankəndi"} <= set(entity["aliases"])


def test_entity_by_id_and_unknown_names(gql: Callable[..., dict[str, Any]]) -> None:
    found = data(gql('{ a: entity(id: "nakhchivan") { name } b: entity(name: "Atlantis") { name } '
                     'c: entity(name: "nakhichevan") { id } }'))
    assert found == {"a": {"name": "Nakhchivan"}, "b": None, "c": {"id": "nakhchivan"}}
    assert "exactly one of `id` or `name`" in messages(gql("{ entity { id } }"))


def test_entity_relations_provisions_documents(gql: Callable[..., dict[str, Any]]) -> None:
    found = data(gql('{ entity(name: "Stepanakert") { relations(direction: IN, predicate: "controls") { '
                     "predicate qualifiers subject { name } evidence { quote attributedTo { name } } } "
                     "documents { id } } }"))["entity"]
    assert sorted(r["subject"]["name"] for r in found["relations"]) == ["Armenia", "Azerbaijan"]
    taken = next(r for r in found["relations"] if r["subject"]["name"] == "Azerbaijan")
    assert taken["qualifiers"] == {"valid_from": "2023-09-20"}
    assert taken["evidence"][0]["attributedTo"] == {"name": "Azerbaijan"}
    assert sorted(d["id"] for d in found["documents"]) == ["report.txt", "statement.txt"]
    provisions = data(gql('{ entity(id: "lachin_corridor") { provisions { type } } }'))["entity"]["provisions"]
    assert sorted(p["type"] for p in provisions) == ["GUARANTEE_PASSAGE", "SECURE_CORRIDOR"]


# -- connections ---------------------------------------------------------------------------------------------------
def test_entities_paginate_with_cursors(gql: Callable[..., dict[str, Any]]) -> None:
    query = ("query($after: String) { entities(first: 4, after: $after) { totalCount "
             "pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id } } } }")
    seen, after, pages = [], None, 0
    while True:
        page = data(gql(query, {"after": after}))["entities"]
        assert page["totalCount"] == len(ENTITIES)
        seen += [e["node"]["id"] for e in page["edges"]]
        pages += 1
        assert page["pageInfo"]["hasPreviousPage"] == (pages > 1)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3 and sorted(seen) == sorted(ENTITIES) and len(seen) == len(set(seen))


def test_entities_filtered_by_kind_page_in_name_order(gql: Callable[..., dict[str, Any]]) -> None:
    # without `search` the store orders, counts and slices: pages tile the listing in (lower-cased name, id) order
    query = ("query($after: String, $label: String) { entities(label: $label, first: 2, after: $after) "
             "{ totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { node { id name } } } }")
    actors = sorted((n.lower(), eid) for eid, (label, _, n, _) in ENTITIES.items() if label == "Actor")
    seen, after, pages = [], None, 0
    while True:
        page = data(gql(query, {"after": after, "label": "Actor"}))["entities"]
        pages += 1
        assert page["totalCount"] == len(actors) and page["pageInfo"]["hasPreviousPage"] == (pages > 1)
        seen += [(e["node"]["name"].lower(), e["node"]["id"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == actors and pages == 3
    assert data(gql('{ entities(search: "?!") { totalCount } }'))["entities"]["totalCount"] == len(ENTITIES)
    relations_cursor = data(gql("{ relations(first: 1) { pageInfo { endCursor } } }"))["relations"]["pageInfo"]
    assert "not a cursor of `entities`" in messages(gql(query, {"after": relations_cursor["endCursor"]}))


def test_entities_search_label_kind(gql: Callable[..., dict[str, Any]]) -> None:
    found = data(gql('{ entities(search: "corridor", kind: "corridor") { totalCount edges { node { id } } } }'))
    assert [e["node"]["id"] for e in found["entities"]["edges"]] == ["lachin_corridor", "zangezur_corridor"]
    actors = data(gql('{ entities(search: "RUSSIAN", label: "Actor") { totalCount } }'))["entities"]
    assert actors["totalCount"] == 2
    assert "unknown label 'Country'" in messages(gql('{ entities(label: "Country") { totalCount } }'))


def test_page_size_is_capped(gql: Callable[..., dict[str, Any]]) -> None:
    assert "first must be between 0 and 100" in messages(gql("{ entities(first: 101) { totalCount } }"))
    assert "not a cursor" in messages(gql('{ documents(after: "nonsense!") { totalCount } }'))


def test_relations_filter_by_name_predicate_and_date(gql: Callable[..., dict[str, Any]]) -> None:
    query = ("query($on: Date) { relations(object: \"Khankendi\", predicate: \"CONTROLS\", validOn: $on) "
             "{ totalCount edges { node { subject { id } confidence } } } }")
    before = data(gql(query, {"on": "2021-01-01"}))["relations"]
    after = data(gql(query, {"on": "2024-01-01"}))["relations"]
    assert [e["node"]["subject"]["id"] for e in before["edges"]] == ["armenia"]
    assert [e["node"]["subject"]["id"] for e in after["edges"]] == ["azerbaijan"]
    both = data(gql('{ relations(object: "Stepanakert", first: 1) { totalCount pageInfo { hasNextPage } } }'))
    assert both["relations"] == {"totalCount": 3, "pageInfo": {"hasNextPage": True}}
    assert data(gql('{ relations(subject: "Atlantis") { totalCount } }'))["relations"]["totalCount"] == 0
    assert "unknown predicate 'OWNS'" in messages(gql('{ relations(predicate: "OWNS") { totalCount } }'))


def test_relations_paged_one_by_one_match_one_page(gql: Callable[..., dict[str, Any]]) -> None:
    # a page is read by its keys and then in full: paging through must give the same edges, ends and evidence
    query = ("query($after: String, $first: Int) { relations(object: \"Stepanakert\", first: $first, after: $after) "
             "{ totalCount pageInfo { hasNextPage endCursor } edges { node { id predicate subject { name kind } "
             "object { name } evidence { quote } } } } }")
    whole = data(gql(query, {"first": 100}))["relations"]
    seen, after = [], None
    while True:
        page = data(gql(query, {"first": 1, "after": after}))["relations"]
        assert page["totalCount"] == whole["totalCount"] == 3
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [e["node"] for e in whole["edges"]]
    assert all(n["subject"]["name"] and n["object"]["name"] == "Stepanakert" and n["evidence"] for n in seen)


def test_relations_pages_follow_subject_predicate_object_order(gql: Callable[..., dict[str, Any]]) -> None:
    # the store orders, counts and slices the keys: pages must tile the whole, in key order, with true flags
    query = ("query($after: String) { relations(first: 2, after: $after) { totalCount "
             "pageInfo { hasNextPage hasPreviousPage endCursor } "
             "edges { node { id predicate subject { id } object { id } } } } }")
    seen, after, pages = [], None, 0
    while True:
        page = data(gql(query, {"after": after}))["relations"]
        pages += 1
        assert page["pageInfo"]["hasPreviousPage"] == (pages > 1)
        assert len(page["edges"]) == 2 or not page["pageInfo"]["hasNextPage"]
        seen += [(e["node"]["subject"]["id"], e["node"]["predicate"], e["node"]["object"]["id"], e["node"]["id"])
                 for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == page["totalCount"] > 4 and seen == sorted(set(seen))
    cursor_of_entities = data(gql("{ entities(first: 1) { pageInfo { endCursor } } }"))["entities"]["pageInfo"]
    assert "not a cursor of `relations`" in messages(gql(query, {"after": cursor_of_entities["endCursor"]}))


def test_a_bad_date_is_a_clear_error(gql: Callable[..., dict[str, Any]]) -> None:
    answer = gql('{ relations(validOn: "2020-13-45") { totalCount } }')
    assert "cannot represent a Date" in messages(answer) and "Traceback" not in messages(answer)


def test_documents_and_document_facts(gql: Callable[..., dict[str, Any]]) -> None:
    query = ("query($after: String) { documents(first: 1, after: $after) { totalCount edges { node { id } } "
             "pageInfo { hasNextPage hasPreviousPage endCursor } } }")
    first = data(gql(query, {"after": None}))["documents"]
    assert first["totalCount"] == 2 and first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    second = data(gql(query, {"after": first["pageInfo"]["endCursor"]}))["documents"]
    assert not second["pageInfo"]["hasNextPage"] and second["pageInfo"]["hasPreviousPage"]
    assert [e["node"]["id"] for e in first["edges"] + second["edges"]] == ["report.txt", "statement.txt"]
    doc = data(gql('{ document(id: "report.txt") { title publisher published relations { predicate } '
                   "provisions { type } entities { id } } }"))["document"]
    assert doc["published"] == "2023-10-02" and doc["publisher"] == "Test Wire"
    assert [r["predicate"] for r in doc["relations"]] == ["CONTROLS", "CONTROLS"] and doc["provisions"] == []
    assert sorted(e["id"] for e in doc["entities"]) == ["armenia", "azerbaijan", "second_karabakh_war",
                                                        "stepanakert"]
    assert data(gql('{ document(id: "nope.txt") { id } }')) == {"document": None}


# -- provisions and guarantees ---------------------------------------------------------------------------------------
def test_provisions_filter(gql: Callable[..., dict[str, Any]]) -> None:
    found = data(gql('{ provisions(type: "secure_corridor", obliges: "Russian peacekeepers") '
                     "{ type text confidence agreement { name } obliges { id } concerns { id } } }"))["provisions"]
    assert found == [{"type": "SECURE_CORRIDOR", "text": "Russian peacekeepers will guard the Lachin corridor.",
                      "confidence": 0.7, "agreement": {"name": "trilateral statement"},
                      "obliges": [{"id": "russian_peacekeepers"}], "concerns": [{"id": "lachin_corridor"}]}]
    assert len(data(gql('{ provisions(agreement: "trilateral statement") { id } }'))["provisions"]) == 4



def test_provisions_of_a_state_include_its_units_marked_as_reached_through_them(gql: Callable[..., dict[str, Any]]):
    query = ('query($t: Boolean!) { provisions(obliges: "Russia", throughUnits: $t) '
             "{ type obliges { id } reachedThrough { id } } }")
    found = data(gql(query, {"t": True}))["provisions"]
    assert found == [{"type": "SECURE_CORRIDOR", "obliges": [{"id": "russian_peacekeepers"}],
                      "reachedThrough": [{"id": "russian_peacekeepers"}]}]  # the border troops are no unit here
    assert data(gql(query, {"t": False}))["provisions"] == []
    own = data(gql('{ provisions(obliges: "Armenia") { obliges { id } reachedThrough { id } } }'))["provisions"]
    assert own == [{"obliges": [{"id": "armenia"}], "reachedThrough": []}]
    query = 'query($t: Boolean!) { guarantees(guarantor: "Russia", throughUnits: $t) { guarantor { id } ' \
            "corridor { id } reachedThrough { id } } }"
    assert data(gql(query, {"t": True}))["guarantees"] == [
        {"guarantor": {"id": "russian_peacekeepers"}, "corridor": {"id": "lachin_corridor"},
         "reachedThrough": {"id": "russian_peacekeepers"}}]
    assert data(gql(query, {"t": False}))["guarantees"] == []


GUARANTEES = ("query($c: String, $g: String) { guarantees(corridor: $c, guarantor: $g) { provisionType "
              "guarantor { name } corridor { name } agreement { name } evidence { quote document { id } } } }")


def _pairs(answer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(g["guarantor"]["name"], g["corridor"]["name"]) for g in data(answer)["guarantees"]]


def test_guarantees_all_and_by_corridor(gql: Callable[..., dict[str, Any]]) -> None:
    assert len(_pairs(gql(GUARANTEES))) == 4
    lachin = data(gql(GUARANTEES, {"c": "lachin corridor"}))["guarantees"]
    assert [(g["guarantor"]["name"], g["provisionType"]) for g in lachin] == [
        ("Azerbaijan", "GUARANTEE_PASSAGE"), ("Russian peacekeepers", "SECURE_CORRIDOR")]
    assert lachin[0]["agreement"] == {"name": "trilateral statement"}
    assert lachin[0]["evidence"] == [{"quote": "Under the trilateral statement, Azerbaijan guarantees safe traffic "
                                      "along the Lachin corridor.", "document": {"id": "statement.txt"}}]


def test_guarantees_by_a_place_a_corridor_connects(gql: Callable[..., dict[str, Any]]) -> None:
    assert _pairs(gql(GUARANTEES, {"c": "Nakhichevan"})) == [
        ("Armenia", "Nakhchivan"), ("Russian border troops", "Zangezur corridor")]
    assert _pairs(gql(GUARANTEES, {"c": "Khankendi"})) == [
        ("Azerbaijan", "Lachin corridor"), ("Russian peacekeepers", "Lachin corridor")]
    assert _pairs(gql(GUARANTEES, {"c": "Nakhchivan", "g": "Armenia"})) == [("Armenia", "Nakhchivan")]
    assert _pairs(gql(GUARANTEES, {"c": "Atlantis"})) == []


# -- timeline and path ---------------------------------------------------------------------------------------------
def test_timeline_in_date_order_and_range(gql: Callable[..., dict[str, Any]]) -> None:
    query = ("query($e: String!, $from: Date) { timeline(entity: $e, from: $from) { __typename "
             "... on Timeline { entity { id } entries { date dateSource summary relation { predicate } } } "
             "... on EntityNotFound { message suggestions { id } } } }")
    entries = data(gql(query, {"e": "Khankendi"}))["timeline"]["entries"]
    assert [(e["date"], e["dateSource"]) for e in entries] == [
        ("2020-11-12", "reported"), ("2023-09-20", "valid_to"), ("2023-09-20", "valid_from")]
    assert entries[1]["summary"] == "Armenia CONTROLS Stepanakert"
    later = data(gql(query, {"e": "Stepanakert", "from": "2021-01-01"}))["timeline"]["entries"]
    assert [e["dateSource"] for e in later] == ["valid_to", "valid_from"]
    missing = data(gql(query, {"e": "Stepanakertt"}))["timeline"]
    assert missing["__typename"] == "EntityNotFound" and "Stepanakertt" in missing["message"]
    punctuation = data(gql(query, {"e": "?!"}))["timeline"]  # folds to nothing: it would "contain" every name
    assert punctuation["__typename"] == "EntityNotFound" and punctuation["suggestions"] == []
    assert "cannot represent a Date" in messages(gql(query, {"e": "Armenia", "from": "yesterday"}))


def test_path_with_evidence_per_hop(gql: Callable[..., dict[str, Any]]) -> None:
    query = ("query($a: String!, $b: String!, $n: Int) { path(from: $a, to: $b, maxHops: $n) { __typename "
             "... on Path { length hops { forward from { id } to { id } relation { predicate } provision { type } "
             "evidence { quote document { id } } } } ... on NoPath { message } ... on EntityNotFound { message } } }")
    path = data(gql(query, {"a": "Russia", "b": "Xankəndi", "n": 4}))["path"]
    assert path["__typename"] == "Path" and path["length"] == 3
    hops = path["hops"]
    assert [(h["from"]["id"], h["to"]["id"]) for h in hops] == [
        ("russia", "russian_peacekeepers"), ("russian_peacekeepers", "lachin_corridor"),
        ("lachin_corridor", "stepanakert")]
    assert hops[0]["forward"] is False and hops[0]["relation"] == {"predicate": "PART_OF"}
    assert hops[1]["provision"] == {"type": "SECURE_CORRIDOR"} and hops[1]["relation"] is None
    assert hops[1]["evidence"] == [{"quote": "Russian peacekeepers will guard the Lachin corridor.",
                                    "document": {"id": "statement.txt"}}]
    assert all(h["evidence"] for h in hops)
    assert data(gql(query, {"a": "Russia", "b": "Stepanakert", "n": 2}))["path"]["__typename"] == "NoPath"
    assert data(gql(query, {"a": "Atlantis", "b": "Russia"}))["path"]["__typename"] == "EntityNotFound"
    assert "maxHops must be between 1 and 6" in messages(gql(query, {"a": "Russia", "b": "Armenia", "n": 50}))


# -- efficiency ----------------------------------------------------------------------------------------------------
def test_a_page_of_relations_and_their_entities_costs_fixed_reads(graph: FalkorStore,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counting(graph)
    monkeypatch.setattr(graph, "read", counter)
    result = KnowledgeGraph(graph).query('{ relations(object: "Stepanakert") { edges { node { subject { name } '
                                         'object { relations(direction: IN) { subject { name } } } } } } }')
    assert len(result["relations"]["edges"]) == 3
    # the name; the keys; the page with its subjects; the object's relations with their subjects: no entity reads
    assert counter.calls == 4, counter.calls


def test_one_store_round_trip_per_level(graph: FalkorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = Counting(graph)
    monkeypatch.setattr(graph, "read", counter)
    query = ("{ guarantees { guarantor { name documents { id } } corridor { name } agreement { name } "
             "evidence { quote document { id title } attributedTo { name } } } }")
    result = KnowledgeGraph(graph).query(query)
    assert len(result["guarantees"]) == 4
    # the provisions with their evidence and its documents in one read; their guarantors, corridors and agreements
    # in one; the guarantors' documents (attributedTo is null here): 3 reads, however many items each level has
    assert counter.calls == 3, counter.calls


# -- limits and errors -----------------------------------------------------------------------------------------------
def test_a_query_20_levels_deep_is_refused(gql: Callable[..., dict[str, Any]]) -> None:
    inner = "id"
    for _ in range(10):
        inner = f"relations {{ subject {{ {inner} }} }}"
    answer = gql(f'{{ entity(id: "russia") {{ {inner} }} }}')
    assert answer.get("data") is None and "exceeds maximum operation depth" in messages(answer)


def test_a_query_with_100_aliases_is_refused(gql: Callable[..., dict[str, Any]]) -> None:
    fields = " ".join(f'a{i}: entity(id: "russia") {{ id }}' for i in range(100))
    answer = gql(f"{{ {fields} }}")
    assert "aliases found" in messages(answer) and answer.get("data") is None


def test_unexpected_errors_are_masked(graph: FalkorStore, gql: Callable[..., dict[str, Any]],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("secret internals at /srv/kg")

    monkeypatch.setattr(graph, "read", broken)
    answer = gql("{ documents { totalCount } }")
    assert messages(answer) == "Unexpected error." and "secret" not in str(answer)


def test_request_body_is_capped(client: AppClient) -> None:
    big = {"query": "{ documents { totalCount } }", "padding": "x" * 1_100_000}
    response = client.post("/graphql", json=big)
    assert response.status_code == 413 and "larger than 1,000,000 bytes" in response.text


def test_playground_opens_with_the_corridor_query(client: AppClient) -> None:
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert 'guarantees(corridor: \\"Lachin corridor\\")' not in page.text
    assert 'guarantees(corridor: "Lachin corridor")' in page.text
    assert client.get("/").headers["location"].endswith("graphql")


def test_production_switches_off_the_ide_and_introspection(graph: FalkorStore) -> None:
    http = AppClient(create_app(graph, settings=Settings(production=True)))
    assert http.get("/graphql", headers={"Accept": "text/html"}).status_code == 404
    answer = http.post("/graphql", json={"query": "{ __schema { types { name } } }"}).json()
    assert "introspection" in messages(answer).lower()
    assert http.post("/graphql", json={"query": "{ documents { totalCount } }"}).json()["data"]


def test_settings_from_the_environment() -> None:
    assert Settings.from_env({"KG_API_KEY": "k", "KG_PRODUCTION": "1"}) == Settings(api_key="k", production=True)
    assert Settings.from_env({}) == Settings()


# -- mutations ---------------------------------------------------------------------------------------------------------
INGEST = ("mutation($docs: [DocumentInput!]!) { ingest(documents: $docs) "
          "{ id status message entities relations provisions } }")
NEW_TEXT = "Under the trilateral statement, Azerbaijan guarantees safe traffic along the Lachin corridor."


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[AppClient]:
    store = FalkorStore(tmp_path / "kg")
    app = create_app(store, settings=Settings(api_key="sesame"), lexicons=[MINI_LEXICON])
    yield AppClient(app)
    store.close()


def _post(http: AppClient, query: str, variables: dict[str, Any], **headers: str) -> dict[str, Any]:
    return http.post("/graphql", json={"query": query, "variables": variables}, headers=headers).json()  # type: ignore[no-any-return]


def test_mutations_need_the_api_key(writable: AppClient, graph: FalkorStore) -> None:
    docs = {"docs": [{"id": "new.txt", "text": NEW_TEXT}]}
    assert "needs the API key" in messages(_post(writable, INGEST, docs))
    assert "is not the server's KG_API_KEY" in messages(_post(writable, INGEST, docs, Authorization="Bearer nope"))
    keyless = AppClient(create_app(graph, settings=Settings()))
    refused = _post(keyless, 'mutation { removeDocument(id: "report.txt") { removed } }', {},
                    Authorization="Bearer sesame")
    assert "started without KG_API_KEY" in messages(refused)
    assert data(_post(writable, "{ documents { totalCount } }", {}))["documents"]["totalCount"] == 0


def test_ingest_and_remove_with_the_key(writable: AppClient) -> None:
    auth = {"Authorization": "Bearer sesame"}
    docs = {"docs": [{"id": "new.txt", "text": NEW_TEXT, "published": "2020-11-12"},
                     {"id": "empty.txt", "text": "   "}]}
    reports = data(_post(writable, INGEST, docs, **auth))["ingest"]
    assert reports[0]["status"] == "ingested" and reports[0]["provisions"] == 1
    assert reports[1] == {"id": "empty.txt", "status": "failed", "entities": 0, "relations": 0, "provisions": 0,
                          "message": "empty.txt: the file holds only whitespace; nothing to ingest"}
    again = data(_post(writable, INGEST, {"docs": docs["docs"][:1]}, **auth))["ingest"]
    assert again[0]["status"] == "unchanged"
    found = data(_post(writable, '{ guarantees(corridor: "Lachin corridor") { guarantor { name } '
                                 "evidence { document { id published } } } }", {}))["guarantees"]
    assert found == [{"guarantor": {"name": "Azerbaijan"},
                      "evidence": [{"document": {"id": "new.txt", "published": "2020-11-12"}}]}]
    assert "not usable" in messages(_post(writable, INGEST, {"docs": [{"id": "../x", "text": "x"}]}, **auth))
    remove = 'mutation($id: ID!) { removeDocument(id: $id) { removed message } }'
    assert data(_post(writable, remove, {"id": "new.txt"}, **auth))["removeDocument"]["removed"] is True
    assert data(_post(writable, remove, {"id": "new.txt"}, **auth))["removeDocument"] == {
        "removed": False, "message": "no document 'new.txt' in the store"}
    assert data(_post(writable, "{ guarantees { provisionType } }", {}))["guarantees"] == []


# -- library use and the schema file -----------------------------------------------------------------------------------
def test_knowledge_graph_in_process(graph: FalkorStore) -> None:
    with KnowledgeGraph.open(graph.uri) as kg:
        found = kg.query('{ guarantees(corridor: "Nakhchivan") { guarantor { name } provisionType } }')
        assert [g["guarantor"]["name"] for g in found["guarantees"]] == ["Armenia", "Russian border troops"]
        with pytest.raises(QueryError, match="first must be between"):
            kg.query("{ entities(first: 500) { totalCount } }")


def test_importing_conflictkg_stays_light() -> None:
    import subprocess
    import sys

    code = "import sys, conflictkg; print('strawberry' in sys.modules, 'conflictkg.api' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_schema_file_is_current() -> None:
    exported = (ROOT / "schema" / "schema.graphql").read_text(encoding="utf-8")
    assert exported.rstrip("\n") == schema.as_str().rstrip("\n"), (
        "schema/schema.graphql is stale: run `python -m conflictkg.schema.graphql > schema/schema.graphql`"
    )


def test_answers_are_encoded_by_orjson_and_what_it_refuses_by_json() -> None:
    from conflictkg.api.app import GraphQLApp

    assert GraphQLApp.encode_json({"name": "Xankəndi", "n": 1}) == '{"name":"Xankəndi","n":1}'.encode()
    assert json.loads(GraphQLApp.encode_json({"n": 2**70, "s": "\ud800"})) == {"n": 2**70, "s": "\ud800"}


def _forged(value: str) -> str:
    import base64

    return base64.urlsafe_b64encode(value.encode()).decode()


FORGED_CURSORS = {
    "a number": _forged("[1]"),
    "nulls": _forged("[null, null]"),
    "numbers and strings": _forged('["a", 2, "c", 4]'),
    "an object": _forged('{"a": "b"}'),
    "an empty list": _forged("[]"),
    "deep JSON": _forged("[" * 5000 + "]" * 5000),
    "megabytes": "A" * 500_000,
    "not base64": "%%%",
}


@pytest.mark.parametrize("forged", FORGED_CURSORS, ids=list(FORGED_CURSORS))
@pytest.mark.parametrize("field", ['entities(search: "a", first: 2, after: $after) { totalCount }',
                                   "relations(validOn: \"2024-01-01\", first: 1, after: $after) { totalCount }",
                                   "entities(first: 2, after: $after) { totalCount }",
                                   "relations(first: 1, after: $after) { totalCount }",
                                   "documents(after: $after) { totalCount }"],
                         ids=["entities-search", "relations-validOn", "entities", "relations", "documents"])
def test_forged_cursors_are_argument_errors(gql: Callable[..., dict[str, Any]], forged: str, field: str) -> None:
    """issue 13 item 13: a forged `after` cursor is an argument error naming `after`, not "Unexpected error."."""
    answer = gql(f"query($after: String) {{ {field} }}", {"after": FORGED_CURSORS[forged]})
    assert "after: " in messages(answer) and "is not a cursor" in messages(answer), answer
    assert "Unexpected error" not in messages(answer)


@pytest.mark.parametrize("field", ['entities(search: "a", after: $after) { totalCount }',
                                   'relations(subject: "Russia", validOn: "2024-01-01", after: $after) { totalCount }'],
                         ids=["entities-search", "relations-validOn"])
def test_a_forged_cursor_is_refused_before_any_store_read(graph: FalkorStore, monkeypatch: pytest.MonkeyPatch,
                                                          field: str) -> None:
    """issue 13 item 13: these two fields read everything that matches before paging; a forged cursor is refused
    first, so it costs no read (the abuse benchmark saw one wait 6 s for a store busy with writes)."""
    counter = Counting(graph)
    monkeypatch.setattr(graph, "read", counter)
    http = AppClient(create_app(graph, settings=Settings()))
    answer = http.post("/graphql", json={"query": f"query($after: String) {{ {field} }}",
                                         "variables": {"after": FORGED_CURSORS["a number"]}}).json()
    assert "is not a cursor" in messages(answer), answer
    assert counter.calls == 0


# -- issue 13 item 6: the cost limit -----------------------------------------------------------------------------------
def _fan_out(alias: str, entity: str) -> str:
    return f'{alias}: entity(id: "{entity}") {{ ' + "relations { subject { " * 4 + "name" + " } }" * 4 + " }"


FAN_OUT = "{ " + _fan_out("a", "russia") + " " + _fan_out("b", "armenia") + " }"  # about 290 bytes


def test_a_small_query_with_a_huge_fan_out_is_refused_before_any_read(graph: FalkorStore,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 13 item 6: four levels of `relations { subject { ... } }` under two aliases passed the depth, alias and
    token limits and ran 22.6 s; the cost limit refuses it during validation, naming the limit, before any read."""
    from conflictkg.schema.cost import MAX_COST

    assert len(FAN_OUT) < 300
    counter = Counting(graph)
    monkeypatch.setattr(graph, "read", counter)
    http = AppClient(create_app(graph, settings=Settings()))
    answer = http.post("/graphql", json={"query": FAN_OUT}).json()
    assert not answer.get("data")
    assert f"the cost limit of {MAX_COST:,}" in messages(answer)
    assert counter.calls == 0  # refused before any resolver ran
    with pytest.raises(QueryError, match="cost limit"):
        KnowledgeGraph(graph).query(FAN_OUT)  # the in-process API has the same limit


def test_pages_count_by_first(gql: Callable[..., dict[str, Any]]) -> None:
    """issue 13 item 6: a list counts as its `first`: the same shape passes with small pages and fails with full ones,
    and a page given as a variable counts as a full page."""
    def shape(first: str) -> str:
        header = "query($n: Int) " if "$n" in first else ""
        return (header + "{ relations(" + first + ") { edges { node { subject { relations { "
                "object { relations { predicate } } } } } } } }")

    assert data(gql(shape("first: 2")))["relations"]["edges"]
    assert "cost limit" in messages(gql(shape("first: 100")))
    assert "cost limit" in messages(gql(shape("first: $n"), {"n": 2}))


def test_the_playground_and_readme_queries_pass_the_cost_limit(gql: Callable[..., dict[str, Any]]) -> None:
    """issue 13 item 6: what the README shows and the playground opens with are well under the limit."""
    import re

    from conflictkg.api.app import EXAMPLE_QUERY

    assert data(gql(EXAMPLE_QUERY))["guarantees"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"```graphql\n(.*?)```", readme, flags=re.DOTALL)
    assert shown
    for query in shown:
        assert "cost limit" not in messages(gql(query)), query


@pytest.mark.parametrize("doc_id", ["two\nlines.txt", "cr\rlf.txt", "fdp\u202etxt.exe"])
def test_ingest_refuses_ids_with_line_breaks_or_direction_overrides(writable: AppClient, doc_id: str) -> None:
    """issue 13 item 14: ids with CR/LF or U+202E were accepted by the ingest mutation."""
    answer = _post(writable, INGEST, {"docs": [{"id": doc_id, "text": NEW_TEXT}]}, Authorization="Bearer sesame")
    assert "is not usable" in messages(answer) and "direction overrides" in messages(answer)
    assert data(_post(writable, "{ documents { totalCount } }", {}))["documents"]["totalCount"] == 0


@pytest.mark.parametrize("query", ["{ documnts { totalCount } }", "{ entity(id: \"x\") { nam } }",
                                   "{ entities(serch: \"a\") { totalCount } }"])
def test_production_errors_do_not_suggest_names(graph: FalkorStore, query: str) -> None:
    """issue 13 item 14: with KG_PRODUCTION=1 (introspection off) "Did you mean ..." no longer reveals field names;
    without it the suggestion stays, as a help to the developer."""
    production = AppClient(create_app(graph, settings=Settings(production=True)))
    hidden = messages(production.post("/graphql", json={"query": query}).json())
    assert hidden and "Did you mean" not in hidden
    assert "Cannot query field" in hidden or "Unknown argument" in hidden
    development = AppClient(create_app(graph, settings=Settings()))
    assert "Did you mean" in messages(development.post("/graphql", json={"query": query}).json())
