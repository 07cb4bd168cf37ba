"""Relation and provision extraction by grammatical rules over the dependency parse.

Each rule names itself in the evidence's `extractor` field ("rule:verb-active@0.3",
...), so an analyst can see which rule produced a fact. Rules look for a trigger
(a verb lemma or cue word from the lexicon), take its grammatical arguments
(subject, object, agent, prepositional object, coordinated and apposed phrases),
and keep a pair only if it fits the predicate's signature in the ontology.
Negated triggers never yield the positive fact; reported speech and hedges keep
the fact with `attributed_to` and a lower confidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from conflictkg.schema.models import Entity, Evidence, Provision, Relation
from conflictkg.schema.ontology import PREDICATES, admits

from .facts import ACTOR, AGR, EVALUATIVE_VERBS, EVENT, LEADER_TITLES, MEMBER_TITLES, TERR, Fact, leading_role
from .lexicon import Lexicon, fold
from .resolve import Resolved, ResolvedMention
from .rules_events import EventRules
from .rules_structure import structure_facts
from .timeparse import resolve_date

VERSION = "0.3"
MAX_QUOTE = 600
FOCUS_WINDOW = 80  # tokens after an agreement is named during which a term naming none is read as its term
KNOWLEDGE_WINDOW = 15  # tokens between a place and its lexicon container for the sentence to relate them

# Verbs with which a text says what an agreement contains.
PROVIDING_VERBS = {
    "provide", "stipulate", "envisage", "include", "require", "oblige", "assign", "authorize", "authorise",
    "establish", "foresee", "specify", "commit", "call", "mandate", "entrust", "allow",
}
ROUTE_WORDS = {
    "corridor", "road", "route", "railway", "rail", "link", "communication", "traffic", "transit", "passage",
    "highway", "movement", "transport", "connection",
}
# Predicates a trigger noun can carry ("deployment", "mediation", "support", "occupation").
NOMINAL_PREDICATES = frozenset({"DEPLOYED_TO", "MEDIATED", "SUPPORTS", "CONTROLS", "SUPPLIES_ARMS_TO"})
# Nouns for people or bodies acting for an actor named beside them.
INSTITUTIONAL_NOUNS = {
    "officials", "official", "leaders", "leader", "leadership", "authorities", "government", "diplomats",
    "representatives", "delegation", "delegations", "side", "military", "negotiators", "envoys", "spokesman",
    "spokesperson", "spokeswoman", "administration", "president", "minister", "ministry",
}
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
# "assign X to do Y": verbs whose object is the doer of the infinitive.
OBJECT_CONTROL_VERBS = {
    "assign", "task", "order", "authorize", "authorise", "instruct", "ask", "allow", "permit", "mandate", "entrust",
    "charge", "oblige", "require", "urge", "invite", "empower", "direct", "commission", "enable",
}
# Predicates whose passive subject is the fact's subject ("troops were stationed in X").
PATIENT_SUBJECT = {"DEPLOYED_TO", "LOCATED_IN", "PART_OF", "CONNECTS", "OCCURRED_IN", "MEMBER_OF"}
# Auxiliaries that bind the clause they govern ("shall withdraw", "will be returned").
BINDING_MODALS = {"shall", "will", "must", "would", "'ll"}
# Verbs whose subject binds itself by the act, in any tense ("agreed to withdraw", "pledged not to interfere").
PLEDGE_VERBS = {"agree", "pledge", "undertake", "commit", "promise", "vow", "consent", "accept", "oblige"}
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
_DEMONSTRATIVES = {"these", "those", "this", "they", "it", "each", "both", "such"}
# "opening of the links", "restore the railway": unblocking with a transport argument.
OPENING_WORDS = {
    "open", "opening", "reopen", "reopening", "unblock", "unblocking", "restore", "restoration", "resume",
    "resumption", "restart",
}
LINK_NOUNS = {
    "communication", "communications", "link", "transport", "road", "railway", "rail", "route", "crossing",
    "channel", "connection", "highway", "traffic", "transit", "infrastructure", "border",
}
CAPTIVE_VERBS = {"exchange", "return", "release", "free", "swap", "repatriate", "hand", "exchanging", "releasing"}
CAPTIVE_NOUNS = {"prisoner", "prisoners", "pow", "pows", "detainee", "captive", "hostage", "body", "remains"}
DISPLACED_WORDS = {"refugee", "refugees", "displaced", "idp", "idps", "expellee", "evacuee"}
# Types that, with no place named, concern the parties' own states ("links between them", "their prisoners").
BETWEEN_STATES = {"UNBLOCK_TRANSPORT", "EXCHANGE_PRISONERS", "CEASEFIRE"}
# Types an agreement states once per actor, wherever it applies (one deployment of a force, one ceasefire,
# one reopening of the links in the region).
ONE_PER_ACTOR = {"DEPLOY_FORCES", "WITHDRAW_FORCES", "CEASEFIRE", "MONITOR_CEASEFIRE", "UNBLOCK_TRANSPORT"}
MAX_TERM_PARTS = 4  # parties or places one restated term gathers at most
_ARG_PREPS = {"to", "into", "in", "over", "along", "within", "across", "on", "at", "for", "with", "from", "near"}
_ADMIN_NOUNS = {
    "district", "districts", "region", "province", "city", "town", "village", "villages", "exclave", "enclave",
    "territory", "republic", "capital", "oblast", "municipality", "county", "area", "center", "centre",
}
_DATE_PREPS = {"on", "by", "until", "till", "before", "since", "from", "in"}
_PARTITIVE_NOUNS = {
    "part", "portion", "half", "remainder", "rest", "rump", "section", "segment", "share", "third", "fraction",
    "piece", "corner", "edge", "outskirts",
}
_SIZE = re.compile(
    r"\b\d[\d,.]*\s+(?:[\w()-]+\s+){0,3}?(?:troops|soldiers|servicemen|personnel|peacekeepers|infantry|"
    r"armou?red personnel carriers|vehicles|APCs|helicopters|monitors|observers)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)[- ](?:year|month|week|day)s?\b", re.IGNORECASE
)


@dataclass
class ProvisionFact:
    provision_type: str
    agreement: str
    obliges: list[str]
    concerns: list[str]
    benefits: list[str]
    rule: str
    confidence: float
    sent: Any
    anchors: list[ResolvedMention]
    qualifiers: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExtractionInput:
    """What the extractor reads: the resolved document plus what it needs to ground evidence."""

    resolved: Resolved
    document_id: str
    original_text: str
    published: date | None
    to_original: Any  # callable (start, end) -> (start, end) in the original text
    text: str  # the normalised text the parse was made from (doc.text, computed once)


@dataclass
class Extracted:
    entities: list[Entity]
    relations: list[Relation]
    provisions: list[Provision]


class _Triggers:
    """Lexicon trigger words split into single-lemma and multi-word cues."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.lemma: dict[str, set[str]] = {}
        self.phrases: list[tuple[str, str]] = []
        self.by_phrase: dict[str, set[str]] = {}
        for key, words in table.items():
            for w in words:
                w = w.strip().lower()
                if not w:
                    continue
                if " " in w:
                    self.phrases.append((w, key))
                    self.by_phrase.setdefault(w, set()).add(key)
                else:
                    self.lemma.setdefault(w, set()).add(key)

    def keys_for(self, tok: Any) -> set[str]:
        lemma = tok.lemma_.lower()
        found = set(self.lemma.get(lemma, ())) | set(self.lemma.get(tok.lower_, ()))
        # phrasal verbs: "pull out of", "take part in", "hand over", "withdraw from"
        particles = [c.lower_ for c in tok.children if c.dep_ == "prt"]
        preps = [c.lower_ for c in tok.children if c.dep_ == "prep"]
        objects = [c.lower_ for c in tok.children if c.dep_ == "dobj"]
        combos = {f"{lemma} {x}" for x in particles + preps + objects}
        combos |= {f"{lemma} {p} {q}" for p in particles + objects for q in preps}
        for combo in combos:
            found |= self.by_phrase.get(combo, set())
        return found

    def in_text(self, text: str) -> set[str]:
        return {key for _, key in self.hits(text)}

    def hits(self, text: str) -> list[tuple[int, str]]:
        """(offset, key) of every multi-word trigger found in the text."""
        low = text.lower()
        return [
            (m.start(), key)
            for phrase, key in self.phrases
            if phrase in low  # a cheap test first; the word-boundary regex only where it can match
            for m in re.finditer(r"\b" + re.escape(phrase) + r"\b", low)
        ]


class _Focus:
    """Agreement mentions of a document in reading order, to find the agreement in focus at a token."""

    def __init__(self, starts: list[int], ids: list[str], dominant: str | None) -> None:
        self.starts, self.ids, self.dominant = starts, ids, dominant

    def at(self, token: int) -> str | None:
        before = bisect_left(self.starts, token)
        if before and token - self.starts[before - 1] <= FOCUS_WINDOW:
            return self.ids[before - 1]
        return self.dominant


