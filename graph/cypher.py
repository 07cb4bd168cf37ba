"""Store logic written once in the Cypher subset that FalkorDB and Neo4j both accept.

Backends only supply `_write` and `_read`. A document is written in steps, with
its Document node marked `status: 'writing'` until the last step; readers and the
export only see evidence of complete documents, and `recover()` removes what an
interrupted write left, so a crash never leaves a half-visible document.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from conflictkg.errors import StoreError
from conflictkg.loaders.lexicon import fold
from conflictkg.schema.models import Evidence, Extraction
from conflictkg.schema.ontology import ENTITY_LABELS, PREDICATES, PROVISION_ROLES

COMPLETE = "complete"
WRITING = "writing"
BATCH = 1000
# Adds the folded names r.keys to an entity's `keys` (the name index of the API) and the surface forms r.forms to
# its `forms` (the forms its documents use), keeping those it had. Both are read by the API, so that it need not
# walk every MENTIONED_IN edge of an entity that thousands of documents mention.
_ADD_NAMES = ("n.keys = [k IN coalesce(n.keys, []) WHERE NOT k IN r.keys] + r.keys, "
              "n.forms = [f IN coalesce(n.forms, []) WHERE NOT f IN r.forms] + r.forms")
_NEW_NAMES = ("n.keys IS NULL OR n.forms IS NULL OR any(k IN r.keys WHERE NOT k IN n.keys) "
              "OR any(f IN r.forms WHERE NOT f IN n.forms)")
# The name a discovered entity keeps of two: the shorter, then the first in code-point order (see _name_order).
_FIRST_NAME = ("CASE WHEN size(r.name) < size(n.name) OR (size(r.name) = size(n.name) AND r.name < n.name) "
               "THEN r.name ELSE n.name END")


def _name_order(name: str) -> tuple[int, str]:
    """The order in which a discovered entity's names compete, the same in Python as in `_FIRST_NAME`."""
    return len(name), name


# Recomputes `forms` from the MENTIONED_IN edges an entity still has, after some were deleted.
_RECOUNT_FORMS = ("OPTIONAL MATCH (n)-[m:MENTIONED_IN]->() WITH n, collect(m.forms) AS seen "
                  "SET n.forms = reduce(acc = [], fs IN seen | acc + [f IN fs WHERE NOT f IN acc])")


