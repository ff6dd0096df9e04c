"""DOT → SVG/PNG with Graphviz, in process.

``pygraphviz`` wheels bundle Graphviz, so no ``dot`` executable is needed and no process is
spawned per diagram. Where pygraphviz cannot be imported, the ``graphviz`` package and a
``dot`` on PATH are used instead, after one warning. Graphviz's C library is not
thread-safe, so calls are serialised.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache
from typing import Literal

from seqdiagrams.errors import Location, SpecError, Subtype
from seqdiagrams.identity import graphviz_version

__all__ = ["graphviz_version", "layout", "positions"]

log = logging.getLogger("seqdiagrams")
_LOCK = threading.Lock()

Format = Literal["svg", "png", "pdf"]


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


@dataclass(frozen=True)
class PlacedNode:
    """A node where Graphviz put it: centre and box in points (y up), and whether it is drawn."""

    centre: tuple[float, float]
    box: tuple[float, float, float, float]
    visible: bool


@dataclass(frozen=True)
class PlacedEdge:
    """An edge as drawn: its DOT tail and head and its spline flattened into a polyline (points)."""

    tail: str
    head: str
    polyline: list[tuple[float, float]]
    visible: bool


@dataclass(frozen=True)
class Placed:
    """Graphviz's layout of a DOT graph, for measuring it (``rendering.measure``)."""

    width: float
    height: float
    nodes: dict[str, PlacedNode]
    edges: list[PlacedEdge]
    pad: float = 0.0
    """Points of margin Graphviz adds on every side of the drawing (the SVG's viewBox includes it)."""


def positions(dot: str) -> Placed:
    """Lay out ``dot`` with the same engine as :func:`layout` and return where everything went."""
    import pygraphviz

    with _LOCK:
        graph = pygraphviz.AGraph(string=dot)
        graph.layout(prog="dot")
        x0, y0, x1, y1 = (float(v) for v in graph.graph_attr["bb"].split(","))
        nodes = {}
        for node in graph.nodes():
            x, y = (float(v) for v in node.attr["pos"].split(","))
            half_w, half_h = float(node.attr["width"]) * 36, float(node.attr["height"]) * 36
            nodes[str(node)] = PlacedNode((x, y), (x - half_w, y - half_h, x + half_w, y + half_h),
                                          "invis" not in (node.attr["style"] or ""))
        edges = [PlacedEdge(str(edge[0]), str(edge[1]), _polyline(edge.attr["pos"] or ""),
                            "invis" not in (edge.attr["style"] or ""))
                 for edge in graph.edges()]
        pad = float((graph.graph_attr["pad"] or "0.0555").split(",")[0]) * 72
    return Placed(x1 - x0, y1 - y0, nodes, edges, pad)


def _polyline(pos: str, samples: int = 12) -> list[tuple[float, float]]:
    """Graphviz's ``pos`` of an edge (``e,x,y s,x,y p0 p1 p2 p3 …``, cubic Béziers) as a polyline."""
    start: tuple[float, float] | None = None
    end: tuple[float, float] | None = None
    points: list[tuple[float, float]] = []
    for part in pos.split(";")[0].split():
        fields = part.split(",")
        if fields[0] in ("s", "e"):
            point = (float(fields[1]), float(fields[2]))
            start, end = (point, end) if fields[0] == "s" else (start, point)
        else:
            points.append((float(fields[0]), float(fields[1])))
    line = [start] if start else []
    if points:
        line.append(points[0])
    for i in range(1, len(points) - 2, 3):
        p0, p1, p2, p3 = points[i - 1], points[i], points[i + 1], points[i + 2]
        for k in range(1, samples + 1):
            t = k / samples
            u = 1 - t
            line.append((u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                         u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]))
    if end:
        line.append(end)
    return line


def _with_executable(dot: str, fmt: Format) -> bytes:
    _warn_fallback()
    unavailable = SpecError.at(Subtype.MISSING, "neither pygraphviz nor the Graphviz `dot` program is available",
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
