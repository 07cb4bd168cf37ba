"""Containment and routes the verb and nominal rules leave out, each read off one construction that states
them without a trigger verb between the two names:

- an enumeration under a collective head ("the districts of A, B and C", "the A and B districts") that
  points back to a collective named earlier in the document;
- containers: "Goris (Syunik)", "the Azerbaijani city of X", "X is a town in Y", "X is recognised as part
  of Y", "Azerbaijan's defence ministry";
- routes: "X is the terminus of the Y road", "A and B are linked by the Y road", "the road passes through X".

A pair is kept only if it fits the predicate's signature, so a wrong guess about an argument's role cannot
produce an ill-typed fact; within a sentence, the first rule of the stage to state a triple keeps it.
"""

from __future__ import annotations

from conflictkg.schema.ontology import ROUTE_KINDS

from ..lexicon import fold
from ..resolve import ResolvedMention
from .context import DocumentContext, Sentence
from .registry import Example, Stage, rule
from .toolkit import (
    ADMIN_SINGULAR,
    adjective,
    copula_subjects,
    entities_of,
    named_phrase,
    negated,
    place_phrase,
    predicate_keys,
    subjects,
    title_pobj_entities,
)

TERMINUS_NOUNS = {"terminus", "endpoint", "end", "destination", "gateway", "start", "origin"}
RANK = {"Settlement": 1, "District": 2, "Exclave": 2, "Province": 3, "Region": 3, "Country": 4, "State": 4}


@rule("rule:collective-head", family="structure", stage=Stage.STRUCTURE, order=10, produces={"PART_OF"}, confidence=0.6,
      examples=[Example("Azerbaijan demanded the seven districts. Its army then entered the districts of Kelbajar and "
                        "Jabrail.",
                        ("kelbajar_district", "PART_OF", "seven_districts"))],
      counterexamples=[Example("Its army then entered the districts of Kelbajar and Jabrail.",
                               ("kelbajar_district", "PART_OF", "seven_districts"))])
def collective_head(ctx: DocumentContext, here: Sentence) -> None:
    """`the districts of A, B and C`, `the A and B districts`: the plural head refers back to a collective
    named earlier ("the seven districts") that the lexicon says the members belong to."""
    mentions = here.mentions
    doc = ctx.doc
    named = ctx.named_entities
    for m in mentions:
        lex = ctx.lexicon.by_id.get(m.entity_id)
        if not m.explicit or lex is None or not lex.part_of:
            continue
        first = doc[m.token_end - 1]
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        if first.dep_ == "pobj" and first.head.lower_ == "of":
            noun = first.head.head
        elif first.dep_ in {"compound", "nmod"}:
            noun = first.head
        else:
            continue
        if noun.tag_ not in {"NNS", "NNPS"} or ctx.mention_at(noun.i) is not None:
            continue
        for parent in lex.part_of:
            plex = ctx.lexicon.by_id.get(parent)
            if plex is None or parent not in named:
                continue
            if any(len(fold(n).split()) > 1 and fold(n).split()[-1] == noun.lower_ for n in plex.names):
                pm = _mention_of(ctx, parent)
                if pm is not None:
                    ctx.add_fitting("PART_OF", m.entity_id, pm.entity_id, here.sent, [m, pm])


def _mention_of(ctx: DocumentContext, eid: str) -> ResolvedMention | None:
    return next((m for m in ctx.res.mentions if m.entity_id == eid and m.explicit), None)


@rule("rule:parenthetical-place", family="structure", stage=Stage.STRUCTURE, order=40,
      produces={"PART_OF", "LOCATED_IN"}, confidence=0.6,
      examples=[Example("Residents of Sisian (Syunik) reported shelling.", ("sisian", "LOCATED_IN", "syunik"))],
      counterexamples=[Example("Residents of Sisian and Syunik reported shelling.",
                               ("sisian", "LOCATED_IN", "syunik"))])
def parenthetical_place(ctx: DocumentContext, here: Sentence) -> None:
    """`Goris (Syunik)`, `the Lachin district (Lachin corridor)`: the smaller unit lies in the larger one."""
    mentions = here.mentions
    doc = ctx.doc
    by_start = {m.token_start: m for m in mentions}
    for a in mentions:
        if not a.explicit or ctx.label(a.entity_id)[0] != "Territory" and ctx.kind(a.entity_id) != "State":
            continue
        if a.token_end + 1 >= len(doc) or doc[a.token_end].text != "(":
            continue
        b = by_start.get(a.token_end + 1)
        if b is None or b.token_end >= len(doc) or doc[b.token_end].text != ")":
            continue
        ka, kb = ctx.kind(a.entity_id), ctx.kind(b.entity_id)
        ra, rb = (0 if k in ROUTE_KINDS else RANK.get(k) for k in (ka, kb))
        if ra is None or rb is None or ra == rb:
            continue
        inner, outer = (a, b) if ra < rb else (b, a)
        pred = "PART_OF" if ctx.kind(outer.entity_id) == "State" else "LOCATED_IN"
        ctx.add_fitting(pred, inner.entity_id, outer.entity_id, here.sent, [inner, outer])


