"""English nouns that tell what kind of thing a phrase names, whatever the conflict.

Language knowledge, not conflict knowledge: a summit is a Meeting and a memorandum an Agreement in any
war's news. Entity discovery (`discover.py`) types the spans it finds by their head noun with these
tables; the ontology's kinds are the values.
"""

from __future__ import annotations

from typing import Final

# Head nouns of events, by the ontology's Event kind.
EVENT_NOUNS: Final[dict[str, str]] = {
    **dict.fromkeys(
        ["meeting", "summit", "talks", "negotiation", "negotiations", "call", "conversation", "visit", "conference",
         "consultation", "consultations", "round", "session", "forum", "dialogue", "videoconference", "trip"],
        "Meeting",
    ),
    **dict.fromkeys(
        ["offensive", "operation", "counteroffensive", "counter-offensive", "campaign", "incursion", "advance",
         "exercise", "exercises", "drill", "drills", "mobilisation", "mobilization"],
        "MilitaryOperation",
    ),
    **dict.fromkeys(["war", "invasion", "occupation", "insurgency", "uprising"], "War"),
    **dict.fromkeys(
        ["attack", "strike", "strikes", "shelling", "bombardment", "bombing", "assault", "raid", "massacre",
         "ambush", "airstrike", "air strike", "clash", "clashes", "skirmish", "explosion", "incident"],
        "Attack",
    ),
    **dict.fromkeys(["blockade", "siege", "closure", "embargo"], "Blockade"),
    **dict.fromkeys(
        ["evacuation", "exodus", "displacement", "deportation", "expulsion", "flight", "resettlement"],
        "Displacement",
    ),
    **dict.fromkeys(["dissolution", "collapse", "disbandment"], "Dissolution"),
    **dict.fromkeys(["ruling", "verdict", "judgment", "judgement", "case", "trial", "hearing", "lawsuit"], "Ruling"),
    **dict.fromkeys(
        ["ceremony", "election", "elections", "referendum", "groundbreaking", "inauguration", "protest", "protests",
         "rally", "coup", "handover", "exchange", "swap", "release", "parade", "vote"],
        "Other",
    ),
}

# Head nouns of agreements, by the ontology's Agreement kind.
AGREEMENT_NOUNS: Final[dict[str, str]] = {
    **dict.fromkeys(
        ["agreement", "agreements", "deal", "accord", "accords", "treaty", "pact", "memorandum", "convention",
         "protocol", "initiative", "arrangement", "charter", "compact", "concordat", "contract"],
        "Treaty",
    ),
    **dict.fromkeys(["statement", "communique", "communiqué", "decree", "resolution", "order"], "Statement"),
    **dict.fromkeys(["declaration", "proclamation"], "Declaration"),
    **dict.fromkeys(["ceasefire", "cease-fire", "truce", "armistice"], "Ceasefire"),
    **dict.fromkeys(["plan", "proposal", "roadmap", "road map", "framework", "blueprint"], "PeaceProposal"),
    **dict.fromkeys(["principles"], "Principles"),
}
# Agreement nouns that mostly name something else unless a modifier makes them a text of several sides
# ("said in a statement", "a plan to build"): they need a proper name, a date, parties or one of these words.
WEAK_AGREEMENT_NOUNS: Final[frozenset[str]] = frozenset(
    {"statement", "resolution", "order", "plan", "proposal", "framework", "arrangement", "contract", "initiative",
     "ceasefire", "cease-fire", "truce",
     "protocol", "charter", "compact", "convention", "blueprint", "decree", "communique", "communiqué"}
)
JOINT_WORDS: Final[frozenset[str]] = frozenset(
    {"joint", "trilateral", "tripartite", "bilateral", "quadrilateral", "multilateral", "peace", "ceasefire",
     "final", "framework", "interim", "comprehensive"}
)
# Event nouns too common to name one event without something that pins it down (a place, a date, parties).
WEAK_EVENT_NOUNS: Final[frozenset[str]] = frozenset(
    {"call", "visit", "round", "session", "trip", "case", "hearing", "advance", "mission", "exercise", "incident",
     "release", "exchange", "swap", "vote", "flight", "closure", "collapse", "occupation", "operation", "campaign",
     "strike", "strikes", "clash", "clashes", "conversation", "protest", "protests", "rally", "signing",
     "explosion", "dialogue", "forum", "handover", "order", "parade", "trial", "consultation", "consultations"}
)

# Nouns that name one thing only with both its sides ("the Armenia-Azerbaijan border", "the conflict between
# Serbia and Kosovo"), by (label, kind).
TWO_SIDED_NOUNS: Final[dict[str, tuple[str, str]]] = {
    **dict.fromkeys(["border", "frontier", "boundary"], ("Territory", "Border")),
    **dict.fromkeys(["conflict", "dispute", "standoff", "rivalry", "normalisation", "normalization"],
                    ("Event", "Other")),
}

