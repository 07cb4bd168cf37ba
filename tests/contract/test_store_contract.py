"""The GraphStore contract on every backend: ingest, idempotency, replacement, removal, export, recovery, read-only."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from test_store import TEXT_A, TEXT_A2, by_type, doc_a, doc_a_changed, doc_b, triples

from conflictkg.errors import ReadOnlyViolation
from conflictkg.graph.store import GraphStore
from conflictkg.schema.models import Extraction


def count(store: GraphStore, query: str, **params: Any) -> int:
    return int(store.read(query, params)[0]["n"])


def test_write_extraction_exports_the_contract_records(backend_store: GraphStore) -> None:
    backend_store.write_extraction(doc_a())
    records = by_type(backend_store)

    [doc] = records["document"]
    assert (doc["id"], doc["sha256"]) == ("a.txt", hashlib.sha256(TEXT_A.encode()).hexdigest())
    lachin = next(e for e in records["entity"] if e["id"] == "lachin_corridor")
    assert lachin == {"type": "entity", "id": "lachin_corridor", "label": "Territory", "kind": "Corridor",
                      "name": "Lachin corridor", "aliases": [], "documents": ["a.txt"]}
    assert triples(backend_store) == {("azerbaijan", "CONTROLS", "shusha"),
                                      ("russian_peacekeepers", "DEPLOYED_TO", "lachin_corridor")}
    for record in records["relation"] + records["provision"]:
        for ev in record["evidence"]:
            assert TEXT_A[ev["start"]:ev["end"]] == ev["quote"]
    [prov] = records["provision"]
    assert (prov["provision_type"], prov["agreement"], prov["obliges"], prov["concerns"]) == (
        "GUARANTEE_PASSAGE", "trilateral_statement_2020", ["azerbaijan"], ["lachin_corridor"])
    assert backend_store.stats() == {"documents": 1, "entities": 5, "relations": 2, "provisions": 1, "evidence": 3}
    assert backend_store.document_sha("a.txt") == doc["sha256"]
    assert backend_store.document_shas(["b.txt", "a.txt", "a.txt"]) == {"a.txt": doc["sha256"]}
    assert backend_store.document_shas([]) == {}


def test_writing_the_same_extraction_twice_changes_nothing(backend_store: GraphStore) -> None:
    backend_store.write_extraction(doc_a())
    first, stats = list(backend_store.export_records()), backend_store.stats()
    backend_store.write_extraction(doc_a())
    assert list(backend_store.export_records()) == first
    assert backend_store.stats() == stats


def test_one_fact_from_two_documents_is_one_edge_with_two_evidence(backend_store: GraphStore) -> None:
    backend_store.write_extraction(doc_a())
    backend_store.write_extraction(doc_b())
    [deployed] = [r for r in by_type(backend_store)["relation"] if r["predicate"] == "DEPLOYED_TO"]
    assert [e["document"] for e in deployed["evidence"]] == ["a.txt", "b.txt"]
    assert count(backend_store, "MATCH (:Entity)-[r:DEPLOYED_TO]->(:Entity) RETURN count(r) AS n") == 1


def test_a_changed_document_replaces_its_facts(backend_store: GraphStore) -> None:
    backend_store.write_extraction(doc_a())
    backend_store.write_extraction(doc_b())
    backend_store.write_extraction(doc_a_changed())
    assert triples(backend_store) == {("russian_peacekeepers", "DEPLOYED_TO", "lachin_corridor"),
                                      ("armenia", "CONTROLS", "stepanakert")}
    assert count(backend_store, "MATCH (n:Entity {id: $id}) RETURN count(n) AS n", id="shusha") == 0
    assert count(backend_store, "MATCH (p:Provision) RETURN count(p) AS n") == 0
    assert backend_store.document_sha("a.txt") == hashlib.sha256(TEXT_A2.encode()).hexdigest()


def test_remove_document_leaves_no_evidence_and_no_orphans(backend_store: GraphStore) -> None:
    backend_store.write_extraction(doc_a())
    backend_store.write_extraction(doc_b())
    assert backend_store.remove_document("a.txt") is True
    assert count(backend_store, "MATCH (ev:Evidence {document: $d}) RETURN count(ev) AS n", d="a.txt") == 0
    assert count(backend_store, "MATCH (n:Entity) WHERE NOT (n)-[:MENTIONED_IN]->() RETURN count(n) AS n") == 0
    assert triples(backend_store) == {("russian_peacekeepers", "DEPLOYED_TO", "lachin_corridor")}
    assert backend_store.remove_document("a.txt") is False
    assert backend_store.remove_document("b.txt") is True
    assert count(backend_store, "MATCH (n) RETURN count(n) AS n") == 0


def test_recover_removes_an_interrupted_write(backend_store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    backend_store.write_extraction(doc_b())
    before = list(backend_store.export_records())

    def crash(_extraction: Extraction) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(backend_store, "_write_provisions", crash)
    with pytest.raises(RuntimeError):
        backend_store.write_extraction(doc_a())
    monkeypatch.undo()
    assert list(backend_store.export_records()) == before  # half written, invisible
    assert backend_store.document_sha("a.txt") is None
    assert backend_store.recover() == ["a.txt"]
    assert count(backend_store, "MATCH (ev:Evidence {document: $d}) RETURN count(ev) AS n", d="a.txt") == 0
    assert list(backend_store.export_records()) == before
    assert backend_store.recover() == []


@pytest.mark.parametrize(
    ("query", "clause"),
    [
        ("CREATE (:Entity {id: 'intruder'})", "CREATE"),
        ("MERGE (:Entity {id: 'intruder'})", "MERGE"),
        ("MATCH (n:Entity) SET n.name = 'x'", "SET"),
        ("MATCH (n:Entity) REMOVE n.name", "REMOVE"),
        ("MATCH (ev:Evidence) DELETE ev", "DELETE"),
        ("MATCH (d:Document) DETACH DELETE d", "DETACH DELETE"),
        ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LOAD CSV"),
        ("CALL db.idx.fulltext.createNodeIndex('Entity', 'name')", "db.idx.fulltext.createNodeIndex"),
        ("CALL dbms.security.createUser('mallory', 'secret', false)", "dbms.security.createUser"),
        ("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})", "apoc.periodic.iterate"),
    ],
)
def test_read_refuses_writes_and_outside_access(backend_store: GraphStore, query: str, clause: str) -> None:
    backend_store.write_extraction(doc_b())
    before = list(backend_store.export_records())
    with pytest.raises(ReadOnlyViolation, match=f"read-only query refused: (CALL )?{clause}"):
        backend_store.read(query)
    assert list(backend_store.export_records()) == before
    assert count(backend_store, "MATCH (n {id: 'intruder'}) RETURN count(n) AS n") == 0


def test_parameters_stay_values(backend_store: GraphStore) -> None:
    backend_store.write_extraction(doc_b())
    before = list(backend_store.export_records())
    for hostile in ("x'}) DETACH DELETE n //", "') MATCH (n) DETACH DELETE n RETURN 1 AS x //", "$id", "\\' OR 1=1"):
        assert backend_store.read("MATCH (n:Entity) WHERE n.id = $id RETURN n.id AS id", {"id": hostile}) == []
    assert list(backend_store.export_records()) == before
