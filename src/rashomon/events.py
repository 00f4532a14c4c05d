"""Events: who did what to whom, read from the dependency parse with a lexicon kept as data.

Each event has a PLOVER-style type and mode, a source and target actor coded as country plus
sector ("PAK MIL", "RUS"), the date the sentence speaks of (never the publish date), and the
sentence span. Events that were planned but called off ("was to visit ... but cancelled the
trip") are kept and marked negated, so they are never counted as having happened.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import yaml
from spacy.tokens import Doc, Span, Token

from rashomon import geo
from rashomon.entities import role_of, sector
from rashomon.model import Event, Mention, TimeRef

SYMMETRIC_MODES = {"talks", "meet"}
DEFAULT_PREPS = ("to", "with", "against", "in", "on")
HERE = {"here"}


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, dict]
    nouns: dict[str, dict]
    adjectives: dict[str, dict]
    presence: dict
    cancel: frozenset[str]


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = yaml.safe_load(resources.files("rashomon.data").joinpath("event_lexicon.yaml").read_text(encoding="utf-8"))
    return Lexicon(data["verbs"], data["nouns"], data["adjectives"], data["presence"], frozenset(data["cancel"]))


@dataclass
class Actor:
    code: str  # "PAK MIL", "RUS", or a name where no country is known
    country: str | None
    place: bool = False  # the actor is a place (country/city), i.e. a visit's destination


class EventReader:
    """Reads the events of one parsed document; holds the document's mentions and dates."""

    def __init__(self, doc: Doc, document: str, mentions: Sequence[Mention], dates: Sequence[TimeRef],
                 home_country: str | None):
        self.doc = doc
        self.document = document
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.dates = [d for d in dates if d.value]
        self.home = home_country
        self.lex = lexicon()

    # -- actors ---------------------------------------------------------------------------
    def mention_at(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.start >= start and m.end <= end]

    def actor_of_mention(self, m: Mention) -> Actor:
        if m.type == "PERSON":
            country = m.country or (self.home if m.role else None)
            sec = sector(m.role)
            if country:
                return Actor(" ".join(filter(None, (country, sec))), country)
            return Actor(m.name, None)
        if m.country:
            return Actor(m.country, m.country, place=m.type in ("GPE", "LOC", "FAC"))
        return Actor(m.name, None)

    def actors(self, token: Token) -> list[Actor]:
        """Actors named by the noun phrase headed by `token`, and by its conjuncts."""
        out = []
        for head in [token, *token.conjuncts]:
            actor = self._actor(head)
            if actor:
                out.append(actor)
        return out

    def _actor(self, head: Token) -> Actor | None:
        if head.lower_ in HERE and self.home:
            return Actor(self.home, self.home, place=True)
        conj_free = _span_without_conjuncts(head)
        start = conj_free[0].idx
        end = conj_free[-1].idx + len(conj_free[-1].text)
        found = self.mention_at(start, end)
        own = [m for m in found if m.start <= head.idx < m.end]
        if not own:
            # "the Russian Air chief": a role phrase names the actor; a nationality word in it is
            # the country, not the actor itself
            role = role_of([t for t in conj_free if t.i <= head.i])
            if role and (role.country or self.home):
                country = role.country or self.home
                return Actor(" ".join(filter(None, (country, sector(role.text)))), country)
            if not found:
                return None
        # the mention the head word belongs to, else a person, else the first one
        persons = [m for m in found if m.type == "PERSON"]
        return self.actor_of_mention((own or persons or found)[0])

    # -- dates ----------------------------------------------------------------------------
    def date_for(self, tokens: Iterable[Token], sent: Span) -> str | None:
        idx = sorted(t.idx for t in tokens)
        if idx:
            for d in self.dates:
                if idx[0] <= d.start <= idx[-1] + 1:
                    return d.value
        for d in self.dates:
            if sent.start_char <= d.start < sent.end_char:
                return d.value
        return None

    # -- events ---------------------------------------------------------------------------
    def read(self) -> list[Event]:
        events: list[Event] = []
        for sent in self.doc.sents:
            for tok in sent:
                event = None
                if tok.pos_ in ("VERB",) and tok.lemma_.lower() in self.lex.verbs:
                    event = self.verb_event(tok, sent, self.lex.verbs[tok.lemma_.lower()])
                elif tok.pos_ in ("NOUN", "PROPN") and tok.lemma_.lower() in self.lex.nouns:
                    event = self.noun_event(tok, sent, self.lex.nouns[tok.lemma_.lower()])
                elif tok.pos_ == "ADJ" and tok.lemma_.lower() in self.lex.adjectives:
                    event = self.adjective_event(tok, sent, self.lex.adjectives[tok.lemma_.lower()])
                elif tok.lemma_ == "be":
                    event = self.presence_event(tok, sent)
                if event and not _duplicate(event, events):
                    events.append(event)
        return events

    def _make(self, trigger: Token, sent: Span, entry: dict, source: Actor | None, target: Actor | None,
              location: str | None = None) -> Event | None:
        if source is None or target is None or source.code == target.code:
            return None
        clause = list(_clause(trigger))
        return Event(
            date=self.date_for(clause, sent),
            source_actor=source.code,
            action=entry["type"],
            target_actor=target.code,
            document=self.document,
            start=sent.start_char,
            end=sent.end_char,
            mode=entry.get("mode"),
            negated=self.negated(trigger),
            location=location,
            text=sent.text,
            trigger=trigger.text,
            documents=[self.document],
        )

    def verb_event(self, verb: Token, sent: Span, entry: dict) -> Event | None:
        subjects = _subjects(verb)
        sources = [a for s in subjects for a in self.actors(s)]
        targets: list[Actor] = []
        for child in verb.children:
            if child.dep_ in ("dobj", "obj", "dative"):
                targets = self.actors(child) or self._possessor(child)
            if targets:
                break
        if not targets:
            preps = entry.get("preps", DEFAULT_PREPS) or DEFAULT_PREPS
            for child in verb.children:
                if child.dep_ == "prep" and child.lower_ in preps:
                    targets = [a for p in child.children if p.dep_ == "pobj" for a in self.actors(p)]
                elif child.dep_ == "advmod" and child.lower_ in HERE:
                    targets = self.actors(child)
                elif child.dep_ in ("ccomp", "xcomp") and not targets:
                    targets = [a for s in _subjects(child) for a in self.actors(s)]
                if targets:
                    break
        if not sources or not targets:
            return None
        location = targets[0].country if entry.get("mode") == "visit" and targets[0].place else None
        return self._make(verb, sent, entry, sources[0], targets[0], location)

    def noun_event(self, noun: Token, sent: Span, entry: dict) -> Event | None:
        if noun.head.lemma_.lower() in self.lex.cancel or noun.head.lemma_.lower() in self.lex.verbs:
            return None  # "cancelled the trip", "paid a visit": the verb carries the event
        actors: list[Actor] = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ == "between":
                actors = [a for p in child.children if p.dep_ == "pobj" for a in self.actors(p)]
        if len(actors) < 2:
            governing = noun.head
            while governing.dep_ in ("prep", "pobj") and governing.head is not governing:
                governing = governing.head
            if governing.pos_ in ("VERB", "AUX"):
                sources = [a for s in _subjects(governing) for a in self.actors(s)]
                partners = [a for c in [*noun.children, *governing.children] if c.dep_ == "prep" and c.lower_ == "with"
                            for p in c.children if p.dep_ == "pobj" for a in self.actors(p)]
                actors = sources[:1] + partners[:1] if partners else sources
        if len(actors) < 2:
            return None
        return self._make(noun, sent, entry, actors[0], actors[1])

    def adjective_event(self, adj: Token, sent: Span, entry: dict) -> Event | None:
        head = adj.head if adj.dep_ in ("acomp", "amod") else adj
        sources = [a for s in _subjects(head) for a in self.actors(s)]
        targets = [a for c in adj.children if c.dep_ == "prep" and c.lower_ in entry.get("preps", ["of"])
                   for p in c.children if p.dep_ in ("pobj", "pcomp") for a in (self.actors(p) or self._subject_actors(p))]
        if not sources or not targets:
            return None
        return self._make(adj, sent, entry, sources[0], targets[0])

    def presence_event(self, be: Token, sent: Span) -> Event | None:
        """"Chirkin was here this month" / "Jilani was in Moscow": a visit by a foreign person."""
        subjects = [s for s in _subjects(be)]
        people = [m for s in subjects for m in self.mention_at(*_np_range(s)) if m.type == "PERSON"]
        role_actor = None
        if not people and subjects:
            role_actor = self._actor(subjects[0])
            if role_actor is None or role_actor.country is None:
                return None
        places: list[Actor] = []
        for child in be.children:
            if child.dep_ == "advmod" and child.lower_ in HERE:
                places = self.actors(child)
            elif child.dep_ == "prep" and child.lower_ in ("in", "at"):
                places = [a for p in child.children if p.dep_ == "pobj" for a in self.actors(p) if a.place]
            if places:
                break
        if not places:
            return None
        source = self.actor_of_mention(people[0]) if people else role_actor
        if source is None or source.country == places[0].country:
            return None
        return self._make(be, sent, self.lex.presence, source, places[0], places[0].country)

    def _possessor(self, token: Token) -> list[Actor]:
        return [a for c in token.children if c.dep_ == "poss" for a in self.actors(c)]

    def _subject_actors(self, token: Token) -> list[Actor]:
        return [a for s in _subjects(token) for a in self.actors(s)]

    def negated(self, trigger: Token) -> bool:
        """Negation ("did not visit") or a cancellation of the planned event ("but cancelled the trip")."""
        if any(c.dep_ == "neg" for c in trigger.children):
            return True
        heads = {trigger, trigger.head}
        for tok in trigger.sent:
            if tok.lemma_.lower() in self.lex.cancel and tok.pos_ == "VERB":
                if tok.lemma_.lower() == "call" and not any(c.lower_ == "off" for c in tok.children):
                    continue
                if tok.head in heads or any(c in heads for c in tok.children) or tok in {c for h in heads for c in h.conjuncts}:
                    return True
        return False


