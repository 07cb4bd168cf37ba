"""Membership, stance and deployment the verb and nominal rules leave out:

- member nouns ("whose co-chairs (A, B, C)", "A, a member of B", "B's members A and C");
- leaving an organisation ("A pulled out of B", "A's withdrawal from B": A was a member);
- stances: "A remains B's closest ally", "A, a patron of B", "pro-A groups", "hostile statements aimed at
  B", "A's criticism of B", "A imposed sanctions on B", "A's claim to X";
- deployments: "the town where the troops were stationed", "forces based in X", a force named after where
  it is ("Russian forces in Armenia"), a sent force leaving X.

A pair is kept only if it fits the predicate's signature; within a sentence, the first rule of the stage to
state a triple keeps it.
"""

from __future__ import annotations

from typing import Any

from ..lexicon import fold
from ..resolve import ResolvedMention
from .context import DocumentContext, Sentence
from .registry import Example, Stage, rule
from .toolkit import (
    adjective,
    copula_subjects,
    entities_of,
    named_phrase,
    negated,
    place_phrase,
    predicate_keys,
    relative_head,
    subjects,
    title_pobj_entities,
)

SUPPORT_NOUNS = {
    "ally", "patron", "backer", "supporter", "protector", "guarantor", "sponsor", "champion", "defender",
    "benefactor",
}
OPPOSE_NOUNS = {"enemy", "adversary", "rival", "foe", "opponent", "critic", "nemesis", "archrival", "arch-rival"}
# Nouns of judging someone; the judged is their `of`/`against` phrase ("Baku's criticism of the mission").
OPPOSE_ACTS = {
    "criticism", "condemnation", "reproof", "rebuke", "censure", "denunciation", "hostility", "accusation",
    "animosity", "antagonism", "reprimand", "sanction",
}
SUPPORT_ACTS = {"support", "backing", "solidarity", "sympathy"}
# Verbs through which a subject utters or gives a stance noun ("Russia voiced support for ...").
STANCE_LIGHT_VERBS = {
    "express", "voice", "issue", "offer", "provide", "give", "pledge", "extend", "show", "declare", "lend",
    "make", "reiterate", "reaffirm", "announce", "level", "direct", "publish", "release", "impose",
}
TARGETING_VERBS = {"aim", "direct", "target", "address"}
MEMBER_NOUNS = {"member", "co-chair", "cochair", "co-chairman", "participant", "signatory"}
MEMBER_MARKS = {"member", "chairing", "co-chairing", "founding", "participating"}
EXIT_VERBS = {"leave", "quit", "exit", "withdraw", "pull", "walk", "suspend", "freeze"}
EXIT_NOUNS = {"membership", "withdrawal", "exit", "accession", "participation"}
DEPLOYED_WORDS = {"mission", "contingent", "base", "border", "garrison"}
PLACE_PREPS = {"in", "to", "into", "along", "within", "across", "near", "at", "on", "inside"}


def _is_member_noun(tok: Any) -> bool:
    if tok.pos_ not in {"NOUN", "PROPN"}:
        return False
    if tok.lemma_.lower() in MEMBER_NOUNS or tok.lower_ in {"members", "co-chairs", "participants"}:
        return True
    return tok.lemma_.lower() in {"country", "state", "nation"} and any(
        c.dep_ in {"amod", "compound"} and c.lower_ in MEMBER_MARKS for c in tok.children
    )


@rule("rule:member-noun", family="stance", stage=Stage.STRUCTURE, order=20, produces={"MEMBER_OF"}, confidence=0.7,
      examples=[Example("France, a member of NATO, sent observers.", ("france", "MEMBER_OF", "nato"))],
      counterexamples=[Example("France sent observers to NATO headquarters.", ("france", "MEMBER_OF", "nato"))])
