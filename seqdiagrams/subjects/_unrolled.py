"""The unrolled view shared by the gated cells (LSTM, GRU): one compact cell per time step.

Each step is a cluster holding the step's state nodes; ``recurrent`` edges carry every
state from step t-1 to step t (starting at the initial states), and each step reads x_t
and emits h_t. The gate-level detail lives in the ``view=cell`` diagrams.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.subjects._common import Words

_STATE_ROLE = {"c": "cell-state", "h": "hidden-state"}


def unrolled_cells(g: Graph, words: Words, steps: int, states: tuple[str, ...], cell_label: str) -> None:
    """Draw ``steps`` cells carrying ``states`` (``("c", "h")`` for LSTM, ``("h",)`` for GRU)."""
    previous = {s: g.add(f"{s}0", _STATE_ROLE[s], words("phrase.initial-state"), f"{s}_0", step=0,
                         initial=True) for s in states}
    g.ranks.append([previous[s] for s in states])
    for t in range(1, steps + 1):
        x = g.add(f"x{t}", "input", words("input"), f"x_{t}", step=t)
        current = {s: g.add(f"{s}{t}", _STATE_ROLE[s], words(_STATE_ROLE[s]), f"{s}_{t}", step=t)
                   for s in states}
        g.group(f"step{t}", f"{cell_label} · t={t}", list(current.values()), step=t)
        for s in states:
            g.link(previous[s], current[s], "recurrent")
        g.link(x, current[states[0]], label=words("phrase.gates"))
        if len(states) > 1:
            g.link(current[states[0]], current["h"], label="o_t ⊙ tanh")
        y = g.add(f"y{t}", "output", words("output"), f"h_{t}", step=t)
        g.link(current["h"], y)
        previous = current
    g.ranks.append([f"x{t}" for t in range(1, steps + 1)])
    g.ranks.append([f"y{t}" for t in range(1, steps + 1)])
