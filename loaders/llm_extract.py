"""Optional extraction by a language model behind any OpenAI-compatible chat-completions endpoint.

Off by default (`kg ingest --extractor llm|both`). The model reads the normalised text
in chunks and must answer in a JSON schema built from the ontology; the answer is
checked again with pydantic, because many servers accept `response_format` without
enforcing it. Nothing the model says is taken as provenance: a fact is kept only when
its quote is found in the chunk, and its evidence quotes the ORIGINAL text at the
mapped offsets, exactly as the rule-based extractor's does.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from conflictkg.errors import KGError
from conflictkg.schema.models import (
    Entity,
    Evidence,
    Mention,
    PredicateName,
    Provision,
    ProvisionTypeName,
    Qualifiers,
    Relation,
)
from conflictkg.schema.ontology import (
    ENTITY_LABELS,
    LABEL_KINDS,
    PREDICATES,
    PROVISION_TYPES,
    SIGNATURES,
    admits,
    kind_belongs,
)

from .extract import MAX_QUOTE, Extracted, ExtractionInput
from .lexicon import Lexicon, fold
from .resolve import slugify
from .timeparse import resolve_date

VERSION = "0.1"
CONFIDENCE = 0.6
CHUNK_CHARS = 6000
QUALIFIER_KEYS = ("date", "valid_from", "valid_to", "deadline", "size", "duration", "role", "how")
_DATE_KEYS = frozenset({"date", "valid_from", "valid_to", "deadline"})
_ISO = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?")
# Where a chunk may end, best first: after a paragraph, a line, a sentence, a word.
_CUTS = (re.compile(r"\n[ \t\r]*\n"), re.compile(r"\n"), re.compile(r"[.!?][\"”’)]?\s+"), re.compile(r"\s+"))
# Models retype quotes and dashes; these characters match any of their variants when grounding.
_VARIANTS = {c: "['‘’`]" for c in "'‘’`"} | {c: '["“”]' for c in '"“”'} | {c: "[-‐‑–—]" for c in "-‐‑–—"}

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)


class FactExtractor(Protocol):
    """What DocumentProcessor needs from an extractor, so rules, model and both are interchangeable."""

    def run(self, inp: ExtractionInput) -> Extracted: ...


@dataclass
class GroundedExtracted(Extracted):
    """Extracted plus mentions of names only the model found, so their entities can become nodes."""

    mentions: list[Mention] = field(default_factory=list)


# -- the contract with the endpoint -------------------------------------------------------------------------------
def _object(properties: dict[str, Any]) -> dict[str, Any]:
    # strict structured output wants every property required and nothing else allowed
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def response_schema() -> dict[str, Any]:
    """The JSON schema the reply must follow; every enum comes from schema/ontology.py."""
    text: dict[str, Any] = {"type": "string"}
    names = {"type": "array", "items": text}
    qualifiers = _object({key: {"type": ["string", "null"]} for key in QUALIFIER_KEYS})
    kinds = sorted(set().union(*LABEL_KINDS.values()))
    entity = _object({
        "name": text,
        "label": {"type": "string", "enum": sorted(ENTITY_LABELS)},
        "kind": {"type": "string", "enum": kinds},
    })
    relation = _object({
        "subject": text, "predicate": {"type": "string", "enum": sorted(PREDICATES)}, "object": text,
        "quote": text, "qualifiers": qualifiers,
    })
    provision = _object({
        "type": {"type": "string", "enum": sorted(PROVISION_TYPES)}, "agreement": text, "obliges": names,
        "concerns": names, "benefits": names, "quote": text, "qualifiers": qualifiers,
    })
    return _object({
        "entities": {"type": "array", "items": entity},
        "relations": {"type": "array", "items": relation},
        "provisions": {"type": "array", "items": provision},
    })


def _prompt(topic: str) -> str:
    """The system prompt; `topic` is the lexicon's description of the conflict it covers."""
    pairs = "; ".join(
        f"{p} ({'/'.join(sorted(sig.roles['subject']))} -> {'/'.join(sorted(sig.roles['object']))})"
        for p, sig in sorted(SIGNATURES.items())
    )
    about = f"the conflict the lexicon describes as: {topic.strip()}" if topic.strip() else "an armed conflict"
    return (
        f"You extract facts about {about}, from one passage for a knowledge graph. "
        "Answer with JSON in the given schema only.\n"
        "- entities: every actor, territory, agreement and event the facts name, by its name as the passage "
        "writes it, with label and kind. A State is an Actor; a capital speaking for its state is that state.\n"
        f"- relations: subject -PREDICATE-> object between entity names. Allowed: {pairs}.\n"
        "- provisions: terms of an agreement: its type, the agreement's name, the actors it obliges, the "
        "territories it concerns and the actors it benefits.\n"
        "- quote: the shortest span of the passage that states the fact, copied character for character "
        f"(at most {MAX_QUOTE} characters). A fact you cannot quote is not wanted.\n"
        "- qualifiers: dates as YYYY-MM-DD (date, valid_from, valid_to, deadline), size, duration, role, how; "
        "null when the passage does not say.\n"
        "Use only what the passage states; a denied, refused or hypothetical action is not a fact."
    )