def _subjects(verb: Token) -> list[Token]:
    subs = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
    if not subs and verb.dep_ in ("xcomp", "conj", "advcl") and verb.head is not verb:
        subs = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    out = []
    for s in subs:
        if s.dep_ == "agent":
            out.extend(c for c in s.children if c.dep_ == "pobj")
        else:
            out.append(s)
    return out


def _span_without_conjuncts(head: Token) -> list[Token]:
    skip = set()
    for c in head.children:
        if c.dep_ in ("conj", "cc", "relcl", "acl", "appos") or (c.dep_ == "prep" and c.i > head.i):
            skip.update(t.i for t in c.subtree)
    return [t for t in head.subtree if t.i not in skip]


def _np_range(head: Token) -> tuple[int, int]:
    toks = _span_without_conjuncts(head)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _clause(trigger: Token) -> Iterable[Token]:
    """The trigger's clause: its subtree without coordinated clauses that have their own subject."""
    skip = set()
    for c in trigger.children:
        if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"):
            skip.update(t.i for t in c.subtree)
    return [t for t in trigger.subtree if t.i not in skip]


def _duplicate(event: Event, events: list[Event]) -> bool:
    return any(e.start == event.start and e.action == event.action and e.source_actor == event.source_actor
               and e.target_actor == event.target_actor for e in events)


