"""Step-through of a diagram: its nodes grouped into steps, one meaningful operation each, in data-flow order.

A reader who meets the LSTM cell all at once sees fifteen boxes; shown in five steps (forget, input, candidate,
cell update, output) each box arrives with the operation it belongs to. Steps are computed from the IR alone, so
every diagram subject gets them without a word of its own:

- the nodes are put in a depth-first topological order (a node's successors follow it while they can, so one
  chain of operations is told before the next; among ready nodes, the one with the longest path still ahead
  comes first, then IR order);
- each *operation* opens a step, except that consecutive operations of one role, one kind (``attrs.gate``,
  ``attrs.kind``) and the same inputs share one (the projections W^Q, W^K);
- a *value* (a state, an output, attention weights) or a node that finishes an operation (an element-wise
  product, an activation, an Add & Norm) joins the step of its latest producer;
- a node that feeds others without being fed (an input, a previous state, a positional encoding) or that only
  gathers inputs (a concatenation) joins the step of its first consumer.

An author may give the steps instead (``steps=x+wq+q,matmul_qk,…``); nodes the list does not name are placed by the
same rules around the named ones, and a list that shows a node before one that feeds it is refused. Captions are the
registry names of each step's operations, so they follow the block's language. Nothing here knows about hosts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seqdiagrams.errors import Location, SpecError, Subtype, did_you_mean
from seqdiagrams.rendering.dot import plain_math

if TYPE_CHECKING:
    from collections.abc import Sequence

    from seqdiagrams.ir import Edge, Graph, Node
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

VALUE_ROLES = frozenset({"output", "hidden-state", "cell-state", "state", "attention-weights", "context",
                         "elementwise-multiply", "activation", "add-norm", "layer-norm"})
"""Roles that finish the operation that produced them: they join their latest producer's step."""
GATHER_ROLES = frozenset({"concat"})
"""Roles that only gather inputs for what follows: they join their first consumer's step."""


@dataclass(frozen=True)
class Step:
    """One step of a figure: the nodes it reveals (in topological order) and its caption."""

    nodes: tuple[str, ...]
    caption: str


def flow_edges(graph: Graph) -> list[Edge]:
    """The edges that carry data forward: not a stub to the next time step, not a feedback drawn against the flow.

    Those two kinds close cycles (h_t feeds h_{t-1} of the next step); every other edge orders its nodes."""
    return [e for e in graph.edges if e.src != e.dst and not (e.attrs.get("stub") or e.attrs.get("back"))]


def plan(graph: Graph, registry: Registry, explicit: Sequence[Sequence[str]] = (),
         spec: Spec | None = None) -> list[Step]:
    """The steps of ``graph``: automatic, or around the ``explicit`` groups of node ids/roles.

    ``registry`` names the parts that the figure shows by their symbol only (h_1 in an unrolled chain).
    ``spec`` locates the errors of an explicit list (an unknown name, a node named twice, a step before its input).
    """
    order = _order(graph)
    preds, succs = _neighbours(graph)
    fixed = _explicit(graph, explicit, spec) if explicit else {}
    step: dict[str, int] = {}
    leads: dict[int, list[Node]] = {}
    key_of_last: tuple[object, ...] | None = None
    deferred = []
    count = max(fixed.values(), default=0)
    carried = {e.dst for e in flow_edges(graph) if e.role == "recurrent"}  # the next time step opens a step
    for node in order:
        if node.id in fixed:
            step[node.id] = fixed[node.id]
            leads.setdefault(fixed[node.id], []).append(node)
            continue
        fed = [step[p] for p in preds[node.id] if p in step]
        if not preds[node.id] or node.role in GATHER_ROLES:
            deferred.append(node)
        elif fed and _finishes(node, preds) and node.id not in carried:
            step[node.id] = max(fed)
        elif explicit:
            step[node.id] = max(fed, default=1)
        else:
            key = (node.role, node.attrs.get("gate"), node.attrs.get("kind"), tuple(sorted(preds[node.id])))
            if key != key_of_last or count == 0:
                count += 1
                key_of_last = key
            step[node.id] = count
            leads.setdefault(count, []).append(node)
    for node in reversed(deferred):  # consumers first: a concat's step is known before its inputs ask for it
        consumers = [step[s] for s in succs[node.id] if s in step]
        producers = [step[p] for p in preds[node.id] if p in step]
        step[node.id] = max(min(consumers, default=1), max(producers, default=1))
    if fixed:
        _check_order(graph, step, fixed, spec)
    for stack in graph.stacks:  # identical parts drawn as one box appear together, with the first of them
        for member in stack.members:
            step[member] = min(step[m] for m in stack.members)
    for node in order:  # an input fed later than its consumer's step (rare shapes): move the consumer on
        step[node.id] = max([step[node.id], *(step[p] for p in preds[node.id])])
    used = sorted(set(step.values()))
    renumber = {old: new for new, old in enumerate(used, 1)}
    members: dict[int, list[str]] = {}
    for node in order:
        members.setdefault(renumber[step[node.id]], []).append(node.id)
    by_id = {n.id: n for n in graph.nodes}
    made = [[by_id[i] for i in members[k] if preds[i]] for k in sorted(members)]
    named = _Names(registry, str(graph.params.get("lang", "en")))
    return [Step(tuple(members[k]), _caption(leads.get(used[k - 1]) or made[k - 1] or [by_id[members[k][0]]],
                                             made[k - 1], named))
            for k in sorted(members)]


def _finishes(node: Node, preds: dict[str, list[str]]) -> bool:
    """Whether ``node`` completes the operation of its producer instead of being one of its own."""
    if node.role in VALUE_ROLES or node.role in ("input", "token"):  # a fed input: Q made by W^Q
        return True
    # a sum that adds a term from outside the figure (embedding + positional encoding) finishes its other input
    return node.role == "elementwise-add" and any(not preds[p] for p in preds[node.id])


