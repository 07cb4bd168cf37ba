"""Rules for proposals, refusals and rejections around agreements: verbs whose object is a proposal rather
than the agreement itself ("rejected the invitation to talks", "pulled out of the talks"), who a proposal
is from ("X's proposal on a treaty"), refusals ("refused to implement the statement") and judgements ("X
considers Y unacceptable")."""

from __future__ import annotations

from typing import Any

from ..resolve import ResolvedMention
from .context import DocumentContext, Sentence
from .registry import Example, Stage, rule
from .toolkit import actor_subjects, adjective, entities_of, live_verb, objects, predicate_keys, subjects
from .vocabulary import AGR, EVENT, PROPOSAL_NOUNS

# "reached agreement on X", "found consensus on X": the object is the fact of agreeing, X what was agreed.
AGREEING_NOUNS = {"agreement", "consensus", "deal", "understanding", "accord"}
# "refuse to sign X": a refusal of these acts is a rejection of their object.
REFUSED_ACTS = {
    "sign", "implement", "accept", "recognise", "recognize", "honour", "honor", "attend", "join", "ratify",
    "endorse", "respect", "comply", "abide", "fulfil", "fulfill", "observe", "approve", "participate",
}
REFUSING = {"refuse", "decline"}
UNACCEPTABLE = {"unacceptable", "illegitimate", "invalid", "void", "illegal", "inadmissible"}
JUDGING = {"consider", "deem", "regard", "call", "find", "declare", "see", "view"}


def content(ctx: DocumentContext, noun: Any, nouns: set[str] = PROPOSAL_NOUNS) -> list[ResolvedMention]:
    """What a proposal noun is about: `the invitation to/for talks`, `the proposal on a peace treaty`."""
    if noun.lower_ not in nouns or ctx.mention_at(noun.i) is not None:
        return []
    return [
        m for c in noun.children if c.dep_ == "prep" and c.lower_ in {"for", "on", "of", "to", "about"}
        for p in c.children if p.dep_ == "pobj" for m in entities_of(ctx, p)
        if ctx.label(m.entity_id)[0] in {AGR, EVENT}
    ]


@rule("rule:refused-act", family="proposals", stage=Stage.EVENT_CLAUSES, order=30, produces={"REJECTED"},
      confidence=0.65,
      examples=[Example("Armenia refused to ratify the Madrid Principles.",
                        ("armenia", "REJECTED", "madrid_principles"))],
      counterexamples=[Example("Armenia agreed to ratify the Madrid Principles.",
                               ("armenia", "REJECTED", "madrid_principles"))])
def refused_act(ctx: DocumentContext, here: Sentence, verb: Any) -> None:
    """`X refused to sign/implement Y`: X rejected Y (the act itself is negated, so no PARTY_TO)."""
    if not live_verb(ctx, verb) or verb.lemma_.lower() not in REFUSING:
        return
    subj = actor_subjects(ctx, verb)
    for act in verb.children:
        if act.dep_ != "xcomp" or act.lemma_.lower() not in REFUSED_ACTS:
            continue
        refused = [o for o in objects(ctx, act, False) if ctx.label(o.entity_id)[0] in {AGR, EVENT}]
        for s in subj:
            for o in refused:
                ctx.add_fitting("REJECTED", s.entity_id, o.entity_id, here.sent, [s, o])


@rule("rule:judged-unacceptable", family="proposals", stage=Stage.EVENT_CLAUSES, order=40, produces={"REJECTED"},
      confidence=0.6,
      examples=[Example("Azerbaijan considers the Madrid Principles unacceptable.",
                        ("azerbaijan", "REJECTED", "madrid_principles"))],
      counterexamples=[Example("Azerbaijan considers the Madrid Principles useful.",
                               ("azerbaijan", "REJECTED", "madrid_principles"))])
