"""Every cookbook query on every backend, over the fixture corpus: the Cypher subset both engines accept."""

from __future__ import annotations

import pytest

from conflictkg.graph.store import GraphStore

from .support import Recipe, assert_finds, recipes


@pytest.mark.parametrize("recipe", recipes(), ids=lambda r: f"q{r.number}")
def test_cookbook_query_finds_its_facts(corpus_store: GraphStore, recipe: Recipe) -> None:
    assert_finds(recipe, corpus_store.read(recipe.cypher, recipe.params))


def test_the_corpus_export_is_complete(corpus_store: GraphStore) -> None:
    stats = corpus_store.stats()
    assert stats["documents"] == 6 and stats["relations"] > 10 and stats["provisions"] > 5
