"""The reference pages of the documentation, generated from the code and the registry.

Nothing here is written by hand: every subject and key comes from the subjects' :class:`~seqdiagrams.params.Param`
declarations, every architecture, dimension, formula set and timeline event from the registry, every diagnostic
example from rendering a bad block, and the gallery from the subjects' own examples. So the documentation cannot
drift from what a build accepts. The module is pure (Markdown text out, no MkDocs import): the docs site's hook
calls :func:`pages`, and the tests read the same text.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import itertools
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import markdown

from seqdiagrams import errors
from seqdiagrams.assets import vendor_file
from seqdiagrams.cli import _parser
from seqdiagrams.errors import Diagnostic, Location, SpecError, Subtype, at_block, internal_error
from seqdiagrams.gallery import block_in, examples
from seqdiagrams.markdown_ext import SeqarchExtension
from seqdiagrams.options import SiteOptions
from seqdiagrams.params import COMMON_PARAMS, STEP_PARAMS, Param
from seqdiagrams.registry import Registry
from seqdiagrams.registry.schema import CLAIM_STATUSES, RegistryData
from seqdiagrams.rendering import check_spec, unmatched_highlights
from seqdiagrams.shapes import PARAMS as SHAPE_PARAMS
from seqdiagrams.spec import parse
from seqdiagrams.subjects import Subject, catalog

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

SHARED_KEYS: tuple[tuple[str, str, Mapping[str, Param]], ...] = (
    ("common", "Keys every subject accepts", COMMON_PARAMS),
    ("steps", "Step-through and animation keys (every diagram)", STEP_PARAMS),
    ("shapes", "Tensor-shape keys (every diagram that draws tensors)", SHAPE_PARAMS),
)
"""Key groups shared by many subjects: documented once, each subject's section links to the groups it takes."""

BAD_BLOCKS: tuple[tuple[Subtype, str], ...] = (
    (Subtype.SYNTAX, 'rnn caption="unclosed'),
    (Subtype.UNKNOWN_SUBJECT, "lstn view=cell"),
    (Subtype.UNKNOWN_KEY, "rnn unrol=3"),
    (Subtype.BAD_VALUE, "transformer norm=middle"),
    (Subtype.OUT_OF_RANGE, "rnn unroll=40"),
    (Subtype.TOO_LARGE, "compare archs=rnn,lstm,gru,transformer,mamba"),
    (Subtype.YAML, "transformer\nlayers: &n 2\nheads: *n"),
    (Subtype.HIGHLIGHT, "lstm highlight=forget-gate"),
)
"""One bad block per diagnostic subtype a block itself can cause; the page shows the message each one gets."""

BAD_OVERLAY = """\
dims:
  year:
    status: 'fact'
"""
"""A registry overlay with a claim status that does not exist (the ``registry`` example)."""

BAD_PAGE_MATH = "The score is $\\frac{QK^\\top}{\\sqrt{d_k}$ per pair."
"""A page line whose math KaTeX rejects, typeset with ``katex: page`` (the ``render`` example)."""


def pages(registry: Registry) -> dict[str, str]:
    """Every generated page, by its path in the site (``reference/subjects.md`` …)."""
    return {
        "reference/subjects.md": subjects_page(),
        "reference/registry.md": registry_page(registry),
        "reference/diagnostics.md": diagnostics_page(registry),
        "reference/options.md": options_page(),
        "reference/cli.md": cli_page(),
        "reference/overlay-fields.md": overlay_fields_page(),
        "gallery/index.md": gallery_page("en"),
        "zh/gallery/index.md": gallery_page("zh"),
    }


# -- subjects and keys ---------------------------------------------------------------------------------------------

