"""The ASGI app: GraphQL (and the GraphiQL playground) at /graphql, the explorer at /explore, read-only Cypher at
/cypher, a request body cap, API-key auth.

`create_app(store)` serves a store you opened; `create_app()` reads the
configuration from the environment (KG_STORE, KG_API_KEY, KG_PRODUCTION). The
app is a Starlette app, so it can be mounted in another Starlette/FastAPI app.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import os
import re
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import anyio
import orjson
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from conflictkg.errors import KGError, ReadOnlyViolation, StoreBusy
from conflictkg.graph.readonly import check_params, check_read_only
from conflictkg.graph.store import GraphStore
from conflictkg.loaders.lexicon import DEFAULT_LEXICON
from conflictkg.schema.graphql import build_schema

from .context import Context
from .pages import assets_dir, graphiql_page, web_routes
from .service import GraphService

MAX_BODY_BYTES = 1_000_000
MAX_CYPHER_ROWS = 1_000
CYPHER_TIMEOUT_MS = 10_000
_SUGGESTION = re.compile(r" ?Did you mean .*?\?(?=$)", re.DOTALL)
# GraphQL operations answered at once; more wait their turn. Store reads block their thread, so they run off
# the event loop, in worker threads this bounds (/cypher has threads of its own: a GraphQL read never waits for
# one of those).
MAX_CONCURRENT_READS = 8
# /cypher queries taken at once: the store runs them one at a time, between writes (graph/turns.py); past this
# many running or waiting, a query is answered 503 at once.
MAX_CYPHER_QUERIES = 4
T = TypeVar("T")
_loops = threading.local()


def _on_own_loop(run: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to the end on this worker thread's event loop (one per thread, kept for the next)."""
    loop = getattr(_loops, "loop", None)
    if loop is None:
        loop = _loops.loop = asyncio.new_event_loop()
    return loop.run_until_complete(run())

EXAMPLE_QUERY = """\
# Who guarantees which corridor under which agreement, and says who?
# Run it with the play button or Ctrl-Enter; then try corridor: "Nakhchivan".
{
  guarantees(corridor: "Lachin corridor") {
    guarantor { name }
    corridor { name }
    agreement { name }
    provisionType
    evidence {
      quote
      document { id title published }
    }
  }
}
"""


@dataclass(frozen=True)
class Settings:
    """The API's configuration; `from_env` is the only place that reads it from the environment."""

    api_key: str | None = None
    production: bool = False
    max_body_bytes: int = MAX_BODY_BYTES

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(api_key=env.get("KG_API_KEY") or None, production=env.get("KG_PRODUCTION", "") == "1")

    def write_refusal(self, authorization: str | None, what: str = "mutation") -> str | None:
        """Why a request may not run mutations (or `what` needs the key), or None when its bearer token is the key."""
        if not self.api_key:
            return f"{what}s are disabled: the server was started without KG_API_KEY"
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return f"this {what} needs the API key: send the header `Authorization: Bearer <KG_API_KEY>`"
        if not hmac.compare_digest(token.strip().encode(), self.api_key.encode()):
            return "the API key sent in the Authorization header is not the server's KG_API_KEY"
        return None


def _playground_html(html: str) -> str:
    """Strawberry's GraphiQL page with the corridor question as the query it opens with."""
    literal = EXAMPLE_QUERY.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    return re.sub(r"const EXAMPLE_QUERY = `.*?`;", lambda _: f"const EXAMPLE_QUERY = `{literal}`;", html,
                  count=1, flags=re.DOTALL)


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI GraphQL view with our context (loaders, write permission) and example query."""

    def __init__(self, service: GraphService, settings: Settings, capacity: anyio.CapacityLimiter,
                 assets: Path) -> None:
        super().__init__(build_schema(production=settings.production),
                         graphql_ide=None if settings.production else "graphiql")
        self.service = service
        self.settings = settings
        self.assets = assets
        self.capacity = capacity

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any, context: Context,
                             root_value: Any, request_data: Any) -> ExecutionResult:
        """Each operation runs in a worker thread, on that thread's event loop: resolvers read the store
        synchronously, and a slow read must hold up only its own request, never the server's loop."""
        run = partial(super().execute_single, request, request_adapter, sub_response, context, root_value,
                      request_data)
        return await anyio.to_thread.run_sync(_on_own_loop, run, limiter=self.capacity)

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(self.service, write_refusal=self.settings.write_refusal(request.headers.get("authorization")))

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        """In production, errors do not suggest the schema's names ("Did you mean ...?"): introspection is off."""
        answer = await super().process_result(request, result)
        if self.settings.production:
            for error in answer.get("errors") or []:
                if isinstance(error, dict) and isinstance(error.get("message"), str):
                    error["message"] = _SUGGESTION.sub("", error["message"])
        return answer

    @property
    def graphql_ide_html(self) -> str:
        return graphiql_page(_playground_html(super().graphql_ide_html), self.assets)

    @staticmethod
    def encode_json(data: object) -> bytes:
        """orjson: an answer of hundreds of guarantees is encoded in a tenth of the time `json.dumps` takes.
        (Requests are still decoded by `json`: orjson refuses an escaped lone surrogate in the whole body, where
        the ingest mutation reports it for the one document that holds it.)"""
        try:
            return orjson.dumps(data)
        except orjson.JSONEncodeError:  # what orjson refuses and `json` writes: an integer over 64 bits, a surrogate
            return json.dumps(data, separators=(",", ":")).encode()


