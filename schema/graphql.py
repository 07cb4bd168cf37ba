"""The GraphQL schema, code-first with strawberry; `schema/schema.graphql` is exported from it.

Types mirror the ontology (Actor, Territory, Agreement, Event implement `Entity`;
Provision, Document, Evidence). Every hop to another entity, to evidence or to a
document goes through the request's DataLoaders (`info.context.loaders`), so a
level of the answer costs one store round trip however many items it has, or
comes with the read of the level above (evidence brings its documents, relations
the entities at their ends, `guarantees` its evidence) and then costs none.
Expected failures are `APIError`s (shown to the client) or typed results
(`EntityNotFound`, `NoPath`); anything else is masked as "Unexpected error.".

Run `python -m conflictkg.schema.graphql > schema/schema.graphql` after changing it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import Awaitable, Iterable, Sequence
from datetime import date
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.scalars import JSON
from strawberry.types import Info

from conflictkg.errors import KGError
from conflictkg.loaders.lexicon import fold
from conflictkg.schema.ontology import ENTITY_LABELS, LABEL_KINDS, PREDICATES, PROVISION_TYPES

if TYPE_CHECKING:
    from conflictkg.api.context import Context, NameIndex
    from conflictkg.api.queries import GraphReader

MAX_PAGE = 100
DEFAULT_PAGE = 20
MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2000
MAX_HOPS = 6
CACHED_QUERIES = 256  # distinct query texts whose parse and validation are kept
GUARANTEE_TYPES = ("GUARANTEE_PASSAGE", "SECURE_CORRIDOR")
DATE_QUALIFIERS = ("date", "valid_from", "start", "deadline", "valid_to", "end")
ALL_KINDS = frozenset().union(*LABEL_KINDS.values())

Row = dict[str, Any]
T = TypeVar("T")


def _api_error(message: str) -> Exception:
    from conflictkg.api.errors import APIError

    return APIError(message)


def _ctx(info: Info) -> Context:
    return info.context


# -- entities ------------------------------------------------------------------------------------------------------
@strawberry.enum(description="Which way a relation points from the entity asked about.")
class Direction(Enum):
    OUT = "out"
    IN = "in"
    BOTH = "both"


@strawberry.interface(description="An actor, territory, agreement or event of the ontology.")
class Entity:
    id: strawberry.ID
    name: str
    label: str = strawberry.field(description="Actor, Territory, Agreement or Event.")
    kind: str = strawberry.field(description="The sub-kind, e.g. State, Corridor, Statement, War.")
    aliases: list[str] = strawberry.field(description="Lexicon aliases and every surface form seen in documents.")

    @classmethod
    def resolve_type(cls, entity: Entity, *_: Any) -> str:
        """The concrete GraphQL type is the entity's label (Actor, Territory, Agreement or Event): told at once, where
        strawberry's default tests the object against the types of the schema, for each of hundreds of entities."""
        return entity.label

    @classmethod
    def from_domain(cls, row: Row) -> Entity:
        """The concrete type for the row's label."""
        concrete = _ENTITY_TYPES[row["label"]]
        return concrete(id=strawberry.ID(row["id"]), name=row["name"], label=row["label"], kind=row["kind"],
                        aliases=list(row.get("aliases") or []))

    @strawberry.field(description="Relations with this entity as subject (OUT), object (IN) or either.")
    async def relations(self, info: Info, predicate: str | None = None,
                        direction: Direction = Direction.BOTH) -> list[Relation]:
        rows = await _ctx(info).loaders.relations_of.load((str(self.id), _predicate(predicate), direction.value))
        return [Relation.from_domain(r) for r in _unique(rows, "key")]

    @strawberry.field(description="A page of this entity's relations in one direction (OUT or IN), in the store's "
                      "order: a hub's thousands are read a page at a time (pass `endCursor` as `after`).")
    def relation_slice(self, info: Info, direction: Direction, predicate: str | None = None,
                       first: int | None = DEFAULT_PAGE, after: str | None = None) -> RelationSlice:
        if direction is Direction.BOTH:
            raise _api_error("relationSlice needs direction OUT or IN")
        size = _page_size(first)
        skip = _offset(after) if after else 0
        ctx = _ctx(info)
        wanted = _predicate(predicate)
        rows = ctx.reader.relation_slice(str(self.id), direction.value, wanted, skip=skip, limit=size + 1)
        for row in rows:
            ctx.loaders.prime_entities(row["ends"])
        more = len(rows) > size
        return RelationSlice(relations=[Relation.from_domain(r) for r in rows[:size]], has_more=more,
                             end_cursor=_cursor([skip + size]) if more else None,
                             side=(str(self.id), direction.value, wanted))

    @strawberry.field(description="Provisions of this agreement, or obliging, concerning or benefiting this entity "
                      "(the first `first` of them, by id, when given).")
    async def provisions(self, info: Info, first: int | None = None) -> list[Provision]:
        rows = sorted(_unique(await _ctx(info).loaders.provisions_of.load(str(self.id)), "id"), key=lambda r: r["id"])
        return [Provision.from_domain(r) for r in (rows if first is None else rows[:max(first, 0)])]

    @strawberry.field(description="How many provisions `provisions` lists.")
    async def provision_count(self, info: Info) -> int:
        return len(_unique(await _ctx(info).loaders.provisions_of.load(str(self.id)), "id"))

    @strawberry.field(description="The documents that mention this entity.")
    async def documents(self, info: Info) -> list[Document]:
        return [Document.from_domain(r) for r in await _ctx(info).loaders.documents_of.load(str(self.id))]


