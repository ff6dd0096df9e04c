"""``seqdiagrams_katex = "page"``: Sphinx's own math (``:math:``, ``.. math::``, MyST ``$…$``) typeset by KaTeX
at build time, through the same renderer as the Markdown side (:mod:`seqdiagrams.rendering.katex`).

A document's formulas go to the engine in one call before it is written; the HTML is kept on the nodes
as plain strings, so parallel writers receive it with the doctree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.locale import _
from sphinx.util.math import get_node_equation_number

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.rendering.katex import error_html, render_many
from seqdiagrams.sphinx.config import cache_for
from seqdiagrams.sphinx.report import warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.writers.html5 import HTML5Translator

RENDERER = "seqdiagrams"


def install(app: Sphinx, config: Config) -> None:
    """Register the math renderer and make it the default when the site asks for page math (``config-inited``)."""
    if config.seqdiagrams_katex != "page":
        return
    app.add_html_math_renderer(RENDERER, (visit_inline, None), (visit_block, None))
    config.html_math_renderer = config.html_math_renderer or RENDERER


def _source(node: nodes.Element) -> tuple[str, bool]:
    """The LaTeX KaTeX gets for a math node (a multi-part ``.. math::`` becomes one ``aligned``) and its mode."""
    display = isinstance(node, nodes.math_block)
    latex = node.astext()
    parts = [part for part in latex.split("\n\n") if part.strip()] if display else [latex]
    if display and len(parts) > 1 and not node.get("nowrap", node.get("no-wrap")):
        latex = "\\begin{aligned}" + "\\\\".join(parts) + "\\end{aligned}"
    return latex, display


def typeset_document(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A document's math typeset in one engine call (``doctree-resolved``)."""
    if app.builder.format != "html" or app.config.seqdiagrams_katex != "page":
        return
    found = list(doctree.findall(lambda n: isinstance(n, nodes.math | nodes.math_block)))
    if not found:
        return
    try:
        results = render_many([_source(node) for node in found], cache_for(app.builder))
    except SpecError:  # no engine in this installation: each formula says so at its line when it is written
        return
    for node, result in zip(found, results, strict=True):
        node["sqd_katex" if isinstance(result, str) else "sqd_katex_error"] = str(result)


def _html(self: HTML5Translator, node: nodes.Element) -> str:
    """The node's KaTeX HTML; a formula KaTeX rejects, or cannot typeset for want of its engine, is warned
    about at its line and shown as its LaTeX."""
    latex, display = _source(node)
    config = self.builder.config
    if "sqd_katex" in node:  # typeset with the rest of the document
        return str(node["sqd_katex"])
    if "sqd_katex_error" in node:
        message = str(node["sqd_katex_error"])
    else:  # not in the document's batch (a title shown elsewhere), or the batch found no engine
        try:
            result = render_many([(latex, display)], cache_for(self.builder))[0]
        except SpecError as exc:
            d = exc.diagnostic
            warn(config, d.message + (f" ({d.hint})" if d.hint else ""), node, d.subtype.value)
            return error_html(latex, d.message)
        if isinstance(result, str):
            return result
        message = str(result)
    message = " ".join(message.split())
    warn(config, f"KaTeX cannot typeset the formula: {message}", node, Subtype.RENDER.value)
    return error_html(latex, message)


def visit_inline(self: HTML5Translator, node: nodes.Element) -> None:
    self.body.append(f'<span class="math notranslate nohighlight">{_html(self, node)}</span>')
    raise nodes.SkipNode


def visit_block(self: HTML5Translator, node: nodes.Element) -> None:
    body = _html(self, node)
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node.get("number"):
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(body + "</div>\n")
    raise nodes.SkipNode
