"""How a sentence states the terms of an agreement: which words trigger a provision type, whether the
trigger's clause binds someone, is denied or only hypothetical, how far its own phrase reaches, and which
agreement a sentence that names none is about."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from typing import Any

from ..resolve import ResolvedMention
from .context import DocumentContext
from .toolkit import ROUTE_WORDS, mentions_in, negated
from .vocabulary import AGR

FOCUS_WINDOW = 80  # tokens after an agreement is named during which a term naming none is read as its term
# Verbs with which a text says what an agreement contains.
PROVIDING_VERBS = {
    "provide", "stipulate", "envisage", "include", "require", "oblige", "assign", "authorize", "authorise",
    "establish", "foresee", "specify", "commit", "call", "mandate", "entrust", "allow",
}
# Verbs whose subject binds itself by the act, in any tense ("agreed to withdraw", "pledged not to interfere").
PLEDGE_VERBS = {"agree", "pledge", "undertake", "commit", "promise", "vow", "consent", "accept", "oblige"}
# Auxiliaries that bind the clause they govern ("shall withdraw", "will be returned").
BINDING_MODALS = {"shall", "will", "must", "would", "'ll"}
# Verbs that state a standing duty in the present ("Azerbaijan guarantees"); in the past they report an act.
DUTY_VERBS = {"guarantee", "ensure", "undertake", "pledge", "commit"}
# Nouns that make what hangs from them a commitment ("their commitment to withdraw").
COMMITMENT_NOUNS = {"commitment", "obligation", "pledge", "undertaking", "duty"}
# Nouns that deny what hangs from them ("the refusal to return prisoners").
DENIAL_NOUNS = {"refusal", "failure", "rejection", "reluctance"}
# Nouns that call something a part of an agreement ("unfulfilled elements of the ceasefire", "a breach of").
TERM_NOUNS = {
    "element", "term", "provision", "clause", "point", "article", "paragraph", "condition", "obligation",
    "commitment", "component", "violation", "breach", "implementation",
}
HYPOTHETICAL_MARKS = {"if", "unless", "whether", "lest"}
DEMONSTRATIVES = {"these", "those", "this", "they", "it", "each", "both", "such"}
# "opening of the links", "restore the railway": unblocking with a transport argument.
OPENING_WORDS = {
    "open", "opening", "reopen", "reopening", "unblock", "unblocking", "unblocked", "restore", "restoration",
    "resume", "resumption", "restart",
}
LINK_NOUNS = {
    "communication", "communications", "link", "transport", "road", "railway", "rail", "route", "crossing",
    "channel", "connection", "highway", "traffic", "transit", "infrastructure", "border",
}
CAPTIVE_VERBS = {"exchange", "return", "release", "free", "swap", "repatriate", "hand", "exchanging", "releasing"}
CAPTIVE_NOUNS = {"prisoner", "prisoners", "pow", "pows", "detainee", "captive", "hostage", "body", "remains"}
DISPLACED_WORDS = {"refugee", "refugees", "displaced", "idp", "idps", "expellee", "evacuee"}


class Focus:
    """Agreement mentions of a document in reading order, to find the agreement in focus at a token."""

    def __init__(self, starts: list[int], ids: list[str], dominant: str | None) -> None:
        self.starts, self.ids, self.dominant = starts, ids, dominant

    def at(self, token: int) -> str | None:
        before = bisect_left(self.starts, token)
        if before and token - self.starts[before - 1] <= FOCUS_WINDOW:
            return self.ids[before - 1]
        return self.dominant


def agreement_focus(ctx: DocumentContext) -> Focus:
    """The agreement a sentence that names none is about: the one named just before, else the document's
    most mentioned one."""
    named = sorted((m.token_start, m.entity_id) for m in ctx.res.mentions if ctx.label(m.entity_id)[0] == AGR)
    counts = Counter(eid for _, eid in named)
    return Focus([start for start, _ in named], [eid for _, eid in named],
                 counts.most_common(1)[0][0] if counts else None)


def sentence_frame(ctx: DocumentContext, sent: Any, agreements: list[ResolvedMention]) -> str | None:
    """How a sentence presents a named agreement's content: "term" when it calls something an element
    (or a breach) of the agreement, so that even an unfulfilled term counts; "provided" when it says what
    the agreement provides for, or reads under it; None when it only names the agreement."""
    if not agreements:
        return None
    frame = "provided" if any(t.lemma_.lower() in PROVIDING_VERBS for t in sent) else None
    for m in agreements:
        span = ctx.doc[m.token_start : m.token_end]
        head = span.root  # "the Russian-imposed ceasefire of November 2020" hangs from its noun
        gov = head.head
        if head.dep_ == "pobj" and gov.lower_ == "of" and gov.head.lemma_.lower() in TERM_NOUNS:
            return "term"
        if head.dep_ == "pobj" and gov.lower_ in {"under", "to", "with", "in", "by"}:
            frame = "provided"  # "under the statement", "according to", "in line with", "set out in"
        if any(topic_of(t) == head for t in sent if t.lower_ == "on" and t.dep_ == "prep"):
            frame = "provided"  # "the statement on the ceasefire and the exchange of prisoners"
    return frame


def joined_sentence(ctx: DocumentContext, sent: Any, frame: str | None) -> Any | None:
    """The neighbour a sentence about an agreement refers to by a pronoun: "They include X" after it,
    or, for "These issues remain terms of the agreement", the sentence before that listed them."""
    doc = sent.doc
    if sent.end < len(doc):
        nxt = doc[sent.end].sent
        subj = [t for t in nxt if t.dep_ in {"nsubj", "nsubjpass"} and t.head.lemma_.lower() in PROVIDING_VERBS]
        own = any(ctx.label(m.entity_id)[0] == AGR for m in mentions_in(ctx, nxt))
        if not own and any(t.lower_ in DEMONSTRATIVES for s in subj for t in s.subtree):
            return nxt
    if frame and sent.start > 0:
        subj = [t for t in sent.root.children if t.dep_ in {"nsubj", "nsubjpass"}]
        if any(t.lower_ in DEMONSTRATIVES for s in subj for t in s.subtree):
            return doc[sent.start - 1].sent
    return None


def provision_triggers(ctx: DocumentContext, span: Any, tokens: list[Any], term_frame: bool) -> dict[int, set[str]]:
    """Trigger tokens of a span (whose `tokens` the caller has made) and the provision types each can state.
    A term an agreement's critic calls unfulfilled is still a term; outside such a frame a negated, refused
    or hypothetical ("if X agreed to ...") trigger states none. A word inside the agreement's own name ("the
    ceasefire agreement") is no trigger, unless that ceasefire is said to take effect."""
    triggers: dict[int, set[str]] = {}
    for tok in tokens:
        passive_adjective = tok.pos_ == "ADJ" and any(c.dep_ == "auxpass" for c in tok.children)  # "be unblocked"
        if tok.pos_ in {"VERB", "NOUN", "PROPN"} or passive_adjective:
            keys = ctx.cues.provisions.keys_for(tok) | grammatical_types(tok)
            if keys:
                triggers.setdefault(tok.i, set()).update(keys)
    for offset, hit in ctx.cues.provisions.hits(span.text):
        tok = next((t for t in tokens if t.idx >= span.start_char + offset), None)
        if tok is not None:
            triggers.setdefault(tok.i, set()).add(hit)
    doc = span.doc
    for index in list(triggers):
        tok = doc[index]
        m = ctx.mention_at(index)
        if m is not None and ctx.label(m.entity_id)[0] == AGR:
            triggers[index] &= {"CEASEFIRE"} if takes_effect(tok) else set()
        if hypothetical(tok) or not term_frame and denied(ctx, tok):
            triggers[index] = set()
        types = triggers[index]
        if types & {"EXCHANGE_PRISONERS", "RETURN_DISPLACED"}:
            types -= {"TRANSFER_TERRITORY"}  # returning prisoners or refugees is no transfer of land
        if not triggers[index]:
            del triggers[index]
    if not triggers:
        return {}
    routed = any(t.lemma_.lower() in ROUTE_WORDS for t in tokens) or any(
        ctx.label(m.entity_id)[1] in {"Corridor", "Road"} for m in mentions_in(ctx, tokens)
    )
    all_types = set().union(*triggers.values()) if triggers else set()
    for index in triggers:
        if not routed:  # guarding or guaranteeing passage is about a route
            triggers[index] -= {"SECURE_CORRIDOR", "GUARANTEE_PASSAGE"}
        if "MONITOR_CEASEFIRE" in all_types:  # "to monitor the ceasefire" is not a ceasefire term
            triggers[index] -= {"CEASEFIRE"}
    return {i: t for i, t in triggers.items() if t}


