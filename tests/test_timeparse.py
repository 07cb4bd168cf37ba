"""Date phrases resolved against the publication date: the cases dateparser alone gets wrong."""

from datetime import date

import pytest

from conflictkg.loaders.timeparse import resolve_date

PUBLISHED = date(2023, 10, 1)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("September 26th", "2023-09-26"),  # an ordinal day keeps the day
        ("on 3rd March 2021", "2021-03-03"),
        ("November 10-12", "2023-11-10"),  # a range is its first day, not the year 2012
        ("November 2020", "2020-11"),  # no day: the month only
        ("2020", "2020"),
        ("2021-03-04", "2021-03-04"),  # ISO is never read day-first
        ("by the end of talks", None),
        ("Sept. 5", "2023-09-05"),
        ("5th of May, 2024", "2024-05-05"),
        ("February 30, 2021", None),  # no such day: neither the fast path nor dateparser invents one
        ("10.11.2020", "2020-11-10"),  # not a plain form: dateparser, day first
    ],
)
def test_resolve_date(phrase: str, expected: str | None) -> None:
    assert resolve_date(phrase, PUBLISHED) == expected


@pytest.mark.parametrize("phrase", ["November 14, 2020", "14 November 2020", "Nov 14 2020", "14th of November 2020"])
def test_plain_forms_agree_with_dateparser(phrase: str) -> None:
    """The fast path is only a shortcut: dateparser reads the same phrases to the same date."""
    import dateparser

    parsed = dateparser.parse(phrase.replace("th of", ""), languages=["en"])
    assert parsed is not None and resolve_date(phrase, PUBLISHED) == parsed.date().isoformat()
