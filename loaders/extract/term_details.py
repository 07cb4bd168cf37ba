"""Details of a force's term told in the sentences after it: "The contingent's size is set at 1,960 troops",
"The headquarters will be located in X", "The mission's duration is five years, prolonged automatically".

Articles (and agreement texts) state a deployment in one sentence and its size, seat and term in the next
ones, which name the force, or only the mission; the clause reader's typed qualifiers go to that term.
"""

from __future__ import annotations

from typing import Any

from conflictkg.schema.ontology import PROVISION_TYPES

from .clause_terms import clause_qualifiers
from .context import DocumentContext, ProvisionFact
from .registry import Example, Stage, rule

FORCE_TERMS = ("DEPLOY_FORCES", "MONITOR_CEASEFIRE", "SECURE_CORRIDOR")
DETAIL_KEYS = ("size_", "headquarters", "duration", "renewal", "notice", "width_km")
FORCE_WORDS = {
    "contingent", "mission", "force", "forces", "peacekeepers", "peacekeeping", "troops", "deployment",
    "headquarters", "presence", "monitors", "observers",
}
FOLLOWING = 4  # sentences after a term's own in which its details are read


def details(text: str) -> dict[str, Any]:
    return {k: v for k, v in clause_qualifiers(text).items() if k.startswith(DETAIL_KEYS) or k in {"size", "condition"}}


@rule("rule:term-details", family="term-details", stage=Stage.IMPLIED, order=7, produces=PROVISION_TYPES,
      confidence=0.7,
      examples=[Example("Under the trilateral statement, Russian peacekeepers shall be deployed along the Lachin "
                        "corridor. The contingent's size is set at 500 troops and 40 armoured personnel carriers.",
                        ("trilateral_statement_2020", "DEPLOY_FORCES", "russian_peacekeepers"))],
      counterexamples=[Example("Russian peacekeepers patrolled the Lachin corridor. The contingent's size is set at "
                               "500 troops.",
                               ("trilateral_statement_2020", "DEPLOY_FORCES", "russian_peacekeepers"))])
def term_details(ctx: DocumentContext) -> None:
    """A sentence right after a force's term that names the force, or speaks of its mission, contingent or
    headquarters, and gives a size, a seat or a term adds them to that term."""
    terms = [p for p in ctx.provisions if p.provision_type in FORCE_TERMS]
    if not terms:
        return
    sentences = list(ctx.doc.sents)
    starts = [s.start for s in sentences]
    for p in terms:
        if p.sent.start not in starts:
            continue
        at = starts.index(p.sent.start)
        for sent in sentences[at + 1 : at + 1 + FOLLOWING]:
            if about_force(ctx, sent, p) and (found := details(sent.text)):
                ctx.qualify_provision(p, found)


def about_force(ctx: DocumentContext, sent: Any, p: ProvisionFact) -> bool:
    named = {m.entity_id for m in ctx.res.mentions if sent.start_char <= m.start < sent.end_char}
    if named & set(p.obliges):
        return True
    subjects = [t for t in sent if t.dep_ in {"nsubj", "nsubjpass"}]
    return any(w.lower_ in FORCE_WORDS for s in subjects for w in s.subtree)
