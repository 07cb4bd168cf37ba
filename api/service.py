"""What outlives a request: the store, its reader, and the ingestion pipeline (built on first use)."""

from __future__ import annotations

import io
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from conflictkg.graph.store import GraphStore
from conflictkg.loaders.lexicon import DEFAULT_LEXICON

from .errors import APIError
from .queries import GraphReader

if TYPE_CHECKING:
    from conflictkg.loaders.pipeline import DocumentProcessor, DocumentReport

MAX_DOCUMENTS = 50
MAX_ID_CHARS = 200


@dataclass(frozen=True)
class TextDocument:
    """A document sent as text; `id` plays the part of a file name."""

    id: str
    text: str
    published: date | None = None


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

    def _base_processor(self) -> DocumentProcessor:
        if self._processor is None:
            from conflictkg.loaders.lexicon import Lexicon
            from conflictkg.loaders.pipeline import DocumentProcessor

            self._processor = DocumentProcessor(Lexicon.merged(self.lexicons))
        return self._processor

    def ingest(self, documents: Sequence[TextDocument]) -> list[DocumentReport]:
        """Run the project's pipeline over texts: unchanged ones are skipped, changed ones replaced."""
        from conflictkg.loaders.pipeline import DocumentProcessor, DocumentReport
        from conflictkg.loaders.read import RawDocument, Reader, ReadFailure
        from conflictkg.loaders.write import Writer

        if not documents:
            raise APIError("ingest needs at least one document")
        if len(documents) > MAX_DOCUMENTS:
            raise APIError(f"ingest takes at most {MAX_DOCUMENTS} documents per request; send several requests")
        if len({d.id for d in documents}) != len(documents):
            raise APIError("two documents of one ingest request have the same id")
        for doc in documents:
            _check_id(doc.id)
        reports: dict[str, DocumentReport] = {}
        todo: dict[date | None, list[RawDocument]] = defaultdict(list)
        with self._write_lock:
            self.store.ensure_schema()
            self.store.recover()
            for doc in documents:
                try:
                    data = doc.text.encode("utf-8")
                except UnicodeEncodeError as exc:  # a lone surrogate from a JSON "\\ud800" escape
                    reports[doc.id] = DocumentReport(
                        doc.id, "failed", f"{doc.id}: the text is not valid Unicode (a lone surrogate at character "
                        f"{exc.start}); send UTF-8 text",
                    )
                    continue
                read = next(iter(Reader(max_bytes=self.max_bytes, stdin=io.BytesIO(data)).run(["-"])))
                if isinstance(read, ReadFailure):
                    reason = read.reason.split(": ", 1)[-1]  # the reader names stdin; the client knows the id
                    reports[doc.id] = DocumentReport(doc.id, "failed", f"{doc.id}: {reason}")
                    continue
                raw = read.model_copy(update={"id": doc.id, "source": f"graphql:{doc.id}"})
                if self.store.document_sha(raw.id) == raw.sha256:
                    reports[doc.id] = DocumentReport(doc.id, "unchanged", "already ingested with the same content")
                else:
                    todo[doc.published].append(raw)
            base = self._base_processor()
            writer = Writer(self.store)
            for published, raws in todo.items():
                processor = base if published is None else DocumentProcessor(
                    base.lexicon, published=published, nlp=base.nlp
                )
                for raw, result in processor.process(raws):
                    if isinstance(result, Exception):
                        reports[raw.id] = DocumentReport(raw.id, "failed", str(result))
                        continue
                    writer.run([result])
                    reports[raw.id] = DocumentReport(raw.id, "ingested", "", len(result.entities),
                                                     len(result.relations), len(result.provisions))
        return [reports[d.id] for d in documents]

    def remove(self, document_id: str) -> bool:
        with self._write_lock:
            return self.store.remove_document(document_id)

    def close(self) -> None:
        self.store.close()
