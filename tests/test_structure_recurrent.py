"""Structure of the recurrent diagrams against REFERENCE.md §2.1–2.3 (roles and edges, not pixels)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from graph_helpers import has_edge, in_edges, out_edges, roles

from seqdiagrams.errors import SpecError

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph


def step(g: Graph, node_id: str) -> int:
    return g.node(node_id).attrs["step"]


# -- §2.1 Elman RNN ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("block", ["rnn", "rnn unroll=3", "rnn unroll=4 layers=2", "rnn unroll=3 bidirectional=true",
                                   "rnn variant=jordan", "rnn variant=jordan unroll=3"])
def test_rnn_has_no_gates_and_no_cell_state(build, block):
    assert not roles(build(block)) & {"gate", "cell-state", "candidate"}


def test_folded_rnn_cell(build):
    g = build("rnn")
    [act] = g.with_role("activation")
    assert act.attrs["fn"] == "tanh"
    [recurrent] = g.edges_of("recurrent")
    assert g.node(recurrent.src).role == "hidden-state"
    assert g.node(recurrent.dst).role == "hidden-state"
    assert in_edges(g, recurrent.src) == [act.id]  # h_t = tanh(...)
    assert [n.math for n in g.with_role("linear")] == ["W_{xh}", "W_{hh}", "W_{hy}"]
    assert len(g.with_role("softmax")) == 1


def test_unrolled_rnn_inputs_and_states(build):
    g = build("rnn unroll=3")
    assert sorted(n.attrs["step"] for n in g.with_role("input")) == [1, 2, 3]
    states = g.with_role("hidden-state")
    assert sorted(n.attrs["step"] for n in states) == [0, 1, 2, 3]
    [initial] = g.with_role("hidden-state", step=0)
    assert initial.attrs.get("initial") is True
    assert initial.math == "h_{0}"


def test_unrolled_rnn_recurrence_links_consecutive_steps_only(build):
    g = build("rnn unroll=3")
    recurrent = g.edges_of("recurrent")
    assert len(recurrent) == 3
    assert all(step(g, e.dst) == step(g, e.src) + 1 for e in recurrent)
    assert all(g.node(e.src).role == g.node(e.dst).role == "hidden-state" for e in recurrent)


def test_unrolled_rnn_shares_weights(build):
    g = build("rnn unroll=3")
    input_edges = [e for e in g.edges if g.node(e.src).role == "input"]
    assert len(input_edges) == 3
    assert {e.label for e in input_edges} == {"W_{xh}"}
    assert {e.label for e in g.edges_of("recurrent")} == {"W_{hh}"}
    assert not g.with_role("linear")  # no per-step weight nodes


def test_a_long_unrolled_rnn_elides_the_middle_and_says_so(build):
    # FIGURES.md §8: past 6 steps draw x_1, x_2, …, x_n; the alt text names the steps left out
    g = build("rnn unroll=16")
    assert [n.attrs["step"] for n in g.with_role("input")] == [1, 2, 16]
    [elided] = [e for e in g.edges_of("recurrent") if e.attrs.get("elided")]
    assert (step(g, elided.src), step(g, elided.dst)) == (2, 16)
    assert "Steps 3 to 15 of 16 are elided" in g.desc
    assert not build("rnn unroll=6").desc.count("elided")


@pytest.mark.parametrize(("outputs", "steps"), [("all", [1, 2, 3]), ("last", [3]), ("none", [])])
def test_unrolled_rnn_outputs(build, outputs, steps):
    g = build(f"rnn unroll=3 outputs={outputs}")
    assert [n.attrs["step"] for n in g.with_role("output")] == steps


def test_bidirectional_rnn_recurs_both_ways(build):
    g = build("rnn unroll=3 bidirectional=true")
    between_steps = [e for e in g.edges_of("recurrent") if not g.node(e.src).attrs.get("initial")]
    forward = [e for e in between_steps if step(g, e.dst) == step(g, e.src) + 1]
    backward = [e for e in between_steps if step(g, e.dst) == step(g, e.src) - 1]
    assert len(forward) == len(backward) == 2
    assert len(between_steps) == 4
    assert {g.node(e.src).attrs["direction"] for e in forward} == {"fwd"}
    assert {g.node(e.src).attrs["direction"] for e in backward} == {"bwd"}
    [bwd_initial] = g.with_role("hidden-state", initial=True, direction="bwd")
    assert [step(g, d) for d in out_edges(g, bwd_initial.id, "recurrent")] == [3]
    assert len(g.with_role("concat")) == 3


def test_bidirectional_rnn_labels_two_weight_sets_and_starts_backward_at_t_plus_1(build):
    # REFERENCE.md §2.4: two independent weight sets (→W, →U / ←W, ←U, never one W_xh, W_hh on both rows);
    # the backward chain starts at ←h_{T+1} and runs t+1 → t
    g = build("rnn unroll=3 bidirectional=true")
    for direction, arrow in (("fwd", "→"), ("bwd", "←")):
        into = [e for e in g.edges if g.node(e.dst).attrs.get("direction") == direction
                and g.node(e.dst).role == "hidden-state"]
        assert {e.label for e in into if e.role == "data"} == {f"{arrow}W"}
        assert {e.label for e in into if e.role == "recurrent"} == {f"{arrow}U"}
    [bwd_initial] = g.with_role("hidden-state", initial=True, direction="bwd")
    assert bwd_initial.math == "h←_{4}"
    assert "t+1 → t" in g.desc


def test_stacked_bidirectional_rnn_feeds_both_directions_from_the_concatenation(build):
    # REFERENCE.md §2.4 (Graves et al. 2013; PyTorch bidirectional=True, num_layers>1): both directions of
    # layer l+1 read [h→_t; h←_t] of layer l, not the forward chain reading forward states only
    g = build("rnn unroll=3 layers=2 bidirectional=true")
    for t in (1, 2, 3):
        [fwd1] = g.with_role("hidden-state", layer=1, direction="fwd", step=t)
        [bwd1] = g.with_role("hidden-state", layer=1, direction="bwd", step=t)
        [cat1] = g.with_role("concat", layer=1, step=t)
        assert sorted(in_edges(g, cat1.id)) == sorted([fwd1.id, bwd1.id])
        layer2 = {n.attrs["direction"]: n.id for n in g.with_role("hidden-state", layer=2, step=t)}
        assert sorted(out_edges(g, cat1.id)) == sorted([layer2["fwd"], layer2["bwd"]])
        assert in_edges(g, layer2["fwd"], "data") == in_edges(g, layer2["bwd"], "data") == [cat1.id]
    assert len(g.with_role("concat", layer=2)) == 3  # the outputs read the top layer's concatenation


def test_stacked_rnn_labels_weights_per_layer(build):
    # REFERENCE.md §2.1: each layer has its own W_xh, W_hh; from layer 2 on they carry the layer superscript
    g = build("rnn unroll=3 layers=2")
    for layer, sup in ((1, ""), (2, "^{(2)}")):
        into = [e for e in g.edges if g.node(e.dst).attrs.get("layer") == layer]
        assert {e.label for e in into if e.role == "recurrent"} == {f"W_{{hh}}{sup}"}
        assert {e.label for e in into if e.role == "data"} == {f"W_{{xh}}{sup}"}


def test_stacked_rnn_layers(build):
    g = build("rnn unroll=3 layers=2")
    assert {n.attrs["layer"] for n in g.with_role("hidden-state")} == {1, 2}
    assert all(g.node(e.src).attrs["layer"] == g.node(e.dst).attrs["layer"] for e in g.edges_of("recurrent"))


def test_jordan_feeds_back_the_output_into_a_self_looping_state(build):
    g = build("rnn variant=jordan")
    recurrent = g.edges_of("recurrent")
    assert any(g.node(e.src).role == "output" and g.node(e.dst).role == "state" for e in recurrent)
    assert any(e.src == e.dst and g.node(e.src).role == "state" for e in recurrent)
    assert not any(g.node(e.src).role == "hidden-state" for e in recurrent)


def test_unrolled_jordan_feeds_back_previous_outputs(build):
    g = build("rnn variant=jordan unroll=3")
    from_outputs = [e for e in g.edges_of("recurrent") if g.node(e.src).role == "output"]
    assert len(from_outputs) == 2
    assert all(g.node(e.dst).role == "state" and step(g, e.dst) == step(g, e.src) + 1 for e in from_outputs)


# -- §2.2 LSTM ------------------------------------------------------------------------------------------------


def test_lstm_has_three_sigmoid_gates(build):
    gates = build("lstm").with_role("gate")
    assert sorted(n.attrs["gate"] for n in gates) == ["forget", "input", "output"]
    assert {n.attrs["fn"] for n in gates} == {"sigmoid"}


def test_lstm_candidate_is_tanh(build):
    [candidate] = build("lstm").with_role("candidate")
    assert candidate.attrs["fn"] == "tanh"


def test_lstm_cell_state_path_is_straight(build):
    g = build("lstm")
    [c_prev] = [n.id for n in g.with_role("cell-state") if n.math == "c_{t-1}"]
    [c] = [n.id for n in g.with_role("cell-state") if n.math == "c_t"]
    [mul_f] = [n.id for n in g.with_role("elementwise-multiply", term="forget")]
    [add] = [n.id for n in g.with_role("elementwise-add")]
    assert out_edges(g, c_prev, "data") == [mul_f]
    assert out_edges(g, mul_f) == [add]
    assert out_edges(g, add) == [c]
    assert in_edges(g, c) == [add]
    assert in_edges(g, mul_f, "data") == [c_prev]
    assert in_edges(g, mul_f, "gate") == [g.with_role("gate", gate="forget")[0].id]
    [mul_i] = [n.id for n in g.with_role("elementwise-multiply", term="input")]
    assert sorted(in_edges(g, add)) == sorted([mul_f, mul_i])


def test_lstm_tanh_between_cell_and_output_multiply(build):
    g = build("lstm")
    [c] = [n.id for n in g.with_role("cell-state") if n.math == "c_t"]
    [act] = g.with_role("activation")
    [mul_o] = g.with_role("elementwise-multiply", term="output")
    assert act.attrs["fn"] == "tanh"
    assert has_edge(g, c, act.id) and has_edge(g, act.id, mul_o.id)
    assert has_edge(g, g.with_role("gate", gate="output")[0].id, mul_o.id, "gate")
    [h] = [n.id for n in g.with_role("hidden-state") if n.math == "h_t"]
    assert in_edges(g, h) == [mul_o.id]


def test_lstm_carries_both_states(build):
    g = build("lstm")
    sources = {g.node(e.src).math for e in g.edges_of("recurrent")}
    assert sources == {"c_t", "h_t"}


def test_lstm_without_forget_gate_is_the_1997_original(build):
    g = build("lstm forget_gate=false")
    assert sorted(n.attrs["gate"] for n in g.with_role("gate")) == ["input", "output"]
    assert not g.with_role("elementwise-multiply", term="forget")
    assert "1997" in g.caption
    [c_prev] = [n.id for n in g.with_role("cell-state") if n.math == "c_{t-1}"]
    assert [g.node(d).role for d in out_edges(g, c_prev, "data")] == ["elementwise-add"]


def test_lstm_peepholes(build):
    g = build("lstm peephole=true")
    gate = {n.attrs["gate"]: n.id for n in g.with_role("gate")}
    [c_prev] = [n.id for n in g.with_role("cell-state") if n.math == "c_{t-1}"]
    [c] = [n.id for n in g.with_role("cell-state") if n.math == "c_t"]
    assert has_edge(g, c_prev, gate["input"])
    assert has_edge(g, c_prev, gate["forget"])
    assert has_edge(g, c, gate["output"])
    assert not has_edge(g, c_prev, gate["output"])


def test_lstm_default_has_no_peepholes(build):
    g = build("lstm")
    assert not any(g.node(e.src).role == "cell-state" and g.node(e.dst).role == "gate" for e in g.edges)


def test_lstm_unrolled_carries_c_and_h(build):
    g = build("lstm view=unrolled unroll=4")
    recurrent = g.edges_of("recurrent")
    assert {g.node(e.src).role for e in recurrent} == {"cell-state", "hidden-state"}
    assert len(recurrent) == 8
    assert all(step(g, e.dst) == step(g, e.src) + 1 for e in recurrent)


# -- §2.3 GRU --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("block", ["gru", "gru convention=swapped", "gru reset_after=true"])
def test_gru_has_two_gates_and_one_state(build, block):
    g = build(block)
    assert sorted(n.attrs["gate"] for n in g.with_role("gate")) == ["reset", "update"]
    assert {n.attrs["fn"] for n in g.with_role("gate")} == {"sigmoid"}
    assert not g.with_role("cell-state")
    assert not g.with_role("gate", gate="output")


def test_gru_has_no_tanh_after_the_interpolation(build):
    g = build("gru")
    [h] = [n.id for n in g.with_role("hidden-state") if n.math == "h_t"]
    [add] = in_edges(g, h)
    assert g.node(add).role == "elementwise-add"
    assert not any(n.attrs.get("fn") == "tanh" for n in g.nodes if n.role == "activation")
    assert [g.node(s).role for s in in_edges(g, add)] == ["elementwise-multiply", "elementwise-multiply"]


def test_gru_candidate_reads_the_reset_product(build):
    g = build("gru")
    [cand] = g.with_role("candidate")
    [mul_r] = g.with_role("elementwise-multiply", term="reset")
    assert cand.attrs["fn"] == "tanh"
    assert has_edge(g, mul_r.id, cand.id)
    assert has_edge(g, g.with_role("gate", gate="reset")[0].id, mul_r.id, "gate")


def _weight_of_old_state(g: Graph) -> str:
    """The node whose value multiplies h_{t-1} in the interpolation."""
    [h_prev] = [n.id for n in g.with_role("hidden-state") if n.math == "h_{t-1}"]
    [keep] = [m for m in out_edges(g, h_prev) if g.node(m).attrs.get("term") == "keep"]
    [weight] = in_edges(g, keep, "gate")
    return weight


def test_gru_paper_convention_z_keeps_the_old_state(build):
    g = build("gru")
    assert g.node(_weight_of_old_state(g)).attrs.get("gate") == "update"
    assert "z_t ⊙ h_t-1" in g.caption
    assert g.caption in g.desc


def test_gru_swapped_convention_one_minus_z_keeps_the_old_state(build):
    g = build("gru convention=swapped")
    weight = g.node(_weight_of_old_state(g))
    assert weight.attrs.get("op") == "one-minus"
    assert "(1 − z_t) ⊙ h_t-1" in g.caption
    assert "Swapped" in g.desc


def test_gru_reset_after_puts_a_linear_before_the_reset_multiply(build):
    g = build("gru reset_after=true")
    [mul_r] = g.with_role("elementwise-multiply", term="reset")
    [linear] = g.with_role("linear")
    [h_prev] = [n.id for n in g.with_role("hidden-state") if n.math == "h_{t-1}"]
    assert has_edge(g, h_prev, linear.id) and has_edge(g, linear.id, mul_r.id)
    assert not has_edge(g, h_prev, mul_r.id)


def test_gru_default_resets_before_the_matmul(build):
    g = build("gru")
    assert not g.with_role("linear")
    assert "paper form" in g.desc


def test_gru_description_states_one_reset_position(build, lang):
    """The paper form puts r_t inside U(r_t ⊙ h_{t-1}); PyTorch puts it after the matmul. A description
    gives the candidate of the form it draws, never both."""
    paper_candidate, after_product = "U(r_t ⊙ h_t-1)", "r_t ⊙ (W_hn h_t-1 + b_hn)"
    before, after = build(f"gru lang={lang}").desc, build(f"gru reset_after=true lang={lang}").desc
    assert paper_candidate in before and after_product not in before
    assert after_product in after and paper_candidate not in after
    assert "W_in x_t + b_in" in after


def test_gru_title_does_not_repeat_unit_in_chinese(build, registry):
    title = build("gru lang=zh").title
    assert title.startswith(registry.arch("gru").name.zh) and "单元单元" not in title


def test_lstm_1997_figure_says_it_draws_the_modern_tanh_form(build, lang, registry):
    """[HS97] squashed with g ∈ [−2, 2] and h ∈ [−1, 1] (REFERENCE §2.2 lstm.1997.cell); the figure draws
    tanh, so its caption must say so."""
    g = build(f"lstm forget_gate=false lang={lang}")
    assert [n.attrs["fn"] for n in g.with_role("candidate")] == ["tanh"]
    for text in (g.caption, g.desc):
        assert "tanh" in text and "[−2, 2]" in text and "[−1, 1]" in text
    assert "[-2,2]" in registry.data.equations_by_id()["lstm.1997.cell"][1].note.en


def test_peepholes_on_the_1997_cell_name_no_forget_gate(build, lang):
    g = build(f"lstm forget_gate=false peephole=true lang={lang}")
    assert not g.with_role("gate", gate="forget")
    came_with = {"en": "came with the forget-gate LSTM", "zh": "随带遗忘门的 LSTM 提出"}[lang]
    readers = {"en": "the input gate reads c_t-1", "zh": "输入门读取 c_t-1"}[lang]
    assert came_with in g.desc and readers in g.desc
    assert "input and forget gates" not in g.desc and "输入门和遗忘门" not in g.desc  # the modern cell's wording
    assert "input and forget gates" in build("lstm peephole=true").desc


# -- compare --------------------------------------------------------------------------------------------------


def test_compare_has_one_panel_per_arch_with_prefixed_ids(build):
    g = build("compare archs=rnn,lstm")
    panels = [c for c in g.clusters if c.role == "panel"]
    assert [c.id for c in panels] == ["rnn", "lstm"]
    for panel in panels:
        assert panel.members
        assert all(m.startswith(f"{panel.id}__") for m in panel.members)
    assert {n.id.split("__")[0] for n in g.nodes} == {"rnn", "lstm"}
    assert len(g.with_role("gate")) == 3  # only the LSTM panel has gates
    assert all(n.id.startswith("lstm__") for n in g.with_role("gate"))


@pytest.mark.parametrize("archs", ["rnn,rnn", "gpt,decoder-only", "lstm,gru,lstm"])
def test_compare_names_each_architecture_once(build, archs):
    block = f"compare archs={archs}"
    with pytest.raises(SpecError) as caught:
        build(block)
    d = caught.value.diagnostic
    assert "twice" in d.message and d.loc.col == block.index("archs") + 1 and "once" in d.hint
