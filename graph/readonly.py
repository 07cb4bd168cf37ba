"""Refuse Cypher that writes, reaches outside the graph or would stall the parser, before it reaches any engine.

The engines enforce read-only execution themselves (FalkorDB's GRAPH.RO_QUERY,
Neo4j's read transactions and EXPLAIN query type), but `LOAD CSV` and many
procedures are "reads" to an engine while touching files, URLs, users or
indexes. This check names the offending clause, so an analyst sees why, and it
is the same for every backend. FalkorDB's parser also takes time that doubles with
each level of nesting (brackets, NOT, unary minus, CASE), outside the query timeout,
so deeply nested or very long texts are refused here; parameters, which become part
of FalkorDB's query text, are checked by `check_params`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from conflictkg.errors import ReadOnlyViolation, StoreError

MAX_QUERY_CHARS = 10_000
MAX_NESTING = 10  # FalkorDB parses 10 levels in ~2 ms, 16 in ~0.1 s, 24 in over 15 s
MAX_PARAM_NESTING = 32

# Clauses that write, change the schema or administer the server.
_WRITE_CLAUSES = {
    "CREATE": "writes to the graph",
    "MERGE": "writes to the graph",
    "SET": "writes to the graph",
    "DELETE": "writes to the graph",
    "REMOVE": "writes to the graph",
    "FOREACH": "exists only to write to the graph",
    "DROP": "changes the schema or the server",
    "ALTER": "administers the server",
    "GRANT": "administers the server",
    "DENY": "administers the server",
    "REVOKE": "administers the server",
    "TERMINATE": "administers the server",
    "USE": "switches to another database",
}
# Procedure families that administer the server, load outside data or come from plugins.
_DENIED_PREFIXES = ("dbms.", "apoc.", "db.create")
# A procedure whose last name part starts like this changes indexes, caches or data.
_WRITING_VERBS = ("create", "drop", "delete", "remove", "set", "clear", "merge", "add", "write", "kill", "load")

# a backticked name (`` escapes a backtick) is one token, so its words are never clauses
_TOKEN = re.compile(r"`(?:[^`]|``)*`|[A-Za-z_][A-Za-z0-9_]*|\S")
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = frozenset(_OPEN.values())
# after these a `-` or `+` is a sign, not an operator; `<` and `-` too, which counts an arrow `<--` as signs (harmless)
_SIGN_AFTER = frozenset("([{,=<>+-*/%^:|") | {"RETURN", "WITH", "WHERE", "AND", "OR", "XOR", "NOT", "WHEN", "THEN",
                                             "ELSE", "IN", "UNWIND", "CASE", "SKIP", "LIMIT", "BY"}
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _strip(cypher: str) -> str:
    """The query with comments removed and string literals blanked, so their words are not clauses (backticked names
    stay whole: they are single tokens, and a procedure may be named in them)."""
    out: list[str] = []
    i, n = 0, len(cypher)
    while i < n:
        ch = cypher[i]
        if cypher.startswith("//", i):
            i = cypher.find("\n", i)
            i = n if i < 0 else i
        elif cypher.startswith("/*", i):
            end = cypher.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        elif ch == "`":
            j = i + 1
            while j < n and (cypher[j] != "`" or cypher.startswith("``", j)):
                j += 2 if cypher[j] == "`" else 1
            out.append(f" {cypher[i:j]}` ")
            i = j + 1
        elif ch in "'\"":
            j = i + 1
            while j < n and cypher[j] != ch:
                j += 2 if cypher[j] == "\\" else 1
            out.append(" '' ")
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _name_part(token: str) -> str | None:
    """The name a token spells (unquoted if backticked), or None for a symbol."""
    if token.startswith("`"):
        return token[1:-1].replace("``", "`").strip()
    return token if token[0].isalpha() or token[0] == "_" else None


def _procedure(tokens: list[str], start: int) -> str:
    """The procedure name that follows CALL at `start`, dotted, however it is quoted ('' for a CALL { } subquery).

    ``CALL `dbms`.`procedures`()`` and ``CALL `dbms.procedures`()`` both give `dbms.procedures`.
    """
    parts: list[str] = []
    i = start
    while i < len(tokens) and (part := _name_part(tokens[i])) is not None:
        parts.append(part)
        if i + 1 < len(tokens) and tokens[i + 1] == ".":
            i += 2
        else:
            break
    return ".".join(parts)


def _nesting(tokens: list[str]) -> int:
    """How deep brackets, CASE and the prefix operators NOT, - and + nest: each is a level of FalkorDB's parser."""
    depth = deepest = pending = 0
    frames: list[tuple[str, int]] = []  # (what closes it, the levels it added)
    previous = ""
    for token in tokens:
        word = token.upper()
        if previous in {".", "$", ":"} and _name_part(token) is not None:  # a property, parameter or label
            pending = 0
        elif token in _OPEN or word == "CASE":
            frames.append((_OPEN.get(token, "END"), 1 + pending))
            depth += 1 + pending
            pending = 0
        elif (token in _CLOSE or word == "END") and frames and frames[-1][0] == word:
            depth -= frames.pop()[1]
        elif word == "NOT" or (token in "-+" and previous.upper() in _SIGN_AFTER):
            pending += 1
        else:
            pending = 0
        deepest = max(deepest, depth + pending)
        previous = token
    return deepest


