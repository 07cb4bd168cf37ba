"""Rules for events and the proposals around them: who took part in an event, where it happened, what it led
to, who proposed, rejected or brokered an agreement.

They complement the general verb rules in `extract.py` where the event is named rather than acted on:
actors inside an event's or agreement's name ("the Armenia-Azerbaijan conflict", "Baku's conditions",
"the Russian-imposed ceasefire"), meetings told by a verb ("X met Y in Brussels"), actors doing something
during or at an event, victories in a war, and verbs whose object is a proposal rather than the agreement
itself ("rejected the invitation to talks", "pulled out of the talks", "refused to implement the statement").
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from .facts import ACTOR, AGR, EVALUATIVE_VERBS, EVENT, Fact
from .lexicon import fold
from .resolve import Resolved, ResolvedMention, clause_places, lexicon_event, places_after

if TYPE_CHECKING:
    from .extract import RelationExtractor

ACTOR_KINDS = frozenset({"State", "Polity", "Organization", "ArmedForce", "Group", "Person"})
# "X-brokered", "X-imposed": the actor named before the participle brokered the agreement or event.
BROKERING = {"broker", "brokered", "impose", "imposed", "mediate", "mediated", "sponsor", "sponsored", "led", "lead"}
HOSTING = {"host", "hosted"}
# Verbs that tell a meeting without naming it: "X met Y in Z", "X hosted Y in Z".
MEETING_VERBS = {"meet", "host"}
HOLDING = {"hold", "host", "convene", "organise", "organize", "attend", "stage"}
# A verb that takes a stance on an event (rejects, suspends, backs it) says nothing of taking part in it.
STANCE_PREDICATES = {"REJECTED", "SUSPENDED", "PROPOSED", "OPPOSES", "SUPPORTS"}
# Nouns for the start of an event: whoever launches it takes part ("announced the launch of the offensive").
STARTING_NOUNS = {"launch", "start", "beginning", "onset"}
# Verbs of speech that enact what they announce ("X announced the launch of", "X declared its dissolution").
ANNOUNCING = {"announce", "declare", "proclaim", "order", "decree"}
# Nouns for what one side puts to another: its owner proposed the agreement they are about.
PROPOSAL_NOUNS = {
    "proposal", "proposals", "plan", "plans", "invitation", "invitations", "offer", "offers", "draft", "drafts",
    "initiative", "initiatives", "terms", "conditions", "demands", "blueprint", "roadmap", "package", "idea",
    "version",
}
# "reached agreement on X", "found consensus on X": the object is the fact of agreeing, X what was agreed.
AGREEING_NOUNS = {"agreement", "consensus", "deal", "understanding", "accord"}
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
# "refuse to sign X": a refusal of these acts is a rejection of their object.
REFUSED_ACTS = {
    "sign", "implement", "accept", "recognise", "recognize", "honour", "honor", "attend", "join", "ratify",
    "endorse", "respect", "comply", "abide", "fulfil", "fulfill", "observe", "approve", "participate",
}
REFUSING = {"refuse", "decline"}
UNACCEPTABLE = {"unacceptable", "illegitimate", "invalid", "void", "illegal", "inadmissible"}
JUDGING = {"consider", "deem", "regard", "call", "find", "declare", "see", "view"}
COMBAT_EVENT_KINDS = frozenset({"War", "MilitaryOperation", "Attack"})
# Event kinds whose `of`-phrase names who took part: "the exodus of Karabakh Armenians", "the dissolution of X".
OF_PARTICIPANT_KINDS = frozenset({"Displacement", "Dissolution"})
# Nouns of doing something oneself: their `of`-phrase is the doer ("the withdrawal of Russian peacekeepers").
DOER_OF_NOUNS = {
    "withdrawal", "departure", "pullout", "retreat", "exodus", "flight", "dissolution", "arrival", "deployment",
    "participation", "intervention", "offensive", "advance",
}


class EventRules:
    """The event family's rules over one resolved document; `run` returns the facts they add."""

    def __init__(self, extractor: RelationExtractor) -> None:
        self.x = extractor
        self.lexicon = extractor.lexicon

    def run(self, res: Resolved, found: list[Fact], published: date | None) -> list[Fact]:
        """Facts of the event rules, plus what the facts found so far imply for the states behind forces."""
        facts: list[Fact] = []
        by_sentence: dict[int, list[ResolvedMention]] = {}
        for m in res.mentions:
            by_sentence.setdefault(res.doc[m.token_start].sent.start, []).append(m)
        for sent in res.doc.sents:
            events = [m for m in by_sentence.get(sent.start, [])
                      if m.token_end <= sent.end and self.x._label(res, m.entity_id)[0] in {EVENT, AGR}]
            for m in events:
                if m.explicit:
                    facts += self._actors_in_name(res, sent, m)
                facts += self._fought_over(res, sent, m)
                facts += self._meeting_place(res, sent, m)
                facts += self._in_event_phrase(res, sent, m)
                facts += self._victory_in(res, sent, m)
            for tok in sent:
                if tok.pos_ not in {"VERB", "AUX"} or self.x._negated(tok):
                    continue
                lemma = tok.lemma_.lower()
                if lemma in MEETING_VERBS:
                    facts += self._meeting_verb(res, sent, tok, published)
                facts += self._acts_on_event(res, sent, tok)
                if lemma in REFUSING:
                    facts += self._refusal(res, sent, tok)
                elif lemma in JUDGING:
                    facts += self._judged_unacceptable(res, sent, tok)
                facts += self._acts_on_proposal(res, sent, tok)
            facts += self._proposal_owners(res, sent)
        return facts + self._forces_states(res, found + facts)

    # -- helpers -----------------------------------------------------------------
    def _lex_actor(self, words: str) -> str | None:
        """The lexicon actor a name or adjective stands for ("Azerbaijani", "European Union", "Baku")."""
        key = fold(words)
        eid = self.lexicon.alias_index.get(key) or self.lexicon.adjective_index.get(key)
        lex = self.lexicon.by_id.get(eid) if eid else None
        if lex is None or not (lex.label == ACTOR and lex.kind in ACTOR_KINDS):
            return None
        return lex.id

    def _register(self, res: Resolved, eid: str, toks: Any, rule: str) -> ResolvedMention:
        """A mention of an actor found inside another name, so that the fact's both ends are in the document."""
        lex = self.lexicon.by_id[eid]
        res.entities.setdefault(eid, lex.to_entity())
        first, last = toks[0], toks[-1]
        text = res.doc[first.i : last.i + 1].text
        m = ResolvedMention(eid, first.idx, last.idx + len(last.text), text, first.i, last.i + 1, f"{rule}:{text}")
        res.extra_mentions.append(m)
        return m

    def _fact(self, res: Resolved, predicate: str, s: str, o: str, rule: str, conf: float, sent: Any,
              anchors: list[ResolvedMention]) -> list[Fact]:
        if not self.x._fits(res, predicate, s, o):
            return []
        return [Fact(predicate, s, o, rule, conf, sent, anchors)]

    def _subjects(self, res: Resolved, verb: Any) -> list[ResolvedMention]:
        """Active subjects that are actors; "We, the President of X A and the Prime Minister of Y B, held..."
        (the opening of joint statements) stands for the people it lists."""
        subj, passive = self.x._subjects(res, verb)
        for c in verb.children:
            if c.dep_ == "nsubj" and c.lower_ == "we":
                named = {m.entity_id: m for a in c.children if a.dep_ == "appos" for t in a.subtree
                         if (m := res.mention_at(t.i)) is not None}
                subj += [m for m in named.values() if self.x._label(res, m.entity_id)[1] == "Person"]
        return [] if passive else [m for m in subj if self.x._label(res, m.entity_id)[0] == ACTOR]

    def _forces_states(self, res: Resolved, facts: list[Fact]) -> list[Fact]:
        """`Azerbaijani forces fought in the war`: the state a force's name starts with takes part in what
        the force takes part in; its word becomes a mention of the state."""
        out: list[Fact] = []
        for f in facts:
            if f.predicate != "PARTICIPATED_IN" or self.x._label(res, f.subject)[1] != "ArmedForce":
                continue
            force = next((a for a in f.anchors if a.entity_id == f.subject and a.explicit), None)
            if force is None:
                continue
            word = res.doc[force.token_start]
            if word.lower_ == "the" and force.token_end - force.token_start > 1:
                word = res.doc[force.token_start + 1]
            state = self.lexicon.adjective_index.get(fold(word.text)) or self.lexicon.alias_index.get(fold(word.text))
            if state is None or self.lexicon.by_id[state].kind != "State" or state == f.subject:
                continue
            stand_in = self._register(res, state, [word], "force-of-state")
            out += self._fact(res, "PARTICIPATED_IN", state, f.object, "rule:force-of-state", 0.55, f.sent,
                              [stand_in, *(a for a in f.anchors if a.entity_id == f.object)])
        return out

    # -- names -------------------------------------------------------------------
    def _actors_in_name(self, res: Resolved, sent: Any, m: ResolvedMention) -> list[Fact]:
        """`the Armenia-Azerbaijan conflict`, `the EU's summit`, `attacks by Azerbaijan`: the actors a name
        puts before its head noun (or after `by`) took part; `X-brokered`/`X-imposed` ones brokered it;
        `X's conditions` and `X's plan` are X's proposals."""
        label, kind = self.x._label(res, m.entity_id)
        doc = res.doc
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
                eid = self._lex_actor(" ".join(t.text for t in words[i : i + size]))
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
            if label == EVENT and not self._names_itself(eid, toks):
                continue  # "the Washington talks": a capital standing for its state is the venue, not a side
            if nxt is not None and nxt.lower_ in TERRITORY_NOUNS and self.lexicon.by_id[eid].kind == "State":
                found.append((eid, toks, "place"))  # "incursions into Armenian territory"
                continue
            found.append((eid, toks, self._position(last, head, kind)))
        facts: list[Fact] = []
        for eid, toks, role in found:
            if role == "none":
                continue
            actor = self._register(res, eid, toks, "name-part")
            if role == "place":
                if label == EVENT:
                    facts += self._fact(res, "OCCURRED_IN", m.entity_id, eid, "rule:actor-in-event-name", 0.6, sent,
                                        [actor, m])
            elif role == "broker":
                facts += self._fact(res, "MEDIATED", eid, m.entity_id, "rule:actor-in-event-name", 0.65, sent,
                                    [actor, m])
            elif label == EVENT and role in {"host", "before", "by", "of", "owner"}:
                if role == "of" and kind not in OF_PARTICIPANT_KINDS and head.lemma_.lower() not in DOER_OF_NOUNS:
                    continue
                if role == "before" and not self._takes_part_before(res, eid, kind, toks, found, head.i):
                    continue
                facts += self._fact(res, "PARTICIPATED_IN", eid, m.entity_id, "rule:actor-in-event-name", 0.6,
                                    sent, [actor, m])
            elif label == AGR and role == "owner" and head.lower_ in PROPOSAL_NOUNS:
                facts += self._fact(res, "PROPOSED", eid, m.entity_id, "rule:actor-in-event-name", 0.6, sent,
                                    [actor, m])
        return facts

    def _names_itself(self, eid: str, toks: list[Any]) -> bool:
        """Whether words name a state as such (its name, a longer form of it, its adjective), not by a
        metonym such as its capital; other actors are always named as such."""
        lex = self.lexicon.by_id[eid]
        if lex.kind != "State":
            return True
        words = fold(" ".join(t.text for t in toks))
        return fold(lex.name) in words or words in {fold(a) for a in lex.adjectives}

    @staticmethod
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

    def _takes_part_before(self, res: Resolved, eid: str, kind: str, toks: list[Any],
                           found: list[tuple[str, list[Any], str]], m_head: int) -> bool:
        """An actor before the head takes part; for displacements only the displaced group does, and in
        other events only the sides of a conflict named as a hyphenated pair ("the Armenia-Azerbaijan conflict")."""
        lex_kind = self.lexicon.by_id[eid].kind
        if kind == "Displacement":
            return lex_kind == "Group"
        if kind != "Other":
            return True
        if res.doc[m_head].lemma_.lower() not in CONFLICT_NOUNS:
            return False
        doc = res.doc
        first, last = toks[0], toks[-1]
        paired_after = last.i + 1 < len(doc) and doc[last.i + 1].text in {"-", "–"}
        paired_before = first.i > 0 and doc[first.i - 1].text in {"-", "–"}
        return (paired_after or paired_before) and sum(1 for f in found if f[2] == "before") >= 2

    # -- meetings ------------------------------------------------------------------
    def _acts_on_event(self, res: Resolved, sent: Any, verb: Any) -> list[Fact]:
        """`X held talks with Y`, `X announced the launch of the offensive`, `X began what it called an
        operation`: the subject (and the `with`-side) of a verb whose object is an event take part in it."""
        lemma = verb.lemma_.lower()
        if lemma in EVALUATIVE_VERBS or self.x.predicates.keys_for(verb) & STANCE_PREDICATES:
            return []
        events: list[ResolvedMention] = []
        for c in verb.children:
            if c.dep_ == "dobj":
                targets = [c]
                # "the launch of the offensive": the event the starting noun is about
                if c.lemma_.lower() in STARTING_NOUNS:
                    targets += [p for g in c.children if g.dep_ == "prep" and g.lower_ == "of"
                                for p in g.children if p.dep_ == "pobj"]
                events += [m for t in targets for m in self.x._entities_of(res, t)]
            elif c.dep_ in {"ccomp", "dobj"} and c.pos_ == "VERB" and any(g.lower_ == "what" for g in c.children):
                # "began what it called an operation"
                events += [m for g in c.children if g.dep_ in {"oprd", "dobj", "attr"}
                           for m in self.x._entities_of(res, g)]
        events = [e for e in events if self.x._label(res, e.entity_id)[0] == EVENT]
        if not events or (lemma in self.x.attribution and lemma not in ANNOUNCING):
            return []  # "X reported the attack" says nothing of X's part; "X announced its dissolution" does
        sides = self._subjects(res, verb)
        sides += [m for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"
                  for p in c.children if p.dep_ == "pobj" for m in self.x._entities_of(res, p)]
        facts: list[Fact] = []
        for a in sides:
            for e in events:
                facts += self._fact(res, "PARTICIPATED_IN", a.entity_id, e.entity_id, "rule:acts-on-event", 0.6,
                                    sent, [a, e])
        return facts

    def _fought_over(self, res: Resolved, sent: Any, m: ResolvedMention) -> list[Fact]:
        """`the war for Karabakh`, `the battle over the town`: a fight for a place happens there."""
        if self.x._label(res, m.entity_id)[1] not in COMBAT_EVENT_KINDS:
            return []
        head = res.doc[m.token_start : m.token_end].root
        facts: list[Fact] = []
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in {"for", "over"}:
                for p in c.children:
                    for place in self.x._entities_of(res, p) if p.dep_ == "pobj" else []:
                        facts += self._fact(res, "OCCURRED_IN", m.entity_id, place.entity_id, "rule:fought-over",
                                            0.6, sent, [m, place])
        return facts

    def _meeting_place(self, res: Resolved, sent: Any, m: ResolvedMention) -> list[Fact]:
        """`a meeting with residents in the city of X`: a meeting takes place where its phrase says, even when
        the parser hangs `in X` on a noun inside it."""
        if self.x._label(res, m.entity_id)[1] != "Meeting":
            return []
        head = res.doc[m.token_start : m.token_end].root
        places = [p for t in head.subtree if t.i >= m.token_end or t.i == head.i for p in places_after(res, t)]
        if head.dep_ == "dobj" and head.head.lemma_.lower() in HOLDING:  # "held a meeting with X in Y"
            places += clause_places(res, head.head)
        facts: list[Fact] = []
        for place in places:
            facts += self._fact(res, "OCCURRED_IN", m.entity_id, place.entity_id, "rule:meeting-place", 0.6, sent,
                                [m, place])
            if self.x._label(res, place.entity_id)[1] == "State":  # "the summit in Tehran": the state hosts it
                facts += self._fact(res, "PARTICIPATED_IN", place.entity_id, m.entity_id, "rule:meeting-place", 0.55,
                                    sent, [place, m])
        return facts

    def _meeting_verb(self, res: Resolved, sent: Any, verb: Any, published: date | None) -> list[Fact]:
        """`X met Y in Brussels on 26 September`: the lexicon's meeting at that place (and date); the verb's
        subject, object and `with`-phrase took part, and it took place there."""
        objects = [c for c in verb.children if c.dep_ == "dobj"]
        if any(self.x._label(res, m.entity_id)[0] == EVENT for c in objects for m in self.x._entities_of(res, c)):
            return []  # "hosted the summit": the event is named; the general rules read it
        places = clause_places(res, verb)  # "met the secretary X in Brussels": the phrase hangs off the object
        event = lexicon_event(self.lexicon, frozenset({"Meeting"}), [p.entity_id for p in places], sent, published)
        if event is None:
            return []
        res.entities.setdefault(event.id, event.to_entity())
        anchor = ResolvedMention(event.id, verb.idx, verb.idx + len(verb.text), verb.text, verb.i, verb.i + 1,
                                 f"event-verb:{verb.text}")
        res.extra_mentions.append(anchor)
        people = self._subjects(res, verb)
        for obj in objects:  # "met the secretary of the Council X": the person, not the body they serve
            named = {m.entity_id: m for t in obj.subtree if (m := res.mention_at(t.i)) is not None}
            persons = [m for m in named.values() if self.x._label(res, m.entity_id)[1] == "Person"]
            people += persons or self.x._entities_of(res, obj)
        people += [m for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"
                   for p in c.children if p.dep_ == "pobj" for m in self.x._entities_of(res, p)]
        people += self._hosts(res, verb)
        facts: list[Fact] = []
        for p in people:
            if p.entity_id not in {q.entity_id for q in places}:
                facts += self._fact(res, "PARTICIPATED_IN", p.entity_id, event.id, "rule:meeting-verb", 0.65, sent,
                                    [p, anchor])
        for place in places:
            facts += self._fact(res, "OCCURRED_IN", event.id, place.entity_id, "rule:meeting-verb", 0.65, sent,
                                [anchor, place])
        return facts

    def _hosts(self, res: Resolved, verb: Any) -> list[ResolvedMention]:
        """`at the invitation of X`, `hosted by X`: the host of a meeting takes part in it."""
        hosts: list[ResolvedMention] = []
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ in {"at", "with", "on", "upon", "by"}:
                for p in c.children:
                    if p.dep_ == "pobj" and p.lemma_.lower() == "invitation":
                        hosts += [m for g in p.children if g.dep_ == "prep" and g.lower_ == "of"
                                  for q in g.children if q.dep_ == "pobj" for m in self.x._entities_of(res, q)]
        return hosts

    # -- actors at events ------------------------------------------------------------
    def _in_event_phrase(self, res: Resolved, sent: Any, m: ResolvedMention) -> list[Fact]:
        """`X said at the summit`, `during the war X captured Y`: the subject of a verb with an event in a
        `during`/`at`/`in` phrase took part in it (for wars and attacks only when the verb is one of fighting)."""
        kind = self.x._label(res, m.entity_id)[1]
        head = res.doc[m.token_start : m.token_end].root
        part = head.head.head if head.dep_ == "pobj" and head.head.lower_ == "of" else None
        if part is not None and part.lower_ == "part" and part.dep_ == "pobj" and part.head.lower_ == "as":
            verb = part.head.head  # "X used drones as part of the operation": X acts in it
            if verb.pos_ != "VERB" or self.x._negated(verb) or verb.lemma_.lower() in EVALUATIVE_VERBS:
                return []
            return [f for s in self._subjects(res, verb)
                    for f in self._fact(res, "PARTICIPATED_IN", s.entity_id, m.entity_id, "rule:actor-at-event", 0.6,
                                        sent, [s, m])]
        if head.dep_ == "pobj" and head.head.lower_ in {"at", "during", "following", "after"} and kind == "Meeting":
            facts = self._adopted_at(res, sent, m, head.head.head)
        else:
            facts = []
        if head.dep_ != "pobj" or head.head.lower_ not in {"during", "at", "in", "throughout"}:
            return facts
        verb = head.head.head
        if kind == "Meeting" and head.head.lower_ != "in":
            verbs = [verb] if verb.pos_ in {"VERB", "AUX"} else []
        elif kind in COMBAT_EVENT_KINDS and head.head.lower_ in {"during", "in", "throughout"}:
            # the fighting verbs of the clause the phrase belongs to, or of a clause describing the event
            clause = verb if verb.pos_ in {"VERB", "AUX"} else None
            verbs = [t for t in sent if t.pos_ == "VERB" and t.lemma_.lower() in COMBAT_VERBS
                     and (clause is None or t.i == clause.i or t.head.i in {clause.i, head.i})]
        else:
            return facts
        for v in verbs:
            if self.x._negated(v) or v.lemma_.lower() in EVALUATIVE_VERBS:
                continue
            for s in self._subjects(res, v):
                facts += self._fact(res, "PARTICIPATED_IN", s.entity_id, m.entity_id, "rule:actor-at-event", 0.6,
                                    sent, [s, m])
        return facts

    def _adopted_at(self, res: Resolved, sent: Any, m: ResolvedMention, verb: Any) -> list[Fact]:
        """`At the summit the leaders signed a declaration`, `after the meeting they issued a statement`: an
        agreement made at (or right after) a meeting is what the meeting resulted in."""
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in ADOPTING or self.x._negated(verb):
            return []
        made = [o for o in self.x._objects(res, verb, self.x._is_passive(verb))
                if self.x._label(res, o.entity_id)[0] == AGR]
        return [f for a in made for f in self._fact(res, "RESULTED_IN", m.entity_id, a.entity_id,
                                                    "rule:adopted-at-event", 0.6, sent, [m, a])]

    def _victory_in(self, res: Resolved, sent: Any, m: ResolvedMention) -> list[Fact]:
        """`X's victory in the war`, `the war, which ended with the triumph of X`: the winner (or loser) took
        part in the war."""
        if self.x._label(res, m.entity_id)[1] not in COMBAT_EVENT_KINDS:
            return []
        head = res.doc[m.token_start : m.token_end].root
        nouns = []
        if head.dep_ == "pobj" and head.head.lower_ in {"in", "of"} and head.head.head.lemma_.lower() in VICTORY_NOUNS:
            nouns.append(head.head.head)
        clauses = [c for c in head.children if c.dep_ == "relcl"]
        if head.dep_ in {"nsubj", "nsubjpass"}:
            clauses.append(head.head)
        for verb in clauses:
            nouns += [p for c in verb.children if c.dep_ == "prep" and c.lower_ in {"with", "in"}
                      for p in c.children if p.dep_ == "pobj" and p.lemma_.lower() in VICTORY_NOUNS]
        facts: list[Fact] = []
        for noun in nouns:
            owners: list[ResolvedMention] = []
            for c in noun.children:
                if c.dep_ == "poss":
                    owners += self.x._entities_of(res, c)
                elif c.dep_ == "prep" and c.lower_ in {"of", "by"}:
                    owners += [o for p in c.children if p.dep_ == "pobj" for o in self.x._entities_of(res, p)]
                elif c.dep_ in {"amod", "compound"} and res.mention_at(c.i) is None:
                    adj = self.x._adjective(res, c)
                    owners += [adj] if adj else []
            for o in owners:
                facts += self._fact(res, "PARTICIPATED_IN", o.entity_id, m.entity_id, "rule:victory-in-event", 0.6,
                                    sent, [o, m])
        return facts

    # -- proposals -----------------------------------------------------------------
    def _content(self, res: Resolved, noun: Any, nouns: set[str] = PROPOSAL_NOUNS) -> list[ResolvedMention]:
        """What a proposal noun is about: `the invitation to/for talks`, `the proposal on a peace treaty`."""
        if noun.lower_ not in nouns or res.mention_at(noun.i) is not None:
            return []
        return [
            m for c in noun.children if c.dep_ == "prep" and c.lower_ in {"for", "on", "of", "to", "about"}
            for p in c.children if p.dep_ == "pobj" for m in self.x._entities_of(res, p)
            if self.x._label(res, m.entity_id)[0] in {AGR, EVENT}
        ]

    def _acts_on_proposal(self, res: Resolved, sent: Any, verb: Any) -> list[Fact]:
        """`rejected the invitations for direct talks`, `pulled out of the talks`: a verb of rejecting,
        proposing or accepting whose object is a proposal about an agreement (or the `of`-phrase of a
        phrasal verb) concerns that agreement."""
        keys = self.x.predicates.keys_for(verb)
        phrasal: list[Any] = []  # "pull out of X": the parser hangs "of" on the particle, or on the verb
        for c in verb.children:
            if c.dep_ in {"prt", "prep"} and c.lower_ in {"out", "away", "off"}:
                for of in [*c.children, *verb.children]:
                    if of.dep_ == "prep" and of.lower_ == "of":
                        keys |= self.x.predicates.by_phrase.get(f"{verb.lemma_.lower()} {c.lower_} of", set())
                        phrasal += [p for p in of.children if p.dep_ == "pobj"]
        keys &= {"REJECTED", "PROPOSED", "PARTY_TO"}
        if not keys:
            return []
        subj, passive = self.x._subjects(res, verb)
        objects: list[ResolvedMention] = [m for p in phrasal for m in self.x._entities_of(res, p)]
        for c in verb.children:
            if c.dep_ == "dobj" or (passive and c.dep_ == "nsubjpass"):
                objects += self._content(res, c, PROPOSAL_NOUNS | AGREEING_NOUNS)
        facts: list[Fact] = []
        for predicate in sorted(keys):
            for s in subj:
                for o in objects:
                    facts += self._fact(res, predicate, s.entity_id, o.entity_id, "rule:proposal-object", 0.6, sent,
                                        [s, o])
        return facts

    def _proposal_owners(self, res: Resolved, sent: Any) -> list[Fact]:
        """`invitations from X for talks`, `X's proposal on a treaty`: X proposed what the proposal is about."""
        facts: list[Fact] = []
        for noun in sent:
            content = self._content(res, noun)
            if not content:
                continue
            owners: list[ResolvedMention] = []
            for c in noun.children:
                if c.dep_ == "poss":
                    owners += self.x._entities_of(res, c)
                elif c.dep_ == "prep" and c.lower_ in {"from", "by"}:
                    owners += [o for p in c.children if p.dep_ == "pobj" for o in self.x._entities_of(res, p)]
                elif c.dep_ in {"amod", "compound"} and res.mention_at(c.i) is None:
                    adj = self.x._adjective(res, c)
                    owners += [adj] if adj else []
            for o in owners:
                for a in content:
                    if self.x._label(res, a.entity_id)[0] == AGR:
                        facts += self._fact(res, "PROPOSED", o.entity_id, a.entity_id, "rule:proposal-owner", 0.6,
                                            sent, [o, a])
        return facts

    def _refusal(self, res: Resolved, sent: Any, verb: Any) -> list[Fact]:
        """`X refused to sign/implement Y`: X rejected Y (the act itself is negated, so no PARTY_TO)."""
        facts: list[Fact] = []
        subj = self._subjects(res, verb)
        for act in verb.children:
            if act.dep_ != "xcomp" or act.lemma_.lower() not in REFUSED_ACTS:
                continue
            objects = [o for o in self.x._objects(res, act, False)
                       if self.x._label(res, o.entity_id)[0] in {AGR, EVENT}]
            for s in subj:
                for o in objects:
                    facts += self._fact(res, "REJECTED", s.entity_id, o.entity_id, "rule:refused-act", 0.65, sent,
                                        [s, o])
        return facts

    def _judged_unacceptable(self, res: Resolved, sent: Any, verb: Any) -> list[Fact]:
        """`X considers Y unacceptable`, `X deemed Y illegitimate`: X rejects Y."""
        judged = False
        for c in verb.children:
            if c.dep_ in {"oprd", "acomp", "xcomp", "ccomp"} and c.lemma_.lower() in UNACCEPTABLE:
                judged = True
            if c.dep_ == "prep" and c.lower_ == "as":
                judged = judged or any(p.lemma_.lower() in UNACCEPTABLE for p in c.children)
            if c.dep_ == "dobj" and any(g.lemma_.lower() in UNACCEPTABLE and g.dep_ in {"amod", "oprd", "acomp"}
                                        and g.i > c.i for g in c.children):
                judged = True
        if not judged:
            return []
        objects = [o for c in verb.children if c.dep_ in {"dobj", "nsubj"} and c.i > verb.i
                   for o in self.x._entities_of(res, c) if self.x._label(res, o.entity_id)[0] in {AGR, EVENT}]
        for c in verb.children:  # "considers a treaty ... unacceptable" parsed as a clause
            if c.dep_ in {"ccomp", "xcomp"}:
                objects += [o for g in c.children if g.dep_ == "nsubj" for o in self.x._entities_of(res, g)
                            if self.x._label(res, o.entity_id)[0] in {AGR, EVENT}]
        facts: list[Fact] = []
        for s in self._subjects(res, verb):
            for o in objects:
                facts += self._fact(res, "REJECTED", s.entity_id, o.entity_id, "rule:judged-unacceptable", 0.6,
                                    sent, [s, o])
        return facts

