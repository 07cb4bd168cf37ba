"""Where things are, read off names and short phrases: "Azerbaijan's Lachin district", "the summit in
Sochi", "the Fuzuli-Shusha road", "a road connecting A with B", "the Azerbaijani Defence Ministry", and what
the lexicon knows of places a sentence names together."""

from __future__ import annotations

import re
from typing import Any

from ..lexicon import fold
from ..resolve import ResolvedMention
from .context import DocumentContext, Sentence
from .registry import Example, Stage, rule
from .toolkit import ADMIN_NOUNS, adjective, entities_of, names_state_itself
from .vocabulary import EVENT, TERR

KNOWLEDGE_WINDOW = 15  # tokens between a place and its lexicon container for the sentence to relate them
LINK_VERBS = {"connect", "link", "join", "run", "lead", "pass"}


@rule("rule:state-in-name", family="places", stage=Stage.NAMES, order=20, produces={"PART_OF"}, confidence=0.7,
      examples=[Example("The Russian Border Troops patrolled quietly.",
                        ("russian_border_troops", "PART_OF", "russia"))],
      counterexamples=[Example("The border troops patrolled quietly.", ("russian_border_troops", "PART_OF", "russia")),
                       Example("Students of the Moscow Linguistic University marched.",
                               ("moscow_linguistic_university", "PART_OF", "russia"))])
