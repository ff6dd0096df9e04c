"""IR → DOT. The emitter owns every layout and styling decision; subjects only say what connects to what.

All text goes out as Graphviz HTML-like labels built from escaped pieces, so no user or
registry string can close a quote, inject an attribute or trigger Graphviz's ``\\N``-style
escapes. Node widths are set from an estimate that counts CJK characters as full-width,
so Chinese labels fit their boxes even where the layout font measures them short.
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from dataclasses import replace
from typing import TYPE_CHECKING

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
    from collections.abc import Iterable

    from seqdiagrams.ir import Cluster, Edge, Graph, Node

FONT_SIZE = 12
_CHAR_EM = 0.62  # average advance of a Latin character, in ems
_PADDING_IN = 0.32


def emit(graph: Graph, highlight: Iterable[str] = ()) -> str:
    """The DOT source of ``graph``; ``highlight`` names node ids or roles to outline."""
    marked = set(highlight)
    lines = [
        "digraph seqdiagram {",
        _attrs("graph", {
            "rankdir": graph.direction, "newrank": "true", "compound": "true", "bgcolor": "transparent",
            "pad": "0.15", "nodesep": f"{graph.nodesep:g}", "ranksep": "0.42", "fontname": FONT,
            "fontsize": str(FONT_SIZE),
            "fontcolor": TEXT[0], "class": "sqd-graph",
        }),
        _attrs("node", {
            "shape": "box", "style": "rounded,filled", "fontname": FONT, "fontsize": str(FONT_SIZE),
            "fontcolor": TEXT[0], "penwidth": "1.2", "margin": "0.12,0.06", "height": "0.36",
        }),
        _attrs("edge", {
            "fontname": FONT, "fontsize": str(FONT_SIZE - 2), "fontcolor": TEXT[0], "color": EDGE[0],
            "arrowsize": "0.7", "penwidth": "1.2",
        }),
    ]
    children: dict[str, list[Cluster]] = {}
    for cluster in graph.clusters:
        children.setdefault(cluster.parent, []).append(cluster)
    box = _boxes(graph)
    marked |= {box[i] for i in marked if i in box}
    nodes = {n.id: n for n in _drawn_nodes(graph)}
    claimed: set[str] = set()
    last = [c for c in children.get("", []) if c.attrs.get("last")]
    for cluster in children.get("", []):
        if cluster not in last:
            lines += _cluster(cluster, children, nodes, marked, claimed, "  ", graph.direction)
    claimed |= {m for c in last for m in _members(c, children)}
    lines += ["  " + _node(n, marked) for n in nodes.values() if n.id not in claimed]
    claimed -= {m for c in last for m in _members(c, children)}
    for cluster in last:  # Graphviz places what comes later in the file further right
        lines += _cluster(cluster, children, nodes, marked, claimed, "  ", graph.direction)
    lines += ["  " + _edge(e) for e in _drawn_edges(graph.edges, box)]
    lines += [f"  {_q(box[a])} -> {_q(box[b])} [style=\"invis\", weight=\"8\"];" for a, b in graph.above
              if box[a] != box[b]]
    ranks = [list(dict.fromkeys(box[i] for i in rank)) for rank in [*graph.ranks, *graph.rows]]
    lines += ["  {rank=same; " + " ".join(_q(i) + ";" for i in rank) + "}" for rank in ranks if rank]
    for row in graph.rows:
        lines += [f"  {_q(a)} -> {_q(b)} [style=\"invis\"];" for a, b in itertools.pairwise(row)]
    lines.append("}")
    return "\n".join(lines) + "\n"


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


def _drawn_edges(edges: list[Edge], box: dict[str, str]) -> list[Edge]:
    """Edges between the drawn boxes: the edges of a stack's members are drawn once, none inside a stack."""
    drawn: list[Edge] = []
    merged: set[tuple[str, str, str, str]] = set()
    for edge in edges:
        src, dst = box[edge.src], box[edge.dst]
        key = (src, dst, edge.role, edge.label)
        if (src, dst) == (edge.src, edge.dst):  # not a stack's edge: drawn as given, even twice
            merged.add(key)
            drawn.append(edge)
        elif src != dst and key not in merged:
            merged.add(key)
            drawn.append(replace(edge, src=src, dst=dst))
    return drawn


def _members(cluster: Cluster, children: dict[str, list[Cluster]]) -> set[str]:
    return set(cluster.members).union(*(_members(c, children) for c in children.get(cluster.id, [])))


def _has_box(cluster: Cluster, children: dict[str, list[Cluster]], nodes: dict[str, Node]) -> bool:
    return any(m in nodes for m in cluster.members) or any(_has_box(c, children, nodes)
                                                           for c in children.get(cluster.id, []))


