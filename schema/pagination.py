"""Relay-style connections with keyset pagination: a cursor is the key of the last item of a page."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from conflictkg.errors import APIError
from conflictkg.schema.cursors import cursor_key

MAX_PAGE = 100
DEFAULT_PAGE = 20

T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type(description="A page of results (Relay-style): pass pageInfo.endCursor as `after` for the next.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


def cursor_of(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def _uncursor(cursor: str) -> list[Any]:
    return cursor_key(cursor)


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise APIError(f"first must be between 0 and {MAX_PAGE}; page through more with `after`")
    return size


def key_mark(after: str, parts: int, field: str) -> list[str]:
    """The key (`parts` strings) a cursor of the connection `field` holds."""
    mark = _uncursor(after)
    if len(mark) != parts or not all(isinstance(part, str) for part in mark):
        raise APIError(f"after: {after[:40]!r} is not a cursor of `{field}`")
    return mark


def paginate(items: Iterable[tuple[list[Any], T]], first: int | None, after: str | None) -> Connection[T]:
    """Keyset pagination over items sorted by their key (a list of strings)."""
    size = page_size(first)
    ordered = sorted(items, key=lambda item: item[0])
    start = 0
    if after:
        mark = _uncursor(after)
        start = next((i for i, (key, _) in enumerate(ordered) if key > mark), len(ordered))
    page = ordered[start : start + size]
    edges = [Edge(node=node, cursor=cursor_of(key)) for key, node in page]
    return connection(edges, total=len(ordered), following=len(ordered) - start, size=size)


def connection(edges: list[Edge[T]], *, total: int, following: int, size: int) -> Connection[T]:
    """The connection of one page of `size` taken from the `following` items after the cursor, of `total`."""
    return Connection(edges=edges, total_count=total, page_info=PageInfo(
        has_next_page=following > size, has_previous_page=total > following,
        start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))
