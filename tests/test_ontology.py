"""The one ontology check (schema/ontology.py `admits`): complete for every predicate and provision type, and in
step with the predicate table of ../shared/ontology.md, read at test time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conflictkg.schema.ontology import LABEL_KINDS, PREDICATES, PROVISION_TYPES, SIGNATURES, admits, signature

ONTOLOGY_DOC = Path(__file__).resolve().parents[2] / "shared" / "ontology.md"
# Edges of the provision pattern, not predicates between two entities.
STRUCTURAL_EDGES = {"HAS_PROVISION"}
# Where the code admits more kinds than the doc's remark in parentheses names, on purpose.
WIDER_IN_CODE = {("DEPLOYED_TO", "subject"): {"Organization"}}  # a civilian monitoring mission is deployed too


def test_every_predicate_and_provision_type_has_a_signature():
    missing = [p for p in sorted(PREDICATES) if p not in SIGNATURES]
    assert not missing, f"predicates without a signature in schema/ontology.py: {missing}"
    assert set(SIGNATURES) == set(PREDICATES)
    for ptype in PROVISION_TYPES:
        assert set(signature(ptype).roles) == {"agreement", "obliges", "concerns", "benefits"}


def test_a_name_outside_the_ontology_is_an_error_that_names_it():
    with pytest.raises(ValueError, match="FOUNDED"):
        admits("FOUNDED", subject=("Actor", "State"))
    with pytest.raises(ValueError, match="concerns"):
        admits("SIGNED", concerns=("Territory", "Region"))


def test_admits_reads_labels_kinds_and_the_state_as_territory():
    assert admits("SIGNED", subject=("Actor", "State"), object=("Agreement", "Treaty"))
    assert not admits("SIGNED", subject=("Agreement", "Treaty"), object=("Actor", "State"))
    assert admits("CONTROLS", subject=("Actor", "State"), object=("Actor", "State"))  # a state is a territory
    assert not admits("LEADS", subject=("Actor", "State"), object=("Actor", "State"))  # only a person leads
    assert not admits("MEMBER_OF", subject=("Actor", "Person"), object=("Actor", "Person"))
    assert admits("PART_OF", subject=("Territory", "District"), object=("Actor", "State"))
    assert not admits("PART_OF", subject=("Event", "War"), object=("Territory", "Region"))
    assert admits("CEASEFIRE", obliges=("Actor", "ArmedForce"), concerns=("Actor", "State"))
    assert not admits("CEASEFIRE", benefits=("Territory", "Region"))


def _doc_table() -> dict[str, list[tuple[str, str]]]:
    """predicate -> its (subject, object) alternatives in the doc's relations table ("A -> A; B -> B")."""
    if not ONTOLOGY_DOC.is_file():
        pytest.fail(f"the ontology document is missing at {ONTOLOGY_DOC}; the suite needs ../shared next to it")
    rows: dict[str, list[tuple[str, str]]] = {}
    for line in ONTOLOGY_DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and re.fullmatch(r"[A-Z_]+", cells[0]) and "->" in cells[1]:
            pairs = [alt.partition("->") for alt in re.split(r";(?![^(]*\))", cells[1])]
            rows[cells[0]] = [(subject, obj) for subject, _, obj in pairs]
    return rows


def _read(cell: str) -> tuple[set[str], set[str], set[str]]:
    """Labels a cell names, kinds it names as the entity itself, kinds it names in a remark (parentheses)."""
    remark = " ".join(re.findall(r"\(([^)]*)\)", cell))
    plain = re.sub(r"\([^)]*\)", " ", cell)
    kind_label = {k: label for label, kinds in LABEL_KINDS.items() for k in kinds}
    labels, kinds, remark_kinds = set(), set(), set()
    for word in re.findall(r"[A-Za-z]+", plain):
        if word in LABEL_KINDS:
            labels.add(word)
        elif word in kind_label:
            labels.add(kind_label[word])
            kinds.add(word)
    if remark and re.match(r"\s*[A-Z]\w*(?:/[A-Z]\w*)*\s*$", remark):  # "Actor (ArmedForce/State)"
        remark_kinds = {w for w in remark.split("/") if w.strip() in kind_label}
    return labels, kinds, {k.strip() for k in remark_kinds}


def test_the_ontology_doc_and_the_code_agree_on_every_predicate():
    table = _doc_table()
    assert set(table) - STRUCTURAL_EDGES == set(PREDICATES), "predicates differ between ontology.md and the code"
    for predicate, alternatives in table.items():
        if predicate in STRUCTURAL_EDGES:
            continue
        sig = SIGNATURES[predicate]
        for index, role in enumerate(("subject", "object")):
            read = [_read(pair[index]) for pair in alternatives]
            labels, kinds, remark_kinds = (set().union(*(r[i] for r in read)) for i in range(3))
            assert labels == set(sig.roles[role]), f"{predicate} {role}: doc {labels}, code {set(sig.roles[role])}"
            named = kinds or remark_kinds
            code_kinds = set(sig.kinds.get(role, ()))
            if kinds and len(labels) == 1 and kinds != LABEL_KINDS[next(iter(labels))]:
                assert code_kinds == kinds, f"{predicate} {role}: doc kinds {kinds}, code {code_kinds}"
            elif remark_kinds:
                wider = WIDER_IN_CODE.get((predicate, role), set())
                assert code_kinds == named | wider, f"{predicate} {role}: doc kinds {named}, code {code_kinds}"


def test_a_settlement_or_corridor_lies_in_a_state_and_a_region_is_part_of_one():
    from conflictkg.schema.ontology import spatial_predicate

    assert spatial_predicate("PART_OF", "Settlement", "State") == "LOCATED_IN"
    assert spatial_predicate("PART_OF", "Corridor", "State") == "LOCATED_IN"
    assert spatial_predicate("PART_OF", "Region", "State") == "PART_OF"
    assert spatial_predicate("PART_OF", "Settlement", "Region") == "PART_OF"
    assert spatial_predicate("LOCATED_IN", "Exclave", "State") == "LOCATED_IN"
