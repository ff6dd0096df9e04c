"""The layout lint: every diagram example, en and zh, meets the measures of FIGURES.md.

Budgets of edge crossings live next to the examples (``Subject.crossings``); everything else is the same
for every figure: no edge through a box, node text at least 10 px in a 680 px column, unrolled steps in
reading order on straight rows, comparison panels side by side in the order written.
"""

from __future__ import annotations

import pytest

from seqdiagrams.gallery import LANGS, block_in, examples, slug
from seqdiagrams.ir import Graph
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import build_graph
from seqdiagrams.rendering.dot import emit
from seqdiagrams.rendering.engine import positions
from seqdiagrams.rendering.measure import ALIGN_TOLERANCE, measure
from seqdiagrams.spec import parse
from seqdiagrams.subjects import get_subject

LINTED: tuple[str, ...] = ("rnn", "lstm", "gru", "seq2seq", "attention", "mha", "transformer", "mamba", "compare")
"""Subjects already laid out by the figure grammar; the rest join as they are converted."""
MIN_TEXT_PX = 10.0

CASES = [(subject, block, lang) for subject, block in examples() if subject in LINTED for lang in LANGS
         if not get_subject(subject).uses_render(parse(block))]


@pytest.mark.parametrize(("subject", "block", "lang"), CASES, ids=[slug(b, lang) for _, b, lang in CASES])
def test_figure_meets_the_measures(subject: str, block: str, lang: str) -> None:
    spec = parse(block_in(block, lang))
    graph = build_graph(spec, Registry.default())
    found = measure(graph, emit(graph, spec["highlight"] or ()))
    budget = get_subject(subject).crossings.get(block, 0)
    assert found.crossings <= budget, f"{found.crossings} crossings (budget {budget}): {found.crossing_pairs}"
    assert found.edges_across_nodes == ()
    assert found.text_px >= MIN_TEXT_PX, f"text is {found.text_px:.1f} px ({found.width_pt:.0f} pt wide)"
    assert found.order_problems == ()


def test_stacked_heads_are_drawn_as_one_box_each_yet_all_stay_in_the_graph() -> None:
    """Vaswani Fig. 2: h heads as one stack of W^Q, W^K, W^V and attention boxes; ``expand=true`` spreads them."""
    spec = parse("mha heads=4")
    graph = build_graph(spec, Registry.default())
    assert len(graph.with_role("attention-head")) == 4
    dot = emit(graph)
    drawn = [line for line in dot.splitlines() if "sqd-r-attention-head" in line]
    assert len(drawn) == 1 and 'peripheries="2"' in drawn[0] and "i = 1…4" in drawn[0]
    assert dot.count('"q" -> "wq1"') == 1 and '"wq2"' not in dot and '"head4"' not in dot
    expanded = emit(build_graph(parse("mha heads=4 expand=true"), Registry.default()))
    assert sum("sqd-r-attention-head" in line for line in expanded.splitlines()) == 4


def test_wrap_breaks_long_names_at_spaces_and_equations_after_the_equals_sign() -> None:
    g = Graph("test", {})
    g.add("e", "linear", "alignment score", "e_{i1} = v_a^⊤ tanh(·)")
    g.add("x", "input", "x", "x_{1} = y")  # short: kept on one line
    plain = positions(emit(g)).nodes["e"].box
    g.wrap = 10
    dot = emit(g)
    assert "alignment<BR/>score<BR/><I>e<SUB>i1</SUB> =</I><BR/><I>v<SUB>a</SUB><SUP>⊤</SUP> tanh(·)</I>" in dot
    assert "<I>x<SUB>1</SUB> = y</I>" in dot
    wrapped = positions(dot).nodes["e"].box
    assert wrapped[2] - wrapped[0] < plain[2] - plain[0]


def test_rows_hold_their_order_and_a_last_frame_stands_right_of_the_rest() -> None:
    g = Graph("test", {}, direction="BT")
    ids = [g.add(name, "hidden-state", name) for name in ("a", "b", "c", "d")]
    g.link("a", "d")
    g.rows.append(["c", "a", "b"])
    g.group("frame", "frame", ["d"], last=True)
    g.ranks.append(["a", "d"])
    placed = positions(emit(g)).nodes
    xs = {i: placed[i].centre[0] for i in ids}
    assert xs["c"] < xs["a"] < xs["b"] < xs["d"]


def test_bahdanau_score_stack_stands_over_the_last_annotation_with_the_h_j_around_it() -> None:
    """T_x = 3: h_1 and h_2 pass the U_a stack on its left, h_3 on its right, and above the annotations only two
    crossings remain: h_2 over h_1's way into the stack, h_3 over the query's way in (W_a s_{i-1} → +)."""
    spec = parse("seq2seq attention=bahdanau")
    graph = build_graph(spec, Registry.default())
    dot = emit(graph)
    placed = positions(dot)
    stack = placed.nodes["u_a1"]
    assert abs(stack.centre[0] - placed.nodes["ann3"].centre[0]) <= ALIGN_TOLERANCE
    to_context = {edge.tail: edge.polyline for edge in placed.edges if edge.head == "context"}
    assert all(min(x for x, y in to_context[a] if stack.box[1] <= y <= stack.box[3]) < stack.box[0]
               for a in ("ann1", "ann2"))
    assert min(x for x, y in to_context["ann3"] if stack.box[1] <= y <= stack.box[3]) > stack.box[2]
    encoder = ("src", "fwd", "bwd")
    above = {frozenset(pair) for pair in measure(graph, dot).crossing_pairs
             if not any(edge.startswith(encoder) for edge in pair)}
    assert above == {frozenset({"ann1->u_a1", "ann2->context"}), frozenset({"ann3->context", "w_a->add1"})}