def state_in_name(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`Russian peacekeepers`, `Azerbaijani Defence Ministry`, `Security Council of Armenia`: a force or body
    of the one state or body its name starts with or ends on; the word becomes a mention of it."""
    if not m.explicit or ctx.kind(m.entity_id) not in {"ArmedForce", "Organization"}:
        return
    if not ctx.well_named(m):
        return  # statistical guesses are too noisy to hang facts on
    found: dict[str, Any] = {}
    for tok in ctx.doc[m.token_start : m.token_end]:
        if tok.i != m.token_start and ctx.doc[tok.i - 1].lower_ != "of":
            continue  # "Azerbaijani ...", "... of Armenia", but not "mission in Armenia"
        key = fold(tok.text)
        eid = ctx.lexicon.adjective_index.get(key) or ctx.lexicon.alias_index.get(key)
        lex = ctx.lexicon.by_id.get(eid) if eid else None
        if lex is not None and not tok.text.isupper() and not names_state_itself(ctx, lex.id, [tok]):
            continue  # "Baku Slavic University": a capital standing in a name places the body, not its owner
        if lex is not None and lex.id != m.entity_id and lex.kind in {"State", "Organization"}:
            found[lex.id] = tok
    if len(found) != 1:
        return
    (owner, tok), = found.items()
    ctx.link(ctx.lexicon.by_id[owner], tok, tok, "name-part")
    ctx.add_fact("PART_OF", m.entity_id, owner, here.sent, [m])


@rule("rule:possessive", family="places", stage=Stage.NAMES, order=30, produces={"PART_OF", "LOCATED_IN"},
      confidence=0.7,
      examples=[Example("Armenia's Tavush province held elections.", ("tavush", "PART_OF", "armenia"))],
      counterexamples=[Example("Tavush province and Armenia held elections.", ("tavush", "PART_OF", "armenia"))])
def possessive(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`Azerbaijan's Lachin district`, `the Azerbaijani exclave of Nakhchivan`: a place of its owner."""
    if not m.explicit or ctx.label(m.entity_id)[0] != TERR:
        return
    owner = _owner(ctx, ctx.doc[m.token_end - 1], m)
    pred = "PART_OF" if owner and ctx.kind(owner.entity_id) == "State" else "LOCATED_IN"
    if owner and ctx.fits(pred, m.entity_id, owner.entity_id):
        ctx.add_fact(pred, m.entity_id, owner.entity_id, here.sent, [m, owner])


def _owner(ctx: DocumentContext, head: Any, m: ResolvedMention) -> ResolvedMention | None:
    for c in head.children:
        if c.dep_ == "poss":
            owner = ctx.mention_at(c.i)
            if owner and ctx.kind(owner.entity_id) == "State":
                return owner
    # "the Azerbaijani district of Lachin" / "Azerbaijan's exclave of Nakhchivan"
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lower_ in ADMIN_NOUNS:
        noun = head.head.head
        for c in noun.children:
            if c.dep_ == "poss" and ctx.mention_at(c.i):
                owner = ctx.mention_at(c.i)
                # "Armenia's province of Syunik", "Karabakh's administrative centre of Stepanakert"
                if owner and (ctx.kind(owner.entity_id) == "State"
                              or ctx.kind(owner.entity_id) in {"Region", "Province", "District"}):
                    return owner
            if c.dep_ == "amod":
                adj = adjective(ctx, c)
                if adj and ctx.kind(adj.entity_id) == "State":
                    return adj
    first = ctx.doc[m.token_start]
    if head.lower_ in ADMIN_NOUNS and first.dep_ in {"amod", "compound"}:
        adj = adjective(ctx, first)
        if adj and adj.entity_id != m.entity_id and ctx.kind(adj.entity_id) == "State":
            return adj
    return None


@rule("rule:prep-in", family="places", stage=Stage.NAMES, order=60, produces={"OCCURRED_IN", "LOCATED_IN"},
      confidence=0.7,
      examples=[Example("The Granada summit in Spain drew many leaders.",
                        ("granada_epc_summit_2023", "OCCURRED_IN", "spain"))],
      counterexamples=[Example("The Granada summit drew many leaders from Spain.",
                               ("granada_epc_summit_2023", "OCCURRED_IN", "spain"))])
def prep_in(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`the summit in Sochi`, `a summit scheduled in X`, `the villages along the border`: an event happens,
    a place lies, where its own preposition (or that of a participle describing it) says."""
    if not m.explicit:
        return
    label = ctx.label(m.entity_id)[0]
    head = ctx.doc[m.token_end - 1]
    preps = [c for c in head.children if c.dep_ == "prep"]
    if label == EVENT:
        preps += [g for c in head.children if c.dep_ == "acl" for g in c.children if g.dep_ == "prep"]
    for child in preps:
        if child.lower_ in {"in", "at", "near", "inside", "on", "along", "across"}:
            for p in child.children:
                if p.dep_ != "pobj":
                    continue
                for place in entities_of(ctx, p):
                    pred = "OCCURRED_IN" if label == EVENT else "LOCATED_IN"
                    if ctx.fits(pred, m.entity_id, place.entity_id):
                        ctx.add_fact(pred, m.entity_id, place.entity_id, here.sent, [m, place])


@rule("rule:place-in-event-name", family="places", stage=Stage.NAMES, order=80,
      produces={"OCCURRED_IN", "PARTICIPATED_IN"}, confidence=0.6,
      examples=[Example("The Khojaly meeting of 2023 lasted two hours.",
                        ("khojaly_meeting_2023", "OCCURRED_IN", "khojaly"))],
      counterexamples=[Example("The meeting of 2023 in the mountains lasted two hours.",
                               ("khojaly_meeting_2023", "OCCURRED_IN", "khojaly"))])
def place_in_event_name(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`the Sochi summit`, `the summit in Tehran`, `the Fuzuli-Shusha road incident`: the place an event's
    name gives (a state only after `in`/`on`/`into`: "the Armenia-Azerbaijan conflict" is not in Armenia, but
    a summit in a state's capital is hosted by it); the place's words become a mention of it."""
    if not m.explicit or ctx.label(m.entity_id)[0] != EVENT:
        return
    # only what the text itself says, not the canonical name
    toks = [t for t in ctx.doc[m.token_start : m.token_end] if fold(t.text)]
    words = [fold(t.text) for t in toks]
    covered: set[int] = set()  # the longest name wins: "lachin road", not also "lachin"
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            if covered & set(range(i, i + size)):
                continue
            key = " ".join(words[i : i + size])
            eid = ctx.lexicon.alias_index.get(key)
            lex = ctx.lexicon.by_id[eid] if eid else ctx.discovered_places.get(key)
            if lex is None or lex.id == m.entity_id:
                continue
            eid = lex.id
            state = lex.kind == "State" and i > 0 and words[i - 1] in {"in", "on", "into"}
            if lex.label != TERR and not state:
                continue
            covered |= set(range(i, i + size))
            if lex.kind == "Border":
                continue
            first, last = toks[i], toks[i + size - 1]
            text = ctx.doc[first.i : last.i + 1].text
            place = ctx.link(lex, first, last, f"event-name-part:{text}")
            ctx.add_fact("OCCURRED_IN", m.entity_id, eid, here.sent, [m, place])
            if state and ctx.kind(m.entity_id) == "Meeting":
                ctx.add_fact("PARTICIPATED_IN", eid, m.entity_id, here.sent, [place, m], confidence=0.55,
                             qualifiers={"role": "host"})
    for c in ctx.doc[m.token_end - 1].children:  # "the Dravinka | offensive": a place named just before the noun
        near = ctx.mention_at(c.i) if c.dep_ in {"compound", "amod"} and c.i < m.token_start else None
        if near is not None and ctx.label(near.entity_id)[0] == TERR and ctx.kind(near.entity_id) != "Border":
            ctx.add_fact("OCCURRED_IN", m.entity_id, near.entity_id, here.sent, [m, near])


def _route_ends(ctx: DocumentContext, m: ResolvedMention) -> tuple[list[ResolvedMention], list[ResolvedMention]]:
    """The places a route's phrase says it links, and those it passes through."""
    targets: list[ResolvedMention] = []
    passes: list[ResolvedMention] = []
    for c in ctx.doc[m.token_end - 1].children:
        if c.dep_ in {"acl", "relcl"} and c.lemma_.lower() in LINK_VERBS:
            for gc in c.children:
                if gc.dep_ in {"dobj", "pobj"}:
                    targets += entities_of(ctx, gc)
                if gc.dep_ == "prep" and gc.lower_ in {"with", "to", "and", "from"}:
                    targets += [x for p in gc.children if p.dep_ == "pobj" for x in entities_of(ctx, p)]
                if gc.dep_ == "prep" and gc.lower_ in {"through", "via", "across"}:
                    passes += [x for p in gc.children if p.dep_ == "pobj" for x in entities_of(ctx, p)]
        if c.dep_ == "prep" and c.lower_ in {"from", "to", "between"}:
            targets += [x for p in c.children if p.dep_ == "pobj" for x in entities_of(ctx, p)]
        if c.dep_ == "prep" and c.lower_ in {"through", "via", "across"}:
            passes += [x for p in c.children if p.dep_ == "pobj" for x in entities_of(ctx, p)]
    return targets, passes


def _is_route(ctx: DocumentContext, m: ResolvedMention) -> bool:
    return m.explicit and ctx.kind(m.entity_id) in {"Corridor", "Road"}


@rule("rule:route-endpoints", family="places", stage=Stage.NAMES, order=90, produces={"CONNECTS"}, confidence=0.75,
      examples=[Example("The new Lachin road from Stepanakert opened in spring.",
                        ("new_lachin_road", "CONNECTS", "stepanakert"))],
      counterexamples=[Example("The new Lachin road opened in spring, long after Stepanakert fell silent.",
                               ("new_lachin_road", "CONNECTS", "stepanakert"))])
def route_endpoints(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`a road connecting A with B`, `the route from A to B`: a route connects the places it links."""
    if _is_route(ctx, m):
        for t in _route_ends(ctx, m)[0]:
            if ctx.fits("CONNECTS", m.entity_id, t.entity_id):
                ctx.add_fact("CONNECTS", m.entity_id, t.entity_id, here.sent, [m, t])


@rule("rule:route-via", family="places", stage=Stage.NAMES, order=100, produces={"LOCATED_IN"}, confidence=0.7,
      examples=[Example("The Middle Corridor through Georgia carries freight.",
                        ("middle_corridor", "LOCATED_IN", "georgia"))],
      counterexamples=[Example("The Middle Corridor carries freight for Georgia.",
                               ("middle_corridor", "LOCATED_IN", "georgia"))])
def route_via(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`the road through X`: a route runs through the places it passes, it does not end there."""
    if _is_route(ctx, m):
        for t in _route_ends(ctx, m)[1]:
            if ctx.fits("LOCATED_IN", m.entity_id, t.entity_id):
                ctx.add_fact("LOCATED_IN", m.entity_id, t.entity_id, here.sent, [m, t])


@rule("rule:route-named-after-ends", family="places", stage=Stage.NAMES, order=110, produces={"CONNECTS"},
      confidence=0.65,
      examples=[Example("Traffic on the Goris-Kapan road slowed in winter.",
                        ("goris_kapan_road", "CONNECTS", "kapan"))],
      counterexamples=[Example("Traffic on the Goris road to Kapan slowed in winter.",
                               ("goris_kapan_road", "CONNECTS", "kapan"))])
def route_named_after_ends(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`the Fuzuli-Shusha road`: a route named after two places connects them (each a mention too)."""
    if not _is_route(ctx, m):
        return
    pieces = [p for p in re.finditer(r"[^-–]+", m.text) if p.group().strip()]
    if len(pieces) < 2:
        return
    for piece in pieces:
        for word in re.finditer(r"[^\W\d_][\w'’]*", piece.group()):
            lex = ctx.lexicon.by_id.get(ctx.lexicon.alias_index.get(fold(word.group()), ""))
            if lex is None or lex.id == m.entity_id or not (lex.label == TERR or lex.kind == "State"):
                continue
            start = m.start + piece.start() + word.start()
            tok = next((t for t in ctx.doc[m.token_start : m.token_end] if t.idx == start), None)
            if tok is None:
                continue
            end = ctx.link(lex, tok, tok, f"route-name-part:{word.group()}", text=word.group())
            ctx.add_fact("CONNECTS", m.entity_id, lex.id, here.sent, [m, end])
            break


# -- what the lexicon knows -----------------------------------------------------------------------------------------
def _near(mentions: list[ResolvedMention], a: str, b: str) -> bool:
    """Whether two entities are named within a clause-sized window of each other: a long sentence that
    merely names a district and, far away, its state says nothing about the one being part of the other."""
    return any(
        max(y.token_start - x.token_end, x.token_start - y.token_end) <= KNOWLEDGE_WINDOW
        for x in mentions if x.entity_id == a for y in mentions if y.entity_id == b
    )


@rule("lexicon:part_of", family="places", stage=Stage.KNOWLEDGE, order=10, produces={"PART_OF", "LOCATED_IN"},
      confidence=0.55,
      examples=[Example("Jermuk, in Vayots Dzor, is a spa town.", ("jermuk", "PART_OF", "vayots_dzor"))],
      counterexamples=[Example("Jermuk is a spa town, unlike the villages of the wider region that lie beyond the long"
                               " and winding mountain passes of Vayots Dzor.",
                               ("jermuk", "PART_OF", "vayots_dzor"))])
def lexicon_part_of(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """A place the lexicon says is part of another, when the sentence names both close together."""
    lex = ctx.lexicon.by_id.get(m.entity_id)
    for parent in lex.part_of if lex else []:
        if parent in here.named and _near(here.mentions, m.entity_id, parent):
            ctx.add_fact("PART_OF", m.entity_id, parent, here.sent, [m, here.named[parent]])


@rule("lexicon:connects", family="places", stage=Stage.KNOWLEDGE, order=20, produces={"CONNECTS"}, confidence=0.55,
      examples=[Example("Engineers surveyed the Zangezur corridor near Nakhchivan.",
                        ("zangezur_corridor", "CONNECTS", "nakhchivan"))],
      counterexamples=[Example("Engineers surveyed the Zangezur corridor.",
                               ("zangezur_corridor", "CONNECTS", "nakhchivan"))])
def lexicon_connects(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """A route the lexicon says ends in a place, when the sentence names both."""
    lex = ctx.lexicon.by_id.get(m.entity_id)
    for end in lex.connects if lex else []:
        if end in here.named:
            ctx.add_fact("CONNECTS", m.entity_id, end, here.sent, [m, here.named[end]])
