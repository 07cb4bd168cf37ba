"""Lexicons in layers: the English language file is always under the conflict lexicons, which may add
or remove trigger words and override entities by id."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflictkg.errors import KGError
from conflictkg.loaders.lexicon import DEFAULT_LEXICON, Lexicon, fold


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_language_layer_is_loaded_under_a_lexicon_without_triggers(tmp_path):
    bare = _write(
        tmp_path, "bare", "name: bare\nentities:\n  - {id: ruritania, label: Actor, kind: State, name: Ruritania}\n"
    )
    lexicon = Lexicon.merged([bare])
    assert "sign" in lexicon.triggers.predicates["SIGNED"]
    assert "ceasefire" in lexicon.triggers.provisions["CEASEFIRE"]
    assert {"reportedly"} <= set(lexicon.triggers.hedges) and "according to" in lexicon.triggers.attribution
    assert "ruritania" in lexicon.by_id


def test_the_bundled_conflict_lexicon_holds_entities_and_no_english_words():
    alone = Lexicon.from_yaml(DEFAULT_LEXICON)
    assert alone.entities and not alone.triggers.predicates and not alone.triggers.negation
    assert "sign" in Lexicon.merged([DEFAULT_LEXICON]).triggers.predicates["SIGNED"]


def test_a_conflict_lexicon_adds_and_removes_trigger_words(tmp_path):
    extra = _write(
        tmp_path, "extra",
        "name: extra\n"
        "triggers:\n  predicates:\n    SIGNED: [autograph, sign]\n  hedges: [ostensibly]\n"
        "remove_triggers:\n  predicates:\n    SIGNED: [ink]\n  negation: [hardly]\n",
    )
    lexicon = Lexicon.merged([extra])
    signed = lexicon.triggers.predicates["SIGNED"]
    assert "autograph" in signed and signed.count("sign") == 1 and "ink" not in signed
    assert "ostensibly" in lexicon.triggers.hedges
    assert "hardly" not in lexicon.triggers.negation and "never" in lexicon.triggers.negation


def test_a_later_lexicon_overrides_an_entity_of_the_same_id(tmp_path):
    first = _write(tmp_path, "first", "name: first\nentities:\n  - {id: x, label: Actor, kind: State, name: Xland}\n")
    second = _write(
        tmp_path, "second", "name: second\nentities:\n  - {id: x, label: Actor, kind: Polity, name: Xland Republic}\n"
    )
    lexicon = Lexicon.merged([first, second])
    assert lexicon.by_id["x"].kind == "Polity" and lexicon.by_id["x"].name == "Xland Republic"


def test_an_unknown_key_in_remove_triggers_is_refused(tmp_path):
    bad = _write(tmp_path, "bad", "name: bad\nremove_triggers:\n  predicates:\n    SIGNS: [sign]\n")
    with pytest.raises(KGError, match="bad.*SIGNS"):
        Lexicon.merged([bad])


@pytest.mark.parametrize(("name", "folded"), [
    ("The  Hague", "hague"), ("the", "the"), ("Theodore Roosevelt", "theodore roosevelt"), (" Port 7 ", "port 7"),
    ("the the", "the"), ("", ""),  # plain names take the short path; the rest the general one
    ("Bakı's port", "baki port"), ("Nagorno-Karabakh", "nagorno karabakh"), ("THE Ṭurkish Straits", "turkish straits"),
])
def test_fold_ignores_case_article_diacritics_and_punctuation(name: str, folded: str) -> None:
    assert fold(name) == folded
