"""A synthetic graph of N relations with evidence, written through the store interface.

    python -m benchmarks.synthetic STORE_DIR [--relations 1000000] [--seed 0]

Entities of the ontology's labels and kinds (states, persons, armed forces and
organisations; countries, regions, settlements, corridors and roads; agreements;
events) get invented, unique, pronounceable names with a diacritic alias each, so
lookup by folded alias works as on real data. Relations follow the predicates'
signatures; subjects and objects are drawn with Zipf-like popularity (rank r has
weight 1/(r+1)), so a few entities are hubs with tens of thousands of edges and
most have a handful. A drawn triple seen before becomes one more piece of evidence
of the same fact, as when several documents state it. About one provision per
hundred relations ties an obliged actor to a territory under an agreement; a third
of them are GUARANTEE_PASSAGE or SECURE_CORRIDOR provisions about a corridor or
road, so `guarantees` has answers. Documents hold 50 statements each and are
written as `Extraction`s with `store.write_extractions`, the path `kg ingest` uses.
The same seed gives the same graph.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from conflictkg.graph.falkor import FalkorStore
from conflictkg.graph.store import GraphStore
from conflictkg.schema.models import DocumentMeta, Entity, Evidence, Extraction, Mention, Provision, Relation

STATEMENTS_PER_DOCUMENT = 50
PROVISION_RATE = 0.01  # provisions per relation statement
GUARANTEE_SHARE = 1 / 3
EXTRACTOR = "synthetic@1"
_SYLLABLES = ("ka", "ra", "san", "vel", "do", "mir", "zan", "tu", "gor", "li", "ba", "shen", "ar", "ko", "len",
              "da", "vi", "nor", "te", "zul", "ha", "mes", "or", "pa", "ril", "go", "tas", "un", "ber", "si")
# (label, kind, share of all entities, name pattern)
_KINDS: tuple[tuple[str, str, float, str], ...] = (
    ("Actor", "State", 0.004, "{}"),
    ("Actor", "ArmedForce", 0.06, "{} border guard"),
    ("Actor", "Organization", 0.10, "{} council"),
    ("Actor", "Person", 0.24, "{} {}"),
    ("Territory", "Country", 0.002, "{} land"),
    ("Territory", "Region", 0.04, "{} region"),
    ("Territory", "District", 0.06, "{} district"),
    ("Territory", "Settlement", 0.25, "{}"),
    ("Territory", "Corridor", 0.015, "{} corridor"),
    ("Territory", "Road", 0.025, "{} road"),
    ("Agreement", "Statement", 0.03, "{} statement"),
    ("Agreement", "Treaty", 0.02, "{} treaty"),
    ("Agreement", "Ceasefire", 0.02, "{} ceasefire"),
    ("Event", "Meeting", 0.05, "{} summit"),
    ("Event", "MilitaryOperation", 0.03, "{} operation"),
    ("Event", "Blockade", 0.01, "{} blockade"),
    ("Event", "Attack", 0.024, "{} attack"),
)
# Entity pools by role; a pool lists kinds, its order is popularity (states and countries first).
_POOLS: dict[str, tuple[str, ...]] = {
    "actor": ("State", "ArmedForce", "Organization", "Person"),
    "force": ("State", "ArmedForce"),
    "organization": ("Organization", "State"),
    "person": ("Person",),
    "territory": ("Country", "Region", "District", "Settlement", "Corridor", "Road"),
    "place": ("Country", "Region", "District", "Settlement"),
    "route": ("Corridor", "Road"),
    "agreement": ("Statement", "Treaty", "Ceasefire"),
    "event": ("Meeting", "MilitaryOperation", "Blockade", "Attack"),
    "agreement_or_event": ("Statement", "Treaty", "Ceasefire", "Meeting", "MilitaryOperation", "Blockade", "Attack"),
}
# predicate: (subject pool, object pool, relative frequency, verb in the quote)
PREDICATE_MIX: dict[str, tuple[str, str, float, str]] = {
    "SIGNED": ("actor", "agreement", 4, "signed"),
    "MEDIATED": ("actor", "agreement_or_event", 2, "mediated"),
    "PARTY_TO": ("actor", "agreement", 3, "is a party to"),
    "PROPOSED": ("actor", "agreement", 1, "proposed"),
    "REJECTED": ("actor", "agreement_or_event", 1, "rejected"),
    "CONTROLS": ("actor", "territory", 8, "controls"),
    "CLAIMS": ("actor", "territory", 3, "claims"),
    "DEPLOYED_TO": ("force", "territory", 5, "deployed troops to"),
    "PART_OF": ("place", "place", 6, "is part of"),
    "LOCATED_IN": ("place", "place", 6, "lies in"),
    "CONNECTS": ("route", "place", 3, "connects to"),
    "LEADS": ("person", "actor", 3, "leads"),
    "MEMBER_OF": ("actor", "organization", 5, "is a member of"),
    "PARTICIPATED_IN": ("actor", "event", 8, "took part in"),
    "OCCURRED_IN": ("event", "place", 5, "took place in"),
    "RESULTED_IN": ("event", "agreement_or_event", 2, "led to"),
    "SUPPORTS": ("actor", "actor", 4, "supports"),
    "OPPOSES": ("actor", "actor", 3, "opposes"),
    "SUPPLIES_ARMS_TO": ("actor", "actor", 2, "supplies arms to"),
    "SUSPENDED": ("actor", "agreement_or_event", 1, "suspended"),
}
PROVISION_MIX: dict[str, tuple[str, str, float, str]] = {  # type: (obliged pool, concerned pool, weight, verb)
    "GUARANTEE_PASSAGE": ("actor", "route", 1, "guarantees passage along"),
    "SECURE_CORRIDOR": ("force", "route", 1, "shall guard"),
    "DEPLOY_FORCES": ("force", "place", 1, "shall deploy forces to"),
    "TRANSFER_TERRITORY": ("actor", "place", 1, "shall hand over"),
    "WITHDRAW_FORCES": ("force", "place", 1, "shall withdraw from"),
    "UNBLOCK_TRANSPORT": ("actor", "route", 0.5, "shall reopen"),
    "BUILD_ROUTE": ("actor", "route", 0.5, "shall build"),
}


def _name(i: int) -> str:
    """A unique pronounceable word for every index (the index in base len(_SYLLABLES), at least three syllables)."""
    parts = []
    for _ in range(3):
        i, digit = divmod(i, len(_SYLLABLES))
        parts.append(_SYLLABLES[digit])
    while i:
        i, digit = divmod(i, len(_SYLLABLES))
        parts.append(_SYLLABLES[digit])
    return "".join(parts).capitalize()


def diacritic_alias(name: str) -> str:
    """The name as another transliteration writes it ("Karasan" -> "Kərasan"): a different folded key."""
    return name.replace("a", "ə", 1) if "a" in name else name + "i"


@dataclass
class Universe:
    """The entities of a synthetic graph and the Zipf samplers of its pools."""

    entities: list[Entity]
    pools: dict[str, np.ndarray]  # pool -> entity indexes, most popular first
    cumulative: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, n_entities: int, rng: np.random.Generator) -> Universe:
        entities: list[Entity] = []
        by_kind: dict[str, list[int]] = {}
        total_share = sum(share for *_, share, _ in _KINDS)
        for label, kind, share, pattern in _KINDS:
            count = max(3, round(n_entities * share / total_share))
            for _ in range(count):
                i = len(entities)
                word = _name(i)
                name = pattern.format(word, _name(i * 7 + 3)) if kind == "Person" else pattern.format(word)
                eid = name.lower().replace(" ", "_")
                entities.append(Entity(id=eid, label=label, kind=kind, name=name,
                                       aliases=[diacritic_alias(name)]))
                by_kind.setdefault(kind, []).append(i)
        pools = {}
        for pool, kinds in _POOLS.items():
            head = [i for k in kinds[:1] for i in by_kind[k]]
            tail = np.array([i for k in kinds[1:] for i in by_kind[k]], dtype=np.int64)
            pools[pool] = np.concatenate([np.array(head, dtype=np.int64), rng.permutation(tail)])
        universe = cls(entities, pools)
        for pool, members in pools.items():
            weights = 1.0 / np.arange(1, len(members) + 1)
            universe.cumulative[pool] = np.cumsum(weights) / weights.sum()
        return universe

    def draw(self, pool: str, rng: np.random.Generator, size: int) -> np.ndarray:
        """`size` entity indexes of the pool, rank r with probability proportional to 1/(r+1)."""
        ranks = np.searchsorted(self.cumulative[pool], rng.random(size), side="right")
        return self.pools[pool][np.minimum(ranks, len(self.pools[pool]) - 1)]


@dataclass
class Statement:
    subject: int
    predicate: str
    object: int


@dataclass
class BuildResult:
    relations: int = 0
    statements: int = 0
    provisions: int = 0
    documents: int = 0
    write_seconds: float = 0.0
    total_seconds: float = 0.0


class SyntheticGraph:
    """Deterministic stream of synthetic documents holding `n_relations` distinct relations in total."""

    def __init__(self, n_relations: int, *, seed: int = 0) -> None:
        if n_relations < 1:
            raise ValueError(f"--relations must be at least 1, not {n_relations}")
        self.n_relations = n_relations
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.universe = Universe.build(max(300, n_relations // 10), self.rng)
        self.predicates = list(PREDICATE_MIX)
        weights = np.array([PREDICATE_MIX[p][2] for p in self.predicates], dtype=float)
        self.predicate_p = weights / weights.sum()
        self.provision_types = list(PROVISION_MIX)
        weights = np.array([PROVISION_MIX[t][2] for t in self.provision_types], dtype=float)
        self.provision_p = weights / weights.sum()
        self.seen: set[tuple[int, int, int]] = set()

    def entity(self, pool: str, rank: int) -> Entity:
        """The entity of popularity rank `rank` in a pool (0: the most popular)."""
        return self.universe.entities[int(self.universe.pools[pool][rank])]

    def _statements(self, chunk: int = 50_000) -> Iterator[Statement]:
        """Drawn triples until `n_relations` distinct ones came out; repeats are further evidence."""
        while len(self.seen) < self.n_relations:
            predicates = self.rng.choice(len(self.predicates), size=chunk, p=self.predicate_p)
            subjects = np.empty(chunk, dtype=np.int64)
            objects = np.empty(chunk, dtype=np.int64)
            for p_index, predicate in enumerate(self.predicates):
                mask = predicates == p_index
                subject_pool, object_pool, *_ = PREDICATE_MIX[predicate]
                subjects[mask] = self.universe.draw(subject_pool, self.rng, int(mask.sum()))
                objects[mask] = self.universe.draw(object_pool, self.rng, int(mask.sum()))
            for p_index, s, o in zip(predicates.tolist(), subjects.tolist(), objects.tolist(), strict=True):
                triple = (s, p_index, o)
                if s == o or (triple not in self.seen and len(self.seen) >= self.n_relations):
                    continue
                self.seen.add(triple)
                yield Statement(s, self.predicates[p_index], o)

    def documents(self) -> Iterator[Extraction]:
        """The documents in order; each has STATEMENTS_PER_DOCUMENT statements (the last may have fewer)."""
        buffer: list[Statement] = []
        number = 0
        for statement in self._statements():
            buffer.append(statement)
            if len(buffer) == STATEMENTS_PER_DOCUMENT:
                yield self._document(number, buffer)
                number += 1
                buffer = []
        if buffer:
            yield self._document(number, buffer)

    def _document(self, number: int, statements: list[Statement]) -> Extraction:
        doc_id = f"synthetic-{self.seed}-{number:07d}.txt"
        entities = self.universe.entities
        used: dict[int, Entity] = {}
        mentions: list[Mention] = []
        position = 0

        def quote_of(parts: list[tuple[int | None, str]]) -> tuple[str, int]:
            """A sentence from entity names and words; records the mentions; returns it and its start."""
            nonlocal position
            start, text = position, ""
            for index, word in parts:
                if text:
                    text += " "
                if index is not None:
                    used[index] = entities[index]
                    mentions.append(Mention(entity_id=entities[index].id, surface=word, start=start + len(text),
                                            end=start + len(text) + len(word), rule="synthetic"))
                text += word
            text += "."
            position += len(text) + 1
            return text, start

        def evidence(text: str, start: int, confidence: float) -> Evidence:
            return Evidence(document=doc_id, quote=text, start=start, end=start + len(text), extractor=EXTRACTOR,
                            confidence=confidence)

        relations = []
        for st in statements:
            s, o = entities[st.subject], entities[st.object]
            text, start = quote_of([(st.subject, s.name), (None, PREDICATE_MIX[st.predicate][3]), (st.object, o.name)])
            qualifiers: dict[str, Any] = {}
            if st.predicate in {"CONTROLS", "DEPLOYED_TO", "MEMBER_OF"}:
                qualifiers["valid_from"] = (date(1991, 1, 1) + timedelta(days=(st.subject * 31 + st.object) % 12000)
                                            ).isoformat()
            relations.append(Relation(subject=s.id, predicate=st.predicate, object=o.id, qualifiers=qualifiers,
                                      evidence=[evidence(text, start, 0.5 + (number % 5) / 10)]))
        provisions = []
        for _ in range(self.rng.poisson(PROVISION_RATE * len(statements))):
            kind = self.provision_types[int(self.rng.choice(len(self.provision_types), p=self.provision_p))]
            obliged_pool, concerned_pool, _, verb = PROVISION_MIX[kind]
            agreement = int(self.universe.draw("agreement", self.rng, 1)[0])
            obliged = int(self.universe.draw(obliged_pool, self.rng, 1)[0])
            concerned = int(self.universe.draw(concerned_pool, self.rng, 1)[0])
            text, start = quote_of([(None, "Under the"), (agreement, entities[agreement].name), (None, ","),
                                    (obliged, entities[obliged].name), (None, verb),
                                    (concerned, entities[concerned].name)])
            provisions.append(Provision(provision_type=kind, agreement=entities[agreement].id,
                                        obliges=[entities[obliged].id], concerns=[entities[concerned].id],
                                        evidence=[evidence(text, start, 0.7)]))
        published = date(2000, 1, 1) + timedelta(days=number % 9000)
        meta = DocumentMeta(id=doc_id, title=f"Synthetic report {number}", publisher="synthetic",
                            published=published, sha256=hashlib.sha256(doc_id.encode()).hexdigest())
        return Extraction(document=meta, entities=list(used.values()), mentions=mentions, relations=relations,
                          provisions=provisions)


def write(store: GraphStore, graph: SyntheticGraph, *, docs_per_batch: int = 100, progress: bool = True) -> BuildResult:
    """Write the synthetic graph into the store in batches of documents; times the writes alone."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    result = BuildResult()
    started = time.perf_counter()
    store.ensure_schema()
    columns = (TextColumn("writing relations"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())
    with Progress(*columns, disable=not progress) as bar:
        task = bar.add_task("write", total=graph.n_relations)
        batch: list[Extraction] = []

        def flush() -> None:
            began = time.perf_counter()
            store.write_extractions(batch)
            result.write_seconds += time.perf_counter() - began
            result.documents += len(batch)
            result.statements += sum(len(ex.relations) for ex in batch)
            result.provisions += sum(len(ex.provisions) for ex in batch)
            bar.update(task, completed=len(graph.seen))
            batch.clear()

        for extraction in graph.documents():
            batch.append(extraction)
            if len(batch) == docs_per_batch:
                flush()
        if batch:
            flush()
    result.relations = len(graph.seen)
    result.total_seconds = time.perf_counter() - started
    return result


def server_memory(store: FalkorStore) -> dict[str, float]:
    """The graph's size by FalkorDB's own account (GRAPH.MEMORY USAGE) and the server process's RSS, in MB."""
    connection = store._db.connection  # noqa: SLF001 - the benchmark asks the server about itself
    usage = connection.execute_command("GRAPH.MEMORY", "USAGE", store.graph_name)
    graph_mb = float(dict(zip(usage[::2], usage[1::2], strict=True))["total_graph_sz_mb"])
    rss_mb = 0.0
    pid = store.server.server_pid()
    if pid is not None:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss_mb = int(line.split()[1]) / 1024
    return {"graph_mb": graph_mb, "rss_mb": rss_mb}


def compact(store: FalkorStore, timeout: float = 3600) -> None:
    """Rewrite the append-only file as a snapshot, so the store reopens by loading it, not by replaying every write."""
    connection = store._db.connection  # noqa: SLF001
    connection.execute_command("BGREWRITEAOF")
    deadline = time.monotonic() + timeout
    while connection.info("persistence").get("aof_rewrite_in_progress") or \
            connection.info("persistence").get("aof_rewrite_scheduled"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the append-only file of {store.uri} was not rewritten within {timeout:.0f} s")
        time.sleep(0.5)


def build_store(path: Path, n_relations: int, *, seed: int = 0, progress: bool = True) -> dict[str, Any]:
    """A store holding the synthetic graph: reused when `path` holds a complete build of the same size and seed.

    Returns the build's record (sizes, write seconds, memory right after the build), kept in `synthetic.json`.
    """
    marker = path / "synthetic.json"
    if marker.exists():
        record = json.loads(marker.read_text())
        if record.get("relations") == n_relations and record.get("seed") == seed:
            return dict(record)
        raise SystemExit(f"{path} holds a synthetic graph of {record.get('relations')} relations (seed "
                         f"{record.get('seed')}), not {n_relations}: give another directory or delete it")
    if path.exists() and any(path.iterdir()):
        raise SystemExit(f"{path} is not empty and holds no complete synthetic build: delete it or give another one")
    store = FalkorStore(path)
    try:
        result = write(store, SyntheticGraph(n_relations, seed=seed), progress=progress)
        memory = server_memory(store)
        compact(store)
        record = {"relations": n_relations, "seed": seed, "statements": result.statements,
                  "provisions": result.provisions, "documents": result.documents,
                  "write_seconds": round(result.write_seconds, 1), "total_seconds": round(result.total_seconds, 1),
                  **memory, "stats": store.stats()}
    finally:
        store.close()
    marker.write_text(json.dumps(record, indent=1))
    return record


def add_graph_options(parser: argparse.ArgumentParser) -> None:
    """--store, --relations and --seed of the benchmarks that run on a synthetic graph built once and reused."""
    parser.add_argument("--store", type=Path, default=Path("/tmp/kg-bench-1m"),
                        help="data directory for the synthetic graph (built when missing, reused when complete)")
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="data directory of the embedded store (use a fresh one)")
    parser.add_argument("--relations", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    record = build_store(args.store, args.relations, seed=args.seed)
    print(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
