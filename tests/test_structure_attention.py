"""Structure of the attention, multi-head attention and Transformer diagrams against REFERENCE.md.

§2.8–§2.11, §3.1–§3.3 and the common mistakes of §6 (#1, #2, #4–#8, #10–#12). Tests read roles,
attrs and edges of the IR and walk the graph; they do not look at pixels. Where labels do not
matter a test runs in English and Chinese, to show that the structure does not depend on the language.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from graph_helpers import has_edge, in_edges, out_edges, roles

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.spec import parse

if TYPE_CHECKING:
    from seqdiagrams.errors import Diagnostic
    from seqdiagrams.ir import Cluster, Graph, Node

LANGS = ["en", "zh"]
SDPA_STEPS = {"matmul", "scale", "mask", "softmax"}
SUBLAYERS = {"multi-head-attention", "self-attention", "masked-self-attention", "cross-attention", "feed-forward"}


# -- helpers -----------------------------------------------------------------------------------------------


def in_stack(g: Graph, stack: str) -> list[Node]:
    return [n for n in g.nodes if n.attrs.get("stack") == stack]


def clusters(g: Graph, role: str) -> list[Cluster]:
    return [c for c in g.clusters if c.role == role]


def error_of(block: str) -> Diagnostic:
    with pytest.raises(SpecError) as info:
        parse(block)
    return info.value.diagnostic


def assert_located_at(diagnostic: Diagnostic, block: str, token: str) -> None:
    """The error points into ``token`` (``key=value``) on the block's first line."""
    start = block.index(token) + 1
    assert diagnostic.loc.line == 1
    assert start <= diagnostic.loc.col < start + len(token), (diagnostic.loc, token)


def flat(math: str) -> str:
    """Math without grouping braces and spaces: ``1/√d_{k}`` → ``1/√d_k``."""
    return re.sub(r"[{}\s]", "", math)


def sdpa_walk(g: Graph) -> list[str]:
    """Roles met walking the main path from the first MatMul (the one Q and K enter) to the output,
    keeping only the steps of REFERENCE.md §3.1 (MatMul, Scale, Mask, SoftMax)."""
    [q] = [n for n in g.nodes if n.role == "input" and n.math == "Q"]
    [current] = [d for d in out_edges(g, q.id) if g.node(d).role == "matmul"]
    walked = [current]
    while g.node(current).role != "output":
        nexts = [d for d in out_edges(g, current) if g.node(d).role != "input"]
        assert len(nexts) == 1, (current, nexts)
        current = nexts[0]
        assert current not in walked, "cycle on the attention path"
        walked.append(current)
    return [g.node(n).role for n in walked if g.node(n).role in SDPA_STEPS]


def upstream_input(g: Graph, node_id: str) -> Node:
    """Follow incoming edges back to the diagram input that ``node_id`` derives from."""
    current = node_id
    while True:
        sources = in_edges(g, current)
        assert len(sources) == 1, (current, sources)
        current = sources[0]
        if not in_edges(g, current):
            return g.node(current)


def stack_walk(g: Graph, start: str, members: set[str]) -> list[str]:
    """Roles along the data edges from ``start`` through the nodes of one layer cluster."""
    walked: list[str] = []
    current = start
    while True:
        nexts = [d for d in out_edges(g, current, "data") if d in members]
        if not nexts:
            return walked
        assert len(nexts) == 1, (current, nexts)
        current = nexts[0]
        walked.append(g.node(current).role)


def final_output(g: Graph, stack: str) -> str:
    """The last node of ``stack``: the only one with no edge to another node of that stack."""
    ids = {n.id for n in in_stack(g, stack)}
    sinks = [i for i in ids if not [d for d in out_edges(g, i) if d in ids]]
    assert len(sinks) == 1, sinks
    return sinks[0]


# -- §3.1 scaled dot-product attention ---------------------------------------------------------------------


@pytest.mark.parametrize(("params", "expected"), [
    ("", ["matmul", "scale", "softmax", "matmul"]),
    ("mask=causal", ["matmul", "scale", "mask", "softmax", "matmul"]),
    ("kind=cross", ["matmul", "scale", "softmax", "matmul"]),
])
def test_attention_steps_follow_the_paper_order_along_the_edges(build, lang, params, expected):
    assert sdpa_walk(build(f"attention {params} lang={lang}")) == expected


