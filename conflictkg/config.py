"""Settings read from the environment, for the entry points only: the `kg` command, the API's `create_app` and the
Ray job's command line. Everything below them takes its settings as arguments."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conflictkg.graph.store import GraphStore

DEFAULT_STORE = "./kg-data"


def store_uri(given: str | None, env: Mapping[str, str] | None = None) -> str:
    """The store a command names, else $KG_STORE, else ./kg-data."""
    env = os.environ if env is None else env
    return given or env.get("KG_STORE") or DEFAULT_STORE


def check_reachable(uri: str, timeout: float = 3.0) -> None:
    """Fail within seconds, in one line, when nothing answers at a Neo4j URI (its driver retries for a minute)."""
    import socket
    from urllib.parse import urlsplit

    from conflictkg.errors import StoreError

    try:
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port or 7687
    except ValueError as exc:
        raise StoreError(f"{uri} is not a usable store URI ({exc}); use neo4j://host:7687") from exc
    if not host:
        raise StoreError(f"{uri} names no host; use neo4j://host:7687")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise StoreError(f"cannot reach Neo4j at {host}:{port} ({reason}); start it, or check --store / KG_STORE") \
            from exc


def open_configured_store(given: str | None, env: Mapping[str, str] | None = None) -> GraphStore:
    """The store a command names, else $KG_STORE, else ./kg-data; Neo4j credentials from NEO4J_USER and
    NEO4J_PASSWORD, its database from NEO4J_DATABASE."""
    from conflictkg.graph.store import open_store

    env = os.environ if env is None else env
    uri = given or env.get("KG_STORE")
    if uri and "://" in uri:
        check_reachable(uri)
        user, password = env.get("NEO4J_USER", "neo4j"), env.get("NEO4J_PASSWORD")
        return open_store(uri, auth=(user, password) if password else None, database=env.get("NEO4J_DATABASE"))
    return open_store(uri)  # None: the default directory


def ray_address(given: str | None, env: Mapping[str, str] | None = None) -> str:
    """The Ray cluster a command names, else $RAY_ADDRESS (set by `ray job submit`), else "local"."""
    env = os.environ if env is None else env
    return given or env.get("RAY_ADDRESS") or "local"