def _json_body_problem(scope: Scope, body: bytes) -> str | None:
    """Why a JSON POST to /graphql is unusable (not UTF-8, not a JSON object), before GraphQL parses it."""
    headers = dict(scope.get("headers") or [])
    is_json = headers.get(b"content-type", b"").split(b";")[0].strip() == b"application/json"
    if scope.get("method") != "POST" or scope.get("path") != "/graphql" or not is_json:
        return None
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return f"the request body is not UTF-8 (bad byte at offset {exc.start}); send UTF-8 JSON"
    except json.JSONDecodeError as exc:
        return f"the request body is not JSON ({exc.msg} at offset {exc.pos})"
    except RecursionError:
        return "the request body nests lists and objects too deeply"
    if not isinstance(payload, dict):
        return 'the request body must be a JSON object: {"query": "...", "variables": {...}}'
    return None


class BodySizeLimit:
    """Answer 413 to a request whose body is larger than the cap, and 400 to an unusable GraphQL body,
    before anything parses it."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        problem = _json_body_problem(scope, body)
        if problem:
            response = Response(json.dumps({"errors": [{"message": problem}]}), status_code=400,
                                media_type="application/json")
            await response(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is larger than {self.max_bytes:,} bytes; send fewer or smaller documents"
        response = Response(json.dumps({"errors": [{"message": message}]}), status_code=413,
                            media_type="application/json")
        await response(scope, receive, send)


def create_app(store: GraphStore | None = None, *, settings: Settings | None = None,
               lexicons: Sequence[str | Path] | None = None) -> Starlette:
    """The API over `store`; without one, the store KG_STORE names (closed when the app shuts down). The ingest
    mutation's lexicons: `lexicons`, else those KG_LEXICONS lists (separated by the path separator), else the
    default one."""
    settings = settings or Settings.from_env()
    if lexicons is None:
        lexicons = [x for x in os.environ.get("KG_LEXICONS", "").split(os.pathsep) if x] or [DEFAULT_LEXICON]
    owned = store is None
    if store is None:
        from conflictkg.config import open_configured_store

        store = open_configured_store(None)
    service = GraphService(store, lexicons=lexicons)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        if owned:
            service.close()

    async def home(_: Request) -> Response:
        return RedirectResponse("explore" if settings.production else "graphql")  # (no playground in production)

    capacity = anyio.CapacityLimiter(MAX_CONCURRENT_READS)
    cypher_slots = threading.BoundedSemaphore(MAX_CYPHER_QUERIES)  # (a thread's: not bound to one event loop)

    async def cypher(request: Request) -> Response:
        return await run_cypher(request, service, settings, cypher_slots)

    assets = assets_dir()  # the browser pages' npm libraries (KG_WEB_ASSETS, else the checkout's web/node_modules)
    app = Starlette(
        routes=[Route("/", home), Route("/graphql", GraphQLApp(service, settings, capacity, assets)),
                Route("/cypher", cypher, methods=["POST"]), *web_routes(assets, production=settings.production)],
        middleware=[Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)],
        lifespan=lifespan,
    )
    app.state.service = service
    return app


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


async def run_cypher(request: Request, service: GraphService, settings: Settings,
                     slots: threading.BoundedSemaphore) -> Response:
    """POST /cypher `{query, params}`: a read-only query for analysts, API key required, rows capped."""
    refusal = settings.write_refusal(request.headers.get("authorization"), what="Cypher query")
    if refusal:
        return _error(401, refusal)
    try:
        payload = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return _error(400, 'the body must be JSON, not nested deeper than 32: {"query": "MATCH ...", "params": {...}}')
    query = payload.get("query") if isinstance(payload, dict) else None
    params = payload.get("params") or {} if isinstance(payload, dict) else None
    if not isinstance(query, str) or not query.strip() or not isinstance(params, dict):
        return _error(400, 'send {"query": "<read-only Cypher>", "params": {<name>: <value>}}')
    try:
        check_params(params)
        check_read_only(query)  # refused at once, not after waiting for a turn
        if not slots.acquire(blocking=False):
            raise StoreBusy(f"{MAX_CYPHER_QUERIES} Cypher queries are running or waiting already (they run one at "
                            "a time); try again shortly")
        try:
            read = partial(service.store.read, query, params, timeout_ms=CYPHER_TIMEOUT_MS,
                           max_rows=MAX_CYPHER_ROWS + 1, adhoc=True)
            rows = await anyio.to_thread.run_sync(read)
        finally:
            slots.release()
    except ReadOnlyViolation as exc:
        return _error(403, str(exc))
    except StoreBusy as exc:  # working, but not for this request now: ask again later
        return _error(503, str(exc))
    except KGError as exc:
        return _error(400, str(exc))
    body = {"rows": rows[:MAX_CYPHER_ROWS], "truncated": len(rows) > MAX_CYPHER_ROWS}
    return Response(json.dumps(body, ensure_ascii=False, default=str), media_type="application/json")


def serve(store: GraphStore, *, host: str = "127.0.0.1", port: int = 8000,
          lexicons: Sequence[str | Path] = (DEFAULT_LEXICON,), workers: int = 1) -> None:
    """Run the API with uvicorn until interrupted (what `kg serve` does). With several `workers`, uvicorn runs
    that many processes, each building the app from the environment (KG_STORE, KG_LEXICONS set here), so requests
    are answered in parallel; they share the store's server."""
    import uvicorn

    if workers < 1:
        raise KGError(f"the number of workers must be at least 1, not {workers}")
    if workers == 1:
        uvicorn.run(create_app(store, lexicons=lexicons), host=host, port=port, log_level="info")
        return
    os.environ["KG_STORE"] = store.uri
    os.environ["KG_LEXICONS"] = os.pathsep.join(map(str, lexicons))
    uvicorn.run("conflictkg.api.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="info")
