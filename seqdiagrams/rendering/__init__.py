"""Render a parsed block to any output format: the one pipeline every host calls.

``spec → IR → DOT → SVG/PNG → finished SVG/HTML``. Hosts pass an ``ordinal`` (the block's
position on its page) so element ids are unique per page yet deterministic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.rendering.dot import emit
from seqdiagrams.rendering.engine import layout
from seqdiagrams.rendering.html import figure
from seqdiagrams.rendering.svg import finish_svg
from seqdiagrams.subjects import get_subject

if TYPE_CHECKING:
    from collections.abc import Callable

    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.rendering.cache import LayoutCache
    from seqdiagrams.spec import Spec

OutputFormat = Literal["svg", "dot", "ir-json", "html", "png"]
FORMATS: tuple[str, ...] = ("svg", "dot", "ir-json", "html", "png")


def _uncached(dot: str, fmt: str, render: Callable[[str, str], bytes]) -> bytes:
    return render(dot, fmt)


def build_graph(spec: Spec, registry: Registry) -> Graph:
    """The IR of ``spec``; registry lookups that fail become located errors."""
    try:
        return get_subject(spec.subject).build(spec, registry)
    except KeyError as exc:
        raise SpecError.at(Subtype.REGISTRY, f"the registry has no entry {exc}", spec.loc,
                           "check your registry overlay") from None


def id_prefix(spec: Spec, ordinal: int = 0) -> str:
    """Deterministic element-id prefix: content hash plus the block's ordinal on its page."""
    return f"sqd-{spec.digest()[:8]}" + (f"-{ordinal}" if ordinal else "")


def render_spec(spec: Spec, fmt: OutputFormat, registry: Registry, ordinal: int = 0,
                cache: LayoutCache | None = None) -> str | bytes:
    """Render ``spec`` as ``fmt``: text for every format but PNG, which is bytes.

    With a ``cache``, Graphviz runs only for DOT it has not laid out before.
    """
    graph = build_graph(spec, registry)
    if fmt == "ir-json":
        return graph.to_json()
    dot = emit(graph, spec["highlight"])
    if fmt == "dot":
        return dot
    draw = cache.get if cache else _uncached
    if fmt == "png":
        return draw(dot, "png", layout)
    prefix = id_prefix(spec, ordinal)
    svg = finish_svg(draw(dot, "svg", layout), prefix, graph.title, graph.desc, spec["theme"])
    if fmt == "svg":
        return svg + "\n"
    return figure(svg, prefix, graph.caption or graph.title, spec["id"]) + "\n"
