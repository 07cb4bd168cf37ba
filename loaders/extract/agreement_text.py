"""A document that is an agreement's own text: its genre, the agreement it is, who signed it for whom, and
where each clause starts.

Read once per document from the layout and the grammar, not from any one conflict's wording: a title or
opening that names a statement, declaration, memorandum, decree ...; obligations ("shall", "agree to");
"the Parties" / "the Sides"; numbered or lettered clauses; the formula "We, the President of ... A.B. Name"
and a closing block of offices and names with a dateline. A news article that quotes one clause has none of
the structure and is not taken for the agreement itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..lexicon import LexiconEntity, fold
from ..mentions import slugify
from ..resolve import ResolvedMention
from ..timeparse import resolve_date
from ..vocabulary import AGREEMENT_NOUNS
from .context import DocumentContext
from .registry import Example, Stage, rule
from .toolkit import clause_places, date_of
from .vocabulary import ACTOR, AGR

# Head nouns that make a text an agreement's own when its title or opening names one.
GENRE_NOUNS = {
    "statement", "declaration", "agreement", "memorandum", "decree", "protocol", "treaty", "communique",
    "communiqué", "accord", "convention", "joint statement", "initiative",
}
GENRE_WORD = re.compile(r"\b(" + "|".join(sorted(GENRE_NOUNS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
WE_FORMULA = re.compile(r"(?:^|\n)[ \t]*(?P<we>We),\s+(?:the\s+)?[A-Z]")
PARTIES_WORDS = re.compile(
    r"\b(?:(?:[Tt]he|[Bb]oth|[Tt]wo)\s+(?:High\s+Contracting\s+)?(?:[Pp]arties|[Ss]ides)|(?:[Ee]ach|[Ee]ither)\s+"
    r"(?:[Pp]arty|[Ss]ide))"
    r"\b"
)
CLAUSE_MARK = re.compile(
    r"^[ \t]*(?:(?:Article|Point|Clause|Paragraph)\s+(?P<word>\d{1,2}|[IVX]{1,4})\b[.:]?"
    r"|(?P<num>\d{1,2})[.)](?=\s)|\(?(?P<letter>[a-h])\)(?=\s))",
    re.MULTILINE,
)
BINDING = re.compile(r"\b(?:shall|undertakes?\s+to|agreed?\s+to|agrees\s+to|will|hereby)\b", re.IGNORECASE)
REPORTING = re.compile(r"\b(?:said|told|according\s+to|reported|quoted|reads?:)\b", re.IGNORECASE)
INITIALLED = re.compile(r"\b(?:[A-Z][a-z]?\.\s?){1,3}(?:[A-Z][a-z][\w'’-]+|[A-Z]{2,}[A-Z'’-]*\b)")
OFFICE = re.compile(
    r"\b(?:Acting\s+|Interim\s+|First\s+|Deputy\s+|Vice[- ])?(?:President|Prime\s+Minister|Chairman|Chairperson|"
    r"Chair|Secretary[- ]General|Minister(?:\s+of\s+(?:Foreign\s+Affairs|Defen[cs]e))?|King|Emir|Chancellor|"
    r"Head\s+of\s+State|Commander(?:-in-Chief)?|Special\s+Representative|High\s+Representative|Envoy|Governor|"
    r"Ambassador|Representative|Plenipotentiary|Head\s+of\s+(?:the\s+)?Delegation)\b"
)
DATE_TEXT = r"\d{1,2}\s+[A-Z][a-z]+,?\s+\d{4}|[A-Z][a-z]+\s+\d{1,2},\s+\d{4}"
DATELINE = re.compile(
    rf"^[ \t]*(?:(?:Done|Signed|Adopted)\s+(?:at|in)\s+)?(?P<place>[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*)*)"
    rf"(?:,\s*|\s+on\s+)(?P<date>{DATE_TEXT})\.?[ \t]*$",
    re.MULTILINE,
)
DONE_AT = re.compile(
    rf"\b(?:Done|Signed|Adopted)\s+(?:at|in)\s+(?P<place>[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*)*),?\s+(?:on\s+)?"
    rf"(?:the\s+)?(?P<date>{DATE_TEXT})"
)
NAME_LINE = re.compile(r"^(?:[A-Z][a-zà-ÿ'’-]+\s+){1,3}[A-Z][a-zà-ÿ'’-]+$")
NAME_AT = re.compile(r"(?:[A-Z][a-zà-ÿ'’-]+\s+){1,3}[A-Z][a-zà-ÿ'’-]+")
DATE_LINE = re.compile(rf"^[ \t]*(?P<date>{DATE_TEXT})\.?[ \t]*$", re.MULTILINE)
DEFINED_PARTIES = re.compile(
    r"(?:hereinafter|hereafter)\s+(?:jointly\s+)?(?:referred\s+to\s+as|called)\s+(?:the\s+)?[\"“']?(?:Parties|Sides)"
)
PARTY_KINDS = {"State", "Organization", "Polity"}
SMALL_WORDS = {"of", "the", "on", "and", "in", "for", "between", "to", "at", "by", "with"}
TAIL_LINES = 14  # the closing lines searched for a signature block
SIGNATURE_WORDS = 14  # a signature's line is short: an office and a name, no paragraph


@dataclass
class Signer:
    person: ResolvedMention
    party: str | None
    office: str | None
    span: Any  # the words that say it: the opening formula's sentence or the signature line


@dataclass
class AgreementText:
    agreement: str
    body_start: int  # character where the agreement's own words begin (after a news wrapper, if any)
    date: str | None
    place: str | None
    signers: list[Signer] = field(default_factory=list)
    clauses: list[tuple[int, str]] = field(default_factory=list)  # (character, clause number or letter)
    defining: list[ResolvedMention] = field(default_factory=list)  # "X and Y, hereinafter ... the Parties"

    @property
    def defined(self) -> list[str]:
        return [m.entity_id for m in self.defining]

    @property
    def parties(self) -> list[str]:
        return list(dict.fromkeys(s.party for s in self.signers if s.party))

    @property
    def bound(self) -> list[str]:
        """Who "the Parties" of a clause are: those the text defines so, else every party."""
        return self.defined or self.parties

    def covers(self, char: int) -> bool:
        return char >= self.body_start

    def clause_at(self, char: int) -> str | None:
        label = None
        for start, mark in self.clauses:
            if start > char:
                break
            label = mark
        return label


def agreement_text(ctx: DocumentContext) -> AgreementText | None:
    """The agreement this document is the text of, read once per document; None for any other document."""
    return ctx.remember("agreement-text", None, lambda: read_agreement_text(ctx))


def read_agreement_text(ctx: DocumentContext) -> AgreementText | None:
    """Genre first (a title or "We, ..." opening, some structure, at least three signs of the genre, not a
    report of it), then the date and place, the signers and the agreement the text is."""
    text = ctx.text
    lines = [(m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.group(0).strip())
             for m in re.finditer(r"[^\n]*\S[^\n]*", text)]
    if len(lines) < 2:
        return None
    title_at, title = next(((s, line) for s, line in lines[:3] if is_title(line)), (None, None))
    formula = WE_FORMULA.search(text)
    clauses = [(m.start(), m.group("word") or m.group("num") or m.group("letter")) for m in CLAUSE_MARK.finditer(text)]
    body_start = formula.start("we") if formula else min([c for c, _ in clauses[:1]] + [title_at or 0])
    body = text[body_start:]
    after = max([body_start + 1] + [c for c, _ in clauses])  # the signature block closes the text
    signature = signature_block(ctx, [(s, line) for s, line in lines[-TAIL_LINES:] if s >= after])
    signals = [
        formula is not None, bool(PARTIES_WORDS.search(body)), len(clauses) >= 2,
        len(BINDING.findall(body)) >= 2, bool(signature), bool(DATELINE.search(body)),
    ]
    structural = formula is not None or len(clauses) >= 2 or bool(signature)
    reported = len(REPORTING.findall(body)) >= 2 and not (formula or signature)
    if not (title is not None or formula) or not structural or sum(signals) < 3 or reported:
        return None
    reference = ctx.published or latest_cited(body)
    when, place = dateline(ctx, body_start, reference)
    signers = opening_signers(ctx, formula.start("we") if formula else None)
    if formula is not None and (when is None or place is None):
        verb = ctx.doc.char_span(formula.start("we"), formula.end(), alignment_mode="expand")
        root = verb.sent.root if verb is not None else None
        if root is not None:
            when = when or date_of(root, reference)
            place = place or next((m.text for m in clause_places(ctx, root)), None)
    if when is not None and reference is None and when[:4] not in text:
        when = None  # a day with no year, in a text that gives none: the year is unknown
    seen = {s.person.entity_id for s in signers}
    seen |= {fold(re.split(r"[.\s]", ctx.res.entities[s.person.entity_id].name)[-1]) for s in signers}
    signers += block_signers(ctx, signature, seen)
    agreement = document_agreement(ctx, title_at, title, when, body_start)
    return AgreementText(agreement, body_start, when, place, signers, clauses, defined_parties(ctx, body_start))


def defined_parties(ctx: DocumentContext, body_start: int) -> list[ResolvedMention]:
    """The mentions of the states or bodies named just before "hereinafter referred to as the Parties"."""
    hit = DEFINED_PARTIES.search(ctx.text, body_start)
    if hit is None:
        return []
    start = max(ctx.text.rfind(".", 0, hit.start()), ctx.text.rfind("\n", 0, hit.start()), body_start)
    named = [m for m in ctx.res.mentions if start <= m.start < hit.start() and m.explicit
             and ctx.kind(m.entity_id) in PARTY_KINDS]
    return [m for i, m in enumerate(named) if all(m.entity_id != o.entity_id for o in named[:i])]


def is_title(line: str) -> bool:
    """A heading that names an agreement: short, no closing full stop, an agreement noun among its words."""
    words = line.split()
    return 0 < len(words) <= 45 and not line.rstrip().endswith(".") and GENRE_WORD.search(line) is not None


def signing_for(line: str) -> bool:
    """An office ("President of ...") or "For the Republic of X": what a signature's name is signed as."""
    return bool(OFFICE.search(line)) or line.lower().startswith(("for ", "on behalf of "))