def step_numbers(steps: Sequence[Step]) -> dict[str, int]:
    """Each node id's step, 1-based."""
    return {node: k for k, step in enumerate(steps, 1) for node in step.nodes}


@dataclass(frozen=True)
class _Names:
    registry: Registry
    lang: str

    def __call__(self, node: Node) -> str:
        """The node's own label, or the registry's name of its role when the figure shows only its symbol."""
        if node.label or node.role not in self.registry.data.labels:
            return node.label
        return self.registry.label(node.role, self.lang)


def _caption(leads: Sequence[Node], members: Sequence[Node], name: _Names) -> str:
    """The step's operations by their registry names and symbols, then what they produce: "SoftMax → A".

    ``members`` are the step's nodes that something feeds (its inputs from outside are not its results)."""
    parts: list[str] = []
    for node in leads:
        part = " ".join(x for x in (name(node), plain_math(node.math)) if x)
        if part and part not in parts:
            parts.append(part)
    lead_ids = {n.id for n in leads}
    made = list(dict.fromkeys(plain_math(n.math) for n in members
                              if n.id not in lead_ids and n.math and n.role in VALUE_ROLES))
    return "; ".join(parts) + (" → " + ", ".join(made) if made else "")


def _neighbours(graph: Graph) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    preds: dict[str, list[str]] = {n.id: [] for n in graph.nodes}
    succs: dict[str, list[str]] = {n.id: [] for n in graph.nodes}
    for edge in flow_edges(graph):
        if edge.src not in preds[edge.dst]:
            preds[edge.dst].append(edge.src)
            succs[edge.src].append(edge.dst)
    return preds, succs


def _order(graph: Graph) -> list[Node]:
    """A depth-first topological order: a node's ready successors come next (longest path ahead first; the
    nodes of an earlier panel before those of a later one).

    An edge that would close a cycle (none in the subjects' graphs once stubs and back edges are set aside)
    is ignored rather than looping."""
    preds, succs = _neighbours(graph)
    index = {n.id: i for i, n in enumerate(graph.nodes)}
    # side-by-side panels (``attrs.panel``, compare) are told one after the other, in the order written
    panels = list(dict.fromkeys(n.attrs.get("panel", "") for n in graph.nodes))
    panel = {n.id: panels.index(n.attrs.get("panel", "")) for n in graph.nodes}
    height: dict[str, int] = {}

    def ahead(node: str, seen: frozenset[str] = frozenset()) -> int:
        if node not in height:
            height[node] = 1 + max((ahead(s, seen | {node}) for s in succs[node] if s not in seen), default=-1)
        return height[node]

    def rank(node: str) -> tuple[int, int, int]:
        return panel[node], -ahead(node), index[node]

    waiting = {n: len(p) for n, p in preds.items()}
    placed = [n.id for n in graph.nodes if not preds[n.id]]  # sources join their consumers' steps anyway
    for source in placed:
        for s in succs[source]:
            waiting[s] -= 1
    trail: list[str] = []  # the path of recently placed nodes whose successors are tried first
    while len(placed) < len(graph.nodes):
        ready = []
        while trail and not ready:
            ready = [s for s in succs[trail[-1]] if waiting[s] == 0 and s not in placed]
            if not ready:
                trail.pop()
        if not ready:
            ready = [n for n in waiting if waiting[n] == 0 and n not in placed]
        if not ready:  # a cycle: release the earliest waiting node
            ready = [min((n for n in waiting if n not in placed), key=index.__getitem__)]
        node = min(ready, key=rank)
        placed.append(node)
        trail.append(node)
        for s in succs[node]:
            waiting[s] -= 1
    by_id = {n.id: n for n in graph.nodes}
    return [by_id[i] for i in placed]


def _explicit(graph: Graph, groups: Sequence[Sequence[str]], spec: Spec | None) -> dict[str, int]:
    """Node id → step for the nodes an explicit list names (a role names all its nodes)."""
    loc = spec.location_of("steps") if spec is not None else Location()
    ids = {n.id for n in graph.nodes}
    roles = {n.role for n in graph.nodes}
    fixed: dict[str, int] = {}
    for k, group in enumerate(groups, 1):
        for name in group:
            named = [name] if name in ids else [n.id for n in graph.nodes if n.role == name]
            if not named:
                raise SpecError.at(Subtype.BAD_VALUE, f"`{name}` in `steps` matches no role or node id of this figure",
                                   loc, did_you_mean(name, ids | roles)
                                   or "`--format ir-json` lists the figure's roles and node ids")
            for node in named:
                if node in fixed and fixed[node] != k:
                    raise SpecError.at(Subtype.BAD_VALUE, f"`{node}` is named in step {fixed[node]} and step {k}"
                                       " of `steps`", loc, "name each node in one step only")
                fixed[node] = k
    return fixed


def _check_order(graph: Graph, step: dict[str, int], fixed: dict[str, int], spec: Spec | None) -> None:
    """Refuse an explicit list that shows a node before a node that feeds it."""
    loc = spec.location_of("steps") if spec is not None else Location()
    for edge in flow_edges(graph):
        if edge.dst in fixed and step[edge.src] > step[edge.dst]:
            raise SpecError.at(Subtype.BAD_VALUE, f"`steps` shows `{edge.dst}` in step {step[edge.dst]}, before "
                               f"`{edge.src}` (step {step[edge.src]}) that feeds it", loc,
                               f"move `{edge.dst}` to step {step[edge.src]} or later")
