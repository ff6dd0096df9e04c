"""Tensor shapes (``shapes=true``): each role's rule, every diagram composing, and located errors.

Expected shapes come from the papers and PyTorch's documented return shapes (REFERENCE.md §3.2, §2.14;
``nn.RNN``: output (N, L, D·H_out), h_n (D·num_layers, N, H_out)), never from a rendering.
"""

from __future__ import annotations

import pytest

from seqdiagrams.errors import SpecError
from seqdiagrams.gallery import examples
from seqdiagrams.ir import NODE_ROLES, Graph, Node
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import build_graph
from seqdiagrams.rendering.dot import emit
from seqdiagrams.shapes import RULES, Shape, ShapeMismatch, Sizes, annotate, propagate, shown
from seqdiagrams.spec import parse
from seqdiagrams.subjects import get_subject
from seqdiagrams.subjects.compare import COMPACT

REGISTRY = Registry.default()
PAPER = {
    # Vaswani et al. 2017, base model: d_model 512, h 8, d_ff 2048 (mha draws its own 8 heads)
    "attention": "d_model=512 heads=8", "mha": "d_model=512", "transformer": "d_model=512 heads=8 d_ff=2048",
    # Gu & Dao 2023: E = 2 (the default), N = 16 (the state appears in the SSM view only); d 768 is the 130M model
    "mamba": "d_model=768", "mamba view=ssm": "d_model=768 d_state=16",
    "rnn": "batch=4 input=128 hidden=256", "lstm": "batch=4 input=128 hidden=256",
    "gru": "batch=4 input=128 hidden=256", "seq2seq": "batch=4 input=128 hidden=256",
    # compare: the sizes of the panels it draws (a size no panel has an axis for is an error)
    "compare": "batch=4 input=128 hidden=256 d_model=512", "compare archs=rnn,lstm,gru": "batch=4 input=128 hidden=256",
    "compare archs=encoder-only,decoder-only,transformer": "d_model=512",
    "compare archs=transformer,mamba": "d_model=768", "compare archs=rnn,transformer,mamba": "input=128 d_model=512",
}
PANELS = {
    # compare's compact panel of each architecture: panel box → (its full figure, the node it stands for there)
    "rnn": ("rnn", {"x": "x", "hp": "h_prev1", "h": "h1", "y": "y"}),
    "jordan": ("rnn variant=jordan", {"x": "x", "s": "s", "h": "h", "y": "y"}),
    "brnn": ("rnn bidirectional=true", {"x": "x", "f": "hfwd1", "b": "hbwd1", "y": "y"}),
    "lstm": ("lstm", {"in": "concat", "f": "gate_f", "i": "gate_i", "g": "candidate", "o": "gate_o", "cp": "c_prev",
                      "c": "c", "h": "h"}),
    "gru": ("gru", {"r": "gate_r", "z": "gate_z", "g": "candidate", "hp": "h_prev", "h": "h"}),
    "seq2seq": ("seq2seq", {"e": "enc4", "v": "context", "d": "dec1", "y": "y1"}),
    "bahdanau": ("seq2seq attention=bahdanau", {"sp": "s_prev", "a": "alpha", "c": "context", "s": "s_i", "y": "y_i"}),
    "luong": ("seq2seq attention=luong", {"h": "h_t", "a": "alpha", "c": "context", "ht": "h_tilde", "y": "y_t"}),
    "transformer": ("transformer", {"ei": "enc_input", "ee": "enc_embed", "enc": "enc_an2", "di": "dec_input",
                                    "de": "dec_embed", "dec": "dec_an3", "lin": "out_linear", "sm": "out_softmax",
                                    "y": "out"}),
    "pre-ln": ("transformer norm=pre", {"ei": "enc_input", "ee": "enc_embed", "enc": "enc_final_ln",
                                       "di": "dec_input", "de": "dec_embed", "dec": "dec_final_ln",
                                       "lin": "out_linear", "y": "out"}),
    "encoder-only": ("transformer variant=encoder-only", {"i": "enc_input", "e": "enc_embed", "l": "enc_an2",
                                                          "h": "mlm_head", "y": "mlm_out"}),
    "decoder-only": ("transformer variant=decoder-only", {"i": "dec_input", "e": "dec_embed", "l": "dec_an2",
                                                          "h": "out_linear", "y": "out"}),
    "mamba": ("mamba", {"x": "x", "n": "norm", "ip": "in_proj", "conv": "conv", "act": "silu_main", "s": "ssm",
                        "gate": "silu_gate", "m": "mul", "op": "out_proj", "a": "add", "y": "y"}),
}
"""Left out: the encoders' inputs, which a panel takes as one sequence (B,S,d_x) and the full figures one token
at a time; Bahdanau's and Luong's encoder box, likewise all S annotations at once."""
DIAGRAMS = [(subject, block) for subject, block in examples()
            if get_subject(subject).build is not None
            and not get_subject(subject).uses_render(parse(block)) and "shapes=true" not in block]


