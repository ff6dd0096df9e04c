"""Shapes carried through a figure: propagation from the inputs, the edge labels, and the module-level results.

The rules (:mod:`seqdiagrams.shapes.rules`) say what one node makes of what flows into it; this module walks the
graph in data-flow order, names the node whose inputs do not compose, checks that a state carried to the next
step keeps its shape, and writes what it found into the figure. A node may also record ``returns``: ``output``
(the state every step returns, stacked over time), ``h_n`` or ``c_n`` (a final state, stacked over layers and
directions), for the module-level results a caption states, as PyTorch's ``nn.RNN`` does. An edge may record
``quiet_shape``: it carries its shape (checked, in its attrs) but prints none, because a compact figure says that
tensor on another edge already.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.shapes.rules import (
    PARAMS,
    SIZES,
    Shape,
    ShapeMismatch,
    Sizes,
    attention,
    broadcast_add,
    declared,
    feed_forward,
    identity,
    rule_of,
    same,
    shown,
)

if TYPE_CHECKING:
    from seqdiagrams.ir import Edge, Graph, Node
    from seqdiagrams.spec import Spec

_CARRIED = frozenset({"recurrent"})
"""Edges into a later step: checked against the state they enter, not followed (the graph stays acyclic)."""


def propagate(graph: Graph, sizes: Sizes) -> dict[str, Shape]:
    """The output shape of every node, from the sources on; raises a located error naming the node that does
    not compose."""
    into: dict[str, list[Edge]] = {n.id: [] for n in graph.nodes}
    for e in graph.edges:
        if e.role not in _CARRIED:
            into[e.dst].append(e)
    nodes = {n.id: n for n in graph.nodes}
    out: dict[str, Shape] = {}
    pending = list(graph.nodes)
    while pending:
        ready = [n for n in pending if all(e.src in out for e in into[n.id])]
        if not ready:
            raise _located(pending[0], "its inputs form a cycle", sizes.spec)
        for node in ready:
            try:
                out[node.id] = rule_of(node)(node, [carried(nodes[e.src], e, out, sizes) for e in into[node.id]],
                                                sizes)
            except ShapeMismatch as exc:
                raise _located(node, str(exc), sizes.spec) from None
        pending = [n for n in pending if n.id not in out]
    for e in graph.edges:
        if e.role in _CARRIED and e.src != e.dst:
            _check_carried(graph, e.src, e.dst, out, sizes.spec)
    return out


def carried(src: Node, edge: Edge, out: dict[str, Shape], sizes: Sizes) -> Shape:
    """The shape along ``edge``: its source's, or the part of it the edge's consumer takes."""
    parts = src.attrs.get("parts", {})
    if edge.dst in parts:
        return (*out[src.id][:-1], sizes(parts[edge.dst]))
    return out[src.id]


def _check_carried(graph: Graph, src: str, dst: str, out: dict[str, Shape], spec: Spec) -> None:
    """A state carried to the next step must have the shape of the state it becomes."""
    if len(out[src]) != len(out[dst]) or not all(a.agrees(b) for a, b in zip(out[src], out[dst], strict=True)):
        raise _located(graph.node(dst), f"the state {shown(out[src])} carried from `{src}` becomes {shown(out[dst])}",
                       spec)


def _located(node: Node, problem: str, spec: Spec) -> SpecError:
    rule = " ".join((rule_of(node).__doc__ or "").split()).split(". ")[0].rstrip(".")
    return SpecError.at(Subtype.BAD_VALUE, f"shapes do not compose at `{node.id}` ({node.role}): {problem}",
                        spec.loc, f"the rule of `{node.role}`: {rule}")


def results(graph: Graph, out: dict[str, Shape], sizes: Sizes) -> list[tuple[str, Shape]]:
    """Module-level results, as PyTorch's recurrent layers return them: ``output`` (B,T,·) stacks the returned
    state over time, ``h_n`` (and an LSTM's ``c_n``), (D·L,B,·), stack the final state of every layer and
    direction."""
    found: list[tuple[str, Shape]] = []
    tops = [n.id for n in graph.nodes if n.attrs.get("returns") == "output"]
    if tops:
        step = same([out[t] for t in tops], "returned states")
        found.append(("output", (step[0], sizes("T"), *step[1:])))
    for name in dict.fromkeys(n.attrs["returns"] for n in graph.nodes if n.attrs.get("returns", "output") != "output"):
        finals = [n.id for n in graph.nodes if n.attrs.get("returns") == name]
        state = same([out[f] for f in finals], "final states")
        found.append((name, (sizes(str(len(finals))), *state)))
    return found


def _passes_on(node: Node) -> bool:
    """Whether ``node`` hands its input's shape on by its rule (a norm, an activation, an add, a renamed tensor)."""
    if "width" in node.attrs or "parts" in node.attrs or "shape" in node.attrs:
        return False
    return rule_of(node) in (identity, declared, broadcast_add, attention, feed_forward)


def annotate(graph: Graph, spec: Spec) -> Graph:
    """The graph with every edge's shape in its attrs (``shape``) and in its label where the shape is new (an edge
    leaving a node that passes its input's shape on unchanged is not labelled again), beside the edge so that
    layouts keep their size; a feed-forward box with its inner shape; the module-level results added to the
    caption. Raises a located error when shapes do not compose."""
    sizes = Sizes(spec)
    out = propagate(graph, sizes)
    nodes = {n.id: n for n in graph.nodes}
    along = {id(e): shown(carried(nodes[e.src], e, out, sizes)) for e in graph.edges}
    arriving: dict[str, set[str]] = {n.id: set() for n in graph.nodes}
    for e in graph.edges:
        if e.role not in _CARRIED:
            arriving[e.dst].add(along[id(e)])
    edges = []
    for e in graph.edges:
        if e.src == e.dst:  # a self-loop (Jordan's μ) is drawn without room for a label
            edges.append(e)
            continue
        shape = along[id(e)]
        # K, V from the encoder are always worth saying; so is what a layer with weights produces, even when its
        # width happens to equal its input's
        passed_on = _passes_on(nodes[e.src]) and arriving[e.src] == {shape} and e.role != "cross"
        # beside the edge, taking no room, unless the subject laid its label out on purpose (label_beside=False):
        # then the shape goes under the label's own text, so that the room it takes stays narrow
        beside = e.attrs.get("label_beside", True)
        between = " " if beside else "\n"
        label = e.label if passed_on or e.attrs.get("quiet_shape") else f"{e.label}{between}{shape}".strip()
        edges.append(replace(e, label=label, attrs={**e.attrs, "shape": shape, "label_beside": beside}))
    graph.edges = edges
    # a feed-forward sublayer is one box: its inner width (d_ff) is written in it, (B,T,d) → (B,T,d_ff) → (B,T,d)
    graph.nodes = [replace(n, math=f"{n.math} {shown((*out[n.id][:-1], sizes('d_{ff}')))}".strip())
                   if n.role == "feed-forward" else n for n in graph.nodes]
    summary = ", ".join(f"{name} {shown(shape)}" for name, shape in results(graph, out, sizes))
    if summary and not spec["caption"]:
        graph.caption = f"{graph.caption} {summary}".strip()
    if summary:
        graph.desc = f"{graph.desc} {summary}".strip()
    sizes.check_used([key for key in SIZES if key in spec.given and key in PARAMS])
    return graph