def _cell(text: str) -> str:
    """Text for a Markdown table cell: pipes escaped, on one line."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(text: str) -> str:
    """``text`` as a code span in a table cell (a pipe in a code span does not split the cell; a backtick needs a
    longer fence)."""
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{' '.join(str(text).split())}{pad}{fence}"


def _key_table(params: Mapping[str, Param]) -> list[str]:
    rows = ["| key | type and bounds | default | meaning |", "|---|---|---|---|"]
    rows += [f"| `{key}` | {_code(param.describe())} | {_code(param.spelled())} | {_cell(param.help)} |"
             for key, param in params.items()]
    return [*rows, ""]


def own_keys(subject: Subject) -> dict[str, Param]:
    """The keys ``subject`` declares itself: its params minus the shared groups it takes unchanged."""
    return {key: param for key, param in subject.params.items()
            if not any(shared.get(key) is param for _, _, shared in SHARED_KEYS)}


def shared_groups(subject: Subject) -> list[str]:
    """The ids of the shared key groups ``subject`` takes (every key of the group, unchanged)."""
    return [group for group, _, shared in SHARED_KEYS
            if any(subject.params.get(key) is param for key, param in shared.items())]


def subjects_page() -> str:
    """Every subject: what it draws, its output formats, its own keys and the shared groups it takes."""
    lines = ["# Subjects and keys", "",
             "Generated from the subjects' parameter declarations, the same ones `seqdiagrams list keys SUBJECT` "
             "prints and every block is checked against. A key written twice (info string and body) takes the "
             "info string's value.", ""]
    for group, title, shared in SHARED_KEYS:
        lines += [f"## {title} {{#{group}}}", "", *_key_table(shared)]
    for name, subject in catalog().items():
        groups = shared_groups(subject)
        links = ", ".join(f"[{dict((g, t) for g, t, _ in SHARED_KEYS)[g].lower()}](#{g})" for g in groups)
        lines += [f"## `{name}` {{#subject-{name}}}", "", _cell(subject.help) + ".", "",
                  f"Formats: {', '.join(f'`{fmt}`' for fmt in subject.formats)}. Also takes: {links}.", ""]
        own = own_keys(subject)
        lines += _key_table(own) if own else ["No keys of its own.", ""]
        lines += ["Examples (each drawn in the [gallery](../gallery/index.md)):", "",
                  *[f"- `seqarch {example.partition(chr(10))[0]}`" for example in subject.examples], ""]
    return "\n".join(lines)


# -- registry ------------------------------------------------------------------------------------------------------

def registry_page(registry: Registry) -> str:
    """Every architecture, dimension, formula set, quoted table, timeline event and source of ``registry``."""
    data = registry.data
    lines = ["# Registry", "",
             "Generated from the packaged registry (`seqdiagrams/registry/data/*.yaml`), the data every label, "
             "table, timeline and formula section reads. An [overlay](../authoring/overlays.md) adds or "
             "overrides entries.", "",
             f"## Architectures ({len(data.archs)}) {{#archs}}", "",
             "| id | name | year | family | venue | sources |", "|---|---|---|---|---|---|"]
    lines += [f"| `{arch_id}` | {_cell(a.name.en)}<br>{_cell(a.name.zh)} | {a.year} | {a.family} | {_cell(a.venue)} | "
              f"{_keys(a.sources)} |" for arch_id, a in data.archs.items()]
    lines += ["", f"## Dimensions ({len(data.dims)}) {{#dims}}", "",
              "Rows of `seqarch table`; **default** rows are shown when a block gives no `dims`. "
              "The [claim status](../authoring/sources.md) says how each row is backed.", "",
              "| id | label | status | default | architectures | sources |", "|---|---|---|---|---|---|"]
    lines += [f"| `{dim_id}` | {_cell(d.label.en)}<br>{_cell(d.label.zh)} | {_code(d.status)} | "
              f"{'yes' if d.default else ''} | {', '.join(f'`{a}`' for a in d.values)} | {_keys(d.sources)} |"
              for dim_id, d in data.dims.items()]
    lines += ["", f"## Formula sets ({len(data.formula_sets)}) {{#formula-sets}}", "",
              "`seqarch formulas set=ID`, or `arch=ID` for an architecture's default set.", "",
              "| id | architecture | title | equations |", "|---|---|---|---|"]
    lines += [f"| `{set_id}` | {f'`{s.arch}`' if s.arch else '—'} | {_cell(s.title.en)}<br>{_cell(s.title.zh)} | "
              f"{', '.join(f'`{eq}`' for eq in s.equations)} |" for set_id, s in data.formula_sets.items()]
    lines += ["", f"## Quoted tables ({len(data.tables)}) {{#tables}}", "", "`seqarch table kind=ID`.", "",
              "| id | title | sources |", "|---|---|---|"]
    lines += [f"| `{table_id}` | {_cell(t.title.en)}<br>{_cell(t.title.zh)} | {_keys(t.sources)} |"
              for table_id, t in data.tables.items()]
    lines += ["", f"## Timeline events ({len(data.events)}) {{#events}}", "",
              "*Year* is the first archival appearance; the venue is where it was peer-reviewed.", "",
              "| year | event | architecture | first appearance; venue | sources |", "|---|---|---|---|---|"]
    lines += [f"| {e.year} | {_cell(e.label.en)}<br>{_cell(e.label.zh)} | {f'`{e.arch}`' if e.arch else '—'} | "
              f"{_cell(e.first_appearance)}; {_cell(e.venue_short or e.venue)} | {_keys(e.sources)} |"
              for e in data.events]
    lines += ["", f"## Eras ({len(data.eras)}) {{#eras}}", "", "| id | label | years |", "|---|---|---|"]
    lines += [f"| `{era_id}` | {_cell(era.label.en)}<br>{_cell(era.label.zh)} | {era.start}–{era.end} |"
              for era_id, era in data.eras.items()]
    lines += ["", f"## Sources ({len(data.sources)}) {{#sources}}", "", "| key | reference |", "|---|---|"]
    lines += [f"| <span id='source-{key.lower()}'></span>`{key}` | {_cell(source.text)} |"
              for key, source in data.sources.items()]
    return "\n".join([*lines, ""])


def _keys(sources: Iterable[str]) -> str:
    return ", ".join(f"[{key}](#source-{key.lower()})" for key in sources)


# -- diagnostics ---------------------------------------------------------------------------------------------------

def examples_of_diagnostics(registry: Registry) -> dict[Subtype, tuple[str, Diagnostic]]:
    """For every diagnostic subtype, what produces it and the diagnostic it produces, obtained by running it.

    Blocks are checked as ``seqdiagrams check`` checks them; the registry example loads a bad overlay; the render
    example typesets bad page math; ``missing`` asks for a vendored file no installation has, and ``internal``
    is what the block guard makes of an exception no check anticipated.
    """
    found = {subtype: (f"```seqarch {block}\n```", _block_diagnostic(block, registry)) for subtype, block in BAD_BLOCKS}
    found[Subtype.REGISTRY] = (f"overlay.yaml:\n{BAD_OVERLAY}", _overlay_diagnostic())
    found[Subtype.RENDER] = (f"page.md (katex: page):\n{BAD_PAGE_MATH}", _math_diagnostic())
    found[Subtype.MISSING] = ("an installation without the vendored KaTeX files", _missing_diagnostic())
    found[Subtype.INTERNAL] = ("a bug in seqdiagrams meeting the block", _guarded_diagnostic())
    return {subtype: found[subtype] for subtype in Subtype}


def _block_diagnostic(block: str, registry: Registry) -> Diagnostic:
    where = Location("page.md", 12, 1)
    try:
        spec = parse("seqarch " + block, where)
        check_spec(spec, registry)
        warnings = unmatched_highlights(spec, registry)
    except SpecError as exc:
        return exc.diagnostic
    if not warnings:
        raise ValueError(f"the example block `{block}` is valid: it documents no diagnostic")
    return warnings[0]


def _overlay_diagnostic() -> Diagnostic:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "overlay.yaml"
        path.write_text(BAD_OVERLAY, encoding="utf-8")
        try:
            Registry.load([path])
        except SpecError as exc:
            return dataclasses.replace(exc.diagnostic, loc=dataclasses.replace(exc.diagnostic.loc, path=path.name))
    raise ValueError("the bad overlay example loaded without an error")


def _math_diagnostic() -> Diagnostic:
    extension = SeqarchExtension(katex="page")
    found: list[Diagnostic] = []
    extension.report = found.append
    markdown.Markdown(extensions=[extension]).convert(BAD_PAGE_MATH)
    if not found:
        raise ValueError("KaTeX accepted the bad math example")
    return dataclasses.replace(found[0], loc=dataclasses.replace(found[0].loc, path="page.md"))


def _missing_diagnostic() -> Diagnostic:
    try:
        with at_block(Location("page.md", 12, 1)):
            vendor_file("katex/katex.absent.js")
    except SpecError as exc:
        return exc.diagnostic
    raise ValueError("a vendored file that should not exist does")


def _guarded_diagnostic() -> Diagnostic:
    return internal_error(ZeroDivisionError("division by zero"), Location("page.md", 12, 1)).diagnostic


def diagnostics_page(registry: Registry) -> str:
    """Every diagnostic subtype: what it means (its docstring), what causes it and the message a user sees."""
    lines = ["# Diagnostics", "",
             "Every problem is reported as `file:line:col: message (hint)`, with a subtype. In Sphinx the subtype "
             "is the warning's (`suppress_warnings = [\"seqdiagrams.unknown_key\"]`); in MkDocs and the CLI the "
             "message is the same. The examples below are produced when the docs are built, by the code that "
             "reports them.", ""]
    docs = _subtype_docs()
    for subtype, (cause, diagnostic) in examples_of_diagnostics(registry).items():
        fence = "````" if "```" in cause else "```"
        lines += [f"## `{subtype.value}`", "", _cell(docs[subtype]), "", f"{fence}text", cause.rstrip("\n"), fence,
                  "", "```text", diagnostic.format(), "```", ""]
    return "\n".join(lines)


def _subtype_docs() -> dict[Subtype, str]:
    """Each subtype's docstring (the text under its member in :mod:`seqdiagrams.errors`)."""
    tree = ast.parse(inspect.getsource(errors.Subtype))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[Subtype, str] = {}
    for node, after in itertools.pairwise(body):
        if isinstance(node, ast.Assign) and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
            docs[Subtype(node.value.value)] = inspect.cleandoc(str(after.value.value))  # type: ignore[attr-defined]
    return docs


