"""Node tooltips: the registry equation a node computes, as readable plain text for its SVG ``<title>``.

A reader hovering the forget gate sees "forget gate: fₜ = σ(W_f xₜ + U_f hₜ₋₁ + b_f)"; a screen reader that
reads titles gets the same words. The node → equation links are registry data (the ``figure:`` of a formula
set: a subject, the parameter values the set's equations describe exactly, and the equation of each node), so
the tooltip and the formula section share one fact, and a variant the set does not describe (the 1997 LSTM)
gets no tooltip rather than a wrong one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry

SYMBOLS = {
    "sigma": "σ", "Delta": "Δ", "alpha": "α", "beta": "β", "gamma": "γ", "epsilon": "ε", "mu": "μ", "lambda": "λ",
    "odot": "⊙", "cdot": "·", "times": "×", "top": "⊤", "infty": "∞", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "dots": "…", "ldots": "…", "cdots": "⋯", "mid": "|", "in": "∈", "sum": "Σ", "to": "→",
    "quad": "  ", "qquad": "  ", ",": " ", ";": " ", ":": " ", "!": "", " ": " ",
}
"""LaTeX commands and their plain-text form; any other command is written as its name (``\\tanh`` → tanh)."""
_SIZES = re.compile(r"\\(?:left|right|[bB]ig{1,2}[lr]?)(?![A-Za-z])")
_ACCENTS = {"tilde": "\u0303", "bar": "\u0304", "hat": "\u0302"}
_SUB = str.maketrans("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
_SUP = str.maketrans("0123456789+-=()in⊤T", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿᵀᵀ")


@dataclass(frozen=True)
class Tooltip:
    """A node's equation: its registry id (a formula section on the same page marks it ``data-equation``) and text."""

    equation: str
    text: str


def equation_titles(graph: Graph, registry: Registry) -> dict[str, Tooltip]:
    """Node id → its equation, "name: equation" in the block's language, for the nodes the registry links to one."""
    links = [item.figure for item in registry.data.formula_sets.values() if item.figure is not None
             and item.figure.subject == graph.subject
             and all(graph.params.get(key) == value for key, value in item.figure.when.items())]
    if not links:  # a variant whose maths no formula set writes down (the 1997 LSTM, a Jordan network)
        return {}
    lang = str(graph.params.get("lang", "en"))
    equations = registry.data.equations_by_id()
    ids = {n.id for n in graph.nodes}
    titles = {}
    for node, eq_id in links[0].nodes.items():
        if node in ids:
            equation = equations[eq_id][1]
            text = equation.label.get(lang) + ("：" if lang == "zh" else ": ") + plain_latex(equation.latex)
            titles[node] = Tooltip(eq_id, text)
    return titles


def plain_latex(latex: str) -> str:
    """Registry LaTeX as plain text a reader can take in at a glance: σ, ⊙, c̃, hₜ₋₁, (QKᵀ)/(√d_k)."""
    text = _SIZES.sub("", latex)
    text = re.sub(r"\\begin\{cases\}(.*?)\\end\{cases\}",
                  lambda m: "[" + m.group(1).replace("\\\\", "; ").replace("&", ",") + "]", text, flags=re.S)
    text = _unwrap(text)
    text = re.sub(r"\\([A-Za-z]+|[,;:! ])", lambda m: SYMBOLS.get(m.group(1), m.group(1)), text)
    text = re.sub(r"([_^])\{([^{}]*)\}|([_^])([^\s{}\\])", _script, text)
    text = text.replace("{", "").replace("}", "")
    return re.sub(r"\s+", " ", text).replace("( ", "(").replace(" )", ")").strip()


_ARG = r"(\{(?:[^{}]|\{[^{}]*\})*\}|[A-Za-z])"
_ONE_ARG = re.compile(r"\\(operatorname|mathrm|text|mathbf|mathit|sqrt|tilde|bar|hat)\s*" + _ARG)
_FRACTION = re.compile(r"\\d?frac\s*" + _ARG + r"\s*" + _ARG)


def _unwrap(text: str) -> str:
    """Commands with arguments, innermost first: fonts and names unwrapped, roots and accents, then fractions."""
    while True:
        match = _ONE_ARG.search(text)
        if match is not None:
            name, arg = match.group(1), match.group(2).removeprefix("{").removesuffix("}")
            if name == "sqrt":
                out = "√" + arg if len(arg) == 1 else f"√({arg})"
            elif name in _ACCENTS:
                out = arg + _ACCENTS[name]
            else:
                out = arg
        else:
            match = _FRACTION.search(text)
            if match is None:
                return text
            top, bottom = (g.removeprefix("{").removesuffix("}") for g in match.groups())
            out = f"({top})/({bottom})"
        text = text[:match.start()] + out + text[match.end():]


def _script(match: re.Match[str]) -> str:
    """A sub- or superscript in Unicode when every character has a form, else marked with ``_``/``^``."""
    mark = match.group(1) or match.group(3)
    body = (match.group(2) if match.group(1) else match.group(4)).replace(" ", "")
    table = _SUB if mark == "_" else _SUP
    converted = body.translate(table)
    if all(c != o for c, o in zip(converted, body, strict=True)):
        return converted
    if body in ("⊤", "T"):
        return "ᵀ"
    return f"{mark}{body}" if len(body) == 1 else f"{mark}({body})"
