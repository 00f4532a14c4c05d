"""What every route needs: the store (one connection per thread), the templates, the settings."""

from __future__ import annotations

import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from rashomon.store import Store

STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
MAX_UPLOAD = 20 * 2**20  # bytes per request


@functools.lru_cache(maxsize=1)
def templates() -> Environment:
    """Autoescaping is on for every template: article text is untrusted."""
    env = Environment(loader=PackageLoader("rashomon.web", "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)  # fmt: skip
    return env


def static_files() -> dict[str, tuple[bytes, str]]:
    """The app's static files, read once from the package: name -> (bytes, content type).
    Served by name lookup, so no request path ever reaches the file system."""
    folder = resources.files("rashomon.web") / "static"
    return {f.name: (f.read_bytes(), STATIC_TYPES[Path(f.name).suffix])
            for f in folder.iterdir() if Path(f.name).suffix in STATIC_TYPES}  # fmt: skip


@dataclass
class Settings:
    db_path: str
    token: str | None = None
    max_upload: int = MAX_UPLOAD
    ingest_root: Path = field(default_factory=Path.cwd)


class Stores:
    """One `Store` per thread: sqlite3 connections must stay in the thread that made them, and
    the server answers requests on a thread pool. WAL mode lets them all read during an ingest."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.path)
            self._local.store = store
            with self._lock:
                self._all.append(store)
        return store

    def version(self) -> tuple[int, ...]:
        """Changes whenever the store does: every commit appends to the WAL (size, mtime) and a
        checkpoint rewrites the database file. Two `stat` calls, no query."""
        out: list[int] = []
        for path in (self.path, self.path + "-wal"):
            try:
                st = os.stat(path)
                out += [st.st_mtime_ns, st.st_size]
            except FileNotFoundError:
                out += [0, 0]
        return tuple(out)

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                try:
                    store.close()
                except Exception:  # noqa: BLE001 - a connection of a finished thread; nothing to save
                    pass
            self._all.clear()


class Memo:
    """Answers to whole-store questions (the entity listing, a dyad chart) kept until the store
    changes: they aggregate the entire store, so on a large one they cost hundreds of
    milliseconds, and the store only changes when an ingest commits."""

    def __init__(self, stores: Stores, size: int = 128) -> None:
        self.stores = stores
        self.size = size
        self._data: OrderedDict[Hashable, tuple[tuple, object]] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def get(self, key: Hashable, compute: Callable[[], object]) -> object:
        version = self.stores.version()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and hit[0] == version:
                self._data.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            self._data[key] = (version, value)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value