@strawberry.type(description="A state, person, organisation, armed force, polity or group.")
class Actor(Entity):
    pass


@strawberry.type(description="A country, region, district, settlement, exclave, province, corridor, road or border.")
class Territory(Entity):
    pass


@strawberry.type(description="A ceasefire, statement, treaty, peace proposal, set of principles or declaration.")
class Agreement(Entity):
    pass


@strawberry.type(description="A war, operation, meeting, blockade, attack, displacement, dissolution or ruling.")
class Event(Entity):
    pass


_ENTITY_TYPES: dict[str, type[Entity]] = {"Actor": Actor, "Territory": Territory, "Agreement": Agreement,
                                          "Event": Event}


async def _entity(info: Info, entity_id: str | None) -> Entity | None:
    if entity_id is None:
        return None
    row = await _ctx(info).loaders.entity.load(entity_id)
    return Entity.from_domain(row) if row else None


def _entity_soon(info: Info, entity_id: str | None) -> Entity | None | Awaitable[Entity | None]:
    """The entity at once when the request has read it already (the read that found a relation brings the rows
    of its ends), else an awaitable the level's batch loads. graphql-core awaits what needs awaiting, so an
    answer of hundreds of relations does not create and schedule a coroutine for each of their ends."""
    cached = _ctx(info).loaders.entity.cache_map.get(entity_id) if entity_id is not None else None
    if cached is not None and cached.done() and not cached.cancelled() and cached.exception() is None:
        row = cached.result()
        return Entity.from_domain(row) if row else None
    return _entity(info, entity_id)


async def _entities(info: Info, ids: Sequence[str]) -> list[Entity]:
    rows = await _ctx(info).loaders.entity.load_many(list(ids))
    return [Entity.from_domain(r) for r in rows if r]


# -- provenance ------------------------------------------------------------------------------------------------------
@strawberry.type(description="One ingested source text.")
class Document:
    id: strawberry.ID
    title: str | None
    authors: list[str]
    publisher: str | None
    published: date | None
    url: str | None
    sha256: str
    ingested_at: str | None

    @classmethod
    def from_domain(cls, row: Row) -> Document:
        published = row.get("published")
        return cls(id=strawberry.ID(row["id"]), title=row.get("title"), authors=list(row.get("authors") or []),
                   publisher=row.get("publisher"), published=date.fromisoformat(published) if published else None,
                   url=row.get("url"), sha256=row["sha256"], ingested_at=row.get("ingested_at"))

    @strawberry.field(description="The decoded source text: every evidence quote is text[start:end] of it (null "
                      "for a document written before texts were kept: ingest it again).")
    async def text(self, info: Info) -> str | None:
        row = await _ctx(info).loaders.document_text.load(str(self.id))
        return row["text"] if row else None

    @strawberry.field(description="The relations this document states.")
    async def relations(self, info: Info) -> list[Relation]:
        rows = await _ctx(info).loaders.document_relations.load(str(self.id))
        return [Relation.from_domain(r) for r in rows]

    @strawberry.field(description="The provisions this document states.")
    async def provisions(self, info: Info) -> list[Provision]:
        rows = await _ctx(info).loaders.document_provisions.load(str(self.id))
        return [Provision.from_domain(r) for r in rows]

    @strawberry.field(description="The entities this document mentions.")
    async def entities(self, info: Info) -> list[Entity]:
        rows = await _ctx(info).loaders.document_entities.load(str(self.id))
        return await _entities(info, [r["entity"] for r in rows])


