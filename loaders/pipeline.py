"""The ingestion pipeline: read -> normalise -> metadata -> recognise -> resolve -> extract -> write.

`DocumentProcessor` turns one raw document into an Extraction (a pure function of
the text and the lexicon, so it can run in worker processes); `Pipeline` feeds it
files through the ingest loop (`ingest.py`), which writes each result through the
store interface. With `workers > 1` the extraction runs in a process pool while
this process stays the only writer, writing the results batch by batch in input
order, so the graph is the same as with one worker.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from conflictkg.errors import KGError
from conflictkg.graph.store import GraphStore
from conflictkg.schema.models import DocumentMeta, Extraction, Mention

from .extract import ExtractionInput, RelationExtractor
from .ingest import DocumentReport, IngestLoop, IngestReport, Outcome, Submit
from .lexicon import DEFAULT_LEXICON, Lexicon
from .llm_extract import FactExtractor, GroundedExtracted
from .metadata import MetadataExtractor
from .nlp import build_nlp
from .normalise import NormalisedText, Normaliser
from .parts import parse
from .read import RawDocument, Reader
from .recognise import Recogniser
from .resolve import Resolver

MAX_NLP_CHARS = 2_000_000
YOUNG_OBJECTS_PER_COLLECTION = 10_000
"""How many new objects start a garbage collection during an ingest (Python's default is 700). Parsing and
extracting make millions of short-lived objects, which reference counting frees; collecting as often as the
default, each older-generation pass walking the hundreds of thousands of objects the lexicon and model keep,
cost about 4% of an ingest (measured: 0.9 s of 21 s on 300 documents, 0.2 s at this threshold)."""


class DocumentProcessor:
    """Everything between the raw text and the Extraction, with the NLP model loaded once."""

    def __init__(
        self, lexicon: Lexicon, *, published: date | None = None, nlp: Any = None,
        extractor: FactExtractor | None = None,
    ) -> None:
        self.lexicon = lexicon
        self.published = published
        self._nlp = nlp
        self.normaliser = Normaliser()
        self.metadata = MetadataExtractor()
        self.resolver = Resolver(lexicon)
        self.extractor = extractor or RelationExtractor(lexicon)  # the rules, unless the LLM was asked for

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = build_nlp(self.lexicon)
        return self._nlp

    def prepare(self, raw: RawDocument) -> tuple[NormalisedText, DocumentMeta]:
        norm = self.normaliser.run(raw)
        if not norm.text.strip():
            raise KGError(f"{raw.id}: nothing left after removing boilerplate; is this an article?")
        if len(norm.text) > MAX_NLP_CHARS:
            raise KGError(
                f"{raw.id}: {len(norm.text):,} characters of text is more than the {MAX_NLP_CHARS:,} one document "
                "may have; split it into smaller documents"
            )
        return norm, self.metadata.run(raw, norm, self.published)

    def extract(self, raw: RawDocument, norm: NormalisedText, meta: DocumentMeta, doc: Any) -> Extraction:
        recognised = Recogniser(self.nlp, self.lexicon).from_doc(doc)
        resolved = self.resolver.run(recognised, meta.published)
        result = self.extractor.run(
            ExtractionInput(resolved, raw.id, raw.text, meta.published, norm.span_to_original, norm.text)
        )
        mentions = []
        for m in [*resolved.mentions, *resolved.extra_mentions]:
            if not m.explicit:
                continue
            start, end = norm.span_to_original(m.start, m.end)
            mentions.append(Mention(entity_id=m.entity_id, surface=raw.text[start:end], start=start, end=end,
                                    rule=m.rule))
        if isinstance(result, GroundedExtracted):  # names only the LLM found, located in the text
            mentions += result.mentions
        mentioned = {m.entity_id for m in mentions}
        # a fact is written only when every entity it names is a node of this document
        relations = [r for r in result.relations if {r.subject, r.object} <= mentioned]
        provisions = [
            p for p in result.provisions if {p.agreement, *p.obliges, *p.concerns, *p.benefits} <= mentioned
        ]
        return Extraction(
            document=meta,
            entities=[e for e in result.entities if e.id in mentioned],
            mentions=mentions,
            relations=relations,
            provisions=provisions,
        )

    def process(self, raws: Sequence[RawDocument]) -> Iterator[tuple[RawDocument, Extraction | KGError]]:
        """Extractions for a batch of documents; the NLP runs over the batch with nlp.pipe."""
        prepared: list[tuple[RawDocument, NormalisedText, DocumentMeta]] = []
        for raw in raws:
            try:
                norm, meta = self.prepare(raw)
            except KGError as exc:
                yield raw, exc
                continue
            prepared.append((raw, norm, meta))
        docs = parse(self.nlp, [norm.text for _, norm, _ in prepared], batch_size=8)  # long texts in parts
        for (raw, norm, meta), doc in zip(prepared, docs, strict=True):
            try:  # an extractor that fails (an unreachable LLM endpoint) fails this document only
                result: Extraction | KGError = self.extract(raw, norm, meta, doc)
            except KGError as exc:
                result = exc
            yield raw, result

    def indexed(self, raws: Sequence[RawDocument]) -> Outcome:
        """`process` with each result tagged by its position in `raws` (results travel without their text)."""
        position = {id(raw): i for i, raw in enumerate(raws)}
        return [(position[id(raw)], result) for raw, result in self.process(raws)]


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Garbage collections at YOUNG_OBJECTS_PER_COLLECTION for the length of an ingest, the caller's setting after."""
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


_worker: DocumentProcessor | None = None


def _init_worker(lexicon: Lexicon, published: date | None, parent: int) -> None:
    """Build the worker's processor once; its model loads on the first batch, so a failure reaches the parent.

    Ctrl-C is left to the parent, which lets running batches finish; a parent killed outright (SIGKILL) would
    leave its workers waiting for work forever, so each worker exits when its parent is gone.
    """
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, *gc.get_threshold()[1:])  # a worker only ingests
    threading.Thread(target=_exit_without, args=(parent,), daemon=True, name="parent-watch").start()
    _worker = DocumentProcessor(lexicon, published=published)


