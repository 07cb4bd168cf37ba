"""A row cap the engine applies: `LIMIT` pushed into the query text, so rows past it are never produced.

Reading every row and keeping the first thousand cost the API 1.65 GB for a query of three million rows.
The final `RETURN` of a query gets the limit (or its own, when smaller); a query the limit cannot be
appended to (a UNION, a LIMIT given as an expression) is wrapped in `CALL { ... } RETURN * LIMIT n`,
which still stops the reply at the cap (its columns then come in name order).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPEN, _CLOSE = "([{", ")]}"


def _top_level_words(cypher: str) -> list[tuple[str, int, int]] | None:
    """(upper-cased word, start, end) of each word outside brackets, strings, quoted names and comments;
    a word after a dot (a property or procedure name part) is not a clause and is left out. None when the
    brackets do not balance (the engine refuses that text as it is; capped, it might not)."""
    words: list[tuple[str, int, int]] = []
    depth, i, n = 0, 0, len(cypher)
    while i < n:
        ch = cypher[i]
        if cypher.startswith("//", i):
            end = cypher.find("\n", i)
            i = n if end < 0 else end
        elif cypher.startswith("/*", i):
            end = cypher.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif ch in "'\"`":
            j = i + 1
            while j < n and cypher[j] != ch:
                j += 2 if cypher[j] == "\\" and ch != "`" else 1
            i = j + 1
        elif ch in _OPEN:
            depth += 1
            i += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth < 0:
                return None
            i += 1
        elif (match := _WORD.match(cypher, i)) is not None and not (i and (cypher[i - 1].isalnum() or
                                                                           cypher[i - 1] in "_$")):
            if depth == 0 and cypher[:i].rstrip()[-1:] != ".":
                words.append((match.group().upper(), i, match.end()))
            i = match.end()
        else:
            i += 1
    return words if depth == 0 else None


def _limit_value(text: str, params: Mapping[str, Any]) -> int | None:
    """The LIMIT's value when it is an integer literal or an integer parameter, else None."""
    text = text.strip().rstrip(";").strip()
    if text.isdigit():
        return int(text)
    if text.startswith("$") and isinstance(params.get(text[1:]), int) and not isinstance(params[text[1:]], bool):
        return int(params[text[1:]])
    return None


def cap_rows(cypher: str, max_rows: int, params: Mapping[str, Any] | None = None) -> str:
    """`cypher` returning at most `max_rows` rows, cut at the engine; unchanged when it has no final RETURN
    (a procedure call on its own), which the engine would not accept capped, or is not well formed."""
    words = _top_level_words(cypher)
    kinds = [w for w, _, _ in words or []]
    if words is None or "RETURN" not in kinds:
        return cypher
    body = cypher.rstrip()
    body = body[:-1].rstrip() if body.endswith(";") else body
    last = len(kinds) - 1 - kinds[::-1].index("RETURN")
    limits = [(start, end) for word, start, end in words[last:] if word == "LIMIT"]
    if "UNION" not in kinds and not limits:
        return f"{body}\nLIMIT {max_rows}"
    if "UNION" not in kinds and len(limits) == 1:
        start, end = limits[0]
        asked = _limit_value(body[end:], params or {})
        if asked is not None:
            return f"{body[:start]}LIMIT {min(asked, max_rows)}"
    return f"CALL {{\n{body}\n}}\nRETURN * LIMIT {max_rows}"
