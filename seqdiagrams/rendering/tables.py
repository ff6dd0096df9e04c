"""Serializers of :class:`~seqdiagrams.models.TableModel`: HTML, Markdown and JSON (DESIGN.md §3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from seqdiagrams.rendering.mathtext import MATH, Owner, typeset
from seqdiagrams.rendering.templating import HtmlCell, fragment, html_env, html_text, markdown_env

if TYPE_CHECKING:
    from seqdiagrams.errors import Location
    from seqdiagrams.models import Cell, TableModel


def table_html(model: TableModel, prefix: str, block: Location) -> str:
    """``<table class="sqd-table">`` with ``<th scope>`` headers, then the legend, references and judgment; the
    registry's ``$…$`` math typeset by KaTeX at build time (one engine call), located at ``block`` if refused."""
    texts = [cell.text for row in (model.header, *model.rows) for cell in row if cell.text is not None]
    texts += [model.legend, model.judgment, *(ref.text for ref in model.references)]
    math = typeset({(False, part): Owner(f"the math `{part}` of table `{model.title}`") for text in texts
                    for part in MATH.findall(text)}, block)
    macros = html_env().get_template("_table.html").module

    def th(cell: Cell, scope: str) -> HtmlCell:
        text = model.missing if cell.text is None else html_text(cell.text, math)
        return HtmlCell("th", Markup(text) + macros.marks(cell.marks, prefix), scope)

    def td(cell: Cell) -> HtmlCell:
        if cell.text is None:
            return HtmlCell("td", Markup.escape(model.missing), classes="sqd-missing")
        return HtmlCell("td", Markup(html_text(cell.text, math)))

    header = [th(cell, "col") for cell in model.header]
    rows = [[th(cells[0], "row"), *(td(cell) for cell in cells[1:])] for cells in model.rows]
    return fragment("table.html", model=model, header=header, rows=rows, prefix=prefix, math=math)


def table_md(model: TableModel) -> str:
    """A GFM pipe table (``|`` escaped in cells, math kept as ``$…$``), then legend, references, judgment."""
    return markdown_env().get_template("table.md").render(model=model)


def table_json(model: TableModel) -> dict[str, Any]:
    """``{"archs": [{"id", "name"}], "rows": [{"dim", "label", "values", "source"}]}`` in registry shape."""
    return {
        "archs": [{"id": column, "name": header} for column, header in model.columns],
        "rows": [{"dim": r.id, "label": r.label, "values": dict(r.values), "source": list(r.sources)}
                 for r in model.records],
    }
