"""Quantities: amounts with their unit or currency, normalised to numbers.

"almost US $542 million" -> 542000000 USD, qualifier "almost". Counts of people come from the
parse (a number attached to a noun: "26 districts", "700,000 lives"), so any counted thing gets
its unit without a list of units.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from rashomon.model import Quantity
from rashomon.nlp import text_of

SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "mln": 1e6,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12, "crore": 1e7, "lakh": 1e5,
}
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "dozen": 12, "a dozen": 12,
}
CURRENCY_SYMBOLS = {
    "us$": "USD", "us $": "USD", "usd": "USD", "$": "USD", "a$": "AUD", "c$": "CAD", "hk$": "HKD",
    "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "JPY", "jpy": "JPY", "rs": "PKR", "rs.": "PKR",
    "pkr": "PKR", "inr": "INR", "₹": "INR", "rub": "RUB", "₽": "RUB", "cny": "CNY", "yuan": "CNY",
}
CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "rupee": "PKR", "rupees": "PKR", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB",
    "yen": "JPY", "yuan": "CNY",
}
QUALIFIERS = {
    "almost": "almost", "nearly": "almost", "close to": "almost", "just under": "almost",
    "about": "approximately", "around": "approximately", "roughly": "approximately",
    "approximately": "approximately", "some": "approximately", "an estimated": "approximately",
    "in vicinity of": "approximately", "in the vicinity of": "approximately", "estimated at": "approximately",
    "over": "at least", "more than": "at least", "at least": "at least", "upwards of": "at least",
    "in excess of": "at least", "under": "at most", "less than": "at most", "up to": "at most",
    "at most": "at most", "fewer than": "at most",
}
_QUAL = r"(?:(?P<qual>" + "|".join(sorted((re.escape(q) for q in QUALIFIERS), key=len, reverse=True)) + r")\s+)?"
_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?:\s*(?P<scale>thousand|million|billion|trillion|crore|lakh|mn|mln|bn|tn|m|b|k)\b)?"
_CUR = r"(?P<cur>US\s?\$|A\$|C\$|HK\$|\$|€|£|¥|₹|₽|Rs\.?|USD|EUR|GBP|PKR|INR|RUB|JPY|CNY)"

MONEY_PREFIX = re.compile(_QUAL + _CUR + r"\s?" + _NUM + _SCALE, re.I)
MONEY_SUFFIX = re.compile(
    _QUAL + _NUM + _SCALE + r"\s+(?:US\s+)?(?P<word>dollars?|euros?|pounds?|rupees?|roubles?|rubles?|yen|yuan)\b", re.I
)
PERCENT = re.compile(_QUAL + _NUM + r"\s?(?:%|per\s?cent\b|percent\b)", re.I)
RANGE_JOIN = re.compile(r"^\s*(?:-|–|to|and)\s*", re.I)
# Physical units, normalised to one spelling per unit (SI symbol where there is one).
UNITS = {
    "km": "km", "kms": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
    "metre": "m", "metres": "m", "meter": "m", "meters": "m", "cm": "cm", "centimetres": "cm", "centimeters": "cm",
    "mile": "mi", "miles": "mi", "foot": "ft", "feet": "ft", "ft": "ft", "yard": "yd", "yards": "yd",
    "kg": "kg", "kilogram": "kg", "kilograms": "kg", "kilo": "kg", "kilos": "kg", "tonne": "t", "tonnes": "t",
    "ton": "t", "tons": "t", "lb": "lb", "lbs": "lb", "litre": "l", "litres": "l", "liter": "l", "liters": "l",
    "gallon": "gal", "gallons": "gal", "hectare": "ha", "hectares": "ha", "acre": "acre", "acres": "acre",
    "mph": "mph", "km/h": "km/h", "kph": "km/h", "degrees": "degree", "ghz": "GHz", "mw": "MW", "gw": "GW",
}
_UNIT = r"(?P<unit>" + "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True)) + r")\b"
_NUM2 = _NUM.replace("?P<num>", "?P<num2>")
PHYSICAL = re.compile(
    r"(?:(?P<between>between)\s+)?" + _QUAL + _NUM + r"(?:\s*(?:-|–|to|and)\s*" + _NUM2 + r")?\s?(?:-\s?)?" + _UNIT, re.I
)
MONEY_RANGE = re.compile(
    r"(?:between\s+)?" + _CUR + r"\s?" + _NUM + r"\s*(?:-|–|to|and)\s*(?:US\s?)?(?:\$|€|£)?\s?" + _NUM2 + _SCALE, re.I
)
COUNT_RANGE = re.compile(r"(?:between\s+)?" + _NUM + r"\s*(?:-|–|to|and)\s*" + _NUM2 + _SCALE + r"\s+(?P<noun>[a-z]+)", re.I)


def _number(num: str, scale: str | None) -> float:
    value = float(num.replace(",", ""))
    if scale:
        value *= SCALES[scale.lower()]
    return value


def _qualifier(match: re.Match[str]) -> str | None:
    qual = match.group("qual")
    return QUALIFIERS[qual.lower()] if qual else None


def find_quantities(text: str, document: str, doc: Doc | None = None) -> list[Quantity]:
    """Money, percentages and counted things in `text` (spans are character offsets into it)."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: float, unit: str | None, qualifier: str | None) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(Quantity(document, start, end, text[start:end], value, unit, qualifier))

    def add_range(start: int, end: int, lo: float, hi: float, unit: str | None) -> None:
        add(start, end, lo, unit, "range")
        if found and found[-1].start == start:
            found[-1].value_max = hi

    for m in MONEY_RANGE.finditer(text):  # "$140- $150 million": the scale applies to both ends
        cur = re.sub(r"\s+", "", m.group("cur").lower())
        unit = CURRENCY_SYMBOLS.get(cur, "USD")
        add_range(m.start(), m.end(), _number(m.group("num"), m.group("scale")), _number(m.group("num2"), m.group("scale")), unit)
    for m in MONEY_PREFIX.finditer(text):
        cur = re.sub(r"\s+", " ", m.group("cur").lower())
        unit = CURRENCY_SYMBOLS.get(cur) or CURRENCY_SYMBOLS.get(cur.replace(" ", ""), "USD")
        add(m.start(), m.end(), _number(m.group("num"), m.group("scale")), unit, _qualifier(m))
    for m in MONEY_SUFFIX.finditer(text):
        unit = CURRENCY_WORDS[m.group("word").lower()]
        add(m.start(), m.end(), _number(m.group("num"), m.group("scale")), unit, _qualifier(m))
    for m in PERCENT.finditer(text):
        add(m.start(), m.end(), float(m.group("num").replace(",", "")), "percent", _qualifier(m))
    for m in PHYSICAL.finditer(text):
        unit = UNITS[m.group("unit").lower()]
        if m.group("num2"):
            add_range(m.start(), m.end(), _number(m.group("num"), None), _number(m.group("num2"), None), unit)
        else:
            add(m.start(), m.end(), _number(m.group("num"), None), unit, _qualifier(m))
    for m in COUNT_RANGE.finditer(text):
        lo, hi = _number(m.group("num"), m.group("scale")), _number(m.group("num2"), m.group("scale"))
        if lo < hi and not re.fullmatch(r"(?:19|20)\d\d", m.group("num")):  # "2010-2012" is not a count
            add_range(m.start(), m.end(), lo, hi, m.group("noun").lower())
    if doc is not None:
        for q in _counts(doc, document):
            add(q.start, q.end, q.value, q.unit, q.qualifier)
    found.sort(key=lambda q: q.start)
    return found


