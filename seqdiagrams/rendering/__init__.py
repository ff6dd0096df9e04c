"""Render a parsed block to any output format: the one pipeline every host calls.

``spec → IR → DOT → SVG/PNG → finished SVG/HTML``. Hosts pass an ``ordinal`` (the block's
position on its page) so element ids are unique per page yet deterministic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from markupsafe import Markup, escape

from seqdiagrams.errors import Diagnostic, SpecError, Subtype, at_block, did_you_mean, internal_error
from seqdiagrams.identity import block_key, code_stamp, renderer_versions
from seqdiagrams.params import STEP_PARAMS
from seqdiagrams.rendering.dot import emit
from seqdiagrams.rendering.engine import graphviz_version, layout
from seqdiagrams.rendering.html import Stepper, figure
from seqdiagrams.rendering.measure import COLUMN_PX
from seqdiagrams.rendering.svg import STEPPER_CSS, animation_css, finish_svg, natural_width, view_box_of
from seqdiagrams.rendering.tooltips import equation_titles
from seqdiagrams.steps import plan, step_numbers
from seqdiagrams.subjects import GRAPH_FORMATS, get_subject

if TYPE_CHECKING:
    from collections.abc import Callable

    from seqdiagrams.errors import Location
    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.rendering.cache import DiskCache
    from seqdiagrams.spec import Spec
    from seqdiagrams.steps import Step

OutputFormat = Literal["svg", "dot", "ir-json", "html", "png", "md", "json"]
FORMATS: tuple[str, ...] = ("svg", "dot", "ir-json", "html", "png", "md", "json")
"""Every output format; each subject supports a subset (``Subject.formats``)."""


def _layout(dot: str, fmt: Literal["svg", "png"], cache: DiskCache | None) -> bytes:
    if cache is None:
        return layout(dot, fmt)
    return cache.get(f"{graphviz_version()}\0{fmt}\0{dot}", fmt, lambda: layout(dot, fmt))


def build_graph(spec: Spec, registry: Registry) -> Graph:
    """The IR of ``spec``; a registry lookup that fails is blamed on an overlay only when there is one."""
    from seqdiagrams.registry import Registry

    subject = get_subject(spec.subject)
    build = subject.build
    if build is None or subject.uses_render(spec):
        raise SpecError.at(Subtype.BAD_VALUE, f"`{spec.subject}` is not a diagram and has no graph", spec.loc)
    try:
        graph = build(spec, registry)
    except KeyError as exc:
        if registry.digest == Registry.default().digest:  # the packaged data lacks what its own figure needs
            raise internal_error(exc, spec.loc) from exc
        raise SpecError.at(Subtype.REGISTRY, f"the registry has no entry {exc} that this figure needs", spec.loc,
                           "a registry overlay replaced a list or entry the figure reads; restore it") from None
    if spec.params.get("shapes"):
        from seqdiagrams.shapes import annotate

        annotate(graph, spec)
    return graph


def check_spec(spec: Spec, registry: Registry) -> None:
    """Everything that can fail about a valid spec, short of laying it out (``seqdiagrams check``)."""
    subject = get_subject(spec.subject)
    with at_block(spec.loc):
        if subject.render is not None and subject.uses_render(spec):
            subject.render(spec, registry, subject.golden, id_prefix(spec), True)
        else:
            build_graph(spec, registry)


def unmatched_highlights(spec: Spec, registry: Registry) -> list[Diagnostic]:
    """A :attr:`Subtype.HIGHLIGHT` diagnostic per ``highlight`` item that no node of the figure has as role or id.

    Such an item silently emphasises nothing; hosts report it as a warning (an error when strict), since
    the figure itself is right. Subjects that are not graphs check ``highlight`` themselves (formula
    sections: equation ids) or refuse it (tables, timelines).
    """
    if not spec["highlight"] or get_subject(spec.subject).uses_render(spec):
        return []
    nodes = build_graph(spec, registry).nodes
    names = {node.id for node in nodes} | {node.role for node in nodes}
    return [Diagnostic(Subtype.HIGHLIGHT, f"`{item}` in `highlight` matches no role or node id of this figure",
                       spec.location_of("highlight"),
                       did_you_mean(item, names) or "`--format ir-json` lists the figure's roles and node ids")
            for item in spec["highlight"] if item not in names]


def id_prefix(spec: Spec, ordinal: int = 0) -> str:
    """Deterministic element-id prefix: content hash plus the block's ordinal on its page."""
    return f"sqd-{spec.digest()[:8]}" + (f"-{ordinal}" if ordinal else "")


def render_spec(spec: Spec, fmt: OutputFormat, registry: Registry, ordinal: int = 0,
                cache: DiskCache | None = None, styles: bool = True) -> str | bytes:
    """Render ``spec`` as ``fmt``: text for every format but PNG, which is bytes.

    With a ``cache``, a figure already finished for this spec, registry, ordinal and code
    is reused whole, and Graphviz runs only for DOT it has not laid out before. ``styles``
    embeds the stylesheet in every SVG (self-contained output); a site that links
    :data:`~seqdiagrams.rendering.svg.STYLESHEET` once passes False. Raises only :class:`SpecError`,
    located at the block also when the fault is not the block's (``missing``, ``internal`` subtypes).
    """
    with at_block(spec.loc):
        if fmt == "html" and cache is not None:
            identity = figure_identity(spec, registry, ordinal, styles)
            produce = lambda: str(_render(spec, fmt, registry, ordinal, cache, styles)).encode()  # noqa: E731
            return cache.get(identity, "html", produce).decode()
        return _render(spec, fmt, registry, ordinal, cache, styles)


