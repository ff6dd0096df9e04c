"""The drawing of the ``mamba view=scan`` plot: one channel's selective scan, step by step.

Draws the plot data of :func:`seqdiagrams.subjects._selective_scan.plot_of` (its JSON output) with
matplotlib, through :func:`seqdiagrams.rendering.plot.render_plot` like every plot.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from seqdiagrams.rendering.plot import style_axes

if TYPE_CHECKING:
    from collections.abc import Mapping

    from matplotlib.figure import Figure

    from seqdiagrams.rendering.plot import Palette

SIZE = (7.2, 5.9)
"""Inches: the plot's width and height."""


def draw(fig: Figure, payload: Mapping[str, Any], palette: Palette) -> None:
    """Three panels over t: the input, the step Δ_t with the kept share Ā_t, and the state h_t against x_t."""
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    labels, data, t, marks = payload["labels"], payload["series"], payload["t"], payload["important"]
    steps = len(t)
    ax_x, ax_d, ax_h = fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": (1, 1.1, 1.5)})
    fig.suptitle(labels["model"], fontsize=9.5, color=palette.ink)
    for ax in (ax_x, ax_d, ax_h):
        style_axes(ax, grid="y")
        for m in marks:
            ax.axvspan(m - 0.5, m + 0.5, color=palette.fill("gate"), zorder=0, linewidth=0)
    thin = steps > 32

    # input tokens, the important ones in the gate colour
    colours = [palette.stroke("gate") if s in marks else palette.stroke("io") for s in t]
    ax_x.bar(t, data["x"], width=0.62, color=colours, linewidth=0)
    ax_x.axhline(0, color=palette.axis, linewidth=0.8)
    x_low, x_high = min(data["x"]), max(data["x"])
    ax_x.set_ylim(x_low - 0.1 * (x_high - x_low), x_high + 0.45 * (x_high - x_low))
    ax_x.set_ylabel(labels["x"])
    ax_x.legend(handles=[Patch(color=palette.stroke("gate"), label=labels["important"])], loc="upper right",
                handlelength=1.0)

    # step size Δ_t and the share of the old state kept, Ā_t = exp(Δ_t A)
    ax_d.bar(t, data["delta"], width=0.62, color=palette.stroke("ssm"), linewidth=0, label=labels["delta"])
    ax_d.plot(t, data["A_bar"], color=palette.stroke("linear"), linewidth=1.4, marker="" if thin else "o", markersize=3,
              label=labels["A_bar"])
    ax_d.set_ylim(0, 1.35)
    ax_d.set_yticks([0, 0.5, 1])
    ax_d.set_ylabel(labels["delta"])
    ax_d.legend(loc="upper right", ncols=2, handlelength=1.4)

    # the state against the input
    ax_h.plot(t, data["x"], linestyle="none", marker="o", markersize=3 if thin else 3.5, color=palette.stroke("io"),
              label=labels["x"], zorder=2)
    ax_h.plot(t, data["h"], color=palette.stroke("state"), linewidth=1.8, marker="" if thin else "o", markersize=3.5,
              label=labels["h"], zorder=3)
    ax_h.axhline(0, color=palette.axis, linewidth=0.8)
    low = min(min(data["h"]), min(data["x"]))
    high = max(max(data["h"]), max(data["x"]))
    span = high - low
    ax_h.set_ylim(low - 0.08 * span, high + 0.95 * span)
    ax_h.set_ylabel(labels["h"])
    ax_h.set_xlabel(labels["t"])
    ax_h.legend(loc="upper left", ncols=2, handlelength=1.4)
    _annotate(ax_h, data, marks, labels, high, span, palette)

    ax_h.set_xlim(0.4, steps + 0.6)
    ax_h.xaxis.set_major_locator(MaxNLocator(nbins=12, integer=True, steps=(1, 2, 4, 5, 10)))
    fig.align_ylabels((ax_x, ax_d, ax_h))


def _annotate(ax: Any, data: Mapping[str, list[float]], marks: list[int], labels: Mapping[str, str], high: float,
              span: float, palette: Palette) -> None:
    """Point at the last reset (text to its left) and into the longest quiet stretch after a reset."""
    box = {"boxstyle": "round,pad=0.25", "facecolor": palette.paper, "edgecolor": "none"}
    arrow = {"arrowstyle": "->", "color": palette.axis, "linewidth": 0.9, "shrinkB": 3}
    last = marks[-1]
    ax.annotate(labels["reset"], xy=(last, data["h"][last - 1]), xytext=(last - 0.7, high + 0.45 * span),
                ha="right", va="center", fontsize=9, color=palette.ink, bbox=box, arrowprops=arrow, zorder=4)
    bounds = [*marks, len(data["h"]) + 1]
    start, stop = max(itertools.pairwise(bounds), key=lambda pair: pair[1] - pair[0])
    middle = (start + stop) // 2
    ax.annotate(labels["keep"], xy=(middle, data["h"][middle - 1]), xytext=(middle, high + 0.15 * span),
                ha="center", va="center", fontsize=9, color=palette.ink, bbox=box, arrowprops=arrow, zorder=4)
