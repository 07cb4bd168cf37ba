"""Stage 3, metadata: title, authors, publication date, publisher and URL of a document.

Metadata is what the page says about itself (head tags, header lines, bylines,
datelines, trailing credits), never a date or name mentioned in the prose: a
sentence about 19 September 2023 does not make that the publication date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

import dateparser

from ..schema.models import DocumentMeta
from .normalise import NormalisedText
from .read import RawDocument
from .timeparse import plain_date

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}[./-]\d{{1,2}}[./-]{_YEAR}"  # 14/11/2020, European order
    rf"|{_YEAR}-\d{{2}}-\d{{2}}"  # 2020-11-14
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"  # 14 November 2020
    rf"|{_MONTH}\s+{_DAY},?\s+{_YEAR})(?!\d)",  # November 14, 2020 / Nov 21 2023
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(r"^(?:published|posted|date|updated|last\s+updated|dated)\b(?:\s+on)?\s*[:\-–—]?\s*",
                         re.IGNORECASE)
_DATELINE_PLACE = re.compile(r"^[A-Z][A-Z .'-]{1,30},\s*")  # "MOSCOW, 14 November 2020 (TASS) -"
_DATE_SETTINGS = {"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DAY_OF_MONTH": "first"}

_BY = re.compile(r"^(?:(?:written\s+)?by\s+|authors?\s*:\s*|text\s*:\s*)(.+)$", re.IGNORECASE)
_NAME_PARTICLES = frozenset({"de", "van", "von", "der", "da", "di", "al", "bin", "ibn", "la", "le"})
# Words that make a short capitalised line a heading or a place rather than a person.
_NOT_NAME_WORDS = frozenset({
    "part", "one", "two", "three", "four", "chapter", "section", "introduction", "conclusion", "conclusions",
    "summary", "background", "analysis", "opinion", "comment", "commentary", "editorial", "interview", "news",
    "update", "context", "overview", "notes", "references", "sources", "region", "topic", "republic", "city",
    "province", "district", "north", "south", "east", "west", "central", "northern", "southern", "eastern",
    "western", "upper", "lower", "new", "united", "states", "kingdom", "union", "sea", "river", "mountains",
    "valley", "corridor", "border", "agreement", "summit", "war", "peace", "crisis", "conflict", "next", "what",
    "why", "how", "the", "of", "and", "in", "on", "for", "to", "a", "an", "with", "is", "are", "was", "ministry",
    "foreign", "affairs", "press", "release", "statement", "report", "daily", "monitor", "times", "post", "agency",
    "group", "center", "centre", "institute", "university", "council", "committee", "home", "focus"
})
_TRAILING_CREDIT = re.compile(r"^(?:[—–]\s*(?P<dash>[A-Z][\w.&' -]{1,40})|(?P<acronym>[A-Z]{2,6}))$")
_PUBLISHER_LABEL = re.compile(r"^(?:source|published\s+by|publisher)\s*:?\s+(?P<name>[^:]{2,60})$", re.IGNORECASE)
_FIRST_PUBLISHED = re.compile(
    r"\b(?:first|originally)\s+published\s+(?:in|by|on)\s+(?:[Tt]he\s+)?"
    r"(?P<name>[A-Z][\w&'’.-]*(?:\s+(?:of\s+|the\s+|&\s+)?[A-Z][\w&'’.-]*){0,5})"
)
_URL_LINE = re.compile(r"^(?:source|url|link|original(?:\s+article)?|read\s+online)\s*:\s*(?P<url>https?://\S+)$",
                       re.IGNORECASE)
_TITLE_END_FULL_STOP = re.compile(r"[^.]\.$")  # a final full stop, not an ellipsis


class _Line(NamedTuple):
    text: str
    start: int


class MetadataExtractor:
    """Reads DocumentMeta from HTML head tags first, then from the header and trailer lines of the text."""

    def __init__(self, head_chars: int = 1500, max_authors: int = 4) -> None:
        self.head_chars = head_chars
        self.max_authors = max_authors

    def run(self, doc: RawDocument, norm: NormalisedText, published_override: date | None = None) -> DocumentMeta:
        lines = [line for line in _split_lines(norm.text) if line.text]
        head = [line for line in lines if line.start < self.head_chars]
        original_lines = [line for line in _split_lines(doc.text) if line.text]
        title = self._title(doc, head)
        return DocumentMeta(
            id=doc.id,
            sha256=doc.sha256,
            source_path=doc.source,
            title=title,
            authors=self._authors(doc, head, title),
            published=published_override or self._published(doc, head),
            publisher=self._publisher(doc, original_lines),
            url=self._url(doc, original_lines),
            text=doc.text,
        )

    def _title(self, doc: RawDocument, head: list[_Line]) -> str | None:
        for key in ("og:title", "twitter:title", "title"):
            if doc.html_meta.get(key):
                return doc.html_meta[key]
        for line in head:
            words = line.text.split()
            if (3 <= len(words) <= 25 and not _TITLE_END_FULL_STOP.search(line.text) and not _DATE.search(line.text)
                    and not _BY.match(line.text) and not line.text.startswith(("-", "•", "*", "("))):
                return line.text
        return None

    def _authors(self, doc: RawDocument, head: list[_Line], title: str | None) -> list[str]:
        found: list[str] = []
        for key in ("author", "article:author", "dc.creator", "parsely-author"):
            value = doc.html_meta.get(key, "")
            if value and not value.startswith("http"):
                found.extend(_split_names(value))
        for index, line in enumerate(head):
            if found:
                break
            by = _BY.match(line.text)
            if by:
                found.extend(_split_names(by.group(1)))
            elif line.text != title and _is_byline_name(line.text) and _beside_title_or_date(head, index, title):
                found.append(_restore_case(line.text))
        unique = list(dict.fromkeys(found))
        return unique[: self.max_authors]

    def _published(self, doc: RawDocument, head: list[_Line]) -> date | None:
        for key in ("article:published_time", "og:published_time", "datepublished", "date", "pubdate",
                    "dc.date", "dc.date.issued", "citation_publication_date", "parsely-pub-date"):
            value = doc.html_meta.get(key, "")
            match = _DATE.search(value)
            if match and (parsed := _parse_date(match.group())):
                return parsed
        for line in head:
            if (found := _dateline_date(line.text)) is not None:
                return found
        return None

    def _publisher(self, doc: RawDocument, lines: list[_Line]) -> str | None:
        for key in ("og:site_name", "publisher", "article:publisher", "application-name"):
            value = doc.html_meta.get(key, "")
            if value and not value.startswith("http"):
                return value
        for line in lines:
            if len(line.text) <= 300 and (match := _FIRST_PUBLISHED.search(line.text)):
                return match.group("name").rstrip(".,")
        for line in lines[-3:][::-1]:
            if match := _PUBLISHER_LABEL.match(line.text):
                name = match.group("name").strip().rstrip(".")
                if not name.lower().startswith(("http", "www.")):
                    return name
            if match := _TRAILING_CREDIT.match(line.text):
                return (match.group("dash") or match.group("acronym")).strip()
        return None

    def _url(self, doc: RawDocument, lines: list[_Line]) -> str | None:
        for key in ("canonical", "og:url"):
            if doc.html_meta.get(key, "").startswith("http"):
                return doc.html_meta[key]
        for line in lines:
            if match := _URL_LINE.match(line.text):
                return match.group("url").rstrip(".,;)")
        return None


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        lines.append(_Line(text=raw.strip().strip("\ufeff").strip(), start=pos))
        pos += len(raw) + 1
    return lines


def _parse_date(phrase: str) -> date | None:
    """dateparser on the matched phrase only; European day/month order unless the numbers rule it out."""
    iso = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", phrase.strip())
    if iso:
        try:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        except ValueError:
            return None
    plain = plain_date(phrase)
    if plain is not None and plain[0] is not None and plain[2] is not None:
        return date(plain[0], plain[1], plain[2])
    cleaned = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b|\bof\s+", "", phrase, flags=re.IGNORECASE)
    parsed = dateparser.parse(cleaned, languages=["en"], settings=_DATE_SETTINGS)
    return parsed.date() if parsed else None


def _dateline_date(line: str) -> date | None:
    """A date heading a short line ("14/11/2020 Region: ..."), after a label or a wire dateline place
    ("MOSCOW, 14 November 2020 -", any length), or anywhere in a line of at most eight words."""
    prefix = _DATE_LABEL.match(line) or _DATELINE_PLACE.match(line)
    rest = line[prefix.end():] if prefix else line
    match = _DATE.match(rest)
    if match is not None and (prefix or len(line) <= 120):
        return _parse_date(match.group())
    if len(line.split()) <= 8 or (prefix and len(line) <= 120):
        match = _DATE.search(line)
        return _parse_date(match.group()) if match else None
    return None


def _beside_title_or_date(head: list[_Line], index: int, title: str | None) -> bool:
    """Bylines sit directly under the title or next to the date; elsewhere a short name line is a heading."""
    if index > 0 and head[index - 1].text == title:
        return True
    neighbours = head[max(0, index - 2): index] + head[index + 1: index + 3]
    return any(_dateline_date(n.text) for n in neighbours)


def _is_byline_name(line: str) -> bool:
    tokens = line.split()
    if not 2 <= len(tokens) <= 4 or any(t.lower() in _NOT_NAME_WORDS for t in tokens):
        return False
    names = [t for t in tokens if t.lower() not in _NAME_PARTICLES]
    return len(names) >= 2 and all(_is_name_token(t) for t in names)


def _is_name_token(token: str) -> bool:
    """'Emil', 'SOCOR', 'McDonald', 'Jean-Pierre', "O'Neil", 'J.': capitalised letters only."""
    if len(token) == 2 and token[1] == "." and token[0].isupper():
        return True
    parts = re.split(r"[-'’]", token)
    return all(p.isalpha() and p[0].isupper() for p in parts)


def _split_names(value: str) -> list[str]:
    """'A and B, C' -> names; a trailing affiliation after a comma or pipe is not a name."""
    parts = re.split(r"\s*(?:,|;|&|\||\band\b)\s*", value.strip().rstrip("."))
    return [_restore_case(p) for p in parts if _is_byline_name(p)]


def _restore_case(name: str) -> str:
    """'Vladimir SOCOR' -> 'Vladimir Socor'; mixed-case tokens such as 'McDonald' stay as written."""
    def fix(token: str) -> str:
        return "-".join(p.capitalize() for p in token.split("-")) if token.isupper() and len(token) > 2 else token
    return " ".join(fix(t) for t in name.split())
