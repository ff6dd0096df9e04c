"""DOT syntax for the emitter: quoted ids, attribute lists, and HTML-like labels built from escaped pieces.

Every string that reaches DOT passes through here: :func:`quote` for ids and attribute values,
:func:`escape` and :func:`math_html` for label text, so no user or registry string can close a
quote, inject an attribute or trigger Graphviz's ``\\N``-style escapes. :func:`node_width` sizes a
box for its label, counting CJK characters as full-width, so Chinese labels fit their boxes even
where the layout font measures them short.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

FONT_SIZE = 12
"""Points: the diagrams' text size (edge labels and marks are drawn a little smaller)."""
PEN_WIDTH = "1.2"
"""Points: the outline of a box and the line of an edge, unless a role or a highlight makes it thicker."""
_CHAR_EM = 0.62  # average advance of a Latin character, in ems
_PADDING_IN = 0.32
_MEMO = 4096
"""Distinct labels remembered by the label and size helpers: one site's figures repeat a few hundred names and
symbols in every figure, so emitting is mostly look-ups; the bound keeps a long ``mkdocs serve`` flat."""


class Html(str):
    """An HTML-like label body, already escaped; emitted between ``<`` and ``>`` instead of quotes."""


@lru_cache(maxsize=_MEMO)
def label_html(name: str, math: str) -> Html:
    """An HTML-like label: the component name (a line per ``\\n`` of a wrapped name), then its symbol in italics."""
    parts = []
    if name:
        parts += [escape(line) for line in name.split("\n")]
    if math:
        parts += [f"<I>{math_html(line)}</I>" for line in math.split("\n")]
    return Html("<BR/>".join(parts) or " ")


WORD_JOINER = "\u2060"
"""Invisible; breaks Graphviz's ``\\N``-style escapes and is removed again from the finished SVG."""
_GRAPHVIZ_ESCAPE = re.compile(r"\\(?=[GNEHTL])")
_REFERENCE = re.compile(r"(?<=url\()(?=#)")
"""Between ``url(`` and ``#``: text that reads like a reference to an element id."""


def escape(text: str) -> str:
    """HTML-escape, and break ``\\N``/``\\G``…: Graphviz expands them even inside HTML labels.

    ``url(#`` gets a word joiner too, so the SVG finisher, which prefixes ids and references by plain
    replacement, never takes label text for a reference (Graphviz escapes ``"``, so ``id="``/``href="#`` cannot
    occur in text)."""
    text = _REFERENCE.sub(WORD_JOINER, _GRAPHVIZ_ESCAPE.sub("\\\\" + WORD_JOINER, text))
    return html.escape(text)


def math_html(text: str) -> str:
    """Render ``h_{t-1}``/``W^{(2)}`` style markup as escaped HTML with SUB/SUP."""
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "_^" and i + 1 < len(text):
            tag = "SUB" if char == "_" else "SUP"
            if text[i + 1] == "{":
                end = _closing_brace(text, i + 1)
                inner, i = text[i + 2:end], end + 1
            else:
                inner, i = text[i + 1], i + 2
            out.append(f"<{tag}>{math_html(inner)}</{tag}>")
            continue
        out.append(escape(char))
        i += 1
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    for j in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return j
    return len(text)


def plain_math(text: str) -> str:
    """``h_{t-1}`` → ``h_t-1``-free plain text for alt text: braces dropped, markers kept readable."""
    return text.replace("_{", "_").replace("^{", "^").replace("{", "").replace("}", "")


@lru_cache(maxsize=_MEMO)
def node_width(name: str, math: str) -> float:
    """Minimum node width in inches, counting East-Asian wide characters as one em."""
    def ems(line: str) -> float:
        return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else _CHAR_EM for c in line)

    widest = max(*(ems(line) for line in name.split("\n")),
                 *(ems(plain_math(line)) * 0.9 for line in math.split("\n")))
    return round(widest * FONT_SIZE / 72 + _PADDING_IN, 2)


@lru_cache(maxsize=_MEMO)
def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def attr_list(attrs: dict[str, str]) -> str:
    items = []
    for key, value in attrs.items():
        rendered = f"<{value}>" if isinstance(value, Html) else quote(value)
        items.append(f"{key}={rendered}")
    return "[" + ", ".join(items) + "]"


def attr_line(kind: str, attrs: dict[str, str]) -> str:
    return f"  {kind} {attr_list(attrs)};"
