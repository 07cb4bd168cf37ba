"""What a clause says about a term besides who and where: each size with its unit, the term and its renewal,
the notice a side must give, where a headquarters sits and the conditions it is subject to.

Plain text reading, shared by the provision rules on agreement texts and on articles that report their
terms; the qualifiers are typed (`size_personnel: 1960`) so that analysts can compare forces across texts.
"""

from __future__ import annotations

import re
from typing import Any

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
}
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS)
# Units in the order a longer name must win over a shorter one ("armoured personnel carriers" over "personnel").
UNITS: tuple[tuple[str, str], ...] = (
    ("armoured_personnel_carriers", r"armou?red\s+personnel\s+carriers?|APCs?"),
    ("armoured_vehicles", r"armou?red\s+(?:combat\s+)?vehicles?"),
    ("vehicles", r"(?:motor|military|special|transport|automobile)\s+vehicles?|vehicles?|trucks?"
                 r"|units\s+of\s+(?:[\w-]+\s+){0,3}?(?:equipment|vehicles)"),
    ("personnel", r"(?:military\s+)?personnel|servicem[ae]n|troops|soldiers|peacekeepers|police\s+officers"),
    ("observers", r"observers|monitors"),
    ("helicopters", r"helicopters?"),
    ("tanks", r"tanks"),
    ("km", r"km|kilomet(?:re|er)s?"),
)
QUANTITY = re.compile(
    rf"\b(?P<n>{_NUMBER})[\s-]+(?P<words>(?:[\w()-]+\s+){{0,3}}?)(?P<unit>"
    + "|".join(f"(?P<{key}>{pattern})" for key, pattern in UNITS) + r")\b",
    re.IGNORECASE,
)
DURATION = re.compile(
    rf"\b(?:for\s+(?:a\s+(?:period|term)\s+of\s+)?)?(?P<n>{_NUMBER})[- ](?P<unit>year|month|week|day)s?\b(?!-)",
    re.IGNORECASE,
)
RENEWAL = re.compile(
    r"\b(?:automatically|tacitly)\s+(?:be\s+)?(?:extended|renewed|prolonged)|"
    r"\b(?:extended|renewed|prolonged)\s+automatically|\bautomatic\s+(?:extension|renewal|prolongation)",
    re.IGNORECASE,
)
RENEWAL_PERIOD = re.compile(
    rf"\b(?:further|subsequent|successive|additional|at|by|for)\s+(?:further\s+)?(?P<n>{_NUMBER})[- ]"
    r"(?P<unit>year|month)\s+(?:periods?|terms?|intervals?)",
    re.IGNORECASE,
)
NOTICE = re.compile(
    rf"\b(?P<n>{_NUMBER})\s+(?P<unit>month|week|day)s?(?:'|’)?\s+(?:before|prior\s+to|in\s+advance|advance|notice)",
    re.IGNORECASE,
)
CONDITION = re.compile(
    r"\b(?:unless|subject\s+to|provided\s+that|on\s+condition\s+that|if\s+(?:none|neither|no)\b)\b[^.;:]*",
    re.IGNORECASE,
)
HEADQUARTERS = re.compile(
    r"\bheadquarters?\b[^.;]{0,40}?\b(?:in|at)\s+(?:the\s+)?(?P<where>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
    r"(?:\s+area)?)"
)


def number(text: str) -> int | float:
    """1,960 -> 1960; "five" -> 5."""
    low = text.lower()
    if low in NUMBER_WORDS:
        return NUMBER_WORDS[low]
    value = float(low.replace(",", ""))
    return int(value) if value.is_integer() else value


def amount(n: str, unit: str) -> str:
    """("five", "Year") -> "5 years"."""
    value = number(n)
    return f"{value} {unit.lower()}{'' if value == 1 else 's'}"


def clause_qualifiers(text: str) -> dict[str, Any]:
    """Qualifiers of a clause's term read from its text: `size` (the quantities as written) and one typed
    `size_<unit>` per quantity, `duration`, `renewal`, `renewal_period`, `notice`, `condition`, `headquarters`."""
    quals: dict[str, Any] = {}
    sizes = []
    for m in QUANTITY.finditer(text):
        unit = next(key for key, _ in UNITS if m.group(key))
        if unit == "km":
            after = text[m.end() : m.end() + 12].lower()
            unit = "width_km" if "wide" in after or "width" in text[max(0, m.start() - 12) : m.start()] else "km"
        quals.setdefault(f"size_{unit}" if unit != "width_km" else unit, number(m.group("n")))
        sizes.append(m.group(0))
    if sizes:
        quals["size"] = ", ".join(sizes)
    renewal_at = RENEWAL.search(text)
    for m in DURATION.finditer(text):
        if renewal_at is None or m.start() < renewal_at.start():
            quals["duration"] = amount(m.group("n"), m.group("unit"))
            break
    if renewal_at:
        quals["renewal"] = "automatic"
        period = RENEWAL_PERIOD.search(text, renewal_at.start())
        if period:
            quals["renewal_period"] = amount(period.group("n"), period.group("unit"))
    notice = NOTICE.search(text)
    if notice and (renewal_at or "notif" in text.lower() or "notice" in text.lower()):
        quals["notice"] = amount(notice.group("n"), notice.group("unit"))
    condition = CONDITION.search(text)
    if condition:
        quals["condition"] = condition.group(0).strip()[:200]
    hq = HEADQUARTERS.search(text)
    if hq:
        quals["headquarters"] = hq.group("where")
    return quals