@rule("rule:admin-of-owner", family="structure", stage=Stage.STRUCTURE, order=50,
      produces={"PART_OF", "LOCATED_IN"}, confidence=0.7,
      examples=[Example("Shells fell on the Azerbaijani district of Tovuz.",
                        ("tovuz_district", "PART_OF", "azerbaijan"))],
      counterexamples=[Example("Shells fell on Tovuz and other Azerbaijani districts.",
                               ("tovuz_district", "PART_OF", "azerbaijan"))])
def admin_of_owner(ctx: DocumentContext, here: Sentence) -> None:
    """`the Azerbaijani city of X`, `Armenia's southernmost province of X`, read off the words themselves
    (the parser often attaches "of X" wrongly after a nationality adjective)."""
    sent = here.sent
    mentions = here.mentions
    doc = ctx.doc
    for m in mentions:
        i = m.token_start
        if not m.explicit or i - 2 < sent.start or ctx.label(m.entity_id)[0] != "Territory":
            continue
        if doc[i - 1].lower_ != "of" or doc[i - 2].lemma_.lower() not in ADMIN_SINGULAR:
            continue
        for j in range(i - 3, max(sent.start, i - 7) - 1, -1):
            t = doc[j]
            if t.tag_ == "POS" and j - 1 >= sent.start:
                owner = ctx.mention_at(j - 1)
                if owner is not None and ctx.kind(owner.entity_id) in {"State", "Region", "Province"}:
                    pred = "PART_OF" if ctx.kind(owner.entity_id) == "State" else "LOCATED_IN"
                    ctx.add_fitting(pred, m.entity_id, owner.entity_id, here.sent, [m, owner])
                break
            if t.pos_ in {"ADJ", "PROPN", "NOUN", "ADV"}:
                adj = adjective(ctx, t) if ctx.mention_at(t.i) is None else None
                if adj is not None:
                    if ctx.kind(adj.entity_id) == "State":
                        ctx.add_fitting("PART_OF", m.entity_id, adj.entity_id, here.sent, [m, adj])
                    break
                continue
            break


@rule("rule:route-terminus", family="structure", stage=Stage.STRUCTURE, order=60, produces={"CONNECTS"}, confidence=0.7,
      examples=[Example("Meghri is the gateway of the Zangezur corridor.",
                        ("zangezur_corridor", "CONNECTS", "meghri"))],
      counterexamples=[Example("Meghri is not far from the Zangezur corridor.",
                               ("zangezur_corridor", "CONNECTS", "meghri"))])
def route_terminus(ctx: DocumentContext, here: Sentence) -> None:
    """`X is the terminus of the Y road`: a route connects the place it ends in."""
    for tok in here.tokens:
        if tok.dep_ != "attr" or tok.lemma_.lower() not in TERMINUS_NOUNS:
            continue
        ends = copula_subjects(ctx, tok.head)
        routes = [m for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                  for m in title_pobj_entities(ctx, c) if ctx.kind(m.entity_id) in {"Corridor", "Road"}]
        for r in routes:
            for e in ends:
                ctx.add_fitting("CONNECTS", r.entity_id, e.entity_id, here.sent, [r, e])


@rule("rule:classified-place", family="structure", stage=Stage.STRUCTURE, order=130,
      produces={"PART_OF", "LOCATED_IN"}, confidence=0.7,
      examples=[Example("Kapan is a town in Syunik.", ("kapan", "LOCATED_IN", "syunik"))],
      counterexamples=[Example("Kapan is not a town in Syunik.", ("kapan", "LOCATED_IN", "syunik"))])
def classified_place(ctx: DocumentContext, here: Sentence) -> None:
    """`X is a town in Y`, `X, the capital of Y`, `X is part of Y`, `X is recognised as part of Y`:
    a place classed as a unit of (or a part of) another place."""
    for tok in here.tokens:
        lemma = tok.lemma_.lower()
        if tok.pos_ != "NOUN" or ctx.mention_at(tok.i) is not None:
            continue
        if lemma not in ADMIN_SINGULAR and lemma not in {"part", "exclave", "enclave", "territory", "capital"}:
            continue
        preps = {"of"} if lemma == "part" else {"of", "in", "within", "inside"}
        outer = [m for c in tok.children if c.dep_ == "prep" and c.lower_ in preps for m in title_pobj_entities(ctx, c)]
        if not outer:
            continue
        inner: list[ResolvedMention] = []
        if tok.dep_ == "attr":
            inner = copula_subjects(ctx, tok.head)
        elif tok.dep_ == "appos":
            inner = named_phrase(ctx, tok.head)
        elif tok.dep_ == "pobj" and tok.head.lower_ == "as" and not negated(ctx, tok.head.head):
            verb = tok.head.head  # "X is recognised as part of Y", "they regard X as part of Y"
            if verb.lemma_.lower() in {"recognise", "recognize", "regard", "consider", "see", "view", "treat"}:
                passive = any(c.dep_ == "nsubjpass" for c in verb.children)
                deps = {"nsubjpass"} if passive else {"dobj"}
                inner = [m for c in verb.children if c.dep_ in deps for m in named_phrase(ctx, c)]
        for a in inner:
            if ctx.label(a.entity_id)[0] != "Territory":
                continue
            for b in outer:
                ra, rb = (RANK.get(ctx.kind(x.entity_id)) for x in (a, b))
                if ra is not None and rb is not None and ra >= rb:
                    continue  # "Karabakh - the city of Khankendi": the "of" names the city, it does not contain
                pred = "PART_OF" if ctx.kind(b.entity_id) == "State" or lemma == "part" else "LOCATED_IN"
                ctx.add_fitting(pred, a.entity_id, b.entity_id, here.sent, [a, b])


