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

from dataclasses import dataclass
from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype, did_you_mean
from seqdiagrams.models import Cell, Record, Reference, TableModel
from seqdiagrams.params import ARCH_ALIASES, BoolParam, ChoiceParam, ListParam
from seqdiagrams.rendering.serialize import render_model
from seqdiagrams.subjects import Subject, TextTable
from seqdiagrams.subjects._common import Words

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


@dataclass(frozen=True)
class _Table:
    """A table before layout: its data columns and records, and the headers of its layout."""

    title: str
    corner: str
    """Header of the row-header column."""
    corner_transposed: str
    columns: tuple[tuple[str, str], ...]
    """``(id, header)`` per column."""
    rows: tuple[Record, ...]
    legend: str = ""
    source_column: bool = False


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


def table_of(spec: Spec, registry: Registry) -> TableModel:
    """The table a block asks for, laid out and with its notes, every value read from ``registry``; unknown ids
    are located errors (the model is documented in :class:`~seqdiagrams.models.TableModel`)."""
    words = Words(registry, spec.lang)
    table = _comparison(spec, registry, words) if spec["kind"] == "comparison" else _static(spec, registry, words)
    keys, marks = _notes(table) if spec["notes"] else ([], {})
    header, *rows = _grid(table, spec["transpose"], marks, words("phrase.table-source"))
    sources = registry.data.sources
    judgment = spec["notes"] and any(row.judgment for row in table.rows)
    return TableModel(spec["title"] or table.title, table.title, tuple(header), tuple(tuple(row) for row in rows),
                      table.columns, table.rows, table.legend,
                      tuple(Reference(key, sources[key].text, sources[key].url) for key in keys),
                      words("phrase.table-judgment") if judgment else "", MISSING)


def _comparison(spec: Spec, registry: Registry, words: Words) -> _Table:
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
        Record(dim_id, dims[dim_id].label.get(lang),
               {arch: _get(dims[dim_id].values.get(arch), lang) for arch in archs},
               dims[dim_id].sources, "J" in dims[dim_id].status)
        for dim_id in dim_ids)
    title = words("phrase.table-comparison-title", archs=words.join([header for _, header in columns]))
    return _Table(title, words("phrase.table-dimension"), words("phrase.table-architecture"), columns, rows)


def _static(spec: Spec, registry: Registry, words: Words) -> _Table:
    table = registry.data.tables.get(spec["kind"])
    if table is None:
        raise SpecError.at(Subtype.REGISTRY, f"the registry has no table `{spec['kind']}`",
                           spec.location_of("kind"), "check your registry overlay")
    lang = spec.lang
    columns = tuple((column, text.get(lang)) for column, text in table.columns.items())
    rows = tuple(
        Record(row, label.get(lang), {column: _get(table.rows[row].get(column), lang) for column, _ in columns},
               table.sources_of(row))
        for row, label in table.row_labels.items())
    legend = table.notes.get(lang) if table.notes else ""
    return _Table(table.title.get(lang), table.row_header.get(lang), "", columns, rows, legend, table.source_column)


def _known(spec: Spec, key: str, what: str, valid: Mapping[str, object]) -> list[str]:
    for item in spec[key]:
        if item not in valid:
            hint = did_you_mean(item, tuple(valid)) or f"`seqdiagrams list {key}` shows them all"
            raise SpecError.at(Subtype.BAD_VALUE, f"unknown {what} `{item}` in `{key}`", spec.location_of(key), hint)
    return list(spec[key])


def _get(text: Text | None, lang: str) -> str | None:
    return None if text is None else text.get(lang)


# -- layout --------------------------------------------------------------------------------------------


def _notes(table: _Table) -> tuple[list[str], dict[str, str]]:
    """Source keys in order of first citation, and each row's marks (``"1, 2"``, ``"3, J"``)."""
    order: list[str] = []
    marks: dict[str, str] = {}
    for row in table.rows:
        order += [key for key in row.sources if key not in order]
        numbers = sorted(order.index(key) + 1 for key in row.sources)
        marks[row.id] = ", ".join([str(n) for n in numbers] + (["J"] if row.judgment else []))
    return order, marks


def _grid(table: _Table, transpose: bool, marks: dict[str, str], source_header: str) -> list[list[Cell]]:
    """The cells as laid out: the header row first (corner first), then each row (row header first)."""
    sources = [Cell(", ".join(f"[{key}]" for key in row.sources) or None) for row in table.rows]
    if not transpose:
        grid = [[Cell(table.corner), *(Cell(header) for _, header in table.columns)]]
        grid += [[Cell(row.label, marks.get(row.id, "")), *(Cell(row.values[column]) for column, _ in table.columns)]
                 for row in table.rows]
        if table.source_column:
            grid[0].append(Cell(source_header))
            for cells, source in zip(grid[1:], sources, strict=True):
                cells.append(source)
        return grid
    grid = [[Cell(table.corner_transposed), *(Cell(row.label, marks.get(row.id, "")) for row in table.rows)]]
    grid += [[Cell(header), *(Cell(row.values[column]) for row in table.rows)] for column, header in table.columns]
    if table.source_column:
        grid.append([Cell(source_header), *sources])
    return grid


def text_table(spec: Spec, registry: Registry) -> TextTable:
    """The table for hosts without HTML (Sphinx's LaTeX and text builders): same cells, "—" for no value."""
    model = table_of(spec, registry)  # the cells' text: note marks and references are the HTML's
    texts = [tuple(cell.text or MISSING for cell in row) for row in (model.header, *model.rows)]
    widths = tuple(min(40, max(len(row[i]) for row in texts)) for i in range(len(texts[0])))
    return TextTable(model.caption, texts[0], tuple(texts[1:]), widths)



SUBJECT = Subject(
    name="table",
    help="comparison table of architectures, or a table quoted from papers (Transformer Table 1, attention, …)",
    own_params=PARAMS,
    render=render_model(table_of),
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
