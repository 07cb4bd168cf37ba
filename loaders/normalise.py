"""Stage 2, normalise: drop boilerplate lines while keeping an exact map back to the original.

Only whole lines are dropped and kept lines are copied verbatim, so every character
of the normalised text is one character of ``RawDocument.text``; extractors work on
the cleaner text and report evidence offsets through ``NormalisedText.span_to_original``.
A dropped block leaves one blank line (its own line ending) so sentences never merge.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from pydantic import BaseModel, Field

from .read import RawDocument

# Menu and sharing vocabulary: a short line made only of these words is site chrome.
_MENU_WORDS = frozenset({
    "home", "homepage", "menu", "search", "news", "latest", "about", "contact", "contacts", "author", "authors",
    "focus", "readings", "printed", "issues", "archive", "archives", "subscribe", "subscription", "login", "logout",
    "log", "sign", "register", "account", "share", "shares", "print", "email", "e-mail", "tweet", "facebook",
    "twitter", "linkedin", "whatsapp", "telegram", "instagram", "youtube", "reddit", "rss", "follow", "newsletter",
    "newsletters", "donate", "skip", "comments", "comment", "tags", "tag", "categories", "category", "topics",
    "sections", "privacy", "policy", "terms", "cookies", "copyright", "advertise", "advertisement", "sponsored",
    "related", "read", "more", "previous", "next", "back", "top", "pdf", "download", "podcast", "podcasts", "video",
    "videos", "photos", "gallery", "multimedia", "opinion", "blog", "blogs", "events", "publications", "projects",
    "team", "jobs", "careers", "faq", "help", "sitemap", "english", "languages"
})
_FILLER_WORDS = frozenset({
    "us", "on", "to", "the", "this", "page", "article", "story", "and", "of", "via", "with", "in", "for", "our",
    "all", "up", "out", "main", "a"
})
_MENU_LINE = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*|[\s|•·›»>/&:,–—-]+")
_CREDIT_WORD = r"(?:photo|image|picture|pic|source|credit|illustration|map|video|foto)s?(?:\s+credits?)?"
_CAPTION_END = re.compile(rf"[(\[]\s*{_CREDIT_WORD}\s*(?::|by\b)[^()\[\]]{{1,80}}[)\]]\s*$", re.IGNORECASE)
_CREDIT_LINE = re.compile(
    rf"^(?:[(\[]?\s*{_CREDIT_WORD}\s*(?::|by\b)\s*[^()\[\]]{{1,80}}[)\]]?"  # (Photo: X), Image: X, Source: X
    r"|(?-i:[A-Z]{2,5})"  # a lone agency acronym such as TASS or AFP
    r"|[—–]\s*[A-Z][\w.&' -]{1,40})$",  # — Reuters
    re.IGNORECASE,
)
_BOILERPLATE = re.compile(
    r"^(?:related(?:\s+(?:articles?|stories|links|posts|reading|content))?\s*:.{0,120}"
    r"|(?:read|see)\s+(?:more|also)\b.{0,120}"
    r"|follow\s+us\b.{0,120}"
    r"|(?:click\s+here|sign\s+up)\b.{0,150}"
    r"|(?:©|\(c\)(?=\s*(?:\d{4}|\S+\s*$))|copyright\b).{0,150}"  # not a clause lettered (c)
    r"|.{0,150}\ball rights reserved\b.{0,50}"
    r"|(?:nb\.?\s+)?(?:this|the)\s+article\s+(?:was|is|has been)\s+(?:first\s+|originally\s+)?(?:re)?published\b"
    r".{0,200}"
    r"|.{0,80}\b(?:first|originally)\s+published\s+(?:in|by|on)\b.{0,200})$",
    re.IGNORECASE,
)
_COOKIE = re.compile(r"\bcookies?\b.*\b(?:use|uses|using|accept|consent|policy|settings|agree)\b"
                     r"|\b(?:use|uses|using|accept|consent|agree)\b.*\bcookies?\b", re.IGNORECASE)
_BULLET = re.compile(r"^[-•*–·▪►]\s")
_BULLET_TITLE = re.compile(r"^[-•*–·▪►]\s+[\"“‘'«(]?[A-Z0-9]")
_WORD = re.compile(r"\S+")


class NormalisedText(BaseModel):
    """Cleaned text plus the verbatim pieces that map it back to the original document text."""

    text: str
    segments: list[tuple[int, int, int]] = Field(default_factory=list)
    """(norm_start, orig_start, length) of each verbatim piece, in order."""
    dropped: list[tuple[int, int, str]] = Field(default_factory=list)
    """(orig_start, orig_end, reason) of each dropped line, for explaining what was left out."""

    def to_original(self, norm_offset: int) -> int:
        """Original offset of the character at ``norm_offset``; ``len(text)`` maps to the end of the last piece."""
        if not 0 <= norm_offset <= len(self.text):
            raise ValueError(f"offset {norm_offset} is outside the normalised text (0..{len(self.text)})")
        if not self.segments:
            return 0
        if norm_offset == len(self.text):
            _, orig_start, length = self.segments[-1]
            return orig_start + length
        index = bisect.bisect_right([s[0] for s in self.segments], norm_offset) - 1
        norm_start, orig_start, _ = self.segments[index]
        return orig_start + norm_offset - norm_start

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the end-exclusive span [start, end) of the normalised text to the original text."""
        if start > end:
            raise ValueError(f"span start {start} is after its end {end}")
        orig_start = self.to_original(start)
        if start == end:
            return orig_start, orig_start
        return orig_start, self.to_original(end - 1) + 1