@strawberry.type(description="Where a fact was read: the quote and its character offsets in the document.")
class Evidence:
    """Its document comes with it (read in the same query), as a plain field: no resolver call per evidence."""

    quote: str
    start: int
    end: int
    extractor: str
    confidence: float
    qualifiers: JSON
    document: Document | None
    attributed_to_id: strawberry.Private[str | None]

    @classmethod
    def from_domain(cls, row: Row) -> Evidence:
        return cls(quote=row["quote"], start=row["start"], end=row["end"], extractor=row["extractor"],
                   confidence=row["confidence"], qualifiers=JSON(row.get("qualifiers") or {}),
                   document=Document.from_domain(row["source"]), attributed_to_id=row.get("attributed_to"))

    @strawberry.field(description="Whose claim the sentence reports, when it reports one.", graphql_type=Entity | None)
    def attributed_to(self, info: Info) -> Entity | None | Awaitable[Entity | None]:
        return _entity_soon(info, self.attributed_to_id)


async def _evidence(info: Info, fact: str) -> list[Evidence]:
    return [Evidence.from_domain(r) for r in await _ctx(info).loaders.evidence.load(fact)]


# -- facts -----------------------------------------------------------------------------------------------------------
@strawberry.type(description="subject -[predicate]-> object, one edge however many documents state it.")
class Relation:
    id: strawberry.ID
    predicate: str
    qualifiers: JSON = strawberry.field(description="Dates, role, size ... as read from the sources.")
    confidence: float | None
    subject_id: strawberry.Private[str]
    object_id: strawberry.Private[str]

    @classmethod
    def from_domain(cls, row: Row) -> Relation:
        return cls(id=strawberry.ID(row["key"]), predicate=row["p"], qualifiers=JSON(row.get("qualifiers") or {}),
                   confidence=row.get("confidence"), subject_id=row["s"], object_id=row["o"])

    @strawberry.field(graphql_type=Entity | None)
    def subject(self, info: Info) -> Entity | None | Awaitable[Entity | None]:
        return _entity_soon(info, self.subject_id)

    @strawberry.field(name="object", graphql_type=Entity | None)
    def object_(self, info: Info) -> Entity | None | Awaitable[Entity | None]:
        return _entity_soon(info, self.object_id)

    @strawberry.field
    async def evidence(self, info: Info) -> list[Evidence]:
        return await _evidence(info, str(self.id))

    @strawberry.field(description="When every source reports this relation only as someone's claim: the claimants "
                      "(empty when a source states it). Cheaper than reading the evidence of a much-stated fact.")
    async def claimed_by(self, info: Info) -> list[Entity]:
        row = await _ctx(info).loaders.claims.load(str(self.id))
        if not row or not row["evidence"] or row["attributed"] < row["evidence"]:
            return []
        return await _entities(info, sorted(row["who"]))


