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
from conflictkg.schema.ontology import PREDICATES, PROVISION_ROLES

DONE = "complete"


def _supported(fact: str, carry: str) -> str:
    """Keeps the rows (variables `carry`) whose fact has evidence in a complete document.

    The evidence is matched on its own first and its document after a WITH: given the pattern in one piece,
    FalkorDB's planner starts from every complete document (a scan of all of them and of all their evidence)
    instead of the index on Evidence.fact.
    """
    return (f"WITH {carry} MATCH (ev:Evidence {{fact: {fact}}}) WITH {carry}, ev "
            "MATCH (ev)-[:IN]->(dv:Document) WHERE dv.status = $done ")


# The evidence of complete documents given as `$ids`, found through the index on Evidence.document.
_DOCUMENT_EVIDENCE = ("UNWIND $ids AS id MATCH (d:Document {id: id}) WHERE d.status = $done "
                      "WITH id MATCH (ev:Evidence {document: id}) ")
_REL_COLUMNS = "s.id AS s, type(r) AS p, o.id AS o, r.key AS key, properties(r) AS props"


def _entity_column(var: str, name: str) -> str:
    """Entity `var` as one map column (null when it is not visible), for the API to show it without a read."""
    return f"CASE WHEN {var}.pending IS NULL THEN {_ENTITY_MAP.replace('n.', var + '.')} END AS {name}"
# The provision's own fields are in its properties: returned once, not also as columns of their own.
_PROVISION_COLUMNS = "p.id AS id, a.id AS agreement, properties(p) AS props"
# An entity's columns as one map (a visible one: its `pending` is checked where it is matched).
_ENTITY_MAP = "{id: n.id, name: n.name, label: n.label, kind: n.kind, aliases: n.aliases, forms: n.forms}"
# Evidence `ev` in document `d`: the columns of `GraphReader.evidence()` as one map.
_EVIDENCE_MAP = (
    "{fact: ev.fact, document: ev.document, quote: ev.quote, start: ev.start, end: ev.end, extractor: ev.extractor, "
    "confidence: ev.confidence, attributed_to: ev.attributed_to, qualifiers: ev.qualifiers, published: d.published, "
    "source: {id: d.id, title: d.title, authors: d.authors, publisher: d.publisher, published: d.published, "
    "url: d.url, sha256: d.sha256, ingested_at: d.ingested_at}}"
)
_PROVISION_FIELDS = frozenset({"id", "type", "agreement", "obliges", "concerns", "benefits", "text"})


def _provision_match(types: Sequence[str] | None, role: str | None) -> str:
    """The provisions (`p`, with their agreement `a`) of some types (None: any) with one of `$ids` in `role`
    (None: any): the store starts from those entities."""
    where = "WHERE p.type IN $types " if types is not None else ""
    if role is None:
        return "MATCH (a:Entity)-[:HAS_PROVISION]->(p:Provision) " + where
    if role == "agreement":  # (the type filter in the same MATCH would make FalkorDB scan every provision)
        return "UNWIND $ids AS id MATCH (a:Entity {id: id})-[:HAS_PROVISION]->(p:Provision) WITH a, p " + where
    if role in PROVISION_ROLES:
        return (f"UNWIND $ids AS id MATCH (:Entity {{id: id}})<-[:{PROVISION_ROLES[role]}]-(p:Provision) "
                "WITH p MATCH (a:Entity)-[:HAS_PROVISION]->(p) " + where)
    raise ValueError(f"unknown provision role {role!r}")


def _entity_row(row: dict[str, Any]) -> dict[str, Any]:
    """An entity with one list of aliases: its lexicon aliases and the surface forms seen, without its name."""
    seen = set(row.pop("aliases") or []) | set(row.pop("forms") or [])
    row["aliases"] = sorted(a for a in seen if a != row["name"])
    return row


def _ends(row: dict[str, Any], *columns: str) -> list[dict[str, Any]]:
    """The visible entity rows among the row's entity map columns (see `_entity_column`)."""
    return [_entity_row(dict(row[c])) for c in columns if row[c] is not None]


