"""The last stage: hand one document's Extraction to whichever store the caller opened."""

from __future__ import annotations

from conflictkg.graph.store import GraphStore
from conflictkg.schema.models import Extraction


class Writer:
    """Writes through the store interface only, so the pipeline never knows the backend."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def run(self, extraction: Extraction) -> Extraction:
        self.store.write_extraction(extraction)
        return extraction
