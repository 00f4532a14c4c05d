"""The story-level half over an unbounded stream, in bounded memory.

`pipeline.analyze` keeps every document until the end, which is right for a folder of pages but
not for a feed of 100,000 articles a day. Here articles arrive in publish-date order (as a
crawler or a store delivers them) and are clustered at once; a story that has been quiet for
longer than the clusterer's horizon can receive no further article (the clusterer no longer
offers it as a candidate), so it is finished there and then — copies detected among its
documents, entities resolved, claims compared, events merged — handed to the caller, and
dropped, with its centroid. Memory is bounded by the stories open inside one horizon, not by the
length of the stream, and each article costs the same whatever came before it.

"Quiet" is measured against the stream's clock, the median publish date of the latest dated
arrivals (never moving back), not against the newest date seen: one article misdated into the
future (a date read from its text, a wrong feed field) would otherwise move the clock years
ahead, after which no later date advances it and no story is ever finished again. A story none
of whose articles carries a date cannot age by the clock; it is finished once that many articles
have arrived after its last one.

A story is not fixed by its first articles. With regrouping on, one `StoryClusterer.add` may
split a story that turned out to hold two events or fold a story into another that turned out to
be the same event (`drain_moves`); the stream replays those moves on its open stories in the
order they happened, so a finished story holds exactly the clusterer's members at the moment it
is retired (checked against what `retire` returns). A part split off with only old members can
already be past the horizon; it is finished at once.

Differences from the batch path, by construction: copy detection runs among the documents of
one story (a copy that landed in another story is not linked), and stories past the horizon
leave the clusterer's index instead of occupying candidate slots there.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rashomon import dedup
from rashomon.cluster import ClusterParams, StoryClusterer, StoryMove
from rashomon.model import Document, FileError, Story
from rashomon.parallel import BatchResult
from rashomon.pipeline import DocumentLayers, Progress, build_story, iter_layers


@dataclass
class FinishedStory:
    """A story that can change no more, with its documents (copy links set)."""

    story: Story
    documents: list[Document]


CLOCK_WINDOW = 101  # dated arrivals whose median is the clock: 51 misdated ones to move it
UNDATED_QUIET_ARRIVALS = 5000  # arrivals after which a story with no date at all is finished


class StoryStream:
    """Feed `DocumentLayers` in publish-date order; get each story back once it is finished."""

    def __init__(self, params: ClusterParams | None = None) -> None:
        self.clusterer = StoryClusterer(params)
        self.horizon = self.clusterer.params.horizon_days
        self.open: dict[str, list[DocumentLayers]] = {}  # by the clusterer's story id
        self.last: dict[str, dt.date | None] = {}  # newest publish date of each open story
        self.clock: dt.date | None = None
        self._recent: deque[dt.date] = deque(maxlen=CLOCK_WINDOW)
        self._arrivals = 0
        self._undated: dict[str, int] = {}  # open stories without any date: arrival of their last article
        self._arrived: dict[str, int] = {}  # open articles (clusterer doc id): when each arrived

    def add(self, layer: DocumentLayers) -> list[FinishedStory]:
        """Cluster one article; returns the stories this article has finished."""
        item = layer.cluster_item
        if item is None:
            return []
        self._arrivals += 1
        story_id = self.clusterer.add(item)
        touched = self._replay(self.clusterer.drain_moves())
        self._arrived[item.doc_id] = self._arrivals
        self.open.setdefault(story_id, []).append(layer)
        if item.published is not None:
            last = self.last.get(story_id)
            self.last[story_id] = item.published if last is None else max(last, item.published)
            self._undated.pop(story_id, None)
        else:
            self.last.setdefault(story_id, None)
            if self.last[story_id] is None:  # re-inserted: the dict stays in order of last arrival
                self._undated.pop(story_id, None)
                self._undated[story_id] = self._arrivals
        quiet = self._forgotten_undated()
        if self.clock is not None:  # a part split off with only old members may be past the horizon
            quiet += [sid for sid in touched if self._is_quiet(sid, self.clock)]
        if item.published is not None and self._advance_clock(item.published):
            quiet += self._quiet(self.clock)
        return self._finish(list(dict.fromkeys(quiet)))

    def close(self) -> list[FinishedStory]:
        """The end of the stream: every open story is finished."""
        return self._finish(list(self.open))

    def _replay(self, moves: list[StoryMove]) -> list[str]:
        """Apply the clusterer's splits and merges to the open stories, in order; returns the
        stories they touched (still open), with their dates worked out afresh. The article being
        added is in none of them yet: it goes to its final story afterwards."""
        touched: list[str] = []
        for move in moves:
            source = self.open.pop(move.source, [])
            if move.kind == "merge":  # the source story is gone, with all its articles
                moving, staying = source, []
            else:
                leaving = set(move.docs)
                moving = [l for l in source if l.cluster_item.doc_id in leaving]
                staying = [l for l in source if l.cluster_item.doc_id not in leaving]
            if staying:
                self.open[move.source] = staying
            else:  # gone, or nothing older stays (the article being added may still go there)
                self.last.pop(move.source, None)
                self._undated.pop(move.source, None)
            if moving:
                self.open.setdefault(move.target, []).extend(moving)
            touched += [move.source, move.target]
        touched = [sid for sid in dict.fromkeys(touched) if sid in self.open]
        for sid in touched:
            self._redate(sid)
        if any(sid in self._undated for sid in touched):  # keep the order of last arrival
            self._undated = dict(sorted(self._undated.items(), key=lambda kv: kv[1]))
        return touched

    def _redate(self, story_id: str) -> None:
        """A story's newest publish date (or, with none, the arrival of its last article) from
        the articles it holds now."""
        layers = self.open[story_id]
        dates = [l.cluster_item.published for l in layers if l.cluster_item.published is not None]
        self.last[story_id] = max(dates, default=None)
        self._undated.pop(story_id, None)
        if not dates:
            self._undated[story_id] = max(self._arrived[l.cluster_item.doc_id] for l in layers)

    def _advance_clock(self, published: dt.date) -> bool:
        self._recent.append(published)
        median = sorted(self._recent)[(len(self._recent) - 1) // 2]  # the lower one: a lone jump is not enough
        if self.clock is None or median > self.clock:
            self.clock = median
            return True
        return False

    def _quiet(self, today: dt.date) -> list[str]:
        return [sid for sid in self.last if self._is_quiet(sid, today)]

    def _is_quiet(self, story_id: str, today: dt.date) -> bool:
        last = self.last[story_id]
        return last is not None and (today - last).days > self.horizon

    def _forgotten_undated(self) -> list[str]:
        oldest = self._arrivals - UNDATED_QUIET_ARRIVALS
        out = []
        for sid, arrival in self._undated.items():  # in order of last arrival: stop at the first recent one
            if arrival > oldest:
                break
            out.append(sid)
        return out

    def _finish(self, story_ids: list[str]) -> list[FinishedStory]:
        out = []
        for sid in story_ids:
            layers = self.open.pop(sid)
            self.last.pop(sid, None)
            self._undated.pop(sid, None)
            members = self.clusterer.retire(sid)
            held = {l.cluster_item.doc_id for l in layers}
            if held != set(members):  # a move not replayed: a bug, never a property of the input
                raise RuntimeError(f"story {sid}: the stream holds {sorted(held)}, the clusterer {sorted(members)}")
            for doc_id in held:
                self._arrived.pop(doc_id, None)
            out.append(finish(layers))
        return out


def finish(layers: list[DocumentLayers]) -> FinishedStory:
    """Copies among the story's documents, then the story-level layers (as `pipeline.assemble`)."""
    documents = [layer.document for layer in layers]
    report = dedup.detect_copies(documents)
    dedup.apply(documents, report)
    for document in documents:
        document.shares_text_with = sorted(document.shares_text_with)
    return FinishedStory(build_story(layers, report.groups), documents)


def analyze_stream(paths: Iterable[str | Path], errors: list[FileError] | None = None,
                   progress: Progress | None = None, workers: int | None = 1, scheduler: str | None = None,
                   dask_local: bool = False, params: ClusterParams | None = None,
                   on_batch: Callable[[BatchResult], None] | None = None) -> Iterator[FinishedStory]:
    """Stories of the files under `paths` (in publish-date order), each as soon as it is finished.

    Per-document work runs as in `pipeline.analyze` (in-process, on a local pool or on Dask);
    unreadable files go to `errors`.
    """
    errors = errors if errors is not None else []
    stream = StoryStream(params)
    for layer in iter_layers(paths, errors, progress, workers, scheduler, dask_local, on_batch):
        yield from stream.add(layer)
    yield from stream.close()