# -- site options --------------------------------------------------------------------------------------------------

def options_page() -> str:
    """The site options, as the MkDocs plugin, the Markdown extension and Sphinx (``seqdiagrams_*``) take them."""
    lines = ["# Site options", "",
             "Generated from `seqdiagrams.options.SiteOptions`, the one definition the MkDocs plugin, the "
             "Markdown extension and the Sphinx extension (`seqdiagrams_<name>` in `conf.py`) all read.", "",
             "The MkDocs plugin also takes `enabled` and `workers` (see [Large sites](../how-to/large-sites.md)).",
             "", "| option | default | choices | meaning |", "|---|---|---|---|"]
    for item in dataclasses.fields(SiteOptions):
        choices = ", ".join(_code(json.dumps(c)) for c in item.metadata["choices"])
        lines.append(f"| `{item.name}` | {_code(json.dumps(_plain(item.default)))} | {choices or 'any'} | "
                     f"{_cell(item.metadata['help'])} |")
    return "\n".join([*lines, ""])


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# -- gallery -------------------------------------------------------------------------------------------------------

GALLERY_TEXT = {
    "en": ("Gallery", "Every subject and variant, drawn live when this site is built: the block above each figure "
           "is its whole source. Switch the palette (the sun/moon button) to see every figure follow it.",
           "Source"),
    "zh": ("图库", "每个主题及其变体，均在构建本站时实时绘制：每幅图上方的代码块就是它的完整源码。"
           "切换配色（太阳/月亮按钮），每幅图都会随之变化。", "源码"),
}
"""The gallery page's own words, per language (the figures' words come from the registry)."""


