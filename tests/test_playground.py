"""The GraphiQL playground in headless Chromium, on the graph of ../shared/seeds, with no other host reachable:
it opens with the corridor query, runs it and shows the answer. Every script and style of the page is served by
the API itself (`make web` installs them from npm); see browser_pages for what the test needs installed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_pages import artefacts_dir, assert_drawn, drive, graphql, ingest_seeds, serving

from conflictkg.api import Settings
from conflictkg.api.app import EXAMPLE_QUERY
from conflictkg.graph.falkor import FalkorStore


@pytest.fixture(scope="module")
def seeds_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorStore]:
    store = ingest_seeds(tmp_path_factory.mktemp("playground") / "kg")
    yield store
    store.close()


def test_playground_runs_the_corridor_query(seeds_graph: FalkorStore, tmp_path: Path) -> None:
    with serving(seeds_graph, Settings()) as base:
        page = drive("playground", base, artefacts_dir(tmp_path, "playground"))
        expected = graphql(base, EXAMPLE_QUERY)["guarantees"]
    assert 'guarantees(corridor: "Lachin corridor")' in page["editor"]
    assert expected, "the seeds' graph has no guarantee of the Lachin corridor"
    result = page["result"]  # the result pane: the answer as pretty-printed JSON
    assert result.count('"guarantor"') == len(expected)
    for guarantee in expected:
        for field in ("guarantor", "corridor", "agreement"):
            assert f'"name": "{guarantee[field]["name"]}"' in result
        assert f'"provisionType": "{guarantee["provisionType"]}"' in result
        for evidence in guarantee["evidence"]:
            assert f'"id": "{evidence["document"]["id"]}"' in result
    assert "Azerbaijan" in {g["guarantor"]["name"] for g in expected}
    assert_drawn(page["screenshots"]["playground"])
