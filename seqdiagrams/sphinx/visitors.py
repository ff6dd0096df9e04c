"""Write time: the ``seqarch`` node in each kind of builder.

HTML builders inline the finished figure from the content-addressed cache. Every other builder gets
what :func:`~seqdiagrams.rendering.plain.plain_output` decides for its kind of document, turned into
docutils nodes here: a figure file to include (LaTeX), LaTeX math, a real table, a literal block or
alt text. This module only maps those answers onto docutils; it knows no subject.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes

from seqdiagrams.atomic import write_atomic
from seqdiagrams.errors import Location, SpecError
from seqdiagrams.rendering.html import error_box
from seqdiagrams.rendering.plain import Alt, Graphic, Math, Verbatim, alt_text, plain_output
from seqdiagrams.rendering.renderer import BlockText, Place
from seqdiagrams.sphinx.config import cache_folder, found_block, renderer
from seqdiagrams.sphinx.report import report
from seqdiagrams.subjects import TextTable

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator
    from sphinx.writers.latex import LaTeXTranslator

    from seqdiagrams.rendering.plain import Plain

class seqarch(nodes.General, nodes.Element):
    """A valid block: info string, YAML body, source path, line and ordinal (plain, picklable); in LaTeX,
    also the name of its figure file (``graphic``)."""


def node_block(node: seqarch) -> BlockText:
    return found_block(node["info"], node["body"], Location(node["path"], node["line"]))


def visit_seqarch_html(self: HTML5Translator, node: seqarch) -> None:
    """The finished ``<figure>`` inline (its own caption dropped when Sphinx's figure shows one)."""
    config = self.builder.config
    try:
        site = renderer(config, cache_folder(config, self.builder.doctreedir))
        html = site.render(node_block(node), Place(node["ordinal"])).html
    except SpecError as exc:
        report(exc.diagnostic, node, node["path"], config)
        d = exc.diagnostic
        html = error_box(d.message, str(d.loc), d.hint, f"seqarch {node['info']}\n{node['body']}".rstrip())
    if isinstance(node.parent, nodes.figure):
        html = _without_caption(html)
    self.body.append(html)
    raise nodes.SkipNode


def _without_caption(html: str) -> str:
    """The figure without its own ``<figcaption>``, always its last child (``figure.html``): Sphinx's numbered
    figure around it shows the caption. Cut by position, as a typeset caption holds markup of its own."""
    start, end = html.rfind("<figcaption>"), html.rfind("</figcaption>")
    if start < 0:
        return html
    return html[:start].rstrip("\n") + "\n" + html[end + len("</figcaption>"):].lstrip("\n")


def visit_seqarch_latex(self: LaTeXTranslator, node: seqarch) -> None:
    """The block's figure file (written by :func:`replace_for_builder`), included with ``\\sphinxincludegraphics``.

    ``\\sphinxincludegraphics`` is Sphinx's ``\\includegraphics`` that only ever scales down, to the line
    width and text height, as ``sphinx.ext.graphviz`` uses it.
    """
    graphic = rf"\sphinxincludegraphics[]{{{posixpath.join(self.builder.imgpath, node['graphic'])}}}"
    if isinstance(node.parent, nodes.figure):  # the figure environment adds \caption and \label
        self.body.append(f"\n{graphic}\n")
    else:  # no generated caption: it may hold characters (⊙, −) pdflatex cannot typeset
        self.body.append(f"\n\\begin{{center}}\n{graphic}\n\\end{{center}}\n")
    raise nodes.SkipNode


def replace_for_builder(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Outside HTML, each block becomes its stand-in for the builder's kind of document (``doctree-resolved``).

    A figure file is written now, into the builder's image folder under its content-addressed name (kept
    when already there: parallel writers and rebuilds agree on it), and the node stays for
    :func:`visit_seqarch_latex`; any other stand-in replaces the node.
    """
    fmt = app.builder.format
    if fmt == "html":
        return
    document = "latex" if fmt == "latex" else "text"
    config = app.config
    site = renderer(config, cache_folder(config, app.builder.doctreedir))
    for node in list(doctree.findall(seqarch)):
        try:
            plain: Plain = plain_output(site.spec(node_block(node)), site.registry, document, node["ordinal"])
            if isinstance(plain, Graphic):
                target = Path(app.builder.outdir) / app.builder.imagedir / plain.name
                if not target.is_file():
                    write_atomic(target, plain.produce())
        except SpecError as exc:
            report(exc.diagnostic, node, node["path"], config)
            plain = alt_text(site.registry, config.seqdiagrams_lang, node["info"])
        if isinstance(plain, Graphic):
            node["graphic"] = plain.name
        else:
            node.replace_self(_docutils(plain, node))


def _docutils(plain: Plain, node: seqarch) -> nodes.Element:
    """A stand-in as docutils nodes, located at the block."""
    in_figure = isinstance(node.parent, nodes.figure)
    out: nodes.Element
    if isinstance(plain, Math):  # under a rubric with its title, unless the figure's caption shows one
        raw = nodes.raw("", "\n" + plain.latex + "\\par\\medskip\n", format="latex")
        raw.source, raw.line = node.source, node.line
        out = raw if in_figure else nodes.container("", nodes.rubric(plain.caption, plain.caption), raw)
    elif isinstance(plain, TextTable):
        out = _table(plain, in_figure)
    elif isinstance(plain, Verbatim):
        out = nodes.literal_block(plain.text, plain.text, language="none")
    else:
        assert isinstance(plain, Alt)
        out = nodes.paragraph(classes=["sqd-alt"])
        out += nodes.Text(plain.text)
    out.source, out.line = node.source, node.line
    return out


def _table(table: TextTable, in_figure: bool) -> nodes.table:
    """A docutils table (real LaTeX, not an image): a 1-cell row heads a group and spans every column."""
    width = len(table.headers)
    # colwidths-given: LaTeX columns of these relative widths that wrap; a longtable cannot float in a figure
    out = nodes.table(classes=["colwidths-given"] if in_figure else ["longtable", "colwidths-given"])
    if not in_figure:  # in a figure, the figure's caption is the title
        out += nodes.title(table.caption, table.caption)
    group = nodes.tgroup(cols=width)
    out += group
    group += [nodes.colspec(colwidth=w) for w in table.widths]
    head, body = nodes.thead(), nodes.tbody()
    head += _row(table.headers, width)
    body += [_row(row, width) for row in table.rows]
    group += [head, body]
    return out


def _row(cells: tuple[str, ...], width: int) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        entry = nodes.entry(morecols=width - 1) if len(cells) == 1 else nodes.entry()
        para = nodes.paragraph()
        para += nodes.strong(text=cell) if len(cells) == 1 else nodes.Text(cell)
        entry += para
        row += entry
    return row
