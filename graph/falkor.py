"""The embedded default store: FalkorDB on a unix socket the project runs itself."""

from __future__ import annotations

import atexit
import contextlib
import re
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from conflictkg.errors import ReadOnlyViolation, StoreBusy, StoreError

from .cypher import CypherGraphStore
from .embedded import MAX_QUEUED_QUERIES, QUERY_MEMORY_MB, EmbeddedServer
from .readonly import check_read_only
from .rowcap import cap_rows
from .turns import Turns

T = TypeVar("T")
GRAPH_NAME = "kg"
SOCKET_TIMEOUT = 120.0  # seconds without an answer before the server is asked whether it is busy or hung
FULL_RETRY_SECONDS = 60.0  # how long a write refused because the server's queue is full is tried again
_FULL = "max pending queries exceeded"  # FalkorDB's refusal past MAX_QUEUED_QUERIES (nothing was run)
_MEMORY = "mem consumption exceeded capacity"  # FalkorDB's refusal past QUERY_MEM_CAPACITY
LONG_READ_MS = 200.0  # a read running longer than this makes a write wait for it (see `_yield_to_long_reads`)
MAX_YIELD_SECONDS = 15.0  # how long one write statement waits for long reads at most (the read timeout is 10 s)
ADHOC_WAIT_SECONDS = 30.0  # how long an ad-hoc read waits for its turn (others' ad-hoc reads, writes) at most
_INDEXES = (
    "CREATE INDEX FOR (n:Entity) ON (n.id)",
    "CREATE INDEX FOR (n:Entity) ON (n.name)",
    "CREATE INDEX FOR (n:Entity) ON (n.keys)",  # an array: `$key IN n.keys` is an index lookup
    "CREATE INDEX FOR (n:Entity) ON (n.kind)",
    "CREATE INDEX FOR (d:Document) ON (d.id)",
    "CREATE INDEX FOR (p:Provision) ON (p.id)",
    "CREATE INDEX FOR (ev:Evidence) ON (ev.fact)",
    "CREATE INDEX FOR (ev:Evidence) ON (ev.document)",
)


_UNSENDABLE = re.compile("[\x00\ud800-\udfff]")