def _sizes(block: str) -> Sizes:
    return Sizes(parse(block))


def _shape(sizes: Sizes, *symbols: str) -> Shape:
    return tuple(sizes(s) for s in symbols)


def _apply(role: str, ins: list[Shape], sizes: Sizes, **attrs: object) -> str:
    return shown(RULES[role](Node("n", role, "", attrs=dict(attrs)), ins, sizes))


def _labels(block: str) -> dict[tuple[str, str], str]:
    return {(e.src, e.dst): e.attrs["shape"] for e in build_graph(parse(block), REGISTRY).edges if "shape" in e.attrs}


# -- the rules, one role at a time ---------------------------------------------------------------------------------
def test_every_role_has_a_rule() -> None:
    assert set(RULES) == NODE_ROLES


def test_linear_maps_the_last_axis_and_splits_heads() -> None:
    s = _sizes("attention shapes=true d_model=512 heads=8")
    x = _shape(s, "B", "T", "d")
    assert _apply("linear", [x], s, width="d_k") == "(B,T,64)"
    assert _apply("linear", [x], s, width="d_k", split=True) == "(B,8,T,64)"
    assert _apply("linear", [x], s, width="2", pooled=True) == "(B,2)"  # BERT's NSP head reads [CLS]
    assert _apply("projection", [x], s, parts={"a": "d", "b": "d"}) == "(B,T,1024)"


def test_embedding_appends_the_model_width() -> None:
    s = _sizes("transformer shapes=true")
    assert _apply("embedding", [_shape(s, "B", "T")], s, width="d") == "(B,T,d)"


@pytest.mark.parametrize("role", ["elementwise-add", "elementwise-multiply", "add-norm"])
def test_elementwise_operations_broadcast_over_leading_axes_only(role: str) -> None:
    s = _sizes("transformer shapes=true")
    x = _shape(s, "B", "T", "d")
    assert _apply(role, [x, _shape(s, "T", "d")], s) == "(B,T,d)"  # the positional encoding over the batch
    with pytest.raises(ShapeMismatch):
        _apply(role, [x, _shape(s, "B", "T", "d_h")], s)


def test_concat_adds_widths_and_counts_every_head() -> None:
    s = _sizes("rnn shapes=true input=128 hidden=256")
    assert _apply("concat", [_shape(s, "B", "d_h"), _shape(s, "B", "d_x")], s) == "(B,384)"
    symbolic = _sizes("rnn shapes=true")
    h = _shape(symbolic, "B", "d_h")
    assert _apply("concat", [h, _shape(symbolic, "B", "d_x")], symbolic) == "(B,d_h+d_x)"
    assert _apply("concat", [h, h], symbolic) == "(B,2d_h)"
    with pytest.raises(ShapeMismatch):
        _apply("concat", [h, _shape(symbolic, "B", "T", "d_h")], symbolic)
    heads = _sizes("mha shapes=true d_model=512")
    assert _apply("concat", [_shape(heads, "B", "T", "d_k")] * 3, heads, heads=8) == "(B,T,512)"


def test_matmul_transposes_multiplies_and_checks_the_inner_axis() -> None:
    s = _sizes("attention shapes=true")
    q = _shape(s, "B", "h", "T", "d_k")
    scores = _apply("matmul", [q, q], s, transpose=True)
    assert scores == "(B,h,T,T)"
    a = _shape(s, "B", "h", "T", "T")
    assert _apply("matmul", [a, q], s) == "(B,h,T,d_k)"
    with pytest.raises(ShapeMismatch):
        _apply("matmul", [q, q], s)  # QK without the transpose
    ssm = _sizes("mamba view=ssm shapes=true")
    assert _apply("matmul", [_shape(ssm, "B", "Ed", "N"), _shape(ssm, "B", "N")], ssm) == "(B,2d)"  # C_t h_t


