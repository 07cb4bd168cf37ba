"""What every benchmark shares: where the shared material is, and how a run is recorded."""

from __future__ import annotations

import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip() or "?"
    return f"{platform.machine()}, {cores} cores, Python {platform.python_version()}"


def versions(*packages: str) -> str:
    return ", ".join(f"{p} {version(p)}" for p in packages)


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False)
    return out.stdout.strip() or "uncommitted"


def record(title: str, body: str) -> None:
    """Append one run to RESULTS.md under a dated heading."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        ""
        if RESULTS.exists()
        else "# Benchmark results\n\nEach section is one run, appended by the script named in it.\n"
    )
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(f"{header}\n## {title} ({stamp}, commit {commit()})\n\n{body.rstrip()}\n")


def publish(title: str, body: str, *, keep: bool) -> None:
    """Print a run's figures and, unless asked not to (`--no-record`), append them to RESULTS.md."""
    print(body)
    if keep:
        record(title, body)
        print(f"\nappended to {RESULTS}")
