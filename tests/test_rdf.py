"""`kg export --format trig|nquads|jsonld|ttl`: the RDF parses back to the same facts, evidence and provenance.

The fixture corpus is ingested once; each format is exported through the CLI, parsed
with rdflib, and compared with the JSONL export of the same store.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from conftest import KG, flat
from contract.support import ingest_corpus, sparql
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from conflictkg.cli import GUARANTEES
from conflictkg.graph.falkor import FalkorStore
from conflictkg.graph.rdf import CKG, FORMATS, predicate_term

BASE = "https://conflictkg.example/id/"
Facts = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[KG, list[dict[str, Any]]]:
    """A store holding the fixture corpus, and its export records."""
    data = tmp_path_factory.mktemp("rdf") / "kg"
    store = FalkorStore(data)
    store.ensure_schema()
    ingest_corpus(store)
    store.close()
    kg = KG(data)
    return kg, kg.records()


def export(kg: KG, fmt: str, tmp_path: Path, *extra: str) -> Dataset:
    out = tmp_path / f"graph.{fmt}"
    result = kg("export", "--format", fmt, "--out", str(out), *extra)
    assert result.exit_code == 0, result.output
    ds = Dataset()
    ds.parse(out, format=FORMATS[fmt])
    return ds


def union(ds: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


def ident(g: Graph, node: Any) -> str:
    """The project id of an entity, document or fact resource."""
    return str(g.value(node, DCTERMS.identifier))


def facts_of(g: Graph) -> Facts:
    """Relations, provisions and evidence read back from RDF, in the shape of the JSONL records."""
    label = {s: str(o) for s, o in g.subject_objects(RDFS.label)}
    relations = sorted(
        (ident(g, f), ident(g, g.value(f, RDF.subject)), label[g.value(f, RDF.predicate)],
         ident(g, g.value(f, RDF.object)),
         {str(p).removeprefix(str(CKG)): str(o) for p, o in g.predicate_objects(f)
          if str(p).startswith(str(CKG)) and p not in {CKG.confidence, CKG.hasEvidence}})
        for f in g.subjects(RDF.type, RDF.Statement)
    )
    provisions = sorted(
        (ident(g, p), next(label[c] for c in g.objects(p, RDF.type) if c != CKG.Provision),
         ident(g, g.value(p, CKG.agreement)),
         *(sorted(ident(g, e) for e in g.objects(p, CKG[role])) for role in ("obliges", "concerns", "benefits")))
        for p in g.subjects(RDF.type, CKG.Provision)
    )
    evidence = sorted(
        (ident(g, fact), ident(g, g.value(ev, PROV.wasDerivedFrom)), str(g.value(ev, CKG.quote)),
         g.value(ev, CKG.start).toPython(), g.value(ev, CKG.end).toPython(), str(g.value(ev, CKG.extractor)),
         float(g.value(ev, CKG.confidence).toPython()),
         ident(g, g.value(ev, CKG.attributedTo)) if g.value(ev, CKG.attributedTo) else None)
        for fact, ev in g.subject_objects(CKG.hasEvidence)
    )
    return relations, provisions, evidence


def expected(records: list[dict[str, Any]]) -> Facts:
    def camel(key: str) -> str:
        first, *rest = key.split("_")
        return first + "".join(p.capitalize() for p in rest)

    relations = sorted((r["id"], r["subject"], r["predicate"], r["object"],
                        {camel(k): str(v) for k, v in r["qualifiers"].items()})
                       for r in records if r["type"] == "relation")
    provisions = sorted((r["id"], r["provision_type"], r["agreement"], sorted(r["obliges"]), sorted(r["concerns"]),
                         sorted(r["benefits"])) for r in records if r["type"] == "provision")
    evidence = sorted((r["id"], e["document"], e["quote"], e["start"], e["end"], e["extractor"], e["confidence"],
                       e.get("attributed_to")) for r in records for e in r.get("evidence", []))
    return relations, provisions, evidence


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_round_trip_keeps_every_fact_and_piece_of_evidence(
    corpus: tuple[KG, list[dict[str, Any]]], fmt: str, tmp_path: Path
) -> None:
    kg, records = corpus
    ds = export(kg, fmt, tmp_path)
    relations, provisions, evidence = facts_of(union(ds))
    want = expected(records)
    assert (len(relations), len(provisions), len(evidence)) == tuple(len(x) for x in want)
    assert (relations, provisions, evidence) == want
    assert any(e[-1] for e in evidence), "the corpus has attributed claims; they must survive the round trip"
    g = union(ds)
    entities = [r for r in records if r["type"] == "entity"]
    assert len(set(g.subjects(RDFS.label)) & {URIRef(f"{BASE}entity/{e['id']}") for e in entities}) == len(entities)
    aliased = next(e for e in entities if e["aliases"])
    aliases = g.objects(URIRef(f"{BASE}entity/{aliased['id']}"), SKOS.altLabel)
    assert {str(a) for a in aliases} == set(aliased["aliases"])
    assert (URIRef(f"{BASE}entity/{aliased['id']}"), RDF.type, CKG[aliased["kind"]]) in g

    if fmt != "ttl":  # the quad formats keep one named graph per document with the facts it supports
        per_document = {(str(graph.identifier).removeprefix(f"{BASE}graph/"), s, p, o)
                        for graph in ds.graphs() if graph.identifier != ds.default_graph.identifier
                        for s, p, o in graph
                        if str(s).startswith(f"{BASE}entity/") and str(o).startswith(f"{BASE}entity/")
                        and p != CKG.hasProvision}
        want_per_document = {(e["document"], URIRef(f"{BASE}entity/{r['subject']}"), predicate_term(r["predicate"]),
                              URIRef(f"{BASE}entity/{r['object']}"))
                             for r in records if r["type"] == "relation" for e in r["evidence"]}
        assert per_document == want_per_document


def test_named_graphs_carry_prov_o(corpus: tuple[KG, list[dict[str, Any]]], tmp_path: Path) -> None:
    kg, records = corpus
    ds = export(kg, "trig", tmp_path)
    default = ds.default_graph
    documents = [r["id"] for r in records if r["type"] == "document"]
    for doc in documents:
        graph, source = URIRef(f"{BASE}graph/{doc}"), URIRef(f"{BASE}document/{doc}")
        assert len(ds.graph(graph)) > 0
        assert (graph, PROV.wasDerivedFrom, source) in default
        assert default.value(graph, PROV.generatedAtTime) is not None
        agents = list(default.objects(graph, PROV.wasAttributedTo))
        assert agents and all((a, RDF.type, PROV.SoftwareAgent) in default for a in agents)
        assert str(default.value(source, DCTERMS.identifier)) == doc


def test_sparql_over_trig_answers_the_guarantees_question_like_cypher(
    corpus: tuple[KG, list[dict[str, Any]]], tmp_path: Path
) -> None:
    kg, _ = corpus
    ds = export(kg, "trig", tmp_path)
    from_rdf: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for row in ds.query(sparql()):
        from_rdf[tuple(str(row[k]) for k in ("guarantor", "corridor", "agreement", "provision"))].add(str(row.source))
    store = FalkorStore(kg.data_dir)
    try:
        rows = store.read(GUARANTEES)
    finally:
        store.close()
    from_cypher = {(r["guarantor"], r["corridor"], r["agreement"], r["provision"]): set(r["sources"]) for r in rows}
    assert len(from_cypher) >= 5
    assert dict(from_rdf) == from_cypher


def test_the_base_iri_is_configurable_and_checked(corpus: tuple[KG, list[dict[str, Any]]], tmp_path: Path) -> None:
    kg, _ = corpus
    g = union(export(kg, "nquads", tmp_path, "--base-iri", "https://example.org/kg"))
    assert (URIRef("https://example.org/kg/entity/armenia"), RDFS.label, None) in g
    assert not any(str(s).startswith(BASE) for s in g.subjects())
    bad = kg("export", "--format", "trig", "--base-iri", "not an iri")
    assert bad.exit_code == 1 and "not an absolute IRI" in flat(bad.stderr)


def test_min_confidence_applies_to_rdf(corpus: tuple[KG, list[dict[str, Any]]], tmp_path: Path) -> None:
    kg, records = corpus
    weakest = min(e["confidence"] for r in records for e in r.get("evidence", []))
    _, _, evidence = facts_of(union(export(kg, "ttl", tmp_path, "--min-confidence", str(weakest + 1e-9))))
    assert evidence and all(e[6] > weakest for e in evidence)
    assert len(evidence) < len(expected(records)[2])


def test_jsonld_keeps_the_default_graph_at_the_top_level(
    corpus: tuple[KG, list[dict[str, Any]]], tmp_path: Path
) -> None:
    """Other JSON-LD processors read an @graph object without @id as a blank-node graph, not the default one."""
    kg, _ = corpus
    result = kg("export", "--format", "jsonld")
    doc = json.loads(result.stdout)
    assert all("@id" in item for item in doc["@graph"])


def test_sparql_over_trig_answers_like_the_graphql_guarantees_field(
    corpus: tuple[KG, list[dict[str, Any]]], tmp_path: Path
) -> None:
    from conflictkg import KnowledgeGraph

    kg, _ = corpus
    ds = export(kg, "trig", tmp_path)
    from_rdf = {
        (str(row.guarantor), str(row.corridor), str(row.agreement), str(row.provision)) for row in ds.query(sparql())
    }
    with KnowledgeGraph.open(kg.data_dir) as graph:
        data = graph.query(
            "{ guarantees { provisionType guarantor { name } corridor { name } agreement { name } } }"
        )
    from_graphql = {
        (g["guarantor"]["name"], g["corridor"]["name"], g["agreement"]["name"], g["provisionType"])
        for g in data["guarantees"]
    }
    assert len(from_graphql) >= 5
    assert from_rdf == from_graphql
