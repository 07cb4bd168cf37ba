"""Stage 1, read: turn paths (files, folders, "-" for stdin) into decoded documents.

Every input yields either a RawDocument or a ReadFailure whose reason is one line
that names the input and says what to do, so one bad file never stops a batch.

Offsets of all evidence refer to ``RawDocument.text``. For text files that is the
decoded file content unchanged (line endings and a UTF-8 byte-order mark included,
so it equals what ``Path.read_text(encoding="utf-8")`` gives for LF files). For HTML
it is the visible text extracted from the markup, one line per block element.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Literal

import charset_normalizer
from pydantic import BaseModel, Field

from .html import html_to_text

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".html", ".htm"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SNIFF_BYTES = 8192

_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<!--)", re.IGNORECASE)
_HTML_TAG = re.compile(r"<(?:p|div|body|article|h[1-6]|br)[\s/>]", re.IGNORECASE)
# Control characters other than the whitespace ones text files legitimately hold.
_CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13} | {127}
_C1_OR_C0 = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# In a document id: control characters and line breaks (they forge lines in logs and tables) and bidirectional
# overrides (U+202E shows `txt.exe` as `exe.txt`).
_UNSAFE_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


class RawDocument(BaseModel):
    """One decoded input; ``text`` is what every later offset refers to."""

    id: str
    text: str
    source: str
    media_type: Literal["text", "html"]
    encoding: str
    sha256: str
    html_meta: dict[str, str] = Field(default_factory=dict)
    """For HTML: <title>, canonical link and <meta> name/property -> content (lower-case keys)."""


class ReadFailure(BaseModel):
    """An input that could not be read; ``reason`` is one line for the user."""

    source: str
    reason: str


class Reader:
    """Reads files, folders (recursively) and stdin into RawDocuments or ReadFailures."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES, stdin: BinaryIO | None = None) -> None:
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be at least 1 (a size limit in bytes), not {max_bytes}")
        self.max_bytes = max_bytes
        self._stdin = stdin

    def run(self, paths: Sequence[str | Path]) -> Iterator[RawDocument | ReadFailure]:
        for item in paths:
            if str(item) == "-":
                yield self._read_stdin()
                continue
            path = Path(item)
            if path.is_dir():
                yield from self._read_dir(path)
            elif path.is_file():
                yield self._read_file(path)
            elif path.exists():
                yield ReadFailure(source=str(item), reason=f"{item}: not a regular file (a pipe, socket or device); "
                                  "give a text file, a folder, or - for standard input")
            else:
                yield ReadFailure(source=str(item), reason=f"{item}: no such file or directory; check the path")

    def _read_dir(self, root: Path) -> Iterator[RawDocument | ReadFailure]:
        found = _candidates(root)
        if not found:
            suffixes = "/".join(sorted(TEXT_SUFFIXES))
            yield ReadFailure(source=str(root), reason=f"{root}: no {suffixes} files in this folder; nothing to ingest")
        inside = root.resolve()
        for path in found:
            if _within(path, inside):
                yield self._read_file(path)
            else:
                yield ReadFailure(source=str(path), reason=f"{path}: a link to a file outside {root}, not followed; "
                                  "give the file's own path to ingest it")

    def _read_file(self, path: Path) -> RawDocument | ReadFailure:
        problem = name_problem(path.name)
        if problem:
            return ReadFailure(source=repr(str(path)), reason=f"{path.name!r}: {problem}; rename the file")
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                return ReadFailure(source=str(path), reason=self._too_big(path.name, size))
            with path.open("rb") as stream:  # at most the limit: a file may grow after its size was read
                data = stream.read(self.max_bytes + 1)
            if len(data) > self.max_bytes:
                return ReadFailure(source=str(path), reason=self._too_big(path.name, len(data)))
        except OSError as exc:
            return ReadFailure(source=str(path), reason=f"{path}: cannot read it ({exc.strerror}); check permissions")
        return self._decode(data, name=path.name, source=str(path), html=path.suffix.lower() in HTML_SUFFIXES)

    def _read_stdin(self) -> RawDocument | ReadFailure:
        stream = self._stdin if self._stdin is not None else sys.stdin.buffer
        data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            return ReadFailure(source="-", reason=self._too_big("stdin", None))
        name = f"stdin-{hashlib.sha256(data).hexdigest()[:12]}.txt"
        return self._decode(data, name=name, source="-", html=False)

    def _too_big(self, name: str, size: int | None) -> str:
        stated = f"is {_megabytes(size)}" if size is not None else "is larger than that"
        return (f"{name}: the input {stated}, above the limit of {_megabytes(self.max_bytes)}; "
                "raise it with --max-bytes if the file is really a document")

    def _decode(self, data: bytes, *, name: str, source: str, html: bool) -> RawDocument | ReadFailure:
        def fail(reason: str) -> ReadFailure:
            return ReadFailure(source=source, reason=f"{name}: {reason}")

        if not data:
            return fail("the file is empty; nothing to ingest")
        if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and _looks_binary(data[:SNIFF_BYTES]):
            return fail("this looks like a binary file, not text; convert it to .txt or .html first")
        decoded = _decode_text(data)
        if decoded is None:
            return fail("cannot tell the text encoding; re-save the file as UTF-8")
        text, encoding = decoded
        if not text.strip():
            return fail("the file holds only whitespace; nothing to ingest")
        meta: dict[str, str] = {}
        if html or _HTML_START.match(text) or (text.lstrip().startswith("<") and _HTML_TAG.search(text[:4096])):
            text, meta = html_to_text(text)
            if not text.strip():
                return fail("no visible text is left after removing the HTML markup; nothing to ingest")
            media_type: Literal["text", "html"] = "html"
        else:
            media_type = "text"
        return RawDocument(id=name, text=text, source=source, media_type=media_type, encoding=encoding,
                           sha256=hashlib.sha256(data).hexdigest(), html_meta=meta)