class RelationExtractor:
    """Facts of one document from its parse, its resolved mentions and the lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.predicates = _Triggers(lexicon.triggers.predicates)
        self.provisions = _Triggers(lexicon.triggers.provisions)
        self.attribution = {w.lower() for w in lexicon.triggers.attribution if " " not in w}
        self.attribution_phrases = [w.lower() for w in lexicon.triggers.attribution if " " in w]
        self.hedges = {w.lower() for w in lexicon.triggers.hedges}
        self.negation_verbs = {w.lower() for w in lexicon.triggers.negation} - {"not", "no", "never", "n't"}

    # -- entry point -------------------------------------------------------------
    def run(self, inp: ExtractionInput) -> Extracted:
        res = inp.resolved
        ents = res.entities
        facts: list[Fact] = []
        provs: list[ProvisionFact] = []
        focus_agreement = self._agreement_focus(res)
        by_sentence: dict[int, list[ResolvedMention]] = defaultdict(list)
        for m in res.mentions:
            by_sentence[res.doc[m.token_start].sent.start].append(m)
        for sent in res.doc.sents:
            mentions = [m for m in by_sentence.get(sent.start, []) if m.token_end <= sent.end]
            provs += self._provision_rules(res, sent, mentions, focus_agreement, inp.published)
            if not mentions:
                continue
            facts += self._verb_rules(res, sent, inp.published)
            facts += self._nominal_rules(res, sent, mentions)
            facts += self._knowledge_rules(sent, mentions, ents, inp.published)
            facts += structure_facts(self, res, sent, mentions, inp.published)
        facts += self._implied_by_provisions(res, provs, facts)
        facts += EventRules(self).run(res, facts, inp.published)
        relations = self._ground_relations(facts, inp)
        provisions = self._ground_provisions(provs, inp)
        entities = [ents[e] for e in sorted(ents)]
        return Extracted(entities=entities, relations=relations, provisions=provisions)

    # -- helpers -----------------------------------------------------------------
    def _label(self, res: Resolved, eid: str) -> tuple[str, str]:
        e = res.entities.get(eid)
        return (e.label, e.kind) if e else ("", "")

    def _fits(self, res: Resolved, predicate: str, subj: str, obj: str) -> bool:
        return subj != obj and admits(predicate, subject=self._label(res, subj), object=self._label(res, obj))

    def _entities_of(self, res: Resolved, tok: Any, depth: int = 0) -> list[ResolvedMention]:
        """Mentions a syntactic argument stands for: its own, its conjuncts' and appositions'."""
        out: list[ResolvedMention] = []
        for t in self._conjuncts(tok):
            m = res.mention_at(t.i)
            if m is None and t.lower_ in INSTITUTIONAL_NOUNS:
                m = self._institution_owner(res, t)
            if m is None and t.lemma_.lower() in _ADMIN_NOUNS and depth < 1:
                # "Karabakh's administrative centre of Stepanakert" stands for Stepanakert, not its possessor
                named = [x for c in t.children if c.dep_ == "prep" and c.lower_ == "of"
                         for p in c.children if p.dep_ == "pobj" for x in self._entities_of(res, p, depth + 1)]
                if named:
                    out += [x for x in named if all(x.entity_id != o.entity_id for o in out)]
                    continue
            if m is None:
                for child in t.children:
                    if child.dep_ in {"compound", "poss", "nmod", "amod"} and res.mention_at(child.i):
                        m = res.mention_at(child.i)
                        break
                    if child.dep_ == "prep" and child.lower_ == "of" and depth < 1:
                        for pobj in child.children:
                            if pobj.dep_ == "pobj":
                                out += self._entities_of(res, pobj, depth + 1)
            if m is not None and all(m.entity_id != o.entity_id for o in out):
                out.append(m)
            for child in t.children:
                if child.dep_ == "appos" and any(g.dep_ == "case" for g in child.children):
                    continue  # "Putin, Azerbaijan's President Aliyev": a possessor, not the same person
                if child.dep_ == "appos" and res.mention_at(child.i):
                    am = res.mention_at(child.i)
                    if am and all(am.entity_id != o.entity_id for o in out):
                        out.append(am)
        return out

    def _institution_owner(self, res: Resolved, tok: Any) -> ResolvedMention | None:
        """`Azerbaijani officials`, `officials in Washington`, `the leaders of Armenia` speak for the actor."""
        for c in tok.children:
            if c.dep_ in {"amod", "compound", "poss"}:
                found = res.mention_at(c.i) or self._adjective(res, c)
                if found and self._label(res, found.entity_id)[0] == ACTOR:
                    return found
            if c.dep_ == "prep" and c.lower_ in {"of", "from", "in"}:
                for p in c.children:
                    found = res.mention_at(p.i) if p.dep_ == "pobj" else None
                    if found and self._label(res, found.entity_id)[1] in {"State", "Organization", "Polity"}:
                        return found
        return None

    @staticmethod
    def _conjuncts(tok: Any) -> list[Any]:
        seen, stack = [], [tok]
        while stack:
            t = stack.pop()
            if t in seen:
                continue
            seen.append(t)
            stack += [c for c in t.children if c.dep_ == "conj"]
        return seen

    def _negated(self, verb: Any) -> bool:
        if any(c.dep_ == "neg" for c in verb.children):
            return True
        head = verb
        for _ in range(3):
            if head.dep_ in {"xcomp", "ccomp"} and head.head.i != head.i:
                head = head.head
                if head.lemma_.lower() in self.negation_verbs or any(c.dep_ == "neg" for c in head.children):
                    return True
            else:
                break
        return False

    def _subjects(self, res: Resolved, verb: Any) -> tuple[list[ResolvedMention], bool]:
        """Grammatical subjects (agents for passives) and whether the verb is passive."""
        passive = self._is_passive(verb)
        subj: list[ResolvedMention] = []
        for c in verb.children:
            if c.dep_ == "agent":
                for p in c.children:
                    if p.dep_ == "pobj":
                        subj += self._entities_of(res, p)
            elif c.dep_ == "nsubj":
                subj += self._entities_of(res, c)
        if not subj and verb.dep_ in {"xcomp", "advcl"} and verb.head.lemma_.lower() in OBJECT_CONTROL_VERBS:
            # "the statement assigns X to control Y": the object of the governing verb acts
            subj = [m for c in verb.head.children if c.dep_ in {"dobj", "dative"} for m in self._entities_of(res, c)]
        if not subj and verb.dep_ == "acl" and verb.tag_ == "VB":
            # "France's decision to sell arms", "Baku's plan to build a road": the noun's owner acts
            subj = [m for c in verb.head.children if c.dep_ == "poss" and c.pos_ != "PRON"
                    for m in self._entities_of(res, c)]
        if not subj and not passive:
            head = verb
            for _ in range(3):  # "X pledges not to interfere", "X agreed to deploy", coordinated verbs
                if head.dep_ in {"xcomp", "conj", "advcl"} and head.head.i != head.i:
                    head = head.head
                    found = [m for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}
                             for m in self._entities_of(res, c)]
                    if found:
                        subj = found
                        break
                elif head.dep_ in {"acl", "relcl"}:
                    if head.dep_ == "relcl" or head.tag_ == "VBG":  # "troops controlling Lachin"
                        subj = self._entities_of(res, head.head)
                    break
                else:
                    break
        return subj, passive

    @staticmethod
    def _is_passive(verb: Any) -> bool:
        if any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
            return True
        # "X was mediated by A and signed by B": the second verb shares the passive subject
        return verb.dep_ == "conj" and verb.tag_ == "VBN" and any(c.dep_ == "nsubjpass" for c in verb.head.children)

    def _objects(self, res: Resolved, verb: Any, passive: bool) -> list[ResolvedMention]:
        objs: list[ResolvedMention] = []
        if passive and verb.dep_ == "conj" and not any(c.dep_ == "nsubjpass" for c in verb.children):
            objs += [m for c in verb.head.children if c.dep_ == "nsubjpass" for m in self._entities_of(res, c)]
        for c in verb.children:
            if c.dep_ == "dative" and c.pos_ == "ADP":  # "sell arms to Armenia" parsed with a dative "to"
                objs += [m for p in c.children if p.dep_ == "pobj" for m in self._entities_of(res, p)]
            elif c.dep_ in {"dobj", "attr", "oprd", "dative"} or (passive and c.dep_ == "nsubjpass"):
                objs += self._entities_of(res, c)
            elif c.dep_ == "prep" and c.lower_ in _ARG_PREPS or c.dep_ == "prt":
                for p in c.children:
                    if p.dep_ == "pobj":
                        objs += self._entities_of(res, p)
        if verb.dep_ == "acl" and (passive or verb.tag_ == "VBN"):
            objs += self._entities_of(res, verb.head)  # "an armistice mediated by Russia"
        if verb.dep_ == "advcl" and verb.tag_ == "VBN" and any(c.dep_ == "agent" for c in verb.children):
            # "Mediated by Russia, this armistice changes ...": the participle describes the main subject
            objs += [
                m for c in verb.head.children if c.dep_ in {"nsubj", "nsubjpass"} for m in self._entities_of(res, c)
            ]
        relative_object = any(c.dep_ == "dobj" and c.tag_ in {"WDT", "WP"} for c in verb.children)
        if verb.dep_ == "relcl" and (passive or relative_object):
            # "districts that Armenian forces had occupied": the noun the clause describes is the object
            objs += self._entities_of(res, verb.head)
        return objs

    def _acts_in_event(self, res: Resolved, sent: Any, verb: Any) -> list[Fact]:
        """`Azerbaijan won the war`, `Russia conducted the operation`: an actor doing something to an event
        takes part in it, unless the verb only judges or reports it."""
        lemma = verb.lemma_.lower()
        if lemma in EVALUATIVE_VERBS or lemma in self.attribution:
            return []
        subj, passive = self._subjects(res, verb)
        if passive:
            return []
        events = [
            m for c in verb.children if c.dep_ in {"dobj", "attr"}
            for m in self._entities_of(res, c) if self._label(res, m.entity_id)[0] == EVENT
        ]
        return [
            Fact("PARTICIPATED_IN", s.entity_id, e.entity_id, "rule:actor-acts-in-event", 0.6, sent, [s, e])
            for s in subj for e in events if self._fits(res, "PARTICIPATED_IN", s.entity_id, e.entity_id)
        ]

    def _prep_objects(self, res: Resolved, verb: Any) -> list[ResolvedMention]:
        return [
            m for c in verb.children if c.dep_ == "prep" and c.lower_ in _ARG_PREPS
            for p in c.children if p.dep_ == "pobj" for m in self._entities_of(res, p)
        ]

    def _date_of(self, verb: Any, published: date | None) -> str | None:
        for c in verb.subtree:  # "signed the statement on 9 November": the date may hang off the object
            if c.dep_ == "pobj" and c.head.lower_ in _DATE_PREPS and c.head.head.i in {
                verb.i, *(x.i for x in verb.children)
            }:
                when = resolve_date(verb.doc[c.left_edge.i : c.right_edge.i + 1].text, published)
                if when:
                    return when
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in _DATE_PREPS:
                for p in c.children:
                    if p.ent_type_ == "DATE":
                        span = verb.doc[p.left_edge.i : p.right_edge.i + 1]
                        return resolve_date(span.text, published)
            if c.dep_ in {"npadvmod", "tmod"} and c.ent_type_ == "DATE":
                return resolve_date(verb.doc[c.left_edge.i : c.right_edge.i + 1].text, published)
        return None

    # -- rule families -------------------------------------------------------------
    def _verb_rules(self, res: Resolved, sent: Any, published: date | None) -> list[Fact]:
        facts: list[Fact] = []
        for tok in sent:
            if tok.pos_ not in {"VERB", "AUX"} and not (tok.pos_ == "ADJ" and tok.tag_ == "VBN"):
                continue
            keys = self.predicates.keys_for(tok) & PREDICATES
            if self._negated(tok):
                continue
            if not keys:
                facts += self._acts_in_event(res, sent, tok)
                continue
            subj, passive = self._subjects(res, tok)
            objs = self._objects(res, tok, passive)
            qualifiers: dict[str, Any] = {}
            for predicate in sorted(keys):
                s_args, o_args = subj, objs
                if passive and predicate in PATIENT_SUBJECT:
                    # "X was deployed to Y", "X is located in Y": the passive subject is the fact's subject
                    s_args = [m for c in tok.children if c.dep_ == "nsubjpass" for m in self._entities_of(res, c)]
                    o_args = self._prep_objects(res, tok)
                if predicate in {"SIGNED", "PROPOSED", "REJECTED"}:
                    when = self._date_of(tok, published)
                    if when:
                        qualifiers = {"date": when}
                for s in s_args:
                    for o in o_args:
                        hosted = predicate == "MEDIATED" and "PARTICIPATED_IN" in keys
                        if hosted and self._label(res, o.entity_id)[0] == EVENT:
                            continue  # "X hosted the summit": a participant (host), not a mediator
                        if predicate == "CONTROLS" and not self._whole_place(res, o, tok):
                            continue  # "retain part of X", "control X's roads": not control of X itself
                        if self._fits(res, predicate, s.entity_id, o.entity_id):
                            rule = f"rule:verb-{'passive' if passive else 'active'}"
                            facts.append(Fact(predicate, s.entity_id, o.entity_id, rule, 0.8, sent, [s, o],
                                              dict(qualifiers)))
        return facts

    @staticmethod
    def _whole_place(res: Resolved, m: ResolvedMention, governor: Any) -> bool:
        """Whether the phrase between a governing word and a place names the place itself, not a part of it
        ("the southern part of X", "the rump of X") or a route of it ("X's overland connections")."""
        tok = res.doc[m.token_end - 1]
        for _ in range(6):
            if tok.i == governor.i or tok.head.i == tok.i:
                return True
            tok = tok.head
            if tok.i != governor.i and not m.token_start <= tok.i < m.token_end and (
                tok.lemma_.lower() in _PARTITIVE_NOUNS or tok.lemma_.lower() in ROUTE_WORDS
            ):
                return False
        return True

    def _nominal_rules(self, res: Resolved, sent: Any, mentions: list[ResolvedMention]) -> list[Fact]:
        facts: list[Fact] = []
        doc = res.doc
        for m in mentions:
            if not m.explicit:
                continue
            label, kind = self._label(res, m.entity_id)
            head = doc[m.token_end - 1]
            # titles: "Russian President Vladimir Putin", "Azerbaijan's President Ilham Aliyev"
            if kind == "Person":
                facts += self._title_facts(res, sent, m)
            # "Russian peacekeepers", "Azerbaijani forces": a force or body of a state
            if kind in {"ArmedForce", "Organization"}:
                state = self._state_in_name(res, m)
                if state:
                    facts.append(Fact("PART_OF", m.entity_id, state, "rule:state-in-name", 0.7, sent, [m]))
            # "Azerbaijan's Lachin district", "the Azerbaijani exclave of Nakhchivan"
            if label == TERR:
                owner = self._owner(res, head, m)
                pred = "PART_OF" if owner and self._label(res, owner.entity_id)[1] == "State" else "LOCATED_IN"
                if owner and self._fits(res, pred, m.entity_id, owner.entity_id):
                    facts.append(Fact(pred, m.entity_id, owner.entity_id, "rule:possessive", 0.7, sent, [m, owner]))
            # "X-controlled Y", "X-brokered Y"
            facts += self._hyphen_rules(res, sent, m, head)
            # "Y in Z": events in places, places in places
            if label in {AGR, EVENT}:
                facts += self._between(res, sent, m, head, label)
            # the event's own prepositions, and those of a participle describing it ("a summit scheduled in X")
            preps = [c for c in head.children if c.dep_ == "prep"]
            if label == EVENT:
                preps += [g for c in head.children if c.dep_ == "acl" for g in c.children if g.dep_ == "prep"]
            for child in preps:
                if child.lower_ in {"in", "at", "near", "inside", "on", "along", "across"}:
                    for p in child.children:
                        if p.dep_ != "pobj":
                            continue
                        for place in self._entities_of(res, p):
                            pred = "OCCURRED_IN" if label == EVENT else "LOCATED_IN"
                            if self._fits(res, pred, m.entity_id, place.entity_id):
                                facts.append(Fact(pred, m.entity_id, place.entity_id, "rule:prep-in", 0.7, sent,
                                                  [m, place]))
            # "Azerbaijan's offensive", "the Azerbaijani proposal": the owner took part / proposed
            if label in {EVENT, AGR}:
                facts += self._owned_event(res, sent, m, head)
            # "the Sochi summit", "the Second Karabakh War": the place in the event's name
            if label == EVENT:
                facts += self._place_in_name(res, sent, m)
            # corridors and roads: "a road connecting A with B", "the route from A to B"
            if kind in {"Corridor", "Road"}:
                facts += self._connects(res, sent, m, head)
                facts += self._route_endpoints_in_name(res, sent, m)
        facts += self._under_control(res, sent)
        facts += self._control_over(res, sent)
        facts += self._nominalisations(res, sent)
        return facts

    def _between(self, res: Resolved, sent: Any, m: ResolvedMention, head: Any, label: str) -> list[Fact]:
        """`a meeting (in Sochi on 26 November) between X and Y`, `a war with X`: the parties of it."""
        facts = []
        inside = {t.i for t in head.subtree}
        for prep in sent:
            if prep.dep_ != "prep" or prep.lower_ not in {"between", "with", "against"} or prep.head.i not in inside:
                continue
            if prep.lower_ != "between" and prep.head.i != head.i:
                continue
            for p in prep.children:
                if p.dep_ != "pobj":
                    continue
                for party in self._entities_of(res, p):
                    pred = "PARTY_TO" if label == AGR else "PARTICIPATED_IN"
                    if self._fits(res, pred, party.entity_id, m.entity_id):
                        facts.append(Fact(pred, party.entity_id, m.entity_id, "rule:between", 0.7, sent, [party, m]))
        return facts

    def _state_in_name(self, res: Resolved, m: ResolvedMention) -> str | None:
        """The one state or body a name starts with or ends on: "Azerbaijani Defence Ministry", "EU mission",
        "Security Council of Armenia"; the word becomes a mention of it."""
        if m.entity_id not in self.lexicon.by_id:
            return None  # statistical guesses are too noisy to hang facts on
        found: dict[str, Any] = {}
        for tok in res.doc[m.token_start : m.token_end]:
            if tok.i != m.token_start and res.doc[tok.i - 1].lower_ != "of":
                continue  # "Azerbaijani ...", "... of Armenia", but not "mission in Armenia"
            key = fold(tok.text)
            eid = self.lexicon.adjective_index.get(key) or self.lexicon.alias_index.get(key)
            lex = self.lexicon.by_id.get(eid) if eid else None
            if lex is not None and lex.id != m.entity_id and lex.kind in {"State", "Organization"}:
                found[lex.id] = tok
        if len(found) != 1:
            return None
        (owner, tok), = found.items()
        lex = self.lexicon.by_id[owner]
        res.entities.setdefault(owner, lex.to_entity())
        part = ResolvedMention(owner, tok.idx, tok.idx + len(tok.text), tok.text, tok.i, tok.i + 1, "name-part")
        res.extra_mentions.append(part)
        return owner

    def _route_endpoints_in_name(self, res: Resolved, sent: Any, m: ResolvedMention) -> list[Fact]:
        """`the Fuzuli-Shusha road`: a route named after two places connects them (each a mention too)."""
        pieces = [p for p in re.finditer(r"[^-–]+", m.text) if p.group().strip()]
        if len(pieces) < 2:
            return []
        facts = []
        for piece in pieces:
            for word in re.finditer(r"[^\W\d_][\w'’]*", piece.group()):
                lex = self.lexicon.by_id.get(self.lexicon.alias_index.get(fold(word.group()), ""))
                if lex is None or lex.id == m.entity_id or not (lex.label == TERR or lex.kind == "State"):
                    continue
                start = m.start + piece.start() + word.start()
                tok = next((t for t in res.doc[m.token_start : m.token_end] if t.idx == start), None)
                if tok is None:
                    continue
                res.entities.setdefault(lex.id, lex.to_entity())
                end = ResolvedMention(lex.id, start, start + len(word.group()), word.group(), tok.i, tok.i + 1,
                                      f"route-name-part:{word.group()}")
                res.extra_mentions.append(end)
                facts.append(Fact("CONNECTS", m.entity_id, lex.id, "rule:route-named-after-ends", 0.65, sent, [m, end]))
                break
        return facts

    def _place_in_name(self, res: Resolved, sent: Any, m: ResolvedMention) -> list[Fact]:
        """`the Sochi summit`, `the summit in Tehran`, `the Fuzuli-Shusha road incident`: the place an event's
        name gives (a state only after `in`/`on`/`into`: "the Armenia-Azerbaijan conflict" is not in Armenia, but
        a summit in a state's capital is hosted by it); the place's words become a mention of it."""
        if not m.explicit:
            return []
        # only what the text itself says, not the canonical name
        toks = [t for t in res.doc[m.token_start : m.token_end] if fold(t.text)]
        words = [fold(t.text) for t in toks]
        facts = []
        covered: set[int] = set()  # the longest name wins: "lachin road", not also "lachin"
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                if covered & set(range(i, i + size)):
                    continue
                eid = self.lexicon.alias_index.get(" ".join(words[i : i + size]))
                if eid is None or eid == m.entity_id:
                    continue
                lex = self.lexicon.by_id[eid]
                state = lex.kind == "State" and i > 0 and words[i - 1] in {"in", "on", "into"}
                if lex.label != TERR and not state:
                    continue
                covered |= set(range(i, i + size))
                if lex.kind == "Border":
                    continue
                first, last = toks[i], toks[i + size - 1]
                res.entities.setdefault(eid, lex.to_entity())
                text = res.doc[first.i : last.i + 1].text
                place = ResolvedMention(eid, first.idx, last.idx + len(last.text), text, first.i, last.i + 1,
                                        f"event-name-part:{text}")
                res.extra_mentions.append(place)
                facts.append(Fact("OCCURRED_IN", m.entity_id, eid, "rule:place-in-event-name", 0.6, sent, [m, place]))
                if state and self._label(res, m.entity_id)[1] == "Meeting":
                    facts.append(Fact("PARTICIPATED_IN", eid, m.entity_id, "rule:place-in-event-name", 0.55, sent,
                                      [place, m], {"role": "host"}))
        return facts

    def _owned_event(self, res: Resolved, sent: Any, m: ResolvedMention, head: Any) -> list[Fact]:
        label, kind = self._label(res, m.entity_id)
        owners: list[ResolvedMention] = []
        for c in head.children:
            if c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ == "by" and label == EVENT):
                targets = [c] if c.dep_ == "poss" else [p for p in c.children if p.dep_ == "pobj"]
                owners += [o for t in targets for o in self._entities_of(res, t)]
            elif c.dep_ in {"amod", "compound"} and res.mention_at(c.i) is None:
                adj = self._adjective(res, c)
                if adj:
                    owners.append(adj)
        first = res.doc[m.token_start]
        adj = self._adjective(res, first) if m.token_end - m.token_start > 1 else None
        if adj:
            owners.append(adj)
        if label == EVENT:
            pred = "PARTICIPATED_IN"
        elif kind in {"PeaceProposal", "Principles"}:
            pred = "PROPOSED"  # "the Azerbaijani proposal"; "the Russian-imposed ceasefire" names no party
        else:
            return []
        return [
            Fact(pred, o.entity_id, m.entity_id, "rule:owner-of-event", 0.65, sent, [o, m])
            for o in owners
            if self._fits(res, pred, o.entity_id, m.entity_id)
        ]

    def _adjective(self, res: Resolved, tok: Any) -> ResolvedMention | None:
        """An adjective naming an actor ("Russian", "Azerbaijani"), registered as a mention of it."""
        eid = self.lexicon.adjective_index.get(fold(tok.text))
        lex = self.lexicon.by_id.get(eid) if eid else None
        if lex is None:
            return None
        res.entities.setdefault(lex.id, lex.to_entity())
        mention = ResolvedMention(lex.id, tok.idx, tok.idx + len(tok.text), tok.text, tok.i, tok.i + 1,
                                  f"adjective:{tok.text}")
        res.extra_mentions.append(mention)
        return mention

    def _title_facts(self, res: Resolved, sent: Any, m: ResolvedMention) -> list[Fact]:
        """`Russian President Vladimir Putin`, `Hikmat Hajiyev, assistant to the Azerbaijani president`."""
        doc = res.doc
        left: list[Any] = []
        for t in reversed(doc[max(sent.start, m.token_start - 8) : m.token_start]):
            other = res.mention_at(t.i)
            if t.text in {",", ";", "(", ")"} or t.pos_ == "CCONJ" or (
                other is not None and self._label(res, other.entity_id)[1] == "Person"
            ):
                break
            left.insert(0, t)
        found = self._role_and_body(res, m, left)
        if found is None:
            for c in doc[m.token_end - 1].children:
                if c.dep_ == "appos":
                    found = self._role_and_body(res, m, list(c.subtree), head_title=c.lower_)
                    if found:
                        break
        if found is None:
            return []
        role, org = found
        predicate = "LEADS" if role in LEADER_TITLES else "MEMBER_OF"
        if not self._fits(res, predicate, m.entity_id, org.entity_id):
            return []
        if predicate == "LEADS" and self._label(res, org.entity_id)[1] not in {"State", "Polity", "Organization"}:
            return []
        return [Fact(predicate, m.entity_id, org.entity_id, "rule:title-apposition", 0.85, sent, [m],
                     {"role": role.title()})]

    def _role_and_body(
        self, res: Resolved, m: ResolvedMention, words: list[Any], head_title: str | None = None
    ) -> tuple[str, ResolvedMention] | None:
        """A title among the words and the body it is a title of (a mention or a state adjective)."""
        text = " ".join(t.lower_ for t in words if t.pos_ in {"PROPN", "NOUN", "ADJ", "ADP"})
        titles = sorted(LEADER_TITLES | MEMBER_TITLES, key=len, reverse=True)
        role = head_title if head_title in MEMBER_TITLES | LEADER_TITLES else None
        role = role or next((t for t in titles if re.search(r"\b" + re.escape(t) + r"\b", text)), None)
        if role is None:
            return None
        for t in reversed(words):
            other = res.mention_at(t.i)
            if other is not None and other.entity_id != m.entity_id:
                return role, other
            adj = self._adjective(res, t) if other is None else None
            if adj:
                return role, adj
        return None

    def _owner(self, res: Resolved, head: Any, m: ResolvedMention) -> ResolvedMention | None:
        doc = res.doc
        for c in head.children:
            if c.dep_ == "poss":
                owner = res.mention_at(c.i)
                if owner and self._label(res, owner.entity_id)[1] == "State":
                    return owner
        # "the Azerbaijani district of Lachin" / "Azerbaijan's exclave of Nakhchivan"
        if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lower_ in _ADMIN_NOUNS:
            noun = head.head.head
            for c in noun.children:
                if c.dep_ == "poss" and res.mention_at(c.i):
                    owner = res.mention_at(c.i)
                    # "Armenia's province of Syunik", "Karabakh's administrative centre of Stepanakert"
                    if owner and (self._label(res, owner.entity_id)[1] == "State"
                                  or self._label(res, owner.entity_id)[1] in {"Region", "Province", "District"}):
                        return owner
                if c.dep_ == "amod":
                    adj = self._adjective(res, c)
                    if adj and self._label(res, adj.entity_id)[1] == "State":
                        return adj
        first = doc[m.token_start]
        if head.lower_ in _ADMIN_NOUNS and first.dep_ in {"amod", "compound"}:
            adj = self._adjective(res, first)
            if adj and adj.entity_id != m.entity_id and self._label(res, adj.entity_id)[1] == "State":
                return adj
        return None

    def _hyphen_rules(self, res: Resolved, sent: Any, m: ResolvedMention, head: Any) -> list[Fact]:
        """`X-controlled Y` and `X-brokered Y`: the adjective names the actor, the noun the object."""
        facts: list[Fact] = []
        doc = res.doc
        modifiers = list(head.children)
        if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lemma_.lower() not in _PARTITIVE_NOUNS:
            modifiers += list(head.head.head.children)  # "the Azerbaijani-controlled town of Shusha", not "rump of"
        for c in modifiers:
            if c.dep_ not in {"amod", "compound", "npadvmod"} or c.i + 1 >= len(doc):
                continue
            verb = c if c.lemma_.lower() in {"control", "hold", "occupy", "broker", "mediate", "sponsor", "impose",
                                              "run", "administer", "back", "led", "lead", "dominate"} else None
            if verb is None:
                continue
            actor_tok = doc[verb.i - 2] if verb.i >= 2 and doc[verb.i - 1].text == "-" else None
            if actor_tok is None:
                continue
            actor = res.mention_at(actor_tok.i) or self._adjective(res, actor_tok)
            if actor is None:
                continue
            lemma = verb.lemma_.lower()
            pred = {"control": "CONTROLS", "hold": "CONTROLS", "occupy": "CONTROLS", "run": "CONTROLS",
                    "administer": "CONTROLS", "broker": "MEDIATED", "mediate": "MEDIATED", "sponsor": "MEDIATED",
                    "impose": "MEDIATED", "back": "SUPPORTS", "led": "MEDIATED", "lead": "MEDIATED",
                    "dominate": "MEMBER_OF"}[lemma]
            if lemma in {"led", "lead"} and self._label(res, m.entity_id)[1] == "Organization":
                pred = "MEMBER_OF"  # "the Russian-led alliance": the leading state belongs to it
            if self._fits(res, pred, actor.entity_id, m.entity_id):
                facts.append(Fact(pred, actor.entity_id, m.entity_id, "rule:hyphen-participle", 0.8, sent, [actor, m]))
        return facts

    def _nominalisations(self, res: Resolved, sent: Any) -> list[Fact]:
        """`the deployment of peacekeepers to Karabakh`, `Russian mediation of the talks`, `support for X by Y`:
        a trigger noun whose doer is its possessor, adjective, `by`- or (for forces) `of`-phrase."""
        facts: list[Fact] = []
        for tok in sent:
            if tok.pos_ != "NOUN" or res.mention_at(tok.i) is not None:
                continue
            keys = self.predicates.keys_for(tok) & NOMINAL_PREDICATES
            if not keys:
                continue
            doers: list[ResolvedMention] = []
            targets: dict[str, list[ResolvedMention]] = {"of": [], "place": [], "for": []}
            for c in tok.children:
                if c.dep_ in {"poss", "amod", "compound"}:
                    found = res.mention_at(c.i) or self._adjective(res, c)
                    if found:
                        doers.append(found)
                elif c.dep_ == "prep":
                    objs = [m for p in c.children if p.dep_ == "pobj" for m in self._entities_of(res, p)]
                    if c.lower_ == "by":
                        doers += objs
                    elif c.lower_ == "of":
                        targets["of"] += objs
                    elif c.lower_ in {"to", "in", "into", "along", "within", "across"}:
                        targets["place"] += objs
                    elif c.lower_ in {"for", "to"}:
                        targets["for"] += objs
            for predicate in sorted(keys):
                objects = {"DEPLOYED_TO": targets["place"], "SUPPORTS": targets["for"] + targets["of"],
                           "SUPPLIES_ARMS_TO": targets["place"] + targets["for"]}.get(predicate, targets["of"])
                subjects = doers
                if predicate == "DEPLOYED_TO" and not subjects:  # "the deployment of peacekeepers"
                    subjects = [m for m in targets["of"] if self._label(res, m.entity_id)[1] == "ArmedForce"]
                for s_ in subjects:
                    for o in objects:
                        if s_.entity_id != o.entity_id and self._fits(res, predicate, s_.entity_id, o.entity_id):
                            facts.append(Fact(predicate, s_.entity_id, o.entity_id, "rule:nominalisation", 0.65,
                                              sent, [s_, o]))
        return facts

    def _control_over(self, res: Resolved, sent: Any) -> list[Fact]:
        """`Azerbaijan's control over the seven districts`, `Russian control of the corridor`."""
        facts: list[Fact] = []
        for tok in sent:
            if tok.lemma_.lower() not in {"control", "sovereignty", "jurisdiction"} or tok.pos_ != "NOUN":
                continue
            actors: list[ResolvedMention] = []
            places: list[ResolvedMention] = []
            for c in tok.children:
                if c.dep_ in {"poss", "amod", "compound"}:
                    found = res.mention_at(c.i) or self._adjective(res, c)
                    if found:
                        actors.append(found)
                elif c.dep_ == "prep" and c.lower_ in {"over", "of"}:
                    places += [m for p in c.children if p.dep_ == "pobj" for m in self._entities_of(res, p)]
            for a in actors:
                for p in places:
                    if self._fits(res, "CONTROLS", a.entity_id, p.entity_id):
                        facts.append(
                            Fact("CONTROLS", a.entity_id, p.entity_id, "rule:control-over", 0.75, sent, [a, p])
                        )
        return facts

    def _under_control(self, res: Resolved, sent: Any) -> list[Fact]:
        """`Y comes under X's control`, `Y remains under Armenian control`, `Y under the control of X`."""
        facts: list[Fact] = []
        for tok in sent:
            if tok.lemma_.lower() != "control" or tok.dep_ != "pobj" or tok.head.lower_ != "under":
                continue
            actors: list[ResolvedMention] = []
            for c in tok.children:
                if c.dep_ in {"poss", "amod", "compound"}:
                    m = res.mention_at(c.i) or self._adjective(res, c)
                    if m:
                        actors.append(m)
                if c.dep_ == "prep" and c.lower_ == "of":
                    actors += [m for p in c.children if p.dep_ == "pobj" for m in self._entities_of(res, p)]
            anchor = tok.head.head
            places: list[ResolvedMention] = []
            if anchor.pos_ in {"VERB", "AUX"}:
                places = [m for c in anchor.children if c.dep_ in {"nsubj", "nsubjpass", "dobj"}
                          for m in self._entities_of(res, c)]
            else:
                places = self._entities_of(res, anchor)
            for a in actors:
                for p in places:
                    if self._fits(res, "CONTROLS", a.entity_id, p.entity_id):
                        facts.append(
                            Fact("CONTROLS", a.entity_id, p.entity_id, "rule:under-control", 0.8, sent, [a, p])
                        )
        return facts

    def _connects(self, res: Resolved, sent: Any, m: ResolvedMention, head: Any) -> list[Fact]:
        facts: list[Fact] = []
        link_verbs = {"connect", "link", "join", "run", "lead", "pass"}
        targets: list[ResolvedMention] = []
        passes: list[ResolvedMention] = []
        for c in head.children:
            if c.dep_ in {"acl", "relcl"} and c.lemma_.lower() in link_verbs:
                for gc in c.children:
                    if gc.dep_ in {"dobj", "pobj"}:
                        targets += self._entities_of(res, gc)
                    if gc.dep_ == "prep" and gc.lower_ in {"with", "to", "and", "from"}:
                        targets += [x for p in gc.children if p.dep_ == "pobj" for x in self._entities_of(res, p)]
                    if gc.dep_ == "prep" and gc.lower_ in {"through", "via", "across"}:
                        passes += [x for p in gc.children if p.dep_ == "pobj" for x in self._entities_of(res, p)]
            if c.dep_ == "prep" and c.lower_ in {"from", "to", "between"}:
                targets += [x for p in c.children if p.dep_ == "pobj" for x in self._entities_of(res, p)]
            if c.dep_ == "prep" and c.lower_ in {"through", "via", "across"}:
                passes += [x for p in c.children if p.dep_ == "pobj" for x in self._entities_of(res, p)]
        for t in targets:
            if self._fits(res, "CONNECTS", m.entity_id, t.entity_id):
                facts.append(Fact("CONNECTS", m.entity_id, t.entity_id, "rule:route-endpoints", 0.75, sent, [m, t]))
        for t in passes:  # a route runs through the places it passes, it does not end there
            if self._fits(res, "LOCATED_IN", m.entity_id, t.entity_id):
                facts.append(Fact("LOCATED_IN", m.entity_id, t.entity_id, "rule:route-via", 0.7, sent, [m, t]))
        return facts

    def _knowledge_rules(
        self, sent: Any, mentions: list[ResolvedMention], ents: dict[str, Entity], published: date | None
    ) -> list[Fact]:
        """Facts the lexicon knows (part-of, route endpoints, offices) when a sentence names both sides."""
        facts: list[Fact] = []
        named = {m.entity_id: m for m in mentions if m.explicit}
        for eid, m in named.items():
            lex = self.lexicon.by_id.get(eid)
            if lex is None:
                continue
            for parent in lex.part_of:
                if parent in named and self._near(mentions, eid, parent):
                    pred = "PART_OF"
                    facts.append(Fact(pred, eid, parent, "lexicon:part_of", 0.55, sent, [m, named[parent]]))
            for end in lex.connects:
                if end in named:
                    facts.append(Fact("CONNECTS", eid, end, "lexicon:connects", 0.55, sent, [m, named[end]]))
            for office in lex.leads:
                if office.entity in named and self._in_office(office, published):
                    pred = "LEADS" if leading_role(office.role) else "MEMBER_OF"
                    facts.append(Fact(pred, eid, office.entity, "lexicon:office", 0.55, sent,
                                      [m, named[office.entity]], {"role": office.role}))
        return facts

    @staticmethod
    def _near(mentions: list[ResolvedMention], a: str, b: str) -> bool:
        """Whether two entities are named within a clause-sized window of each other: a long sentence that
        merely names a district and, far away, its state says nothing about the one being part of the other."""
        return any(
            max(y.token_start - x.token_end, x.token_start - y.token_end) <= KNOWLEDGE_WINDOW
            for x in mentions if x.entity_id == a for y in mentions if y.entity_id == b
        )

    @staticmethod
    def _in_office(office: Any, published: date | None) -> bool:
        if published is None:
            return True
        return (office.start is None or office.start <= published) and (office.to is None or published <= office.to)

    # -- provisions ----------------------------------------------------------------
    def _agreement_focus(self, res: Resolved) -> _Focus:
        """The agreement a sentence that names none is about: the one named just before, else the document's
        most mentioned one."""
        named = sorted((m.token_start, m.entity_id) for m in res.mentions if self._label(res, m.entity_id)[0] == AGR)
        counts = Counter(eid for _, eid in named)
        return _Focus([start for start, _ in named], [eid for _, eid in named],
                      counts.most_common(1)[0][0] if counts else None)

    def _provision_rules(
        self, res: Resolved, sent: Any, mentions: list[ResolvedMention], focus: _Focus, published: date | None
    ) -> list[ProvisionFact]:
        """Terms of an agreement: one provision per trigger, with the trigger's own actor and places.

        A trigger states a term when its clause binds someone ("shall", "pledges to", "agreed to", "is to"),
        or when the sentence says what a named agreement contains ("the statement provides for ...", "under
        the deal ...", "the agreement on ...", "unfulfilled elements of the ceasefire"). A list of terms may
        sit in the sentence after the agreement ("They include ...") or before it ("These issues remain
        elements of ..."); the two sentences are then read as one."""
        agreements = [m for m in mentions if self._label(res, m.entity_id)[0] == AGR]
        frame = self._frame(res, sent, agreements)
        span, extra = sent, []
        if agreements:
            joined = self._joined_sentence(res, sent, frame)
            if joined is not None:
                span = res.doc[min(joined.start, sent.start) : max(joined.end, sent.end)]
                extra = self._mentions_in(res, joined)
                frame = frame or "provided"
        triggers = self._provision_triggers(res, span, frame == "term")
        if not triggers:
            return []
        if agreements:
            agreement = agreements[0].entity_id
        elif (focused := focus.at(sent.start)) is not None:
            agreement = focused
        else:
            return []
        everyone = list(mentions) + [m for m in extra if all(m is not o for o in mentions)]
        actors = [m for m in everyone if self._label(res, m.entity_id)[0] == ACTOR]
        places = [m for m in everyone if self._label(res, m.entity_id)[0] == TERR]
        pending = not actors  # "the parties agreed to ...": the agreement's signatories, filled in once known
        benefits = self._beneficiaries(res, span)
        dated = _dated(span, published)
        all_dates = list(dict.fromkeys(iso for _, iso in dated))
        quals = self._provision_qualifiers(span, all_dates)
        found: dict[tuple[str, tuple[str, ...], tuple[str, ...]], ProvisionFact] = {}
        for index, types in sorted(triggers.items()):
            tok = span.doc[index]
            binding = self._obliging(tok, span.text)
            if not (frame or binding or "CEASEFIRE" in types and self._takes_effect(tok)):
                continue  # neither bound by its own clause nor said to be part of an agreement
            scope = self._scope(tok)
            # "withdraw by X and hand over Y by Z": each trigger its own date
            deadlines = list(dict.fromkeys(iso for start, iso in dated if start in scope))
            trigger_quals = {k: v for k, v in quals.items() if k != "deadline" or len(all_dates) == 1}
            if deadlines:
                trigger_quals["deadline"] = deadlines[0]
            for ptype in sorted(types):
                obliged = self._obliged(res, tok, ptype, actors, benefits)
                if ptype == "GUARANTEE_PASSAGE" and obliged and all(
                    self._label(res, a)[1] in PROVISION_ACTOR_KINDS["SECURE_CORRIDOR"] for a in obliged
                ):
                    ptype = "SECURE_CORRIDOR"  # a force that guarantees traffic does so by guarding the route
                concerns = self._concerned(res, scope, ptype, places, actors, obliged)
                if pending and not (frame or any(a.lemma_.lower() in PLEDGE_VERBS for a in tok.ancestors)):
                    continue  # with no one named, only a pledge or the agreement itself says who is bound
                if not pending and not obliged or not concerns and not (pending and ptype in BETWEEN_STATES):
                    continue
                for part, part_quals in self._split_by_deadline(ptype, concerns, trigger_quals, deadlines):
                    key = (ptype, tuple(obliged), tuple(part))
                    if key in found:
                        continue
                    anchors = [m for m in everyone if m.entity_id in {agreement, *obliged, *part}]
                    found[key] = ProvisionFact(
                        ptype, agreement, obliged, part, [b.entity_id for b in benefits], "rule:provision",
                        0.7 if binding else 0.55, span, anchors, part_quals,
                    )
        return list(found.values())

    def _frame(self, res: Resolved, sent: Any, agreements: list[ResolvedMention]) -> str | None:
        """How a sentence presents a named agreement's content: "term" when it calls something an element
        (or a breach) of the agreement, so that even an unfulfilled term counts; "provided" when it says what
        the agreement provides for, or reads under it; None when it only names the agreement."""
        if not agreements:
            return None
        frame = "provided" if any(t.lemma_.lower() in PROVIDING_VERBS for t in sent) else None
        for m in agreements:
            span = res.doc[m.token_start : m.token_end]
            head = span.root  # "the Russian-imposed ceasefire of November 2020" hangs from its noun
            gov = head.head
            if head.dep_ == "pobj" and gov.lower_ == "of" and gov.head.lemma_.lower() in TERM_NOUNS:
                return "term"
            if head.dep_ == "pobj" and gov.lower_ in {"under", "to", "with", "in", "by"}:
                frame = "provided"  # "under the statement", "according to", "in line with", "set out in"
            if any(_topic_of(t) == head for t in sent if t.lower_ == "on" and t.dep_ == "prep"):
                frame = "provided"  # "the statement on the ceasefire and the exchange of prisoners"
        return frame

    def _joined_sentence(self, res: Resolved, sent: Any, frame: str | None) -> Any | None:
        """The neighbour a sentence about an agreement refers to by a pronoun: "They include X" after it,
        or, for "These issues remain terms of the agreement", the sentence before that listed them."""
        doc = sent.doc
        if sent.end < len(doc):
            nxt = doc[sent.end].sent
            subj = [t for t in nxt if t.dep_ in {"nsubj", "nsubjpass"} and t.head.lemma_.lower() in PROVIDING_VERBS]
            own = any(self._label(res, m.entity_id)[0] == AGR for m in self._mentions_in(res, nxt))
            if not own and any(t.lower_ in _DEMONSTRATIVES for s in subj for t in s.subtree):
                return nxt
        if frame and sent.start > 0:
            subj = [t for t in sent.root.children if t.dep_ in {"nsubj", "nsubjpass"}]
            if any(t.lower_ in _DEMONSTRATIVES for s in subj for t in s.subtree):
                return doc[sent.start - 1].sent
        return None

    @staticmethod
    def _mentions_in(res: Resolved, span: Any) -> list[ResolvedMention]:
        out: list[ResolvedMention] = []
        for t in span:
            m = res.mention_at(t.i)
            if m is not None and all(m is not o for o in out):
                out.append(m)
        return out

    def _provision_triggers(self, res: Resolved, span: Any, term_frame: bool) -> dict[int, set[str]]:
        """Trigger tokens of a span and the provision types each can state. A term an agreement's critic
        calls unfulfilled is still a term; outside such a frame a negated, refused or hypothetical
        ("if X agreed to ...") trigger states none. A word inside the agreement's own name ("the ceasefire
        agreement") is no trigger, unless that ceasefire is said to take effect."""
        triggers: dict[int, set[str]] = {}
        for tok in span:
            if tok.pos_ in {"VERB", "NOUN", "PROPN"}:
                keys = self.provisions.keys_for(tok) | self._grammatical_types(tok)
                if keys:
                    triggers.setdefault(tok.i, set()).update(keys)
        for offset, hit in self.provisions.hits(span.text):
            tok = next((t for t in span if t.idx >= span.start_char + offset), None)
            if tok is not None:
                triggers.setdefault(tok.i, set()).add(hit)
        doc = span.doc
        for index in list(triggers):
            tok = doc[index]
            m = res.mention_at(index)
            if m is not None and self._label(res, m.entity_id)[0] == AGR:
                triggers[index] &= {"CEASEFIRE"} if self._takes_effect(tok) else set()
            if self._hypothetical(tok) or not term_frame and self._denied(tok):
                triggers[index] = set()
            types = triggers[index]
            if types & {"EXCHANGE_PRISONERS", "RETURN_DISPLACED"}:
                types -= {"TRANSFER_TERRITORY"}  # returning prisoners or refugees is no transfer of land
            if not triggers[index]:
                del triggers[index]
        routed = any(t.lemma_.lower() in ROUTE_WORDS for t in span) or any(
            self._label(res, m.entity_id)[1] in {"Corridor", "Road"} for m in self._mentions_in(res, span)
        )
        all_types = set().union(*triggers.values()) if triggers else set()
        for index in triggers:
            if not routed:  # guarding or guaranteeing passage is about a route
                triggers[index] -= {"SECURE_CORRIDOR", "GUARANTEE_PASSAGE"}
            if "MONITOR_CEASEFIRE" in all_types:  # "to monitor the ceasefire" is not a ceasefire term
                triggers[index] -= {"CEASEFIRE"}
        return {i: t for i, t in triggers.items() if t}

    @staticmethod
    def _grammatical_types(tok: Any) -> set[str]:
        """Types a word has only with its argument: opening *links*, releasing *prisoners*, *refugees* returning."""
        lemma = tok.lemma_.lower()
        args = [c for c in tok.children if c.dep_ in {"dobj", "nsubjpass"}]
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

    @staticmethod
    def _takes_effect(tok: Any) -> bool:
        """`The ceasefire took effect / came into force / began at midnight`: a ceasefire stated as done; and
        `the statement on a complete ceasefire`: the ceasefire as what a statement is about."""
        if tok.dep_ == "pobj" and tok.head.lower_ == "on" and _topic_of(tok.head) is not None:
            return True
        verb = tok.head
        if tok.dep_ not in {"nsubj", "nsubjpass"} or verb.pos_ not in {"VERB", "AUX"}:
            return False
        if verb.lemma_.lower() in {"begin", "start", "commence"}:
            return True
        return any(
            c.dep_ == "dobj" and c.lower_ == "effect" and verb.lemma_.lower() == "take"
            or c.dep_ == "prep" and c.lower_ in {"into", "in"}
            and any(p.dep_ == "pobj" and p.lower_ in {"effect", "force"} for p in c.children)
            for c in verb.children
        )

    @staticmethod
    def _hypothetical(tok: Any) -> bool:
        """Inside an "if"/"unless"/"whether" clause: a condition, not a term."""
        node = tok
        for _ in range(6):
            if any(c.dep_ == "mark" and c.lower_ in HYPOTHETICAL_MARKS for c in node.children):
                return True
            if node.head.i == node.i:
                return False
            node = node.head
        return False

    def _denied(self, tok: Any) -> bool:
        """Negated, refused or failed: "did not agree to withdraw", "refused to return", "failure to return"."""
        node = tok
        while node.pos_ not in {"VERB", "AUX"} and node.head.i != node.i:
            if any(c.dep_ == "neg" for c in node.children):
                return True
            node = node.head
        if tok.lower_ == "not":
            node = tok.head.head if tok.head.dep_ in {"xcomp", "advcl"} else tok.head  # "pledges not to interfere"
        if self._negated(node) or node.dep_ == "acl" and node.head.lemma_.lower() in DENIAL_NOUNS:
            return True
        for _ in range(3):  # the governing verbs of "agreed to withdraw" carry its negation
            if node.dep_ not in {"xcomp", "conj", "acl", "advcl"} or node.head.i == node.i:
                break
            node = node.head
            if node.lemma_.lower() in self.negation_verbs or node.lemma_.lower() in DENIAL_NOUNS or any(
                c.dep_ == "neg" for c in node.children
            ):
                return True
        return False

    @staticmethod
    def _obliging(tok: Any, text: str) -> bool:
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

    @staticmethod
    def _split_by_deadline(
        ptype: str, concerns: list[str], quals: dict[str, Any], deadlines: list[str]
    ) -> list[tuple[list[str], dict[str, Any]]]:
        """`X and Y shall be returned by 15 and 20 November, respectively`: one transfer per place and date."""
        if ptype != "TRANSFER_TERRITORY" or len(concerns) < 2 or len(deadlines) != len(concerns):
            return [(concerns, dict(quals))]
        return [([place], {**quals, "deadline": when}) for place, when in zip(concerns, deadlines, strict=True)]

    @staticmethod
    def _scope(tok: Any) -> set[int]:
        """Tokens of a trigger's own phrase: its verb's subtree (its head's, for a noun) without the clauses
        coordinated with it, so that in a list of obligations each verb keeps its own places and dates."""
        own = tok.pos_ == "VERB" or tok.head.i == tok.i or tok.dep_ == "conj"  # "X and the return of Y"
        scope = tok if own else tok.head
        inside = {t.i for t in scope.subtree}
        for c in scope.children:
            if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"}:
                inside -= {t.i for t in c.subtree}
        return inside

    def _obliged(
        self, res: Resolved, tok: Any, ptype: str, actors: list[ResolvedMention], benefits: list[ResolvedMention]
    ) -> list[str]:
        """Who must act: the trigger verb's subject or agent, a nominal trigger's "of X"/"X's", else the clause's."""
        found: list[ResolvedMention] = []
        if ptype == "RETURN_DISPLACED":
            pass  # those who return benefit; who must act is the body that assists them
        elif tok.pos_ == "VERB":
            found, _ = self._subjects(res, tok)
        else:
            for c in tok.children:
                if c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ in {"of", "by"}):
                    targets = [c] if c.dep_ == "poss" else [p for p in c.children if p.dep_ == "pobj"]
                    for t in targets:
                        found += self._entities_of(res, t)
                elif c.dep_ in {"amod", "compound"}:
                    adj = res.mention_at(c.i) or self._adjective(res, c)
                    if adj:
                        found.append(adj)
            verb = tok.head
            while not found and verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
                verb = verb.head
            if not found and verb.pos_ in {"VERB", "AUX"}:
                found, _ = self._subjects(res, verb)
        beneficiaries = {b.entity_id for b in benefits}
        preferred = PROVISION_ACTOR_KINDS.get(ptype)
        ids = [m.entity_id for m in found if self._label(res, m.entity_id)[0] == ACTOR]
        if not ids:
            ids = [m.entity_id for m in actors if m.entity_id not in beneficiaries]
            if preferred:
                ids = [i for i in ids if self._label(res, i)[1] in preferred] or ids
        if ptype == "CEASEFIRE":  # a ceasefire binds the warring states, named through their forces
            ids = [self._force_state(i) or i for i in ids]
        return list(dict.fromkeys(ids))[:2]

    def _force_state(self, eid: str) -> str | None:
        """The state an armed force's name starts with ("Armenian forces" -> Armenia), from the lexicon."""
        lex = self.lexicon.by_id.get(eid)
        if lex is None or lex.kind != "ArmedForce" or not lex.name.split():
            return None
        state = self.lexicon.adjective_index.get(fold(lex.name.split()[0]))
        return state if state and self.lexicon.by_id[state].kind == "State" else None

    def _concerned(
        self, res: Resolved, scope: set[int], ptype: str, places: list[ResolvedMention],
        actors: list[ResolvedMention], obliged: list[str],
    ) -> list[str]:
        """Where: places inside the trigger's phrase (or its verb's), else every place of the sentence; a
        passage term is about the named route first; links or prisoners with no place named are about the
        parties' own states."""
        chosen = [m for m in places if m.token_start in scope] or places
        if ptype in {"GUARANTEE_PASSAGE", "SECURE_CORRIDOR"}:
            chosen = [m for m in places if self._label(res, m.entity_id)[1] in {"Corridor", "Road"}] + chosen
        ids = list(dict.fromkeys(m.entity_id for m in chosen if m.entity_id not in obliged))
        if not ids and ptype in BETWEEN_STATES:
            ids = list(dict.fromkeys(a.entity_id for a in actors if self._label(res, a.entity_id)[1] == "State"))
        return ids[:3]

    def _provision_qualifiers(self, sent: Any, dates: list[str]) -> dict[str, Any]:
        quals: dict[str, Any] = {}
        if dates:
            quals["deadline"] = dates[0]
        size = _SIZE.search(sent.text)
        if size:
            quals["size"] = size.group(0)
        duration = _DURATION.search(sent.text)
        if duration:
            quals["duration"] = duration.group(0)
        return quals

    def _implied_by_provisions(self, res: Resolved, provs: list[ProvisionFact], known: list[Fact]) -> list[Fact]:
        """A state a provision obliges is a party to its agreement; a force that must guard a route controls it.
        A term whose sentence names no one ("the parties agreed to exchange prisoners") binds the states the
        document says signed or joined the agreement; with none known it is dropped."""
        signatories = self._signatories(res, known)
        for p in provs:
            if not p.obliges:
                p.obliges = signatories.get(p.agreement, [])[:3]
                p.concerns = p.concerns or [s for s in p.obliges if self._label(res, s)[1] == "State"]
                p.rule = "rule:provision-signatories"
        provs[:] = [p for p in provs if p.obliges and p.concerns]
        facts: list[Fact] = []
        for p in provs:
            if p.confidence < 0.7 or p.rule != "rule:provision":  # only terms stated as obligations name parties
                continue
            if p.provision_type == "SECURE_CORRIDOR":  # a force that must guard a route controls it
                for actor in p.obliges:
                    for place in p.concerns:
                        route = self._label(res, place)[1] in {"Corridor", "Road"}
                        if route and self._fits(res, "CONTROLS", actor, place):
                            facts.append(Fact("CONTROLS", actor, place, "rule:provision-guard", 0.55, p.sent,
                                              p.anchors))
            for actor in p.obliges:
                is_state = self._label(res, actor)[1] in {"State", "Polity"}
                if is_state and self._fits(res, "PARTY_TO", actor, p.agreement):
                    facts.append(Fact("PARTY_TO", actor, p.agreement, "rule:provision-party", 0.55, p.sent, p.anchors))
        return facts

    def _signatories(self, res: Resolved, facts: list[Fact]) -> dict[str, list[str]]:
        """Agreement -> the states that signed or joined it in this document, a leader standing for his state."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for f in facts:
            if f.predicate not in {"SIGNED", "PARTY_TO"}:
                continue
            kind = self._label(res, f.subject)[1]
            lex = self.lexicon.by_id.get(f.subject)
            states = [f.subject] if kind == "State" else [
                o.entity for o in (lex.leads if lex and kind == "Person" else [])
                if o.entity in self.lexicon.by_id and self.lexicon.by_id[o.entity].kind == "State"
            ]
            for state in states:
                counts[f.object][state] += 1
                res.entities.setdefault(state, self.lexicon.by_id[state].to_entity())
        return {agreement: [s for s, _ in c.most_common()] for agreement, c in counts.items()}

    def _beneficiaries(self, res: Resolved, sent: Any) -> list[ResolvedMention]:
        out = []
        for tok in sent:
            if tok.dep_ == "prep" and tok.lower_ == "to" and tok.head.lemma_.lower() in {
                "return", "hand", "transfer", "give", "cede", "restore"
            }:
                out += [m for p in tok.children if p.dep_ == "pobj" for m in self._entities_of(res, p)]
        return out

    # -- grounding -----------------------------------------------------------------
    def _attribution(self, res: Resolved, sent: Any) -> tuple[str | None, float]:
        factor = 1.0
        who: str | None = None
        low = sent.text.lower()
        if any(h in low.split() for h in self.hedges):
            factor *= 0.7
        for tok in sent:
            if tok.lemma_.lower() in self.attribution and tok.pos_ == "VERB":
                subj = [m for c in tok.children if c.dep_ == "nsubj" for m in self._entities_of(res, c)]
                if subj:
                    who = subj[0].entity_id
                    factor *= 0.85
                    break
        if who is None and "according to" in low:
            idx = low.index("according to")
            after = [m for m in res.mentions if m.start >= sent.start_char + idx and m.end <= sent.end_char]
            if after:
                who = after[0].entity_id
                factor *= 0.85
        return who, factor

    def _evidence(self, sent: Any, anchors: Iterable[ResolvedMention], inp: ExtractionInput, rule: str,
                  confidence: float) -> Evidence | None:
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

    def _ground_relations(self, facts: list[Fact], inp: ExtractionInput) -> list[Relation]:
        merged: dict[tuple[str, str, str], Relation] = {}
        for f in facts:
            who, factor = self._attribution(inp.resolved, f.sent)
            ev = self._evidence(f.sent, f.anchors, inp, f.rule, f.confidence * factor)
            if ev is None:
                continue
            if who and who not in {f.subject, f.object}:
                ev = ev.model_copy(update={"attributed_to": who})
            key = (f.subject, f.predicate, f.object)
            if key in merged:
                rel = merged[key]
                if all((e.start, e.end) != (ev.start, ev.end) for e in rel.evidence):
                    rel.evidence.append(ev)
                for k, v in f.qualifiers.items():
                    rel.qualifiers.setdefault(k, v)
            else:
                merged[key] = Relation(subject=f.subject, predicate=f.predicate, object=f.object,
                                       qualifiers=dict(f.qualifiers), evidence=[ev])
        return [merged[k] for k in sorted(merged)]

    def _ground_provisions(self, provs: list[ProvisionFact], inp: ExtractionInput) -> list[Provision]:
        """One term restated in a document (same type and agreement, sharing an obliged actor and a place, or
        only the actor for a force's deployment, withdrawal or ceasefire) is one provision with every statement
        as evidence, its parties and places gathered from all of them."""
        out: list[Provision] = []
        for p in provs:
            who, factor = self._attribution(inp.resolved, p.sent)
            ev = self._evidence(p.sent, p.anchors, inp, p.rule, p.confidence * factor)
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


def _topic_of(prep: Any) -> Any | None:
    """The noun an "on" phrase is about: "the statement on X", also when the parser hangs "on X" from the verb
    whose object the noun is ("recalled the statement on X")."""
    if prep.head.pos_ in {"NOUN", "PROPN"}:
        return prep.head
    objects = [c for c in prep.head.children if c.dep_ == "dobj" and c.right_edge.i == prep.i - 1]
    return objects[0] if objects else None


def _dated(sent: Any, published: date | None) -> list[tuple[int, str]]:
    """(first token, ISO date) of each date of a sentence in reading order; "November 15 and November 20"
    counts as two."""
    found: list[tuple[int, str]] = []
    for ent in sent.ents:
        if ent.label_ != "DATE":
            continue
        for phrase in re.split(r"\s*(?:,|\band\b|&)\s*", ent.text):
            iso = resolve_date(phrase, published) if phrase else None
            if iso:
                found.append((ent.start, iso))
    return found
