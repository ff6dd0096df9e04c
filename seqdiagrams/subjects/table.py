r"""Tables from the registry: the architecture comparison and tables quoted from papers (REFERENCE.md §4).

Contract. ``kind=comparison`` (the default) has one row per registry dimension and one column per
architecture: REFERENCE.md §4.2 (English) and §4.3 (Chinese), plus the few dimensions dims.yaml adds
with the § they come from. The default rows are the dims marked ``default: true``; ``dims=all`` shows
every one. ``kind=vaswani-table1`` is the Transformer paper's Table 1 with its values verbatim (§4.1);
``attention-variants``, ``transformer-families`` and ``bert-vs-gpt`` are the static tables of
``registry/data/tables.yaml`` (§2.6–§2.11, §3). Every value comes from the registry with its sources. A
cell the registry has no value for is "—" (``null`` in JSON), never filled in.

Formats:

- ``html``: ``<table class="sqd-table">`` with ``<th scope>`` headers, its title as the figure caption.
  Text is escaped; the registry's ``$…$`` math is typeset by KaTeX at build time (HTML+MathML, one engine
  call per table), whatever the site's ``katex`` option: a table is complete without a math renderer on
  the page (hosts link KaTeX's stylesheet where KaTeX output appears).
- ``md``: a GFM pipe table (``|`` escaped in cells, math kept as ``$…$``); what ``seqdiagrams regen`` writes.
- ``json``: DESIGN.md §3, ``{"archs": [{"id", "name"}], "rows": [{"dim", "label", "values", "source"}]}``.
  ``name`` is the column header, ``values`` maps column id → text or null, and ``source`` is the *list*
  of the row's source keys (``[]`` for a judgment without sources). In a static table the columns play
  the part of archs and the rows that of dims.

``transpose`` swaps rows and columns in html and md (JSON keeps its shape). ``notes=true`` numbers the
sources in order of first citation, marks each row header with its numbers (and ``J`` for a judgment),
and lists the full references under the table.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype, did_you_mean
from seqdiagrams.params import ARCH_ALIASES, BoolParam, ChoiceParam, ListParam
from seqdiagrams.subjects import Output, Subject, TextTable
from seqdiagrams.subjects._common import MATH, Typeset, Words, html_text, is_web, split_math, typeset

if TYPE_CHECKING:
    from collections.abc import Mapping

    from seqdiagrams.registry import Registry
    from seqdiagrams.registry.schema import Text
    from seqdiagrams.spec import Spec

KINDS = ("comparison", "vaswani-table1", "attention-variants", "transformer-families", "bert-vs-gpt")
"""``comparison`` reads dims.yaml; every other kind is the static table of that id in tables.yaml."""
DEFAULT_ARCHS = ("rnn", "lstm", "gru", "transformer", "mamba")
MISSING = "—"
"""What a cell without a registry value shows (JSON: null)."""

PARAMS = {
    "kind": ChoiceParam("comparison", "the architecture comparison, or a table quoted from papers", KINDS),
    "archs": ListParam(DEFAULT_ARCHS, "columns of kind=comparison: registry architecture ids", (), 1, 12,
                       aliases=ARCH_ALIASES),
    "dims": ListParam((), "rows of kind=comparison: registry dimension ids, or `all` (default: the default rows)",
                      (), 1),
    "transpose": BoolParam(False, "swap rows and columns"),
    "notes": BoolParam(False, "number each row's sources and list the references under the table"),
}

_TAG_START = re.compile(r"<(?=[A-Za-z/!?][^<]*>)")
"""A ``<`` that would start an HTML tag in Markdown (escaped as ``\\lt`` inside math)."""
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


@dataclass(frozen=True)
class Row:
    """One row as data: its cells by column id (None = no value), sources, and whether it is a judgment."""

    id: str
    label: str
    cells: Mapping[str, str | None]
    sources: tuple[str, ...]
    judgment: bool = False


@dataclass(frozen=True)
class Table:
    """A table before layout: what every format is rendered from."""

    title: str
    corner: str
    """Header of the row-header column."""
    corner_transposed: str
    columns: tuple[tuple[str, str], ...]
    """``(id, header)`` per column."""
    rows: tuple[Row, ...]
    legend: str = ""
    source_column: bool = False


@dataclass(frozen=True)
class Cell:
    """A laid-out cell: its text (None = no value) and note marks such as ``"1, 2, J"``."""

    text: str | None
    marks: str = ""


def _validate(spec: Spec) -> None:
    if spec["kind"] != "comparison":
        for key in ("archs", "dims"):
            if key in spec.given:
                raise SpecError.at(Subtype.BAD_VALUE, f"`{key}` chooses the columns or rows of kind=comparison only",
                                   spec.location_of(key), f"remove `{key}`, or use kind=comparison")
    for key in ("direction", "highlight"):
        if key in spec.given:
            raise SpecError.at(Subtype.BAD_VALUE, f"a table has no `{key}`", spec.location_of(key),
                               f"remove `{key}`")
    for key in ("archs", "dims"):
        items = list(spec[key])
        twice = [item for i, item in enumerate(items) if item in items[:i]]
        if twice:
            raise SpecError.at(Subtype.BAD_VALUE, f"`{twice[0]}` is listed twice in `{key}`", spec.location_of(key))
    if "all" in spec["dims"] and len(spec["dims"]) > 1:
        raise SpecError.at(Subtype.BAD_VALUE, "`dims=all` cannot be combined with other dimensions",
                           spec.location_of("dims"), "write `dims=all` alone")


# -- the table as data ---------------------------------------------------------------------------------


def table_of(spec: Spec, registry: Registry) -> Table:
    """The table a spec asks for, every value read from ``registry``; unknown ids are located errors."""
    words = Words(registry, spec.lang)
    if spec["kind"] == "comparison":
        return _comparison(spec, registry, words)
    return _static(spec, registry, words)


def _comparison(spec: Spec, registry: Registry, words: Words) -> Table:
    archs = _known(spec, "archs", "architecture", registry.data.archs)
    dims = registry.dims()
    if spec["dims"] == ("all",):
        dim_ids = list(dims)
    elif spec["dims"]:
        dim_ids = _known(spec, "dims", "dimension", dims)
    else:
        dim_ids = [dim_id for dim_id, dim in dims.items() if dim.default]
    lang = spec.lang
    columns = tuple((arch, words.short(arch)) for arch in archs)
    rows = tuple(
        Row(dim_id, dims[dim_id].label.get(lang),
            {arch: _get(dims[dim_id].values.get(arch), lang) for arch in archs},
            dims[dim_id].sources, "J" in dims[dim_id].status)
        for dim_id in dim_ids)
    title = words("phrase.table-comparison-title", archs=words.join([header for _, header in columns]))
    return Table(title, words("phrase.table-dimension"), words("phrase.table-architecture"), columns, rows)


def _static(spec: Spec, registry: Registry, words: Words) -> Table:
    table = registry.data.tables.get(spec["kind"])
    if table is None:
        raise SpecError.at(Subtype.REGISTRY, f"the registry has no table `{spec['kind']}`",
                           spec.location_of("kind"), "check your registry overlay")
    lang = spec.lang
    columns = tuple((column, text.get(lang)) for column, text in table.columns.items())
    rows = tuple(
        Row(row, label.get(lang), {column: _get(table.rows[row].get(column), lang) for column, _ in columns},
            table.sources_of(row))
        for row, label in table.row_labels.items())
    legend = table.notes.get(lang) if table.notes else ""
    return Table(table.title.get(lang), table.row_header.get(lang), "", columns, rows, legend, table.source_column)


def _known(spec: Spec, key: str, what: str, valid: Mapping[str, object]) -> list[str]:
    for item in spec[key]:
        if item not in valid:
            hint = did_you_mean(item, tuple(valid)) or f"`seqdiagrams list {key}` shows them all"
            raise SpecError.at(Subtype.BAD_VALUE, f"unknown {what} `{item}` in `{key}`", spec.location_of(key), hint)
    return list(spec[key])


def _get(text: Text | None, lang: str) -> str | None:
    return None if text is None else text.get(lang)


# -- layout --------------------------------------------------------------------------------------------


def _notes(table: Table) -> tuple[list[str], dict[str, str]]:
    """Source keys in order of first citation, and each row's marks (``"1, 2"``, ``"3, J"``)."""
    order: list[str] = []
    marks: dict[str, str] = {}
    for row in table.rows:
        order += [key for key in row.sources if key not in order]
        numbers = sorted(order.index(key) + 1 for key in row.sources)
        marks[row.id] = ", ".join([str(n) for n in numbers] + (["J"] if row.judgment else []))
    return order, marks


