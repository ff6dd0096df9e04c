"""Evolution timelines and the problem → solution graph, as Mermaid diagrams from the registry (REFERENCE.md §5).

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

Formats:

- ``html``: a ``<pre class="mermaid">`` with the HTML-escaped source, drawn in the browser by the vendored
  Mermaid through ``static/js/seqdiagrams-mermaid.js`` (themed from the site palette, re-drawn on a light/dark
  switch), plus the same content as a table, readable without JavaScript (see
  :func:`seqdiagrams.rendering.mermaid.container`).
- ``md``: a ```` ```mermaid ```` fence (what ``seqdiagrams regen`` keeps in a file; GitHub draws it).
- ``json``: DESIGN.md §3, ``{"dates", "events": [{"year", "arch", "label", "source", "dating"}]}``; the graph
  style gives ``{"nodes": [{"id", "kind", "label", "archs", "source"}], "edges": [{"src", "dst", "kind"}]}``.

Every registry or user string goes through :func:`seqdiagrams.rendering.mermaid.escape` in Mermaid source and
through HTML escaping in HTML. :func:`text_table` gives hosts without a browser (LaTeX, plain text) the same
content as a plain table.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype, did_you_mean
from seqdiagrams.params import ARCH_ALIASES, ChoiceParam, IntParam, ListParam
from seqdiagrams.rendering.mermaid import ARCH_FAMILY_COLOUR, container, escape, wrap_cjk
from seqdiagrams.subjects import Output, Subject, TextTable
from seqdiagrams.subjects._common import Words

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.registry.schema import Event
    from seqdiagrams.spec import Spec

FIRST_YEAR, LAST_YEAR = 1980, 2030
"""Bounds of ``from`` and ``to``."""
STYLES = ("timeline", "graph")
DATES = ("first", "venue")
GRAPH_COLOURS = {"problem": "gate", "solution": "state"}
"""Palette family of each graph node kind (the script turns these into theme CSS)."""
_TIMELINE_ONLY = ("from", "to", "dates")
_DIRECTIONS = {"timeline": {"": "LR", "LR": "LR", "TB": "TD"},
               "graph": {"": "TB", "TB": "TB", "LR": "LR", "BT": "BT", "RL": "RL"}}
"""Mermaid direction per ``direction`` value: a timeline runs left to right (years side by side, drawn at full
size and scrolled) or top down; the graph runs top down unless told otherwise."""

_TEXT_WIDTH = {"LR": 8.5, "TD": 17.0}
"""Width of the text in a timeline event box, in em (Mermaid draws LR boxes 150 px wide, TD boxes 300 px)."""

PARAMS = {
    "style": ChoiceParam("timeline", "a timeline of events by era, or the problem → solution graph", STYLES),
    "from": IntParam(FIRST_YEAR, "first year shown (style=timeline)", FIRST_YEAR, LAST_YEAR),
    "to": IntParam(LAST_YEAR, "last year shown (style=timeline)", FIRST_YEAR, LAST_YEAR),
    "archs": ListParam((), "only events (graph: nodes) of these registry architecture ids (default: all)", (), 1,
                       aliases=ARCH_ALIASES),
    "dates": ChoiceParam("first", "place events at their first appearance (arXiv v1) or at their peer-reviewed "
                         "venue (style=timeline)", DATES),
}


@dataclass(frozen=True)
class Placed:
    """An event as shown: the year it is placed at, which date that is, its era and its text."""

    year: int
    dating: str
    """``first`` or ``venue``: which of the event's dates ``year`` is."""
    era: str | None
    event: Event
    text: str
    """The label with the other date or the venue beside it, in the block's language."""


def _validate(spec: Spec) -> None:
    if "highlight" in spec.given:
        raise SpecError.at(Subtype.BAD_VALUE, "a timeline has no `highlight`", spec.location_of("highlight"),
                           "remove `highlight`")
    style = spec["style"]
    if style == "graph":
        for key in _TIMELINE_ONLY:
            if key in spec.given:
                raise SpecError.at(Subtype.BAD_VALUE, f"`{key}` applies to style=timeline only",
                                   spec.location_of(key), f"remove `{key}`, or use style=timeline")
    if spec["direction"] not in _DIRECTIONS[style]:
        choices = "|".join(d for d in _DIRECTIONS[style] if d)
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


