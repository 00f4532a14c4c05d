"""Events: who did what to whom, read from the dependency parse with a lexicon kept as data.

Each event has a PLOVER-style type and mode, a source and target actor coded as country plus
sector ("PAK MIL", "RUS"), the date the sentence speaks of (never the publish date), and the
sentence span. Events that were planned but called off ("was to visit ... but cancelled the
trip") are kept and marked negated, so they are never counted as having happened.
"""

from __future__ import annotations

import dataclasses
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
JOINT_TYPES = {"CONSULT", "COOPERATE", "AGREE"}  # nouns whose partners can be the governing verb's subjects
DEFAULT_PREPS = ("to", "with", "against", "in", "on")
NOUN_TARGET_PREPS = ("on", "against", "upon", "with", "to", "of")
HERE = {"here"}
PLACE_TYPES = {"GPE", "LOC", "FAC"}
HONORIFICS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "prof", "prof."}
RELATIVE = {"that", "which", "who"}


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, dict]
    nouns: dict[str, dict]
    adjectives: dict[str, dict]
    presence: dict
    cancel: frozenset[str]
    collective: dict[str, str]
    negators: frozenset[str]
    entourage: frozenset[str]


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    data = yaml.safe_load(resources.files("rashomon.data").joinpath("event_lexicon.yaml").read_text(encoding="utf-8"))
    return Lexicon(data["verbs"], data["nouns"], data["adjectives"], data["presence"], frozenset(data["cancel"]),
                   dict(data.get("collective", {})), frozenset(data.get("negators", [])),
                   frozenset(data.get("entourage", [])))


