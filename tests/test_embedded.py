"""The embedded FalkorDB server: started on first use, shared, recovered after a crash, stopped at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conflictkg.errors import StoreError
from conflictkg.graph.embedded import _pid_alive
from conflictkg.graph.falkor import FalkorStore
from conflictkg.graph.store import open_store


def gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def python(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


HOLD = """
    import sys
    from conflictkg.graph.falkor import FalkorStore
    store = FalkorStore(sys.argv[1])
    store.read("RETURN 1 AS one")
    print(store.server.server_pid(), flush=True)
    sys.stdin.readline()
    store.close()
"""


def test_server_starts_on_first_use_and_stops_at_close(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path / "kg")
    assert store.server.server_pid() is None  # the constructor starts nothing
    assert not store.server.socket_path.exists()

    assert store.read("RETURN 1 AS one") == [{"one": 1}]
    pid = store.server.server_pid()
    assert pid is not None and _pid_alive(pid)
    assert store.server.socket_path.exists()
    assert store.server.pid_file.read_text().strip() == str(pid)

    store.close()
    assert gone(pid)
    assert not store.server.socket_path.exists()
    assert not store.server.pid_file.exists()
    store.close()  # closing twice is harmless


def test_replies_are_parsed_by_hiredis(tmp_path: Path) -> None:
    """redis-py's pure-Python parser made large reads three times slower; the C parser must be the one in use."""
    store = FalkorStore(tmp_path / "kg")
    try:
        store.read("RETURN 1 AS one")
        connection = store._db.connection.connection_pool.get_connection()
        try:
            assert type(connection._parser).__name__ == "_HiredisParser"
        finally:
            store._db.connection.connection_pool.release(connection)
    finally:
        store.close()


def test_two_stores_in_one_process_share_one_server(tmp_path: Path) -> None:
    first, second = FalkorStore(tmp_path / "kg"), FalkorStore(tmp_path / "kg")
    first.read("RETURN 1 AS one")
    second.read("RETURN 1 AS one")
    pid = first.server.server_pid()
    assert pid is not None and second.server.server_pid() == pid

    first.close()
    assert _pid_alive(pid), "the server stopped while another store still used it"
    assert second.read("RETURN 2 AS two") == [{"two": 2}]

    second.close()
    assert gone(pid)
    assert not second.server.socket_path.exists()


def test_a_second_process_shares_the_running_server(tmp_path: Path) -> None:
    data = tmp_path / "kg"
    store = open_store(data)
    assert isinstance(store, FalkorStore)
    store.read("RETURN 1 AS one")
    pid = store.server.server_pid()

    other = python(HOLD, str(data))
    assert other.stdout is not None and other.stdin is not None
    assert int(other.stdout.readline()) == pid  # it connected to our server rather than starting one

    store.close()
    assert _pid_alive(pid), "the server stopped while the other process still used it"

    other.stdin.write("done\n")
    other.stdin.flush()
    assert other.wait(timeout=30) == 0, other.stderr.read() if other.stderr else ""
    assert gone(pid), "the last user left but the server kept running"


def test_the_server_stops_when_the_process_exits_without_closing(tmp_path: Path) -> None:
    data = tmp_path / "kg"
    proc = python(
        """
        import sys
        from conflictkg.graph.falkor import FalkorStore
        store = FalkorStore(sys.argv[1])
        store.read("RETURN 1 AS one")
        print(store.server.server_pid(), flush=True)
        """,
        str(data),
    )
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    pid = int(out)
    assert gone(pid)
    assert not (data / "falkordb.sock").exists()
    assert not (data / "falkordb.pid").exists()


def test_stale_pid_and_socket_files_are_cleaned_up(tmp_path: Path) -> None:
    data = tmp_path / "kg"
    data.mkdir()
    store = FalkorStore(data)
    store.server.pid_file.write_text(f"{dead_pid()}\n")
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(store.server.socket_path))  # a socket file nobody listens on
    stale.close()
    assert store.server.socket_path.exists()

    assert store.read("RETURN 1 AS one") == [{"one": 1}]
    pid = store.server.server_pid()
    assert pid is not None and store.server.pid_file.read_text().strip() == str(pid)
    store.close()
    assert gone(pid)


