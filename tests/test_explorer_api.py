"""The API fields the explorer reads a hub with: relationSlice (a page of one direction, read by the store a page at
a time), provisions(first) with provisionCount, Relation.claimedBy and contestedBy, and an agreement's provisions
in reading order."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_api import ENTITIES, FORGED_CURSORS, AppClient, messages, seeded_store
from test_remove_visibility import remove_after, shown_relations

from conflictkg.api import Settings, create_app
from conflictkg.graph.falkor import FalkorStore
from conflictkg.schema.models import DocumentMeta, Entity, Evidence, Extraction, Mention, Provision, Relation

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


# -- contested facts and an agreement's clauses in reading order --------------------------------------------------
# (sentences of these tests' own)
SPRING = ("Moscow stood behind Yerevan during the spring talks. Armenia put its name to the trilateral statement. "
          "Armenia and Azerbaijan fought the Second Karabakh War.")
AUTUMN = ("By the autumn Moscow worked against Yerevan, a minister said. Armenia turned the trilateral statement "
          "down. Russia backed Azerbaijan in June and opposed it in July.")
TERMS = ("1. Azerbaijan shall keep the Lachin corridor open. 2. Russian peacekeepers shall guard the Lachin corridor. "
         "3. Armenia shall guarantee transport links to Nakhchivan. Russian border troops will watch the Zangezur "
         "corridor. Azerbaijan shall also repair the Lachin corridor.")
COMMENT = "Russian border troops were later also asked to guard the Lachin corridor."


def _document(doc: str, text: str, published: date, relations: Sequence[tuple[str, str, str, str]] = (),
              provisions: Sequence[tuple[str, str, str, str, str | None]] = ()) -> Extraction:
    """A document's relations (subject, predicate, object, quote) and provisions of the trilateral statement
    (type, obliged, concerned, quote, clause), each quote found in its text."""
    def evidence(quote: str) -> Evidence:
        start = text.index(quote)
        return Evidence(document=doc, quote=quote, start=start, end=start + len(quote), extractor="test:hand@1",
                        confidence=0.8)

    used = {e for s, _, o, _ in relations for e in (s, o)} | {e for _, ob, co, _, _ in provisions for e in (ob, co)}
    used |= {"trilateral_statement_2020"} if provisions else set()
    def mention(entity: Entity) -> Mention:  # by its name, or else by the quote of a fact it takes part in
        quotes = [q for s, _, o, q in relations if entity.id in (s, o)] + [
            q for _, ob, co, q, _ in provisions if entity.id in (ob, co)]
        surface = entity.name if entity.name in text else (quotes or [text])[0]
        start = text.index(surface)
        return Mention(entity_id=entity.id, surface=surface, start=start, end=start + len(surface), rule="test")

    entities = [Entity(id=e, label=ENTITIES[e][0], kind=ENTITIES[e][1], name=ENTITIES[e][2]) for e in sorted(used)]
    return Extraction(
        document=DocumentMeta(id=doc, title=doc, published=published, text=text,
                              sha256=hashlib.sha256(text.encode()).hexdigest()),
        entities=entities,
        mentions=[mention(e) for e in entities],
        relations=[Relation(subject=s, predicate=p, object=o, evidence=[evidence(q)]) for s, p, o, q in relations],
        provisions=[Provision(provision_type=t, agreement="trilateral_statement_2020", obliges=[ob], concerns=[co],
                              qualifiers={"clause": clause} if clause else {}, evidence=[evidence(q)])
                    for t, ob, co, q, clause in provisions])


def disputes() -> list[Extraction]:
    spring = _document("spring.txt", SPRING, date(2021, 4, 1), [
        ("russia", "SUPPORTS", "armenia", "Moscow stood behind Yerevan during the spring talks."),
        ("armenia", "SIGNED", "trilateral_statement_2020", "Armenia put its name to the trilateral statement."),
        ("armenia", "PARTICIPATED_IN", "second_karabakh_war",
         "Armenia and Azerbaijan fought the Second Karabakh War.")])
    autumn = _document("autumn.txt", AUTUMN, date(2021, 10, 1), [
        ("russia", "OPPOSES", "armenia", "By the autumn Moscow worked against Yerevan, a minister said."),
        ("armenia", "REJECTED", "trilateral_statement_2020", "Armenia turned the trilateral statement down."),
        # one source telling both sides is a change it reports, not two sources at odds
        ("russia", "SUPPORTS", "azerbaijan", "Russia backed Azerbaijan in June"),
        ("russia", "OPPOSES", "azerbaijan", "opposed it in July")])
    terms = _document("terms.txt", TERMS, date(2020, 11, 10), provisions=[
        ("SECURE_CORRIDOR", "russian_border_troops", "zangezur_corridor",
         "Russian border troops will watch the Zangezur corridor.", None),
        ("SECURE_CORRIDOR", "russian_peacekeepers", "lachin_corridor",
         "Russian peacekeepers shall guard the Lachin corridor.", "2"),
        ("UNBLOCK_TRANSPORT", "armenia", "nakhchivan", "Armenia shall guarantee transport links to Nakhchivan.",
         "3"),
        ("GUARANTEE_PASSAGE", "azerbaijan", "lachin_corridor", "Azerbaijan shall keep the Lachin corridor open.", "1"),
        ("BUILD_ROUTE", "azerbaijan", "lachin_corridor", "Azerbaijan shall also repair the Lachin corridor.", None)])
    comment = _document("comment.txt", COMMENT, date(2020, 11, 1), provisions=[
        ("SECURE_CORRIDOR", "russian_border_troops", "lachin_corridor", COMMENT, None)])
    # another agreement that has the statement's name as an alias (its id sorts first)
    namesake = Entity(id="a_draft_statement", label="Agreement", kind="Statement", name="draft statement",
                      aliases=["trilateral statement"])
    comment.entities.append(namesake)
    comment.mentions.append(Mention(entity_id=namesake.id, surface="asked", start=COMMENT.index("asked"),
                                    end=COMMENT.index("asked") + len("asked"), rule="test"))
    return [spring, autumn, terms, comment]


@pytest.fixture(scope="module")
def disputed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gql]:
    store = FalkorStore(tmp_path_factory.mktemp("disputes") / "kg")
    store.ensure_schema()
    store.write_extractions(disputes())
    client = AppClient(create_app(store, settings=Settings(production=True)))

    def run(query: str, **variables: Any) -> dict[str, Any]:
        answer: dict[str, Any] = client.post("/graphql", json={"query": query, "variables": variables}).json()
        assert not answer.get("errors"), answer
        return answer["data"]  # type: ignore[no-any-return]

    yield run
    store.close()


def test_a_relation_and_its_opposite_from_other_sources_contest_each_other(disputed: Gql) -> None:
    rows = disputed("""{ relations(subject: "russia", first: 50) { edges { node { predicate object { id }
        contestedBy { id predicate subject { id } object { id } } } } } }""")["relations"]["edges"]
    contested = {(r["node"]["predicate"], r["node"]["object"]["id"]): r["node"]["contestedBy"] for r in rows}
    assert [(c["predicate"], c["subject"]["id"], c["object"]["id"]) for c in contested[("SUPPORTS", "armenia")]] == [
        ("OPPOSES", "russia", "armenia")]
    assert [c["predicate"] for c in contested[("OPPOSES", "armenia")]] == ["SUPPORTS"]
    # both sides told by one source: not contested
    assert contested[("SUPPORTS", "azerbaijan")] == [] and contested[("OPPOSES", "azerbaijan")] == []
    armenia = disputed("""{ entity(id: "armenia") { relations(direction: OUT) { predicate
        contestedBy { predicate } } } }""")["entity"]["relations"]
    by_predicate = {r["predicate"]: r["contestedBy"] for r in armenia}
    assert by_predicate == {"SIGNED": [{"predicate": "REJECTED"}], "REJECTED": [{"predicate": "SIGNED"}],
                            "PARTICIPATED_IN": []}  # (a predicate with no opposite)
    signed = disputed("""{ relations(subject: "armenia", predicate: "SIGNED", first: 1) { edges { node {
        contestedBy { evidence { quote document { id } } } } } } }""")["relations"]["edges"][0]["node"]
    assert signed["contestedBy"] == [{"evidence": [
        {"quote": "Armenia turned the trilateral statement down.", "document": {"id": "autumn.txt"}}]}]


def test_a_contested_relation_is_uncontested_once_the_other_source_is_removed(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path / "kg")
    try:
        store.ensure_schema()
        store.write_extractions(disputes())
        client = AppClient(create_app(store, settings=Settings()))
        query = {"query": '{ relations(subject: "armenia", predicate: "SIGNED") { edges { node { contestedBy { id } '
                          "} } } }"}
        assert client.post("/graphql", json=query).json()["data"]["relations"]["edges"][0]["node"]["contestedBy"]
        store.remove_document("autumn.txt")
        answer = client.post("/graphql", json=query).json()
        assert answer["data"]["relations"]["edges"][0]["node"]["contestedBy"] == []
    finally:
        store.close()


def test_an_agreement_s_provisions_come_in_reading_order(disputed: Gql) -> None:
    """Numbered clauses first (1, 2, 3 whatever order they were written in), then the terms with no clause where
    their first quote stands: the earliest-published document first, then by offset. Asked for by its name, the
    agreement comes first, before another that has the name as an alias."""
    both = disputed("""{ agreements(name: "Trilateral Statement") { agreement { id } } }""")["agreements"]
    assert [a["agreement"]["id"] for a in both] == ["trilateral_statement_2020", "a_draft_statement"]
    found = disputed("""{ agreements(name: "trilateral statement", first: 1) { agreement { id }
        provisions { type qualifiers evidence { start document { id } } } } }""")["agreements"][0]
    assert found["agreement"]["id"] == "trilateral_statement_2020"
    found = found["provisions"]
    assert [(p["type"], p["qualifiers"].get("clause"), p["evidence"][0]["document"]["id"]) for p in found] == [
        ("GUARANTEE_PASSAGE", "1", "terms.txt"), ("SECURE_CORRIDOR", "2", "terms.txt"),
        ("UNBLOCK_TRANSPORT", "3", "terms.txt"),
        ("SECURE_CORRIDOR", None, "comment.txt"),  # published before terms.txt
        ("SECURE_CORRIDOR", None, "terms.txt"), ("BUILD_ROUTE", None, "terms.txt")]
