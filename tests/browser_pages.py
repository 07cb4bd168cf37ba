"""What the browser tests share: the seeds' graph, the API served on a loopback port, and the Chromium driver.

The pages are driven in Debian's chromium by playwright-core (both installed by
`make test`: chromium with apt-get, which needs root, playwright-core with the
pages' own libraries by `make web`, which does not). The driver aborts every
request to a host other than 127.0.0.1 and reports it: the pages must work with
no internet access. Screenshots go to KG_TEST_ARTIFACTS (default: the test's
tmp_path).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from conflictkg.api import Settings, create_app
from conflictkg.api.pages import assets_dir
from conflictkg.cli import app as cli
from conflictkg.graph.falkor import FalkorStore

DRIVER = Path(__file__).resolve().parent / "browser" / "drive.cjs"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail("Debian's chromium is missing: `make browser` installs it (apt-get install chromium, as root)")
    return found


def node_modules() -> Path:
    modules = assets_dir()
    if not (modules / "playwright-core").is_dir():
        pytest.fail(f"playwright-core and the pages' libraries are not in {modules}: run `make web`")
    return modules


def ingest_seeds(data_dir: Path) -> FalkorStore:
    """The seed corpus through `kg ingest` with the default lexicon, as a user would build the graph."""
    if not SEEDS.is_dir():
        pytest.fail(f"the seed corpus is missing at {SEEDS}; the suite needs ../shared next to the project")
    result = CliRunner().invoke(cli, ["ingest", str(SEEDS), "--store", str(data_dir)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return FalkorStore(data_dir)


@contextmanager
def serving(store: FalkorStore, settings: Settings) -> Iterator[str]:
    """The API over `store`, served by uvicorn on a free loopback port in a thread; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store, settings=settings), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert server.started, "uvicorn did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def drive(scenario: str, base: str, artefacts: Path) -> dict[str, Any]:
    """Run one scenario of tests/browser/drive.cjs; returns what the pages showed."""
    node = shutil.which("node")
    assert node, "node is needed to drive Chromium with playwright-core"
    modules = node_modules()
    artefacts.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [node, str(DRIVER), scenario, base, str(artefacts), chromium()],
        capture_output=True, text=True, timeout=180, env={**os.environ, "NODE_PATH": str(modules)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    page: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert page["aborted"] == [], f"the page tried to load from another host: {page['aborted']}"
    assert page["errors"] == [], f"the page reported errors: {page['errors']}"
    return page


def artefacts_dir(tmp_path: Path, name: str) -> Path:
    root = os.environ.get("KG_TEST_ARTIFACTS")
    return Path(root) / name if root else tmp_path


def assert_drawn(screenshot: dict[str, Any], *, min_ink: float = 0.05) -> None:
    """A screenshot with content: many colours, and a good share of pixels unlike the background."""
    assert Path(screenshot["file"]).stat().st_size > 10_000, screenshot
    assert screenshot["colours"] > 100 and screenshot["ink"] > min_ink, screenshot


def graphql(base: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]