def _grid(table: Table, transpose: bool, marks: dict[str, str], source_header: str) -> list[list[Cell]]:
    """The cells as laid out: the header row first (corner first), then each row (row header first)."""
    sources = [Cell(", ".join(f"[{key}]" for key in row.sources) or None) for row in table.rows]
    if not transpose:
        grid = [[Cell(table.corner), *(Cell(header) for _, header in table.columns)]]
        grid += [[Cell(row.label, marks.get(row.id, "")), *(Cell(row.cells[column]) for column, _ in table.columns)]
                 for row in table.rows]
        if table.source_column:
            grid[0].append(Cell(source_header))
            for cells, source in zip(grid[1:], sources, strict=True):
                cells.append(source)
        return grid
    grid = [[Cell(table.corner_transposed), *(Cell(row.label, marks.get(row.id, "")) for row in table.rows)]]
    grid += [[Cell(header), *(Cell(row.cells[column]) for row in table.rows)] for column, header in table.columns]
    if table.source_column:
        grid.append([Cell(source_header), *sources])
    return grid


def render(spec: Spec, registry: Registry, fmt: str, id_prefix: str, styles: bool = True) -> Output:
    table = table_of(spec, registry)
    caption = spec["title"] or table.title
    if fmt == "json":
        return Output(_json(table), caption)
    words = Words(registry, spec.lang)
    keys, marks = _notes(table) if spec["notes"] else ([], {})
    grid = _grid(table, spec["transpose"], marks, words("phrase.table-source"))
    references = [_reference(key, registry) for key in keys]
    judgment = words("phrase.table-judgment") if spec["notes"] and any(r.judgment for r in table.rows) else ""
    if fmt == "md":
        return Output(_markdown(grid, table.legend, references, judgment), caption)
    texts = [cell.text for row in grid for cell in row if cell.text is not None]
    texts += [table.legend, judgment, *(text for _, text, _ in references)]
    math = typeset({(False, part): f"the math `{part}` of table `{table.title}`" for text in texts
                    for part in MATH.findall(text)}, spec)
    return Output(_html(grid, table.legend, references, judgment, id_prefix, math), caption)


