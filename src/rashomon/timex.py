"""Temporal normalisation: find date expressions and resolve them to calendar dates.

Relative expressions ("on Wednesday", "last year", "earlier this month") only mean something
against an anchor: the publish date, or else the first full date the article states. The
granularity is kept ("this month" is 2013-08, not a day), so comparison never invents
precision the text does not have.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from rashomon.model import TimeRef

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:\.|\s\.(?=\s*\d))?"
_WD = r"(?P<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"

# Ordered from most to least specific; the scanner keeps the longest non-overlapping matches.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:1[89]|20)\d\d)\s?-\s?(?P<m>[01]\d)\s?-\s?(?P<day>[0-3]\d)\b")),
    ("mdy", re.compile(rf"\b(?:{_WD}\s?,?\s+)?{_MON}\s+{_DAY}\s?,?\s+{_YEAR}\b", re.I)),
    ("dmy", re.compile(rf"\b(?:{_WD}\s?,?\s+)?(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MON}\s?,?\s+{_YEAR}\b", re.I)),
    ("my", re.compile(rf"\b(?:(?P<rel>early|mid|late|earlier|later|last|next|this)\s+)?{_MON}\s?,?\s+{_YEAR}\b", re.I)),
    ("md", re.compile(rf"\b(?:{_WD}\s?,?\s+)?{_MON}\s+{_DAY}\b(?!\s?,?\s+\d)", re.I)),
    ("dm", re.compile(rf"\b(?:{_WD}\s?,?\s+)?(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MON}\b(?!\s?,?\s+\d)", re.I)),
    ("rel_month_name", re.compile(rf"\b(?P<rel>last|next|this|earlier this|in|since|until|by)\s+{_MON}\b(?!\s?,?\s+(?:[0-3]?\d\b|(?:1[89]|20)\d\d))", re.I)),
    ("rel_unit", re.compile(r"\b(?P<rel>earlier this|later this|last|next|this|the past|the previous|the coming|the following)\s+(?P<unit>week|month|year|decade|weekend)\b", re.I)),
    ("ago", re.compile(r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?P<unit>day|week|month|year)s?\s+ago\b", re.I)),
    ("deictic", re.compile(r"\b(?P<word>today|tonight|yesterday|tomorrow|this morning|this afternoon|this evening|last night)\b", re.I)),
    ("weekday", re.compile(rf"\b(?:(?P<rel>last|next|this|on|since|until|by)\s+)?{_WD}\b", re.I)),
    ("year", re.compile(r"\b(?P<prep>in|since|by|until|of|from|during|before|after|for)\s+(?:the\s+year\s+)?(?P<year>(?:1[89]|20)\d\d)\b(?![-\d])", re.I)),
    ("bare_year", re.compile(r"(?<![\d$€£-])\b(?P<year>(?:19[5-9]|20[0-4])\d)\b(?![-\d%]|\s*(?:million|billion|people|percent))")),
]

_FUTURE_CUE = re.compile(
    r"\b(will|shall|would|'ll|is to|are to|is due|are due|(?<!as )(?<!than )scheduled|plans? to|expected to|next|upcoming|looming|"
    r"(?:advances?|set|poised|slated) to)\b|’ll", re.I)
FUTURE_REACH = 60  # characters after a date in which a future cue still speaks of it
# ("as scheduled", "earlier than scheduled" say a plan was kept or broken, not that it is to come)
_PAST_REPORT = re.compile(r"\b(said|announced|told|reported|added|confirmed|stated|wrote|tweeted)\s*$", re.I)
# Head-of-article dates that only metadata lines use: "9 / 10 / 2010", URL paths "/2012/12/23/", "20130308".
_NUMERIC_DATE = re.compile(r"(?<![\d/])(?P<a>[01]?\d)\s?/\s?(?P<b>[0-3]?\d)\s?/\s?(?P<year>(?:19|20)\d\d)\b")
_URL_DATE = re.compile(r"/\s?(?P<year>(?:19|20)\d\d)\s?/\s?(?P<m>[01]?\d)\s?/\s?(?P<day>[0-3]?\d)\s?/|(?<!\d)(?P<compact>(?:19|20)\d\d[01]\d[0-3]\d)(?!\d)")


def parse_absolute(text: str) -> tuple[dt.date, str] | None:
    """Parse a stand-alone explicit date ("August 29, 2013", "27 May, 2024", "June 2005")."""
    for kind in ("iso", "mdy", "dmy", "my"):
        m = dict(PATTERNS)[kind].search(text)
        if m:
            value = _absolute(kind, m)
            if value:
                return value
    return None


def _absolute(kind: str, m: re.Match[str]) -> tuple[dt.date, str] | None:
    g = m.groupdict()
    year = int(g["year"])
    month = int(g["m"]) if kind == "iso" else _month(g["mon"])
    if kind == "my":
        return dt.date(year, month, 1), "month"
    try:
        return dt.date(year, month, int(g["day"])), "day"
    except ValueError:
        return None


def fmt(date: dt.date, granularity: str) -> str:
    if granularity == "day":
        return date.isoformat()
    if granularity == "month":
        return f"{date.year:04d}-{date.month:02d}"
    if granularity == "decade":
        return f"{date.year // 10 * 10:04d}s"
    return f"{date.year:04d}"


def _shift_months(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def resolve(
    kind: str, m: re.Match[str], anchor: dt.date | None, context: str, after: str = "", year: int | None = None
) -> tuple[str | None, str]:
    """Return (ISO value, granularity) for one match; None when it cannot be placed.

    `context` is the sentence before the match and `after` the rest of its sentence: a future
    cue before it ("will resume on Friday"), or after it unless a reporting verb precedes it
    ("In Saturday's semifinals X will play", but not "said Friday it will"), points forward.
    `year` is a year the same sentence already stated ("killed June 24, 2005 ... a June 20
    incident"), which a month-day without its year inherits.
    """
    g = m.groupdict()
    if kind in ("iso", "mdy", "dmy", "my"):
        value = _absolute(kind, m)
        if value is None:
            return None, "unknown"
        return fmt(*value), value[1]
    if kind in ("year", "bare_year"):
        return g["year"], "year"
    future = bool(_FUTURE_CUE.search(context)) or (
        bool(_FUTURE_CUE.search(after[:FUTURE_REACH])) and not _PAST_REPORT.search(context)
    )
    if kind in ("md", "dm") and year is not None:
        try:
            return dt.date(year, _month(g["mon"]), int(g["day"])).isoformat(), "day"
        except ValueError:
            return None, "unknown"
    if anchor is None:
        return None, "unknown"
    if kind in ("md", "dm"):
        month = _month(g["mon"])
        try:
            candidates = [dt.date(anchor.year + k, month, int(g["day"])) for k in (-1, 0, 1)]
        except ValueError:
            return None, "unknown"
        if future:
            best = min(d for d in candidates if d >= anchor)
        else:
            best = min(candidates, key=lambda d: abs((d - anchor).days))
        return best.isoformat(), "day"
    if kind == "rel_month_name":
        month = _month(g["mon"])
        rel = g["rel"].lower()
        if rel == "last":
            year = anchor.year if month < anchor.month else anchor.year - 1
        elif rel == "next":
            year = anchor.year if month > anchor.month else anchor.year + 1
        elif rel in ("this", "earlier this"):
            year = anchor.year
        elif future or rel == "until":
            year = anchor.year if month >= anchor.month else anchor.year + 1
        else:
            year = anchor.year if month <= anchor.month else anchor.year - 1
        return f"{year:04d}-{month:02d}", "month"
    if kind == "rel_unit":
        rel, unit = g["rel"].lower(), g["unit"].lower()
        step = -1 if rel in ("last", "the past", "the previous") else 1 if rel in ("next", "the coming", "the following") else 0
        if unit in ("week", "weekend"):
            day = anchor + dt.timedelta(weeks=step)
            monday = day - dt.timedelta(days=day.weekday())
            return f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}", "unknown"
        if unit == "month":
            return fmt(_shift_months(anchor, step), "month"), "month"
        if unit == "decade":
            if rel in ("the past", "the previous"):
                return None, "unknown"  # a duration, not a point in time
            return fmt(dt.date(anchor.year + 10 * step, 1, 1), "decade"), "decade"
        return f"{anchor.year + step:04d}", "year"
    if kind == "ago":
        n = g["n"].lower()
        count = int(n) if n.isdigit() else NUMBER_WORDS[n]
        unit = g["unit"].lower()
        if unit == "day":
            return (anchor - dt.timedelta(days=count)).isoformat(), "day"
        if unit == "week":
            return (anchor - dt.timedelta(weeks=count)).isoformat(), "day"
        if unit == "month":
            return fmt(_shift_months(anchor, -count), "month"), "month"
        return f"{anchor.year - count:04d}", "year"
    if kind == "deictic":
        word = g["word"].lower()
        offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
        return (anchor + dt.timedelta(days=offset)).isoformat(), "day"
    if kind == "weekday":
        target = WEEKDAYS[g["wd"].lower()]
        rel = (g.get("rel") or "").lower()
        back = (anchor.weekday() - target) % 7
        if rel == "next" or (future and rel != "last"):
            ahead = (target - anchor.weekday()) % 7
            if rel == "next" and ahead == 0:
                ahead = 7  # "will play Saturday" written on a Saturday is today; "next Saturday" is not
            return (anchor + dt.timedelta(days=ahead)).isoformat(), "day"
        if rel == "last" and back == 0:
            back = 7
        return (anchor - dt.timedelta(days=back)).isoformat(), "day"
    return None, "unknown"


def find_dates(text: str, document: str, anchor: dt.date | None) -> list[TimeRef]:
    """Every date expression in `text`, resolved against `anchor` (publish or dateline date)."""
    found: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), kind, m))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    refs: list[TimeRef] = []
    last_end = -1
    for start, end, kind, m in found:
        if start < last_end:
            continue
        sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
        sentence_end = min(i for i in (text.find(". ", end), text.find("\n", end), len(text)) if i >= 0)
        context = text[sentence_start:start]
        year = next((int(r.value[:4]) for r in reversed(refs)
                     if r.start >= sentence_start and r.value and r.granularity in ("day", "month")
                     and _stated_year(r.text)), None)
        value, granularity = resolve(kind, m, anchor, context, text[end:sentence_end], year)
        surface_start, surface_end = _trim_preposition(text, start, end, kind)
        refs.append(
            TimeRef(
                document=document,
                start=surface_start,
                end=surface_end,
                text=text[surface_start:surface_end],
                value=value,
                granularity=granularity,  # type: ignore[arg-type]
                anchor=anchor.isoformat() if anchor else None,
            )
        )
        last_end = end
    return refs


def _stated_year(text: str) -> bool:
    return bool(re.search(r"\b(?:1[89]|20)\d\d\b", text))


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(". ")]


def _trim_preposition(text: str, start: int, end: int, kind: str) -> tuple[int, int]:
    """Drop a leading "in"/"on"/"since" from the quoted span: the date is what follows it."""
    m = re.match(r"(?:in|on|since|by|until|of|from|during|before|after|for)\s+", text[start:end], re.I)
    if m and kind in ("year", "weekday", "rel_month_name"):
        return start + m.end(), end
    return start, end


def document_anchor(published: str | None, text: str) -> dt.date | None:
    """The date relative expressions are read against: publish date, else the first full date."""
    if published:
        try:
            return dt.date.fromisoformat(published[:10])
        except ValueError:
            pass
    head = text[:1500]
    found: list[tuple[int, dt.date]] = []
    for kind in ("iso", "mdy", "dmy"):
        for m in dict(PATTERNS)[kind].finditer(head):
            value = _absolute(kind, m)
            if value:
                found.append((m.start(), value[0]))
                break
    for m in _NUMERIC_DATE.finditer(head):  # "9 / 10 / 2010": month first unless it cannot be
        a, b, year = int(m["a"]), int(m["b"]), int(m["year"])
        month, day = (a, b) if a <= 12 else (b, a)
        try:
            found.append((m.start(), dt.date(year, month, day)))
            break
        except ValueError:
            continue
    if found:
        return min(found, key=lambda f: f[0])[1]
    first_line = text.split("\n", 1)[0]  # a URL such as ".../2012/12/23/..." or ".../20130308/..."
    for m in _URL_DATE.finditer(first_line):
        digits = m["compact"]
        try:
            if digits:
                return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            return dt.date(int(m["year"]), int(m["m"]), int(m["day"]))
        except ValueError:
            continue
    return None


def compatible(a: str | None, b: str | None) -> bool:
    """Two normalised dates can describe the same time: equal, or one contains the other."""
    if a is None or b is None:
        return True
    if a.endswith("s") or b.endswith("s"):  # decades
        return a[:3] == b[:3]
    if "W" in a or "W" in b:
        return True
    return a.startswith(b) or b.startswith(a)


def day_dates(refs: Iterable[TimeRef]) -> list[str]:
    return [r.value for r in refs if r.value and r.granularity == "day"]
