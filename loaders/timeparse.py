"""Dates in text resolved against the document's publication date."""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any

_RANGE = re.compile(r"^(?P<a>.*?\d{1,2})\s*[-–]\s*\d{1,2}(?P<rest>\b.*)$")
_YEAR = re.compile(r"^(?:in\s+)?(1[89]\d\d|20\d\d)s?$")
_HAS_DAY_OR_MONTH = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d\d-\d\d",
    re.IGNORECASE,
)


_MONTHS = {m: n for n, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], start=1) for m in names}
_MONTH_RE = r"(?P<month>[a-z]+)\.?"
_DAY_RE = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR_RE = r"(?P<year>(?:1[89]|20)\d\d)"
_PLAIN_DATES = [
    re.compile(rf"{_MONTH_RE}\s+{_DAY_RE}(?:,?\s+{_YEAR_RE})?", re.IGNORECASE),  # November 14, 2020 / Nov 14
    re.compile(rf"{_DAY_RE}\s+(?:of\s+)?{_MONTH_RE},?(?:\s+{_YEAR_RE})?", re.IGNORECASE),  # 14 November 2020
    re.compile(rf"{_MONTH_RE},?\s+{_YEAR_RE}", re.IGNORECASE),  # November 2020
]


def plain_date(text: str) -> tuple[int | None, int, int | None] | None:
    """(year, month, day) of the common English forms, without dateparser (about 4 ms a call, the slowest
    step of extraction); None for anything else, which dateparser then reads."""
    for pattern in _PLAIN_DATES:
        m = pattern.fullmatch(text.strip())
        if m is None or m["month"].lower() not in _MONTHS:
            continue
        groups = m.groupdict()
        year = int(groups["year"]) if groups.get("year") else None
        day = int(groups["day"]) if groups.get("day") else None
        month = _MONTHS[m["month"].lower()]
        try:
            date(year or 2000, month, day or 1)  # 2000: a leap year, so 29 February stays valid
        except ValueError:
            return None
        return year, month, day
    return None


@functools.lru_cache(maxsize=4096)
def resolve_date(phrase: str, published: date | None) -> str | None:
    """ISO date (or year) of a date phrase; ranges ("November 10-12") resolve to their first day.
    Cached: dateparser is slow and a corpus repeats its date phrases."""
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
    plain = plain_date(text)
    if plain is not None:
        given_year, month, day = plain
        # no year: dateparser's "current period", the year of the publication date (or of today)
        in_year = given_year if given_year is not None else (published or date.today()).year
        return date(in_year, month, day).isoformat() if day else f"{in_year:04d}-{month:02d}"
    import dateparser

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "current_period", "DATE_ORDER": "DMY", "REQUIRE_PARTS": ["month"]}
    if published:
        settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        return None
    has_day = re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b", re.sub(r"\b(1[89]|20)\d\d\b", "", text))
    return parsed.date().isoformat() if has_day else parsed.strftime("%Y-%m")
