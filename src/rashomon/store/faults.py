"""What the user is told when the store's file cannot be written: disk full, read-only, locked.

SQLite reports these as `sqlite3.OperationalError` with terse messages ("database or disk is
full", "attempt to write a readonly database", "database is locked"). `translate` turns them into
`StoreError`s that say what happened to the data (nothing of the failed batch was stored; every
batch committed before is intact) and what to do. They subclass `OSError` because they are I/O
failures of a file, so callers that already report `OSError`s (the CLI when it opens a store)
print them as they are; `StoreLocked` is also a `StoreBusy` — another program holds the write
lock — so it is reported wherever a concurrent ingest is.
"""

from __future__ import annotations

import sqlite3

RESUME = "every batch committed before is intact; run the same command again to resume"


class StoreBusy(RuntimeError):
    """Another process is ingesting into this store."""


class StoreError(OSError):
    """The store's file cannot be written (or read); the message says why and what to do."""


class StoreFull(StoreError):
    """The disk (or the store's size limit) is full."""


class StoreReadOnly(StoreError):
    """The store file or its directory is not writable."""


class StoreLocked(StoreError, StoreBusy):
    """Another program holds SQLite's write lock on the store longer than the busy timeout."""


class StoreCorrupt(StoreError):
    """SQLite found the file damaged (not a crash of ours: WAL commits are atomic)."""


def _code(exc: sqlite3.Error) -> str:
    return (getattr(exc, "sqlite_errorname", "") or "").upper()


def translate(exc: sqlite3.Error, path: str, doing: str = "writing", busy_timeout: float | None = None) -> StoreError | None:
    """The user-facing error for a SQLite failure on the store at `path`, or None if it is not a
    fault of the file (a bug, which should surface as it is)."""
    message = str(exc).lower()
    code = _code(exc)
    if code.startswith("SQLITE_FULL") or "disk is full" in message or ("disk i/o error" in message and _disk_full(path)):
        return StoreFull(
            f"{path}: the disk is full (SQLite: {exc}) while {doing}; nothing of the failed batch was stored and "
            f"{RESUME} once space is free"
        )
    if code.startswith("SQLITE_READONLY") or "readonly database" in message or "read-only" in message:
        return StoreReadOnly(
            f"{path}: the store is read-only (SQLite: {exc}) while {doing}; ingest needs write access to the file "
            f"and to its directory (for {path}-wal and {path}-shm). Nothing was changed"
        )
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in message or "database table is locked" in message:
        waited = f" after waiting {busy_timeout:g} s" if busy_timeout is not None else ""
        return StoreLocked(
            f"{path}: another program is writing to the store and holds its lock{waited} (SQLite: {exc}); "
            f"close it and run again — nothing of this batch was stored, and {RESUME}"
        )
    if code.startswith("SQLITE_CANTOPEN") or "unable to open database" in message:
        return StoreReadOnly(
            f"{path}: cannot open the store (SQLite: {exc}); check that the file and its directory exist and are "
            "readable and writable"
        )
    if code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in message:
        return StoreCorrupt(f"{path}: the store file is damaged (SQLite: {exc}); restore it from a backup or re-ingest")
    return None


def _disk_full(path: str) -> bool:
    import os
    import shutil

    try:
        return shutil.disk_usage(os.path.dirname(os.path.abspath(path))).free < 1 << 20
    except OSError:
        return False
