"""The ontology and the data models every part of the project shares."""

from .models import DocumentMeta, Entity, Evidence, Extraction, Mention, Provision, Relation
from .ontology import ENTITY_LABELS, LABEL_KINDS, PREDICATES, PROVISION_TYPES

__all__ = [
    "DocumentMeta", "Entity", "Evidence", "Extraction", "Mention", "Provision", "Relation",
    "ENTITY_LABELS", "LABEL_KINDS", "PREDICATES", "PROVISION_TYPES",
]
