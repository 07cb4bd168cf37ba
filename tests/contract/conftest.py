"""Backends for the contract suite: every test runs on the embedded store, and on Neo4j when NEO4J_URI answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conflictkg.graph.store import GraphStore

from .support import BACKENDS, ingest_corpus, open_backend


@pytest.fixture(params=BACKENDS)
def backend_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each backend."""
    with open_backend(request.param, tmp_path / "kg") as store:
        yield store


@pytest.fixture(scope="module", params=BACKENDS)
def corpus_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    """The fixture corpus ingested once per module into each backend."""
    with open_backend(request.param, tmp_path_factory.mktemp("corpus") / "kg") as store:
        ingest_corpus(store)
        yield store
