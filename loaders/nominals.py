"""Events and agreements as first-class entities, found from the nouns that head them.

"the March 3 summit between the Serbian and Kosovar leaders in Brussels", "Ethiopia's November 2020
offensive", "the memorandum between Sweden and Turkey", "the Black Sea Grain Initiative": a noun of an
event or agreement class (`vocabulary.py`) with something that pins it down (a place, a date, parties, a
proper name, a qualifying noun) becomes an entity. Its identity across documents comes from what pins it
down: kind, place or parties, and month (`meeting_brussels_2023_03`), so two reports of one meeting meet in
one node and two meetings in one city in different months stay two. A bare "the summit" is left to
coreference, which points it at the event in focus.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from conflictkg.schema.models import Entity

from .discover import PLACE_HEADS, singular
from .lexicon import Lexicon, fold
from .mentions import (
    Resolved,
    ResolvedMention,
    bare_name,
    clause_places,
    document_ents,
    lexicon_event,
    short_name,
    slugify,
    tokens_of,
)
from .timeparse import resolve_date
from .vocabulary import (
    AGREEMENT_NOUNS,
    EVENT_NOUNS,
    JOINT_WORDS,
    TWO_SIDED_NOUNS,
    WEAK_AGREEMENT_NOUNS,
    WEAK_EVENT_NOUNS,
)

ACTOR_LABEL, TERR_LABEL = "Actor", "Territory"
_PLACE_PREPS = {"in", "at", "near", "outside", "from", "across", "along", "off"}
_PARTY_PREPS = {"between", "with", "among", "by", "involving"}
_TARGET_PREPS = {"of", "on", "against", "over", "into", "to", "for"}
_TOPIC_PREPS = {"on", "for", "to", "over", "about", "regarding"}
_MODIFIER_DEPS = {"compound", "amod", "nmod", "poss", "nummod", "npadvmod"}
_SKIP_MODIFIERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "new",
                   "first", "last", "latest", "recent", "previous", "next", "same", "other", "such", "any", "every",
                   "another", "former", "current", "earlier", "later", "second", "third", "possible", "so-called"}
# Words of when or how sure, not of what: left out of a name's shorter forms ("planned peace talks").
_PASSING_WORDS = {"planned", "upcoming", "proposed", "forthcoming", "scheduled", "ongoing", "further", "forgotten",
                  "now-forgotten", "expected", "possible", "potential", "failed", "so-called", "recent", "latest"}
MAX_TOPIC_WORDS = 6
# Kinds of event that befall one side, which alone pins them ("the exodus of the X population").
UNDERGONE_KINDS = {"Dissolution", "Displacement"}
# Verbs whose object is an event the subject holds: the clause's places are the event's ("held talks in X").
HOLDING_VERBS = {"hold", "host", "convene", "organise", "organize", "stage", "attend", "launch", "conduct"}


@dataclass
class Pins:
    """What pins a nominal down: the places, parties, date and qualifying words read from its modifiers."""

    places: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    date: str | None = None
    qualifier: list[Any] = field(default_factory=list)  # modifier words that are not entities ("drone", "grain")
    proper: bool = False  # a capitalised name ("the Black Sea Grain Initiative")
    joint: bool = False  # "joint", "trilateral", "peace": a text of several sides
    between: bool = False  # parties named in a `between`/`among` phrase
    counterpart: bool = False  # a party met `with` ("the call with the president"): someone else took part too
    topic: str = ""  # "on grain exports"
    phrases: list[str] = field(default_factory=list)  # surface forms for aliases
    written: dict[str, str] = field(default_factory=dict)  # entity id -> how the text wrote it ("Brussels")
    owner: str = ""  # the side that owns it, as written before the noun ("Russia's", "Turkish")
    undergoer: bool = False  # an actor after `of` ("the dissolution of X"): the side it befalls

    @property
    def pinned(self) -> bool:
        return bool(self.places or self.parties or self.date or self.proper)


class NominalDiscovery:
    """Event and agreement entities of one resolved document."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    def run(self, out: Resolved, published: date | None) -> list[ResolvedMention]:
        doc = out.doc
        taken = {i for m in out.mentions for i in range(m.token_start, m.token_end)}
        found: list[ResolvedMention] = []
        # places first ("the Armenian-Azerbaijani border"), so that events can be placed there
        for tok in [t for places in (True, False) for t in tokens_of(doc) if places == _names_place(t)]:
            word = tok.lower_
            if tok.i in taken or tok.pos_ not in {"NOUN", "PROPN"} or tok.dep_ == "compound" and tok.head.i > tok.i:
                continue
            if word not in EVENT_NOUNS and tok.tag_ in {"NNS", "NNPS"} \
                    and EVENT_NOUNS.get(tok.lemma_.lower()) in {"Attack", "MilitaryOperation"}:
                word = tok.lemma_.lower()  # "military incursions", "attacks along the border": one campaign; but
                # "visits to Moscow and Kyiv" are several meetings
            if word in AGREEMENT_NOUNS:
                label, kind, weak = "Agreement", AGREEMENT_NOUNS[word], word in WEAK_AGREEMENT_NOUNS
            elif word in EVENT_NOUNS:
                label, kind, weak = "Event", EVENT_NOUNS[word], word in WEAK_EVENT_NOUNS
            elif word in TWO_SIDED_NOUNS:
                (label, kind), weak = TWO_SIDED_NOUNS[word], True
            else:
                continue
            pins = self._pins(out, tok, published, taken)
            two_sided = len(pins.parties) >= 2 or label == "Event" and bool(pins.places)  # "the Karabakh conflict"
            if word in TWO_SIDED_NOUNS and not two_sided or not self._enough(label, kind, weak, pins, tok):
                continue
            first = self._first_word(tok, taken)
            named_after = self._place_in_name(out, tok, first)
            if named_after is not None:  # "the Madrid Principles": the place is a word of the name
                pins.proper = True
                out.mentions.remove(named_after)
                first = named_after.token_start
            span = doc[first : tok.i + 1]
            ante = self._antecedent([*out.mentions, *found], out, label, kind, pins, tok)
            if ante is not None:
                taken.update(range(first, tok.i + 1))
                found.append(ResolvedMention(ante.entity_id, span.start_char, span.end_char, span.text, span.start,
                                             span.end, f"coref:{span.text}", explicit=False, antecedent=ante))
                continue
            known, ambiguous = self._known(label, kind, pins, tok, published)
            if ambiguous:
                continue  # the lexicon knows several such events there: better none than a third copy
            entity = known or self._entity(out, label, kind, tok, first, pins)
            known = out.entities.get(entity.id)
            if known is None:
                out.entities[entity.id] = entity
            else:
                known.aliases = sorted(set(known.aliases) | set(entity.aliases) - {known.name})
            taken.update(range(first, tok.i + 1))
            (out.mentions if label == TERR_LABEL else found).append(ResolvedMention(
                entity.id, span.start_char, span.end_char, span.text, span.start, span.end,
                f"discovered-{label.lower()}:{span.text}"))
        return found

    @staticmethod
    def _enough(label: str, kind: str, weak: bool, pins: Pins, tok: Any) -> bool:
        """Whether the nominal is pinned down enough to name one agreement or event. What befalls one side
        ("the dissolution of the X Republic", "the exodus of the Y population") is pinned by that side."""
        if pins.proper or kind in UNDERGONE_KINDS and pins.undergoer or kind == "Ruling" and pins.parties:
            return True  # a named court's ruling is one ruling
        if label == "Agreement":
            if weak:
                return pins.joint or pins.between or bool(pins.date)
            return pins.pinned or pins.joint or bool(pins.qualifier) or bool(pins.topic)
        # one side's own event with no place or date ("Azerbaijan's military campaign") is too vague to be one
        placed = bool(pins.places or pins.date or len(pins.parties) >= 2 or pins.counterpart)
        if weak:
            return placed
        return placed or bool(pins.qualifier) and _definite(tok)

    def _pins(self, out: Resolved, tok: Any, published: date | None, taken: set[int]) -> Pins:
        pins = Pins()
        doc = tok.doc
        for c in tok.children:
            if c.dep_ in _MODIFIER_DEPS and c.i < tok.i:
                self._modifier(out, c, pins, published)
                for g in c.children:  # "Armenia - | Azerbaijan border": the parser chains hyphenated sides
                    if g.dep_ in {"compound", "amod"} and g.i < c.i:
                        self._modifier(out, g, pins, published)
            elif c.dep_ == "prep":
                self._prep(out, tok, c, pins, published)
            elif c.dep_ in {"relcl", "acl"}:  # "the call we held yesterday with the president"
                for t in c.subtree:
                    m = out.mention_at(t.i)
                    if m is not None and self._label(out, m.entity_id) == ACTOR_LABEL:
                        pins.parties.append(m.entity_id)
                        pins.counterpart = True
                    if t.ent_type_ == "DATE" and pins.date is None:
                        pins.date = _date_of(t, published)
        if tok.dep_ == "dobj" and tok.head.lemma_.lower() in HOLDING_VERBS:  # "held a meeting in Geneva"
            for m in clause_places(out, tok.head):
                if self._label(out, m.entity_id) == TERR_LABEL:
                    pins.places.append(m.entity_id)
                    pins.written.setdefault(m.entity_id, m.text)
        if pins.date is None and tok.dep_ in {"dobj", "nsubjpass"}:  # "held talks on Monday"
            for c in tok.head.children:
                if c.dep_ in {"prep", "npadvmod"}:
                    for t in c.subtree:
                        if t.ent_type_ == "DATE":
                            pins.date = _date_of(t, published)
                            break
        first = self._first_word(tok, taken)
        words = [t for t in doc[first : tok.i + 1]]
        if len(words) > 1 and all(t.text[:1].isupper() for t in words if t.lower_ not in {"of", "and", "the"}):
            pins.proper = True
        pins.phrases.append(" ".join(t.text for t in words))
        left = [t for t in doc[tok.left_edge.i : tok.i + 1] if not (t.dep_ in {"det", "poss"} and t.pos_ in
                {"DET", "PRON"}) and "\n" not in t.text]
        if len(left) > len(words) and not any(t.is_punct and t.text != "-" for t in left):
            pins.phrases.append(_joined(left))  # "2020 Nagorno-Karabakh ceasefire agreement"
            while left and (left[0].lower_ in _SKIP_MODIFIERS | _PASSING_WORDS or _year_or_month(left[0])):
                left = left[1:]
            if len(left) > 1:
                pins.phrases.append(_joined(left))  # "3+3 summit" of "the recent 3+3 summit"
        pins.places = list(dict.fromkeys(pins.places))
        pins.parties = list(dict.fromkeys(pins.parties))
        return pins

    def _modifier(self, out: Resolved, c: Any, pins: Pins, published: date | None) -> None:
        if c.ent_type_ == "DATE" or c.like_num:
            if pins.date is None and c.ent_type_ == "DATE":
                pins.date = _date_of(c, published)
            return
        m = out.mention_at(c.i) or self._adjective(out, c)
        if m is not None:
            place = self._label(out, m.entity_id) == TERR_LABEL and not self._is_state(out, m.entity_id)
            (pins.places if place else pins.parties).append(m.entity_id)
            pins.written.setdefault(m.entity_id, m.text)
            if not place and c.dep_ in {"poss", "amod", "compound"} and not pins.owner:
                pins.owner = f"{m.text}'s" if c.dep_ == "poss" else m.text  # "Russia's", "Russian"
            return
        known = self._known_place(out, c.text) if c.pos_ == "PROPN" else None
        if known is not None:  # "the Karabakh conflict" where the NER missed this "Karabakh"
            pins.places.append(known)
            pins.written.setdefault(known, c.text)
            return
        for part in c.text.split("-"):  # "Erdogan-Putin", "Russia-Ukraine"
            eid = self._known_name(out, part)
            if eid:
                pins.parties.append(eid)
        if c.lower_ in JOINT_WORDS:
            pins.joint = True
        if c.lower_ not in _SKIP_MODIFIERS and c.pos_ in {"NOUN", "PROPN", "ADJ"} and c.is_alpha:
            pins.qualifier.append(c)

    def _prep(self, out: Resolved, noun: Any, prep: Any, pins: Pins, published: date | None) -> None:
        word = prep.lower_
        objects = [p for p in prep.children if p.dep_ == "pobj"]
        objects += [c for p in objects for c in p.conjuncts]
        for p in objects:
            if p.ent_type_ == "DATE":
                pins.date = pins.date or _date_of(p, published)
                continue
            m = out.mention_at(p.i) or _named_place(out, p)
            if m is None:
                continue
            label = self._label(out, m.entity_id)
            if word in _PLACE_PREPS and (label == TERR_LABEL or self._is_state(out, m.entity_id)):
                pins.places.append(m.entity_id)
            elif word in _PARTY_PREPS and (label == ACTOR_LABEL or word in {"between", "among"}):
                pins.parties.append(m.entity_id)
                pins.between = pins.between or word in {"between", "among"}
                pins.counterpart = pins.counterpart or word == "with"
            elif word in _TARGET_PREPS and label in {ACTOR_LABEL, TERR_LABEL}:
                pins.undergoer = pins.undergoer or word == "of" and label == ACTOR_LABEL
                (pins.places if label == TERR_LABEL and not self._is_state(out, m.entity_id) else pins.parties
                 ).append(m.entity_id)
            else:
                continue
            pins.written.setdefault(m.entity_id, m.text)
            # as written ("of the so-called X Republic"); "in Yevlax", not "in the city", for the city of Yevlax
            end = max(p.i + 1, m.token_end) if out.mention_at(p.i) is m else p.i + 1
            named = _joined(list(p.doc[prep.i + 1 : end])) if out.mention_at(p.i) is not None else m.text
            if len(named.split()) > MAX_TOPIC_WORDS + 2 or "\n" in named:
                named = _phrase(p)
            pins.phrases.append(f"{noun.text} {prep.text} {named}")
            own = [t.text for t in noun.lefts if t.dep_ in {"compound", "amod"} and t.is_alpha
                   and t.lower_ not in _SKIP_MODIFIERS | _PASSING_WORDS and t.i not in taken_by_mentions(out)]
            if own:  # "peace negotiations in Washington", "military campaign in X" of "successful military ..."
                pins.phrases += [" ".join([*words, noun.text, prep.text, named]) for words in {(*own,), (own[-1],)}]
        if word in _TOPIC_PREPS and objects and not pins.topic and objects[0].ent_type_ != "DATE":
            topic = [t for t in objects[0].subtree][:MAX_TOPIC_WORDS]
            if topic and all(not t.is_punct and not t.is_space and "\n" not in t.whitespace_ for t in topic[:-1]) \
                    and not topic[-1].is_punct and not topic[-1].is_space:
                pins.topic = f"{word} " + " ".join(t.text for t in topic)

    @staticmethod
    def _antecedent(mentions: list[ResolvedMention], out: Resolved, label: str, kind: str, pins: Pins,
                    tok: Any) -> ResolvedMention | None:
        """`the U.N.-brokered export deal` after the deal was named: an agreement nominal with no name, date or
        `between` parties of its own is the agreement in focus; an event nominal with no place, date or
        parties is the latest event of its kind."""
        if pins.proper or pins.date or label not in {"Agreement", "Event"}:
            return None
        if label == "Agreement" and pins.between or label == "Event" and (pins.parties or pins.places):
            return None
        before = [m for m in mentions if m.token_end <= tok.i and (e := out.entities.get(m.entity_id)) is not None
                  and e.label == label and (label == "Agreement" or e.kind == kind)]
        return max(before, key=lambda m: m.token_start) if before else None

    def _known(self, label: str, kind: str, pins: Pins, tok: Any, published: date | None) -> tuple[Entity | None, bool]:
        """The lexicon's own entity for this nominal, which always wins over a discovered duplicate: one named
        by a phrase of the mention, the one event of that kind named after its place, or the one agreement
        dated that day. The flag says the lexicon has several that fit."""
        lex = self.lexicon
        for phrase in pins.phrases:
            eid = lex.alias_index.get(fold(phrase))
            if eid is not None and lex.by_id[eid].label == label:
                return lex.by_id[eid].to_entity(), False
        if label == "Event" and pins.places:
            event = lexicon_event(lex, frozenset({kind}), pins.places, tok.sent, published)
            if event is not None:
                return event.to_entity(), False
            places = {fold(n) for eid in pins.places if eid in lex.by_id for n in lex.by_id[eid].names}
            if any(e.label == label and e.kind == kind and any(p in fold(n) for n in e.names for p in places)
                   for e in lex.of_kind(label)):
                return None, True
        if label == "Event" and pins.parties and not pins.places and not pins.date:
            words = {fold(w) for eid in pins.parties if eid in lex.by_id
                     for w in [*lex.by_id[eid].names, *lex.by_id[eid].adjectives]}
            named = [e for e in lex.of_kind(kind) if e.label == label
                     and any(re.search(rf"\b{re.escape(w)}\b", fold(n)) for n in e.names for w in words if w)]
            if len(named) == 1:
                return named[0].to_entity(), False
            if named:
                return None, True  # "Azerbaijan's military campaign": the lexicon knows several; better none
        if label == "Agreement" and pins.date and len(pins.date) == 10:
            day = date.fromisoformat(pins.date)
            dated = [e for e in lex.of_kind(label) if e.date == day] or [
                e for e in lex.of_kind(label) if e.label == label and e.date and abs((e.date - day).days) <= 1]
            if len(dated) == 1:
                return dated[0].to_entity(), False
        return None, False

    def _entity(self, out: Resolved, label: str, kind: str, tok: Any, first: int, pins: Pins) -> Entity:
        doc = tok.doc
        phrase = " ".join(t.text for t in doc[first : tok.i + 1])
        head = tok.text if pins.proper else tok.lower_
        if pins.proper:
            before = doc[first - 1] if first > 0 else None  # "Sochi | Joint Statement": the place is in the name
            if before is not None and before.head.i == tok.i and before.dep_ == "compound" \
                    and before.text[:1].isupper():
                phrase = f"{before.text} {phrase}"
            name = phrase + _proper_tail(tok)  # "Joint Statement | on the Cessation of Hostilities"
            key = name
        else:
            names = [short_name(out, eid) for eid in (pins.places or pins.parties)[:3]]
            if pins.places:  # a place as the text wrote it: "Brussels", not the state its capital stands for
                names[0] = bare_name(pins.written.get(pins.places[0], names[0]))
            qualifier = " ".join(t.text for t in sorted(pins.qualifier, key=lambda t: t.i))
            base = " ".join(x for x in [qualifier, head] if x)
            who = "–".join(names) if not pins.places else names[0]
            name = " ".join(x for x in [who, base] if x) or base
            if pins.places and qualifier:
                pins.phrases.append(f"{names[0]} {head}")  # "Sochi summit" of "the trilateral summit in Sochi"
            if pins.places and pins.owner:
                pins.phrases.append(f"{pins.owner} {base}")  # "Russia's peacekeeping operation" (in X)
            if pins.topic and not names:
                name = f"{base} {pins.topic}"
            if pins.date:
                name += ", " + _month_name(pins.date)
            anchor = "-".join(sorted(pins.places or pins.parties)[:3]) or f"{base} {pins.topic}"
            key = f"{kind} {anchor} {(pins.date or '')[:7]}"
        undated = name.rsplit(", ", 1)[0]
        aliases = sorted({p for p in [phrase, undated, *pins.phrases] if p and p != name
                          and not (pins.proper and fold(p) == fold(tok.text))})  # "Agreements" of "Minsk Agreements"
        # a proper name is its own identity, as when the NER finds it; a description gets its label as a prefix
        ident = slugify(key) if pins.proper else slugify(f"{label} {key}")
        return Entity(id=ident, label=label, kind=kind, name=name, aliases=aliases, discovered=True)

    def _place_in_name(self, out: Resolved, tok: Any, first: int) -> ResolvedMention | None:
        """The mention of a known place that begins a capitalised name ("Madrid | Principles", "Sochi |
        Summit"), if the noun is capitalised mid-sentence right after it."""
        if first == 0 or not tok.text[:1].isupper() or tok.i == tok.sent.start:
            return None
        before = tok.doc[first - 1]
        m = out.mention_at(before.i)
        if m is None or m.token_end != first or not m.explicit or before.dep_ != "compound" \
                or not before.text[:1].isupper():
            return None
        entity = out.entities.get(m.entity_id)
        return m if entity is not None and (entity.label == TERR_LABEL or entity.kind == "State") else None

    @staticmethod
    def _first_word(tok: Any, taken: set[int]) -> int:
        """The noun's left modifiers that are words of its own name, not other entities, determiners or dates."""
        first = tok.i
        for c in sorted((c for c in tok.children if c.i < tok.i and c.dep_ in _MODIFIER_DEPS), key=lambda c: -c.i):
            if c.i != first - 1 or c.i in taken or c.lower_ in _SKIP_MODIFIERS or c.ent_type_ in {"DATE", "CARDINAL"}:
                break
            if c.dep_ == "poss" or not c.is_alpha and "-" not in c.text:
                break
            first = c.i
        return first

    def _adjective(self, out: Resolved, tok: Any) -> ResolvedMention | None:
        """`Russian` in "the Russian invasion": the state its adjective names, as a mention for pinning only."""
        eid = self.lexicon.adjective_index.get(fold(tok.text))
        if eid is None or eid not in self.lexicon.by_id:
            return None
        out.entities.setdefault(eid, self.lexicon.by_id[eid].to_entity())
        return ResolvedMention(eid, tok.idx, tok.idx + len(tok.text), tok.text, tok.i, tok.i + 1, "adjective")

    @staticmethod
    def _known_place(out: Resolved, text: str) -> str | None:
        """A place the document names elsewhere by exactly this word (not a state)."""
        key = fold(text)
        found = [eid for eid, e in out.entities.items() if e.label == TERR_LABEL and key
                 and key in {fold(n) for n in [e.name, *e.aliases]}]
        return found[0] if len(found) == 1 else None

    def _known_name(self, out: Resolved, text: str) -> str | None:
        key = fold(text)
        if not key:
            return None
        for eid, e in out.entities.items():
            if e.label == ACTOR_LABEL and any(fold(n).split()[-1:] == [key] or fold(n) == key
                                               for n in [e.name, *e.aliases]):
                return eid
        return None

    @staticmethod
    def _label(out: Resolved, eid: str) -> str:
        e = out.entities.get(eid)
        return e.label if e else ""

    @staticmethod
    def _is_state(out: Resolved, eid: str) -> bool:
        e = out.entities.get(eid)
        return e is not None and e.kind == "State"



