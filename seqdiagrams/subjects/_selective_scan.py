"""``mamba view=scan``: the selective SSM recurrence of one channel, computed and plotted (REFERENCE.md §2.14).

One channel with state size N = 1 over a short synthetic input: small background values plus a few
"important" tokens. A = −1 is fixed (a learned parameter, never input-dependent: mistake 30); only the
step Δ_t = softplus(w·x_t + b) depends on the input (``mamba.selection``, with D = 1). Discretisation
is zero-order hold for both parameters (``mamba.zoh``): Ā_t = exp(Δ_t A) and
B̄_t = (Δ_t A)⁻¹(exp(Δ_t A) − 1)·Δ_t B, which for A = −1, B = 1 is B̄_t = 1 − Ā_t. The state
h_t = Ā_t h_{t−1} + B̄_t x_t (``mamba.recurrence``) is then the gated RNN of the paper's Theorem 1
(``mamba.gating``), h_t = (1 − g_t) h_{t−1} + g_t x_t with g_t = 1 − exp(−Δ_t) = σ(w·x_t + b): a weighted average of
the old state and the input, so a large Δ_t resets the state toward x_t without overshooting it and a
small Δ_t keeps it. The reference code's first-order B̄_t ≈ Δ_t B (``mamba.zoh-impl``) is not what is
drawn: with it a large Δ_t can carry the state past x_t (REFERENCE.md §2.14), and the figure says so.

Everything is deterministic without a seed: the background comes from integer hashing of t.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.models import PlotModel
from seqdiagrams.rendering.serialize import render_model
from seqdiagrams.subjects._common import Words

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec
    from seqdiagrams.subjects import Output

PLOT_FORMATS = ("svg", "png", "html", "json")
A = -1.0
"""The state matrix of the one channel (N = 1): fixed, not input-dependent."""
B = 1.0
W = 3.0
"""Weight of the Δ projection: Δ_t = softplus(W·x_t + BIAS)."""
BIAS = -2.5
"""softplus(BIAS) ≈ 0.079, inside the reference init range [0.001, 0.1] of softplus(dt_proj.bias)."""
IMPORTANT = (1.0, 0.9, 1.0)
"""Values of the important tokens; one per 8 steps, at most three, evenly spread."""
BACKGROUND = 0.3
"""Background tokens lie in [−BACKGROUND, BACKGROUND)."""
DIGITS = 6
"""Decimals kept in the JSON series (machine-independent golden files)."""


def important_steps(steps: int) -> dict[int, float]:
    """1-based time step → value of each important token.

    Tokens are at least 8 steps apart, so the state has decayed well below the next important value
    before it arrives and each reset is visible as a jump.
    """
    count = min(len(IMPORTANT), steps // 8)
    return {int(steps * (2 * j + 1) / (2 * count) + 0.5): IMPORTANT[j] for j in range(count)}


def _background(t: int) -> float:
    """A pseudo-random but fixed value in [−0.3, 0.3): Knuth's multiplicative hash of t."""
    u = (t * 2654435761) % (1 << 32) / (1 << 32)
    return 2 * BACKGROUND * (u - 0.5)


def _softplus(z: float) -> float:
    return math.log1p(math.exp(z))


def zoh(delta: float) -> tuple[float, float]:
    """Zero-order hold of the scalar SSM (A, B) with step Δ: Ā = exp(ΔA), B̄ = (ΔA)⁻¹(exp(ΔA) − 1)·ΔB."""
    a_bar = math.exp(delta * A)
    return a_bar, (a_bar - 1.0) / A * B


def series(steps: int) -> dict[str, list[float]]:
    """The recurrence, step by step: x, Δ, A, Ā, B̄ and h for t = 1..steps (h_0 = 0)."""
    marks = important_steps(steps)
    out: dict[str, list[float]] = {"x": [], "delta": [], "A": [], "A_bar": [], "B_bar": [], "h": []}
    h = 0.0
    for t in range(1, steps + 1):
        x = marks.get(t, _background(t))
        delta = _softplus(W * x + BIAS)
        a_bar, b_bar = zoh(delta)
        h = a_bar * h + b_bar * x
        for key, value in (("x", x), ("delta", delta), ("A", A), ("A_bar", a_bar), ("B_bar", b_bar), ("h", h)):
            out[key].append(round(value, DIGITS))
    return out


def plot_of(spec: Spec, registry: Registry) -> PlotModel:
    """The plot's data (its JSON output) with the words it is drawn with (:mod:`.rendering.scan_plot`)."""
    words = Words(registry, spec.lang)
    steps = spec["length"]
    data = series(steps)
    marks = sorted(important_steps(steps))
    labels = {
        "x": words("phrase.mamba-scan-x"),
        "delta": words("phrase.mamba-scan-delta"),
        "A_bar": words("phrase.mamba-scan-abar"),
        "h": words("phrase.mamba-scan-h"),
        "t": words("phrase.mamba-scan-t"),
        "important": words("phrase.mamba-scan-important"),
        "reset": words("phrase.mamba-scan-reset"),
        "keep": words("phrase.mamba-scan-keep"),
        "model": words("phrase.mamba-scan-model"),
    }
    quiet = [d for t, d in enumerate(data["delta"], 1) if t not in marks]
    title = spec["title"] or words("phrase.mamba-scan-title", name=words.short("mamba"), steps=steps)
    desc = words("phrase.mamba-scan-desc", steps=steps, positions=words.join([str(t) for t in marks]),
                 w=W, b=_minus(BIAS), quiet_min=f"{min(quiet):.2f}", quiet_max=f"{max(quiet):.2f}",
                 big=f"{min(data['delta'][t - 1] for t in marks):.2f}")
    caption = words("phrase.mamba-scan-caption")
    payload: dict[str, Any] = {
        "subject": "mamba",
        "view": "scan",
        "title": title,
        "caption": caption,
        "model": {
            "channels": 1, "N": 1, "A": A, "A_input_dependent": False, "B": B, "w": W, "b": BIAS, "h0": 0.0,
            "discretization": "zoh",
            "delta": "softplus(w * x_t + b)", "A_bar": "exp(delta_t * A)",
            "B_bar": "(exp(delta_t * A) - 1) / A * B", "h": "A_bar_t * h_{t-1} + B_bar_t * x_t",
            "equations": ["mamba.selection", "mamba.zoh", "mamba.recurrence", "mamba.gating"],
            "sources": list(registry.arch("mamba").sources),
        },
        "labels": labels,
        "t": list(range(1, steps + 1)),
        "important": marks,
        "series": data,
    }
    return PlotModel("mamba-scan", payload, title, desc, caption, spec["theme"])


_render_plot = render_model(plot_of)


def render(spec: Spec, registry: Registry, fmt: str, prefix: str, styles: bool = True) -> Output:
    """The ``render`` of ``mamba view=scan``: the plot's model in ``fmt``; the graph formats are refused here,
    at the block's ``view``, since the ``mamba`` subject as a whole also makes diagrams."""
    if fmt not in PLOT_FORMATS:
        raise SpecError.at(Subtype.BAD_VALUE, f"`mamba view=scan` is a plot and cannot be rendered as {fmt}",
                           spec.location_of("view"), "formats: " + ", ".join(PLOT_FORMATS))
    return _render_plot(spec, registry, fmt, prefix, styles)


def _minus(value: float) -> str:
    return f"{value:g}".replace("-", "−")