def _exit_without(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _extract_in_worker(raws: list[RawDocument]) -> Outcome:
    assert _worker is not None, "the pool initializer did not run"
    return _worker.indexed(raws)


class Pipeline:
    """Ingest files into a store with `IngestLoop`, extracting in this process or in a pool of `workers`."""

    def __init__(
        self,
        store: GraphStore,
        lexicons: Sequence[str | Path] = (DEFAULT_LEXICON,),
        *,
        published: date | None = None,
        max_bytes: int | None = None,
        batch_size: int = 16,
        processor: DocumentProcessor | None = None,
        workers: int = 1,
    ) -> None:
        if workers > 1 and processor is not None:
            raise ValueError("workers > 1 builds a rules processor in each worker; a given processor cannot be used")
        self.store = store
        self.lexicon_sources = list(lexicons)
        self.published = published
        self.max_bytes = max_bytes
        self.batch_size = batch_size
        self._processor = processor
        self.workers = max(1, workers)

    @property
    def processor(self) -> DocumentProcessor:
        if self._processor is None:
            self._processor = DocumentProcessor(Lexicon.merged(self.lexicon_sources), published=self.published)
        return self._processor

    def ingest(
        self, paths: Sequence[str | Path], progress: Callable[[DocumentReport], None] | None = None
    ) -> IngestReport:
        reader = Reader(max_bytes=self.max_bytes) if self.max_bytes else Reader()
        with _fewer_collections(), IngestLoop(self.store, progress) as loop, self._extraction() as submit:
            window = 2 * self.workers if self.workers > 1 else 0  # batches extracted ahead of the one being written
            loop.run(reader.run(paths), submit, batch_size=self.batch_size, window=window)
        return loop.report

    @contextmanager
    def _extraction(self) -> Iterator[Submit]:
        """`submit(raws)` starts extracting a batch and returns how to wait for its results."""
        if self.workers == 1:
            yield lambda raws: lambda: self.processor.indexed(raws)
            return
        lexicon = Lexicon.merged(self.lexicon_sources)  # a bad lexicon fails here, not in every worker
        spawn = multiprocessing.get_context("spawn")  # no forked copy of this process's store connection
        pool = ProcessPoolExecutor(self.workers, mp_context=spawn, initializer=_init_worker,
                                   initargs=(lexicon, self.published, os.getpid()))
        try:
            yield lambda raws: pool.submit(_extract_in_worker, raws).result
        finally:  # after a failure, batches not started yet are dropped rather than extracted for nothing
            pool.shutdown(cancel_futures=True)
