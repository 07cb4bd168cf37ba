"""In-process access to the GraphQL API: the same schema and resolvers, no HTTP server.

    from conflictkg import KnowledgeGraph
    with KnowledgeGraph.open("./kg-data") as kg:
        data = kg.query("{ guarantees { guarantor { name } corridor { name } } }")
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conflictkg.loaders.lexicon import DEFAULT_LEXICON


class KnowledgeGraph:
    """A store plus the GraphQL schema; mutations are allowed (the caller owns the store anyway)."""

    def __init__(self, store: Any, *, lexicons: Sequence[str | Path] = (DEFAULT_LEXICON,)) -> None:
        from conflictkg.api.service import GraphService

        self.service = GraphService(store, lexicons=lexicons)

    @classmethod
    def open(cls, uri: str | Path | None = None, *, lexicons: Sequence[str | Path] = (DEFAULT_LEXICON,),
             **options: Any) -> KnowledgeGraph:
        """Open the store a path or URI names (options go to the backend); nothing starts until the first query."""
        from conflictkg.graph.store import open_store

        return cls(open_store(uri, **options), lexicons=lexicons)

    def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run a GraphQL query or mutation and return its `data`; raise QueryError when it has errors."""
        return asyncio.run(self.aquery(query, variables))

    async def aquery(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """`query` for callers already inside an event loop."""
        from conflictkg.api.context import Context
        from conflictkg.api.errors import QueryError
        from conflictkg.schema.graphql import schema

        result = await schema.execute(query, variable_values=variables,
                                      context_value=Context(self.service, write_refusal=None))
        if result.errors:
            raise QueryError([e.message for e in result.errors], result.data)
        return result.data or {}

    def close(self) -> None:
        self.service.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
