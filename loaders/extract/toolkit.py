"""Parse helpers every rule family shares, over spaCy tokens and the document context.

Rules ask these, never each other: what entities a phrase stands for (with its conjuncts and appositions),
a verb's subjects and objects (passives, control verbs, relative clauses), whether a verb is negated,
the places and dates of a clause, and adjectives that name an actor. The trigger words, attribution
verbs, hedges and negation cues of the lexicon are read once into `Cues`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .. import resolve
from ..lexicon import Lexicon, fold
from ..mentions import ents_in
from ..resolve import ResolvedMention
from ..timeparse import resolve_date
from .context import DocumentContext
from .vocabulary import ACTOR, LEADER_TITLES, MEMBER_TITLES

# Nouns for people or bodies acting for an actor named beside them.
INSTITUTIONAL_NOUNS = {
    "officials", "official", "leaders", "leader", "leadership", "authorities", "government", "diplomats",
    "representatives", "delegation", "delegations", "side", "military", "negotiators", "envoys", "spokesman",
    "spokesperson", "spokeswoman", "administration", "president", "minister", "ministry",
}
# "assign X to do Y": verbs whose object is the doer of the infinitive.
OBJECT_CONTROL_VERBS = {
    "assign", "task", "order", "authorize", "authorise", "instruct", "ask", "allow", "permit", "mandate", "entrust",
    "charge", "oblige", "require", "urge", "invite", "empower", "direct", "commission", "enable",
}
ARG_PREPS = {"to", "into", "in", "over", "along", "within", "across", "on", "at", "for", "with", "from", "near"}
ADMIN_NOUNS = {
    "district", "districts", "region", "province", "city", "town", "village", "villages", "exclave", "enclave",
    "territory", "republic", "capital", "oblast", "municipality", "county", "area", "center", "centre",
}
DATE_PREPS = {"on", "by", "until", "till", "before", "since", "from", "in"}
PARTITIVE_NOUNS = {
    "part", "portion", "half", "remainder", "rest", "rump", "section", "segment", "share", "third", "fraction",
    "piece", "corner", "edge", "outskirts",
}
# Singular nouns of administrative units ("the province of Syunik" stands for Syunik).
ADMIN_SINGULAR = {
    "district", "region", "province", "city", "town", "village", "exclave", "enclave", "republic", "capital",
    "oblast", "municipality", "county", "settlement", "area", "centre", "center", "port", "rayon", "marz",
}
COPULAS = {"be", "remain", "become", "stay", "seem", "appear"}
ROUTE_WORDS = {
    "corridor", "road", "route", "railway", "rail", "link", "communication", "traffic", "transit", "passage",
    "highway", "movement", "transport", "connection",
}


class Triggers:
    """Lexicon trigger words split into single-lemma and multi-word cues."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.lemma: dict[str, set[str]] = {}
        self.phrases: list[tuple[str, str]] = []
        self.by_phrase: dict[str, set[str]] = {}
        self.phrase_starts: set[str] = set()  # a word no phrase begins with needs no look at its children
        for key, words in table.items():
            for w in words:
                w = w.strip().lower()
                if not w:
                    continue
                if " " in w:
                    self.phrases.append((w, key))
                    self.by_phrase.setdefault(w, set()).add(key)
                    self.phrase_starts.add(w.split()[0])
                else:
                    self.lemma.setdefault(w, set()).add(key)

    def keys_for(self, tok: Any) -> set[str]:
        """Keys a word triggers, alone or as a phrasal verb ("pull out of", "take part in", "hand over")."""
        lemma = tok.lemma_.lower()
        found = set(self.lemma.get(lemma, ())) | set(self.lemma.get(tok.lower_, ()))
        if lemma not in self.phrase_starts:
            return found
        particles = [c.lower_ for c in tok.children if c.dep_ == "prt"]
        preps = [c.lower_ for c in tok.children if c.dep_ == "prep"]
        objects = [c.lower_ for c in tok.children if c.dep_ == "dobj"]
        combos = {f"{lemma} {x}" for x in particles + preps + objects}
        combos |= {f"{lemma} {p} {q}" for p in particles + objects for q in preps}
        for combo in combos:
            found |= self.by_phrase.get(combo, set())
        return found

    def hits(self, text: str) -> list[tuple[int, str]]:
        """(offset, key) of every multi-word trigger found in the text."""
        low = text.lower()
        return [
            (m.start(), key)
            for phrase, key in self.phrases
            if phrase in low  # a cheap test first; the word-boundary regex only where it can match
            for m in re.finditer(r"\b" + re.escape(phrase) + r"\b", low)
        ]


