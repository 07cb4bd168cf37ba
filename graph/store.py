"""The one interface every graph backend implements, and the choice of backend by URI.

Loader stages and the API talk to a `GraphStore`; they never know which engine
is behind it. A path (or nothing) means the embedded FalkorDB in that data
directory; `neo4j://`, `neo4j+s://`, `bolt://` mean a Neo4j server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from conflictkg.errors import StoreError
from conflictkg.schema.models import Extraction

DEFAULT_STORE = "./kg-data"


@runtime_checkable
class GraphStore(Protocol):
    """What the project needs from a graph engine."""

    uri: str

    def ensure_schema(self) -> None:
        """Create indexes/constraints; idempotent, called explicitly (never by a constructor)."""

    def document_sha(self, document_id: str) -> str | None:
        """The content hash of a completely written document, or None."""

    def document_shas(self, document_ids: Sequence[str]) -> dict[str, str]:
        """The content hashes of the completely written documents among `document_ids`, in a few reads."""

    def write_extraction(self, extraction: Extraction) -> None:
        """Write one document's facts, replacing whatever that document contributed before."""

    def write_extractions(self, extractions: Sequence[Extraction]) -> None:
        """Write several documents at once (fewer round trips), each replacing what it contributed before."""

    def remove_document(self, document_id: str) -> bool:
        """Remove a document, its evidence and every fact no other document supports."""

    def recover(self) -> list[str]:
        """Remove documents whose write was interrupted; returns their ids. Writes, removals and recovery hold the
        store's write lock, so a live writer's half-written documents are never taken for such remains."""

    def export_records(self) -> Iterator[dict[str, Any]]:
        """Entities, relations and provisions as the export contract's JSON objects, in a stable order."""

    def stats(self) -> dict[str, int]:
        """Counts of documents, entities, relations, provisions and evidence."""

    def read(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, timeout_ms: int = 10_000,
        max_rows: int | None = None, adhoc: bool = False,
    ) -> list[dict[str, Any]]:
        """Run a query that must not write; refused by the engine if it tries. With `max_rows`, the engine
        stops after that many rows (the LIMIT is pushed into the query). `adhoc`: a user's query, which may run
        until its timeout; where a long read would hold writes (and the readers behind them) back, such reads
        take turns with writes, one at a time (StoreBusy after waiting long for a turn)."""

    def close(self) -> None:
        """Release connections (and stop an embedded server this process started, if no one else uses it)."""


StoreFactory = Callable[..., GraphStore]
_BACKENDS: dict[str, StoreFactory] = {}


def register(scheme: str, factory: StoreFactory) -> None:
    """Make a backend available under a URI scheme ("default" is the embedded store)."""
    _BACKENDS[scheme] = factory


def _builtin(scheme: str) -> StoreFactory | None:
    if scheme == "default":
        from .falkor import FalkorStore

        return FalkorStore
    if scheme in {"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"}:
        from .neo4j import Neo4jStore

        return Neo4jStore
    return None


def open_store(uri: str | Path | None = None, **options: Any) -> GraphStore:
    """Open the store a URI names (the embedded default for a path or None); options go to the backend."""
    text = str(uri) if uri else DEFAULT_STORE
    scheme = text.split("://", 1)[0] if "://" in text else "default"
    factory = _BACKENDS.get(scheme) or _builtin(scheme)
    if factory is None:
        raise StoreError(f"unknown store URI scheme {scheme!r} in {text!r}: use a directory path or neo4j://host:7687")
    return factory(text, **options)