@strawberry.type(description="One provision of an agreement: who must do what, where, for whom.")
class Provision:
    id: strawberry.ID
    type: str
    text: str | None
    qualifiers: JSON = strawberry.field(description="Deadline, size, term ... as read from the sources.")
    agreement_id: strawberry.Private[str]
    obliges_ids: strawberry.Private[list[str]]
    concerns_ids: strawberry.Private[list[str]]
    benefits_ids: strawberry.Private[list[str]]

    @classmethod
    def from_domain(cls, row: Row) -> Provision:
        return cls(id=strawberry.ID(row["id"]), type=row["type"], text=row.get("text"),
                   qualifiers=JSON(row.get("qualifiers") or {}), agreement_id=row["agreement"],
                   obliges_ids=row["obliges"], concerns_ids=row["concerns"], benefits_ids=row["benefits"])

    @strawberry.field
    async def agreement(self, info: Info) -> Entity | None:
        return await _entity(info, self.agreement_id)

    @strawberry.field
    async def obliges(self, info: Info) -> list[Entity]:
        return await _entities(info, self.obliges_ids)

    @strawberry.field
    async def concerns(self, info: Info) -> list[Entity]:
        return await _entities(info, self.concerns_ids)

    @strawberry.field
    async def benefits(self, info: Info) -> list[Entity]:
        return await _entities(info, self.benefits_ids)

    @strawberry.field(description="The highest confidence of its evidence.")
    async def confidence(self, info: Info) -> float | None:
        rows = await _ctx(info).loaders.evidence.load(str(self.id))
        return max((r["confidence"] for r in rows), default=None)

    @strawberry.field
    async def evidence(self, info: Info) -> list[Evidence]:
        return await _evidence(info, str(self.id))


@strawberry.type(description="Who guarantees (or secures) which corridor under which agreement.")
class Guarantee:
    """Built from a row of `GraphReader.provisions_in_full` and the rows of its entities: every field is plain data,
    so hundreds of guarantees cost no resolver call each."""

    provision_type: str
    guarantor: Entity | None  # None: the entity is not visible
    corridor: Entity | None = strawberry.field(
        description="The territory the provision concerns: a corridor, a route or a place.")
    agreement: Entity | None
    provision: Provision
    evidence: list[Evidence]


# -- connections -----------------------------------------------------------------------------------------------------
@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type(description="A page of results (Relay-style): pass pageInfo.endCursor as `after` for the next.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def _cursor(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def _uncursor(cursor: str) -> list[Any]:
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error) as exc:
        raise _api_error(f"after: {cursor[:40]!r} is not a cursor this API gave out") from exc
    if not isinstance(key, list):
        raise _api_error(f"after: {cursor[:40]!r} is not a cursor this API gave out")
    return key


def _offset(after: str) -> int:
    mark = _uncursor(after)
    if len(mark) != 1 or not isinstance(mark[0], int) or mark[0] < 0:
        raise _api_error(f"after: {after[:40]!r} is not a cursor of `relationSlice`")
    return int(mark[0])


@strawberry.type(description="A page of an entity's relations in one direction.")
class RelationSlice:
    relations: list[Relation]
    has_more: bool
    end_cursor: str | None = strawberry.field(description="Pass it as `after` for the next page.")
    side: strawberry.Private[tuple[str, str, str | None]]  # entity id, direction, predicate

    @strawberry.field(description="The entity's edges in that direction (and of that predicate), counted without "
                      "checking their evidence (an upper bound of the relations): a read of its own, ask only when "
                      "it is shown.")
    def total(self, info: Info) -> int:
        return _ctx(info).reader.relation_edges(*self.side)


def _page_size(first: int | None) -> int:
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise _api_error(f"first must be between 0 and {MAX_PAGE}; page through more with `after`")
    return size


def _key_mark(after: str, parts: int, field: str) -> list[str]:
    """The key (`parts` strings) a cursor of the connection `field` holds."""
    mark = _uncursor(after)
    if len(mark) != parts or not all(isinstance(part, str) for part in mark):
        raise _api_error(f"after: {after[:40]!r} is not a cursor of `{field}`")
    return mark


def paginate(items: Iterable[tuple[list[Any], T]], first: int | None, after: str | None) -> Connection[T]:
    """Keyset pagination over items sorted by their key (a list of strings)."""
    size = _page_size(first)
    ordered = sorted(items, key=lambda item: item[0])
    start = 0
    if after:
        mark = _uncursor(after)
        start = next((i for i, (key, _) in enumerate(ordered) if key > mark), len(ordered))
    page = ordered[start : start + size]
    edges = [Edge(node=node, cursor=_cursor(key)) for key, node in page]
    return _connection(edges, total=len(ordered), following=len(ordered) - start, size=size)


def _connection(edges: list[Edge[T]], *, total: int, following: int, size: int) -> Connection[T]:
    """The connection of one page of `size` taken from the `following` items after the cursor, of `total`."""
    return Connection(edges=edges, total_count=total, page_info=PageInfo(
        has_next_page=following > size, has_previous_page=total > following,
        start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))


