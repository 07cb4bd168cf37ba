"""What the GraphQL resolvers need from the server that runs them, as protocols: `info.context` is a
`RequestContext`. The API (`conflictkg.api.context`) implements them, so the schema imports nothing from it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from strawberry.dataloader import DataLoader

Row = dict[str, Any]
RelationsKey = tuple[str, str | None, str]  # entity id, predicate (None: any), direction: "out", "in" or "both"
RelationKey = tuple[str, str, str, str]  # a relation's key, subject id, predicate, object id


@dataclass(frozen=True)
class TextDocument:
    """A document sent as text; `id` plays the part of a file name."""

    id: str
    text: str
    published: date | None = None


class Reads(Protocol):
    """The store reads the resolvers make themselves (the others go through the loaders)."""

    def entity_keys_page(self, label: str | None, kind: str | None, *, first: int,
                         after: Sequence[str] | None = None) -> tuple[int, int, list[tuple[str, str]]]: ...

    def relations(self, subjects: Sequence[str] | None, predicate: str | None,
                  objects: Sequence[str] | None) -> list[Row]: ...

    def relation_keys_page(self, subjects: Sequence[str] | None, predicate: str | None,
                           objects: Sequence[str] | None, *, first: int,
                           after: Sequence[str] | None = None) -> tuple[int, int, list[Row]]: ...

    def relations_with_keys(self, keys: Sequence[Row], *, subjects: bool = True, objects: bool = True) -> list[Row]:
        ...

    def relations_between(self, links: Sequence[tuple[str, str, str]]) -> list[Row]: ...

    def relation_slice(self, entity_id: str, direction: str, predicate: str | None, *, skip: int,
                       limit: int) -> list[Row]: ...

    def relation_edges(self, entity_id: str, direction: str, predicate: str | None) -> int: ...

    def neighbours(self, ids: Sequence[str]) -> list[Row]: ...

    def provisions(self, types: Sequence[str] | None = None, *, role: str | None = None,
                   ids: Sequence[str] = ()) -> list[Row]: ...

    def provisions_in_full(self, types: Sequence[str] | None = None, *, role: str | None = None,
                           ids: Sequence[str] = ()) -> list[Row]: ...

    def provisions_with_ids(self, ids: Sequence[str]) -> list[Row]: ...

    def corridors_connecting(self, place_ids: Sequence[str]) -> list[Row]: ...

    def document_keys_page(self, *, first: int, after: Sequence[str] | None = None) -> tuple[int, int, list[str]]:
        ...

    def documents(self, ids: Sequence[str]) -> list[Row]: ...


class Hops(Protocol):
    """One DataLoader per hop, fresh for each request: a level of the answer costs one read."""

    entity: DataLoader[str, Any]
    document: DataLoader[str, Any]
    document_text: DataLoader[str, Any]
    claims: DataLoader[str, Any]
    evidence: DataLoader[str, Any]
    relations_of: DataLoader[RelationsKey, list[Row]]
    contests: DataLoader[RelationKey, list[Row]]
    provisions_of: DataLoader[str, Any]
    documents_of: DataLoader[str, Any]
    document_relations: DataLoader[str, Any]
    document_provisions: DataLoader[str, Any]
    document_entities: DataLoader[str, Any]

    def prime_entities(self, rows: Iterable[Row]) -> None: ...

    def prime_provisions(self, rows: Iterable[Row]) -> None: ...


class NameLookup(Protocol):
    """Entities by name (id, name or alias) for one request; `rows` holds the entities it has read."""

    rows: dict[str, Row]

    def fetch(self, ids: Iterable[str]) -> list[Row]: ...

    def lookup(self, text: str) -> list[str]: ...

    def search(self, text: str) -> list[str]: ...

    def places(self, text: str) -> list[str]: ...


class IngestOutcome(Protocol):
    """What happened to one document of an ingest."""

    document: str
    status: str
    message: str
    entities: int
    relations: int
    provisions: int


class Writes(Protocol):
    """The writes: serialised by the server, run off the event loop by the resolvers."""

    def ingest(self, documents: Sequence[TextDocument]) -> Sequence[IngestOutcome]: ...

    def remove(self, document_id: str) -> bool: ...


class RequestContext(Protocol):
    """`info.context` of a request."""

    reader: Reads
    loaders: Hops
    service: Writes

    def names(self) -> NameLookup: ...

    def require_write(self) -> None:
        """Raise (an expected error, shown to the client) unless the request may write."""
