"""Transformer stacks and layers (REFERENCE.md §2.8–§2.11, §3.3, §3.4; mistakes §6 #1, #2, #4–#6, #10–#12, #14).

``variant=encoder-decoder`` (the default, [VAS17]): inputs → ``embedding`` (×√d_model) → ``elementwise-add``
← sinusoidal ``positional-encoding`` (added, never concatenated) → encoder layer (``multi-head-attention``
self-attention, ``feed-forward`` with ReLU); shifted outputs → embedding ⊕ PE → decoder layer
(``masked-self-attention``, ``cross-attention``, ``feed-forward``) → ``linear`` → ``softmax`` → output
probabilities. One ``cross`` edge, labelled K, V, leaves the *final* encoder output for the cross-attention
of *every* decoder layer; the cross-attention's Q comes from the decoder's previous sublayer.
``variant=encoder-only`` (BERT): token + segment + position embeddings summed → encoder layers with
unmasked ``self-attention`` and a GELU feed-forward → MLM and NSP heads; no ``mask``, no
``masked-self-attention``, no ``cross-attention``, no ``cross`` edge. ``variant=decoder-only`` (GPT):
token + learned position embedding → decoder layers with ``masked-self-attention`` and ``feed-forward``
only → tied ``linear`` → ``softmax``; no ``cross-attention`` and no ``cross`` edge.

``norm=post`` (the paper): each sublayer → ``add-norm``, with a ``residual`` edge from the sublayer's
input to its add-norm, and no LayerNorm after the last layer. ``norm=pre``: no ``add-norm``; a
``layer-norm`` before each sublayer on the branch, the ``residual`` edge bypasses both and meets them at
an ``elementwise-add``, and one final ``layer-norm`` (``attrs.final``) closes each stack.

A stack's layer is drawn once as a cluster (role ``encoder-layer``/``decoder-layer``) with
``attrs.repeat = N``, or with ``expand=true`` (N ≤ 4) once per layer with ``attrs.layer``. Every node of
a stack carries ``attrs.stack``. ``view=encoder-layer|decoder-layer`` draws one layer in detail; the
decoder layer of the encoder–decoder variant receives the encoder output as a separate ``input`` node on
a ``cross`` edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.params import BoolParam, ChoiceParam, IntParam
from seqdiagrams.subjects import Subject
from seqdiagrams.subjects._common import Words, finish, new_graph

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

MAX_EXPANDED = 4
"""Most layers per stack that ``expand=true`` draws one by one."""

PARAMS = {
    "variant": ChoiceParam("encoder-decoder", "the paper's encoder–decoder, BERT-style encoder-only or GPT-style "
                           "decoder-only", ("encoder-decoder", "encoder-only", "decoder-only"),
                           aliases=(("gpt", "decoder-only"), ("bert", "encoder-only"), ("t5", "encoder-decoder"))),
    "layers": IntParam(6, "layers N per stack (the paper: 6 encoder and 6 decoder layers)", 1, 96),
    "norm": ChoiceParam("post", "post: LayerNorm(x + Sublayer(x)) as in the paper; pre: x + Sublayer(LayerNorm(x)) "
                        "plus a final LayerNorm", ("post", "pre")),
    "view": ChoiceParam("overview", "the whole model, or one encoder/decoder layer in detail",
                        ("overview", "encoder-layer", "decoder-layer")),
    "expand": BoolParam(False, f"draw every layer separately (at most {MAX_EXPANDED} per stack) instead of once "
                        "with N×"),
}

_SUBLAYERS: dict[tuple[str, str], tuple[str, ...]] = {
    ("encoder-decoder", "encoder"): ("multi-head-attention", "feed-forward"),
    ("encoder-decoder", "decoder"): ("masked-self-attention", "cross-attention", "feed-forward"),
    ("encoder-only", "encoder"): ("self-attention", "feed-forward"),
    ("decoder-only", "decoder"): ("masked-self-attention", "feed-forward"),
}
"""The sublayers of one layer, bottom to top, per (variant, stack) (REFERENCE.md §2.8, §2.10, §2.11)."""

_SHORT = {"multi-head-attention": "attn", "self-attention": "attn", "masked-self-attention": "mattn",
          "cross-attention": "xattn", "feed-forward": "ffn"}
_SELF = {"multi-head-attention", "self-attention", "masked-self-attention"}


def _validate(spec: Spec) -> None:
    if spec["expand"] and spec["layers"] > MAX_EXPANDED:
        raise SpecError.at(
            Subtype.OUT_OF_RANGE,
            f"`expand=true` draws every layer and allows at most {MAX_EXPANDED} per stack, got layers={spec['layers']}",
            spec.location_of("expand"),
            f"use layers=1 to {MAX_EXPANDED}, or remove `expand` to draw one layer labelled {spec['layers']}×")
    if spec["view"] == "decoder-layer" and spec["variant"] == "encoder-only":
        raise SpecError.at(Subtype.BAD_VALUE, "an encoder-only Transformer has no decoder layer",
                           spec.location_of("view"),
                           "use view=encoder-layer, or variant=encoder-decoder or decoder-only")
    if spec["view"] == "encoder-layer" and spec["variant"] == "decoder-only":
        raise SpecError.at(Subtype.BAD_VALUE, "a decoder-only Transformer has no encoder layer",
                           spec.location_of("view"),
                           "use view=decoder-layer, or variant=encoder-decoder or encoder-only")


@dataclass
class _Layer:
    """What building one layer returns: its output node, its members and its cross-attention nodes."""

    out: str
    members: list[str] = field(default_factory=list)
    cross: list[str] = field(default_factory=list)


class _Builder:
    """Builds one Transformer graph; holds the graph, the words and the spec's choices."""

    def __init__(self, spec: Spec, words: Words) -> None:
        self.spec = spec
        self.words = words
        self.g = new_graph(spec, "BT")
        self.variant: str = spec["variant"]
        self.n: int = spec["layers"]
        self.pre = spec["norm"] == "pre"
        self.expand: bool = spec["expand"]

    # -- one layer -------------------------------------------------------------------------------
    def layer(self, stack: str, prefix: str, x: str, **attrs: Any) -> _Layer:
        """Sublayers of one layer on top of ``x``, wrapped post-LN (Add & Norm) or pre-LN (LN … +)."""
        g, words = self.g, self.words
        result = _Layer(x)
        for index, role in enumerate(_SUBLAYERS[self.variant, stack], 1):
            sub_attrs = dict(attrs)
            if role == "feed-forward":
                sub_attrs["fn"] = "relu" if self.variant == "encoder-decoder" else "gelu"
            if role == "masked-self-attention":
                sub_attrs["mask"] = "causal"
            if role == "multi-head-attention":
                sub_attrs["kind"] = "self"
            math = {"relu": "ReLU", "gelu": "GELU"}.get(sub_attrs.get("fn", ""), "")
            source = x
            if self.pre:
                source = g.add(f"{prefix}_ln{index}", "layer-norm", words("layer-norm"), "", stack=stack, **attrs)
                g.link(x, source, spine=True)
                result.members.append(source)
            sub = g.add(f"{prefix}_{_SHORT[role]}", role, words(role), math, stack=stack, **sub_attrs)
            g.link(source, sub, label="Q, K, V" if role in _SELF else "Q" if role == "cross-attention" else "",
                   spine=True)
            if self.pre:
                join = g.add(f"{prefix}_add{index}", "elementwise-add", words("elementwise-add"), "", stack=stack,
                             **attrs)
            else:
                join = g.add(f"{prefix}_an{index}", "add-norm", words("add-norm"), "", stack=stack, **attrs)
            g.link(sub, join, spine=True)
            g.link(x, join, "residual")
            result.members += [sub, join]
            if role == "cross-attention":
                result.cross.append(sub)
            x = join
        result.out = x
        return result

    def length(self, stack: str) -> str:
        """The sequence axis of a stack: S for the source side of an encoder-decoder drawn with its decoder, T
        otherwise (an encoder layer on its own reads a sequence of T positions)."""
        drawn_with_decoder = self.spec["view"] in ("overview", "decoder-layer")
        return "S" if stack == "encoder" and self.variant == "encoder-decoder" and drawn_with_decoder else "T"

    # -- a whole stack ---------------------------------------------------------------------------
    def embeddings(self, stack: str) -> str:
        """The input and its embeddings, summed; returns the ⊕ node that feeds the first layer."""
        g, words = self.g, self.words
        p = stack[:3]
        total = g.add(f"{p}_sum", "elementwise-add", words("elementwise-add"), "", stack=stack)
        if self.variant == "encoder-decoder":
            label = words("input") if stack == "encoder" else words("shifted-outputs")
            source = g.add(f"{p}_input", "input", label, "", stack=stack, shape=("B", self.length(stack)))
            embed = g.add(f"{p}_embed", "embedding", words("embedding"), "×√d_{model}", stack=stack, scaled=True,
                          width="d")
            pos = g.add(f"{p}_pos", "positional-encoding", words("positional-encoding"), "sin, cos", stack=stack,
                        kind="sinusoidal", shape=(self.length(stack), "d"))
            g.link(source, embed)
            g.link(embed, total)
            g.link(pos, total)
            return total
        math = "[CLS] A [SEP] B [SEP]" if self.variant == "encoder-only" else ""
        source = g.add(f"{p}_input", "input", words("phrase.transformer-tokens"), math, stack=stack, shape=("B", "T"))
        if self.variant == "encoder-only":
            tok = g.add(f"{p}_embed", "embedding", words("phrase.transformer-token-embedding"), "E_{tok}",
                        stack=stack, kind="token", width="d")
            seg = g.add(f"{p}_segment", "embedding", words("phrase.transformer-segment-embedding"), "E_{seg}",
                        stack=stack, kind="segment", width="d")
            pos = g.add(f"{p}_pos", "positional-encoding", words("phrase.transformer-position-embedding"),
                        "E_{pos}", stack=stack, kind="learned", shape=("T", "d"))
            g.link(source, tok)
            g.link(source, seg)
            for part in (tok, seg, pos):
                g.link(part, total)
            return total
        tok = g.add(f"{p}_embed", "embedding", words("phrase.transformer-token-embedding"), "W_{e}", stack=stack,
                    kind="token", width="d")
        pos = g.add(f"{p}_pos", "positional-encoding", words("phrase.transformer-position-embedding"), "W_{p}",
                    stack=stack, kind="learned", shape=("T", "d"))
        g.link(source, tok)
        g.link(tok, total)
        g.link(pos, total)
        return total

    def stack(self, stack: str) -> _Layer:
        """Embeddings, N layers (once with N× or one by one) and, pre-LN, the final LayerNorm."""
        g, words = self.g, self.words
        p = stack[:3]
        x = self.embeddings(stack)
        role = f"{stack}-layer"
        result = _Layer(x)
        stack_members: list[str] = []
        # Around a single N× layer a stack frame would only repeat the layer's frame: drawn when it holds more.
        parent = stack if self.pre or self.expand else ""
        if self.expand:
            for i in range(1, self.n + 1):
                layer = self.layer(stack, f"{p}{i}", x, layer=i)
                g.group(f"{stack}_layer{i}", words("phrase.transformer-layer-n", stack=words(stack), i=i),
                        layer.members, role, parent, stack=stack, layer=i)
                result.cross += layer.cross
                x = layer.out
        else:
            layer = self.layer(stack, p, x)
            g.group(f"{stack}_layer", words(role), layer.members, role, parent, repeat=self.n, stack=stack)
            result.cross += layer.cross
            x = layer.out
        if self.pre:
            final = g.add(f"{p}_final_ln", "layer-norm", words("layer-norm.final"), "", stack=stack, final=True)
            g.link(x, final, spine=True)
            stack_members.append(final)
            x = final
        if parent:
            g.group(stack, words(stack), stack_members, "", stack=stack)
        result.out = x
        return result

    # -- whole diagrams --------------------------------------------------------------------------
    def overview(self) -> None:
        g, words = self.g, self.words
        if self.variant == "encoder-only":
            encoder = self.stack("encoder")
            mlm = g.add("mlm_head", "linear", words("mlm-head"), "", task="mlm", width="V")
            # IsNext / NotNext, read from the [CLS] position only
            nsp = g.add("nsp_head", "linear", words("nsp-head"), "", task="nsp", width="2", pooled=True)
            g.link(encoder.out, mlm)
            g.link(encoder.out, nsp, label="[CLS]")
            g.link(mlm, g.add("mlm_out", "output", words("phrase.transformer-mlm-output"), "", task="mlm"))
            g.link(nsp, g.add("nsp_out", "output", words("phrase.transformer-nsp-output"), "", task="nsp"))
            return
        if self.variant == "decoder-only":
            decoder = self.stack("decoder")
            self.output_head(decoder.out, "W_{e}^{⊤}", words("phrase.transformer-next-token"))
            return
        if self.expand:  # node order steers Graphviz's crossing minimisation; this keeps the encoder left
            decoder = self.stack("decoder")
            encoder = self.stack("encoder")
        else:
            encoder = self.stack("encoder")
            decoder = self.stack("decoder")
        for target in decoder.cross:
            # Expanded, the K, V bus runs down from the encoder's top to the lower decoder layers: laid out
            # upwards (drawn as given), those edges pass between the stacks instead of around the decoder.
            attrs = {"reverse": True} if target != decoder.cross[-1] else {}
            g.link(encoder.out, target, "cross", "K, V", **attrs)
        # Side by side as in the paper's figure: inputs, embeddings and sums level, and the encoder's
        # output level with the decoder's cross-attention.
        g.ranks += [["enc_input", "dec_input"], ["enc_embed", "enc_pos", "dec_embed", "dec_pos"],
                    ["enc_sum", "dec_sum"]]
        if not self.expand:
            g.ranks.append([encoder.out, decoder.cross[0]])
        self.output_head(decoder.out, "", words("output-probabilities"))

    def output_head(self, x: str, math: str, label: str) -> None:
        g, words = self.g, self.words
        linear = g.add("out_linear", "linear", words("linear"), math, tied=True, width="V")
        soft = g.add("out_softmax", "softmax", words("softmax"), "")
        out = g.add("out", "output", label, "")
        g.chain(x, linear, soft, out, spine=True)

    def detail(self) -> None:
        """``view=encoder-layer|decoder-layer``: one layer between its input and output."""
        g, words = self.g, self.words
        stack = "encoder" if self.spec["view"] == "encoder-layer" else "decoder"
        role = f"{stack}-layer"
        enc = ""
        if "cross-attention" in _SUBLAYERS[self.variant, stack]:
            # Framed as the encoder, and framed first, so that Graphviz puts it on the left like the paper's
            # figure, away from the residual edges.
            enc = g.add("enc_out", "input", words("phrase.transformer-encoder-output"), "", stack="encoder",
                        source="encoder-output", shape=("B", "S", "d"))
            g.group("encoder", words("encoder"), [enc], "", stack="encoder")
        x = g.add("layer_in", "input", words("phrase.transformer-layer-input"), "x", stack=stack,
                  shape=("B", self.length(stack), "d"))
        layer = self.layer(stack, stack[:3], x)
        g.group(f"{stack}_layer", words(role), layer.members, role, repeat=self.n, stack=stack)
        for target in layer.cross:
            g.link(enc, target, "cross", "K, V")
            g.ranks.append([enc, target])
        g.link(layer.out, g.add("layer_out", "output", words("phrase.transformer-layer-output"), "", stack=stack))