def relation_row(row: dict[str, Any]) -> dict[str, Any]:
    """A relation as the schema layer wants it: qualifiers apart from the edge's bookkeeping."""
    props = dict(row.get("props") or {})
    confidence = props.pop("confidence", None)
    props.pop("key", None)
    return {"key": row["key"], "s": row["s"], "p": row["p"], "o": row["o"], "qualifiers": props,
            "confidence": confidence}


def provision_row(row: dict[str, Any]) -> dict[str, Any]:
    """A provision from its columns (`_PROVISION_COLUMNS`): the fields of the ontology and its qualifiers."""
    props = row.get("props") or {}
    return {
        "id": row["id"], "type": props["type"], "agreement": row["agreement"], "text": props.get("text"),
        "obliges": list(props.get("obliges") or []), "concerns": list(props.get("concerns") or []),
        "benefits": list(props.get("benefits") or []),
        "qualifiers": {k: v for k, v in props.items() if k not in _PROVISION_FIELDS},
    }


class GraphReader:
    """Read-only access to the graph in the shapes the GraphQL layer needs; no I/O until a method is called."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def _read(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        return self.store.read(cypher, {"done": DONE, **params})

    # -- entities --------------------------------------------------------------
    def entity_keys_page(self, label: str | None, kind: str | None, *, first: int,
                         after: Sequence[str] | None = None) -> tuple[int, int, list[tuple[str, str]]]:
        """One page of the visible entities (of a label and kind, None: any) ordered by lower-cased name and id:
        the keys (lower-cased name, id) of the `first` after the key `after` (None: from the start). Returns
        (total, how many follow `after`, keys). The store orders, counts and slices: a listing of a large graph
        does not read every entity."""
        where = ["n.pending IS NULL"] + (["n.label = $label"] if label else []) + (["n.kind = $kind"] if kind else [])
        total, remaining, page = self._keyset_page(
            "MATCH (n:Entity) WHERE " + " AND ".join(where) + " WITH toLower(n.name) AS name, n.id AS id ",
            ("name", "id"), first=first, after=after, label=label, kind=kind)
        return total, remaining, [(k["name"], k["id"]) for k in page]

    def _keyset_page(self, keyed: str, key: Sequence[str], *, first: int, after: Sequence[str] | None,
                     **params: Any) -> tuple[int, int, list[dict[str, Any]]]:
        """Keyset paging done by the store: `keyed` ends in a WITH of the columns `key`; their rows are ordered by
        the key and counted, and the `first` after the key `after` (None: from the start) returned as maps.
        Returns (total, how many follow `after`, page): the rows of a hub never leave the store."""
        later = f"k.{key[-1]} > $a{len(key) - 1}"  # lexicographic: k's key is greater than `after`
        for i in range(len(key) - 2, -1, -1):
            later = f"k.{key[i]} > $a{i} OR (k.{key[i]} = $a{i} AND ({later}))"
        rows = self._read(
            keyed + "ORDER BY " + ", ".join(key) + " "
            "WITH collect({" + ", ".join(f"{c}: {c}" for c in key) + "}) AS keys "  # collect keeps the row order
            "WITH size(keys) AS total, [k IN keys " + (f"WHERE {later}" if after is not None else "") + "] AS rest "
            "RETURN total, size(rest) AS remaining, rest[0..$first] AS page",
            first=first, **{f"a{i}": v for i, v in enumerate(after or [])}, **params,
        )
        if not rows:
            return 0, 0, []
        return int(rows[0]["total"]), int(rows[0]["remaining"]), list(rows[0]["page"] or [])

    def entities_with_key(self, key: str) -> list[dict[str, Any]]:
        """Visible entities with this folded name among their `keys` (an index lookup on FalkorDB)."""
        return self._entities("MATCH (n:Entity) WHERE $key IN n.keys ", key=key)

    def entities_for_place(self, key: str, route_kinds: Sequence[str]) -> list[dict[str, Any]]:
        """In one read: the visible entities with this folded name, and the routes (of `route_kinds`) with a folded
        name containing it (candidates for "named after the place")."""
        visible = ("WITH n WHERE n.pending IS NULL "
                   "RETURN n.id AS id, n.name AS name, n.label AS label, n.kind AS kind, n.aliases AS aliases, "
                   "n.forms AS forms")
        rows = self._read(
            "MATCH (n:Entity) WHERE $key IN n.keys " + visible + " UNION "
            "MATCH (n:Entity) WHERE n.kind IN $kinds AND any(k IN n.keys WHERE k CONTAINS $key) " + visible,
            key=key, kinds=list(route_kinds),
        )
        return [_entity_row(r) for r in rows]

    def entities_with_key_containing(self, needle: str) -> list[dict[str, Any]]:
        """Visible entities with a folded name containing `needle`."""
        return self._entities("MATCH (n:Entity) WHERE any(k IN n.keys WHERE k CONTAINS $needle) ", needle=needle)

    def entities(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._entities("UNWIND $ids AS id MATCH (n:Entity {id: id}) ", ids=list(ids))

    def _entities(self, match: str, **params: Any) -> list[dict[str, Any]]:
        """Entities a complete document has introduced (the writer clears `pending` when the first document that
        mentions one is complete), with their lexicon aliases and the surface forms of the documents that mention
        them (`forms`). Both are kept on the node, so a hub's thousands of MENTIONED_IN edges are not walked."""
        rows = self._read(
            match + "WITH n WHERE n.pending IS NULL "
            "RETURN n.id AS id, n.name AS name, n.label AS label, n.kind AS kind, n.aliases AS aliases, "
            "n.forms AS forms",
            **params,
        )
        return [_entity_row(r) for r in rows]

    def corridors_connecting(self, place_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Routes with a CONNECTS edge to one of the places: (corridor, place) pairs."""
        return self._read(
            "UNWIND $ids AS id MATCH (s:Entity)-[r:CONNECTS]->(o:Entity {id: id}) " + _supported("r.key", "s, r, o") +
            "RETURN DISTINCT s.id AS corridor, o.id AS place",
            ids=list(place_ids),
        )

    # -- relations -------------------------------------------------------------
    @staticmethod
    def _relations_match(subjects: Sequence[str] | None, predicate: str | None,
                         objects: Sequence[str] | None) -> str:
        """The supported relations (`s`, `r`, `o`, each once) filtered by subject ids, predicate and object ids."""
        if predicate is not None and predicate not in PREDICATES:
            raise ValueError(f"unknown predicate {predicate!r}")
        where = ["r.key IS NOT NULL"]
        if subjects is not None:
            where.append("s.id IN $subjects")
        if objects is not None:
            where.append("o.id IN $objects")
        typed = f":{predicate}" if predicate else ""  # a typed pattern walks only that type's edges
        return (f"MATCH (s:Entity)-[r{typed}]->(o:Entity) WHERE " + " AND ".join(where) + " " +
                _supported("r.key", "s, r, o") + "WITH DISTINCT s, r, o ")

    def relations(self, subjects: Sequence[str] | None, predicate: str | None,
                  objects: Sequence[str] | None) -> list[dict[str, Any]]:
        """Relations filtered by subject ids, predicate and object ids (None: no filter); the rows of the entities
        at an end not filtered by ids (those were read already) come with them (in `ends`, the visible ones)."""
        rows = self._read(
            self._relations_match(subjects, predicate, objects) + "RETURN " + _REL_COLUMNS + ", " +
            (_entity_column("s", "s_row") if subjects is None else "null AS s_row") + ", " +
            (_entity_column("o", "o_row") if objects is None else "null AS o_row"),
            subjects=list(subjects or []), objects=list(objects or []),
        )
        return [{**relation_row(r), "ends": _ends(r, "s_row", "o_row")} for r in rows]

    def relation_keys_page(self, subjects: Sequence[str] | None, predicate: str | None,
                           objects: Sequence[str] | None, *, first: int,
                           after: Sequence[str] | None = None) -> tuple[int, int, list[dict[str, Any]]]:
        """One page of the relations `relations()` finds, as keys (`s`, `p`, `o`, `key`) ordered by them: the
        `first` after the key `after` (None: from the start). Returns (total, how many follow `after`, page).

        The store orders, counts and slices, so a hub's thousands of relations never leave it; then
        `relations_with_keys` reads the page in full."""
        return self._keyset_page(
            self._relations_match(subjects, predicate, objects) +
            "WITH s.id AS s, type(r) AS p, o.id AS o, r.key AS key ", ("s", "p", "o", "key"),
            first=first, after=after, subjects=list(subjects or []), objects=list(objects or []))

    def relations_with_keys(self, keys: Sequence[dict[str, Any]], *, subjects: bool = True,
                            objects: bool = True) -> list[dict[str, Any]]:
        """The relations `relation_keys_page` gave (dicts with `s`, `p`, `o`, `key`), in full, with the
        rows of their subjects and objects (those asked for; in `ends`, the visible ones)."""
        rows = self._read(
            # both ends first, then the edge between them (FalkorDB checks the pair, not every edge of a hub)
            "UNWIND $keys AS k MATCH (s:Entity {id: k.s}), (o:Entity {id: k.o}) WITH k, s, o "
            "MATCH (s)-[r]->(o) WHERE r.key = k.key AND type(r) = k.p RETURN " + _REL_COLUMNS + ", " +
            (_entity_column("s", "s_row") if subjects else "null AS s_row") + ", " +
            (_entity_column("o", "o_row") if objects else "null AS o_row"),
            keys=[{"s": k["s"], "p": k["p"], "o": k["o"], "key": k["key"]} for k in keys],
        )
        return [{**relation_row(r), "ends": _ends(r, "s_row", "o_row")} for r in rows]

    def relations_touching(self, ids: Sequence[str], predicate: str | None = None,
                           direction: str = "both") -> list[dict[str, Any]]:
        """Relations with one of the entities as subject ("out"), object ("in") or either ("both"), optionally of
        one predicate (then only edges of that type are walked), each tagged with that entity (`anchor`) and with
        the row of the entity at its other end (in `ends`, if visible)."""
        if predicate is not None and predicate not in PREDICATES:
            raise ValueError(f"unknown predicate {predicate!r}")
        typed = f":{predicate}" if predicate else ""
        patterns = {"out": f"(s:Entity {{id: id}})-[r{typed}]->(o:Entity)",
                    "in": f"(s:Entity)-[r{typed}]->(o:Entity {{id: id}})"}
        sides = ["out", "in"] if direction == "both" else [direction]
        rows = self._read(
            " UNION ALL ".join(
                f"UNWIND $ids AS id MATCH {patterns[side]} WHERE r.key IS NOT NULL " +
                _supported("r.key", "id, s, r, o") +
                "WITH DISTINCT id, s, r, o RETURN id AS anchor, " + _REL_COLUMNS + ", " +
                _entity_column("o" if side == "out" else "s", "other")
                for side in sides
            ),
            ids=list(ids),
        )
        return [{"anchor": r["anchor"], **relation_row(r), "ends": _ends(r, "other")} for r in rows]

    @staticmethod
    def _one_side(direction: str, predicate: str | None) -> str:
        """The edges (`r`) of the entity `$id` as subject ("out") or object ("in"), optionally of one predicate."""
        if predicate is not None and predicate not in PREDICATES:
            raise ValueError(f"unknown predicate {predicate!r}")
        typed = f":{predicate}" if predicate else ""
        return {"out": f"(s:Entity {{id: $id}})-[r{typed}]->(o:Entity)",
                "in": f"(s:Entity)-[r{typed}]->(o:Entity {{id: $id}})"}[direction]

    def relation_slice(self, entity_id: str, direction: str, predicate: str | None, *, skip: int,
                       limit: int) -> list[dict[str, Any]]:
        """Up to `limit` supported relations of one entity in one direction ("out", "in"), after the first `skip`,
        in the store's order, with the row of the entity at the other end (in `ends`). No ordering and no count:
        the store stops after `skip + limit` of a hub's thousands of edges."""
        pattern = self._one_side(direction, predicate)
        rows = self._read(
            f"MATCH {pattern} WHERE r.key IS NOT NULL " + _supported("r.key", "s, r, o") +
            "WITH DISTINCT s, r, o SKIP $skip LIMIT $limit RETURN " + _REL_COLUMNS + ", " +
            _entity_column("o" if direction == "out" else "s", "other"),
            id=entity_id, skip=skip, limit=limit,
        )
        return [{**relation_row(r), "ends": _ends(r, "other")} for r in rows]

    def relation_edges(self, entity_id: str, direction: str, predicate: str | None) -> int:
        """How many edges of one direction (and predicate) the entity has, their support unchecked."""
        counted = self._read(f"MATCH {self._one_side(direction, predicate)} WHERE r.key IS NOT NULL "
                             "RETURN count(r) AS n", id=entity_id)
        return int(counted[0]["n"]) if counted else 0

    def relations_in_documents(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        rows = self._read(
            _DOCUMENT_EVIDENCE + "WHERE ev.kind = 'relation' "
            "WITH id, ev MATCH (s:Entity {id: ev.s}), (o:Entity {id: ev.o}) "
            "WITH id, ev, s, o MATCH (s)-[r]->(o) WHERE r.key = ev.fact "
            "WITH DISTINCT id, s, r, o RETURN id AS document, " + _REL_COLUMNS,
            ids=list(doc_ids),
        )
        return [{"document": r["document"], **relation_row(r)} for r in rows]

    def neighbours(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """One level of a breadth-first search: for each entity (`anchor`), the entities (`other`) one visible
        relation or one shared visible provision away, with that fact's key or id (`fact`) and whether it is a
        relation. Keys only: the facts of the path found are read in full afterwards (`relations_between`,
        `provisions_with_ids`)."""
        return self._read(
            "UNWIND $ids AS id MATCH (a:Entity {id: id})-[r]-(o:Entity) WHERE r.key IS NOT NULL " +
            _supported("r.key", "id, r, o") + "RETURN DISTINCT id AS anchor, o.id AS other, r.key AS fact, "
            "true AS relation UNION "
            "UNWIND $ids AS id MATCH (a:Entity {id: id})-[:HAS_PROVISION|OBLIGES|CONCERNS|BENEFITS]-(p:Provision) " +
            _supported("p.id", "id, p") + "WITH DISTINCT id, p "
            "MATCH (p)-[:HAS_PROVISION|OBLIGES|CONCERNS|BENEFITS]-(o:Entity) WHERE o.id <> id "
            "RETURN DISTINCT id AS anchor, o.id AS other, p.id AS fact, false AS relation",
            ids=list(ids),
        )

    def relations_between(self, links: Sequence[tuple[str, str, str]]) -> list[dict[str, Any]]:
        """The relations given as (one end, the other end, key), in full."""
        rows = self._read(  # both ends first, then the edge between them, either way round
            " UNION ALL ".join(
                f"UNWIND $links AS l MATCH (s:Entity {{id: l[{s}]}}), (o:Entity {{id: l[{o}]}}) WITH l, s, o "
                "MATCH (s)-[r]->(o) WHERE r.key = l[2] RETURN " + _REL_COLUMNS
                for s, o in ((0, 1), (1, 0))
            ),
            links=[list(link) for link in links],
        )
        return [relation_row(r) for r in rows]

    def opposites(self, links: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """For each relation given (`key`, `s`, `o`, and `opposite`: the predicates that say the opposite), the
        supported relations of those predicates between the same subject and object (`fact`: the relation asked
        about), each with the complete documents stating it (`documents`, collected in the store: a hub's relation
        may be stated by a hundred)."""
        rows = self._read(  # both ends first, then the edges between them (never every edge of a hub)
            "UNWIND $links AS l MATCH (s:Entity {id: l.s}), (o:Entity {id: l.o}) WITH l, s, o "
            "MATCH (s)-[r]->(o) WHERE r.key IS NOT NULL AND type(r) IN l.opposite WITH l.key AS fact, s, r, o " +
            _supported("r.key", "fact, s, r, o") +
            "RETURN fact, " + _REL_COLUMNS + ", collect(DISTINCT dv.id) AS documents",
            links=[dict(link) for link in links],
        )
        return [{"fact": r["fact"], "documents": r["documents"], **relation_row(r)} for r in rows]

    def fact_documents(self, facts: Sequence[str]) -> list[dict[str, Any]]:
        """The complete documents stating each fact (`fact`, `documents`)."""
        return self._read(
            "UNWIND $facts AS f MATCH (ev:Evidence {fact: f}) WITH f, ev MATCH (ev)-[:IN]->(d:Document) "
            "WHERE d.status = $done RETURN f AS fact, collect(DISTINCT d.id) AS documents",
            facts=list(facts),
        )

    # -- provisions ------------------------------------------------------------
    def provisions_with_ids(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        rows = self._read(
            "UNWIND $ids AS id MATCH (p:Provision {id: id}) WITH p MATCH (a:Entity)-[:HAS_PROVISION]->(p) "
            "RETURN " + _PROVISION_COLUMNS,
            ids=list(ids),
        )
        return [provision_row(r) for r in rows]

    def provisions(self, types: Sequence[str] | None = None, *, role: str | None = None,
                   ids: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Visible provisions, optionally only of some types, and only those with one of `ids` in `role`
        (agreement, obliges, concerns or benefits): then the store starts from those entities."""
        rows = self._read(
            _provision_match(types, role) + _supported("p.id", "a, p") + "WITH DISTINCT a, p RETURN " +
            _PROVISION_COLUMNS,
            types=list(types or []), ids=list(ids),
        )
        return [provision_row(r) for r in rows]

    def provisions_in_full(self, types: Sequence[str] | None = None, *, role: str | None = None,
                           ids: Sequence[str] = ()) -> list[dict[str, Any]]:
        """`provisions(...)` with each provision's evidence (with its document's row as `source`, like `evidence()`)
        in the same read, so that neither needs a read of its own. (The rows of the entities taking part are not
        read here: repeated on every provision of a hub, they cost more than one batched read of them.)"""
        rows = self._read(
            _provision_match(types, role) + "WITH DISTINCT a, p "
            "MATCH (ev:Evidence {fact: p.id}) WITH a, p, ev MATCH (ev)-[:IN]->(d:Document) WHERE d.status = $done "
            "WITH a, p, collect(" + _EVIDENCE_MAP + ") AS evidence RETURN " + _PROVISION_COLUMNS + ", evidence",
            types=list(types or []), ids=list(ids),
        )
        full = []
        for row in rows:
            evidence = sorted(row["evidence"], key=lambda e: (e["document"], e["start"], e["end"], e["extractor"]))
            for ev in evidence:
                ev["qualifiers"] = json.loads(ev["qualifiers"] or "{}")
            full.append({**provision_row(row), "evidence": evidence})
        return full

    def provisions_touching(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """Provisions of an agreement, or obliging, concerning or benefiting an entity, tagged with it."""
        branches = ["UNWIND $ids AS id MATCH (a:Entity {id: id})-[:HAS_PROVISION]->(p:Provision) "] + [
            f"UNWIND $ids AS id MATCH (:Entity {{id: id}})<-[:{edge}]-(p:Provision) "
            "WITH id, p MATCH (a:Entity)-[:HAS_PROVISION]->(p) "
            for edge in sorted(set(PROVISION_ROLES.values()))
        ]
        rows = self._read(
            " UNION ALL ".join(branch + _supported("p.id", "id, a, p") +
                               "WITH DISTINCT id, a, p RETURN id AS anchor, " + _PROVISION_COLUMNS
                               for branch in branches),
            ids=list(ids),
        )
        unique = {(r["anchor"], r["id"]): r for r in rows}  # an entity in two roles of one provision
        return [{"anchor": r["anchor"], **provision_row(r)} for r in unique.values()]

    def provisions_in_documents(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        rows = self._read(
            _DOCUMENT_EVIDENCE + "WHERE ev.kind = 'provision' "
            "WITH id, ev MATCH (p:Provision {id: ev.fact}) WITH id, p MATCH (a:Entity)-[:HAS_PROVISION]->(p) "
            "WITH DISTINCT id, a, p RETURN id AS document, " + _PROVISION_COLUMNS,
            ids=list(doc_ids),
        )
        return [{"document": r["document"], **provision_row(r)} for r in rows]

    # -- evidence and documents ------------------------------------------------
    def evidence(self, facts: Sequence[str]) -> list[dict[str, Any]]:
        """The evidence of complete documents for each fact, each with its document's row (`source`)."""
        rows = self._read(
            "UNWIND $facts AS f MATCH (ev:Evidence {fact: f}) WITH ev MATCH (ev)-[:IN]->(d:Document) "
            "WHERE d.status = $done "
            "RETURN ev.fact AS fact, ev.document AS document, ev.quote AS quote, ev.start AS start, ev.end AS end, "
            "ev.extractor AS extractor, ev.confidence AS confidence, ev.attributed_to AS attributed_to, "
            "ev.qualifiers AS qualifiers, d.published AS published, "
            "{id: d.id, title: d.title, authors: d.authors, publisher: d.publisher, published: d.published, "
            "url: d.url, sha256: d.sha256, ingested_at: d.ingested_at} AS source "
            "ORDER BY ev.document, ev.start, ev.end, ev.extractor",
            facts=list(facts),
        )
        for row in rows:
            row["qualifiers"] = json.loads(row["qualifiers"] or "{}")
        return rows

    def claims(self, facts: Sequence[str]) -> list[dict[str, Any]]:
        """For each fact: its pieces of evidence (in complete documents), how many report someone's claim, and
        whose (`who`). Counted in the store: a fact stated a thousand times ships one row."""
        return self._read(
            "UNWIND $facts AS f MATCH (ev:Evidence {fact: f}) WITH f, ev MATCH (ev)-[:IN]->(d:Document) "
            "WHERE d.status = $done RETURN f AS fact, count(ev) AS evidence, count(ev.attributed_to) AS attributed, "
            "collect(DISTINCT ev.attributed_to) AS who",
            facts=list(facts),
        )

    _DOCUMENT_COLUMNS = (
        "d.id AS id, d.title AS title, d.authors AS authors, d.publisher AS publisher, d.published AS published, "
        "d.url AS url, d.sha256 AS sha256, d.ingested_at AS ingested_at"
    )

    def documents(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._read(
            "UNWIND $ids AS id MATCH (d:Document {id: id, status: $done}) RETURN " + self._DOCUMENT_COLUMNS,
            ids=list(ids),
        )

    def document_texts(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """The texts of complete documents (apart from their other columns: a listing does not carry them)."""
        return self._read(
            "UNWIND $ids AS id MATCH (d:Document {id: id, status: $done}) RETURN d.id AS id, d.text AS text",
            ids=list(ids),
        )

    def document_keys_page(self, *, first: int, after: Sequence[str] | None = None) -> tuple[int, int, list[str]]:
        """One page of the complete documents by id: the ids of the `first` after `after` ([id]; None: from the
        start). Returns (total, how many follow `after`, ids); the store orders, counts and slices."""
        total, remaining, page = self._keyset_page("MATCH (d:Document {status: $done}) WITH d.id AS id ", ("id",),
                                                   first=first, after=after)
        return total, remaining, [k["id"] for k in page]

    def documents_mentioning(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        """The complete documents that mention each entity, tagged with the entity (`anchor`)."""
        return self._read(
            "UNWIND $ids AS id MATCH (n:Entity {id: id}) WITH id, n MATCH (n)-[:MENTIONED_IN]->(d:Document) "
            "WHERE d.status = $done "
            "RETURN id AS anchor, " + self._DOCUMENT_COLUMNS + " ORDER BY id",
            ids=list(ids),
        )

    def entities_in_documents(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        return self._read(
            "UNWIND $ids AS id MATCH (d:Document {id: id}) WHERE d.status = $done "
            "WITH id, d MATCH (n:Entity)-[:MENTIONED_IN]->(d) "
            "RETURN id AS document, n.id AS entity ORDER BY entity",
            ids=list(doc_ids),
        )