@pytest.mark.parametrize("role", ["activation", "softmax", "scale", "mask", "layer-norm", "conv1d", "ssm",
                                  "attention-weights"])
def test_shape_preserving_roles(role: str) -> None:
    s = _sizes("attention shapes=true")
    a = _shape(s, "B", "h", "T", "T")
    assert _apply(role, [a], s) == "(B,h,T,T)"
    with pytest.raises(ShapeMismatch):
        _apply(role, [a, _shape(s, "B", "T", "d")], s)


def test_attention_keeps_the_queries_and_checks_keys_and_values() -> None:
    s = _sizes("transformer shapes=true")
    q, kv = _shape(s, "B", "T", "d"), _shape(s, "B", "S", "d")
    assert _apply("cross-attention", [q, kv], s) == "(B,T,d)"
    with pytest.raises(ShapeMismatch):
        _apply("cross-attention", [q, _shape(s, "B", "S", "d_h")], s)


def test_feed_forward_keeps_the_model_width() -> None:
    s = _sizes("transformer shapes=true")
    assert _apply("feed-forward", [_shape(s, "B", "T", "d")], s) == "(B,T,d)"
    with pytest.raises(ShapeMismatch):
        _apply("feed-forward", [_shape(s, "B", "T", "d_h")], s)


def test_discretize_gives_one_state_matrix_per_channel() -> None:
    s = _sizes("mamba view=ssm shapes=true d_model=768 d_state=16")
    ins = [_shape(s, "B", "Ed"), _shape(s, "Ed", "N"), _shape(s, "B", "N")]
    assert _apply("discretize", ins, s) == "(B,1536,16)"
    with pytest.raises(ShapeMismatch):
        _apply("discretize", [ins[0], _shape(s, "d", "N"), ins[2]], s)


def test_a_declared_state_checks_the_batch_axis() -> None:
    s = _sizes("rnn shapes=true")
    assert _apply("hidden-state", [_shape(s, "B", "d_x")], s, shape=("B", "d_h")) == "(B,d_h)"
    with pytest.raises(ShapeMismatch):
        _apply("hidden-state", [_shape(s, "T", "d_x")], s, shape=("B", "d_h"))


# -- every figure ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("subject", "block"), DIAGRAMS, ids=[b for _, b in DIAGRAMS])
def test_every_diagram_composes_symbolically_and_with_the_papers_sizes(subject: str, block: str) -> None:
    for sizes in ("", PAPER.get(block, PAPER[subject])):
        graph = build_graph(parse(f"{block} shapes=true {sizes}".strip()), REGISTRY)
        drawn = [e for e in graph.edges if e.src != e.dst]
        assert drawn and all(e.attrs["shape"].startswith("(") for e in drawn)
        # beside their edges, taking no room, but for compare's K, V between two stacks standing close together
        assert all(e.attrs["label_beside"] is (subject != "compare" or e.role != "cross") for e in drawn)


def test_the_papers_sizes_give_the_papers_shapes() -> None:
    attention = _labels("attention shapes=true d_model=512 heads=8")
    assert attention["wq", "q"] == "(B,8,T,64)"  # d_k = d_model / h = 64
    assert attention["matmul_qk", "scale"] == "(B,8,T,T)"
    mha = _labels("mha shapes=true d_model=512")
    assert (mha["q", "wq1"], mha["wq1", "head1"], mha["concat", "wo"]) == ("(B,T,512)", "(B,T,64)", "(B,T,512)")
    layer = build_graph(parse("transformer view=encoder-layer shapes=true d_model=512 heads=8 d_ff=2048"), REGISTRY)
    assert layer.node("enc_ffn").math.endswith("(B,T,2048)")
    mamba = _labels("mamba shapes=true d_model=768")
    assert (mamba["in_proj", "conv"], mamba["out_proj", "add"]) == ("(B,T,1536)", "(B,T,768)")
    ssm = _labels("mamba view=ssm shapes=true d_model=768 d_state=16")
    assert ssm["x_proj", "dt_proj"] == "(B,48)"  # R = ⌈768/16⌉
    assert ssm["h_prev", "h"] == ssm["discretize", "h"] == "(B,1536,16)"


