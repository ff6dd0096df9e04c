"""Scaled dot-product attention as steps (REFERENCE.md §3.1, §3.3; mistakes §6 #5, #7, #8, #9).

Inputs Q, K, V → MatMul (QK^⊤) → Scale (1/√d_k, never 1/d_k) → Mask (only with ``mask=causal``:
−∞ added to future logits *before* the SoftMax) → SoftMax over the keys → attention weights →
MatMul with V → output. ``kind=self``: Q, K and V are three linear projections of one input X.
``kind=cross``: Q is projected from the decoder states, K and V from the encoder output (the
encoder side arrives on ``cross`` edges). A causal mask belongs to self-attention only, so
``kind=cross mask=causal`` is rejected rather than drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.params import ChoiceParam
from seqdiagrams.subjects import Subject
from seqdiagrams.subjects._common import Words, finish, new_graph

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

PARAMS = {
    "mask": ChoiceParam("none", "causal adds −∞ to future positions' scores before the SoftMax",
                        ("none", "causal")),
    "kind": ChoiceParam("self", "self: Q, K, V from one input; cross: Q from the decoder, K and V from the encoder",
                        ("self", "cross")),
}


def _validate(spec: Spec) -> None:
    if spec["kind"] == "cross" and spec["mask"] == "causal":
        raise SpecError.at(Subtype.BAD_VALUE,
                           "cross-attention uses no causal mask: every query may see the whole encoder output",
                           spec.location_of("mask"), "use mask=none with kind=cross, or kind=self")


def build(spec: Spec, registry: Registry) -> Graph:
    words = Words(registry, spec.lang)
    g = new_graph(spec, "BT")
    q, k, v = _inputs(g, words, spec["kind"])
    g.ranks.append([q, k, v])
    scores = g.add("matmul_qk", "matmul", words("matmul"), "QK^{⊤}", order=1, transpose=True)
    g.link(q, scores)
    g.link(k, scores)
    scale = g.add("scale", "scale", words("scale"), "1/√d_{k}", order=2)
    g.link(scores, scale, spine=True)
    steps = [words("matmul"), words("scale")]
    last = scale
    if spec["mask"] == "causal":
        mask = g.add("mask", "mask", words("phrase.attention-mask-causal"), "+M, M_{ij} = −∞ (j > i)",
                     order=3, kind="causal")
        g.link(last, mask, spine=True)
        steps.append(words("mask"))
        last = mask
    soft = g.add("softmax", "softmax", words("softmax"), "", order=4)
    g.link(last, soft, spine=True)
    weights = g.add("weights", "attention-weights", words("attention-weights"), "A")
    g.link(soft, weights, spine=True)
    mixed = g.add("matmul_av", "matmul", words("matmul"), "AV", order=5)
    g.link(weights, mixed, spine=True)
    g.link(v, mixed)
    out = g.add("out", "output", words("output"), "Attention(Q, K, V)")
    g.link(mixed, out, spine=True)
    steps += [words("softmax"), words("matmul")]

    kind = words(f"phrase.attention-kind.{spec['kind']}")
    title = words("phrase.attention-title", kind=kind, mask=words(f"phrase.attention-mask.{spec['mask']}"),
                  steps=" → ".join(steps))
    sep = "" if spec.lang == "zh" else " "
    desc = sep.join([
        words(f"phrase.attention-desc-{spec['kind']}"),
        words("phrase.attention-desc-steps"),
        words("phrase.attention-desc-causal" if spec["mask"] == "causal" else "phrase.attention-desc-no-mask"),
    ])
    return finish(g, spec, title, desc)


def _inputs(g: Graph, words: Words, kind: str) -> tuple[str, str, str]:
    """The projections W^Q, W^K, W^V and the Q, K, V they produce (ids of Q, K, V)."""
    if kind == "self":
        x = g.add("x", "input", words("input"), "X", shape=("B", "T", "d"))
        sources = {"q": x, "k": x, "v": x}
    else:
        dec = g.add("dec", "input", words("phrase.attention-decoder-state"), "H_{dec}", stack="decoder",
                    shape=("B", "T", "d"))
        enc = g.add("enc", "input", words("phrase.attention-encoder-output"), "H_{enc}", stack="encoder",
                    shape=("B", "S", "d"))
        g.ranks.append([dec, enc])
        sources = {"q": dec, "k": enc, "v": enc}
    projections, ids = [], []
    for key, name in (("q", "query"), ("k", "key"), ("v", "value")):
        symbol = key.upper()
        # one head's projection, split per head as PyTorch's attention takes it: (B,T,d) → (B,h,T,d_k)
        w = g.add(f"w{key}", "linear", words("linear"), f"W^{{{symbol}}}", width="d_k", split=True)
        g.link(sources[key], w, "cross" if kind == "cross" and key != "q" else "data")
        origin = "input" if kind == "self" else ("decoder" if key == "q" else "encoder")
        node = g.add(key, "input", words(f"phrase.attention-{name}"), symbol, source=origin)
        g.link(w, node)
        projections.append(w)
        ids.append(node)
    g.ranks.append(projections)
    return ids[0], ids[1], ids[2]


SUBJECT = Subject(
    name="attention",
    help="scaled dot-product attention step by step: MatMul → Scale → Mask → SoftMax → MatMul",
    own_params=PARAMS,
    build=build,
    validate=_validate,
    examples=(
        "attention",
        "attention mask=causal",
        "attention kind=cross",
        "attention shapes=true",
    ),
)
