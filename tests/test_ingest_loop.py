"""The ingest loop `kg ingest`, the API and the Ray job share: a document given twice, and what the writer sees."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from conftest import MINI_LEXICON

from conflictkg.graph.falkor import FalkorStore
from conflictkg.loaders.pipeline import YOUNG_OBJECTS_PER_COLLECTION, Pipeline
from conflictkg.schema.models import Extraction

FIRST = "Armenia and Azerbaijan signed a ceasefire in Moscow.\n"
SECOND = "Envoys met in Tbilisi on Monday.\n"


def statuses(store: FalkorStore, *paths: Path) -> list[tuple[str, str]]:
    """(status, document) of each input; a document is reported ingested once its batch is written."""
    report = Pipeline(store, [MINI_LEXICON]).ingest(paths)
    return sorted((d.status, d.document) for d in report.documents)


def test_a_file_given_twice_in_one_batch_is_written_once(store: FalkorStore, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(FIRST, encoding="utf-8")
    batches: list[list[str]] = []
    write = store.write_extractions

    def spy(extractions: list[Extraction]) -> None:
        batches.append([ex.document.id for ex in extractions])
        write(extractions)

    monkeypatch.setattr(store, "write_extractions", spy)
    assert statuses(store, doc, doc) == [("ingested", "a.txt"), ("unchanged", "a.txt")]
    assert batches == [["a.txt"]]
    assert statuses(store, doc) == [("unchanged", "a.txt")]


def test_the_later_of_two_files_with_one_name_wins(store: FalkorStore, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first, second = tmp_path / "one" / "a.txt", tmp_path / "two" / "a.txt"
    first.write_text(FIRST, encoding="utf-8")
    second.write_text(SECOND, encoding="utf-8")
    batches: list[list[str]] = []
    write = store.write_extractions

    def spy(extractions: list[Extraction]) -> None:
        batches.append([ex.document.sha256 for ex in extractions])
        write(extractions)

    monkeypatch.setattr(store, "write_extractions", spy)
    assert statuses(store, first, second) == [("ingested", "a.txt"), ("ingested", "a.txt")]
    assert len(batches) == 2  # one batch writes a document once: the first copy, then the second
    assert store.document_sha("a.txt") == batches[1][0] != batches[0][0]
    # the same content as the store holds, after a copy the store does not hold: compared with the run's write
    assert statuses(store, first, second) == [("ingested", "a.txt"), ("ingested", "a.txt")]
    assert statuses(store, second, second) == [("unchanged", "a.txt"), ("unchanged", "a.txt")]


def test_an_ingest_collects_garbage_less_often_and_gives_back_the_callers_setting(store: FalkorStore,
                                                                                   tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(FIRST, encoding="utf-8")
    before = gc.get_threshold()
    gc.set_threshold(500, 7, 9)
    seen: list[tuple[int, ...]] = []
    try:
        Pipeline(store, [MINI_LEXICON]).ingest([doc], progress=lambda _: seen.append(gc.get_threshold()))
        assert seen == [(YOUNG_OBJECTS_PER_COLLECTION, 7, 9)]
        assert gc.get_threshold() == (500, 7, 9)
    finally:
        gc.set_threshold(*before)
