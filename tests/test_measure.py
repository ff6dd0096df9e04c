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


def test_rows_are_per_stack_and_per_weight() -> None:
    """An encoder's step 1 and a decoder's step 1 are different columns: each stack is its own row, and so is
    each weight applied at every step (two ``linear`` rows of one attention are not one crooked row)."""
    g = Graph("test", {}, direction="LR")
    enc = [g.add(f"e{t}", "hidden-state", f"e{t}", step=t, stack="encoder") for t in (1, 2)]
    dec = [g.add(f"d{t}", "hidden-state", f"d{t}", step=t, stack="decoder") for t in (1, 2)]
    g.chain(*enc, *dec)  # e1 e2 d1 d2 left to right: in order per stack, out of order if merged
    assert measure(g, emit(g)).order_problems == ()
    merged = Graph("test", {}, direction="LR")
    ids = [merged.add(n.id, n.role, n.label, step=n.attrs["step"]) for n in g.nodes]
    merged.chain(*ids)
    assert any("not in step order" in p for p in measure(merged, emit(merged)).order_problems)
    rows = Graph("test", {}, direction="BT")
    for t in (1, 2):
        u = rows.add(f"u{t}", "linear", f"u{t}", step=t, weight="U")
        v = rows.add(f"v{t}", "linear", f"v{t}", step=t, weight="v")
        rows.link(u, v)
    rows.ranks += [["u1", "u2"], ["v1", "v2"]]
    assert measure(rows, emit(rows)).order_problems == ()


def test_width_is_the_pictures_width_pad_included() -> None:
    """Text size follows the SVG's whole width: Graphviz's pad on both sides is part of what the page shrinks."""
    import re

    from seqdiagrams.rendering.engine import layout

    chain = Graph("test", {})
    chain.chain(*(chain.add(f"n{i}", "hidden-state", f"n{i}") for i in range(3)))
    dot = emit(chain)
    view_box = re.search(r'viewBox="([^"]+)"', layout(dot, "svg").decode())
    assert view_box is not None
    width, height = (float(v) for v in view_box.group(1).split()[2:])
    found = measure(chain, dot)
    assert abs(found.width_pt - width) <= 1 and abs(found.height_pt - height) <= 1
