"""Ingest beyond one machine: extraction on a Ray cluster, writes through the store interface.

    python -m conflictkg.loaders.ray_job PATH... [--address ADDR] [--num-cpus N] [--store URI] [--batch-size N]

Extraction is a pure function of a document, so `ray.data` spreads the documents over a pool of
actors, each holding one `DocumentProcessor` (its spaCy model loads once per actor). The actors read
each file with the project's `Reader` (same checks, same one-line failures as `kg ingest`) and return
the Extraction as JSON; this process, the only writer, hands them to the ingest loop of `kg ingest`
(`ingest.py`), which writes them in input order in batches of `--batch-size` documents. A document
whose content hash is already stored is skipped before extraction, a bad file is reported and the
others are still written, so a re-run changes nothing. On a cluster every node must read the same
paths (a shared file system) and the store is Neo4j (`neo4j://...`); see docs/scaling.md.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

try:
    import ray
    import ray.data
except ImportError as exc:  # the extra is optional: say how to get it
    raise ImportError(
        f"conflictkg.loaders.ray_job needs Ray ({exc}): pip install 'conflictkg[scale]'"
    ) from exc

from conflictkg.errors import KGError
from conflictkg.graph.store import GraphStore
from conflictkg.schema.models import Extraction

from .ingest import DocumentReport, IngestLoop, IngestReport
from .lexicon import DEFAULT_LEXICON, Lexicon
from .pipeline import DocumentProcessor
from .read import DEFAULT_MAX_BYTES, Reader, ReadFailure, text_files

EXTRACT_BATCH = 8
"""Documents per actor call at most: nlp.pipe's batch, small enough that every actor gets work."""


class ExtractBatch:
    """The `map_batches` callable: one instance per actor, so the model is built once per actor."""

    def __init__(self, lexicon: Lexicon, published: date | None, max_bytes: int) -> None:
        self.reader = Reader(max_bytes=max_bytes)
        self.processor = DocumentProcessor(lexicon, published=published)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        """Read, skip unchanged, extract; one row per document (a document's Extraction as JSON)."""
        rows: list[dict[str, Any]] = []
        todo = []
        for item, skip in zip(batch["item"], batch["skip"], strict=True):
            for got in self.reader.run([str(item)]):
                if isinstance(got, ReadFailure):
                    rows.append(_row(got.source, "failed", got.reason))
                elif got.sha256 == skip:
                    rows.append(_row(got.id, "unchanged"))
                else:
                    rows.append(_row(got.id, "ingested", sha=got.sha256, words=len(got.text.split())))
                    todo.append((len(rows) - 1, got))
        for i, result in self.processor.indexed([raw for _, raw in todo]) if todo else []:  # no model for a re-run
            row = rows[todo[i][0]]
            if isinstance(result, KGError):
                row.update(status="failed", message=str(result))
            else:
                row["extraction"] = result.model_dump_json()
        return {key: [row[key] for row in rows] for key in _row("", "")}


def _row(document: str, status: str, message: str = "", *, sha: str = "", words: int = 0) -> dict[str, Any]:
    return {"document": document, "status": status, "message": message, "sha": sha, "words": words,
            "extraction": ""}


def work_items(paths: Sequence[str | Path]) -> list[str]:
    """Files to read, folders expanded as `kg ingest` does; a missing path or empty folder stays (its read fails)."""
    items: list[str] = []
    for path in map(str, paths):
        if path == "-":
            raise KGError("the Ray job reads files and folders; '-' (standard input) is for kg ingest")
        files = text_files(Path(path)) if Path(path).is_dir() else []
        items += [str(f) for f in files] or [path]
    return items


def ingest(
    paths: Sequence[str | Path],
    store: GraphStore,
    *,
    lexicons: Sequence[str | Path] = (DEFAULT_LEXICON,),
    published: date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = 16,
    actors: int | None = None,
    progress: Callable[[DocumentReport], None] | None = None,
) -> IngestReport:
    """Ingest `paths` into `store` on the Ray cluster this process is connected to (`ray.init` first)."""
    if not ray.is_initialized():
        raise KGError("Ray is not started: call ray.init() (or use main(), which connects to --address)")
    if batch_size < 1:
        raise KGError(f"the write batch size must be at least 1, not {batch_size}")
    lexicon = Lexicon.merged(list(lexicons))  # a bad lexicon fails here, not in every actor
    items = work_items(paths)
    with IngestLoop(store, progress) as loop:
        names = [Path(item).name for item in items]
        stored = store.document_shas(names)  # one read per 10,000 files, not one per file
        seen: set[str] = set()
        rows = []
        for item, name in zip(items, names, strict=True):  # a name given twice is extracted again; the loop tells
            rows.append({"item": item, "skip": "" if name in seen else stored.get(name, "")})  # if it changed
            seen.add(name)
        if rows:
            _write(loop, _extracted(rows, lexicon, published, max_bytes, actors), batch_size)
    return loop.report


