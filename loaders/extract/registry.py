"""The rule registry: every extraction rule declares what it is and registers itself with `@rule(...)`.

In the style of spaCy's registered factories: a rule module decorates its functions, the engine asks the
registry for the rules of each stage, and nothing outside a rule's own module names it. What a rule
declares is what an analyst sees (its name is the evidence's `extractor`), what it may produce (checked
when it adds a fact) and the example sentences its test runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Any


class Each(Enum):
    """What a stage hands its rules, one at a time."""

    SENTENCE = "sentence"
    VERB = "verb"  # every verb, auxiliary or participle used as an adjective ("the agreed terms")
    MENTION = "mention"  # every mention of the sentence, in reading order
    NAMED = "named"  # one explicit mention per entity the sentence names
    DOCUMENT = "document"


@dataclass(frozen=True)
class StageSpec:
    name: str
    reading: int  # 1: the first reading of the document, 2: the second one, which sees the first one's facts
    each: Each
    needs_mentions: bool = True  # skip sentences that name nothing
    first_only: bool = False  # within a sentence, a triple stated by an earlier rule of the stage is not added again


class Stage(Enum):
    """The stages in the order the engine runs them; within a reading, every stage of a sentence runs before
    the next sentence is read."""

    TERMS = StageSpec("terms", 1, Each.SENTENCE, needs_mentions=False)
    CLAUSES = StageSpec("clauses", 1, Each.VERB)
    NAMES = StageSpec("names", 1, Each.MENTION)
    PHRASES = StageSpec("phrases", 1, Each.SENTENCE)
    KNOWLEDGE = StageSpec("knowledge", 1, Each.NAMED)
    STRUCTURE = StageSpec("structure", 1, Each.SENTENCE, first_only=True)
    IMPLIED = StageSpec("implied", 1, Each.DOCUMENT)
    EVENT_NAMES = StageSpec("event-names", 2, Each.MENTION, needs_mentions=False)
    EVENT_CLAUSES = StageSpec("event-clauses", 2, Each.VERB, needs_mentions=False)
    EVENT_PHRASES = StageSpec("event-phrases", 2, Each.SENTENCE, needs_mentions=False)
    CLOSING = StageSpec("closing", 2, Each.DOCUMENT)


@dataclass(frozen=True)
class Example:
    """A sentence and the fact it must (positive) or must not (negative) yield by its rule: a relation as
    (subject, PREDICATE, object), a provision as (agreement, TYPE, obliged actor). `published` is the date
    the sentence is read at (ISO), when the rule depends on it."""

    text: str
    fact: tuple[str, str, str]
    published: str = "2021-03-01"


@dataclass(frozen=True)
class Rule:
    name: str  # the evidence's `extractor` without the version: "rule:verb-active"
    family: str
    stage: Stage
    order: int  # position within the stage: rules of one stage run in this order on each item
    produces: frozenset[str]  # predicates or provision types
    confidence: float
    examples: tuple[Example, ...]
    counterexamples: tuple[Example, ...]
    run: Callable[..., Any]


REGISTRY: dict[str, Rule] = {}


def rule(
    name: str, *, family: str, stage: Stage, order: int, produces: Iterable[str], confidence: float,
    examples: Iterable[Example] = (), counterexamples: Iterable[Example] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the rule `name`; two rules may not share a name or a stage's place."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if name in REGISTRY:
            raise ValueError(f"two extraction rules are named {name!r}; give the new one another name")
        clash = next((r.name for r in REGISTRY.values() if r.stage is stage and r.order == order), None)
        if clash is not None:
            raise ValueError(f"{name} and {clash} both take place {order} of stage {stage.value.name}; pick another")
        REGISTRY[name] = Rule(name, family, stage, order, frozenset(produces), confidence, tuple(examples),
                              tuple(counterexamples), func)
        return func

    return register


def rules_of(stage: Stage) -> list[Rule]:
    """The rules of a stage in their order."""
    return sorted((r for r in REGISTRY.values() if r.stage is stage), key=lambda r: r.order)
