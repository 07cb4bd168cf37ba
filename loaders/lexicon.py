"""Lexicons in layers: the English language file, then conflict lexicons, loaded from YAML.

A lexicon is data, not code: another conflict gets its own YAML file, passed with
`--lexicon`. `Lexicon.merged` always puts two bundled layers under the lexicons it is given: the
language file (language/english.yaml: trigger words per predicate and provision type, attribution
verbs, hedges, negation cues) and the world knowledge of `base` (states, capitals, demonyms,
subdivisions, cities, international organisations: loaders/world.py). A conflict lexicon so lists
only that conflict's entities. It may still carry a `triggers:` block: its words are added to the
language's under the same key; words listed under `remove_triggers:` (same shape) are taken out of
what the layers below supplied. Lexicons merge in order: a later one replaces an entity of the same
id, and a name a later lexicon gives one of its entities is taken from the earlier lexicons' entities
(an entity whose own name is taken is left out), so "Moscow" stays the conflict lexicon's Russia
rather than becoming the world layer's city.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from anyascii import anyascii
from pydantic import BaseModel, ConfigDict, Field, field_validator

from conflictkg.errors import KGError
from conflictkg.schema.models import Entity
from conflictkg.schema.ontology import LABEL_KINDS, PREDICATES, PROVISION_TYPES

DEFAULT_LEXICON = "south_caucasus"
LANGUAGE = "english"
"""The bundled language file every merged lexicon starts from."""
BASE_LEXICON = "base"
"""The world-knowledge lexicon, generated from data packages; merged under every other lexicon."""
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it: ten times faster on the 2,700-line lexicon."""


_PLAIN = re.compile(r"[A-Za-z0-9 ]*")


