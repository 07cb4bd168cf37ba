"""`kg ingest --workers N`: extraction in a process pool, one writer, and the same graph as one process."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest
from conftest import KG, MINI_LEXICON, flat
from test_cli import PNG

from conflictkg.graph.embedded import _pid_alive
from conflictkg.graph.falkor import FalkorStore

SAMPLES = Path(str(resources.files("conflictkg") / "samples"))


def corpus(folder: Path) -> Path:
    """The samples and three renamed copies of each (two pool batches of 16), plus one unreadable file."""
    folder.mkdir()
    for sample in sorted(SAMPLES.glob("*.txt")):
        shutil.copy(sample, folder / sample.name)
        for copy in range(3):
            shutil.copy(sample, folder / f"copy{copy}_{sample.name}")
    (folder / "broken.txt").write_bytes(PNG)
    return folder


@pytest.mark.slow
def test_two_workers_write_the_same_graph_as_one(tmp_path: Path) -> None:
    docs = corpus(tmp_path / "corpus")
    exports, summaries = [], []
    for workers in (1, 2):
        kg = KG(tmp_path / f"store-{workers}")
        # the samples folder again at the end: the same ids as documents still being extracted by the pool,
        # which must be written before they are compared, so they come out "unchanged" as with one worker
        result = kg("ingest", str(docs), str(SAMPLES), "--workers", str(workers), "--lexicon", "south_caucasus")
        assert result.exit_code == 1, result.output  # broken.txt
        summaries.append(" ".join(re.findall(r"failed: [\w.]+|\d+ ingested, \d+ unchanged, \d+ failed",
                                             flat(result.stderr))))
        exports.append(kg.export())
    assert summaries[0] == "failed: broken.txt 20 ingested, 5 unchanged, 1 failed"
    assert summaries[1] == summaries[0]
    assert exports[1] == exports[0]
    assert exports[0].count('"type": "document"') == 20


def test_workers_refuse_the_llm_extractor(kg: KG, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_LLM_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("KG_LLM_MODEL", "m")
    result = kg("ingest", str(SAMPLES), "--workers", "2", "--extractor", "llm")
    assert result.exit_code == 1
    assert "--workers 2 runs the rules extractor only" in flat(result.stderr)
    assert not kg.data_dir.exists()


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers through /proc")
def test_workers_stop_when_the_ingest_is_killed(tmp_path: Path) -> None:
    docs = corpus(tmp_path / "corpus")
    data = tmp_path / "kg"
    holder = FalkorStore(data)  # watches for the first committed document; stops the server at the end
    try:
        holder.ensure_schema()
        proc = subprocess.Popen([str(Path(sys.executable).with_name("kg")), "ingest", str(docs), "--store", str(data),
                                 "--workers", "2", "--lexicon", str(MINI_LEXICON)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while holder.stats()["documents"] == 0:  # by then the workers run their batches
            assert proc.poll() is None and time.monotonic() < deadline, "the ingest committed nothing"
            time.sleep(0.05)
        workers = [pid for pid in children(proc.pid)
                   if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) == 2
        proc.kill()  # SIGKILL: no shutdown of the pool, no goodbye to the workers
        proc.wait()
        deadline = time.monotonic() + 10
        while any(_pid_alive(pid) for pid in workers):
            assert time.monotonic() < deadline, "the workers outlived the killed ingest"
            time.sleep(0.1)
    finally:
        holder.close()
