"""Concurrent analysts: client threads sending GraphQL over HTTP to `kg serve` with 1 and with N worker processes.

    python -m benchmarks.concurrency [--store /tmp/kg-bench-1m] [--relations 1000000] [--clients 8]
                                     [--seconds 20] [--workers 1 2] [--no-record]

The graph and the questions are the query benchmark's (benchmarks/query.py): `guarantees`,
`entity` by alias and the 2-hop `relations` query, over the same targets, taken in turn
by every client. Each client keeps one keep-alive connection and sends its next request
as soon as the last is answered. Prints requests per second, p50/p95/p99 latency and
errors for each worker count, and the throughput of N workers over one.
"""

from __future__ import annotations

import argparse
import threading
import time
from typing import Any

from conflictkg.graph.falkor import FalkorStore

from .query import GraphQLClient, cases, percentile, serve
from .synthetic import SyntheticGraph, add_graph_options, build_store

QUESTIONS = ("guarantees", "entity by alias", "2-hop relations")


def load(url: str, requests: list[tuple[str, dict[str, str]]], clients: int, seconds: float) -> dict[str, Any]:
    """`clients` threads sending `requests` in turn (each from its own offset) for `seconds`."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        http = GraphQLClient(url)
        i = offset
        try:
            while time.monotonic() < stop:
                query, variables = requests[i % len(requests)]
                started = time.perf_counter()
                try:
                    answer = http.post(query, variables)
                    problem = answer["errors"][0]["message"] if answer.get("errors") else None
                except (OSError, ValueError) as exc:  # a broken connection or body is an error of the run
                    problem = f"{type(exc).__name__}: {exc}"
                    http.close()
                    http = GraphQLClient(url)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)
                i += 1
        finally:
            http.close()

    threads = [threading.Thread(target=client, args=(n * 7,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors, "seconds": time.perf_counter() - began}


def main() -> None:
    from .common import machine, publish, versions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_graph_options(parser)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--targets", type=int, default=50, help="targets per question")
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()

    build = build_store(args.store, args.relations, seed=args.seed)
    store = FalkorStore(args.store)
    try:
        chosen = [c for c in cases(SyntheticGraph(args.relations, seed=args.seed), store, args.targets)
                  if c.name in QUESTIONS]
    finally:
        store.close()
    requests = [(c.query, t) for i in range(args.targets) for c in chosen for t in c.targets[i:i + 1]]
    runs = {}
    for workers in args.workers:
        server, url = serve(args.store, workers)
        try:
            for query, variables in requests[:30]:  # warm-up: caches of every worker
                GraphQLClient(url).post(query, variables)
            runs[workers] = load(url, requests, args.clients, args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=60)
        run = runs[workers]
        print(f"workers {workers}: {len(run['latencies']) / run['seconds']:.1f} requests/s", flush=True)

    stats = build["stats"]
    lines = [
        f"Machine: {machine()}; {versions('strawberry-graphql', 'uvicorn', 'falkordb')}.",
        "",
        f"Graph: {stats['relations']:,} relations, {stats['entities']:,} entities (benchmarks/synthetic.py, seed "
        f"{build['seed']}). {args.clients} client threads for {args.seconds:.0f} s each run, one keep-alive "
        f"connection each, sending `guarantees`, `entity` by alias and the 2-hop `relations` query of the query "
        "benchmark in turn.",
        "",
        "| workers | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for workers, run in runs.items():
        lat = run["latencies"]
        lines.append(f"| {workers} | {len(lat)} | {len(lat) / run['seconds']:.1f} | {percentile(lat, 50):.1f} | "
                     f"{percentile(lat, 95):.1f} | {percentile(lat, 99):.1f} | {len(run['errors'])} |")
    if 1 in runs and len(runs) > 1:
        base = len(runs[1]["latencies"]) / runs[1]["seconds"]
        for workers, run in runs.items():
            if workers != 1:
                lines.append(f"\n- throughput with {workers} workers over 1: "
                             f"{len(run['latencies']) / run['seconds'] / base:.2f}x")
    first_error = next((e for run in runs.values() for e in run["errors"]), None)
    if first_error:
        lines.append(f"- first error: {first_error}")
    publish(f"concurrency ({args.relations:,} relations)", "\n".join(lines), keep=not args.no_record)


if __name__ == "__main__":
    main()