def member_nouns(ctx: DocumentContext, here: Sentence) -> None:
    """`the Group, whose three co-chairing countries (A, B, C)`, `A, a member of B`, `A is one of B's members`,
    `B's members A and C`, `the co-chairs of B, A and C`."""
    for tok in here.tokens:
        if not _is_member_noun(tok) or ctx.mention_at(tok.i) is not None:
            continue
        orgs: list[ResolvedMention] = []
        relative = False
        for c in tok.children:
            if c.dep_ == "poss":
                if c.lower_ == "whose":
                    head = relative_head(tok)
                    orgs += entities_of(ctx, head) if head is not None else []
                    relative = True
                else:
                    orgs += entities_of(ctx, c)
            elif c.dep_ == "prep" and c.lower_ in {"of", "in"}:
                orgs += [m for p in c.children if p.dep_ == "pobj" for m in entities_of(ctx, p)]
            elif c.dep_ == "compound" and (named := ctx.mention_at(c.i)) is not None:
                orgs.append(named)
        members: list[ResolvedMention] = []
        for c in tok.children:
            if c.dep_ == "appos":
                members += entities_of(ctx, c)
            elif c.dep_ == "prep" and c.lower_ in {"including", "like", "as"}:
                members += [m for p in c.children if p.dep_ == "pobj" for m in entities_of(ctx, p)]
        holder = tok
        if tok.head.lower_ == "of" and tok.head.head.lower_ in {"one", "two", "three", "four", "five", "among"}:
            holder = tok.head.head  # "X is one of the members of B"
        if holder.dep_ == "appos" and not relative:
            members += entities_of(ctx, holder.head)
        elif holder.dep_ == "attr":
            members += copula_subjects(ctx, holder.head)
            verb = holder.head
            if not orgs and verb.dep_ == "relcl" and any(c.lower_ == "where" for c in verb.children):
                orgs += entities_of(ctx, verb.head)  # "the Council, where it is one of five members"
        elif holder.dep_ == "pobj" and holder.head.lower_ == "among":
            verb = holder.head.head
            members += copula_subjects(ctx, verb)
        for org in orgs:
            if ctx.kind(org.entity_id) not in {"Organization", "ArmedForce"}:
                continue
            for mem in members:
                if mem.entity_id != org.entity_id:
                    ctx.add_fitting("MEMBER_OF", mem.entity_id, org.entity_id, here.sent, [mem, org])


@rule("rule:member-exit", family="stance", stage=Stage.STRUCTURE, order=30, produces={"MEMBER_OF"}, confidence=0.65,
      examples=[Example("Georgia pulled out of the CIS in 2008.", ("georgia", "MEMBER_OF", "cis"))],
      counterexamples=[Example("Georgia complained about the CIS in 2008.", ("georgia", "MEMBER_OF", "cis"))])
def member_exit(ctx: DocumentContext, here: Sentence) -> None:
    """`A pulled out of B`, `A left B`, `A's withdrawal from B`, `A's membership in B`: A is (or was) in B."""
    for tok in here.tokens:
        lemma = tok.lemma_.lower()
        orgs: list[ResolvedMention] = []
        actors: list[ResolvedMention] = []
        if tok.pos_ == "VERB" and lemma in EXIT_VERBS and not negated(ctx, tok):
            preps = [c for c in tok.children if c.dep_ in {"prep", "prt"}]
            preps += [g for c in preps for g in c.children if g.dep_ == "prep"]  # "pull out of"
            if lemma in {"leave", "quit", "exit"}:
                orgs += [m for c in tok.children if c.dep_ == "dobj" for m in entities_of(ctx, c)]
            if lemma in {"withdraw", "pull", "walk", "exit"}:
                orgs += [m for c in preps if c.lower_ in {"from", "of"} for m in title_pobj_entities(ctx, c)]
            if lemma in {"suspend", "freeze"}:
                objs = [c for c in tok.children if c.dep_ == "dobj" and c.lemma_.lower() in EXIT_NOUNS]
                orgs += [m for o in objs for c in o.children if c.dep_ == "prep" and c.lower_ in {"in", "of"}
                         for m in title_pobj_entities(ctx, c)]
            if orgs:
                actors, _ = subjects(ctx, tok)
        elif tok.pos_ == "NOUN" and lemma in EXIT_NOUNS:
            for c in tok.children:
                if c.dep_ in {"poss", "amod", "compound"}:
                    found = ctx.mention_at(c.i) or adjective(ctx, c)
                    if found:
                        actors.append(found)
                elif c.dep_ == "prep" and c.lower_ in {"in", "of", "from", "to"}:
                    orgs += title_pobj_entities(ctx, c)
        for org in orgs:
            if ctx.kind(org.entity_id) != "Organization":
                continue
            for a in actors:
                if ctx.kind(a.entity_id) in {"State", "Organization", "Polity", "Person"}:
                    ctx.add_fitting("MEMBER_OF", a.entity_id, org.entity_id, here.sent, [a, org])