def grammatical_types(tok: Any) -> set[str]:
    """Types a word has only with its argument: opening *links*, releasing *prisoners*, *refugees* returning."""
    lemma = tok.lemma_.lower()
    if lemma not in OPENING_WORDS and lemma not in CAPTIVE_VERBS:
        return set()
    args = [c for c in tok.children if c.dep_ in {"dobj", "nsubjpass"}]
    # "links ... shall be unblocked", parsed with the subject on the passive auxiliary
    args += [c for aux in tok.children if aux.dep_ == "auxpass" for c in aux.children if c.dep_ == "nsubj"]
    args += [p for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children
             if p.dep_ == "pobj"]
    heads = {a.lemma_.lower() for arg in args for a in [arg, *arg.children] if a.dep_ in {
        "dobj", "nsubjpass", "pobj", "compound", "conj", "appos"} or a is arg}
    heads |= {p.lemma_.lower() for arg in args for c in arg.children if c.dep_ == "prep" and c.lower_ == "of"
              for p in c.children if p.dep_ == "pobj"}  # "a number of prisoners"
    found: set[str] = set()
    if lemma in OPENING_WORDS and heads & LINK_NOUNS:
        found.add("UNBLOCK_TRANSPORT")
    if lemma in CAPTIVE_VERBS and heads & CAPTIVE_NOUNS:
        found.add("EXCHANGE_PRISONERS")
    if lemma == "return" and tok.pos_ == "VERB":
        subj = {t.lemma_.lower() for c in tok.children if c.dep_ == "nsubj" for t in c.subtree}
        if subj & DISPLACED_WORDS:
            found.add("RETURN_DISPLACED")
    return found


