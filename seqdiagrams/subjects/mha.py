"""Multi-head attention (REFERENCE.md §3.2; mistake §6 #13).

Inputs Q, K, V → for each head i three ``linear`` projections W_i^Q, W_i^K, W_i^V (width
d_k = d_v = d_model/h) → one ``attention-head`` node (scaled dot-product attention, head_i) →
``concat`` of all h heads → ``linear`` W^O → output MultiHead(Q, K, V). Every node of head i
carries ``attrs.head = i`` and the concat node ``attrs.heads = h``. Up to 4 heads are all drawn;
with more, heads 1, 2 and h are in the graph, and the enclosing ``multi-head-attention`` cluster (``attrs.heads``,
``attrs.drawn``) and its label say how many there are: the picture never hides that h heads exist.

Placement (FIGURES.md §6): by default the heads are drawn as the paper's Figure 2 draws them, one stack of
W^Q, of W^K, of W^V and of attention boxes, so Q, K and V enter from below without a fan of crossing edges;
``expand=true`` draws the heads of the graph side by side, one by one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqdiagrams.ir import Stack
from seqdiagrams.params import BoolParam, IntParam
from seqdiagrams.subjects import Subject
from seqdiagrams.subjects._common import Words, finish, new_graph

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

MAX_DRAWN = 4
"""Up to this many heads are drawn in full; more are drawn as heads 1, 2 and h."""

PARAMS = {
    "heads": IntParam(8, "number of attention heads h (the paper's base model uses 8)", 1, 16),
    "expand": BoolParam(False, f"draw the heads side by side (up to {MAX_DRAWN}; more: heads 1, 2 and h) instead "
                        "of as one stack labelled with h"),
}


def build(spec: Spec, registry: Registry) -> Graph:
    words = Words(registry, spec.lang)
    g = new_graph(spec, "BT")
    h = spec["heads"]
    drawn = drawn_heads(h)
    inputs = {key: g.add(key.lower(), "input", words("input"), key, shape=("B", "T", "d")) for key in ("Q", "K", "V")}
    hidden = h - len(drawn) if spec["expand"] else 0  # heads left out of an expanded drawing
    if hidden:
        label = words("phrase.mha-heads-compact", h=h, hidden=hidden)
    else:
        label = words("phrase.mha-heads-one") if h == 1 else words("phrase.mha-heads", h=h)
    heads: list[str] = []
    stacks: dict[str, list[str]] = {"Q": [], "K": [], "V": [], "head": []}
    for i in drawn:
        members = []
        for key, source in inputs.items():
            w = g.add(f"w{key.lower()}{i}", "linear", words("linear"), f"W_{{{i}}}^{{{key}}}", head=i, proj=key,
                      width="d_k")
            g.link(source, w)
            members.append(w)
            stacks[key].append(w)
        head = g.add(f"head{i}", "attention-head", words("phrase.mha-sdpa"), f"head_{{{i}}}", head=i)
        for w in members:
            g.link(w, head)
        g.group(f"head{i}", "", [*members, head], "attention-head", "mha", head=i)
        heads.append(head)
        stacks["head"].append(head)
    if h > 1 and not spec["expand"]:
        every = f", i = 1…{h}"
        g.stacks += [Stack(stacks[key], f"W_{{i}}^{{{key}}}{every}") for key in "QKV"]
        g.stacks.append(Stack(stacks["head"], f"head_{{i}}{every}"))
    concat = g.add("concat", "concat", words("concat"), _concat_math(h), heads=h)
    for head in heads:
        g.link(head, concat)
    wo = g.add("wo", "linear", words("linear"), "W^{O}", width="d")
    out = g.add("out", "output", words("output"), "MultiHead(Q, K, V)")
    g.chain(concat, wo, out, spine=True)
    # Member order only steers Graphviz's crossing minimisation: these orders put Q, K, V left to right.
    order = "QKV" if h == 1 or not spec["expand"] else "VQK"
    g.group("mha", label, [*(inputs[key] for key in order), concat, wo], "multi-head-attention",
            heads=h, drawn=drawn)

    title = words("phrase.mha-title-one") if h == 1 else words("phrase.mha-title", h=h)
    sep = "" if spec.lang == "zh" else " "
    parts = [words("phrase.mha-desc-one") if h == 1 else words("phrase.mha-desc", h=h)]
    if h > 1 and not spec["expand"]:
        parts.append(words("phrase.mha-desc-stacked", h=h))
    if hidden:
        parts.append(words("phrase.mha-desc-compact", h=h, last=h - 1))
    return finish(g, spec, title, sep.join(parts))


def drawn_heads(h: int) -> list[int]:
    """The head indices drawn for ``h`` heads: all of them up to 4, else 1, 2 and h."""
    return list(range(1, h + 1)) if h <= MAX_DRAWN else [1, 2, h]


def _concat_math(h: int) -> str:
    if h == 1:
        return "head_{1}"
    if h == 2:
        return "Concat(head_{1}, head_{2})"
    return f"Concat(head_{{1}}, …, head_{{{h}}})"


SUBJECT = Subject(
    name="mha",
    help="multi-head attention: h parallel scaled dot-product heads, concatenated and projected by W^O",
    own_params=PARAMS,
    build=build,
    # Side by side, Q, K and V each reach every head: 3·h(h-1)/2 crossings in any drawing in rows (FIGURES.md §6).
    crossings={"mha heads=2 expand=true": 3},
    examples=(
        "mha",
        "mha heads=4",
        "mha heads=2",
        "mha heads=1",
        "mha heads=2 expand=true",
    ),
)

