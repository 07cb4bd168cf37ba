"""The root fields: queries (entities, relations, provisions, agreements, guarantees, timeline, path, documents) and
mutations.

Expected failures are `APIError`s (shown to the client) or typed results (`EntityNotFound`, `NoPath`); anything
else is masked as "Unexpected error.".
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from conflictkg.errors import APIError
from conflictkg.loaders.lexicon import fold
from conflictkg.schema.ontology import ENTITY_LABELS, LABEL_KINDS, PROVISION_TYPES

from .context import NameLookup, Reads, Row, TextDocument
from .pagination import DEFAULT_PAGE, Connection, Edge, connection, cursor_of, key_mark, page_size, paginate
from .types import (
    AgreementSummary,
    Document,
    DocumentInput,
    Entity,
    EntityNotFound,
    Evidence,
    Guarantee,
    Hop,
    IngestReport,
    NoPath,
    Path,
    PathResult,
    Provision,
    Relation,
    RemoveReport,
    Timeline,
    TimelineEntry,
    TimelineResult,
    context_of,
    evidenced,
    load_entity,
    one_of,
    predicate_named,
    unique_rows,
)

MAX_HOPS = 6
GUARANTEE_TYPES = ("GUARANTEE_PASSAGE", "SECURE_CORRIDOR")
DATE_QUALIFIERS = ("date", "valid_from", "start", "deadline", "valid_to", "end")
ALL_KINDS = frozenset().union(*LABEL_KINDS.values())


def _not_found(names: NameLookup, text: str) -> EntityNotFound:
    hits = names.search(text)[:5] if text.strip() else []
    return EntityNotFound(
        message=f"no entity is called {text!r} (by id, name or alias); try `entities(search: ...)`",
        name=text, suggestions=[Entity.from_domain(names.rows[eid]) for eid in hits],
    )


def _dates(qualifiers: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(qualifiers[k]), k) for k in DATE_QUALIFIERS if qualifiers.get(k)]


def _in_range(day: str, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start.isoformat()[: len(day)]) and (end is None or day <= end.isoformat())


def _ids(names: NameLookup, value: str | None) -> set[str] | None:
    """The entities a filter names (by id, name or alias); None when there is no filter."""
    return None if value is None else set(names.lookup(value))


# -- root ------------------------------------------------------------------------------------------------------------
@strawberry.type
class Query:
    @strawberry.field(description="One entity by id, or by name or any alias (case- and diacritic-insensitive).")
    async def entity(self, info: Info, id: strawberry.ID | None = None, name: str | None = None) -> Entity | None:
        if (id is None) == (name is None):
            raise APIError("entity needs exactly one of `id` or `name`")
        if id is not None:
            return await load_entity(info, str(id))
        hits = context_of(info).names().lookup(name or "")
        return await load_entity(info, hits[0]) if hits else None

    @strawberry.field(description="Entities, optionally those whose names or aliases contain `search`.")
    def entities(self, info: Info, search: str | None = None, label: str | None = None, kind: str | None = None,
                 first: int | None = DEFAULT_PAGE, after: str | None = None) -> Connection[Entity]:
        label = one_of(label, ENTITY_LABELS, "label")
        kind = one_of(kind, ALL_KINDS, "kind")
        size = page_size(first)
        mark = key_mark(after, 2, "entities") if after else None  # a forged cursor is refused before any read
        names = context_of(info).names()
        if search and fold(search):
            rows = [names.rows[i] for i in names.search(search)]
            rows = [r for r in rows if (label is None or r["label"] == label) and (kind is None or r["kind"] == kind)]
            return paginate((([r["name"].lower(), r["id"]], Entity.from_domain(r)) for r in rows), first, after)
        # no search: the store pages through the entities, and the page is read in full
        total, remaining, keys = context_of(info).reader.entity_keys_page(label, kind, first=size, after=mark)
        found = {r["id"]: r for r in names.fetch(eid for _, eid in keys)}
        edges = [Edge(node=Entity.from_domain(found[eid]), cursor=cursor_of([name, eid]))
                 for name, eid in keys if eid in found]  # (one removed between the two reads is left out)
        return connection(edges, total=total, following=remaining, size=size)

    @strawberry.field(description="Relations filtered by subject/object (id, name or alias), predicate and date.")
    async def relations(self, info: Info, subject: str | None = None, predicate: str | None = None,
                        object: str | None = None, valid_on: date | None = None,
                        first: int | None = DEFAULT_PAGE, after: str | None = None) -> Connection[Relation]:
        wanted = predicate_named(predicate)
        size = page_size(first)
        mark = key_mark(after, 4, "relations") if after else None  # a forged cursor is refused before any read
        ctx = context_of(info)
        names = ctx.names() if subject is not None or object is not None else None
        subjects = _ids(names, subject) if names else None
        objects = _ids(names, object) if names else None
        if subjects == set() or objects == set():
            return paginate([], first, after)
        args = (sorted(subjects) if subjects is not None else None, wanted,
                sorted(objects) if objects is not None else None)
        if valid_on is not None:  # the dates are among the qualifiers: read them all in full
            rows = [r for r in ctx.reader.relations(*args) if _holds_on(r["qualifiers"], valid_on)]
            rows = await evidenced(info, rows, "key")
            for row in rows:
                ctx.loaders.prime_entities(row["ends"])
            return paginate((([r["s"], r["p"], r["o"], r["key"]], Relation.from_domain(r)) for r in rows), first,
                            after)
        # Page through the keys, then read the page in full (with its entities): a hub's hundreds of relations
        # cost a read of their keys only.
        total, remaining, keys = ctx.reader.relation_keys_page(*args, first=size, after=mark)
        rows = ctx.reader.relations_with_keys(keys, subjects=subjects is None,
                                              objects=objects is None) if keys else []  # (named: read)
        full = {r["key"]: r for r in await evidenced(info, rows, "key")}
        for row in full.values():
            ctx.loaders.prime_entities(row["ends"])
        edges = [Edge(node=Relation.from_domain(full[k["key"]]), cursor=cursor_of([k["s"], k["p"], k["o"], k["key"]]))
                 for k in keys if k["key"] in full]  # (one removed between the two reads is left out)
        return connection(edges, total=total, following=remaining, size=size)

    @strawberry.field(description="Provisions filtered by type and by agreement, obliged or concerned entity. "
                      "`obliges` also finds the obligations of the actor's units (an armed force or body PART_OF or "
                      "MEMBER_OF it), marked in `reachedThrough`; `throughUnits: false` turns that off.")
    async def provisions(self, info: Info, type: str | None = None, agreement: str | None = None,
                         obliges: str | None = None, concerns: str | None = None,
                         through_units: bool = True) -> list[Provision]:
        wanted = one_of(type, PROVISION_TYPES, "provision type")
        ctx = context_of(info)
        names = ctx.names() if any(v is not None for v in (agreement, obliges, concerns)) else None
        filters = {
            field: _ids(names, value) if names else None
            for field, value in (("agreement", agreement), ("obliges", obliges), ("concerns", concerns))
        }
        direct = filters["obliges"]
        units = _units_of(ctx.reader, direct) if direct and through_units else set()
        if direct is not None:
            filters["obliges"] = direct | units
        rows = _provisions_for(ctx.reader, [wanted] if wanted else None, filters)
        keep = []
        for row in rows:
            related = {"agreement": {row["agreement"]}, "obliges": set(row["obliges"]),
                       "concerns": set(row["concerns"])}
            if all(ids is None or related[f] & ids for f, ids in filters.items()):
                keep.append(row)
        keep.sort(key=lambda r: (r["agreement"], r["type"], r["id"]))
        return [Provision.from_domain(r, [] if direct is None or direct & set(r["obliges"]) else
                                      sorted(units & set(r["obliges"]))) for r in await evidenced(info, keep, "id")]

    @strawberry.field(description="Agreements named so (the one with that id or name first, then those with it as "
                      "an alias), or the first ones by name, with their kind, signing date, signatories, parties and "
                      "provisions in reading order.")
    async def agreements(self, info: Info, name: str | None = None,
                         first: int | None = DEFAULT_PAGE) -> list[AgreementSummary]:
        ctx = context_of(info)
        size = page_size(first)
        names = ctx.names()
        if name is not None:  # the one with that id or canonical name first, then those with it as an alias
            rows = names.fetch(names.lookup(name))
        else:
            rows = names.fetch(eid for _, eid in ctx.reader.entity_keys_page("Agreement", None, first=size)[2])
        rows = [r for r in rows if r["label"] == "Agreement"][:size]
        ids = [r["id"] for r in rows]
        if not ids:
            return []
        relations, provisions = await asyncio.gather(
            evidenced(info, [rel for p in ("SIGNED", "PARTY_TO") for rel in ctx.reader.relations(None, p, ids)],
                      "key"),
            evidenced(info, ctx.reader.provisions(None, role="agreement", ids=ids), "id"))
        facts: dict[tuple[str, str], list[Row]] = {}
        for rel in relations:
            ctx.loaders.prime_entities(rel["ends"])
            facts.setdefault((rel["p"], rel["o"]), []).append(rel)
        terms: dict[str, list[Row]] = {}
        for prov in provisions:
            terms.setdefault(prov["agreement"], []).append(prov)
        quotes = await ctx.loaders.evidence.load_many([p["id"] for p in provisions])  # (shared with `evidence`)
        first_quote = {p["id"]: min(((str(q["published"] or "~"), q["document"], q["start"]) for q in found),
                                    default=("~", "", 0)) for p, found in zip(provisions, quotes, strict=True)}
        out = []
        for row in rows:
            signed, parties = facts.get(("SIGNED", row["id"]), []), facts.get(("PARTY_TO", row["id"]), [])
            dates = [str(r["qualifiers"]["date"]) for r in signed + parties if r["qualifiers"].get("date")]
            out.append(AgreementSummary(
                agreement=Entity.from_domain(row), kind=row["kind"], date=min(dates) if dates else None,
                signatories=[Relation.from_domain(r) for r in sorted(signed, key=lambda r: r["s"])],
                parties=[Relation.from_domain(r) for r in sorted(parties, key=lambda r: r["s"])],
                provisions=[Provision.from_domain(p) for p in sorted(
                    terms.get(row["id"], []), key=lambda p: (*_clause_order(p), first_quote[p["id"]], p["type"],
                                                             p["id"]))]))
        return out

    @strawberry.field(
        description="Who guarantees which corridor under which agreement (GUARANTEE_PASSAGE and SECURE_CORRIDOR "
        "provisions). `corridor` matches the concerned territory by name or alias, or a place a concerned "
        "corridor connects or is named after (\"Nakhchivan\" finds the route to Nakhchivan)."
    )
    async def guarantees(self, info: Info, corridor: str | None = None, guarantor: str | None = None,
                         agreement: str | None = None, through_units: bool = True) -> list[Guarantee]:
        ctx = context_of(info)
        names = ctx.names() if any(v is not None for v in (corridor, guarantor, agreement)) else None
        guarantors = _ids(names, guarantor) if names else None
        units = _units_of(ctx.reader, guarantors) if guarantors and through_units else set()
        guarantors = guarantors | units if guarantors is not None else None
        agreements = _ids(names, agreement) if names else None
        places: set[str] | None = None
        if names is not None and corridor is not None:
            places = set(names.places(corridor))
            if places:
                places.update(r["corridor"] for r in ctx.reader.corridors_connecting(sorted(places)))
        rows = _provisions_for(ctx.reader, GUARANTEE_TYPES,
                               {"concerns": places, "obliges": guarantors, "agreement": agreements}, full=True)
        ctx.loaders.prime_provisions(rows)
        found = []
        for row in rows:
            if agreements is not None and row["agreement"] not in agreements:
                continue
            for g in row["obliges"]:
                if guarantors is not None and g not in guarantors:
                    continue
                found += [(row, g, c) for c in row["concerns"] if places is None or c in places]
        ids = sorted({i for row, g, c in found for i in (g, c, row["agreement"])})
        entity = {i: Entity.from_domain(r) if r else None  # one read, if any
                  for i, r in zip(ids, await ctx.loaders.entity.load_many(ids), strict=True)}
        provision = {row["id"]: (Provision.from_domain(row), [Evidence.from_domain(e) for e in row["evidence"]])
                     for row, _, _ in found}
        items = [Guarantee(provision_type=row["type"], guarantor=entity[g], corridor=entity[c],
                           agreement=entity[row["agreement"]], provision=provision[row["id"]][0],
                           evidence=provision[row["id"]][1], reached_through=entity[g] if g in units else None)
                 for row, g, c in found]

        def order(g: Guarantee) -> tuple[str, ...]:
            return (g.guarantor.name if g.guarantor else "", g.corridor.name if g.corridor else "",
                    str(g.provision.id))

        return sorted(items, key=order)

    @strawberry.field(description="Dated relations and provisions of an entity, oldest first.")
    async def timeline(self, info: Info, entity: str, from_: Annotated[date | None, strawberry.argument(
        name="from")] = None, to: date | None = None) -> TimelineResult:
        ctx = context_of(info)
        names = ctx.names()
        hits = names.lookup(entity)
        if not hits:
            return _not_found(names, entity)
        eid = hits[0]
        relation_rows, provision_rows = await asyncio.gather(ctx.loaders.relations_of.load((eid, None, "both")),
                                                             ctx.loaders.provisions_of.load(eid))
        relations = await evidenced(info, unique_rows(relation_rows, "key"), "key")
        provisions = await evidenced(info, unique_rows(provision_rows, "id"), "id")
        facts: list[tuple[Row, str]] = [(r, r["key"]) for r in relations] + [(p, p["id"]) for p in provisions]
        undated = [key for row, key in facts if not _dates(row["qualifiers"])]
        evidence = await ctx.loaders.evidence.load_many(undated)
        reported = {
            key: min((e["published"] for e in evs if e.get("published")), default=None)
            for key, evs in zip(undated, evidence, strict=True)
        }

        names.fetch(i for row, _ in facts for i in (
            [row["s"], row["o"]] if "key" in row else [row["agreement"], *row["obliges"], *row["concerns"]]))

        def label(eid: str) -> str:
            row = names.rows.get(eid)
            return row["name"] if row else eid

        entries = []
        for row, key in facts:
            first_report = reported.get(key)
            dated = _dates(row["qualifiers"]) or ([(first_report, "reported")] if first_report else [])
            is_relation = "key" in row
            if is_relation:
                summary = f"{label(row['s'])} {row['p']} {label(row['o'])}"
            else:
                parties = ", ".join(label(e) for e in row["obliges"]) or "-"
                places = ", ".join(label(e) for e in row["concerns"]) or "-"
                summary = f"{label(row['agreement'])}: {row['type']} ({parties}; {places})"
            for day, source in dated:
                if _in_range(day, from_, to):
                    entries.append(TimelineEntry(
                        date=day, date_source=source, summary=summary,
                        relation=Relation.from_domain(row) if is_relation else None,
                        provision=None if is_relation else Provision.from_domain(row),
                    ))
        entries.sort(key=lambda e: (e.date, e.summary))
        return Timeline(entity=Entity.from_domain(names.rows[eid]), entries=entries)

    @strawberry.field(description="A shortest chain of relations and shared provisions between two entities "
                      "(either direction), with the evidence of each hop.")
    async def path(self, info: Info, from_: Annotated[str, strawberry.argument(name="from")], to: str,
                   max_hops: int = 4) -> PathResult:
        if not 1 <= max_hops <= MAX_HOPS:
            raise APIError(f"maxHops must be between 1 and {MAX_HOPS}")
        ctx = context_of(info)
        names = ctx.names()
        ends = []
        for text in (from_, to):
            hits = names.lookup(text)
            if not hits:
                return _not_found(names, text)
            ends.append(hits[0])
        for _ in range(3):  # a fact of the path found removed meanwhile (its evidence gone): search again
            hops = _shortest_path(ctx.reader, ends[0], ends[1], max_hops)
            facts = [{"id": str(h.relation.id if h.relation else h.provision.id if h.provision else "")}
                     for h in hops or []]
            if len(await evidenced(info, facts, "id")) == len(facts):
                break
        else:
            return NoPath(message="the facts between them changed during the search; ask again", max_hops=max_hops)
        if hops is None:
            return NoPath(message=f"{from_!r} and {to!r} are not connected within {max_hops} hops; "
                          "raise maxHops (at most 6)", max_hops=max_hops)
        return Path(length=len(hops), hops=hops, from_entity=ends[0], to_entity=ends[1])

    @strawberry.field(description="The complete documents, by id.")
    def documents(self, info: Info, first: int | None = DEFAULT_PAGE,
                  after: str | None = None) -> Connection[Document]:
        size = page_size(first)
        reader = context_of(info).reader
        mark = key_mark(after, 1, "documents") if after else None
        total, remaining, ids = reader.document_keys_page(first=size, after=mark)
        found = {r["id"]: r for r in reader.documents(ids)} if ids else {}
        edges = [Edge(node=Document.from_domain(found[i]), cursor=cursor_of([i])) for i in ids if i in found]
        return connection(edges, total=total, following=remaining, size=size)

    @strawberry.field(description="One document with the facts drawn from it.")
    async def document(self, info: Info, id: strawberry.ID) -> Document | None:
        row = await context_of(info).loaders.document.load(str(id))
        return Document.from_domain(row) if row else None


def _units_of(reader: Reads, ids: set[str], depth: int = 2) -> set[str]:
    """Armed forces and bodies that are part or members of the actors, and theirs in turn (`depth` levels):
    the Russian peacekeepers and border troops of Russia."""
    found: set[str] = set()
    frontier = set(ids)
    for _ in range(depth):
        if not frontier:
            break
        rows = [r for p in ("PART_OF", "MEMBER_OF") for r in reader.relations(None, p, sorted(frontier))]
        actors = {e["id"] for r in rows for e in r["ends"] if e.get("label") == "Actor"}  # not its places
        frontier = {r["s"] for r in rows} & actors - found - ids
        found |= frontier
    return found


def _clause_order(row: Row) -> tuple[int, int, str]:
    """1, 2, ... 10 before a, b, ...; provisions with no clause last."""
    clause = str((row.get("qualifiers") or {}).get("clause") or "")
    if clause.isdigit():
        return 0, int(clause), ""
    return (1 if clause else 2), 0, clause


def _provisions_for(reader: Reads, types: Sequence[str] | None,
                    filters: dict[str, set[str] | None], *, full: bool = False) -> list[Row]:
    """Provisions of the types that may pass the filters (role -> allowed ids, None: any), read through the most
    selective one: the store then starts from those entities instead of reading every provision. `full`: with
    their evidence and parties (`Reads.provisions_in_full`)."""
    read = reader.provisions_in_full if full else reader.provisions
    given = {role: ids for role, ids in filters.items() if ids is not None}
    if not given:
        return read(types)
    role, ids = min(given.items(), key=lambda item: len(item[1]))
    return read(types, role=role, ids=sorted(ids)) if ids else []


def _holds_on(qualifiers: dict[str, Any], day: date) -> bool:
    """A relation holds on a day unless its qualifiers start it later or end it earlier."""
    iso = day.isoformat()
    begin = qualifiers.get("valid_from") or qualifiers.get("date") or qualifiers.get("start")
    finish = qualifiers.get("valid_to") or qualifiers.get("end")
    return (not begin or str(begin) <= iso) and (not finish or iso[: len(str(finish))] <= str(finish))


def _links(reader: Reads, ids: Sequence[str]) -> list[tuple[str, str, str, bool]]:
    """(from, to, fact key or id, is_relation) for every relation and provision touching the entities: one read."""
    return sorted((r["anchor"], r["other"], r["fact"], r["relation"]) for r in reader.neighbours(ids))


def _hop(source: str, target: str, row: Row, is_relation: bool) -> Hop:
    if is_relation:
        return Hop(forward=row["s"] == source, relation=Relation.from_domain(row), provision=None,
                   from_id=source, to_id=target)
    forward = source == row["agreement"] or source in row["obliges"]
    return Hop(forward=forward, relation=None, provision=Provision.from_domain(row), from_id=source, to_id=target)


Step = tuple[str, str, bool]  # the neighbour one hop nearer the search's start, the fact linking them, is_relation
Link = tuple[str, str, str, bool]  # from, to, fact, is_relation


def _shortest_path(reader: Reads, source: str, target: str, max_hops: int) -> list[Hop] | None:
    """Breadth-first search from both ends over relations and provisions, one read of keys per level, then one
    read of the facts on the path found (of relations, of provisions).

    Each level expands the smaller frontier, so a path through a hub is found from its two ends without reading
    the hub's neighbours; the frontiers meet at a node on a shortest path (the first by id among the shortest).
    """
    if source == target:
        return []
    seen: tuple[dict[str, Step | None], dict[str, Step | None]] = ({source: None}, {target: None})
    depth: tuple[dict[str, int], dict[str, int]] = ({source: 0}, {target: 0})
    frontiers = ([source], [target])
    for _ in range(max_hops):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        found = []
        for anchor, other, fact, is_relation in _links(reader, frontiers[side]):
            if other not in seen[side]:
                seen[side][other] = (anchor, fact, is_relation)
                depth[side][other] = depth[side][anchor] + 1
                found.append(other)
        meetings = [n for n in found if n in seen[1 - side]]
        if meetings:
            meet = min(meetings, key=lambda n: (depth[0][n] + depth[1][n], n))
            return _hops(reader, _walk(seen[0], meet, backwards=True) + _walk(seen[1], meet, backwards=False))
        if not found:
            return None
        frontiers = (found, frontiers[1]) if side == 0 else (frontiers[0], found)
    return None


def _walk(seen: dict[str, Step | None], node: str, *, backwards: bool) -> list[Link]:
    """The links from `node` to the start of one search: reversed (start first) for the search from `from`."""
    links = []
    while (step := seen[node]) is not None:
        nearer, fact, is_relation = step
        links.append((nearer, node, fact, is_relation) if backwards else (node, nearer, fact, is_relation))
        node = nearer
    return links[::-1] if backwards else links


def _hops(reader: Reads, links: list[Link]) -> list[Hop] | None:
    """The path's hops with their facts read in full; None if one went away since the search saw it."""
    relation_links = [(a, b, fact) for a, b, fact, is_relation in links if is_relation]
    provision_ids = [fact for _, _, fact, is_relation in links if not is_relation]
    rows = {r["key"]: r for r in reader.relations_between(relation_links)} if relation_links else {}
    rows.update({r["id"]: r for r in reader.provisions_with_ids(provision_ids)} if provision_ids else {})
    if any(fact not in rows for _, _, fact, _ in links):
        return None
    return [_hop(a, b, rows[fact], is_relation) for a, b, fact, is_relation in links]


# -- mutations -------------------------------------------------------------------------------------------------------
@strawberry.type
class Mutation:
    @strawberry.mutation(description="Extract and write documents (needs `Authorization: Bearer <KG_API_KEY>`).")
    async def ingest(self, info: Info, documents: list[DocumentInput]) -> list[IngestReport]:
        ctx = context_of(info)
        ctx.require_write()
        texts = [TextDocument(id=str(d.id), text=d.text, published=d.published) for d in documents]
        reports = await asyncio.to_thread(ctx.service.ingest, texts)
        return [IngestReport(id=strawberry.ID(r.document), status=r.status, message=r.message, entities=r.entities,
                             relations=r.relations, provisions=r.provisions) for r in reports]

    @strawberry.mutation(description="Remove a document and every fact only it supports (needs the API key).")
    async def remove_document(self, info: Info, id: strawberry.ID) -> RemoveReport:
        ctx = context_of(info)
        ctx.require_write()
        removed = await asyncio.to_thread(ctx.service.remove, str(id))
        message = "removed" if removed else f"no document {str(id)!r} in the store"
        return RemoveReport(id=id, removed=removed, message=message)
