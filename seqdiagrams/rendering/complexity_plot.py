"""The drawing of the ``complexity`` plot: cost against sequence length, log–log, one line per architecture.

Draws the plot data of :func:`seqdiagrams.subjects.complexity.plot_of` (its JSON output) with matplotlib,
through :func:`seqdiagrams.rendering.plot.render_plot` like every plot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seqdiagrams.rendering.plot import binary_size, power_of_ten, style_axes

if TYPE_CHECKING:
    from collections.abc import Mapping

    from matplotlib.figure import Figure

    from seqdiagrams.rendering.plot import Palette

SIZE = (7.2, 4.7)
"""Inches: the plot's width and height."""
STYLE = {
    "rnn": ("state", "-"),
    "lstm": ("gate", (0, (6, 2))),
    "gru": ("activation", (0, (6, 2, 1.5, 2))),
    "transformer": ("attention", "-"),
    "mamba": ("ssm", "-"),
}
"""Role family (colour) and dash pattern of each architecture's line; the dashes keep equal lines apart."""


def draw(fig: Figure, payload: Mapping[str, Any], palette: Palette) -> None:
    """The plot of ``payload`` on ``fig``: lines and their formulas, the crossover or the memory notes."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, NullFormatter

    ax = fig.add_subplot()
    style_axes(ax)
    ns, labels = payload["n"], payload["labels"]
    for s in payload["series"]:
        family, dashes = STYLE[s["arch"]]
        ax.plot(ns, s["values"], color=palette.stroke(family), linestyle=dashes, linewidth=2.0,
                label=f"{s['name']}   {s['formula']}", zorder=3)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlim(ns[0], ns[-1])
    ticks = [n for n in ns if _is_power_of_four(n)] if len(ns) > 12 else list(ns)
    if ticks[-1] != ns[-1]:
        ticks.append(ns[-1])
    if ticks[-1] < 1.6 * ticks[-2]:  # keep the end label, drop its crowded neighbour
        del ticks[-2]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(binary_size))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=12))
    ax.yaxis.set_minor_locator(LogLocator(base=10, subs=(2, 5), numticks=12))
    ax.yaxis.set_major_formatter(FuncFormatter(power_of_ten))
    ax.yaxis.set_minor_formatter(NullFormatter())
    low = min(min(s["values"]) for s in payload["series"])
    high = max(max(s["values"]) for s in payload["series"])
    ax.set_ylim(low / 3, high * 30)
    ax.set_xlabel(labels["x"])
    ax.set_ylabel(labels["y"])
    ax.legend(loc="upper left", handlelength=2.6)
    note = {"boxstyle": "round,pad=0.3", "facecolor": palette.paper, "edgecolor": "none"}
    ax.text(0.99, 0.98, labels["note"], transform=ax.transAxes, ha="right", va="top", fontsize=8.5,
            color=palette.ink, bbox=note, zorder=4)
    if payload["measure"] == "time":
        _crossover(ax, payload, palette)
    else:
        _memory_notes(ax, payload, note, palette)


def _crossover(ax: Any, payload: Mapping[str, Any], palette: Palette) -> None:
    """Where the Transformer's attention term 2n²d overtakes its 12nd² projections and FFN: n = 6d."""
    where = 6 * payload["constants"]["d"]
    ns = payload["n"]
    if not any(s["arch"] == "transformer" for s in payload["series"]) or not ns[0] < where < ns[-1]:
        return
    ax.axvline(where, color=palette.axis, linewidth=0.9, linestyle=(0, (2, 2)), zorder=2)
    ax.annotate(payload["labels"]["crossover"], xy=(where, 0.03), xycoords=("data", "axes fraction"),
                xytext=(-4, 0), textcoords="offset points", rotation=90, ha="right", va="bottom", fontsize=8.5,
                color=palette.ink)


def _memory_notes(ax: Any, payload: Mapping[str, Any], box: dict[str, Any], palette: Palette) -> None:
    """Say which lines grow (the KV cache) and which stay fixed, next to the lines themselves."""
    series = {s["arch"]: s for s in payload["series"]}
    ns = payload["n"]
    kv = series.get("transformer")
    if kv is not None:
        i = len(ns) * 3 // 5
        ax.annotate(payload["labels"]["kv"], xy=(ns[i], kv["values"][i]), xytext=(12, -16),
                    textcoords="offset points", ha="left", va="top", fontsize=8.5, color=palette.ink, bbox=box,
                    arrowprops={"arrowstyle": "-", "color": palette.axis, "linewidth": 0.8}, zorder=4)
    fixed = [s for s in payload["series"] if s["growth"] == "constant"]
    if fixed:
        top = max(s["values"][0] for s in fixed)
        ax.annotate(payload["labels"]["fixed"], xy=(ns[len(ns) // 2], top), xytext=(0, 6),
                    textcoords="offset points", ha="center", va="bottom", fontsize=8.5, color=palette.ink, zorder=4)


def _is_power_of_four(n: int) -> bool:
    return n & (n - 1) == 0 and (n.bit_length() - 1) % 2 == 0