def _known_archs(spec: Spec, registry: Registry) -> frozenset[str]:
    valid = registry.data.archs
    for item in spec["archs"]:
        if item not in valid:
            hint = did_you_mean(item, tuple(valid)) or "`seqdiagrams list archs` shows them all"
            raise SpecError.at(Subtype.BAD_VALUE, f"unknown architecture `{item}` in `archs`",
                               spec.location_of("archs"), hint)
    return frozenset(spec["archs"])


# -- the timeline as data ------------------------------------------------------------------------------


def placed_events(spec: Spec, registry: Registry) -> list[Placed]:
    """The events a timeline block shows, in time order, each placed per ``dates``; none is an error."""
    archs = _known_archs(spec, registry)
    words = Words(registry, spec.lang)
    by_venue = spec["dates"] == "venue"
    out: list[tuple[int, int, Placed]] = []
    for index, event in enumerate(registry.events()):
        if archs and event.arch not in archs:
            continue
        dating = "venue" if by_venue and event.venue_year is not None else "first"
        year = event.venue_year if dating == "venue" and event.venue_year is not None else event.year
        if not spec["from"] <= year <= spec["to"]:
            continue
        text = _event_text(event, by_venue, words)
        out.append((year, index, Placed(year, dating, registry.data.era_of(year), event, text)))
    if not out:
        key = "archs" if archs else next((k for k in ("from", "to") if k in spec.given), "archs")
        raise SpecError.at(Subtype.BAD_VALUE, f"no timeline event matches {' and '.join(_filters(spec))}",
                           spec.location_of(key), "widen `from`/`to`, or choose other `archs`")
    return [placed for _, _, placed in sorted(out, key=lambda item: item[:2])]


def _filters(spec: Spec) -> list[str]:
    """The block's filters in words: ``archs=…`` (when given), then the years and which dates they are."""
    parts = [f"archs={','.join(spec['archs'])}"] if spec["archs"] else []
    dates = "venue" if spec["dates"] == "venue" else "first-appearance"
    return [*parts, f"{dates} years {spec['from']}–{spec['to']}"]


def _event_text(event: Event, by_venue: bool, words: Words) -> str:
    label = event.label.get(words.lang)
    if event.venue_short is None:
        return words("phrase.timeline-no-venue", label=label) if by_venue else label
    if by_venue and event.venue_year != event.year:
        return words("phrase.timeline-with-venue-first", label=label, venue=event.venue_short, year=event.year)
    return words("phrase.timeline-with-venue", label=label, venue=event.venue_short)


def _title(spec: Spec, placed: list[Placed], words: Words) -> str:
    return spec["title"] or words("phrase.timeline-title", start=placed[0].year, end=placed[-1].year)


def _sentence(words: Words, *parts: str) -> str:
    """Sentences joined the way the language joins them."""
    if words.lang == "zh":
        return "".join(part.rstrip("。.") + "。" for part in parts[:-1]) + parts[-1]
    return " ".join(part.rstrip(".") + "." for part in parts[:-1]) + " " + parts[-1]


def _eras(placed: list[Placed]) -> list[str | None]:
    """The eras of ``placed`` in order of appearance."""
    out: list[str | None] = []
    for item in placed:
        if item.era not in out:
            out.append(item.era)
    return out


def timeline_source(spec: Spec, registry: Registry, placed: list[Placed]) -> str:
    """Mermaid ``timeline`` source: one section per era, one period per year."""
    words = Words(registry, spec.lang)
    eras = registry.data.eras
    title = _title(spec, placed, words)
    era_names = [eras[e].label.get(spec.lang) for e in _eras(placed) if e is not None]
    desc = words("phrase.timeline-desc", count=len(placed), start=placed[0].year, end=placed[-1].year,
                 eras=words.join(era_names))
    lines = [f"timeline {_DIRECTIONS['timeline'][spec['direction']]}",
             f"    accTitle: {escape(title)}", f"    accDescr: {escape(desc)}"]
    width = _TEXT_WIDTH[_DIRECTIONS["timeline"][spec["direction"]]]
    era: str | None = None
    year: int | None = None
    for item in placed:
        if item.era != era and item.era is not None:
            lines.append(f"    section {escape(eras[item.era].label.get(spec.lang))}")
            era, year = item.era, None
        text = "<br>".join(escape(line) for line in wrap_cjk(item.text, width))
        period = str(item.year) if item.year != year else " " * len(str(item.year))
        lines.append(f"        {period} : {text}")
        year = item.year
    return "\n".join(lines) + "\n"


