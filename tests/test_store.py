"""The store contract on the real embedded FalkorDB: export records, replacement, removal, recovery, read-only."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import pytest
from pydantic import ValidationError

from conflictkg.errors import ReadOnlyViolation, StoreError
from conflictkg.graph.falkor import FalkorStore
from conflictkg.schema.models import (
    DocumentMeta,
    Entity,
    Evidence,
    Extraction,
    Mention,
    Provision,
    Relation,
)

TEXT_A = (
    "Azerbaijan took control of Shusha in November. "
    "Russian peacekeepers were deployed to the Lachin corridor. "
    "Under the trilateral statement, Azerbaijan guarantees safe traffic on the Lachin corridor."
)
TEXT_A2 = "Armenia still controls Stepanakert, the report says."
TEXT_B = "Observers say Russian peacekeepers were deployed to the Lachin corridor last year."

ENTITIES = {
    "azerbaijan": ("Actor", "State", "Azerbaijan"),
    "armenia": ("Actor", "State", "Armenia"),
    "shusha": ("Territory", "Settlement", "Shusha"),
    "stepanakert": ("Territory", "Settlement", "Stepanakert"),
    "russian_peacekeepers": ("Actor", "ArmedForce", "Russian peacekeepers"),
    "lachin_corridor": ("Territory", "Corridor", "Lachin corridor"),
    "trilateral_statement_2020": ("Agreement", "Statement", "trilateral statement"),
}


def evidence(doc: str, text: str, quote: str, confidence: float = 0.9) -> Evidence:
    start = text.index(quote)
    return Evidence(document=doc, quote=quote, start=start, end=start + len(quote), extractor="test:hand@1",
                    confidence=confidence)


def extraction(doc: str, text: str, relations: Sequence[tuple[str, str, str, str]],
               provisions: Sequence[tuple[str, str, list[str], list[str], str]] = ()) -> Extraction:
    """An Extraction as the pipeline would build it: every entity it uses is mentioned in the text."""
    used: set[str] = set()
    rels = []
    for subj, pred, obj, quote in relations:
        rels.append(Relation(subject=subj, predicate=pred, object=obj, evidence=[evidence(doc, text, quote)]))
        used |= {subj, obj}
    provs = []
    for ptype, agreement, obliges, concerns, quote in provisions:
        provs.append(Provision(provision_type=ptype, agreement=agreement, obliges=obliges, concerns=concerns,
                               evidence=[evidence(doc, text, quote, 0.7)]))
        used |= {agreement, *obliges, *concerns}
    entities, mentions = [], []
    for eid in sorted(used):
        label, kind, name = ENTITIES[eid]
        entities.append(Entity(id=eid, label=label, kind=kind, name=name))
        start = text.index(name)
        mentions.append(Mention(entity_id=eid, surface=name, start=start, end=start + len(name), rule="test"))
    meta = DocumentMeta(id=doc, title=f"title of {doc}", sha256=hashlib.sha256(text.encode()).hexdigest())
    return Extraction(document=meta, entities=entities, mentions=mentions, relations=rels, provisions=provs)


def doc_a() -> Extraction:
    return extraction(
        "a.txt", TEXT_A,
        [("azerbaijan", "CONTROLS", "shusha", "Azerbaijan took control of Shusha in November."),
         ("russian_peacekeepers", "DEPLOYED_TO", "lachin_corridor",
          "Russian peacekeepers were deployed to the Lachin corridor.")],
        [("GUARANTEE_PASSAGE", "trilateral_statement_2020", ["azerbaijan"], ["lachin_corridor"],
          "Under the trilateral statement, Azerbaijan guarantees safe traffic on the Lachin corridor.")],
    )


def doc_a_changed() -> Extraction:
    return extraction("a.txt", TEXT_A2, [("armenia", "CONTROLS", "stepanakert", "Armenia still controls Stepanakert")])


def doc_b() -> Extraction:
    return extraction(
        "b.txt", TEXT_B,
        [("russian_peacekeepers", "DEPLOYED_TO", "lachin_corridor",
          "Observers say Russian peacekeepers were deployed to the Lachin corridor last year.")],
    )


def by_type(store: FalkorStore) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"document": [], "entity": [], "relation": [], "provision": []}
    for record in store.export_records():
        out[record["type"]].append(record)
    return out


def triples(store: FalkorStore) -> set[tuple[str, str, str]]:
    return {(r["subject"], r["predicate"], r["object"]) for r in by_type(store)["relation"]}


def count(store: FalkorStore, query: str, **params: Any) -> int:
    return int(store.read(query, params)[0]["n"])


def test_export_records_follow_the_contract(store: FalkorStore) -> None:
    store.write_extraction(doc_a())
    records = by_type(store)

    assert [d["id"] for d in records["document"]] == ["a.txt"]
    assert records["document"][0]["title"] == "title of a.txt"
    assert records["document"][0]["sha256"] == hashlib.sha256(TEXT_A.encode()).hexdigest()

    entities = {e["id"]: e for e in records["entity"]}
    assert set(entities) == {"azerbaijan", "shusha", "russian_peacekeepers", "lachin_corridor",
                             "trilateral_statement_2020"}
    assert entities["lachin_corridor"] == {"type": "entity", "id": "lachin_corridor", "label": "Territory",
                                           "kind": "Corridor", "name": "Lachin corridor", "aliases": [],
                                           "documents": ["a.txt"]}

    rel = next(r for r in records["relation"] if r["predicate"] == "CONTROLS")
    assert (rel["subject"], rel["object"]) == ("azerbaijan", "shusha")
    [ev] = rel["evidence"]
    assert ev["document"] == "a.txt"
    assert TEXT_A[ev["start"]:ev["end"]] == ev["quote"]
    assert rel["confidence"] == ev["confidence"] == 0.9

    [prov] = records["provision"]
    assert prov["provision_type"] == "GUARANTEE_PASSAGE"
    assert prov["agreement"] == "trilateral_statement_2020"
    assert (prov["obliges"], prov["concerns"]) == (["azerbaijan"], ["lachin_corridor"])
    assert TEXT_A[prov["evidence"][0]["start"]:prov["evidence"][0]["end"]] == prov["evidence"][0]["quote"]

    assert store.stats() == {"documents": 1, "entities": 5, "relations": 2, "provisions": 1, "evidence": 3}
    # the n-ary provision is one hop from its agreement, obliged actor and territory
    rows = store.read(
        "MATCH (a:Agreement)-[:HAS_PROVISION]->(p:Provision)-[:OBLIGES]->(g:Actor), (p)-[:CONCERNS]->(c:Territory) "
        "RETURN a.id AS a, g.id AS g, c.id AS c"
    )
    assert rows == [{"a": "trilateral_statement_2020", "g": "azerbaijan", "c": "lachin_corridor"}]


def test_writing_the_same_extraction_twice_changes_nothing(store: FalkorStore) -> None:
    store.write_extraction(doc_a())
    first, stats = list(store.export_records()), store.stats()
    store.write_extraction(doc_a())
    assert list(store.export_records()) == first
    assert store.stats() == stats
    assert count(store, "MATCH (:Entity)-[m:MENTIONED_IN]->(:Document) RETURN count(m) AS n") == 5


def test_one_fact_from_two_documents_is_one_relation_with_two_evidence_items(store: FalkorStore) -> None:
    store.write_extraction(doc_a())
    store.write_extraction(doc_b())
    deployed = [r for r in by_type(store)["relation"] if r["predicate"] == "DEPLOYED_TO"]
    assert len(deployed) == 1
    assert [e["document"] for e in deployed[0]["evidence"]] == ["a.txt", "b.txt"]
    assert count(store, "MATCH (:Entity)-[r:DEPLOYED_TO]->(:Entity) RETURN count(r) AS n") == 1
    entity = next(e for e in by_type(store)["entity"] if e["id"] == "lachin_corridor")
    assert entity["documents"] == ["a.txt", "b.txt"]


def test_a_batch_writes_like_one_document_at_a_time(store: FalkorStore, tmp_path_factory: pytest.TempPathFactory
                                                    ) -> None:
    one_by_one = FalkorStore(tmp_path_factory.mktemp("one-by-one") / "kg")
    try:
        for ex in (doc_a(), doc_b(), doc_a_changed()):
            one_by_one.write_extraction(ex)
        store.write_extractions([doc_a(), doc_b(), doc_a_changed()])  # a.txt twice: its last version counts
        assert list(store.export_records()) == list(one_by_one.export_records())
        assert count(store, "MATCH (:Entity)-[r:DEPLOYED_TO]->(:Entity) RETURN count(r) AS n") == 1
    finally:
        one_by_one.close()


def guarantee_stated_by(doc: str, text: str, benefits: list[str], deadline: str) -> Extraction:
    """One provision (same id in every document) with this document's beneficiaries and deadline."""
    ex = extraction(doc, text, [], [("GUARANTEE_PASSAGE", "trilateral_statement_2020", ["azerbaijan"],
                                     ["lachin_corridor"], text.split(".")[0] + ".")])
    ex.provisions[0].benefits = benefits
    ex.provisions[0].qualifiers = {"deadline": deadline}
    for eid in benefits:
        label, kind, name = ENTITIES[eid]
        ex.entities.append(Entity(id=eid, label=label, kind=kind, name=name))
        start = text.index(name)
        ex.mentions.append(Mention(entity_id=eid, surface=name, start=start, end=start + len(name), rule="test"))
    return ex


