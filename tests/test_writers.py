"""Several writers on one store: a live writer's documents are never taken for the remains of a crash."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from test_store import doc_a, doc_b

from conflictkg.graph.falkor import FalkorStore
from conflictkg.schema.models import Extraction

# One writer process: like `kg ingest`, it recovers before its run, then writes batch after batch; a second
# recovery between batches stands for another run starting meanwhile.
WRITER = """
    import hashlib, sys
    from conflictkg.graph.falkor import FalkorStore
    from conflictkg.schema.models import DocumentMeta, Entity, Evidence, Extraction, Mention, Relation

    def extraction(doc):
        text = f"Azerbaijan took control of Shusha in {doc}."
        ev = Evidence(document=doc, quote=text, start=0, end=len(text), extractor="test:hand@1", confidence=0.9)
        rel = Relation(subject="azerbaijan", predicate="CONTROLS", object="shusha", evidence=[ev])
        ents = [Entity(id="azerbaijan", label="Actor", kind="State", name="Azerbaijan"),
                Entity(id="shusha", label="Territory", kind="Settlement", name="Shusha")]
        mentions = [Mention(entity_id="azerbaijan", surface="Azerbaijan", start=0, end=10, rule="test"),
                    Mention(entity_id="shusha", surface="Shusha", start=27, end=33, rule="test")]
        meta = DocumentMeta(id=doc, title=doc, sha256=hashlib.sha256(text.encode()).hexdigest())
        return Extraction(document=meta, entities=ents, mentions=mentions, relations=[rel], provisions=[])

    store = FalkorStore(sys.argv[1])
    name, batches, size = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    store.recover()
    for b in range(batches):
        store.write_extractions([extraction(f"{name}-{b}-{i}.txt") for i in range(size)])
        store.recover()
    store.close()
"""


def test_two_concurrent_writers_end_with_every_document_present(tmp_path: Path) -> None:
    """issue 13 item 1: two writers that each recover at start (and between batches) lose none of the other's
    documents: every document of both is there, complete, at the end."""
    data = tmp_path / "kg"
    store = FalkorStore(data)
    store.ensure_schema()
    batches, size = 30, 8
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER), str(data), name, str(batches),
                               str(size)], stderr=subprocess.PIPE, text=True) for name in ("one", "two")]
    for proc in procs:
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
    rows = store.read("MATCH (d:Document) RETURN d.id AS id, d.status AS status")
    expected = {f"{name}-{b}-{i}.txt" for name in ("one", "two") for b in range(batches) for i in range(size)}
    assert {r["id"] for r in rows} == expected
    assert {r["status"] for r in rows} == {"complete"}
    assert store.stats()["evidence"] == len(expected)
    store.close()


def test_recover_waits_for_a_writer_in_the_middle_of_its_batch(store: FalkorStore,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 13 item 1: `recover()` while another writer is half-way through a batch takes nothing of it; the
    batch lands whole."""
    store.write_extraction(doc_b())
    other = FalkorStore(store.uri)
    halfway, resume = threading.Event(), threading.Event()
    real = other._write_provisions

    def paused(batch: list[Extraction]) -> None:
        halfway.set()
        resume.wait(60)
        real(batch)

    monkeypatch.setattr(other, "_write_provisions", paused)
    writer = threading.Thread(target=other.write_extraction, args=(doc_a(),))
    writer.start()
    assert halfway.wait(60)
    recovered: list[str] = []
    recovery = threading.Thread(target=lambda: recovered.extend(store.recover()))
    recovery.start()
    recovery.join(2)  # without the write lock, recovery is over by now and a.txt gone
    resume.set()
    writer.join(60)
    recovery.join(60)
    assert recovered == []
    assert store.document_sha("a.txt") == doc_a().document.sha256
    assert {r["status"] for r in store.read("MATCH (d:Document) RETURN d.status AS status")} == {"complete"}
    other.close()
