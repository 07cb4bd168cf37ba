"""Per-request state: the DataLoaders that batch every entity/evidence hop, and name lookup.

A request gets fresh loaders (so nothing is cached across requests, and a write is
seen by the next request); within it, every hop of one level is one `store.read`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader

from conflictkg.loaders.lexicon import fold
from conflictkg.schema.context import Hops, NameLookup, RelationKey, RelationsKey, RequestContext
from conflictkg.schema.ontology import OPPOSITES

from .errors import AuthError
from .queries import GraphReader

if TYPE_CHECKING:
    from .service import GraphService

Row = dict[str, Any]
ROUTE_KINDS = frozenset({"Corridor", "Road"})


def _by_key(keys: Sequence[str], rows: Iterable[Row], field: str) -> list[Row | None]:
    found = {row[field]: row for row in rows}
    return [found.get(k) for k in keys]


def _grouped(keys: Sequence[str], rows: Iterable[Row], field: str) -> list[list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row[field]].append(row)
    return [groups.get(k, []) for k in keys]


def _loader(fetch: Callable[[Sequence[str]], list[Any]]) -> DataLoader[str, Any]:
    async def load(keys: list[str]) -> list[Any]:
        return fetch(keys)

    return DataLoader(load_fn=load)


async def _relations_of(reader: GraphReader, loaders: Loaders, keys: list[RelationsKey]) -> list[list[Row]]:
    """The relations of each (entity, predicate, direction): one read per distinct (predicate, direction); the
    entities at their other ends come with them."""
    groups: dict[tuple[str | None, str], list[str]] = defaultdict(list)
    for eid, predicate, direction in keys:
        groups[(predicate, direction)].append(eid)
    found: dict[RelationsKey, list[Row]] = defaultdict(list)
    for (predicate, direction), ids in groups.items():
        for row in reader.relations_touching(list(dict.fromkeys(ids)), predicate, direction):
            loaders.prime_entities(row["ends"])
            found[(row["anchor"], predicate, direction)].append(row)
    return [found.get(key, []) for key in keys]


async def _contests(reader: GraphReader, keys: list[RelationKey]) -> list[list[Row]]:
    """For each relation: the relations saying its opposite that are not read from the very same documents (one
    read, and a second for the documents of the relations that have an opposite at all)."""
    rows = reader.opposites([{"key": k, "s": s, "o": o, "opposite": sorted(OPPOSITES.get(p, ()))}
                             for k, s, p, o in keys])
    if not rows:
        return [[] for _ in keys]
    ours = {r["fact"]: set(r["documents"]) for r in reader.fact_documents(sorted({r["fact"] for r in rows}))}
    contested: dict[str, list[Row]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["fact"], r["p"], r["key"])):
        if set(row.pop("documents")) != ours.get(row["fact"], set()):
            contested[row["fact"]].append(row)
    return [contested.get(key[0], []) for key in keys]


class Loaders(Hops):
    """One DataLoader per hop; each batch is one UNWIND query."""

    def __init__(self, reader: GraphReader) -> None:
        self.entity = _loader(lambda ids: _by_key(ids, reader.entities(ids), "id"))
        self.document = _loader(lambda ids: _by_key(ids, reader.documents(ids), "id"))
        self.document_text = _loader(lambda ids: _by_key(ids, reader.document_texts(ids), "id"))
        self.claims = _loader(lambda facts: _by_key(facts, reader.claims(facts), "fact"))
        self.evidence = _loader(lambda facts: _grouped(facts, self._evidence(reader, facts), "fact"))
        self.relations_of = DataLoader(load_fn=partial(_relations_of, reader, self))
        self.contests = DataLoader(load_fn=partial(_contests, reader))
        self.provisions_of = _loader(lambda ids: _grouped(ids, reader.provisions_touching(ids), "anchor"))
        self.documents_of = _loader(lambda ids: _grouped(ids, reader.documents_mentioning(ids), "anchor"))
        self.document_relations = _loader(lambda ids: _grouped(ids, reader.relations_in_documents(ids), "document"))
        self.document_provisions = _loader(
            lambda ids: _grouped(ids, reader.provisions_in_documents(ids), "document")
        )
        self.document_entities = _loader(lambda ids: _grouped(ids, reader.entities_in_documents(ids), "document"))

    def _evidence(self, reader: GraphReader, facts: Sequence[str]) -> list[Row]:
        """Evidence rows; their documents, read in the same query, need no read of their own."""
        rows = reader.evidence(facts)
        self._prime_sources(rows)
        return rows

    def _prime_sources(self, evidence: Iterable[Row]) -> None:
        for row in evidence:
            self.document.prime(row["source"]["id"], row["source"])

    def prime_entities(self, rows: Iterable[Row]) -> None:
        """Entities already read (by the name index) need no second query."""
        for row in rows:
            self.entity.prime(row["id"], row)

    def prime_provisions(self, rows: Iterable[Row]) -> None:
        """What rows of `GraphReader.provisions_in_full` hold (evidence, documents) needs no second query."""
        for row in rows:
            self.evidence.prime(row["id"], row["evidence"])
            self._prime_sources(row["evidence"])


class NameIndex(NameLookup):
    """Entities by name for one request, through the store's name index (the folded names in `Entity.keys`).

    Names are folded like the lexicon folds them, so "Xankəndi", "khankendi" and
    "Stepanakert" all find the node whose aliases hold them. The index only proposes
    candidates; each is checked against the entity as the API shows it (mentioned by
    a complete document; its aliases are the lexicon's and the surface forms of the
    documents that mention it), so a key left by a removed document finds nothing.
    Entities read here are shared with the loaders.
    """

    def __init__(self, reader: GraphReader, loaders: Loaders) -> None:
        self.reader = reader
        self.loaders = loaders
        self.rows: dict[str, Row] = {}  # visible entities read so far in this request
        self._absent: set[str] = set()

    def fetch(self, ids: Iterable[str]) -> list[Row]:
        """The visible entities among `ids`, in that order; one read for those not read yet."""
        wanted = list(dict.fromkeys(ids))
        todo = [i for i in wanted if i not in self.rows and i not in self._absent]
        if todo:
            found = self.reader.entities(todo)
            self._keep(found)
            self._absent.update(set(todo) - {r["id"] for r in found})
        return [self.rows[i] for i in wanted if i in self.rows]

    def _keep(self, rows: Iterable[Row]) -> list[Row]:
        rows = list(rows)
        for row in rows:
            self.rows[row["id"]] = row
        self.loaders.prime_entities(rows)
        return rows

    def lookup(self, text: str) -> list[str]:
        """Ids whose id, name or an alias folds to `text`; the id or canonical name first, then by id."""
        key = fold(text)
        if not key:
            return []
        return self._ranked(key, self._keep(self.reader.entities_with_key(key)))

    @staticmethod
    def _ranked(key: str, rows: Iterable[Row]) -> list[str]:
        ranks: dict[str, int] = {}
        for row in rows:
            names = [fold(row["id"]), fold(row["name"])]
            if key in names:
                ranks[row["id"]] = names.index(key)
            elif any(fold(alias) == key for alias in row["aliases"]):
                ranks[row["id"]] = 2
        return sorted(ranks, key=lambda eid: (ranks[eid], eid))

    def search(self, text: str) -> list[str]:
        """Ids with the folded text inside one of their names or aliases, by id (none for a text that folds to
        nothing, such as punctuation: it would match every entity)."""
        needle = fold(text)
        if not needle:
            return []
        rows = self._keep(self.reader.entities_with_key_containing(needle))
        return sorted(r["id"] for r in rows if any(needle in n for n in _folded_names(r)))

    def places(self, text: str) -> list[str]:
        """`lookup(text)`, then the corridors and roads with the place's name as words of theirs ("transport links
        to Nakhchivan"), from one read."""
        key = fold(text)
        if not key:
            return []
        rows = self._keep(self.reader.entities_for_place(key, sorted(ROUTE_KINDS)))
        return self._ranked(key, rows) + self._named_after(key, rows)

    @staticmethod
    def _named_after(key: str, rows: Iterable[Row]) -> list[str]:
        needle = f" {key} "
        return sorted(r["id"] for r in rows
                      if r["kind"] in ROUTE_KINDS and any(needle in f" {n} " for n in _folded_names(r)))


def _folded_names(row: Row) -> list[str]:
    return [f for f in (fold(n) for n in (row["id"], row["name"], *row["aliases"])) if f]


class Context(RequestContext):
    """What resolvers see as `info.context`; `write_refusal` is why mutations are refused (None: allowed)."""

    def __init__(self, service: GraphService, *, write_refusal: str | None) -> None:
        self.service = service
        self.reader = service.reader
        self.loaders = Loaders(service.reader)
        self.write_refusal = write_refusal
        self._names: NameIndex | None = None

    def names(self) -> NameIndex:
        if self._names is None:
            self._names = NameIndex(self.reader, self.loaders)
        return self._names

    def require_write(self) -> None:
        if self.write_refusal is not None:
            raise AuthError(self.write_refusal)