def judged_unacceptable(ctx: DocumentContext, here: Sentence, verb: Any) -> None:
    """`X considers Y unacceptable`, `X deemed Y illegitimate`: X rejects Y."""
    if not live_verb(ctx, verb) or verb.lemma_.lower() not in JUDGING:
        return
    judged = False
    for c in verb.children:
        if c.dep_ in {"oprd", "acomp", "xcomp", "ccomp"} and c.lemma_.lower() in UNACCEPTABLE:
            judged = True
        if c.dep_ == "prep" and c.lower_ == "as":
            judged = judged or any(p.lemma_.lower() in UNACCEPTABLE for p in c.children)
        if c.dep_ == "dobj" and any(g.lemma_.lower() in UNACCEPTABLE and g.dep_ in {"amod", "oprd", "acomp"}
                                    and g.i > c.i for g in c.children):
            judged = True
    if not judged:
        return
    judged_ones = [o for c in verb.children if c.dep_ in {"dobj", "nsubj"} and c.i > verb.i
                   for o in entities_of(ctx, c) if ctx.label(o.entity_id)[0] in {AGR, EVENT}]
    for c in verb.children:  # "considers a treaty ... unacceptable" parsed as a clause
        if c.dep_ in {"ccomp", "xcomp"}:
            judged_ones += [o for g in c.children if g.dep_ == "nsubj" for o in entities_of(ctx, g)
                            if ctx.label(o.entity_id)[0] in {AGR, EVENT}]
    for s in actor_subjects(ctx, verb):
        for o in judged_ones:
            ctx.add_fitting("REJECTED", s.entity_id, o.entity_id, here.sent, [s, o])


@rule("rule:proposal-object", family="proposals", stage=Stage.EVENT_CLAUSES, order=50,
      produces={"REJECTED", "PROPOSED", "PARTY_TO"}, confidence=0.6,
      examples=[Example("Azerbaijan rejected the invitation to the Arlington talks.",
                        ("azerbaijan", "REJECTED", "arlington_talks_2023"))],
      counterexamples=[Example("Azerbaijan discussed the invitation to the Arlington talks.",
                               ("azerbaijan", "REJECTED", "arlington_talks_2023"))])
def proposal_object(ctx: DocumentContext, here: Sentence, verb: Any) -> None:
    """`rejected the invitations for direct talks`, `pulled out of the talks`: a verb of rejecting,
    proposing or accepting whose object is a proposal about an agreement (or the `of`-phrase of a
    phrasal verb) concerns that agreement."""
    if not live_verb(ctx, verb):
        return
    keys = set(predicate_keys(ctx, verb))
    phrasal: list[Any] = []  # "pull out of X": the parser hangs "of" on the particle, or on the verb
    for c in verb.children:
        if c.dep_ in {"prt", "prep"} and c.lower_ in {"out", "away", "off"}:
            for of in [*c.children, *verb.children]:
                if of.dep_ == "prep" and of.lower_ == "of":
                    keys |= ctx.cues.predicates.by_phrase.get(f"{verb.lemma_.lower()} {c.lower_} of", set())
                    phrasal += [p for p in of.children if p.dep_ == "pobj"]
    keys &= {"REJECTED", "PROPOSED", "PARTY_TO"}
    if not keys:
        return
    subj, passive = subjects(ctx, verb)
    about: list[ResolvedMention] = [m for p in phrasal for m in entities_of(ctx, p)]
    for c in verb.children:
        if c.dep_ == "dobj" or (passive and c.dep_ == "nsubjpass"):
            about += content(ctx, c, PROPOSAL_NOUNS | AGREEING_NOUNS)
    for predicate in sorted(keys):
        for s in subj:
            for o in about:
                ctx.add_fitting(predicate, s.entity_id, o.entity_id, here.sent, [s, o])


@rule("rule:proposal-owner", family="proposals", stage=Stage.EVENT_PHRASES, order=10, produces={"PROPOSED"},
      confidence=0.6,
      examples=[Example("Russia's proposal on a peace treaty between Armenia and Azerbaijan was ignored.",
                        ("russia", "PROPOSED", "armenia_azerbaijan_peace_treaty"))],
      counterexamples=[Example("The proposal on a peace treaty between Armenia and Azerbaijan was ignored in Russia.",
                               ("russia", "PROPOSED", "armenia_azerbaijan_peace_treaty"))])
def proposal_owner(ctx: DocumentContext, here: Sentence) -> None:
    """`invitations from X for talks`, `X's proposal on a treaty`: X proposed what the proposal is about."""
    for noun in here.tokens:
        about = content(ctx, noun)
        if not about:
            continue
        owners: list[ResolvedMention] = []
        for c in noun.children:
            if c.dep_ == "poss":
                owners += entities_of(ctx, c)
            elif c.dep_ == "prep" and c.lower_ in {"from", "by"}:
                owners += [o for p in c.children if p.dep_ == "pobj" for o in entities_of(ctx, p)]
            elif c.dep_ in {"amod", "compound"} and ctx.mention_at(c.i) is None:
                adj = adjective(ctx, c)
                owners += [adj] if adj else []
        for o in owners:
            for a in about:
                if ctx.label(a.entity_id)[0] == AGR:
                    ctx.add_fitting("PROPOSED", o.entity_id, a.entity_id, here.sent, [o, a])
