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

from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype, did_you_mean
from seqdiagrams.models import Formula, FormulaSection, Reference, SectionWords, Symbol
from seqdiagrams.params import ARCH_ALIASES, BoolParam, TextParam, unalias
from seqdiagrams.rendering.formula_sections import STYLESHEET
from seqdiagrams.rendering.serialize import render_model
from seqdiagrams.subjects import Subject, subject_names
from seqdiagrams.subjects._common import Words

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

__all__ = ["PARAMS", "STYLESHEET", "SUBJECT", "section_of"]

PARAMS = {
    "arch": TextParam("", "architecture whose default formula set is shown (a registry id or alias, e.g. `lstm`, "
                      "`gpt`), or a diagram subject (`attention`, `mha`)", 64),
    "set": TextParam("", "formula set by id, e.g. `lstm-1997`, `gru-pytorch`, `attention` (registry formula_sets)",
                     64),
    "numbered": BoolParam(False, "number the equations (1), (2), …"),
}

def _validate(spec: Spec) -> None:
    if not spec["arch"] and not spec["set"]:
        raise SpecError.at(Subtype.BAD_VALUE, "a formula section needs `arch=` or `set=`", spec.loc,
                           "for example `seqarch formulas arch=lstm` or `seqarch formulas set=lstm-1997`")
    if "direction" in spec.given:
        raise SpecError.at(Subtype.BAD_VALUE, "a formula section has no `direction`", spec.location_of("direction"),
                           "remove `direction`")


# -- the section as data -------------------------------------------------------------------------------


def section_of(spec: Spec, registry: Registry) -> FormulaSection:
    """The section a spec asks for, every text read from ``registry`` in the block's language; unknown ids are
    located errors (the model is documented in :class:`~seqdiagrams.models.FormulaSection`)."""
    words = Words(registry, spec.lang)
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
        arch, eq = equations[eq_id]
        entry = ("equations", data.equations.index(eq)) if arch is None else (
            "archs", arch, "equations", data.archs[arch].equations.index(eq))
        shown = number if spec["numbered"] else None
        formulas.append(Formula(eq.id, eq.latex, eq.label.get(lang), eq.note.get(lang) if eq.note else "", shown,
                                words("phrase.formulas-number", n=shown) if shown else "", eq.sources,
                                eq_id in wanted, entry))
    keys: list[str] = []
    for formula in formulas:
        keys += [key for key in formula.sources if key not in keys]
    if not keys and chosen.arch is not None:
        keys = list(data.archs[chosen.arch].sources)
    references = tuple(Reference(key, data.sources[key].text, data.sources[key].url) for key in keys)
    symbols = tuple(Symbol(sid, data.symbols[sid].latex, data.symbols[sid].meaning(lang)) for sid in chosen.symbols)
    headings = SectionWords(*(words(f"phrase.formulas-{key}") for key in ("symbols", "symbol", "meaning", "sources")))
    title = chosen.title.get(lang)
    return FormulaSection(spec["title"] or title, set_id, chosen.arch, title,
                          chosen.note.get(lang) if chosen.note else "", tuple(formulas), symbols, references, headings)


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


SUBJECT = Subject(
    name="formulas",
    help="equation section of an architecture, typeset with KaTeX at build time, with symbols and sources",
    own_params=PARAMS,
    render=render_model(section_of),
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
