"""The graph as RDF: an rdflib Dataset built from the export contract's records, with PROV-O provenance.

It reads only `GraphStore.export_records()`, so every backend exports the same RDF.
Layout, chosen so that a SPARQL user can both follow facts and weigh their sources:

- default graph: the ontology terms, entities (`rdfs:label`, `skos:altLabel`),
  documents, one `rdf:Statement` per relation (its qualifiers and confidence)
  and one evidence resource per quote (offsets, extractor, `attributedTo`),
  and the PROV-O description of each document's named graph;
- one named graph per document: the facts it supports, relations as plain
  triples and provisions as resources with role properties (the n-ary pattern).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from conflictkg.schema.ontology import LABEL_KINDS, PREDICATES, PROVISION_ROLES, PROVISION_TYPES, kind_belongs

CKG = Namespace("https://conflictkg.example/ontology#")
DEFAULT_BASE_IRI = "https://conflictkg.example/id/"
# --format value -> rdflib serializer
FORMATS = {"trig": "trig", "nquads": "nquads", "jsonld": "json-ld", "ttl": "turtle"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _camel(name: str, *, upper: bool = False) -> str:
    """CONTROLS -> controls, DEPLOYED_TO -> deployedTo, valid_from -> validFrom (upper: GuaranteePassage)."""
    first, *rest = re.split(r"[\W_]+", name.lower())
    return (first.capitalize() if upper else first) + "".join(p.capitalize() for p in rest)


def predicate_term(predicate: str) -> URIRef:
    """The RDF property of an ontology predicate."""
    return CKG[_camel(predicate)]


def provision_class(provision_type: str) -> URIRef:
    """The class of a provision type, under ckg:Provision; suffixed because CEASEFIRE is also an agreement kind."""
    return CKG[_camel(provision_type, upper=True) + "Provision"]


def _literal(value: Any) -> Literal:
    """A typed literal: ISO dates and times as xsd:date/dateTime, floats as xsd:decimal (readable and exact)."""
    if isinstance(value, bool | int):
        return Literal(value)
    if isinstance(value, float):
        return Literal(format(Decimal(repr(value)), "f"), datatype=XSD.decimal)
    text = str(value)
    if _DATE.match(text):
        return Literal(text, datatype=XSD.date)
    if _DATETIME.match(text):
        return Literal(text, datatype=XSD.dateTime)
    return Literal(text)


class _Iris:
    """IRIs of the instance data under one base (entities, documents, their graphs, facts, evidence, extractors)."""

    def __init__(self, base: str) -> None:
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", base):
            raise ValueError(f"the base IRI {base!r} is not an absolute IRI (e.g. {DEFAULT_BASE_IRI})")
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def __call__(self, kind: str, local: str) -> URIRef:
        return URIRef(f"{self.base}{kind}/{quote(local, safe='')}")

    def prefixes(self) -> dict[str, str]:
        """Prefixes for readable output: the project's vocabularies and one per kind of instance IRI."""
        kinds = ("entity", "document", "graph", "fact", "provision", "evidence", "agent")
        return {"ckg": str(CKG), "prov": str(PROV), "skos": str(SKOS), "dcterms": str(DCTERMS), "rdf": str(RDF),
                "rdfs": str(RDFS), "xsd": str(XSD), **{kind: f"{self.base}{kind}/" for kind in kinds}}


def _ontology(g: Graph) -> None:
    """Declare the project's terms, so their labels map RDF back to the ontology's names."""
    for label, kinds in LABEL_KINDS.items():
        g.add((CKG[label], RDF.type, RDFS.Class))
        for kind in kinds:
            g.add((CKG[kind], RDFS.subClassOf, CKG[label]))
            g.add((CKG[kind], RDFS.label, Literal(kind)))
    for predicate in PREDICATES:
        g.add((predicate_term(predicate), RDF.type, RDF.Property))
        g.add((predicate_term(predicate), RDFS.label, Literal(predicate)))
    for ptype in PROVISION_TYPES:
        g.add((provision_class(ptype), RDFS.subClassOf, CKG.Provision))
        g.add((provision_class(ptype), RDFS.label, Literal(ptype)))
    for cls in ("Provision", "Document", "Evidence"):
        g.add((CKG[cls], RDF.type, RDFS.Class))
    for field in (*PROVISION_ROLES, "agreement", "hasProvision", "hasEvidence", "attributedTo", "mentionedIn"):
        g.add((CKG[field], RDF.type, RDF.Property))