def _sendable(value: Any) -> bool:
    """False if a string anywhere in `value` holds a NUL or a lone surrogate.

    Parameters travel inside the query text: a NUL cuts the query short on the server, a lone surrogate is no text.
    """
    if isinstance(value, str):
        return _UNSENDABLE.search(value) is None
    if isinstance(value, Mapping):
        return all(_sendable(k) and _sendable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return all(_sendable(v) for v in value)
    return True


def _check_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    if params and not _sendable(params):
        raise StoreError("a query parameter holds a NUL character or a lone surrogate, which the store cannot take")
    return dict(params or {})


_SCALARS = (str, int, float, bool, type(None))


def _long_read(entry: Any, graph_name: str) -> bool:
    """Whether a GRAPH.INFO running-query entry is a query on this graph running longer than LONG_READ_MS."""
    fields = dict(zip(entry[::2], entry[1::2], strict=False)) if isinstance(entry, list) else {}
    name = fields.get("Graph name")
    name = name.decode() if isinstance(name, bytes) else name
    try:
        return name == graph_name and float(fields.get("Execution duration", 0)) > LONG_READ_MS
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    """Turn FalkorDB client objects into JSON-friendly values (scalars, the bulk of a result, pass straight)."""
    if isinstance(value, _SCALARS):
        return value
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
    """FalkorDB in a data directory; the server starts on first use, not in the constructor.

    When the server dies (killed, out of memory), a read starts it again, from its
    append-only file, and runs once more. A write is never sent twice (it may have
    been applied before the connection broke): it fails with a StoreError, and the
    next call reconnects. One store object may be used from several threads.
    """

    def __init__(self, uri: str | Path, *, graph_name: str = GRAPH_NAME, query_memory_mb: int = QUERY_MEMORY_MB,
                 max_queued_queries: int = MAX_QUEUED_QUERIES) -> None:
        self.uri = str(uri)
        self.server = EmbeddedServer(self.uri, query_memory_mb=query_memory_mb, max_queued_queries=max_queued_queries)
        self.turns = Turns(self.server.data_dir)
        self.graph_name = graph_name
        self._graph: Any = None
        self._db: Any = None
        self._lock = threading.RLock()  # one connect or reset at a time when many threads share the store
        self.socket_timeout = SOCKET_TIMEOUT

    def _connect(self) -> Any:
        with self._lock:
            if self._graph is None:
                from falkordb import FalkorDB
                from redis.backoff import NoBackoff
                from redis.retry import Retry

                socket = self.server.acquire()
                atexit.register(self.close)
                try:
                    # no resending inside the client: a write resent after a broken connection could apply twice
                    self._db = FalkorDB(unix_socket_path=str(socket), retry=Retry(NoBackoff(), 0),
                                        socket_timeout=self.socket_timeout)
                    self._graph = self._db.select_graph(self.graph_name)
                except Exception as exc:
                    self.server.release()
                    raise StoreError(f"cannot connect to the embedded store at {self.uri}: {exc}") from exc
            return self._graph

    def _drop(self, graph: Any) -> None:
        """Forget a connection that broke, unless another thread has already replaced it."""
        with self._lock:
            if self._graph is graph:
                self._reset()

    @staticmethod
    def _rows(result: Any) -> list[dict[str, Any]]:
        names = [h[1] for h in result.header or []]
        return [dict(zip(names, (_plain(v) for v in row), strict=False)) for row in result.result_set or []]

    def _write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        values = _check_params(params)
        graph = self._connect()
        with self.turns.write(MAX_YIELD_SECONDS):  # no ad-hoc read starts until it is applied
            return self._write_now(graph, cypher, values)

    def _write_now(self, graph: Any, cypher: str, values: dict[str, Any]) -> list[dict[str, Any]]:
        import redis

        deadline, pause = time.monotonic() + FULL_RETRY_SECONDS, 0.05
        try:
            self._yield_to_long_reads()
            while True:
                try:
                    return self._rows(graph.query(cypher, values))
                except redis.exceptions.ResponseError as exc:
                    if _MEMORY in str(exc).lower():
                        raise StoreError(f"a write to {self.uri} needed more than the "
                                         f"{self.server.query_memory_mb:,} MB one query may use; nothing of it "
                                         "was applied") from exc
                    if _FULL not in str(exc).lower() or time.monotonic() > deadline:
                        raise
                time.sleep(pause)  # refused before it ran: queued reads go first, then this write again
                pause = min(1.0, pause * 2)
        except redis.exceptions.TimeoutError as exc:
            if self.server.answers():  # busy (its queue is long), not hung: it is left running
                raise StoreBusy(
                    f"the embedded store at {self.uri} is busy: a write waited {self.socket_timeout:.0f} s for an "
                    "answer; it was not retried and completes or not as a whole: run the command again later"
                ) from exc
            self.server.kill()
            self._drop(graph)
            raise StoreError(
                f"the embedded store at {self.uri} stopped answering during a write and was restarted; the write "
                f"was not retried: run the command again ({exc})"
            ) from exc
        except redis.exceptions.ConnectionError as exc:
            self._drop(graph)
            raise StoreError(
                f"the embedded store at {self.uri} went away during a write, which was not retried; "
                f"run the command again: {exc}"
            ) from exc

    def _yield_to_long_reads(self) -> None:
        """Wait (boundedly) while a long read runs on the graph. The engine lets a waiting write go before every
        read that arrives after it, and the write itself waits for the reads already running: a write queued
        behind one slow read would stall every other reader until that read ends. Ad-hoc reads take turns with
        writes (graph/turns.py); this catches the application's own reads that run long on a large graph.
        Waiting here costs the write nothing it would not have waited anyway, and keeps the other readers
        answered."""
        import redis

        if self._db is None:
            return
        until = time.monotonic() + MAX_YIELD_SECONDS
        while time.monotonic() < until:
            try:
                info = self._db.connection.execute_command("GRAPH.INFO", "RunningQueries")
            except redis.exceptions.RedisError:  # no GRAPH.INFO, or no server: the write itself finds out
                return
            running = info[1] if isinstance(info, list) and len(info) > 1 else []
            if not any(_long_read(entry, self.graph_name) for entry in running):
                return
            time.sleep(0.05)

    def read(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, timeout_ms: int = 10_000,
        max_rows: int | None = None, adhoc: bool = False,
    ) -> list[dict[str, Any]]:
        check_read_only(cypher)
        values = _check_params(params)
        if max_rows is not None:
            cypher = cap_rows(cypher, max_rows, values)
        if adhoc:
            self._connect()  # the data directory, where the turns are taken, exists from here on
        with self.turns.adhoc(ADHOC_WAIT_SECONDS) if adhoc else contextlib.nullcontext():
            rows = self._twice(lambda graph: self._read_once(graph, cypher, values, timeout_ms))
        return rows[:max_rows]

    def _twice(self, run: Callable[[Any], T]) -> T:
        """Run `run(graph)`; if the server went away, start it again and run once more.

        Only for work that changes nothing or may be repeated (reads, index creation), never for writes.
        """
        import redis

        graph = self._connect()
        try:
            return run(graph)
        except redis.exceptions.TimeoutError as exc:
            if self.server.answers():  # busy serving others, not hung: never killed for that
                raise StoreBusy(
                    f"the embedded store at {self.uri} is busy: no answer within {self.socket_timeout:.0f} s "
                    "(it answers PING, so it is working through a queue); try again later"
                ) from exc
            self.server.kill()  # it stopped answering (seen once: a deadlock inside CREATE INDEX)
            self._drop(graph)
        except redis.exceptions.ConnectionError:
            self._drop(graph)
        graph = self._connect()  # a dead server is started again here, with everything its append-only file holds
        try:
            return run(graph)
        except redis.exceptions.ConnectionError as exc:
            self._drop(graph)
            raise StoreError(f"the embedded store at {self.uri} went away and did not come back: {exc}") from exc

    def _read_once(self, graph: Any, cypher: str, params: dict[str, Any], timeout_ms: int) -> list[dict[str, Any]]:
        import redis

        try:
            try:
                return self._rows(graph.ro_query(cypher, params, timeout=timeout_ms))
            except redis.exceptions.ResponseError as exc:
                if "empty key" not in str(exc):
                    raise
                # a store nothing was written to yet has no graph key: create the empty graph, then read it
                graph.query("RETURN 1")
                return self._rows(graph.ro_query(cypher, params, timeout=timeout_ms))
        except redis.exceptions.ResponseError as exc:
            if "read-only" in str(exc):
                raise ReadOnlyViolation("this path is read-only: the query tries to write") from exc
            if "timed out" in str(exc):
                raise StoreError(f"query timed out after {timeout_ms} ms") from exc
            if _FULL in str(exc).lower():
                raise StoreBusy(
                    f"the store is at capacity ({self.server.max_queued_queries} queries waiting); try again shortly"
                ) from exc
            if _MEMORY in str(exc).lower():
                raise StoreError(
                    f"query stopped: it needed more than the {self.server.query_memory_mb:,} MB one query may use; "
                    "narrow it (a LIMIT, fewer collected values)"
                ) from exc
            raise StoreError(f"query failed: {exc}") from exc

    def _exclusive(self) -> contextlib.AbstractContextManager[None]:
        return self.server.writing()

    def ensure_schema(self) -> None:
        self._connect()
        with self.turns.write(MAX_YIELD_SECONDS):  # creating an index is a write too
            self._yield_to_long_reads()
            self._twice(self._create_indexes)
        self._add_missing_name_keys()

    @staticmethod
    def _create_indexes(graph: Any) -> None:
        import redis

        for statement in _INDEXES:
            try:
                graph.query(statement)
            except redis.exceptions.ResponseError as exc:
                if "already indexed" not in str(exc):
                    raise StoreError(f"could not create index ({statement}): {exc}") from exc

    def _reset(self) -> None:
        with self._lock:
            if self._db is not None:
                with contextlib.suppress(Exception):  # closing a dead connection may fail in many ways
                    self._db.connection.close()
            self._graph = self._db = None
            self.server.release()

    def close(self) -> None:
        atexit.unregister(self.close)
        self._reset()
