"""Verb rules: a trigger verb of the lexicon and its grammatical subject and object ("Russia mediated the
statement", "the statement was signed by X"), and an actor doing something to a named event."""

from __future__ import annotations

from typing import Any

from conflictkg.schema.ontology import PREDICATES

from ..resolve import ResolvedMention
from .context import DocumentContext, Sentence
from .registry import Example, Stage, rule
from .toolkit import (
    date_of,
    entities_of,
    is_passive,
    negated,
    objects,
    predicate_keys,
    prep_objects,
    subjects,
    whole_place,
)
from .vocabulary import EVALUATIVE_VERBS, EVENT

# Predicates whose passive subject is the fact's subject ("troops were stationed in X").
PATIENT_SUBJECT = {"DEPLOYED_TO", "LOCATED_IN", "PART_OF", "CONNECTS", "OCCURRED_IN", "MEMBER_OF"}
DATED = {"SIGNED", "PROPOSED", "REJECTED"}


def _verb_keys(ctx: DocumentContext, tok: Any) -> set[str] | None:
    """The predicates a verb triggers, or None for a word that is no verb or a negated one."""
    if tok.pos_ not in {"VERB", "AUX"} and not (tok.pos_ == "ADJ" and tok.tag_ == "VBN"):
        return None
    keys = predicate_keys(ctx, tok) & PREDICATES
    return None if negated(ctx, tok) else keys


def _verb_facts(ctx: DocumentContext, here: Sentence, tok: Any, passive_voice: bool) -> None:
    keys = _verb_keys(ctx, tok)
    if not keys or is_passive(tok) != passive_voice:
        return
    subj, passive = subjects(ctx, tok)
    objs = objects(ctx, tok, passive)
    qualifiers: dict[str, Any] = {}
    for predicate in sorted(keys):
        s_args, o_args = subj, objs
        if passive and predicate in PATIENT_SUBJECT:
            # "X was deployed to Y", "X is located in Y": the passive subject is the fact's subject
            s_args = [m for c in tok.children if c.dep_ == "nsubjpass" for m in entities_of(ctx, c)]
            o_args = prep_objects(ctx, tok)
        if predicate in DATED:
            when = date_of(tok, ctx.published)
            if when:
                qualifiers = {"date": when}  # kept for the predicates after it, as the verb's date
        for s in s_args:
            for o in o_args:
                hosted = predicate == "MEDIATED" and "PARTICIPATED_IN" in keys
                if hosted and ctx.label(o.entity_id)[0] == EVENT:
                    continue  # "X hosted the summit": a participant (host), not a mediator
                if predicate == "CONTROLS" and not whole_place(ctx, o, tok):
                    continue  # "retain part of X", "control X's roads": not control of X itself
                if ctx.fits(predicate, s.entity_id, o.entity_id):
                    ctx.add_fact(predicate, s.entity_id, o.entity_id, here.sent, [s, o], qualifiers=qualifiers)


@rule("rule:verb-active", family="verbs", stage=Stage.CLAUSES, order=10, produces=PREDICATES, confidence=0.8,
      examples=[Example("Armenia signed the Prague statement in October.",
                        ("armenia", "SIGNED", "prague_statement_2022"))],
      counterexamples=[Example("Armenia did not sign the Prague statement in October.",
                               ("armenia", "SIGNED", "prague_statement_2022"))])
def verb_active(ctx: DocumentContext, here: Sentence, tok: Any) -> None:
    """`Russia mediated the statement`: a trigger verb's subject and object."""
    _verb_facts(ctx, here, tok, passive_voice=False)


@rule("rule:verb-passive", family="verbs", stage=Stage.CLAUSES, order=20, produces=PREDICATES, confidence=0.8,
      examples=[Example("The Prague statement was signed by Armenia last autumn.",
                        ("armenia", "SIGNED", "prague_statement_2022"))],
      counterexamples=[Example("The Prague statement was never signed by Armenia.",
                               ("armenia", "SIGNED", "prague_statement_2022"))])
def verb_passive(ctx: DocumentContext, here: Sentence, tok: Any) -> None:
    """`The statement was signed by X`, `troops were deployed to Y`: a passive trigger verb."""
    _verb_facts(ctx, here, tok, passive_voice=True)


@rule("rule:actor-acts-in-event", family="verbs", stage=Stage.CLAUSES, order=30, produces={"PARTICIPATED_IN"},
      confidence=0.6,
      examples=[Example("Turkey escalated the Four-Day War within hours.",
                        ("turkey", "PARTICIPATED_IN", "four_day_war"))],
      counterexamples=[Example("Turkey described the Four-Day War in a long report.",
                               ("turkey", "PARTICIPATED_IN", "four_day_war"))])
def actor_acts_in_event(ctx: DocumentContext, here: Sentence, verb: Any) -> None:
    """`Azerbaijan won the war`, `Russia conducted the operation`: an actor doing something to an event
    takes part in it, unless the verb only judges or reports it (or triggers a predicate of its own)."""
    if _verb_keys(ctx, verb) != set():
        return
    lemma = verb.lemma_.lower()
    if lemma in EVALUATIVE_VERBS or lemma in ctx.cues.attribution:
        return
    subj, passive = subjects(ctx, verb)
    if passive:
        return
    events: list[ResolvedMention] = [
        m for c in verb.children if c.dep_ in {"dobj", "attr"}
        for m in entities_of(ctx, c) if ctx.label(m.entity_id)[0] == EVENT
    ]
    for s in subj:
        for e in events:
            if ctx.fits("PARTICIPATED_IN", s.entity_id, e.entity_id):
                ctx.add_fact("PARTICIPATED_IN", s.entity_id, e.entity_id, here.sent, [s, e])
