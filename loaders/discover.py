"""Entity discovery: what a text names that no lexicon lists, typed from the evidence around it.

The lexicon is a boost, never a precondition. A span the statistical NER or the grammar finds gets the
ontology's label and kind from its head noun ("... Ministry" is an Organization, "... Initiative" an
Agreement, "the port of X" a Settlement), from the words around it ("in X", "X, Ukraine", "the city of X")
and only last from the NER label. A title is never cut into an organisation ("National Defence Minister
Akar"), and generic words make no entity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .mentions import tokens_of
from .vocabulary import (
    AGREEMENT_NOUNS,
    EVENT_NOUNS,
    FORCE_NOUNS,
    GENERIC_NAMES,
    GEOGRAPHIC_PREFIXES,
    ORGANIZATION_NOUNS,
    POLITY_NOUNS,
    REGION_NOUNS,
    SETTLEMENT_NOUNS,
    TITLE_NOUNS,
)

ACTOR, TERR, AGR, EVENT = "Actor", "Territory", "Agreement", "Event"
# What a NER label means when nothing better is known.
NER_DEFAULTS: dict[str, tuple[str, str]] = {
    "PERSON": (ACTOR, "Person"),
    "ORG": (ACTOR, "Organization"),
    "GPE": (TERR, "Settlement"),
    "LOC": (TERR, "Region"),
    "FAC": (TERR, "Settlement"),
    "EVENT": (EVENT, "Other"),
    "LAW": (AGR, "Treaty"),
    "GROUP": (ACTOR, "Group"),  # the grammar's label for a people placed by name (recognise.py), not spaCy's
}
PLACE_HEADS = SETTLEMENT_NOUNS | set(REGION_NOUNS)
# Prepositions whose object is a place when the NER is unsure what a single name is ("in Mariupol").
LOCATIVE_PREPS = {"in", "near", "outside", "around"}
# Nouns of fighting that a one-word proper name before them places ("the Karabakh conflict").
CONTESTED_NOUNS = {"war", "conflict", "crisis", "offensive", "front", "frontline", "ceasefire", "blockade", "siege"}
# Prepositions of being in or moving through a place: weak evidence that their object is one.
INSIDE_PREPS = LOCATIVE_PREPS | {"into", "inside", "throughout", "across", "within"}
# Head nouns that a nationality or place word describes rather than names ("Moldovan territory").
DESCRIPTIVE_HEADS = {"territory", "territories", "soil", "land", "lands", "side", "government", "authorities",
                     "administration", "area", "zone", "coast", "border", "line", "state", "capital", "city",
                     "town", "village", "region", "presidency", "delegation", "leadership"}
_ACRONYM = re.compile(r"^[A-Z][A-Za-z&]*[A-Z]$|^[A-Z]{2,}s?$")
_SMALL_WORDS = {"of", "the", "for", "and", "on", "in", "to", "de", "&", "a", "an"}


def head_type(words: list[str]) -> tuple[str, str] | None:
    """The (label, kind) a phrase's head noun gives it, if the head is a noun of a known class."""
    if not words:
        return None
    head = singular(words[-1].lower())
    if head in AGREEMENT_NOUNS:
        return AGR, AGREEMENT_NOUNS[head]
    if head in EVENT_NOUNS:
        return EVENT, EVENT_NOUNS[head]
    if head in FORCE_NOUNS:
        return ACTOR, "ArmedForce"
    if head in ORGANIZATION_NOUNS:
        return ACTOR, "Organization"
    if head in POLITY_NOUNS:
        return ACTOR, "Polity"
    if head in SETTLEMENT_NOUNS:
        return TERR, "Settlement"
    if head in REGION_NOUNS:
        return TERR, REGION_NOUNS[head]
    return None


def singular(noun: str) -> str:
    """`districts` -> district, `cities` -> city: enough English plural for the head-noun tables."""
    if noun in AGREEMENT_NOUNS or noun in EVENT_NOUNS or noun in FORCE_NOUNS:
        return noun
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith("s") and not noun.endswith("ss") and noun[:-1] in PLACE_HEADS | ORGANIZATION_NOUNS:
        return noun[:-1]
    return noun