def test_a_killed_server_is_replaced_and_keeps_its_data(tmp_path: Path) -> None:
    data = tmp_path / "kg"
    store = FalkorStore(data)
    store.ensure_schema()
    store._write("CREATE (:Document {id: 'kept', status: 'complete'})")
    pid = store.server.server_pid()
    assert pid is not None
    os.kill(pid, signal.SIGKILL)  # a crash: pid file and socket are left behind
    assert gone(pid)
    assert store.server.pid_file.exists()

    # the read finds the connection broken, releases it, starts a new server and reads once more
    assert store.read("MATCH (d:Document) RETURN d.id AS id") == [{"id": "kept"}]
    new_pid = store.server.server_pid()
    assert new_pid is not None and new_pid != pid

    fresh = FalkorStore(data)  # another user also sees the recovered server and the data
    assert fresh.read("MATCH (d:Document) RETURN count(d) AS n") == [{"n": 1}]
    fresh.close()
    store.close()
    assert gone(new_pid)


def test_a_crashed_client_does_not_keep_the_server_alive(tmp_path: Path) -> None:
    data = tmp_path / "kg"
    proc = python(
        """
        import os, sys
        from conflictkg.graph.falkor import FalkorStore
        store = FalkorStore(sys.argv[1])
        store.read("RETURN 1 AS one")
        print(store.server.server_pid(), flush=True)
        os._exit(0)  # no atexit, no close: the client registration stays behind
        """,
        str(data),
    )
    out, err = proc.communicate(timeout=60)
    pid = int(out)
    assert _pid_alive(pid)  # orphaned server

    store = FalkorStore(data)
    store.read("RETURN 1 AS one")
    assert store.server.server_pid() == pid  # reused, not started twice
    store.close()
    assert gone(pid), "a dead client's registration kept the server running"


def test_data_persists_across_stop_and_start(tmp_path: Path) -> None:
    data = tmp_path / "kg"
    store = FalkorStore(data)
    store.ensure_schema()
    store._write("CREATE (:Document {id: 'persisted', status: 'complete'})")
    pid = store.server.server_pid()
    store.close()
    assert pid is not None and gone(pid)
    assert any((data / "appendonlydir").iterdir())

    again = FalkorStore(data)
    assert again.read("MATCH (d:Document) RETURN d.id AS id") == [{"id": "persisted"}]
    assert again.server.server_pid() != pid
    again.close()


def test_a_long_data_dir_path_puts_the_socket_in_the_temp_dir(tmp_path: Path) -> None:
    data = tmp_path / ("deep" * 15) / ("nested" * 10)
    assert len(str(data / "falkordb.sock")) > 100
    store = FalkorStore(data)
    sock = store.server.socket_path
    assert not str(sock).startswith(str(data))
    assert len(str(sock)) <= 100
    assert store.read("RETURN 1 AS one") == [{"one": 1}]
    assert sock.exists()
    pid = store.server.server_pid()
    store.close()
    assert pid is not None and gone(pid)
    assert not sock.exists()


def test_a_data_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "kg"
    not_a_dir.write_text("I am a file")
    store = FalkorStore(not_a_dir)
    with pytest.raises(StoreError, match="cannot use .* as the data directory"):
        store.read("RETURN 1 AS one")
    store.close()


def test_a_server_that_does_not_come_up_is_started_once_more(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from conflictkg.graph.embedded import EmbeddedServer

    real_start = EmbeddedServer._start
    starts: list[int] = []

    def first_start_hangs(self: EmbeddedServer) -> None:
        starts.append(1)
        real_start(self)
        if len(starts) == 1:  # up, but as if it had not answered within the start timeout
            raise StoreError("FalkorDB did not come up in 20s")

    monkeypatch.setattr(EmbeddedServer, "_start", first_start_hangs)
    store = FalkorStore(tmp_path / "kg")
    try:
        store.ensure_schema()
        assert store.stats()["documents"] == 0
        assert len(starts) == 2
    finally:
        store.close()
