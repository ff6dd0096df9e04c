"""The drawing of the ``attention-weights`` plot: the softmax weights of a small example as a heatmap.

Draws the plot data of :func:`seqdiagrams.subjects.attention_weights.plot_of` (its JSON output) with
matplotlib, through :func:`seqdiagrams.rendering.plot.render_plot` like every plot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seqdiagrams.rendering.plot import heat

if TYPE_CHECKING:
    from collections.abc import Mapping

    from matplotlib.figure import Figure

    from seqdiagrams.rendering.plot import Palette

SIZE = (7.2, 6.2)
"""Inches: the plot's width and height."""
FAMILY = "attention"
"""Role family whose colour the weights are drawn in."""


def draw(fig: Figure, payload: Mapping[str, Any], palette: Palette) -> None:
    """The weights as a heatmap with each weight written in its cell (masked cells hatched), and the scale."""
    import numpy as np
    from matplotlib.patches import Rectangle

    labels, tokens, probs = payload["labels"], payload["tokens"], payload["weights"]
    n = len(tokens)
    grid = fig.add_gridspec(1, 2, width_ratios=(30, 1))
    ax, ax_bar = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
    fig.suptitle(labels["model"], fontsize=9, color=palette.ink)
    ax.set_facecolor("none")
    heat(ax, probs, FAMILY, "weights", (-0.5, n - 0.5, n - 0.5, -0.5))
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_aspect("equal")
    crowded = max(len(t) for t in tokens) * n > 48  # column labels would touch: slant them
    ax.set_xticks(range(n), [f"{i} {t}" if crowded else f"{t}\n{i}" for i, t in enumerate(tokens)],
                  rotation=40 if crowded else 0, ha="left" if crowded else "center", rotation_mode="anchor")
    ax.set_yticks(range(n), [f"{t}  {i}" for i, t in enumerate(tokens)])
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel(labels["key"])
    ax.set_ylabel(labels["query"])
    ax.spines["bottom"].set_visible(False)
    ax.spines["top"].set_visible(True)
    size = 10 if n <= 8 else 8
    for i, row in enumerate(probs):
        for j, weight in enumerate(row):
            masked = payload["scores"][i][j] is None
            if masked:  # hatched: a masked key, not merely a small weight
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="////", edgecolor=palette.grid,
                                       linewidth=0, zorder=2))
            colour = palette.axis if masked else (palette.paper if weight > 0.5 else palette.ink)
            ax.text(j, i, "0" if masked else f"{weight:.2f}", ha="center", va="center", fontsize=size, color=colour)
    scale = np.linspace(1, 0, 101).reshape(-1, 1)
    heat(ax_bar, scale, FAMILY, "scale", (0, 1, 0, 1))
    ax_bar.set_ylim(0, 1)
    ax_bar.set_xticks([])
    ax_bar.set_yticks([0, 0.5, 1])
    ax_bar.yaxis.tick_right()
    ax_bar.set_ylabel(labels["scale"])
    ax_bar.yaxis.set_label_position("right")
