"""The last stage: hand one document's Extraction to whichever store the caller opened."""

from __future__ import annotations

from collections.abc import Sequence

from conflictkg.graph.store import GraphStore
from conflictkg.schema.models import Extraction


class Writer:
    """Writes through the store interface only, so the pipeline never knows the backend."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def run(self, extractions: Sequence[Extraction]) -> Sequence[Extraction]:
        """Write a batch of documents; each becomes visible only when the whole batch is written."""
        self.store.write_extractions(extractions)
        return extractions