def _extracted(rows: list[dict[str, str]], lexicon: Lexicon, published: date | None, max_bytes: int,
               actors: int | None) -> Iterable[dict[str, Any]]:
    """The rows of `ExtractBatch`, in input order, from a pool of actors."""
    pool = min(actors or max(1, int(ray.cluster_resources().get("CPU", 1))), len(rows))
    per_call = min(EXTRACT_BATCH, math.ceil(len(rows) / pool))
    ray.data.DataContext.get_current().execution_options.preserve_order = True  # write in input order
    extracted = ray.data.from_items(rows).map_batches(
        ExtractBatch, batch_size=per_call, compute=ray.data.ActorPoolStrategy(size=pool), num_cpus=1,
        batch_format="numpy",
        fn_constructor_kwargs={"lexicon": lexicon, "published": published, "max_bytes": max_bytes},
    )
    return extracted.iter_rows()


def _write(loop: IngestLoop, rows: Iterable[dict[str, Any]], batch_size: int) -> None:
    """Hand the actors' rows to the ingest loop, which writes `batch_size` documents at a time."""
    for row in rows:
        document, status = row["document"], row["status"]
        if status == "failed":
            loop.fail(document, row["message"])
        elif status == "unchanged":
            loop.unchanged(document)
        else:
            loop.extracted(document, row["sha"], int(row["words"]), Extraction.model_validate_json(row["extraction"]))
            if loop.queued >= batch_size:
                loop.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; exit code 0, 1 when a document failed or the input is bad, 2 on a usage error."""
    parser = argparse.ArgumentParser(prog="python -m conflictkg.loaders.ray_job", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="files and folders every Ray node can read")
    parser.add_argument("--address", help="the Ray cluster: 'auto' (the one this machine belongs to), "
                        "ray://head:10001, or 'local' (a Ray started for this run); default $RAY_ADDRESS "
                        "(set by ray job submit), else local")
    parser.add_argument("--num-cpus", type=int, help="extraction actors, one CPU and one spaCy model each "
                        "(default: every CPU of the cluster); with a local Ray, also the CPUs it starts with")
    parser.add_argument("--store", "-s", help="neo4j://host:7687 on a cluster, or an embedded store directory "
                        "(default $KG_STORE, else ./kg-data); Neo4j credentials from NEO4J_USER/NEO4J_PASSWORD")
    parser.add_argument("--batch-size", type=int, default=16,
                        help="documents per write transaction (default 16, as kg ingest: the same graph)")
    parser.add_argument("--lexicon", "-l", action="append", help="lexicon name or YAML path; repeat to merge")
    parser.add_argument("--published", type=date.fromisoformat, help="publication date (YYYY-MM-DD) for every "
                        "document, to resolve relative dates against")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="refuse larger files")
    args = parser.parse_args(argv)
    for flag, value in (("--num-cpus", args.num_cpus), ("--batch-size", args.batch_size)):
        if value is not None and value < 1:
            parser.error(f"{flag} must be at least 1, not {value}")

    from conflictkg.config import open_configured_store, ray_address  # what the entry points read from the environment

    started = not ray.is_initialized()  # called from a process already connected to Ray: use that one
    if started:
        address = ray_address(args.address)
        local = {"num_cpus": args.num_cpus, "include_dashboard": False} if address == "local" else {}
        ray.init(address=address, **local)
    store = None
    try:
        store = open_configured_store(args.store)
        store.ensure_schema()

        def show(item: DocumentReport) -> None:
            if item.status == "failed":
                print(f"failed: {item.message}", file=sys.stderr)

        report = ingest(args.paths, store, lexicons=args.lexicon or [DEFAULT_LEXICON], published=args.published,
                        max_bytes=args.max_bytes, batch_size=args.batch_size, actors=args.num_cpus, progress=show)
        stats = store.stats()
    except KGError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        if store is not None:
            store.close()
        if started:
            ray.shutdown()
    print(f"{report.count('ingested')} ingested, {report.count('unchanged')} unchanged, {len(report.failed)} failed "
          f"in {report.seconds:.1f}s ({len(report.documents) / max(report.seconds, 1e-9):.1f} documents/s, writes "
          f"{report.write_seconds:.1f}s). "
          f"Graph: {stats['documents']} documents, {stats['entities']} entities, {stats['relations']} relations, "
          f"{stats['provisions']} provisions.", file=sys.stderr)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
