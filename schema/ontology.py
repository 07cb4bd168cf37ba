"""The ontology of ../shared/ontology.md as data: labels, kinds, predicates, provision types.

Every label or relationship type that reaches a Cypher string comes from these
allow-lists, never from user text.
"""

from __future__ import annotations

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

PROVISION_TYPES: Final[frozenset[str]] = frozenset(
    {
        "GUARANTEE_PASSAGE", "SECURE_CORRIDOR", "DEPLOY_FORCES", "TRANSFER_TERRITORY", "CEASEFIRE",
        "WITHDRAW_FORCES", "BUILD_ROUTE", "UNBLOCK_TRANSPORT", "RETURN_DISPLACED", "MONITOR_CEASEFIRE",
        "EXCHANGE_PRISONERS",
    }
)

# Roles a provision node plays towards entities (the n-ary pattern of the ontology).
PROVISION_ROLES: Final[dict[str, str]] = {"obliges": "OBLIGES", "concerns": "CONCERNS", "benefits": "BENEFITS"}


def kind_belongs(label: str, kind: str) -> bool:
    """True when `kind` is one of the ontology's sub-kinds of `label`."""
    return kind in LABEL_KINDS.get(label, frozenset())