def _counts(doc: Doc, document: str) -> list[Quantity]:
    """Numbers that count something: a cardinal modifying a noun ("26 districts", "700,000 lives")."""
    out = []
    for tok in doc:
        if tok.dep_ != "nummod" or tok.head.pos_ not in ("NOUN", "PROPN"):
            continue
        if tok.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "ORDINAL"):
            continue
        if tok.i + 1 < len(doc) and doc[tok.i + 1].text in ("-", "–"):
            continue  # "two-way", "three-day": an adjective, not a count
        value = _token_number(tok.text)
        if value is None:
            continue
        scale = next((c for c in tok.head.children if c.i == tok.i + 1 and c.lower_ in SCALES), None)
        if scale is None and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in SCALES and doc[tok.i + 1].i != tok.head.i:
            scale = doc[tok.i + 1]
        if scale is not None:
            value *= SCALES[scale.lower_]
        left = tok.i
        qualifier = None
        before = doc[left - 1].lower_ if left else ""
        for q, n in _QUALIFIERS_LONGEST_FIRST:
            # the qualifier must end with the word before the number: skip the rest unsliced
            if left and q.endswith(before) and left - n >= 0 and doc[left - n: left].text.lower() == q:
                qualifier, left = QUALIFIERS[q], left - n
                break
        start = doc[left].idx
        end = tok.head.idx + len(tok.head.text) if tok.head.i > tok.i else tok.idx + len(tok.text)
        out.append(Quantity(document, start, end, text_of(doc)[start:end], value, tok.head.lemma_.lower(), qualifier))
    return out


_QUALIFIERS_LONGEST_FIRST = [(q, len(q.split())) for q in sorted(QUALIFIERS, key=len, reverse=True)]


def _token_number(text: str) -> float | None:
    t = text.lower().replace(",", "")
    if t in WORD_NUMBERS:
        return float(WORD_NUMBERS[t])
    try:
        return float(t)
    except ValueError:
        return None


def compatible(a: Quantity, b: Quantity, tolerance: float = 0.1) -> bool:
    """Two amounts can be the same figure: same unit and within rounding (or the stated bound)."""
    if a.unit != b.unit:
        return True  # different things measured: not comparable, so not a contradiction
    lo, hi = sorted((a.value, b.value))
    if hi == 0:
        return True
    if (hi - lo) / hi <= tolerance:
        return True
    for q, other in ((a, b), (b, a)):
        if q.qualifier == "at least" and other.value >= q.value:
            return True
        if q.qualifier in ("at most", "almost") and other.value <= q.value * (1 + tolerance):
            return True
    return False