@dataclass
class Actor:
    code: str  # "PAK MIL", "RUS", or a name where no country is known
    country: str | None
    place: bool = False  # the actor is a place (country/city), i.e. a visit's destination
    kind: str = "name"  # person, country, org, place or name: what the phrase names
    name: str | None = None  # the place or name as written, for an event's location


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
                return Actor(" ".join(filter(None, (country, sec))), country, kind="person", name=m.name)
            return Actor(m.name, None, kind="person", name=m.name)
        country = m.country or (demonym_country(m.name) if m.type in ("GPE", "NORP") else None)
        if country:
            m = dataclasses.replace(m, country=country)
        if m.country:
            place = m.type in PLACE_TYPES
            return Actor(m.country, m.country, place=place, kind="country", name=m.name)
        if m.type == "ORG":
            org = self._state_organ(m.name)
            if org:
                return org
            return Actor(m.name, None, kind="org", name=m.name)
        return Actor(m.name, None, place=m.type in PLACE_TYPES, kind="place" if m.type in PLACE_TYPES else "name",
                     name=m.name)

    def _state_organ(self, name: str) -> Actor | None:
        """"Israel Defense Forces", "Sudan Armed Forces": a country's organ named as an organisation."""
        words = name.split()
        last = words[-1].lower() if words else ""
        if last not in self.lex.collective:
            return None
        for n in (2, 1):
            if len(words) > n:
                code = geo.country_code(" ".join(words[:n]))
                if code:
                    return Actor(f"{code} {self.lex.collective[last]}", code, kind="country", name=name)
        return None

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
            return Actor(self.home, self.home, place=True, kind="country", name=geo.country_name(self.home))
        conj_free = _span_without_conjuncts(head)
        start = conj_free[0].idx
        end = conj_free[-1].idx + len(conj_free[-1].text)
        found = self.mention_at(start, end)
        own = [m for m in found if m.start <= head.idx < m.end]
        if own:
            return self.actor_of_mention(own[0])
        modifiers = [t for t in conj_free if t.i <= head.i]
        # "the Russian Air chief": a role phrase names the actor; a nationality word in it is
        # the country, not the actor itself
        role = role_of(modifiers)
        if role and (role.country or self.home):
            country = role.country or self.home
            return Actor(" ".join(filter(None, (country, sector(role.text)))), country, kind="person")
        persons = [m for m in found if m.type == "PERSON"]
        countries = [m for m in found if m.country and m.type != "PERSON"]
        # "Israeli forces", "the Sudanese government", "the Obama administration": a group that
        # stands for a state organ
        group = self.lex.collective.get(head.lower_) or self.lex.collective.get(head.lemma_.lower())
        if group and countries:
            code = countries[0].country
            return Actor(f"{code} {group}", code, kind="country", name=countries[0].name)
        if group and not persons:
            # "Staunton police": a group noun qualified by a name that is not a country names
            # that body; it is an actor by its name
            names = [t.text for t in conj_free if t.i < head.i and t.dep_ == "compound" and t.pos_ == "PROPN"]
            if names:
                return Actor(" ".join([*names, head.text]), None, kind="org", name=" ".join([*names, head.text]))
        if persons and (group or head.lemma_.lower() in self.lex.entourage):
            return self.actor_of_mention(persons[0])  # "the Obama administration", "the Obama team"
        # "the Israeli attack", "Israeli bombs": a nationality word stands for its country; other
        # modifiers ("the Oscar host") do not make their head an actor
        if countries:
            return self.actor_of_mention(countries[0])
        for child in head.children:
            if child.dep_ == "appos":
                appos = self._actor(child)
                if appos:
                    return appos
        if head.pos_ == "PROPN" and head.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT"):
            words = [t.text for t in conj_free if t.i <= head.i and t.pos_ == "PROPN" and t.lower_ not in HONORIFICS]
            if words:
                return Actor(" ".join(words), None, kind="name", name=" ".join(words))
        return None

    def _place_in(self, token: Token, exclude: Actor | None = None) -> Actor | None:
        """A named place inside a phrase: "a school in the Jabaliya camp" -> Jabaliya."""
        start = min(t.idx for t in token.subtree)
        end = max(t.idx + len(t.text) for t in token.subtree)
        for m in self.mention_at(start, end):
            if m.type == "PERSON" and m.start <= token.idx < m.end:
                continue  # a person is not a place; a mis-tagged name of a building ("al-Fakhora school") is
            actor = self.actor_of_mention(m)
            if exclude is None or actor.code != exclude.code:
                return actor
        return None

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

    def location_for(self, trigger: Token, target: Actor | None) -> str | None:
        """Where it happened: a place after "in"/"at" on the trigger or on the verb that governs it."""
        heads = [trigger]
        node = trigger
        while node.head is not node and len(heads) < 4:
            node = node.head
            heads.append(node)
            if node.pos_ in ("VERB", "AUX"):
                break  # up to the governing verb: "was in Moscow ... for the dialogue"
        for head in heads:
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ in ("in", "at"):
                    for pobj in child.children:
                        if pobj.dep_ != "pobj":
                            continue
                        for m in self.mention_at(*_np_range(pobj)):
                            if m.type in PLACE_TYPES and (target is None or m.name != target.name):
                                return m.name
        return None

    # -- events ---------------------------------------------------------------------------
    def read(self) -> list[Event]:
        events: list[Event] = []
        for sent in self.doc.sents:
            for tok in sent:
                event = None
                lemma = tok.lemma_.lower()
                headline = _headline_verb(tok, self.lex.verbs)
                if tok.pos_ in ("VERB",) and lemma in self.lex.verbs:
                    event = self.verb_event(tok, sent, self.lex.verbs[lemma])
                elif headline:
                    event = self.verb_event(tok, sent, self.lex.verbs[headline])
                elif tok.pos_ in ("NOUN", "PROPN") and (lemma in self.lex.nouns or tok.lower_ in self.lex.nouns):
                    event = self.noun_event(tok, sent, self.lex.nouns.get(lemma) or self.lex.nouns[tok.lower_])
                elif tok.pos_ == "ADJ" and lemma in self.lex.adjectives:
                    event = self.adjective_event(tok, sent, self.lex.adjectives[lemma])
                elif tok.lemma_ == "be":
                    event = self.presence_event(tok, sent)
                if event and not _duplicate(event, events):
                    events.append(event)
        return events

    def _make(self, trigger: Token, sent: Span, entry: dict, source: Actor | None, target: Actor | None,
              location: str | None = None, action: str | None = None) -> Event | None:
        if source is None or target is None or source.code == target.code:
            return None
        kinds = entry.get("targets")
        if kinds and target.kind not in kinds:
            return None
        clause = list(_clause(trigger))
        return Event(
            date=self.date_for(clause, sent),
            source_actor=source.code,
            action=action or entry["type"],
            target_actor=target.code,
            document=self.document,
            start=sent.start_char,
            end=sent.end_char,
            mode=entry.get("mode"),
            negated=self.negated(trigger),
            location=location or self.location_for(trigger, target),
            text=sent.text,
            trigger=trigger.text,
            documents=[self.document],
        )

    def verb_event(self, verb: Token, sent: Span, entry: dict) -> Event | None:
        particle = entry.get("particle")
        if particle and not any(c.dep_ == "prt" and c.lower_ == particle for c in verb.children):
            return None
        action = entry["type"]
        if entry.get("with_of") and any(c.dep_ == "prep" and c.lower_ == "of" for c in verb.children):
            action = entry["with_of"]
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or verb.dep_ == "acl" and verb.tag_ == "VBN"
        if passive:
            sources, targets = self._passive_actors(verb)
        else:
            sources = [a for s in _subjects(verb) for a in self.actors(s)]
            targets = self._verb_targets(verb, entry)
        if not targets and entry.get("symmetric") and len(sources) >= 2:
            targets = sources[1:2]  # "Moscow and Islamabad have been cooperating"
        elif entry.get("only_symmetric"):
            return None
        if not targets and entry.get("place_target"):
            for child in verb.children:
                if child.dep_ in ("dobj", "obj") or child.dep_ == "prep" and child.lower_ in ("in", "on", "at"):
                    place = self._place_in(child, sources[0] if sources else None)
                    if place:
                        targets = [place]
                        break
        if not sources or not targets:
            return None
        location = None
        if entry.get("mode") == "visit" and targets[0].place:
            location = targets[0].name or targets[0].country
        return self._make(verb, sent, entry, sources[0], targets[0], location, action)

    def _verb_targets(self, verb: Token, entry: dict) -> list[Actor]:
        targets: list[Actor] = []
        for child in verb.children:
            if child.dep_ in ("dobj", "obj", "dative"):
                targets = self.actors(child) or self._possessor(child)
            if targets:
                return targets
        for conj in verb.conjuncts:
            # "have arrested and charged Smith": the object of the last conjunct is shared
            if conj.i > verb.i and conj.pos_ == "VERB" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in conj.children):
                for child in conj.children:
                    if child.dep_ in ("dobj", "obj"):
                        targets = self.actors(child)
                        if targets:
                            return targets
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
        return targets

    def _passive_actors(self, verb: Token) -> tuple[list[Actor], list[Actor]]:
        """"Gupta has been offered the post by Obama", "the school bombed by Israel": the agent
        acts on the passive subject (or on the noun the participle modifies)."""
        agents: list[Token] = []
        for holder in [verb, *[c for c in verb.children if c.dep_ in ("dobj", "obj")]]:
            for c in holder.children:
                if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                    agents.extend(p for p in c.children if p.dep_ == "pobj")
        sources = [a for p in agents for a in self.actors(p)]
        patients = [c for c in verb.children if c.dep_ == "nsubjpass"]
        if not patients and verb.dep_ == "acl":
            patients = [verb.head]
        targets = [a for p in patients for a in self.actors(p)]
        if not targets:
            for p in patients:
                place = self._place_in(p, sources[0] if sources else None)
                if place:
                    targets = [place]
        return sources, targets

    def noun_event(self, noun: Token, sent: Span, entry: dict) -> Event | None:
        if noun.head.lemma_.lower() in self.lex.cancel or noun.head.lemma_.lower() in self.lex.verbs:
            return None  # "cancelled the trip", "paid a visit": the verb carries the event
        actors: list[Actor] = []
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ == "between":
                actors = [a for p in child.children if p.dep_ == "pobj" for a in self.actors(p)]
        if len(actors) < 2:
            own = self._noun_source(noun) or self._governing_subject(noun)
            if own:
                targets = self._noun_targets(noun, entry, own)
                if targets:
                    actors = [own, targets[0]]
        if len(actors) < 2 and entry["type"] in JOINT_TYPES:
            governing = noun.head
            while governing.dep_ in ("prep", "pobj", "dobj") and governing.head is not governing:
                governing = governing.head
            if governing.pos_ in ("VERB", "AUX"):
                sources = [a for s in _subjects(governing) for a in self.actors(s)]
                partners = [a for c in [*noun.children, *governing.children] if c.dep_ == "prep" and c.lower_ == "with"
                            for p in c.children if p.dep_ == "pobj" for a in self.actors(p)]
                actors = sources[:1] + partners[:1] if partners else sources
        if len(actors) < 2:
            return None
        return self._make(noun, sent, entry, actors[0], actors[1])

    def _noun_source(self, noun: Token) -> Actor | None:
        """The actor written before an event noun: "Israel's assault", "the Israeli attack"."""
        for child in noun.children:
            if child.dep_ == "poss":
                found = self.actors(child)
                if found:
                    return found[0]
        left = [t for t in noun.children if t.i < noun.i and t.dep_ in ("amod", "compound", "nmod")]
        for tok in left:
            for m in self.mention_at(tok.idx, tok.idx + len(tok.text)):
                if m.country and m.type != "PERSON":
                    return self.actor_of_mention(m)
        return None

    def _governing_subject(self, noun: Token) -> Actor | None:
        """"Israeli forces killed 40 people during an attack on a school": the subject of the verb
        an event noun hangs from (by a preposition) is the noun's actor."""
        if noun.dep_ != "pobj" or noun.head.dep_ != "prep" or noun.head.lower_ not in ("during", "in", "with", "by"):
            return None
        verb = noun.head.head
        if verb.pos_ != "VERB":
            return None
        found = [a for s in _subjects(verb) for a in self.actors(s)]
        return found[0] if found else None

    def _noun_targets(self, noun: Token, entry: dict, source: Actor) -> list[Actor]:
        preps = entry.get("preps", NOUN_TARGET_PREPS)
        holders = [noun]
        if noun.dep_ in ("nsubj", "nsubjpass") and noun.head.pos_ == "VERB":
            holders.append(noun.head)  # "the attack came on the school"
        for child in (c for h in holders for c in h.children):
            if child.dep_ == "prep" and child.lower_ in preps:
                for pobj in (p for p in child.children if p.dep_ == "pobj"):
                    found = [a for a in self.actors(pobj) if a.code != source.code]
                    if not found and entry.get("place_target"):
                        place = self._place_in(pobj, source)
                        found = [place] if place else []
                    if found:
                        return found
        if entry.get("place_target"):
            # "an Israeli bombing in the village of Qana": an attack's place stands for its target
            for child in noun.children:
                if child.dep_ == "prep" and child.lower_ in ("in", "at"):
                    for pobj in (p for p in child.children if p.dep_ == "pobj"):
                        place = self._place_in(pobj, source)
                        if place:
                            return [place]
        return []

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
            if role_actor is None or role_actor.country is None or role_actor.kind != "person":
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
        return self._make(be, sent, self.lex.presence, source, places[0], places[0].name or places[0].country)

    def _possessor(self, token: Token) -> list[Actor]:
        return [a for c in token.children if c.dep_ == "poss" for a in self.actors(c)]

    def _subject_actors(self, token: Token) -> list[Actor]:
        return [a for s in _subjects(token) for a in self.actors(s)]

    def negated(self, trigger: Token) -> bool:
        """Negation ("did not visit"), a cancellation of the planned event ("but cancelled the
        trip"), or a word above the trigger that denies it ("remained averse to developing ...")."""
        if any(c.dep_ == "neg" for c in trigger.children):
            return True
        heads = {trigger, trigger.head}
        for tok in trigger.sent:
            if tok.lemma_.lower() in self.lex.cancel and tok.pos_ == "VERB":
                if tok.lemma_.lower() == "call" and not any(c.lower_ == "off" for c in tok.children):
                    continue
                if tok.head in heads or any(c in heads for c in tok.children) or tok in {c for h in heads for c in h.conjuncts}:
                    return True
        ancestor, steps = trigger.head, 0
        while ancestor is not ancestor.head and steps < 4:
            if ancestor.lemma_.lower() in self.lex.negators:
                return True
            if ancestor.pos_ in ("VERB", "AUX") and ancestor.dep_ not in ("pcomp", "xcomp", "acomp"):
                break
            ancestor, steps = ancestor.head, steps + 1
        return ancestor.lemma_.lower() in self.lex.negators


