"""DOT → SVG/PNG with Graphviz, in process.

``pygraphviz`` wheels bundle Graphviz, so no ``dot`` executable is needed and no process is
spawned per diagram. Where pygraphviz cannot be imported, the ``graphviz`` package and a
``dot`` on PATH are used instead, after one warning. Graphviz's C library is not
thread-safe, so calls are serialised.
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from typing import Literal

from seqdiagrams.errors import Location, SpecError, Subtype

log = logging.getLogger("seqdiagrams")
_LOCK = threading.Lock()

Format = Literal["svg", "png", "pdf"]


@cache
def graphviz_version() -> str:
    """The Graphviz version in use (part of cache keys: another version lays out differently)."""
    try:
        import pygraphviz

        return f"pygraphviz-{pygraphviz.__version__}"
    except ImportError:
        return "dot-executable"


def layout(dot: str, fmt: Format) -> bytes:
    """Lay out ``dot`` and return the ``fmt`` bytes."""
    try:
        import pygraphviz
    except ImportError:
        return _with_executable(dot, fmt)
    with _LOCK:
        graph = pygraphviz.AGraph(string=dot)
        data = graph.draw(format=fmt, prog="dot")
    if not data:
        raise SpecError.at(Subtype.RENDER, "Graphviz produced no output", Location())
    return bytes(data)


def _with_executable(dot: str, fmt: Format) -> bytes:
    _warn_fallback()
    unavailable = SpecError.at(Subtype.RENDER, "neither pygraphviz nor the Graphviz `dot` program is available",
                               Location(), "pip install pygraphviz (its wheels bundle Graphviz)")
    try:
        import graphviz
    except ImportError:
        raise unavailable from None
    try:
        return bytes(graphviz.Source(dot).pipe(format=fmt))
    except graphviz.ExecutableNotFound:
        raise unavailable from None


@cache
def _warn_fallback() -> None:
    log.warning("seqdiagrams: pygraphviz is not importable; using the `dot` executable (slower)")