def _timeline_table(spec: Spec, registry: Registry, placed: list[Placed]) -> TextTable:
    words = Words(registry, spec.lang)
    year_header = words("phrase.timeline-year-venue" if spec["dates"] == "venue" else "phrase.timeline-year-first")
    headers = (year_header, words("phrase.timeline-event"), words("phrase.timeline-first"),
               words("phrase.timeline-venue"), words("phrase.table-source"))
    rows: list[tuple[str, ...]] = []
    era: str | None = None
    for item in placed:
        if item.era != era and item.era is not None:
            rows.append((registry.data.eras[item.era].label.get(spec.lang),))
            era = item.era
        mark = " †" if spec["dates"] == "venue" and item.event.venue_year is None else ""
        event = item.event
        rows.append((f"{item.year}{mark}", event.label.get(spec.lang), event.first_appearance, event.venue,
                     ", ".join(f"[{key}]" for key in event.sources)))
    return TextTable(_caption(spec, registry, placed), headers, tuple(rows), (8, 34, 18, 26, 10))


def _caption(spec: Spec, registry: Registry, placed: list[Placed]) -> str:
    words = Words(registry, spec.lang)
    note = words("phrase.timeline-dates-venue" if spec["dates"] == "venue" else "phrase.timeline-dates-first")
    return _sentence(words, _title(spec, placed, words), note)


def _timeline_json(spec: Spec, placed: list[Placed]) -> str:
    data = {
        "dates": spec["dates"],
        "events": [{"year": item.year, "arch": item.event.arch, "label": item.event.label.get(spec.lang),
                    "source": list(item.event.sources), "dating": item.dating} for item in placed],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- the problem → solution graph ----------------------------------------------------------------------


@dataclass(frozen=True)
class Graph:
    """The part of the registry's evolution graph a block shows: node ids in registry order, and edges."""

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str, str], ...]
    """``(src, dst, kind)``."""


def evolution_graph(spec: Spec, registry: Registry) -> Graph:
    """The nodes (of ``archs``, or all) and the edges between them; an empty graph is an error."""
    archs = _known_archs(spec, registry)
    evolution = registry.data.evolution
    nodes = tuple(node_id for node_id, node in evolution.nodes.items()
                  if not archs or archs.intersection(node.archs))
    if not nodes:
        raise SpecError.at(Subtype.BAD_VALUE, f"no node of the evolution graph belongs to {_filters(spec)[0]}",
                           spec.location_of("archs"), "choose other `archs`, or leave `archs` out")
    kept = set(nodes)
    edges = tuple((e.src, e.dst, e.kind) for e in evolution.edges if e.src in kept and e.dst in kept)
    return Graph(nodes, edges)


def _node_ids(graph: Graph) -> dict[str, str]:
    """Mermaid ids (``n1``, ``n2``…): registry ids may collide with Mermaid keywords such as ``end``."""
    return {node_id: f"n{i}" for i, node_id in enumerate(graph.nodes, 1)}


def _graph_title(spec: Spec, words: Words) -> str:
    return spec["title"] or words("phrase.timeline-graph-title")


def graph_source(spec: Spec, registry: Registry, graph: Graph) -> str:
    """Mermaid ``flowchart`` source: problems as hexagons, solutions as rounded boxes."""
    words = Words(registry, spec.lang)
    nodes = registry.data.evolution.nodes
    ids = _node_ids(graph)
    label = {node_id: nodes[node_id].label.get(spec.lang) for node_id in graph.nodes}
    kinds = [nodes[n].kind for n in graph.nodes]
    desc = words("phrase.timeline-graph-desc", problems=kinds.count("problem"), solutions=kinds.count("solution"),
                 edges=len(graph.edges))
    lines = [f"flowchart {_DIRECTIONS['graph'][spec['direction']]}",
             f"    accTitle: {escape(_graph_title(spec, words))}", f"    accDescr: {escape(desc)}"]
    for node_id in graph.nodes:
        text = escape(label[node_id])
        shape = f'{{{{"{text}"}}}}' if nodes[node_id].kind == "problem" else f'("{text}")'
        lines.append(f"    {ids[node_id]}{shape}")
    for src, dst, kind in graph.edges:
        arrow = "-.->" if kind == "raises" else "-->"
        lines.append(f"    {ids[src]} {arrow} {ids[dst]}")
    for kind in GRAPH_COLOURS:
        members = [ids[n] for n in graph.nodes if nodes[n].kind == kind]
        if members:
            lines.append(f"    class {','.join(members)} {kind}")
    return "\n".join(lines) + "\n"


