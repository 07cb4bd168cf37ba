"""Refuse Cypher that writes or reaches outside the graph before it reaches any engine.

The engines enforce read-only execution themselves (FalkorDB's GRAPH.RO_QUERY,
Neo4j's read transactions and EXPLAIN query type), but `LOAD CSV` and many
procedures are "reads" to an engine while touching files, URLs, users or
indexes. This check names the offending clause, so an analyst sees why, and it
is the same for every backend.
"""

from __future__ import annotations

import re
from functools import lru_cache

from conflictkg.errors import ReadOnlyViolation

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

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\S")


def _strip(cypher: str) -> str:
    """The query with comments removed and string literals/quoted names blanked, so their words are not clauses."""
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
        elif ch in "'\"`":
            j = i + 1
            while j < n and cypher[j] != ch:
                j += 2 if cypher[j] == "\\" and ch != "`" else 1
            out.append(" _ " if ch == "`" else " '' ")
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _procedure(tokens: list[str], start: int) -> str:
    """The dotted procedure name that follows CALL at `start` ('' for a CALL { } subquery)."""
    parts: list[str] = []
    i = start
    while i < len(tokens) and (tokens[i][0].isalpha() or tokens[i][0] == "_"):
        parts.append(tokens[i])
        if i + 1 < len(tokens) and tokens[i + 1] == ".":
            i += 2
        else:
            break
    return ".".join(parts)


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
    """Raise ReadOnlyViolation naming the first clause or procedure that writes or leaves the graph."""
    tokens = _TOKEN.findall(_strip(cypher))
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