class _Item(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class EntityItem(_Item):
    name: str = Field(min_length=1)
    label: str
    kind: str

    @model_validator(mode="after")
    def _in_ontology(self) -> EntityItem:
        if not kind_belongs(self.label, self.kind):
            raise ValueError(f"{self.label}/{self.kind} is not a label and kind of the ontology")
        return self


class RelationItem(_Item):
    subject: str = Field(min_length=1)
    predicate: PredicateName
    object: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    qualifiers: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class ProvisionItem(_Item):
    type: ProvisionTypeName
    agreement: str = Field(min_length=1)
    obliges: list[str] = Field(default_factory=list)
    concerns: list[str] = Field(default_factory=list)
    benefits: list[str] = Field(default_factory=list)
    quote: str = Field(min_length=1)
    qualifiers: dict[str, str | int | float | bool | None] = Field(default_factory=dict)


class Reply(BaseModel):
    """The reply's shape; its items are validated one by one so one bad item does not sink the rest."""

    entities: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    provisions: list[dict[str, Any]]


def _valid(model: type[T], raw: Iterable[dict[str, Any]]) -> Iterator[T]:
    for item in raw:
        try:
            yield model.model_validate(item)
        except ValidationError as exc:
            log.debug("dropped a %s outside the ontology: %s", model.__name__, exc.errors()[0]["msg"])


# -- grounding ----------------------------------------------------------------------------------------------------
def chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) of the text in pieces of at most `limit` characters, cut after a paragraph if one fits."""
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = len(text)
        if end - start > limit:
            window = text[start : start + limit]
            end = start + limit
            for cut in _CUTS:
                ends = [m.end() for m in cut.finditer(window)]
                if ends:
                    end = start + ends[-1]
                    break
        if text[start:end].strip():
            out.append((start, text[start:end]))
        start = end
    return out


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Span of the quote in the text: verbatim, else allowing other whitespace and typographic quotes or dashes."""
    quote = quote.strip()
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    pattern = r"\s+".join("".join(_VARIANTS.get(c, re.escape(c)) for c in word) for word in quote.split())
    found = re.search(pattern, text)
    return (found.start(), found.end()) if found else None


class _Names:
    """The model's names -> entities: lexicon aliases first, then the document's entities, then new ones."""

    def __init__(self, lexicon: Lexicon, known: dict[str, Entity]) -> None:
        self.lexicon = lexicon
        self.known = {fold(n): e for e in known.values() for n in [e.name, *e.aliases]}
        self.declared: dict[str, EntityItem] = {}
        self.entities: dict[str, Entity] = {}
        self.surfaces: dict[str, set[str]] = {}  # entity id -> the names the model used for it

    def declare(self, items: Iterable[EntityItem]) -> None:
        for item in items:
            self.declared.setdefault(fold(item.name), item)
            self.get(item.name)

    def get(self, name: str) -> Entity | None:
        key = fold(name)
        entity: Entity | None = None
        if key in self.lexicon.alias_index:
            lex = self.lexicon.by_id[self.lexicon.alias_index[key]]
            entity = lex.to_entity()
        elif key in self.known:
            entity = self.known[key]
        elif key and key in self.declared:
            item = self.declared[key]
            entity = Entity(id=slugify(item.name), label=item.label, kind=item.kind, name=item.name)
        if entity is None:
            return None
        self.surfaces.setdefault(entity.id, set()).add(name.strip())
        return self.entities.setdefault(entity.id, entity)

    def mentions(self, inp: ExtractionInput) -> list[Mention]:
        """Where the names of entities the recogniser did not find appear in the text; none, no node."""
        found = {m.entity_id for m in inp.resolved.mentions if m.explicit}
        out: list[Mention] = []
        for eid, surfaces in sorted(self.surfaces.items()):
            if eid in found:
                continue
            for surface in sorted(surfaces):
                for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", inp.text):
                    start, end = inp.to_original(m.start(), m.end())
                    out.append(Mention(entity_id=eid, surface=inp.original_text[start:end], start=start, end=end,
                                       rule=f"llm-name:{surface}"))
        return out


