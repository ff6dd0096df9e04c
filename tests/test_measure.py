"""The layout measures (FIGURES.md §Measures) on hand-made layouts whose answers are known."""

from __future__ import annotations

from seqdiagrams.ir import Graph
from seqdiagrams.rendering.dot import FONT_SIZE, emit
from seqdiagrams.rendering.measure import COLUMN_PX, PT_TO_PX, Measures, _segments_cross, _through, measure


def _bipartite(n: int) -> Graph:
    """K(n, n) in two layers: a layered drawing of K(3, 3) cannot avoid crossings."""
    g = Graph("test", {})
    tops = [g.add(f"a{i}", "input", f"a{i}") for i in range(n)]
    bottoms = [g.add(f"b{i}", "output", f"b{i}") for i in range(n)]
    for a in tops:
        for b in bottoms:
            g.link(a, b)
    return g


def test_segments_cross_only_properly() -> None:
    assert _segments_cross(((0, 0), (10, 10)), ((0, 10), (10, 0)))
    assert not _segments_cross(((0, 0), (10, 0)), ((0, 5), (10, 5)))  # parallel
    assert not _segments_cross(((0, 0), (10, 10)), ((10, 10), (20, 0)))  # touching end to end


def test_polyline_through_box() -> None:
    box = (10.0, 10.0, 20.0, 20.0)
    assert _through([(0, 15), (30, 15)], box)  # straight through, no point inside
    assert _through([(0, 0), (15, 15)], box)  # ends inside
    assert not _through([(0, 0), (30, 0)], box)  # passes below


def test_chain_has_no_crossings_and_k33_has_some() -> None:
    chain = Graph("test", {})
    chain.chain(*(chain.add(f"n{i}", "hidden-state", f"n{i}") for i in range(4)))
    assert measure(chain, emit(chain)).crossings == 0
    k33 = measure(_bipartite(3), emit(_bipartite(3)))
    assert k33.crossings >= 3  # the layered crossing number of K(3,3) is 3
    assert all(len(pair) == 2 for pair in k33.crossing_pairs)


def test_text_px_follows_the_column() -> None:
    narrow = Measures(width_pt=300, height_pt=100, crossings=0)
    assert narrow.text_px == FONT_SIZE * PT_TO_PX == FONT_SIZE  # natural size: one px per point, 12 px
    wide = Measures(width_pt=1360, height_pt=100, crossings=0)
    assert abs(wide.text_px - FONT_SIZE * COLUMN_PX / 1360) < 1e-9  # shrunk to the column: 6 px


def test_step_order_catches_a_row_out_of_order() -> None:
    g = Graph("test", {}, direction="LR")
    ids = [g.add(f"h{t}", "hidden-state", f"h{t}", step=t) for t in (1, 2, 3)]
    g.chain(*ids)
    assert measure(g, emit(g)).order_problems == ()
    backwards = Graph("test", {}, direction="RL")  # same chain drawn right to left
    ids = [backwards.add(f"h{t}", "hidden-state", f"h{t}", step=t) for t in (1, 2, 3)]
    backwards.chain(*ids)
    problems = measure(backwards, emit(backwards)).order_problems
    assert any("not in step order" in p for p in problems)
