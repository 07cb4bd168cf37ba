"""Nominal rules: a predicate told by a noun or a participle rather than a verb ("the deployment of
peacekeepers to X", "Russian control over Y", "Y came under X's control", "the X-brokered ceasefire")."""

from __future__ import annotations

from typing import Any

from ..resolve import ResolvedMention
from .context import DocumentContext, Sentence
from .registry import Example, Stage, rule
from .toolkit import PARTITIVE_NOUNS, adjective, entities_of, predicate_keys

# Predicates a trigger noun can carry ("deployment", "mediation", "support", "occupation").
NOMINAL_PREDICATES = frozenset({"DEPLOYED_TO", "MEDIATED", "SUPPORTS", "CONTROLS", "SUPPLIES_ARMS_TO"})
HYPHEN_PREDICATES = {
    "control": "CONTROLS", "hold": "CONTROLS", "occupy": "CONTROLS", "run": "CONTROLS", "administer": "CONTROLS",
    "broker": "MEDIATED", "mediate": "MEDIATED", "sponsor": "MEDIATED", "impose": "MEDIATED", "back": "SUPPORTS",
    "led": "MEDIATED", "lead": "MEDIATED", "dominate": "MEMBER_OF",
}


@rule("rule:hyphen-participle", family="nominalisations", stage=Stage.NAMES, order=40,
      produces={"CONTROLS", "MEDIATED", "SUPPORTS", "MEMBER_OF"}, confidence=0.8,
      examples=[Example("The Iranian-brokered Bishkek Protocol held for a year.",
                        ("iran", "MEDIATED", "bishkek_protocol"))],
      counterexamples=[Example("The Bishkek Protocol held for a year despite Iranian doubts.",
                               ("iran", "MEDIATED", "bishkek_protocol"))])
