"""Evolution timelines and the problem → solution graph from the registry (REFERENCE.md §5), drawn at build time.

Contract. ``style=timeline`` (the default) places the registry's events (``events.yaml``) on a Mermaid
``timeline``, one section per era (``eras`` in ``timeline.yaml``), one period per year, events of a year in
registry order. ``dates=first`` (the default) places an event at its first archival appearance (arXiv v1
where one exists) and names the peer-reviewed venue beside it; ``dates=venue`` places it at the venue's
year and names the first appearance beside it when that differs, and marks work without a peer-reviewed
venue with † at its first appearance. The two are never mixed silently: the caption, the fallback table's
year header and the JSON (``dates``, and ``dating`` per event) say which year is shown. ``from``/``to``
bound the years shown and ``archs`` keeps the events of those registry architectures.

``style=graph`` draws the ``evolution`` graph of the registry as a Mermaid ``flowchart``: problems as
hexagons, solutions as rounded boxes, ``solves``/``leads-to`` edges solid and ``raises`` edges (a solution
bringing its own problem) dotted. ``archs`` keeps the nodes of those architectures and the edges between them.
An author draws a graph of their own with ``nodes:`` and ``edges:`` in the YAML body (typed by
:class:`~seqdiagrams.params.RecordListParam`): ``graph=own`` (the default when either is given) draws only
those, ``graph=both`` adds them after the registry's nodes (their edges may name registry nodes),
``graph=registry`` (the default otherwise) is the registry's alone. Own edges are checked like the registry's
(known ends, the direction their kind says, no loop or repeat), at the field that is wrong.

``style=table`` lists the registry's eras, the years their events span, and each era's breakthroughs and
limitations: nodes of the evolution graph named by the era (``timeline.yaml``), with their sources.

Formats:

- ``html``: the diagram drawn at build time as HTML and CSS, no script: a vertical era layout for
  ``style=timeline`` (one band per era in its family colour, one row per year, the events of a year stacked
  beside it), rows for ``style=graph`` (each problem, then the solutions that answer it and what they lead
  to, rank by rank, with the problems a solution raises linked below it). Both fit any text column at the
  page's own text size (a 27-event Mermaid timeline is 3390 px wide: shrunk into a 680 px column its text is
  unreadable, scrolled it shows three events at a time), follow the page's colours (text is inherited and
  tints are translucent, so a light, dark or custom scheme needs no switch), and are plain text for search
  and screen readers. The layout CSS is :data:`STYLESHEET` (inlined with ``styles``). The drawing is
  :mod:`seqdiagrams.rendering.timelines`' (this module, :mod:`._evolution`, :mod:`._own_graph` and :mod:`._eras`
  build the models of :mod:`seqdiagrams.models` it draws).
- ``md``: a ```` ```mermaid ```` fence (what ``seqdiagrams regen`` keeps in a file; GitHub draws it); for
  ``style=table`` a Markdown table whose text is written with numeric entities wherever Markdown could read it
  as markup.
- ``json``: DESIGN.md §3, ``{"dates", "events": [{"year", "arch", "label", "source", "dating"}]}``; the graph
  style gives ``{"nodes": [{"id", "kind", "label", "archs", "source"}], "edges": [{"src", "dst", "kind"}]}``
  (an author's nodes have no archs or sources); the table ``{"eras": [{"id", "label", "start", "end",
  "breakthroughs": [{"id", "label", "source"}], "limitations": […]}]}``.

Every registry or user string goes through :func:`seqdiagrams.rendering.mermaid.escape` in Mermaid source and
through HTML escaping in HTML. :func:`text_table` gives hosts without a browser (LaTeX, plain text) the same
content as a plain table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.ir import EVOLUTION_EDGES
from seqdiagrams.models import EraLabel, EraTableModel, EvolutionModel, TimelineEvent, TimelineModel
from seqdiagrams.params import (
    ARCH_ALIASES,
    BilingualParam,
    ChoiceParam,
    IntParam,
    ListParam,
    NameParam,
    RecordListParam,
)
from seqdiagrams.rendering.serialize import render_model
from seqdiagrams.rendering.timeline_style import STYLESHEET
from seqdiagrams.rendering.timelines import text_table as plain_table
from seqdiagrams.subjects import Subject, TextTable
from seqdiagrams.subjects._common import Words
from seqdiagrams.subjects._eras import era_model
from seqdiagrams.subjects._evolution import NODE_KINDS, evolution_model
from seqdiagrams.subjects._own_graph import validate_graph_keys
from seqdiagrams.subjects._timeline_shared import DIRECTIONS, filters, frame, graph_mode, known_archs, sentence

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.registry.schema import Event
    from seqdiagrams.spec import Spec

__all__ = ["MAX_EDGES", "MAX_LABEL", "MAX_NODES", "PARAMS", "STYLESHEET", "SUBJECT", "graph_mode", "text_table",
           "timeline_model"]

FIRST_YEAR, LAST_YEAR = 1980, 2030
"""Bounds of ``from`` and ``to``."""
STYLES = ("timeline", "graph", "table")
DATES = ("first", "venue")
GRAPHS = ("", "registry", "own", "both")
MAX_NODES, MAX_EDGES, MAX_LABEL = 32, 64, 80
"""Bounds of an author-defined graph: nodes, edges, characters of a label (each language)."""
_ONLY = {"from": ("timeline",), "to": ("timeline",), "dates": ("timeline",), "archs": ("timeline", "graph"),
         "graph": ("graph",), "nodes": ("graph",), "edges": ("graph",)}
"""The styles each key applies to."""
PARAMS = {
    "style": ChoiceParam("timeline", "a timeline of events by era, the problem → solution graph, or a table of "
                         "eras with their breakthroughs and limitations", STYLES),
    "from": IntParam(FIRST_YEAR, "first year shown (style=timeline)", FIRST_YEAR, LAST_YEAR),
    "to": IntParam(LAST_YEAR, "last year shown (style=timeline)", FIRST_YEAR, LAST_YEAR),
    "archs": ListParam((), "only events (graph: nodes) of these registry architecture ids (default: all)", (), 1,
                       aliases=ARCH_ALIASES),
    "dates": ChoiceParam("first", "place events at their first appearance (arXiv v1) or at their peer-reviewed "
                         "venue (style=timeline)", DATES),
    "graph": ChoiceParam("", "style=graph: the registry's graph, the block's own `nodes`/`edges`, or both merged "
                         "(default: own when the body gives nodes or edges, else registry)", GRAPHS),
    "nodes": RecordListParam((), "style=graph: the block's own nodes", fields=(
        ("id", NameParam("", "node id, what edges name")),
        ("kind", ChoiceParam("", "problem or solution", NODE_KINDS)),
        ("label", BilingualParam("", "the node's text", MAX_LABEL)),
    ), required=frozenset({"id", "kind", "label"}), max_items=MAX_NODES),
    "edges": RecordListParam((), "style=graph: the block's own edges (between its nodes, or registry nodes with "
                             "graph=both)", fields=(
        ("src", NameParam("", "id of the node the edge starts at")),
        ("dst", NameParam("", "id of the node the edge ends at")),
        ("kind", ChoiceParam("", "solves (problem → solution), leads-to (solution → solution), raises (solution → "
                             "problem)", tuple(EVOLUTION_EDGES))),
    ), required=frozenset({"src", "dst", "kind"}), max_items=MAX_EDGES),
}


def _validate(spec: Spec) -> None:
    if "highlight" in spec.given:
        raise SpecError.at(Subtype.BAD_VALUE, "a timeline has no `highlight`", spec.location_of("highlight"),
                           "remove `highlight`")
    style = spec["style"]
    for key, styles in _ONLY.items():
        if key in spec.given and style not in styles:
            which = " or ".join(f"style={name}" for name in styles)
            raise SpecError.at(Subtype.BAD_VALUE, f"`{key}` applies to {which} only", spec.location_of(key),
                               f"remove `{key}`, or use {which}")
    if style == "table" and "direction" in spec.given:
        raise SpecError.at(Subtype.BAD_VALUE, "a table of eras has no `direction`", spec.location_of("direction"),
                           "remove `direction`")
    if style == "graph":
        validate_graph_keys(spec)
    if spec["direction"] not in DIRECTIONS[style]:
        choices = "|".join(d for d in DIRECTIONS[style] if d)
        raise SpecError.at(Subtype.BAD_VALUE, f"a Mermaid {style} is laid out {choices}, not {spec['direction']}",
                           spec.location_of("direction"), f"use direction={choices.replace('|', ' or ')}")
    if spec["from"] > spec["to"]:
        where = "to" if "to" in spec.given else "from"
        raise SpecError.at(Subtype.OUT_OF_RANGE, f"`from` ({spec['from']}) is after `to` ({spec['to']})",
                           spec.location_of(where), "give a `from` year no later than the `to` year")
    archs = list(spec["archs"])
    twice = [item for i, item in enumerate(archs) if item in archs[:i]]
    if twice:
        raise SpecError.at(Subtype.BAD_VALUE, f"`{twice[0]}` is listed twice in `archs`", spec.location_of("archs"))


def timeline_model(spec: Spec, registry: Registry) -> TimelineModel | EvolutionModel | EraTableModel:
    """The model of the block's style: events by era, the evolution graph, or the table of eras."""
    if spec["style"] == "graph":
        return evolution_model(spec, registry)
    if spec["style"] == "table":
        return era_model(spec, registry)
    return events_model(spec, registry)


