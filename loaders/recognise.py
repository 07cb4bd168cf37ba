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
        return out
