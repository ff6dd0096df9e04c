"""Side-by-side panels of several architectures, each panel a cluster (DESIGN.md §1, ``compare``).

Each registry architecture that has a diagram maps to the block that draws it in its
canonical form (for example ``decoder-only`` → ``transformer variant=decoder-only``); the
panel is that subject's IR with node ids prefixed by the architecture id, so panels never
collide and every node keeps its role for tests and alt text. The panels stand side by side, left to right
in the order written, titled above, all bottom → top on one scale (FIGURES.md §7).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqdiagrams.ir import Cluster, Edge, Node, Stack
from seqdiagrams.params import ListParam
from seqdiagrams.subjects import Subject, get_subject
from seqdiagrams.subjects._common import Words, finish, new_graph

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

PANELS: dict[str, str] = {
    "jordan": "rnn variant=jordan",
    "rnn": "rnn",
    "brnn": "rnn unroll=3 bidirectional=true",
    "lstm": "lstm",
    "gru": "gru",
    "seq2seq": "seq2seq",
    "bahdanau": "seq2seq attention=bahdanau",
    "luong": "seq2seq attention=luong",
    "transformer": "transformer",
    "pre-ln": "transformer norm=pre",
    "encoder-only": "transformer variant=encoder-only layers=12",
    "decoder-only": "transformer variant=decoder-only layers=12",
    "mamba": "mamba",
}
"""Registry architecture → the block that draws its panel."""

WRAP = 10
"""Box names longer than this break onto two lines, so that three panels share a page column."""
NODESEP = 0.2
"""Inches between neighbours on a rank: panels are compact forms of their architecture."""

PARAMS = {
    "archs": ListParam(("rnn", "lstm", "transformer"), "architectures to show side by side", tuple(PANELS), 2, 4),
}


def build(spec: Spec, registry: Registry) -> Graph:
    from seqdiagrams.spec import parse

    words = Words(registry, spec.lang)
    # Bottom → top like every single figure, so the panels stand side by side in the order written, on one
    # common scale (one graph, one font); two-word names break onto two lines to keep each panel narrow.
    g = new_graph(spec, "BT")
    g.wrap, g.nodesep = WRAP, NODESEP
    names = []
    for arch in spec["archs"]:
        panel_spec = parse(f"{PANELS[arch]} lang={spec.lang}", spec.loc)
        panel = get_subject(panel_spec.subject).build(panel_spec, registry)
        _nest(g, panel, arch, words.short(arch))
        names.append(words.short(arch))
    title = words("phrase.compare-title", archs=words.join(names))
    return finish(g, spec, title, words("phrase.compare-desc", archs=words.join(names)))


def _nest(g: Graph, panel: Graph, prefix: str, label: str) -> None:
    def pid(node_id: str) -> str:
        return f"{prefix}__{node_id}"

    g.nodes += [Node(pid(n.id), n.role, n.label, n.math, {**n.attrs, "panel": prefix}) for n in panel.nodes]
    g.edges += [Edge(pid(e.src), pid(e.dst), e.role, e.label, dict(e.attrs)) for e in panel.edges]
    g.clusters.append(Cluster(prefix, label, [pid(n.id) for n in panel.nodes], "panel", {"arch": prefix}))
    g.clusters += [Cluster(pid(c.id), c.label, [pid(m) for m in c.members], c.role, dict(c.attrs),
                           pid(c.parent) if c.parent else prefix) for c in panel.clusters]
    g.ranks += [[pid(i) for i in rank] for rank in panel.ranks]
    g.rows += [[pid(i) for i in row] for row in panel.rows]
    g.above += [(pid(a), pid(b)) for a, b in panel.above]
    g.stacks += [Stack([pid(m) for m in stack.members], stack.math) for stack in panel.stacks]


SUBJECT = Subject(
    name="compare",
    help="side-by-side panels of 2–4 architectures",
    own_params=PARAMS,
    build=build,
    examples=(
        "compare",
        "compare archs=rnn,lstm,gru",
        "compare archs=encoder-only,decoder-only,transformer",
        "compare archs=transformer,mamba",
        "compare archs=rnn,transformer,mamba",
    ),
)