def text_table(spec: Spec, registry: Registry) -> TextTable:
    """The block's content as a plain table: what LaTeX and text builders show instead of the diagram."""
    return plain_table(timeline_model(spec, registry))


# -- the timeline of events ------------------------------------------------------------------------------


def events_model(spec: Spec, registry: Registry) -> TimelineModel:
    """The events a timeline block shows, in time order, each placed per ``dates``; none is an error."""
    archs = known_archs(spec, registry)
    words = Words(registry, spec.lang)
    by_venue = spec["dates"] == "venue"
    eras = {era_id: EraLabel(era_id, era.label.get(spec.lang), era.family)
            for era_id, era in registry.data.eras.items()}
    out: list[tuple[int, int, TimelineEvent]] = []
    for index, event in enumerate(registry.events()):
        if archs and event.arch not in archs:
            continue
        dating = "venue" if by_venue and event.venue_year is not None else "first"
        year = event.venue_year if dating == "venue" and event.venue_year is not None else event.year
        if not spec["from"] <= year <= spec["to"]:
            continue
        era = registry.data.era_of(year)
        mark = " †" if by_venue and event.venue_year is None else ""
        out.append((year, index, TimelineEvent(year, dating, None if era is None else eras[era], event.arch,
                                               event.label.get(spec.lang), _event_text(event, by_venue, words),
                                               event.sources, event.first_appearance, event.venue, mark)))
    if not out:
        key = "archs" if archs else next((k for k in ("from", "to") if k in spec.given), "archs")
        raise SpecError.at(Subtype.BAD_VALUE, f"no timeline event matches {' and '.join(filters(spec))}",
                           spec.location_of(key), "widen `from`/`to`, or choose other `archs`")
    events = tuple(placed for _, _, placed in sorted(out, key=lambda item: item[:2]))
    start, end = events[0].year, events[-1].year
    title = spec["title"] or words("phrase.timeline-title", start=start, end=end)
    shown = [era.label for era in dict.fromkeys(event.era for event in events) if era is not None]
    desc = words("phrase.timeline-desc", count=len(events), start=start, end=end, eras=words.join(shown))
    note = words("phrase.timeline-dates-venue" if by_venue else "phrase.timeline-dates-first")
    year_header = words("phrase.timeline-year-venue" if by_venue else "phrase.timeline-year-first")
    headers = (year_header, words("phrase.timeline-event"), words("phrase.timeline-first"),
               words("phrase.timeline-venue"), words("phrase.table-source"))
    return TimelineModel(frame(spec, "timeline", title, sentence(words, title, note)), spec["dates"],
                         DIRECTIONS["timeline"][spec["direction"]], desc, events, headers)


