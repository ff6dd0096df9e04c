"""Rendering: a found block → finished figure, through one :class:`Renderer` per site.

The package holds the renderer (:mod:`~seqdiagrams.rendering.renderer`), the pipeline behind it
(:mod:`~seqdiagrams.rendering.pipeline`: spec → IR → DOT → layout → finished SVG/HTML) and one module
per stage or output (``dot``, ``engine``, ``svg``, ``html``, ``katex``, ``plot``, ``cache`` …).

This file only names things: importing any of those modules runs it, and subjects import renderers
(``katex``, ``plot``) that the pipeline in turn imports them through, so the pipeline's names are
looked up on first use (:func:`__getattr__`) rather than imported here. ``from seqdiagrams.rendering
import render_spec`` therefore keeps working without making every renderer module depend on the
whole pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seqdiagrams.identity import code_stamp, renderer_versions
from seqdiagrams.rendering.renderer import (
    BlockText,
    FoundBlock,
    Place,
    Rendered,
    Renderer,
    Settings,
)

if TYPE_CHECKING:
    from seqdiagrams.types import FORMATS, OutputFormat

_PIPELINE = frozenset({"COLUMN_PX", "build_graph", "caption_html", "check_spec", "figure_steps", "id_prefix",
                       "render_spec", "unmatched_highlights"})
"""Names of :mod:`~seqdiagrams.rendering.pipeline` this package has always offered."""
_TYPES = frozenset({"FORMATS", "OutputFormat"})
"""Names of :mod:`seqdiagrams.types` this package offers: looked up on use too, since the renderer (which every
host imports, a warm MkDocs build included) needs none of the parameter declarations that module brings."""

__all__ = ["FORMATS", "BlockText", "FoundBlock", "OutputFormat", "Place", "Rendered", "Renderer", "Settings",
           "code_stamp", "renderer_versions", *sorted(_PIPELINE)]


def __getattr__(name: str) -> Any:
    if name in _PIPELINE:
        from seqdiagrams.rendering import pipeline  # on first use: see the module docstring

        return getattr(pipeline, name)
    if name in _TYPES:
        from seqdiagrams import types  # on first use: see _TYPES

        return getattr(types, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