def gallery_page(lang: str) -> str:
    """Every example block of every subject in ``lang``: its source shown, then the same block rendered."""
    title, intro, _ = GALLERY_TEXT[lang]
    lines = [f"# {title}", "", intro, ""]
    current = ""
    for name, block in examples():
        if name != current:
            lines += [f"## `{name}` {{#{name}}}", ""]
            current = name
        source = "seqarch " + block_in(block, lang)
        info, _, body = source.partition("\n")
        lines += ["````markdown", f"```{info}", *([body] if body else []), "```", "````", "",
                  f"```{info}", *([body] if body else []), "```", ""]
    return "\n".join(lines)


def listed_names(registry: Registry) -> dict[str, set[str]]:
    """What ``seqdiagrams list`` reports, by listing: subjects, each subject's keys, architectures, dimensions."""
    names = {"subjects": set(catalog()), "archs": set(registry.data.archs), "dims": set(registry.data.dims)}
    for name, subject in catalog().items():
        names[f"keys {name}"] = set(subject.params)
    return names


def overlay_fields_page() -> str:
    """Every section and field of a registry overlay, from the registry's models (as the overlay schema): type,
    whether the merged registry requires it, its default and constraints, and the model's own description."""
    schema = RegistryData.model_json_schema()
    lines = ["# Overlay fields", "",
             "Generated from the registry's pydantic models, like the JSON Schema "
             "[`overlay.schema.json`](../authoring/overlay.schema.json) (`seqdiagrams schema`). "
             "*Required* is what the merged registry must have: an entry an overlay *adds* gives every required "
             "field, an entry it *changes* only the fields it changes (mappings merge key by key; a list replaces "
             "the packaged list, so its items are complete). No section is required in an overlay.", "",
             "## Sections {#sections}", "", *_field_table(schema), ""]
    for name, model in sorted(schema["$defs"].items()):
        lines += [f"## {name} {{#{name.lower()}}}", "", _cell(model.get("description", "")), "", *_field_table(model),
                  ""]
    lines += ["## Claim statuses {#claim-statuses}", "", "The `status` of a [dimension](#dimension):", "",
              "| status | meaning |", "|---|---|"]
    lines += [f"| {_code(status)} | {_cell(meaning)} |" for status, meaning in CLAIM_STATUSES.items()]
    return "\n".join([*lines, ""])