def text_table(spec: Spec, registry: Registry) -> TextTable:
    """The table for hosts without HTML (Sphinx's LaTeX and text builders): same cells, "—" for no value."""
    table = table_of(spec, registry)
    grid = _grid(table, spec["transpose"], {}, Words(registry, spec.lang)("phrase.table-source"))
    texts = [tuple(cell.text or "—" for cell in row) for row in grid]
    widths = tuple(min(40, max(len(row[i]) for row in texts)) for i in range(len(texts[0])))
    return TextTable(spec["title"] or table.title, texts[0], tuple(texts[1:]), widths)


def _reference(key: str, registry: Registry) -> tuple[str, str, str | None]:
    source = registry.data.sources[key]
    return key, source.text, source.url


# -- JSON ----------------------------------------------------------------------------------------------


def _json(table: Table) -> str:
    data = {
        "archs": [{"id": column, "name": header} for column, header in table.columns],
        "rows": [{"dim": row.id, "label": row.label, "values": dict(row.cells), "source": list(row.sources)}
                 for row in table.rows],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- Markdown ------------------------------------------------------------------------------------------


def _markdown(grid: list[list[Cell]], legend: str, references: list[tuple[str, str, str | None]],
              judgment: str) -> str:
    lines = [_md_row(grid[0]), "|" + "|".join("---" for _ in grid[0]) + "|"]
    lines += [_md_row(cells) for cells in grid[1:]]
    if legend:
        lines += ["", _md_text(legend)]
    if references:
        lines.append("")
        for number, (key, text, url) in enumerate(references, 1):
            lines.append(f"{number}. [{key}] {_md_text(text)}" + (f" <{url}>" if is_web(url) else ""))
    if judgment:
        lines += ["", _md_text(judgment)]
    return "\n".join(lines) + "\n"


def _md_row(cells: list[Cell]) -> str:
    return "| " + " | ".join(_md_cell(cell) for cell in cells) + " |"


def _md_cell(cell: Cell) -> str:
    text = MISSING if cell.text is None else _md_text(re.sub(r"\s*[\r\n]+\s*", " ", cell.text)).replace("|", r"\|")
    return f"{text}<sup>{cell.marks}</sup>" if cell.marks else text


def _md_text(text: str) -> str:
    """Markdown that shows ``text`` as written: no raw HTML gets through; math stays ``$…$``."""
    out = []
    for is_math, part in split_math(text):
        if is_math:
            out.append("$" + _TAG_START.sub(r"\\lt ", part) + "$")
        else:
            out.append(_ENTITY.sub("&amp;", part).replace("<", "&lt;"))
    return "".join(out)


# -- HTML ----------------------------------------------------------------------------------------------


def _html(grid: list[list[Cell]], legend: str, references: list[tuple[str, str, str | None]], judgment: str,
          prefix: str, math: Typeset) -> str:
    out = ['<table class="sqd-table">', "<thead>",
           "<tr>" + "".join(_th(cell, "col", prefix, math) for cell in grid[0]) + "</tr>", "</thead>", "<tbody>"]
    out += ["<tr>" + _th(cells[0], "row", prefix, math) + "".join(_td(cell, math) for cell in cells[1:]) + "</tr>"
            for cells in grid[1:]]
    out += ["</tbody>", "</table>"]
    if legend:
        out.append(f'<p class="sqd-table-legend">{html_text(legend, math)}</p>')
    if references:
        out.append('<ol class="sqd-table-notes">')
        for number, (key, text, url) in enumerate(references, 1):
            link = f' <a href="{html.escape(url or "")}">{html.escape(url or "")}</a>' if is_web(url) else ""
            out.append(f'<li id="{prefix}-source-{number}">[{html.escape(key)}] {html_text(text, math)}{link}</li>')
        out.append("</ol>")
    if judgment:
        out.append(f'<p class="sqd-table-legend">{html_text(judgment, math)}</p>')
    return "\n".join(out)


def _th(cell: Cell, scope: str, prefix: str, math: Typeset) -> str:
    text = MISSING if cell.text is None else html_text(cell.text, math)
    return f'<th scope="{scope}">{text}{_html_marks(cell.marks, prefix)}</th>'


def _td(cell: Cell, math: Typeset) -> str:
    if cell.text is None:
        return f'<td class="sqd-missing">{MISSING}</td>'
    return f"<td>{html_text(cell.text, math)}</td>"


def _html_marks(marks: str, prefix: str) -> str:
    if not marks:
        return ""
    links = [f'<a href="#{prefix}-source-{mark}">{mark}</a>' if mark.isdigit() else mark
             for mark in marks.split(", ")]
    return f'<sup class="sqd-note-ref">{", ".join(links)}</sup>'


SUBJECT = Subject(
    name="table",
    help="comparison table of architectures, or a table quoted from papers (Transformer Table 1, attention, …)",
    own_params=PARAMS,
    render=render,
    formats=("html", "md", "json"),
    golden="md",
    validate=_validate,
    examples=(
        "table",
        "table dims=all",
        "table archs=rnn,transformer,mamba dims=parallel-training,inference-memory,complexity-per-layer",
        "table dims=year,paper,sizes,strengths,weaknesses,use-cases notes=true",
        "table archs=lstm,gru,mamba transpose=true",
        "table kind=vaswani-table1",
        "table kind=vaswani-table1 notes=true",
        "table kind=attention-variants",
        "table kind=transformer-families notes=true",
        "table kind=bert-vs-gpt",
        "table kind=bert-vs-gpt transpose=true",
    ),
)
