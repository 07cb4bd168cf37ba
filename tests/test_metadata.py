"""MetadataExtractor: what a document says about itself, not dates or names from its prose."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from conflictkg.loaders.metadata import MetadataExtractor
from conflictkg.loaders.normalise import Normaliser
from conflictkg.loaders.read import RawDocument, Reader
from conflictkg.schema.models import DocumentMeta

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
# What each seed states as its own date (the others give none; see ../shared/gold/*.yaml).
SEED_DATES = {"000_": date(2020, 11, 14), "002_": None, "003_": date(2023, 11, 21), "004_": None}

BODY = ("The two delegations met for six hours and agreed to continue the talks on the opening of "
        "transport links and on the exchange of prisoners.")


def meta_of(text: str, published_override: date | None = None, **html_meta: str) -> DocumentMeta:
    doc = RawDocument(id="doc.txt", text=text, source="in/doc.txt", media_type="html" if html_meta else "text",
                      encoding="utf-8", sha256=hashlib.sha256(text.encode()).hexdigest(),
                      html_meta={k.replace("_", ":", 1): v for k, v in html_meta.items()})
    return MetadataExtractor().run(doc, Normaliser().run(doc), published_override=published_override)


def test_identity_fields_come_from_the_document() -> None:
    meta = meta_of("Talks Resume In The Capital\n" + BODY)
    assert meta.id == "doc.txt"
    assert meta.source_path == "in/doc.txt"
    assert meta.sha256 == hashlib.sha256(("Talks Resume In The Capital\n" + BODY).encode()).hexdigest()
    assert meta.ingested_at is None


def test_title_is_first_substantial_line_after_boilerplate() -> None:
    text = "Home | News | About\nShare\n12/03/2022\nBorder Commission Meets Again After Long Pause\n" + BODY
    assert meta_of(text).title == "Border Commission Meets Again After Long Pause"


def test_title_skips_sentences_ending_with_a_full_stop() -> None:
    assert meta_of("This is a sentence.\nA Title Without Stop\n" + BODY).title == "A Title Without Stop"


def test_html_title_prefers_og_title() -> None:
    meta = meta_of("Some Visible Heading Here\n" + BODY, og_title="Open Graph Title", title="Page Title | Site")
    assert meta.title == "Open Graph Title"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("14/11/2020", date(2020, 11, 14)),
        ("03/04/2021 Region: Europe", date(2021, 4, 3)),  # European order by default
        ("11/14/2020", date(2020, 11, 14)),  # a month cannot be 14: unambiguous
        ("2022-06-30", date(2022, 6, 30)),
        ("26 November 2021", date(2021, 11, 26)),
        ("November 14, 2020", date(2020, 11, 14)),
        ("Nov. 14, 2020", date(2020, 11, 14)),
        ("Nov 21 2023", date(2023, 11, 21)),
        ("Published: 5th March 2022", date(2022, 3, 5)),
        ("Updated on 1 Feb 2019 10:45", date(2019, 2, 1)),
        ("YEREVAN, 2 May 2021 - " + BODY, date(2021, 5, 2)),
    ],
)
def test_dates_stated_near_the_top(line: str, expected: date) -> None:
    assert meta_of("Ceasefire Talks Resume In Geneva\n" + line + "\n" + BODY).published == expected


def test_dates_in_prose_are_not_publication_dates() -> None:
    text = ("Peace Process Enters A New Phase\nOn 19 September 2023, the army launched an operation that "
            "ended within a day, and talks were announced for 5 October 2023 in a neighbouring capital.\n" + BODY)
    assert meta_of(text).published is None


def test_a_date_far_below_the_top_is_ignored() -> None:
    text = "Peace Process Enters A New Phase\n" + "".join(f"{BODY} ({i})\n" for i in range(12)) + "14/11/2020\n"
    assert meta_of(text).published is None


def test_override_wins_over_a_stated_date() -> None:
    text = "Peace Process Enters A New Phase\n14/11/2020\n" + BODY
    assert meta_of(text, published_override=date(2001, 2, 3)).published == date(2001, 2, 3)


def test_html_published_time_meta() -> None:
    meta = meta_of("Some Visible Heading Here\n" + BODY, article_published_time="2021-07-09T08:00:00+00:00")
    assert meta.published == date(2021, 7, 9)


@pytest.mark.parametrize(
    ("header", "authors"),
    [
        ("By Jane Doe and John SMITH", ["Jane Doe", "John Smith"]),
        ("Author: Anna-Maria KOWALSKA", ["Anna-Maria Kowalska"]),
        ("Written by Ivan Petrov, Example Institute", ["Ivan Petrov"]),
        ("Ivan PETROV\n\n03/04/2021", ["Ivan Petrov"]),
        ("Maria van der Berg", ["Maria van der Berg"]),  # directly under the title
        ("South Caucasus\n03/04/2021", []),  # a place, not a person
        ("Part Two\n03/04/2021", []),  # a heading
    ],
)
def test_authors_from_bylines(header: str, authors: list[str]) -> None:
    assert meta_of("Ceasefire Talks Resume In Geneva\n" + header + "\n" + BODY).authors == authors


def test_short_capitalised_heading_lower_down_is_not_an_author() -> None:
    text = "Ceasefire Talks Resume In Geneva\n" + BODY + "\n" + BODY + "\nBroader Context\n" + BODY
    assert meta_of(text).authors == []


def test_html_author_meta() -> None:
    assert meta_of("Some Visible Heading Here\n" + BODY, author="Lena Fischer").authors == ["Lena Fischer"]


@pytest.mark.parametrize(
    ("trailer", "publisher"),
    [
        ("— Reuters", "Reuters"),
        ("TASS", "TASS"),
        ("Published by Example Review", "Example Review"),
        ("NB. This article was first published in The Example Monitor, Issue: 12", "Example Monitor"),
        ("Source: https://example.org/story", None),
        ("- Some Related Headline", None),
    ],
)
def test_publisher_from_trailing_credit(trailer: str, publisher: str | None) -> None:
    assert meta_of("Ceasefire Talks Resume In Geneva\n" + BODY + "\n" + trailer).publisher == publisher


def test_html_site_name_and_canonical_url() -> None:
    meta = meta_of("Some Visible Heading Here\n" + BODY, og_site_name="Example Post",
                   canonical="https://example.org/a", og_url="https://example.org/b")
    assert meta.publisher == "Example Post"
    assert meta.url == "https://example.org/a"


def test_url_from_a_source_line() -> None:
    text = "Ceasefire Talks Resume In Geneva\n" + BODY + "\nSource: https://example.org/story-1."
    assert meta_of(text).url == "https://example.org/story-1"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds folder is missing")
def test_every_seed_has_a_title_and_its_stated_date() -> None:
    docs = [d for d in Reader().run([SEEDS]) if isinstance(d, RawDocument)]
    assert docs
    for doc in docs:
        meta = MetadataExtractor().run(doc, Normaliser().run(doc))
        assert meta.title and 3 <= len(meta.title.split()) <= 25, doc.id
        assert meta.title in doc.text, doc.id
        expected = SEED_DATES.get(doc.id[:4], meta.published)
        assert meta.published == expected, doc.id
        if doc.id.startswith("000_"):
            assert meta.published == date(2020, 11, 14)
            assert meta.authors == ["Vladimir Socor"]
            assert not doc.text.startswith(meta.title)  # the navigation line is not the title
