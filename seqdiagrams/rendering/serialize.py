"""Models to output: one serializer per model and format, and the ``render`` a model subject declares.

A subject that is not a diagram builds a model (:mod:`seqdiagrams.models`) from the block and the registry;
:func:`render_model` turns its model builder into the ``render`` of its :class:`~seqdiagrams.subjects.Subject`,
which writes the model in the requested format with the serializers below. A formula that KaTeX refuses
while a model is written becomes an error located at the registry entry that holds it, or at the block.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from seqdiagrams.models import EraTableModel, EvolutionModel, FormulaSection, PlotModel, TableModel, TimelineModel
from seqdiagrams.rendering import attention_weights_plot, complexity_plot, positional_encoding_plot, scan_plot
from seqdiagrams.rendering.formula_sections import section_html, section_json, section_latex, section_md
from seqdiagrams.rendering.mathtext import MathError
from seqdiagrams.rendering.plot import PlotText, render_plot
from seqdiagrams.rendering.tables import table_html, table_json, table_md
from seqdiagrams.rendering.timelines import timeline_html, timeline_json, timeline_md
from seqdiagrams.subjects import Output

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from matplotlib.figure import Figure

    from seqdiagrams.errors import Location
    from seqdiagrams.registry import Registry
    from seqdiagrams.rendering.plot import Palette
    from seqdiagrams.spec import Spec

Model = TableModel | FormulaSection | TimelineModel | EvolutionModel | EraTableModel | PlotModel
"""Every model a subject may return."""
PLOTS: dict[str, tuple[Callable[[Figure, Mapping[str, Any], Palette], None], tuple[float, float]]] = {
    "complexity": (complexity_plot.draw, complexity_plot.SIZE),
    "positional-encoding": (positional_encoding_plot.draw, positional_encoding_plot.SIZE),
    "attention-weights": (attention_weights_plot.draw, attention_weights_plot.SIZE),
    "mamba-scan": (scan_plot.draw, scan_plot.SIZE),
}
"""The drawing and size (inches) of each kind of :class:`~seqdiagrams.models.PlotModel`."""


def to_json(document: Any) -> str:
    """The JSON every model's data is written as: UTF-8 text, two-space indents, a final newline."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def serialize(model: Model, fmt: str, prefix: str, styles: bool, block: Location) -> str | bytes:
    """``model`` written as ``fmt`` (html: a figure's body with element ids under ``prefix``; ``styles``: its
    stylesheet inline). Raises :class:`~seqdiagrams.rendering.mathtext.MathError` for a formula KaTeX refuses."""
    if isinstance(model, PlotModel):
        draw, size = PLOTS[model.kind]
        text = PlotText(model.title, model.desc, model.caption)
        return render_plot(fmt, model.data, draw, text, prefix, model.theme, size, styles).body
    if isinstance(model, TableModel):
        if fmt == "json":
            return to_json(table_json(model))
        return table_md(model) if fmt == "md" else table_html(model, prefix, block)
    if isinstance(model, FormulaSection):
        if fmt == "json":
            return to_json(section_json(model))
        if fmt == "md":
            return section_md(model, block)
        return section_latex(model, block) if fmt == "latex" else section_html(model, prefix, styles, block)
    if fmt == "json":
        return to_json(timeline_json(model))
    return timeline_md(model) if fmt == "md" else timeline_html(model, prefix, styles)


def render_model(build: Callable[[Spec, Registry], Model]) -> Callable[[Spec, Registry, str, str, bool], Output]:
    """The ``render`` of a subject whose ``build`` returns a model: the model serialized, its caption."""

    def render(spec: Spec, registry: Registry, fmt: str, prefix: str, styles: bool = True) -> Output:
        model = build(spec, registry)
        try:
            body = serialize(model, fmt, prefix, styles, spec.loc)
        except MathError as exc:
            raise exc.located(spec.loc, "fix its LaTeX in the registry overlay that defines it", registry) from None
        return Output(body, model.caption)

    return render
