"""The optional LLM extractor against a stub OpenAI-compatible server: grounding and schema enforcement only."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import KG, MINI_LEXICON, flat
from pydantic import ValidationError

from conflictkg.errors import KGError
from conflictkg.loaders.extract import ExtractionInput
from conflictkg.loaders.lexicon import Lexicon
from conflictkg.loaders.llm_extract import (
    CHUNK_CHARS,
    EntityItem,
    GroundedExtracted,
    LLMExtractor,
    RelationItem,
    chunks,
)
from conflictkg.loaders.normalise import Normaliser
from conflictkg.loaders.read import RawDocument
from conflictkg.loaders.resolve import Resolved
from conflictkg.schema.ontology import ENTITY_LABELS, PREDICATES, PROVISION_TYPES

# A share bar the normaliser drops, so every offset after it shifts; a line break inside a sentence.
TEXT = (
    "Share | Tweet | Email\n"
    "Envoys meet again over the Syunik route\n"
    "\n"
    "Nikol Pashinyan rejected the peace treaty draft on Tuesday, his office said.\n"
    "Under the Washington declaration, Armenia guarantees\n"
    "unimpeded transit through Syunik to Nakhchivan by 1 June 2025.\n"
    "Elena Marchetti, an envoy of the European Union, attended the talks in Geneva.\n"
)
NO_QUALIFIERS = dict.fromkeys(["date", "valid_from", "valid_to", "deadline", "size", "duration", "role", "how"])

# What a model answered for TEXT, with one invented quote and two answers outside the ontology.
FACTS: dict[str, Any] = {
    "entities": [
        {"name": "Nikol Pashinyan", "label": "Actor", "kind": "Person"},
        {"name": "peace treaty", "label": "Agreement", "kind": "Treaty"},
        {"name": "Washington declaration", "label": "Agreement", "kind": "Declaration"},
        {"name": "Armenia", "label": "Actor", "kind": "State"},
        {"name": "Syunik", "label": "Territory", "kind": "Province"},
        {"name": "Nakhchivan", "label": "Territory", "kind": "Exclave"},
        {"name": "Elena Marchetti", "label": "Actor", "kind": "Person"},
        {"name": "European Union", "label": "Actor", "kind": "Organization"},
        {"name": "Geneva", "label": "Actor", "kind": "Settlement"},
    ],
    "relations": [
        {"subject": "Nikol Pashinyan", "predicate": "REJECTED", "object": "peace treaty",
         "quote": "Nikol Pashinyan rejected the peace treaty draft on Tuesday", "qualifiers": NO_QUALIFIERS},
        {"subject": "Elena Marchetti", "predicate": "MEMBER_OF", "object": "European Union",
         "quote": "Elena Marchetti, an envoy of the European Union, attended the talks in Geneva.",
         "qualifiers": NO_QUALIFIERS | {"role": "envoy"}},
        {"subject": "Armenia", "predicate": "CONTROLS", "object": "Nakhchivan",
         "quote": "Armenia has taken control of Nakhchivan.", "qualifiers": NO_QUALIFIERS},
        {"subject": "Armenia", "predicate": "NEGOTIATED", "object": "Washington declaration",
         "quote": "Under the Washington declaration", "qualifiers": NO_QUALIFIERS},
    ],
    "provisions": [
        {"type": "GUARANTEE_PASSAGE", "agreement": "Washington declaration", "obliges": ["Armenia"],
         "concerns": ["Syunik", "Nakhchivan"], "benefits": [],
         "quote": "Under the Washington declaration, Armenia guarantees unimpeded transit through Syunik to "
                  "Nakhchivan by 1 June 2025.",
         "qualifiers": NO_QUALIFIERS | {"deadline": "1 June 2025"}},
        {"type": "OPEN_BORDERS", "agreement": "Washington declaration", "obliges": ["Armenia"],
         "concerns": ["Syunik"], "benefits": [], "quote": "Under the Washington declaration",
         "qualifiers": NO_QUALIFIERS},
    ],
}


def completion(content: str) -> bytes:
    """A chat-completions response body as OpenAI-compatible servers send it."""
    return json.dumps({
        "id": "chatcmpl-5b1f0c", "object": "chat.completion", "created": 1741090000, "model": "test-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1210, "completion_tokens": 402, "total_tokens": 1612},
    }).encode()


RECORDED = completion(json.dumps(FACTS))


class Stub:
    """The replies to give, in order (the last one repeats), and the requests received."""

    def __init__(self) -> None:
        self.url = ""
        self.replies: list[tuple[int, bytes]] = [(200, RECORDED)]
        self.requests: list[dict[str, Any]] = []


@pytest.fixture
def stub() -> Iterator[Stub]:
    state = Stub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append({"path": self.path, "authorization": self.headers.get("Authorization"),
                                   "body": body})
            status, payload = state.replies.pop(0) if len(state.replies) > 1 else state.replies[0]
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/v1"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.from_yaml(MINI_LEXICON)


def run(stub: Stub, lexicon: Lexicon, text: str = TEXT, **options: Any) -> GroundedExtracted:
    """The extractor over a document as the pipeline hands it over (no recognised entities, to stay fast)."""
    raw = RawDocument(id="talks.txt", text=text, source="talks.txt", media_type="text", encoding="utf-8",
                      sha256="0")
    norm = Normaliser().run(raw)
    inp = ExtractionInput(Resolved(doc=None), raw.id, raw.text, date(2025, 3, 6), norm.span_to_original, norm.text)
    return LLMExtractor(lexicon, stub.url, "test-model", timeout=5, **options).run(inp)


def test_facts_are_grounded_at_their_offsets_in_the_original_text(stub: Stub, lexicon: Lexicon) -> None:
    out = run(stub, lexicon)
    evidence = [e for fact in [*out.relations, *out.provisions] for e in fact.evidence]
    assert evidence
    for e in evidence:
        assert TEXT[e.start : e.end] == e.quote
        assert (e.extractor, e.confidence, e.document) == ("llm:test-model@0.1", 0.6, "talks.txt")
    relations = {(r.subject, r.predicate, r.object): r for r in out.relations}
    assert set(relations) == {
        ("nikol_pashinyan", "REJECTED", "armenia_azerbaijan_peace_treaty"),
        ("elena_marchetti", "MEMBER_OF", "european_union"),
    }
    rejected = relations["nikol_pashinyan", "REJECTED", "armenia_azerbaijan_peace_treaty"].evidence[0]
    assert rejected.start == TEXT.index("Nikol Pashinyan rejected")  # after the dropped share bar
    assert relations["elena_marchetti", "MEMBER_OF", "european_union"].qualifiers == {"role": "envoy"}

    [provision] = out.provisions
    assert (provision.provision_type, provision.agreement, provision.obliges, provision.concerns) == (
        "GUARANTEE_PASSAGE", "washington_declaration_2025", ["armenia"], ["syunik", "nakhchivan"]
    )
    assert provision.qualifiers == {"deadline": "2025-06-01"}
    # the model's quote had a space where the text breaks the line: the evidence quotes the text
    assert "guarantees\nunimpeded" in provision.evidence[0].quote

    # a person no lexicon knows becomes an entity, located where the text names it
    assert {"id": "elena_marchetti", "label": "Actor", "kind": "Person"}.items() <= dict(
        next(e for e in out.entities if e.id == "elena_marchetti")
    ).items()
    marchetti = [m for m in out.mentions if m.entity_id == "elena_marchetti"]
    assert [(m.start, m.surface) for m in marchetti] == [(TEXT.index("Elena Marchetti"), "Elena Marchetti")]


def test_a_fact_with_an_invented_quote_is_dropped(stub: Stub, lexicon: Lexicon) -> None:
    out = run(stub, lexicon)
    assert all(r.predicate != "CONTROLS" for r in out.relations)


def test_answers_outside_the_ontology_are_rejected(stub: Stub, lexicon: Lexicon) -> None:
    out = run(stub, lexicon)
    assert {r.predicate for r in out.relations} <= PREDICATES
    assert [p.provision_type for p in out.provisions] == ["GUARANTEE_PASSAGE"]
    assert "geneva" not in {e.id for e in out.entities}  # an Actor cannot be a Settlement
    with pytest.raises(ValidationError, match="unknown predicate 'NEGOTIATED'"):
        RelationItem.model_validate(FACTS["relations"][3])
    with pytest.raises(ValidationError, match="Actor/Settlement"):
        EntityItem.model_validate(FACTS["entities"][-1])


def test_the_request_carries_the_ontology_schema_and_the_bearer_key(stub: Stub, lexicon: Lexicon) -> None:
    run(stub, lexicon, api_key="sk-local-test")
    [request] = stub.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] == "Bearer sk-local-test"
    body = request["body"]
    assert body["model"] == "test-model"
    assert "Share | Tweet" not in body["messages"][-1]["content"]  # the normalised text is sent
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    props = fmt["json_schema"]["schema"]["properties"]
    assert props["relations"]["items"]["properties"]["predicate"]["enum"] == sorted(PREDICATES)
    assert props["provisions"]["items"]["properties"]["type"]["enum"] == sorted(PROVISION_TYPES)
    assert props["entities"]["items"]["properties"]["label"]["enum"] == sorted(ENTITY_LABELS)

    stub.requests.clear()
    run(stub, lexicon)
    assert stub.requests[0]["authorization"] is None


@pytest.mark.parametrize(
    "reply",
    [
        completion("Here are the facts I found: Armenia rejected the draft."),
        completion(json.dumps({"entities": [], "relations": []})),
        completion(json.dumps({"entities": "none", "relations": [], "provisions": []})),
        json.dumps({"error": {"message": "model not loaded"}}).encode(),
    ],
    ids=["prose", "missing-key", "wrong-type", "no-choices"],
)
def test_a_malformed_reply_is_a_clear_error(stub: Stub, lexicon: Lexicon, reply: bytes) -> None:
    stub.replies = [(200, reply)]
    with pytest.raises(KGError, match=f"talks.txt: LLM endpoint {stub.url}/chat/completions sent a reply"):
        run(stub, lexicon)


def test_a_server_error_is_retried_once(stub: Stub, lexicon: Lexicon) -> None:
    stub.replies = [(503, b"{}"), (200, RECORDED)]
    assert run(stub, lexicon).relations
    assert len(stub.requests) == 2

    stub.replies = [(500, b"overloaded")]
    with pytest.raises(KGError, match="answered HTTP 500: overloaded"):
        run(stub, lexicon)


def test_long_texts_go_in_paragraph_chunks_and_stay_grounded(stub: Stub, lexicon: Lexicon) -> None:
    filler = "".join(f"Background note {i}: the committee reviewed its procedures again.\n\n" for i in range(120))
    text = filler + TEXT.split("\n", 1)[1]
    pieces = chunks(text)
    assert len(pieces) == 2 and "".join(p for _, p in pieces) == text
    assert all(len(p) <= CHUNK_CHARS for _, p in pieces) and pieces[0][1].endswith("\n\n")

    out = run(stub, lexicon, text=text)
    assert len(stub.requests) == 2
    evidence = [e for fact in [*out.relations, *out.provisions] for e in fact.evidence]
    assert len(evidence) == 3  # each fact once: its quote is only in the second chunk
    assert all(text[e.start : e.end] == e.quote and e.start > len(filler) - 1 for e in evidence)


# -- through the command line -----------------------------------------------------------------------------------------
@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "talks.txt"
    path.write_bytes(TEXT.encode())
    return path


def test_kg_ingest_with_the_llm_extractor_writes_grounded_facts(
    kg: KG, stub: Stub, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_LLM_URL", stub.url)
    monkeypatch.setenv("KG_LLM_MODEL", "test-model")
    result = kg.ingest(article, extractor="llm")
    assert result.exit_code == 0, result.output
    records = kg.records()
    relations = {(r["subject"], r["predicate"], r["object"]) for r in records if r["type"] == "relation"}
    assert relations == {
        ("nikol_pashinyan", "REJECTED", "armenia_azerbaijan_peace_treaty"),
        ("elena_marchetti", "MEMBER_OF", "european_union"),
    }
    assert [r["provision_type"] for r in records if r["type"] == "provision"] == ["GUARANTEE_PASSAGE"]
    evidence = [e for r in records for e in r.get("evidence", [])]
    assert {e["extractor"] for e in evidence} == {"llm:test-model@0.1"}
    assert all(TEXT[e["start"] : e["end"]] == e["quote"] for e in evidence)
    assert "elena_marchetti" in {r["id"] for r in records if r["type"] == "entity"}


def test_kg_ingest_both_merges_rules_and_llm(kg: KG, stub: Stub, article: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_LLM_URL", stub.url)
    monkeypatch.setenv("KG_LLM_MODEL", "test-model")
    result = kg.ingest(article, extractor="both")
    assert result.exit_code == 0, result.output
    evidence = [e for r in kg.records() for e in r.get("evidence", [])]
    assert {e["extractor"].split(":")[0] for e in evidence} == {"rule", "llm"}
    assert all(TEXT[e["start"] : e["end"]] == e["quote"] for e in evidence)


def test_a_failing_endpoint_fails_the_document_and_changes_nothing(
    kg: KG, stub: Stub, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub.replies = [(200, completion("not JSON"))]
    monkeypatch.setenv("KG_LLM_URL", stub.url)
    monkeypatch.setenv("KG_LLM_MODEL", "test-model")
    result = kg.ingest(article, extractor="llm")
    assert result.exit_code == 1
    assert f"failed: talks.txt: LLM endpoint {stub.url}/chat/completions sent a reply" in flat(result.stderr)
    assert kg.stats()["documents"] == 0


def test_a_bad_extractor_choice_is_refused_before_the_store_opens(
    kg: KG, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KG_LLM_URL", raising=False)
    result = kg.ingest(article, extractor="llm")
    assert result.exit_code == 1 and "--extractor llm needs KG_LLM_URL" in flat(result.stderr)
    result = kg.ingest(article, extractor="gpt")
    assert result.exit_code == 1 and "--extractor 'gpt' is not one of rules, llm, both" in flat(result.stderr)
    assert not kg.data_dir.exists()


def test_the_prompt_describes_the_lexicons_conflict_and_names_none_itself(stub: Stub, lexicon: Lexicon) -> None:
    run(stub, lexicon.model_copy(update={"description": "the Tigray war and the Pretoria agreement"}))
    system = stub.requests[0]["body"]["messages"][0]["content"]
    assert "the Tigray war and the Pretoria agreement" in system
    assert "Armenia" not in system and "Azerbaijan" not in system


def test_the_model_is_held_to_the_ontology_kinds_the_rules_are_held_to(stub: Stub, lexicon: Lexicon) -> None:
    quote = "Nikol Pashinyan leads Armenia."
    answer = {
        "entities": [{"name": "Nikol Pashinyan", "label": "Actor", "kind": "Person"},
                     {"name": "Armenia", "label": "Actor", "kind": "State"}],
        "relations": [
            {"subject": "Nikol Pashinyan", "predicate": "LEADS", "object": "Armenia", "quote": quote},
            {"subject": "Armenia", "predicate": "LEADS", "object": "Nikol Pashinyan", "quote": quote},  # a state
        ],
        "provisions": [],
    }
    stub.replies = [(200, completion(json.dumps(answer)))]
    out = run(stub, lexicon, text=quote)
    assert {(r.subject, r.predicate, r.object) for r in out.relations} == {("nikol_pashinyan", "LEADS", "armenia")}
