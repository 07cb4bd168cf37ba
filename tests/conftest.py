"""Shared fixtures: real embedded FalkorDB stores in tmp_path, the seed corpus, one spaCy model per lexicon."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conflictkg.cli import app
from conflictkg.graph.falkor import FalkorStore
from conflictkg.loaders.lexicon import DEFAULT_LEXICON, Lexicon
from conflictkg.loaders.pipeline import DocumentProcessor
from conflictkg.loaders.read import RawDocument
from conflictkg.schema.models import Extraction

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
MINI_LEXICON = DATA / "mini_lexicon.yaml"


@pytest.fixture(scope="session", autouse=True)
def _one_nlp_per_lexicon() -> Iterator[None]:
    """Load the spaCy model once per lexicon for the whole session, for every in-process pipeline run.

    `build_nlp` is still the real function (the same model, the same EntityRuler); it is only not
    called again for a lexicon it has already been built for.
    """
    from conflictkg.loaders import pipeline

    real = pipeline.build_nlp
    cache: dict[str, Any] = {}

    def cached(lexicon: Any) -> Any:
        key = hashlib.sha256(lexicon.model_dump_json().encode()).hexdigest()
        if key not in cache:
            cache[key] = real(lexicon)
        return cache[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "build_nlp", cached)
        yield


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.fail(f"the seed corpus is missing at {path}; the suite needs ../shared next to the project")
    return path


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return SHARED / "gold"


@pytest.fixture(scope="session")
def mini_lexicon() -> Path:
    return MINI_LEXICON


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FalkorStore]:
    """An embedded store in its own data directory, closed (server stopped) after the test."""
    handle = FalkorStore(tmp_path / "kg")
    handle.ensure_schema()
    yield handle
    handle.close()


# -- running the CLI in-process --------------------------------------------------------------------------------------
class KG:
    """`kg` through typer's CliRunner against one data directory, with the test lexicon by default."""

    def __init__(self, data_dir: Path, lexicon: Path = MINI_LEXICON) -> None:
        self.data_dir = data_dir
        self.lexicon = lexicon
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Any:
        command, rest = args[0], list(args[1:])
        extra = ["--store", str(self.data_dir)]
        if command in {"ingest", "demo"} and "--lexicon" not in rest:
            extra += ["--lexicon", str(self.lexicon)]
        return self.runner.invoke(app, [command, *rest, *extra], catch_exceptions=False)

    def ingest(self, *paths: str | Path, **options: str) -> Any:
        flags = [x for k, v in options.items() for x in (f"--{k.replace('_', '-')}", v)]
        return self("ingest", *map(str, paths), *flags)

    def export(self) -> str:
        result = self("export", "--format", "jsonl")
        assert result.exit_code == 0, result.output
        return result.stdout

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.export().splitlines()]

    def stats(self) -> dict[str, int]:
        """The counts, read straight from the store (not the CLI table)."""
        handle = FalkorStore(self.data_dir)
        try:
            return handle.stats()
        finally:
            handle.close()


def flat(text: str) -> str:
    """CLI output with rich's line wrapping undone, for substring assertions."""
    return " ".join(text.split())


def table_rows(text: str) -> list[list[str]]:
    """The body rows of a rich table printed by the CLI, as lists of cell texts."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line[:1] in {"│", "|"} and line[-1:] in {"│", "|"}:
            rows.append([cell.strip() for cell in line.replace("|", "│").strip("│").split("│")])
    return rows


@pytest.fixture
def kg(tmp_path: Path) -> KG:
    return KG(tmp_path / "kg")


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> tuple[Path, str]:
    """The seeds ingested once per module (with the test lexicon); tests get a copy of the data directory."""
    data = tmp_path_factory.mktemp("seeded") / "kg"
    runner = KG(data)
    result = runner.ingest(seeds_dir)
    assert result.exit_code == 0, result.output
    return data, runner.export()


@pytest.fixture
def seeded(seeded_template: tuple[Path, str], tmp_path: Path) -> tuple[KG, str]:
    """A private copy of the seeded store (the server is stopped between commands, so the files are at rest)."""
    source, exported = seeded_template
    target = tmp_path / "kg"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.sock", "*.pid", "clients", ".lock"))
    return KG(target), exported


@pytest.fixture(scope="session")
def rules_processor() -> DocumentProcessor:
    """One rules pipeline (spaCy model and default lexicon) for every rule test module."""
    return DocumentProcessor(Lexicon.merged([DEFAULT_LEXICON]))


def triples(ex: Extraction) -> set[tuple[str, str, str]]:
    """An extraction's relations as (subject, PREDICATE, object)."""
    return {(r.subject, r.predicate, r.object) for r in ex.relations}


def extractor(processor: DocumentProcessor, published: date | None,
              doc_id: str = "t.txt") -> Callable[..., Extraction]:
    """`run(text, published=...)`: the whole extraction of one in-memory document, as the pipeline does it."""
    default_published = published

    def run(text: str, published: date | None = default_published) -> Extraction:
        raw = RawDocument(id=doc_id, text=text, source=doc_id, media_type="text", encoding="utf-8", sha256="0")
        norm, meta = processor.prepare(raw)
        meta = meta.model_copy(update={"published": published})
        return processor.extract(raw, norm, meta, processor.nlp(norm.text))

    return run