def test_the_issue_example_gives_pytorchs_output_and_h_n() -> None:
    graph = build_graph(parse("rnn layers=2 shapes=true batch=4 seq=10 input=128 hidden=256"), REGISTRY)
    assert graph.caption.endswith("output (4,10,256), h_n (2,4,256)")
    assert graph.desc.endswith("output (4,10,256), h_n (2,4,256)")
    assert _labels("rnn layers=2 shapes=true batch=4 seq=10 input=128 hidden=256")["x", "wxh1"] == "(4,128)"
    both = build_graph(parse("rnn unroll=3 layers=2 bidirectional=true shapes=true"), REGISTRY)
    assert both.caption.endswith("output (B,T,2d_h), h_n (4,B,d_h)")
    lstm = build_graph(parse("lstm view=unrolled shapes=true"), REGISTRY)
    assert lstm.caption.endswith("output (B,T,d_h), c_n (1,B,d_h), h_n (1,B,d_h)")


def test_labels_are_beside_their_edges_and_only_where_the_shape_changes() -> None:
    block = "attention shapes=true"
    dot = emit(build_graph(parse(block), REGISTRY))
    assert '"wq" -> "q"' in dot
    line = next(x for x in dot.splitlines() if x.strip().startswith('"wq" -> "q"'))
    assert "xlabel=<" in line and " label=" not in line
    labels = {(e.src, e.dst): e.label for e in build_graph(parse(block), REGISTRY).edges}
    assert labels["scale", "softmax"] == ""  # the scores pass through the scale unchanged
    assert labels["matmul_qk", "scale"] == "(B,h,T,T)"
    assert _labels(block) == _labels(block)


# -- errors ----------------------------------------------------------------------------------------------------------
def _hand_graph(*ins: tuple[str, ...], role: str) -> Graph:
    g = Graph("rnn", {})
    for i, shape in enumerate(ins):
        g.add(f"x{i}", "input", "", shape=shape)
    g.add("join", role, "")
    for i in range(len(ins)):
        g.link(f"x{i}", "join")
    return g


@pytest.mark.parametrize(("role", "problem"), [("concat", "concatenation"), ("elementwise-add", "element-wise")])
def test_a_graph_that_does_not_compose_names_the_node(role: str, problem: str) -> None:
    spec = parse("rnn shapes=true")
    with pytest.raises(SpecError) as caught:
        annotate(_hand_graph(("B", "d_h"), ("B", "T", "d_h"), role=role), spec)
    d = caught.value.diagnostic
    assert f"`join` ({role})" in d.message and problem in d.message
    assert d.hint.startswith(f"the rule of `{role}`")


def test_a_state_carried_to_the_next_step_must_keep_its_shape() -> None:
    g = Graph("rnn", {})
    g.add("h", "hidden-state", "", shape=("B", "d_h"))
    g.add("x", "hidden-state", "", shape=("B", "d_x"))
    g.link("h", "x", "recurrent")
    with pytest.raises(SpecError, match="carried from `h`"):
        annotate(g, parse("rnn shapes=true"))


def test_d_model_not_divisible_by_heads_is_a_located_error_with_the_rule() -> None:
    block = "transformer shapes=true heads=8 d_model=500"
    with pytest.raises(SpecError) as caught:
        build_graph(parse(block), REGISTRY)
    d = caught.value.diagnostic
    assert (d.loc.line, d.loc.col) == (1, block.index("d_model") + 1)
    assert "not divisible" in d.message and "d_model / heads" in d.hint


