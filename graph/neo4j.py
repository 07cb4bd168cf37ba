"""Neo4j through the official driver: managed transactions for writes, routed reads with a timeout.

The Cypher comes from `CypherGraphStore`, shared with the embedded store. The
constructor only records settings; the driver connects on first use.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from conflictkg.errors import ReadOnlyViolation, StoreError

from .cypher import CypherGraphStore
from .readonly import check_read_only
from .rowcap import cap_rows

# ResultSummary.query_type of an EXPLAINed query; only "r" may run on the read path.
_QUERY_TYPES = {"rw": "read-write", "w": "write", "s": "schema-changing"}

_SCHEMA = (
    "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT document_id IF NOT EXISTS FOR (d:Document) REQUIRE d.id IS UNIQUE",
    "CREATE CONSTRAINT provision_id IF NOT EXISTS FOR (p:Provision) REQUIRE p.id IS UNIQUE",
    "CREATE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)",
    "CREATE INDEX entity_kind IF NOT EXISTS FOR (n:Entity) ON (n.kind)",
    "CREATE INDEX evidence_fact IF NOT EXISTS FOR (ev:Evidence) ON (ev.fact)",
    "CREATE INDEX evidence_document IF NOT EXISTS FOR (ev:Evidence) ON (ev.document)",
    "CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (n:Entity) ON EACH [n.name]",
    "CREATE CONSTRAINT write_lock_id IF NOT EXISTS FOR (l:WriteLock) REQUIRE l.id IS UNIQUE",
)
# How long the write lock of a writer that died holding it blocks the others (a batch takes seconds).
LEASE_MS = 300_000
# Takes the one write lock node if it is free or its holder's lease ran out; returns a row only then.
_TAKE_LOCK = ("MERGE (l:WriteLock {id: 'writer'}) WITH l WHERE l.owner IS NULL OR l.expires < timestamp() "
              "SET l.owner = $owner, l.expires = timestamp() + $lease RETURN l.owner AS owner")


class Neo4jStore(CypherGraphStore):
    """A Neo4j 5 server (or cluster/Aura) as the graph store."""

    def __init__(self, uri: str, *, auth: tuple[str, str] | None = None, database: str | None = None) -> None:
        self.uri = uri
        self.auth = auth
        self.database = database
        self._driver: Any = None

    def _connect(self) -> Any:
        if self._driver is None:
            try:
                import neo4j
            except ImportError as exc:
                raise StoreError("the Neo4j backend needs the driver: pip install 'conflictkg[neo4j]'") from exc
            self._driver = neo4j.GraphDatabase.driver(self.uri, auth=self.auth)
        return self._driver

    def _write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        import neo4j

        def work(tx: Any) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(cypher, dict(params or {}))]

        try:
            with self._connect().session(database=self.database) as session:
                result: list[dict[str, Any]] = session.execute_write(work)
                return result
        except neo4j.exceptions.Neo4jError as exc:
            raise StoreError(f"Neo4j refused a write: {exc.message}") from exc
        except neo4j.exceptions.DriverError as exc:
            raise StoreError(f"cannot reach Neo4j at {self.uri}: {exc}") from exc

    def read(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, timeout_ms: int = 10_000,
        max_rows: int | None = None, adhoc: bool = False,  # (Neo4j's reads never hold its writes back)
    ) -> list[dict[str, Any]]:
        import neo4j

        check_read_only(cypher)
        values = dict(params or {})
        if max_rows is not None:
            cypher = cap_rows(cypher, max_rows, values)
        try:
            # the planner's verdict catches writes a token scan can miss; check_read_only catches what plans as a
            # read yet leaves the graph (LOAD CSV, dbms.* procedures)
            _, planned, _ = self._connect().execute_query(
                neo4j.Query(f"EXPLAIN {cypher}", timeout=timeout_ms / 1000), values,
                routing_=neo4j.RoutingControl.READ, database_=self.database,
            )
            if planned.query_type != "r":
                kind = _QUERY_TYPES.get(planned.query_type, repr(planned.query_type))
                raise ReadOnlyViolation(f"read-only query refused: Neo4j plans it as a {kind} query")
            records, _, _ = self._connect().execute_query(
                neo4j.Query(cypher, timeout=timeout_ms / 1000), values,
                routing_=neo4j.RoutingControl.READ, database_=self.database,
            )
        except neo4j.exceptions.ClientError as exc:
            if "write" in (exc.message or "").lower() and "read" in (exc.message or "").lower():
                raise ReadOnlyViolation("this path is read-only: the query tries to write") from exc
            if "TransactionTimedOut" in (exc.code or ""):
                raise StoreError(f"query timed out after {timeout_ms} ms") from exc
            raise StoreError(f"query failed: {exc.message}") from exc
        except neo4j.exceptions.DriverError as exc:
            raise StoreError(f"cannot reach Neo4j at {self.uri}: {exc}") from exc
        return [record.data() for record in records[:max_rows]]

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """A lease on one lock node: writers on other machines see it; a holder that died frees it in LEASE_MS."""
        owner = uuid.uuid4().hex
        while not self._write(_TAKE_LOCK, {"owner": owner, "lease": LEASE_MS}):
            time.sleep(0.2)
        try:
            yield
        finally:
            self._write("MATCH (l:WriteLock {id: 'writer', owner: $owner}) SET l.owner = null", {"owner": owner})

    def ensure_schema(self) -> None:
        for statement in _SCHEMA:
            self._write(statement)
        self._add_missing_name_keys()  # Neo4j cannot index list elements: `$key IN n.keys` scans the entities

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None
