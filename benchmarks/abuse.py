"""Abuse: normal GraphQL clients of `kg serve`, first quiet, then beside a hostile mix and two writers.

    python -m benchmarks.abuse [--seconds 60] [--quiet-seconds 20] [--clients 3] [--docs 40] [--no-record]

A store is filled with `--docs` documents of the benchmark corpus (benchmarks/corpus.py) and served by
`kg serve` on 127.0.0.1. `--clients` threads send the README's guarantees query, an entity lookup and a 2-hop
`relations` query in turn (benchmarks/concurrency.py's `load`), first alone for `--quiet-seconds`, then for
`--seconds` beside issue 13's hostile requests: two threads, one sending the cheap refusals in turn (the
four-level fan-out, forged cursors, nested Cypher, backticked procedures, malformed params, 2 MB bodies),
the other the heavy reads one at a time (a capped 4M-row read, a read that runs into the 10 s timeout),
while `kg ingest` writes `--docs` more documents and `kg remove` takes one out. Afterwards every document
the writer ingested must be there with the facts a fresh store gets from the same files. Targets (issue 13):
normal p95 within 3x of the quiet run, 0 errors, 0 lost documents; a hostile request answered 500 is a defect.
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from .concurrency import load
from .query import GraphQLClient, percentile, serve

KEY = "abuse-bench"
RATIO_TARGET = 3.0
GUARANTEES = ('{ guarantees(corridor: "Lachin corridor") { guarantor { name } corridor { name } agreement { name } '
              "provisionType evidence { quote document { id } } } }")
ENTITY = "query($n: String!) { entity(name: $n) { id name kind aliases } }"
TWO_HOP = ("query($s: String!) { relations(subject: $s, first: 20) { totalCount edges { node { predicate "
           "object { name relations { predicate subject { name } } } } } } }")
ALL_DOCUMENTS = ("query($after: String) { documents(first: 100, after: $after) { pageInfo { hasNextPage endCursor } "
                 "edges { node { id relations { id } provisions { id } } } } }")

Expect = Callable[[int, Any], bool]  # (status, decoded body) -> answered as it should be


def _fan_out(alias: str, entity: str) -> str:
    return f'{alias}: entity(id: "{entity}") {{ ' + "relations { subject { " * 4 + "name" + " } }" * 4 + " }"


def _forged(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def _says(status: int, *words: str) -> Expect:
    return lambda code, body: code == status and all(w in json.dumps(body) for w in words)


Mix = dict[str, dict[str, list[tuple[str, bytes]]]]  # group -> kind -> its (path, body) variants


def hostile_mix() -> tuple[Mix, dict[str, Expect]]:
    """Each kind of hostile request: its (path, body) variants, and what a right answer looks like."""
    def gql(query: str, variables: dict[str, Any] | None = None) -> tuple[str, bytes]:
        return "/graphql", json.dumps({"query": query, "variables": variables or {}}).encode()

    def cypher(query: str, params: dict[str, Any] | None = None) -> tuple[str, bytes]:
        return "/cypher", json.dumps({"query": query, "params": params or {}}).encode()

    cursor = "query($a: String) { entities(first: 2, after: $a) { totalCount } }"
    forged = [_forged(t) for t in ("[1]", "[null, null]", "[" * 5000 + "]" * 5000)]
    light = {
        "four-level fan-out, two aliases": [gql(f"{{ {_fan_out('a', 'russia')} {_fan_out('b', 'armenia')} }}")],
        "forged after cursor": [gql(cursor, {"a": f}) for f in forged]
        + [gql(cursor.replace("entities(", 'relations(validOn: "2024-01-01", '), {"a": forged[0]})],
        "nested Cypher brackets": [cypher("RETURN " + "(" * 40 + "1" + ")" * 40),
                                   cypher("RETURN " + "NOT (" * 20 + "true" + ")" * 20)],
        "backticked procedure": [cypher("CALL `dbms`.`procedures`()"),
                                 cypher("CALL `apoc.load.json`('file:///etc/passwd')")],
        "malformed params": [cypher("RETURN $m AS m", {"m": {"x`y": 1}}), cypher("RETURN $m AS m", {"m": {"": 1}}),
                             cypher("RETURN $n AS n", {"n": 2**64}),
                             ("/cypher", b'{"query": "RETURN $p AS p", "params": {"p": ' + b"[" * 5000 + b"]" * 5000
                              + b"}}")],
        "2 MB body": [gql("{ __typename }", {"pad": "x" * 2_000_000}), cypher("RETURN 1", {"pad": "x" * 2_000_000})],
    }
    heavy = {
        "4M-row read (capped)": [cypher("UNWIND range(1, 2000) AS a UNWIND range(1, 2000) AS b RETURN a, b")],
        "slow read (10 s timeout)": [cypher("UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b "
                                            "WITH a, b WHERE a * b < 0 RETURN count(*) AS n")],
    }
    expect: dict[str, Expect] = {
        "four-level fan-out, two aliases": _says(200, "cost limit"),
        "forged after cursor": _says(200, "is not a cursor"),
        "nested Cypher brackets": _says(400, "nest"),
        "backticked procedure": _says(403),
        "malformed params": _says(400, "param"),
        "2 MB body": lambda code, _: code == 413,
        "4M-row read (capped)": lambda code, body: code == 200 and body["truncated"] and len(body["rows"]) == 1000,
        "slow read (10 s timeout)": _says(400, "timed out"),
    }
    return {"light": light, "heavy": heavy}, expect


class Hostile:
    """The hostile threads' tally: per kind, the answers' status codes, how many were right, the slowest."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.mix, self.expect = hostile_mix()
        self.codes: dict[str, Counter[int]] = defaultdict(Counter)
        self.right: Counter[str] = Counter()
        self.slowest: dict[str, float] = defaultdict(float)
        self.wrong: list[str] = []
        self.lock = threading.Lock()

    def run(self, group: str, stop: threading.Event, pause: float) -> None:
        kinds = [(kind, v) for kind, variants in self.mix[group].items() for v in variants]
        with httpx.Client(base_url=self.base, timeout=120,
                          headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}) as http:
            i = 0
            while not stop.is_set():
                kind, (path, body) = kinds[i % len(kinds)]
                i += 1
                started = time.perf_counter()
                try:
                    response = http.post(path, content=body)
                    code, answer = response.status_code, response.json()
                except (httpx.HTTPError, ValueError) as exc:
                    code, answer = 0, f"{type(exc).__name__}: {exc}"
                took = time.perf_counter() - started
                with self.lock:
                    self.codes[kind][code] += 1
                    self.slowest[kind] = max(self.slowest[kind], took)
                    if self.expect[kind](code, answer):
                        self.right[kind] += 1
                    else:
                        self.wrong.append(f"{kind}: {code} {str(answer)[:300]}")
                stop.wait(pause)


