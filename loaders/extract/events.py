"""Rules for events: who took part in an event, where it happened, what it led to.

They complement the verb rules where the event is named rather than acted on: actors inside an event's or
agreement's name ("the Armenia-Azerbaijan conflict", "Baku's conditions", "the Russian-imposed
ceasefire"), meetings told by a verb ("X met Y in Brussels"), actors doing something during or at an event,
victories in a war, and the states behind forces that took part.
"""

from __future__ import annotations

from typing import Any

from ..lexicon import fold
from ..resolve import ResolvedMention, lexicon_event
from .context import DocumentContext, Sentence
from .registry import Example, Stage, rule
from .toolkit import (
    actor_subjects,
    adjective,
    clause_places,
    entities_of,
    is_passive,
    live_verb,
    names_state_itself,
    negated,
    objects,
    places_after,
    predicate_keys,
)
from .vocabulary import ACTOR, AGR, EVALUATIVE_VERBS, EVENT, PROPOSAL_NOUNS

ACTOR_KINDS = frozenset({"State", "Polity", "Organization", "ArmedForce", "Group", "Person"})
# "X-brokered", "X-imposed": the actor named before the participle brokered the agreement or event.
BROKERING = {"broker", "brokered", "impose", "imposed", "mediate", "mediated", "sponsor", "sponsored", "led", "lead"}
HOSTING = {"host", "hosted"}
# Verbs that tell a meeting without naming it: "X met Y in Z", "X hosted Y in Z".
MEETING_VERBS = {"meet", "host", "call", "phone", "telephone"}
HOLDING = {"hold", "host", "convene", "organise", "organize", "attend", "stage"}
# A verb that takes a stance on an event (rejects, suspends, backs it) says nothing of taking part in it.
STANCE_PREDICATES = {"REJECTED", "SUSPENDED", "PROPOSED", "OPPOSES", "SUPPORTS"}
# Nouns for the start of an event: whoever launches it takes part ("announced the launch of the offensive").
STARTING_NOUNS = {"launch", "start", "beginning", "onset"}
# Verbs of speech that enact what they announce ("X announced the launch of", "X declared its dissolution").
ANNOUNCING = {"announce", "declare", "proclaim", "order", "decree"}
# Verbs of fighting: an actor doing them during or in a war took part in it.
COMBAT_VERBS = {
    "fight", "capture", "recapture", "seize", "occupy", "retake", "regain", "liberate", "attack", "shell", "bomb",
    "win", "lose", "defeat", "advance", "invade", "conquer", "storm", "besiege", "kill", "launch", "repel",
    "take", "drive", "push", "destroy", "shoot", "strike", "surrender",
}
TERRITORY_NOUNS = {"territory", "territories", "soil", "land", "lands"}
CONFLICT_NOUNS = {"conflict", "dispute", "confrontation", "hostility", "war", "rivalry", "standoff", "clash"}
# Verbs that make an agreement: one made at a meeting is its result.
ADOPTING = {"sign", "adopt", "issue", "conclude", "initial", "approve", "endorse", "produce", "release", "publish"}
VICTORY_NOUNS = {"victory", "triumph", "defeat", "win", "loss", "surrender", "capitulation"}
COMBAT_EVENT_KINDS = frozenset({"War", "MilitaryOperation", "Attack"})
# Event kinds whose `of`-phrase names who took part: "the exodus of Karabakh Armenians", "the dissolution of X".
OF_PARTICIPANT_KINDS = frozenset({"Displacement", "Dissolution"})
# Nouns of doing something oneself: their `of`-phrase is the doer ("the withdrawal of Russian peacekeepers").
DOER_OF_NOUNS = {
    "withdrawal", "departure", "pullout", "retreat", "exodus", "flight", "dissolution", "arrival", "deployment",
    "participation", "intervention", "offensive", "advance",
}


def _is_event(ctx: DocumentContext, m: ResolvedMention) -> bool:
    return ctx.label(m.entity_id)[0] in {EVENT, AGR}


def _register(ctx: DocumentContext, eid: str, toks: Any, how: str) -> ResolvedMention:
    """A mention of an actor found inside another name, so that the fact's both ends are in the document."""
    first, last = toks[0], toks[-1]
    return ctx.link(ctx.lexicon.by_id[eid], first, last, f"{how}:{ctx.doc[first.i : last.i + 1].text}")