def span_head(span: Any) -> Any:
    """The head word of a name: its syntactic root, else its last word ("Ministry of Defence" -> Ministry)."""
    root = span.root
    return root if root.pos_ in {"NOUN", "PROPN"} else span[-1]


def context_type(span: Any) -> tuple[str, str] | None:
    """The kind the words around a name give it: `the city of X`, `X port`, `X, a town`, `in X`."""
    root = span.root
    head = root.head
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in PLACE_HEADS:
        return head_type([head.head.lower_])
    if root.dep_ in {"compound", "appos"} and head.lower_ in PLACE_HEADS and head.i > root.i:
        typed = head_type([head.lower_])
        if typed and typed[0] == TERR:
            return typed
    for child in root.children:
        if child.dep_ == "appos" and child.lower_ in PLACE_HEADS:
            return head_type([child.lower_])
    return None


def _process_noun(word: str) -> bool:
    """A noun of an act or process (cessation, implementation, return), which heads no organisation's name once
    the organisation nouns (`ORGANIZATION_NOUNS`: commission, federation, movement, ...) are set apart."""
    return word in {"return", "withdrawal", "release", "exchange", "cessation", "reconstruction"} or (
        len(word) > 6 and word.endswith(("tion", "sion", "ment", "ance", "ence")))


def title_follows(span: Any) -> bool:
    """`Turkish National Defence | Minister Hulusi Akar`: the span is the first part of a title."""
    doc = span.doc
    nxt = doc[span.end] if span.end < len(doc) else None
    return nxt is not None and nxt.lower_ in TITLE_NOUNS and span[-1].lower_ not in ORGANIZATION_NOUNS | FORCE_NOUNS


def type_span(span: Any, ner_label: str) -> tuple[str, str] | None:
    """Label and kind of a statistical or grammatical name span, or None when it names no entity."""
    if ner_label == "GROUP":  # the grammar's own finding ("the West" as a camp, "Kosovo Serbs")
        return NER_DEFAULTS[ner_label]
    words = [t.text for t in span if not t.is_punct and not t.is_space]
    while words and words[0].lower() in {"the", "a", "an", "this", "that"}:
        words = words[1:]
    if not words or " ".join(words).lower() in GENERIC_NAMES or any(t.like_url or t.like_email for t in span):
        return None
    if len(words) > 1 and words[0] == "Operation" and words[1][:1].isupper():
        return EVENT, "MilitaryOperation"  # "Operation Storm"
    if ner_label == "PERSON":
        if words[-1].lower() in TITLE_NOUNS:
            return None
        typed = head_type(words[-1:])
        if typed is not None and typed[1] != "Person":  # "Joint Statement" taken for a name: the noun's pass
            return None  # (nominals.py) names it, with the rest of its title
        return ACTOR, "Person"
    if ner_label == "ORG" and (title_follows(span) or span_head(span).lower_ in TITLE_NOUNS):
        return None  # "National Defence | Minister", "the Head of Mission": offices, not bodies
    typed = head_type([span_head(span).text])
    if typed is not None:
        return typed
    if ner_label == "ORG" and _process_noun(span_head(span).lower_):
        return None  # "Cessation of Hostilities", "Return of Refugees": what a text is about, not a body
    typed = context_type(span)
    if typed is not None:
        return typed
    if ner_label == "ORG":
        if any(w.lower() in FORCE_NOUNS for w in words):
            return ACTOR, "ArmedForce"
        root = span.root
        if len(span) == 1 and root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS and not span.text.isupper():
            return TERR, "Settlement"  # "in Mariupol" tagged as an organisation
    return NER_DEFAULTS.get(ner_label)