def _cluster(cluster: Cluster, children: dict[str, list[Cluster]], nodes: dict[str, Node], marked: set[str],
             claimed: set[str], indent: str, direction: str) -> list[str]:
    if not _has_box(cluster, children, nodes):  # every member is drawn by a stack framed elsewhere
        return []
    label = _label_html(cluster.label, _repeat(cluster))
    out = [f"{indent}subgraph {_q('cluster_' + cluster.id)} {{",
           indent + "  " + _attrs("graph", {
               "label": label, "style": "rounded,dashed", "color": CLUSTER[0], "penwidth": "1.1",
               "labeljust": "l", "margin": "10",
               # Graphviz flips cluster labels with rankdir=BT; keep them at the visual top
               "labelloc": "b" if direction == "BT" else "t",
               "class": f"sqd-cluster sqd-c-{cluster.role}" if cluster.role else "sqd-cluster",
           })]
    for child in children.get(cluster.id, []):
        out += _cluster(child, children, nodes, marked, claimed, indent + "  ", direction)
    for member in cluster.members:
        if member in nodes and member not in claimed:
            claimed.add(member)
            out.append(indent + "  " + _node(nodes[member], marked))
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
                  "label": Html(_escape(node.attrs.get("glyph", OPERATOR_GLYPH[node.role]))),
                  "tooltip": node.label}
    else:
        name = node.label
        if node.role == "activation" and node.math == "":
            classes.append("sqd-act")
        attrs |= {"label": _label_html(name, node.math), "width": f"{_width(name, node.math):.2f}"}
        if node.role in ("concat", "scale", "mask", "matmul"):
            attrs["shape"] = "box"
    if node.role in ("input", "output", "token"):
        attrs["style"] = "rounded,filled,bold" if node.role == "output" else "rounded,filled"
    if node.attrs.get("repeat"):
        attrs["peripheries"] = "2"
    if node.id in marked or node.role in marked:
        attrs |= {"penwidth": "2.6", "color": HIGHLIGHT[0]}
        classes.append("sqd-hl")
    attrs["class"] = " ".join(classes)
    return f"{_q(node.id)} {_attr_list(attrs)};"


def _edge(edge: Edge) -> str:
    attrs = dict(EDGE_STYLES[edge.role])
    attrs["class"] = f"sqd-e sqd-e-{edge.role}"
    if edge.label:
        # labels of reversed edges are external (xlabel): a labelled flat edge laid out against its
        # direction trips an assertion in Graphviz's crossing minimisation (mincross fixLabelOrder)
        attrs["xlabel" if edge.role == "recurrent" else "label"] = _label_html("", edge.label)
    if edge.attrs.get("back"):
        attrs["constraint"] = "false"
    if edge.attrs.get("spine"):
        attrs["weight"] = "8"
    if edge.attrs.get("feedback") or edge.attrs.get("input_feeding"):
        attrs["style"] = "dashed"  # a prediction fed back as the next input, not a learned path
    if edge.attrs.get("reverse"):  # laid out tail-to-head (keeps a right-to-left chain in order), drawn as is
        attrs["dir"] = "back"
        return f"{_q(edge.dst)} -> {_q(edge.src)} {_attr_list(attrs)};"
    return f"{_q(edge.src)} -> {_q(edge.dst)} {_attr_list(attrs)};"


class Html(str):
    """An HTML-like label body, already escaped; emitted between ``<`` and ``>`` instead of quotes."""


def _label_html(name: str, math: str) -> Html:
    """An HTML-like label: the component name (a line per ``\\n`` of a wrapped name), then its symbol in italics."""
    parts = []
    if name:
        parts += [_escape(line) for line in name.split("\n")]
    if math:
        parts += [f"<I>{math_html(line)}</I>" for line in math.split("\n")]
    return Html("<BR/>".join(parts) or " ")


WORD_JOINER = "\u2060"
"""Invisible; breaks Graphviz's ``\\N``-style escapes and is removed again from the finished SVG."""
_GRAPHVIZ_ESCAPE = re.compile(r"\\(?=[GNEHTL])")


def _escape(text: str) -> str:
    """HTML-escape, and break ``\\N``/``\\G``…: Graphviz expands them even inside HTML labels."""
    return html.escape(_GRAPHVIZ_ESCAPE.sub("\\\\" + WORD_JOINER, text))


def math_html(text: str) -> str:
    """Render ``h_{t-1}``/``W^{(2)}`` style markup as escaped HTML with SUB/SUP."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "_^" and i + 1 < len(text):
            tag = "SUB" if char == "_" else "SUP"
            if text[i + 1] == "{":
                end = _closing_brace(text, i + 1)
                inner, i = text[i + 2:end], end + 1
            else:
                inner, i = text[i + 1], i + 2
            out.append(f"<{tag}>{math_html(inner)}</{tag}>")
            continue
        out.append(_escape(char))
        i += 1
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    for j in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j
    return len(text)


def plain_math(text: str) -> str:
    """``h_{t-1}`` → ``h_t-1``-free plain text for alt text: braces dropped, markers kept readable."""
    return text.replace("_{", "_").replace("^{", "^").replace("{", "").replace("}", "")


def _width(name: str, math: str) -> float:
    """Minimum node width in inches, counting East-Asian wide characters as one em."""
    def ems(line: str) -> float:
        return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else _CHAR_EM for c in line)

    widest = max(*(ems(line) for line in name.split("\n")),
                 *(ems(plain_math(line)) * 0.9 for line in math.split("\n")))
    return round(widest * FONT_SIZE / 72 + _PADDING_IN, 2)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _attr_list(attrs: dict[str, str]) -> str:
    items = []
    for key, value in attrs.items():
        rendered = f"<{value}>" if isinstance(value, Html) else _q(value)
        items.append(f"{key}={rendered}")
    return "[" + ", ".join(items) + "]"


def _attrs(kind: str, attrs: dict[str, str]) -> str:
    return f"  {kind} {_attr_list(attrs)};"
