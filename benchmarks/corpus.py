"""A benchmark corpus grown from the bundled samples: the same prose with other names and other dates.

    python -m benchmarks.corpus OUT_DIR [--docs 2000] [--seed 0]

Document i is sample i mod 5 with every name of an actor or a territory swapped for
another lexicon entity of the same label and kind (one random mapping per document)
and every full date shifted by the same random number of days, so the text keeps its
grammar and its size while the extractor sees different entities and dates. The
same seed gives the same files.
"""

from __future__ import annotations

import argparse
import random
import re
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from conflictkg.loaders.lexicon import DEFAULT_LEXICON, Lexicon

SWAPPED_LABELS = ("Actor", "Territory")  # agreement and event names carry dates and wording of their own
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_DATE = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})\b|\b(\d{{4}})-(\d{{2}})-(\d{{2}})\b")


def samples() -> list[tuple[str, str]]:
    """(file stem, text) of the bundled sample documents, in name order."""
    folder = resources.files("conflictkg") / "samples"
    found = sorted((p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir() if p.name.endswith(".txt"))
    return [(name.removesuffix(".txt"), text) for name, text in found]


class Variator:
    """Rewrites a text with names swapped within their kind and full dates shifted."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.groups: dict[tuple[str, str], list[str]] = {}
        self.canonical: dict[str, str] = {}
        owner: dict[str, str] = {}
        for ent in lexicon.entities:
            if ent.label not in SWAPPED_LABELS:
                continue
            self.groups.setdefault((ent.label, ent.kind), []).append(ent.id)
            self.canonical[ent.id] = ent.name
            for form in ent.names:
                if len(form) > 3:  # short forms ("US", "EU") are left alone: too easy to hit inside other words
                    owner[form] = ent.id if owner.get(form, ent.id) == ent.id else ""
        self.owner = {form: eid for form, eid in owner.items() if eid}  # a form two entities claim stays as it is
        forms = sorted(self.owner, key=len, reverse=True)
        self.names = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, forms)) + r")(?!\w)")

    def vary(self, text: str, rng: random.Random) -> str:
        mapping: dict[str, str] = {}
        for ids in self.groups.values():
            shuffled = ids[:]
            rng.shuffle(shuffled)
            mapping.update(zip(ids, shuffled, strict=True))
        shift = timedelta(days=rng.randint(-700, 700))

        def swap(match: re.Match[str]) -> str:
            eid = self.owner[match.group(0)]
            return match.group(0) if mapping[eid] == eid else self.canonical[mapping[eid]]

        def move(match: re.Match[str]) -> str:
            if match.group(1):
                day = date(int(match.group(3)), MONTHS.index(match.group(2)) + 1, int(match.group(1))) + shift
                return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
            return (date(int(match.group(4)), int(match.group(5)), int(match.group(6))) + shift).isoformat()

        return _DATE.sub(move, self.names.sub(swap, text))


def generate(out: Path, docs: int, *, seed: int = 0) -> list[Path]:
    """Write `docs` varied documents into `out`; returns their paths in order."""
    out.mkdir(parents=True, exist_ok=True)
    variator = Variator(Lexicon.merged([DEFAULT_LEXICON]))
    base = samples()
    paths = []
    for i in range(docs):
        stem, text = base[i % len(base)]
        path = out / f"{i:05d}_{stem}.txt"
        path.write_text(variator.vary(text, random.Random(seed * 1_000_003 + i)), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = generate(args.out, args.docs, seed=args.seed)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    print(f"wrote {len(paths)} documents ({words:,} words) to {args.out}")


if __name__ == "__main__":
    main()
