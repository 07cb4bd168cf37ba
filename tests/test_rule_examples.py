"""Every registered extraction rule carries an example sentence it must read and one it must leave alone
(`examples` / `counterexamples` beside the rule in loaders/extract/); each runs here through the real spaCy
pipeline and the rules extractor, so a new rule without examples, or one that stops doing what its example
says, fails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from conftest import extractor

from conflictkg.loaders.extract import REGISTRY, Example, Rule, Stage, rule
from conflictkg.loaders.extract.context import DocumentContext
from conflictkg.loaders.lexicon import Lexicon
from conflictkg.loaders.pipeline import DocumentProcessor
from conflictkg.loaders.resolve import Resolved
from conflictkg.schema.models import Extraction

RULES = sorted(REGISTRY.values(), key=lambda r: r.name)
CASES = [(r.name, e, True) for r in RULES for e in r.examples] + [
    (r.name, e, False) for r in RULES for e in r.counterexamples
]


@pytest.fixture(scope="module")
def run(rules_processor: DocumentProcessor) -> Callable[..., Extraction]:
    return extractor(rules_processor, None)


def found_by(ex: Extraction, rule: str) -> set[tuple[str, str, str]]:
    """What one rule found: relations as (subject, PREDICATE, object), provisions as (agreement, TYPE, obliged)."""
    facts = {
        (r.subject, r.predicate, r.object)
        for r in ex.relations
        if any(e.extractor.split("@")[0] == rule for e in r.evidence)
    }
    facts |= {
        (p.agreement, p.provision_type, actor)
        for p in ex.provisions
        if any(e.extractor.split("@")[0] == rule for e in p.evidence)
        for actor in p.obliges
    }
    return facts


def test_the_registry_holds_every_family_and_each_rule_has_examples_both_ways():
    assert len(RULES) >= 58
    missing = [r.name for r in RULES if not r.examples or not r.counterexamples]
    assert not missing, f"registered rules without a positive and a negative example: {missing}"
    undeclared = [r.name for r in RULES for e in r.examples if e.fact[1] not in r.produces]
    assert not undeclared, f"examples of a predicate their rule does not declare: {undeclared}"


@pytest.mark.parametrize(
    ("rule", "example", "positive"), CASES, ids=[f"{n}-{'yes' if p else 'no'}" for n, _, p in CASES]
)
def test_rule_example(run: Callable[..., Extraction], rule: str, example: Example, positive: bool) -> None:
    found = found_by(run(example.text, published=date.fromisoformat(example.published)), rule)
    if positive:
        assert example.fact in found, f"{rule} should find {example.fact} in {example.text!r}; it found {found}"
    else:
        assert example.fact not in found, f"{rule} should not find {example.fact} in {example.text!r}"


def test_a_rule_adds_only_what_it_declares_at_its_declared_confidence():
    ctx = DocumentContext(Resolved(doc=None), Lexicon(name="t"), None, None)
    ctx.rule = Rule("rule:t", "t", Stage.PHRASES, 999, frozenset({"SIGNED"}), 0.5, (), (), lambda *_: None)
    ctx.add_fact("SIGNED", "a", "b", None, [])
    assert [(f.rule, f.confidence) for f in ctx.facts] == [("rule:t", 0.5)]
    with pytest.raises(ValueError, match="CONTROLS"):
        ctx.add_fact("CONTROLS", "a", "b", None, [])


def test_two_rules_may_not_share_a_name_or_a_place_in_a_stage():
    with pytest.raises(ValueError, match="rule:verb-active"):
        rule("rule:verb-active", family="t", stage=Stage.PHRASES, order=999, produces={"SIGNED"},
             confidence=0.5)(lambda: None)
    with pytest.raises(ValueError, match="place 10 of stage clauses"):
        rule("rule:t", family="t", stage=Stage.CLAUSES, order=10, produces={"SIGNED"}, confidence=0.5)(lambda: None)
    assert "rule:t" not in REGISTRY
