"""Content-addressed on-disk cache of rendered artefacts (layouts and finished figures).

Keys are hashes of everything the artefact depends on, so there is no invalidation step:
a layout is keyed by its DOT source, output format and Graphviz build (the DOT already
encodes the spec, the registry labels and the styling); a finished figure is keyed by
the package version, the registry digest, the spec and its ordinal on the page. A warm
rebuild therefore neither lays out nor finishes anything.

Entries are written atomically (temporary file + rename), so concurrent builds sharing
one folder never read a half-written file. Each entry starts with the SHA-256 of the rest:
an entry that fails it (truncated after a crash, a byte flipped anywhere by a disk or a
copy) is produced again and replaced, never served. A build killed between writing a
temporary file and renaming it leaves that file behind; the first look-up in a folder by a
later process removes such leftovers once they are too old to belong to a build still running.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_SEAL = b"sqd-sha256:"
"""An entry is ``_SEAL``, the hex SHA-256 of its data, a newline, then the data."""
_SEAL_LEN = len(_SEAL) + 64 + 1
TEMP_PREFIX, TEMP_SUFFIX = ".tmp-", ".part"
ABANDONED_AFTER = 600.0
"""Seconds after which a temporary file is a leftover: a live build renames its own within milliseconds."""
_SWEPT: set[Path] = set()
"""Cache folders this process has cleaned of leftovers (prerender workers make a cache object per job)."""
_SWEEP_LOCK = threading.Lock()


@dataclass
class DiskCache:
    """Artefacts by content hash in ``folder`` (None: kept in memory for this process only)."""

    folder: Path | None = None
    hits: Counter[str] = field(default_factory=Counter)
    misses: Counter[str] = field(default_factory=Counter)
    _memory: dict[str, bytes] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(self, identity: str, kind: str, produce: Callable[[], bytes]) -> bytes:
        """The ``kind`` artefact for ``identity`` (a text naming all its inputs), produced on a miss."""
        name = _name(identity, kind)
        if self.folder is not None:
            _sweep(self.folder)
        data = self._memory.get(name) or self._read(name)
        with self._lock:
            (self.hits if data is not None else self.misses)[kind] += 1
        if data is None:
            data = produce()
            self._write(name, data)
        self._memory[name] = data
        return data

    def contains(self, identity: str, kind: str) -> bool:
        """Whether an entry exists (without reading or checking it)."""
        name = _name(identity, kind)
        return name in self._memory or (self.folder is not None and (self.folder / name[:2] / name).exists())

    def _read(self, name: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            entry = (self.folder / name[:2] / name).read_bytes()
        except OSError:
            return None
        data = entry[_SEAL_LEN:]
        return data if entry[:_SEAL_LEN] == _seal(data) else None

    def _write(self, name: str, data: bytes) -> None:
        if self.folder is None:
            return
        target = self.folder / name[:2] / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
        except OSError:
            return  # a read-only or full cache folder only costs speed
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_seal(data) + data)
            Path(tmp).replace(target)
        except OSError:
            Path(tmp).unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    """Remove the temporary files interrupted builds left in ``folder`` (once per process and folder)."""
    with _SWEEP_LOCK:
        if folder in _SWEPT:
            return
        _SWEPT.add(folder)
    cutoff = time.time() - ABANDONED_AFTER
    for leftover in folder.glob(f"*/{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            pass  # another build removed it first, or the folder is read-only


def _seal(data: bytes) -> bytes:
    return _SEAL + hashlib.sha256(data).hexdigest().encode() + b"\n"


def _name(identity: str, kind: str) -> str:
    # surrogatepass: the raw text of a block not parsed yet may hold lone surrogates (parsing rejects them)
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:40] + "." + kind