# -- timeline and path -----------------------------------------------------------------------------------------------
@strawberry.type(description="No entity has this name, id or alias.")
class EntityNotFound:
    message: str
    name: str
    suggestions: list[Entity] = strawberry.field(description="Entities whose names contain the text.")


@strawberry.type(description="One dated fact about the entity.")
class TimelineEntry:
    date: str = strawberry.field(description="ISO date (possibly only year or year-month).")
    date_source: str = strawberry.field(
        description="The qualifier the date comes from (date, valid_from, deadline ...), or `reported`: "
        "the earliest publication date of the documents stating an undated fact."
    )
    summary: str
    relation: Relation | None
    provision: Provision | None


@strawberry.type
class Timeline:
    entity: Entity
    entries: list[TimelineEntry]


@strawberry.type(description="One step of a path: a relation, or a provision both entities take part in.")
class Hop:
    forward: bool = strawberry.field(
        description="For a relation: walked from subject to object. For a provision: walked from the agreement "
        "or an obliged party to another participant."
    )
    relation: Relation | None
    provision: Provision | None
    from_id: strawberry.Private[str]
    to_id: strawberry.Private[str]

    @strawberry.field(name="from", graphql_type=Entity | None)
    def from_(self, info: Info) -> Entity | None | Awaitable[Entity | None]:
        return _entity_soon(info, self.from_id)

    @strawberry.field(graphql_type=Entity | None)
    def to(self, info: Info) -> Entity | None | Awaitable[Entity | None]:
        return _entity_soon(info, self.to_id)

    @strawberry.field(description="The evidence of this step.")
    async def evidence(self, info: Info) -> list[Evidence]:
        fact = self.relation.id if self.relation else self.provision.id if self.provision else ""
        return await _evidence(info, str(fact))


@strawberry.type(description="A shortest connection between two entities, relation by relation.")
class Path:
    length: int
    hops: list[Hop]
    from_entity: strawberry.Private[str]
    to_entity: strawberry.Private[str]

    @strawberry.field(name="from")
    async def from_(self, info: Info) -> Entity | None:
        return await _entity(info, self.from_entity)

    @strawberry.field
    async def to(self, info: Info) -> Entity | None:
        return await _entity(info, self.to_entity)


@strawberry.type(description="The two entities are not connected within maxHops hops.")
class NoPath:
    message: str
    max_hops: int


TimelineResult = Annotated[Timeline | EntityNotFound, strawberry.union("TimelineResult")]
PathResult = Annotated[Path | EntityNotFound | NoPath, strawberry.union("PathResult")]


def _not_found(names: NameIndex, text: str) -> EntityNotFound:
    hits = names.search(text)[:5] if text.strip() else []
    return EntityNotFound(
        message=f"no entity is called {text!r} (by id, name or alias); try `entities(search: ...)`",
        name=text, suggestions=[Entity.from_domain(names.rows[eid]) for eid in hits],
    )


def _unique(rows: Iterable[Row], field: str) -> list[Row]:
    seen: dict[str, Row] = {}
    for row in rows:
        seen.setdefault(row[field], row)
    return list(seen.values())


def _dates(qualifiers: dict[str, Any]) -> list[tuple[str, str]]:
    return [(str(qualifiers[k]), k) for k in DATE_QUALIFIERS if qualifiers.get(k)]


def _in_range(day: str, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start.isoformat()[: len(day)]) and (end is None or day <= end.isoformat())


# -- arguments -------------------------------------------------------------------------------------------------------
def _choice(value: str | None, allowed: Iterable[str], what: str) -> str | None:
    if value is None:
        return None
    options = sorted(allowed)
    by_fold = {o.casefold(): o for o in options}
    found = by_fold.get(value.strip().casefold())
    if found is None:
        raise _api_error(f"unknown {what} {value!r}; one of: {', '.join(options)}")
    return found


def _predicate(value: str | None) -> str | None:
    return _choice(value, PREDICATES, "predicate")


def _ids(names: NameIndex, value: str | None) -> set[str] | None:
    """The entities a filter names (by id, name or alias); None when there is no filter."""
    return None if value is None else set(names.lookup(value))


