"""IR → DOT. Subjects say what connects to what and give layout hints in the IR (ranks, rows, lines,
stacks; edge attributes such as ``back``, ``spine``, ``stub``); the emitter turns them, the theme and the
step a part is revealed at into every Graphviz attribute, so no subject writes DOT or picks a colour.

This module emits nodes, edges, clusters and the marks the emitter adds for edges (stub ends, "⋯");
DOT syntax and escaped labels live in :mod:`~seqdiagrams.rendering.dot_syntax`, the figure grammar's
row and column hints in :mod:`~seqdiagrams.rendering.dot_rows`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from seqdiagrams.rendering.dot_rows import gap_columns, gap_id, rank_rows, row_clusters, row_slots
from seqdiagrams.rendering.dot_syntax import (
    FONT_SIZE,
    PEN_WIDTH,
    WORD_JOINER,
    Html,
    attr_line,
    attr_list,
    escape,
    label_html,
    math_html,
    node_width,
    plain_math,
    quote,
)
from seqdiagrams.rendering.theme import (
    CLUSTER,
    EDGE,
    EDGE_STYLES,
    FAMILIES,
    FONT,
    HIGHLIGHT,
    OPERATOR_GLYPH,
    ROLE_FAMILY,
    ROUND_ROLES,
    TEXT,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from seqdiagrams.ir import Cluster, Edge, Graph, Node

__all__ = ["FONT_SIZE", "WORD_JOINER", "Html", "emit", "math_html", "plain_math"]
"""Importable from here as before the split (other modules and the tests use these names)."""

_SUPERSCRIPT_HEIGHT = "0.44"
"""Inches: a one-line symbol with a superscript (h_1^{(2)}) needs more than the default 0.36 in."""


def emit(graph: Graph, highlight: Iterable[str] = (), reveal: Mapping[str, int] | None = None) -> str:
    """The DOT source of ``graph``; ``highlight`` names node ids or roles to outline.

    ``reveal`` gives node ids their step (:mod:`seqdiagrams.steps`): every node, edge and mark then carries a
    ``sqd-step-k`` class, which the finished SVG turns into ``data-sqd-step``. Classes do not move anything, so a
    figure with steps has the layout of the same figure without them."""
    marked = set(highlight)
    step = _Steps(reveal or {})
    lines = [
        "digraph seqdiagram {",
        attr_line("graph", {
            "rankdir": graph.direction, "newrank": "true", "compound": "true", "bgcolor": "transparent",
            "pad": "0.15", "nodesep": f"{graph.nodesep:g}", "ranksep": "0.42", "fontname": FONT,
            "fontsize": str(FONT_SIZE),
            "fontcolor": TEXT[0], "class": "sqd-graph",
        }),
        attr_line("node", {
            "shape": "box", "style": "rounded,filled", "fontname": FONT, "fontsize": str(FONT_SIZE),
            "fontcolor": TEXT[0], "penwidth": PEN_WIDTH, "margin": "0.12,0.06", "height": "0.36",
        }),
        attr_line("edge", {
            "fontname": FONT, "fontsize": str(FONT_SIZE - 2), "fontcolor": TEXT[0], "color": EDGE[0],
            "arrowsize": "0.7", "penwidth": PEN_WIDTH,
        }),
    ]
    children: dict[str, list[Cluster]] = {}
    for cluster in graph.clusters:
        children.setdefault(cluster.parent, []).append(cluster)
    box = _boxes(graph)
    marked |= {box[i] for i in marked if i in box}
    nodes = {n.id: step.node(n) for n in _drawn_nodes(graph)}
    marks = _marks(graph, step)
    claimed: set[str] = set()
    slots = row_slots(graph, box)
    rows = [[member for member, _ in row] for row in slots]  # each row with its "⋯" marks and spacers
    placed_after = row_clusters(graph, rows)
    lines += placed_after.get("", [])
    last = [c for c in children.get("", []) if c.attrs.get("last")]
    for cluster in children.get("", []):
        if cluster not in last:
            lines += _cluster(cluster, children, nodes, marked, claimed, "  ", graph.direction, marks)
            lines += placed_after.get(cluster.id, [])
    claimed |= {m for c in last for m in _members(c, children)}
    for n in nodes.values():
        if n.id not in claimed:
            lines += ["  " + _node(n, marked), *("  " + m.node for m in marks.get(n.id, []))]
    lines += ["  " + m.node for m in marks.get("", [])]
    claimed -= {m for c in last for m in _members(c, children)}
    for cluster in last:  # Graphviz places what comes later in the file further right
        lines += _cluster(cluster, children, nodes, marked, claimed, "  ", graph.direction, marks)
        lines += placed_after.get(cluster.id, [])
    for index, e in _drawn_edges(graph.edges, box):
        lines += ["  " + line for line in _edge_lines(step.edge(e), index, graph.direction)]
    lines += [f"  {quote(box[a])} -> {quote(box[b])} [style=\"invis\", weight=\"8\"];" for a, b in graph.above
              if box[a] != box[b]]
    ranks = [list(dict.fromkeys(box[i] for i in rank)) for rank in graph.ranks]
    lines += ["  {rank=same; " + " ".join(quote(i) + ";" for i in rank) + "}" for rank in ranks if rank]
    lines += rank_rows(rows)
    lines += gap_columns(slots)
    lines += [f"  {quote(i)} [group={quote(f'col{k}')}];" for k, column in enumerate(graph.columns) for i in column]
    lines.append("}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Steps:
    """Step classes for a figure shown step by step; with no steps, everything is emitted as it always was."""

    of: Mapping[str, int]

    def css(self, *ids: str) -> str:
        """`` sqd-step-k`` for the latest step among ``ids`` (an edge appears with the later of its ends)."""
        known = [self.of[i] for i in ids if i in self.of]
        return f" sqd-step-{max(known)}" if known else ""

    def node(self, node: Node) -> Node:
        return replace(node, attrs={**node.attrs, _STEP_CLASS: self.css(node.id)}) if self.of else node

    def edge(self, edge: Edge) -> Edge:
        return replace(edge, attrs={**edge.attrs, _STEP_CLASS: self.css(edge.src, edge.dst)}) if self.of else edge


_STEP_CLASS = "_step_class"
"""Emitter-private attribute of the node and edge copies it draws: their step class (never in the IR)."""


@dataclass(frozen=True)
class _Mark:
    """A small text-only node the emitter adds for an edge: a "→ t+1" stub end or a "⋯" elision mark."""

    id: str
    node: str


def _stub_id(index: int) -> str:
    return f"_stub{index}"


def _marks(graph: Graph, step: _Steps) -> dict[str, list[_Mark]]:
    """The marks of stub and elided edges, by the node whose cluster they are emitted in.

    A stub belongs to its source (in a step's box, it leaves the box); a "⋯" stands between two steps,
    outside both boxes (key ``""``: the top level)."""
    marks: dict[str, list[_Mark]] = {}
    for index, e in enumerate(graph.edges):
        if e.attrs.get("stub"):
            owner, mark = e.src, _Mark(_stub_id(index), _text_node(_stub_id(index), label_html("", e.label),
                                                                   "sqd-stub" + step.css(e.src)))
        elif e.attrs.get("elided"):
            owner, mark = "", _Mark(gap_id(index), _text_node(gap_id(index), Html("⋯"),
                                                               "sqd-gap" + step.css(e.src, e.dst)))
        else:
            continue
        marks.setdefault(owner, []).append(mark)
    return marks


def _text_node(node_id: str, label: Html, css: str) -> str:
    attrs = {"shape": "plaintext", "style": "", "label": label, "width": "0", "height": "0", "margin": "0.04",
             "fontsize": str(FONT_SIZE - 1), "class": css}
    return f"{quote(node_id)} {attr_list(attrs)};"


def _edge_lines(edge: Edge, index: int, direction: str) -> list[str]:
    """An IR edge as DOT: one edge, or a stub (edge to its "→ t+1" end), or two halves around a "⋯" mark."""
    if edge.attrs.get("stub"):
        stub = _stub_id(index)
        line = _edge(replace(edge, dst=stub, label="", attrs={k: v for k, v in edge.attrs.items() if k == _STEP_CLASS}))
        if direction in ("LR", "RL"):
            return [line]
        return [line, f"{{rank=same; {quote(edge.src)}; {quote(stub)};}}"]  # beside its source, across the flow
    if edge.attrs.get("elided"):
        gap = gap_id(index)
        return [_edge(replace(edge, dst=gap)), _edge(replace(edge, src=gap, label=""))]
    return [_edge(edge)]


def _boxes(graph: Graph) -> dict[str, str]:
    """The node whose box draws each node: itself, or the first member of its stack (``Graph.stacks``)."""
    box = {n.id: n.id for n in graph.nodes}
    for stack in graph.stacks:
        box |= dict.fromkeys(stack.members, stack.members[0])
    return box


def _drawn_nodes(graph: Graph) -> list[Node]:
    """The nodes that get a box: a stack is drawn once, framed twice like an N× layer, with the stack's symbol."""
    first = {stack.members[0]: stack for stack in graph.stacks}
    hidden = {m for stack in graph.stacks for m in stack.members[1:]}
    drawn = [replace(n, math=first[n.id].math, attrs={**n.attrs, "repeat": len(first[n.id].members)})
             if n.id in first else n for n in graph.nodes if n.id not in hidden]
    if graph.wrap:
        drawn = [n if n.role in ROUND_ROLES else
                 replace(n, label=_wrap(n.label, graph.wrap), math=_break_equation(n.math, graph.wrap))
                 for n in drawn]
    return drawn


def _break_equation(math: str, limit: int) -> str:
    """A symbol line longer than ``limit`` characters that is an equation breaks after its ``=``, as in print."""
    left, equals, right = math.partition(" = ")
    return f"{left} =\n{right}" if equals and len(plain_math(math)) > limit else math


def _wrap(name: str, limit: int) -> str:
    """``name`` broken at spaces into lines of at most ``limit`` characters (a longer word keeps its own line).

    Chinese names are kept whole: they are short, and their spaces only set off a Latin term inside a phrase."""
    if any(unicodedata.east_asian_width(c) in "WF" for c in name):
        return name
    lines: list[str] = []
    for word in name.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _drawn_edges(edges: list[Edge], box: dict[str, str]) -> list[tuple[int, Edge]]:
    """Edges between the drawn boxes, each with its index in ``edges`` (marks are named by it): the edges of a
    stack's members are drawn once, none inside a stack."""
    drawn: list[tuple[int, Edge]] = []
    merged: set[tuple[str, str, str, str]] = set()
    for index, edge in enumerate(edges):
        src, dst = box[edge.src], box[edge.dst]
        key = (src, dst, edge.role, edge.label)
        if (src, dst) == (edge.src, edge.dst):  # not a stack's edge: drawn as given, even twice
            merged.add(key)
            drawn.append((index, edge))
        elif src != dst and key not in merged:
            merged.add(key)
            drawn.append((index, replace(edge, src=src, dst=dst)))
    return drawn


def _members(cluster: Cluster, children: dict[str, list[Cluster]]) -> set[str]:
    return set(cluster.members).union(*(_members(c, children) for c in children.get(cluster.id, [])))


def _has_box(cluster: Cluster, children: dict[str, list[Cluster]], nodes: dict[str, Node]) -> bool:
    return any(m in nodes for m in cluster.members) or any(_has_box(c, children, nodes)
                                                           for c in children.get(cluster.id, []))


def _cluster(cluster: Cluster, children: dict[str, list[Cluster]], nodes: dict[str, Node], marked: set[str],
             claimed: set[str], indent: str, direction: str, marks: dict[str, list[_Mark]]) -> list[str]:
    if not _has_box(cluster, children, nodes):  # every member is drawn by a stack framed elsewhere
        return []
    label = label_html(cluster.label, _repeat(cluster))
    out = [f"{indent}subgraph {quote('cluster_' + cluster.id)} {{",
           indent + "  " + attr_line("graph", {
               "label": label, "style": "rounded,dashed", "color": CLUSTER[0], "penwidth": "1.1",
               "labeljust": "l", "margin": "10",
               # Graphviz flips cluster labels with rankdir=BT; keep them at the visual top
               "labelloc": "b" if direction == "BT" else "t",
               "class": f"sqd-cluster sqd-c-{cluster.role}" if cluster.role else "sqd-cluster",
           })]
    for child in children.get(cluster.id, []):
        out += _cluster(child, children, nodes, marked, claimed, indent + "  ", direction, marks)
    for member in cluster.members:
        if member in nodes and member not in claimed:
            claimed.add(member)
            out.append(indent + "  " + _node(nodes[member], marked))
            out += [indent + "  " + mark.node for mark in marks.get(member, [])]
    out.append(indent + "}")
    return out


def _repeat(cluster: Cluster) -> str:
    repeat = cluster.attrs.get("repeat")
    return f"{repeat}×" if repeat else ""


def _node(node: Node, marked: set[str]) -> str:
    family = FAMILIES[ROLE_FAMILY[node.role]]
    classes = [f"sqd-f-{ROLE_FAMILY[node.role]}", f"sqd-r-{node.role}"]
    attrs = {"fillcolor": family.light_fill, "color": family.light_stroke}
    if node.role in ROUND_ROLES:
        attrs |= {"shape": "circle", "width": "0.34", "fixedsize": "true", "fontsize": "15",
                  "label": Html(escape(node.attrs.get("glyph", OPERATOR_GLYPH[node.role]))),
                  "tooltip": node.label}
    else:
        name = node.label
        if node.role == "activation" and node.math == "":
            classes.append("sqd-act")
        attrs |= {"label": label_html(name, node.math), "width": f"{node_width(name, node.math):.2f}"}
        if "^" in node.math and not name:
            # a superscript rises above the line; a one-line box of the default height would clip it
            attrs["height"] = _SUPERSCRIPT_HEIGHT
        if node.role in ("concat", "scale", "mask", "matmul"):
            attrs["shape"] = "box"
    if node.role in ("input", "output", "token"):
        attrs["style"] = "rounded,filled,bold" if node.role == "output" else "rounded,filled"
    if node.attrs.get("repeat"):
        attrs["peripheries"] = "2"
    if node.id in marked or node.role in marked:
        attrs |= {"penwidth": "2.6", "color": HIGHLIGHT[0]}
        classes.append("sqd-hl")
    attrs["class"] = " ".join(classes) + node.attrs.get(_STEP_CLASS, "")
    return f"{quote(node.id)} {attr_list(attrs)};"


def _edge(edge: Edge) -> str:
    attrs = dict(EDGE_STYLES[edge.role])
    attrs["class"] = f"sqd-e sqd-e-{edge.role}" + edge.attrs.get(_STEP_CLASS, "")
    if edge.label:
        # labels of reversed edges are external (xlabel): a labelled flat edge laid out against its
        # direction trips an assertion in Graphviz's crossing minimisation (mincross fixLabelOrder)
        # ``label_beside`` edges too: their label then takes no room of its own in the layout
        beside = edge.role == "recurrent" or edge.attrs.get("label_beside")
        attrs["xlabel" if beside else "label"] = label_html("", edge.label)
    if edge.attrs.get("back"):
        attrs["constraint"] = "false"
    if edge.attrs.get("spine"):
        attrs["weight"] = "8"
    if edge.attrs.get("feedback") or edge.attrs.get("input_feeding"):
        attrs["style"] = "dashed"  # a prediction fed back as the next input, not a learned path
    if edge.attrs.get("reverse"):  # laid out tail-to-head (keeps a right-to-left chain in order), drawn as is
        attrs["dir"] = "back"
        return f"{quote(edge.dst)} -> {quote(edge.src)} {attr_list(attrs)};"
    return f"{quote(edge.src)} -> {quote(edge.dst)} {attr_list(attrs)};"
