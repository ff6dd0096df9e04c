"""The visual language: role families, their light/dark colours and shapes, edge styles.

One table feeds both the DOT emitter (concrete light colours, so a PNG or a bare SVG
looks right) and the SVG stylesheet (CSS variables per family, overridden in dark
schemes), so the two can never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """Colours (light fill, light stroke, dark fill, dark stroke) and the DOT shape of a role family."""

    light_fill: str
    light_stroke: str
    dark_fill: str
    dark_stroke: str
    shape: str = "box"


FAMILIES: dict[str, Family] = {
    "io": Family("#f1f5f9", "#64748b", "#1e293b", "#94a3b8"),
    "state": Family("#dbeafe", "#2563eb", "#172554", "#60a5fa"),
    "gate": Family("#ffedd5", "#ea580c", "#431407", "#fb923c"),
    "activation": Family("#fef9c3", "#a16207", "#422006", "#facc15"),
    "op": Family("#ffffff", "#475569", "#0f172a", "#cbd5e1", "circle"),
    "linear": Family("#ede9fe", "#7c3aed", "#2e1065", "#a78bfa"),
    "attention": Family("#fee2e2", "#dc2626", "#450a0a", "#f87171"),
    "norm": Family("#fef3c7", "#b45309", "#451a03", "#fbbf24"),
    "embed": Family("#fce7f3", "#db2777", "#500724", "#f472b6"),
    "ssm": Family("#ccfbf1", "#0f766e", "#042f2e", "#2dd4bf"),
    "layer": Family("#f8fafc", "#334155", "#0b1220", "#94a3b8"),
}

ROLE_FAMILY: dict[str, str] = {
    "input": "io", "output": "io", "token": "io",
    "hidden-state": "state", "cell-state": "state", "state": "state", "context": "state",
    "gate": "gate", "candidate": "gate",
    "activation": "activation", "softmax": "activation",
    "elementwise-multiply": "op", "elementwise-add": "op", "concat": "op", "matmul": "op", "scale": "op",
    "mask": "op",
    "linear": "linear", "projection": "linear", "weight": "linear", "conv1d": "linear", "feed-forward": "linear",
    "self-attention": "attention", "masked-self-attention": "attention", "cross-attention": "attention",
    "multi-head-attention": "attention", "attention-head": "attention", "attention-weights": "attention",
    "layer-norm": "norm", "add-norm": "norm",
    "embedding": "embed", "positional-encoding": "embed",
    "ssm": "ssm", "discretize": "ssm", "ssm-parameter": "ssm",
    "encoder-layer": "layer", "decoder-layer": "layer",
}

OPERATOR_GLYPH = {"elementwise-multiply": "⊙", "elementwise-add": "+"}
"""Small round operator nodes show a glyph instead of a word (their name stays in the alt text)."""
ROUND_ROLES = frozenset(OPERATOR_GLYPH)

TEXT = ("#0f172a", "#e2e8f0")
"""Text colour (light, dark)."""
EDGE = ("#475569", "#94a3b8")
"""Default edge colour (light, dark)."""
CLUSTER = ("#94a3b8", "#475569")
"""Cluster frame colour (light, dark)."""
HIGHLIGHT = ("#e11d48", "#fb7185")
"""Outline of highlighted nodes (light, dark)."""

EDGE_STYLES: dict[str, dict[str, str]] = {
    "data": {},
    "recurrent": {"color": "#2563eb", "penwidth": "1.8"},
    "residual": {"style": "dashed", "color": "#64748b"},
    "gate": {"style": "dotted", "color": "#ea580c", "penwidth": "1.4"},
    "cross": {"color": "#dc2626", "penwidth": "2.0"},
    "parameter": {"style": "dotted", "color": "#0f766e"},
}
"""DOT attributes per edge role; the stylesheet gives each role a dark-scheme colour too."""
EDGE_DARK = {"recurrent": "#60a5fa", "residual": "#94a3b8", "gate": "#fb923c", "cross": "#f87171",
             "parameter": "#2dd4bf"}

FONT = "Noto Sans CJK SC, Noto Sans, DejaVu Sans, sans-serif"
"""Layout font: CJK-capable first, so Graphviz measures Chinese labels with the glyphs shown."""


def _colours() -> dict[str, tuple[str, str]]:
    colours = {"fg": TEXT, "edge": EDGE, "cluster": CLUSTER, "hl": HIGHLIGHT}
    for name, fam in FAMILIES.items():
        colours[f"{name}-fill"] = (fam.light_fill, fam.dark_fill)
        colours[f"{name}-stroke"] = (fam.light_stroke, fam.dark_stroke)
    for role, style in EDGE_STYLES.items():
        if "color" in style:
            colours[f"e-{role}"] = (style["color"], EDGE_DARK[role])
    return colours


COLOURS: dict[str, tuple[str, str]] = _colours()
"""Every themed colour by role, the name of its CSS variable ``--sqd-<role>``: (light, dark).

Roles are told apart by name, never by colour: two roles may share a light colour and differ in dark
(``edge`` and ``op-stroke``)."""