def build_dataset(records: Iterable[Mapping[str, Any]], base_iri: str = DEFAULT_BASE_IRI) -> Dataset:
    """The export records as a Dataset; each document graph is stamped with the time of the export."""
    iri = _Iris(base_iri)
    stamp = Literal(datetime.now(UTC).isoformat(timespec="seconds"), datatype=XSD.dateTime)
    ds = Dataset()
    for prefix, namespace in iri.prefixes().items():
        ds.bind(prefix, namespace)
    default = ds.default_graph
    _ontology(default)
    agents: dict[str, set[URIRef]] = {}  # document id -> extractors that read facts from it
    occurrences: dict[str, int] = {}

    def evidence(fact: URIRef, fact_id: str, items: Iterable[Mapping[str, Any]]) -> set[str]:
        """Evidence resources of one fact; returns the documents that support it."""
        documents = set()
        for ev in items:
            raw = json.dumps([fact_id, ev["document"], ev["start"], ev["end"], ev["extractor"], ev["quote"]])
            # a stable IRI from the content; the same quote read twice by one rule stays two pieces of evidence
            occurrences[raw] = occurrences.get(raw, 0) + 1
            raw += f"#{occurrences[raw]}" if occurrences[raw] > 1 else ""
            node = iri("evidence", hashlib.sha1(raw.encode()).hexdigest()[:20])
            agent = iri("agent", ev["extractor"])
            default.add((fact, CKG.hasEvidence, node))
            for p, o in (
                (RDF.type, CKG.Evidence), (RDF.type, PROV.Entity), (CKG.quote, Literal(ev["quote"])),
                (CKG.start, Literal(ev["start"])), (CKG.end, Literal(ev["end"])),
                (CKG.confidence, _literal(ev["confidence"])), (CKG.extractor, Literal(ev["extractor"])),
                (PROV.wasDerivedFrom, iri("document", ev["document"])), (PROV.wasAttributedTo, agent),
            ):
                default.add((node, p, o))
            if ev.get("attributed_to"):
                default.add((node, CKG.attributedTo, iri("entity", ev["attributed_to"])))
            default.add((agent, RDF.type, PROV.SoftwareAgent))
            default.add((agent, RDFS.label, Literal(ev["extractor"])))
            agents.setdefault(ev["document"], set()).add(agent)
            documents.add(ev["document"])
        return documents

    for record in records:
        kind = record["type"]
        if kind == "document":
            doc = iri("document", record["id"])
            default.add((doc, RDF.type, CKG.Document))
            default.add((doc, RDF.type, PROV.Entity))
            default.add((doc, DCTERMS.identifier, Literal(record["id"])))
            for p, key in ((DCTERMS.title, "title"), (DCTERMS.publisher, "publisher"), (CKG.sha256, "sha256")):
                if record.get(key):
                    default.add((doc, p, Literal(record[key])))
            if record.get("published"):
                default.add((doc, DCTERMS.issued, _literal(record["published"])))
            for author in record.get("authors") or []:
                default.add((doc, DCTERMS.creator, Literal(author)))
            if record.get("url"):
                default.add((doc, CKG.url, Literal(record["url"], datatype=XSD.anyURI)))
        elif kind == "entity":
            ent = iri("entity", record["id"])
            default.add((ent, RDF.type, CKG[record["label"]]))
            if kind_belongs(record["label"], record["kind"]):
                default.add((ent, RDF.type, CKG[record["kind"]]))
            else:  # a kind outside the ontology is no class of ours
                default.add((ent, CKG.kind, Literal(record["kind"])))
            default.add((ent, DCTERMS.identifier, Literal(record["id"])))
            default.add((ent, RDFS.label, Literal(record["name"])))
            for alias in record.get("aliases") or []:
                default.add((ent, SKOS.altLabel, Literal(alias)))
            for document in record.get("documents") or []:
                default.add((ent, CKG.mentionedIn, iri("document", document)))
        elif kind == "relation":
            fact = iri("fact", record["id"])
            s, p, o = (iri("entity", record["subject"]), predicate_term(record["predicate"]),
                       iri("entity", record["object"]))
            for pp, oo in ((RDF.type, RDF.Statement), (RDF.subject, s), (RDF.predicate, p), (RDF.object, o),
                           (DCTERMS.identifier, Literal(record["id"])),
                           (CKG.confidence, _literal(record["confidence"]))):
                default.add((fact, pp, oo))
            for key, value in sorted(record.get("qualifiers", {}).items()):
                default.add((fact, CKG[_camel(key)], _literal(value)))
            for document in evidence(fact, record["id"], record["evidence"]):
                ds.graph(iri("graph", document)).add((s, p, o))
        elif kind == "provision":
            prov = iri("provision", record["id"])
            agreement = iri("entity", record["agreement"])
            default.add((prov, DCTERMS.identifier, Literal(record["id"])))
            default.add((prov, CKG.confidence, _literal(record["confidence"])))
            triples: list[tuple[URIRef, URIRef, URIRef | Literal]] = [
                (prov, RDF.type, CKG.Provision), (prov, RDF.type, provision_class(record["provision_type"])),
                (prov, CKG.agreement, agreement), (agreement, CKG.hasProvision, prov),
            ]
            triples += [(prov, CKG[role], iri("entity", e)) for role in PROVISION_ROLES for e in record.get(role) or []]
            triples += [(prov, CKG[_camel(k)], _literal(v)) for k, v in sorted(record.get("qualifiers", {}).items())]
            for document in evidence(prov, record["id"], record["evidence"]):
                graph = ds.graph(iri("graph", document))
                for triple in triples:
                    graph.add(triple)

    for document, extractors in agents.items():
        graph_iri = iri("graph", document)
        default.add((graph_iri, RDF.type, PROV.Entity))
        default.add((graph_iri, PROV.wasDerivedFrom, iri("document", document)))
        default.add((graph_iri, PROV.generatedAtTime, stamp))
        for agent in extractors:
            default.add((graph_iri, PROV.wasAttributedTo, agent))
    return ds