def test_attention_scales_by_one_over_sqrt_dk(build, lang):
    [scale] = build(f"attention lang={lang}").with_role("scale")
    assert flat(scale.math) == "1/√d_k"  # mistake 7: never 1/d_k
    assert not flat(scale.math).startswith("1/d")


def test_causal_mask_sits_between_scale_and_softmax(build, lang):
    g = build(f"attention mask=causal lang={lang}")
    [mask] = g.with_role("mask")
    [softmax] = g.with_role("softmax")
    [scale] = g.with_role("scale")
    assert in_edges(g, mask.id) == [scale.id]
    assert out_edges(g, mask.id) == [softmax.id]  # before the SoftMax, never after it (mistakes 8, 9)
    assert mask.attrs.get("kind") == "causal"


@pytest.mark.parametrize("params", ["", "mask=none", "kind=cross", "kind=cross mask=none"])
def test_no_mask_node_without_a_mask(build, lang, params):
    g = build(f"attention {params} lang={lang}")
    assert not g.with_role("mask")
    [scale] = g.with_role("scale")
    [softmax] = g.with_role("softmax")
    assert has_edge(g, scale.id, softmax.id)


def test_cross_attention_queries_from_the_decoder_keys_values_from_the_encoder(build, lang):
    g = build(f"attention kind=cross lang={lang}")
    by_math = {n.math: n for n in g.with_role("input")}
    q, k, v = by_math["Q"], by_math["K"], by_math["V"]
    assert q.attrs["source"] == "decoder"
    assert k.attrs["source"] == v.attrs["source"] == "encoder"
    assert upstream_input(g, q.id).attrs["stack"] == "decoder"
    assert upstream_input(g, k.id).attrs["stack"] == "encoder"
    assert upstream_input(g, v.id).attrs["stack"] == "encoder"
    # the encoder side arrives on cross edges, the decoder side does not
    cross_sources = {e.src for e in g.edges_of("cross")}
    assert {g.node(s).attrs["stack"] for s in cross_sources} == {"encoder"}
    assert len(g.edges_of("cross")) == 2  # into W^K and W^V


def test_self_attention_projects_q_k_v_from_one_input(build, lang):
    g = build(f"attention lang={lang}")
    by_math = {n.math: n for n in g.with_role("input")}
    sources = {upstream_input(g, by_math[key].id).id for key in "QKV"}
    assert len(sources) == 1
    assert not g.edges_of("cross")


def test_cross_attention_with_causal_mask_is_rejected_at_the_mask_key():
    block = "attention kind=cross mask=causal"
    diagnostic = error_of(block)
    assert diagnostic.subtype is Subtype.BAD_VALUE
    assert_located_at(diagnostic, block, "mask=causal")


# -- §3.2 multi-head attention -----------------------------------------------------------------------------


@pytest.mark.parametrize("h", [1, 2, 3, 4])
def test_mha_draws_every_head_when_few(build, lang, h):
    g = build(f"mha heads={h} lang={lang}")
    assert sorted(n.attrs["head"] for n in g.with_role("attention-head")) == list(range(1, h + 1))
    [concat] = g.with_role("concat")
    assert concat.attrs["heads"] == h


@pytest.mark.parametrize("h", [8, 16])
def test_mha_compact_form_still_says_how_many_heads(build, lang, h):
    g = build(f"mha heads={h} lang={lang}")
    heads = [n.attrs["head"] for n in g.with_role("attention-head")]
    assert len(set(heads)) == len(heads)
    assert {1, h} <= set(heads) <= set(range(1, h + 1))
    [concat] = g.with_role("concat")
    assert concat.attrs["heads"] == h
    [frame] = clusters(g, "multi-head-attention")
    assert frame.attrs["heads"] == h


@pytest.mark.parametrize("h", [1, 3, 8])
def test_mha_every_head_has_its_own_q_k_v_projections(build, lang, h):
    g = build(f"mha heads={h} lang={lang}")
    for head in g.with_role("attention-head"):
        i = head.attrs["head"]
        projections = [g.node(s) for s in in_edges(g, head.id)]
        assert all(p.role == "linear" for p in projections)
        assert sorted(p.attrs["proj"] for p in projections) == ["K", "Q", "V"]
        assert {p.attrs["head"] for p in projections} == {i}
        # each projection reads the matching input Q, K or V
        for p in projections:
            [source] = in_edges(g, p.id)
            assert g.node(source).math == p.attrs["proj"]