def _procedure_refusal(name: str) -> str | None:
    lowered = name.lower()
    family = next((p for p in _DENIED_PREFIXES if lowered.startswith(p)), None)
    if family:
        return f"CALL {name} is refused ({family}* procedures write or reach outside the graph)"
    if lowered.rsplit(".", 1)[-1].startswith(_WRITING_VERBS):
        return f"CALL {name} is refused (the procedure changes indexes, caches or data)"
    return None


@lru_cache(maxsize=1024)
def check_read_only(cypher: str) -> None:
    """Raise ReadOnlyViolation naming the first clause or procedure that writes or leaves the graph, and
    StoreError for a text too long or too deeply nested for the engine's parser."""
    if len(cypher) > MAX_QUERY_CHARS:
        raise StoreError(f"query refused: it is {len(cypher):,} characters long, more than the limit of "
                         f"{MAX_QUERY_CHARS:,}; pass long lists as parameters ($name)")
    tokens = _TOKEN.findall(_strip(cypher))
    nesting = _nesting(tokens)
    if nesting > MAX_NESTING:
        raise StoreError(f"query refused: brackets, CASE and NOT/-/+ nest {nesting} deep, more than the limit of "
                         f"{MAX_NESTING} (the engine's parser slows down twofold per level); flatten the expression "
                         "or compute parts in WITH clauses")
    for i, token in enumerate(tokens):
        word = token.upper()
        before = tokens[i - 1] if i else ""
        after = tokens[i + 1] if i + 1 < len(tokens) else ""
        # a property (n.set), parameter ($set), label (:Set), relationship type (|Set), map key or alias is no clause
        if before in {".", "$", ":", "|"} or before.upper() == "AS" or after == ":":
            continue
        reason = None
        if word == "DETACH" and after.upper() == "DELETE":
            reason = "DETACH DELETE writes to the graph"
        elif word in _WRITE_CLAUSES:
            reason = f"{word} {_WRITE_CLAUSES[word]}"
        elif word == "LOAD":
            reason = "LOAD CSV reads files or URLs outside the graph"
        elif word in {"START", "STOP"} and after.upper() == "DATABASE":
            reason = f"{word} DATABASE administers the server"
        elif word == "CALL":
            reason = _procedure_refusal(_procedure(tokens, i + 1))
        if reason:
            raise ReadOnlyViolation(f"read-only query refused: {reason}")


def check_params(params: Mapping[str, Any]) -> None:
    """Raise StoreError for a parameter the engine would misread: a name that is no identifier, a map key that is
    empty or holds a backtick, an integer beyond 64 bits (clamped silently), a NaN or infinity, or lists and maps
    nested deeper than MAX_PARAM_NESTING. FalkorDB writes parameters into its query text, so they must parse."""
    stack: list[tuple[Any, int, str]] = []
    for name, value in params.items():
        if not isinstance(name, str) or not _PARAM_NAME.fullmatch(name):
            raise StoreError(f"parameter name {name!r} is not usable: use letters, digits and _, not starting "
                             "with a digit")
        stack.append((value, 1, name))
    while stack:
        value, depth, name = stack.pop()
        if depth > MAX_PARAM_NESTING:
            raise StoreError(f"parameter ${name} nests lists and maps more than {MAX_PARAM_NESTING} deep")
        if isinstance(value, bool) or value is None or isinstance(value, str):
            continue
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise StoreError(f"parameter ${name} holds an integer beyond 64 bits ({str(value)[:30]}...); "
                             "pass it as a string")
        if isinstance(value, float) and not math.isfinite(value):
            raise StoreError(f"parameter ${name} holds {value}, which is not a number the store can take")
        if isinstance(value, list):
            stack.extend((item, depth + 1, name) for item in value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str) or not key or "`" in key:
                    raise StoreError(f"parameter ${name} has a map key {key!r} the store cannot take (empty or "
                                     "holding a backtick)")
                stack.append((item, depth + 1, name))