def _field_table(model: Mapping[str, Any]) -> list[str]:
    required = set(model.get("required", ()))
    rows = ["| field | type | required | default | constraints |", "|---|---|---|---|---|"]
    for field_name, spec in model.get("properties", {}).items():
        default = _code(json.dumps(spec["default"], ensure_ascii=False)) if "default" in spec else ""
        rows.append(f"| `{field_name}` | {_type(spec)} | {'yes' if field_name in required else ''} | {default} | "
                    f"{_constraints(spec)} |")
    return rows


def _type(spec: Mapping[str, Any]) -> str:
    """A schema's type in words, linking the models it names."""
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in spec:
        return " or ".join(_type(option) for option in spec["anyOf"])
    if "enum" in spec:
        return "one of " + ", ".join(_code(str(value)) for value in spec["enum"])
    if "const" in spec:
        return _code(str(spec["const"]))
    kind = spec.get("type", "any")
    if kind == "array":
        return f"list of {_type(spec.get('items', {}))}"
    if kind == "object" and isinstance(spec.get("additionalProperties"), dict):
        return f"mapping of id → {_type(spec['additionalProperties'])}"
    return {"string": "text", "integer": "integer", "boolean": "true/false", "null": "none", "number": "number",
            "object": "mapping"}.get(kind, kind)


def _constraints(spec: Mapping[str, Any]) -> str:
    words = {"minLength": "length ≥ {}", "maxLength": "length ≤ {}", "minimum": "≥ {}", "maximum": "≤ {}",
             "minItems": "≥ {} items", "maxItems": "≤ {} items", "minProperties": "≥ {} entries",
             "maxProperties": "≤ {} entries", "pattern": "matches {}"}
    found = [template.format(_code(str(spec[key])) if key == "pattern" else spec[key])
             for key, template in words.items() if key in spec]
    found += [_constraints(option) for option in spec.get("anyOf", ()) if _constraints(option)]
    return ", ".join(found)


def cli_page() -> str:
    """The help of ``seqdiagrams`` and of each of its commands, as the command line prints it."""
    def wide(prog: str) -> argparse.HelpFormatter:
        return argparse.RawDescriptionHelpFormatter(prog, width=100)

    parser = _parser()
    parser.formatter_class = wide
    lines = ["# Command line", "", "Generated from the command's own argument parser: `seqdiagrams --help` and "
             "`seqdiagrams COMMAND --help` print the same. Exit codes: 0 success, 1 invalid blocks, a failed render "
             "or stale regions (`regen --check`), 2 usage errors.", "", "```text", parser.format_help().rstrip(), "```",
             ""]
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    for name, command in commands.choices.items():
        command.formatter_class = wide
        lines += [f"## `seqdiagrams {name}`", "", "```text", command.format_help().rstrip(), "```", ""]
    return "\n".join(lines)
