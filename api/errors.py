"""Errors of the API package; their messages reach the client unmasked, unlike unexpected failures."""

from __future__ import annotations

from typing import Any

from conflictkg.errors import APIError


class AuthError(APIError):
    """A mutation without the right API key."""


class QueryError(APIError):
    """A GraphQL query run in-process returned errors; `errors` holds their messages, `data` any partial data."""

    def __init__(self, errors: list[str], data: Any = None) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.data = data
