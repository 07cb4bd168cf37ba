"""The Ray job (`conflictkg.loaders.ray_job`) in local mode on 2 CPUs: the same graph as `kg ingest`."""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import KG, MINI_LEXICON, flat
from test_cli import PNG

from conflictkg.errors import KGError
from conflictkg.graph.falkor import FalkorStore

ray = pytest.importorskip("ray", reason="the Ray job needs the scale extra: pip install 'conflictkg[scale]'")
from conflictkg.loaders import ray_job  # noqa: E402  (after the skip: the module refuses to import without Ray)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*")  # Ray Data's own deprecated settings


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    """One local Ray for the module (start-up takes seconds), quiet, shut down after."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
             object_store_memory=200 * 1024 * 1024)
    ray.data.DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # per-operator metrics at DEBUG drown a failure's report
    yield
    ray.shutdown()


@pytest.fixture
def folder(seeds_dir: Path, tmp_path: Path) -> Path:
    """The seeds plus one file no reader accepts."""
    target = tmp_path / "docs"
    shutil.copytree(seeds_dir, target)
    (target / "broken.txt").write_bytes(PNG)
    return target


def test_ray_job_writes_the_graph_kg_ingest_writes(
    ray_session: None, folder: Path, seeds_dir: Path, seeded_template: tuple[Path, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seeds = sorted(p.name for p in seeds_dir.iterdir() if p.suffix == ".txt")
    data = tmp_path / "kg"
    store = FalkorStore(data)
    try:
        store.ensure_schema()
        # a file given twice: extracted twice, written once, the second copy found unchanged within the run
        report = ray_job.ingest([folder, folder / seeds[0]], store, lexicons=[MINI_LEXICON], batch_size=3)
    finally:
        store.close()
    assert sorted((d.status, d.document) for d in report.documents) == [
        ("failed", str(folder / "broken.txt")), *[("ingested", name) for name in seeds], ("unchanged", seeds[0]),
    ]
    assert report.failed[0].message.startswith("broken.txt: this looks like a binary file, not text")
    exported = KG(data).export()
    assert exported == seeded_template[1]  # `kg ingest` of the seeds, in conftest

    # again, through the command line: nothing to extract, nothing changes, the bad file still reported
    status = ray_job.main([str(folder), "--store", str(data), "--lexicon", str(MINI_LEXICON), "--batch-size", "2"])
    err = flat(capsys.readouterr().err)
    assert status == 1
    assert "failed: broken.txt: this looks like a binary file" in err
    assert f"0 ingested, {len(seeds)} unchanged, 1 failed" in err
    assert KG(data).export() == exported

    # a changed file is extracted again and replaces what it wrote; the others stay unchanged
    (folder / seeds[0]).write_text("Envoys met in Yerevan on Tuesday to discuss the border.\n", encoding="utf-8")
    store = FalkorStore(data)
    try:
        report = ray_job.ingest([folder], store, lexicons=[MINI_LEXICON])
        assert store.document_sha(seeds[0]) == hashlib.sha256((folder / seeds[0]).read_bytes()).hexdigest()
    finally:
        store.close()
    assert sorted((d.status, d.document) for d in report.documents) == [
        ("failed", str(folder / "broken.txt")), ("ingested", seeds[0]), *[("unchanged", name) for name in seeds[1:]],
    ]
    assert KG(data).export() != exported


def test_bad_arguments_are_refused_by_name(ray_session: None, tmp_path: Path) -> None:
    store = FalkorStore(tmp_path / "kg")
    try:
        with pytest.raises(KGError, match="'-' \\(standard input\\) is for kg ingest"):
            ray_job.ingest(["-"], store)
        with pytest.raises(KGError, match="batch size must be at least 1, not 0"):
            ray_job.ingest([tmp_path], store, batch_size=0)
    finally:
        store.close()
    with pytest.raises(SystemExit) as exit_:
        ray_job.main([str(tmp_path), "--num-cpus", "0"])
    assert exit_.value.code == 2


def test_without_ray_the_import_says_which_extra_to_install() -> None:
    code = "import sys; sys.modules['ray'] = None; import conflictkg.loaders.ray_job"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "pip install 'conflictkg[scale]'" in result.stderr
