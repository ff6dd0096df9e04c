"""The shape rules: dimensions, the block's sizes, and one rule per IR node role (``shapes=true``).

Each node role has a shape rule — linear, concat, split heads, matmul, scale, mask, softmax, add, norm, conv,
SSM scan, embedding, positional encoding, … — applied to the shapes arriving on its in-edges, in the order the
edges were added. Shapes are PyTorch's ``batch_first`` layout, symbolic by default ((B,T,d), (B,h,T,d_k)) and
numeric where the block gives sizes (``batch=4 seq=10``). What a rule needs beyond its role is a structural fact
the subject records on the node:

- ``shape``: the declared shape of a source (an input, a state, a parameter), as dimension symbols; it also
  stands for the rule of a node whose result its drawn inputs do not determine (a score over all S positions);
- ``width``: the last dimension a ``linear``/``projection``/``embedding`` (or an output head) produces;
- ``parts``: a projection whose output is cut along its last axis, one part per consumer (Mamba's ``in_proj``
  into u and z, ``x_proj`` into Δ, B and C): consumer id → width; each out-edge carries its part;
- ``split``: a ``linear`` that also splits heads, (B,T,d) → (B,h,T,d_k); ``pooled``: one that reads the first
  position only ([CLS]);
- ``transpose``: a ``matmul`` of its first input by the transpose of its second (QKᵀ).

A rule that cannot compose its inputs raises :class:`ShapeMismatch`; :mod:`seqdiagrams.shapes.propagate` names
the node. Sizes that do not fit (``d_model`` not divisible by ``heads``) are a located error at the key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.params import BoolParam, IntParam, Param

if TYPE_CHECKING:
    from seqdiagrams.ir import Node
    from seqdiagrams.spec import Spec

MAX_SIZE = 1 << 20
"""Largest size a block may give (1 048 576): enough for any real model, small enough to print."""

SIZES: Mapping[str, tuple[str, str]] = {
    "batch": ("B", "batch size"),
    "seq": ("T", "sequence length (target side)"),
    "src_seq": ("S", "source sequence length (encoder side of cross-attention)"),
    "input": ("d_x", "input features of a recurrent layer"),
    "hidden": ("d_h", "hidden features of a recurrent layer"),
    "output_size": ("d_y", "features of a recurrent network's output head"),
    "d_model": ("d", "model width (Transformer d_model, Mamba D)"),
    "heads": ("h", "attention heads"),
    "vocab": ("V", "vocabulary size (a Transformer's output head)"),
    "d_ff": ("d_{ff}", "inner width of the feed-forward sublayer"),
    "expansion": ("E", "Mamba expansion factor E, the reference code's `expand` (not given: 2, as in the paper)"),
    "d_state": ("N", "Mamba SSM state size"),
}
"""Size keys → (dimension symbol, meaning). A size not given stays a symbol."""

PARAMS: dict[str, Param] = {
    "shapes": BoolParam(False, "label every edge with the tensor shape it carries (computed, checked)"),
    **{key: IntParam(0, f"shapes=true: {meaning}" + ("" if key == "expansion" else f" (not given: {symbol})"), 1,
                     MAX_SIZE) for key, (symbol, meaning) in SIZES.items()},
}
"""Keys every diagram subject accepts (its own keys win: ``mha`` and ``transformer`` draw ``heads``)."""

class ShapeMismatch(Exception):
    """A rule's inputs do not compose; the message says how, the caller names the node."""


@dataclass(frozen=True)
class Dim:
    """One axis: its symbol (``d_k``) and its size when known.

    Two axes agree when both sizes are known and equal, or, failing that, when their symbols are equal."""

    name: str
    size: int | None = None

    def agrees(self, other: Dim) -> bool:
        if self.size is not None and other.size is not None:
            return self.size == other.size
        return self.name == other.name

    def __str__(self) -> str:
        return self.name if self.size is None else str(self.size)


Shape = tuple[Dim, ...]


