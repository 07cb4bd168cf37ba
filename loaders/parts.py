"""Parse texts longer than the NLP model takes (spaCy's `max_length`, a million characters) in parts.

spaCy refuses such a text outright, and inside `nlp.pipe` that refusal took the whole batch, and the run, with
it. A long text is cut at line ends (else at a space) into parts the model takes, the parts are parsed with
the rest of the batch, and joined back into one Doc with the same text and character offsets.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


def split(text: str, limit: int) -> list[str]:
    """`text` cut into consecutive parts of at most `limit` characters, each ending at a line end or a space
    where there is one."""
    parts: list[str] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = text.rfind("\n", start, end)
        if cut < start + limit // 2:  # no line end in the second half: a space will do
            cut = max(cut, text.rfind(" ", start, end))
        stop = cut + 1 if cut >= start else end
        parts.append(text[start:stop])
        start = stop
    parts.append(text[start:])
    return parts


def parse(nlp: Any, texts: Sequence[str], batch_size: int = 8) -> Iterator[Any]:
    """One Doc per text, in order, as `nlp.pipe` gives them; a text over `nlp.max_length` is parsed in parts."""
    from spacy.tokens import Doc

    pieces = [split(text, nlp.max_length) for text in texts]
    docs = iter(nlp.pipe([part for parts in pieces for part in parts], batch_size=batch_size))
    for parts in pieces:
        if len(parts) == 1:
            yield next(docs)
        else:
            yield Doc.from_docs([next(docs) for _ in parts], ensure_whitespace=False)
