"""Content-addressed on-disk cache of rendered artefacts (layouts and finished figures).

Keys are hashes of everything the artefact depends on, so there is no invalidation step:
a layout is keyed by its DOT source, output format and Graphviz build (the DOT already
encodes the spec, the registry labels and the styling); a finished figure is keyed by
the package version, the registry digest, the spec and its ordinal on the page. A warm
rebuild therefore neither lays out nor finishes anything.

Entries are written atomically (temporary file + rename), so concurrent builds sharing
one folder never read a half-written file; an entry that fails its integrity check (a
truncated file after a crash, say) is produced again and replaced.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_FRAMES = {
    "svg": (b"<?xml", b"</svg>\n"),
    "png": (b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"),
    "html": (b"<figure", b"</figure>\n"),
    "katex": (b'<span class="katex', b"</span>\n"),  # one formula (rendering.katex adds the newline)
}
"""How a whole entry of each kind starts and ends: the integrity check."""


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
        data = self._memory.get(name) or self._read(name, kind)
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

    def _read(self, name: str, kind: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            data = (self.folder / name[:2] / name).read_bytes()
        except OSError:
            return None
        head, tail = _FRAMES[kind]
        return data if data.startswith(head) and data.endswith(tail) else None

    def _write(self, name: str, data: bytes) -> None:
        if self.folder is None:
            return
        target = self.folder / name[:2] / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
        except OSError:
            return  # a read-only or full cache folder only costs speed
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            Path(tmp).replace(target)
        except OSError:
            Path(tmp).unlink(missing_ok=True)


def _name(identity: str, kind: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()[:40] + "." + kind
