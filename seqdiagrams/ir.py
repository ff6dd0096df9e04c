"""Graph IR: nodes, edges and clusters with semantic roles (DESIGN.md §3).

Subjects build an IR graph; the emitter turns it into DOT. Roles are the public
contract (tests and ``--format ir-json`` check structure, not pixels), so the
vocabulary is closed: adding a role is a deliberate change here.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

NODE_ROLES = frozenset({
    "input", "output", "token", "embedding", "positional-encoding", "hidden-state", "cell-state", "gate",
    "candidate", "weight", "activation", "elementwise-multiply", "elementwise-add", "concat", "linear",
    "softmax", "matmul", "scale", "mask", "self-attention", "masked-self-attention", "cross-attention",
    "multi-head-attention", "attention-head", "feed-forward", "layer-norm", "add-norm", "encoder-layer",
    "decoder-layer", "context", "attention-weights", "projection", "conv1d", "ssm", "discretize", "state",
    "ssm-parameter",
})
EDGE_ROLES = frozenset({"data", "recurrent", "residual", "gate", "cross", "parameter"})

EVOLUTION_EDGES = {"solves": ("problem", "solution"), "leads-to": ("solution", "solution"),
                   "raises": ("solution", "problem")}
"""Edge kinds of the problem → solution graph (``timeline style=graph``) and the node kinds each joins,
``(from, to)``: the registry's graph and an author's are checked against the same vocabulary."""

ELIDE_ABOVE = 6
"""Unrolled chains longer than this draw steps 1, 2, …, n (the middle elided, as d2l does) so that their
text stays readable in a page column (FIGURES.md §8); the alt text says which steps are left out."""


def drawn_steps(steps: int) -> list[int]:
    """The time steps an unrolled view of ``steps`` steps draws: all of them, or 1, 2 and n past the limit."""
    return list(range(1, steps + 1)) if steps <= ELIDE_ABOVE else [1, 2, steps]


@dataclass(frozen=True)
class Node:
    """A component. ``label`` is in the block's language; ``math`` is an optional symbol line (``h_{t-1}``)."""

    id: str
    role: str
    label: str
    math: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Edge:
    """A connection. Layout hints in ``attrs``: ``back`` (a feedback edge drawn against the flow),
    ``spine`` (part of the main path, kept straight); ``reverse`` (a chain that runs right to left,
    laid out in reading order and drawn with its arrows reversed); ``feedback``/``input_feeding`` (an output fed
    back as a later input, drawn dashed); ``stub`` (a connection to the next time step, drawn as a short
    arrow leaving ``src`` and ending in its label, "→ t+1", instead of a back edge sweeping across the
    figure); ``elided`` (a chain whose middle steps are not drawn: the edge passes through a "⋯" mark);
    ``label_beside`` (the label is placed beside the drawn edge and takes no room in the layout)."""

    src: str
    dst: str
    role: str = "data"
    label: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Cluster:
    """A group of nodes (a layer, a stack, a time step, a panel). ``role`` is optional. Layout hint in
    ``attrs``: ``last`` (placed after the nodes outside every group, which puts it to their right)."""

    id: str
    label: str
    members: list[str]
    role: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    parent: str = ""


@dataclass(frozen=True)
class Stack:
    """Layout hint: identical parts drawn as one stacked box instead of side by side (Vaswani Fig. 2's h heads).

    The IR keeps every member (tests and alt text see them all); the emitter draws the first member's box,
    framed twice, with ``math`` as its symbol line, and every edge of any member once, to or from that box.
    """

    members: list[str]
    math: str


