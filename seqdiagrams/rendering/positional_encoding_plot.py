"""The drawing of the ``positional-encoding`` plot: the encoding as a heatmap and a few dimensions as curves.

Draws the plot data of :func:`seqdiagrams.subjects.positional_encoding.plot_of` (its JSON output) with
matplotlib, through :func:`seqdiagrams.rendering.plot.render_plot` like every plot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seqdiagrams.rendering.plot import heat, style_axes

if TYPE_CHECKING:
    from collections.abc import Mapping

    from matplotlib.figure import Figure

    from seqdiagrams.rendering.plot import Palette

SIZE = (7.2, 6.4)
"""Inches: the plot's width and height."""
POSITIVE, NEGATIVE = "state", "gate"
"""Role families whose colours show positive and negative values."""
CURVE_FAMILIES = ("state", "gate", "ssm", "linear")
"""Role family (colour) of each curve, fastest dimension first."""


def draw(fig: Figure, payload: Mapping[str, Any], palette: Palette) -> None:
    """A heatmap of every value over positions × dimensions with its colour scale, and the curves below it."""
    import numpy as np

    labels, length, d_model = payload["labels"], payload["length"], payload["d_model"]
    grid = fig.add_gridspec(2, 2, width_ratios=(40, 1), height_ratios=(1.25, 1))
    ax_heat = fig.add_subplot(grid[0, 0])
    ax_bar = fig.add_subplot(grid[0, 1])
    ax_curves = fig.add_subplot(grid[1, 0], sharex=ax_heat)
    fig.suptitle(labels["model"], fontsize=9, color=palette.ink)

    # heatmap: one column per position, one row per dimension (dimension 0 on top)
    values = np.asarray(payload["values"]).T
    extent = (-0.5, length - 0.5, d_model - 0.5, -0.5)
    heat(ax_heat, np.maximum(values, 0), POSITIVE, "pos", extent)
    heat(ax_heat, np.maximum(-values, 0), NEGATIVE, "neg", extent)
    ax_heat.set_xlim(-0.5, length - 0.5)
    ax_heat.set_ylim(d_model - 0.5, -0.5)
    dims = [c["dimension"] for c in payload["curves"]]
    ax_heat.set_yticks(dims)
    ax_heat.set_ylabel(labels["dimension"])
    ax_heat.tick_params(axis="x", labelbottom=False)
    for side in ("top", "right"):
        ax_heat.spines[side].set_visible(False)

    # colour scale from −1 (bottom) to 1 (top)
    scale = np.linspace(1, -1, 101).reshape(-1, 1)
    heat(ax_bar, np.maximum(scale, 0), POSITIVE, "bar-pos", (0, 1, -1, 1))
    heat(ax_bar, np.maximum(-scale, 0), NEGATIVE, "bar-neg", (0, 1, -1, 1))
    ax_bar.set_ylim(-1, 1)
    ax_bar.set_xticks([])
    ax_bar.set_yticks([-1, 0, 1])
    ax_bar.yaxis.tick_right()

    # a few sine dimensions as curves over the positions
    style_axes(ax_curves, grid="y")
    pos = np.arange(length)
    for index, (dim, label) in enumerate(zip(dims, labels["curves"], strict=True)):
        ax_curves.plot(pos, values[dim], color=palette.stroke(CURVE_FAMILIES[index]), linewidth=1.6, label=label,
                       marker="o" if length <= 32 else "", markersize=3)
    ax_curves.set_ylim(-1.15, 1.9)
    ax_curves.set_yticks([-1, 0, 1])
    ax_curves.set_xlabel(labels["x"])
    ax_curves.set_ylabel(labels["value"])
    ax_curves.legend(loc="upper left", ncols=2, handlelength=1.6, fontsize=8.5)
