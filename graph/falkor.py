"""The embedded default store: FalkorDB on a unix socket the project runs itself."""

from __future__ import annotations

import atexit
import contextlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conflictkg.errors import ReadOnlyViolation, StoreError

from .cypher import CypherGraphStore
from .embedded import EmbeddedServer
from .readonly import check_read_only

GRAPH_NAME = "kg"
_INDEXES = (
    "CREATE INDEX FOR (n:Entity) ON (n.id)",
    "CREATE INDEX FOR (n:Entity) ON (n.name)",
    "CREATE INDEX FOR (d:Document) ON (d.id)",
    "CREATE INDEX FOR (p:Provision) ON (p.id)",
    "CREATE INDEX FOR (ev:Evidence) ON (ev.fact)",
    "CREATE INDEX FOR (ev:Evidence) ON (ev.document)",
)


def _plain(value: Any) -> Any:
    """Turn FalkorDB client objects into JSON-friendly values."""
    from falkordb.edge import Edge
    from falkordb.node import Node
    from falkordb.path import Path as GraphPath

    if isinstance(value, Node):
        return {"_labels": list(value.labels or []), **dict(value.properties)}
    if isinstance(value, Edge):
        return {"_type": value.relation, **dict(value.properties)}
    if isinstance(value, GraphPath):
        return {"nodes": [_plain(n) for n in value.nodes()], "edges": [_plain(e) for e in value.edges()]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class FalkorStore(CypherGraphStore):
    """FalkorDB in a data directory; the server starts on first use, not in the constructor."""

    def __init__(self, uri: str | Path, *, graph_name: str = GRAPH_NAME) -> None:
        self.uri = str(uri)
        self.server = EmbeddedServer(self.uri)
        self.graph_name = graph_name
        self._graph: Any = None
        self._db: Any = None

    def _connect(self) -> Any:
        if self._graph is None:
            from falkordb import FalkorDB

            socket = self.server.acquire()
            atexit.register(self.close)
            try:
                self._db = FalkorDB(unix_socket_path=str(socket))
                self._graph = self._db.select_graph(self.graph_name)
            except Exception as exc:
                self.server.release()
                raise StoreError(f"cannot connect to the embedded store at {self.uri}: {exc}") from exc
        return self._graph

    @staticmethod
    def _rows(result: Any) -> list[dict[str, Any]]:
        names = [h[1] for h in result.header or []]
        return [dict(zip(names, (_plain(v) for v in row), strict=False)) for row in result.result_set or []]

    def _write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        import redis

        try:
            return self._rows(self._connect().query(cypher, dict(params or {})))
        except redis.exceptions.ConnectionError as exc:
            self._reset()
            raise StoreError(f"the embedded store at {self.uri} went away: {exc}") from exc

    def read(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, timeout_ms: int = 10_000
    ) -> list[dict[str, Any]]:
        import redis

        check_read_only(cypher)
        try:
            try:
                return self._rows(self._connect().ro_query(cypher, dict(params or {}), timeout=timeout_ms))
            except redis.exceptions.ResponseError as exc:
                if "empty key" not in str(exc):
                    raise
                # a store nothing was written to yet has no graph key: create the empty graph, then read it
                self._connect().query("RETURN 1")
                return self._rows(self._connect().ro_query(cypher, dict(params or {}), timeout=timeout_ms))
        except redis.exceptions.ResponseError as exc:
            if "read-only" in str(exc):
                raise ReadOnlyViolation("this path is read-only: the query tries to write") from exc
            if "timed out" in str(exc):
                raise StoreError(f"query timed out after {timeout_ms} ms") from exc
            raise StoreError(f"query failed: {exc}") from exc
        except redis.exceptions.ConnectionError as exc:
            self._reset()
            raise StoreError(f"the embedded store at {self.uri} went away: {exc}") from exc

    def ensure_schema(self) -> None:
        import redis

        graph = self._connect()
        for statement in _INDEXES:
            try:
                graph.query(statement)
            except redis.exceptions.ResponseError as exc:
                if "already indexed" not in str(exc):
                    raise StoreError(f"could not create index ({statement}): {exc}") from exc

    def _reset(self) -> None:
        if self._db is not None:
            with contextlib.suppress(Exception):  # closing a dead connection may fail in many ways
                self._db.connection.close()
        self._graph = self._db = None
        self.server.release()

    def close(self) -> None:
        atexit.unregister(self.close)
        self._reset()