def _lex_actor(ctx: DocumentContext, words: str) -> str | None:
    """The lexicon actor a name or adjective stands for ("Azerbaijani", "European Union", "Baku")."""
    key = fold(words)
    eid = ctx.lexicon.alias_index.get(key) or ctx.lexicon.adjective_index.get(key)
    lex = ctx.lexicon.by_id.get(eid) if eid else None
    if lex is None or not (lex.label == ACTOR and lex.kind in ACTOR_KINDS):
        return None
    return lex.id


# -- first reading: the parties and owners of a named event ---------------------------------------------------------
@rule("rule:between", family="events", stage=Stage.NAMES, order=50, produces={"PARTY_TO", "PARTICIPATED_IN"},
      confidence=0.7,
      examples=[Example("The Almaty talks between Armenia and Azerbaijan ended on time.",
                        ("armenia", "PARTICIPATED_IN", "almaty_talks_2024"))],
      counterexamples=[Example("The Almaty talks ended before Armenia and Azerbaijan could agree.",
                               ("armenia", "PARTICIPATED_IN", "almaty_talks_2024"))])
def between(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`a meeting (in Sochi on 26 November) between X and Y`, `a war with X`: the parties of it."""
    label = ctx.label(m.entity_id)[0]
    if not m.explicit or label not in {AGR, EVENT}:
        return
    head = ctx.doc[m.token_end - 1]
    inside = {t.i for t in head.subtree}
    for prep in here.tokens:
        if prep.dep_ != "prep" or prep.lower_ not in {"between", "with", "against"} or prep.head.i not in inside:
            continue
        if prep.lower_ != "between" and prep.head.i != head.i:
            continue
        for p in prep.children:
            if p.dep_ != "pobj":
                continue
            for party in entities_of(ctx, p):
                pred = "PARTY_TO" if label == AGR else "PARTICIPATED_IN"
                ctx.add_fitting(pred, party.entity_id, m.entity_id, here.sent, [party, m])


@rule("rule:owner-of-event", family="events", stage=Stage.NAMES, order=70, produces={"PARTICIPATED_IN", "PROPOSED"},
      confidence=0.65,
      examples=[Example("Armenia's Velvet Revolution surprised Moscow.",
                        ("armenia", "PARTICIPATED_IN", "velvet_revolution"))],
      counterexamples=[Example("The Velvet Revolution surprised Moscow and Armenia's neighbours.",
                               ("armenia", "PARTICIPATED_IN", "velvet_revolution"))])
def owner_of_event(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`Azerbaijan's offensive`, `the Azerbaijani proposal`, `the dissolution of the X Republic`: the owner (or
    the side an exodus or a dissolution befalls) took part / proposed."""
    label, kind = ctx.label(m.entity_id)
    if not m.explicit or label not in {EVENT, AGR}:
        return
    head = ctx.doc[m.token_end - 1]
    owners: list[ResolvedMention] = []
    undergone = label == EVENT and (kind in OF_PARTICIPANT_KINDS or head.lemma_.lower() in DOER_OF_NOUNS)
    for c in head.children:
        if c.dep_ == "poss" or c.dep_ == "prep" and label == EVENT and (
                c.lower_ == "by" or c.lower_ == "of" and undergone):  # "the exodus of the X population"
            targets = [c] if c.dep_ == "poss" else [p for p in c.children if p.dep_ == "pobj"]
            owners += [o for t in targets for o in entities_of(ctx, t)]
        elif c.dep_ in {"amod", "compound"} and ctx.mention_at(c.i) is None:
            adj = adjective(ctx, c)
            if adj:
                owners.append(adj)
    first = ctx.doc[m.token_start]
    adj = adjective(ctx, first) if m.token_end - m.token_start > 1 else None
    if adj:
        owners.append(adj)
    if label == EVENT:
        pred = "PARTICIPATED_IN"
    elif kind in {"PeaceProposal", "Principles"}:
        pred = "PROPOSED"  # "the Azerbaijani proposal"; "the Russian-imposed ceasefire" names no party
    else:
        return
    for o in owners:
        ctx.add_fitting(pred, o.entity_id, m.entity_id, here.sent, [o, m])


# -- second reading: events named ------------------------------------------------------------------------------------
@rule("rule:actor-in-event-name", family="events", stage=Stage.EVENT_NAMES, order=10,
      produces={"OCCURRED_IN", "MEDIATED", "PARTICIPATED_IN", "PROPOSED"}, confidence=0.6,
      examples=[Example("The Armenia-Azerbaijan conflict flared again.",
                        ("armenia", "PARTICIPATED_IN", "nagorno_karabakh_conflict"))],
      counterexamples=[Example("In Armenia the old conflict flared again.",
                               ("armenia", "PARTICIPATED_IN", "nagorno_karabakh_conflict"))])
def actor_in_event_name(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`the Armenia-Azerbaijan conflict`, `the EU's summit`, `attacks by Azerbaijan`: the actors a name
    puts before its head noun (or after `by`) took part; `X-brokered`/`X-imposed` ones brokered it;
    `X's conditions` and `X's plan` are X's proposals."""
    if not m.explicit or not _is_event(ctx, m):
        return
    sent = here.sent
    label, kind = ctx.label(m.entity_id)
    doc = ctx.doc
    span = doc[m.token_start : m.token_end]
    head = span.root
    found: list[tuple[str, list[Any], str]] = []  # (actor, tokens, role)
    words = [t for t in span if fold(t.text)]  # punctuation apart: "Nagorno-Karabakh Republic" is three words
    i = 0
    while i < len(words):
        hit = None
        for size in (5, 4, 3, 2, 1):
            if i + size > len(words):
                continue
            eid = _lex_actor(ctx, " ".join(t.text for t in words[i : i + size]))
            if eid and eid != m.entity_id:
                hit = (eid, words[i : i + size])
                i += size
                break
        if hit is None:
            i += 1
            continue
        eid, toks = hit
        last = toks[-1]
        nxt = doc[last.i + 1] if last.i + 1 < m.token_end else None
        after = doc[last.i + 2] if last.i + 2 < m.token_end else None
        if nxt is not None and nxt.text == "-" and after is not None and after.lower_ in BROKERING | HOSTING:
            found.append((eid, toks, "host" if after.lower_ in HOSTING else "broker"))
            continue
        if label in {EVENT, AGR} and not names_state_itself(ctx, eid, toks) and _position(last, head, kind) != "owner":
            continue  # "the Washington talks", "the Madrid Principles": a capital names the venue, not a side
        if nxt is not None and nxt.lower_ in TERRITORY_NOUNS and ctx.lexicon.by_id[eid].kind == "State":
            found.append((eid, toks, "place"))  # "incursions into Armenian territory"
            continue
        found.append((eid, toks, _position(last, head, kind)))
    for eid, toks, role in found:
        if role == "none":
            continue
        actor = _register(ctx, eid, toks, "name-part")
        if role == "place":
            if label == EVENT:
                ctx.add_fitting("OCCURRED_IN", m.entity_id, eid, sent, [actor, m])
        elif role == "broker":
            ctx.add_fitting("MEDIATED", eid, m.entity_id, sent, [actor, m], confidence=0.65)
        elif label == EVENT and role in {"host", "before", "by", "of", "owner"}:
            if role == "of" and kind not in OF_PARTICIPANT_KINDS and head.lemma_.lower() not in DOER_OF_NOUNS:
                continue
            if role == "before" and not _takes_part_before(ctx, eid, kind, toks, found, head.i):
                continue
            ctx.add_fitting("PARTICIPATED_IN", eid, m.entity_id, sent, [actor, m])
        elif label == AGR and role == "owner" and head.lower_ in PROPOSAL_NOUNS:
            ctx.add_fitting("PROPOSED", eid, m.entity_id, sent, [actor, m])


def _position(tok: Any, head: Any, kind: str) -> str:
    """Where an actor word stands in a name: before the head noun, its owner (`X's`), after `by`/`of`."""
    if tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ in {"'s", "’s"}:
        return "owner"
    node = tok
    while node.i != head.i and node.head.i != node.i:
        if node.dep_ in {"pobj"} and node.head.lower_ in {"by"}:
            return "by"
        if node.dep_ == "pobj" and node.head.lower_ == "of" and node.head.head.i == head.i:
            return "of"
        if node.dep_ in {"pobj", "prep"}:
            return "none"  # "attacks on Armenia", "the war in Ukraine": a target or a place
        node = node.head
    return "before" if tok.i < head.i else "none"


def _takes_part_before(ctx: DocumentContext, eid: str, kind: str, toks: list[Any],
                       found: list[tuple[str, list[Any], str]], m_head: int) -> bool:
    """An actor before the head takes part; for displacements only the displaced group does, and in
    other events only the sides of a conflict named as a hyphenated pair ("the Armenia-Azerbaijan conflict")."""
    lex_kind = ctx.lexicon.by_id[eid].kind
    if kind == "Displacement":
        return lex_kind == "Group"
    if kind != "Other":
        return True
    if ctx.doc[m_head].lemma_.lower() not in CONFLICT_NOUNS:
        return False
    doc = ctx.doc
    first, last = toks[0], toks[-1]
    paired_after = last.i + 1 < len(doc) and doc[last.i + 1].text in {"-", "–"}
    paired_before = first.i > 0 and doc[first.i - 1].text in {"-", "–"}
    return (paired_after or paired_before) and sum(1 for f in found if f[2] == "before") >= 2


@rule("rule:fought-over", family="events", stage=Stage.EVENT_NAMES, order=20, produces={"OCCURRED_IN"},
      confidence=0.6,
      examples=[Example("The Four-Day War over Talish was brief.", ("four_day_war", "OCCURRED_IN", "talish"))],
      counterexamples=[Example("The Four-Day War worried people in Talish.",
                               ("four_day_war", "OCCURRED_IN", "talish"))])
def fought_over(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`the war for Karabakh`, `the battle over the town`: a fight for a place happens there."""
    if not _is_event(ctx, m):
        return
    sent = here.sent
    if ctx.label(m.entity_id)[1] not in COMBAT_EVENT_KINDS:
        return
    head = ctx.doc[m.token_start : m.token_end].root
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ in {"for", "over"}:
            for p in c.children:
                for place in entities_of(ctx, p) if p.dep_ == "pobj" else []:
                    ctx.add_fitting("OCCURRED_IN", m.entity_id, place.entity_id, sent, [m, place])


@rule("rule:meeting-place", family="events", stage=Stage.EVENT_NAMES, order=30,
      produces={"OCCURRED_IN", "PARTICIPATED_IN"}, confidence=0.6,
      examples=[Example("Leaders held the Sochi summit in Russia.", ("russia", "PARTICIPATED_IN", "sochi_summit"))],
      counterexamples=[Example("Leaders from Russia praised the Sochi summit.",
                               ("russia", "PARTICIPATED_IN", "sochi_summit"))])
def meeting_place(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`a meeting with residents in the city of X`: a meeting takes place where its phrase says, even when
    the parser hangs `in X` on a noun inside it."""
    if not _is_event(ctx, m):
        return
    sent = here.sent
    if ctx.label(m.entity_id)[1] != "Meeting":
        return
    head = ctx.doc[m.token_start : m.token_end].root
    places = [p for t in head.subtree if t.i >= m.token_end or t.i == head.i for p in places_after(ctx, t)]
    if head.dep_ == "dobj" and head.head.lemma_.lower() in HOLDING:  # "held a meeting with X in Y"
        places += clause_places(ctx, head.head)
    for place in places:
        ctx.add_fitting("OCCURRED_IN", m.entity_id, place.entity_id, sent, [m, place])
        if ctx.label(place.entity_id)[1] == "State":  # "the summit in Tehran": the state hosts it
            ctx.add_fitting("PARTICIPATED_IN", place.entity_id, m.entity_id, sent, [place, m], confidence=0.55)


@rule("rule:adopted-at-event", family="events", stage=Stage.EVENT_NAMES, order=40, produces={"RESULTED_IN"},
      confidence=0.6,
      examples=[Example("At the Prague summit, Armenia and Azerbaijan adopted the Prague statement.",
                        ("prague_summit_2022", "RESULTED_IN", "prague_statement_2022"))],
      counterexamples=[Example("At the Prague summit, Armenia and Azerbaijan did not adopt the Prague statement.",
                               ("prague_summit_2022", "RESULTED_IN", "prague_statement_2022"))])
def adopted_at_event(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`At the summit the leaders signed a declaration`, `after the meeting they issued a statement`: an
    agreement made at (or right after) a meeting is what the meeting resulted in."""
    if not _is_event(ctx, m) or ctx.label(m.entity_id)[1] != "Meeting":
        return
    head = ctx.doc[m.token_start : m.token_end].root
    if head.dep_ == "pobj" and head.head.lower_ in {"at", "during", "following", "after"}:
        verb = head.head.head
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in ADOPTING or negated(ctx, verb):
            return
        made = [o for o in objects(ctx, verb, is_passive(verb)) if ctx.label(o.entity_id)[0] == AGR]
        for a in made:
            ctx.add_fitting("RESULTED_IN", m.entity_id, a.entity_id, here.sent, [m, a])


@rule("rule:actor-at-event", family="events", stage=Stage.EVENT_NAMES, order=50, produces={"PARTICIPATED_IN"},
      confidence=0.6,
      examples=[Example("During the Second Karabakh War, Azerbaijan captured Hadrut.",
                        ("azerbaijan", "PARTICIPATED_IN", "second_karabakh_war"))],
      counterexamples=[Example("During the Second Karabakh War, France discussed Hadrut with reporters.",
                               ("france", "PARTICIPATED_IN", "second_karabakh_war"))])
def actor_at_event(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`X said at the summit`, `during the war X captured Y`: the subject of a verb with an event in a
    `during`/`at`/`in` phrase took part in it (for wars and attacks only when the verb is one of fighting)."""
    if not _is_event(ctx, m):
        return
    sent = here.sent
    kind = ctx.label(m.entity_id)[1]
    head = ctx.doc[m.token_start : m.token_end].root
    part = head.head.head if head.dep_ == "pobj" and head.head.lower_ == "of" else None
    if part is not None and part.lower_ == "part" and part.dep_ == "pobj" and part.head.lower_ == "as":
        verb = part.head.head  # "X used drones as part of the operation": X acts in it
        if verb.pos_ != "VERB" or negated(ctx, verb) or verb.lemma_.lower() in EVALUATIVE_VERBS:
            return
        for s in actor_subjects(ctx, verb):
            ctx.add_fitting("PARTICIPATED_IN", s.entity_id, m.entity_id, sent, [s, m])
        return
    if head.dep_ != "pobj" or head.head.lower_ not in {"during", "at", "in", "throughout"}:
        return
    verb = head.head.head
    if kind == "Meeting" and head.head.lower_ != "in":
        verbs = [verb] if verb.pos_ in {"VERB", "AUX"} else []
    elif kind in COMBAT_EVENT_KINDS and head.head.lower_ in {"during", "in", "throughout"}:
        # the fighting verbs of the clause the phrase belongs to, or of a clause describing the event
        clause = verb if verb.pos_ in {"VERB", "AUX"} else None
        verbs = [t for t in here.tokens if t.pos_ == "VERB" and t.lemma_.lower() in COMBAT_VERBS
                 and (clause is None or t.i == clause.i or t.head.i in {clause.i, head.i})]
    else:
        return
    for v in verbs:
        if negated(ctx, v) or v.lemma_.lower() in EVALUATIVE_VERBS:
            continue
        for s in actor_subjects(ctx, v):
            ctx.add_fitting("PARTICIPATED_IN", s.entity_id, m.entity_id, sent, [s, m])


@rule("rule:victory-in-event", family="events", stage=Stage.EVENT_NAMES, order=60, produces={"PARTICIPATED_IN"},
      confidence=0.6,
      examples=[Example("Azerbaijan's victory in the Second Karabakh War changed the region.",
                        ("azerbaijan", "PARTICIPATED_IN", "second_karabakh_war"))],
      counterexamples=[Example("The Second Karabakh War changed the region for Azerbaijan.",
                               ("azerbaijan", "PARTICIPATED_IN", "second_karabakh_war"))])
def victory_in_event(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`X's victory in the war`, `the war, which ended with the triumph of X`: the winner (or loser) took
    part in the war."""
    if not _is_event(ctx, m):
        return
    sent = here.sent
    if ctx.label(m.entity_id)[1] not in COMBAT_EVENT_KINDS:
        return
    head = ctx.doc[m.token_start : m.token_end].root
    nouns = []
    if head.dep_ == "pobj" and head.head.lower_ in {"in", "of"} and head.head.head.lemma_.lower() in VICTORY_NOUNS:
        nouns.append(head.head.head)
    clauses = [c for c in head.children if c.dep_ == "relcl"]
    if head.dep_ in {"nsubj", "nsubjpass"}:
        clauses.append(head.head)
    for verb in clauses:
        nouns += [p for c in verb.children if c.dep_ == "prep" and c.lower_ in {"with", "in"}
                  for p in c.children if p.dep_ == "pobj" and p.lemma_.lower() in VICTORY_NOUNS]
    for noun in nouns:
        owners: list[ResolvedMention] = []
        for c in noun.children:
            if c.dep_ == "poss":
                owners += entities_of(ctx, c)
            elif c.dep_ == "prep" and c.lower_ in {"of", "by"}:
                owners += [o for p in c.children if p.dep_ == "pobj" for o in entities_of(ctx, p)]
            elif c.dep_ in {"amod", "compound"} and ctx.mention_at(c.i) is None:
                adj = adjective(ctx, c)
                owners += [adj] if adj else []
        for o in owners:
            ctx.add_fitting("PARTICIPATED_IN", o.entity_id, m.entity_id, sent, [o, m])


@rule("rule:meeting-verb", family="events", stage=Stage.EVENT_CLAUSES, order=10,
      produces={"PARTICIPATED_IN", "OCCURRED_IN"}, confidence=0.65,
      examples=[Example("Ilham Aliyev met Nikol Pashinyan in Almaty on 13 May 2024.",
                        ("nikol_pashinyan", "PARTICIPATED_IN", "almaty_talks_2024")),
                Example("Defence Minister Anna Berg called her Finnish counterpart Lars Ekman on 4 March 2024.",
                        ("lars_ekman", "PARTICIPATED_IN", "event_meeting_anna_berg_lars_ekman_2024_03"))],
      counterexamples=[Example("Ilham Aliyev did not meet Nikol Pashinyan in Almaty on 13 May 2024.",
                               ("nikol_pashinyan", "PARTICIPATED_IN", "almaty_talks_2024"))])
def meeting_verb(ctx: DocumentContext, here: Sentence, verb: Any) -> None:
    """`X met Y in Brussels on 26 September`: the lexicon's meeting at that place (and date); the verb's
    subject, object and `with`-phrase took part, and it took place there."""
    if not live_verb(ctx, verb) or verb.lemma_.lower() not in MEETING_VERBS:
        return
    sent = here.sent
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if any(ctx.label(m.entity_id)[0] == EVENT for c in objects for m in entities_of(ctx, c)):
        return  # "hosted the summit": the event is named; the general rules read it
    places = clause_places(ctx, verb)  # "met the secretary X in Brussels": the phrase hangs off the object
    event = lexicon_event(ctx.lexicon, frozenset({"Meeting"}), [p.entity_id for p in places], sent, ctx.published)
    told = ctx.mention_at(verb.i)  # a meeting discovery made of the verb itself ("X called Y on Monday")
    if event is not None:
        anchor = ctx.link(event, verb, verb, f"event-verb:{verb.text}")
    elif told is not None and ctx.label(told.entity_id)[0] == EVENT:
        anchor = told
    else:
        return
    people = actor_subjects(ctx, verb)
    for obj in objects:  # "met the secretary of the Council X": the person, not the body they serve
        named = {m.entity_id: m for t in obj.subtree if (m := ctx.mention_at(t.i)) is not None}
        persons = [m for m in named.values() if ctx.label(m.entity_id)[1] == "Person"]
        people += persons or entities_of(ctx, obj)
    people += [m for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"
               for p in c.children if p.dep_ == "pobj" for m in entities_of(ctx, p)]
    people += _hosts(ctx, verb)
    for p in people:
        if p.entity_id not in {q.entity_id for q in places}:
            ctx.add_fitting("PARTICIPATED_IN", p.entity_id, anchor.entity_id, sent, [p, anchor])
    for place in places:
        ctx.add_fitting("OCCURRED_IN", anchor.entity_id, place.entity_id, sent, [anchor, place])


def _hosts(ctx: DocumentContext, verb: Any) -> list[ResolvedMention]:
    """`at the invitation of X`, `hosted by X`: the host of a meeting takes part in it."""
    hosts: list[ResolvedMention] = []
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in {"at", "with", "on", "upon", "by"}:
            for p in c.children:
                if p.dep_ == "pobj" and p.lemma_.lower() == "invitation":
                    hosts += [m for g in p.children if g.dep_ == "prep" and g.lower_ == "of"
                              for q in g.children if q.dep_ == "pobj" for m in entities_of(ctx, q)]
    return hosts


@rule("rule:acts-on-event", family="events", stage=Stage.EVENT_CLAUSES, order=20, produces={"PARTICIPATED_IN"},
      confidence=0.6,
      examples=[Example("Azerbaijan announced the launch of Operation Revenge.",
                        ("azerbaijan", "PARTICIPATED_IN", "operation_revenge"))],
      counterexamples=[Example("Azerbaijan reported Operation Revenge in detail.",
                               ("azerbaijan", "PARTICIPATED_IN", "operation_revenge"))])
def acts_on_event(ctx: DocumentContext, here: Sentence, verb: Any) -> None:
    """`X held talks with Y`, `X announced the launch of the offensive`, `X began what it called an
    operation`: the subject (and the `with`-side) of a verb whose object is an event take part in it."""
    if not live_verb(ctx, verb):
        return
    sent = here.sent
    lemma = verb.lemma_.lower()
    if lemma in EVALUATIVE_VERBS or predicate_keys(ctx, verb) & STANCE_PREDICATES:
        return
    events: list[ResolvedMention] = []
    for c in verb.children:
        if c.dep_ == "dobj":
            targets = [c]
            # "the launch of the offensive": the event the starting noun is about
            if c.lemma_.lower() in STARTING_NOUNS:
                targets += [p for g in c.children if g.dep_ == "prep" and g.lower_ == "of"
                            for p in g.children if p.dep_ == "pobj"]
            events += [m for t in targets for m in entities_of(ctx, t)]
        elif c.dep_ in {"ccomp", "dobj"} and c.pos_ == "VERB" and any(g.lower_ == "what" for g in c.children):
            # "began what it called an operation"
            events += [m for g in c.children if g.dep_ in {"oprd", "dobj", "attr"}
                       for m in entities_of(ctx, g)]
    events = [e for e in events if ctx.label(e.entity_id)[0] == EVENT]
    if not events or (lemma in ctx.cues.attribution and lemma not in ANNOUNCING):
        return  # "X reported the attack" says nothing of X's part; "X announced its dissolution" does
    sides = actor_subjects(ctx, verb)
    sides += [m for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"
              for p in c.children if p.dep_ == "pobj" for m in entities_of(ctx, p)]
    for a in sides:
        for e in events:
            ctx.add_fitting("PARTICIPATED_IN", a.entity_id, e.entity_id, sent, [a, e])


@rule("rule:force-of-state", family="events", stage=Stage.CLOSING, order=10, produces={"PARTICIPATED_IN"},
      confidence=0.55,
      examples=[Example("During the Four-Day War, Armenian forces repelled attacks near Talish.",
                        ("armenia", "PARTICIPATED_IN", "four_day_war"))],
      counterexamples=[Example("During the Four-Day War, France discussed attacks near Talish.",
                               ("armenia", "PARTICIPATED_IN", "four_day_war"))])
def force_of_state(ctx: DocumentContext) -> None:
    """`Azerbaijani forces fought in the war`: the state a force's name starts with takes part in what
    the force takes part in; its word becomes a mention of the state."""
    for f in list(ctx.facts):
        if f.predicate != "PARTICIPATED_IN" or ctx.kind(f.subject) != "ArmedForce":
            continue
        force = next((a for a in f.anchors if a.entity_id == f.subject and a.explicit), None)
        if force is None:
            continue
        word = ctx.doc[force.token_start]
        if word.lower_ == "the" and force.token_end - force.token_start > 1:
            word = ctx.doc[force.token_start + 1]
        state = ctx.lexicon.adjective_index.get(fold(word.text)) or ctx.lexicon.alias_index.get(fold(word.text))
        if state is None or ctx.lexicon.by_id[state].kind != "State" or state == f.subject:
            continue
        stand_in = _register(ctx, state, [word], "force-of-state")
        ctx.add_fitting("PARTICIPATED_IN", state, f.object, f.sent,
             [stand_in, *(a for a in f.anchors if a.entity_id == f.object)])
