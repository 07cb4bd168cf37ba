"""Recognition: find entity mentions with the lexicon's EntityRuler and spaCy's statistical NER."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .lexicon import Lexicon

# spaCy NER labels worth keeping when no lexicon entry matched, and what they become.
NER_LABELS: dict[str, tuple[str, str]] = {
    "PERSON": ("Actor", "Person"),
    "ORG": ("Actor", "Organization"),
    "GPE": ("Territory", "Region"),
    "LOC": ("Territory", "Region"),
    "EVENT": ("Event", "Other"),
    "LAW": ("Agreement", "Treaty"),
}


MAX_ALIAS_WORDS = 6
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
    label: str  # ontology label for lexicon hits, spaCy label for NER hits
    entity_id: str | None  # set for lexicon hits
    source: str  # "lexicon" or "ner"


@dataclass
class Recognised:
    doc: Any  # the parsed spaCy Doc of the normalised text
    candidates: list[Candidate] = field(default_factory=list)


class Recogniser:
    """Runs the NLP pipeline (built once by the caller) and lists entity candidates."""

    def __init__(self, nlp: Any, lexicon: Lexicon) -> None:
        self.nlp = nlp
        self.lexicon = lexicon

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
            elif ent.label_ in NER_LABELS:
                out.candidates.append(
                    Candidate(ent.start_char, ent.end_char, ent.text, ent.start, ent.end, ent.label_, None, "ner")
                )
        self._quoted_aliases(doc, out)
        self._initialled_names(doc, out)
        return out

    def _initialled_names(self, doc: Any, out: Recognised) -> None:
        """`I.H. Aliyev`, `N.V.Pashinyan` (the style of official statements): a known person whose surname
        and first initial agree."""
        from .lexicon import fold

        for tok in doc:
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
            e.id for e in self.lexicon.entities if e.kind == "Person"
            for n in e.names if len(fold(n).split()) >= 2 and fold(n).split()[-1] == surname
            and fold(n).split()[0].startswith(initial)
        }
        return matches.pop() if len(matches) == 1 else None
    def _quoted_aliases(self, doc: Any, out: Recognised) -> None:
        """Aliases written with scare quotes (`Russian “peacekeeping” contingent`) or extra spaces inside, which
        the phrase ruler cannot see: match the words with those left out."""
        from .lexicon import fold

        # gaps the phrase ruler cannot bridge: quote marks, and runs of extra spaces inside a line
        quotes = [t.i for t in doc if t.is_quote or (t.is_space and "\n" not in t.text)]
        if not quotes:
            return
        words = [t for t in doc if not (t.is_quote or t.is_space)]
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
