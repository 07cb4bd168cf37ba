"""Structural and stance relations the verb and nominal rules of `extract.py` leave out.

Each rule reads one grammatical construction that states containment, membership,
deployment or a stance without a trigger verb between the two names:

- an enumeration under a collective head ("the districts of A, B and C", "the A and B
  districts") that points back to a collective named earlier in the document;
- member nouns ("whose co-chairs (A, B, C)", "A, a member of B", "B's members A and B");
- leaving an organisation ("A pulled out of B", "A's withdrawal from B": A was a member);
- containers: "Goris (Syunik)", "the Azerbaijani city of X", "X is a town in Y", "X is
  recognised as part of Y", "Azerbaijan's defence ministry", names such as "the villages in X";
- routes: "X is the terminus of the Y road", "A and B are linked by the Y road", "the road
  passes through X", "the route through X";
- stances: "A remains B's closest ally", "A, a patron of B", "pro-A groups", "hostile
  statements aimed at B", "A's criticism of B", "A imposed sanctions on B", "A's claim to X";
- deployments: "the town where the troops were stationed", "forces based in X", a force
  named after where it is ("Russian forces in Armenia"), a sent force leaving X;
- titles: "the EU's foreign policy chief, Josep Borrell", and "Prime Minister X" read
  against the office the lexicon knows X held at the time.

The rules keep a pair only if it fits the predicate's signature (`_fits`), so a
wrong guess about an argument's role cannot produce an ill-typed fact.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from .facts import LEADER_TITLES, MEMBER_TITLES, Fact, leading_role
from .lexicon import fold
from .resolve import ResolvedMention

if TYPE_CHECKING:
    from .extract import RelationExtractor
    from .resolve import Resolved

Hit = tuple[str, ResolvedMention, ResolvedMention, str, float]

COPULAS = {"be", "remain", "become", "stay", "seem", "appear"}
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
ADMIN_SINGULAR = {
    "district", "region", "province", "city", "town", "village", "exclave", "enclave", "republic", "capital",
    "oblast", "municipality", "county", "settlement", "area", "centre", "center", "port", "rayon", "marz",
}
TERMINUS_NOUNS = {"terminus", "endpoint", "end", "destination", "gateway", "start", "origin"}
RANK = {"Settlement": 1, "District": 2, "Exclave": 2, "Province": 3, "Region": 3, "Country": 4, "State": 4}
ROUTE_KINDS = {"Corridor", "Road", "Border"}
DEPLOYED_WORDS = {"mission", "contingent", "base", "border", "garrison"}
PLACE_PREPS = {"in", "to", "into", "along", "within", "across", "near", "at", "on", "inside"}


def structure_facts(
    ex: RelationExtractor, res: Resolved, sent: Any, mentions: list[ResolvedMention], published: date | None
) -> list[Fact]:
    """All facts of this module for one sentence."""
    hits: list[Hit] = []
    hits += _collective_head(ex, res, mentions)
    hits += _member_nouns(ex, res, sent)
    hits += _member_exit(ex, res, sent)
    hits += _parenthetical_place(ex, res, mentions)
    hits += _admin_of_owner(ex, res, sent, mentions)
    hits += _route_terminus(ex, res, sent)
    hits += _stance_nouns(ex, res, sent)
    hits += _stance_prefix(ex, res, mentions)
    hits += _stance_acts(ex, res, sent)
    hits += _deployed(ex, res, sent)
    hits += _place_in_force_name(ex, res, mentions)
    hits += _title_before_comma(ex, res, sent, mentions)
    hits += _classified_place(ex, res, sent)
    hits += _route_passive(ex, res, sent)
    hits += _route_through(ex, res, sent)
    hits += _withdrawn_from(ex, res, sent)
    hits += _possessed_body(ex, res, mentions)
    facts = []
    seen: set[tuple[str, str, str]] = set()
    for pred, s, o, rule, conf in hits:
        key = (pred, s.entity_id, o.entity_id)
        if key in seen or not ex._fits(res, pred, s.entity_id, o.entity_id):
            continue
        seen.add(key)
        facts.append(Fact(pred, s.entity_id, o.entity_id, rule, conf, sent, [s, o]))
    for m, office in _office_titles(ex, res, sent, mentions, published):
        pred = "LEADS" if leading_role(office.role) else "MEMBER_OF"
        if (pred, m.entity_id, office.entity) not in seen and office.entity in _doc_entities(res):
            seen.add((pred, m.entity_id, office.entity))
            facts.append(Fact(pred, m.entity_id, office.entity, "rule:title-office", 0.7, sent, [m],
                              {"role": office.role}))
    return facts


# -- helpers ---------------------------------------------------------------------
def _doc_entities(res: Resolved) -> set[str]:
    """Entities named anywhere in the document (computed once per document, kept on the document)."""
    cached: set[str] | None = res.__dict__.get("_named_entities")
    if cached is None:
        cached = {m.entity_id for m in res.mentions if m.explicit}
        res.__dict__["_named_entities"] = cached
    return cached


def _kind(ex: RelationExtractor, res: Resolved, eid: str) -> str:
    return ex._label(res, eid)[1]


def _place_phrase(ex: RelationExtractor, res: Resolved, tok: Any) -> list[ResolvedMention]:
    """What a noun phrase stands for; "Armenia's province of Syunik" stands for Syunik, not Armenia."""
    if res.mention_at(tok.i) is None and tok.lemma_.lower() in ADMIN_SINGULAR:
        inner = [m for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                 for p in c.children if p.dep_ == "pobj" for m in ex._entities_of(res, p)]
        if inner:
            return inner
    return ex._entities_of(res, tok)


def _pobj_entities(ex: RelationExtractor, res: Resolved, prep: Any) -> list[ResolvedMention]:
    return [m for p in prep.children if p.dep_ == "pobj" for m in _holder_of_title(ex, res, p)]


def _holder_of_title(ex: RelationExtractor, res: Resolved, tok: Any) -> list[ResolvedMention]:
    """`the EU's foreign policy chief, Josep Borrell`: a title noun stands for the person named after it."""
    if res.mention_at(tok.i) is None and (tok.lower_ in LEADER_TITLES | MEMBER_TITLES or tok.lower_ == "chief"):
        doc = res.doc
        nxt = tok.right_edge.i + 1
        if nxt + 1 < len(doc) and doc[nxt].text == ",":
            person = res.mention_at(nxt + 1)
            if person is not None and _kind(ex, res, person.entity_id) == "Person":
                return [person]
    return _place_phrase(ex, res, tok)


def _named(ex: RelationExtractor, res: Resolved, tok: Any) -> list[ResolvedMention]:
    """The entities of a phrase, unless it is a pronoun: "it", "its" are too often resolved wrongly here."""
    return [] if tok.pos_ == "PRON" else ex._entities_of(res, tok)


def _copula_subjects(ex: RelationExtractor, res: Resolved, verb: Any) -> list[ResolvedMention]:
    if verb.lemma_.lower() not in COPULAS or ex._negated(verb):
        return []
    return [m for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"} for m in _named(ex, res, c)]


def _relative_head(tok: Any) -> Any | None:
    """The noun a relative clause containing `tok` describes ("the Group, whose co-chairs ...")."""
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


# -- containment -----------------------------------------------------------------
def _collective_head(ex: RelationExtractor, res: Resolved, mentions: list[ResolvedMention]) -> Iterator[Hit]:
    """`the districts of A, B and C`, `the A and B districts`: the plural head refers back to a collective
    named earlier ("the seven districts") that the lexicon says the members belong to."""
    doc = res.doc
    named = _doc_entities(res)
    for m in mentions:
        lex = ex.lexicon.by_id.get(m.entity_id)
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
        if noun.tag_ not in {"NNS", "NNPS"} or res.mention_at(noun.i) is not None:
            continue
        for parent in lex.part_of:
            plex = ex.lexicon.by_id.get(parent)
            if plex is None or parent not in named:
                continue
            if any(len(fold(n).split()) > 1 and fold(n).split()[-1] == noun.lower_ for n in plex.names):
                pm = _mention_of(res, parent)
                if pm is not None:
                    yield "PART_OF", m, pm, "rule:collective-head", 0.6


def _mention_of(res: Resolved, eid: str) -> ResolvedMention | None:
    return next((m for m in res.mentions if m.entity_id == eid and m.explicit), None)


def _parenthetical_place(ex: RelationExtractor, res: Resolved, mentions: list[ResolvedMention]) -> Iterator[Hit]:
    """`Goris (Syunik)`, `the Lachin district (Lachin corridor)`: the smaller unit lies in the larger one."""
    doc = res.doc
    by_start = {m.token_start: m for m in mentions}
    for a in mentions:
        if not a.explicit or ex._label(res, a.entity_id)[0] != "Territory" and _kind(ex, res, a.entity_id) != "State":
            continue
        if a.token_end + 1 >= len(doc) or doc[a.token_end].text != "(":
            continue
        b = by_start.get(a.token_end + 1)
        if b is None or b.token_end >= len(doc) or doc[b.token_end].text != ")":
            continue
        ka, kb = _kind(ex, res, a.entity_id), _kind(ex, res, b.entity_id)
        ra, rb = (0 if k in ROUTE_KINDS else RANK.get(k) for k in (ka, kb))
        if ra is None or rb is None or ra == rb:
            continue
        inner, outer = (a, b) if ra < rb else (b, a)
        pred = "PART_OF" if _kind(ex, res, outer.entity_id) == "State" else "LOCATED_IN"
        yield pred, inner, outer, "rule:parenthetical-place", 0.6


def _admin_of_owner(
    ex: RelationExtractor, res: Resolved, sent: Any, mentions: list[ResolvedMention]
) -> Iterator[Hit]:
    """`the Azerbaijani city of X`, `Armenia's southernmost province of X`, read off the words themselves
    (the parser often attaches "of X" wrongly after a nationality adjective)."""
    doc = res.doc
    for m in mentions:
        i = m.token_start
        if not m.explicit or i - 2 < sent.start or ex._label(res, m.entity_id)[0] != "Territory":
            continue
        if doc[i - 1].lower_ != "of" or doc[i - 2].lemma_.lower() not in ADMIN_SINGULAR:
            continue
        for j in range(i - 3, max(sent.start, i - 7) - 1, -1):
            t = doc[j]
            if t.tag_ == "POS" and j - 1 >= sent.start:
                owner = res.mention_at(j - 1)
                if owner is not None and _kind(ex, res, owner.entity_id) in {"State", "Region", "Province"}:
                    pred = "PART_OF" if _kind(ex, res, owner.entity_id) == "State" else "LOCATED_IN"
                    yield pred, m, owner, "rule:admin-of-owner", 0.7
                break
            if t.pos_ in {"ADJ", "PROPN", "NOUN", "ADV"}:
                adj = ex._adjective(res, t) if res.mention_at(t.i) is None else None
                if adj is not None:
                    if _kind(ex, res, adj.entity_id) == "State":
                        yield "PART_OF", m, adj, "rule:admin-of-owner", 0.7
                    break
                continue
            break


def _route_terminus(ex: RelationExtractor, res: Resolved, sent: Any) -> Iterator[Hit]:
    """`X is the terminus of the Y road`: a route connects the place it ends in."""
    for tok in sent:
        if tok.dep_ != "attr" or tok.lemma_.lower() not in TERMINUS_NOUNS:
            continue
        ends = _copula_subjects(ex, res, tok.head)
        routes = [m for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                  for m in _pobj_entities(ex, res, c) if _kind(ex, res, m.entity_id) in {"Corridor", "Road"}]
        for r in routes:
            for e in ends:
                yield "CONNECTS", r, e, "rule:route-terminus", 0.7


# -- membership ------------------------------------------------------------------
def _is_member_noun(tok: Any) -> bool:
    if tok.pos_ not in {"NOUN", "PROPN"}:
        return False
    if tok.lemma_.lower() in MEMBER_NOUNS or tok.lower_ in {"members", "co-chairs", "participants"}:
        return True
    return tok.lemma_.lower() in {"country", "state", "nation"} and any(
        c.dep_ in {"amod", "compound"} and c.lower_ in MEMBER_MARKS for c in tok.children
    )


def _member_nouns(ex: RelationExtractor, res: Resolved, sent: Any) -> Iterator[Hit]:
    """`the Group, whose three co-chairing countries (A, B, C)`, `A, a member of B`, `A is one of B's members`,
    `B's members A and C`, `the co-chairs of B, A and C`."""
    for tok in sent:
        if not _is_member_noun(tok) or res.mention_at(tok.i) is not None:
            continue
        orgs: list[ResolvedMention] = []
        relative = False
        for c in tok.children:
            if c.dep_ == "poss":
                if c.lower_ == "whose":
                    head = _relative_head(tok)
                    orgs += ex._entities_of(res, head) if head is not None else []
                    relative = True
                else:
                    orgs += ex._entities_of(res, c)
            elif c.dep_ == "prep" and c.lower_ in {"of", "in"}:
                orgs += [m for p in c.children if p.dep_ == "pobj" for m in ex._entities_of(res, p)]
            elif c.dep_ == "compound" and (named := res.mention_at(c.i)) is not None:
                orgs.append(named)
        members: list[ResolvedMention] = []
        for c in tok.children:
            if c.dep_ == "appos":
                members += ex._entities_of(res, c)
            elif c.dep_ == "prep" and c.lower_ in {"including", "like", "as"}:
                members += [m for p in c.children if p.dep_ == "pobj" for m in ex._entities_of(res, p)]
        holder = tok
        if tok.head.lower_ == "of" and tok.head.head.lower_ in {"one", "two", "three", "four", "five", "among"}:
            holder = tok.head.head  # "X is one of the members of B"
        if holder.dep_ == "appos" and not relative:
            members += ex._entities_of(res, holder.head)
        elif holder.dep_ == "attr":
            members += _copula_subjects(ex, res, holder.head)
            verb = holder.head
            if not orgs and verb.dep_ == "relcl" and any(c.lower_ == "where" for c in verb.children):
                orgs += ex._entities_of(res, verb.head)  # "the Council, where it is one of five members"
        elif holder.dep_ == "pobj" and holder.head.lower_ == "among":
            verb = holder.head.head
            members += _copula_subjects(ex, res, verb)
        for org in orgs:
            if _kind(ex, res, org.entity_id) not in {"Organization", "ArmedForce"}:
                continue
            for mem in members:
                if mem.entity_id != org.entity_id:
                    yield "MEMBER_OF", mem, org, "rule:member-noun", 0.7


def _member_exit(ex: RelationExtractor, res: Resolved, sent: Any) -> Iterator[Hit]:
    """`A pulled out of B`, `A left B`, `A's withdrawal from B`, `A's membership in B`: A is (or was) in B."""
    for tok in sent:
        lemma = tok.lemma_.lower()
        orgs: list[ResolvedMention] = []
        actors: list[ResolvedMention] = []
        if tok.pos_ == "VERB" and lemma in EXIT_VERBS and not ex._negated(tok):
            preps = [c for c in tok.children if c.dep_ in {"prep", "prt"}]
            preps += [g for c in preps for g in c.children if g.dep_ == "prep"]  # "pull out of"
            if lemma in {"leave", "quit", "exit"}:
                orgs += [m for c in tok.children if c.dep_ == "dobj" for m in ex._entities_of(res, c)]
            if lemma in {"withdraw", "pull", "walk", "exit"}:
                orgs += [m for c in preps if c.lower_ in {"from", "of"} for m in _pobj_entities(ex, res, c)]
            if lemma in {"suspend", "freeze"}:
                objs = [c for c in tok.children if c.dep_ == "dobj" and c.lemma_.lower() in EXIT_NOUNS]
                orgs += [m for o in objs for c in o.children if c.dep_ == "prep" and c.lower_ in {"in", "of"}
                         for m in _pobj_entities(ex, res, c)]
            if orgs:
                actors, _ = ex._subjects(res, tok)
        elif tok.pos_ == "NOUN" and lemma in EXIT_NOUNS:
            for c in tok.children:
                if c.dep_ in {"poss", "amod", "compound"}:
                    found = res.mention_at(c.i) or ex._adjective(res, c)
                    if found:
                        actors.append(found)
                elif c.dep_ == "prep" and c.lower_ in {"in", "of", "from", "to"}:
                    orgs += _pobj_entities(ex, res, c)
        for org in orgs:
            if _kind(ex, res, org.entity_id) != "Organization":
                continue
            for a in actors:
                if _kind(ex, res, a.entity_id) in {"State", "Organization", "Polity", "Person"}:
                    yield "MEMBER_OF", a, org, "rule:member-exit", 0.65


# -- stance ----------------------------------------------------------------------
def _stance_of_noun(tok: Any) -> str | None:
    lemma = tok.lemma_.lower()
    if lemma in SUPPORT_NOUNS:
        return "SUPPORTS"
    if lemma in OPPOSE_NOUNS:
        return "OPPOSES"
    return None


def _noun_targets(ex: RelationExtractor, res: Resolved, tok: Any, preps: set[str]) -> list[ResolvedMention]:
    out: list[ResolvedMention] = []
    for c in tok.children:
        if c.dep_ == "poss":
            out += _named(ex, res, c)
        elif c.dep_ == "prep" and c.lower_ in preps:
            out += _pobj_entities(ex, res, c)
    return out


def _stance_nouns(ex: RelationExtractor, res: Resolved, sent: Any) -> Iterator[Hit]:
    """`A remains B's closest ally`, `A, a long-time patron of B`, `B's ally, A`, `A is an enemy of B`."""
    for tok in sent:
        pred = _stance_of_noun(tok) if tok.pos_ == "NOUN" else None
        if pred is None or res.mention_at(tok.i) is not None:
            continue
        targets = _noun_targets(ex, res, tok, {"of", "to", "for"})
        holders: list[ResolvedMention] = []
        if tok.dep_ == "attr":
            holders += _copula_subjects(ex, res, tok.head)
        elif tok.dep_ == "appos":
            holders += ex._entities_of(res, tok.head)
        holders += [m for c in tok.children if c.dep_ == "appos" for m in ex._entities_of(res, c)]
        for h in holders:
            for t in targets:
                if h.entity_id != t.entity_id:
                    yield pred, h, t, "rule:stance-noun", 0.65


def _stance_prefix(ex: RelationExtractor, res: Resolved, mentions: list[ResolvedMention]) -> Iterator[Hit]:
    """`pro-Russian opposition groups` support Russia; `anti-Western parties` oppose the West."""
    doc = res.doc
    for m in mentions:
        if not m.explicit:
            continue
        for i in range(max(m.token_start - 3, 0), m.token_start):  # before the name: not part of it
            if doc[i].lower_ not in {"pro", "anti"} or doc[i + 1].text != "-":
                continue
            target = ex._adjective(res, doc[i + 2])
            if target is not None and target.entity_id != m.entity_id:
                pred = "SUPPORTS" if doc[i].lower_ == "pro" else "OPPOSES"
                yield pred, m, target, "rule:stance-prefix", 0.65


def _stance_acts(ex: RelationExtractor, res: Resolved, sent: Any) -> Iterator[Hit]:
    """`Baku's criticism of X`, `Russia voiced support for Y`, `hostile statements aimed at X`: the judge
    is the noun's possessor, adjective or `by` phrase, else the subject of the verb that utters it."""
    for tok in sent:
        if tok.pos_ != "NOUN" or res.mention_at(tok.i) is not None:
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
                    targets += _pobj_entities(ex, res, c)
                elif c.lower_ == "by":
                    doers += _pobj_entities(ex, res, c)
            elif c.dep_ == "prep" and (c.lower_ in {"of", "against", "toward", "towards", "to", "for", "at"}
                                       or (c.lower_ == "on" and lemma == "sanction")):
                if pred == "SUPPORTS" and c.lower_ == "of":
                    continue  # "the support of Russia" may name the supporter
                if c.lower_ == "of" and lemma not in OPPOSE_ACTS:
                    continue
                targets += _pobj_entities(ex, res, c)
            elif c.dep_ == "acl" and c.lemma_.lower() in TARGETING_VERBS:
                targets += [m for g in c.children if g.dep_ == "prep" and g.lower_ in {"at", "against", "to"}
                            for m in _pobj_entities(ex, res, g)]
            elif c.dep_ in {"poss", "amod", "compound"}:
                found = res.mention_at(c.i) or ex._adjective(res, c)
                if found:
                    doers.append(found)
            elif c.dep_ == "prep" and c.lower_ in {"by", "from"}:
                doers += _pobj_entities(ex, res, c)
        if pred == "SUPPORTS" and doers:
            continue  # "Russian support for X" is the nominalisation rule's
        verb = tok.head
        if not doers and tok.dep_ == "dobj" and verb.lemma_.lower() in STANCE_LIGHT_VERBS and not ex._negated(verb):
            doers, _ = ex._subjects(res, verb)
        for d in doers:
            for t in targets:
                if d.entity_id != t.entity_id:
                    yield pred, d, t, "rule:stance-act", 0.6