class Cues:
    """The lexicon's words that signal a predicate or provision, reported speech, hedging and negation."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.predicates = Triggers(lexicon.triggers.predicates)
        self.provisions = Triggers(lexicon.triggers.provisions)
        self.attribution = {w.lower() for w in lexicon.triggers.attribution if " " not in w}
        self.hedges = {w.lower() for w in lexicon.triggers.hedges}
        self.negation_verbs = {w.lower() for w in lexicon.triggers.negation} - {"not", "no", "never", "n't"}


def predicate_keys(ctx: DocumentContext, tok: Any) -> frozenset[str]:
    """The predicates a word triggers (`Triggers.keys_for` of the lexicon's predicate cues), once per token."""
    return ctx.remember("predicate-keys", tok.i, lambda: frozenset(ctx.cues.predicates.keys_for(tok)))


# -- what a phrase stands for ---------------------------------------------------------------------------------------
def conjuncts(tok: Any) -> list[Any]:
    """The token and every token coordinated with it ("A, B and C")."""
    seen, stack = [], [tok]
    while stack:
        t = stack.pop()
        if t in seen:
            continue
        seen.append(t)
        stack += [c for c in t.children if c.dep_ == "conj"]
    return seen


def entities_of(ctx: DocumentContext, tok: Any, depth: int = 0) -> list[ResolvedMention]:
    """Mentions a syntactic argument stands for: its own, its conjuncts' and appositions'."""
    out: list[ResolvedMention] = []
    for t in conjuncts(tok):
        m = ctx.mention_at(t.i)
        if m is None and t.lower_ in INSTITUTIONAL_NOUNS:
            m = institution_owner(ctx, t)
        if m is None and t.lemma_.lower() in ADMIN_NOUNS and depth < 1:
            # "Karabakh's administrative centre of Stepanakert" stands for Stepanakert, not its possessor
            named = [x for c in t.children if c.dep_ == "prep" and c.lower_ == "of"
                     for p in c.children if p.dep_ == "pobj" for x in entities_of(ctx, p, depth + 1)]
            if named:
                out += [x for x in named if all(x.entity_id != o.entity_id for o in out)]
                continue
        if m is None:
            for child in t.children:
                if child.dep_ in {"compound", "poss", "nmod", "amod"} and ctx.mention_at(child.i):
                    m = ctx.mention_at(child.i)
                    break
                if child.dep_ == "prep" and child.lower_ == "of" and depth < 1:
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            out += entities_of(ctx, pobj, depth + 1)
        if m is not None and all(m.entity_id != o.entity_id for o in out):
            out.append(m)
        for child in t.children:
            if child.dep_ == "appos" and any(g.dep_ == "case" for g in child.children):
                continue  # "Putin, Azerbaijan's President Aliyev": a possessor, not the same person
            if child.dep_ == "appos" and ctx.mention_at(child.i):
                am = ctx.mention_at(child.i)
                if am and all(am.entity_id != o.entity_id for o in out):
                    out.append(am)
    return out


def pobj_entities(ctx: DocumentContext, prep: Any) -> list[ResolvedMention]:
    """The entities of a preposition's objects."""
    return [m for p in prep.children if p.dep_ == "pobj" for m in entities_of(ctx, p)]


def place_phrase(ctx: DocumentContext, tok: Any) -> list[ResolvedMention]:
    """What a noun phrase stands for; "Armenia's province of Syunik" stands for Syunik, not Armenia."""
    if ctx.mention_at(tok.i) is None and tok.lemma_.lower() in ADMIN_SINGULAR:
        inner = [m for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                 for p in c.children if p.dep_ == "pobj" for m in entities_of(ctx, p)]
        if inner:
            return inner
    return entities_of(ctx, tok)


def title_holder(ctx: DocumentContext, tok: Any) -> list[ResolvedMention]:
    """What a phrase stands for, a title noun standing for the person named after it (`the EU's foreign
    policy chief, Josep Borrell`) and a unit for the place it names."""
    if ctx.mention_at(tok.i) is None and (tok.lower_ in LEADER_TITLES | MEMBER_TITLES or tok.lower_ == "chief"):
        doc = ctx.doc
        nxt = tok.right_edge.i + 1
        if nxt + 1 < len(doc) and doc[nxt].text == ",":
            person = ctx.mention_at(nxt + 1)
            if person is not None and ctx.kind(person.entity_id) == "Person":
                return [person]
    return place_phrase(ctx, tok)


def title_pobj_entities(ctx: DocumentContext, prep: Any) -> list[ResolvedMention]:
    """`title_holder` of each of a preposition's objects."""
    return [m for p in prep.children if p.dep_ == "pobj" for m in title_holder(ctx, p)]


def named_phrase(ctx: DocumentContext, tok: Any) -> list[ResolvedMention]:
    """The entities of a phrase, unless it is a pronoun: "it", "its" are too often resolved wrongly here."""
    return [] if tok.pos_ == "PRON" else entities_of(ctx, tok)


def copula_subjects(ctx: DocumentContext, verb: Any) -> list[ResolvedMention]:
    """The subjects of a copula that is not negated ("X is a town in Y", "X remains B's ally")."""
    if verb.lemma_.lower() not in COPULAS or negated(ctx, verb):
        return []
    return [m for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"} for m in named_phrase(ctx, c)]


def relative_head(tok: Any) -> Any | None:
    """The noun a relative clause or apposition containing `tok` describes ("the Group, whose co-chairs ...")."""
    node = tok
    for _ in range(4):
        if node.dep_ == "appos":
            return node.head
        if node.dep_ == "relcl":
            return node.head
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def institution_owner(ctx: DocumentContext, tok: Any) -> ResolvedMention | None:
    """`Azerbaijani officials`, `officials in Washington`, `the leaders of Armenia` speak for the actor."""
    for c in tok.children:
        if c.dep_ in {"amod", "compound", "poss"}:
            found = ctx.mention_at(c.i) or adjective(ctx, c)
            if found and ctx.label(found.entity_id)[0] == ACTOR:
                return found
        if c.dep_ == "prep" and c.lower_ in {"of", "from", "in"}:
            for p in c.children:
                found = ctx.mention_at(p.i) if p.dep_ == "pobj" else None
                if found and ctx.kind(found.entity_id) in {"State", "Organization", "Polity"}:
                    return found
    return None


def adjective(ctx: DocumentContext, tok: Any) -> ResolvedMention | None:
    """An adjective naming an actor ("Russian", "Azerbaijani"), linked as a mention of it."""
    eid = ctx.lexicon.adjective_index.get(fold(tok.text))
    lex = ctx.lexicon.by_id.get(eid) if eid else None
    if lex is None:
        return None
    return ctx.link(lex, tok, tok, f"adjective:{tok.text}")


def names_state_itself(ctx: DocumentContext, eid: str, toks: list[Any]) -> bool:
    """Whether words name a state as such (its name, a longer form of it, its adjective), not by a
    metonym such as its capital; other actors are always named as such."""
    lex = ctx.lexicon.by_id[eid]
    if lex.kind != "State":
        return True
    words = fold(" ".join(t.text for t in toks))
    return fold(lex.name) in words or words in {fold(a) for a in lex.adjectives}


def mentions_in(ctx: DocumentContext, span: Any) -> list[ResolvedMention]:
    """The mentions a span's tokens belong to, each once, in reading order."""
    out: list[ResolvedMention] = []
    for t in span:
        m = ctx.mention_at(t.i)
        if m is not None and all(m is not o for o in out):
            out.append(m)
    return out


def whole_place(ctx: DocumentContext, m: ResolvedMention, governor: Any) -> bool:
    """Whether the phrase between a governing word and a place names the place itself, not a part of it
    ("the southern part of X", "the rump of X") or a route of it ("X's overland connections")."""
    tok = ctx.doc[m.token_end - 1]
    for _ in range(6):
        if tok.i == governor.i or tok.head.i == tok.i:
            return True
        tok = tok.head
        if tok.i != governor.i and not m.token_start <= tok.i < m.token_end and (
            tok.lemma_.lower() in PARTITIVE_NOUNS or tok.lemma_.lower() in ROUTE_WORDS
        ):
            return False
    return True


# -- verbs and their arguments --------------------------------------------------------------------------------------
def negated(ctx: DocumentContext, verb: Any) -> bool:
    """Negated itself ("did not sign") or governed by a negated or negating verb ("refused to sign")."""
    return ctx.remember("negated", verb.i, lambda: _negated(ctx, verb))


def _negated(ctx: DocumentContext, verb: Any) -> bool:
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    head = verb
    for _ in range(3):
        if head.dep_ in {"xcomp", "ccomp"} and head.head.i != head.i:
            head = head.head
            if head.lemma_.lower() in ctx.cues.negation_verbs or any(c.dep_ == "neg" for c in head.children):
                return True
        else:
            break
    return False


def is_passive(verb: Any) -> bool:
    if any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
        return True
    # "X was mediated by A and signed by B": the second verb shares the passive subject
    return verb.dep_ == "conj" and verb.tag_ == "VBN" and any(c.dep_ == "nsubjpass" for c in verb.head.children)


def subjects(ctx: DocumentContext, verb: Any) -> tuple[list[ResolvedMention], bool]:
    """Grammatical subjects (agents for passives) and whether the verb is passive."""
    passive = is_passive(verb)
    subj: list[ResolvedMention] = []
    for c in verb.children:
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    subj += entities_of(ctx, p)
        elif c.dep_ == "nsubj":
            subj += entities_of(ctx, c)
    if not subj and verb.dep_ in {"xcomp", "advcl"} and verb.head.lemma_.lower() in OBJECT_CONTROL_VERBS:
        # "the statement assigns X to control Y": the object of the governing verb acts
        subj = [m for c in verb.head.children if c.dep_ in {"dobj", "dative"} for m in entities_of(ctx, c)]
    if not subj and verb.dep_ == "acl" and verb.tag_ == "VB":
        # "France's decision to sell arms", "Baku's plan to build a road": the noun's owner acts
        subj = [m for c in verb.head.children if c.dep_ == "poss" and c.pos_ != "PRON" for m in entities_of(ctx, c)]
    if not subj and not passive:
        head = verb
        for _ in range(3):  # "X pledges not to interfere", "X agreed to deploy", coordinated verbs
            if head.dep_ in {"xcomp", "conj", "advcl"} and head.head.i != head.i:
                head = head.head
                found = [m for c in head.children if c.dep_ in {"nsubj", "nsubjpass"} for m in entities_of(ctx, c)]
                if found:
                    subj = found
                    break
            elif head.dep_ in {"acl", "relcl"}:
                if head.dep_ == "relcl" or head.tag_ == "VBG":  # "troops controlling Lachin"
                    subj = entities_of(ctx, head.head)
                break
            else:
                break
    return subj, passive


def objects(ctx: DocumentContext, verb: Any, passive: bool) -> list[ResolvedMention]:
    """A verb's objects: direct, dative, prepositional, a passive's subject, the noun a participle describes."""
    objs: list[ResolvedMention] = []
    if passive and verb.dep_ == "conj" and not any(c.dep_ == "nsubjpass" for c in verb.children):
        objs += [m for c in verb.head.children if c.dep_ == "nsubjpass" for m in entities_of(ctx, c)]
    for c in verb.children:
        if c.dep_ == "dative" and c.pos_ == "ADP":  # "sell arms to Armenia" parsed with a dative "to"
            objs += [m for p in c.children if p.dep_ == "pobj" for m in entities_of(ctx, p)]
        elif c.dep_ in {"dobj", "attr", "oprd", "dative"} or (passive and c.dep_ == "nsubjpass"):
            objs += entities_of(ctx, c)
        elif c.dep_ == "prep" and c.lower_ in ARG_PREPS or c.dep_ == "prt":
            for p in c.children:
                if p.dep_ == "pobj":
                    objs += entities_of(ctx, p)
    if verb.dep_ == "acl" and (passive or verb.tag_ == "VBN"):
        objs += entities_of(ctx, verb.head)  # "an armistice mediated by Russia"
    if verb.dep_ == "advcl" and verb.tag_ == "VBN" and any(c.dep_ == "agent" for c in verb.children):
        # "Mediated by Russia, this armistice changes ...": the participle describes the main subject
        objs += [m for c in verb.head.children if c.dep_ in {"nsubj", "nsubjpass"} for m in entities_of(ctx, c)]
    relative_object = any(c.dep_ == "dobj" and c.tag_ in {"WDT", "WP"} for c in verb.children)
    if verb.dep_ == "relcl" and (passive or relative_object):
        # "districts that Armenian forces had occupied": the noun the clause describes is the object
        objs += entities_of(ctx, verb.head)
    return objs


def live_verb(ctx: DocumentContext, tok: Any) -> bool:
    """A verb (or auxiliary) that is not negated."""
    return tok.pos_ in {"VERB", "AUX"} and not negated(ctx, tok)


def actor_subjects(ctx: DocumentContext, verb: Any) -> list[ResolvedMention]:
    """Active subjects that are actors; "We, the President of X A and the Prime Minister of Y B, held..."
    (the opening of joint statements) stands for the people it lists."""
    subj, passive = subjects(ctx, verb)
    for c in verb.children:
        if c.dep_ == "nsubj" and c.lower_ == "we":
            named = {m.entity_id: m for a in c.children if a.dep_ == "appos" for t in a.subtree
                     if (m := ctx.mention_at(t.i)) is not None}
            subj += [m for m in named.values() if ctx.label(m.entity_id)[1] == "Person"]
    return [] if passive else [m for m in subj if ctx.label(m.entity_id)[0] == ACTOR]


def prep_objects(ctx: DocumentContext, verb: Any) -> list[ResolvedMention]:
    """The entities of a verb's argument prepositions ("deployed to X", "located in Y")."""
    return [
        m for c in verb.children if c.dep_ == "prep" and c.lower_ in ARG_PREPS
        for p in c.children if p.dep_ == "pobj" for m in entities_of(ctx, p)
    ]


# -- places and dates -----------------------------------------------------------------------------------------------
def clause_places(ctx: DocumentContext, verb: Any) -> list[ResolvedMention]:
    """Places a clause's `in`/`at` phrases name, also when they hang from its object."""
    return resolve.clause_places(ctx.res, verb)


def places_after(ctx: DocumentContext, tok: Any) -> list[ResolvedMention]:
    """Places a word's own `in`/`at` phrase names."""
    return resolve.places_after(ctx.res, tok)


def date_of(verb: Any, published: date | None) -> str | None:
    """The ISO date a verb's clause gives ("signed the statement on 9 November"), resolved at `published`."""
    governors = {verb.i, *(x.i for x in verb.children)}
    for c in verb.subtree:  # the date may hang off the object
        if c.dep_ == "pobj" and c.head.lower_ in DATE_PREPS and c.head.head.i in governors:
            when = resolve_date(verb.doc[c.left_edge.i : c.right_edge.i + 1].text, published)
            if when:
                return when
    for c in verb.children:
        if c.dep_ == "prep" and c.lower_ in DATE_PREPS:
            for p in c.children:
                if p.ent_type_ == "DATE":
                    span = verb.doc[p.left_edge.i : p.right_edge.i + 1]
                    return resolve_date(span.text, published)
        if c.dep_ in {"npadvmod", "tmod"} and c.ent_type_ == "DATE":
            return resolve_date(verb.doc[c.left_edge.i : c.right_edge.i + 1].text, published)
    return None


def dated(span: Any, published: date | None) -> list[tuple[int, str]]:
    """(first token, ISO date) of each date of a span in reading order; "November 15 and November 20"
    counts as two."""
    found: list[tuple[int, str]] = []
    for ent in ents_in(span):
        if ent.label_ != "DATE":
            continue
        for phrase in re.split(r"\s*(?:,(?!\s*\d{4}\b)|\band\b|&)\s*", ent.text):  # "May 4, 2023" is one
            iso = resolve_date(phrase, published) if phrase else None
            if iso:
                found.append((ent.start, iso))
    return found
