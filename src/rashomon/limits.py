"""Limits on what one input may cost, so a hostile or broken file cannot stall or sink a batch.

Three limits, each with a clear per-file error when exceeded (never a crash, never a silent cut):

* `max_file_bytes` — a file larger than this is **refused** before it is read (50 MB; a gzip
  file's decompressed size counts too, which stops decompression bombs).
* `max_markup_chars` — HTML whose markup, without scripts, styles and inline data, is longer than
  this is **refused** (5 M characters): extraction time grows faster than linearly with it, and a
  real article page carries well under 1 M.
* `max_document_chars` — a text document (pasted text, a JSONL/feed text field, or the body an
  HTML page yields) longer than this is **refused** (1 M characters, spaCy's own default
  `max_length`). Refused, not truncated: a truncated article would be analysed as if it were the
  whole report, and facts "missing" from its second half would read as disagreement between
  outlets. The error says how long the document is and how to raise the limit.
* `document_seconds` — cleaning and analysing one document may take at most this long (60 s;
  a typical article takes well under 1 s). `time_limit` enforces it where the per-document work
  runs; the document then fails with `DocumentTimeout` (an `InputError` naming it) and the batch
  goes on.

Configuration: defaults here; environment variables `RASHOMON_MAX_FILE_BYTES`,
`RASHOMON_MAX_MARKUP_CHARS`, `RASHOMON_MAX_DOCUMENT_CHARS`, `RASHOMON_DOCUMENT_SECONDS` override
them; `configure(...)` (what CLI options call) overrides both and exports the values to the
environment so that spawned worker processes see the same limits. 0 or a negative value turns a
limit off.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace

from rashomon.errors import InputError

ENV_PREFIX = "RASHOMON_"


@dataclass(frozen=True)
class Limits:
    """What one input may cost. See the module docstring for why each default is what it is."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_markup_chars: int = 5_000_000
    max_document_chars: int = 1_000_000
    document_seconds: float = 60.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """The defaults, overridden by `RASHOMON_<FIELD>` variables; a malformed value is an error."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is None or not raw.strip():
                continue
            kind = float if f.name == "document_seconds" else int
            try:
                values[f.name] = kind(raw.strip())
            except ValueError as exc:
                raise ValueError(f"{ENV_PREFIX}{f.name.upper()}={raw!r} is not a number") from exc
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        return {ENV_PREFIX + f.name.upper(): str(getattr(self, f.name)) for f in fields(self)}


_current: Limits | None = None


def current() -> Limits:
    """The limits in force: the last `configure`, else the environment, else the defaults."""
    global _current
    if _current is None:
        _current = Limits.from_env()
    return _current


def configure(limits: Limits | None = None, *, export: bool = True, **overrides: float | int | None) -> Limits:
    """Set the limits for this process (e.g. from CLI options); None-valued overrides are ignored.

    With `export`, the values also go into `os.environ` so worker processes started afterwards
    (spawned pools, dask workers on this machine) apply the same limits.
    """
    global _current
    base = limits or Limits.from_env()
    chosen = replace(base, **{k: v for k, v in overrides.items() if v is not None})
    _current = chosen
    if export:
        os.environ.update(chosen.to_env())
    return chosen


def reset() -> None:
    """Forget `configure` (the next `current()` reads the environment again). For tests."""
    global _current
    _current = None


def _on(limit: float) -> bool:
    return limit is not None and limit > 0 and math.isfinite(limit)


# -- size checks ------------------------------------------------------------------------------


def check_file_size(size: int, origin: str, limits: Limits | None = None) -> None:
    limit = (limits or current()).max_file_bytes
    if _on(limit) and size > limit:
        raise InputError(origin, f"file too large ({size} bytes > {limit}; raise RASHOMON_MAX_FILE_BYTES to allow it)")


def check_document_length(text: str, origin: str, limits: Limits | None = None) -> str:
    """The text, or an InputError when it is longer than `max_document_chars` (refused, not cut)."""
    limit = (limits or current()).max_document_chars
    if _on(limit) and len(text) > limit:
        raise InputError(
            origin,
            f"document too long ({len(text):,} characters > {limit:,}); refused rather than truncated — "
            "raise RASHOMON_MAX_DOCUMENT_CHARS to analyse it",
        )
    return text


# -- time limit -------------------------------------------------------------------------------


class DocumentTimeout(InputError):
    """One document took longer than its time limit; it is dropped, the batch goes on."""

    def __init__(self, origin: str, seconds: float):
        super().__init__(origin, f"gave up after {seconds:g} s (time limit per document; raise RASHOMON_DOCUMENT_SECONDS)")
        self.seconds = seconds


class _Expired(BaseException):
    """Raised inside the guarded block; BaseException so a broad `except Exception` in library code
    under the block cannot swallow it. `time_limit` turns it into `DocumentTimeout`."""


@contextlib.contextmanager
def time_limit(seconds: float | None = None, origin: str = "<document>") -> Iterator[None]:
    """Run the block with a deadline; raise `DocumentTimeout(origin)` when it is passed.

    In the main thread of a process (a worker process of a pool, or a one-process run) this uses
    SIGALRM with a real-time interval timer, and honours an enclosing `time_limit` with an
    earlier deadline. Elsewhere (a thread pool, a dask thread worker, a platform without SIGALRM)
    it falls back to a watchdog thread that raises in the guarded thread asynchronously.

    Either way Python can only stop between bytecodes: a single C call (one regex match, one lxml
    parse) finishes first. The size limits above bound those; a process pool that must be immune
    even to a C call that never returns should also give up on the worker's future after
    `seconds` plus a margin and replace the worker.

    `seconds` None means `current().document_seconds`; 0 or less disables the limit.
    """
    if seconds is None:
        seconds = current().document_seconds
    if not _on(seconds):
        yield
        return
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        guard = _alarm
    else:
        guard = _watchdog
    # A class of its own, so that when limits nest, the timeout names the document whose limit expired.
    mine = type("_Expired", (_Expired,), {})
    try:
        with guard(seconds, mine):
            yield
    except mine:
        raise DocumentTimeout(origin, seconds) from None


@contextlib.contextmanager
def _alarm(seconds: float, expired: type[_Expired]) -> Iterator[None]:
    def expire(signum, frame):  # type: ignore[no-untyped-def]
        raise expired()

    old_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    old_handler = signal.signal(signal.SIGALRM, expire)
    # An enclosing limit that expires sooner keeps its deadline (its own handler fires then).
    outer_first = old_remaining > 0 and old_remaining <= seconds
    if outer_first:
        signal.signal(signal.SIGALRM, old_handler)
    else:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    started = _monotonic()
    try:
        yield
    finally:
        if not outer_first:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
            if old_remaining > 0:  # give the enclosing limit back what it had left
                left = old_remaining - (_monotonic() - started)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


@contextlib.contextmanager
def _watchdog(seconds: float, expired: type[_Expired]) -> Iterator[None]:
    target = threading.get_ident()
    done = threading.Event()
    fired = threading.Event()

    def watch() -> None:
        if not done.wait(seconds):
            fired.set()
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(expired))

    watcher = threading.Thread(target=watch, name="rashomon-time-limit", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        if fired.is_set():
            # The async exception may still be pending if the block ended just as it fired: clear it.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
            watcher.join()
            raise expired()
        watcher.join()


def _monotonic() -> float:
    import time

    return time.monotonic()
