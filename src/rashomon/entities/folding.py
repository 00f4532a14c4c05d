"""Folding names and phrases into the forms they are compared in ("U . S ." = "US")."""

from __future__ import annotations

import functools
import re
import unicodedata


_LEADING = re.compile(r"^(?:(?:in|on|at|from|to|for|of|by|into|near|during|since|the|a|an)\s+)+", re.I)



@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case ASCII form for comparing spellings ("U . S ." and "US" fold alike)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"(?<=\w)['’]s\b", "", text.lower())
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    out: list[str] = []
    for w in words:  # join spelled-out initials: "u s geological" -> "us geological"
        if len(w) == 1 and out and re.fullmatch(r"[a-z]+", out[-1]) and _initials_run(out[-1]):
            out[-1] += w
        else:
            out.append(w)
    return " ".join(out)


def _initials_run(word: str) -> bool:
    return len(word) <= 3 and word not in ("a", "i")


@functools.lru_cache(maxsize=1 << 16)
def _core(text: str) -> str:
    """The phrase without leading prepositions and articles, nor a trailing possessive."""
    text = _LEADING.sub("", text.strip())
    return re.sub(r"\s*['’]\s*s?$", "", text).strip()
