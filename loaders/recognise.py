"""Recognition: find entity mentions with the lexicon's EntityRuler, spaCy's statistical NER and the grammar
(acronym definitions, proper names before a head noun of a known class)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .discover import (
    DESCRIPTIVE_HEADS,
    NER_DEFAULTS,
    acronym_definitions,
    head_type,
    places_named_by_noun,
    proper_chunks,
    singular,
)
from .lexicon import Lexicon, fold
from .mentions import tokens_of
from .vocabulary import (
    CAPTIVE_NOUNS,
    FORCE_NOUNS,
    GEOGRAPHIC_PREFIXES,
    GROUP_NOUNS,
    HONORIFICS,
    ORGANIZATION_NOUNS,
    TITLE_NOUNS,
)

MAX_ALIAS_WORDS = 6
_LEADING_WORDS = {"a", "an", "this", "that", "these", "those", "its", "their"}
# Places a text counts as one group ("the seven districts"); not states or territories, which name sides.
_COUNTED_PLACE_NOUNS = {"city", "town", "village", "settlement", "district", "province", "region", "oblast",
                        "county", "municipality", "enclave", "exclave", "island", "governorate", "raion", "rayon"}
_NOT_NAME_WORDS = {"own", "entire", "whole", "new", "former", "current", "main", "other", "much", "vaunted"}
_INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$")
_INITIALS_SURNAME = re.compile(r"^((?:[A-Z]\.){1,3})([A-Z][a-z][\w'’-]+)$")


@dataclass(frozen=True)
class Candidate:
    """A span the recogniser thinks names an entity; offsets are into the normalised text."""

    start: int
    end: int
    text: str
    token_start: int
    token_end: int
    label: str  # ontology label for lexicon hits, spaCy label for NER and grammar hits
    entity_id: str | None  # set for lexicon hits
    source: str  # "lexicon", "ner", "acronym" or "grammar"


@dataclass
class Recognised:
    doc: Any  # the parsed spaCy Doc of the normalised text
    candidates: list[Candidate] = field(default_factory=list)
    acronyms: dict[str, tuple[int, int]] = field(default_factory=dict)  # "MSO" -> its long form's char span

    def covered(self, keep: Callable[[Candidate], bool] | None = None) -> set[int]:
        """Token indices inside the candidates (those `keep` accepts): what a grammar pass must not cut."""
        return {i for c in self.candidates if keep is None or keep(c) for i in range(c.token_start, c.token_end)}


def trimmed(ent: Any) -> tuple[int, int]:
    """Token bounds of a statistical name without what the NER glued to it: a leading `a`/`this`, a trailing
    preposition ("the Security Council of"), a bracketed acronym ("the Red Cross(ICRC")."""
    start, end = ent.start, next((t.i for t in ent if t.text == "("), ent.end)
    while start < end and ent.doc[start].lower_ in _LEADING_WORDS:
        start += 1
    while end > start and ent.doc[end - 1].pos_ in {"ADP", "DET", "CCONJ", "PART", "PUNCT"}:
        end -= 1
    return start, end


def _definite(tok: Any) -> bool:
    """`the ethnic Serb population`: a noun the text points at as one known thing."""
    return any(c.dep_ == "det" and c.lower_ in {"the", "this", "that", "these", "those"} for c in tok.children)


class Recogniser:
    """Runs the NLP pipeline (built once by the caller) and lists entity candidates."""

    def __init__(self, nlp: Any, lexicon: Lexicon) -> None:
        self.nlp = nlp
        self.lexicon = lexicon

    def _lexicon_place(self, c: Candidate) -> bool:
        """A lexicon candidate for a place or a state."""
        entry = self.lexicon.by_id.get(c.entity_id) if c.entity_id else None
        return entry is not None and (entry.label == "Territory" or entry.kind == "State")

    def run(self, text: str) -> Recognised:
        return self.from_doc(self.nlp(text))

    def from_doc(self, doc: Any) -> Recognised:
        out = Recognised(doc=doc)
        for ent in doc.ents:
            if ent.ent_id_ and ent.ent_id_ in self.lexicon.by_id:
                out.candidates.append(
                    Candidate(ent.start_char, ent.end_char, ent.text, ent.start, ent.end, ent.label_, ent.ent_id_,
                              "lexicon")
                )
            elif ent.label_ in NER_DEFAULTS:
                start, end = trimmed(ent)
                if end > start:
                    span = doc[start:end]
                    out.candidates.append(Candidate(span.start_char, span.end_char, span.text, span.start, span.end,
                                                    ent.label_, None, "ner"))
        self._join_split_names(doc, out)
        self._quoted_aliases(doc, out)
        self._initialled_names(doc, out)
        self._acronyms(doc, out)
        self._proper_chunks(doc, out)
        self._owned_bodies(doc, out)
        self._counted_places(doc, out)
        self._placed_peoples(doc, out)
        self._prefixed_places(doc, out)
        self._the_west(doc, out)
        self._titled_people(doc, out)
        return out

    @staticmethod
    def _titled_people(doc: Any, out: Recognised) -> None:
        """`the head of the Defence Council of Moldova Ion Cebotari`: two or three capitalised words
        the NER left untagged, right after a title's phrase, name the holder."""
        taken = out.covered() - out.covered(lambda c: c.label == "PERSON" and c.entity_id is None)
        for tok in tokens_of(doc)[1:]:
            if tok.i in taken or tok.pos_ != "PROPN" or not tok.is_title or tok.ent_type_ not in {"", "PERSON"}:
                continue
            end = tok.i
            while end < len(doc) and end - tok.i < 3 and doc[end].pos_ == "PROPN" and doc[end].is_title \
                    and doc[end].ent_type_ in {"", "PERSON"} and end not in taken \
                    and doc[end].lower_.rstrip(".") not in TITLE_NOUNS | HONORIFICS:
                end += 1  # "Minister | Hulusi Akar": the title is no word of the name
            if end - tok.i < 2 or end < len(doc) and doc[end].pos_ == "PROPN":
                continue
            before = doc[tok.i - 1]
            window = doc[max(tok.sent.start, tok.i - 9) : tok.i]
            if not (before.lower_ in TITLE_NOUNS or before.i in taken) \
                    or not any(t.lower_ in TITLE_NOUNS for t in window):
                continue
            span = doc[tok.i : end]
            out.candidates = [c for c in out.candidates if c.token_end <= tok.i or c.token_start >= end]
            out.candidates.append(Candidate(span.start_char, span.end_char, span.text, tok.i, end, "PERSON", None,
                                            "grammar"))
            taken.update(range(tok.i, end))

    @staticmethod
    def _prefixed_places(doc: Any, out: Recognised) -> None:
        """`the South Caucasus`, `Western Balkans`: a geographic first word and a proper name make a region
        the NER may have missed ("South Caucasus Peace Deal" is the deal's name, left to the nominals)."""
        taken = out.covered()
        for tok in tokens_of(doc):
            if tok.lower_ not in GEOGRAPHIC_PREFIXES or not tok.text[:1].isupper() or tok.i in taken:
                continue
            end = tok.i + 1
            while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper() and end not in taken \
                    and "\n" not in doc[end - 1].whitespace_:
                end += 1
            if end == tok.i + 1 or end - tok.i > 4:
                continue
            head = head_type([doc[end - 1].text])
            if head is not None and head[0] != "Territory":
                continue
            span = doc[tok.i : end]
            out.candidates.append(Candidate(span.start_char, span.end_char, span.text, tok.i, end, "LOC", None,
                                            "grammar"))
            taken.update(range(tok.i, end))

    @staticmethod
    def _the_west(doc: Any, out: Recognised) -> None:
        """`relations with the West`: the capitalised West after `the` is a political camp, not a direction
        ("to the west of", "the West Bank", "in the West of the country" are not it)."""
        for tok in tokens_of(doc)[1:]:
            if tok.text != "West":
                continue
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if doc[tok.i - 1].lower_ != "the" \
                    or nxt is not None and (nxt.pos_ in {"PROPN", "NOUN"} or nxt.lower_ == "of"):
                continue
            over = [c for c in out.candidates if c.token_start <= tok.i < c.token_end]
            if any(c.entity_id or c.token_end > tok.i + 1 for c in over):
                continue  # part of a longer name
            out.candidates = [c for c in out.candidates if c not in over]  # the NER's "the West" as a place
            out.candidates.append(Candidate(tok.idx, tok.idx + 4, tok.text, tok.i, tok.i + 1, "GROUP", None,
                                            "grammar"))

    def _placed_peoples(self, doc: Any, out: Recognised) -> None:
        """`Karabakh Armenians`, `the Armenian population of X`, `Serb residents in Y`: a people named with the
        place it lives in is a Group; a bare nationality ("Armenians") is not one."""
        lexicon = self.lexicon
        places = out.covered(lambda c: self._lexicon_place(c) or c.entity_id is None and c.label in {"GPE", "LOC"})
        others = out.covered() - places
        for tok in tokens_of(doc):
            if tok.i in others or tok.i in places:
                continue
            nationals = tok.tag_ in {"NNPS", "NNS"} and tok.text[:1].isupper() and head_type([tok.text]) is None \
                and (tok.ent_type_ == "NORP" or tok.tag_ == "NNPS")
            people = tok.lower_ in GROUP_NOUNS and any(
                c.dep_ in {"amod", "compound"} and (c.ent_type_ == "NORP" or fold(c.text) in lexicon.adjective_index)
                for c in tok.lefts)
            if not (nationals or people):
                continue
            first = tok.i
            while first > 0 and doc[first - 1].dep_ in {"amod", "compound"} and doc[first - 1].head.i == tok.i \
                    and doc[first - 1].is_alpha and doc[first - 1].i not in others:
                first -= 1
            while first < tok.i and doc[first].lower_ in _NOT_NAME_WORDS:
                first += 1  # "the entire | Armenian population of X"
            if people and first == tok.i:
                continue  # the nationality is another name's word: "Armenian and Azerbaijani | communities"
            end = tok.i + 1
            after = [c for c in out.candidates if end + 1 < len(doc) and doc[end].lower_ in {"of", "in", "from"}
                     and c.token_start == end + 1 and (c.token_start in places or people and c.entity_id is None)]
            if after:
                end = after[0].token_end
            elif not any(i in places or doc[i].pos_ == "PROPN" and doc[i].dep_ == "compound" and nationals
                         for i in range(first, tok.i)) and not (people and (_definite(tok)
                                                                             or tok.lower_ in CAPTIVE_NOUNS)):
                continue  # "Kosovo Serbs" names its place before the people; "the ethnic Serb population"
            span = doc[first:end]
            out.candidates = [c for c in out.candidates if not first <= c.token_start < end]
            out.candidates.append(Candidate(span.start_char, span.end_char, span.text, first, end, "GROUP", None,
                                            "grammar"))
            others.update(range(first, end))

    @staticmethod
    def _counted_places(doc: Any, out: Recognised) -> None:
        """`the five occupied districts`, `four villages in Croatia`: a counted group of places the text treats
        as one territory, when it is definite or placed by a known name (a bare "two villages" is not one)."""
        taken = out.covered()
        for tok in tokens_of(doc):
            if tok.pos_ != "NOUN" or tok.i in taken or tok.lower_ == singular(tok.lower_) \
                    or singular(tok.lower_) not in _COUNTED_PLACE_NOUNS:
                continue
            number = next((c for c in tok.children if c.dep_ == "nummod" and c.i < tok.i and c.like_num
                           and c.lower_ not in {"one", "1"}), None)
            if number is None or any(i in taken for i in range(number.i, tok.i)):
                continue
            definite = any(c.dep_ == "det" and c.lower_ in {"the", "these", "those"} for c in tok.children)
            end = tok.i + 1
            after = [c for c in out.candidates if end + 1 < len(doc) and doc[end].lower_ in {"in", "of"}
                     and c.token_start == end + 1 and "\n" not in doc[end].whitespace_]
            if after:  # "four villages in Croatia", however the parser hangs the phrase
                end = after[0].token_end
            elif not definite:
                continue
            span = doc[number.i : end]
            out.candidates = [c for c in out.candidates if not number.i <= c.token_start < end]
            out.candidates.append(Candidate(span.start_char, span.end_char, span.text, number.i, end, "LOC", None,
                                            "grammar"))
            taken.update(range(number.i, end))

    def _owned_bodies(self, doc: Any, out: Recognised) -> None:
        """`Azerbaijan's army`, `Moldova's interior ministry`: a body or force a state owns, named by a common
        noun after the state's possessive (resolution names it for its owner)."""
        states = out.covered(lambda c: c.entity_id is not None and self.lexicon.by_id[c.entity_id].kind == "State")
        taken = out.covered()
        for tok in tokens_of(doc):
            if tok.pos_ not in {"NOUN", "PROPN"} or tok.i in taken \
                    or singular(tok.lower_) not in FORCE_NOUNS | ORGANIZATION_NOUNS \
                    or tok.lower_ in DESCRIPTIVE_HEADS:
                continue  # "Azerbaijan's civilian administration" is the state's rule, not a body of its own
            owner = next((c for c in tok.children if c.dep_ == "poss" and (c.i in states or c.lower_ == "country")),
                         None)  # "Azerbaijan's army", "the country's foreign ministry"
            if owner is None or tok.i + 1 < len(doc) and doc[tok.i + 1].dep_ == "compound":
                continue  # "Russia's army | chief": the noun is not the head
            first = tok.i
            while first - 1 > owner.i and doc[first - 1].dep_ in {"compound", "amod"} and doc[first - 1].is_alpha \
                    and doc[first - 1].i not in taken:
                first -= 1
            if doc[first - 1].text not in {"'s", "’s", "'", "’"} or doc[first].lower_ in _NOT_NAME_WORDS:
                continue  # "Azerbaijan's own army", "Russia's entire army": words about the body, not its name
            span = doc[first : tok.i + 1]
            out.candidates.append(Candidate(span.start_char, span.end_char, span.text, first, tok.i + 1, "ORG", None,
                                            "grammar"))

    @staticmethod
    def _join_split_names(doc: Any, out: Recognised) -> None:
        """`the 2020 | Karabakh War`: two statistical spans of one label that touch are one name."""
        joined: list[Candidate] = []
        for cand in sorted(out.candidates, key=lambda c: c.start):
            prev = joined[-1] if joined else None
            if prev is not None and prev.source == cand.source == "ner" and prev.label == cand.label \
                    and prev.token_end == cand.token_start and "\n" not in doc.text[prev.start : cand.end]:
                span = doc[prev.token_start : cand.token_end]
                joined[-1] = Candidate(span.start_char, span.end_char, span.text, span.start, span.end, cand.label,
                                       None, "ner")
                continue
            joined.append(cand)
        out.candidates = joined

    def _acronyms(self, doc: Any, out: Recognised) -> None:
        """`the Maritime Safety Office (MSO)`: the long form is a name, and each later `MSO` stands for it."""
        for start, end, acr in acronym_definitions(doc):
            long = doc[start:end]
            if not any(c.source == "lexicon" and c.start <= long.start_char and long.end_char <= c.end
                       for c in out.candidates):
                self._replace(out, Candidate(long.start_char, long.end_char, long.text, start, end, "ORG", None,
                                             "acronym"))
            covering = next((c for c in out.candidates if c.start <= long.start_char and long.end_char <= c.end), None)
            if covering is None:
                continue
            out.acronyms.setdefault(doc[acr].text, (covering.start, covering.end))
        for tok in tokens_of(doc):
            if tok.text in out.acronyms and not any(c.token_start <= tok.i < c.token_end for c in out.candidates):
                out.candidates.append(Candidate(tok.idx, tok.idx + len(tok.text), tok.text, tok.i, tok.i + 1, "ORG",
                                                None, "acronym"))

    def _proper_chunks(self, doc: Any, out: Recognised) -> None:
        """Proper names before a head noun of a known class that the NER missed or marked only in part."""
        lexical = out.covered(lambda c: c.source == "lexicon")
        for start, end in places_named_by_noun(doc, lexical):
            span = doc[start:end]
            self._replace(out, Candidate(span.start_char, span.end_char, span.text, start, end, "GPE", None, "grammar"))
        places = frozenset(out.covered(lambda c: c.source == "lexicon" and self._lexicon_place(c)))
        for start, end in proper_chunks(doc, lexical, self.lexicon.adjective_index, places):
            span = doc[start:end]
            if any(c.token_start < start and c.token_end > start or c.token_start < end < c.token_end
                   for c in out.candidates):
                continue  # would cut another name in two
            if all(i in places for i in range(start, end) if i in lexical):  # "Minsk | Group": the place is a word
                out.candidates = [c for c in out.candidates if not start <= c.token_start < end]  # of the name
            self._replace(out, Candidate(span.start_char, span.end_char, span.text, start, end, "ORG", None,
                                         "grammar"))

    @staticmethod
    def _replace(out: Recognised, cand: Candidate) -> None:
        """Add a candidate in place of the statistical ones it overlaps; a lexicon match is never displaced."""
        overlapping = [c for c in out.candidates if c.start < cand.end and cand.start < c.end]
        if any(c.source == "lexicon" for c in overlapping):
            return
        out.candidates = [c for c in out.candidates if c not in overlapping]
        out.candidates.append(cand)

    def _initialled_names(self, doc: Any, out: Recognised) -> None:
        """`I.H. Aliyev`, `N.V.Pashinyan` (the style of official statements): a known person whose surname
        and first initial agree."""
        from .lexicon import fold

        for tok in tokens_of(doc):
            joined = _INITIALS_SURNAME.match(tok.text)
            if joined:
                initials, surname, first, last = joined.group(1), joined.group(2), tok.i, tok.i
            elif _INITIALS.match(tok.text) and tok.i + 1 < len(doc) and doc[tok.i + 1].text[:1].isupper():
                initials, surname, first, last = tok.text, doc[tok.i + 1].text, tok.i, tok.i + 1
            else:
                continue
            eid = self._person(fold(surname), initials[0].lower())
            if eid is None:
                continue
            start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
            if any(c.source == "lexicon" and c.start < end and start < c.end for c in out.candidates):
                continue
            out.candidates = [c for c in out.candidates if c.end <= start or c.start >= end]
            out.candidates.append(Candidate(start, end, doc.text[start:end], first, last + 1, "Actor", eid, "lexicon"))

    def _person(self, surname: str, initial: str) -> str | None:
        from .lexicon import fold

        matches = {
            e.id for e in self.lexicon.of_kind("Person")
            for n in e.names if len(fold(n).split()) >= 2 and fold(n).split()[-1] == surname
            and fold(n).split()[0].startswith(initial)
        }
        return matches.pop() if len(matches) == 1 else None
    def _quoted_aliases(self, doc: Any, out: Recognised) -> None:
        """Aliases written with scare quotes (`Russian “peacekeeping” contingent`) or extra spaces inside, which
        the phrase ruler cannot see: match the words with those left out."""
        from .lexicon import fold

        # gaps the phrase ruler cannot bridge: quote marks, and runs of extra spaces inside a line
        tokens = tokens_of(doc)
        quotes = [t.i for t in tokens if t.is_quote or (t.is_space and "\n" not in t.text)]
        if not quotes:
            return
        words = [t for t in tokens if not (t.is_quote or t.is_space)]
        position = {t.i: n for n, t in enumerate(words)}
        near: set[int] = set()  # only spans that can hold a quote mark between two of their words
        for q in quotes:
            after = next((position[j] for j in range(q + 1, len(doc)) if j in position), None)
            if after is not None:
                near.update(range(max(0, after - MAX_ALIAS_WORDS), after + 1))
        index = self.lexicon.alias_index
        i = 0
        while i < len(words):
            if i not in near:
                i += 1
                continue
            for size in range(min(MAX_ALIAS_WORDS, len(words) - i), 1, -1):
                span = words[i : i + size]
                first, last = span[0].i, span[-1].i
                if last - first + 1 == size:
                    continue  # no quote inside: the ruler's job
                if any(t.is_punct and t.text not in {"-", "–"} for t in span):
                    continue
                if any(c.source == "lexicon" and c.token_start < first < c.token_end or
                       c.source == "lexicon" and c.token_start <= last < c.token_end - 1 for c in out.candidates):
                    continue  # would cut a longer lexicon match in two
                if any("\n" in doc[j].text for j in range(first, last + 1)):
                    continue
                eid = index.get(fold(" ".join(t.text for t in span)))
                if eid:
                    lex = self.lexicon.by_id[eid]
                    start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
                    out.candidates = [c for c in out.candidates if c.end <= start or c.start >= end]
                    out.candidates.append(
                        Candidate(start, end, doc.text[start:end], first, last + 1, lex.label, eid, "lexicon")
                    )
                    i += size - 1
                    break
            i += 1
