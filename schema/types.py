"""The GraphQL object types: entities, their provenance, facts, timeline and path results, ingest reports.

Every hop to another entity, to evidence or to a document goes through the request's DataLoaders
(`context_of(info).loaders`), so a level of the answer costs one store round trip however many items it has,
or comes with the read of the level above (evidence brings its documents, relations the entities at their ends)
and then costs none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Sequence
from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from conflictkg.errors import APIError
from conflictkg.schema.ontology import OPPOSITES, PREDICATES

from .context import RequestContext, Row
from .pagination import DEFAULT_PAGE, cursor_of, key_mark, page_size


def asks(selections: Iterable[Any], name: str) -> bool:
    """Whether a field called `name` is selected anywhere below (through fragments too)."""
    return any(getattr(s, "name", None) == name or asks(getattr(s, "selections", None) or [], name)
               for s in selections)


async def evidenced(info: Info, rows: list[Row], key: str) -> list[Row]:
    """The facts that still have evidence, when the query shows evidence: it is read now, for all of them at
    once, and kept for their `evidence` fields. A fact whose document was removed between its own read and
    this one is left out, never shown without evidence (removal is invisible until complete)."""
    if not rows or not asks(info.selected_fields, "evidence"):
        return rows
    found = await context_of(info).loaders.evidence.load_many([r[key] for r in rows])
    return [row for row, evidence in zip(rows, found, strict=True) if evidence]


def context_of(info: Info) -> RequestContext:
    """The request's context, as the resolvers see it."""
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
        key = (str(self.id), predicate_named(predicate), direction.value)
        rows = await context_of(info).loaders.relations_of.load(key)
        return [Relation.from_domain(r) for r in await evidenced(info, unique_rows(rows, "key"), "key")]

    @strawberry.field(description="A page of this entity's relations in one direction (OUT or IN), in the store's "
                      "order: a hub's thousands are read a page at a time (pass `endCursor` as `after`).")
    async def relation_slice(self, info: Info, direction: Direction, predicate: str | None = None,
                             first: int | None = DEFAULT_PAGE, after: str | None = None) -> RelationSlice:
        if direction is Direction.BOTH:
            raise APIError("relationSlice needs direction OUT or IN")
        size = page_size(first)
        skip = _offset(after) if after else 0
        ctx = context_of(info)
        wanted = predicate_named(predicate)
        rows = ctx.reader.relation_slice(str(self.id), direction.value, wanted, skip=skip, limit=size + 1)
        more = len(rows) > size
        page = await evidenced(info, rows[:size], "key")  # (one removed between the two reads is left out)
        for row in page:
            ctx.loaders.prime_entities(row["ends"])
        return RelationSlice(relations=[Relation.from_domain(r) for r in page], has_more=more,
                             end_cursor=cursor_of([str(skip + size)]) if more else None,
                             side=(str(self.id), direction.value, wanted))

    @strawberry.field(description="Provisions of this agreement, or obliging, concerning or benefiting this entity "
                      "(the first `first` of them, by id, when given).")
    async def provisions(self, info: Info, first: int | None = None) -> list[Provision]:
        rows = sorted(unique_rows(await context_of(info).loaders.provisions_of.load(str(self.id)), "id"),
                      key=lambda r: r["id"])
        page = rows if first is None else rows[:max(first, 0)]
        return [Provision.from_domain(r) for r in await evidenced(info, page, "id")]

    @strawberry.field(description="How many provisions `provisions` lists.")
    async def provision_count(self, info: Info) -> int:
        return len(unique_rows(await context_of(info).loaders.provisions_of.load(str(self.id)), "id"))

    @strawberry.field(description="The documents that mention this entity.")
    async def documents(self, info: Info) -> list[Document]:
        return [Document.from_domain(r) for r in await context_of(info).loaders.documents_of.load(str(self.id))]


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


async def load_entity(info: Info, entity_id: str | None) -> Entity | None:
    """The entity, through the level's batch; None when there is none (or it is not visible)."""
    if entity_id is None:
        return None
    row = await context_of(info).loaders.entity.load(entity_id)
    return Entity.from_domain(row) if row else None


def _entity_soon(info: Info, entity_id: str | None) -> Entity | None | Awaitable[Entity | None]:
    """The entity at once when the request has read it already (the read that found a relation brings the rows
    of its ends), else an awaitable the level's batch loads. graphql-core awaits what needs awaiting, so an
    answer of hundreds of relations does not create and schedule a coroutine for each of their ends."""
    cached = context_of(info).loaders.entity.cache_map.get(entity_id) if entity_id is not None else None
    if cached is not None and cached.done() and not cached.cancelled() and cached.exception() is None:
        row = cached.result()
        return Entity.from_domain(row) if row else None
    return load_entity(info, entity_id)