# -- root ------------------------------------------------------------------------------------------------------------
@strawberry.type
class Query:
    @strawberry.field(description="One entity by id, or by name or any alias (case- and diacritic-insensitive).")
    async def entity(self, info: Info, id: strawberry.ID | None = None, name: str | None = None) -> Entity | None:
        if (id is None) == (name is None):
            raise _api_error("entity needs exactly one of `id` or `name`")
        if id is not None:
            return await _entity(info, str(id))
        hits = _ctx(info).names().lookup(name or "")
        return await _entity(info, hits[0]) if hits else None

    @strawberry.field(description="Entities, optionally those whose names or aliases contain `search`.")
    def entities(self, info: Info, search: str | None = None, label: str | None = None, kind: str | None = None,
                 first: int | None = DEFAULT_PAGE, after: str | None = None) -> Connection[Entity]:
        label = _choice(label, ENTITY_LABELS, "label")
        kind = _choice(kind, ALL_KINDS, "kind")
        size = _page_size(first)
        names = _ctx(info).names()
        if search and fold(search):
            rows = [names.rows[i] for i in names.search(search)]
            rows = [r for r in rows if (label is None or r["label"] == label) and (kind is None or r["kind"] == kind)]
            return paginate((([r["name"].lower(), r["id"]], Entity.from_domain(r)) for r in rows), first, after)
        # no search: the store pages through the entities, and the page is read in full
        mark = _key_mark(after, 2, "entities") if after else None
        total, remaining, keys = _ctx(info).reader.entity_keys_page(label, kind, first=size, after=mark)
        found = {r["id"]: r for r in names.fetch(eid for _, eid in keys)}
        edges = [Edge(node=Entity.from_domain(found[eid]), cursor=_cursor([name, eid]))
                 for name, eid in keys if eid in found]  # (one removed between the two reads is left out)
        return _connection(edges, total=total, following=remaining, size=size)

    @strawberry.field(description="Relations filtered by subject/object (id, name or alias), predicate and date.")
    def relations(self, info: Info, subject: str | None = None, predicate: str | None = None,
                  object: str | None = None, valid_on: date | None = None,
                  first: int | None = DEFAULT_PAGE, after: str | None = None) -> Connection[Relation]:
        wanted = _predicate(predicate)
        _page_size(first)
        ctx = _ctx(info)
        names = ctx.names() if subject is not None or object is not None else None
        subjects = _ids(names, subject) if names else None
        objects = _ids(names, object) if names else None
        if subjects == set() or objects == set():
            return paginate([], first, after)
        args = (sorted(subjects) if subjects is not None else None, wanted,
                sorted(objects) if objects is not None else None)
        if valid_on is not None:  # the dates are among the qualifiers: read them all in full
            rows = [r for r in ctx.reader.relations(*args) if _holds_on(r["qualifiers"], valid_on)]
            for row in rows:
                ctx.loaders.prime_entities(row["ends"])
            return paginate((([r["s"], r["p"], r["o"], r["key"]], Relation.from_domain(r)) for r in rows), first,
                            after)
        # Page through the keys, then read the page in full (with its entities): a hub's hundreds of relations
        # cost a read of their keys only.
        size = _page_size(first)
        mark = _key_mark(after, 4, "relations") if after else None
        total, remaining, keys = ctx.reader.relation_keys_page(*args, first=size, after=mark)
        rows = ctx.reader.relations_with_keys(keys, subjects=subjects is None,
                                              objects=objects is None) if keys else []  # (named: read)
        full = {r["key"]: r for r in rows}
        for row in full.values():
            ctx.loaders.prime_entities(row["ends"])
        edges = [Edge(node=Relation.from_domain(full[k["key"]]), cursor=_cursor([k["s"], k["p"], k["o"], k["key"]]))
                 for k in keys if k["key"] in full]  # (one removed between the two reads is left out)
        return _connection(edges, total=total, following=remaining, size=size)

    @strawberry.field(description="Provisions filtered by type and by agreement, obliged or concerned entity.")
    def provisions(self, info: Info, type: str | None = None, agreement: str | None = None,
                   obliges: str | None = None, concerns: str | None = None) -> list[Provision]:
        wanted = _choice(type, PROVISION_TYPES, "provision type")
        ctx = _ctx(info)
        names = ctx.names() if any(v is not None for v in (agreement, obliges, concerns)) else None
        filters = {
            field: _ids(names, value) if names else None
            for field, value in (("agreement", agreement), ("obliges", obliges), ("concerns", concerns))
        }
        rows = _provisions_for(ctx.reader, [wanted] if wanted else None, filters)
        keep = []
        for row in rows:
            related = {"agreement": {row["agreement"]}, "obliges": set(row["obliges"]),
                       "concerns": set(row["concerns"])}
            if all(ids is None or related[f] & ids for f, ids in filters.items()):
                keep.append(row)
        keep.sort(key=lambda r: (r["agreement"], r["type"], r["id"]))
        return [Provision.from_domain(r) for r in keep]

    @strawberry.field(
        description="Who guarantees which corridor under which agreement (GUARANTEE_PASSAGE and SECURE_CORRIDOR "
        "provisions). `corridor` matches the concerned territory by name or alias, or a place a concerned "
        "corridor connects or is named after (\"Nakhchivan\" finds the route to Nakhchivan)."
    )
    async def guarantees(self, info: Info, corridor: str | None = None, guarantor: str | None = None,
                         agreement: str | None = None) -> list[Guarantee]:
        ctx = _ctx(info)
        names = ctx.names() if any(v is not None for v in (corridor, guarantor, agreement)) else None
        guarantors = _ids(names, guarantor) if names else None
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
                           evidence=provision[row["id"]][1]) for row, g, c in found]

        def order(g: Guarantee) -> tuple[str, ...]:
            return (g.guarantor.name if g.guarantor else "", g.corridor.name if g.corridor else "",
                    str(g.provision.id))

        return sorted(items, key=order)

    @strawberry.field(description="Dated relations and provisions of an entity, oldest first.")
    async def timeline(self, info: Info, entity: str, from_: Annotated[date | None, strawberry.argument(
        name="from")] = None, to: date | None = None) -> TimelineResult:
        ctx = _ctx(info)
        names = ctx.names()
        hits = names.lookup(entity)
        if not hits:
            return _not_found(names, entity)
        eid = hits[0]
        relation_rows, provision_rows = await asyncio.gather(ctx.loaders.relations_of.load((eid, None, "both")),
                                                             ctx.loaders.provisions_of.load(eid))
        relations, provisions = _unique(relation_rows, "key"), _unique(provision_rows, "id")
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
    def path(self, info: Info, from_: Annotated[str, strawberry.argument(name="from")], to: str,
             max_hops: int = 4) -> PathResult:
        if not 1 <= max_hops <= MAX_HOPS:
            raise _api_error(f"maxHops must be between 1 and {MAX_HOPS}")
        ctx = _ctx(info)
        names = ctx.names()
        ends = []
        for text in (from_, to):
            hits = names.lookup(text)
            if not hits:
                return _not_found(names, text)
            ends.append(hits[0])
        hops = _shortest_path(ctx.reader, ends[0], ends[1], max_hops)
        if hops is None:
            return NoPath(message=f"{from_!r} and {to!r} are not connected within {max_hops} hops; "
                          "raise maxHops (at most 6)", max_hops=max_hops)
        return Path(length=len(hops), hops=hops, from_entity=ends[0], to_entity=ends[1])

    @strawberry.field(description="The complete documents, by id.")
    def documents(self, info: Info, first: int | None = DEFAULT_PAGE,
                  after: str | None = None) -> Connection[Document]:
        size = _page_size(first)
        reader = _ctx(info).reader
        mark = _key_mark(after, 1, "documents") if after else None
        total, remaining, ids = reader.document_keys_page(first=size, after=mark)
        found = {r["id"]: r for r in reader.documents(ids)} if ids else {}
        edges = [Edge(node=Document.from_domain(found[i]), cursor=_cursor([i])) for i in ids if i in found]
        return _connection(edges, total=total, following=remaining, size=size)

    @strawberry.field(description="One document with the facts drawn from it.")
    async def document(self, info: Info, id: strawberry.ID) -> Document | None:
        row = await _ctx(info).loaders.document.load(str(id))
        return Document.from_domain(row) if row else None