@pytest.mark.parametrize("h", [1, 4, 8])
def test_mha_heads_are_concatenated_then_projected_by_w_o(build, lang, h):
    g = build(f"mha heads={h} lang={lang}")
    [concat] = g.with_role("concat")
    heads = {n.id for n in g.with_role("attention-head")}
    assert set(in_edges(g, concat.id)) == heads
    [wo] = out_edges(g, concat.id)
    assert g.node(wo).role == "linear"
    assert flat(g.node(wo).math) == "W^O"
    [out] = out_edges(g, wo)
    assert g.node(out).role == "output"


@pytest.mark.parametrize("h", [0, 17])
def test_mha_heads_out_of_bounds_are_rejected(h):
    block = f"mha heads={h}"
    diagnostic = error_of(block)
    assert diagnostic.subtype is Subtype.OUT_OF_RANGE
    assert_located_at(diagnostic, block, f"heads={h}")


# -- §2.8 the Transformer's defaults -----------------------------------------------------------------------


def test_transformer_defaults_are_the_paper(build, lang):
    spec = parse(f"transformer lang={lang}")
    assert (spec["variant"], spec["norm"], spec["layers"]) == ("encoder-decoder", "post", 6)
    g = build(f"transformer lang={lang}")
    assert in_stack(g, "encoder")
    assert in_stack(g, "decoder")


def test_transformer_has_six_encoder_and_six_decoder_layers(build, lang):
    g = build(f"transformer lang={lang}")  # mistake 12: N = 6 per stack, not 6 in total
    [enc] = clusters(g, "encoder-layer")
    [dec] = clusters(g, "decoder-layer")
    assert enc.attrs["repeat"] == 6
    assert dec.attrs["repeat"] == 6


def test_encoder_layer_is_self_attention_then_ffn_each_with_add_norm(build, lang):
    g = build(f"transformer lang={lang}")
    [enc] = clusters(g, "encoder-layer")
    members = set(enc.members)
    assert stack_walk(g, "enc_sum", members) == ["multi-head-attention", "add-norm", "feed-forward", "add-norm"]
    [attn] = [g.node(m) for m in members if g.node(m).role == "multi-head-attention"]
    assert attn.attrs.get("kind") == "self"
    assert len([e for e in g.edges_of("residual") if e.dst in members]) == 2


def test_decoder_layer_has_masked_self_cross_and_ffn_each_with_add_norm(build, lang):
    g = build(f"transformer lang={lang}")
    [dec] = clusters(g, "decoder-layer")
    members = set(dec.members)
    assert stack_walk(g, "dec_sum", members) == [
        "masked-self-attention", "add-norm", "cross-attention", "add-norm", "feed-forward", "add-norm"]
    assert len([e for e in g.edges_of("residual") if e.dst in members]) == 3


@pytest.mark.parametrize("block", ["transformer", "transformer norm=pre", "transformer variant=decoder-only",
                                   "transformer variant=encoder-only", "transformer layers=2 expand=true"])
def test_residual_edges_go_around_exactly_one_sublayer(build, lang, block):
    g = build(f"{block} lang={lang}")
    residuals = g.edges_of("residual")
    assert residuals
    for r in residuals:
        # the residual leaves the sublayer's input and meets the sublayer's output: r.src → … → sub → r.dst
        subs = [s for s in in_edges(g, r.dst, "data") if g.node(s).role in SUBLAYERS]
        assert len(subs) == 1, r
        feeders = in_edges(g, subs[0], "data")
        assert len(feeders) == 1
        norm = g.node(feeders[0])
        assert feeders[0] == r.src or (norm.role == "layer-norm" and in_edges(g, norm.id, "data") == [r.src])


def test_one_cross_edge_from_the_final_encoder_output_into_the_cross_attention(build, lang):
    g = build(f"transformer lang={lang}")
    [cross] = g.edges_of("cross")  # one decoder layer drawn (6×), so one cross edge (mistake 5, 6)
    assert cross.src == final_output(g, "encoder")
    assert g.node(cross.dst).role == "cross-attention"
    assert g.node(cross.dst).attrs["stack"] == "decoder"


def test_cross_attention_query_comes_from_the_decoder(build, lang):
    g = build(f"transformer lang={lang}")
    [xattn] = g.with_role("cross-attention")
    data_sources = in_edges(g, xattn.id, "data")
    assert len(data_sources) == 1
    assert g.node(data_sources[0]).attrs["stack"] == "decoder"
    [kv] = in_edges(g, xattn.id, "cross")
    assert g.node(kv).attrs["stack"] == "encoder"