def _graph_table(spec: Spec, registry: Registry, graph: Graph) -> TextTable:
    words = Words(registry, spec.lang)
    nodes = registry.data.evolution.nodes

    def name(node_id: str) -> str:
        node = nodes[node_id]
        return f"{node.label.get(spec.lang)} ({words('phrase.timeline-' + node.kind)})"

    rows = [(name(src), words(f"phrase.timeline-edge-{kind}"), name(dst)) for src, dst, kind in graph.edges]
    linked = {n for src, dst, _ in graph.edges for n in (src, dst)}
    rows += [(name(n), "—", "—") for n in graph.nodes if n not in linked]
    headers = (words("phrase.timeline-from"), words("phrase.timeline-relation"), words("phrase.timeline-to"))
    caption = _sentence(words, _graph_title(spec, words), words("phrase.timeline-graph-legend"))
    return TextTable(caption, headers, tuple(rows), (36, 12, 36))


def _graph_json(spec: Spec, registry: Registry, graph: Graph) -> str:
    nodes = registry.data.evolution.nodes
    data = {
        "nodes": [{"id": n, "kind": nodes[n].kind, "label": nodes[n].label.get(spec.lang),
                   "archs": list(nodes[n].archs), "source": list(nodes[n].sources)} for n in graph.nodes],
        "edges": [{"src": src, "dst": dst, "kind": kind} for src, dst, kind in graph.edges],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- output --------------------------------------------------------------------------------------------


def text_table(spec: Spec, registry: Registry) -> TextTable:
    """The block's content as a plain table: what LaTeX and text builders show instead of the diagram."""
    if spec["style"] == "graph":
        return _graph_table(spec, registry, evolution_graph(spec, registry))
    return _timeline_table(spec, registry, placed_events(spec, registry))


def render(spec: Spec, registry: Registry, fmt: str, id_prefix: str, styles: bool = True) -> Output:
    words = Words(registry, spec.lang)
    if spec["style"] == "graph":
        graph = evolution_graph(spec, registry)
        table = _graph_table(spec, registry, graph)
        if fmt == "json":
            return Output(_graph_json(spec, registry, graph), table.caption)
        source = graph_source(spec, registry, graph)
        if fmt == "md":
            return Output(_fence(source), table.caption)
        return Output(container(source, "graph", spec["theme"], _html_table(table), words("phrase.timeline-graph-data"),
                                colours=GRAPH_COLOURS), table.caption)
    placed = placed_events(spec, registry)
    table = _timeline_table(spec, registry, placed)
    if fmt == "json":
        return Output(_timeline_json(spec, placed), table.caption)
    source = timeline_source(spec, registry, placed)
    if fmt == "md":
        return Output(_fence(source), table.caption)
    eras = registry.data.eras
    sections = tuple(ARCH_FAMILY_COLOUR[eras[e].family] for e in _eras(placed) if e is not None)
    return Output(container(source, "timeline", spec["theme"], _html_table(table), words("phrase.timeline-data"),
                            sections=sections), table.caption)


def _fence(source: str) -> str:
    return f"```mermaid\n{source}```\n"


def _html_table(table: TextTable) -> str:
    width = len(table.headers)
    out = ['<table class="sqd-table sqd-timeline-table">', "<thead>",
           "<tr>" + "".join(f'<th scope="col">{html.escape(h, quote=False)}</th>' for h in table.headers) + "</tr>",
           "</thead>", "<tbody>"]
    for row in table.rows:
        if len(row) == 1:
            out.append(f'<tr><th scope="rowgroup" colspan="{width}">{html.escape(row[0], quote=False)}</th></tr>')
        else:
            cells = [html.escape(cell, quote=False) for cell in row]
            out.append(f'<tr><th scope="row">{cells[0]}</th>' + "".join(f"<td>{c}</td>" for c in cells[1:]) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


SUBJECT = Subject(
    name="timeline",
    help="Mermaid evolution timeline of sequence models by era, or the problem → solution graph",
    own_params=PARAMS,
    render=render,
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
    ),
)
