"""Provisions: the terms of an agreement a sentence states, who they bind and where, and what they imply
(a state a term binds is a party to the agreement; a force that must guard a route controls it)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from conflictkg.schema.ontology import PROVISION_TYPES

from ..lexicon import fold
from ..resolve import ResolvedMention
from .agreement_text import PARTIES_WORDS, agreement_text
from .clause_terms import clause_qualifiers
from .context import DocumentContext, ProvisionFact, Sentence
from .provision_grammar import (
    PLEDGE_VERBS,
    agreement_focus,
    joined_sentence,
    obliging,
    provision_triggers,
    sentence_frame,
    split_by_deadline,
    takes_effect,
    trigger_scope,
)
from .registry import Example, Stage, rule
from .toolkit import adjective, dated, entities_of, mentions_in, subjects
from .vocabulary import ACTOR, AGR, TERR

# Who typically carries out each kind of provision, used when the grammar names no one.
PROVISION_ACTOR_KINDS: dict[str, frozenset[str]] = {
    "DEPLOY_FORCES": frozenset({"ArmedForce"}),
    "SECURE_CORRIDOR": frozenset({"ArmedForce", "Organization"}),
    "WITHDRAW_FORCES": frozenset({"ArmedForce", "Polity"}),
    "MONITOR_CEASEFIRE": frozenset({"ArmedForce", "Organization"}),
    "GUARANTEE_PASSAGE": frozenset({"State"}),
    "TRANSFER_TERRITORY": frozenset({"State"}),
    "UNBLOCK_TRANSPORT": frozenset({"State"}),
    "BUILD_ROUTE": frozenset({"State"}),
    "CEASEFIRE": frozenset({"State", "ArmedForce"}),
    "RETURN_DISPLACED": frozenset({"Organization", "State"}),
    "EXCHANGE_PRISONERS": frozenset({"State"}),
}
# Types that, with no place named, concern the parties' own states ("links between them", "their prisoners").
BETWEEN_STATES = {"UNBLOCK_TRANSPORT", "EXCHANGE_PRISONERS", "CEASEFIRE"}
MAX_PARTIES = 4  # parties one clause of an agreement's text binds at most
RECALL_CHARS = 400  # how far back a clause naming no one is quoted from


PROVISION_RULE = "rule:provision"


@rule(PROVISION_RULE, family="provisions", stage=Stage.TERMS, order=10, produces=PROVISION_TYPES, confidence=0.7,
      examples=[Example("Under the Bishkek Protocol, Armenia shall withdraw its forces from Kelbajar.",
                        ("bishkek_protocol", "WITHDRAW_FORCES", "armenia"))],
      counterexamples=[Example("Armenia will not withdraw its forces from Kelbajar under the Bishkek Protocol, "
                               "analysts think.",
                               ("bishkek_protocol", "WITHDRAW_FORCES", "armenia"))])
def provision(ctx: DocumentContext, here: Sentence) -> None:
    """Terms of an agreement: one provision per trigger, with the trigger's own actor and places.

    A trigger states a term when its clause binds someone ("shall", "pledges to", "agreed to", "is to"),
    or when the sentence says what a named agreement contains ("the statement provides for ...", "under
    the deal ...", "the agreement on ...", "unfulfilled elements of the ceasefire"). A list of terms may
    sit in the sentence after the agreement ("They include ...") or before it ("These issues remain
    elements of ..."); the two sentences are then read as one."""
    sent, mentions = here.sent, here.mentions
    agreements = [m for m in mentions if ctx.label(m.entity_id)[0] == AGR]
    frame = sentence_frame(ctx, sent, agreements)
    span, extra = sent, []
    if agreements:
        joined = joined_sentence(ctx, sent, frame)
        if joined is not None:
            span = ctx.doc[min(joined.start, sent.start) : max(joined.end, sent.end)]
            extra = mentions_in(ctx, joined)
            frame = frame or "provided"
    triggers = provision_triggers(ctx, span, here.tokens if span is sent else list(span), frame == "term")
    if not triggers:
        return
    text = agreement_text(ctx)  # the document is an agreement's own text: its clauses are its terms
    in_text = text is not None and text.covers(sent.start_char)
    if in_text:  # in its own clauses, "a complete ceasefire" is a term, not another agreement
        agreements = [m for m in agreements if m.entity_id in ctx.lexicon.by_id or ctx.kind(m.entity_id) != "Ceasefire"]
    if agreements:
        agreement = agreements[0].entity_id
    elif text is not None and in_text:
        agreement = text.agreement
    elif (focused := ctx.remember("agreement-focus", None, lambda: agreement_focus(ctx)).at(sent.start)) is not None:
        agreement = focused
    else:
        return
    everyone = list(mentions) + [m for m in extra if all(m is not o for o in mentions)]
    actors = [m for m in everyone if ctx.label(m.entity_id)[0] == ACTOR]
    places = [m for m in everyone if ctx.label(m.entity_id)[0] == TERR]
    pending = not actors  # "the parties agreed to ...": the agreement's signatories, filled in once known
    benefits = beneficiaries(ctx, span)
    dated_ = [(at, iso) for at, iso in dated(span, ctx.published)
              if not naming_agreement(ctx, span.doc[at], agreements) and not past_act_date(span.doc[at])]
    all_dates = list(dict.fromkeys(iso for _, iso in dated_))
    quals = provision_qualifiers(span, all_dates)
    if text is not None and in_text and (label := text.clause_at(sent.start_char)):
        quals["clause"] = label
    found: set[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = set()
    for index, types in sorted(triggers.items()):
        tok = span.doc[index]
        clause = text.clause_at(sent.start_char) if text is not None and in_text else None
        binding = obliging(tok, span.text) or clause is not None  # a numbered clause states a term as it is
        if not (frame or binding or "CEASEFIRE" in types and takes_effect(tok)):
            continue  # neither bound by its own clause nor said to be part of an agreement
        bound = governing_agreement(ctx, tok, agreements) or agreement
        scope = trigger_scope(tok)
        # "withdraw by X and hand over Y by Z": each trigger its own date
        deadlines = list(dict.fromkeys(iso for start, iso in dated_ if start in scope))
        trigger_quals = {k: v for k, v in quals.items() if k != "deadline" or len(all_dates) == 1}
        if deadlines:
            trigger_quals["deadline"] = deadlines[0]
        by_parties = text is not None and in_text and (pending or names_the_parties(tok))
        for ptype in sorted(types):
            obliged = obliged_actors(ctx, tok, ptype, actors, benefits)
            if text is not None and binding and (by_parties or not obliged) and text.bound:
                # "the Parties shall ...", "We agreed to ...", "X shall be returned to Y": the parties but Y
                obliged = parties_for(ctx, ptype, [p for p in text.bound if p not in {b.entity_id for b in benefits}])
            if ptype == "GUARANTEE_PASSAGE" and obliged and all(
                ctx.label(a)[1] in PROVISION_ACTOR_KINDS["SECURE_CORRIDOR"] for a in obliged
            ):
                ptype = "SECURE_CORRIDOR"  # a force that guarantees traffic does so by guarding the route
            concerns = concerned_places(ctx, scope, ptype, places, actors, obliged)
            if in_text and not concerns:
                if ptype in BETWEEN_STATES:  # "the Sides shall exchange all prisoners": the parties' own
                    concerns = [a for a in obliged if ctx.kind(a) == "State"]
                elif (earlier := earlier_term(ctx, ptype, bound)) is not None:
                    concerns = earlier.concerns  # "the mission shall be deployed for five years": the same term
                    obliged = earlier.obliges if by_parties else obliged
            unnamed = pending and not obliged
            if unnamed and not (frame or any(a.lemma_.lower() in PLEDGE_VERBS for a in tok.ancestors)):
                continue  # with no one named, only a pledge or the agreement itself says who is bound
            if not unnamed and not obliged or not concerns and not (pending and ptype in BETWEEN_STATES):
                continue
            for part, part_quals in split_by_deadline(ptype, concerns, trigger_quals, deadlines):
                key = (ptype, bound, tuple(obliged), tuple(part))
                if key in found:
                    continue
                found.add(key)
                anchors = [m for m in everyone if m.entity_id in {bound, *obliged, *part}]
                if in_text and not any(m.explicit for m in anchors):
                    anchors += recalled(ctx, span, {bound, *obliged, *part})
                ctx.add_provision(ptype, bound, obliged, part, [b.entity_id for b in benefits], span, anchors,
                                  0.7 if binding else 0.55, part_quals)


def obliged_actors(
    ctx: DocumentContext, tok: Any, ptype: str, actors: list[ResolvedMention], benefits: list[ResolvedMention]
) -> list[str]:
    """Who must act: the trigger verb's subject or agent, a nominal trigger's "of X"/"X's", else the clause's."""
    found: list[ResolvedMention] = []
    if ptype == "RETURN_DISPLACED":
        pass  # those who return benefit; who must act is the body that assists them
    elif tok.pos_ == "VERB":
        found, _ = subjects(ctx, tok)
    else:
        for c in tok.children:
            if c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ in {"of", "by"}):
                targets = [c] if c.dep_ == "poss" else [p for p in c.children if p.dep_ == "pobj"]
                for t in targets:
                    found += entities_of(ctx, t)
            elif c.dep_ in {"amod", "compound"}:
                adj = ctx.mention_at(c.i) or adjective(ctx, c)
                if adj:
                    found.append(adj)
        verb = tok.head
        while not found and verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
            verb = verb.head
        if not found and verb.pos_ in {"VERB", "AUX"}:
            found, _ = subjects(ctx, verb)
    beneficiaries = {b.entity_id for b in benefits}
    preferred = PROVISION_ACTOR_KINDS.get(ptype)
    ids = [m.entity_id for m in found if ctx.label(m.entity_id)[0] == ACTOR]
    if not ids:
        ids = [m.entity_id for m in actors if m.entity_id not in beneficiaries]
        if preferred:
            ids = [i for i in ids if ctx.label(i)[1] in preferred] or ids
    if ptype == "CEASEFIRE":  # a ceasefire binds the warring states, named through their forces
        ids = [force_state(ctx, i) or i for i in ids]
    return list(dict.fromkeys(ids))[:2]


def force_state(ctx: DocumentContext, eid: str) -> str | None:
    """The state an armed force's name starts with ("Armenian forces" -> Armenia), from the lexicon."""
    lex = ctx.lexicon.by_id.get(eid)
    if lex is None or lex.kind != "ArmedForce" or not lex.name.split():
        return None
    state = ctx.lexicon.adjective_index.get(fold(lex.name.split()[0]))
    return state if state and ctx.lexicon.by_id[state].kind == "State" else None


def concerned_places(
    ctx: DocumentContext, scope: set[int], ptype: str, places: list[ResolvedMention],
    actors: list[ResolvedMention], obliged: list[str],
) -> list[str]:
    """Where: places inside the trigger's phrase (or its verb's), else every place of the sentence; a
    passage term is about the named route first; links or prisoners with no place named are about the
    parties' own states."""
    chosen = [m for m in places if m.token_start in scope and m.explicit]
    if not chosen and (inside := places_in_event_names(ctx, scope)):
        return inside  # "a ceasefire in the X conflict zone": the place the conflict's name gives
    chosen = chosen or [m for m in places if m.token_start in scope] or places  # "the region" last
    if ptype in {"GUARANTEE_PASSAGE", "SECURE_CORRIDOR"}:
        chosen = [m for m in places if ctx.label(m.entity_id)[1] in {"Corridor", "Road"}] + chosen
    ids = list(dict.fromkeys(m.entity_id for m in chosen if m.entity_id not in obliged))
    if not ids and ptype in BETWEEN_STATES:
        ids = list(dict.fromkeys(a.entity_id for a in actors if ctx.label(a.entity_id)[1] == "State"))
    return ids[:3]


def places_in_event_names(ctx: DocumentContext, scope: set[int]) -> list[str]:
    """Places whose name an event's name in the scope starts with ("the X conflict" -> X), as the lexicon
    knows them."""
    found: list[str] = []
    for m in ctx.res.mentions:
        if m.token_start not in scope or ctx.label(m.entity_id)[0] != "Event":
            continue
        words = [fold(t.text) for t in ctx.doc[m.token_start : m.token_end] if fold(t.text)]
        for size in (3, 2, 1):
            eid = ctx.lexicon.alias_index.get(" ".join(words[:size]))
            lex = ctx.lexicon.by_id.get(eid or "")
            if lex is not None and lex.label == TERR and lex.kind != "Border" and eid != m.entity_id:
                ctx.add_entity(lex)
                found.append(lex.id)
                break
    return found


def provision_qualifiers(sent: Any, dates: list[str]) -> dict[str, Any]:
    """The deadline and what the clause reader finds (sizes with units, term, renewal, notice, conditions)."""
    quals: dict[str, Any] = {"deadline": dates[0]} if dates else {}
    quals.update(clause_qualifiers(sent.text))
    return quals


def recalled(ctx: DocumentContext, span: Any, ids: set[str]) -> list[ResolvedMention]:
    """A clause that names no one ("The Parties shall ...") is quoted from the last words before it that name
    one of its parties, places or its agreement, when they are close enough to quote together."""
    before = [m for m in ctx.res.mentions if m.explicit and m.entity_id in ids
              and span.start_char - RECALL_CHARS <= m.start < span.start_char]
    if not before:
        return []
    last = before[-1]
    return [ResolvedMention(last.entity_id, span.start_char, span.start_char, "", span.start, span.start,
                            "agreement:recalled", explicit=False, antecedent=last)]


def parties_for(ctx: DocumentContext, ptype: str, parties: list[str]) -> list[str]:
    """The parties a clause binding "the Parties" binds: those of the kinds that carry out such a term (a
    ceasefire binds the warring states, not the organisation that witnessed it)."""
    preferred = PROVISION_ACTOR_KINDS.get(ptype)
    fitting = [p for p in parties if preferred is None or ctx.kind(p) in preferred]
    return (fitting or parties)[:MAX_PARTIES]


def earlier_term(ctx: DocumentContext, ptype: str, agreement: str) -> ProvisionFact | None:
    """The last term of this type and agreement read so far."""
    return next((p for p in reversed(ctx.provisions) if p.provision_type == ptype and p.agreement == agreement),
                None)


def naming_agreement(ctx: DocumentContext, tok: Any, agreements: list[ResolvedMention]) -> bool:
    """A date that names an agreement ("the declaration of 9 November", "the 11 January statement") is no
    deadline."""
    spans = [range(m.token_start, m.token_end) for m in agreements]
    words = [tok] + [t for t in tok.doc[tok.i + 1 : tok.i + 6] if t.ent_iob_ == "I"]
    for node in words:
        for _ in range(3):
            if any(node.i in r for r in spans):
                return True
            if node.head.i == node.i:
                break
            node = node.head
    return False


def past_act_date(tok: Any) -> bool:
    """The date of something done ("met on 26 November"), no deadline of a term."""
    head = tok.head.head if tok.head.dep_ == "prep" else tok.head
    return head.tag_ == "VBD"


def governing_agreement(ctx: DocumentContext, tok: Any, agreements: list[ResolvedMention]) -> str | None:
    """The agreement whose own phrase holds the trigger: "the statement of 11 January on unblocking ...";
    with several agreements named, each term belongs to the one it is said of."""
    holding = []
    for m in agreements:
        root = ctx.doc[m.token_start : m.token_end].root
        if not m.token_start <= tok.i < m.token_end and root.left_edge.i <= tok.i <= root.right_edge.i:
            holding.append((root.right_edge.i - root.left_edge.i, m.entity_id))
    return min(holding)[1] if holding else None  # the innermost phrase


def names_the_parties(tok: Any) -> bool:
    """Whether the trigger's clause has "the Parties", "the Sides", "both sides" or "We" for its subject."""
    verb = tok
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        verb = verb.head
    for _ in range(3):
        for c in verb.children:
            if c.dep_ in {"nsubj", "nsubjpass"}:
                words = verb.doc[c.left_edge.i : c.right_edge.i + 1].text
                return c.lower_ == "we" or PARTIES_WORDS.search(words) is not None
        if verb.dep_ not in {"xcomp", "conj", "advcl"} or verb.head.i == verb.i:
            break
        verb = verb.head
    return False


def beneficiaries(ctx: DocumentContext, sent: Any) -> list[ResolvedMention]:
    out = []
    for tok in sent:
        if tok.dep_ == "prep" and tok.lower_ == "to" and tok.head.lemma_.lower() in {
            "return", "hand", "transfer", "give", "cede", "restore"
        }:
            out += [m for p in tok.children if p.dep_ == "pobj" for m in entities_of(ctx, p)]
    return out


def signatories(ctx: DocumentContext) -> dict[str, list[str]]:
    """Agreement -> the states that signed or joined it in this document, a leader standing for his state."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for f in ctx.facts:
        if f.predicate not in {"SIGNED", "PARTY_TO"}:
            continue
        kind = ctx.label(f.subject)[1]
        lex = ctx.lexicon.by_id.get(f.subject)
        states = [f.subject] if kind == "State" else [
            o.entity for o in (lex.leads if lex and kind == "Person" else [])
            if o.entity in ctx.lexicon.by_id and ctx.lexicon.by_id[o.entity].kind == "State"
        ]
        for state in states:
            counts[f.object][state] += 1
            ctx.add_entity(ctx.lexicon.by_id[state])
    return {agreement: [s for s, _ in c.most_common()] for agreement, c in counts.items()}


@rule("rule:provision-signatories", family="provisions", stage=Stage.IMPLIED, order=10, produces=PROVISION_TYPES,
      confidence=0.55,
      examples=[Example("The Prague statement was signed by Armenia and Azerbaijan. The parties pledged to exchange "
                        "all prisoners.",
                        ("prague_statement_2022", "EXCHANGE_PRISONERS", "armenia"))],
      counterexamples=[Example("Armenia praised the Prague statement. The parties pledged to exchange all prisoners.",
                               ("prague_statement_2022", "EXCHANGE_PRISONERS", "armenia"))])
def provision_signatories(ctx: DocumentContext) -> None:
    """A term whose sentence names no one ("the parties agreed to exchange prisoners") binds the states the
    document says signed or joined the agreement; with none known it is dropped."""
    known = signatories(ctx)
    for p in ctx.provisions:
        if not p.obliges:
            obliges = known.get(p.agreement, [])[:3]
            ctx.complete_provision(p, obliges, p.concerns or [s for s in obliges if ctx.kind(s) == "State"])
    ctx.drop_incomplete_provisions()


def _obligations(ctx: DocumentContext) -> list[ProvisionFact]:
    """Terms stated as obligations (not filled in from signatories): only those name parties."""
    return [p for p in ctx.provisions if p.confidence >= 0.7 and p.rule == PROVISION_RULE]


@rule("rule:provision-guard", family="provisions", stage=Stage.IMPLIED, order=20, produces={"CONTROLS"},
      confidence=0.55,
      examples=[Example("Under the trilateral statement, Russian peacekeepers shall guard the Lachin corridor.",
                        ("russian_peacekeepers", "CONTROLS", "lachin_corridor"))],
      counterexamples=[Example("Russian peacekeepers were seen on the Lachin corridor.",
                               ("russian_peacekeepers", "CONTROLS", "lachin_corridor"))])
def provision_guard(ctx: DocumentContext) -> None:
    """A force that must guard a route controls it."""
    for p in _obligations(ctx):
        if p.provision_type != "SECURE_CORRIDOR":
            continue
        for actor in p.obliges:
            for place in p.concerns:
                route = ctx.kind(place) in {"Corridor", "Road"}
                if route and ctx.fits("CONTROLS", actor, place):
                    ctx.add_fact("CONTROLS", actor, place, p.sent, p.anchors)


@rule("rule:provision-party", family="provisions", stage=Stage.IMPLIED, order=30, produces={"PARTY_TO"},
      confidence=0.55,
      examples=[Example("Under the trilateral statement, Azerbaijan shall guarantee safe traffic along the Lachin "
                        "corridor.",
                        ("azerbaijan", "PARTY_TO", "trilateral_statement_2020"))],
      counterexamples=[Example("Azerbaijan praised traffic along the Lachin corridor.",
                               ("azerbaijan", "PARTY_TO", "trilateral_statement_2020"))])
def provision_party(ctx: DocumentContext) -> None:
    """A state a term obliges is a party to its agreement."""
    for p in _obligations(ctx):
        for actor in p.obliges:
            is_state = ctx.kind(actor) in {"State", "Polity"}
            if is_state and ctx.fits("PARTY_TO", actor, p.agreement):
                ctx.add_fact("PARTY_TO", actor, p.agreement, p.sent, p.anchors)
