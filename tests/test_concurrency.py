"""8 client threads query the API while another process ingests: no error, no torn read (benchmarks/soak.py).

KG_SOAK_SECONDS sets the length (10 s here; `python -m benchmarks.soak` runs 30 s and records the figures).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, ModuleType]:
    monkeypatch.syspath_prepend(str(ROOT))  # benchmarks/ is part of the repository, not of the installed package
    from benchmarks import corpus, soak

    return corpus, soak


@pytest.mark.slow
def test_queries_during_an_ingest_see_documents_whole(harness: tuple[ModuleType, ModuleType],
                                                      tmp_path: Path) -> None:
    corpus, soak = harness
    seconds = float(os.environ.get("KG_SOAK_SECONDS", "10"))
    docs = corpus.generate(tmp_path / "corpus", max(40, int(seconds * 10)))
    result = soak.soak(tmp_path / "kg", docs[0].parent, seconds=seconds, threads=8)
    print("\n" + soak.report(result, 8))  # p50/p95/p99 in the test output (-s); never asserted

    assert result.errors == []
    assert result.torn == []
    assert result.documents_after > result.documents_before, "the ingest wrote nothing while the clients ran"
    assert result.seen and result.requests >= 8
