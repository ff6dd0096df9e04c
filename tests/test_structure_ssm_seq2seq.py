"""Structure of the Mamba and seq2seq diagrams against REFERENCE.md.

§2.5–§2.7 (seq2seq, Bahdanau, Luong), §2.14 (Mamba) and the common mistakes of §6 (#24–#27,
#29–#31). Tests read roles, attrs and edges of the IR and walk the graph; they do not look at
pixels. Where labels do not matter a test runs in English and Chinese, to show that the structure
does not depend on the language.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from graph_helpers import has_edge, in_edges, out_edges, roles

from seqdiagrams.rendering.dot import emit
from seqdiagrams.spec import parse

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph, Node

LANGS = ["en", "zh"]


# -- helpers -----------------------------------------------------------------------------------------------


def reachable(g: Graph, start: str, avoid: frozenset[str] = frozenset()) -> set[str]:
    """Every node reachable from ``start`` along edges of any role, never entering ``avoid``."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        current = todo.pop()
        for nxt in out_edges(g, current):
            if nxt not in seen and nxt not in avoid:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def path_roles(g: Graph, start: str, stop: str) -> list[str]:
    """Roles along the single data path from ``start`` to ``stop`` (each node on it has one way on)."""
    walked = [start]
    current = start
    while current != stop:
        nexts = [d for d in out_edges(g, current, "data") if stop in reachable(g, d) | {d}]
        assert len(nexts) == 1, (current, nexts)
        current = nexts[0]
        walked.append(current)
    return [g.node(n).role for n in walked]


def flat(math: str) -> str:
    return re.sub(r"[{}\s]", "", math)


def only(nodes: list[Node]) -> Node:
    assert len(nodes) == 1, nodes
    return nodes[0]


# -- §2.14 Mamba block ------------------------------------------------------------------------------------


def test_mamba_main_branch_is_conv_then_silu_then_ssm(build, lang):
    g = build(f"mamba view=block lang={lang}")  # mistake 31: conv before SiLU, SiLU before the SSM
    in_proj = only([n for n in g.with_role("linear") if n.attrs.get("name") == "in_proj"])
    conv = only(g.with_role("conv1d"))
    ssm = only(g.with_role("ssm"))
    assert path_roles(g, in_proj.id, ssm.id) == ["linear", "conv1d", "activation", "ssm"]
    [act] = out_edges(g, conv.id)
    assert g.node(act).attrs["fn"] == "silu"
    assert has_edge(g, act, ssm.id)
    assert conv.attrs.get("causal") is True


def test_mamba_gate_branch_is_one_silu_only(build, lang):
    g = build(f"mamba view=block lang={lang}")
    in_proj = only([n for n in g.with_role("linear") if n.attrs.get("name") == "in_proj"])
    mul = only(g.with_role("elementwise-multiply"))
    conv = only(g.with_role("conv1d"))
    # the branches leaving in_proj: one reaches the conv (main), the other is the gate
    [gate_start] = [d for d in out_edges(g, in_proj.id) if d != conv.id]
    gate_path = path_roles(g, gate_start, mul.id)[:-1]  # up to, not including, the multiply
    assert gate_path == ["activation"]
    assert g.node(gate_start).attrs["fn"] == "silu"
    gate_nodes = [n for n in g.nodes if n.attrs.get("branch") == "gate"]
    assert [n.role for n in gate_nodes] == ["activation"]
    assert not {n.role for n in gate_nodes} & {"conv1d", "ssm"}


def test_mamba_branches_meet_at_a_multiply_then_out_proj(build, lang):
    g = build(f"mamba view=block lang={lang}")
    mul = only(g.with_role("elementwise-multiply"))
    sources = [g.node(s) for s in in_edges(g, mul.id)]
    assert sorted(s.attrs.get("branch") for s in sources) == ["gate", "main"]
    [out_proj] = out_edges(g, mul.id)
    assert g.node(out_proj).role == "linear"
    assert g.node(out_proj).attrs["name"] == "out_proj"