def takes_effect(tok: Any) -> bool:
    """`The ceasefire took effect / came into force / began / is declared`: a ceasefire stated as done; and
    `the statement on a complete ceasefire`: the ceasefire as what a statement is about."""
    if tok.dep_ == "pobj" and tok.head.lower_ == "on" and topic_of(tok.head) is not None:
        return True
    verb = tok.head
    if tok.dep_ not in {"nsubj", "nsubjpass"} or verb.pos_ not in {"VERB", "AUX"}:
        return False
    if verb.lemma_.lower() in {"begin", "start", "commence", "declare"}:
        return True
    return any(
        c.dep_ == "dobj" and c.lower_ == "effect" and verb.lemma_.lower() == "take"
        or c.dep_ == "prep" and c.lower_ in {"into", "in"}
        and any(p.dep_ == "pobj" and p.lower_ in {"effect", "force"} for p in c.children)
        for c in verb.children
    )


def hypothetical(tok: Any) -> bool:
    """Inside an "if"/"unless"/"whether" clause: a condition, not a term."""
    node = tok
    for _ in range(6):
        if any(c.dep_ == "mark" and c.lower_ in HYPOTHETICAL_MARKS for c in node.children):
            return True
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def denied(ctx: DocumentContext, tok: Any) -> bool:
    """Negated, refused or failed: "did not agree to withdraw", "refused to return", "failure to return"."""
    node = tok
    while node.pos_ not in {"VERB", "AUX"} and node.head.i != node.i:
        if any(c.dep_ == "neg" for c in node.children):
            return True
        node = node.head
    if tok.lower_ == "not":
        node = tok.head.head if tok.head.dep_ in {"xcomp", "advcl"} else tok.head  # "pledges not to interfere"
    if negated(ctx, node) or node.dep_ == "acl" and node.head.lemma_.lower() in DENIAL_NOUNS:
        return True
    for _ in range(3):  # the governing verbs of "agreed to withdraw" carry its negation
        if node.dep_ not in {"xcomp", "conj", "acl", "advcl"} or node.head.i == node.i:
            break
        node = node.head
        if node.lemma_.lower() in ctx.cues.negation_verbs or node.lemma_.lower() in DENIAL_NOUNS or any(
            c.dep_ == "neg" for c in node.children
        ):
            return True
    return False