def _stance_of_noun(tok: Any) -> str | None:
    lemma = tok.lemma_.lower()
    if lemma in SUPPORT_NOUNS:
        return "SUPPORTS"
    if lemma in OPPOSE_NOUNS:
        return "OPPOSES"
    return None


def _noun_targets(ctx: DocumentContext, tok: Any, preps: set[str]) -> list[ResolvedMention]:
    out: list[ResolvedMention] = []
    for c in tok.children:
        if c.dep_ == "poss":
            out += named_phrase(ctx, c)
        elif c.dep_ == "prep" and c.lower_ in preps:
            out += title_pobj_entities(ctx, c)
    return out


@rule("rule:stance-noun", family="stance", stage=Stage.STRUCTURE, order=70,
      produces={"SUPPORTS", "OPPOSES"}, confidence=0.65,
      examples=[Example("Belarus remains Russia's closest ally.", ("belarus", "SUPPORTS", "russia"))],
      counterexamples=[Example("Belarus remains a neighbour of Russia.", ("belarus", "SUPPORTS", "russia"))])
def stance_nouns(ctx: DocumentContext, here: Sentence) -> None:
    """`A remains B's closest ally`, `A, a long-time patron of B`, `B's ally, A`, `A is an enemy of B`."""
    for tok in here.tokens:
        pred = _stance_of_noun(tok) if tok.pos_ == "NOUN" else None
        if pred is None or ctx.mention_at(tok.i) is not None:
            continue
        targets = _noun_targets(ctx, tok, {"of", "to", "for"})
        holders: list[ResolvedMention] = []
        if tok.dep_ == "attr":
            holders += copula_subjects(ctx, tok.head)
        elif tok.dep_ == "appos":
            holders += entities_of(ctx, tok.head)
        holders += [m for c in tok.children if c.dep_ == "appos" for m in entities_of(ctx, c)]
        for h in holders:
            for t in targets:
                if h.entity_id != t.entity_id:
                    ctx.add_fitting(pred, h.entity_id, t.entity_id, here.sent, [h, t])


@rule("rule:stance-prefix", family="stance", stage=Stage.STRUCTURE, order=80,
      produces={"SUPPORTS", "OPPOSES"}, confidence=0.65,
      examples=[Example("The pro-Russian Armenian diaspora staged a rally.",
                        ("armenian_diaspora", "SUPPORTS", "russia"))],
      counterexamples=[Example("The Armenian diaspora staged a rally in Moscow.",
                               ("armenian_diaspora", "SUPPORTS", "russia"))])
def stance_prefix(ctx: DocumentContext, here: Sentence) -> None:
    """`pro-Russian opposition groups` support Russia; `anti-Western parties` oppose the West."""
    mentions = here.mentions
    doc = ctx.doc
    for m in mentions:
        if not m.explicit:
            continue
        for i in range(max(m.token_start - 3, 0), m.token_start):  # before the name: not part of it
            if doc[i].lower_ not in {"pro", "anti"} or doc[i + 1].text != "-":
                continue
            target = adjective(ctx, doc[i + 2])
            if target is not None and target.entity_id != m.entity_id:
                pred = "SUPPORTS" if doc[i].lower_ == "pro" else "OPPOSES"
                ctx.add_fitting(pred, m.entity_id, target.entity_id, here.sent, [m, target])