def test_mamba_block_has_a_residual_around_it(build, lang):
    g = build(f"mamba view=block lang={lang}")
    [residual] = g.edges_of("residual")
    assert g.node(residual.src).role == "input"
    out_proj = only([n for n in g.with_role("linear") if n.attrs.get("name") == "out_proj"])
    assert has_edge(g, out_proj.id, residual.dst)  # joins after out_proj
    assert g.node(residual.dst).role == "elementwise-add"
    # the normalisation sits outside the block, on the branch the residual bypasses
    norm = only(g.with_role("layer-norm"))
    assert in_edges(g, norm.id) == [residual.src]


def test_mamba_ssm_is_selective_and_there_is_no_attention_or_mlp(build, lang):
    g = build(f"mamba view=block lang={lang}")
    assert only(g.with_role("ssm")).attrs.get("selective") is True
    assert not roles(g) & {"multi-head-attention", "self-attention", "feed-forward", "softmax"}


# -- §2.14 selective SSM ----------------------------------------------------------------------------------


def params_by_name(g: Graph) -> dict[str, Node]:
    return {n.attrs["name"]: n for n in g.with_role("ssm-parameter")}


def test_mamba_delta_b_c_are_input_dependent_and_projected(build, lang):
    g = build(f"mamba view=ssm lang={lang}")
    params = params_by_name(g)
    for name in ("Δ", "B", "C"):
        node = params[name]
        assert node.attrs["input_dependent"] is True
        assert [g.node(s).role for s in in_edges(g, node.id)] == ["projection"]


def test_mamba_a_and_d_are_learned_and_receive_no_edges(build, lang):
    g = build(f"mamba view=ssm lang={lang}")  # mistake 30: A is not input-dependent
    params = params_by_name(g)
    for name in ("A", "D"):
        node = params[name]
        assert node.attrs["input_dependent"] is False
        assert in_edges(g, node.id) == []


def test_mamba_discretizes_delta_and_a_with_zoh(build, lang):
    g = build(f"mamba view=ssm lang={lang}")  # mistake 29: Mamba uses ZOH (S4 uses bilinear)
    disc = only(g.with_role("discretize"))
    assert disc.attrs["method"] == "zoh"
    params = params_by_name(g)
    sources = set(in_edges(g, disc.id))
    assert {params["Δ"].id, params["A"].id} <= sources
    assert "exp(Δ_tA)" in flat(disc.math)


def test_mamba_state_has_a_recurrent_edge(build, lang):
    g = build(f"mamba view=ssm lang={lang}")
    recurrent = g.edges_of("recurrent")
    assert len(recurrent) == 1
    [edge] = recurrent
    assert g.node(edge.src).role == g.node(edge.dst).role == "state"
    assert "t-1" in g.node(edge.src).math
    disc = only(g.with_role("discretize"))
    assert has_edge(g, disc.id, edge.dst)


# -- §2.5 seq2seq without attention -----------------------------------------------------------------------


@pytest.mark.parametrize("params", ["", "reverse=false", "src_len=5 tgt_len=4"])
def test_seq2seq_has_one_fixed_context_and_no_attention(build, lang, params):
    g = build(f"seq2seq {params} lang={lang}")  # mistake 27
    context = only(g.with_role("context"))
    assert context.attrs.get("fixed") is True
    assert not roles(g) & {"attention-weights", "matmul", "scale", "mask"}
    assert not [n for n in g.nodes if n.attrs.get("score")]


@pytest.mark.parametrize("params", ["", "reverse=false", "src_len=5 tgt_len=4"])
def test_seq2seq_encoder_reaches_the_decoder_only_through_the_context(build, lang, params):
    g = build(f"seq2seq {params} lang={lang}")
    context = only(g.with_role("context"))
    encoder = [n.id for n in g.nodes if n.attrs.get("stack") == "encoder"]
    decoder = {n.id for n in g.nodes if n.attrs.get("stack") == "decoder"}
    assert encoder and decoder
    for e in g.edges:
        if e.src in encoder:
            assert e.dst not in decoder, e
    for node in encoder:
        assert not reachable(g, node, frozenset({context.id})) & decoder
    [final] = in_edges(g, context.id)
    assert g.node(final).role == "hidden-state"
    assert not out_edges(g, final, "recurrent")  # the encoder's final state