@pytest.mark.parametrize(("block", "key", "message"), [
    ("rnn hidden=256", "hidden", "not shown"),
    ("rnn shapes=true d_model=512", "d_model", "sizes no axis"),
    ("mamba view=scan shapes=true", "shapes", "plot"),
])
def test_sizes_and_shapes_where_they_cannot_apply_are_located_errors(block: str, key: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        build_graph(parse(block), REGISTRY)
    d = caught.value.diagnostic
    assert message in d.message and d.loc.col == block.index(key) + 1


def test_sizes_are_bounded() -> None:
    with pytest.raises(SpecError, match="between 1 and 1048576"):
        parse("rnn shapes=true batch=0")
    with pytest.raises(SpecError, match="between 1 and 1048576"):
        parse("compare shapes=true hidden=2000000")


# -- compare: compact panels carry the shapes of their full figures ---------------------------------------------------
def _computed(block: str) -> dict[str, str]:
    spec = parse(block)
    graph = get_subject(spec.subject).build(spec, REGISTRY)
    return {node: shown(shape) for node, shape in propagate(graph, Sizes(spec)).items()}


@pytest.mark.parametrize("sizes", ["", "batch=4 input=128 hidden=256 d_model=512 seq=10 src_seq=12 vocab=32000"])
@pytest.mark.parametrize("arch", sorted(COMPACT))
def test_each_compact_panel_has_the_shapes_of_its_full_figure(arch: str, sizes: str) -> None:
    full, stands_for = PANELS[arch]
    other = "lstm" if arch == "rnn" else "rnn"  # a comparison needs two panels
    panel = _computed(f"compare archs={arch},{other} shapes=true {sizes}")
    # the full figure at the sizes it has axes for (a size without an axis there is an error)
    own = " ".join(kv for kv in sizes.split() if kv.split("=")[0] in _axes(full))
    figure = _computed(f"{full} shapes=true {own}")
    assert {box: panel[f"{arch}__{box}"] for box in stands_for} == {box: figure[node]
                                                                      for box, node in stands_for.items()}


def _axes(block: str) -> set[str]:
    """The size keys ``block`` has an axis for: those it accepts alone."""
    found = set()
    for key in ("batch", "input", "hidden", "d_model", "seq", "src_seq", "vocab"):
        try:
            build_graph(parse(f"{block} shapes=true {key}=8"), REGISTRY)
        except SpecError:
            continue
        found.add(key)
    return found


def test_every_compact_architecture_is_checked_against_its_full_figure() -> None:
    assert set(PANELS) == set(COMPACT)


def test_a_compact_panel_says_each_tensor_once() -> None:
    """A box's one output is labelled on its first edge only; all its edges carry it (in_proj's parts are two)."""
    graph = build_graph(parse("compare archs=lstm,mamba shapes=true"), REGISTRY)
    fan = [e for e in graph.edges if e.src == "lstm__in"]
    assert len(fan) == 4 and {e.attrs["shape"] for e in fan} == {"(B,d_h+d_x)"}
    assert [e.label for e in fan] == ["(B,d_h+d_x)", "", "", ""]
    carried = next(e for e in graph.edges if (e.src, e.dst) == ("lstm__cp", "lstm__c"))
    assert (carried.attrs["shape"], carried.label) == ("(B,d_h)", "")  # beside c_t, whose own edge says it
    parts = {e.dst: e.label for e in graph.edges if e.src == "mamba__ip"}
    assert parts == {"mamba__conv": "(B,T,2d)", "mamba__gate": "(B,T,2d)"}
    cross = build_graph(parse("compare archs=transformer,rnn shapes=true d_model=512"), REGISTRY)
    assert _labels_of(cross)["transformer__enc", "transformer__dec"] == "K, V\n(B,S,512)"  # in a gap of its own


def _labels_of(graph: Graph) -> dict[tuple[str, str], str]:
    return {(e.src, e.dst): e.label for e in graph.edges}


@pytest.mark.parametrize(("block", "key", "message"), [
    ("compare archs=rnn,lstm shapes=true d_model=512", "d_model", "sizes no axis"),
    ("compare archs=rnn,lstm hidden=256", "hidden", "not shown"),
    ("compare archs=transformer,mamba shapes=true expansion=3 d_model=500 heads=8", "d_model", "not divisible"),
])
def test_bad_sizes_on_a_comparison_are_located_errors(block: str, key: str, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        build_graph(parse(block), REGISTRY)
    d = caught.value.diagnostic
    assert message in d.message and (d.loc.line, d.loc.col) == (1, block.index(key) + 1)
