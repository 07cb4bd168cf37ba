"""Turns between writes and ad-hoc reads on one embedded store, across every process that uses it.

An ad-hoc read is a user's Cypher (`/cypher`, `kg cypher`): it may run until its timeout. FalkorDB commits a
write holding the server's global lock while it waits for the reads already running on the graph, so a write
statement that met a 10 s ad-hoc read froze the whole server, every other read and even PING, until that read
ended (measured by benchmarks/abuse.py; a check of what runs before writing cannot see a read that starts just
after it). So an ad-hoc read runs only while no write statement does, one at a time per store (it also leaves
the engine's other threads to the application's own reads), and a write waiting for one goes before the next.
Ad-hoc reads also get at most half of the time: after one that ran d seconds, the next starts d seconds later
at the earliest (at most MAX_REST), so back-to-back slow queries cannot keep a core of a small machine busy.

File locks (flock) in the data directory: they hold across processes and threads (each turn opens its own
file), and the kernel drops them when a process dies, so a crashed user never blocks the store.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from conflictkg.errors import StoreBusy

log = logging.getLogger(__name__)
POLL_SECONDS = 0.01
MAX_REST = 10.0  # seconds an ad-hoc read that ran long keeps the next one waiting at most


def _try(handle: IO[str], mode: int) -> bool:
    try:
        fcntl.flock(handle, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class Turns:
    """The turn files of a data directory; nothing is opened until a turn is taken."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _open(self, name: str) -> IO[str]:
        return open(self.folder / name, "a+")  # noqa: SIM115 - closed by the caller's with

    @staticmethod
    def _rest(turn: IO[str]) -> float:
        """Seconds until the next ad-hoc read may start, as the last one wrote in the turn file it holds."""
        turn.seek(0)
        try:
            return min(float(turn.read()) - time.time(), MAX_REST)  # (bounded: the wall clock may have jumped)
        except ValueError:  # nothing written yet
            return 0.0

    @contextlib.contextmanager
    def adhoc(self, wait: float) -> Iterator[None]:
        """Hold the store for one ad-hoc read: no write statement and no other ad-hoc read runs meanwhile. Waits
        while another holds it or a writer waits for it; StoreBusy after `wait` seconds."""
        deadline = time.monotonic() + wait
        with self._open("adhoc.lock") as turn, self._open("write-intent.lock") as intent:
            while True:
                rest = 0.0
                if _try(intent, fcntl.LOCK_SH):  # no writer is waiting or writing
                    taken = _try(turn, fcntl.LOCK_EX)
                    fcntl.flock(intent, fcntl.LOCK_UN)
                    if taken:
                        rest = self._rest(turn)
                        if rest <= 0:
                            break
                        fcntl.flock(turn, fcntl.LOCK_UN)  # (writes go on meanwhile)
                if time.monotonic() + rest >= deadline:
                    why = (f"Cypher queries get at most half of the store's time: the next may start in {rest:.1f} s"
                           if rest > 0 else f"another Cypher query or a write has held the store for {wait:.0f} s; "
                           "Cypher queries run one at a time, between writes")
                    raise StoreBusy(f"{why}; try again shortly")
                time.sleep(POLL_SECONDS)
            started = time.time()
            try:
                yield
            finally:
                ended = time.time()
                turn.seek(0)
                turn.truncate()
                turn.write(repr(ended + min(ended - started, MAX_REST)))  # when the next may start
                turn.flush()
                fcntl.flock(turn, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def write(self, wait: float) -> Iterator[bool]:
        """Hold the store for one write statement; no ad-hoc read starts meanwhile. Yields False if an ad-hoc
        read still ran after `wait` seconds: the write then goes ahead anyway (the engine makes it wait)."""
        with self._open("write-intent.lock") as intent, self._open("adhoc.lock") as turn:
            fcntl.flock(intent, fcntl.LOCK_EX)  # held by another writer for one statement at most
            try:
                deadline, told = time.monotonic() + wait, False
                while not (taken := _try(turn, fcntl.LOCK_EX)) and time.monotonic() < deadline:
                    if not told:
                        log.info("a write waits for a Cypher query on %s to end", self.folder)
                        told = True
                    time.sleep(POLL_SECONDS)
                try:
                    yield taken
                finally:
                    if taken:
                        fcntl.flock(turn, fcntl.LOCK_UN)
            finally:
                fcntl.flock(intent, fcntl.LOCK_UN)
