"""Meetings told by a verb: "the defence minister called his Turkish counterpart on Wednesday", "X met Y".

Such a clause names no event, yet an analyst asks for it as one: who spoke with whom, when. A verb of
meeting or calling whose subject and counterpart are actors becomes a Meeting entity, dated by the clause
(else, for a report in the past tense, by the document's month; an undated report is known by its parties),
its mention the verb itself. Its identity
across documents is its parties and month, as for meetings found from their nouns (`nominals.py`), so two
reports of one call meet in one node. The event rules then read who took part and where.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from conflictkg.schema.models import Entity

from .lexicon import Lexicon, fold
from .mentions import (
    Resolved,
    ResolvedMention,
    clause_places,
    document_ents,
    lexicon_event,
    short_name,
    slugify,
    tokens_of,
)
from .timeparse import resolve_date

# Verb lemma -> the noun that names its event.
MEETING_VERBS = {"meet": "meeting", "call": "call", "phone": "call", "telephone": "call"}
ACTOR_KINDS = {"Person", "State", "Organization", "Polity", "ArmedForce", "Group"}
# A `call` that is not a telephone call: "called for talks", "called on Baku", "called X a liar", "call off".
_NOT_PHONING = {"oprd", "xcomp", "ccomp", "acomp", "prt"}
_NOT_PHONING_PREPS = {"for", "on", "upon", "off"}


def _urging(child: Any) -> bool:
    """`called for talks`, `called on Baku`: a call that urges (`on Monday` dates a telephone call)."""
    return child.dep_ == "prep" and child.lower_ in _NOT_PHONING_PREPS and not any(
        p.ent_type_ == "DATE" for p in child.children)


class VerbalEvents:
    """Meeting entities for the meeting and calling verbs of one resolved document."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def run(self, out: Resolved, published: date | None) -> list[ResolvedMention]:
        found: list[ResolvedMention] = []
        for verb in tokens_of(out.doc):
            noun = MEETING_VERBS.get(verb.lemma_.lower())
            if noun is None or verb.pos_ != "VERB" or out.mention_at(verb.i) is not None:
                continue
            if any(c.dep_ == "neg" for c in verb.children):
                continue
            if noun == "call" and any(c.dep_ in _NOT_PHONING or _urging(c) for c in verb.children):
                continue
            subjects = self._actors(out, [c for c in verb.children if c.dep_ == "nsubj"])
            others = self._actors(out, [c for c in verb.children if c.dep_ == "dobj"]
                                  + [p for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"
                                     for p in c.children if p.dep_ == "pobj"])
            parties = sorted({*subjects, *others})
            if not subjects or not others or len(parties) < 2:
                continue
            if lexicon_event(self.lexicon, frozenset({"Meeting"}), [p.entity_id for p in clause_places(out, verb)],
                             verb.sent, published) is not None:
                continue  # a meeting the lexicon knows: the event rules tie the verb to it
            month = self._month(verb, published)  # None: an undated report, known by its parties alone
            told = f"{'-'.join(short_name(out, eid) for eid in dict.fromkeys([*subjects, *others]))} {noun}"
            name = f"{told}, {calendar.month_name[int(month[5:7])]} {month[:4]}" if month else told
            places = [m.text for m in clause_places(out, verb)
                      if (e := out.entities.get(m.entity_id)) is not None and e.label == "Territory"
                      or e is not None and e.kind == "State" and fold(m.text) != fold(e.name)]  # "in Brussels"
            aliases = ([told] if month else []) + [f"{where} {noun}" for where in places[:1]]
            entity = Entity(id=slugify(f"Event Meeting {'-'.join(parties)} {month or ''}"), label="Event",
                            kind="Meeting", name=name, aliases=aliases, discovered=True)
            out.entities.setdefault(entity.id, entity)
            found.append(ResolvedMention(entity.id, verb.idx, verb.idx + len(verb.text), verb.text, verb.i,
                                         verb.i + 1, f"discovered-event-verb:{verb.text}"))
        return found

    @staticmethod
    def _actors(out: Resolved, heads: list[Any]) -> list[str]:
        """Actors a verb's argument names: the argument's own mention, its conjuncts' and the person in it
        ("our National Defence Minister Hulusi Akar")."""
        found = []
        for head in heads:
            for tok in [head, *head.conjuncts]:
                people = [m for t in tok.subtree if (m := out.mention_at(t.i)) is not None
                          and (e := out.entities.get(m.entity_id)) is not None and e.kind == "Person"]
                m = people[0] if people else out.mention_at(tok.i)
                e = out.entities.get(m.entity_id) if m is not None else None
                if m is not None and e is not None and e.kind in ACTOR_KINDS:
                    found.append(m.entity_id)
        return found

    @staticmethod
    def _month(verb: Any, published: date | None) -> str | None:
        """YYYY-MM of the clause's date, else of the document's date for a verb in the past tense."""
        for tok in verb.subtree:
            if tok.ent_type_ == "DATE":
                ent = next(e for e in document_ents(verb.doc) if e.start <= tok.i < e.end)
                if published is None and not re.search(r"\b(1[89]|20)\d\d\b", ent.text):
                    continue  # "on September 26th" in an undated text: no year to place it in
                iso = resolve_date(ent.text, published)
                if iso and len(iso) >= 7:
                    return iso[:7]
        if published is not None and verb.tag_ in {"VBD", "VBN"}:
            return published.isoformat()[:7]
        return None
