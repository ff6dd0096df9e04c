"""Serializers of :class:`~seqdiagrams.models.FormulaSection`: HTML (KaTeX at build time), Markdown, LaTeX, JSON.

Every format but JSON is typeset by someone (KaTeX here, the page's math renderer, pdfLaTeX), so each first
typesets the section's formulas: that is where the registry's LaTeX is checked (one engine call, cached by
formula), and a formula KaTeX refuses is a :class:`~seqdiagrams.rendering.mathtext.MathError` naming the
registry entry that writes it. JSON is data: the LaTeX as the registry holds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.rendering.mathtext import Owner, Typeset, inline_math, typeset
from seqdiagrams.rendering.templating import fragment, latex_env, markdown_env

if TYPE_CHECKING:
    from seqdiagrams.errors import Location
    from seqdiagrams.models import FormulaSection

STYLESHEET = """\
.sqd-formulas{text-align:left;max-width:100%}
.sqd-formula{margin:.5em 0}
.sqd-formula-row{display:flex;align-items:center;gap:1em}
.sqd-formula-math{flex:1;min-width:0;overflow-x:auto;overflow-y:hidden}
.sqd-formula-label{margin:0 0 .2em;font-size:.9em}
.sqd-formula.sqd-highlight{border-left:3px solid #e11d48;padding-left:.6em}
.sqd-glossary{margin:1em 0;border-collapse:collapse;font-size:.9em}
.sqd-glossary caption{text-align:left;font-weight:bold}
.sqd-glossary td,.sqd-glossary th{padding:.2em .8em .2em 0;vertical-align:top;text-align:left}
.sqd-formula-sources-title{font-weight:bold;margin:.8em 0 .2em}
.sqd-formula-sources{font-size:.85em}
.sqd-figure .katex-display>.katex>.katex-html{display:block;position:relative}
"""
"""Layout of formula sections; hosts that link one stylesheet per site append it (KaTeX's own CSS is separate).
The last rule keeps KaTeX's own display layout against site CSS written for client-side math (e.g.
``.katex-display .katex-html{display:flex}``, which spreads and clips an equation)."""


def section_math(section: FormulaSection, block: Location) -> Typeset:
    """KaTeX HTML of every formula the section shows (one engine call), by ``(display, latex)``.

    An equation's or a symbol's ``latex`` is owned by its registry entry; math inside other text (labels,
    notes, meanings, sources) by what it is part of, located at the block."""
    owners = {(True, f.latex): Owner(f"equation `{f.id}`", (*f.entry, "latex")) for f in section.formulas}
    for symbol in section.symbols:
        owners.setdefault((False, symbol.latex), Owner(f"symbol `{symbol.id}`", ("symbols", symbol.id, "latex")))
    texts = [(text, Owner(f"the note of equation `{f.id}`")) for f in section.formulas for text in (f.label, f.note)]
    texts += [(symbol.meaning, Owner(f"the meaning of symbol `{symbol.id}`")) for symbol in section.symbols]
    texts += [(section.note, Owner(f"the note of formula set `{section.set_id}`"))]
    texts += [(ref.text, Owner(f"source `{ref.key}`")) for ref in section.references]
    for key, owner in inline_math(texts).items():
        owners.setdefault(key, owner)
    return typeset(owners, block)


def section_html(section: FormulaSection, prefix: str, styles: bool, block: Location) -> str:
    """``<div class="sqd-formulas">``: note, one ``sqd-formula`` per equation, glossary table, sources."""
    return fragment("formulas.html", section=section, prefix=prefix, math=section_math(section, block),
                    stylesheet=Markup(STYLESHEET) if styles else "")


def _checked(section: FormulaSection, block: Location) -> None:
    """Typeset the section's formulas only to check them, for output whose math stays TeX (Markdown, LaTeX).

    An installation without the KaTeX engine (a checkout built without npm, as pre-commit installs the
    ``regen`` hook) still writes such output: the TeX is the registry's, which the HTML builds check."""
    try:
        section_math(section, block)
    except SpecError as exc:
        if exc.diagnostic.subtype is not Subtype.MISSING:
            raise


def section_md(section: FormulaSection, block: Location) -> str:
    """``$$…$$`` display math, a GFM glossary with ``$…$`` symbols, a numbered source list."""
    _checked(section, block)
    return markdown_env().get_template("formulas.md").render(section=section)


def section_latex(section: FormulaSection, block: Location) -> str:
    """``equation*`` environments (``equation`` when numbered), a ``tabular`` glossary, text for pdfLaTeX."""
    _checked(section, block)
    return latex_env().get_template("formulas.tex").render(section=section)


def section_json(section: FormulaSection) -> dict[str, Any]:
    """DESIGN.md §3: the set, its equations with their exact LaTeX, its symbols and sources."""
    return {
        "set": section.set_id,
        "arch": section.arch,
        "title": section.title,
        "note": section.note,
        "equations": [{"id": f.id, "number": f.number, "label": f.label, "note": f.note, "latex": f.latex,
                       "sources": list(f.sources)} for f in section.formulas],
        "symbols": [{"id": s.id, "latex": s.latex, "meaning": s.meaning} for s in section.symbols],
        "sources": [{"key": ref.key, "text": ref.text, "url": ref.url} for ref in section.references],
    }