@rule("rule:route-passive", family="structure", stage=Stage.STRUCTURE, order=140, produces={"CONNECTS"}, confidence=0.7,
      examples=[Example("Iran and Armenia are linked by the North-South Transport Corridor.",
                        ("north_south_transport_corridor", "CONNECTS", "iran"))],
      counterexamples=[Example("Iran and Armenia are not linked by the North-South Transport Corridor.",
                               ("north_south_transport_corridor", "CONNECTS", "iran"))])
def route_passive(ctx: DocumentContext, here: Sentence) -> None:
    """`A and B are linked by the Lachin corridor`: the agent of a passive link verb is the route."""
    for tok in here.tokens:
        if tok.lemma_.lower() not in {"connect", "link", "join"} or negated(ctx, tok):
            continue
        routes = [m for c in tok.children if c.dep_ == "agent" for m in title_pobj_entities(ctx, c)
                  if ctx.kind(m.entity_id) in {"Corridor", "Road"}]
        if not routes:
            continue
        ends = [m for c in tok.children if c.dep_ == "nsubjpass" for m in entities_of(ctx, c)]
        ends += [m for c in tok.children if c.dep_ == "prep" and c.lower_ in {"to", "with"}
                 for m in title_pobj_entities(ctx, c)]
        for r in routes:
            for e in ends:
                ctx.add_fitting("CONNECTS", r.entity_id, e.entity_id, here.sent, [r, e])


@rule("rule:route-through", family="structure", stage=Stage.STRUCTURE, order=150,
      produces={"LOCATED_IN"}, confidence=0.7,
      examples=[Example("The Middle Corridor runs through Kazakhstan.",
                        ("middle_corridor", "LOCATED_IN", "kazakhstan"))],
      counterexamples=[Example("The Middle Corridor does not run through Kazakhstan.",
                               ("middle_corridor", "LOCATED_IN", "kazakhstan"))])
def route_through(ctx: DocumentContext, here: Sentence) -> None:
    """`The road passes through X`, `the corridor would run via X`: a route lies in the places it crosses."""
    for tok in here.tokens:
        if tok.pos_ != "VERB" or not any(c.dep_ in {"prep", "dobj"} for c in tok.children):
            continue
        if negated(ctx, tok) or "LOCATED_IN" not in predicate_keys(ctx, tok):
            continue
        routes = [m for m in subjects(ctx, tok)[0] if ctx.kind(m.entity_id) in {"Corridor", "Road"}]
        places = [m for c in tok.children if c.dep_ == "prep" and c.lower_ in {"through", "via", "across"}
                  for m in title_pobj_entities(ctx, c)]
        places += [m for c in tok.children if c.dep_ == "dobj" for m in place_phrase(ctx, c)]
        for r in routes:
            for p in places:
                ctx.add_fitting("LOCATED_IN", r.entity_id, p.entity_id, here.sent, [r, p])


@rule("rule:possessed-body", family="structure", stage=Stage.STRUCTURE, order=170,
      produces={"PART_OF"}, confidence=0.65,
      examples=[Example("Russia's FSB denied it.", ("fsb", "PART_OF", "russia"))],
      counterexamples=[Example("The FSB denied it.", ("fsb", "PART_OF", "russia"))])
def possessed_body(ctx: DocumentContext, here: Sentence) -> None:
    """`Azerbaijan's defence ministry`, `the OSCE's (...) Minsk Group`: a body or force a state or organisation
    owns is part of it."""
    mentions = here.mentions
    doc = ctx.doc
    for m in mentions:
        if not m.explicit or ctx.kind(m.entity_id) not in {"Organization", "ArmedForce"}:
            continue
        owners = [o for c in doc[m.token_end - 1].children if c.dep_ == "poss"
                  if (o := ctx.mention_at(c.i)) is not None]
        i = m.token_start - 1
        if i >= 0 and doc[i].text == ")":  # "Europe's (OSCE) Minsk Group": skip the parenthesis
            i = next((j for j in range(i - 1, max(i - 5, -1), -1) if doc[j].text == "("), 0) - 1
        owner = ctx.mention_at(i - 1) if i >= 1 and doc[i].tag_ == "POS" else None
        if owner is not None:
            owners.append(owner)
        for o in owners:
            if o.entity_id != m.entity_id and ctx.kind(o.entity_id) in {"State", "Organization"}:
                ctx.add_fitting("PART_OF", m.entity_id, o.entity_id, here.sent, [m, o])
