"""What every prerender worker would do before its first figure, done once in the process they fork from.

:func:`seqdiagrams.prerender.prerender` names this module in :func:`multiprocessing.set_forkserver_preload`: the
fork server imports it once, renders one small figure in memory, and forks its workers from there, so they start
with the pipeline and its templates imported, the packaged registry loaded and Graphviz's plugins and fonts
initialised (a process's first layout costs that) instead of each doing it again. No host imports it.
"""

from __future__ import annotations

import contextlib

from seqdiagrams.errors import SpecError
from seqdiagrams.options import SiteOptions
from seqdiagrams.prerender import Job
from seqdiagrams.rendering.cache import DiskCache
from seqdiagrams.rendering.renderer import BlockText, Place, Renderer

__all__ = ["Job"]
"""What the pool sends a worker (importing it imports what unpickling a job needs)."""

# no Graphviz at all (a SpecError): each worker then reports that for its own figures, as it would without this
with contextlib.suppress(SpecError):
    Renderer(SiteOptions(), cache=DiskCache(None)).render(BlockText("seqarch rnn", ""), Place(0, None))