def test_seq2seq_reverses_the_source_and_appends_eos(build, lang):
    g = build(f"seq2seq src_len=3 reverse=true lang={lang}")
    tokens = sorted((n for n in g.nodes if n.role == "token" and n.attrs.get("stack") == "encoder"),
                    key=lambda n: n.attrs["step"])
    assert [n.attrs.get("position") for n in tokens[:-1]] == [3, 2, 1]
    assert [flat(n.math) for n in tokens] == ["x_3", "x_2", "x_1", "<EOS>"]
    assert tokens[-1].attrs.get("eos") is True


def test_seq2seq_reverse_false_keeps_the_source_order(build, lang):
    g = build(f"seq2seq src_len=3 reverse=false lang={lang}")
    tokens = sorted((n for n in g.nodes if n.role == "token" and n.attrs.get("stack") == "encoder"),
                    key=lambda n: n.attrs["step"])
    assert [flat(n.math) for n in tokens] == ["x_1", "x_2", "x_3", "<EOS>"]


def test_seq2seq_reverses_by_default():
    assert parse("seq2seq")["reverse"] is True  # Sutskever et al. reversed the source


def test_seq2seq_feedback_edges_are_dashed(build, lang):
    g = build(f"seq2seq tgt_len=3 lang={lang}")
    feedback = [e for e in g.edges if e.attrs.get("feedback")]
    assert len(feedback) == 2
    for e in feedback:
        assert g.node(e.src).role == "output"
        assert g.node(e.dst).role == "token"
        assert g.node(e.dst).attrs["step"] == g.node(e.src).attrs["step"] + 1
    dot = emit(g)
    for e in feedback:
        [line] = [ln for ln in dot.splitlines() if ln.strip().startswith(f'"{e.src}" -> "{e.dst}"')]
        assert 'style="dashed"' in line
    learned = [ln for ln in dot.splitlines() if "->" in ln and '"context"' in ln]
    assert learned
    assert all('style="dashed"' not in ln for ln in learned)


# -- §2.6 Bahdanau ----------------------------------------------------------------------------------------


def test_bahdanau_encoder_is_bidirectional(build, lang):
    g = build(f"seq2seq attention=bahdanau src_len=3 lang={lang}")  # mistake 25
    states = {n.id: n for n in g.with_role("hidden-state") if n.attrs.get("stack") == "encoder"}
    recurrent = [e for e in g.edges_of("recurrent") if e.src in states]
    fwd = [e for e in recurrent if states[e.src].attrs["direction"] == "fwd"]
    bwd = [e for e in recurrent if states[e.src].attrs["direction"] == "bwd"]
    assert len(fwd) == len(bwd) == 2
    assert all(states[e.dst].attrs["direction"] == "fwd" for e in fwd)
    assert all(states[e.dst].attrs["direction"] == "bwd" for e in bwd)
    assert all(states[e.dst].attrs["step"] == states[e.src].attrs["step"] + 1 for e in fwd)
    assert all(states[e.dst].attrs["step"] == states[e.src].attrs["step"] - 1 for e in bwd)


def test_bahdanau_annotations_concatenate_both_directions(build, lang):
    g = build(f"seq2seq attention=bahdanau src_len=3 lang={lang}")
    annotations = [n for n in g.with_role("concat") if n.attrs.get("annotation")]
    assert len(annotations) == 3
    for ann in annotations:
        sources = [g.node(s) for s in in_edges(g, ann.id)]
        assert sorted(s.attrs["direction"] for s in sources) == ["bwd", "fwd"]
        assert {s.attrs["step"] for s in sources} == {ann.attrs["step"]}