def _event_text(event: Event, by_venue: bool, words: Words) -> str:
    label = event.label.get(words.lang)
    if event.venue_short is None:
        return words("phrase.timeline-no-venue", label=label) if by_venue else label
    if by_venue and event.venue_year != event.year:
        return words("phrase.timeline-with-venue-first", label=label, venue=event.venue_short, year=event.year)
    return words("phrase.timeline-with-venue", label=label, venue=event.venue_short)


SUBJECT = Subject(
    name="timeline",
    help="evolution timeline of sequence models by era, the problem → solution graph, or the table of eras",
    own_params=PARAMS,
    render=render_model(timeline_model),
    formats=("html", "md", "json"),
    golden="md",
    validate=_validate,
    examples=(
        "timeline",
        "timeline dates=venue",
        "timeline from=2014 to=2020",
        "timeline archs=lstm,gru,transformer,mamba direction=TB",
        "timeline style=graph",
        "timeline style=graph archs=rnn,lstm,gru,transformer,mamba direction=LR",
        # an author's own graph, after REFERENCE.md §2.9 (Xiong et al. 2020 on Pre-LN)
        "timeline style=graph graph=own\n"
        "nodes:\n"
        "  - {id: gradients, kind: problem, label: {en: 'Large gradients near the output at initialization (Post-LN)',"
        " zh: '初始化时靠近输出层的梯度很大（Post-LN）'}}\n"
        "  - {id: warm-up, kind: problem, label: {en: 'Learning-rate warm-up needed (Post-LN)',"
        " zh: '需要学习率预热（Post-LN）'}}\n"
        "  - {id: pre-ln, kind: solution, label: {en: 'Pre-LN: LayerNorm before each sublayer, one after the stack',"
        " zh: '前置层归一化：每个子层之前归一化，栈末再加一个'}}\n"
        "edges:\n"
        "  - {src: gradients, dst: pre-ln, kind: solves}\n"
        "  - {src: warm-up, dst: pre-ln, kind: solves}",
        # the same story joined to the registry's graph: the Transformer raises it
        "timeline style=graph graph=both archs=transformer\n"
        "nodes:\n"
        "  - {id: warm-up, kind: problem, label: {en: 'Learning-rate warm-up needed (Post-LN)',"
        " zh: '需要学习率预热（Post-LN）'}}\n"
        "  - {id: pre-ln, kind: solution, label: {en: 'Pre-LN (Xiong et al. 2020: warm-up can be dropped)',"
        " zh: '前置层归一化（Xiong 等 2020：可去掉预热）'}}\n"
        "edges:\n"
        "  - {src: self-attention, dst: warm-up, kind: raises}\n"
        "  - {src: warm-up, dst: pre-ln, kind: solves}",
        "timeline style=table",
    ),
)
