"""docs/cypher-cookbook.md: at least ten analyst queries, each with a parameter example, each finding its facts.

Every query runs on the embedded store over the fixture corpus (the samples plus a report
whose control claims contradict them); the contract suite runs the same on Neo4j.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from contract.support import EXPECTED, Recipe, assert_finds, ingest_corpus, recipes
from test_store import extraction

from conflictkg.graph.falkor import FalkorStore
from conflictkg.graph.readonly import check_read_only
from conflictkg.schema.models import Relation

RECIPES = recipes()
TOPICS = ("guarantees which corridor", "controlled a territory on a date", "facts a document supports",
          "only one source", "contradicting claims", "shortest path", "agreements by signatory", "in a period",
          "transferred, with deadlines", "independent sources")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    store = FalkorStore(tmp_path_factory.mktemp("cookbook") / "kg")
    store.ensure_schema()
    ingest_corpus(store)
    yield store
    store.close()


def test_the_cookbook_answers_the_analyst_questions() -> None:
    assert len(RECIPES) >= 10
    titles = " | ".join(r.title.lower() for r in RECIPES)
    assert [t for t in TOPICS if t not in titles] == []
    assert sorted(EXPECTED) == [r.number for r in RECIPES], "every query needs an expected row in EXPECTED"


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: f"q{r.number}")
def test_each_query_is_parametrised_and_read_only(recipe: Recipe) -> None:
    check_read_only(recipe.cypher)
    used = set(re.findall(r"\$(\w+)", recipe.cypher))
    assert used, f"query {recipe.number} takes no parameter"
    assert used == set(recipe.params), f"query {recipe.number}: parameters {used} but example {set(recipe.params)}"


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: f"q{r.number}")
def test_each_query_finds_its_facts_on_the_embedded_store(corpus: FalkorStore, recipe: Recipe) -> None:
    assert_finds(recipe, corpus.read(recipe.cypher, recipe.params))


def test_control_on_a_date_respects_valid_from_and_valid_to(tmp_path: Path) -> None:
    """Query 2 with explicit validity qualifiers (the rule extractor does not produce them yet)."""
    [query] = [r.cypher for r in RECIPES if r.number == 2]
    text = "Armenia controls Shusha. Azerbaijan controls Shusha."
    ex = extraction("shusha.txt", text, [("armenia", "CONTROLS", "shusha", "Armenia controls Shusha."),
                                         ("azerbaijan", "CONTROLS", "shusha", "Azerbaijan controls Shusha.")])
    dated = {"armenia": {"valid_from": "1992-05-08", "valid_to": "2020-11-08"},
             "azerbaijan": {"valid_from": "2020-11-08"}}
    ex.relations = [Relation(**{**r.model_dump(), "qualifiers": dated[r.subject]}) for r in ex.relations]
    store = FalkorStore(tmp_path / "kg")
    try:
        store.write_extraction(ex)

        def controllers(day: str) -> list[str]:
            return [row["controller"] for row in store.read(query, {"territory": "shusha", "date": day})]

        assert controllers("2000-01-01") == ["Armenia"]
        assert controllers("2021-01-01") == ["Azerbaijan"]
        assert controllers("1990-01-01") == []
    finally:
        store.close()