def _provisions_for(reader: GraphReader, types: Sequence[str] | None,
                    filters: dict[str, set[str] | None], *, full: bool = False) -> list[Row]:
    """Provisions of the types that may pass the filters (role -> allowed ids, None: any), read through the most
    selective one: the store then starts from those entities instead of reading every provision. `full`: with
    their evidence and parties (`GraphReader.provisions_in_full`)."""
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


def _links(reader: GraphReader, ids: Sequence[str]) -> list[tuple[str, str, str, bool]]:
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


def _shortest_path(reader: GraphReader, source: str, target: str, max_hops: int) -> list[Hop] | None:
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


def _hops(reader: GraphReader, links: list[Link]) -> list[Hop] | None:
    """The path's hops with their facts read in full; None if one went away since the search saw it."""
    relation_links = [(a, b, fact) for a, b, fact, is_relation in links if is_relation]
    provision_ids = [fact for _, _, fact, is_relation in links if not is_relation]
    rows = {r["key"]: r for r in reader.relations_between(relation_links)} if relation_links else {}
    rows.update({r["id"]: r for r in reader.provisions_with_ids(provision_ids)} if provision_ids else {})
    if any(fact not in rows for _, _, fact, _ in links):
        return None
    return [_hop(a, b, rows[fact], is_relation) for a, b, fact, is_relation in links]