def kg(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("kg")), *args]


def writers(store: Path, folder: Path, victim: str, delay: float, outcome: dict[str, Any]) -> None:
    """`kg ingest` of `folder` into the served store, and `kg remove victim` after `delay` seconds beside it."""
    started = time.monotonic()
    ingest = subprocess.Popen(kg("ingest", str(folder), "--store", str(store)), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    time.sleep(delay)
    removal = subprocess.run(kg("remove", victim, "--store", str(store)), capture_output=True, text=True,
                             timeout=600, check=False)
    outcome["remove"] = (removal.returncode, removal.stderr.strip()[-300:])
    _, err = ingest.communicate(timeout=1800)
    outcome["ingest"] = (ingest.returncode, err.decode()[-300:].strip(), time.monotonic() - started)


def documents(url: str) -> dict[str, frozenset[str]]:
    """Every complete document's facts (relation and provision ids), page by page."""
    http, found, after = GraphQLClient(url), {}, None
    try:
        while True:
            page = http.post(ALL_DOCUMENTS, {"after": after} if after else {})["data"]["documents"]
            found.update({e["node"]["id"]: frozenset([f"r:{r['id']}" for r in e["node"]["relations"]]
                                                     + [f"p:{p['id']}" for p in e["node"]["provisions"]])
                          for e in page["edges"]})
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = page["pageInfo"]["endCursor"]
    finally:
        http.close()


def normal_requests(url: str) -> list[tuple[str, dict[str, str]]]:
    """The guarantees query, and entity lookups and 2-hop queries for names the store holds."""
    http = GraphQLClient(url)
    edges = http.post("{ relations(first: 100) { edges { node { subject { name } object { name } } } } }")
    http.close()
    nodes = [e["node"] for e in edges["data"]["relations"]["edges"]]
    subjects = sorted({n["subject"]["name"] for n in nodes})[:10]
    names = sorted({n["object"]["name"] for n in nodes})[:10]
    return [r for s, n in zip(subjects, names, strict=False)
            for r in ((GUARANTEES, {}), (ENTITY, {"n": n}), (TWO_HOP, {"s": s}))]


def run(tmp: Path, args: argparse.Namespace) -> dict[str, Any]:
    from .corpus import generate

    paths = generate(tmp / "initial", 2 * args.docs)
    (tmp / "writer").mkdir()
    for path in paths[args.docs:]:
        path.rename(tmp / "writer" / path.name)
    store = tmp / "kg"
    subprocess.run(kg("ingest", str(tmp / "initial"), "--store", str(store)), check=True, capture_output=True)
    server, url = serve(store, env={"KG_API_KEY": KEY})  # /cypher needs a key
    out: dict[str, Any] = {"victim": paths[0].name, "writer": sorted(p.name for p in paths[args.docs:])}
    try:
        requests = normal_requests(url)
        load(url, requests[:30], 1, 2)  # warm-up
        out["quiet"] = load(url, requests, args.clients, args.quiet_seconds)
        hostile, stop = Hostile(url.removesuffix("/graphql")), threading.Event()
        threads = [threading.Thread(target=hostile.run, args=("light", stop, 0.05)),
                   threading.Thread(target=hostile.run, args=("heavy", stop, 0.5)),
                   threading.Thread(target=writers, args=(store, tmp / "writer", out["victim"],
                                                          min(10.0, args.seconds / 3), out))]
        for thread in threads:
            thread.start()
        out["abuse"] = load(url, requests, args.clients, args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
        out["hostile"], out["final"] = hostile, documents(url)
    finally:
        server.terminate()
        server.wait(timeout=120)
    reference = tmp / "reference"
    subprocess.run(kg("ingest", str(tmp / "writer"), "--store", str(reference)), check=True, capture_output=True)
    server, url = serve(reference)
    try:
        out["reference"] = documents(url)
    finally:
        server.terminate()
        server.wait(timeout=120)
    return out


def report(out: dict[str, Any], args: argparse.Namespace) -> tuple[str, bool]:
    quiet, abuse, hostile = out["quiet"], out["abuse"], out["hostile"]
    p95 = [percentile(run["latencies"], 95) for run in (quiet, abuse)]
    lost = [d for d in out["writer"] if out["final"].get(d) != out["reference"].get(d)]
    errors = len(quiet["errors"]) + len(abuse["errors"])
    server_errors = sum(n for codes in hostile.codes.values() for code, n in codes.items() if code >= 500 or not code)
    lines = [
        f"Store: {args.docs} documents of the benchmark corpus, served by `kg serve` (1 worker) on 127.0.0.1. "
        f"{args.clients} client threads sending the guarantees query, entity lookups and 2-hop `relations` queries "
        f"in turn: {args.quiet_seconds:.0f} s quiet, then {args.seconds:.0f} s beside the hostile mix, `kg ingest` "
        f"of {args.docs} more documents and `kg remove` of one.",
        "",
        "| normal clients | requests | requests/s | p50 ms | p95 ms | max ms | over 1 s | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, run in (("quiet", quiet), ("under abuse", abuse)):
        lat = run["latencies"]
        lines.append(f"| {name} | {len(lat)} | {len(lat) / run['seconds']:.1f} | {percentile(lat, 50):.1f} | "
                     f"{percentile(lat, 95):.1f} | {max(lat):.0f} | {sum(x > 1000 for x in lat)} | "
                     f"{len(run['errors'])} |")
    lines += ["", "| hostile request | sent | answers (status: count) | as expected | slowest s |",
              "|---|---|---|---|---|"]
    for kind in hostile.expect:
        codes = hostile.codes[kind]
        shown = ", ".join(f"{code or 'no answer'}: {n}" for code, n in sorted(codes.items()))
        lines.append(f"| {kind} | {sum(codes.values())} | {shown} | {hostile.right[kind]} | "
                     f"{hostile.slowest[kind]:.2f} |")
    ingest_code, ingest_err, ingest_s = out["ingest"]
    removed = "gone" if out["victim"] not in out["final"] else "STILL THERE"
    lines += ["", f"- writers: `kg ingest` exit {ingest_code} after {ingest_s:.0f} s; `kg remove` exit "
                  f"{out['remove'][0]}; the removed document is {removed}"]
    ratio = p95[1] / p95[0]
    met = {"normal p95 within 3x of quiet": ratio <= RATIO_TARGET, "0 normal errors": errors == 0,
           "0 lost documents": not lost and ingest_code == 0, "no hostile request answered 5xx": server_errors == 0}
    lines += [f"- normal p95 under abuse / quiet: {ratio:.2f}x (target {RATIO_TARGET:.0f}x)",
              f"- lost documents: {len(lost)} of the {len(out['writer'])} written during the run "
              "(missing, or facts other than a fresh store's from the same files)",
              *[f"- target {name}: {'met' if ok else 'NOT met'}" for name, ok in met.items()]]
    problems = [*quiet["errors"][:2], *abuse["errors"][:3], *hostile.wrong[:5], *lost[:5]]
    if ingest_code:
        problems.append(f"kg ingest: {ingest_err}")
    if problems:
        lines.append("- first problems: " + "; ".join(problems))
    return "\n".join(lines), all(met.values())


def main() -> None:
    from .common import machine, publish, versions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the abuse run")
    parser.add_argument("--quiet-seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=3)
    parser.add_argument("--docs", type=int, default=40, help="documents in the store, and written during the run")
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kg-abuse-"))
    try:
        out = run(tmp, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    body, ok = report(out, args)
    publish("abuse", f"Machine: {machine()}; {versions('falkordb', 'strawberry-graphql', 'uvicorn')}.\n\n{body}",
            keep=not args.no_record)
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
