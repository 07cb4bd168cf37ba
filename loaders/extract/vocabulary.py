"""Words and labels more than one rule family reads: entity labels, titles of office, judging verbs."""

from __future__ import annotations

import re

ACTOR, TERR, AGR, EVENT = "Actor", "Territory", "Agreement", "Event"

LEADER_TITLES = {
    "president", "prime minister", "premier", "leader", "chancellor", "king", "head of state", "supreme leader",
    "chairman", "chair", "emir", "head",
}
MEMBER_TITLES = {
    "foreign minister", "defence minister", "defense minister", "minister", "spokesperson", "spokesman",
    "spokeswoman", "envoy", "ambassador", "adviser", "advisor", "aide", "official", "secretary", "commander",
    "deputy prime minister", "speaker", "representative", "ombudsman", "general", "secretary of state",
    "foreign affairs minister", "high representative", "special representative", "assistant", "foreign policy chief",
}
# Verbs that judge, report or mention an event rather than take part in it.
EVALUATIVE_VERBS = {
    "condemn", "criticize", "criticise", "welcome", "praise", "denounce", "discuss", "mention", "recall", "remember",
    "describe", "call", "deplore", "regret", "support", "oppose", "back", "fear", "expect", "predict", "study",
    "analyse", "analyze", "follow", "watch", "monitor", "investigate", "commemorate", "mark", "blame", "justify",
    "document", "record", "cover", "witness", "observe", "survive", "compare", "liken", "term", "dub", "label",
    "name", "cite", "ignore", "deny", "question", "dispute", "probe", "review", "assess", "see", "view",
    "consider", "recognise", "recognize", "characterise", "characterize", "portray", "present",
}


def leading_role(role: str) -> bool:
    """Whether an office heads its body ("President", "Chief of the General Staff"); a secretary, a deputy or a
    vice-president serves it, which the ontology calls MEMBER_OF."""
    low = role.lower()
    if re.search(r"\b(vice|deputy|assistant|adviser|advisor|co)\b", low):
        return False
    heads = LEADER_TITLES | {"secretary-general", "secretary general", "speaker", "administrator", "director"}
    return low.startswith(("chief", "commander")) or any(re.search(r"\b" + re.escape(t) + r"\b", low) for t in heads)
# Nouns for what one side puts to another: its owner proposed the agreement they are about.
PROPOSAL_NOUNS = {
    "proposal", "proposals", "plan", "plans", "invitation", "invitations", "offer", "offers", "draft", "drafts",
    "initiative", "initiatives", "terms", "conditions", "demands", "blueprint", "roadmap", "package", "idea",
    "version",
}