def test_a_provision_stated_twice_does_not_depend_on_batching(store: FalkorStore,
                                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    terms = "Under the trilateral statement, Azerbaijan guarantees the Lachin corridor for"
    first = guarantee_stated_by("p.txt", f"{terms} Armenia.", ["armenia"], "2020-12-01")
    second = guarantee_stated_by("q.txt", f"{terms} Russian peacekeepers.", ["russian_peacekeepers"], "2021-01-01")
    one_by_one = FalkorStore(tmp_path_factory.mktemp("one-by-one") / "kg")
    try:
        one_by_one.write_extraction(first)
        one_by_one.write_extraction(second)
        store.write_extractions([first, second])
        assert list(store.export_records()) == list(one_by_one.export_records())
        (provision,) = by_type(store)["provision"]
        assert provision["benefits"] == ["armenia", "russian_peacekeepers"]  # every document's, not the last one's
    finally:
        one_by_one.close()


def test_a_changed_document_drops_facts_it_no_longer_supports(store: FalkorStore) -> None:
    store.write_extraction(doc_a())
    store.write_extraction(doc_b())
    store.write_extraction(doc_a_changed())

    assert triples(store) == {("russian_peacekeepers", "DEPLOYED_TO", "lachin_corridor"),
                              ("armenia", "CONTROLS", "stepanakert")}
    deployed = next(r for r in by_type(store)["relation"] if r["predicate"] == "DEPLOYED_TO")
    assert [e["document"] for e in deployed["evidence"]] == ["b.txt"]
    # gone from the graph itself, not only hidden from the export
    assert count(store, "MATCH (:Entity)-[r:CONTROLS]->(:Entity {id: 'shusha'}) RETURN count(r) AS n") == 0
    assert count(store, "MATCH (n:Entity {id: 'shusha'}) RETURN count(n) AS n") == 0
    assert count(store, "MATCH (p:Provision) RETURN count(p) AS n") == 0
    assert count(store, "MATCH (ev:Evidence {document: 'a.txt'}) RETURN count(ev) AS n") == 1
    assert store.document_sha("a.txt") == hashlib.sha256(TEXT_A2.encode()).hexdigest()


def test_remove_document_leaves_no_evidence_and_no_orphans(store: FalkorStore) -> None:
    store.write_extraction(doc_a())
    store.write_extraction(doc_b())

    assert store.remove_document("a.txt") is True

    assert count(store, "MATCH (ev:Evidence) WHERE ev.document = 'a.txt' RETURN count(ev) AS n") == 0
    assert count(store, "MATCH (d:Document {id: 'a.txt'}) RETURN count(d) AS n") == 0
    assert count(store, "MATCH (n:Entity) WHERE NOT (n)-[:MENTIONED_IN]->() RETURN count(n) AS n") == 0
    assert count(store, "MATCH (p:Provision) RETURN count(p) AS n") == 0
    # every remaining edge with a fact key still has evidence
    assert count(
        store,
        "MATCH (:Entity)-[r]->(:Entity) WHERE r.key IS NOT NULL "
        "OPTIONAL MATCH (ev:Evidence {fact: r.key}) WITH r, count(ev) AS c WHERE c = 0 RETURN count(r) AS n",
    ) == 0
    records = by_type(store)
    assert all(e["documents"] == ["b.txt"] for e in records["entity"])
    assert triples(store) == {("russian_peacekeepers", "DEPLOYED_TO", "lachin_corridor")}
    assert store.stats() == {"documents": 1, "entities": 2, "relations": 1, "provisions": 0, "evidence": 1}

    assert store.remove_document("a.txt") is False
    assert store.remove_document("b.txt") is True
    assert store.stats() == {"documents": 0, "entities": 0, "relations": 0, "provisions": 0, "evidence": 0}
    assert count(store, "MATCH (n) RETURN count(n) AS n") == 0


def test_an_interrupted_write_is_hidden_then_recovered(store: FalkorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.write_extraction(doc_b())
    before = list(store.export_records())

    def crash(_extraction: Extraction) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(store, "_write_provisions", crash)
    with pytest.raises(RuntimeError):
        store.write_extraction(doc_a())
    monkeypatch.undo()

    # half written: in the graph with status 'writing', invisible to readers
    assert store.read("MATCH (d:Document {id: 'a.txt'}) RETURN d.status AS s") == [{"s": "writing"}]
    assert count(store, "MATCH (ev:Evidence {document: 'a.txt'}) RETURN count(ev) AS n") > 0
    assert list(store.export_records()) == before
    assert store.document_sha("a.txt") is None
    assert store.stats()["documents"] == 1

    assert store.recover() == ["a.txt"]
    assert count(store, "MATCH (ev:Evidence {document: 'a.txt'}) RETURN count(ev) AS n") == 0
    assert count(store, "MATCH (n:Entity {id: 'shusha'}) RETURN count(n) AS n") == 0
    assert list(store.export_records()) == before
    assert store.recover() == []


def test_read_refuses_a_write_query(store: FalkorStore) -> None:
    store.write_extraction(doc_b())
    stats = store.stats()
    with pytest.raises(ReadOnlyViolation, match="read-only"):
        store.read("CREATE (:Entity {id: 'intruder'})")
    with pytest.raises(ReadOnlyViolation):
        store.read("MATCH (d:Document) DETACH DELETE d")
    assert store.stats() == stats
    assert count(store, "MATCH (n {id: 'intruder'}) RETURN count(n) AS n") == 0


def test_a_bad_query_is_a_store_error_not_a_crash(store: FalkorStore) -> None:
    with pytest.raises(StoreError, match="query failed"):
        store.read("MATCH (n RETURN n")


def test_unknown_vocabulary_is_rejected_before_any_cypher(store: FalkorStore) -> None:
    ev = evidence("a.txt", TEXT_A, "Azerbaijan took control of Shusha in November.")
    with pytest.raises(ValidationError, match="unknown predicate"):
        Relation(subject="azerbaijan", predicate="CONTROLS]->() DETACH DELETE n //", object="shusha", evidence=[ev])
    with pytest.raises(ValidationError, match="unknown entity label"):
        Entity(id="x", label="Actor:Admin", kind="State", name="X")
    with pytest.raises(ValidationError, match="unknown provision type"):
        Provision(provision_type="ANNEX", agreement="a", evidence=[ev])
    with pytest.raises(ValidationError, match="at least 1"):
        Relation(subject="azerbaijan", predicate="CONTROLS", object="shusha", evidence=[])
    with pytest.raises(ValidationError, match="does not fit"):
        Evidence(document="a.txt", quote="Azerbaijan", start=0, end=3, extractor="x", confidence=0.5)


def test_the_store_refuses_vocabulary_that_bypassed_validation(store: FalkorStore) -> None:
    store.write_extraction(doc_b())
    before = list(store.export_records())
    good = doc_a()
    evil = Relation.model_construct(subject="azerbaijan", predicate="CONTROLS]->() DETACH DELETE n //",
                                    object="shusha", qualifiers={}, evidence=good.relations[0].evidence)
    with pytest.raises(StoreError, match="unknown predicate"):
        store.write_extraction(good.model_copy(update={"relations": [evil]}))
    assert count(store, "MATCH (n:Entity) RETURN count(n) AS n") >= 2  # nothing was deleted
    assert list(store.export_records()) == before  # the half-written document stays hidden
    assert store.recover() == ["a.txt"]
    assert list(store.export_records()) == before
