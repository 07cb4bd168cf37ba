"""What a connection's `after` cursor may hold, checked before it reaches a comparison or the store.

A cursor this API gives out is base64 of a JSON list of strings (a sort key). A forged
one (`[1]`, `[null, null]`, deep JSON, megabytes of text) is an argument error naming
`after`, never an unexpected error from comparing a string with a number.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from conflictkg.errors import APIError

MAX_CURSOR_CHARS = 4096


def cursor_key(cursor: str) -> list[str]:
    """The sort key `cursor` holds; an APIError naming `after` when it is not a cursor this API gave out."""
    refusal = APIError(f"after: {cursor[:40]!r} is not a cursor this API gave out; pass pageInfo.endCursor of the "
                       "previous page, or leave `after` out for the first page")
    if len(cursor) > MAX_CURSOR_CHARS:
        raise refusal
    try:
        key: Any = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error, RecursionError) as exc:
        raise refusal from exc
    if not isinstance(key, list) or not key or not all(isinstance(part, str) for part in key):
        raise refusal
    return key
