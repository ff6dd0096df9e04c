"""The layout lint: every diagram example, en and zh, meets the measures of FIGURES.md.

Budgets of edge crossings live next to the examples (``Subject.crossings``); everything else is the same
for every figure: no edge through a box, node text at least 10 px in a 680 px column, unrolled steps in
reading order on straight rows, comparison panels side by side in the order written.
"""

from __future__ import annotations

import pytest

from seqdiagrams.gallery import LANGS, block_in, examples, slug
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import build_graph
from seqdiagrams.rendering.dot import emit
from seqdiagrams.rendering.measure import measure
from seqdiagrams.spec import parse
from seqdiagrams.subjects import get_subject

LINTED: tuple[str, ...] = ("attention", "mha", "transformer", "mamba")
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
