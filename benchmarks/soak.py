"""Concurrency soak: 8 client threads query the GraphQL API while another process ingests documents.

    python -m benchmarks.soak [--seconds 30] [--threads 8] [--no-record]

The API app runs in this process (httpx's ASGI transport, one event loop per client
thread, so requests really run side by side on one store); `kg ingest` writes a
generated corpus (benchmarks/corpus.py) into the same store from a subprocess. The
clock starts when the first document is committed. Every answer must be free of
errors, and every document a `documents` query shows must show all of its facts:
those it has once the run is over (documents are never removed here). Prints p50,
p95 and p99 latency and appends them to RESULTS.md. tests/test_concurrency.py runs
the same soak for 10 s in CI (KG_SOAK_SECONDS).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

QUERIES = {
    "documents": "{ documents(first: 100) { edges { node { id relations { id } provisions { id } } } } }",
    "guarantees": '{ guarantees { guarantor { name } corridor { name } evidence { quote document { id } } } }',
    "entities": "{ entities(first: 20) { totalCount edges { node { id name aliases } } } }",
    "relations": "{ relations(first: 20) { totalCount edges { node { predicate subject { name } "
                 "evidence { quote } } } } }",
    "entity": '{ entity(name: "Lachin corridor") { id name relations { predicate } } }',
}
ALL_DOCUMENTS = ("query($after: String) { documents(first: 100, after: $after) { pageInfo { hasNextPage endCursor } "
                 "edges { node { id relations { id } provisions { id } } } } }")

Facts = frozenset[str]


@dataclass
class SoakResult:
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    seen: dict[str, set[Facts]] = field(default_factory=lambda: defaultdict(set))  # document -> fact sets shown
    torn: list[str] = field(default_factory=list)
    documents_before: int = 0
    documents_after: int = 0

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def percentile(self, q: float, kind: str | None = None) -> float:
        """The q-th percentile latency in ms (nearest rank), of one query kind or of all."""
        values = sorted(self.latencies[kind] if kind else [x for v in self.latencies.values() for x in v])
        return values[max(0, math.ceil(q / 100 * len(values)) - 1)] * 1000 if values else float("nan")


def _facts(node: dict[str, Any]) -> Facts:
    return frozenset([f"r:{r['id']}" for r in node["relations"]] + [f"p:{p['id']}" for p in node["provisions"]])


def _client(app: Any, stop: threading.Event, result: SoakResult, lock: threading.Lock, offset: int) -> None:
    """One client thread: its own event loop and connection, the queries in turn until told to stop."""
    import httpx

    async def run() -> None:
        kinds = list(QUERIES)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://kg.test", timeout=60) as http:
            i = offset
            while not stop.is_set():
                kind = kinds[i % len(kinds)]
                i += 1
                started = time.perf_counter()
                try:
                    response = await http.post("/graphql", json={"query": QUERIES[kind]})
                    answer = response.json()
                except Exception as exc:  # a transport or JSON failure is an error of the run, not of the harness
                    answer, response = {"errors": [{"message": f"{type(exc).__name__}: {exc}"}]}, None
                elapsed = time.perf_counter() - started
                with lock:
                    result.latencies[kind].append(elapsed)
                    if response is not None and response.status_code != 200:
                        result.errors.append(f"{kind}: HTTP {response.status_code}")
                    elif answer.get("errors"):
                        result.errors.append(f"{kind}: {answer['errors'][0]['message']}")
                    elif kind == "documents":
                        for edge in answer["data"]["documents"]["edges"]:
                            result.seen[edge["node"]["id"]].add(_facts(edge["node"]))

    asyncio.run(run())


def final_facts(app: Any) -> dict[str, Facts]:
    """Every complete document's facts, through the same API."""
    import httpx

    async def run() -> dict[str, Facts]:
        found: dict[str, Facts] = {}
        after = None
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kg.test") as http:
            while True:
                answer = (await http.post("/graphql", json={"query": ALL_DOCUMENTS, "variables": {"after": after}}))
                page = answer.json()["data"]["documents"]
                found.update({e["node"]["id"]: _facts(e["node"]) for e in page["edges"]})
                if not page["pageInfo"]["hasNextPage"]:
                    return found
                after = page["pageInfo"]["endCursor"]

    return asyncio.run(run())


def soak(data_dir: Path, corpus: Path, *, seconds: float, threads: int = 8, lexicon: str = "south_caucasus",
         start_timeout: float = 180) -> SoakResult:
    """Ingest `corpus` into `data_dir` from a subprocess while `threads` clients query; the ingest is stopped after."""
    from conflictkg.api import Settings, create_app
    from conflictkg.graph.falkor import FalkorStore

    result = SoakResult(seconds)
    store = FalkorStore(data_dir)
    try:
        store.ensure_schema()
        app = create_app(store, settings=Settings())
        command = [str(Path(sys.executable).with_name("kg")), "ingest", str(corpus), "--store", str(data_dir),
                   "--lexicon", lexicon]
        with tempfile.TemporaryFile() as log:
            ingest = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
            try:
                deadline = time.monotonic() + start_timeout
                while store.stats()["documents"] == 0:  # the clock starts with the first committed document
                    if ingest.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(f"the ingest did not commit a document: {log.read().decode()[-2000:]}")
                    time.sleep(0.05)
                result.documents_before = store.stats()["documents"]
                stop, lock = threading.Event(), threading.Lock()
                clients = [threading.Thread(target=_client, args=(app, stop, result, lock, i)) for i in range(threads)]
                for client in clients:
                    client.start()
                time.sleep(seconds)
                stop.set()
                for client in clients:
                    client.join()
            finally:
                ingest.kill()  # a document it was writing stays invisible (status 'writing') to what is read below
                ingest.wait()
        final = final_facts(app)
    finally:
        store.close()
    result.documents_after = len(final)
    result.torn = sorted(doc for doc, shown in result.seen.items() if shown != {final.get(doc)})
    return result


def report(result: SoakResult, threads: int) -> str:
    lines = [
        f"{threads} client threads for {result.seconds:.0f} s while `kg ingest` wrote documents "
        f"({result.documents_before} -> {result.documents_after} complete documents): {result.requests:,} requests, "
        f"{len(result.errors)} errors, {len(result.torn)} torn reads "
        f"({len(result.seen)} documents checked against their final facts).",
        "",
        "| query | requests | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|",
    ]
    for kind in [*QUERIES, None]:
        count = len(result.latencies[kind]) if kind else result.requests
        lines.append(f"| {kind or '**all**'} | {count:,} | {result.percentile(50, kind):.1f} | "
                     f"{result.percentile(95, kind):.1f} | {result.percentile(99, kind):.1f} |")
    if result.errors:
        lines += ["", "First errors: " + "; ".join(result.errors[:5])]
    return "\n".join(lines)


def main() -> None:
    from .common import machine, publish, versions
    from .corpus import generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-soak-") as tmp:
        corpus = Path(tmp) / "corpus"
        generate(corpus, max(50, int(args.seconds * 10)))  # more than the ingest can write in the time
        result = soak(Path(tmp) / "kg", corpus, seconds=args.seconds, threads=args.threads)
    body = f"Machine: {machine()}; {versions('falkordb', 'strawberry-graphql')}.\n\n" + report(result, args.threads)
    publish("soak", body, keep=not args.no_record)
    if result.errors or result.torn:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