def find_events(doc: Doc, document: str, mentions: Sequence[Mention], dates: Sequence[TimeRef],
                home_country: str | None) -> list[Event]:
    """Events of one document. `home_country` is where the dateline places the writer ("here")."""
    return EventReader(doc, document, mentions, dates, home_country).read()


def home_country(dateline: str | None) -> str | None:
    if not dateline:
        return None
    return geo.country_code(dateline.split(",")[0].title())


def _country(actor: str | None) -> str:
    return (actor or "").split(" ")[0]


def _event_key(e: Event) -> tuple:
    actors: tuple = (_country(e.source_actor), _country(e.target_actor))
    if e.mode in SYMMETRIC_MODES:
        actors = tuple(sorted(actors))
    return (e.action, e.mode, actors, e.negated)


def merge_events(found: Sequence[Event], source_of: dict[str, int]) -> list[Event]:
    """One event per real act across documents: same type, mode, actors (by country) and a
    compatible date. Corroborated when independent sources (copy groups) report it."""
    from rashomon.timex import compatible

    merged: list[tuple[Event, set[int]]] = []
    for e in sorted(found, key=lambda e: (e.date is None, e.document, e.start)):
        for target, sources in merged:
            if _event_key(target) == _event_key(e) and compatible(target.date, e.date):
                if e.document not in target.documents:
                    target.documents.append(e.document)
                sources.add(source_of.get(e.document, -1))
                if e.date and (target.date is None or len(e.date) > len(target.date)):
                    target.date = e.date
                if target.source_actor and e.source_actor and len(e.source_actor) > len(target.source_actor) \
                        and _country(e.source_actor) == _country(target.source_actor):
                    target.source_actor = e.source_actor
                break
        else:
            copy = Event(**{**e.__dict__, "documents": [e.document]})
            merged.append((copy, {source_of.get(e.document, -1)}))
    out = []
    for event, sources in merged:
        event.status = "corroborated" if len(sources) >= 2 else "single-source"
        out.append(event)
    out.sort(key=lambda e: (e.date or "", e.start))
    return out
