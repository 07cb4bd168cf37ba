"""Titles and offices: "Russian President Vladimir Putin", "Hikmat Hajiyev, assistant to the Azerbaijani
president", "the EU's foreign policy chief, Josep Borrell", and the offices the lexicon knows a person
held at the time of the document."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..resolve import ResolvedMention
from .context import DocumentContext, Sentence
from .registry import Example, Stage, rule
from .toolkit import adjective
from .vocabulary import LEADER_TITLES, MEMBER_TITLES, leading_role

OFFICE_PREDICATES = {"LEADS", "MEMBER_OF"}
LEADING_KINDS = {"State", "Polity", "Organization"}


def role_and_body(
    ctx: DocumentContext, m: ResolvedMention, words: list[Any], head_title: str | None = None
) -> tuple[str, ResolvedMention] | None:
    """A title among the words and the body it is a title of (a mention or a state adjective)."""
    text = " ".join(t.lower_ for t in words if t.pos_ in {"PROPN", "NOUN", "ADJ", "ADP"})
    titles = sorted(LEADER_TITLES | MEMBER_TITLES, key=len, reverse=True)
    role = head_title if head_title in MEMBER_TITLES | LEADER_TITLES else None
    role = role or next((t for t in titles if re.search(r"\b" + re.escape(t) + r"\b", text)), None)
    if role is None:
        return None
    for t in reversed(words):
        other = ctx.mention_at(t.i)
        if other is not None and other.entity_id != m.entity_id:
            return role, other
        adj = adjective(ctx, t) if other is None else None
        if adj:
            return role, adj
    return None


def in_office(office: Any, published: date | None) -> bool:
    """Whether a lexicon office was held at the publication date (always, for an undated document)."""
    if published is None:
        return True
    return (office.start is None or office.start <= published) and (office.to is None or published <= office.to)


@rule("rule:title-apposition", family="titles", stage=Stage.NAMES, order=10, produces=OFFICE_PREDICATES,
      confidence=0.85,
      examples=[Example("Russian President Vladimir Putin arrived late.", ("vladimir_putin", "LEADS", "russia"))],
      counterexamples=[Example("Vladimir Putin arrived late.", ("vladimir_putin", "LEADS", "russia"))])
def title_apposition(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """`Russian President Vladimir Putin`, `Hikmat Hajiyev, assistant to the Azerbaijani president`."""
    if not m.explicit or ctx.kind(m.entity_id) != "Person":
        return
    doc, sent = ctx.doc, here.sent
    left: list[Any] = []
    for t in reversed(doc[max(sent.start, m.token_start - 8) : m.token_start]):
        other = ctx.mention_at(t.i)
        if t.text in {",", ";", "(", ")"} or t.pos_ == "CCONJ" or (
            other is not None and ctx.kind(other.entity_id) == "Person"
        ):
            break
        left.insert(0, t)
    found = role_and_body(ctx, m, left)
    if found is None:
        for c in doc[m.token_end - 1].children:
            if c.dep_ == "appos":
                found = role_and_body(ctx, m, list(c.subtree), head_title=c.lower_)
                if found:
                    break
    if found is None:
        return
    role, org = found
    add_office(ctx, m, role, org, sent, [m], qualifiers={"role": role.title()})


def add_office(ctx: DocumentContext, m: ResolvedMention, role: str, body: ResolvedMention, sent: Any,
               anchors: list[ResolvedMention], qualifiers: dict[str, Any] | None = None) -> None:
    """A person's office in a body: LEADS for a leader's title (of a state, polity or organisation only),
    else MEMBER_OF."""
    predicate = "LEADS" if role in LEADER_TITLES else "MEMBER_OF"
    if predicate == "LEADS" and ctx.kind(body.entity_id) not in LEADING_KINDS:
        return
    if ctx.fits(predicate, m.entity_id, body.entity_id):
        ctx.add_fact(predicate, m.entity_id, body.entity_id, sent, anchors, qualifiers=qualifiers)


@rule("lexicon:office", family="titles", stage=Stage.KNOWLEDGE, order=30, produces=OFFICE_PREDICATES,
      confidence=0.55,
      examples=[Example("Nikol Pashinyan addressed Armenia on television.", ("nikol_pashinyan", "LEADS", "armenia"))],
      counterexamples=[Example("Nikol Pashinyan addressed voters on television.",
                               ("nikol_pashinyan", "LEADS", "armenia"))])
def lexicon_office(ctx: DocumentContext, here: Sentence, m: ResolvedMention) -> None:
    """A person the lexicon says held an office in a body at the time, when the sentence names both."""
    lex = ctx.lexicon.by_id.get(m.entity_id)
    for office in lex.leads if lex else []:
        if office.entity in here.named and in_office(office, ctx.published):
            pred = "LEADS" if leading_role(office.role) else "MEMBER_OF"
            ctx.add_fact(pred, m.entity_id, office.entity, here.sent, [m, here.named[office.entity]],
                         qualifiers={"role": office.role})


@rule("rule:title-before-comma", family="titles", stage=Stage.STRUCTURE, order=120, produces=OFFICE_PREDICATES,
      confidence=0.75,
      examples=[Example("Russia's foreign minister, Sergey Lavrov, flew to Baku.",
                        ("sergey_lavrov", "MEMBER_OF", "russia"))],
      counterexamples=[Example("Sergey Lavrov flew to Baku.", ("sergey_lavrov", "MEMBER_OF", "russia"))])
def title_before_comma(ctx: DocumentContext, here: Sentence) -> None:
    """`the EU's foreign policy chief, Josep Borrell`: a title and its body just before a comma and a name."""
    doc, sent = ctx.doc, here.sent
    for m in here.mentions:
        i = m.token_start
        if not m.explicit or ctx.kind(m.entity_id) != "Person" or i - 2 < sent.start:
            continue
        if doc[i - 1].text != "," or doc[i - 2].pos_ != "NOUN":
            continue
        words: list[Any] = []
        for t in reversed(doc[max(sent.start, i - 9) : i - 1]):
            if t.text in {",", ";", "(", ")"} or t.pos_ in {"CCONJ", "VERB"}:
                break
            words.insert(0, t)
        found = role_and_body(ctx, m, words)
        if found is None or words[-1].lower_ not in found[0].split():
            continue
        role, body = found
        add_office(ctx, m, role, body, sent, [m, body])


@rule("rule:title-office", family="titles", stage=Stage.STRUCTURE, order=180, produces=OFFICE_PREDICATES,
      confidence=0.7,
      examples=[Example("Armenia voted in June. Prime Minister Nikol Pashinyan thanked the voters.",
                        ("nikol_pashinyan", "LEADS", "armenia"))],
      counterexamples=[Example("Prime Minister Nikol Pashinyan thanked the voters.",
                               ("nikol_pashinyan", "LEADS", "armenia"))])
def title_office(ctx: DocumentContext, here: Sentence) -> None:
    """`Prime Minister Nikol Pashinyan` with no country named: the title matches the office the lexicon
    knows the person held at the time (the office's body must be named somewhere in the document)."""
    doc, sent = ctx.doc, here.sent
    for m in here.mentions:
        lex = ctx.lexicon.by_id.get(m.entity_id)
        if not m.explicit or lex is None or not lex.leads:
            continue
        left = " ".join(t.lower_ for t in doc[max(sent.start, m.token_start - 4) : m.token_start])
        for office in lex.leads:
            if left.endswith(office.role.lower()) and in_office(office, ctx.published):
                pred = "LEADS" if leading_role(office.role) else "MEMBER_OF"
                if office.entity in ctx.named_entities:
                    ctx.add_fact(pred, m.entity_id, office.entity, sent, [m], qualifiers={"role": office.role})


# Verbs that give their subject the office named after `as` ("will serve as the Head of Mission").
SERVING_VERBS = {"serve", "act", "remain", "continue", "appoint", "name", "nominate", "elect", "install", "confirm"}


@rule("rule:serves-as", family="titles", stage=Stage.STRUCTURE, order=190, produces=OFFICE_PREDICATES,
      confidence=0.7,
      examples=[Example("The Nordic Relief Agency opened an office. Anna Berg will serve as head of the Nordic "
                        "Relief Agency.", ("anna_berg", "LEADS", "nordic_relief_agency")),
                Example("The Danube Monitoring Mission began work on Monday. Lars Ekman was appointed as head of "
                        "mission.", ("lars_ekman", "LEADS", "danube_monitoring_mission"))],
      counterexamples=[Example("The Nordic Relief Agency opened an office. Anna Berg will serve as a volunteer.",
                               ("anna_berg", "LEADS", "nordic_relief_agency"))])
def serves_as(ctx: DocumentContext, here: Sentence) -> None:
    """`X will serve as the Head of Mission`, `X was appointed as chairman of Y`: the office after `as`, of the
    body it names or, for "head of mission" and the like, of the document's body of that sort named last."""
    doc, sent = ctx.doc, here.sent
    for m in here.mentions:
        head = doc[m.token_end - 1]
        verb = head.head
        if not m.explicit or ctx.kind(m.entity_id) != "Person" or head.dep_ not in {"nsubj", "nsubjpass"} \
                or verb.lemma_.lower() not in SERVING_VERBS:
            continue
        for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"):
            for title in (p for p in prep.children if p.dep_ == "pobj"):
                words = list(title.subtree)
                found = role_and_body(ctx, m, words, head_title=title.lower_)
                if found is None:
                    found = _role_of_body_named_before(ctx, m, words, title)
                if found is None:
                    continue
                role, body = found
                add_office(ctx, m, role, body, sent, [m], qualifiers={"role": role.title()})


def _role_of_body_named_before(ctx: DocumentContext, m: ResolvedMention, words: list[Any],
                               title: Any) -> tuple[str, ResolvedMention] | None:
    """`head of mission`: the office of the last body named before whose name holds the noun after `of`."""
    role = title.lower_ if title.lower_ in LEADER_TITLES | MEMBER_TITLES else None
    nouns = [t.lower_ for t in words if t.pos_ in {"NOUN", "PROPN"} and t.i > title.i]
    if role is None or not nouns:
        return None
    for other in sorted(ctx.res.mentions, key=lambda x: -x.token_start):
        if other.token_start >= m.token_start or not other.explicit or other.entity_id == m.entity_id:
            continue
        entity = ctx.res.entities.get(other.entity_id)
        if entity is not None and entity.kind == "Organization" and nouns[-1] in entity.name.lower().split():
            return role, other
    return None
