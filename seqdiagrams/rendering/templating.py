r"""The Jinja environments the serializers write with: one per output language, each with its escaping.

- :func:`html_env`: autoescape on; ``|registry_html(math)`` writes registry text (escaped, ``$…$`` as the
  KaTeX HTML typeset for it, ``*emphasis*`` and ```code``` marked up).
- :func:`markdown_env`: no autoescape (Markdown is not HTML); every interpolation goes through a filter:
  ``|md`` (registry text that no Markdown dialect reads as raw HTML, math kept as ``$…$``), ``|md_cell``
  (the same inside a pipe-table cell: ``|`` escaped, one line) and ``|md_entities`` (text whose every
  markup character is a numeric entity, for cells that must stay literal everywhere).
- :func:`latex_env`: ``|tex`` escapes text for pdfLaTeX (``$…$`` kept as math, CJK for XeLaTeX/LuaLaTeX).

Templates live in ``rendering/templates/``; output is deterministic (no dates, no dict-order surprises).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
import markupsafe

from seqdiagrams.rendering.mathtext import Typeset, split_math


def _env(autoescape: bool, filters: dict[str, object], **syntax: str) -> jinja2.Environment:
    """HTML fragments go inside a figure (no final newline); Markdown and LaTeX documents end with one."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("seqdiagrams.rendering", "templates"),
        autoescape=autoescape,
        keep_trailing_newline=not autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        **syntax,
    )
    env.filters.update(filters)
    return env


# -- HTML ----------------------------------------------------------------------------------------------

_CODE = re.compile(r"`([^`]+)`")
_EMPHASIS = re.compile(r"\*([^*\s][^*]*)\*")


def html_text(text: str, math: Typeset) -> str:
    """Registry text as HTML: escaped, ``$…$`` typeset (from ``math``), ``*emphasis*`` and ``code`` marked up."""
    out = []
    for is_math, part in split_math(text):
        if is_math and (False, part) in math:
            out.append(math[(False, part)])
        elif is_math:
            out.append(html.escape(f"${part}$", quote=False))
        else:
            escaped = html.escape(part, quote=False)
            out.append(_CODE.sub(r"<code>\1</code>", _EMPHASIS.sub(r"<em>\1</em>", escaped)))
    return "".join(out)


def _registry_html(text: str, math: Typeset) -> markupsafe.Markup:
    return markupsafe.Markup(html_text(text, math))


def escape_text(text: str) -> markupsafe.Markup:
    """Plain text escaped as the hand-written HTML always was: quotes left as they are outside attributes."""
    return markupsafe.Markup(html.escape(text, quote=False))


@cache
def html_env() -> jinja2.Environment:
    """HTML templates, autoescaped (attributes and text alike)."""
    return _env(True, {"registry_html": _registry_html, "text": escape_text})


@dataclass(frozen=True)
class HtmlCell:
    """A cell as the shared row template (``_table.html``) writes it: ``<tag scope class>body</tag>``."""

    tag: str
    body: markupsafe.Markup
    scope: str = ""
    classes: str = ""


def fragment(template: str, **context: Any) -> str:
    """An HTML template rendered as a figure's body: its lines, without a final newline (the figure adds one)."""
    return html_env().get_template(template).render(**context).removesuffix("\n")


# -- Markdown ------------------------------------------------------------------------------------------

_TAG_START = re.compile(r"<(?=[A-Za-z/!?][^<]*>)")
"""A ``<`` that would start an HTML tag (written ``\\lt`` inside math; ``$x<y$`` stays as written)."""
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_ENTITIES = {char: f"&#{ord(char)};" for char in "&<>|*_`[]\\$~#!"}
"""Characters a literal Markdown cell shows through numeric entities: HTML, emphasis, code, links, math and the
cell separator, so that no registry or overlay text is read as markup by any Markdown dialect."""


