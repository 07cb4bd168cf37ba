"""The GraphQL schema, code-first with strawberry; `schema/schema.graphql` is exported from it.

Types mirror the ontology (Actor, Territory, Agreement, Event implement `Entity`;
Provision, Document, Evidence): `types.py`. The root fields are in `resolvers.py`,
Relay-style paging in `pagination.py`, and what the resolvers need from the server
that runs them (the store reads, the request's DataLoaders, the writes) in
`context.py`, as protocols the API implements. This module adds the limits and
error masking.

Run `python -m conflictkg.schema.graphql > schema/schema.graphql` after changing it.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from conflictkg.errors import KGError
from conflictkg.schema.cost import cost_limit
from conflictkg.schema.pagination import MAX_PAGE

from .resolvers import Mutation, Query
from .types import Actor, Agreement, Event, Territory

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 2000
CACHED_QUERIES = 256  # distinct query texts whose parse and validation are kept


def _should_mask(error: GraphQLError) -> bool:
    """Mask unexpected exceptions only: expected failures (KGError) and validation errors keep their message."""
    original = error.original_error
    return original is not None and not isinstance(original, KGError | GraphQLError)


class KGSchema(strawberry.Schema):
    """Logs unexpected errors only (with their traceback); expected failures are answers, not incidents."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        super().process_errors([e for e in errors if _should_mask(e)], execution_context)


def build_schema(*, production: bool = False) -> strawberry.Schema:
    """The schema with its limits; `production` also switches introspection off."""
    # The limits' validation rules are built once, so that a query text seen before is neither parsed nor
    # validated again (the caches key on the rules too); validating a query costs more than answering many.
    rules = [*QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
             *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules, cost_limit(page=MAX_PAGE)]
    extensions: list[Any] = [  # factories: each request gets fresh extension instances
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(ParserCache, maxsize=CACHED_QUERIES),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=CACHED_QUERIES),
        partial(MaskErrors, should_mask_error=_should_mask),
    ]
    if production:
        extensions.append(DisableIntrospection)
    return KGSchema(query=Query, mutation=Mutation, types=[Actor, Territory, Agreement, Event],
                    extensions=extensions)


schema = build_schema()

if __name__ == "__main__":  # pragma: no cover
    print(schema.as_str())
