"""The attribute ruler and the rule lemmatizer, memoised: the same annotations at a fraction of the cost.

spaCy's `attribute_ruler` (tag -> POS and morphology, plus word exceptions) runs a Matcher with
~180 patterns over every token, and the rule `lemmatizer` sets each token's lemma from Python;
together they cost about a fifth of the pipeline's CPU. Yet, except for a handful of two-token
patterns ("gon na", "let 's", "ai n't"...), what they write on a token is a function of that
token alone: its text, the tagger's tag, the parser's label, and whatever was already set on it.

`MemoAttrs` takes their place. It reads those inputs for all tokens at once (`Doc.to_array`), looks
each distinct input up in a table, and writes the outputs back at once (`Doc.from_array`). An
input it has not seen is annotated by the real components on a one-token document and recorded,
so the table is always what the real components say. The parser's label is part of the input,
but only as far as some pattern can tell labels apart: a label no pattern names behaves like any
other such label, so they share one key (otherwise every word would need a table entry per
label it ever gets, and a third of the tokens of a new article would miss the table). Where a multi-token pattern matches, the
matched tokens are annotated by the real components together, in a document of their own, and
not memoised. Results are therefore identical to the shipped pipeline's (checked on every token
of all ECB+ documents by benchmarks/nlp_speed.py, and in tests/test_nlp.py).
"""

from __future__ import annotations

import numpy
from spacy.attrs import DEP, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

NAME = "rashomon_memo_attrs"
REPLACES = ("attribute_ruler", "lemmatizer")
INPUTS = [ORTH, TAG, DEP, POS, MORPH, LEMMA]  # everything the two components read or may keep
OUTPUTS = [TAG, DEP, POS, MORPH, LEMMA]  # everything they may write
MAX_ENTRIES = 250_000  # ~80 MB; a full table is emptied (it refills from the next few documents)
# what a pattern may test for the memo to be exact: attributes of the token's inputs alone
TOKEN_LOCAL = {"ORTH", "TEXT", "LOWER", "NORM", "IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "LENGTH",
               "TAG", "DEP", "POS", "MORPH", "LEMMA", "OP"}


