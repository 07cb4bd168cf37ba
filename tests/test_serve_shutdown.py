"""`kg serve` closes its store on every way out: SIGTERM, SIGINT, a port already taken."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_embedded import gone
from test_server_fault import servers_for

from conflictkg.graph.falkor import FalkorStore

KG = str(Path(sys.executable).parent / "kg")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(store: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen([KG, "serve", "--store", str(store), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_serving(proc: subprocess.Popen[str], port: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/graphql?query={{__typename}}", timeout=5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("kg serve did not answer")


def assert_nothing_left(data: Path) -> None:
    store = FalkorStore(data)
    assert store.server.server_pid() is None
    assert servers_for(store) == []
    clients = data / "clients"
    assert not clients.exists() or list(clients.iterdir()) == []


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_serve_leaves_no_server_behind(tmp_path: Path, how: signal.Signals) -> None:
    """issue 13 item 3: SIGTERM (what systemd and Docker send) stops `kg serve` like Ctrl-C: the embedded server
    is stopped and the client registration removed."""
    data, port = tmp_path / "kg", free_port()
    proc = serve(data, port)
    wait_until_serving(proc, port)
    pid = FalkorStore(data).server.server_pid()
    assert pid is not None
    proc.send_signal(how)
    proc.communicate(timeout=60)
    assert gone(pid)
    assert_nothing_left(data)


def test_a_port_in_use_leaves_no_server_behind(tmp_path: Path) -> None:
    """issue 13 item 3: `kg serve` on a port another program holds fails, and closes the store it opened."""
    data = tmp_path / "kg"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        proc = serve(data, int(taken.getsockname()[1]))
        _, stderr = proc.communicate(timeout=120)
    assert proc.returncode != 0
    assert_nothing_left(data)