def md_text(text: str) -> str:
    """Markdown that shows registry ``text`` as written: no raw HTML gets through; math stays ``$…$``."""
    out = []
    for is_math, part in split_math(text):
        if is_math:
            out.append("$" + _TAG_START.sub(r"\\lt ", part) + "$")
        else:
            out.append(_ENTITY.sub("&amp;", part).replace("<", "&lt;"))
    return "".join(out)


def md_cell(text: str) -> str:
    """Registry text in one pipe-table cell: on one line, ``|`` escaped."""
    return md_text(re.sub(r"\s*[\r\n]+\s*", " ", text)).replace("|", r"\|")


def md_entities(text: str) -> str:
    """``text`` on one line with every Markdown markup character as a numeric entity."""
    return "".join(_MD_ENTITIES.get(char, char) for char in " ".join(text.split()))


@cache
def markdown_env() -> jinja2.Environment:
    """Markdown templates: nothing is escaped unless a filter says how."""
    return _env(False, {"md": md_text, "md_cell": md_cell, "md_entities": md_entities})


# -- LaTeX ---------------------------------------------------------------------------------------------

_TEX_SPECIALS = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
                 "^": r"\textasciicircum{}", "_": r"\_", "%": r"\%", "~": r"\textasciitilde{}", "<": r"\textless{}",
                 ">": r"\textgreater{}", "[": "{[}", "]": "{]}", "–": "--", "—": "---", "…": r"\dots{}",
                 "\u00a0": "~"}
_TEX_MATH_CHARS = {"√": r"\surd", "⊙": r"\odot", "≈": r"\approx", "×": r"\times", "−": "-", "→": r"\rightarrow",
                   "←": r"\leftarrow", "↔": r"\leftrightarrow", "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "∞": r"\infty",
                   "±": r"\pm", "·": r"\cdot", "∑": r"\sum", "∈": r"\in", "Δ": r"\Delta", "Θ": r"\Theta",
                   "Λ": r"\Lambda", "Φ": r"\Phi", "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta",
                   "ε": r"\varepsilon", "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "π": r"\pi", "σ": r"\sigma",
                   "τ": r"\tau", "φ": r"\phi", "ω": r"\omega"}
"""Characters of registry text that pdfLaTeX has no text glyph for: set as math."""
_WIDE = "[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"


def tex_text(text: str) -> str:
    """LaTeX for registry text: ``$…$`` kept as math, ``code`` and ``*emphasis*`` marked up, the rest escaped."""
    out = []
    for is_math, part in split_math(text):
        if is_math:
            out.append(rf"\({part}\)")
            continue
        for piece in re.split(r"(`[^`]+`|\*[^*\s][^*]*\*)", part):
            if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
                out.append(r"\texttt{" + _tex_escape(piece[1:-1]) + "}")
            elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
                out.append(r"\emph{" + _tex_escape(piece[1:-1]) + "}")
            else:
                out.append(_tex_escape(piece))
    return "".join(out)


def _tex_escape(text: str) -> str:
    out = []
    for run in re.split(f"({_WIDE}+)", text):
        if re.match(_WIDE, run):  # CJK: typeset by XeLaTeX/LuaLaTeX (xeCJK, luatexja); skipped in pdfLaTeX
            out.append(rf"{{\ifdefined\XeTeXrevision {run}\else\ifdefined\directlua {run}\else ?\fi\fi}}")
            continue
        for char in run:
            if char in _TEX_SPECIALS:
                out.append(_TEX_SPECIALS[char])
            elif char in _TEX_MATH_CHARS:
                out.append(rf"\({_TEX_MATH_CHARS[char]}\)")
            else:
                out.append(char)
    return "".join(out)


@cache
def latex_env() -> jinja2.Environment:
    """LaTeX templates: ``|tex`` escapes text; registry LaTeX (equations, symbols) is written as it is.

    Jinja's braces and ``{#`` are LaTeX's own, so statements are ``\\BLOCK{…}`` and values ``\\VAR{…}``."""
    return _env(False, {"tex": tex_text}, block_start_string=r"\BLOCK{", block_end_string="}",
                variable_start_string=r"\VAR{", variable_end_string="}", comment_start_string=r"\#{",
                comment_end_string="}")
