"""The world layer (`base`): states, capitals as metonyms, demonyms, cities and organisations from data packages,
always under the conflict lexicons, which win per id and per name."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import KG

from conflictkg.loaders.lexicon import BASE_LEXICON, Lexicon, fold
from conflictkg.loaders.pipeline import DocumentProcessor
from conflictkg.loaders.read import RawDocument

ABOUT_A_CITY = (
    "Officials in Ankara said on Monday that a Turkish convoy would reach Mariupol by Friday. "
    "The United Nations welcomed the plan, and Ukraine agreed to open the road."
)


@pytest.fixture(scope="module")
def base_processor() -> DocumentProcessor:
    return DocumentProcessor(Lexicon.merged([BASE_LEXICON]))


def _entities(processor: DocumentProcessor, text: str) -> dict[str, tuple[str, str]]:
    raw = RawDocument(id="t.txt", text=text, source="t.txt", media_type="text", encoding="utf-8", sha256="1")
    norm, meta = processor.prepare(raw)
    ex = processor.extract(raw, norm, meta, processor.nlp(norm.text))
    return {e.id: (e.label, e.kind) for e in ex.entities}


def test_base_knows_states_capitals_demonyms_cities_and_organisations():
    base = Lexicon.merged([BASE_LEXICON])
    turkey = base.by_id["turkey"]
    assert (turkey.label, turkey.kind) == ("Actor", "State")
    assert base.alias_index[fold("Ankara")] == "turkey" and base.adjective_index[fold("Turkish")] == "turkey"
    assert base.alias_index[fold("Russian Federation")] == "russia"
    mariupol = base.by_id["mariupol"]
    assert (mariupol.kind, mariupol.part_of, mariupol.gazetteer) == ("Settlement", ["ukraine"], True)
    assert base.by_id["united_nations"].kind == "Organization"
    assert not base.validate_references()


def test_base_is_under_every_lexicon_and_a_conflict_lexicon_wins_per_id_and_per_name(tmp_path: Path):
    conflict = tmp_path / "black_sea.yaml"
    conflict.write_text(
        "name: black_sea\n"
        "entities:\n"
        "  - {id: turkey, label: Actor, kind: State, name: Turkey, aliases: [Türkiye, Ankara, Sublime Porte]}\n"
        "  - {id: odesa_port, label: Territory, kind: Settlement, name: Odesa, aliases: [Port of Odesa]}\n"
        "triggers:\n  predicates:\n    MEDIATED: [shepherd]\n",
        encoding="utf-8",
    )
    merged = Lexicon.merged([conflict])
    assert "mariupol" in merged.by_id and "ukraine" in merged.by_id  # base came along
    assert merged.by_id["turkey"].aliases == ["Türkiye", "Ankara", "Sublime Porte"]
    assert [e.id for e in merged.entities if e.name == "Turkey"] == ["turkey"]
    # the conflict lexicon's "Odesa" replaces the world layer's city of that name
    assert "odesa" not in merged.by_id and merged.alias_index[fold("Odesa")] == "odesa_port"
    assert "shepherd" in merged.triggers.predicates["MEDIATED"] and "broker" in merged.triggers.predicates["MEDIATED"]


def test_a_state_its_capital_and_a_city_are_found_with_no_conflict_lexicon(base_processor):
    found = _entities(base_processor, ABOUT_A_CITY)
    assert found["turkey"] == ("Actor", "State")  # from "Ankara" and "Turkish"
    assert found["ukraine"] == ("Actor", "State")
    assert found["mariupol"] == ("Territory", "Settlement")
    assert found["united_nations"] == ("Actor", "Organization")


def test_common_words_and_parts_of_names_are_no_places(base_processor):
    text = (
        "Central Bank Says Mobile Payments Split Reading Habits\n"
        "Reading the statement aloud, the envoy said the north was calm. "
        "Mobile teams will split the aid. Vladimir Putin and Victoria Nuland spoke to the press."
    )
    found = _entities(base_processor, text)
    places = {eid for eid, (label, _) in found.items() if label == "Territory"}
    assert not places, places


def test_ingest_with_the_base_lexicon_end_to_end(tmp_path: Path):
    kg = KG(tmp_path / "kg")
    doc = tmp_path / "convoy.txt"
    doc.write_text(ABOUT_A_CITY + "\n", encoding="utf-8")
    result = kg("ingest", str(doc), "--lexicon", BASE_LEXICON)
    assert result.exit_code == 0, result.output
    entities = {r["id"]: r for r in kg.records() if r["type"] == "entity"}
    assert entities["turkey"]["kind"] == "State" and "Ankara" in entities["turkey"]["aliases"]
    assert entities["mariupol"]["kind"] == "Settlement"
    assert "lachin_corridor" not in entities  # no conflict knowledge was loaded
