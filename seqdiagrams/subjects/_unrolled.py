"""The unrolled view shared by the gated cells (LSTM, GRU): one compact cell per time step.

Each step is a cluster holding the step's state nodes; ``recurrent`` edges carry every
state from step t-1 to step t (starting at the initial states), and each step reads x_t
and emits h_t. The gate-level detail lives in the ``view=cell`` diagrams. Bottom → top in
a step: x_t, then c_t (LSTM), then h_t, then the output, so no state row crosses another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqdiagrams.ir import drawn_steps

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.subjects._common import Words

_STATE_ROLE = {"c": "cell-state", "h": "hidden-state"}
STATE = ("B", "d_h")
"""The shape of every state at one step (``shapes=true``); the states are computed from x_t (B,d_x) and the
previous states by the gates."""


def unrolled_cells(g: Graph, words: Words, steps: int, states: tuple[str, ...], cell_label: str) -> str:
    """Draw ``steps`` cells carrying ``states`` (``("c", "h")`` for LSTM, ``("h",)`` for GRU) as a grid.

    One column per drawn step (x_t, the step's states and its output stacked bottom → top), one straight row
    per state starting at its initial state on the left (FIGURES.md §2); past ``ELIDE_ABOVE`` steps the middle
    is elided. Returns the sentence the alt text adds when steps are elided ("" otherwise)."""
    drawn = drawn_steps(steps)
    previous = {s: g.add(f"{s}0", _STATE_ROLE[s], words(_STATE_ROLE[s]), f"{s}_0", step=0, initial=True,
                         shape=STATE, returns=f"{s}_n") for s in states}
    for t in drawn:
        x = g.add(f"x{t}", "input", words("input"), f"x_{{{t}}}", step=t, shape=("B", "d_x"))
        # the box says which cell and step, the row's first state (c_0, h_0) names the state: the symbol is
        # enough, and five steps then fit a page column (FIGURES.md §8)
        current = {s: g.add(f"{s}{t}", _STATE_ROLE[s], "", f"{s}_{{{t}}}", step=t, shape=STATE,
                            **({"returns": "output"} if s == "h" else {})) for s in states}
        g.group(f"step{t}", f"{cell_label} · t={t}", list(current.values()), step=t)
        gap = {"elided": True} if t > 1 and t - 1 not in drawn else {}
        for s in states:
            g.link(previous[s], current[s], "recurrent", **gap)
        g.link(x, current[states[0]], label=words("phrase.gates"))
        if len(states) > 1:
            g.link(current[states[0]], current["h"], label="o_t ⊙ tanh")
        y = g.add(f"y{t}", "output", words("output"), f"h_{{{t}}}", step=t)
        g.link(current["h"], y)
        g.columns.append([x, *current.values(), y])
        previous = current
    g.rows += [[f"{s}0", *(f"{s}{t}" for t in drawn)] for s in states]
    g.rows += [[f"x{t}" for t in drawn], [f"y{t}" for t in drawn]]
    if len(drawn) == steps:
        return ""
    return words("phrase.steps-elided", first=drawn[-2] + 1, last=steps - 1, steps=steps)
