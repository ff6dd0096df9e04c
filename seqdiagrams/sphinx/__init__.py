"""Sphinx extension: ``extensions = ["seqdiagrams.sphinx"]`` (reStructuredText and MyST).

A thin host, like the Markdown extension: the block grammar, validation, rendering, caching and the
choice of what a block becomes outside HTML all live in the core; this package only maps them onto
Sphinx's phases and builders.

- :mod:`~seqdiagrams.sphinx.directive` — read time (parallel-safe): the ``seqarch`` directive.
- :mod:`~seqdiagrams.sphinx.visitors` — write time: the node in HTML, LaTeX and every other builder.
- :mod:`~seqdiagrams.sphinx.katex_math` — ``seqdiagrams_katex = "page"``: the page's own math as KaTeX.
- :mod:`~seqdiagrams.sphinx.assets` — the site stylesheet and the per-page KaTeX and step-script files.
- :mod:`~seqdiagrams.sphinx.config` — the ``seqdiagrams_*`` values, generated from
  :class:`~seqdiagrams.options.SiteOptions` and checked on ``config-inited``.
- :mod:`~seqdiagrams.sphinx.report` — the one warning helper: located, ``seqdiagrams.<subtype>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seqdiagrams import __version__
from seqdiagrams.sphinx import katex_math
from seqdiagrams.sphinx.assets import CSS_FILE, build_finished, page_assets
from seqdiagrams.sphinx.config import add_config_values, config_inited
from seqdiagrams.sphinx.directive import SeqarchDirective, load_before_forking, merge_info, option_spec, purge_doc
from seqdiagrams.sphinx.report import WARNING_TYPE, SeqdiagramsError
from seqdiagrams.sphinx.visitors import replace_for_builder, seqarch, visit_seqarch_html, visit_seqarch_latex

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["CSS_FILE", "ENV_VERSION", "WARNING_TYPE", "SeqarchDirective", "SeqdiagramsError", "seqarch", "setup",
           "visit_seqarch_html", "visit_seqarch_latex"]

ENV_VERSION = 1
"""Bump when the node's attributes change, so pickled environments are read again."""


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive, node, config values and event handlers."""
    add_config_values(app)
    SeqarchDirective.option_spec = option_spec()
    app.add_directive("seqarch", SeqarchDirective)
    app.add_node(seqarch, html=(visit_seqarch_html, None), latex=(visit_seqarch_latex, None))
    app.add_css_file(CSS_FILE)
    app.connect("config-inited", config_inited)
    app.connect("config-inited", katex_math.install)
    app.connect("env-before-read-docs", load_before_forking)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("doctree-resolved", replace_for_builder)
    app.connect("doctree-resolved", katex_math.typeset_document)
    app.connect("build-finished", build_finished)
    app.connect("html-page-context", page_assets)
    return {"version": __version__, "env_version": ENV_VERSION,
            "parallel_read_safe": True, "parallel_write_safe": True}