def name_line(line: str) -> bool:
    """A line that is only a person's name ("Amara Diallo"), as under "For the Republic of X"."""
    return NAME_LINE.match(line) is not None and not OFFICE.search(line) and not GENRE_WORD.search(line)


def signature_block(ctx: DocumentContext, lines: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """(start, end) of each signature among the closing lines: an office and a name on one line; a name under
    (or over) a line saying whom it signs for; an initialled name alone."""
    def named(at: int, line: str) -> bool:
        return INITIALLED.search(line) is not None or any(
            at <= m.start < at + len(line) and ctx.kind(m.entity_id) == "Person" for m in ctx.res.mentions)

    found = []
    lines = [(at, line) for at, line in lines if len(line.split()) <= SIGNATURE_WORDS and line[-1] not in ".!?:"]
    for i, (start, line) in enumerate(lines):
        before = lines[i - 1] if i else None
        after = lines[i + 1] if i + 1 < len(lines) else None
        if named(start, line) and signing_for(line):
            found.append((start, start + len(line)))
        elif not (named(start, line) or name_line(line)):
            continue
        elif before and signing_for(before[1]) and not named(*before):
            found.append((before[0], start + len(line)))
        elif after and signing_for(after[1]) and not named(*after) and not after[1].lower().startswith("for "):
            found.append((start, after[0] + len(after[1])))  # "A.B. Name" over "President of X"
        elif INITIALLED.fullmatch(line):
            found.append((start, start + len(line)))
    return found


def latest_cited(body: str) -> date | None:
    """With no publication date, a date without a year is read in the latest year the text cites: an
    agreement does not come before the agreements it implements."""
    years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", body)]
    return date(max(years), 12, 31) if years else None


def dateline(ctx: DocumentContext, body_start: int, reference: date | None) -> tuple[str | None, str | None]:
    """The signing date and place: a closing "Lenz, 3 May 2023" / "Done at X on ..." line, or a date alone on
    the closing lines."""
    found = [m for m in DATELINE.finditer(ctx.text, body_start)] or [m for m in DONE_AT.finditer(ctx.text,
                                                                                                   body_start)]
    if found:
        return resolve_date(found[-1].group("date"), reference), found[-1].group("place").strip()
    alone = [m for m in DATE_LINE.finditer(ctx.text, body_start)]
    return (resolve_date(alone[-1].group("date"), reference) if alone else None), None


def person_mentions(ctx: DocumentContext, start: int, end: int) -> list[ResolvedMention]:
    """People named between two characters: resolved Person mentions, and initialled names ("A.B. Name",
    "A.B.Name") the resolver left unnamed, made entities of the document."""
    found = [m for m in ctx.res.mentions if start <= m.start and m.end <= end and m.explicit
             and ctx.kind(m.entity_id) == "Person"]
    text = ctx.text
    hits = list(INITIALLED.finditer(text, start, end))
    if not hits and not found and "\n" in text[start:end]:  # a name alone on its line, under "For X" or over an office
        lines = [m for m in re.finditer(r"[^\n]+", text[start:end]) if name_line(m.group(0).strip())]
        hits = [m for line in lines[:1] if (m := NAME_AT.search(text, start + line.start(), start + line.end()))]
    for hit in hits:
        span = ctx.doc.char_span(hit.start(), hit.end(), alignment_mode="expand")
        if span is None or any(m.start <= hit.start() < m.end for m in found):
            continue
        covering = ctx.res.mention_at(span.start)
        if covering is not None and ctx.kind(covering.entity_id) == "Person":
            found.append(covering)
            continue
        written = re.sub(r"\b([A-Z])([A-Z'’-]+)\b", lambda w: w.group(1) + w.group(2).lower(), hit.group(0))
        surname = re.split(r"[.\s]", written)[-1]  # how the text names the person afterwards
        entry = known_person(ctx, written) or LexiconEntity(
            id=slugify(written), label=ACTOR, kind="Person", name=" ".join(written.split()), aliases=[surname])
        found.append(ctx.link(entry, span[0], span[-1], "agreement:initialled-name", hit.group(0)))
    return sorted(found, key=lambda m: m.start)


def known_person(ctx: DocumentContext, written: str) -> LexiconEntity | None:
    """The one lexicon person whose surname an initialled name gives."""
    surname = fold(re.split(r"[.\s]", written)[-1])
    matches = [e for e in ctx.lexicon.entities if e.kind == "Person" and fold(e.name.split()[-1]) == surname]
    return matches[0] if len(matches) == 1 else None


def segment_signer(ctx: DocumentContext, person: ResolvedMention, start: int, end: int, span: Any) -> Signer:
    """Who a person signs for: the state or body named with their office in the same segment, else the
    lexicon's office of the person."""
    bodies = [m for m in ctx.res.mentions if start <= m.start and m.end <= end and m.entity_id != person.entity_id
              and ctx.label(m.entity_id)[0] == ACTOR and ctx.kind(m.entity_id) in PARTY_KINDS]
    office = OFFICE.search(ctx.text, start, end)
    # "Ambassador of X to Y" signs for X: the body right after the office, else the last one named
    after_office = [m for m in bodies if office is not None and m.start >= office.end()]
    chosen = after_office or bodies[-1:]
    party = chosen[0].entity_id if chosen else None
    if party is None:
        lex = ctx.lexicon.by_id.get(person.entity_id)
        party = next((o.entity for o in (lex.leads if lex else []) if o.entity in ctx.lexicon.by_id), None)
        if party is not None:
            ctx.add_entity(ctx.lexicon.by_id[party])
    return Signer(person, party, " ".join(office.group(0).split()) if office else None, span)


def opening_signers(ctx: DocumentContext, at: int | None) -> list[Signer]:
    """ "We, the Prime Minister of the Republic of X A.B. Name, the President of Y C.D. Name, ...": each
    person with the office and state named before their name."""
    if at is None:
        return []
    span = ctx.doc.char_span(at, at + 1, alignment_mode="expand")
    if span is None:
        return []
    sent = span.sent
    verb = sent.root
    end = verb.idx if verb.idx > at else sent.end_char
    people = person_mentions(ctx, at, end)
    out, last = [], at
    for person in people:
        out.append(segment_signer(ctx, person, last, person.start, sent))
        last = person.end
    return out


def block_signers(ctx: DocumentContext, block: list[tuple[int, int]], seen: set[str]) -> list[Signer]:
    """The closing block: an office and a name on one line ("President of the Republic of X   A.B. Name"), or
    the name under "For the Republic of X"."""
    out = []
    for start, end in block:
        for person in person_mentions(ctx, start, end):
            span = ctx.doc.char_span(start, end, alignment_mode="expand")
            signer = segment_signer(ctx, person, start, end, span)
            surname = fold(re.split(r"[.\s]", ctx.res.entities[person.entity_id].name)[-1])
            if person.entity_id not in seen and surname not in seen and span is not None:
                seen |= {person.entity_id, surname}
                out.append(signer)
    return out


def document_agreement(ctx: DocumentContext, title_at: int | None, title: str | None, when: str | None,
                       body_start: int) -> str:
    """The agreement the text is: the lexicon's one its title names, else the lexicon's one of its date, else
    one its title names that discovery found, else a new agreement named from its title (or kind) and date.
    The agreement is linked to the title (or the first word naming the genre), so that its facts are kept."""
    named = []
    if title_at is not None and title is not None:
        named = [m for m in ctx.res.mentions if title_at <= m.start and m.end <= title_at + len(title)
                 and ctx.label(m.entity_id)[0] == AGR and len(ctx.res.entities[m.entity_id].name.split()) > 1]
    if named and named[0].entity_id in ctx.lexicon.by_id:
        return named[0].entity_id
    noun = GENRE_WORD.search(title or ctx.text[body_start:])
    heading = re.split(r"\s*[:|–—]\s+", title.strip())[0] if title else ""
    anchor = anchor_span(ctx, title_at, heading, noun, body_start)
    dated = lexicon_agreement(ctx, when)
    if dated is not None and anchor is not None:
        ctx.link(dated, anchor[0], anchor[-1], "agreement:dated")
        return dated.id
    whole = [m for m in named if len(ctx.res.entities[m.entity_id].name) >= 0.8 * len(heading.strip())]
    if whole:  # discovery named the whole title, not a piece of it ("Joint Statement" of a longer title)
        return whole[0].entity_id
    if heading.isupper():  # "DECREE OF THE PRESIDENT" -> "Decree of the President"
        heading = " ".join(w if w.lower() in SMALL_WORDS else w.capitalize() for w in heading.lower().split())
        heading = heading[0].upper() + heading[1:]
    kind = AGREEMENT_NOUNS.get(noun.group(1).lower().split()[-1], "Statement") if noun else "Statement"
    kind_word = noun.group(1).capitalize() if noun else "Statement"
    name = heading or (f"{kind_word} of {when}" if when else kind_word)
    aliases = [f"{kind_word} of {when}"] if when and heading else []
    entry = LexiconEntity(id="agreement_" + slugify(name)[:60], label=AGR, kind=kind, name=name, aliases=aliases)
    if anchor is not None:
        ctx.link(entry, anchor[0], anchor[-1], "agreement:title")
    else:
        ctx.add_entity(entry)
    return entry.id


def anchor_span(ctx: DocumentContext, title_at: int | None, heading: str, noun: Any, body_start: int) -> Any:
    """The words that name the agreement: its title, else the first word of its genre in the text."""
    if title_at is not None and heading:
        return ctx.doc.char_span(title_at, title_at + len(heading), alignment_mode="expand")
    if noun is not None:
        return ctx.doc.char_span(body_start + noun.start(1), body_start + noun.end(1), alignment_mode="expand")
    return None


def lexicon_agreement(ctx: DocumentContext, when: str | None) -> LexiconEntity | None:
    """The one lexicon agreement dated the day of the text (or the day before: a text signed late at night
    is dated by one side the next day)."""
    if when is None or len(when) != 10:
        return None
    day = date.fromisoformat(when)
    same = [e for e in ctx.lexicon.entities if e.label == AGR and e.date and 0 <= (day - e.date).days <= 1]
    exact = [e for e in same if e.date == day]
    found = exact or same
    return found[0] if len(found) == 1 else None


CEASEFIRE_TEXT = (
    "Joint Statement on the Cessation of Hostilities\n\n"
    "We, the President of the Republic of Chad A.B. Doumro and the President of the Republic of Niger "
    "C.D. Salifou, declare the following:\n\n"
    "1. The Parties shall cease all hostilities along their common border.\n\n"
    "2. The Parties shall exchange all prisoners of war.\n\n"
    "President of the Republic of Chad   A.B. Doumro\n"
    "President of the Republic of Niger   C.D. Salifou\n\n"
    "N'Djamena, 3 May 2023\n"
)
NEWS_TEXT = (
    "Chad and Niger sign a joint statement\n\n"
    "The presidents of Chad and Niger met in N'Djamena on Wednesday, officials said. According to the joint "
    "statement, the parties shall cease all hostilities along their common border, a spokesman told reporters.\n"
)


@rule("rule:agreement-signatory", family="agreement-text", stage=Stage.IMPLIED, order=5,
      produces={"SIGNED", "PARTY_TO"}, confidence=0.85,
      examples=[Example(CEASEFIRE_TEXT, ("niger", "PARTY_TO", "joint_statement_on_the_cessation_of_hostilities"))],
      counterexamples=[Example(NEWS_TEXT, ("niger", "PARTY_TO", "joint_statement_on_the_cessation_of_hostilities"))])
def agreement_signatory(ctx: DocumentContext) -> None:
    """Each person of the opening formula or the signature block signed the text; the state or body they
    lead or represent is a party to it, as are those the text calls "the Parties"; on the signing date and at
    the signing place."""
    found = agreement_text(ctx)
    if found is None:
        return
    when = {k: v for k, v in (("date", found.date), ("place", found.place)) if v}
    for signer in found.signers:
        person = signer.person.entity_id
        role = {"role": signer.office} if signer.office else {}
        if ctx.fits("SIGNED", person, found.agreement):
            ctx.add_fact("SIGNED", person, found.agreement, signer.span, [signer.person],
                         qualifiers={**when, **role})
        if signer.party and ctx.fits("PARTY_TO", signer.party, found.agreement):
            anchors = [signer.person] + [m for m in ctx.res.mentions if m.entity_id == signer.party
                                         and signer.span.start_char <= m.start < signer.span.end_char]
            ctx.add_fact("PARTY_TO", signer.party, found.agreement, signer.span, anchors, qualifiers=when)
    for m in found.defining:  # "X and Y, hereinafter referred to as the Parties"
        if ctx.fits("PARTY_TO", m.entity_id, found.agreement):
            ctx.add_fact("PARTY_TO", m.entity_id, found.agreement, ctx.doc[m.token_start].sent, [m], qualifiers=when)


MEETING_TEXT = (
    "Joint Statement\n\nWe, the President of Azerbaijan I.H. Aliyev and the Prime Minister of Armenia "
    "N.V. Pashinyan, met on October 6 in Prague and agreed as follows:\n\n"
    "1. The Parties shall exchange all detainees.\n\n2. The Parties shall reopen all road links between them.\n"
)


@rule("rule:agreement-meeting", family="agreement-text", stage=Stage.CLOSING, order=50, produces={"RESULTED_IN"},
      confidence=0.7,
      examples=[Example(MEETING_TEXT, ("prague_summit_2022", "RESULTED_IN", "joint_statement"))],
      counterexamples=[Example("Ilham Aliyev and Nikol Pashinyan met on October 6 in Prague. They agreed to "
                               "exchange all detainees.",
                               ("prague_summit_2022", "RESULTED_IN", "joint_statement"))])
def agreement_meeting(ctx: DocumentContext) -> None:
    """"We, ..., met in X and agreed": the meeting the signers attended, in the text's own opening, gave it."""
    found = agreement_text(ctx)
    if found is None:
        return
    signers = {s.person.entity_id for s in found.signers}
    opening = {s.span.start_char for s in found.signers}
    for f in list(ctx.facts):
        if (f.predicate == "PARTICIPATED_IN" and f.subject in signers and f.sent.start_char in opening
                and ctx.kind(f.object) == "Meeting" and ctx.fits("RESULTED_IN", f.object, found.agreement)):
            ctx.add_fact("RESULTED_IN", f.object, found.agreement, f.sent, f.anchors)