@rule("rule:stance-act", family="stance", stage=Stage.STRUCTURE, order=90,
      produces={"SUPPORTS", "OPPOSES", "CLAIMS"}, confidence=0.6,
      examples=[Example("Azerbaijan's criticism of France grew sharper.", ("azerbaijan", "OPPOSES", "france"))],
      counterexamples=[Example("Azerbaijan's trade with France grew.", ("azerbaijan", "OPPOSES", "france"))])
def stance_acts(ctx: DocumentContext, here: Sentence) -> None:
    """`Baku's criticism of X`, `Russia voiced support for Y`, `hostile statements aimed at X`: the judge
    is the noun's possessor, adjective or `by` phrase, else the subject of the verb that utters it."""
    for tok in here.tokens:
        if tok.pos_ != "NOUN" or ctx.mention_at(tok.i) is not None:
            continue
        lemma = tok.lemma_.lower()
        hostile = any(c.dep_ == "amod" and c.lemma_.lower() in {"hostile", "critical"} for c in tok.children)
        if lemma in OPPOSE_ACTS or hostile:
            pred = "OPPOSES"
        elif lemma in SUPPORT_ACTS:
            pred = "SUPPORTS"
        elif lemma == "claim":
            pred = "CLAIMS"  # "Armenia's claim to X", "territorial claims on X"
        else:
            continue
        targets: list[ResolvedMention] = []
        doers: list[ResolvedMention] = []
        for c in tok.children:
            if c.dep_ == "prep" and pred == "CLAIMS":
                if c.lower_ in {"to", "on", "over"}:
                    targets += title_pobj_entities(ctx, c)
                elif c.lower_ == "by":
                    doers += title_pobj_entities(ctx, c)
            elif c.dep_ == "prep" and (c.lower_ in {"of", "against", "toward", "towards", "to", "for", "at"}
                                       or (c.lower_ == "on" and lemma == "sanction")):
                if pred == "SUPPORTS" and c.lower_ == "of":
                    continue  # "the support of Russia" may name the supporter
                if c.lower_ == "of" and lemma not in OPPOSE_ACTS:
                    continue
                targets += title_pobj_entities(ctx, c)
            elif c.dep_ == "acl" and c.lemma_.lower() in TARGETING_VERBS:
                targets += [m for g in c.children if g.dep_ == "prep" and g.lower_ in {"at", "against", "to"}
                            for m in title_pobj_entities(ctx, g)]
            elif c.dep_ in {"poss", "amod", "compound"}:
                found = ctx.mention_at(c.i) or adjective(ctx, c)
                if found:
                    doers.append(found)
            elif c.dep_ == "prep" and c.lower_ in {"by", "from"}:
                doers += title_pobj_entities(ctx, c)
        if pred == "SUPPORTS" and doers:
            continue  # "Russian support for X" is the nominalisation rule's
        verb = tok.head
        if not doers and tok.dep_ == "dobj" and verb.lemma_.lower() in STANCE_LIGHT_VERBS and not negated(ctx, verb):
            doers, _ = subjects(ctx, verb)
        for d in doers:
            for t in targets:
                if d.entity_id != t.entity_id:
                    ctx.add_fitting(pred, d.entity_id, t.entity_id, here.sent, [d, t])


