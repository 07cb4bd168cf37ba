"""Makes the README's picture of the explorer, docs/explorer.png, with the browser tests' own machinery: the graph of
../shared/seeds (ingested with `kg ingest` into a temporary folder), served on a loopback port, drawn in Debian's
chromium with every other host refused; the page's "readme" scenario (tests/browser/drive.cjs) takes the shot.

Run it from the project root after `make browser`: `.venv/bin/python tests/browser/screenshot.py`.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))  # (browser_pages is a module of the tests, not of the package)

from browser_pages import drive, ingest_seeds, serving  # noqa: E402

from conflictkg.api import Settings  # noqa: E402

DOCS = TESTS.parent / "docs"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        store = ingest_seeds(Path(scratch) / "kg")
        try:
            with serving(store, Settings()) as base:
                shot = drive("readme", base, DOCS)["screenshots"]["explorer"]
        finally:
            store.close()
    print(f"wrote {shot['file']} ({shot['width']}x{shot['height']}, {shot['colours']} colours)")


if __name__ == "__main__":
    main()
