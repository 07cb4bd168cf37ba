"""The explorer on the synthetic graph of 1,000,000 relations: time to open a hub and a leaf entity.

    python -m benchmarks.explore [--store DIR] [--samples 20]

Builds (or reuses) the graph of benchmarks/query.py, serves it with `kg serve`
(KG_PRODUCTION=1: the explorer needs no introspection), and opens
/explore?entity=ID in Debian's chromium (driven by playwright-core from
web/node_modules: `make browser`) for the most connected actor and for an actor
with a handful of relations, then presses "Load more" when the page offers it.
Reports p50/p95 of the page's GraphQL requests by operation, of the time until the
neighbourhood is drawn, and of "Load more". Requests to other hosts are aborted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from conflictkg.api.pages import assets_dir
from conflictkg.graph.falkor import FalkorStore

from .query import percentile, serve
from .synthetic import SyntheticGraph, add_graph_options, build_store

DRIVER = Path(__file__).resolve().parent / "explore_driver.cjs"


def relation_count(store: FalkorStore, entity_id: str) -> int:
    rows = store.read("MATCH (n:Entity {id: $id})-[r]-(:Entity) RETURN count(r) AS n", {"id": entity_id})
    return int(rows[0]["n"]) if rows else 0


def targets(graph: SyntheticGraph, store: FalkorStore) -> list[dict[str, Any]]:
    """The most popular actor (a hub) and the least popular actor with 2 to 10 relations (a leaf)."""
    hub = graph.entity("actor", 0)
    pool = len(graph.universe.pools["actor"])
    leaf = None
    for rank in range(pool - 1, pool - 2000, -1):
        candidate = graph.entity("actor", rank)
        if 2 <= relation_count(store, candidate.id) <= 10:
            leaf = candidate
            break
    if leaf is None:
        raise SystemExit("no actor with 2 to 10 relations among the 2,000 least popular")
    return [{"name": kind, "id": e.id, "relations": relation_count(store, e.id)}
            for kind, e in (("hub", hub), ("leaf", leaf))]


def report(picked: list[dict[str, Any]], timings: dict[str, Any], build: dict[str, Any]) -> str:
    stats = build.get("stats", {})
    lines = [
        f"Graph: {build['relations']:,} relations, {stats.get('entities', 0):,} entities, "
        f"{stats.get('provisions', 0):,} provisions (benchmarks/synthetic.py, seed {build['seed']}). "
        "`kg serve` with KG_PRODUCTION=1; the page opened in headless Chromium, one tab, sequentially; the page "
        "reads 25 relations per direction and page (request `Neighbourhood`), draws them, then asks for at most 40 "
        "provisions and the counts (`NeighbourhoodDetails`); at most 150 entities on screen.",
        "",
        "| entity | relations | what | samples | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|",
    ]
    for target in picked:
        out = timings[target["name"]]
        rows = [(f"GraphQL `{name}`", values) for name, values in sorted(out["requests"].items())]
        rows += [("page opened: relations drawn (from navigation)", out["open"]),
                 ("page complete: provisions and counts drawn too", out["complete"]), ("Load more", out["more"])]
        for what, values in rows:
            if values:
                lines.append(f"| {target['name']} `{target['id']}` | {target['relations']:,} | {what} | "
                             f"{len(values)} | {percentile(values, 50):.0f} | {percentile(values, 95):.0f} |")
    lines.append("")
    for target in picked:
        out = timings[target["name"]]
        lines.append(f"- {target['name']}: the page said \"{out['status']}\""
                     + (f"; after Load more: \"{out['statusAfterMore']}\"" if out.get("statusAfterMore") else ""))
    return "\n".join(lines)


def main() -> None:
    from .common import machine, publish, versions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_graph_options(parser)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()

    browser = shutil.which("chromium")
    modules = assets_dir()
    node = shutil.which("node")
    if browser is None or node is None or not (modules / "playwright-core").is_dir():
        raise SystemExit("needs node, Debian's chromium and web/node_modules: run `make browser`")
    build = build_store(args.store, args.relations, seed=args.seed)
    graph = SyntheticGraph(args.relations, seed=args.seed)  # the same names and popularity ranks as the build
    store = FalkorStore(args.store)
    try:
        picked = targets(graph, store)
    finally:
        store.close()
    server, url = serve(args.store)
    try:
        done = subprocess.run(
            [node, str(DRIVER), url.removesuffix("/graphql"), json.dumps(picked), str(args.samples),
             str(args.warmup), browser],
            capture_output=True, text=True, check=False, env={**os.environ, "NODE_PATH": str(modules)})
    finally:
        server.terminate()
        server.wait(timeout=60)
    if done.returncode != 0:
        raise SystemExit(f"the browser run failed: {done.stderr[-2000:]}")
    timings = json.loads(done.stdout.strip().splitlines()[-1])
    body = (f"Machine: {machine()}; {versions('falkordb', 'strawberry-graphql', 'uvicorn')}, Chromium "
            f"{subprocess.run([browser, '--version'], capture_output=True, text=True).stdout.strip()}.\n\n"
            + report(picked, timings, build))
    publish(f"explore ({args.relations:,} relations)", body, keep=not args.no_record)


if __name__ == "__main__":
    main()
