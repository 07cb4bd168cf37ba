"""Normaliser: drops boilerplate lines only, and every kept character maps back to the original."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictkg.loaders.normalise import NormalisedText, Normaliser
from conflictkg.loaders.read import RawDocument, Reader

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
CAPTION = re.compile(r"\((?:Source|Photo|Image):[^()]*\)\s*$", re.IGNORECASE)


def doc_of(text: str) -> RawDocument:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return RawDocument(id="t.txt", text=text, source="t.txt", media_type="text", encoding="utf-8", sha256=digest)


def normalise(text: str) -> NormalisedText:
    return Normaliser().run(doc_of(text))


def assert_maps_back(original: str, norm: NormalisedText) -> None:
    for i, char in enumerate(norm.text):
        assert original[norm.to_original(i)] == char
    starts = [norm.to_original(i) for i in range(len(norm.text))]
    assert starts == sorted(set(starts))  # strictly increasing: each kept char is one distinct original char


def kept_lines(norm: NormalisedText) -> list[str]:
    return [line.strip() for line in norm.text.split("\n") if line.strip()]


PARAGRAPH = ("The ministers of both countries met in Geneva on Monday and agreed to continue the talks "
             "on border demarcation next month.")


def test_navigation_share_and_credit_lines_are_dropped() -> None:
    text = "\n".join([
        "Home | News | About us | Contact",
        "Ceasefire Holds Along the Northern Front",
        "Share",
        "Print",
        PARAGRAPH,
        "Follow us on Telegram",
        "Read more: Talks stall in Vienna over prisoner lists",
        "TASS",
    ])
    norm = normalise(text)
    assert kept_lines(norm) == ["Ceasefire Holds Along the Northern Front", PARAGRAPH]
    assert {reason for _, _, reason in norm.dropped} == {"navigation", "caption or credit", "boilerplate"}
    assert_maps_back(text, norm)


def test_headings_that_resemble_menus_are_kept() -> None:
    text = "What comes next\nPart One\nNext steps for the mediators\n" + PARAGRAPH
    assert kept_lines(normalise(text)) == text.split("\n")


def test_photo_captions_are_dropped_but_cited_sentences_kept() -> None:
    cited = "Inflation reached nine percent in the spring (Source: National Bank)."
    text = "\n\n".join([
        "Soldiers at a checkpoint near the river (Photo: Jane Doe)",
        "Photo: A. Photographer",
        "Map of the contact line (Source: Example Agency)",
        cited,
        PARAGRAPH,
    ])
    norm = normalise(text)
    assert kept_lines(norm) == [cited, PARAGRAPH]
    assert all(reason == "caption or credit" for _, _, reason in norm.dropped)


def test_related_link_lists_are_dropped_but_content_lists_kept() -> None:
    text = "\n".join([
        PARAGRAPH,
        "- Villagers return to the valley after the war",
        "- “We want peace”: voices from both sides of the border",
        "Heading After The Links",
        "The agreement lists three steps:",
        "- Prisoner exchange",
        "- Border demarcation",
        "Other commitments follow.",
        "- The parties shall withdraw their forces.",
        "- The parties shall open the roads.",
        "- lowercase fragment one",
        "- lowercase fragment two",
    ])
    norm = normalise(text)
    kept = kept_lines(norm)
    assert "- Villagers return to the valley after the war" not in kept
    assert all("voices from both sides" not in line for line in kept)
    assert kept[:2] == [PARAGRAPH, "Heading After The Links"]
    assert kept[2:] == text.split("\n")[4:]
    assert [reason for _, _, reason in norm.dropped] == ["related-links list"] * 2


def test_second_copy_of_a_long_paragraph_is_dropped_short_repeats_kept() -> None:
    short = "Part One"
    text = "\n\n".join([PARAGRAPH, short, "A different paragraph in between.", PARAGRAPH, short])
    norm = normalise(text)
    assert kept_lines(norm) == [PARAGRAPH, short, "A different paragraph in between.", short]
    (start, end, reason), = norm.dropped
    assert reason == "repeated paragraph"
    assert text[start:end] == PARAGRAPH
    assert start == text.rindex(PARAGRAPH)


def test_a_dropped_block_leaves_one_blank_line() -> None:
    text = "First sentence ends here.\nShare\nPrint\nTweet\nSecond sentence starts here."
    norm = normalise(text)
    assert norm.text == "First sentence ends here.\n\nSecond sentence starts here."
    assert_maps_back(text, norm)


def test_crlf_lines_are_kept_verbatim() -> None:
    text = "Title Of The Report Today\r\nShare\r\n" + PARAGRAPH + "\r\n"
    norm = normalise(text)
    assert norm.text == "Title Of The Report Today\r\n\r\n" + PARAGRAPH + "\r\n"
    assert_maps_back(text, norm)


def test_cookie_notice_is_dropped() -> None:
    text = "We use cookies to improve your experience. Accept all\n" + PARAGRAPH
    assert kept_lines(normalise(text)) == [PARAGRAPH]


def test_span_to_original_maps_end_exclusive_spans_across_a_gap() -> None:
    text = "Share\nAlpha beta gamma.\nPrint\nDelta epsilon."
    norm = normalise(text)
    start = norm.text.index("gamma")
    end = norm.text.index("epsilon") + len("epsilon")
    orig_start, orig_end = norm.span_to_original(start, end)
    assert text[orig_start:orig_end] == "gamma.\nPrint\nDelta epsilon"
    word = norm.text.index("Delta")
    assert norm.span_to_original(word, word + 5) == (text.index("Delta"), text.index("Delta") + 5)
    assert norm.span_to_original(word, word) == (text.index("Delta"),) * 2
    assert norm.to_original(len(norm.text)) == len(text)
    with pytest.raises(ValueError):
        norm.to_original(len(norm.text) + 1)
    with pytest.raises(ValueError):
        norm.span_to_original(3, 1)


LINES = st.sampled_from([
    "", " ", "Share", "Home | About", "TASS", "(Photo: Someone)", "A caption (Source: X)", "- Linked Title",
    "- Another Linked Title", "Intro:", "We use cookies, accept them", PARAGRAPH, "Short body line.", "\r", "\ufeff",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(st.one_of(LINES, st.text(max_size=30)), max_size=25).map("\n".join)))
def test_any_text_normalises_and_maps_back(text: str) -> None:
    norm = normalise(text)
    assert_maps_back(text, norm)
    if norm.text:
        orig_start, orig_end = norm.span_to_original(0, len(norm.text))
        assert 0 <= orig_start < orig_end <= len(text)


def seed_docs() -> list[RawDocument]:
    docs = [d for d in Reader().run([SEEDS]) if isinstance(d, RawDocument)]
    assert docs
    return docs


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds folder is missing")
def test_seeds_map_back_and_lose_their_boilerplate() -> None:
    for doc in seed_docs():
        norm = Normaliser().run(doc)
        assert_maps_back(doc.text, norm)
        assert not any(CAPTION.search(line) for line in kept_lines(norm)), doc.id
        long_lines = [line for line in kept_lines(norm) if len(line) >= 60]
        assert len(long_lines) == len(set(long_lines)), doc.id
        assert not any(line.startswith("- ") for line in kept_lines(norm)), doc.id
        assert len(norm.text) > 0.6 * len(doc.text), doc.id
        if doc.id.startswith("000_"):
            first_line = doc.text.split("\n", 1)[0]
            assert first_line not in norm.text
            assert any(start == 0 for start, _, _ in norm.dropped)
            assert norm.to_original(0) == len(first_line) + 1