@dataclass
class Graph:
    """The IR of one diagram, plus its accessible name and description."""

    subject: str
    params: dict[str, Any]
    title: str = ""
    desc: str = ""
    caption: str = ""
    direction: str = "TB"
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    ranks: list[list[str]] = field(default_factory=list)
    """Alignment hints: each inner list is drawn on one rank (same row or column)."""
    above: list[tuple[str, str]] = field(default_factory=list)
    """Layout hints ``(a, b)``: draw ``b`` one rank further along the flow than ``a`` (no edge shown)."""
    rows: list[list[str]] = field(default_factory=list)
    """Layout hints: each inner list is drawn on one rank *in this order* across the flow (left → right when
    the flow is vertical, top → bottom when it is horizontal): a row of a grid, a line of a cell."""
    columns: list[list[str]] = field(default_factory=list)
    """Layout hints: each inner list is kept on one straight line along the flow (a column of a grid when the
    flow is vertical); edges between its members are drawn straight."""
    stacks: list[Stack] = field(default_factory=list)
    """Layout hints: groups of identical parts each drawn as one stacked box."""
    nodesep: float = 0.35
    """Layout hint: inches between neighbours on a rank; wide grids of many columns pack tighter."""
    wrap: int = 0
    """Layout hint: box names longer than this many characters break at spaces onto several lines (0: never), for
    figures of many columns side by side that would otherwise outgrow the page."""

    # -- building ----------------------------------------------------------------------------------
    def add(self, id: str, role: str, label: str, math: str = "", **attrs: Any) -> str:
        """Add a node and return its id (ids must be unique; roles must be in the vocabulary)."""
        if role not in NODE_ROLES:
            raise ValueError(f"unknown node role {role!r}")
        if any(n.id == id for n in self.nodes):
            raise ValueError(f"duplicate node id {id!r}")
        self.nodes.append(Node(id, role, label, math, attrs))
        return id

    def link(self, src: str, dst: str, role: str = "data", label: str = "", **attrs: Any) -> None:
        """Add an edge between two existing nodes."""
        if role not in EDGE_ROLES:
            raise ValueError(f"unknown edge role {role!r}")
        known = {n.id for n in self.nodes}
        missing = [n for n in (src, dst) if n not in known]
        if missing:
            raise ValueError(f"edge to unknown node(s) {missing}")
        self.edges.append(Edge(src, dst, role, label, attrs))

    def chain(self, *ids: str, role: str = "data", **attrs: Any) -> None:
        """Link consecutive nodes: ``chain(a, b, c)`` adds a→b and b→c."""
        for src, dst in itertools.pairwise(ids):
            self.link(src, dst, role, **attrs)

    def group(self, id: str, label: str, members: list[str], role: str = "", parent: str = "",
              **attrs: Any) -> str:
        """Add a cluster; ``parent`` nests it inside another cluster."""
        self.clusters.append(Cluster(id, label, list(members), role, attrs, parent))
        return id

    # -- queries used by tests and alt text ---------------------------------------------------------
    def node(self, id: str) -> Node:
        return next(n for n in self.nodes if n.id == id)

    def with_role(self, role: str, **attrs: Any) -> list[Node]:
        """Nodes of ``role`` whose attrs contain every given key/value."""
        return [n for n in self.nodes
                if n.role == role and all(n.attrs.get(k) == v for k, v in attrs.items())]

    def edges_of(self, role: str) -> list[Edge]:
        return [e for e in self.edges if e.role == role]

    def to_dict(self) -> dict[str, Any]:
        """The ``--format ir-json`` shape of DESIGN.md §3 (plus title/desc and node ``math``)."""
        return {
            "subject": self.subject,
            "params": {k: list(v) if isinstance(v, tuple) else v for k, v in sorted(self.params.items())},
            "title": self.title,
            "desc": self.desc,
            "nodes": [{"id": n.id, "role": n.role, "label": n.label, "math": n.math, "attrs": n.attrs}
                      for n in self.nodes],
            "edges": [{"src": e.src, "dst": e.dst, "role": e.role, "label": e.label, "attrs": e.attrs}
                      for e in self.edges],
            "clusters": [{"id": c.id, "label": c.label, "members": c.members, "role": c.role,
                          "attrs": c.attrs, "parent": c.parent} for c in self.clusters],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