def place_evidence(span: Any, places: set[int]) -> tuple[str, bool] | None:
    """The place kind a name's own words or grammar give it when the NER took it for a person or a body, and
    whether the evidence is strong: a geographic first word ("Upper Karabakh", "South Ossetia"), a place noun
    around it ("the city of X", "the X area"), a list it shares with places (`places`: token indices of known
    places) are strong; "in X" or "into X" is weak, since people and bodies stand there too ("trust in X")."""
    words = [t for t in span if not t.is_punct and t.lower_ not in {"the", "a", "an"}]
    head = head_type([words[-1].text]) if words else None
    if not words or head is not None and head[0] != TERR:
        return None
    if head is not None:
        return head[1], True  # "Lachin district", "Upper Karabakh contact lines": the head noun says which place
    if len(words) >= 2 and words[0].lower_ in GEOGRAPHIC_PREFIXES and words[1].text[:1].isupper():
        return "Region", True
    typed = context_type(span)
    if typed is not None and typed[0] == TERR:
        return typed[1], True
    root = span.root
    if any(c.i in places for c in root.conjuncts) or root.dep_ == "conj" and root.head.i in places:
        return "Settlement", True
    if root.dep_ == "compound" and root.head.lower_ in CONTESTED_NOUNS and len(words) == 1:
        return "Region", True  # "the Karabakh conflict", "the Tigray war": where the fighting is
    if root.dep_ == "pobj" and root.head.lower_ in INSIDE_PREPS:
        return "Settlement", False
    return None


def acronym_definitions(doc: Any) -> list[tuple[int, int, int]]:
    """`the Maritime Safety Office (MSO)`: (first token, end token) of the long form and the acronym's token.

    The long form is the shortest run of words before the bracket whose capitalised initials spell the
    acronym (Schwartz and Hearst's rule, on initials only)."""
    found: list[tuple[int, int, int]] = []
    tokens = tokens_of(doc)
    texts = [t.text for t in tokens]
    for i in range(1, len(tokens) - 1):
        acr = texts[i]
        if texts[i - 1] != "(" or texts[i + 1] != ")" or not _ACRONYM.match(acr) or len(acr) > 10:
            continue
        tok = tokens[i]
        letters = acr.rstrip("s").upper() if acr.endswith("s") and acr[:-1].isupper() else acr.upper()
        letters = "".join(c for c in letters if c.isalpha())
        end = tok.i - 1  # the bracket
        initials: list[str] = []
        start = None
        for j in range(end - 1, max(end - 2 * len(letters) - 3, -1), -1):
            word = doc[j]
            if word.is_punct or "\n" in word.text:
                break
            if word.lower_ in _SMALL_WORDS:
                continue
            if not word.text[:1].isupper():
                break
            initials.insert(0, word.text[0].upper())
            if "".join(initials) == letters:
                start = j
                break
            if not letters.endswith("".join(initials)):
                break
        if start is not None:
            found.append((start, end, tok.i))
    return found


