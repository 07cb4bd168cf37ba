"""The one ingest loop: skip unchanged documents, extract the others, write them in input order, report each.

`kg ingest` (`Pipeline`), the API's ingest mutation and the Ray job all run it; they differ only in where the
documents come from and where they are extracted. The loop is the only writer: one writer thread writes a batch
while the next one is extracted, one batch at a time and in input order, and a document is reported ingested once
its batch is written. A document given twice is written once when both copies have the same content (the second is
reported unchanged), and otherwise its second copy is written after its first.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from conflictkg.errors import KGError
from conflictkg.graph.store import GraphStore
from conflictkg.schema.models import Extraction

from .read import RawDocument, ReadFailure
from .write import Writer

UNCHANGED = "already ingested with the same content"

Outcome = list[tuple[int, Extraction | KGError]]
"""A batch's results as (position in the batch, extraction or the error that failed it)."""

Submit = Callable[[list[RawDocument]], Callable[[], Outcome]]
"""Starts extracting a batch and returns how to wait for its results."""

Queued = tuple[str, int, Extraction]
"""A document waiting for its write: its id, its word count and its extraction."""


@dataclass
class DocumentReport:
    document: str
    status: str  # "ingested", "unchanged", "failed"
    message: str = ""
    entities: int = 0
    relations: int = 0
    provisions: int = 0


@dataclass
class IngestReport:
    documents: list[DocumentReport] = field(default_factory=list)
    seconds: float = 0.0
    words: int = 0
    write_seconds: float = 0.0
    """Time spent in the store's writes: near `seconds` means the single writer, not extraction, is the limit."""

    @property
    def failed(self) -> list[DocumentReport]:
        return [d for d in self.documents if d.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for d in self.documents if d.status == status)


class IngestLoop:
    """One ingest run into a store, as a context manager: entering recovers interrupted writes, a clean exit writes
    the last batch. Either `run` it over documents, or feed it documents extracted elsewhere (`fail`, `unchanged`,
    `extracted`, `flush`)."""

    def __init__(self, store: GraphStore, progress: Callable[[DocumentReport], None] | None = None) -> None:
        self.store = store
        self.progress = progress
        self.report = IngestReport()
        self._writer = Writer(store)
        self._known: dict[str, str] = {}  # document id -> the content hash this run has queued for it
        self._seen: set[str] = set()  # documents reported or queued in this run
        self._queued: list[Queued] = []  # the next batch to write
        self._writing: Future[list[Queued]] | None = None
        self._thread: ThreadPoolExecutor | None = None
        self._started = 0.0

    def __enter__(self) -> IngestLoop:
        self._started = time.perf_counter()
        self.store.recover()
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="kg-writer")
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        assert self._thread is not None, "the loop was not entered"
        try:
            if kind is None:
                self.flush()
                self._finish_write()
        finally:  # after a failure, a write under way still ends before the error goes on
            self._thread.shutdown()
            self.report.seconds = time.perf_counter() - self._started

    def run(self, items: Iterable[RawDocument | ReadFailure], submit: Submit, *, batch_size: int,
            window: int = 0) -> None:
        """Ingest documents in batches of `batch_size`, each written as one batch. `submit` extracts a batch; up to
        `window` batches are extracted ahead of the one being written."""
        pending: deque[tuple[list[DocumentReport], list[RawDocument], Callable[[], Outcome]]] = deque()
        for batch in _batches(items, batch_size):
            in_flight = {raw.id for _, todo, _ in pending for raw in todo}  # compared once their results are in
            early: list[DocumentReport] = []
            todo: list[RawDocument] = []
            for item in batch:
                if isinstance(item, ReadFailure):
                    early.append(DocumentReport(item.source, "failed", item.reason))
                elif item.id not in in_flight and self.is_unchanged(item.id, item.sha256):
                    early.append(DocumentReport(item.id, "unchanged", UNCHANGED))
                else:
                    todo.append(item)
                    in_flight.add(item.id)
            pending.append((early, todo, submit(todo) if todo else list))
            while len(pending) > window:
                self._settle(*pending.popleft())
        while pending:
            self._settle(*pending.popleft())

    def _settle(self, early: list[DocumentReport], todo: list[RawDocument], results: Callable[[], Outcome]) -> None:
        for item in early:
            self._emit(item)
        for i, result in results():
            raw = todo[i]
            if isinstance(result, KGError):
                self.fail(raw.id, str(result))
            else:
                self.extracted(raw.id, raw.sha256, len(raw.text.split()), result)
        self.flush()

    def is_unchanged(self, document: str, sha256: str) -> bool:
        """Whether the store holds this content for the document already (or will, once this run's writes end)."""
        known = self._known[document] if document in self._known else self.store.document_sha(document)
        return known == sha256

    def fail(self, document: str, message: str) -> None:
        self._emit(DocumentReport(document, "failed", message))

    def unchanged(self, document: str) -> None:
        self._emit(DocumentReport(document, "unchanged", UNCHANGED))

    def extracted(self, document: str, sha256: str, words: int, extraction: Extraction) -> None:
        """Queue a document for the next write; a second copy of a document is compared with the first one."""
        if document in self._seen and self.is_unchanged(document, sha256):
            self.unchanged(document)
            return
        if any(queued == document for queued, _, _ in self._queued):
            self.flush()  # a batch writes a document once: its first copy goes first
        self._seen.add(document)
        self._known[document] = sha256
        self._queued.append((document, words, extraction))

    @property
    def queued(self) -> int:
        """Documents waiting for the next `flush`."""
        return len(self._queued)

    def flush(self) -> None:
        """Write the queued documents as one batch, once the batch before it is written (and reported)."""
        assert self._thread is not None, "the loop was not entered"
        self._finish_write()
        batch, self._queued = self._queued, []
        if batch:
            self._writing = self._thread.submit(self._write, batch)

    def _write(self, batch: list[Queued]) -> list[Queued]:
        started = time.perf_counter()
        self._writer.run([extraction for _, _, extraction in batch])  # a handful of statements, not ~20 each
        self.report.write_seconds += time.perf_counter() - started
        return batch

    def _finish_write(self) -> None:
        if self._writing is None:
            return
        writing, self._writing = self._writing, None
        for document, words, extraction in writing.result():  # a failed write raises here, before the next one
            self.report.words += words
            self._emit(DocumentReport(document, "ingested", "", len(extraction.entities), len(extraction.relations),
                                      len(extraction.provisions)))

    def _emit(self, item: DocumentReport) -> None:
        self._seen.add(item.document)
        self.report.documents.append(item)
        if self.progress:
            self.progress(item)


def _batches(items: Iterable[RawDocument | ReadFailure], size: int) -> Iterator[list[RawDocument | ReadFailure]]:
    batch: list[RawDocument | ReadFailure] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
