"""A document removed while a query runs: the query shows its facts with their evidence, or not at all."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI_LEXICON
from test_api import AppClient, report, seeded_store

from conflictkg.api import Settings, create_app
from conflictkg.api.queries import GraphReader
from conflictkg.graph.falkor import FalkorStore

# the report is the only source of both CONTROLS relations of Stepanakert
ENTITY = '{ entity(name: "Stepanakert") { relations { predicate evidence { quote } } } }'
ROOT = ('{ relations(object: "Stepanakert") { edges { node { predicate evidence { quote } } } } '
        'stepanakert: entity(name: "Stepanakert") { id } }')
DOCUMENTS = "{ documents(first: 5) { edges { node { id relations { predicate evidence { quote } } } } } }"
TIMELINE = '{ timeline(entity: "Stepanakert") { ... on Timeline { entries { relation { evidence { quote } } } } } }'
PROVISIONS = "{ provisions { type evidence { quote } } }"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[FalkorStore, AppClient]]:
    store = seeded_store(tmp_path / "kg")
    yield store, AppClient(create_app(store, settings=Settings(api_key="sesame"), lexicons=[MINI_LEXICON]))
    store.close()


def shown_relations(data: Any) -> list[dict[str, Any]]:
    """Every relation object anywhere in an answer (a dict with `evidence` and no `quote`)."""
    found = []
    if isinstance(data, dict):
        if "evidence" in data and "quote" not in data:
            found.append(data)
        for value in data.values():
            found += shown_relations(value)
    elif isinstance(data, list):
        for value in data:
            found += shown_relations(value)
    return found


def remove_after(method: str, store: FalkorStore, monkeypatch: pytest.MonkeyPatch, document: str) -> None:
    """Make the reader's `method` remove `document` right after it has read (once): the removal lands between
    the query's read of the facts and its read of their evidence."""
    real: Callable[..., Any] = getattr(GraphReader, method)

    def then_remove(self: GraphReader, *args: Any, **kwargs: Any) -> Any:
        rows = real(self, *args, **kwargs)
        if store.document_sha(document) is not None:
            store.remove_document(document)
        return rows

    monkeypatch.setattr(GraphReader, method, then_remove)


@pytest.mark.parametrize(("method", "query"), [("relations_touching", ENTITY), ("relations_with_keys", ROOT),
                                               ("relations_in_documents", DOCUMENTS),
                                               ("relations_touching", TIMELINE)],
                         ids=["entity", "relations", "documents", "timeline"])
def test_a_removal_between_reads_never_shows_a_relation_without_evidence(
        served: tuple[FalkorStore, AppClient], monkeypatch: pytest.MonkeyPatch, method: str, query: str) -> None:
    """issue 13 item 4: `kg remove` landing between a query's read of relations and its read of their evidence
    leaves those relations out of the answer; every relation shown has its evidence."""
    store, http = served
    remove_after(method, store, monkeypatch, "report.txt")
    answer = http.post("/graphql", json={"query": query}).json()
    assert not answer.get("errors"), answer
    assert store.document_sha("report.txt") is None  # the removal did happen mid-query
    relations = shown_relations(answer["data"])
    assert all(r["evidence"] for r in relations), relations
    assert not any(r.get("predicate") == "CONTROLS" for r in relations)


def test_provisions_removed_between_reads_are_left_out(served: tuple[FalkorStore, AppClient],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 13 item 4: the same for provisions: the statement, their only source, removed after they were read
    and before their evidence was: none is shown without evidence."""
    store, http = served
    remove_after("provisions", store, monkeypatch, "statement.txt")
    answer = http.post("/graphql", json={"query": PROVISIONS}).json()
    assert not answer.get("errors"), answer
    assert store.document_sha("statement.txt") is None
    assert answer["data"]["provisions"] == []


def test_readers_during_repeated_removals_never_see_empty_evidence(served: tuple[FalkorStore, AppClient]) -> None:
    """issue 13 item 4: queries running while a document is removed and written again, over and over, show each
    relation with evidence (or not at all)."""
    store, http = served
    done = threading.Event()

    def churn() -> None:
        while not done.is_set():
            store.remove_document("report.txt")
            store.write_extraction(report())

    worker = threading.Thread(target=churn)
    worker.start()
    try:
        answers = [http.post("/graphql", json={"query": ENTITY}).json() for _ in range(60)]
    finally:
        done.set()
        worker.join(60)
    relations = [r for a in answers for r in shown_relations(a["data"])]
    assert relations and all(r["evidence"] for r in relations)


def test_an_agreements_provisions_removed_between_reads_are_left_out(served: tuple[FalkorStore, AppClient],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The `agreements` summary lists its provisions as `provisions` does: none without evidence."""
    store, http = served
    query = ('{ agreements(name: "trilateral statement", first: 1) { agreement { id } '
             'provisions { type evidence { quote } } } }')
    before = http.post("/graphql", json={"query": query}).json()["data"]["agreements"]
    assert len(before[0]["provisions"]) == 4 and all(p["evidence"] for p in before[0]["provisions"])
    remove_after("provisions", store, monkeypatch, "statement.txt")
    answer = http.post("/graphql", json={"query": query}).json()
    assert not answer.get("errors"), answer
    assert store.document_sha("statement.txt") is None
    assert answer["data"]["agreements"] == [{"agreement": {"id": "trilateral_statement_2020"}, "provisions": []}]