def _add_relation(into: dict[str, Relation], rel: Relation) -> None:
    old = into.get(rel.key)
    if old is None:
        into[rel.key] = rel.model_copy(deep=True)
        return
    seen = {(e.start, e.end, e.extractor) for e in old.evidence}
    old.evidence.extend(e for e in rel.evidence if (e.start, e.end, e.extractor) not in seen)
    for k, v in rel.qualifiers.items():
        old.qualifiers.setdefault(k, v)


def _add_provision(into: dict[str, Provision], prov: Provision) -> None:
    old = into.get(prov.id)
    if old is None:
        into[prov.id] = prov.model_copy(deep=True)
        return
    seen = {(e.start, e.end, e.extractor) for e in old.evidence}
    old.evidence.extend(e for e in prov.evidence if (e.start, e.end, e.extractor) not in seen)
    old.benefits.extend(b for b in prov.benefits if b not in old.benefits)
    for k, v in prov.qualifiers.items():
        old.qualifiers.setdefault(k, v)


def merge(results: Iterable[Extracted]) -> GroundedExtracted:
    """One result from several extractors: a fact stated by both keeps the evidence of each."""
    entities: dict[str, Entity] = {}
    relations: dict[str, Relation] = {}
    provisions: dict[str, Provision] = {}
    mentions: list[Mention] = []
    for result in results:
        for e in result.entities:
            entities.setdefault(e.id, e)
        for rel in result.relations:
            _add_relation(relations, rel)
        for prov in result.provisions:
            _add_provision(provisions, prov)
        if isinstance(result, GroundedExtracted):
            mentions += result.mentions
    return GroundedExtracted(
        entities=[entities[k] for k in sorted(entities)],
        relations=[relations[k] for k in sorted(relations)],
        provisions=[provisions[k] for k in sorted(provisions)],
        mentions=mentions,
    )


class MergedExtractor:
    """`--extractor both`: the rules and the model over the same input, their facts united."""

    def __init__(self, *parts: FactExtractor) -> None:
        self.parts = parts

    def run(self, inp: ExtractionInput) -> Extracted:
        return merge(part.run(inp) for part in self.parts)