def obliging(tok: Any, text: str) -> bool:
    """Whether the trigger's own clause binds someone: a modal ("shall", "will"), a pledge ("agreed to",
    "pledges not to", "committed to"), "is to" / "due to", or a duty in the present ("guarantees").
    It climbs only through infinitives and coordination, so the modal of another clause ("With troops
    controlling X, Russia will hold levers") binds nothing here."""
    node = tok
    for _ in range(5):
        while node.pos_ not in {"VERB", "AUX"} and node.head.i != node.i:
            node = node.head  # a nominal trigger binds through the verb its phrase hangs from
            if node.lemma_.lower() in COMMITMENT_NOUNS:
                return True  # "their commitment to the withdrawal"
        lemma = node.lemma_.lower()
        auxes = {c.lower_ for c in node.children if c.dep_ in {"aux", "auxpass"}}
        auxes |= {g.lower_ for c in node.children if c.dep_ == "auxpass" for g in c.children if g.dep_ == "aux"}
        if auxes & BINDING_MODALS:
            return True
        if node is not tok and lemma in PLEDGE_VERBS:
            return True
        if lemma in DUTY_VERBS and node.tag_ in {"VBZ", "VBP"}:
            return True
        infinitive = "to" in auxes
        if node.dep_ == "xcomp" and infinitive and node.head.lemma_.lower() in {"be", "due"}:
            return True  # "the troops are to withdraw", "routes due to reopen"
        # "agreed to withdraw", "stationed there to guard", "shall develop a plan to build"
        climbs = node.dep_ in {"xcomp", "conj"} or node.dep_ in {"advcl", "acl"} and infinitive
        if not climbs or node.head.i == node.i:
            break
        node = node.head
    return bool(re.search(r"\b(is|are) set at\b", text))


def split_by_deadline(
    ptype: str, concerns: list[str], quals: dict[str, Any], deadlines: list[str]
) -> list[tuple[list[str], dict[str, Any]]]:
    """`X and Y shall be returned by 15 and 20 November, respectively`: one transfer per place and date."""
    if ptype != "TRANSFER_TERRITORY" or len(concerns) < 2 or len(deadlines) != len(concerns):
        return [(concerns, dict(quals))]
    return [([place], {**quals, "deadline": when}) for place, when in zip(concerns, deadlines, strict=True)]


def trigger_scope(tok: Any) -> set[int]:
    """Tokens of a trigger's own phrase: its verb's subtree (its head's, for a noun) without the clauses
    coordinated with it, so that in a list of obligations each verb keeps its own places and dates."""
    own = tok.pos_ == "VERB" or tok.head.i == tok.i or tok.dep_ == "conj"  # "X and the return of Y"
    scope = tok if own else tok.head
    inside = {t.i for t in scope.subtree}
    for c in scope.children:
        if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"}:
            inside -= {t.i for t in c.subtree}
    return inside


def topic_of(prep: Any) -> Any | None:
    """The noun an "on" phrase is about: "the statement on X", also when the parser hangs "on X" from the verb
    whose object the noun is ("recalled the statement on X")."""
    if prep.head.pos_ in {"NOUN", "PROPN"}:
        return prep.head
    objects = [c for c in prep.head.children if c.dep_ == "dobj" and c.right_edge.i == prep.i - 1]
    return objects[0] if objects else None
