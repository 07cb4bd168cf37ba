"""The browser pages (GraphiQL at /graphql, the explorer at /explore) and the libraries they load, all served here.

Analysts of conflicts often work on closed networks, so no page loads anything from
another host. The libraries come from npm with a lockfile (`web/package.json`,
installed by `make web`) into a folder this module serves read-only under /vendor;
a server started without them answers its pages with the exact set-up step that is
missing instead of a blank page.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

ASSETS_ENV = "KG_WEB_ASSETS"
# the folder `make web` fills in a source checkout (git-ignored)
SOURCE_ASSETS = Path(__file__).resolve().parents[1] / "web" / "node_modules"
# the explorer's own page, script and style (package data)
OWN_FILES = Path(__file__).resolve().parent / "web"
# the npm packages a page may load (the dependencies of web/package.json); nothing else of the folder is served
VENDOR_PACKAGES = frozenset({"@graphiql/plugin-explorer", "cytoscape", "graphiql", "js-cookie", "react", "react-dom"})
# what the explorer loads, with the version web/package.json pins
EXPLORER_NEEDS = (("cytoscape", "dist/cytoscape.esm.min.mjs"),)
SETUP_STEP = (
    "In the project's source folder run `make web` (it runs `npm ci --prefix web`, which installs the browser "
    "libraries pinned in web/package-lock.json into web/node_modules), then restart `kg serve`. "
    "Installed elsewhere? Point the server at that node_modules folder with the environment variable KG_WEB_ASSETS."
)
_MEDIA_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".map": "application/json",
                ".json": "application/json", ".woff2": "font/woff2", ".woff": "font/woff", ".svg": "image/svg+xml"}
# a library on a CDN as strawberry's GraphiQL page names it: https://unpkg.com/<package>@<version>/<file>
CDN_URL = re.compile(r"https://unpkg\.com/((?:@[^/@\"]+/)?[^/@\"]+)@([^/\"]+)/([^\"]+)")


def assets_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the npm packages are: KG_WEB_ASSETS, else the source checkout's web/node_modules."""
    env = os.environ if env is None else env
    return Path(env[ASSETS_ENV]) if env.get(ASSETS_ENV) else SOURCE_ASSETS


def _installed_version(assets: Path, package: str) -> str | None:
    try:
        return str(json.loads((assets / package / "package.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def missing(assets: Path, wanted: Iterable[tuple[str, str | None, str]]) -> list[str]:
    """What of (package, version or None for any, file) is not installed in `assets`, one sentence each."""
    problems = []
    for package, version, file in wanted:
        installed = _installed_version(assets, package)
        if installed is None:
            problems.append(f"the npm package {package} is not installed in {assets}")
        elif version is not None and installed != version:
            problems.append(f"{package} {installed} is installed in {assets}, but this page needs version {version}")
        elif not (assets / package / file).is_file():
            problems.append(f"{assets / package / file} is missing")
    return problems


def setup_page(page: str, problems: Iterable[str]) -> str:
    """A page that says why `page` cannot be shown and which set-up step is missing (instead of a blank page)."""
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Set-up step missing</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}"
        "code{background:#eee;padding:0 .2em}</style></head><body>"
        f"<h1>The {html.escape(page)} cannot start: its browser libraries are not installed</h1>"
        "<p>This server serves every script and style of its pages itself (nothing is loaded from the internet), "
        f"and these are missing:</p><ul>{items}</ul>"
        f"<p id=\"setup-step\">{html.escape(SETUP_STEP)}</p>"
        "<p>The GraphQL API itself works without them: POST your queries to <code>graphql</code>.</p>"
        "</body></html>"
    )


def graphiql_page(cdn_page: str, assets: Path) -> str:
    """Strawberry's GraphiQL page with each library it names on unpkg.com served by this server instead
    (same package, same version, so the page's integrity hashes still hold); the set-up page when one is missing."""
    wanted = [(m.group(1), m.group(2), m.group(3)) for m in CDN_URL.finditer(cdn_page)]
    problems = missing(assets, wanted)
    if problems:
        return setup_page("GraphQL playground", problems)
    local = CDN_URL.sub(lambda m: f"vendor/{m.group(1)}/{m.group(3)}", cdn_page)
    return local.replace("crossorigin\n", "\n").replace(" crossorigin ", " ")


def _vendor_file(assets: Path, path: str) -> Response:
    """One file of an allowed npm package (GET /vendor/<package>/<file>), never a path outside it."""
    parts = path.split("/")
    cut = 2 if parts[0].startswith("@") else 1
    package, rest = "/".join(parts[:cut]), "/".join(parts[cut:])
    if package not in VENDOR_PACKAGES or not rest:
        return PlainTextResponse(f"{path} is not one of the browser libraries this server serves", status_code=404)
    root = (assets / package).resolve()
    file = (root / rest).resolve()
    if not file.is_relative_to(root) or not file.is_file():
        hint = "" if root.is_dir() else " " + SETUP_STEP
        return PlainTextResponse(f"{path} is not installed.{hint}", status_code=404)
    return FileResponse(file, media_type=_MEDIA_TYPES.get(file.suffix, "application/octet-stream"),
                        headers={"cache-control": "public, max-age=3600"})


# the explorer's page loads scripts and styles from this server only, and talks to its GraphQL API only
_EXPLORER_POLICY = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                    "object-src 'none'; base-uri 'none'; frame-ancestors 'self'")


def web_routes(assets: Path, *, production: bool) -> list[BaseRoute]:
    """/explore (the explorer), /explore/static (its own script and style) and /vendor (the npm libraries of
    both pages, from `assets`). Every URL the pages use is relative, so the app can be mounted under a prefix."""

    async def explore(_: Request) -> Response:
        problems = missing(assets, [(p, None, f) for p, f in EXPLORER_NEEDS])
        if problems:
            return HTMLResponse(setup_page("explorer", problems), status_code=503)
        page = (OWN_FILES / "explorer.html").read_text(encoding="utf-8")
        playground = "" if production else '<a href="graphql">GraphQL playground</a>'
        return HTMLResponse(page.replace("<!--playground-->", playground),
                            headers={"content-security-policy": _EXPLORER_POLICY})

    async def vendor(request: Request) -> Response:
        return _vendor_file(assets, request.path_params["path"])

    return [Route("/explore", explore), Mount("/explore/static", StaticFiles(directory=OWN_FILES, check_dir=False)),
            Route("/vendor/{path:path}", vendor)]
