"""What a rule sees of one document, and the only way it changes what the extraction finds.

A rule reads the parse and the resolved mentions through `DocumentContext` and adds a fact, a provision or
a mention of an entity found inside other words (a coreference link) by calling one of its `add_*`/`link`
methods; the context stamps the rule's registered name and confidence on what it adds and refuses a
predicate the rule did not declare, so what every rule can change is visible here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

from conflictkg.schema.models import Entity, Provision, Relation
from conflictkg.schema.ontology import admits, spatial_predicate

from ..discover import head_type
from ..lexicon import Lexicon, fold
from ..mentions import tokens_of
from ..resolve import Resolved, ResolvedMention
from ..vocabulary import GEOGRAPHIC_PREFIXES
from .registry import Rule

T = TypeVar("T")


@dataclass
class ExtractionInput:
    """What the extractor reads: the resolved document plus what it needs to ground evidence."""

    resolved: Resolved
    document_id: str
    original_text: str
    published: date | None
    to_original: Any  # callable (start, end) -> (start, end) in the original text
    text: str  # the normalised text the parse was made from (doc.text, computed once)


@dataclass
class Extracted:
    entities: list[Entity]
    relations: list[Relation]
    provisions: list[Provision]


@dataclass
class Fact:
    predicate: str
    subject: str
    object: str
    rule: str
    confidence: float
    sent: Any
    anchors: list[ResolvedMention]
    qualifiers: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProvisionFact:
    provision_type: str
    agreement: str
    obliges: list[str]
    concerns: list[str]
    benefits: list[str]
    rule: str
    confidence: float
    sent: Any
    anchors: list[ResolvedMention]
    qualifiers: dict[str, Any] = field(default_factory=dict)


@dataclass
class Sentence:
    """A sentence and the resolved mentions inside it, in reading order."""

    sent: Any
    mentions: list[ResolvedMention]

    @cached_property
    def tokens(self) -> list[Any]:
        """The sentence's tokens, from the document's list made once: the rules that read every word iterate this."""
        return tokens_of(self.sent.doc)[self.sent.start : self.sent.end]

    @cached_property
    def verbs(self) -> list[Any]:
        """Its verbs, auxiliaries and participles used as adjectives ("the agreed terms")."""
        return [t for t in self.tokens if t.pos_ in {"VERB", "AUX"} or t.pos_ == "ADJ" and t.tag_ == "VBN"]

    @cached_property
    def named(self) -> dict[str, ResolvedMention]:
        """Entity -> its last explicit mention in the sentence (in the order the entities are first named)."""
        return {m.entity_id: m for m in self.mentions if m.explicit}


class DocumentContext:
    """One document under extraction: its parse, lexicon and cues, and the facts the rules have added."""

    def __init__(self, res: Resolved, lexicon: Lexicon, cues: Any, published: date | None,
                 text: str | None = None) -> None:
        self.res = res
        self.doc = res.doc
        # the parsed text; doc.text would join every token again
        self.text: str = text if text is not None else res.doc.text if res.doc is not None else ""
        self.lexicon = lexicon
        self.cues = cues  # toolkit.Cues: trigger words, attribution verbs, hedges, negation
        self.published = published
        self.facts: list[Fact] = []
        self.provisions: list[ProvisionFact] = []
        self.rule: Rule | None = None  # the rule running now, set by the engine
        self._first_only: set[tuple[str, str, str]] | None = None
        self._memo: dict[str, dict[Any, Any]] = {}

    # -- reading ---------------------------------------------------------------------------------------------------
    def mention_at(self, token_index: int) -> ResolvedMention | None:
        return self.res.mention_at(token_index)

    def label(self, eid: str) -> tuple[str, str]:
        """(label, kind) of an entity of the document; ("", "") for one it does not know."""
        e = self.res.entities.get(eid)
        return (e.label, e.kind) if e else ("", "")

    def kind(self, eid: str) -> str:
        return self.label(eid)[1]

    def _kind_is_known(self, eid: str) -> bool:
        """Whether an entity's kind is known rather than guessed: a lexicon's, or a discovered name's whose head
        noun or phrase says it ("Azovstal plant", "the town of X"); a bare name the NER calls a place may be a town
        or a region."""
        e = self.res.entities.get(eid)
        return e is not None and (not e.discovered or head_type(e.name.split()[-1:]) is not None
                                  or eid in self._typed_by_grammar)

    @cached_property
    def _typed_by_grammar(self) -> set[str]:
        """Entities a phrase of the text typed ("the city of Yevlax"), not only the statistical NER."""
        return {m.entity_id for m in self.res.mentions if m.rule.startswith("grammar:")}

    def well_named(self, m: ResolvedMention) -> bool:
        """Whether a mention names its entity firmly enough to hang facts on its wording: a lexicon entity, or
        one the grammar found (a name before a known head noun, an acronym's long form), not a bare guess of
        the statistical NER."""
        return m.entity_id in self.lexicon.by_id or not m.rule.startswith("ner:")

    def fits(self, predicate: str, subj: str, obj: str) -> bool:
        """Whether the two entities may be the predicate's subject and object (schema/ontology.py `admits`)."""
        return subj != obj and admits(predicate, subject=self.label(subj), object=self.label(obj))

    @cached_property
    def named_entities(self) -> set[str]:
        """Entities named anywhere in the document."""
        return {m.entity_id for m in self.res.mentions if m.explicit}

    def remember(self, kind: str, key: Any, make: Callable[[], T]) -> T:
        """A value computed once per document and key (a token's trigger keys, an index several sentences
        need), since several rules ask the same of the same token."""
        table = self._memo.setdefault(kind, {})
        if key not in table:
            table[key] = make()
        value: T = table[key]
        return value

    # -- changing ---------------------------------------------------------------------------------------------------
    def _running(self, produced: str) -> Rule:
        if self.rule is None:
            raise RuntimeError("a fact was added outside a registered rule")
        if produced not in self.rule.produces:
            raise ValueError(f"{self.rule.name} added a {produced} but declares only {sorted(self.rule.produces)}")
        return self.rule

    def add_fact(self, predicate: str, subject: str, obj: str, sent: Any, anchors: list[ResolvedMention],
                 confidence: float | None = None, qualifiers: dict[str, Any] | None = None) -> None:
        """Add a relation found by the running rule, at its base confidence unless it says otherwise."""
        rule = self._running(predicate)
        if self._kind_is_known(subject):
            predicate = spatial_predicate(predicate, self.kind(subject), self.kind(obj))
        if self._first_only is not None:
            key = (predicate, subject, obj)
            if key in self._first_only:
                return
            self._first_only.add(key)
        self.facts.append(Fact(predicate, subject, obj, rule.name, rule.confidence if confidence is None
                               else confidence, sent, anchors, dict(qualifiers or {})))

    def add_fitting(self, predicate: str, subject: str, obj: str, sent: Any, anchors: list[ResolvedMention],
                    confidence: float | None = None) -> None:
        """`add_fact` when the two entities fit the predicate's signature, else nothing."""
        if self.fits(predicate, subject, obj):
            self.add_fact(predicate, subject, obj, sent, anchors, confidence)

    def add_provision(self, provision_type: str, agreement: str, obliges: list[str], concerns: list[str],
                      benefits: list[str], span: Any, anchors: list[ResolvedMention], confidence: float,
                      qualifiers: dict[str, Any]) -> None:
        rule = self._running(provision_type)
        self.provisions.append(ProvisionFact(provision_type, agreement, obliges, concerns, benefits, rule.name,
                                             confidence, span, anchors, qualifiers))

    def complete_provision(self, p: ProvisionFact, obliges: list[str], concerns: list[str]) -> None:
        """Fill in who a provision binds and what it concerns, found elsewhere in the document."""
        rule = self._running(p.provision_type)
        p.obliges, p.concerns, p.rule = obliges, concerns, rule.name

    def qualify_provision(self, p: ProvisionFact, qualifiers: dict[str, Any]) -> None:
        """Add what another sentence says of a term (its size, its duration), keeping what it already has; the
        term is then the running rule's, as a completed one is."""
        rule = self._running(p.provision_type)
        for key, value in qualifiers.items():
            p.qualifiers.setdefault(key, value)
        p.rule = rule.name

    def drop_incomplete_provisions(self) -> None:
        """Forget provisions that still bind no one or concern nothing."""
        self.provisions[:] = [p for p in self.provisions if p.obliges and p.concerns]

    def add_entity(self, entry: Any) -> None:
        """Make a lexicon entry (or an entity discovered in the document) an entity of the document."""
        self.res.entities.setdefault(entry.id, entry.to_entity() if hasattr(entry, "to_entity") else entry)

    @cached_property
    def discovered_places(self) -> dict[str, Entity]:
        """Places the document named that no lexicon lists, by each folded name: the words of another name can
        stand for them ("the Varnak offensive" after "Varnak")."""
        places = {fold(n): e for e in self.res.entities.values() if e.discovered and e.label == "Territory"
                  for n in [e.name, *e.aliases]}
        for key, e in list(places.items()):  # "Karabakh" of "the Karabakh war" after "Upper Karabakh"
            first, _, rest = key.partition(" ")
            if first in GEOGRAPHIC_PREFIXES and rest:
                places.setdefault(rest, e)
        return places

    def link(self, entry: Any, first: Any, last: Any, how: str, text: str | None = None) -> ResolvedMention:
        """Record that the tokens first..last mention the lexicon entry (an adjective, a part of another
        name); `text` when the mention is only the start of the token."""
        self.add_entity(entry)
        if text is None:
            text = self.doc[first.i : last.i + 1].text
            end = last.idx + len(last.text)
        else:
            end = first.idx + len(text)
        mention = ResolvedMention(entry.id, first.idx, end, text, first.i, last.i + 1, how)
        self.res.extra_mentions.append(mention)
        return mention

    # -- for the engine -------------------------------------------------------------------------------------------
    def first_only(self, on: bool) -> None:
        """Within one sentence of a stage, keep only the first statement of each triple."""
        self._first_only = set() if on else None
