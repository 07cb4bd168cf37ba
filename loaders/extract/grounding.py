"""From facts to evidence: the quote of the sentence that states a fact, who the text attributes it to, how
sure it sounds; and the merging of one fact stated several times into one relation or provision."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from conflictkg.schema.models import Evidence, Provision, Relation

from ..resolve import ResolvedMention
from .context import DocumentContext, ExtractionInput, Fact, ProvisionFact
from .toolkit import entities_of

VERSION = "0.3"
MAX_QUOTE = 600
MAX_TERM_PARTS = 4  # parties or places one restated term gathers at most
# Types an agreement states once per actor, wherever it applies (one deployment of a force, one ceasefire,
# one reopening of the links in the region).
ONE_PER_ACTOR = {"DEPLOY_FORCES", "WITHDRAW_FORCES", "CEASEFIRE", "MONITOR_CEASEFIRE", "UNBLOCK_TRANSPORT"}


def attribution(ctx: DocumentContext, sent: Any) -> tuple[str | None, float]:
    """Who a sentence reports ("X said", "according to X") and the factor hedges and reporting lower it by;
    read once per sentence, whatever number of facts it states."""
    return ctx.remember("attribution", (sent.start, sent.end), lambda: _attribution(ctx, sent))


def _attribution(ctx: DocumentContext, sent: Any) -> tuple[str | None, float]:
    factor = 1.0
    who: str | None = None
    low = sent.text.lower()
    words = set(low.split())
    if any(h in words for h in ctx.cues.hedges):
        factor *= 0.7
    for tok in sent:
        if tok.lemma_.lower() in ctx.cues.attribution and tok.pos_ == "VERB":
            subj = [m for c in tok.children if c.dep_ == "nsubj" for m in entities_of(ctx, c)]
            if subj:
                who = subj[0].entity_id
                factor *= 0.85
                break
    if who is None and "according to" in low:
        idx = low.index("according to")
        after = [m for m in ctx.res.mentions if m.start >= sent.start_char + idx and m.end <= sent.end_char]
        if after:
            who = after[0].entity_id
            factor *= 0.85
    return who, factor


def evidence(sent: Any, anchors: Iterable[ResolvedMention], inp: ExtractionInput, rule: str,
             confidence: float) -> Evidence | None:
    """The sentence as evidence, quoted from the original text; a long one cut around the fact's mentions."""
    start, end = sent.start_char, sent.end_char
    named = [a for a in anchors if a.explicit]
    if not named:
        antecedents = [a.antecedent for a in anchors if a.antecedent is not None]
        if antecedents:
            start = min(start, min(a.start for a in antecedents))
    text = inp.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > MAX_QUOTE:
        spots = [a for a in anchors] or []
        lo = min((a.start for a in spots), default=start)
        hi = max((a.end for a in spots), default=start + MAX_QUOTE)
        if hi - lo > MAX_QUOTE:
            return None
        pad = (MAX_QUOTE - (hi - lo)) // 2
        start, end = max(start, lo - pad), min(end, hi + pad)
    o_start, o_end = inp.to_original(start, end)
    quote = inp.original_text[o_start:o_end]
    if not quote or len(quote) > MAX_QUOTE:
        return None
    return Evidence(document=inp.document_id, quote=quote, start=o_start, end=o_end,
                    extractor=f"{rule}@{VERSION}", confidence=round(confidence, 3))


def ground_relations(ctx: DocumentContext, facts: list[Fact], inp: ExtractionInput) -> list[Relation]:
    """One relation per (subject, predicate, object), with the evidence of every sentence stating it (from the
    surest rule that read it there)."""
    merged: dict[tuple[str, str, str], Relation] = {}
    for f in facts:
        who, factor = attribution(ctx, f.sent)
        ev = evidence(f.sent, f.anchors, inp, f.rule, f.confidence * factor)
        if ev is None:
            continue
        if who and who not in {f.subject, f.object}:
            ev = ev.model_copy(update={"attributed_to": who})
        key = (f.subject, f.predicate, f.object)
        if key in merged:
            rel = merged[key]
            same = next((n for n, e in enumerate(rel.evidence) if (e.start, e.end) == (ev.start, ev.end)), None)
            if same is None:
                rel.evidence.append(ev)
            elif rel.evidence[same].confidence < ev.confidence:
                rel.evidence[same] = ev  # one sentence, one piece of evidence: the surest rule's
            for k, v in f.qualifiers.items():
                rel.qualifiers.setdefault(k, v)
        else:
            merged[key] = Relation(subject=f.subject, predicate=f.predicate, object=f.object,
                                   qualifiers=dict(f.qualifiers), evidence=[ev])
    return [merged[k] for k in sorted(merged)]


def ground_provisions(ctx: DocumentContext, provs: list[ProvisionFact], inp: ExtractionInput) -> list[Provision]:
    """One term restated in a document (same type and agreement, sharing an obliged actor and a place, or
    only the actor for a force's deployment, withdrawal or ceasefire) is one provision with every statement
    as evidence, its parties and places gathered from all of them."""
    out: list[Provision] = []
    for p in provs:
        who, factor = attribution(ctx, p.sent)
        ev = evidence(p.sent, p.anchors, inp, p.rule, p.confidence * factor)
        if ev is None:
            continue
        if who:
            ev = ev.model_copy(update={"attributed_to": who})
        same = next((q for q in out if q.provision_type == p.provision_type and q.agreement == p.agreement
                     and set(q.obliges) & set(p.obliges)
                     and (p.provision_type in ONE_PER_ACTOR or set(q.concerns) & set(p.concerns))), None)
        if same is None:
            out.append(Provision(provision_type=p.provision_type, agreement=p.agreement, obliges=p.obliges,
                                 concerns=p.concerns, benefits=p.benefits, qualifiers=dict(p.qualifiers),
                                 evidence=[ev]))
            continue
        same.obliges = list(dict.fromkeys(same.obliges + p.obliges))[:MAX_TERM_PARTS]
        same.concerns = list(dict.fromkeys(same.concerns + p.concerns))[:MAX_TERM_PARTS]
        same.benefits = list(dict.fromkeys(same.benefits + p.benefits))
        for k, v in p.qualifiers.items():
            same.qualifiers.setdefault(k, v)
        if all(e.start != ev.start for e in same.evidence):
            same.evidence.append(ev)
    return sorted(out, key=lambda q: q.id)