_TITLE_SMALL_WORDS = {"of", "on", "the", "in", "and", "for", "between", "to", "with", "concerning", "regarding"}


def _proper_tail(tok: Any) -> str:
    """The capitalised words a proper name goes on with after its head, on the same line ("on the Cessation of
    Hostilities in the Abyei Area"); empty when none follow."""
    words: list[Any] = []
    for t in tok.doc[tok.i + 1 :]:
        if "\n" in t.text or not (t.text[:1].isupper() or t.lower_ in _TITLE_SMALL_WORDS):
            break
        words.append(t)
        if "\n" in t.whitespace_:
            break
    while words and words[-1].lower_ in _TITLE_SMALL_WORDS:
        words.pop()
    if not any(t.text[:1].isupper() for t in words):
        return ""
    return " " + "".join(t.text + t.whitespace_ for t in words).strip()


def _names_place(tok: Any) -> bool:
    """A noun of a two-sided place ("border"), discovered before the events that happen there."""
    return tok.lower_ in TWO_SIDED_NOUNS and TWO_SIDED_NOUNS[tok.lower_][0] == TERR_LABEL


def _named_place(out: Resolved, tok: Any) -> ResolvedMention | None:
    """`the city of Yevlax`, `the port of Odesa`: the place a place noun is followed by."""
    if singular(tok.lower_) not in PLACE_HEADS:
        return None
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for p in prep.children:
                if p.dep_ == "pobj" and out.mention_at(p.i) is not None:
                    return out.mention_at(p.i)
    return None


