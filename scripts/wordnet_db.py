"""A minimal reader of the Princeton WordNet 3.0 database files (Debian package `wordnet-base`).

Only the build of the event lexicon (scripts/build_event_lexicon.py) uses it; the product never
reads WordNet. Why not NLTK: one dependency less, and the four data/index files are all we need:
synsets with their words, hyponym / derivation pointers, lexicographer file (noun.act,
noun.person, ...) and each word's senses in frequency order (the order of index.<pos>).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

WORDNET_DIR = Path("/usr/share/wordnet")
POS_FILES = {"v": "verb", "n": "noun"}
LEXNAMES = {4: "noun.act", 10: "noun.communication", 11: "noun.event", 18: "noun.person", 21: "noun.possession",
            26: "noun.state", 14: "noun.group", 9: "noun.cognition", 7: "noun.attribute", 22: "noun.process"}


@dataclass
class Synset:
    offset: int
    pos: str
    lexfile: int
    words: list[str]  # lemmas as written in WordNet ("call_off")
    pointers: list[tuple[str, int, str, int, int]] = field(default_factory=list)  # symbol, offset, pos, src, tgt
    gloss: str = ""

    @property
    def lexname(self) -> str:
        return LEXNAMES.get(self.lexfile, str(self.lexfile))


class WordNet:
    def __init__(self, root: Path = WORDNET_DIR):
        if not (root / "data.verb").exists():
            raise SystemExit(f"WordNet not found in {root}: apt-get install wordnet-base")
        self.root = root
        self.synsets: dict[tuple[str, int], Synset] = {}
        self.index: dict[tuple[str, str], list[int]] = {}  # (lemma, pos) -> synset offsets, most frequent sense first
        for pos, name in POS_FILES.items():
            self._read_data(pos, root / f"data.{name}")
            self._read_index(pos, root / f"index.{name}")

    def _read_data(self, pos: str, path: Path) -> None:
        for line in path.read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue
            head, _, gloss = line.partition(" | ")
            f = head.split()
            offset, lexfile, n_words = int(f[0]), int(f[1]), int(f[3], 16)
            words = [f[4 + 2 * i].lower() for i in range(n_words)]
            i = 4 + 2 * n_words
            n_ptr = int(f[i])
            ptrs = []
            for k in range(n_ptr):
                sym, off, ppos, st = f[i + 1 + 4 * k: i + 5 + 4 * k]
                ptrs.append((sym, int(off), "v" if ppos == "v" else "n" if ppos == "n" else ppos, int(st[:2], 16),
                             int(st[2:], 16)))
            # WordNet's adjective satellites are "s"; we only follow v/n pointers
            self.synsets[(pos, offset)] = Synset(offset, pos, lexfile, words, ptrs, gloss.strip())

    def _read_index(self, pos: str, path: Path) -> None:
        for line in path.read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue
            f = line.split()
            lemma, n_senses, n_ptr = f[0], int(f[2]), int(f[3])
            offsets = [int(x) for x in f[4 + n_ptr + 2:]]
            assert len(offsets) == n_senses, line
            self.index[(lemma, pos)] = offsets

    def synset(self, name: str) -> Synset:
        """"visit.v.01": the first (most frequent) verb sense of "visit", NLTK's naming."""
        lemma, pos, n = name.rsplit(".", 2)
        return self.synsets[(pos, self.index[(lemma, pos)][int(n) - 1])]

    def sense_rank(self, lemma: str, synset: Synset) -> int:
        """1 when the synset is the lemma's most frequent sense, 2 for the next ...; large if absent."""
        offsets = self.index.get((lemma, synset.pos), [])
        return offsets.index(synset.offset) + 1 if synset.offset in offsets else 99

    def n_senses(self, lemma: str, pos: str) -> int:
        return len(self.index.get((lemma, pos), []))

    def hyponyms(self, synset: Synset) -> list[Synset]:
        return [self.synsets[(p, o)] for s, o, p, _, _ in synset.pointers if s == "~" and p == synset.pos]

    def derived(self, synset: Synset, word_index: int, pos: str) -> list[tuple[str, Synset]]:
        """Derivationally related forms of the synset's `word_index`-th word (1-based) in `pos`."""
        out = []
        for sym, off, p, src, tgt in synset.pointers:
            if sym == "+" and p == pos and src == word_index:
                target = self.synsets[(p, off)]
                out.append((target.words[tgt - 1], target))
        return out


@functools.lru_cache(maxsize=1)
def load() -> WordNet:
    return WordNet()
