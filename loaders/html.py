"""HTML to visible text in one pass over the markup, in time linear in its size and memory bounded by MAX_DEPTH.

Building a tree and editing it (a tree library's insert and replace) took time
quadratic in the nesting depth: 1.1 MB of nested `<div>` took 380 s. Here the
standard library's tokenizer feeds a stack of open elements: text outside the
dropped elements (code, chrome, captions) is kept with its whitespace collapsed,
`<br>` breaks the line, and block elements start and end lines. An end tag closes
every element opened after its match, as an HTML tree builder does; one without a
match is ignored. Elements nested deeper than MAX_DEPTH are counted instead of
stacked, so a pathological nesting costs neither time nor memory.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

MAX_DEPTH = 512

# Elements whose text is never part of the article: code, chrome and captions.
DROP_TAGS = frozenset({"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "figure",
                       "figcaption", "template", "svg", "iframe", "head", "title"})
BLOCK_TAGS = frozenset({"address", "article", "blockquote", "dd", "div", "dl", "dt", "h1", "h2", "h3", "h4", "h5",
                        "h6", "hr", "li", "main", "ol", "p", "pre", "section", "table", "tr", "td", "th", "ul", "body"})
# Elements that never hold anything: they close where they open.
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "menuitem",
                        "meta", "param", "source", "track", "wbr", "spacer", "basefont", "bgsound", "command", "frame",
                        "image", "isindex", "nextid"})
_SPACE = re.compile(r"\s+")


def html_to_text(markup: str) -> tuple[str, dict[str, str]]:
    """Visible text, one line per block element, plus the head metadata the metadata stage reads: <title>, the
    canonical link and <meta> name/property/itemprop -> content (lower-case keys)."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    parser.flush()
    lines = (line.strip() for line in "".join(parser.pieces).split("\n"))
    return "\n".join(line for line in lines if line), parser.meta


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.meta: dict[str, str] = {}
        self._open: list[str] = []  # the open elements, at most MAX_DEPTH
        self._deeper: Counter[str] = Counter()  # elements open beyond MAX_DEPTH, by name
        self._dropping = 0  # open dropped elements: their text is not kept
        self._data: list[str] = []  # text since the last tag: one text node
        self._title: list[str] | None = None  # the first <title>'s text while it is open
        self._title_children = 0  # its text nodes, elements and comments: only a lone text node is its title
        self._title_done = False

    def flush(self) -> None:
        """End the current text node: keep it, whitespace collapsed, unless it is inside a dropped element."""
        if self._data:
            text = "".join(self._data)
            self._data = []
            self._title_children += 1
            if not self._dropping:
                self.pieces.append(_SPACE.sub(" ", text))

    def handle_data(self, data: str) -> None:
        self._data.append(data)
        if self._title is not None:
            self._title.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        self._title_children += 1
        self._head_metadata(tag, dict(attrs))
        if tag == "br" and not self._dropping:
            self.pieces.append("\n")
        if tag in BLOCK_TAGS and not self._dropping:
            self.pieces.append("\n")
        if tag in _VOID_TAGS:
            if tag in BLOCK_TAGS and not self._dropping:
                self.pieces.append("\n")
            return
        if tag in DROP_TAGS:
            self._dropping += 1
        if tag == "title" and not self._title_done and self._title is None:
            self._title, self._title_children = [], 0
        if len(self._open) < MAX_DEPTH:
            self._open.append(tag)
        else:
            self._deeper[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        self.flush()
        if self._deeper[tag]:
            self._deeper[tag] -= 1
            self._closed(tag)
        elif tag not in _VOID_TAGS and tag in self._open:
            for name, count in self._deeper.items():  # the elements beyond MAX_DEPTH are inside the match
                for _ in range(count):
                    self._closed(name)
            self._deeper.clear()
            while self._open:
                name = self._open.pop()
                self._closed(name)
                if name == tag:
                    break

    def _closed(self, tag: str) -> None:
        if tag == "title" and self._title is not None:
            self._set_title("".join(self._title))
        if tag in DROP_TAGS:
            self._dropping -= 1
        if tag in BLOCK_TAGS and not self._dropping:
            self.pieces.append("\n")

    def handle_comment(self, data: str) -> None:
        self.flush()
        self._title_children += 1

    def handle_decl(self, decl: str) -> None:
        self.flush()
        self._title_children += 1

    def handle_pi(self, data: str) -> None:
        self.flush()
        self._title_children += 1

    def unknown_decl(self, data: str) -> None:
        """A CDATA section is text of its own; other declarations are dropped."""
        self.flush()
        self._title_children += 1
        if data.startswith("CDATA["):
            self._data.append(data[len("CDATA["):])
            self.flush()

    def close(self) -> None:
        super().close()
        self.flush()
        if self._title is not None:  # a <title> left open: its text so far
            self._set_title("".join(self._title))

    def _set_title(self, text: str) -> None:
        self._title, self._title_done = None, True
        if text and self._title_children == 1:
            self.meta["title"] = " ".join(text.split())

    def _head_metadata(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
            content = attrs.get("content")
            if key and content and content.strip():
                self.meta.setdefault(key.strip().lower(), " ".join(content.split()))
        elif tag == "link":
            rel = (attrs.get("rel") or "").lower().split()
            if "canonical" in rel and "href" in attrs:
                self.meta.setdefault("canonical", (attrs["href"] or "").strip())