def block_identity(info: str, body: str, ordinal: int, lang: str, theme: str, styles: bool,
                   registry: Registry) -> str:
    """Everything a block's figure depends on, from its raw text: a warm build does not even parse it."""
    return block_key(info, body, ordinal, lang, theme, styles, registry.digest)


def render_block(info: str, body: str, info_loc: Location, body_loc: Location, ordinal: int, lang: str,
                 theme: str, styles: bool, registry: Registry, cache: DiskCache,
                 warn: Callable[[Diagnostic], None] | None = None) -> str:
    """A found block's figure HTML, with the site's default language and theme (hosts and prerender share it).

    Raises the located :class:`SpecError` of an invalid block (never cached). ``warn`` receives the
    block's warnings (:func:`unmatched_highlights`) on every build, warm or cold: a block that names
    ``highlight`` is parsed again for them even when its figure comes from the cache.
    """
    from seqdiagrams.spec import parse_parts, with_default_lang, with_theme

    def spec() -> Spec:
        return with_theme(with_default_lang(parse_parts(info, body, info_loc, body_loc), lang), theme)

    def produce() -> bytes:
        return str(_render(spec(), "html", registry, ordinal, cache, styles)).encode()  # cached once, here

    identity = block_identity(info, body, ordinal, lang, theme, styles, registry)
    with at_block(info_loc):
        html = cache.get(identity, "html", produce).decode()
        if warn is not None and "highlight" in info + body:
            for diagnostic in unmatched_highlights(spec(), registry):
                warn(diagnostic)
        return html


def figure_identity(spec: Spec, registry: Registry, ordinal: int, styles: bool) -> str:
    """Everything a finished figure depends on: the key of its cache entry."""
    return "\0".join(("html", code_stamp(), renderer_versions(), registry.digest, str(ordinal), str(styles),
                      spec.canonical()))


def figure_steps(spec: Spec, graph: Graph, registry: Registry) -> list[Step]:
    """The steps a figure is shown in: none unless its block asks for them (``steps``, ``animate``)."""
    asked = _asks_for_steps(spec)
    if not (asked or spec["animate"]):
        return []
    return plan(graph, registry, asked if isinstance(asked, tuple) else (), spec)


def _asks_for_steps(spec: Spec) -> bool | tuple[tuple[str, ...], ...]:
    """The block's ``steps`` value; mamba's own ``steps`` is the length of its scan plot, not a step-through."""
    return spec["steps"] if get_subject(spec.subject).params["steps"] is STEP_PARAMS["steps"] else False


def _render(spec: Spec, fmt: OutputFormat, registry: Registry, ordinal: int, cache: DiskCache | None,
            styles: bool) -> str | bytes:
    subject = get_subject(spec.subject)
    if fmt not in subject.formats:
        raise SpecError.at(Subtype.BAD_VALUE, f"`{spec.subject}` cannot be rendered as {fmt}", spec.loc,
                           "formats: " + ", ".join(subject.formats))
    if subject.render is not None and subject.uses_render(spec):
        prefix = id_prefix(spec, ordinal)
        output = subject.render(spec, registry, fmt, prefix, styles)
        if fmt != "html":
            return output.body
        caption = caption_html(spec["caption"] or output.caption, spec)
        return figure(str(output.body), prefix, caption, spec["id"]) + "\n"
    if fmt not in GRAPH_FORMATS:
        raise SpecError.at(Subtype.BAD_VALUE, f"this `{spec.subject}` view is a diagram, not {fmt}",
                           spec.loc, "formats: " + ", ".join(GRAPH_FORMATS))
    graph = build_graph(spec, registry)
    if fmt == "ir-json":
        return graph.to_json()
    steps = figure_steps(spec, graph, registry)
    dot = emit(graph, spec["highlight"], step_numbers(steps))
    if fmt == "dot":
        return dot
    if fmt == "png":
        return _layout(dot, "png", cache)
    prefix = id_prefix(spec, ordinal)
    css = animation_css(prefix, len(steps), spec["step_seconds"]) if spec["animate"] else ""
    css += STEPPER_CSS if _asks_for_steps(spec) else ""
    tooltips = equation_titles(graph, registry)
    svg = finish_svg(_layout(dot, "svg", cache), prefix, graph.title, graph.desc, spec["theme"], styles, css, tooltips)
    if fmt == "svg":
        return svg + "\n"
    wide = natural_width(view_box_of(svg)) > COLUMN_PX
    full_size = registry.label("phrase.figure-full-size", spec["lang"]) if wide else None
    stepper = None
    if steps and _asks_for_steps(spec):  # an animation plays by itself; a step-through waits for the reader
        words = [registry.label(f"phrase.figure-step-{key}", spec["lang"]) for key in ("previous", "next", "status")]
        stepper = Stepper(tuple(step.caption for step in steps), *words)
    back = registry.label("phrase.figure-equation-back", spec["lang"]) if tooltips else ""
    return figure(svg, prefix, caption_html(graph.caption or graph.title, spec), spec["id"], full_size, stepper,
                  back) + "\n"


def caption_html(caption: str, spec: Spec) -> Markup:
    """A caption as HTML: escaped, its ``$…$`` typeset by KaTeX at build time (as registry text is), so a
    page needs no math renderer of its own for our output."""
    from seqdiagrams.subjects._common import split_math, typeset

    parts = split_math(caption)
    if not any(is_math for is_math, _ in parts):
        return escape(caption)
    math = typeset({(False, part): "the caption's math" for is_math, part in parts if is_math}, spec,
                   "fix the LaTeX between the `$` signs of `caption`")
    return Markup("").join(Markup(math[(False, part)]) if is_math else escape(part) for is_math, part in parts)