@lru_cache(maxsize=1 << 18)
def fold(text: str) -> str:
    """Case-, diacritic- and punctuation-insensitive form used to compare names (cached: the same names
    are folded for every mention of every document, and the world layer's hundred thousand when merged)."""
    if _PLAIN.fullmatch(text):  # most names: letters, digits and spaces only, where the steps below reduce to this
        words = text.lower().split()
        return " ".join(words[1:] if len(words) > 1 and words[0] == "the" else words)
    text = anyascii(unicodedata.normalize("NFC", text)).casefold()
    text = re.sub(r"[’'`]s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text)
    text = re.sub(r"^the\s+", "", text.strip())
    return re.sub(r"\s+", " ", text).strip()


class Office(BaseModel):
    entity: str
    role: str
    start: dt.date | None = Field(default=None, alias="from")
    to: dt.date | None = None

    model_config = ConfigDict(populate_by_name=True)


class LexiconEntity(BaseModel):
    id: str
    label: str
    kind: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    adjectives: list[str] = Field(default_factory=list)
    date: dt.date | None = None
    end: dt.date | None = None
    part_of: list[str] = Field(default_factory=list)
    connects: list[str] = Field(default_factory=list)
    leads: list[Office] = Field(default_factory=list)
    gazetteer: bool = False
    """A gazetteer entry (a city or a subdivision of the world layer): matched only on its exact names where
    the parse sees a proper noun, never by folding or fuzzy resolution (loaders/world.py says why)."""

    @field_validator("leads", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, dict) else (v or [])

    @field_validator("aliases", "adjectives", "part_of", "connects", mode="before")
    @classmethod
    def _list(cls, v: Any) -> Any:
        return [str(x) for x in v] if v else []

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def to_entity(self) -> Entity:
        """The graph entity this lexicon entry stands for."""
        return Entity(id=self.id, label=self.label, kind=self.kind, name=self.name, aliases=list(self.aliases))


class Triggers(BaseModel):
    predicates: dict[str, list[str]] = Field(default_factory=dict)
    provisions: dict[str, list[str]] = Field(default_factory=dict)
    attribution: list[str] = Field(default_factory=list)
    hedges: list[str] = Field(default_factory=list)
    negation: list[str] = Field(default_factory=list)

    def add(self, other: Triggers) -> None:
        """Append the other's words that are not here yet, keeping this one's order first."""
        for table, more in ((self.predicates, other.predicates), (self.provisions, other.provisions)):
            for k, words in more.items():
                table.setdefault(k, []).extend(w for w in words if w not in table[k])
        self.attribution += [w for w in other.attribution if w not in self.attribution]
        self.hedges += [w for w in other.hedges if w not in self.hedges]
        self.negation += [w for w in other.negation if w not in self.negation]

    def remove(self, other: Triggers) -> None:
        """Take out every word the other lists, under the same key."""
        for table, less in ((self.predicates, other.predicates), (self.provisions, other.provisions)):
            for k, words in less.items():
                if k in table:
                    table[k] = [w for w in table[k] if w not in words]
        self.attribution = [w for w in self.attribution if w not in other.attribution]
        self.hedges = [w for w in self.hedges if w not in other.hedges]
        self.negation = [w for w in self.negation if w not in other.negation]

    def keys(self) -> tuple[set[str], set[str]]:
        """The predicate and provision-type keys used."""
        return set(self.predicates), set(self.provisions)


class Lexicon(BaseModel):
    name: str
    description: str = ""
    entities: list[LexiconEntity] = Field(default_factory=list)
    triggers: Triggers = Field(default_factory=Triggers)
    remove_triggers: Triggers = Field(default_factory=Triggers)

    @cached_property
    def by_id(self) -> dict[str, LexiconEntity]:
        return {e.id: e for e in self.entities}

    def of_kind(self, label_or_kind: str) -> list[LexiconEntity]:
        """The entities of this label or kind, in lexicon order: a few dozen events or agreements to scan
        instead of the tens of thousands of places the world layer brings."""
        return self.by_label_or_kind.get(label_or_kind, [])

    @cached_property
    def by_label_or_kind(self) -> dict[str, list[LexiconEntity]]:
        table: dict[str, list[LexiconEntity]] = {}
        for e in self.entities:
            table.setdefault(e.label, []).append(e)
            if e.kind != e.label:
                table.setdefault(e.kind, []).append(e)
        return table

    @cached_property
    def alias_index(self) -> dict[str, str]:
        """Folded name -> entity id; names claimed by two entities are left out (ambiguous). Gazetteer entries
        are not in it."""
        seen: dict[str, set[str]] = {}
        for e in self.entities:
            if e.gazetteer:
                continue
            for n in e.names:
                seen.setdefault(fold(n), set()).add(e.id)
        return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and k}

    @cached_property
    def adjective_index(self) -> dict[str, str]:
        return {fold(a): e.id for e in self.entities for a in e.adjectives}

    def validate_references(self) -> list[str]:
        """Problems a lexicon author must fix: bad kinds, dangling ids, unknown trigger keys."""
        problems = []
        for e in self.entities:
            if e.kind not in LABEL_KINDS.get(e.label, frozenset()):
                problems.append(f"{e.id}: kind {e.kind!r} is not a kind of {e.label!r}")
            for ref in [*e.part_of, *e.connects, *(o.entity for o in e.leads)]:
                if ref not in self.by_id:
                    problems.append(f"{e.id}: refers to unknown entity {ref!r}")
        for block in (self.triggers, self.remove_triggers):
            predicates, provisions = block.keys()
            problems += [f"unknown predicate trigger key {k!r}" for k in sorted(predicates - PREDICATES)]
            problems += [f"unknown provision trigger key {k!r}" for k in sorted(provisions - PROVISION_TYPES)]
        return problems

    @classmethod
    def from_yaml(cls, source: str | Path, folder: str = "lexicons") -> Lexicon:
        """Load one lexicon by bundled name (e.g. "south_caucasus", looked up in `folder`) or by file path,
        without the language layer (`merged` adds it)."""
        path = Path(source)
        if source == BASE_LEXICON and not path.exists():
            from .world import base_lexicon

            return base_lexicon()
        try:
            if path.suffix in {".yaml", ".yml"} or path.exists():
                raw = path.read_text(encoding="utf-8")
            else:
                raw = (resources.files("conflictkg.loaders") / folder / f"{source}.yaml").read_text(encoding="utf-8")
        except (FileNotFoundError, OSError) as exc:
            raise KGError(f"lexicon {source!s} not found: give a YAML file path or a bundled name") from exc
        try:
            lexicon = cls.model_validate(yaml.load(raw, Loader=_YAML_LOADER) or {})
        except Exception as exc:  # yaml and pydantic errors alike
            first = str(exc).splitlines()[0]
            raise KGError(f"lexicon {source!s} is not valid: {first}") from exc
        problems = lexicon.validate_references()
        if problems:
            raise KGError(f"lexicon {source!s} is not valid: {problems[0]} ({len(problems)} problem(s))")
        return lexicon

    @classmethod
    def merged(cls, sources: list[str | Path]) -> Lexicon:
        """The language and world layers and the given lexicons as one (see the module's docstring): a later
        entity with the same id replaces an earlier one and takes its names from earlier entities; each
        lexicon's trigger words are added, then its `remove_triggers` taken out."""
        language, world = cls.from_yaml(LANGUAGE, folder="language"), cls.from_yaml(BASE_LEXICON)
        parts = [world, *(cls.from_yaml(s) for s in sources if str(s) != BASE_LEXICON)]
        entities: dict[str, tuple[int, LexiconEntity]] = {}
        triggers = Triggers()
        for n, part in enumerate([language, *parts]):
            entities.update({e.id: (n, e) for e in part.entities})
            triggers.add(part.triggers)
            triggers.remove(part.remove_triggers)
        name = "+".join(p.name for p in parts)
        description = "; ".join(p.description for p in parts if p.description)
        return cls(name=name, description=description, entities=_later_names_win(entities), triggers=triggers)


def _later_names_win(entities: dict[str, tuple[int, LexiconEntity]]) -> list[LexiconEntity]:
    """Each entity keeps the names and adjectives no later layer gives its own entities; one whose name is
    taken goes. Layers are walked from the last, each adding its names to those taken."""
    by_layer: dict[int, list[LexiconEntity]] = {}
    for layer, e in entities.values():
        by_layer.setdefault(layer, []).append(e)
    taken: set[str] = set()
    kept: dict[str, LexiconEntity] = {}
    for layer in sorted(by_layer, reverse=True):
        mine: set[str] = set()
        for e in by_layer[layer]:
            names = [fold(n) for n in e.names]
            adjectives = [fold(a) for a in e.adjectives]
            mine.update(names, adjectives)
            if names[0] in taken:
                continue
            if taken.isdisjoint(names[1:]) and taken.isdisjoint(adjectives):
                kept[e.id] = e
                continue
            aliases = [a for a, key in zip(e.aliases, names[1:], strict=True) if key not in taken]
            adjs = [a for a, key in zip(e.adjectives, adjectives, strict=True) if key not in taken]
            kept[e.id] = e.model_copy(update={"aliases": aliases, "adjectives": adjs})
        taken |= mine
    return [kept[eid] for eid in entities if eid in kept]