# Head nouns of bodies: a span ending in one is an Organization, never a place.
ORGANIZATION_NOUNS: Final[frozenset[str]] = frozenset(
    {"ministry", "ministries", "department", "office", "centre", "center", "council", "secretariat", "committee",
     "commission", "agency", "service", "bureau", "authority", "administration", "government", "parliament",
     "assembly", "court", "tribunal", "bank", "fund", "organisation", "organization", "union", "alliance",
     "party", "movement", "front", "foundation", "institute", "university", "network", "company", "corporation",
     "group", "association", "federation", "league", "board", "cabinet", "presidency", "directorate", "mission",
     "delegation", "programme", "program", "observatory", "chamber", "senate", "congress", "coalition"}
)
# Head nouns of self-declared or unrecognised states ("the Nagorno-Karabakh Republic"): polities, not places.
POLITY_NOUNS: Final[frozenset[str]] = frozenset({"republic", "emirate", "caliphate", "khanate", "principality"})
# Head nouns of armed bodies.
FORCE_NOUNS: Final[frozenset[str]] = frozenset(
    {"forces", "force", "army", "troops", "fleet", "navy", "brigade", "battalion", "guard", "guards", "militia",
     "corps", "regiment", "division", "contingent", "peacekeepers", "gendarmerie", "militias", "rebels",
     "battalions", "brigades", "squadron", "unit", "units"}
)
# Head nouns of inhabited places and sites, typed Settlement.
SETTLEMENT_NOUNS: Final[frozenset[str]] = frozenset(
    {"city", "town", "village", "port", "harbour", "harbor", "capital", "settlement", "hamlet", "suburb",
     "plant", "factory", "works", "steelworks", "airport", "airbase", "base", "station", "refinery", "terminal",
     "dam", "mine", "camp", "hospital", "prison", "bridge", "checkpoint", "crossing"}
)
# Head nouns of larger areas, typed Region (or the narrower kind named).
REGION_NOUNS: Final[dict[str, str]] = {
    **dict.fromkeys(["region", "area", "zone", "valley", "peninsula", "sea", "gulf", "strait", "straits", "coast",
                     "island", "islands", "oblast", "state", "territory", "basin", "mountains", "plateau"],
                    "Region"),
    **dict.fromkeys(["province", "governorate", "prefecture", "county"], "Province"),
    **dict.fromkeys(["district", "municipality", "raion", "rayon"], "District"),
    **dict.fromkeys(["corridor"], "Corridor"),
    **dict.fromkeys(["road", "highway", "motorway", "railway", "route", "pipeline"], "Road"),
    **dict.fromkeys(["border", "frontier", "line"], "Border"),
    **dict.fromkeys(["enclave", "exclave"], "Exclave"),
}
# Words of an office standing before a name ("Interior Minister Ana Petrova"): what ends in one is a title,
# never an organisation.
TITLE_NOUNS: Final[frozenset[str]] = frozenset(
    {"minister", "president", "secretary", "spokesperson", "spokesman", "spokeswoman", "chief", "head",
     "commander", "ambassador", "envoy", "chairman", "chairwoman", "chair", "director", "governor", "mayor",
     "premier", "chancellor", "general", "adviser", "advisor", "aide", "representative", "official", "officials",
     "coordinator", "co-ordinator", "speaker", "deputy", "leader", "king", "emir", "prince", "colonel", "major",
     "lieutenant", "admiral", "captain", "ombudsman", "prosecutor", "judge", "attorney", "negotiator", "monarch",
     "sultan", "sheikh", "marshal", "commissioner", "rapporteur", "mediator"}
)
# People held by the other side ("Armenian prisoners of war", "Ukrainian POWs"): a group by their nationality alone.
CAPTIVE_NOUNS: Final[frozenset[str]] = frozenset({"prisoners", "pows", "detainees", "hostages", "captives"})
# Head nouns of a people living somewhere ("the Armenian population of X", "local Serb residents").
GROUP_NOUNS: Final[frozenset[str]] = frozenset(
    {"population", "community", "communities", "minority", "minorities", "diaspora", "residents", "inhabitants",
     "refugees", "civilians", "people", "peoples", *CAPTIVE_NOUNS}
)
# First words that make a name a place ("Upper Karabakh", "South Ossetia", "Western Sahara").
GEOGRAPHIC_PREFIXES: Final[frozenset[str]] = frozenset(
    {"upper", "lower", "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
     "greater", "inner", "outer", "mount", "lake", "cape"}
)
# Honorifics before a name ("Mr. Akar"), as written without their full stop.
HONORIFICS: Final[frozenset[str]] = frozenset({"mr", "mrs", "ms", "dr", "sir", "madam"})
# Words that make a capitalised phrase generic rather than a name ("the West" as a direction, page furniture).
GENERIC_NAMES: Final[frozenset[str]] = frozenset(
    {"west", "east", "north", "south", "region", "government", "ministry", "minister", "president", "state",
     "republic", "country", "city", "town", "today", "yesterday", "tomorrow", "share", "subscribe", "advertisement",
     "read more", "related", "photo", "video", "copyright", "all rights reserved", "newsletter", "home", "menu",
     "sign in", "log in", "comments", "follow us", "click here", "cookie", "cookies", "privacy policy"}
)
