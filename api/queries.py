"""The API's read queries: one `store.read` per method, batched over ids with UNWIND.

Written in the Cypher subset FalkorDB and Neo4j both accept (no EXISTS subqueries,
no shortestPath), every user value a parameter. Only evidence of complete
documents counts: a fact, mention or document still being written is invisible.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from conflictkg.graph.store import GraphStore

DONE = "complete"
# A relation is visible when at least one piece of its evidence is in a complete document.
_SUPPORTED_REL = "MATCH (ev:Evidence {fact: r.key})-[:IN]->(:Document {status: $done}) "
_REL_COLUMNS = "s.id AS s, type(r) AS p, o.id AS o, r.key AS key, properties(r) AS props"
_PROVISION_COLUMNS = (
    "p.id AS id, p.type AS type, a.id AS agreement, p.obliges AS obliges, p.concerns AS concerns, "
    "p.benefits AS benefits, p.text AS text, properties(p) AS props"
)
_PROVISION_FIELDS = frozenset({"id", "type", "agreement", "obliges", "concerns", "benefits", "text"})


def relation_row(row: dict[str, Any]) -> dict[str, Any]:
    """A relation as the schema layer wants it: qualifiers apart from the edge's bookkeeping."""
    props = dict(row.get("props") or {})
    confidence = props.pop("confidence", None)
    props.pop("key", None)
    return {"key": row["key"], "s": row["s"], "p": row["p"], "o": row["o"], "qualifiers": props,
            "confidence": confidence}


def provision_row(row: dict[str, Any]) -> dict[str, Any]:
    props = {k: v for k, v in (row.get("props") or {}).items() if k not in _PROVISION_FIELDS}
    return {
        "id": row["id"], "type": row["type"], "agreement": row["agreement"], "text": row.get("text"),
        "obliges": list(row.get("obliges") or []), "concerns": list(row.get("concerns") or []),
        "benefits": list(row.get("benefits") or []), "qualifiers": props,
    }


