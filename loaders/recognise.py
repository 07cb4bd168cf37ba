"""Recognition: find entity mentions with the lexicon's EntityRuler and spaCy's statistical NER."""

from __future__ import annotations

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
        return out

    def _quoted_aliases(self, doc: Any, out: Recognised) -> None:
        """Aliases written with scare quotes inside (`Russian “peacekeeping” contingent`), which the phrase
        ruler cannot see: match the words with the quote marks left out."""
        from .lexicon import fold

        words = [t for t in doc if not (t.is_quote or t.is_space)]
        index = self.lexicon.alias_index
        i = 0
        while i < len(words):
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