def build(spec: Spec, registry: Registry) -> Graph:
    words = Words(registry, spec.lang)
    builder = _Builder(spec, words)
    variant, n = spec["variant"], spec["layers"]
    name = words(f"phrase.transformer-name.{variant}")
    norm = words(f"phrase.transformer-norm.{spec['norm']}")
    layers = words("phrase.transformer-layers-one") if n == 1 else words("phrase.transformer-layers", n=n)
    stacks = 2 if variant == "encoder-decoder" else 1
    if spec["view"] == "overview":
        builder.overview()
        key = "phrase.transformer-title-stacks" if stacks == 2 else "phrase.transformer-title"
        title = words(key, name=name, layers=layers, norm=norm)
        parts = [words(f"phrase.transformer-desc.{variant}", n=n, layers=layers)]
        if spec["expand"]:
            caption_key = "phrase.transformer-caption-expanded" + ("" if stacks == 2 else "-single")
        else:
            caption_key = "phrase.transformer-caption" + ("" if stacks == 2 else "-single")
        caption = words(caption_key, n=n, total=n * stacks)
    else:
        builder.detail()
        title = words(f"phrase.transformer-title-view.{spec['view']}", name=name, norm=norm)
        view = "decoder-only-layer" if variant == "decoder-only" else spec["view"]
        parts = [words(f"phrase.transformer-desc-view.{view}")]
        caption = words("phrase.transformer-caption-view", n=n)
    parts.append(words(f"phrase.transformer-desc-norm.{spec['norm']}"))
    if spec["expand"] and spec["view"] == "overview":
        parts.append(words("phrase.transformer-desc-expanded", n=n))
    return finish(builder.g, spec, title, ("" if spec.lang == "zh" else " ").join(parts), caption)


SUBJECT = Subject(
    name="transformer",
    help="Transformer stacks and layers: encoder–decoder (the paper), BERT-style encoder-only, GPT-style decoder-only",
    own_params=PARAMS,
    build=build,
    validate=_validate,
    examples=(
        "transformer",
        "transformer norm=pre",
        "transformer layers=2 expand=true",
        "transformer variant=encoder-only layers=12",
        "transformer variant=decoder-only layers=12",
        "transformer variant=decoder-only layers=2 norm=pre expand=true",
        "transformer view=encoder-layer",
        "transformer view=decoder-layer",
        "transformer view=decoder-layer norm=pre",
        "transformer variant=encoder-only view=encoder-layer",
        "transformer variant=decoder-only view=decoder-layer norm=pre",
        "transformer shapes=true",
        "transformer view=encoder-layer shapes=true d_model=512 heads=8 d_ff=2048",
    ),
)