# -- mutations -------------------------------------------------------------------------------------------------------
@strawberry.input(description="A document as text (plain or HTML); `id` names it like a file name.")
class DocumentInput:
    id: strawberry.ID
    text: str
    published: date | None = strawberry.field(
        default=None, description="Publication date; relative dates in the text resolve against it."
    )


@strawberry.type(description="What happened to one document of an ingest request.")
class IngestReport:
    id: strawberry.ID
    status: str = strawberry.field(description="ingested, unchanged or failed.")
    message: str
    entities: int
    relations: int
    provisions: int


@strawberry.type
class RemoveReport:
    id: strawberry.ID
    removed: bool
    message: str


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Extract and write documents (needs `Authorization: Bearer <KG_API_KEY>`).")
    async def ingest(self, info: Info, documents: list[DocumentInput]) -> list[IngestReport]:
        from conflictkg.api.service import TextDocument

        ctx = _ctx(info)
        ctx.require_write()
        texts = [TextDocument(id=str(d.id), text=d.text, published=d.published) for d in documents]
        reports = await asyncio.to_thread(ctx.service.ingest, texts)
        return [IngestReport(id=strawberry.ID(r.document), status=r.status, message=r.message, entities=r.entities,
                             relations=r.relations, provisions=r.provisions) for r in reports]

    @strawberry.mutation(description="Remove a document and every fact only it supports (needs the API key).")
    async def remove_document(self, info: Info, id: strawberry.ID) -> RemoveReport:
        ctx = _ctx(info)
        ctx.require_write()
        removed = await asyncio.to_thread(ctx.service.remove, str(id))
        message = "removed" if removed else f"no document {str(id)!r} in the store"
        return RemoveReport(id=id, removed=removed, message=message)


# -- the schema ------------------------------------------------------------------------------------------------------
def _should_mask(error: GraphQLError) -> bool:
    """Mask unexpected exceptions only: expected failures (KGError) and validation errors keep their message."""
    original = error.original_error
    return original is not None and not isinstance(original, KGError | GraphQLError)


class KGSchema(strawberry.Schema):
    """Logs unexpected errors only (with their traceback); expected failures are answers, not incidents."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        super().process_errors([e for e in errors if _should_mask(e)], execution_context)


def build_schema(*, production: bool = False) -> strawberry.Schema:
    """The schema with its limits; `production` also switches introspection off."""
    # The limits' validation rules are built once, so that a query text seen before is neither parsed nor
    # validated again (the caches key on the rules too); validating a query costs more than answering many.
    rules = [*QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
             *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules]
    extensions: list[Any] = [  # factories: each request gets fresh extension instances
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(ParserCache, maxsize=CACHED_QUERIES),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=CACHED_QUERIES),
        partial(MaskErrors, should_mask_error=_should_mask),
    ]
    if production:
        extensions.append(DisableIntrospection)
    return KGSchema(query=Query, mutation=Mutation, types=[Actor, Territory, Agreement, Event],
                    extensions=extensions)


schema = build_schema()

if __name__ == "__main__":  # pragma: no cover
    print(schema.as_str())