def _deployed(ctx: DocumentContext, here: Sentence, where_clause: bool) -> None:
    for tok in here.tokens:
        where = tok.dep_ == "relcl" and any(c.lower_ == "where" for c in tok.children)
        participle = tok.dep_ == "acl" and tok.tag_ == "VBN"
        if tok.pos_ not in {"VERB", "ADJ"} or not (where or participle) or negated(ctx, tok):
            continue
        if where != where_clause or "DEPLOYED_TO" not in predicate_keys(ctx, tok):
            continue
        if where:
            forces = [m for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"} for m in entities_of(ctx, c)]
            head = tok.head
            places = place_phrase(ctx, head)
            if not places and head.dep_ == "conj":
                places = place_phrase(ctx, head.head)  # "the city of X and its surroundings, where ..."
        else:
            forces = entities_of(ctx, tok.head)
            places = [m for c in tok.children if c.dep_ == "prep" and c.lower_ in PLACE_PREPS
                      for m in title_pobj_entities(ctx, c)]
        for f in forces:
            for p in places:
                ctx.add_fitting("DEPLOYED_TO", f.entity_id, p.entity_id, here.sent, [f, p])


@rule("rule:deployed-where", family="deployment", stage=Stage.STRUCTURE, order=100, produces={"DEPLOYED_TO"},
      confidence=0.7,
      examples=[Example("They visited Lachin town, where Russian peacekeepers were stationed.",
                        ("russian_peacekeepers", "DEPLOYED_TO", "lachin_town"))],
      counterexamples=[Example("They visited Lachin town, where Russian peacekeepers were not stationed.",
                               ("russian_peacekeepers", "DEPLOYED_TO", "lachin_town"))])
def deployed_where(ctx: DocumentContext, here: Sentence) -> None:
    """`the town where the troops were stationed`: a deployment verb whose place is the noun its clause
    describes."""
    _deployed(ctx, here, where_clause=True)


@rule("rule:deployed-participle", family="deployment", stage=Stage.STRUCTURE, order=105, produces={"DEPLOYED_TO"},
      confidence=0.7,
      examples=[Example("Russian border troops stationed in Meghri returned home.",
                        ("russian_border_troops", "DEPLOYED_TO", "meghri"))],
      counterexamples=[Example("Russian border troops returned home from leave.",
                               ("russian_border_troops", "DEPLOYED_TO", "meghri"))])
def deployed_participle(ctx: DocumentContext, here: Sentence) -> None:
    """`forces based in X`: a deployment participle describing the force."""
    _deployed(ctx, here, where_clause=False)


NAMED_AFTER = {  # kinds -> the predicate a place in their name gives, and the words that introduce it
    "route": ("LOCATED_IN", {"through", "via", "across", "in"}),
    "place": ("LOCATED_IN", {"in", "within", "inside"}),
    "force": ("DEPLOYED_TO", {"in", "to"}),
}


def _named_after(ctx: DocumentContext, here: Sentence, sort: str) -> None:
    """A force, route or place whose name says where it is: the place's word becomes a mention of it."""
    doc = ctx.doc
    for m in here.mentions:
        if not m.explicit:
            continue
        kind = ctx.kind(m.entity_id)
        if kind in {"Corridor", "Road"}:
            found = "route"
        elif kind in {"Exclave", "Settlement", "District", "Region", "Province"}:
            found = "place"
        elif kind == "ArmedForce" or (kind == "Organization" and
                                      any(t.lower_ == "mission" for t in doc[m.token_start : m.token_end])):
            found = "force"
        else:
            continue
        if found != sort or not ctx.well_named(m):
            continue
        pred, preps = NAMED_AFTER[sort]
        for k in range(m.token_start, m.token_end - 1):
            if doc[k].lower_ not in preps:
                continue
            tok = next((t for t in doc[k + 1 : min(k + 3, m.token_end)] if t.pos_ == "PROPN"), doc[k + 1])
            lex = ctx.lexicon.by_id.get(ctx.lexicon.alias_index.get(fold(tok.text), ""))
            if lex is None or lex.id == m.entity_id or not (lex.label == "Territory" or lex.kind == "State"):
                continue
            place = ctx.link(lex, tok, tok, f"force-name-part:{tok.text}")
            ctx.add_fitting(pred, m.entity_id, place.entity_id, here.sent, [m, place])


@rule("rule:place-in-route-name", family="structure", stage=Stage.STRUCTURE, order=110, produces={"LOCATED_IN"},
      confidence=0.65,
      examples=[Example("Tehran is studying the transit route through Iran.",
                        ("iran_transit_route", "LOCATED_IN", "iran"))],
      counterexamples=[Example("Tehran is studying a transit route.", ("iran_transit_route", "LOCATED_IN", "iran"))])
def place_in_route_name(ctx: DocumentContext, here: Sentence) -> None:
    """`the route through northern Iran`: a route named after where it runs."""
    _named_after(ctx, here, "route")


@rule("rule:place-in-place-name", family="structure", stage=Stage.STRUCTURE, order=111, produces={"LOCATED_IN"},
      confidence=0.65,
      examples=[Example("Baku claims the Azerbaijani exclaves in Armenia.",
                        ("azerbaijani_exclaves_in_armenia", "LOCATED_IN", "armenia"))],
      counterexamples=[Example("Baku claims several exclaves.",
                               ("azerbaijani_exclaves_in_armenia", "LOCATED_IN", "armenia"))])
def place_in_place_name(ctx: DocumentContext, here: Sentence) -> None:
    """`the villages in Armenia`: a place named after where it lies."""
    _named_after(ctx, here, "place")


@rule("rule:place-in-force-name", family="deployment", stage=Stage.STRUCTURE, order=112, produces={"DEPLOYED_TO"},
      confidence=0.65,
      examples=[Example("The EU mission in Armenia patrolled the border.",
                        ("eu_mission_in_armenia", "DEPLOYED_TO", "armenia"))],
      counterexamples=[Example("The EU sent observers to patrol the border.",
                               ("eu_mission_in_armenia", "DEPLOYED_TO", "armenia"))])
def place_in_force_name(ctx: DocumentContext, here: Sentence) -> None:
    """`Russian forces in Armenia`, `the EU mission in Armenia`: a force or mission named after where it is."""
    _named_after(ctx, here, "force")


def _sent_abroad(ctx: DocumentContext, eid: str) -> bool:
    """A force whose name says it was sent somewhere (peacekeepers, a mission, a contingent, a base):
    its leaving a place ends a deployment, unlike a belligerent army's retreat."""
    lex = ctx.lexicon.by_id.get(eid)
    if ctx.kind(eid) not in {"ArmedForce", "Organization"} or lex is None:
        return False
    words = {w for n in lex.names for w in fold(n).split()}
    return any(w.startswith(("peacekeep", "monitor", "observer")) or w in DEPLOYED_WORDS for w in words)


@rule("rule:withdrawn-from", family="deployment", stage=Stage.STRUCTURE, order=160,
      produces={"DEPLOYED_TO"}, confidence=0.6,
      examples=[Example("The Russian peacekeepers left Khojaly last spring.",
                        ("russian_peacekeepers", "DEPLOYED_TO", "khojaly"))],
      counterexamples=[Example("Armenian forces left Khojaly last spring.",
                               ("armenian_forces", "DEPLOYED_TO", "khojaly"))])
def withdrawn_from(ctx: DocumentContext, here: Sentence) -> None:
    """`the peacekeepers withdrew from X`, `the withdrawal of the contingent from X`: a force that leaves a
    place was deployed there."""
    for tok in here.tokens:
        lemma = tok.lemma_.lower()
        if lemma not in {"withdraw", "withdrawal", "pull", "pullout", "leave", "departure", "depart", "exit"}:
            continue
        if tok.pos_ == "VERB" and negated(ctx, tok):
            continue
        preps = [c for c in tok.children if c.dep_ in {"prep", "prt"}]
        preps += [g for c in preps for g in c.children if g.dep_ == "prep"]
        places = [m for c in preps if c.lower_ == "from" or (c.lower_ == "of" and c.head.lower_ == "out")
                  for m in title_pobj_entities(ctx, c)]
        if lemma == "leave" and tok.pos_ == "VERB":
            places += [m for c in tok.children if c.dep_ == "dobj" for m in place_phrase(ctx, c)]
        if tok.pos_ == "VERB":
            forces, _ = subjects(ctx, tok)
        else:
            forces = [m for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                      for m in title_pobj_entities(ctx, c)]
            forces += [m for c in tok.children if c.dep_ in {"poss", "amod", "compound"}
                       if (m := ctx.mention_at(c.i)) is not None]
        for f in forces:
            if not _sent_abroad(ctx, f.entity_id):
                continue
            for p in places:
                if ctx.label(p.entity_id)[0] == "Territory" or ctx.kind(p.entity_id) == "State":
                    ctx.add_fitting("DEPLOYED_TO", f.entity_id, p.entity_id, here.sent, [f, p])