def serialize(ds: Dataset, fmt: str) -> str:
    """The Dataset in one of FORMATS; ttl is the union of all graphs, nquads lines are sorted (stable output)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "ttl":
        union = Graph()
        for prefix, namespace in ds.namespaces():
            union.bind(prefix, namespace)
        for s, p, o, _ in ds.quads((None, None, None, None)):
            union.add((s, p, o))
        return union.serialize(format="turtle")
    if fmt == "nquads":
        lines = ds.serialize(format="nquads").splitlines()
        return "".join(line + "\n" for line in sorted(set(lines)) if line.strip())
    if fmt == "jsonld":
        prefixes = dict(ds.namespaces())
        context = {prefix: str(prefixes[prefix]) for prefix in ("ckg", "prov", "skos", "dcterms", "rdfs", "xsd")
                   if prefix in prefixes}
        doc = json.loads(ds.serialize(format="json-ld", context=context, auto_compact=True))
        # rdflib wraps the default graph in an @graph object without @id, which other JSON-LD processors read as a
        # graph named by a blank node: lift its nodes to the top level, where the default graph belongs
        top: list[Any] = []
        for item in doc.get("@graph", []):
            top.extend(item["@graph"] if set(item) == {"@graph"} else [item])
        doc["@graph"] = top
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return ds.serialize(format=FORMATS[fmt])