def text_files(root: Path) -> list[Path]:
    """The files a folder contributes, in name order (also how the Ray job splits a folder into work items); a
    link to a file outside the folder is not one of them."""
    inside = root.resolve()
    return [p for p in _candidates(root) if _within(p, inside)]


def name_problem(name: str) -> str | None:
    """Why `name` is not usable as a document id (a control, line-break or bidirectional-override character)."""
    found = _UNSAFE_IN_NAME.search(name)
    if found is None:
        return None
    return f"the name holds the invisible character U+{ord(found.group()):04X} (a control, line break or " \
           "direction override), which would garble or disguise it where it is shown"


def _candidates(root: Path) -> list[Path]:
    """The regular text files under `root` (links followed), hidden ones left out, in name order."""
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def _within(path: Path, folder: Path) -> bool:
    """Whether `path`, links resolved, is inside `folder` (itself resolved)."""
    return path.resolve().is_relative_to(folder)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB ({size} bytes)"


def _looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters mean an image, archive, PDF and the like."""
    if b"\x00" in head:
        return True
    return sum(b in _CONTROL_BYTES for b in head) > 0.3 * len(head)


def _decode_text(data: bytes) -> tuple[str, str] | None:
    """UTF-8 first; then cp1252 if plausible; then charset-normalizer's best guess.

    Latin-1 is not tried separately: a latin-1 text without C1 control characters
    decodes identically as cp1252, and one with them is not plausible text.
    A UTF-8 byte-order mark is kept as U+FEFF so offsets match a plain UTF-8 read.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _plausible_western(text):
        return text, "cp1252"
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    return str(best), best.encoding


def _plausible_western(text: str) -> bool:
    """A Western-European text has no control characters and is mostly ASCII.

    The ASCII test rejects, say, Cyrillic cp1251 bytes, which cp1252 also decodes but into mojibake.
    """
    if _C1_OR_C0.search(text):
        return False
    visible = [c for c in text if not c.isspace()]
    return sum(not c.isascii() for c in visible) <= 0.2 * len(visible)