@pytest.mark.parametrize("variant", ["encoder-decoder", "encoder-only", "decoder-only"])
def test_positional_encoding_is_added_to_the_embedding(build, lang, variant):
    g = build(f"transformer variant={variant} lang={lang}")  # mistake 10: added, never concatenated
    pes = g.with_role("positional-encoding")
    assert pes
    for pe in pes:
        [total] = out_edges(g, pe.id)
        assert g.node(total).role == "elementwise-add"
        feeding = {g.node(s).role for s in in_edges(g, total)}
        assert {"embedding", "positional-encoding"} <= feeding
    assert not g.with_role("concat")


def test_post_ln_has_no_layer_norm_after_the_last_layer(build, lang):
    g = build(f"transformer lang={lang}")
    assert not g.with_role("layer-norm")
    assert g.node(final_output(g, "encoder")).role == "add-norm"
    assert g.node(final_output(g, "decoder")).role == "add-norm"
    [head] = [n for n in g.with_role("linear") if n.attrs.get("tied")]
    assert g.node(in_edges(g, head.id)[0]).role == "add-norm"


def test_original_ffn_is_relu_not_gelu(build, lang):
    g = build(f"transformer lang={lang}")  # mistake 11
    ffns = g.with_role("feed-forward")
    assert len(ffns) == 2
    assert {n.attrs["fn"] for n in ffns} == {"relu"}
    assert all("GELU" not in n.math for n in ffns)


def test_default_caption_counts_six_per_stack_and_twelve_in_total(build):
    caption = build("transformer").caption
    assert "6 per stack" in caption
    assert "12 layers in total" in caption


def test_default_caption_in_chinese_counts_both_stacks(build):
    caption = build("transformer lang=zh").caption
    assert "各 6 层" in caption
    assert "12 层" in caption


def test_expanded_decoder_layers_all_attend_to_the_final_encoder_output(build, lang):
    g = build(f"transformer layers=2 expand=true lang={lang}")
    assert {c.attrs["layer"] for c in clusters(g, "encoder-layer")} == {1, 2}
    assert {c.attrs["layer"] for c in clusters(g, "decoder-layer")} == {1, 2}
    crosses = g.edges_of("cross")
    assert len(crosses) == 2
    final = final_output(g, "encoder")
    assert g.node(final).attrs["layer"] == 2
    assert {e.src for e in crosses} == {final}  # mistake 6: never encoder layer i → decoder layer i
    targets = [g.node(e.dst) for e in crosses]
    assert all(t.role == "cross-attention" for t in targets)
    assert sorted(t.attrs["layer"] for t in targets) == [1, 2]


def test_expand_with_more_than_four_layers_is_rejected_at_expand():
    block = "transformer layers=5 expand=true"
    diagnostic = error_of(block)
    assert diagnostic.subtype is Subtype.OUT_OF_RANGE
    assert_located_at(diagnostic, block, "expand=true")


# -- §2.9 Pre-LN ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["encoder-decoder", "encoder-only", "decoder-only"])
def test_pre_ln_has_no_add_norm(build, lang, variant):
    g = build(f"transformer norm=pre variant={variant} lang={lang}")
    assert not g.with_role("add-norm")


@pytest.mark.parametrize("variant", ["encoder-decoder", "encoder-only", "decoder-only"])
def test_pre_ln_puts_a_layer_norm_before_every_sublayer(build, lang, variant):
    g = build(f"transformer norm=pre variant={variant} lang={lang}")
    subs = [n for n in g.nodes if n.role in SUBLAYERS]
    assert subs
    for sub in subs:
        [source] = in_edges(g, sub.id, "data")
        assert g.node(source).role == "layer-norm"
        assert not g.node(source).attrs.get("final")


@pytest.mark.parametrize("variant", ["encoder-decoder", "encoder-only", "decoder-only"])
def test_pre_ln_residuals_meet_at_elementwise_add(build, lang, variant):
    g = build(f"transformer norm=pre variant={variant} lang={lang}")
    residuals = g.edges_of("residual")
    assert residuals
    for r in residuals:
        assert g.node(r.dst).role == "elementwise-add"
        # the residual bypasses both the LayerNorm and the sublayer
        [norm] = [d for d in out_edges(g, r.src, "data") if g.node(d).role == "layer-norm"]
        [sub] = out_edges(g, norm, "data")
        assert has_edge(g, sub, r.dst, "data")


