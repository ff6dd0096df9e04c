"""An author's own problem → solution graph (``nodes:`` and ``edges:`` in a timeline block's body).

Own nodes and edges are checked like the registry's (known ends, the direction their kind says, no loop or
repeat), each error located at the field of the body that is wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype, did_you_mean
from seqdiagrams.ir import EVOLUTION_EDGES
from seqdiagrams.models import GraphNode
from seqdiagrams.subjects._timeline_shared import graph_mode

if TYPE_CHECKING:
    from collections.abc import Mapping

    from seqdiagrams.params import Record
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec


def validate_graph_keys(spec: Spec) -> None:
    """``graph`` agrees with the body: an own graph has nodes and no registry filter, the registry's has none."""
    mode = graph_mode(spec)
    if mode == "registry":
        given = next((key for key in ("nodes", "edges") if key in spec.given), None)
        if given:
            raise SpecError.at(Subtype.BAD_VALUE, f"graph=registry draws the registry's graph only, not `{given}`",
                               spec.location_of(given), f"remove `{given}`, or use graph=both")
    elif mode == "own":
        if "archs" in spec.given:
            raise SpecError.at(Subtype.BAD_VALUE, "`archs` filters the registry's graph, which graph=own leaves out",
                               spec.location_of("archs"), "remove `archs`, or use graph=both")
        if not spec["nodes"]:
            where = "edges" if "edges" in spec.given else "graph"
            raise SpecError.at(Subtype.BAD_VALUE, "an own graph needs `nodes` in the block body",
                               spec.location_of(where), "add `nodes:`, or use graph=both to link registry nodes")
    elif not spec["nodes"] and not spec["edges"]:
        raise SpecError.at(Subtype.BAD_VALUE, "graph=both adds the block's `nodes` and `edges`, and it gives none",
                           spec.location_of("graph"), "add `nodes:` or `edges:`, or use graph=registry")


def add_own(spec: Spec, registry: Registry, info: dict[str, GraphNode], edges: list[tuple[str, str, str]]) -> None:
    """The block's nodes and edges added to ``info`` and ``edges`` (the registry's, or empty), each checked."""
    mode = graph_mode(spec)
    for record in spec["nodes"]:
        node_id = record["id"]
        if node_id in info:
            first = "a node of the registry's graph" if node_id in registry.data.evolution.nodes and mode == "both" \
                else "given twice"
            raise SpecError.at(Subtype.BAD_VALUE, f"node id `{node_id}` is {first}", record.loc("id"),
                               "give every node its own id")
        info[node_id] = GraphNode(node_id, record["kind"], record["label"][spec.lang])
    for record in spec["edges"]:
        edges.append(_own_edge(record, info, edges, mode, registry))


def _own_edge(record: Record, info: Mapping[str, GraphNode], edges: list[tuple[str, str, str]], mode: str,
              registry: Registry) -> tuple[str, str, str]:
    """A block's edge, checked like the registry's: known ends, the direction its kind says, no loop or repeat."""
    for end in ("src", "dst"):
        name = record[end]
        if name in info:
            continue
        hint = did_you_mean(name, info)
        if name in registry.data.evolution.nodes:
            hint = ("`archs` leaves it out of this figure" if mode == "both"
                    else "it is a node of the registry's graph: add graph=both to link it")
        raise SpecError.at(Subtype.BAD_VALUE, f"edge `{end}` names no node of this graph: `{name}`",
                           record.loc(end), hint)
    src, dst, kind = record["src"], record["dst"], record["kind"]
    if src == dst or any((s, d) == (src, dst) for s, d, _ in edges):
        raise SpecError.at(Subtype.BAD_VALUE, f"a loop or a repeated edge `{src}` → `{dst}`", record.where,
                           "give each link once, between two different nodes")
    ends = (info[src].kind, info[dst].kind)
    if ends != EVOLUTION_EDGES[kind]:
        expected = EVOLUTION_EDGES[kind]
        fitting = [name for name, pair in EVOLUTION_EDGES.items() if pair == ends]
        raise SpecError.at(Subtype.BAD_VALUE, f"`{kind}` goes from a {expected[0]} to a {expected[1]}, not from a "
                           f"{ends[0]} to a {ends[1]}", record.loc("kind"),
                           f"use kind: {fitting[0]}" if fitting else "a problem leads to a solution, not a problem")
    return (src, dst, kind)