def proper_chunks(doc: Any, taken: set[int], adjectives: Iterable[str] = (),
                  places: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """`the Azovstal steel plant`, `the Joint Coordination Centre`, `Azerbaijani armed forces`: a proper name
    before a head noun of a known class (a body, an armed force, a place or a site) that the NER did not mark
    whole. A nationality word names an armed force or a body only with a word of its own ("the Russian
    Defence Ministry"); before a place noun it describes ("Moldovan territory"). A known place (`places`:
    token indices) begins a name whose head is capitalised ("the Minsk Group"); other known names end
    where the new one starts ("the OSCE | Minsk Group")."""
    spans: list[tuple[int, int]] = []
    demonyms = {a.lower() for a in adjectives}
    for tok in tokens_of(doc):
        if tok.pos_ not in {"NOUN", "PROPN"} or tok.i in taken:
            continue
        typed = head_type([tok.text])
        if typed is None or typed[0] in {AGR, EVENT} or tok.lower_ in DESCRIPTIVE_HEADS:
            continue
        after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if after is not None and after.dep_ == "compound" and after.head.i > tok.i and after.lower_ not in TITLE_NOUNS:
            continue  # not the head yet ("Coordination Centre"); but "Sudanese army | chief" names the army
        first = tok.i
        # "Sudanese army chief": the parser hangs the nationality on the title the name stands before
        heads = [tok, tok.head] if tok.dep_ == "compound" and tok.head.lower_ in TITLE_NOUNS else [tok]
        while first > 0 and any(_modifies(doc[first - 1], h) or _hyphen(doc, first - 1) and _modifies(doc[first - 2], h)
                                for h in heads):
            first -= 2 if doc[first - 1].text == "-" else 1
        capitals = [t for t in doc[first:tok.i] if t.text[:1].isupper() and t.pos_ in {"PROPN", "ADJ", "NOUN"}
                    and t.ent_type_ not in {"DATE", "CARDINAL", "ORDINAL"}]
        nationality = [t for t in capitals if t.ent_type_ == "NORP" or t.lower_ in demonyms]
        names = [t for t in capitals if t not in nationality and (t.pos_ == "PROPN" or t.i != t.sent.start)]
        if not names and not (nationality and typed[1] == "ArmedForce"):
            continue  # "Armenian territory", "the Azerbaijani city": a description, not a name
        if any(t.like_url or t.like_email for t in doc[first:tok.i + 1]):
            continue
        blocked = [t.i for t in doc[first:tok.i] if t.i in taken and not (t.i in places and tok.text[:1].isupper())]
        if blocked:
            capitals = [t for t in capitals if t.i > max(blocked)]
            names = [t for t in names if t.i > max(blocked)]
            if not names:
                continue
        first = capitals[0].i  # from the first capitalised word
        if first == doc[first].sent.start and len(capitals) == 1 and not tok.text[:1].isupper() and names:
            continue  # a lone capitalised sentence opener is no name
        spans.append((first, tok.i + 1))
    return spans


def _modifies(word: Any, head: Any) -> bool:
    """A word of the name a head noun ends: a compound or adjective within the head's phrase, on one line."""
    return word.dep_ in {"compound", "amod"} and head.i - 3 <= word.head.i <= head.i and not word.is_punct \
        and "\n" not in word.text


def _hyphen(doc: Any, i: int) -> bool:
    """A hyphen joining two words of one name ("Fuzuli-Shusha road")."""
    return i > 0 and doc[i].text == "-" and not doc[i].whitespace_ and not doc[i - 1].whitespace_


def places_named_by_noun(doc: Any, taken: set[int]) -> list[tuple[int, int]]:
    """`the port of Odesa`, `the town of Manhush`, `Kherson, a city on the Dnipro`, `the Aghdam, Kalbajar and
    Lachin districts`: proper names the grammar calls places."""
    found: list[tuple[int, int]] = []
    for tok in tokens_of(doc):
        if tok.pos_ != "PROPN" or tok.i in taken or not tok.text[:1].isupper():
            continue
        of_place = tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ in PLACE_HEADS
        appos_place = any(c.dep_ == "appos" and c.lower_ in PLACE_HEADS for c in tok.children)
        if not (of_place or appos_place or _shares_plural_place(tok)):
            continue
        first = tok.i
        while first > 0 and doc[first - 1].dep_ == "compound" and doc[first - 1].pos_ == "PROPN" \
                and doc[first - 1].i not in taken:
            first -= 1
        found.append((first, tok.i + 1))
    return found


def _shares_plural_place(tok: Any) -> bool:
    """A name before a plural place noun, or one coordinated with such a name ("Lachin and Kalbajar districts")."""
    for t in [tok, *tok.conjuncts]:
        head = t.head
        if t.dep_ == "compound" and head.i > t.i and _plural_place(head):
            return True
        if t.pos_ == "NOUN" and _plural_place(t):  # the parser's "Aghdam, Kalbajar and districts" chain
            return True
    return False


def _plural_place(tok: Any) -> bool:
    return tok.lower_ != singular(tok.lower_) and singular(tok.lower_) in PLACE_HEADS
