"""A lexicon for another conflict works without touching code."""

from __future__ import annotations

from pathlib import Path

from conflictkg.loaders.lexicon import Lexicon
from conflictkg.loaders.pipeline import DocumentProcessor
from conflictkg.loaders.read import RawDocument

LEXICON = Path(__file__).parent / "data" / "horn_of_africa.yaml"
TEXT = (
    "Ethiopian Prime Minister Abiy Ahmed welcomed the deal on Thursday. "
    "The Pretoria Agreement was mediated by the African Union and signed by Ethiopia and the TPLF. "
    "Under the agreement, the TPLF shall withdraw its fighters from Mekele within 30 days."
)


def test_second_lexicon_extracts_its_own_entities_and_facts():
    lexicon = Lexicon.from_yaml(LEXICON)
    processor = DocumentProcessor(lexicon)
    raw = RawDocument(id="horn.txt", text=TEXT, source="horn.txt", media_type="text", encoding="utf-8", sha256="1")
    norm, meta = processor.prepare(raw)
    ex = processor.extract(raw, norm, meta, processor.nlp(norm.text))
    ids = {e.id for e in ex.entities}
    assert {"ethiopia", "abiy_ahmed", "pretoria_agreement", "african_union", "tplf", "mekelle"} <= ids
    triples = {(r.subject, r.predicate, r.object) for r in ex.relations}
    assert ("african_union", "MEDIATED", "pretoria_agreement") in triples
    assert ("abiy_ahmed", "LEADS", "ethiopia") in triples
    assert {("ethiopia", "SIGNED", "pretoria_agreement"), ("tplf", "SIGNED", "pretoria_agreement")} <= triples
    withdraw = [p for p in ex.provisions if p.provision_type == "WITHDRAW_FORCES"]
    assert withdraw and withdraw[0].obliges == ["tplf"] and withdraw[0].concerns == ["mekelle"]
    # nothing of the default South Caucasus lexicon leaks in
    assert "armenia" not in ids


def test_a_broken_lexicon_is_refused_with_a_clear_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nentities:\n  - {id: x, label: Actor, kind: Corridor, name: X}\n", encoding="utf-8")
    try:
        Lexicon.from_yaml(bad)
    except Exception as exc:  # noqa: BLE001 - asserting on the message
        assert "bad.yaml" in str(exc) and "Corridor" in str(exc)
    else:
        raise AssertionError("an invalid kind was accepted")
