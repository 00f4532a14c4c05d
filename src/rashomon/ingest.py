"""Ingest: find input files and decode them into `Source` units, one reader per format.

Readers are registered by file suffix. Each yields `Source`s; a file that cannot be read
raises `InputError` naming the file and the reason, and the caller goes on with the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from rashomon import limits
from rashomon.errors import InputError
from rashomon.model import FileError, Source

# The default; the limit in force is `limits.current().max_file_bytes` (RASHOMON_MAX_FILE_BYTES).
MAX_FILE_BYTES = limits.Limits.max_file_bytes

Reader = Callable[[Path, bytes], Iterator[Source]]
READERS: dict[str, Reader] = {}


def reader(*suffixes: str) -> Callable[[Reader], Reader]:
    """Register a reader for the given (lower-case) suffixes, e.g. ".txt"."""

    def register(fn: Reader) -> Reader:
        for suffix in suffixes:
            READERS[suffix] = fn
        return fn

    return register


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def supported(path: Path) -> bool:
    return _suffix(path) in READERS


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if len(suffixes) >= 2 and suffixes[-1] == ".gz":
        return "".join(suffixes[-2:])
    return suffixes[-1] if suffixes else ""


def expand(paths: Iterable[str | Path]) -> tuple[list[Path], list[FileError]]:
    """Turn files and directories (searched recursively) into the list of files to read."""
    files: list[Path] = []
    errors: list[FileError] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and supported(f)))
        elif p.is_file():
            if supported(p):
                files.append(p)
            else:
                errors.append(FileError(str(p), f"unsupported file type {_suffix(p) or '(no suffix)'!r}"))
        else:
            errors.append(FileError(str(p), "no such file or directory"))
    return files, errors


def read_file(path: Path) -> list[Source | InputError]:
    """Read one file into its sources; raises InputError with the reason when the whole file is
    unusable. A bad record inside a container comes back as an InputError item beside the good
    sources (see `rashomon.readers.read_path`)."""
    try:
        limits.check_file_size(path.stat().st_size, str(path))
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), exc.strerror or str(exc)) from exc
    limits.check_file_size(len(data), str(path))  # it may have grown since stat
    if not data.strip():
        raise InputError(str(path), "empty file")
    try:
        return list(READERS[_suffix(path)](path, data))
    except InputError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise InputError(str(path), f"too complex to read ({type(exc).__name__})") from exc
    except Exception as exc:  # noqa: BLE001  a reader bug on hostile bytes must cost one file, not the batch
        raise InputError(str(path), f"unreadable ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})") from exc


import rashomon.readers  # noqa: E402,F401  (registers the text, HTML, JSONL, WARC and feed readers)
