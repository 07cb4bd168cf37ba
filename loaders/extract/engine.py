"""The engine: reads a document stage by stage and runs the registered rules of each stage; it names none.

Within one reading every stage of a sentence runs before the next sentence; a reading's document stages
run after all its sentences. The second reading sees what the first one found (the event rules ask which
states a document says signed an agreement, which forces took part in what).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..lexicon import Lexicon
from ..resolve import ResolvedMention
from .context import DocumentContext, Extracted, ExtractionInput, Sentence
from .grounding import ground_provisions, ground_relations
from .registry import Each, Rule, Stage, rules_of
from .toolkit import Cues


class RelationExtractor:
    """Facts of one document from its parse, its resolved mentions and the lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.cues = Cues(lexicon)

    def run(self, inp: ExtractionInput) -> Extracted:
        res = inp.resolved
        ctx = DocumentContext(res, self.lexicon, self.cues, inp.published, inp.text)
        sents = list(res.doc.sents)
        starts = [sent.start for sent in sents]  # Token.sent would search for each mention's sentence again
        by_sentence: dict[int, list[ResolvedMention]] = defaultdict(list)
        for m in res.mentions:
            by_sentence[starts[bisect_right(starts, m.token_start) - 1]].append(m)
        sentences = [Sentence(sent, [m for m in by_sentence.get(sent.start, []) if m.token_end <= sent.end])
                     for sent in sents]
        plan = {stage: rules_of(stage) for stage in Stage}
        for reading in sorted({stage.value.reading for stage in Stage}):
            stages = [stage for stage in Stage if stage.value.reading == reading]
            for here in sentences:
                for stage in stages:
                    if stage.value.each is not Each.DOCUMENT:
                        self._sentence_stage(ctx, stage, plan[stage], here)
            for stage in stages:
                if stage.value.each is Each.DOCUMENT:
                    for rule in plan[stage]:
                        ctx.rule = rule
                        rule.run(ctx)
        relations = ground_relations(ctx, ctx.facts, inp)
        provisions = ground_provisions(ctx, ctx.provisions, inp)
        entities = [res.entities[e] for e in sorted(res.entities)]
        return Extracted(entities=entities, relations=relations, provisions=provisions)

    @staticmethod
    def _sentence_stage(ctx: DocumentContext, stage: Stage, rules: list[Rule], here: Sentence) -> None:
        spec = stage.value
        if spec.needs_mentions and not here.mentions:
            return
        ctx.first_only(spec.first_only)
        if spec.each is Each.SENTENCE:
            for rule in rules:
                ctx.rule = rule
                rule.run(ctx, here)
        else:
            if spec.each is Each.VERB:
                items: Iterable[Any] = here.verbs
            else:
                items = here.mentions if spec.each is Each.MENTION else here.named.values()
            for item in items:
                for rule in rules:
                    ctx.rule = rule
                    rule.run(ctx, here, item)
        ctx.first_only(False)
