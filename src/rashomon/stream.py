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
from rashomon.cluster import ClusterParams, StoryClusterer
from rashomon.model import Document, FileError, Story
from rashomon.parallel import BatchResult
from rashomon.pipeline import DocumentLayers, Progress, build_story, iter_layers


@dataclass
class FinishedStory:
    """A story that can change no more, with its documents (copy links set)."""

    story: Story
    documents: list[Document]


class _RetiringClusterer(StoryClusterer):
    """The clusterer a stream uses: `StoryClusterer.retire` forgets a finished story (centroid,
    index entries, assignments) through the public API, so nothing here touches its internals."""


CLOCK_WINDOW = 101  # dated arrivals whose median is the clock: 51 misdated ones to move it
UNDATED_QUIET_ARRIVALS = 5000  # arrivals after which a story with no date at all is finished


class StoryStream:
    """Feed `DocumentLayers` in publish-date order; get each story back once it is finished."""

    def __init__(self, params: ClusterParams | None = None) -> None:
        self.clusterer = _RetiringClusterer(params)
        self.horizon = self.clusterer.params.horizon_days
        self.open: dict[str, list[DocumentLayers]] = {}
        self.last: dict[str, dt.date | None] = {}  # newest publish date of each open story
        self.clock: dt.date | None = None
        self._recent: deque[dt.date] = deque(maxlen=CLOCK_WINDOW)
        self._arrivals = 0
        self._undated: dict[str, int] = {}  # open stories without any date: arrival of their last article

    def add(self, layer: DocumentLayers) -> list[FinishedStory]:
        """Cluster one article; returns the stories this article has finished."""
        item = layer.cluster_item
        if item is None:
            return []
        self._arrivals += 1
        story_id = self.clusterer.add(item)
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
        if item.published is not None and self._advance_clock(item.published):
            quiet += self._quiet(self.clock)
        return self._finish(quiet)

    def close(self) -> list[FinishedStory]:
        """The end of the stream: every open story is finished."""
        return self._finish(list(self.open))

    def _advance_clock(self, published: dt.date) -> bool:
        self._recent.append(published)
        median = sorted(self._recent)[(len(self._recent) - 1) // 2]  # the lower one: a lone jump is not enough
        if self.clock is None or median > self.clock:
            self.clock = median
            return True
        return False

    def _quiet(self, today: dt.date) -> list[str]:
        return [sid for sid, last in self.last.items() if last is not None and (today - last).days > self.horizon]

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
            self.clusterer.retire(sid)
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
