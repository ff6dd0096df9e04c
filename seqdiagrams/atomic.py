"""One way to write a file so that no reader ever sees it half-written.

Every writer of seqdiagrams output (the figure cache, ``regen`` rewriting a page, ``render -o``, the
Sphinx adapter's image files and the copied page assets) goes through :func:`write_atomic`: the data
goes to a temporary file in the target's own folder (a rename is only atomic within one file system),
is flushed to the disk (unless the caller can tell a damaged file from a whole one itself), then renamed
over the target with :func:`os.replace`. Concurrent builds writing the same file therefore each leave a
whole file, and a crash leaves either the old file or the new one, never a mix.
Host-neutral and dependency-free: a leaf any module may import.
"""

from __future__ import annotations

import os
import stat
import tempfile
from functools import cache
from pathlib import Path

TEMP_PREFIX, TEMP_SUFFIX = ".tmp-", ".part"
"""How a temporary file is named (``.tmp-<random>.part``): the cache sweeps leftovers of killed builds by it."""
_DEFAULT_MODE = 0o666
"""Permissions of a new file before the umask, as :func:`open` gives (``mkstemp`` would give 0600)."""


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace (or create) ``path`` with ``data``, all at once.

    An existing file keeps its permission bits (``regen`` must not make a script non-executable); a new
    one gets what :func:`open` would give it under the process umask. The data is fsynced before the
    rename, so after a power loss the file holds the old or the new content. ``durable=False`` skips the
    fsync (a third of a cache write's cost) for files that carry their own check: a cache entry lost or
    truncated by a power loss fails its seal and is produced again. Missing folders are made.
    Raises ``OSError`` (the temporary file removed) when the folder cannot be written; callers that can
    live without the file (the cache) catch it.
    """
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        tmp.chmod(_mode_for(target))
        tmp.replace(target)  # os.replace: atomic, and overwrites on every platform
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return _DEFAULT_MODE & ~_umask()


@cache
def _umask() -> int:
    """The process umask, read once: reading it means setting it, which must not race with later writers."""
    umask = os.umask(0)
    os.umask(umask)
    return umask
