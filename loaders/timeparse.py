"""Dates in text resolved against the document's publication date."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

_RANGE = re.compile(r"^(?P<a>.*?\d{1,2})\s*[-–]\s*\d{1,2}(?P<rest>\b.*)$")
_YEAR = re.compile(r"^(?:in\s+)?(1[89]\d\d|20\d\d)s?$")
_HAS_DAY_OR_MONTH = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d\d-\d\d",
    re.IGNORECASE,
)


def resolve_date(phrase: str, published: date | None) -> str | None:
    """ISO date (or year) of a date phrase; ranges ("November 10-12") resolve to their first day."""
    text = phrase.strip().rstrip(".,")
    text = re.sub(r"^(on|by|until|till|since|from|before|after|in)\s+", "", text, flags=re.IGNORECASE)
    iso = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", text)
    if iso:  # already ISO: day-first parsing would swap month and day
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
        except ValueError:
            return None
    year = _YEAR.match(text)
    if year:
        return year.group(1)
    if not _HAS_DAY_OR_MONTH.search(text):
        return None
    ranged = _RANGE.match(text)
    if ranged:
        text = ranged.group("a") + ranged.group("rest")
    import dateparser

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "current_period", "DATE_ORDER": "DMY", "REQUIRE_PARTS": ["month"]}
    if published:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        return None
    has_day = re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b", re.sub(r"\b(1[89]|20)\d\d\b", "", text))
    return parsed.date().isoformat() if has_day else parsed.strftime("%Y-%m")
