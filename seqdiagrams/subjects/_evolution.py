"""The registry's problem → solution graph (``timeline style=graph``), with an author's own nodes and edges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.ir import EVOLUTION_EDGES
from seqdiagrams.models import EvolutionModel, GraphNode
from seqdiagrams.subjects._common import Words
from seqdiagrams.subjects._own_graph import add_own
from seqdiagrams.subjects._timeline_shared import DIRECTIONS, filters, frame, graph_mode, known_archs, sentence

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

NODE_KINDS = ("problem", "solution")


def evolution_model(spec: Spec, registry: Registry) -> EvolutionModel:
    """The registry's nodes (of ``archs``, or all) and edges between them, and/or the block's own; an empty
    graph is an error, and so is an own node or edge that does not fit (located in the block body)."""
    mode = graph_mode(spec)
    info: dict[str, GraphNode] = {}
    edges: list[tuple[str, str, str]] = []
    if mode != "own":
        archs = known_archs(spec, registry)
        evolution = registry.data.evolution
        info = {node_id: GraphNode(node_id, node.kind, node.label.get(spec.lang), node.archs, node.sources)
                for node_id, node in evolution.nodes.items() if not archs or archs.intersection(node.archs)}
        if not info and not spec["nodes"]:
            raise SpecError.at(Subtype.BAD_VALUE, f"no node of the evolution graph belongs to {filters(spec)[0]}",
                               spec.location_of("archs"), "choose other `archs`, or leave `archs` out")
        edges = [(e.src, e.dst, e.kind) for e in evolution.edges if e.src in info and e.dst in info]
    add_own(spec, registry, info, edges)
    words = Words(registry, spec.lang)
    title = spec["title"] or words("phrase.timeline-own-graph-title" if mode == "own"
                                   else "phrase.timeline-graph-title")
    kinds = [node.kind for node in info.values()]
    desc = words("phrase.timeline-graph-desc", problems=kinds.count("problem"), solutions=kinds.count("solution"),
                 edges=len(edges))
    caption = sentence(words, title, words("phrase.timeline-graph-legend"))
    return EvolutionModel(
        frame(spec, "graph", title, caption), DIRECTIONS["graph"][spec["direction"]], desc, tuple(info.values()),
        tuple(edges), {kind: words(f"phrase.timeline-{kind}") for kind in NODE_KINDS},
        {kind: words(f"phrase.timeline-edge-{kind}") for kind in EVOLUTION_EDGES},
        (words("phrase.timeline-from"), words("phrase.timeline-relation"), words("phrase.timeline-to")))