class MemoAttrs:
    """Stands in for `attribute_ruler` + `lemmatizer`, which stay in the pipeline disabled."""

    def __init__(self, nlp: Language, name: str = NAME) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.ruler = nlp.get_pipe("attribute_ruler")
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        self.table: dict[tuple[int, ...], tuple[int, ...]] = {}
        self.multi = Matcher(nlp.vocab)  # the patterns that look at more than one token
        for n, spec in enumerate(self.ruler.patterns):
            patterns = [p for p in spec["patterns"] if len(p) > 1]
            if patterns:
                self.multi.add(f"multi-{n}", patterns)
        self.runs = 0  # multi-token matches annotated in context (not from the table)
        named = _dep_labels_named(self.ruler.patterns)
        self.other_dep = self.vocab.strings.add(OTHER_DEP)  # stands for every label no pattern names
        self.named_deps = numpy.asarray(sorted(self.vocab.strings.add(d) for d in named | {""}), dtype=numpy.uint64)
        self.anchors = _anchors(self.ruler.patterns, self.vocab)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        inputs = doc.to_array(INPUTS)
        deps = inputs[:, DEP_COLUMN].copy()
        other = ~numpy.isin(deps, self.named_deps)
        inputs[other, DEP_COLUMN] = self.other_dep
        keys = list(map(tuple, inputs.tolist()))
        table = self.table
        try:
            out = [table[k] for k in keys]
        except KeyError:
            if len(table) > MAX_ENTRIES:
                table.clear()
            for k in set(keys) - table.keys():
                table[k] = self._annotate([k])[0]
            out = [table[k] for k in keys]
        for start, end in self._contextual(doc):  # not from the table: these tokens see neighbours
            self.runs += 1
            out[start:end] = self._annotate(keys[start:end])
        outputs = numpy.asarray(out, dtype=numpy.uint64)
        kept = outputs[:, OUT_DEP_COLUMN] == self.other_dep  # label untouched: the token's own label
        outputs[kept, OUT_DEP_COLUMN] = deps[kept]
        doc.from_array(OUTPUTS, outputs)
        return doc

    def _contextual(self, doc: Doc) -> list[tuple[int, int]]:
        """Token runs covered by multi-token matches, overlapping matches merged into one run.

        Every pattern that touches a token of a run lies inside the run (a match straddling two
        runs would overlap both and have merged them), so the run annotated alone gets what it
        gets inside the whole document.
        """
        runs: list[tuple[int, int]] = []
        if not self.anchors.present(doc):
            return runs  # no multi-token pattern can match: skip the Matcher (most documents)
        for _, start, end in sorted(self.multi(doc, allow_missing=True), key=lambda m: (m[1], m[2])):
            if runs and start < runs[-1][1]:
                runs[-1] = (runs[-1][0], max(end, runs[-1][1]))
            else:
                runs.append((start, end))
        return runs

    def _annotate(self, keys: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
        """What the real components write on tokens with these inputs, alone in their own document.

        The document is built from the inputs only (no heads), so nothing but what the patterns
        and the lemmatizer may read is there to be read.
        """
        words = [self.vocab.strings[k[0]] for k in keys]
        run = Doc(self.vocab, words=words, spaces=[False] * len(words))
        run.from_array(INPUTS[1:], numpy.asarray([k[1:] for k in keys], dtype=numpy.uint64))
        run = self.lemmatizer(self.ruler(run))
        return list(map(tuple, run.to_array(OUTPUTS).tolist()))


OTHER_DEP = "rashomon-other-dep"
DEP_COLUMN = INPUTS.index(DEP)
OUT_DEP_COLUMN = OUTPUTS.index(DEP)


def _dep_values(test: object) -> set[str]:
    """The labels a pattern's DEP test names (a value, or the lists of IN / NOT_IN)."""
    if isinstance(test, str):
        return {test}
    if isinstance(test, dict):
        return {v for op, vs in test.items() if op in ("IN", "NOT_IN") for v in vs}
    raise ValueError(f"cannot memoise a DEP test of the form {test!r}")


def _dep_labels_named(specs: list[dict]) -> set[str]:
    return {v for spec in specs for p in spec["patterns"] for t in p for k, test in t.items()
            if k.upper() == "DEP" for v in _dep_values(test)}


class _Anchors:
    """A cheap test that a document may hold a multi-token match: each pattern needs one of its
    tokens to have one of a few literal LOWER or DEP values, so a document with none of them
    cannot match and the Matcher need not run."""

    def __init__(self, lowers: set[int], deps: set[int], always: bool) -> None:
        self.lowers = numpy.asarray(sorted(lowers), dtype=numpy.uint64)
        self.deps = numpy.asarray(sorted(deps), dtype=numpy.uint64)
        self.always = always  # some pattern has no literal anchor: always run the Matcher

    def present(self, doc: Doc) -> bool:
        if self.always:
            return True
        values = doc.to_array([LOWER, DEP])
        return bool(numpy.isin(values[:, 0], self.lowers).any() or numpy.isin(values[:, 1], self.deps).any())


def _literal(test: object) -> set[str] | None:
    """The values a literal token test accepts (a string, or an IN list), else None."""
    if isinstance(test, str):
        return {test}
    if isinstance(test, dict) and set(test) == {"IN"}:
        return set(test["IN"])
    return None


def _anchors(specs: list[dict], vocab) -> _Anchors:
    lowers: set[int] = set()
    deps: set[int] = set()
    always = False
    for spec in specs:
        for pattern in spec["patterns"]:
            if len(pattern) < 2:
                continue
            best: tuple[str, set[str]] | None = None  # the token test accepting the fewest values
            for token in pattern:
                if token.get("OP") in ("?", "*", "!"):
                    continue  # an optional or negated token need not be there
                for key, test in token.items():
                    values = _literal(test)
                    if key.upper() in ("LOWER", "DEP") and values and "" not in values and (
                            best is None or len(values) < len(best[1])):
                        best = (key.upper(), values)
            if best is None:
                always = True
            else:
                (lowers if best[0] == "LOWER" else deps).update(vocab.strings.add(v) for v in best[1])
    return _Anchors(lowers, deps, always)


@Language.factory(NAME)
def make_memo_attrs(nlp: Language, name: str) -> MemoAttrs:
    return MemoAttrs(nlp, name)


def memoisable(nlp: Language) -> bool:
    """Whether this pipeline's ruler and lemmatizer read nothing but each token's own inputs."""
    if not all(c in nlp.pipe_names for c in REPLACES):
        return False
    if REPLACES != tuple(c for c in nlp.pipe_names if c in REPLACES) or nlp.pipe_names.index(
            REPLACES[1]) != nlp.pipe_names.index(REPLACES[0]) + 1:
        return False  # something runs between them: keep the pipeline as it is
    lemmatizer = nlp.get_pipe(REPLACES[1])
    if getattr(lemmatizer, "mode", None) != "rule":
        return False
    tests = {k.upper() for spec in nlp.get_pipe(REPLACES[0]).patterns for p in spec["patterns"] for t in p
             for k in t}
    try:
        _dep_labels_named(nlp.get_pipe(REPLACES[0]).patterns)
    except ValueError:
        return False  # a parser-label test the memo cannot key on: keep the pipeline as it is
    return tests <= TOKEN_LOCAL


def install(nlp: Language) -> Language:
    """Put `MemoAttrs` where the two components ran; they stay loaded (disabled) to fill its table.

    A pipeline whose ruler or lemmatizer could read anything else is left as it is.
    """
    if NAME in nlp.component_names or not memoisable(nlp):
        return nlp
    nlp.add_pipe(NAME, after=REPLACES[-1])
    for component in REPLACES:
        nlp.disable_pipe(component)
    return nlp
