"""The shared figure grammar of the emitter (FIGURES.md §Conventions): rows, columns, stubs, elision.

Each hint is checked where Graphviz actually put things (``engine.positions``), on small graphs built so
that Graphviz, left to itself, would do otherwise.
"""

from __future__ import annotations

from seqdiagrams.ir import ELIDE_ABOVE, Graph, drawn_steps
from seqdiagrams.rendering.dot import emit
from seqdiagrams.rendering.engine import positions


def _x(dot: str, *ids: str) -> list[float]:
    placed = positions(dot)
    return [placed.nodes[i].centre[0] for i in ids]


def _crossed_inputs() -> Graph:
    """Three states fed by three inputs in the opposite order: crossing minimisation wants the states
    reversed (s3, s2, s1) under the inputs x1, x2, x3."""
    g = Graph("test", {}, direction="BT")
    xs = [g.add(f"x{i}", "input", f"x{i}") for i in (1, 2, 3)]
    ss = [g.add(f"s{i}", "hidden-state", f"s{i}") for i in (1, 2, 3)]
    g.rows.append(xs)
    for x, s in zip(xs, reversed(ss), strict=True):
        g.link(x, s)
    return g


def test_a_row_keeps_its_order_across_the_flow() -> None:
    g = _crossed_inputs()
    free = _x(emit(g), "s1", "s2", "s3")
    assert free != sorted(free)  # Graphviz alone puts them out of order
    g.rows.append(["s1", "s2", "s3"])
    placed = positions(emit(g))
    xs = [placed.nodes[f"s{i}"].centre[0] for i in (1, 2, 3)]
    assert xs == sorted(xs)
    assert len({round(placed.nodes[f"s{i}"].centre[1]) for i in (1, 2, 3)}) == 1  # one straight row


def test_an_unclustered_row_member_keeps_its_place_beside_clustered_ones() -> None:
    # an initial state next to a row of step boxes: Graphviz moves it past the clusters unless it has one
    g = Graph("test", {}, direction="BT")
    h0 = g.add("h0", "hidden-state", "h0", initial=True)
    hs = [g.add(f"h{t}", "hidden-state", f"h{t}") for t in (1, 2, 3)]
    for t, h in enumerate(hs, start=1):
        g.group(f"step{t}", f"t={t}", [h])
        x = g.add(f"x{t}", "input", f"x{t}")
        g.link(x, h, label="gates")
    g.chain(h0, *hs, role="recurrent")
    g.rows += [[h0, *hs], [f"x{t}" for t in (1, 2, 3)]]
    xs = _x(emit(g), "h0", "h1", "h2", "h3")
    assert xs == sorted(xs)


def test_a_column_is_straight() -> None:
    g = Graph("test", {}, direction="BT")
    x, wide, h, y = (g.add("x", "input", "x"), g.add("w", "input", "a much wider neighbour"),
                     g.add("h", "hidden-state", "h"), g.add("y", "output", "y"))
    g.chain(x, h, y)
    g.link(wide, h)
    g.columns.append([x, h, y])
    assert len({round(v) for v in _x(emit(g), "x", "h", "y")}) == 1


def test_a_stub_replaces_the_back_edge_beside_its_source() -> None:
    g = Graph("test", {}, direction="BT")
    prev, x = g.add("h_prev", "hidden-state", "h", "h_{t-1}"), g.add("x", "input", "x")
    h = g.add("h", "hidden-state", "h", "h_t")
    g.link(prev, h)
    g.link(x, h)
    g.link(h, prev, "recurrent", "→ t+1", stub=True)
    dot = emit(g)
    assert '"h" -> "h_prev"' not in dot and '"h_prev" -> "h"' in dot
    [stub_line] = [line for line in dot.splitlines() if "sqd-stub" in line]
    assert "→ t+1" in stub_line and 'shape="plaintext"' in stub_line
    placed = positions(dot)
    [stub] = [name for name in placed.nodes if name.startswith("_stub")]
    assert placed.nodes[stub].centre[1] == placed.nodes["h"].centre[1]  # across the flow, not along it
    assert placed.nodes[stub].centre[0] > placed.nodes["h"].centre[0]  # on the right: towards t+1
    assert [(e.tail, e.head) for e in placed.edges if e.head == stub] == [("h", stub)]


def test_an_elided_edge_passes_through_an_ellipsis_between_its_ends() -> None:
    g = Graph("test", {}, direction="BT")
    a, b, c = (g.add(f"h{t}", "hidden-state", "", f"h_{{{t}}}") for t in (1, 2, 16))
    g.link(a, b, "recurrent")
    g.link(b, c, "recurrent", elided=True)
    g.rows.append([a, b, c])
    dot = emit(g)
    assert '"h2" -> "h16"' not in dot
    placed = positions(dot)
    [gap] = [name for name in placed.nodes if name.startswith("_gap")]
    assert "⋯" in next(line for line in dot.splitlines() if line.strip().startswith(f'"{gap}" ['))
    assert {(e.tail, e.head) for e in placed.edges if gap in (e.tail, e.head)} == {("h2", gap), (gap, "h16")}
    xs = _x(dot, "h1", "h2", gap, "h16")
    assert xs == sorted(xs)


def test_an_ellipsis_stays_between_the_step_boxes_around_it() -> None:
    # steps in boxes (clusters), inputs below in columns: the "⋯" keeps its place between step 2 and 16
    g = Graph("test", {}, direction="BT")
    steps = (1, 2, 16)
    hs = [g.add(f"h{t}", "hidden-state", "", f"h_{{{t}}}") for t in steps]
    for t, h in zip(steps, hs, strict=True):
        g.group(f"step{t}", f"t={t}", [h])
        g.link(g.add(f"x{t}", "input", "x", f"x_{{{t}}}"), h, label="gates")
        g.columns.append([f"x{t}", h])
    g.link(hs[0], hs[1], "recurrent")
    g.link(hs[1], hs[2], "recurrent", elided=True)
    g.rows += [hs, [f"x{t}" for t in steps]]
    dot = emit(g)
    [gap] = [name for name in positions(dot).nodes if name.startswith("_gap") and not name.startswith("_gapcol")]
    xs = _x(dot, "h1", "h2", gap, "h16")
    assert xs == sorted(xs)


def test_a_label_beside_its_edge_takes_no_room() -> None:
    g = Graph("test", {}, direction="BT")
    g.link(g.add("a", "input", "a"), g.add("b", "output", "b"), label="p_i ⊙ c_{t-1}", label_beside=True)
    [edge] = [line for line in emit(g).splitlines() if '"a" -> "b"' in line]
    assert "xlabel=<" in edge and " label=<" not in edge


def test_long_chains_draw_the_first_two_steps_and_the_last() -> None:
    assert drawn_steps(ELIDE_ABOVE) == list(range(1, ELIDE_ABOVE + 1))
    assert drawn_steps(ELIDE_ABOVE + 1) == [1, 2, ELIDE_ABOVE + 1]
    assert drawn_steps(16) == [1, 2, 16]
