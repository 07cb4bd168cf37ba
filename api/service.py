"""What outlives a request: the store, its reader, and the ingestion processor (built on first use)."""

from __future__ import annotations

import io
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from conflictkg.errors import APIError
from conflictkg.graph.store import GraphStore
from conflictkg.loaders.lexicon import DEFAULT_LEXICON
from conflictkg.schema.context import TextDocument

from .queries import GraphReader

if TYPE_CHECKING:
    from conflictkg.loaders.ingest import DocumentReport, Outcome
    from conflictkg.loaders.pipeline import DocumentProcessor
    from conflictkg.loaders.read import RawDocument, ReadFailure

MAX_DOCUMENTS = 50
BATCH_SIZE = 16
"""Documents extracted together and written as one batch, as `kg ingest` does."""
MAX_ID_CHARS = 200


def _check_id(doc_id: str) -> None:
    from conflictkg.loaders.read import name_problem

    if not doc_id or len(doc_id) > MAX_ID_CHARS or any(c in doc_id for c in "/\\\x00") or doc_id.strip() != doc_id \
            or name_problem(doc_id):
        raise APIError(
            f"document id {doc_id[:MAX_ID_CHARS]!r} is not usable: give a file-name-like id of 1 to "
            f"{MAX_ID_CHARS} characters, without slashes, surrounding spaces, control characters or direction "
            "overrides"
        )


class GraphService:
    """The store and the pipeline behind one API; writes are serialised, reads are not."""

    def __init__(self, store: GraphStore, *, lexicons: Sequence[str | Path] = (DEFAULT_LEXICON,),
                 max_bytes: int = 20_000_000) -> None:
        self.store = store
        self.reader = GraphReader(store)
        self.lexicons = list(lexicons)
        self.max_bytes = max_bytes
        self._processor: DocumentProcessor | None = None
        self._write_lock = threading.Lock()

    def ingest(self, documents: Sequence[TextDocument]) -> list[DocumentReport]:
        """Run the project's ingest loop over texts: unchanged ones are skipped, changed ones replaced."""
        from conflictkg.loaders.ingest import IngestLoop

        if not documents:
            raise APIError("ingest needs at least one document")
        if len(documents) > MAX_DOCUMENTS:
            raise APIError(f"ingest takes at most {MAX_DOCUMENTS} documents per request; send several requests")
        if len({d.id for d in documents}) != len(documents):
            raise APIError("two documents of one ingest request have the same id")
        for doc in documents:
            _check_id(doc.id)
        published = {doc.id: doc.published for doc in documents}

        def submit(raws: list[RawDocument]) -> Callable[[], Outcome]:
            return lambda: self._extract(raws, published)

        with self._write_lock:
            self.store.ensure_schema()
            with IngestLoop(self.store) as loop:
                loop.run([self._read(doc) for doc in documents], submit, batch_size=BATCH_SIZE)
        reports = {r.document: r for r in loop.report.documents}
        return [reports[d.id] for d in documents]

    def _read(self, doc: TextDocument) -> RawDocument | ReadFailure:
        """The document as the reader makes it of a file, named by its id."""
        from conflictkg.loaders.read import Reader, ReadFailure

        try:
            data = doc.text.encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate from a JSON "\\ud800" escape
            return ReadFailure(source=doc.id, reason=f"{doc.id}: the text is not valid Unicode (a lone surrogate at "
                               f"character {exc.start}); send UTF-8 text")
        read = next(iter(Reader(max_bytes=self.max_bytes, stdin=io.BytesIO(data)).run(["-"])))
        if isinstance(read, ReadFailure):
            reason = read.reason.split(": ", 1)[-1]  # the reader names stdin; the client knows the id
            return ReadFailure(source=doc.id, reason=f"{doc.id}: {reason}")
        return read.model_copy(update={"id": doc.id, "source": f"graphql:{doc.id}"})

    def _extract(self, raws: list[RawDocument], published: dict[str, date | None]) -> Outcome:
        """A batch's extractions, by a processor per publication date; they share one language model."""
        from conflictkg.loaders.lexicon import Lexicon
        from conflictkg.loaders.pipeline import DocumentProcessor

        if self._processor is None:
            self._processor = DocumentProcessor(Lexicon.merged(self.lexicons))
        base = self._processor
        by_date: dict[date | None, list[int]] = defaultdict(list)
        for i, raw in enumerate(raws):
            by_date[published[raw.id]].append(i)
        results: Outcome = []
        for day, positions in by_date.items():
            processor = base if day is None else DocumentProcessor(base.lexicon, published=day, nlp=base.nlp)
            results += [(positions[i], result) for i, result in processor.indexed([raws[i] for i in positions])]
        return sorted(results, key=lambda item: item[0])

    def remove(self, document_id: str) -> bool:
        with self._write_lock:
            return self.store.remove_document(document_id)

    def close(self) -> None:
        self.store.close()
