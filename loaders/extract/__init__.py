"""Relation and provision extraction by grammatical rules over the dependency parse.

Each rule is a registered component (`registry.rule`) in one family module and names itself in the
evidence's `extractor` field ("rule:verb-active@0.3", ...), so an analyst can see which rule produced a
fact. Rules look for a trigger (a verb lemma or cue word from the lexicon), take its grammatical arguments
through the shared `toolkit`, and add what they find through the `DocumentContext`, which keeps a pair
only if the ontology admits it. Negated triggers never yield the positive fact; reported speech and hedges
keep the fact with `attributed_to` and a lower confidence. Importing this package registers every family.
"""

from . import (  # noqa: F401  (importing a family registers its rules)
    agreement_text,
    events,
    nominalisations,
    places,
    proposals,
    provisions,
    stance,
    structure,
    term_details,
    titles,
    verbs,
)
from .context import Extracted, ExtractionInput
from .engine import RelationExtractor
from .grounding import MAX_QUOTE, VERSION
from .registry import REGISTRY, Example, Rule, Stage, rule
from .vocabulary import leading_role

__all__ = [
    "MAX_QUOTE", "REGISTRY", "VERSION", "Example", "Extracted", "ExtractionInput", "RelationExtractor", "Rule",
    "Stage", "leading_role", "rule",
]