DEMONYM_ENDINGS = (("ese", ""), ("ian", "ia"), ("ian", "e"), ("ian", ""), ("i", ""), ("n", ""))


def demonym_country(name: str) -> str | None:
    """"South Sudanese" -> SSD, "Palestinian" -> PSE: a nationality word the gazetteer lacks,
    read as the country it is formed from."""
    for ending, stem_end in DEMONYM_ENDINGS:
        if name.lower().endswith(ending):
            code = geo.country_code(name[: len(name) - len(ending)] + stem_end)
            if code:
                return code
    return None


def _headline_verb(tok: Token, verbs: dict[str, dict]) -> str | None:
    """Title-case headlines ("Russia Accuses Ukraine of ...") are tagged as names; a lexicon verb
    in the third person that still governs a subject is read as the verb it is."""
    if tok.pos_ not in ("PROPN", "NOUN") or not tok.text[:1].isupper():
        return None
    if not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
        return None
    low = tok.lower_
    for stem in (low[:-2], low[:-1]) if low.endswith("s") else ():
        if stem in verbs:
            return stem
    return None


def _subjects(verb: Token) -> list[Token]:
    subs = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
    if not subs and verb.dep_ in ("xcomp", "conj", "advcl") and verb.head is not verb:
        subs = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    out = []
    for s in subs:
        if s.lower_ in RELATIVE and verb.dep_ == "relcl":
            out.append(verb.head)  # "a strike that killed 40 people": the strike killed them
        elif s.dep_ == "agent":
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
