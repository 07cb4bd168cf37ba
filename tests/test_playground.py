"""The GraphiQL playground in headless Chromium: it opens with the corridor query, runs it, shows the answer.

Needs Debian's chromium and, from npm, playwright-core plus the page's own
assets (GraphiQL loads them from unpkg.com, which this network cannot reach; the
browser is served the identical files from node_modules, so their integrity
hashes still hold). Install once, as CI does:

    apt-get install -y chromium
    npm install --prefix /opt/kg-browser --no-save --no-audit --no-fund playwright-core@1 graphiql@3.8.3 \
        @graphiql/plugin-explorer@1.0.2 react@18.2.0 react-dom@18.2.0 js-cookie@3.0.5

KG_BROWSER_NODE_MODULES points elsewhere than /opt/kg-browser/node_modules;
the screenshot goes to KG_TEST_ARTIFACTS (default: the test's tmp_path).
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
from pathlib import Path

import pytest
import uvicorn
from test_api import seeded_store

from conflictkg.api import Settings, create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NODE_MODULES = Path(os.environ.get("KG_BROWSER_NODE_MODULES", "/opt/kg-browser/node_modules"))

DRIVER = r"""
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');
const [url, modules, shot, executable] = process.argv.slice(2);
const TYPES = { '.js': 'application/javascript', '.css': 'text/css' };

(async () => {
  const browser = await chromium.launch({
    executablePath: executable,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // unpkg.com/<package>@<version>/<file> -> node_modules/<package>/<file>
    await page.route('https://unpkg.com/**', async (route) => {
      const match = new URL(route.request().url()).pathname.match(/^\/((?:@[^/]+\/)?[^@/]+)@[^/]+\/(.+)$/);
      const file = match && path.join(modules, match[1], match[2]);
      if (!file || !fs.existsSync(file)) {
        await route.fulfill({ status: 404, body: 'not installed: ' + route.request().url() });
        return;
      }
      await route.fulfill({ body: fs.readFileSync(file), contentType: TYPES[path.extname(file)] || 'text/plain',
                            headers: { 'access-control-allow-origin': '*' } });
    });
    await page.route(/^(?!http:\/\/127\.0\.0\.1)(?!https:\/\/unpkg\.com).*/, (route) => route.abort());
    await page.goto(url);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30000 });
    const editor = await page.locator('.graphiql-query-editor').innerText();
    await page.click('.graphiql-execute-button');
    const result = page.locator('.result-window');
    await result.filter({ hasText: 'Russian peacekeepers' }).waitFor({ timeout: 30000 });
    await page.screenshot({ path: shot });
    console.log(JSON.stringify({ editor, result: await result.innerText() }));
  } finally {
    await browser.close();
  }
})().catch((error) => { console.error(error); process.exit(1); });
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The API over a small graph, served by uvicorn on a free loopback port in a thread."""
    store = seeded_store(tmp_path / "kg")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(store, settings=Settings())
    srv = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}/graphql"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()
    store.close()


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install -y chromium)")
def test_playground_runs_the_corridor_query(server: str, tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node, "node is needed to drive Chromium with playwright-core"
    assert (NODE_MODULES / "playwright-core").is_dir(), (
        f"playwright-core and the GraphiQL assets are not in {NODE_MODULES}: see this module's docstring"
    )
    artefacts = Path(os.environ.get("KG_TEST_ARTIFACTS", tmp_path))
    artefacts.mkdir(parents=True, exist_ok=True)
    shot = artefacts / "playground.png"
    script = tmp_path / "drive.cjs"
    script.write_text(DRIVER, encoding="utf-8")
    done = subprocess.run(
        [node, str(script), server, str(NODE_MODULES), str(shot), str(CHROMIUM)],
        capture_output=True, text=True, timeout=90, env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    page = json.loads(done.stdout.strip().splitlines()[-1])
    assert 'guarantees(corridor: "Lachin corridor")' in page["editor"]
    assert "Azerbaijan" in page["result"] and "Russian peacekeepers" in page["result"]
    assert "Under the trilateral statement, Azerbaijan guarantees safe traffic" in page["result"]
    assert shot.stat().st_size > 10_000