# -- the extractor ------------------------------------------------------------------------------------------------
class LLMExtractor:
    """Facts of one document from a chat-completions endpoint, each kept only if its quote is in the text."""

    def __init__(self, lexicon: Lexicon, url: str, model: str, api_key: str | None = None, timeout: float = 60.0,
                 client: Any = None) -> None:
        self.lexicon = lexicon
        self.endpoint = url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.extractor_id = f"llm:{model}@{VERSION}"
        self._client = client  # an httpx.Client; made on first use so that building the extractor does no I/O

    def request_body(self, passage: str) -> dict[str, Any]:
        return {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": _prompt(self.lexicon.description)},
                {"role": "user", "content": passage},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "conflict_facts", "strict": True, "schema": response_schema()},
            },
        }

    def run(self, inp: ExtractionInput) -> GroundedExtracted:
        names = _Names(self.lexicon, inp.resolved.entities)
        relations: dict[str, Relation] = {}
        provisions: dict[str, Provision] = {}
        for offset, passage in chunks(inp.text):
            reply = self._ask(passage, inp.document_id)
            names.declare(_valid(EntityItem, reply.entities))
            for rel_item in _valid(RelationItem, reply.relations):
                rel = self._relation(rel_item, names, offset, passage, inp)
                if rel is not None:
                    _add_relation(relations, rel)
            for prov_item in _valid(ProvisionItem, reply.provisions):
                prov = self._provision(prov_item, names, offset, passage, inp)
                if prov is not None:
                    _add_provision(provisions, prov)
        entities = {**names.entities, **inp.resolved.entities}  # the recogniser's view of an entity wins
        return GroundedExtracted(
            entities=[entities[k] for k in sorted(entities)],
            relations=[relations[k] for k in sorted(relations)],
            provisions=[provisions[k] for k in sorted(provisions)],
            mentions=names.mentions(inp),
        )

    # -- facts ----------------------------------------------------------------------------------------------------
    def _relation(self, item: RelationItem, names: _Names, offset: int, passage: str,
                  inp: ExtractionInput) -> Relation | None:
        subject, obj = names.get(item.subject), names.get(item.object)
        if subject is None or obj is None or subject.id == obj.id:
            return None
        if not admits(item.predicate, subject=(subject.label, subject.kind), object=(obj.label, obj.kind)):
            return None
        evidence = self._evidence(item.quote, offset, passage, inp)
        if evidence is None:
            return None
        return Relation(subject=subject.id, predicate=item.predicate, object=obj.id,
                        qualifiers=_qualifiers(item.qualifiers, inp.published), evidence=[evidence])

    def _provision(self, item: ProvisionItem, names: _Names, offset: int, passage: str,
                   inp: ExtractionInput) -> Provision | None:
        agreement = names.get(item.agreement)
        if agreement is None or not admits(item.type, agreement=(agreement.label, agreement.kind)):
            return None
        roles: dict[str, list[str]] = {}
        for role, listed in (("obliges", item.obliges), ("concerns", item.concerns), ("benefits", item.benefits)):
            entities = [names.get(n) for n in listed]
            if not all(e is not None and admits(item.type, **{role: (e.label, e.kind)}) for e in entities):
                return None  # a participant we cannot name would make it another fact
            roles[role] = list(dict.fromkeys(e.id for e in entities if e is not None))
        evidence = self._evidence(item.quote, offset, passage, inp)
        if evidence is None:
            return None
        return Provision(provision_type=item.type, agreement=agreement.id, obliges=roles["obliges"],
                         concerns=roles["concerns"], benefits=roles["benefits"],
                         qualifiers=_qualifiers(item.qualifiers, inp.published), evidence=[evidence])

    def _evidence(self, quote: str, offset: int, passage: str, inp: ExtractionInput) -> Evidence | None:
        span = find_quote(quote, passage)
        if span is None:
            log.debug("dropped a fact whose quote is not in the text: %r", quote[:80])
            return None
        start, end = inp.to_original(offset + span[0], offset + span[1])
        text = inp.original_text[start:end]
        if not text or len(text) > MAX_QUOTE:
            return None
        return Evidence(document=inp.document_id, quote=text, start=start, end=end, extractor=self.extractor_id,
                        confidence=CONFIDENCE)

    # -- HTTP -----------------------------------------------------------------------------------------------------
    def _ask(self, passage: str, document_id: str) -> Reply:
        response = self._post(self.request_body(passage), document_id)
        try:
            content = response.json()["choices"][0]["message"]["content"]
            payload = json.loads(re.sub(r"^\s*```(?:json)?\s*|\s*```\s*$", "", content))
            return Reply.model_validate(payload)
        except (ValueError, KeyError, IndexError, TypeError) as exc:  # bad JSON and ValidationError alike
            reason = str(exc).splitlines()[0][:200]
            raise KGError(
                f"{document_id}: LLM endpoint {self.endpoint} sent a reply that is not the JSON object its schema "
                f"asks for ({type(exc).__name__}: {reason})"
            ) from exc

    def _post(self, body: dict[str, Any], document_id: str) -> Any:
        """POST once, and again after a timeout or a 5xx answer."""
        try:
            import httpx
        except ImportError as exc:
            raise KGError("the LLM extractor needs httpx: pip install httpx") from exc
        if self._client is None:
            self._client = httpx.Client()
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        where = f"{document_id}: LLM endpoint {self.endpoint}"
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._client.post(self.endpoint, json=body, headers=headers, timeout=self.timeout)
            except httpx.TimeoutException as exc:
                if attempt > 1:
                    raise KGError(f"{where} did not answer within {self.timeout:g}s (tried twice)") from exc
                continue
            except httpx.HTTPError as exc:
                raise KGError(f"{where} cannot be reached: {exc}") from exc
            if response.status_code < 500 or attempt > 1:
                break
        if response.status_code != 200:
            raise KGError(f"{where} answered HTTP {response.status_code}: {response.text[:200]}")
        return response


def _qualifiers(raw: dict[str, Any], published: date | None) -> Qualifiers:
    """The ontology's qualifiers the model filled in; dates as ISO, resolved against the publication date."""
    out: Qualifiers = {}
    for key in QUALIFIER_KEYS:
        value = raw.get(key)
        if value is None or value == "":
            continue
        if key in _DATE_KEYS:
            text = str(value).strip()
            value = text if _ISO.fullmatch(text) else resolve_date(text, published)
            if value is None:
                continue
        out[key] = value
    return out