def hyphen_participle(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`X-controlled Y` and `X-brokered Y`: the adjective names the actor, the noun the object."""
    if not m.explicit:
        return
    doc = ctx.doc
    head = doc[m.token_end - 1]
    modifiers = list(head.children)
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lemma_.lower() not in PARTITIVE_NOUNS:
        modifiers += list(head.head.head.children)  # "the Azerbaijani-controlled town of Shusha", not "rump of"
    for c in modifiers:
        if c.dep_ not in {"amod", "compound", "npadvmod"} or c.i + 1 >= len(doc):
            continue
        verb = c if c.lemma_.lower() in HYPHEN_PREDICATES else None
        if verb is None:
            continue
        actor_tok = doc[verb.i - 2] if verb.i >= 2 and doc[verb.i - 1].text == "-" else None
        if actor_tok is None:
            continue
        actor = ctx.mention_at(actor_tok.i) or adjective(ctx, actor_tok)
        if actor is None:
            continue
        lemma = verb.lemma_.lower()
        pred = HYPHEN_PREDICATES[lemma]
        if lemma in {"led", "lead"} and ctx.kind(m.entity_id) == "Organization":
            pred = "MEMBER_OF"  # "the Russian-led alliance": the leading state belongs to it
        if ctx.fits(pred, actor.entity_id, m.entity_id):
            ctx.add_fact(pred, actor.entity_id, m.entity_id, here.sent, [actor, m])


@rule("rule:under-control", family="nominalisations", stage=Stage.PHRASES, order=10, produces={"CONTROLS"},
      confidence=0.8,
      examples=[Example("By noon the town of Sus was under Armenian control.", ("armenia", "CONTROLS", "sus"))],
      counterexamples=[Example("By noon the town of Sus was free of Armenian control.",
                               ("armenia", "CONTROLS", "sus"))])
def under_control(ctx: DocumentContext, here: Sentence) -> None:
    """`Y comes under X's control`, `Y remains under Armenian control`, `Y under the control of X`."""
    for tok in here.tokens:
        if tok.lemma_.lower() != "control" or tok.dep_ != "pobj" or tok.head.lower_ != "under":
            continue
        actors: list[ResolvedMention] = []
        for c in tok.children:
            if c.dep_ in {"poss", "amod", "compound"}:
                m = ctx.mention_at(c.i) or adjective(ctx, c)
                if m:
                    actors.append(m)
            if c.dep_ == "prep" and c.lower_ == "of":
                actors += [m for p in c.children if p.dep_ == "pobj" for m in entities_of(ctx, p)]
        anchor = tok.head.head
        places: list[ResolvedMention] = []
        if anchor.pos_ in {"VERB", "AUX"}:
            places = [m for c in anchor.children if c.dep_ in {"nsubj", "nsubjpass", "dobj"}
                      for m in entities_of(ctx, c)]
        else:
            places = entities_of(ctx, anchor)
        for a in actors:
            for p in places:
                if ctx.fits("CONTROLS", a.entity_id, p.entity_id):
                    ctx.add_fact("CONTROLS", a.entity_id, p.entity_id, here.sent, [a, p])


@rule("rule:control-over", family="nominalisations", stage=Stage.PHRASES, order=20, produces={"CONTROLS"},
      confidence=0.75,
      examples=[Example("Georgia's control over Abkhazia is nominal.", ("georgia", "CONTROLS", "abkhazia"))],
      counterexamples=[Example("Georgia's claims about Abkhazia are loud.", ("georgia", "CONTROLS", "abkhazia"))])
def control_over(ctx: DocumentContext, here: Sentence) -> None:
    """`Azerbaijan's control over the seven districts`, `Russian control of the corridor`."""
    for tok in here.tokens:
        if tok.lemma_.lower() not in {"control", "sovereignty", "jurisdiction"} or tok.pos_ != "NOUN":
            continue
        actors: list[ResolvedMention] = []
        places: list[ResolvedMention] = []
        for c in tok.children:
            if c.dep_ in {"poss", "amod", "compound"}:
                found = ctx.mention_at(c.i) or adjective(ctx, c)
                if found:
                    actors.append(found)
            elif c.dep_ == "prep" and c.lower_ in {"over", "of"}:
                places += [m for p in c.children if p.dep_ == "pobj" for m in entities_of(ctx, p)]
        for a in actors:
            for p in places:
                if ctx.fits("CONTROLS", a.entity_id, p.entity_id):
                    ctx.add_fact("CONTROLS", a.entity_id, p.entity_id, here.sent, [a, p])


@rule("rule:nominalisation", family="nominalisations", stage=Stage.PHRASES, order=30, produces=NOMINAL_PREDICATES,
      confidence=0.65,
      examples=[Example("The deployment of Russian border troops to Meghri was announced.",
                        ("russian_border_troops", "DEPLOYED_TO", "meghri"))],
      counterexamples=[Example("The deployment was announced while Russian border troops rested in Meghri.",
                               ("russian_border_troops", "DEPLOYED_TO", "meghri"))])
def nominalisation(ctx: DocumentContext, here: Sentence) -> None:
    """`the deployment of peacekeepers to Karabakh`, `Russian mediation of the talks`, `support for X by Y`:
    a trigger noun whose doer is its possessor, adjective, `by`- or (for forces) `of`-phrase."""
    for tok in here.tokens:
        if tok.pos_ != "NOUN" or ctx.mention_at(tok.i) is not None:
            continue
        keys = predicate_keys(ctx, tok) & NOMINAL_PREDICATES
        if not keys:
            continue
        doers, targets = _nominal_arguments(ctx, tok)
        for predicate in sorted(keys):
            objects = {"DEPLOYED_TO": targets["place"], "SUPPORTS": targets["for"] + targets["of"],
                       "SUPPLIES_ARMS_TO": targets["place"] + targets["for"]}.get(predicate, targets["of"])
            subjects = doers
            if predicate == "DEPLOYED_TO" and not subjects:  # "the deployment of peacekeepers"
                subjects = [m for m in targets["of"] if ctx.kind(m.entity_id) == "ArmedForce"]
            for s_ in subjects:
                for o in objects:
                    if s_.entity_id != o.entity_id and ctx.fits(predicate, s_.entity_id, o.entity_id):
                        ctx.add_fact(predicate, s_.entity_id, o.entity_id, here.sent, [s_, o])


def _nominal_arguments(
    ctx: DocumentContext, tok: Any
) -> tuple[list[ResolvedMention], dict[str, list[ResolvedMention]]]:
    """A trigger noun's doers and its `of`, place and `for` phrases."""
    doers: list[ResolvedMention] = []
    targets: dict[str, list[ResolvedMention]] = {"of": [], "place": [], "for": []}
    for c in tok.children:
        if c.dep_ in {"poss", "amod", "compound"}:
            found = ctx.mention_at(c.i) or adjective(ctx, c)
            if found:
                doers.append(found)
        elif c.dep_ == "prep":
            objs = [m for p in c.children if p.dep_ == "pobj" for m in entities_of(ctx, p)]
            if c.lower_ == "by":
                doers += objs
            elif c.lower_ == "of":
                targets["of"] += objs
            elif c.lower_ in {"to", "in", "into", "along", "within", "across"}:
                targets["place"] += objs
            elif c.lower_ in {"for", "to"}:
                targets["for"] += objs
    return doers, targets