def _batches(rows: Sequence[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield list(rows[i : i + size])


def _evidence_row(ev: Evidence, fact: str, kind: str, qualifiers: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "fact": fact,
        "kind": kind,
        "document": ev.document,
        "quote": ev.quote,
        "start": ev.start,
        "end": ev.end,
        "extractor": ev.extractor,
        "confidence": ev.confidence,
        "attributed_to": ev.attributed_to,
        "qualifiers": json.dumps(dict(qualifiers), sort_keys=True, ensure_ascii=False),
        **extra,
    }


class CypherGraphStore(ABC):
    """The GraphStore protocol over two primitives: a write query and a read-only query."""

    uri: str

    @abstractmethod
    def _write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one write statement atomically."""

    @abstractmethod
    def read(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, timeout_ms: int = 10_000,
        max_rows: int | None = None, adhoc: bool = False,
    ) -> list[dict[str, Any]]:
        """Run a read-only statement (at most `max_rows` rows, cut at the engine; `adhoc`: see GraphStore)."""

    @abstractmethod
    def _exclusive(self) -> AbstractContextManager[None]:
        """The store's one write lock, held across every statement of a batch, a removal or a recovery.

        Without it, a second writer's `recover()` would take a live writer's documents (still `writing`) for the
        remains of a crash and delete them. A crashed writer must not keep holding it.
        """

    @abstractmethod
    def ensure_schema(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    # -- documents -------------------------------------------------------------
    def document_sha(self, document_id: str) -> str | None:
        return self.document_shas([document_id]).get(document_id)

    def document_shas(self, document_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in _batches([{"id": i} for i in dict.fromkeys(document_ids)], size=10 * BATCH):
            rows = self.read(
                "UNWIND $ids AS id MATCH (d:Document {id: id}) WHERE d.status = $done "
                "RETURN d.id AS id, d.sha256 AS sha",
                {"ids": [row["id"] for row in chunk], "done": COMPLETE},
            )
            found.update((row["id"], row["sha"]) for row in rows)
        return found

    def write_extraction(self, extraction: Extraction) -> None:
        self.write_extractions([extraction])

    def write_extractions(self, extractions: Sequence[Extraction]) -> None:
        """Write several documents with one statement per kind of row, replacing what each contributed before.

        The documents stay `writing` (invisible) until the last statement marks them all complete, so a
        crash in between leaves nothing half-visible and `recover()` removes the remains.
        """
        latest = {ex.document.id: ex for ex in extractions}  # a document given twice: its last version
        if not latest:
            return
        with self._exclusive():
            self._write_documents(list(latest.values()))

    def _write_documents(self, batch: list[Extraction]) -> None:
        ids = [ex.document.id for ex in batch]
        stale = self._detach_documents(ids)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        documents = [
            {"id": ex.document.id, "meta": {
                "title": ex.document.title,
                "authors": list(ex.document.authors),
                "publisher": ex.document.publisher,
                "published": ex.document.published.isoformat() if ex.document.published else None,
                "url": ex.document.url,
                "sha256": ex.document.sha256,
                "source_path": ex.document.source_path,
                "text": ex.document.text,
                "ingested_at": ex.document.ingested_at.isoformat(timespec="seconds") if ex.document.ingested_at
                else now,
            }}
            for ex in batch
        ]
        for rows in _batches(documents):
            self._write(
                "UNWIND $rows AS r MERGE (d:Document {id: r.id}) SET d += r.meta, d.status = $writing",
                {"rows": rows, "writing": WRITING},
            )
        self._write_entities(batch)
        self._write_relations(batch)
        self._write_provisions(batch)
        self._collect_garbage(stale)
        # one statement: the documents become complete and the entities they introduced visible together
        self._write(
            "UNWIND $ids AS id MATCH (d:Document {id: id}) SET d.status = $done "
            "WITH d MATCH (n:Entity)-[:MENTIONED_IN]->(d) WHERE n.pending IS NOT NULL SET n.pending = null",
            {"ids": ids, "done": COMPLETE},
        )

    def remove_document(self, document_id: str) -> bool:
        with self._exclusive():
            return self._remove(document_id)

    def recover(self) -> list[str]:
        """Remove what interrupted writes left; a live writer holds the lock, so its documents are never taken."""
        with self._exclusive():
            rows = self.read("MATCH (d:Document) WHERE d.status <> $done RETURN d.id AS id", {"done": COMPLETE})
            ids = sorted(r["id"] for r in rows)
            for doc_id in ids:
                self._remove(doc_id)
        return ids

    def _remove(self, document_id: str) -> bool:
        exists = self.read("MATCH (d:Document {id: $id}) RETURN d.id AS id", {"id": document_id})
        if not exists:
            return False
        stale = self._detach_documents([document_id])
        self._write("MATCH (d:Document {id: $id}) DETACH DELETE d", {"id": document_id})
        self._collect_garbage(stale)
        return True

    def _add_missing_name_keys(self) -> None:
        """Give entities written before names were indexed their `keys` and `forms` (a store of an older version)."""
        missing = "MATCH (n:Entity) WHERE n.keys IS NULL OR n.forms IS NULL "
        if not self.read(missing + "RETURN n.id AS id LIMIT 1"):
            return
        rows = self.read(
            missing + "OPTIONAL MATCH (n)-[m:MENTIONED_IN]->() "
            "RETURN n.id AS id, n.name AS name, n.aliases AS aliases, collect(m.forms) AS forms",
            timeout_ms=600_000,
        )
        named = []
        for r in rows:
            forms = sorted({f for forms in r["forms"] for f in forms or []})
            names = {fold(n) for n in (r["id"], r["name"] or "", *(r["aliases"] or []), *forms)} - {""}
            named.append({"id": r["id"], "keys": sorted(names), "forms": forms})
        for chunk in _batches(named):
            self._write(f"UNWIND $rows AS r MATCH (n:Entity {{id: r.id}}) SET {_ADD_NAMES}", {"rows": chunk})

    # -- writing -----------------------------------------------------------------
    def _detach_documents(self, ids: list[str]) -> dict[str, list[Any]]:
        """Delete these documents' evidence and mentions; return what may now be unsupported."""
        if not self.read("UNWIND $ids AS id MATCH (d:Document {id: id}) RETURN d.id AS id LIMIT 1", {"ids": ids}):
            return {"relations": [], "provisions": [], "entities": []}  # all new: nothing to take back
        facts = self.read(
            "UNWIND $ids AS id MATCH (ev:Evidence {document: id}) "
            "RETURN DISTINCT ev.fact AS fact, ev.kind AS kind, ev.s AS s, ev.o AS o",
            {"ids": ids},
        )
        entities = self.read(
            "UNWIND $ids AS id MATCH (n:Entity)-[:MENTIONED_IN]->(:Document {id: id}) RETURN DISTINCT n.id AS id",
            {"ids": ids},
        )
        self._write("UNWIND $ids AS id MATCH (d:Document {id: id}) SET d.status = $writing",
                    {"ids": ids, "writing": WRITING})
        self._write("UNWIND $ids AS id MATCH (ev:Evidence {document: id}) DETACH DELETE ev", {"ids": ids})
        self._write("UNWIND $ids AS id MATCH (:Entity)-[m:MENTIONED_IN]->(:Document {id: id}) DELETE m",
                    {"ids": ids})
        return {
            "relations": [f for f in facts if f["kind"] == "relation"],
            "provisions": sorted({f["fact"] for f in facts if f["kind"] == "provision"}),
            "entities": [e["id"] for e in entities],
        }

    def _collect_garbage(self, stale: dict[str, list[Any]]) -> None:
        """Delete facts and entities that lost their last support."""
        for rows in _batches(stale["relations"]):
            self._write(
                "UNWIND $rows AS r MATCH (s:Entity {id: r.s})-[e]->(o:Entity {id: r.o}) WHERE e.key = r.fact "
                "OPTIONAL MATCH (ev:Evidence {fact: r.fact}) WITH e, count(ev) AS n WHERE n = 0 DELETE e",
                {"rows": rows},
            )
        for ids in _batches([{"id": p} for p in stale["provisions"]]):
            self._write(
                "UNWIND $rows AS r MATCH (p:Provision {id: r.id}) OPTIONAL MATCH (ev:Evidence {fact: r.id}) "
                "WITH p, count(ev) AS n WHERE n = 0 DETACH DELETE p",
                {"rows": ids},
            )
        for ids in _batches([{"id": e} for e in stale["entities"]]):
            self._write(
                "UNWIND $rows AS r MATCH (n:Entity {id: r.id}) OPTIONAL MATCH (n)-[m:MENTIONED_IN]->() "
                "WITH n, count(m) AS c WHERE c = 0 DETACH DELETE n",
                {"rows": ids},
            )
            self._write("UNWIND $rows AS r MATCH (n:Entity {id: r.id}) " + _RECOUNT_FORMS, {"rows": ids})

    def _write_entities(self, batch: Sequence[Extraction]) -> None:
        entities: dict[str, dict[str, Any]] = {}
        keys: dict[str, set[str]] = defaultdict(set)  # entity id -> folded id, name, aliases and surface forms
        surfaces: dict[str, set[str]] = defaultdict(set)  # entity id -> surface forms
        for ex in batch:
            for ent in ex.entities:
                row = entities.setdefault(ent.id, {"id": ent.id, "aliases": set()})
                name = min(row.get("name", ent.name), ent.name, key=_name_order) if ent.discovered else ent.name
                row.update(name=name, kind=ent.kind, label=ent.label, discovered=ent.discovered)
                row["aliases"].update(ent.aliases)
                keys[ent.id].update(fold(n) for n in (ent.id, ent.name, *ent.aliases))
            for m in ex.mentions:
                keys[m.entity_id].add(fold(m.surface))
                surfaces[m.entity_id].add(m.surface)
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in entities.values():
            eid = row["id"]
            by_label[row["label"]].append({**row, "aliases": sorted(row["aliases"]), "keys": sorted(keys[eid] - {""}),
                                           "forms": sorted(surfaces[eid])})
        for label, rows in sorted(by_label.items()):
            if label not in ENTITY_LABELS:
                raise StoreError(f"refusing unknown entity label {label!r}")
            for chunk in _batches(rows):
                # New entities are created with their label: adding a label to an existing node costs FalkorDB
                # milliseconds per node in a large graph. They stay `pending` (hidden from the API) until a
                # document that mentions them is complete. An entity already stored as it is here is not written
                # again: setting a property, even to its value, updates its indexes.
                self._write(
                    "UNWIND $rows AS r OPTIONAL MATCH (old:Entity {id: r.id}) WITH r WHERE old IS NULL "
                    f"CREATE (:Entity:{label} {{id: r.id, name: r.name, kind: r.kind, label: r.label, "
                    "aliases: r.aliases, keys: r.keys, forms: r.forms, pending: true})",
                    {"rows": chunk},
                )
                given = [r for r in chunk if not r["discovered"]]
                found = [r for r in chunk if r["discovered"]]
                self._write(
                    "UNWIND $rows AS r MATCH (n:Entity {id: r.id}) "
                    "WITH n, r WHERE n.name <> r.name OR n.kind <> r.kind OR n.label <> r.label "
                    f"OR n.aliases <> r.aliases OR {_NEW_NAMES} "
                    f"SET n:{label}, n.name = r.name, n.kind = r.kind, n.label = r.label, n.aliases = r.aliases, "
                    f"{_ADD_NAMES}",
                    {"rows": given},
                )
                # a discovered entity keeps the first of its names in a fixed order and all of its aliases
                self._write(
                    "UNWIND $rows AS r MATCH (n:Entity {id: r.id}) "
                    f"WITH n, r, {_FIRST_NAME} AS name WHERE n.name <> name OR n.kind <> r.kind "
                    f"OR n.label <> r.label OR any(a IN r.aliases WHERE NOT a IN n.aliases) OR {_NEW_NAMES} "
                    f"SET n:{label}, n.name = name, n.kind = r.kind, n.label = r.label, "
                    f"n.aliases = [a IN n.aliases WHERE NOT a IN r.aliases] + r.aliases, {_ADD_NAMES}",
                    {"rows": found},
                )
        mentioned_only = [{"id": eid, "keys": sorted(k - {""}), "forms": sorted(surfaces[eid])}
                          for eid, k in sorted(keys.items()) if eid not in entities]
        for chunk in _batches(mentioned_only):
            self._write(f"UNWIND $rows AS r MATCH (n:Entity {{id: r.id}}) WITH n, r WHERE {_NEW_NAMES} "
                        f"SET {_ADD_NAMES}", {"rows": chunk})
        mentions = []
        for ex in batch:
            forms: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"forms": set(), "rules": set()})
            counts: dict[str, int] = defaultdict(int)
            for m in ex.mentions:
                forms[m.entity_id]["forms"].add(m.surface)
                forms[m.entity_id]["rules"].add(m.rule)
                counts[m.entity_id] += 1
            mentions += [
                {"id": eid, "doc": ex.document.id, "forms": sorted(v["forms"]), "rules": sorted(v["rules"]),
                 "count": counts[eid]}
                for eid, v in sorted(forms.items())
            ]
        for chunk in _batches(mentions):
            self._write(
                "UNWIND $rows AS r MATCH (n:Entity {id: r.id}), (d:Document {id: r.doc}) "
                "CREATE (n)-[:MENTIONED_IN {forms: r.forms, rules: r.rules, count: r.count}]->(d)",
                {"rows": chunk},
            )

    def _write_evidence(self, rows: list[dict[str, Any]]) -> None:
        for chunk in _batches(rows):
            self._write(
                "UNWIND $rows AS r MATCH (d:Document {id: r.document}) "
                "CREATE (ev:Evidence {fact: r.fact, kind: r.kind, document: r.document, quote: r.quote, "
                "start: r.start, end: r.end, extractor: r.extractor, confidence: r.confidence, "
                "attributed_to: r.attributed_to, qualifiers: r.qualifiers, s: r.s, p: r.p, o: r.o})-[:IN]->(d)",
                {"rows": chunk},
            )

    def _write_relations(self, batch: Sequence[Extraction]) -> None:
        edges: dict[str, dict[str, Any]] = {}
        evidence: list[dict[str, Any]] = []
        for rel in (rel for ex in batch for rel in ex.relations):
            flat = {k: v for k, v in rel.qualifiers.items() if isinstance(v, str | int | float | bool)}
            conf = max(ev.confidence for ev in rel.evidence)
            row = edges.setdefault(rel.key, {"s": rel.subject, "o": rel.object, "key": rel.key, "props": {},
                                             "confidence": conf, "predicate": rel.predicate})
            row["props"] = {**flat, **row["props"]}
            row["confidence"] = max(row["confidence"], conf)
            for ev in rel.evidence:
                evidence.append(
                    _evidence_row(ev, rel.key, "relation", rel.qualifiers, s=rel.subject, p=rel.predicate, o=rel.object)
                )
        by_predicate: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in edges.values():
            by_predicate[row.pop("predicate")].append(row)
        for predicate, rows in sorted(by_predicate.items()):
            if predicate not in PREDICATES:
                raise StoreError(f"refusing unknown predicate {predicate!r}")
            for chunk in _batches(rows):
                self._write(
                    f"UNWIND $rows AS r MATCH (s:Entity {{id: r.s}}), (o:Entity {{id: r.o}}) "
                    f"MERGE (s)-[e:{predicate} {{key: r.key}}]->(o) SET e += r.props, "
                    "e.confidence = CASE WHEN e.confidence IS NULL OR r.confidence > e.confidence "
                    "THEN r.confidence ELSE e.confidence END",
                    {"rows": chunk},
                )
        self._write_evidence(evidence)

    def _write_provisions(self, batch: Sequence[Extraction]) -> None:
        provisions: dict[str, dict[str, Any]] = {}
        roles: set[tuple[str, str, str]] = set()
        evidence = []
        for prov in (prov for ex in batch for prov in ex.provisions):
            row = provisions.setdefault(prov.id, {
                "id": prov.id,
                "type": prov.provision_type,
                "agreement": prov.agreement,
                "obliges": sorted(prov.obliges),
                "concerns": sorted(prov.concerns),
                "text": prov.evidence[0].quote,
                "props": {},
            })
            # a later document's qualifiers win, inside a batch as across batches: the graph must not
            # depend on how documents were batched
            row["props"].update({k: v for k, v in prov.qualifiers.items() if isinstance(v, str | int | float | bool)})
            for field, rel_type in PROVISION_ROLES.items():
                roles.update((prov.id, eid, rel_type) for eid in getattr(prov, field))
            for ev in prov.evidence:
                evidence.append(
                    _evidence_row(ev, prov.id, "provision", prov.qualifiers, s=prov.agreement, p=None, o=None)
                )
        for chunk in _batches(list(provisions.values())):
            self._write(
                "UNWIND $rows AS r MATCH (a:Entity {id: r.agreement}) MERGE (p:Provision {id: r.id}) "
                "SET p += r.props, p.type = r.type, p.agreement = r.agreement, p.obliges = r.obliges, "
                "p.concerns = r.concerns, p.text = coalesce(p.text, r.text) "
                "MERGE (a)-[:HAS_PROVISION]->(p)",
                {"rows": chunk},
            )
        for rel_type in sorted(set(PROVISION_ROLES.values())):
            typed = [{"pid": pid, "eid": eid} for pid, eid, role in sorted(roles) if role == rel_type]
            for chunk in _batches(typed):
                self._write(
                    f"UNWIND $rows AS r MATCH (p:Provision {{id: r.pid}}), (n:Entity {{id: r.eid}}) "
                    f"MERGE (p)-[:{rel_type}]->(n)",
                    {"rows": chunk},
                )
        # beneficiaries are the union over every document stating the provision (its BENEFITS edges),
        # so that no document's list overwrites another's
        for chunk in _batches([{"pid": pid} for pid in sorted(provisions)]):
            self._write(
                "UNWIND $rows AS r MATCH (p:Provision {id: r.pid}) OPTIONAL MATCH (p)-[:BENEFITS]->(n:Entity) "
                "WITH p, n ORDER BY n.id WITH p, collect(n.id) AS ids SET p.benefits = ids",
                {"rows": chunk},
            )
        self._write_evidence(evidence)

    # -- reading ---------------------------------------------------------------
    def stats(self) -> dict[str, int]:
        rows = self.read(
            "MATCH (d:Document) WHERE d.status = $done WITH count(d) AS documents "
            "OPTIONAL MATCH (n:Entity) WITH documents, count(n) AS entities "
            "OPTIONAL MATCH (p:Provision) WITH documents, entities, count(p) AS provisions "
            "OPTIONAL MATCH (ev:Evidence) WITH documents, entities, provisions, count(ev) AS evidence "
            "OPTIONAL MATCH (:Entity)-[r]->(:Entity) WHERE r.key IS NOT NULL "
            "RETURN documents, entities, provisions, evidence, count(r) AS relations",
            {"done": COMPLETE},
        )
        row = rows[0] if rows else {}
        keys = ("documents", "entities", "relations", "provisions", "evidence")
        return {k: int(row.get(k) or 0) for k in keys}

    def export_records(self) -> Iterator[dict[str, Any]]:
        done = {"done": COMPLETE}
        docs = self.read(
            "MATCH (d:Document) WHERE d.status = $done RETURN d.id AS id, d.title AS title, d.authors AS authors, "
            "d.publisher AS publisher, d.published AS published, d.url AS url, d.sha256 AS sha256 ORDER BY id",
            done,
        )
        for d in docs:
            yield {"type": "document", **d}
        ents: dict[str, dict[str, Any]] = {}
        for row in self.read(
            "MATCH (n:Entity)-[m:MENTIONED_IN]->(d:Document) WHERE d.status = $done "
            "RETURN n.id AS id, n.label AS label, n.kind AS kind, n.name AS name, n.aliases AS aliases, "
            "d.id AS document, m.forms AS forms",
            done,
        ):
            ent = ents.setdefault(
                row["id"],
                {"label": row["label"], "kind": row["kind"], "name": row["name"],
                 "aliases": set(row["aliases"] or []), "documents": set()},
            )
            ent["aliases"].update(row["forms"] or [])
            ent["documents"].add(row["document"])
        for eid in sorted(ents):
            e = ents[eid]
            aliases = sorted(a for a in e["aliases"] if a != e["name"])
            yield {"type": "entity", "id": eid, "label": e["label"], "kind": e["kind"], "name": e["name"],
                   "aliases": aliases, "documents": sorted(e["documents"])}

        evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
        heads: dict[str, dict[str, Any]] = {}
        for row in self.read(
            "MATCH (ev:Evidence)-[:IN]->(d:Document) WHERE d.status = $done "
            "RETURN ev.fact AS fact, ev.kind AS kind, ev.s AS s, ev.p AS p, ev.o AS o, ev.document AS document, "
            "ev.quote AS quote, ev.start AS start, ev.end AS end, ev.extractor AS extractor, "
            "ev.confidence AS confidence, ev.attributed_to AS attributed_to, ev.qualifiers AS qualifiers",
            done,
        ):
            heads.setdefault(row["fact"], row)
            item = {k: row[k] for k in ("document", "quote", "start", "end", "extractor", "confidence")}
            if row["attributed_to"]:
                item["attributed_to"] = row["attributed_to"]
            item["_q"] = json.loads(row["qualifiers"] or "{}")
            evidence[row["fact"]].append(item)

        def merged(fact: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
            evs = sorted(evidence[fact], key=lambda e: (e["document"], e["start"], e["end"], e["extractor"]))
            quals: dict[str, Any] = {}
            for ev in evs:
                for k, v in ev.pop("_q").items():
                    quals.setdefault(k, v)
            return quals, evs

        rel_facts = sorted(
            (f for f, h in heads.items() if h["kind"] == "relation"),
            key=lambda f: (heads[f]["s"], heads[f]["p"], heads[f]["o"], f),
        )
        for fact in rel_facts:
            h = heads[fact]
            quals, evs = merged(fact)
            yield {"type": "relation", "id": fact, "subject": h["s"], "predicate": h["p"], "object": h["o"],
                   "qualifiers": quals, "confidence": max(e["confidence"] for e in evs), "evidence": evs}

        provisions = {
            row["id"]: row
            for row in self.read(
                "MATCH (p:Provision) RETURN p.id AS id, p.type AS type, p.agreement AS agreement, "
                "p.obliges AS obliges, p.concerns AS concerns, p.benefits AS benefits"
            )
        }
        for fact in sorted(f for f, h in heads.items() if h["kind"] == "provision" and f in provisions):
            p = provisions[fact]
            quals, evs = merged(fact)
            yield {"type": "provision", "id": fact, "provision_type": p["type"], "agreement": p["agreement"],
                   "obliges": p["obliges"] or [], "concerns": p["concerns"] or [],
                   "benefits": sorted(p["benefits"] or []),
                   "qualifiers": quals, "confidence": max(e["confidence"] for e in evs), "evidence": evs}
