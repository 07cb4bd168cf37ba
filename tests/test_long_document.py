"""A document longer than the NLP model takes at once is parsed in parts; the rest of its run lands with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import KG, MINI_LEXICON

from conflictkg.loaders.lexicon import Lexicon
from conflictkg.loaders.parts import split
from conflictkg.loaders.pipeline import DocumentProcessor


def filler(first: int, count: int) -> str:
    """Distinct lines of talk (repeated lines would be dropped as boilerplate)."""
    return "".join(f"The delegations met again on day {i} and talked for {i % 7 + 2} hours without a result.\n"
                   for i in range(first, first + count))


FACT = "Russian peacekeepers will guard the Lachin corridor, Azerbaijan said.\n"


def test_split_keeps_every_character_and_cuts_at_line_ends() -> None:
    """issue 13 item 5: the parts put back together are the text; each fits the limit and ends a line."""
    text = filler(0, 40)
    parts = split(text, 1000)
    assert "".join(parts) == text
    assert all(len(p) <= 1000 and p.endswith("\n") for p in parts)
    assert split("no line ends here at all", 10) == ["no line ", "ends here ", "at all"]


def test_a_document_over_the_models_limit_is_ingested_with_the_rest(kg: KG, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 13 item 5: spaCy refuses a text over its `max_length` (a million characters; lowered here to keep
    the test quick); such a document is parsed in parts, its facts past the first part are found at the right
    offsets, and the other documents of the run are written too."""
    nlp = DocumentProcessor(Lexicon.merged([MINI_LEXICON])).nlp  # the model the in-process runs share
    monkeypatch.setattr(nlp, "max_length", 5_000)
    folder = tmp_path / "docs"
    folder.mkdir()
    long_text = filler(0, 100) + FACT + filler(100, 20)
    assert len(long_text) > 1.5 * nlp.max_length
    (folder / "long.txt").write_text(long_text, encoding="utf-8")
    (folder / "short.txt").write_text(FACT, encoding="utf-8")
    result = kg.ingest(folder)
    assert result.exit_code == 0, result.output
    records = kg.records()
    assert {r["id"] for r in records if r["type"] == "document"} == {"long.txt", "short.txt"}
    quotes = [(ev["document"], ev["start"], ev["end"], ev["quote"])
              for r in records if r["type"] == "relation" for ev in r["evidence"]]
    in_long = [q for q in quotes if q[0] == "long.txt"]
    assert in_long and all(long_text[start:end] == quote for _, start, end, quote in in_long)
    assert all(start > 5_000 for _, start, _, _ in in_long)
