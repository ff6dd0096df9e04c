"""Readability measures of a laid-out diagram (FIGURES.md §Measures), computed from Graphviz's own layout.

The layout lint in the test suite and ``seqdiagrams lint`` use these numbers to hold every figure to its
budget: edge crossings, edges drawn through a box that is neither their tail nor head, node text size when the
figure is shown in a 680 px page column, reading order of unrolled steps and the order of comparison panels.

Geometry is in Graphviz points. Edge splines are flattened into polylines (each cubic Bézier sampled at a
fixed number of points) before intersection tests, so the numbers are deterministic for a given layout.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from seqdiagrams.rendering.dot import FONT_SIZE
from seqdiagrams.rendering.engine import positions

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.rendering.engine import Placed

COLUMN_PX = 680
"""The text column a figure is judged in: Material's content width at a 1280 px window. Figures wider than it
get the full-size view on the page (``rendering._render``)."""
PT_TO_PX = 1.0
"""CSS px per Graphviz point as a page shows a diagram: the finished SVG (``svg.svg_head``, scale 1) is at
most one CSS px per user unit wide, and its user units are Graphviz's points (not the 4/3 px per point a
bare Graphviz ``width="Wpt"`` would give)."""
ALIGN_TOLERANCE = 3.0
"""Points two centres may differ by and still count as one row or one column."""
_SAMPLES = 12
_BOX_INSET = 2.5
"""Points trimmed off every side of a box before testing an edge against it (edges end on the border)."""

Point = tuple[float, float]
Segment = tuple[Point, Point]


@dataclass(frozen=True)
class Measures:
    """What a reader meets: size, text size at page width, crossings, collisions and order problems."""

    width_pt: float
    height_pt: float
    crossings: int
    crossing_pairs: tuple[tuple[str, str], ...] = ()
    edges_across_nodes: tuple[tuple[str, str], ...] = ()
    """``(edge, node)``: the edge ``"a->b"`` drawn through the box of ``node``."""
    order_problems: tuple[str, ...] = ()
    font_pt: float = FONT_SIZE
    notes: dict[str, float] = field(default_factory=dict)

    @property
    def text_px(self) -> float:
        """Node text size in CSS px when the figure is shown at its natural size, up to a 680 px column."""
        natural_px = self.width_pt * PT_TO_PX
        return self.font_pt * PT_TO_PX * min(1.0, COLUMN_PX / natural_px) if natural_px else 0.0


def measure(graph: Graph, dot: str) -> Measures:
    """Lay out ``dot`` (the emitted DOT of ``graph``) and measure it."""
    placed = positions(dot)
    boxes = {name: node.box for name, node in placed.nodes.items() if node.visible}
    edges = [(edge.tail, edge.head, edge.polyline) for edge in placed.edges if edge.visible and edge.polyline]
    pairs = _crossings(edges)
    across = tuple((f"{tail}->{head}", name)
                   for tail, head, line in edges
                   for name, box in sorted(boxes.items())
                   if name not in (tail, head) and _through(line, _inset(box)))
    problems = _step_order(graph, placed) + _panel_order(graph, placed)
    # the reader sees the whole picture: the drawing plus Graphviz's pad on both sides
    return Measures(placed.width + 2 * placed.pad, placed.height + 2 * placed.pad, len(pairs), tuple(pairs),
                    across, tuple(problems))


def _crossings(edges: list[tuple[str, str, list[Point]]]) -> list[tuple[str, str]]:
    found = []
    for (t1, h1, a), (t2, h2, b) in itertools.combinations(edges, 2):
        if {t1, h1} & {t2, h2}:
            continue
        if _polylines_cross(a, b):
            found.append((f"{t1}->{h1}", f"{t2}->{h2}"))
    return found


def _polylines_cross(a: list[Point], b: list[Point]) -> bool:
    if not _boxes_overlap(_bounds(a), _bounds(b)):
        return False
    return any(_segments_cross(s, t) for s in itertools.pairwise(a) for t in itertools.pairwise(b))


def _bounds(line: list[Point]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in line], [p[1] for p in line]
    return min(xs), min(ys), max(xs), max(ys)


def _boxes_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _orient(p: Point, q: Point, r: Point) -> float:
    return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])


def _segments_cross(s: Segment, t: Segment) -> bool:
    """Proper crossing of two segments (touching or collinear overlap does not count)."""
    d1, d2 = _orient(t[0], t[1], s[0]), _orient(t[0], t[1], s[1])
    d3, d4 = _orient(s[0], s[1], t[0]), _orient(s[0], s[1], t[1])
    return d1 * d2 < 0 and d3 * d4 < 0


def _inset(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    return x0 + _BOX_INSET, y0 + _BOX_INSET, x1 - _BOX_INSET, y1 - _BOX_INSET


def _through(line: list[Point], box: tuple[float, float, float, float]) -> bool:
    """Whether the polyline enters the box (a point inside, or a segment crossing one of its sides)."""
    x0, y0, x1, y1 = box
    if x0 >= x1 or y0 >= y1 or not _boxes_overlap(_bounds(line), box):
        return False
    if any(x0 < x < x1 and y0 < y < y1 for x, y in line):
        return True
    sides = [((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))]
    return any(_segments_cross(seg, side) for seg in itertools.pairwise(line) for side in sides)


def _step_order(graph: Graph, placed: Placed) -> list[str]:
    """Unrolled steps: each row runs left → right in step order at one height.

    A row is one role of one stack (an encoder's steps and a decoder's are separate sequences), one layer,
    one direction and one weight (``U_a h_j`` and ``v_a`` tanh(·) are both ``linear`` at step j, yet two rows).
    """
    rows: dict[tuple[object, ...], list[tuple[int, str]]] = defaultdict(list)
    for node in graph.nodes:
        step = node.attrs.get("step")
        if isinstance(step, int) and node.id in placed.nodes:
            key = (node.attrs.get("panel", ""), node.attrs.get("stack"), node.role, node.attrs.get("weight"),
                   node.attrs.get("layer"), node.attrs.get("direction"))
            rows[key].append((step, node.id))
    problems = []
    for (_, stack, role, weight, layer, direction), members in sorted(rows.items(), key=lambda item: str(item[0])):
        if len(members) < 2:
            continue
        name = "/".join(str(p) for p in (stack, role, weight, layer, direction) if p)
        centres = {node_id: placed.nodes[node_id].centre for _, node_id in members}
        ys = [c[1] for c in centres.values()]
        if max(ys) - min(ys) > ALIGN_TOLERANCE:
            problems.append(f"row {name} is not straight (heights differ by {max(ys) - min(ys):.0f} pt)")
        initial = [(s, i) for s, i in members if graph.node(i).attrs.get("initial")]
        steps = sorted((s, i) for s, i in members if not graph.node(i).attrs.get("initial"))
        xs = [centres[i][0] for _, i in steps]
        if any(b <= a for a, b in itertools.pairwise(xs)):
            problems.append(f"row {name} is not in step order left to right: {[i for _, i in steps]}")
        for _, node_id in initial:
            x = centres[node_id][0]
            backward = direction == "bwd"
            if xs and (x <= max(xs) if backward else x >= min(xs)):
                problems.append(f"initial state {node_id} is not at the {'right' if backward else 'left'} "
                                f"end of row {name}")
    return problems


def _panel_order(graph: Graph, placed: Placed) -> list[str]:
    """Comparison panels stand side by side, left → right in the order written, without overlapping."""
    panels = [c for c in graph.clusters if c.role == "panel"]
    spans = []
    for panel in panels:
        xs = [(placed.nodes[m].box[0], placed.nodes[m].box[2]) for m in panel.members if m in placed.nodes]
        if xs:
            spans.append((panel.id, min(x[0] for x in xs), max(x[1] for x in xs)))
    return [f"panel {b[0]} does not stand right of panel {a[0]}"
            for a, b in itertools.pairwise(spans) if b[1] < a[2]]
