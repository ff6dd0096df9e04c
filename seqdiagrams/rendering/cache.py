"""Content-addressed on-disk cache of Graphviz layouts.

The key is a hash of the DOT source, the output format and the Graphviz build: the DOT
already encodes the spec, the registry labels and the emitter's styling, so a change to
any of them is a different key, and a warm rebuild lays out nothing. Entries are written
atomically (temporary file + ``os.replace``), so concurrent builds sharing one folder
never read a half-written file; an entry that fails its integrity check is re-rendered
and replaced. Finishing (id prefixes, alt text) is cheap and stays per use.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from seqdiagrams.rendering.engine import graphviz_version

if TYPE_CHECKING:
    from collections.abc import Callable

_MAGIC = {"svg": (b"<?xml", b"</svg>\n"), "png": (b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82")}


@dataclass
class LayoutCache:
    """Layouts by content hash in ``folder`` (None: memory only, for one process)."""

    folder: Path | None = None
    hits: int = 0
    misses: int = 0
    _memory: dict[str, bytes] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def key(self, dot: str, fmt: str) -> str:
        digest = hashlib.sha256(f"{graphviz_version()}\0{fmt}\0{dot}".encode()).hexdigest()
        return f"{digest[:40]}.{fmt}"

    def get(self, dot: str, fmt: str, render: Callable[[str, str], bytes]) -> bytes:
        """The cached layout of ``dot`` as ``fmt``, rendering (and storing) it on a miss."""
        key = self.key(dot, fmt)
        data = self._memory.get(key) or self._read(key, fmt)
        with self._lock:
            if data is not None:
                self.hits += 1
            else:
                self.misses += 1
        if data is None:
            data = render(dot, fmt)
            self._write(key, data)
        self._memory[key] = data
        return data

    def _read(self, key: str, fmt: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            data = (self.folder / key[:2] / key).read_bytes()
        except OSError:
            return None
        head, tail = _MAGIC[fmt]
        return data if data.startswith(head) and data.endswith(tail) else None

    def _write(self, key: str, data: bytes) -> None:
        if self.folder is None:
            return
        target = self.folder / key[:2] / key
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            Path(tmp).replace(target)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
