"""Resolution: map each recognised span to one canonical entity, and say why.

Order of rules (the first that applies wins, and is recorded on the mention):
lexicon alias -> exact folded alias -> transliteration/fuzzy variant (rapidfuzz
ratio >= 88) -> partial person name ("Aliyev" -> Ilham Aliyev) -> a new entity
from the statistical NER. Then light coreference: "the corridor", "the
contingent", "the agreement", "the latter" point at the entity of that kind in
focus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process

from conflictkg.schema.models import Entity
from conflictkg.schema.ontology import ROUTE_KINDS

from .discover import NER_DEFAULTS, place_evidence, type_span
from .lexicon import Lexicon, LexiconEntity, fold
from .mentions import (
    Resolved,
    ResolvedMention,
    bare_name,
    clause_places,
    lexicon_event,
    places_after,
    slugify,
    tokens_of,
)
from .nominals import NominalDiscovery
from .recognise import Candidate, Recognised
from .verbal_events import VerbalEvents
from .vocabulary import AGREEMENT_NOUNS, EVENT_NOUNS, FORCE_NOUNS, HONORIFICS, ORGANIZATION_NOUNS, TITLE_NOUNS

__all__ = [
    "Resolved", "ResolvedMention", "Resolver", "clause_places", "lexicon_event", "places_after", "slugify",
]

FUZZY_MIN = 88
_MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}

# Head nouns of definite descriptions, and the entity kinds they can point back to.
ANAPHORS: dict[str, frozenset[str]] = {
    "corridor": frozenset({"Corridor"}),
    "road": frozenset({"Road", "Corridor"}),
    "route": frozenset({"Corridor", "Road"}),
    "highway": frozenset({"Road"}),
    "contingent": frozenset({"ArmedForce"}),
    "peacekeepers": frozenset({"ArmedForce"}),
    "mission": frozenset({"ArmedForce", "MilitaryOperation"}),
    "agreement": frozenset({"Statement", "Treaty", "Ceasefire", "Declaration", "Principles"}),
    "deal": frozenset({"Statement", "Treaty", "Ceasefire", "Declaration"}),
    "statement": frozenset({"Statement", "Declaration"}),
    "declaration": frozenset({"Statement", "Declaration"}),
    "armistice": frozenset({"Statement", "Ceasefire"}),
    "ceasefire": frozenset({"Statement", "Ceasefire"}),
    "accord": frozenset({"Statement", "Treaty", "Declaration"}),
    "treaty": frozenset({"Treaty"}),
    "war": frozenset({"War"}),
    "district": frozenset({"District"}),
    "city": frozenset({"Settlement"}),
    "town": frozenset({"Settlement"}),
    "exclave": frozenset({"Exclave"}),
    "operation": frozenset({"MilitaryOperation"}),
    "offensive": frozenset({"MilitaryOperation"}),
    "summit": frozenset({"Meeting"}),
    "meeting": frozenset({"Meeting"}),
    "blockade": frozenset({"Blockade"}),
}
_DETERMINERS = {"the", "this", "that"}
_BARE_FORCES = {"peacekeepers"}
_FORCE_NOUNS = {"troops", "forces", "soldiers", "servicemen", "contingent", "peacekeepers", "units", "guards"}
_PERSON = frozenset({"Person"})
_BODY = frozenset({"State", "Organization", "Polity", "ArmedForce", "Statement", "Treaty", "Ceasefire", "Declaration"})
_PRONOUNS: dict[str, frozenset[str]] = {
    "he": _PERSON, "she": _PERSON, "his": _PERSON, "her": _PERSON,
    "it": _BODY, "its": _BODY, "they": frozenset({"Group", "ArmedForce", "Organization"}),
}
# Generic event nouns that a place ("a summit in Sochi") can tie to one lexicon event.
_EVENT_NOUNS: dict[str, frozenset[str]] = {
    "summit": frozenset({"Meeting"}), "meeting": frozenset({"Meeting"}), "talks": frozenset({"Meeting"}),
    "negotiations": frozenset({"Meeting"}), "conference": frozenset({"Meeting"}),
}
_AGREEMENT_KINDS = ANAPHORS["agreement"] | {"PeaceProposal"}
# Every other event or agreement noun points back to an entity of its kind ("the evacuation", "the memorandum").
for _noun, _kind in EVENT_NOUNS.items():
    ANAPHORS.setdefault(_noun, frozenset({_kind}))
for _noun in AGREEMENT_NOUNS:
    ANAPHORS.setdefault(_noun, _AGREEMENT_KINDS)
# Verbs whose object is an event the subject organises or takes part in ("held a meeting in X").
# Event nouns a date can tie to one lexicon event ("the war ... in 2020").
_DATED_EVENT_NOUNS: dict[str, frozenset[str]] = {
    "war": frozenset({"War"}), "offensive": frozenset({"MilitaryOperation"}),
    "operation": frozenset({"MilitaryOperation"}), "campaign": frozenset({"MilitaryOperation", "War"}),
    "blockade": frozenset({"Blockade"}), "exodus": frozenset({"Displacement"}),
}
_DATING_PREPS = {"in", "of", "for", "over", "during"}
_MONTH_NAMES = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
]
_HOLDING_VERBS = {"hold", "host", "convene", "organise", "organize", "have", "attend", "stage"}


@dataclass
class _Seen:
    """What resolution has met so far in one document: names it gave entities, people by surname, acronyms."""

    acronyms: dict[str, tuple[int, int]]
    spans: dict[tuple[int, int], Entity] = field(default_factory=dict)
    named: dict[str, Entity] = field(default_factory=dict)
    people: dict[str, Entity] = field(default_factory=dict)
    cores: dict[tuple[str, str], Entity] = field(default_factory=dict)  # (proper words, kind) -> entity
    person_counts: dict[str, int] = field(default_factory=dict)  # folded name -> spans the NER calls a person
    full_names: dict[str, str] = field(default_factory=dict)  # folded surname -> the document's full name
    places: dict[str, str] = field(default_factory=dict)  # folded name -> place kind, whatever the NER said
    person_names: set[str] = field(default_factory=set)  # folded names with a person's marks somewhere
    states_at: dict[int, str] = field(default_factory=dict)  # token index -> the state a lexicon match names there


def proper_core(name: str) -> str:
    """The capitalised words a name starts with when common nouns follow them ("Azovstal" of "Azovstal steel
    plant"); empty when the name is all capitalised or starts lowercase."""
    words = name.split()
    n = next((i for i, w in enumerate(words) if not w[:1].isupper()), len(words))
    return " ".join(words[:n]) if 0 < n < len(words) else ""


def _titled(doc: Any, start: int) -> bool:
    """`President Putin`, `Mr. Akar`: a surname after a title or honorific."""
    after = doc[start + 1] if start + 1 < len(doc) else None
    if after is not None and (after.pos_ == "PROPN" or after.text in {")", "]"}):
        return False  # a first name the NER cut from its surname
    return _after_title(doc, start)


def _after_title(doc: Any, start: int) -> bool:
    """`President Marta Oleksiv`, `Mr Akar`: a name after a title or honorific."""
    return start > 0 and doc[start - 1].lower_.rstrip(".") in TITLE_NOUNS | HONORIFICS


class Resolver:
    """Canonical entities for recognised spans, within one document."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._fuzzy_keys = [k for k in lexicon.alias_index if len(k) >= 5]
        surnames: dict[str, set[str]] = {}
        for e in lexicon.entities:
            if e.kind == "Person":
                for n in e.names:
                    parts = fold(n).split()
                    if len(parts) >= 2:
                        surnames.setdefault(parts[-1], set()).add(e.id)
        self._surnames = {k: next(iter(v)) for k, v in surnames.items() if len(v) == 1}
        # first words of the lexicon's armed forces ("russian"): "Russian troops" is left to coreference
        self._force_words = {fold(n).split()[0] for e in lexicon.entities if e.kind == "ArmedForce"
                             for n in e.names if fold(n)}

    # -- public ------------------------------------------------------------------
    def run(self, recognised: Recognised, published: date | None = None) -> Resolved:
        out = Resolved(doc=recognised.doc)
        seen = _Seen(acronyms=recognised.acronyms)
        seen.places, seen.person_names = self._place_names(recognised)
        seen.states_at = {i: c.entity_id for c in recognised.candidates
                          if c.entity_id and self.lexicon.by_id[c.entity_id].kind == "State"
                          for i in range(c.token_start, c.token_end)}
        for cand in recognised.candidates:
            if cand.label == "PERSON" and cand.entity_id is None and fold(bare_name(cand.text)) not in seen.places:
                seen.person_counts[fold(cand.text)] = seen.person_counts.get(fold(cand.text), 0) + 1
                name = bare_name(cand.text)
                if len(name.split()) >= 2 and "\n" not in name:
                    seen.full_names.setdefault(fold(name).split()[-1], name)
        for cand in sorted(recognised.candidates, key=lambda c: c.start):
            resolved = self._resolve(cand, seen, recognised.doc)
            if resolved is None:
                continue
            entity, rule = resolved
            entity = out.entities.setdefault(entity.id, entity)
            seen.spans[(cand.start, cand.end)] = entity
            if entity.id not in self.lexicon.by_id:
                seen.named.setdefault(fold(bare_name(cand.text)), entity)
                core = proper_core(bare_name(cand.text))
                # "Azovstal steel plant": a later "Azovstal plant" or "Azovstal" is the same site; but a route or a
                # border is named after its places ("the Lachin road" and "Lachin" are two things)
                if core and fold(core) not in self.lexicon.adjective_index and entity.kind not in ROUTE_KINDS:
                    seen.named.setdefault(fold(core), entity)
                    seen.cores.setdefault((fold(core), entity.kind), entity)
            if entity.kind == "Person":
                parts = fold(cand.text).split()
                if parts:
                    seen.people.setdefault(parts[-1], entity)
            out.mentions.append(
                ResolvedMention(entity.id, cand.start, cand.end, cand.text, cand.token_start, cand.token_end, rule)
            )
        out.mentions += self._describe_events(out, published)
        out.mentions += NominalDiscovery(self.lexicon).run(out, published)
        out.mentions += VerbalEvents(self.lexicon).run(out, published)
        out.mentions += self._corefer(out)
        out.mentions.sort(key=lambda m: (m.start, m.end))
        return out

    def _place_names(self, recognised: Recognised) -> tuple[dict[str, str], set[str]]:
        """Names the document treats as places somewhere, though the NER may call them people or bodies
        elsewhere ("Upper Karabakh's ...", "in Abkhazia, South Ossetia and Transnistria"): one strong sign, or
        "in X" where the NER also once saw a place, or twice, with no title before the name anywhere. And the
        names with a person's marks (a title, a full name the NER calls a person) and no strong sign of a place."""
        doc = recognised.doc
        territory = {
            i for c in recognised.candidates
            if c.entity_id and self.lexicon.by_id[c.entity_id].label == "Territory"
            or c.entity_id is None and c.label in {"GPE", "LOC"}
            for i in range(c.token_start, c.token_end)
        }
        strong: dict[str, str] = {}
        weak: dict[str, int] = {}
        titled: set[str] = set()
        people: set[str] = set()
        ner_place: set[str] = set()
        names: set[str] = set()
        for cand in recognised.candidates:
            if cand.entity_id is not None or "\n" in cand.text:
                continue
            key = fold(bare_name(cand.text))
            names.add(key)
            if cand.label in {"GPE", "LOC", "FAC"}:
                ner_place.add(key)
            if _after_title(doc, cand.token_start):
                titled.add(key)
            if cand.label == "PERSON" and len(key.split()) > 1:
                people.add(key)  # a person's marks: weak signs of a place do not outweigh them
            found = place_evidence(doc[cand.token_start : cand.token_end], territory)
            if found is None:
                continue
            kind, sure = found
            if sure:
                strong.setdefault(key, kind)
            else:
                weak[key] = weak.get(key, 0) + 1
        places = dict(strong)
        for key, count in weak.items():
            if key not in titled | people and (count >= 2 or key in ner_place):
                places.setdefault(key, "Settlement")
        for key in names - titled - set(places):  # "Nagorno Karabakh" where "the Karabakh conflict" is a place
            if len(key.split()) > 1 and places.get(key.split()[-1]):
                places[key] = "Region"
        return places, (titled | people) - set(places)

    # -- rules -------------------------------------------------------------------
    def _resolve(self, cand: Candidate, seen: _Seen, doc: Any) -> tuple[Entity, str] | None:
        lex = self.lexicon
        if cand.entity_id:
            entity = lex.by_id[cand.entity_id]
            if entity.kind == "State" and cand.token_end < len(doc) and doc[cand.token_end].lower_ == "time":
                return None  # "Moscow time" is a clock, not the Russian state
            return entity.to_entity(), f"lexicon-alias:{cand.text}"
        if "\n" in cand.text:
            return None  # a statistical span across a line break is a headline artefact
        text = bare_name(cand.text)
        key = fold(text)
        if not key or key in _MONTHS or key in lex.adjective_index or not re.search(r"[a-z]", key):
            return None
        if key in lex.alias_index:
            return lex.by_id[lex.alias_index[key]].to_entity(), f"folded-alias:{text}"
        if text in seen.acronyms and seen.acronyms[text] in seen.spans:
            return seen.spans[seen.acronyms[text]], f"acronym:{text}"
        owner = self._possessor_state(doc, cand, seen)
        if key in seen.named and owner is None:
            return seen.named[key], f"same-name:{text}"
        if key in seen.people and owner is None:  # "Aliyev" after "Ilham Aliyev": that man, not a near spelling
            return seen.people[key], f"partial-name:{text}"
        if len(key) >= 5:
            hit = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
            if hit and hit[0][:1] == key[:1]:
                target = lex.by_id[lex.alias_index[hit[0]]]
                return target.to_entity(), f"fuzzy:{text}~{hit[0]}({hit[1]:.0f})"
        words = key.split()
        ner_label = cand.label
        if key in seen.places and ner_label in {"PERSON", "ORG", "NORP"}:
            ner_label = "GPE"  # the document treats the name as a place elsewhere
        elif key in seen.person_names and ner_label in {"GPE", "LOC"}:
            ner_label = "PERSON"  # ... or as a person
        if ner_label == "PERSON":
            last = words[-1]
            if last in seen.people:
                return seen.people[last], f"partial-name:{text}"
            if last in self._surnames:
                return lex.by_id[self._surnames[last]].to_entity(), f"surname:{text}"
            if len(words) < 2 and last in seen.full_names:  # "Erdogan said" before "Recep Tayyip Erdogan"
                full = seen.full_names[last]
                return (Entity(id=slugify(full), label="Actor", kind="Person", name=full, discovered=True),
                        f"partial-name:{text}")
            if len(words) < 2 and not _titled(doc, cand.token_start) and seen.person_counts.get(key, 0) < 2:
                return None  # a lone unknown name, untitled and said once, is too weak to become a node
        typed = type_span(doc[cand.token_start : cand.token_end], ner_label)
        if typed is None:
            return None
        label, kind = typed
        if key in seen.places and (label, kind) == NER_DEFAULTS["GPE"]:
            kind = seen.places[key]  # "Lower Dravia": the document's own sign of what place it is
        if kind == "ArmedForce" and words[0] in self._force_words and words[0] in lex.adjective_index \
                and all(w in FORCE_NOUNS or w == "armed" for w in words[1:]):
            return None  # "Russian troops": the Russian force the document names, found by coreference
        if ner_label == "ORG" and len(words) == 1 and not text.isupper() and label == "Actor" \
                and cand.source == "ner":
            return None  # single-word "organisations" are mostly mislabelled names
        if label == "Territory" and len(text) < 3:
            return None
        core = proper_core(text)
        if core and fold(core) not in lex.adjective_index and (fold(core), kind) in seen.cores:
            return seen.cores[(fold(core), kind)], f"same-core:{text}"
        aliases = [a for a, span in seen.acronyms.items() if span == (cand.start, cand.end)]
        if owner is not None and kind in {"Organization", "ArmedForce"}:
            state, written = owner  # "Azerbaijan's defence ministry": one state's body, not every state's
            aliases.append(written)
            text = f"{state.adjectives[0] if state.adjectives else state.name} {text}"
            known = lex.alias_index.get(fold(text)) or lex.alias_index.get(fold(written))
            if known is not None:  # "Russia's army" is the lexicon's Russian Armed Forces
                return lex.by_id[known].to_entity(), f"owned-alias:{written}"
        entity = Entity(id=slugify(text), label=label, kind=kind, name=text, aliases=aliases, discovered=True)
        return entity, f"{cand.source}:{cand.label}" + (f"->{ner_label}" if ner_label != cand.label else "")

    def _possessor_state(self, doc: Any, cand: Candidate, seen: _Seen) -> tuple[LexiconEntity, str] | None:
        """The state that owns a body by a possessive ("Azerbaijan's defence ministry"), and the words so written."""
        span = doc[cand.token_start : cand.token_end]
        for child in span.root.children:
            if child.dep_ == "poss" and child.i < cand.token_start and child.i in seen.states_at:
                state = self.lexicon.by_id[seen.states_at[child.i]]
                first = min(i for i in range(child.i, cand.token_start) if seen.states_at.get(i) == state.id)
                return state, doc.text[doc[first].idx : cand.end]
            if child.dep_ == "poss" and child.lower_ == "country" and child.i < cand.token_start:
                focus = self._state_in_focus(doc, child, seen)
                if focus is not None:  # "the country's foreign ministry"
                    return focus, f"{focus.name}'s {span.text}"
        after = cand.token_end
        if after + 1 < len(doc) and doc[after].lower_ == "of" and after + 1 in seen.states_at \
                and span.root.lower_ in ORGANIZATION_NOUNS:  # "the Security Council of Armenia"
            state = self.lexicon.by_id[seen.states_at[after + 1]]
            last = max(i for i in seen.states_at if i > after and seen.states_at[i] == state.id
                       and all(seen.states_at.get(j) == state.id for j in range(after + 1, i + 1)))
            return state, bare_name(doc.text[cand.start : doc[last].idx + len(doc[last].text)])
        return None

    def _state_in_focus(self, doc: Any, tok: Any, seen: _Seen) -> LexiconEntity | None:
        """The state "the country" stands for: the one that is a subject in this sentence, else in the one before,
        else the only state named in the two; a capital hosting something is no subject of talk."""
        sent = tok.sent
        before = doc[max(sent.start - 1, 0)].sent
        named = [i for i in seen.states_at if before.start <= i < tok.i
                 and fold(doc[i].text) in {w for n in self.lexicon.by_id[seen.states_at[i]].names[:2]
                                           for w in fold(n).split()}]
        subjects = [i for i in named if doc[i].dep_ in {"nsubj", "nsubjpass"}
                    or doc[i].dep_ == "conj" and doc[i].head.dep_ in {"nsubj", "nsubjpass"}]  # "X and Y met"
        for pool in ([i for i in subjects if i >= sent.start], subjects, named):
            states = {seen.states_at[i] for i in pool}
            if len(states) == 1:
                return self.lexicon.by_id[states.pop()]
            if states:
                return None
        return None

    def _describe_events(self, out: Resolved, published: date | None) -> list[ResolvedMention]:
        """`a meeting in Sochi on 26 November`, `held talks in the city of X` -> the lexicon's meeting named
        after that place (and that date)."""
        doc = out.doc
        taken = {i for m in out.mentions for i in range(m.token_start, m.token_end)}
        found: list[ResolvedMention] = []
        for tok in tokens_of(doc):
            kinds = _EVENT_NOUNS.get(tok.lower_)
            if not kinds or tok.i in taken or tok.pos_ not in {"NOUN", "PROPN"}:
                continue
            places = [out.mention_at(c.i) for c in tok.children if c.dep_ in {"compound", "amod"}]
            places += [p for t in tok.subtree for p in places_after(out, t)]
            if tok.dep_ == "dobj" and tok.head.lemma_.lower() in _HOLDING_VERBS:  # "held a meeting ... in X"
                places += clause_places(out, tok.head)
            event = lexicon_event(self.lexicon, kinds, [m.entity_id for m in places if m], tok.sent, published)
            if event is None:
                continue
            taken.add(tok.i)
            out.entities.setdefault(event.id, event.to_entity())
            span = doc[tok.left_edge.i : tok.i + 1]
            found.append(ResolvedMention(event.id, span.start_char, span.end_char, span.text, span.start, span.end,
                                         f"event-description:{span.text}"))
        for tok in tokens_of(doc):
            kinds = _DATED_EVENT_NOUNS.get(tok.lemma_.lower())
            if kinds and tok.i not in taken and tok.pos_ == "NOUN":
                dated = self._dated_event(tok, kinds, published)
                if dated is not None:
                    out.entities.setdefault(dated.id, dated.to_entity())
                    found.append(ResolvedMention(dated.id, tok.idx, tok.idx + len(tok.text), tok.text, tok.i,
                                                 tok.i + 1, f"dated-event:{tok.text}"))
        return found

    def _dated_event(self, tok: Any, kinds: frozenset[str], published: date | None) -> LexiconEntity | None:
        """`the war for Karabakh in 2020`, `the September 2023 offensive`: the one lexicon event of that kind
        under way in the year (and month) the noun is dated by."""
        near, stack = [], [tok]
        while stack:  # the noun's own modifiers and place/time phrases, not "likened to X's 1995 operation"
            t = stack.pop()
            if t.ent_type_ == "DATE" and abs(t.i - tok.i) <= 6:
                near.append(t)
            stack += [c for c in t.children if not (c.dep_ == "prep" and c.lower_ not in _DATING_PREPS)]
        if not near:
            return None
        phrase = " ".join(t.text for t in near)
        year = re.search(r"\b(1[89]\d\d|20\d\d)\b", phrase)
        words = set(phrase.lower().split())
        month = next((i + 1 for i, name in enumerate(_MONTH_NAMES) if name in words), None)
        if year is None:
            return None  # a month alone ("the September attack") fits too many years
        y = int(year.group(1))
        found = []
        for e in self.lexicon.of_kind("Event"):
            if e.label != "Event" or e.kind not in kinds or e.date is None:
                continue
            end = e.end or e.date
            if not e.date.year <= y <= end.year:
                continue
            if month and not (e.date.year, e.date.month) <= (y, month) <= (end.year, end.month):
                continue
            if published and e.date > published:
                continue
            found.append(e)
        if len(found) > 1:  # "the 2023 offensive": one that began then, not one still under way
            found = [e for e in found if e.date is not None and e.date.year == y] or found
        return found[0] if len(found) == 1 else None

    def _corefer(self, out: Resolved) -> list[ResolvedMention]:
        """Definite descriptions and "the latter/former" resolved to the entity in focus."""
        doc = out.doc
        explicit = sorted(out.mentions, key=lambda m: m.start)
        taken = {i for m in explicit for i in range(m.token_start, m.token_end)}
        kind_of = {eid: e.kind for eid, e in out.entities.items()}
        found: list[ResolvedMention] = []
        agreements = [m for m in explicit if kind_of.get(m.entity_id) in _AGREEMENT_KINDS]
        for tok in tokens_of(doc):
            if tok.i in taken:
                continue
            word = tok.lower_
            if word in _PRONOUNS and tok.dep_ in {"nsubj", "nsubjpass", "poss"}:
                ante = self._pronoun_antecedent(tok, explicit, kind_of)
                if ante is not None:
                    found.append(self._anaphor(doc[tok.i : tok.i + 1], ante, f"coref:pronoun {tok.text}"))
                continue
            if word in {"latter", "former"} and tok.i > 0 and doc[tok.i - 1].lower_ == "the":
                ante = self._latter_former(explicit, tok, word == "latter")
                if ante:
                    found.append(self._anaphor(doc[tok.i - 1 : tok.i + 1], ante, "coref:the " + word))
                continue
            if word in _FORCE_NOUNS and tok.i > 0:
                force = self._national_force(doc[tok.i - 1], explicit, kind_of)
                if force is not None:
                    span = doc[tok.i - 1 : tok.i + 1]
                    found.append(self._anaphor(span, force, f"coref:{span.text}"))
                    continue
            if word == "region" and tok.i > 0 and doc[tok.i - 1].lower_ == "the" \
                    and not (tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in {"of", "'s", "’s"}):
                region = self._region_in_focus(explicit, out)
                if region is not None:  # "the economic infrastructure of the region"
                    found.append(self._anaphor(doc[tok.i - 1 : tok.i + 1], region, "coref:the region"))
                continue
            kinds = ANAPHORS.get(word)
            if not kinds or tok.pos_ not in {"NOUN", "PROPN"}:
                continue
            if word in _BARE_FORCES and (tok.i == 0 or doc[tok.i - 1].pos_ not in {"ADJ", "PROPN", "DET"}):
                bare = self._bare_force(word, explicit, kind_of)
                if bare is not None:
                    lex = self.lexicon.by_id[bare]
                    out.entities.setdefault(bare, lex.to_entity())
                    found.append(ResolvedMention(bare, tok.idx, tok.idx + len(tok.text), tok.text, tok.i, tok.i + 1,
                                                 f"generic-name:{tok.text}->{lex.name}"))
                continue
            left = doc[tok.i - 1] if tok.i > 0 else None
            determiners = _DETERMINERS | ({"a", "an"} if kinds & _AGREEMENT_KINDS else set())
            if left is None or left.lower_ not in determiners and not (
                left.i > 0 and doc[left.i - 1].lower_ in determiners and left.pos_ in {"ADJ", "PROPN", "NOUN"}
            ):
                continue
            window_start = doc[max(tok.sent.start - 1, 0)].sent.start
            candidates = [m for m in explicit if m.token_end <= tok.i and kind_of.get(m.entity_id) in kinds]
            near = [m for m in candidates if m.token_start >= window_start]
            ante = near[-1] if near else None
            if ante is None and kinds & _AGREEMENT_KINDS and agreements:
                ante = candidates[-1] if candidates else agreements[0]
            if ante is not None:
                span = doc[left.i : tok.i + 1] if left.lower_ in determiners else doc[left.i - 1 : tok.i + 1]
                found.append(self._anaphor(span, ante, f"coref:{span.text}"))
        return found

    def _region_in_focus(self, explicit: list[ResolvedMention], out: Resolved) -> ResolvedMention | None:
        """The one region the document names that lies in no state (the South Caucasus, the Horn of Africa),
        wherever it is named: "the region" of a statement is the whole area it concerns."""
        regions: dict[str, ResolvedMention] = {}
        for m in explicit:
            e = out.entities.get(m.entity_id)
            lex = self.lexicon.by_id.get(m.entity_id)
            if e is None or e.kind != "Region" or lex is not None and any(
                    p in self.lexicon.by_id and self.lexicon.by_id[p].kind == "State" for p in lex.part_of):
                continue
            regions.setdefault(m.entity_id, m)
        return next(iter(regions.values())) if len(regions) == 1 else None

    def _national_force(
        self, adj: Any, explicit: list[ResolvedMention], kind_of: dict[str, str]
    ) -> ResolvedMention | None:
        """`Russian troops` -> the Russian armed force the document has named (the latest before, else the first)."""
        state = self.lexicon.adjective_index.get(fold(adj.text))
        if state is None or adj.i in {i for m in explicit for i in range(m.token_start, m.token_end)}:
            return None
        adjectives = {fold(a) for a in self.lexicon.by_id[state].adjectives}
        forces = [
            m for m in explicit if kind_of.get(m.entity_id) == "ArmedForce" and m.entity_id in self.lexicon.by_id
            and any(fold(n).split()[:1] == [a] for n in self.lexicon.by_id[m.entity_id].names for a in adjectives)
        ]
        if not forces:
            return None
        before = [m for m in forces if m.token_end <= adj.i]
        return before[-1] if before else forces[0]

    def _bare_force(self, word: str, explicit: list[ResolvedMention], kind_of: dict[str, str]) -> str | None:
        """Bare "peacekeepers": the force of that name the document names, else the lexicon's only one."""
        named = [m.entity_id for m in explicit if kind_of.get(m.entity_id) == "ArmedForce"
                 and m.entity_id in self.lexicon.by_id
                 and any(fold(n).endswith(word) for n in self.lexicon.by_id[m.entity_id].names)]
        if named:
            return named[0]
        pool = [e.id for e in self.lexicon.of_kind("ArmedForce")
                if e.kind == "ArmedForce" and any(fold(n).split()[-1:] == [word] for n in e.names)]
        return pool[0] if len(pool) == 1 else None

    @staticmethod
    def _pronoun_antecedent(
        tok: Any, explicit: list[ResolvedMention], kind_of: dict[str, str]
    ) -> ResolvedMention | None:
        """The closest earlier subject (this sentence or the one before) that the pronoun can stand for."""
        kinds = _PRONOUNS[tok.lower_]
        doc = tok.doc
        window_start = doc[max(tok.sent.start - 1, 0)].sent.start
        for m in reversed([m for m in explicit if window_start <= m.token_start and m.token_end <= tok.i]):
            head = doc[m.token_end - 1]
            if kind_of.get(m.entity_id) in kinds and head.dep_ in {"nsubj", "nsubjpass"}:
                return m
        return None

    @staticmethod
    def _latter_former(explicit: list[ResolvedMention], tok: Any, latter: bool) -> ResolvedMention | None:
        before = [m for m in explicit if m.token_end <= tok.i and m.token_start >= tok.sent.start - 80]
        distinct: list[ResolvedMention] = []
        for m in reversed(before):
            if all(d.entity_id != m.entity_id for d in distinct):
                distinct.append(m)
            if len(distinct) == 2:
                break
        if len(distinct) < 2:
            return None
        return distinct[0] if latter else distinct[1]

    @staticmethod
    def _anaphor(span: Any, ante: ResolvedMention, rule: str) -> ResolvedMention:
        return ResolvedMention(
            ante.entity_id, span.start_char, span.end_char, span.text, span.start, span.end, rule,
            explicit=False, antecedent=ante,
        )
