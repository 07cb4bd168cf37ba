"""Per-request state: the DataLoaders that batch every entity/evidence hop, and name lookup.

A request gets fresh loaders (so nothing is cached across requests, and a write is
seen by the next request); within it, every hop of one level is one `store.read`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from strawberry.dataloader import DataLoader

from conflictkg.loaders.lexicon import fold

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


class Loaders:
    """One DataLoader per hop; each batch is one UNWIND query."""

    def __init__(self, reader: GraphReader) -> None:
        self.entity = _loader(lambda ids: _by_key(ids, reader.entities(ids), "id"))
        self.document = _loader(lambda ids: _by_key(ids, reader.documents(ids), "id"))
        self.evidence = _loader(lambda facts: _grouped(facts, reader.evidence(facts), "fact"))
        self.relations_of = _loader(lambda ids: _grouped(ids, reader.relations_touching(ids), "anchor"))
        self.provisions_of = _loader(lambda ids: _grouped(ids, reader.provisions_touching(ids), "anchor"))
        self.documents_of = _loader(lambda ids: _grouped(ids, reader.documents_mentioning(ids), "anchor"))
        self.document_relations = _loader(lambda ids: _grouped(ids, reader.relations_in_documents(ids), "document"))
        self.document_provisions = _loader(
            lambda ids: _grouped(ids, reader.provisions_in_documents(ids), "document")
        )
        self.document_entities = _loader(lambda ids: _grouped(ids, reader.entities_in_documents(ids), "document"))

    def prime_entities(self, rows: Iterable[Row]) -> None:
        """Entities already read (by the name index) need no second query."""
        for row in rows:
            self.entity.prime(row["id"], row)


class NameIndex:
    """Folded names, aliases and surface forms -> entity ids, built from one read per request.

    Names are folded like the lexicon folds them, so "Xankəndi", "khankendi" and
    "Stepanakert" all find the node whose aliases hold them.
    """

    def __init__(self, rows: Iterable[Row]) -> None:
        self.rows: dict[str, Row] = {}
        self._exact: dict[str, dict[str, int]] = defaultdict(dict)
        self._folded: dict[str, list[str]] = {}
        for row in rows:
            self.rows[row["id"]] = row
            names = [row["id"], row["name"], *row["aliases"]]
            self._folded[row["id"]] = [f for f in (fold(n) for n in names) if f]
            for rank, name in enumerate(names[:2]):
                self._exact[fold(name)].setdefault(row["id"], rank)
            for alias in row["aliases"]:
                self._exact[fold(alias)].setdefault(row["id"], 2)

    def lookup(self, text: str) -> list[str]:
        """Ids whose id, name or an alias folds to `text`; the id or canonical name first, then by id."""
        hits = self._exact.get(fold(text), {})
        return sorted(hits, key=lambda eid: (hits[eid], eid))

    def search(self, text: str) -> list[str]:
        """Ids with the folded text inside one of their names or aliases."""
        needle = fold(text)
        return [eid for eid, names in self._folded.items() if any(needle in n for n in names)]

    def routes_named_after(self, text: str) -> list[str]:
        """Corridors and roads with the place's name as words of theirs ("transport links to Nakhchivan")."""
        needle = f" {fold(text)} "
        return [
            eid for eid, names in self._folded.items()
            if self.rows[eid]["kind"] in ROUTE_KINDS and any(needle in f" {n} " for n in names)
        ]


class Context:
    """What resolvers see as `info.context`; `write_refusal` is why mutations are refused (None: allowed)."""

    def __init__(self, service: GraphService, *, write_refusal: str | None) -> None:
        self.service = service
        self.reader = service.reader
        self.loaders = Loaders(service.reader)
        self.write_refusal = write_refusal
        self._names: NameIndex | None = None

    def names(self) -> NameIndex:
        if self._names is None:
            rows = self.reader.entity_names()
            self.loaders.prime_entities(rows)
            self._names = NameIndex(rows)
        return self._names

    def require_write(self) -> None:
        if self.write_refusal is not None:
            raise AuthError(self.write_refusal)