async def _entities(info: Info, ids: Sequence[str]) -> list[Entity]:
    rows = await context_of(info).loaders.entity.load_many(list(ids))
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
        row = await context_of(info).loaders.document_text.load(str(self.id))
        return row["text"] if row else None

    @strawberry.field(description="The relations this document states.")
    async def relations(self, info: Info) -> list[Relation]:
        rows = await context_of(info).loaders.document_relations.load(str(self.id))
        return [Relation.from_domain(r) for r in await evidenced(info, rows, "key")]

    @strawberry.field(description="The provisions this document states.")
    async def provisions(self, info: Info) -> list[Provision]:
        rows = await context_of(info).loaders.document_provisions.load(str(self.id))
        return [Provision.from_domain(r) for r in await evidenced(info, rows, "id")]

    @strawberry.field(description="The entities this document mentions.")
    async def entities(self, info: Info) -> list[Entity]:
        rows = await context_of(info).loaders.document_entities.load(str(self.id))
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
    return [Evidence.from_domain(r) for r in await context_of(info).loaders.evidence.load(fact)]


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
        row = await context_of(info).loaders.claims.load(str(self.id))
        if not row or not row["evidence"] or row["attributed"] < row["evidence"]:
            return []
        return await _entities(info, sorted(row["who"]))

    @strawberry.field(description="The relations between the same subject and object that say the opposite "
                      "(SUPPORTS and OPPOSES; SIGNED, PARTY_TO or PROPOSED and REJECTED) and are not read from the "
                      "very same documents: the sources contest this fact. Empty for other predicates.")
    async def contested_by(self, info: Info) -> list[Relation]:
        if self.predicate not in OPPOSITES:
            return []
        key = (str(self.id), self.subject_id, self.predicate, self.object_id)
        return [Relation.from_domain(r) for r in await context_of(info).loaders.contests.load(key)]


def _offset(after: str) -> int:
    """How many relations a `relationSlice` cursor says the pages before it held."""
    mark = key_mark(after, 1, "relationSlice")[0]
    if not (mark.isascii() and mark.isdigit() and len(mark) <= 12):
        raise APIError(f"after: {after[:40]!r} is not a cursor of `relationSlice`")
    return int(mark)


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
        return context_of(info).reader.relation_edges(*self.side)


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
    through_ids: strawberry.Private[list[str]]

    @classmethod
    def from_domain(cls, row: Row, through: Sequence[str] = ()) -> Provision:
        return cls(id=strawberry.ID(row["id"]), type=row["type"], text=row.get("text"),
                   qualifiers=JSON(row.get("qualifiers") or {}), agreement_id=row["agreement"],
                   obliges_ids=row["obliges"], concerns_ids=row["concerns"], benefits_ids=row["benefits"],
                   through_ids=list(through))

    @strawberry.field(description="When found for an actor through its units: the obliged armed forces or bodies "
                      "that are part or members of it (empty when the provision obliges the actor itself).")
    async def reached_through(self, info: Info) -> list[Entity]:
        return await _entities(info, self.through_ids)

    @strawberry.field
    async def agreement(self, info: Info) -> Entity | None:
        return await load_entity(info, self.agreement_id)

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
        rows = await context_of(info).loaders.evidence.load(str(self.id))
        return max((r["confidence"] for r in rows), default=None)

    @strawberry.field
    async def evidence(self, info: Info) -> list[Evidence]:
        return await _evidence(info, str(self.id))


@strawberry.type(description="Who guarantees (or secures) which corridor under which agreement.")
class Guarantee:
    """Built from a row of `Reads.provisions_in_full` and the rows of its entities: every field is plain data,
    so hundreds of guarantees cost no resolver call each."""

    provision_type: str
    guarantor: Entity | None  # None: the entity is not visible
    corridor: Entity | None = strawberry.field(
        description="The territory the provision concerns: a corridor, a route or a place.")
    agreement: Entity | None
    provision: Provision
    evidence: list[Evidence]
    reached_through: Entity | None = strawberry.field(
        default=None, description="When found for an actor through its units: the unit that guarantees.")


@strawberry.type(description="An agreement with its signatories, parties and provisions in clause order.")
class AgreementSummary:
    agreement: Entity
    kind: str
    date: str | None = strawberry.field(description="The signing date its signatures (or parties) give.")
    signatories: list[Relation] = strawberry.field(description="SIGNED relations, with their evidence.")
    parties: list[Relation] = strawberry.field(description="PARTY_TO relations, with their evidence.")
    provisions: list[Provision] = strawberry.field(
        description="In reading order: by clause (`qualifiers.clause`: 1, 2, ... 10, then a, b, ...; those "
                    "without one last), then where the first quote stands (the earliest-published document first, "
                    "then by offset), then by type.")


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
        return await load_entity(info, self.from_entity)

    @strawberry.field
    async def to(self, info: Info) -> Entity | None:
        return await load_entity(info, self.to_entity)


@strawberry.type(description="The two entities are not connected within maxHops hops.")
class NoPath:
    message: str
    max_hops: int


TimelineResult = Annotated[Timeline | EntityNotFound, strawberry.union("TimelineResult")]
PathResult = Annotated[Path | EntityNotFound | NoPath, strawberry.union("PathResult")]


# -- ingest and remove -----------------------------------------------------------------------------------------------
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


# -- arguments -------------------------------------------------------------------------------------------------------
def one_of(value: str | None, allowed: Iterable[str], what: str) -> str | None:
    """The allowed value `value` names (case-insensitive), None for None; else an error listing them."""
    if value is None:
        return None
    options = sorted(allowed)
    by_fold = {o.casefold(): o for o in options}
    found = by_fold.get(value.strip().casefold())
    if found is None:
        raise APIError(f"unknown {what} {value!r}; one of: {', '.join(options)}")
    return found


def predicate_named(value: str | None) -> str | None:
    """The ontology's predicate a filter names, whatever its case."""
    return one_of(value, PREDICATES, "predicate")


def unique_rows(rows: Iterable[Row], field: str) -> list[Row]:
    """The first row of each value of `field`, in order."""
    seen: dict[str, Row] = {}
    for row in rows:
        seen.setdefault(row[field], row)
    return list(seen.values())
