r"""Formula sections: a registry formula set typeset with KaTeX at build time (REFERENCE.md §2–§3).

Contract. ``seqarch formulas arch=lstm`` shows the default set of an architecture (the set whose id
is the architecture id, else the first set about it); ``set=lstm-1997`` picks a set by id. ``arch=`` also
takes an alias (``gpt``, ``bert``, ``t5``) and the name of every diagram subject, so ``formulas arch=attention``
goes with ``seqarch attention`` (the set of that name); a wrong ``arch`` suggests ``set=`` ids too. Sets live
in ``registry/data/formulas.yaml`` (``formula_sets``: arch, title, equation ids, symbol ids, note), the
equations in ``archs.yaml``, the glossary in ``symbols``. A section shows, in the block's language:
the set's note; each equation, typeset from *exactly* the registry LaTeX, with its label and note
(``numbered=true`` adds (1), (2), …; ``highlight`` emphasises equation ids); a glossary of the set's
symbols; and the sources of its equations (``registry.data.sources``), else those of its
architecture. An unknown architecture or set is a located error with a suggestion; a formula
KaTeX cannot typeset (bad LaTeX in a registry overlay) is an error naming the equation or symbol.

Formats:

- ``html``: KaTeX HTML+MathML rendered in process (``rendering.katex``, no Node, no client-side math):
  ``<div class="sqd-formulas">`` with one ``<div class="sqd-formula">`` per equation, a
  ``<table class="sqd-glossary">`` and an ``<ol class="sqd-formula-sources">``; the set title is
  the figure caption. Pages need KaTeX's stylesheet (hosts add it where ``class="katex`` occurs).
- ``md``: ``$$…$$`` display math, a GFM glossary table with ``$…$`` symbols, a numbered source list.
- ``json``: ``{"set", "arch" (null for a set about no single architecture), "title", "note", "equations": [{"id",
  "number", "label", "note",
  "latex", "sources"}], "symbols": [{"id", "latex", "meaning"}], "sources": [{"key", "text", "url"}]}``.
- ``latex``: real LaTeX for PDF builds (the Sphinx extension): ``equation*`` environments (``equation``
  when numbered) around the registry LaTeX, a ``tabular`` glossary, text escaped for pdfLaTeX.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype, did_you_mean
from seqdiagrams.params import ARCH_ALIASES, BoolParam, TextParam, unalias
from seqdiagrams.subjects import Output, Subject, subject_names
from seqdiagrams.subjects._common import MATH, Words, html_text, is_web, split_math, typeset

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

PARAMS = {
    "arch": TextParam("", "architecture whose default formula set is shown (a registry id or alias, e.g. `lstm`, "
                      "`gpt`), or a diagram subject (`attention`, `mha`)", 64),
    "set": TextParam("", "formula set by id, e.g. `lstm-1997`, `gru-pytorch`, `attention` (registry formula_sets)",
                     64),
    "numbered": BoolParam(False, "number the equations (1), (2), …"),
}

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



@dataclass(frozen=True)
class Formula:
    """One equation of a section, as shown."""

    id: str
    latex: str
    label: str
    note: str
    number: int | None
    sources: tuple[str, ...]
    highlight: bool = False


@dataclass(frozen=True)
class Section:
    """A formula section before layout: what every format is rendered from."""

    set_id: str
    arch: str | None
    """None for a set about no single architecture (``scaling-laws``)."""
    title: str
    note: str
    formulas: tuple[Formula, ...]
    symbols: tuple[tuple[str, str, str], ...]
    """``(id, latex, meaning)`` per glossary entry."""
    sources: tuple[tuple[str, str, str | None], ...]
    """``(key, text, url)`` per cited source."""


def _validate(spec: Spec) -> None:
    if not spec["arch"] and not spec["set"]:
        raise SpecError.at(Subtype.BAD_VALUE, "a formula section needs `arch=` or `set=`", spec.loc,
                           "for example `seqarch formulas arch=lstm` or `seqarch formulas set=lstm-1997`")
    if "direction" in spec.given:
        raise SpecError.at(Subtype.BAD_VALUE, "a formula section has no `direction`", spec.location_of("direction"),
                           "remove `direction`")


# -- the section as data -------------------------------------------------------------------------------


def section_of(spec: Spec, registry: Registry) -> Section:
    """The section a spec asks for, every text read from ``registry``; unknown ids are located errors."""
    data = registry.data
    set_id = _set_id(spec, registry)
    chosen = data.formula_sets[set_id]
    lang = spec.lang
    equations = data.equations_by_id()
    wanted = spec["highlight"]
    for item in wanted:
        if item not in chosen.equations:
            raise SpecError.at(Subtype.BAD_VALUE, f"`{item}` is not an equation of the formula set `{set_id}`",
                               spec.location_of("highlight"), did_you_mean(item, chosen.equations))
    formulas = []
    for number, eq_id in enumerate(chosen.equations, 1):
        eq = equations[eq_id][1]
        formulas.append(Formula(eq.id, eq.latex, eq.label.get(lang), eq.note.get(lang) if eq.note else "",
                                number if spec["numbered"] else None, eq.sources, eq_id in wanted))
    keys: list[str] = []
    for formula in formulas:
        keys += [key for key in formula.sources if key not in keys]
    if not keys and chosen.arch is not None:
        keys = list(data.archs[chosen.arch].sources)
    sources = tuple((key, data.sources[key].text, data.sources[key].url) for key in keys)
    symbols = tuple((sid, data.symbols[sid].latex, data.symbols[sid].meaning(lang)) for sid in chosen.symbols)
    return Section(set_id, chosen.arch, chosen.title.get(lang), chosen.note.get(lang) if chosen.note else "",
                   tuple(formulas), symbols, sources)


def _set_id(spec: Spec, registry: Registry) -> str:
    data = registry.data
    arch, set_id = spec["arch"], spec["set"]
    if set_id and set_id not in data.formula_sets:
        hint = did_you_mean(set_id, tuple(data.formula_sets)) or "sets: " + ", ".join(data.formula_sets)
        raise SpecError.at(Subtype.BAD_VALUE, f"unknown formula set `{set_id}` in `set`", spec.location_of("set"),
                           hint)
    if not arch:
        return str(set_id)
    topic = _topic(arch, spec, registry)
    if not set_id:
        return topic
    about, other = data.formula_sets[topic].arch, data.formula_sets[set_id].arch
    if other != about:
        subject = f"`{other}`" if other else "no single architecture"
        raise SpecError.at(Subtype.BAD_VALUE, f"the formula set `{set_id}` is about {subject}, not `{about}`",
                           spec.location_of("set"), f"remove `arch`, or pick a set of `{about}`")
    return str(set_id)


def _topic(arch: str, spec: Spec, registry: Registry) -> str:
    """The formula set ``arch=`` names: an architecture's default set (also by an alias such as `gpt`), or the
    set named after a diagram subject that is not an architecture (`attention`, `mha`)."""
    data = registry.data
    arch_id = unalias(ARCH_ALIASES, arch)
    if arch_id in data.archs:
        found = data.formula_set_of(arch_id)
        if found is None:
            raise SpecError.at(Subtype.REGISTRY, f"the registry has no formula set for `{arch_id}`",
                               spec.location_of("arch"),
                               "add one under `formula_sets` in a registry overlay, or choose one with `set=`")
        return found
    topics = [name for name in subject_names() if name in data.formula_sets]
    if arch in topics:
        return str(arch)
    names = {name: name for name in (*data.archs, *(alias for alias, _ in ARCH_ALIASES), *topics)}
    written = {set_id: f"set={set_id}" for set_id in data.formula_sets if set_id not in names}
    raise SpecError.at(Subtype.BAD_VALUE, f"unknown architecture `{arch}` in `arch`", spec.location_of("arch"),
                       did_you_mean(arch, [*names, *written], written)
                       or "`seqdiagrams list archs` shows the architectures; `set=` takes a formula set id")


def render(spec: Spec, registry: Registry, fmt: str, id_prefix: str, styles: bool = True) -> Output:
    section = section_of(spec, registry)
    caption = spec["title"] or section.title
    words = Words(registry, spec.lang)
    if fmt == "json":
        return Output(_json(section), caption)
    if fmt == "md":
        return Output(_markdown(section, words), caption)
    if fmt == "latex":
        return Output(_latex(section, words), caption)
    style = f"<style>{STYLESHEET}</style>\n" if styles else ""  # self-contained, as diagrams are
    return Output(style + _html(section, words, id_prefix, _typeset(section, spec)), caption)


# -- KaTeX ---------------------------------------------------------------------------------------------


def _typeset(section: Section, spec: Spec) -> dict[tuple[bool, str], str]:
    """KaTeX HTML of every formula the section shows (one engine call), by ``(display, latex)``."""
    owners: dict[tuple[bool, str], str] = {}
    for formula in section.formulas:
        owners.setdefault((True, formula.latex), f"equation `{formula.id}`")
        for text in (formula.label, formula.note):
            owners.update({(False, math): f"the note of equation `{formula.id}`" for math in MATH.findall(text)
                           if (False, math) not in owners})
    for sid, latex, meaning in section.symbols:
        owners.setdefault((False, latex), f"symbol `{sid}`")
        owners.update({(False, math): f"the meaning of symbol `{sid}`" for math in MATH.findall(meaning)
                       if (False, math) not in owners})
    for math in MATH.findall(section.note):
        owners.setdefault((False, math), f"the note of formula set `{section.set_id}`")
    for key, text, _ in section.sources:
        for math in MATH.findall(text):
            owners.setdefault((False, math), f"source `{key}`")
    return typeset(owners, spec)


# -- HTML ----------------------------------------------------------------------------------------------


def _html(section: Section, words: Words, prefix: str, math: dict[tuple[bool, str], str]) -> str:
    out = ['<div class="sqd-formulas">']
    if section.note:
        out.append(f'<p class="sqd-formulas-note">{html_text(section.note, math)}</p>')
    for index, formula in enumerate(section.formulas, 1):
        classes = "sqd-formula sqd-highlight" if formula.highlight else "sqd-formula"
        number = "" if formula.number is None else (
            f'<span class="sqd-formula-number">{html.escape(words("phrase.formulas-number", n=formula.number))}</span>')
        note = f" — {html_text(formula.note, math)}" if formula.note else ""
        out += [f'<div class="{classes}" id="{prefix}-eq-{index}" data-equation="{html.escape(formula.id)}">',
                f'<div class="sqd-formula-row"><div class="sqd-formula-math">{math[(True, formula.latex)]}</div>'
                f"{number}</div>",
                f'<p class="sqd-formula-label"><strong>{html_text(formula.label, math)}</strong>{note}</p>',
                "</div>"]
    if section.symbols:
        out += ['<table class="sqd-glossary">', f"<caption>{html.escape(words('phrase.formulas-symbols'))}</caption>",
                "<thead>", f'<tr><th scope="col">{html.escape(words("phrase.formulas-symbol"))}</th>'
                f'<th scope="col">{html.escape(words("phrase.formulas-meaning"))}</th></tr>', "</thead>", "<tbody>"]
        out += [f"<tr><td>{math[(False, latex)]}</td><td>{html_text(meaning, math)}</td></tr>"
                for _, latex, meaning in section.symbols]
        out += ["</tbody>", "</table>"]
    out += [f'<p class="sqd-formula-sources-title">{html.escape(words("phrase.formulas-sources"))}</p>',
            '<ol class="sqd-formula-sources">']
    for number, (key, text, url) in enumerate(section.sources, 1):
        link = f' <a href="{html.escape(url or "")}">{html.escape(url or "")}</a>' if is_web(url) else ""
        out.append(f'<li id="{prefix}-source-{number}">[{html.escape(key)}] {html_text(text, math)}{link}</li>')
    out += ["</ol>", "</div>"]
    return "\n".join(out)


# -- Markdown ------------------------------------------------------------------------------------------


def _markdown(section: Section, words: Words) -> str:
    lines: list[str] = []
    if section.note:
        lines += [_md_text(section.note), ""]
    for formula in section.formulas:
        number = f"{words('phrase.formulas-number', n=formula.number)} " if formula.number is not None else ""
        note = f" — {_md_text(formula.note)}" if formula.note else ""
        lines += ["$$", formula.latex, "$$", "", f"{number}**{_md_text(formula.label)}**{note}", ""]
    if section.symbols:
        lines += [f"| {words('phrase.formulas-symbol')} | {words('phrase.formulas-meaning')} |", "|---|---|"]
        lines += ["| $" + latex.replace("|", r"\|") + "$ | " + _md_text(meaning).replace("|", r"\|") + " |"
                  for _, latex, meaning in section.symbols]
        lines.append("")
    lines += [f"{words('phrase.formulas-sources')}:", ""]
    lines += [f"{number}. [{key}] {_md_text(text)}" + (f" <{url}>" if is_web(url) else "")
              for number, (key, text, url) in enumerate(section.sources, 1)]
    return "\n".join(lines) + "\n"


def _md_text(text: str) -> str:
    """Markdown showing ``text`` as written: no raw HTML gets through; math stays ``$…$``."""
    out = []
    for is_math, part in split_math(text):
        if is_math:
            out.append("$" + re.sub(r"<(?=[A-Za-z/!?])", r"\\lt ", part) + "$")
        else:
            out.append(re.sub(r"&(?=#?[A-Za-z0-9]+;)", "&amp;", part).replace("<", "&lt;"))
    return "".join(out)


# -- JSON ----------------------------------------------------------------------------------------------


def _json(section: Section) -> str:
    data = {
        "set": section.set_id,
        "arch": section.arch,
        "title": section.title,
        "note": section.note,
        "equations": [{"id": f.id, "number": f.number, "label": f.label, "note": f.note, "latex": f.latex,
                       "sources": list(f.sources)} for f in section.formulas],
        "symbols": [{"id": sid, "latex": latex, "meaning": meaning} for sid, latex, meaning in section.symbols],
        "sources": [{"key": key, "text": text, "url": url} for key, text, url in section.sources],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


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


def _latex(section: Section, words: Words) -> str:
    out = []
    if section.note:
        out.append(_tex_text(section.note) + r"\par")
    for formula in section.formulas:
        env = "equation" if formula.number is not None else "equation*"
        note = f" --- {_tex_text(formula.note)}" if formula.note else ""
        out += [rf"\begin{{{env}}}", formula.latex, rf"\end{{{env}}}",
                rf"\noindent\textbf{{{_tex_text(formula.label)}}}{note}\par"]
    if section.symbols:
        out += [r"\par\medskip\noindent\textbf{" + _tex_text(words("phrase.formulas-symbols")) + r"}\par",
                r"\noindent\begin{tabular}{@{}l p{0.72\linewidth}@{}}"]
        out += [rf"\({latex}\) & {_tex_text(meaning)}\\" for _, latex, meaning in section.symbols]
        out.append(r"\end{tabular}\par")
    out.append(r"\par\medskip\noindent\textbf{" + _tex_text(words("phrase.formulas-sources")) + r"}\par")
    out += [rf"\noindent{number}. [{_tex_text(key)}] {_tex_text(text)}\par"
            for number, (key, text, _) in enumerate(section.sources, 1)]
    return "\n".join(out) + "\n"


def _tex_text(text: str) -> str:
    """LaTeX for registry text: ``$…$`` kept as math, ``code`` and ``*emphasis*`` marked up, the rest escaped."""
    out = []
    for is_math, part in split_math(text):
        if is_math:
            out.append(rf"\({part}\)")
            continue
        pieces = re.split(r"(`[^`]+`|\*[^*\s][^*]*\*)", part)
        for piece in pieces:
            if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
                out.append(r"\texttt{" + _tex_escape(piece[1:-1]) + "}")
            elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
                out.append(r"\emph{" + _tex_escape(piece[1:-1]) + "}")
            else:
                out.append(_tex_escape(piece))
    return "".join(out)


def _tex_escape(text: str) -> str:
    out = []
    for is_wide, run in _wide_runs(text):
        if is_wide:  # CJK: typeset by XeLaTeX/LuaLaTeX (xeCJK, luatexja); skipped, never an error, in pdfLaTeX
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


def _wide_runs(text: str) -> list[tuple[bool, str]]:
    """``text`` cut into runs of CJK (and other East Asian) characters and the rest."""
    return [(bool(re.match(_WIDE, run)), run) for run in re.split(f"({_WIDE}+)", text) if run]


_WIDE = "[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"


# -- shared --------------------------------------------------------------------------------------------


SUBJECT = Subject(
    name="formulas",
    help="equation section of an architecture, typeset with KaTeX at build time, with symbols and sources",
    own_params=PARAMS,
    render=render,
    formats=("html", "md", "json", "latex"),
    golden="json",
    validate=_validate,
    examples=(
        "formulas arch=rnn",
        "formulas arch=lstm",
        "formulas set=lstm-1997",
        "formulas set=lstm-peephole",
        "formulas arch=gru numbered=true",
        "formulas set=gru-swapped",
        "formulas set=gru-pytorch",
        "formulas set=mha",
        "formulas set=positional-encoding",
        "formulas set=transformer-sublayer",
        "formulas arch=s4",
        "formulas arch=mamba",
        "formulas set=attention numbered=true highlight=attn.scale-why",
        "formulas set=scaling-laws numbered=true",
    ),
)
