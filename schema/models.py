"""Plain pydantic data models shared by loaders, stores and the API. No I/O here.

Provenance is not optional: a Relation or Provision cannot be built without at
least one piece of Evidence.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from .ontology import ENTITY_LABELS, PREDICATES, PROVISION_TYPES

Qualifiers = dict[str, str | int | float | bool]


def _one_of(allowed: frozenset[str], what: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"unknown {what} {value!r}")
        return value

    return check


# Ontology vocabulary as field types, so every model (and the LLM reply) checks it the same way.
EntityLabel = Annotated[str, AfterValidator(_one_of(ENTITY_LABELS, "entity label"))]
PredicateName = Annotated[str, AfterValidator(_one_of(PREDICATES, "predicate"))]
ProvisionTypeName = Annotated[str, AfterValidator(_one_of(PROVISION_TYPES, "provision type"))]


class Evidence(BaseModel):
    """Where a fact was read: an exact quote and its offsets into the ORIGINAL document text."""

    model_config = ConfigDict(frozen=True)

    document: str
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    extractor: str
    confidence: float = Field(ge=0.0, le=1.0)
    attributed_to: str | None = None

    @model_validator(mode="after")
    def _span_matches_quote(self) -> Evidence:
        if self.end - self.start != len(self.quote):
            raise ValueError(f"evidence span {self.start}:{self.end} does not fit a quote of {len(self.quote)} chars")
        return self


class Entity(BaseModel):
    id: str
    label: EntityLabel
    kind: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    # Found in the text, not given by a lexicon: documents that name it differently merge their names, so the
    # node is the same whatever order they arrive in.
    discovered: bool = False



class Mention(BaseModel):
    """One surface form of an entity in a document, with the reason it was resolved so."""

    entity_id: str
    surface: str
    start: int
    end: int
    rule: str  # e.g. "lexicon-alias:Baku", "fuzzy:Pashinian~Pashinyan(92)", "ner:GPE"


class Relation(BaseModel):
    subject: str
    predicate: PredicateName
    object: str
    qualifiers: Qualifiers = Field(default_factory=dict)
    evidence: list[Evidence] = Field(min_length=1)


    @property
    def key(self) -> str:
        """Identity of the fact across documents: same triple, same qualifiers -> same edge."""
        return fact_key("rel", self.subject, self.predicate, self.object)


class Provision(BaseModel):
    provision_type: ProvisionTypeName
    agreement: str
    obliges: list[str] = Field(default_factory=list)
    concerns: list[str] = Field(default_factory=list)
    benefits: list[str] = Field(default_factory=list)
    qualifiers: Qualifiers = Field(default_factory=dict)
    evidence: list[Evidence] = Field(min_length=1)


    @property
    def id(self) -> str:
        return fact_key(
            "prov", self.provision_type, self.agreement, *sorted(self.obliges), "|", *sorted(self.concerns)
        )


class DocumentMeta(BaseModel):
    id: str
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    publisher: str | None = None
    published: date | None = None
    url: str | None = None
    sha256: str
    ingested_at: datetime | None = None
    source_path: str | None = None
    text: str | None = None
    """The decoded text every evidence offset points into: the API's document view highlights quotes in it."""


class Extraction(BaseModel):
    """Everything one document contributes to the graph; written (or replaced) as a unit."""

    document: DocumentMeta
    entities: list[Entity] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    provisions: list[Provision] = Field(default_factory=list)


def fact_key(*parts: Any) -> str:
    """A short stable id from the parts that make a fact what it is."""
    raw = json.dumps([str(p) for p in parts], ensure_ascii=False)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]