@pytest.mark.parametrize(("variant", "stacks"), [("encoder-decoder", {"encoder", "decoder"}),
                                                 ("encoder-only", {"encoder"}),
                                                 ("decoder-only", {"decoder"})])
def test_pre_ln_closes_each_stack_with_one_final_layer_norm(build, lang, variant, stacks):
    g = build(f"transformer norm=pre variant={variant} lang={lang}")  # mistake 2
    finals = g.with_role("layer-norm", final=True)
    assert sorted(n.attrs["stack"] for n in finals) == sorted(stacks)
    for stack in stacks:
        [final] = [n for n in finals if n.attrs["stack"] == stack]
        assert final_output(g, stack) == final.id


def test_pre_ln_encoder_decoder_cross_edge_leaves_the_final_layer_norm(build, lang):
    g = build(f"transformer norm=pre lang={lang}")
    [cross] = g.edges_of("cross")
    assert g.node(cross.src).attrs.get("final") is True
    assert g.node(cross.src).attrs["stack"] == "encoder"


def test_post_ln_is_the_default_not_pre_ln(build, lang):
    g = build(f"transformer lang={lang}")  # mistake 1: the original is Post-LN
    assert len(g.with_role("add-norm")) == 5
    assert not g.with_role("layer-norm")


# -- §2.10 / §2.11 encoder-only and decoder-only -----------------------------------------------------------


@pytest.mark.parametrize("norm", ["post", "pre"])
def test_decoder_only_has_no_cross_attention_and_no_encoder(build, lang, norm):
    g = build(f"transformer variant=decoder-only norm={norm} lang={lang}")  # mistake 4
    assert not g.with_role("cross-attention")
    assert not g.edges_of("cross")
    assert not in_stack(g, "encoder")
    assert not clusters(g, "encoder-layer")


@pytest.mark.parametrize("norm", ["post", "pre"])
def test_decoder_only_layer_is_masked_self_attention_and_ffn(build, lang, norm):
    g = build(f"transformer variant=decoder-only norm={norm} lang={lang}")
    [masked] = g.with_role("masked-self-attention")
    assert masked.attrs.get("mask") == "causal"
    assert {n.role for n in g.nodes if n.role in SUBLAYERS} == {"masked-self-attention", "feed-forward"}


def test_decoder_only_pre_ln_adds_a_final_layer_norm(build, lang):
    assert not build(f"transformer variant=decoder-only lang={lang}").with_role("layer-norm", final=True)
    g = build(f"transformer variant=decoder-only norm=pre lang={lang}")
    [final] = g.with_role("layer-norm", final=True)
    [head] = out_edges(g, final.id)
    assert g.node(head).role == "linear"


@pytest.mark.parametrize("norm", ["post", "pre"])
def test_encoder_only_has_no_mask_and_no_decoder(build, lang, norm):
    g = build(f"transformer variant=encoder-only norm={norm} lang={lang}")
    assert not roles(g) & {"mask", "masked-self-attention", "cross-attention"}
    assert not g.edges_of("cross")
    assert not in_stack(g, "decoder")
    assert not clusters(g, "decoder-layer")
    assert not [n for n in g.nodes if n.attrs.get("mask")]
    assert g.with_role("self-attention")


def test_decoder_layer_view_of_encoder_only_is_rejected_at_view():
    block = "transformer variant=encoder-only view=decoder-layer"
    diagnostic = error_of(block)
    assert diagnostic.subtype is Subtype.BAD_VALUE
    assert_located_at(diagnostic, block, "view=decoder-layer")


# -- alt text -------------------------------------------------------------------------------------------


def test_decoder_only_alt_text_in_english(build):
    g = build("transformer variant=decoder-only layers=2 norm=pre")
    text = f"{g.title} {g.desc}"
    assert "decoder-only" in text.lower()
    assert "2 layers" in text
    assert "pre-LN" in text
    assert "no cross-attention" in text


def test_decoder_only_alt_text_in_chinese(build):
    g = build("transformer variant=decoder-only layers=2 norm=pre lang=zh")
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert cjk.search(g.title)
    assert cjk.search(g.desc)
    text = g.title + g.desc
    assert "仅解码器" in text  # REFERENCE §2.11 names
    assert "2 层" in text
    assert "前置层归一化" in text  # §2.9
    assert "没有交叉注意力" in text
