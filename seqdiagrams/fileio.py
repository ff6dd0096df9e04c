"""Writing files that other processes may read or write at the same time.

Parallel Sphinx writers (``-j``) and concurrent builds sharing an output folder produce the same
content-addressed files; a reader must never see half a file, and two writers of the same bytes must
not disturb each other. Hence one helper: write a temporary file beside the target, flush it to disk,
then rename it over the target in one step.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

FILE_MODE = 0o644
"""Readable by everyone, as files a site serves must be (``mkstemp`` alone creates 0o600)."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(FILE_MODE)
        tmp.replace(path)  # one rename: readers see the old file or the new one
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
