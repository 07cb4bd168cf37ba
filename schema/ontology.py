"""The ontology of ../shared/ontology.md as data: labels, kinds, predicates, provision types.

Every label or relationship type that reaches a Cypher string comes from these
allow-lists, never from user text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

LABEL_KINDS: Final[dict[str, frozenset[str]]] = {
    "Actor": frozenset({"State", "Person", "Organization", "ArmedForce", "Polity", "Group"}),
    "Territory": frozenset(
        {"Country", "Region", "District", "Settlement", "Exclave", "Province", "Corridor", "Road", "Border"}
    ),
    "Agreement": frozenset({"Ceasefire", "Statement", "Treaty", "PeaceProposal", "Principles", "Declaration"}),
    "Event": frozenset(
        {"War", "MilitaryOperation", "Meeting", "Blockade", "Attack", "Displacement", "Dissolution", "Ruling", "Other"}
    ),
}
ENTITY_LABELS: Final[frozenset[str]] = frozenset(LABEL_KINDS)

PREDICATES: Final[frozenset[str]] = frozenset(
    {
        "SIGNED", "MEDIATED", "PARTY_TO", "PROPOSED", "REJECTED", "CONTROLS", "CLAIMS", "DEPLOYED_TO",
        "PART_OF", "LOCATED_IN", "CONNECTS", "LEADS", "MEMBER_OF", "PARTICIPATED_IN", "OCCURRED_IN",
        "RESULTED_IN", "SUPPORTS", "OPPOSES", "SUPPLIES_ARMS_TO", "SUSPENDED",
    }
)

# Predicates that say the opposite of each other about the same subject and object. The graph keeps no denials
# (a negated sentence yields no fact); a relation and its opposite read from different sources are its contested
# facts (the API's `Relation.contestedBy`).
OPPOSITES: Final[dict[str, frozenset[str]]] = {
    "SUPPORTS": frozenset({"OPPOSES"}), "OPPOSES": frozenset({"SUPPORTS"}),
    "SIGNED": frozenset({"REJECTED"}), "PARTY_TO": frozenset({"REJECTED"}), "PROPOSED": frozenset({"REJECTED"}),
    "REJECTED": frozenset({"SIGNED", "PARTY_TO", "PROPOSED"}),
}

PROVISION_TYPES: Final[frozenset[str]] = frozenset(
    {
        "GUARANTEE_PASSAGE", "SECURE_CORRIDOR", "DEPLOY_FORCES", "TRANSFER_TERRITORY", "CEASEFIRE",
        "WITHDRAW_FORCES", "BUILD_ROUTE", "UNBLOCK_TRANSPORT", "RETURN_DISPLACED", "MONITOR_CEASEFIRE",
        "EXCHANGE_PRISONERS",
    }
)

# Roles a provision node plays towards entities (the n-ary pattern of the ontology).
PROVISION_ROLES: Final[dict[str, str]] = {"obliges": "OBLIGES", "concerns": "CONCERNS", "benefits": "BENEFITS"}

_ACTOR, _TERR, _AGR, _EVENT = "Actor", "Territory", "Agreement", "Event"


@dataclass(frozen=True)
class Signature:
    """Which entities may stand in each role of a predicate or provision: labels, and, where the ontology
    narrows them, kinds. A State counts as a Territory too."""

    roles: dict[str, frozenset[str]]
    kinds: dict[str, frozenset[str]] = field(default_factory=dict)


def _pair(subjects: set[str], objects: set[str], subject_kinds: set[str] | None = None,
          object_kinds: set[str] | None = None) -> Signature:
    kinds = {"subject": frozenset(subject_kinds or ()), "object": frozenset(object_kinds or ())}
    return Signature({"subject": frozenset(subjects), "object": frozenset(objects)},
                     {role: k for role, k in kinds.items() if k})


# predicate -> the labels (and kinds) its subject and object admit; the table of ../shared/ontology.md.
SIGNATURES: Final[dict[str, Signature]] = {
    "SIGNED": _pair({_ACTOR}, {_AGR}),
    "MEDIATED": _pair({_ACTOR}, {_AGR, _EVENT}),
    "PARTY_TO": _pair({_ACTOR}, {_AGR}),
    "PROPOSED": _pair({_ACTOR}, {_AGR}),
    "REJECTED": _pair({_ACTOR}, {_AGR, _EVENT}),
    "CONTROLS": _pair({_ACTOR}, {_TERR}, {"State", "ArmedForce", "Polity", "Group", "Organization"}),
    "CLAIMS": _pair({_ACTOR}, {_TERR}),
    "DEPLOYED_TO": _pair({_ACTOR}, {_TERR}, {"ArmedForce", "State", "Organization"}),
    "PART_OF": _pair({_TERR, _ACTOR, _EVENT}, {_TERR, _ACTOR, _EVENT}),
    "LOCATED_IN": _pair({_TERR, _EVENT}, {_TERR}),
    "CONNECTS": _pair({_TERR}, {_TERR}, {"Corridor", "Road"}),
    "LEADS": _pair({_ACTOR}, {_ACTOR}, {"Person"}),
    "MEMBER_OF": _pair({_ACTOR}, {_ACTOR}, None, {"Organization", "State", "ArmedForce", "Polity"}),
    "PARTICIPATED_IN": _pair({_ACTOR}, {_EVENT}),
    "OCCURRED_IN": _pair({_EVENT}, {_TERR}),
    "RESULTED_IN": _pair({_EVENT}, {_EVENT, _AGR}),
    "SUPPORTS": _pair({_ACTOR}, {_ACTOR}),
    "OPPOSES": _pair({_ACTOR}, {_ACTOR}),
    "SUPPLIES_ARMS_TO": _pair({_ACTOR}, {_ACTOR}),
    "SUSPENDED": _pair({_ACTOR}, {_EVENT, _AGR}),
}
# Every provision type admits the same parties: who must act, where (or what) it is about, who gains.
PROVISION_SIGNATURE: Final[Signature] = Signature(
    {"agreement": frozenset({_AGR}), "obliges": frozenset({_ACTOR}), "concerns": frozenset({_TERR}),
     "benefits": frozenset({_ACTOR})}
)


def signature(name: str) -> Signature:
    """The signature of a predicate or provision type; a name without one is a gap in this module."""
    if name in PROVISION_TYPES:
        return PROVISION_SIGNATURE
    found = SIGNATURES.get(name)
    if found is None:
        raise ValueError(f"{name!r} has no signature in schema/ontology.py: add it to SIGNATURES")
    return found


def admits(name: str, **roles: tuple[str, str]) -> bool:
    """Whether entities given as role=(label, kind) may stand in those roles of a predicate or provision type.

    The one ontology check of the project: the rules extractor and the LLM extractor both ask it, so the two
    cannot keep facts of different shapes. A part and its whole share a label, except a territory in a state."""
    sig = signature(name)
    for role, (label, kind) in roles.items():
        labels = sig.roles.get(role)
        if labels is None:
            raise ValueError(f"{name} has no role {role!r}; its roles are {', '.join(sorted(sig.roles))}")
        if not (label in labels or (_TERR in labels and kind == "State")):
            return False
        kinds = sig.kinds.get(role)
        if kinds and kind not in kinds:
            return False
    if name == "PART_OF" and {"subject", "object"} <= roles.keys():
        (s_label, _), (o_label, o_kind) = roles["subject"], roles["object"]
        return s_label == o_label or (s_label == _TERR and o_kind == "State")
    return True


# Places that lie in a state rather than make it up: "Sochi is located in Russia", but "Abkhazia is part of
# Georgia". A containment of one of these in a state is LOCATED_IN, whatever words the text used.
LOCATED_KINDS: Final[frozenset[str]] = frozenset({"Settlement", "Corridor", "Road", "Border"})
ROUTE_KINDS: Final[frozenset[str]] = frozenset({"Corridor", "Road", "Border"})
"""Territories that run between places and are named after them ("the Lachin road" is not Lachin)."""


def spatial_predicate(predicate: str, subject_kind: str, object_kind: str) -> str:
    """The containment predicate the ontology uses between two kinds: PART_OF of a settlement, a corridor, a
    road or a border in a state is LOCATED_IN; every other predicate is left as it is."""
    if predicate == "PART_OF" and object_kind == "State" and subject_kind in LOCATED_KINDS:
        return "LOCATED_IN"
    return predicate


def kind_belongs(label: str, kind: str) -> bool:
    """True when `kind` is one of the ontology's sub-kinds of `label`."""
    return kind in LABEL_KINDS.get(label, frozenset())