class Normaliser:
    """Drops navigation, captions, related-link lists and repeated paragraphs; keeps all else verbatim."""

    def __init__(self, min_repeat_chars: int = 60, max_short_words: int = 25) -> None:
        self.min_repeat_chars = min_repeat_chars
        self.max_short_words = max_short_words

    def run(self, doc: RawDocument) -> NormalisedText:
        text = doc.text
        lines = list(_lines(text))
        contents = [text[start:end].strip().strip("\ufeff").strip() for start, end, _ in lines]
        reasons = self._classify(contents)
        pieces: list[str] = []
        segments: list[list[int]] = []
        dropped: list[tuple[int, int, str]] = []
        norm_len = 0
        last_blank = True  # nothing emitted yet: a leading blank line would only be noise

        def emit(orig_start: int, orig_end: int) -> None:
            nonlocal norm_len
            if orig_end <= orig_start:
                return
            pieces.append(text[orig_start:orig_end])
            if segments and segments[-1][1] + segments[-1][2] == orig_start:
                segments[-1][2] += orig_end - orig_start
            else:
                segments.append([norm_len, orig_start, orig_end - orig_start])
            norm_len += orig_end - orig_start

        for (start, end, stop), content, reason in zip(lines, contents, reasons, strict=True):
            if reason is not None:
                dropped.append((start, end, reason))
            if content and reason is None:
                emit(start, stop)
                last_blank = False
            elif not last_blank:
                emit(end, stop)  # keep only the line ending: one blank line marks the gap
                last_blank = True
        return NormalisedText(text="".join(pieces), segments=[(a, b, c) for a, b, c in segments], dropped=dropped)

    def _classify(self, contents: list[str]) -> list[str | None]:
        """A drop reason for each line, or None to keep it."""
        reasons = [self._line_reason(c) if c else None for c in contents]
        for index in _related_link_lines(contents):
            reasons[index] = reasons[index] or "related-links list"
        seen: set[str] = set()
        for index, content in enumerate(contents):
            if reasons[index] is None and len(content) >= self.min_repeat_chars:
                if content in seen:
                    reasons[index] = "repeated paragraph"
                seen.add(content)
        return reasons

    def _line_reason(self, line: str) -> str | None:
        words = len(_WORD.findall(line))
        if words > self.max_short_words * 2:
            return None
        if _is_menu(line):
            return "navigation"
        if words <= self.max_short_words and (_CAPTION_END.search(line) or _CREDIT_LINE.match(line)):
            return "caption or credit"
        if _BOILERPLATE.match(line) or (len(line) < 400 and _COOKIE.search(line)):
            return "boilerplate"
        return None


def _lines(text: str) -> Iterator[tuple[int, int, int]]:
    """(start, content_end, stop) of each line; text[content_end:stop] is its line ending."""
    pos = 0
    while pos < len(text):
        newline = text.find("\n", pos)
        stop = len(text) if newline == -1 else newline + 1
        end = stop - 1 if newline != -1 else stop
        if end > pos and text[end - 1] == "\r":
            end -= 1
        yield pos, end, stop
        pos = stop


def _is_menu(line: str) -> bool:
    """Only menu words and separators, at least one of them a real menu word, at most ten words."""
    if len(line) > 100 or "".join(m.group() for m in _MENU_LINE.finditer(line)) != line:
        return False
    words = [w.lower() for w in re.findall(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", line)]
    return (0 < len(words) <= 10 and all(w in _MENU_WORDS or w in _FILLER_WORDS for w in words)
            and any(w in _MENU_WORDS for w in words))


def _related_link_lines(contents: list[str]) -> list[int]:
    """Indexes of lines in blocks of 2+ short bullet titles without final punctuation.

    Conservative: a block introduced by a line ending in ':' is a list in the body, and one
    item that is not a short title (it ends with . ; , or :) makes the whole block content.
    """
    found: list[int] = []
    block: list[int] = []
    previous = ""
    for index, content in enumerate([*contents, "<end>"]):
        if not content:
            continue
        if _BULLET.match(content):
            block.append(index)
            continue
        if len(block) >= 2 and not previous.endswith(":") and all(_is_link_title(contents[i]) for i in block):
            found.extend(block)
        block = []
        previous = content
    return found


def _is_link_title(line: str) -> bool:
    return bool(_BULLET_TITLE.match(line)) and len(line) <= 200 and not line.endswith((".", ";", ",", ":"))
