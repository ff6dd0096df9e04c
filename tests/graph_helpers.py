"""Graph queries shared by the structural tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph


def roles(g: Graph) -> set[str]:
    return {n.role for n in g.nodes}


def out_edges(g: Graph, src: str, role: str | None = None) -> list[str]:
    return [e.dst for e in g.edges if e.src == src and (role is None or e.role == role)]


def in_edges(g: Graph, dst: str, role: str | None = None) -> list[str]:
    return [e.src for e in g.edges if e.dst == dst and (role is None or e.role == role)]


def has_edge(g: Graph, src: str, dst: str, role: str | None = None) -> bool:
    return any(e.src == src and e.dst == dst and (role is None or e.role == role) for e in g.edges)
