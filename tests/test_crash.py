"""`kg ingest` killed with SIGKILL in the middle of writing a document: nothing half-written is ever visible,
and ingesting again gives exactly the export of a run that was never interrupted."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest
from conftest import KG, MINI_LEXICON, flat

from conflictkg.graph.falkor import FalkorStore

SAMPLES = Path(str(resources.files("conflictkg") / "samples"))

# every piece of evidence points at a fact that exists and at a complete document; nothing is left mid-write
INTEGRITY = {
    "relation evidence without its relation": (
        "MATCH (ev:Evidence) WHERE ev.kind = 'relation' "
        "OPTIONAL MATCH (s:Entity {id: ev.s})-[r]->(o:Entity {id: ev.o}) WHERE r.key = ev.fact "
        "WITH ev, count(r) AS n WHERE n = 0 RETURN count(ev) AS n"
    ),
    "provision evidence without its provision": (
        "MATCH (ev:Evidence) WHERE ev.kind = 'provision' OPTIONAL MATCH (p:Provision {id: ev.fact}) "
        "WITH ev, count(p) AS n WHERE n = 0 RETURN count(ev) AS n"
    ),
    "evidence outside a complete document": (
        "MATCH (ev:Evidence) OPTIONAL MATCH (ev)-[:IN]->(d:Document {status: 'complete'}) "
        "WITH ev, count(d) AS n WHERE n = 0 RETURN count(ev) AS n"
    ),
    "documents not complete": "MATCH (d:Document) WHERE d.status <> 'complete' RETURN count(d) AS n",
    "entities no document mentions": (
        "MATCH (n:Entity) OPTIONAL MATCH (n)-[m:MENTIONED_IN]->() WITH n, count(m) AS c WHERE c = 0 "
        "RETURN count(n) AS n"
    ),
}


def corpus(folder: Path, copies: int = 6) -> Path:
    """30 documents: each sample under six names."""
    folder.mkdir()
    for sample in sorted(SAMPLES.glob("*.txt")):
        for copy in range(copies):
            shutil.copy(sample, folder / f"{copy}_{sample.name}")
    return folder


def statuses(store: FalkorStore) -> dict[str, str]:
    return {r["id"]: r["status"] for r in store.read("MATCH (d:Document) RETURN d.id AS id, d.status AS status")}


def kill_mid_document(proc: subprocess.Popen[bytes], store: FalkorStore, timeout: float = 120) -> str:
    """Freeze the ingest while a document is half-written, after at least one is committed; SIGKILL it.

    Returns the id of the half-written document. SIGSTOP first, so that the state checked is the state killed.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the ingest ended before it could be killed mid-document"
        seen = statuses(store)
        if "complete" in seen.values() and "writing" in seen.values():
            proc.send_signal(signal.SIGSTOP)
            half = [doc for doc, status in statuses(store).items() if status == "writing"]
            if half:
                proc.kill()
                proc.wait()
                return half[0]
            proc.send_signal(signal.SIGCONT)
        time.sleep(0.002)
    proc.kill()
    raise AssertionError("never caught a document mid-write")


@pytest.mark.slow
def test_sigkill_mid_document_then_reingest_equals_a_clean_run(tmp_path: Path) -> None:
    docs = corpus(tmp_path / "corpus")
    clean = KG(tmp_path / "clean")
    assert clean.ingest(docs).exit_code == 0
    expected = clean.export()

    data = tmp_path / "crashed"
    holder = FalkorStore(data)  # keeps the server up across the kill, and watches the documents' states
    try:
        holder.ensure_schema()
        kg_bin = Path(sys.executable).with_name("kg")
        proc = subprocess.Popen([str(kg_bin), "ingest", str(docs), "--store", str(data), "--lexicon",
                                 str(MINI_LEXICON)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        half = kill_mid_document(proc, holder)

        # what readers see right after the crash: complete documents only, nothing of the half-written one
        visible = list(holder.export_records())
        complete = sorted(doc for doc, status in statuses(holder).items() if status == "complete")
        assert complete and half not in complete
        assert [r["id"] for r in visible if r["type"] == "document"] == complete
        assert all(ev["document"] in complete for r in visible for ev in r.get("evidence", []))
    finally:
        holder.close()

    crashed = KG(data)
    again = crashed.ingest(docs)
    assert again.exit_code == 0, again.output
    done = flat(again.stderr)
    assert f"{30 - len(complete)} ingested, {len(complete)} unchanged, 0 failed" in done
    assert crashed.export() == expected
    store = FalkorStore(data)
    try:
        for what, query in INTEGRITY.items():
            assert store.read(query) == [{"n": 0}], what
        assert store.stats() == clean.stats()
    finally:
        store.close()
