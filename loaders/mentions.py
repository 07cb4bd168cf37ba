"""Resolved mentions: the spans of a document that stand for canonical entities, and the places a word names.

A module of its own so that resolution, entity discovery and the rule families share these types
without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from conflictkg.schema.models import Entity

from .lexicon import Lexicon, LexiconEntity, fold
from .timeparse import resolve_date

_OTHER_CLAUSES = {"nsubj", "nsubjpass", "csubj", "ccomp", "advcl", "relcl", "conj", "parataxis", "acl", "xcomp"}
_PLACE_NOUNS = {"city", "town", "village", "capital", "resort", "region", "district", "province"}


def tokens_of(doc: Any) -> list[Any]:
    """The document's tokens as one list, made once per document: each pass over a spaCy Doc would make every
    Token object again, which costs more than the pass's own work."""
    cached = doc.user_data.get("conflictkg.tokens")
    if cached is None or len(cached) != len(doc):
        cached = doc.user_data["conflictkg.tokens"] = list(doc)
    return cached


def document_ents(doc: Any) -> tuple[Any, ...]:
    """The document's named entities, listed once: spaCy rebuilds `Doc.ents` from every token on each call."""
    cached = doc.user_data.get("conflictkg.ents")
    if cached is None:
        cached = doc.user_data["conflictkg.ents"] = tuple(doc.ents)
    return cached


def ents_in(span: Any) -> list[Any]:
    """`span.ents` (the entities wholly inside a span, as spaCy picks them) from the list made once."""
    found = []
    for ent in document_ents(span.doc):
        if ent.start >= span.start:
            if ent.end > span.end:
                break
            found.append(ent)
    return found


def short_name(out: Resolved, eid: str) -> str:
    """How an event's name calls a side: a person by surname, anything else by its name."""
    e = out.entities.get(eid)
    if e is None:
        return eid
    return e.name.split()[-1] if e.kind == "Person" else e.name


def slugify(name: str) -> str:
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9]+", "_", fold(name))).strip("_") or "entity"


@dataclass
class ResolvedMention:
    """A mention of a canonical entity; offsets into the normalised text."""

    entity_id: str
    start: int
    end: int
    text: str
    token_start: int
    token_end: int
    rule: str
    explicit: bool = True  # False for coreference ("the corridor")
    antecedent: ResolvedMention | None = None


@dataclass
class Resolved:
    doc: Any
    mentions: list[ResolvedMention] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    extra_mentions: list[ResolvedMention] = field(default_factory=list)  # adjectives, parts of route names

    def mention_at(self, token_index: int) -> ResolvedMention | None:
        return self._by_token().get(token_index)

    def _by_token(self) -> dict[int, ResolvedMention]:
        # rebuilt whenever mentions were added since (resolution adds them in several passes)
        cached: tuple[int, dict[int, ResolvedMention]] | None = getattr(self, "_token_cache", None)
        if cached is None or cached[0] != len(self.mentions):
            index: dict[int, ResolvedMention] = {}
            for m in self.mentions:
                for i in range(m.token_start, m.token_end):
                    index.setdefault(i, m)
            cached = (len(self.mentions), index)
            self._token_cache = cached
        return cached[1]



def places_after(out: Resolved, tok: Any) -> list[ResolvedMention]:
    """Places in the `in`/`at` phrases of a word: `in Sochi`, `in the Azerbaijani city of Yevlakh`."""
    found: list[ResolvedMention] = []
    for c in tok.children:
        if c.dep_ != "prep" or c.lower_ not in {"in", "at"}:
            continue
        for p in c.children:
            if p.dep_ != "pobj":
                continue
            m = out.mention_at(p.i)
            if m is None and p.lower_ in _PLACE_NOUNS:  # "the city of X"
                named = [out.mention_at(g.i) for of in p.children if of.dep_ == "prep" and of.lower_ == "of"
                         for g in of.children if g.dep_ == "pobj"]
                m = next((x for x in named if x is not None), None)
            if m is not None:
                found.append(m)
    return found


def clause_places(out: Resolved, verb: Any) -> list[ResolvedMention]:
    """Places in `in`/`at` phrases anywhere in a verb's own clause but its subject ("met X in Brussels",
    "held a meeting with residents in the city of X"): the parser hangs such phrases on the nearest noun."""
    found: list[ResolvedMention] = []
    stack = [verb]
    while stack:
        t = stack.pop()
        found += places_after(out, t)
        stack += [c for c in t.children if c.dep_ not in _OTHER_CLAUSES]
    return found


def lexicon_event(
    lexicon: Lexicon, kinds: frozenset[str], place_ids: list[str], sent: Any, published: date | None
) -> LexiconEntity | None:
    """The one lexicon event of these kinds named after one of the places; the date in the sentence, then
    nearness to the publication date, break ties."""
    place_names = {fold(n) for eid in place_ids if eid in lexicon.by_id for n in lexicon.by_id[eid].names}
    if not place_names:
        return None
    candidates = [
        e for e in lexicon.of_kind("Event")
        if e.label == "Event" and e.kind in kinds
        # whole words: a folded name is words and single spaces
        and any(p and f" {p} " in f" {fold(n)} " for n in e.names for p in place_names)
    ]
    if len(candidates) > 1:
        days = _dates_in(sent, published)
        same_day = [e for e in candidates if e.date and (e.date.month, e.date.day) in days]
        candidates = same_day or candidates
    if published and len(candidates) > 1:
        dated = [e for e in candidates if e.date and abs((e.date - published).days) <= 120]
        candidates = dated or candidates
    return candidates[0] if len(candidates) == 1 else None


def _dates_in(sent: Any, published: date | None) -> set[tuple[int, int]]:
    """(month, day) of the sentence's full dates ("September 26th" too: resolve_date reads ordinal days)."""
    days = set()
    for ent in ents_in(sent):
        if ent.label_ == "DATE":
            iso = resolve_date(ent.text, published)
            if iso and len(iso) == 10:
                days.add((int(iso[5:7]), int(iso[8:10])))
    return days


def bare_name(text: str) -> str:
    """A name without its article and possessive ending ("the Lachin corridor's" -> Lachin corridor)."""
    text = re.sub(r"^(the|The)\s+", "", text.strip())
    return re.sub(r"[’']s$", "", text).strip()