# -- deployment ------------------------------------------------------------------
def _deployed(ex: RelationExtractor, res: Resolved, sent: Any) -> Iterator[Hit]:
    """`the town where the troops were stationed`, `forces based in X`: a deployment verb whose place or
    force is the noun its clause describes."""
    for tok in sent:
        where = tok.dep_ == "relcl" and any(c.lower_ == "where" for c in tok.children)
        participle = tok.dep_ == "acl" and tok.tag_ == "VBN"
        if tok.pos_ not in {"VERB", "ADJ"} or not (where or participle) or ex._negated(tok):
            continue
        if "DEPLOYED_TO" not in ex.predicates.keys_for(tok):
            continue
        if where:
            forces = [m for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"} for m in ex._entities_of(res, c)]
            head = tok.head
            places = _place_phrase(ex, res, head)
            if not places and head.dep_ == "conj":
                places = _place_phrase(ex, res, head.head)  # "the city of X and its surroundings, where ..."
            for f in forces:
                for p in places:
                    yield "DEPLOYED_TO", f, p, "rule:deployed-where", 0.7
        else:
            forces = ex._entities_of(res, tok.head)
            places = [m for c in tok.children if c.dep_ == "prep" and c.lower_ in PLACE_PREPS
                      for m in _pobj_entities(ex, res, c)]
            for f in forces:
                for p in places:
                    yield "DEPLOYED_TO", f, p, "rule:deployed-participle", 0.7


def _place_in_force_name(ex: RelationExtractor, res: Resolved, mentions: list[ResolvedMention]) -> Iterator[Hit]:
    """`Russian forces in Armenia`, `the EU mission in Armenia`: a force or mission named after where it is;
    `the route through northern Iran`, `the villages in Armenia`: a route or place named after where it lies."""
    doc = res.doc
    for m in mentions:
        kind = _kind(ex, res, m.entity_id)
        if not m.explicit or m.entity_id not in ex.lexicon.by_id:
            continue
        words = [t.lower_ for t in doc[m.token_start : m.token_end]]
        if kind in {"Corridor", "Road"}:
            pred, rule, preps = "LOCATED_IN", "rule:place-in-route-name", {"through", "via", "across", "in"}
        elif kind in {"Exclave", "Settlement", "District", "Region", "Province"}:
            pred, rule, preps = "LOCATED_IN", "rule:place-in-place-name", {"in", "within", "inside"}
        elif kind == "ArmedForce" or (kind == "Organization" and "mission" in words):
            pred, rule, preps = "DEPLOYED_TO", "rule:place-in-force-name", {"in", "to"}
        else:
            continue
        for k in range(m.token_start, m.token_end - 1):
            if doc[k].lower_ not in preps:
                continue
            tok = next((t for t in doc[k + 1 : min(k + 3, m.token_end)] if t.pos_ == "PROPN"), doc[k + 1])
            lex = ex.lexicon.by_id.get(ex.lexicon.alias_index.get(fold(tok.text), ""))
            if lex is None or lex.id == m.entity_id or not (lex.label == "Territory" or lex.kind == "State"):
                continue
            res.entities.setdefault(lex.id, lex.to_entity())
            place = ResolvedMention(lex.id, tok.idx, tok.idx + len(tok.text), tok.text, tok.i, tok.i + 1,
                                    f"force-name-part:{tok.text}")
            res.extra_mentions.append(place)
            yield pred, m, place, rule, 0.65


# -- titles ----------------------------------------------------------------------
def _title_before_comma(
    ex: RelationExtractor, res: Resolved, sent: Any, mentions: list[ResolvedMention]
) -> Iterator[Hit]:
    """`the EU's foreign policy chief, Josep Borrell`: a title and its body just before a comma and a name."""
    doc = res.doc
    for m in mentions:
        i = m.token_start
        if not m.explicit or _kind(ex, res, m.entity_id) != "Person" or i - 2 < sent.start:
            continue
        if doc[i - 1].text != "," or doc[i - 2].pos_ != "NOUN":
            continue
        words: list[Any] = []
        for t in reversed(doc[max(sent.start, i - 9) : i - 1]):
            if t.text in {",", ";", "(", ")"} or t.pos_ in {"CCONJ", "VERB"}:
                break
            words.insert(0, t)
        found = ex._role_and_body(res, m, words)
        if found is None or words[-1].lower_ not in found[0].split():
            continue
        role, body = found
        pred = "LEADS" if role in LEADER_TITLES else "MEMBER_OF"
        if pred == "LEADS" and _kind(ex, res, body.entity_id) not in {"State", "Polity", "Organization"}:
            continue
        yield pred, m, body, "rule:title-before-comma", 0.75


def _office_titles(
    ex: RelationExtractor, res: Resolved, sent: Any, mentions: list[ResolvedMention], published: date | None
) -> Iterator[tuple[ResolvedMention, Any]]:
    """`Prime Minister Nikol Pashinyan` with no country named: the title matches the office the lexicon
    knows the person held at the time (the office's state must be named somewhere in the document)."""
    doc = res.doc
    for m in mentions:
        lex = ex.lexicon.by_id.get(m.entity_id)
        if not m.explicit or lex is None or not lex.leads:
            continue
        left = " ".join(t.lower_ for t in doc[max(sent.start, m.token_start - 4) : m.token_start])
        for office in lex.leads:
            role = office.role.lower()
            if left.endswith(role) and ex._in_office(office, published):
                yield m, office


def _classified_place(ex: RelationExtractor, res: Resolved, sent: Any) -> Iterator[Hit]:
    """`X is a town in Y`, `X, the capital of Y`, `X is part of Y`, `X is recognised as part of Y`:
    a place classed as a unit of (or a part of) another place."""
    for tok in sent:
        lemma = tok.lemma_.lower()
        if tok.pos_ != "NOUN" or res.mention_at(tok.i) is not None:
            continue
        if lemma not in ADMIN_SINGULAR and lemma not in {"part", "exclave", "enclave", "territory", "capital"}:
            continue
        preps = {"of"} if lemma == "part" else {"of", "in", "within", "inside"}
        outer = [m for c in tok.children if c.dep_ == "prep" and c.lower_ in preps for m in _pobj_entities(ex, res, c)]
        if not outer:
            continue
        inner: list[ResolvedMention] = []
        if tok.dep_ == "attr":
            inner = _copula_subjects(ex, res, tok.head)
        elif tok.dep_ == "appos":
            inner = _named(ex, res, tok.head)
        elif tok.dep_ == "pobj" and tok.head.lower_ == "as" and not ex._negated(tok.head.head):
            verb = tok.head.head  # "X is recognised as part of Y", "they regard X as part of Y"
            if verb.lemma_.lower() in {"recognise", "recognize", "regard", "consider", "see", "view", "treat"}:
                passive = any(c.dep_ == "nsubjpass" for c in verb.children)
                deps = {"nsubjpass"} if passive else {"dobj"}
                inner = [m for c in verb.children if c.dep_ in deps for m in _named(ex, res, c)]
        for a in inner:
            if ex._label(res, a.entity_id)[0] != "Territory":
                continue
            for b in outer:
                ra, rb = (RANK.get(_kind(ex, res, x.entity_id)) for x in (a, b))
                if ra is not None and rb is not None and ra >= rb:
                    continue  # "Karabakh - the city of Khankendi": the "of" names the city, it does not contain
                pred = "PART_OF" if _kind(ex, res, b.entity_id) == "State" or lemma == "part" else "LOCATED_IN"
                yield pred, a, b, "rule:classified-place", 0.7


def _route_passive(ex: RelationExtractor, res: Resolved, sent: Any) -> Iterator[Hit]:
    """`A and B are linked by the Lachin corridor`: the agent of a passive link verb is the route."""
    for tok in sent:
        if tok.lemma_.lower() not in {"connect", "link", "join"} or ex._negated(tok):
            continue
        routes = [m for c in tok.children if c.dep_ == "agent" for m in _pobj_entities(ex, res, c)
                  if _kind(ex, res, m.entity_id) in {"Corridor", "Road"}]
        if not routes:
            continue
        ends = [m for c in tok.children if c.dep_ == "nsubjpass" for m in ex._entities_of(res, c)]
        ends += [m for c in tok.children if c.dep_ == "prep" and c.lower_ in {"to", "with"}
                 for m in _pobj_entities(ex, res, c)]
        for r in routes:
            for e in ends:
                yield "CONNECTS", r, e, "rule:route-passive", 0.7


def _sent_abroad(ex: RelationExtractor, res: Resolved, eid: str) -> bool:
    """A force whose name says it was sent somewhere (peacekeepers, a mission, a contingent, a base):
    its leaving a place ends a deployment, unlike a belligerent army's retreat."""
    lex = ex.lexicon.by_id.get(eid)
    if _kind(ex, res, eid) not in {"ArmedForce", "Organization"} or lex is None:
        return False
    words = {w for n in lex.names for w in fold(n).split()}
    return any(w.startswith(("peacekeep", "monitor", "observer")) or w in DEPLOYED_WORDS for w in words)


def _route_through(ex: RelationExtractor, res: Resolved, sent: Any) -> Iterator[Hit]:
    """`The road passes through X`, `the corridor would run via X`: a route lies in the places it crosses."""
    for tok in sent:
        if tok.pos_ != "VERB" or not any(c.dep_ in {"prep", "dobj"} for c in tok.children):
            continue
        if ex._negated(tok) or "LOCATED_IN" not in ex.predicates.keys_for(tok):
            continue
        routes = [m for m in ex._subjects(res, tok)[0] if _kind(ex, res, m.entity_id) in {"Corridor", "Road"}]
        places = [m for c in tok.children if c.dep_ == "prep" and c.lower_ in {"through", "via", "across"}
                  for m in _pobj_entities(ex, res, c)]
        places += [m for c in tok.children if c.dep_ == "dobj" for m in _place_phrase(ex, res, c)]
        for r in routes:
            for p in places:
                yield "LOCATED_IN", r, p, "rule:route-through", 0.7


def _withdrawn_from(ex: RelationExtractor, res: Resolved, sent: Any) -> Iterator[Hit]:
    """`the peacekeepers withdrew from X`, `the withdrawal of the contingent from X`: a force that leaves a
    place was deployed there."""
    for tok in sent:
        lemma = tok.lemma_.lower()
        if lemma not in {"withdraw", "withdrawal", "pull", "pullout", "leave", "departure", "depart", "exit"}:
            continue
        if tok.pos_ == "VERB" and ex._negated(tok):
            continue
        preps = [c for c in tok.children if c.dep_ in {"prep", "prt"}]
        preps += [g for c in preps for g in c.children if g.dep_ == "prep"]
        places = [m for c in preps if c.lower_ == "from" or (c.lower_ == "of" and c.head.lower_ == "out")
                  for m in _pobj_entities(ex, res, c)]
        if lemma == "leave" and tok.pos_ == "VERB":
            places += [m for c in tok.children if c.dep_ == "dobj" for m in _place_phrase(ex, res, c)]
        if tok.pos_ == "VERB":
            forces, _ = ex._subjects(res, tok)
        else:
            forces = [m for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                      for m in _pobj_entities(ex, res, c)]
            forces += [m for c in tok.children if c.dep_ in {"poss", "amod", "compound"}
                       if (m := res.mention_at(c.i)) is not None]
        for f in forces:
            if not _sent_abroad(ex, res, f.entity_id):
                continue
            for p in places:
                if ex._label(res, p.entity_id)[0] == "Territory" or _kind(ex, res, p.entity_id) == "State":
                    yield "DEPLOYED_TO", f, p, "rule:withdrawn-from", 0.6


def _possessed_body(ex: RelationExtractor, res: Resolved, mentions: list[ResolvedMention]) -> Iterator[Hit]:
    """`Azerbaijan's defence ministry`, `the OSCE's (...) Minsk Group`: a body or force a state or organisation
    owns is part of it."""
    doc = res.doc
    for m in mentions:
        if not m.explicit or _kind(ex, res, m.entity_id) not in {"Organization", "ArmedForce"}:
            continue
        owners = [o for c in doc[m.token_end - 1].children if c.dep_ == "poss"
                  if (o := res.mention_at(c.i)) is not None]
        i = m.token_start - 1
        if i >= 0 and doc[i].text == ")":  # "Europe's (OSCE) Minsk Group": skip the parenthesis
            i = next((j for j in range(i - 1, max(i - 5, -1), -1) if doc[j].text == "("), 0) - 1
        owner = res.mention_at(i - 1) if i >= 1 and doc[i].tag_ == "POS" else None
        if owner is not None:
            owners.append(owner)
        for o in owners:
            if o.entity_id != m.entity_id and _kind(ex, res, o.entity_id) in {"State", "Organization"}:
                yield "PART_OF", m, o, "rule:possessed-body", 0.65