def test_bahdanau_query_is_the_previous_decoder_state(build, lang):
    g = build(f"seq2seq attention=bahdanau src_len=3 lang={lang}")  # mistake 24
    query = only([n for n in g.nodes if n.attrs.get("query")])
    assert query.role == "hidden-state"
    assert "i-1" in flat(query.math)
    softmax = only(g.with_role("softmax"))
    scores = [n.id for n in g.nodes if n.attrs.get("score")]
    assert len(scores) == 3
    # s_{i-1} has an edge into the alignment MLP, and from there reaches every score e_ij
    [into] = [d for d in out_edges(g, query.id) if softmax.id in reachable(g, d)]
    assert g.node(into).role == "linear"
    assert set(scores) <= reachable(g, query.id)
    # the new state s_i is computed afterwards and never scores
    s_i = only([n for n in g.with_role("hidden-state") if n.attrs.get("stack") == "decoder"
                and n.attrs.get("step") == "i"])
    assert softmax.id not in reachable(g, s_i.id)


def test_bahdanau_softmax_weights_context_then_new_state(build, lang):
    g = build(f"seq2seq attention=bahdanau src_len=3 lang={lang}")
    softmax = only(g.with_role("softmax"))
    weights = only(g.with_role("attention-weights"))
    context = only(g.with_role("context"))
    assert has_edge(g, softmax.id, weights.id)
    assert has_edge(g, weights.id, context.id)
    [s_i] = [d for d in out_edges(g, context.id) if g.node(d).role == "hidden-state"]
    assert "s_i" in flat(g.node(s_i).math)
    query = only([n for n in g.nodes if n.attrs.get("query")])
    assert has_edge(g, query.id, s_i)  # s_i = f(s_{i-1}, y_{i-1}, c_i)


# -- §2.7 Luong -------------------------------------------------------------------------------------------


def test_luong_query_is_the_current_decoder_state(build, lang):
    g = build(f"seq2seq attention=luong lang={lang}")  # mistake 26
    query = only([n for n in g.nodes if n.attrs.get("query")])
    assert query.role == "hidden-state"
    assert "t-1" not in flat(query.math)
    assert flat(query.math) == "h_t"
    score = only([n for n in g.nodes if n.attrs.get("score")])
    assert has_edge(g, query.id, score.id)
    # h_{t-1} feeds h_t, never the score
    previous = only([n for n in g.with_role("hidden-state") if "t-1" in flat(n.math)])
    assert not has_edge(g, previous.id, score.id)
    assert has_edge(g, previous.id, query.id, "recurrent")


def test_luong_attentional_hidden_state_feeds_the_output_softmax(build, lang):
    g = build(f"seq2seq attention=luong lang={lang}")
    context = only(g.with_role("context"))
    query = only([n for n in g.nodes if n.attrs.get("query")])
    cat = only([n for n in g.with_role("concat") if flat(n.math) == "[c_t;h_t]"])
    assert set(in_edges(g, cat.id)) == {context.id, query.id}
    attentional = only([n for n in g.nodes if n.attrs.get("attentional")])
    assert path_roles(g, cat.id, attentional.id) == ["concat", "linear", "activation", "hidden-state"]
    [w_c] = out_edges(g, cat.id)
    assert g.node(w_c).attrs["weight"] == "W_c"
    [tanh] = out_edges(g, w_c)
    assert g.node(tanh).attrs["fn"] == "tanh"
    [out_softmax] = [d for d in out_edges(g, attentional.id) if g.node(d).role == "softmax"]
    [y_t] = out_edges(g, out_softmax)
    assert g.node(y_t).role == "output"


def test_luong_scores_then_softmax_then_context(build, lang):
    g = build(f"seq2seq attention=luong lang={lang}")
    score = only([n for n in g.nodes if n.attrs.get("score")])
    context = only(g.with_role("context"))
    assert path_roles(g, score.id, context.id) == ["matmul", "softmax", "attention-weights", "context"]


def test_luong_encoder_is_unidirectional(build, lang):
    g = build(f"seq2seq attention=luong src_len=4 lang={lang}")
    assert not [n for n in g.nodes if n.attrs.get("direction") == "bwd"]
    states = {n.id: n for n in g.with_role("hidden-state") if n.attrs.get("stack") == "encoder"}
    recurrent = [e for e in g.edges_of("recurrent") if e.src in states]
    assert len(recurrent) == 3
    assert all(states[e.dst].attrs["step"] == states[e.src].attrs["step"] + 1 for e in recurrent)
