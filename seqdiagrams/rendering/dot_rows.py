"""The figure grammar's layout hints in DOT: rows held in order, "⋯" marks tied into columns.

A subject says which nodes form a row (``Graph.rows``) and which edges are elided; Graphviz, left
alone, pushes unclustered members and "⋯" marks past the clusters around them. These invisible
ranks, edges, spacers and clusters keep each row in the order the subject gave.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from seqdiagrams.rendering.dot_syntax import quote

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph

def gap_id(index: int) -> str:
    return f"_gap{index}"


def row_clusters(graph: Graph, rows: list[list[str]]) -> dict[str, list[str]]:
    """Invisible clusters for the unclustered members of rows that also hold clustered ones, by the
    top-level cluster they are declared after (``""``: before all of them).

    Graphviz keeps the members of a cluster together and pushes a row's unclustered members (an initial
    state beside a row of step boxes, a "⋯" between two of them) past them, whatever the row's order; in a
    cluster of their own, declared right after the cluster of their left neighbour, they keep their place."""
    parents = {c.id: c.parent for c in graph.clusters}

    def top(cluster_id: str) -> str:
        while parents.get(cluster_id):
            cluster_id = parents[cluster_id]
        return cluster_id

    owner: dict[str, str] = {}
    for cluster in graph.clusters:
        for member in cluster.members:
            owner.setdefault(member, top(cluster.id))
    out: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        if not owner.keys() & set(row):
            continue
        after = ""
        for i, member in enumerate(row):
            if member in owner:
                after = owner[member]
                continue
            name = quote(f"cluster__row{index}_{i}")
            out.setdefault(after, []).append(f"  subgraph {name} {{graph [style=\"invis\"]; {quote(member)};}}")
    return out


def row_slots(graph: Graph, box: dict[str, str]) -> list[list[tuple[str, int | None]]]:
    """Each row's members, each with the column gap it fills (or None): the "⋯" mark of an elided edge
    stands between its two neighbours, and a row with no mark between two columns where another row has one
    (the inputs under an elided chain) gets an invisible spacer there (see :func:`gap_columns`)."""
    gaps = {frozenset((e.src, e.dst)): gap_id(i) for i, e in enumerate(graph.edges) if e.attrs.get("elided")}
    column = {member: k for k, members in enumerate(graph.columns) for member in members}
    boxed = [list(dict.fromkeys(box[m] for m in row)) for row in graph.rows]  # a stack's members: its box
    slots = {column[a] for row in boxed for a, b in itertools.pairwise(row)
             if frozenset((a, b)) in gaps and a in column}
    rows = []
    for index, row in enumerate(boxed):
        members: list[tuple[str, int | None]] = [(m, None) for m in row[:1]]
        for a, b in itertools.pairwise(row):
            if frozenset((a, b)) in gaps:
                members.append((gaps[frozenset((a, b))], column.get(a)))
            elif column.get(a) in slots and column.get(b) == column[a] + 1:
                members.append((f"_gapcol{column[a]}_{index}", column[a]))
            members.append((b, None))
        rows.append(members)
    return rows


def gap_columns(slots: list[list[tuple[str, int | None]]]) -> list[str]:
    """Spacers and a chain of invisible edges through each column of "⋯" marks.

    Graphviz places a mark of an elided chain past the clusters of the steps around it (a row of step boxes
    with ⋯ between step 2 and step n) unless the marks of all rows, and spacers in the rows without one,
    are tied into one column like the steps' own."""
    chains: dict[int, list[str]] = {}
    spacers = []
    for row in slots:
        for member, slot in row:
            if slot is None:
                continue
            chains.setdefault(slot, []).append(member)
            if member.startswith("_gapcol"):
                spacers.append(f'  {quote(member)} [style="invis", shape="point", width="0", label=""];')
    links = [f'  {quote(a)} -> {quote(b)} [style="invis", constraint="false"];'
             for chain in chains.values() for a, b in itertools.pairwise(chain)]
    return spacers + links


def rank_rows(rows: list[list[str]]) -> list[str]:
    """Rows in order: one rank each, held in the given order by invisible edges between neighbours."""
    lines = []
    for members in rows:
        lines.append("  {rank=same; " + " ".join(quote(i) + ";" for i in members) + "}")
        lines += [f"  {quote(a)} -> {quote(b)} [style=\"invis\"];" for a, b in itertools.pairwise(members)]
    return lines