class GraphReader:
    """Read-only access to the graph in the shapes the GraphQL layer needs; no I/O until a method is called."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def _read(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        return self.store.read(cypher, {"done": DONE, **params})

    # -- entities --------------------------------------------------------------
    def entity_names(self) -> list[dict[str, Any]]:
        """Every visible entity with its name, aliases and the surface forms seen: the source of name lookup."""
        return self._entities("MATCH (n:Entity) ")

    def entities(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._entities("UNWIND $ids AS id MATCH (n:Entity {id: id}) ", ids=list(ids))

    def _entities(self, match: str, **params: Any) -> list[dict[str, Any]]:
        rows = self._read(
            match + "MATCH (n)-[m:MENTIONED_IN]->(d:Document {status: $done}) "
            "RETURN n.id AS id, n.name AS name, n.label AS label, n.kind AS kind, n.aliases AS aliases, "
            "collect(m.forms) AS forms",
            **params,
        )
        for row in rows:
            seen = set(row.pop("aliases") or [])
            for forms in row.pop("forms") or []:
                seen.update(forms or [])
            row["aliases"] = sorted(a for a in seen if a != row["name"])
        return rows

    def corridors_connecting(self, place_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Routes with a CONNECTS edge to one of the places: (corridor, place) pairs."""
        return self._read(
            "UNWIND $ids AS id MATCH (s:Entity)-[r:CONNECTS]->(o:Entity {id: id}) " + _SUPPORTED_REL +
            "RETURN DISTINCT s.id AS corridor, o.id AS place",
            ids=list(place_ids),
        )

    # -- relations -------------------------------------------------------------
    def relations(self, subjects: Sequence[str] | None, predicate: str | None,
                  objects: Sequence[str] | None) -> list[dict[str, Any]]:
        """Relations filtered by subject ids, predicate and object ids (None: no filter)."""
        where = ["r.key IS NOT NULL"]
        if subjects is not None:
            where.append("s.id IN $subjects")
        if objects is not None:
            where.append("o.id IN $objects")
        if predicate is not None:
            where.append("type(r) = $predicate")
        rows = self._read(
            "MATCH (s:Entity)-[r]->(o:Entity) WHERE " + " AND ".join(where) + " " + _SUPPORTED_REL +
            "WITH DISTINCT s, r, o RETURN " + _REL_COLUMNS,
            subjects=list(subjects or []), objects=list(objects or []), predicate=predicate,
        )
        return [relation_row(r) for r in rows]

    def relations_touching(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Relations with one of the entities as subject or object, each tagged with that entity (`anchor`)."""
        rows = self._read(
            "UNWIND $ids AS id MATCH (s:Entity {id: id})-[r]->(o:Entity) WHERE r.key IS NOT NULL " + _SUPPORTED_REL +
            "WITH DISTINCT id, s, r, o RETURN id AS anchor, " + _REL_COLUMNS + " "
            "UNION ALL "
            "UNWIND $ids AS id MATCH (s:Entity)-[r]->(o:Entity {id: id}) WHERE r.key IS NOT NULL " + _SUPPORTED_REL +
            "WITH DISTINCT id, s, r, o RETURN id AS anchor, " + _REL_COLUMNS,
            ids=list(ids),
        )
        return [{"anchor": r["anchor"], **relation_row(r)} for r in rows]

    def relations_in_documents(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        rows = self._read(
            "UNWIND $ids AS id MATCH (ev:Evidence {document: id})-[:IN]->(:Document {id: id, status: $done}) "
            "WHERE ev.kind = 'relation' "
            "MATCH (s:Entity {id: ev.s})-[r]->(o:Entity {id: ev.o}) WHERE r.key = ev.fact "
            "WITH DISTINCT id, s, r, o RETURN id AS document, " + _REL_COLUMNS,
            ids=list(doc_ids),
        )
        return [{"document": r["document"], **relation_row(r)} for r in rows]

    # -- provisions ------------------------------------------------------------
    def provisions(self, types: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Visible provisions, optionally only of some types."""
        where = "WHERE p.type IN $types " if types is not None else ""
        rows = self._read(
            "MATCH (a:Entity)-[:HAS_PROVISION]->(p:Provision) " + where +
            "MATCH (ev:Evidence {fact: p.id})-[:IN]->(:Document {status: $done}) "
            "WITH DISTINCT a, p RETURN " + _PROVISION_COLUMNS,
            types=list(types or []),
        )
        return [provision_row(r) for r in rows]

    def provisions_touching(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Provisions of an agreement, or obliging, concerning or benefiting an entity, tagged with it."""
        rows = self._read(
            "UNWIND $ids AS id MATCH (a:Entity)-[:HAS_PROVISION]->(p:Provision) "
            "WHERE a.id = id OR id IN p.obliges OR id IN p.concerns OR id IN p.benefits "
            "MATCH (ev:Evidence {fact: p.id})-[:IN]->(:Document {status: $done}) "
            "WITH DISTINCT id, a, p RETURN id AS anchor, " + _PROVISION_COLUMNS,
            ids=list(ids),
        )
        return [{"anchor": r["anchor"], **provision_row(r)} for r in rows]

    def provisions_in_documents(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        rows = self._read(
            "UNWIND $ids AS id MATCH (ev:Evidence {document: id})-[:IN]->(:Document {id: id, status: $done}) "
            "WHERE ev.kind = 'provision' "
            "MATCH (a:Entity)-[:HAS_PROVISION]->(p:Provision {id: ev.fact}) "
            "WITH DISTINCT id, a, p RETURN id AS document, " + _PROVISION_COLUMNS,
            ids=list(doc_ids),
        )
        return [{"document": r["document"], **provision_row(r)} for r in rows]

    # -- evidence and documents ------------------------------------------------
    def evidence(self, facts: Sequence[str]) -> list[dict[str, Any]]:
        rows = self._read(
            "UNWIND $facts AS f MATCH (ev:Evidence {fact: f})-[:IN]->(d:Document {status: $done}) "
            "RETURN ev.fact AS fact, ev.document AS document, ev.quote AS quote, ev.start AS start, ev.end AS end, "
            "ev.extractor AS extractor, ev.confidence AS confidence, ev.attributed_to AS attributed_to, "
            "ev.qualifiers AS qualifiers, d.published AS published "
            "ORDER BY ev.document, ev.start, ev.end, ev.extractor",
            facts=list(facts),
        )
        for row in rows:
            row["qualifiers"] = json.loads(row["qualifiers"] or "{}")
        return rows

    _DOCUMENT_COLUMNS = (
        "d.id AS id, d.title AS title, d.authors AS authors, d.publisher AS publisher, d.published AS published, "
        "d.url AS url, d.sha256 AS sha256, d.ingested_at AS ingested_at"
    )

    def documents(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._read(
            "UNWIND $ids AS id MATCH (d:Document {id: id, status: $done}) RETURN " + self._DOCUMENT_COLUMNS,
            ids=list(ids),
        )

    def all_documents(self) -> list[dict[str, Any]]:
        return self._read("MATCH (d:Document {status: $done}) RETURN " + self._DOCUMENT_COLUMNS + " ORDER BY id")

    def documents_mentioning(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """The complete documents that mention each entity, tagged with the entity (`anchor`)."""
        return self._read(
            "UNWIND $ids AS id MATCH (:Entity {id: id})-[:MENTIONED_IN]->(d:Document {status: $done}) "
            "RETURN id AS anchor, " + self._DOCUMENT_COLUMNS + " ORDER BY id",
            ids=list(ids),
        )

    def entities_in_documents(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._read(
            "UNWIND $ids AS id MATCH (n:Entity)-[:MENTIONED_IN]->(:Document {id: id, status: $done}) "
            "RETURN id AS document, n.id AS entity ORDER BY entity",
            ids=list(doc_ids),
        )
