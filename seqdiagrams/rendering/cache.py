"""Content-addressed on-disk cache of rendered artefacts (layouts, finished figures, formulas).

Keys are hashes of everything the artefact depends on, so there is no invalidation step:
a layout is keyed by its DOT source, output format and Graphviz build (the DOT already
encodes the spec, the registry labels and the styling); a finished figure has one key, made
by :class:`~seqdiagrams.rendering.Renderer` from the block's raw text, its ordinal on the page,
the site's language, theme and styles, the registry digest, the code and the renderers'
versions; a formula is keyed by its LaTeX, display mode and the KaTeX build. A warm rebuild
therefore neither parses, lays out nor finishes anything.

Entries are written atomically (:func:`seqdiagrams.atomic.write_atomic`), so concurrent builds
sharing one folder never read a half-written file. Each entry starts with the SHA-256 of the rest:
an entry that fails it (truncated after a crash, a byte flipped anywhere by a disk or a
copy) is produced again and replaced, never served; that is also why entries are not fsynced.
A build killed between writing a temporary file and renaming it leaves that file behind; the first
look-up in a folder by a later process removes such leftovers once they are too old to belong to a build still running.
Entries read or written are also kept in memory, up to :data:`MEMORY_BYTES` (least recently
used dropped first), so a long ``mkdocs serve`` does not grow without bound.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from seqdiagrams.atomic import TEMP_PREFIX, TEMP_SUFFIX, write_atomic

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

_SEAL = b"sqd-sha256:"
"""An entry is ``_SEAL``, the hex SHA-256 of its data, a newline, then the data."""
_SEAL_LEN = len(_SEAL) + 64 + 1
MEMORY_BYTES = 64 * 1024 * 1024
"""Most bytes of entries one cache object keeps in memory (a big site's figures are a few hundred kB each)."""
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
    memory_bytes: int = MEMORY_BYTES
    """Bound of the in-memory copies (0: none kept, every look-up reads the folder)."""
    _memory: OrderedDict[str, bytes] = field(default_factory=OrderedDict, repr=False)
    _held: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(self, identity: str, kind: str, produce: Callable[[], bytes]) -> bytes:
        """The ``kind`` artefact for ``identity`` (a text naming all its inputs), produced on a miss."""
        data = self.peek(identity, kind)
        if data is None:
            data = produce()
            self.put(identity, kind, data)
        return data

    def peek(self, identity: str, kind: str) -> bytes | None:
        """The stored artefact, or None when there is none or it is damaged (counted as a hit or a miss)."""
        name = _name(identity, kind)
        if self.folder is not None:
            _sweep(self.folder)
        with self._lock:
            data = self._memory.get(name)
            if data is not None:
                self._memory.move_to_end(name)
        if data is None:
            data = self._read(name)
            if data is not None:
                self._remember(name, data)
        with self._lock:
            (self.hits if data is not None else self.misses)[kind] += 1
        return data

    def put(self, identity: str, kind: str, data: bytes) -> None:
        """Store ``data`` as the ``kind`` artefact of ``identity``; a folder that cannot be written only costs speed."""
        name = _name(identity, kind)
        self._remember(name, data)
        if self.folder is None:
            return
        target = self.folder / name[:2] / name
        # a read-only or full cache folder: the artefact is produced again next time
        with contextlib.suppress(OSError):
            write_atomic(target, _seal(data) + data, durable=False)  # makes the folder when it is missing

    def contains(self, identity: str, kind: str) -> bool:
        """Whether an entry exists (without reading or checking it)."""
        name = _name(identity, kind)
        with self._lock:
            if name in self._memory:
                return True
        return self.folder is not None and (self.folder / name[:2] / name).exists()

    def _remember(self, name: str, data: bytes) -> None:
        if len(data) > self.memory_bytes:
            return
        with self._lock:
            self._held += len(data) - len(self._memory.pop(name, b""))
            self._memory[name] = data
            while self._held > self.memory_bytes:
                _, dropped = self._memory.popitem(last=False)
                self._held -= len(dropped)

    def _read(self, name: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            entry = (self.folder / name[:2] / name).read_bytes()
        except OSError:
            return None
        data = entry[_SEAL_LEN:]
        return data if entry[:_SEAL_LEN] == _seal(data) else None


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