def _year_or_month(tok: Any) -> bool:
    """`2020`, `November`: a word of a date, which a name's shorter form leaves out."""
    return tok.ent_type_ == "DATE" and (len(tok.text) == 4 and tok.text.isdigit()
                                        or tok.text.capitalize() in calendar.month_name[1:])


def taken_by_mentions(out: Resolved) -> set[int]:
    """Token indices inside the document's mentions so far."""
    return {i for m in out.mentions for i in range(m.token_start, m.token_end)}


def _definite(tok: Any) -> bool:
    return any(c.dep_ in {"det", "poss"} and c.lower_ in {"the", "this", "that", "its", "their", "his", "her"}
               or c.dep_ == "poss" for c in tok.children)


def _date_of(tok: Any, published: date | None) -> str | None:
    """ISO date of the DATE entity a token belongs to; one with no year needs the publication date."""
    for ent in document_ents(tok.doc):
        if ent.start <= tok.i < ent.end and ent.label_ == "DATE":
            if published is None and not re.search(r"\b(1[89]|20)\d\d\b", ent.text):
                return None
            iso = resolve_date(ent.text, published)
            return iso if iso and len(iso) >= 4 else None
    return None


def _month_name(iso: str) -> str:
    if len(iso) >= 7:
        return f"{calendar.month_name[int(iso[5:7])]} {iso[:4]}"
    return iso[:4]


def _joined(tokens: list[Any]) -> str:
    """Tokens as the text wrote them (no space inside "Nagorno-Karabakh")."""
    return "".join(t.text + t.whitespace_ for t in tokens).strip()


def _phrase(tok: Any) -> str:
    """A noun with its left modifiers: `Ukrainian ports` of "the blockade of Ukrainian ports and ..."."""
    words = [t.text for t in tok.doc[tok.left_edge.i : tok.i + 1] if not t.is_punct][-MAX_TOPIC_WORDS:]
    if words and words[0].lower() in {"the", "a", "an"}:
        words = words[1:]
    return " ".join(words)