def shown(shape: Shape) -> str:
    """A shape as an edge label: ``(B,T,d)`` or ``(4,10,256)`` — no spaces, so labels stay short."""
    return "(" + ",".join(map(str, shape)) + ")"


class Sizes:
    """The dimensions of one block: each symbol with the size the block gave, and the derived ones."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        # a size is known when given, or when the subject draws it (mha's heads): a shape key's default 0 is not
        known = {symbol: spec.params.get(key) or None for key, (symbol, _) in SIZES.items()}
        if "expansion" not in spec.given:  # only Mamba figures (and compare's Mamba panel) have an E axis
            known["E"] = 2  # Gu & Dao 2023 fix E = 2 (REFERENCE.md §2.14), so it is never a free symbol
        self.known: dict[str, int | None] = known
        self.used: set[str] = set()
        d, h = known["d"], known["h"]
        if d is not None and h is not None:
            self.used |= {"d", "h"}  # the sizes are checked against each other even where no head is drawn
        if d is not None and h is not None and d % h:
            key = "d_model" if "d_model" in spec.given else "heads"
            raise SpecError.at(Subtype.BAD_VALUE, f"d_model = {d} is not divisible by heads = {h}",
                               spec.location_of(key),
                               f"the rule d_k = d_v = d_model / heads needs a multiple of {h}, e.g. d_model={h * 64}")

    def __call__(self, symbol: str) -> Dim:
        """The dimension called ``symbol``: a size key's symbol, a derived one (``d_k``, ``Ed``) or a count."""
        if symbol.isdigit():
            return Dim(symbol, int(symbol))
        if "+" in symbol:
            return _total([self(part) for part in symbol.split("+")])
        count, rest = _coefficient(symbol)
        if count > 1:
            return _total([self(rest)] * count)
        if symbol == "d_k":
            self.used |= {"d", "h"}
            d, h = self.known["d"], self.known["h"]
            return Dim("d_k", d // h if d is not None and h is not None else None)
        if symbol == "Ed":
            return product(self("E"), self("d"))
        if symbol == "R":  # Mamba's Δ rank, ⌈d/16⌉ (REFERENCE.md §2.14)
            self.used.add("d")
            d = self.known["d"]
            return Dim("R", -(-d // 16) if d is not None else None)
        if symbol not in self.known:
            raise KeyError(symbol)
        self.used.add(symbol)
        return Dim(symbol, self.known[symbol])

    def check_used(self, given: list[str]) -> None:
        """A size the figure has no axis for is an error at its key, not silently ignored."""
        for key in given:
            if SIZES[key][0] not in self.used:
                raise SpecError.at(Subtype.BAD_VALUE, f"`{key}` sizes no axis of this figure",
                                   self.spec.location_of(key), "remove it, or draw a view that has this axis")


def product(a: Dim, b: Dim) -> Dim:
    """``a·b`` (E·d, h·d_k): numeric when both are, else written as the symbols side by side."""
    size = a.size * b.size if a.size is not None and b.size is not None else None
    name = f"{a}{b.name}" if a.size is not None and b.size is None else f"{a.name}·{b.name}"
    return Dim(name, size)


def _total(dims: list[Dim]) -> Dim:
    """The width of a concatenation: 2d_h for two equal widths, d_x+d_h otherwise."""
    sizes = [d.size for d in dims]
    size = sum(s for s in sizes if s is not None) if None not in sizes else None
    names = [str(d) if d.size is not None and size is None else d.name for d in dims]
    if len(set(names)) == 1 and len(names) > 1:
        count, rest = _coefficient(names[0])
        return Dim(f"{count * len(names)}{rest}", size)
    return Dim("+".join(_merge_like(names)), size)


def _coefficient(name: str) -> tuple[int, str]:
    """``2d`` → (2, ``d``); ``d_h`` → (1, ``d_h``)."""
    digits = len(name) - len(name.lstrip("0123456789"))
    return (int(name[:digits]) if digits else 1), name[digits:]


def _merge_like(names: list[str]) -> list[str]:
    """Equal terms of a sum written once with their count: R, N, N → R, 2N."""
    counts: dict[str, int] = {}
    for name in names:
        count, rest = _coefficient(name)
        counts[rest] = counts.get(rest, 0) + count
    return [f"{count}{rest}" if count > 1 else rest for rest, count in counts.items()]


# -- rules ---------------------------------------------------------------------------------------------------------
Rule = Callable[["Node", list[Shape], Sizes], Shape]


def same(shapes: list[Shape], what: str) -> Shape:
    """The one shape all of ``shapes`` agree on; raises :class:`ShapeMismatch` naming ``what`` disagrees."""
    first = shapes[0]
    for other in shapes[1:]:
        if len(other) != len(first) or not all(a.agrees(b) for a, b in zip(first, other, strict=True)):
            raise ShapeMismatch(f"{what} of {shown(first)} and {shown(other)}")
    return first


def _one(node: Node, ins: list[Shape]) -> Shape:
    if not ins:
        raise ShapeMismatch("nothing flows in and no shape is declared")
    return same(ins, "inputs")


def identity(node: Node, ins: list[Shape], sizes: Sizes) -> Shape:
    """Activations, SoftMax, scale, mask, norms, depthwise conv, the SSM scan: the shape passes unchanged
    (all inputs must agree). A node that declares a shape (``width``) acts as a linear head."""
    if "width" in node.attrs or "parts" in node.attrs:
        return linear(node, ins, sizes)
    return _one(node, ins)


def declared(node: Node, ins: list[Shape], sizes: Sizes) -> Shape:
    """Sources and states: their declared shape; what flows in (through the weights on its edges) must share the
    batch axis. Without a declaration, the one shape flowing in."""
    if "shape" not in node.attrs:
        return identity(node, ins, sizes)
    shape = tuple(sizes(s) for s in node.attrs["shape"])
    for arriving in ins:
        if not arriving[0].agrees(shape[0]):
            raise ShapeMismatch(f"{shown(arriving)} arrives at a state of {shown(shape)}: the batch axes differ")
    return shape


def linear(node: Node, ins: list[Shape], sizes: Sizes) -> Shape:
    """(…, n) → (…, width); with ``split`` the result is also split into heads, (B,T,d) → (B,h,T,d_k); a
    ``pooled`` head reads the first position only, (B,T,d) → (B,width)."""
    x = _one(node, ins)
    if node.attrs.get("pooled"):
        x = (x[0], x[-1])
    parts = node.attrs.get("parts")
    out = (*x[:-1], _total([sizes(w) for w in parts.values()]) if parts else sizes(node.attrs["width"]))
    if node.attrs.get("split"):
        return (out[0], sizes("h"), *out[1:])
    return out


def embedding(node: Node, ins: list[Shape], sizes: Sizes) -> Shape:
    """Token ids (B,T) → vectors (B,T,width)."""
    return (*_one(node, ins), sizes(node.attrs["width"]))


def broadcast_add(node: Node, ins: list[Shape], sizes: Sizes) -> Shape:
    """Add, multiply, add & norm: shapes aligned from the last axis must agree; a shorter one broadcasts over the
    leading axes (the positional encoding (T,d) over the batch)."""
    if not ins:
        raise ShapeMismatch("nothing flows in")
    out = max(ins, key=len)
    for shape in ins:
        tail = out[len(out) - len(shape):]
        if not all(a.agrees(b) for a, b in zip(tail, shape, strict=True)):
            raise ShapeMismatch(f"an element-wise operation of {shown(out)} and {shown(shape)}")
    return out


def concat(node: Node, ins: list[Shape], sizes: Sizes) -> Shape:
    """Along the last axis; the others must agree. A concat of ``heads`` heads drawn in part (1, 2, …, h) counts
    every head: (B,T,d_k) × h → (B,T,h·d_k)."""
    if not ins:
        raise ShapeMismatch("nothing flows in")
    heads = node.attrs.get("heads")
    if heads:
        x = same(ins, "heads")
        return (*x[:-1], product(sizes("h"), x[-1]))
    same([s[:-1] for s in ins], "a concatenation (all but the last axis)")
    return (*ins[0][:-1], _total([s[-1] for s in ins]))


def matmul(node: Node, ins: list[Shape], sizes: Sizes) -> Shape:
    """(…, m, n) @ (…, n, p) → (…, m, p); ``transpose``: a @ bᵀ; a vector second operand: (…, m, n) @ (…, n)
    → (…, m)."""
    if len(ins) != 2:
        raise ShapeMismatch(f"a matrix product needs two operands, got {len(ins)}")
    a, b = ins
    if node.attrs.get("transpose"):
        b = (*b[:-2], b[-1], b[-2])
    if len(b) == len(a) - 1:
        if not a[-1].agrees(b[-1]):
            raise ShapeMismatch(f"a matrix {shown(a)} times a vector {shown(b)}: the inner axes differ")
        return a[:-1]
    same([a[:-2], b[:-2]], "a batched matrix product (batch axes)")
    if not a[-1].agrees(b[-2]):
        raise ShapeMismatch(f"a matrix product of {shown(a)} and {shown(b)}: the inner axes differ")
    return (*a[:-1], b[-1])


def attention(node: Node, ins: list[Shape], sizes: Sizes) -> Shape:
    """An attention block keeps its queries' shape; keys and values (cross edges) must share batch and width."""
    if not ins:
        raise ShapeMismatch("nothing flows in")
    q = ins[0]
    for kv in ins[1:]:
        if len(kv) != len(q) or not (kv[0].agrees(q[0]) and kv[-1].agrees(q[-1])):
            raise ShapeMismatch(f"queries of {shown(q)} attend to keys and values of {shown(kv)}")
    return q


def discretize(node: Node, ins: list[Shape], sizes: Sizes) -> Shape:
    """Zero-order hold: Δ_t (B,D) with A (D,N) → Ā_t (B,D,N), and with B_t (B,N) → B̄_t (B,D,N)."""
    if len(ins) != 3:
        raise ShapeMismatch(f"discretization takes Δ, A and B, got {len(ins)} inputs")
    delta, a, b = ins
    if not (delta[-1].agrees(a[0]) and a[-1].agrees(b[-1]) and delta[0].agrees(b[0])):
        raise ShapeMismatch(f"Δ {shown(delta)}, A {shown(a)} and B {shown(b)} differ in their channel or state axes")
    return (*delta, a[-1])


def feed_forward(node: Node, ins: list[Shape], sizes: Sizes) -> Shape:
    """(…, d) → (…, d_ff) → (…, d): the sublayer keeps the model width."""
    x = _one(node, ins)
    if not x[-1].agrees(sizes("d")):
        raise ShapeMismatch(f"a feed-forward sublayer of width {sizes('d')} receives {shown(x)}")
    return x


RULES: Mapping[str, Rule] = {
    **dict.fromkeys(("input", "token", "output", "hidden-state", "cell-state", "state", "ssm-parameter",
                     "positional-encoding", "weight", "context", "gate", "candidate"), declared),
    **dict.fromkeys(("activation", "softmax", "scale", "mask", "layer-norm", "conv1d", "ssm",
                     "attention-weights", "encoder-layer"), identity),
    **dict.fromkeys(("linear", "projection"), linear),
    **dict.fromkeys(("elementwise-add", "elementwise-multiply", "add-norm"), broadcast_add),
    # a decoder layer (compare's compact stacks) keeps its queries' shape and attends to the encoder's output
    **dict.fromkeys(("self-attention", "masked-self-attention", "cross-attention", "multi-head-attention",
                     "attention-head", "decoder-layer"), attention),
    "embedding": embedding,
    "concat": concat,
    "matmul": matmul,
    "feed-forward": feed_forward,
    "discretize": discretize,
}
"""The shape rule of every node role."""


def rule_of(node: Node) -> Rule:
    """The rule of ``node``: its role's, or its declared shape's."""
    return declared if "shape" in node.attrs else RULES[node.role]
