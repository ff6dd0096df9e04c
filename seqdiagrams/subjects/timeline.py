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
  and screen readers. The layout CSS is :data:`STYLESHEET` (inlined with ``styles``).
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

import html
import json
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype, did_you_mean
from seqdiagrams.ir import EVOLUTION_EDGES
from seqdiagrams.params import (
    ARCH_ALIASES,
    BilingualParam,
    ChoiceParam,
    IntParam,
    ListParam,
    NameParam,
    Record,
    RecordListParam,
)
from seqdiagrams.rendering.mermaid import ARCH_FAMILY_COLOUR, escape, wrap_cjk
from seqdiagrams.rendering.theme import FAMILIES, TEXT
from seqdiagrams.subjects import Output, Subject, TextTable
from seqdiagrams.subjects._common import Words

if TYPE_CHECKING:
    from collections.abc import Mapping

    from seqdiagrams.registry import Registry
    from seqdiagrams.registry.schema import Event
    from seqdiagrams.spec import Spec

FIRST_YEAR, LAST_YEAR = 1980, 2030
"""Bounds of ``from`` and ``to``."""
STYLES = ("timeline", "graph", "table")
DATES = ("first", "venue")
GRAPHS = ("", "registry", "own", "both")
NODE_KINDS = ("problem", "solution")
GRAPH_COLOURS = {"problem": "gate", "solution": "state"}
"""Palette family of each graph node kind (the script turns these into theme CSS)."""
MAX_NODES, MAX_EDGES, MAX_LABEL = 32, 64, 80
"""Bounds of an author-defined graph: nodes, edges, characters of a label (each language)."""
_ONLY = {"from": ("timeline",), "to": ("timeline",), "dates": ("timeline",), "archs": ("timeline", "graph"),
         "graph": ("graph",), "nodes": ("graph",), "edges": ("graph",)}
"""The styles each key applies to."""
_DIRECTIONS = {"timeline": {"": "LR", "LR": "LR", "TB": "TD"},
               "graph": {"": "TB", "TB": "TB", "LR": "LR", "BT": "BT", "RL": "RL"},
               "table": {"": ""}}
"""Mermaid direction per ``direction`` value: a timeline runs left to right (years side by side, drawn at full
size and scrolled) or top down; the graph runs top down unless told otherwise."""

_TEXT_WIDTH = {"LR": 8.5, "TD": 17.0}
"""Width of the text in a timeline event box, in em (Mermaid draws LR boxes 150 px wide, TD boxes 300 px)."""

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
    for key, styles in _ONLY.items():
        if key in spec.given and style not in styles:
            which = " or ".join(f"style={name}" for name in styles)
            raise SpecError.at(Subtype.BAD_VALUE, f"`{key}` applies to {which} only", spec.location_of(key),
                               f"remove `{key}`, or use {which}")
    if style == "table" and "direction" in spec.given:
        raise SpecError.at(Subtype.BAD_VALUE, "a table of eras has no `direction`", spec.location_of("direction"),
                           "remove `direction`")
    if style == "graph":
        _validate_graph_keys(spec)
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


def graph_mode(spec: Spec) -> str:
    """``registry``, ``own`` or ``both``: an unset ``graph`` is the block's own graph when it gives one."""
    if spec["graph"]:
        return str(spec["graph"])
    return "own" if spec["nodes"] or spec["edges"] else "registry"


def _validate_graph_keys(spec: Spec) -> None:
    """``graph`` agrees with the body: an own graph has nodes and no registry filter, the registry's has none."""
    mode = graph_mode(spec)
    if mode == "registry":
        given = next((key for key in ("nodes", "edges") if key in spec.given), None)
        if given:
            raise SpecError.at(Subtype.BAD_VALUE, f"graph=registry draws the registry's graph only, not `{given}`",
                               spec.location_of(given), f"remove `{given}`, or use graph=both")
    elif mode == "own":
        if "archs" in spec.given:
            raise SpecError.at(Subtype.BAD_VALUE, "`archs` filters the registry's graph, which graph=own leaves out",
                               spec.location_of("archs"), "remove `archs`, or use graph=both")
        if not spec["nodes"]:
            where = "edges" if "edges" in spec.given else "graph"
            raise SpecError.at(Subtype.BAD_VALUE, "an own graph needs `nodes` in the block body",
                               spec.location_of(where), "add `nodes:`, or use graph=both to link registry nodes")
    elif not spec["nodes"] and not spec["edges"]:
        raise SpecError.at(Subtype.BAD_VALUE, "graph=both adds the block's `nodes` and `edges`, and it gives none",
                           spec.location_of("graph"), "add `nodes:` or `edges:`, or use graph=registry")


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
class Node:
    """A node as drawn: the registry's (with its architectures and sources) or the block's own (with neither)."""

    kind: str
    label: str
    """In the block's language."""
    archs: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Graph:
    """What a block's graph shows: node ids in drawing order (registry nodes first), and edges."""

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str, str], ...]
    """``(src, dst, kind)``."""
    info: Mapping[str, Node]
    """Every node of ``nodes`` by id."""


def evolution_graph(spec: Spec, registry: Registry) -> Graph:
    """The registry's nodes (of ``archs``, or all) and edges between them, and/or the block's own; an empty
    graph is an error, and so is an own node or edge that does not fit (located in the block body)."""
    mode = graph_mode(spec)
    info: dict[str, Node] = {}
    edges: list[tuple[str, str, str]] = []
    if mode != "own":
        archs = _known_archs(spec, registry)
        evolution = registry.data.evolution
        info = {node_id: Node(node.kind, node.label.get(spec.lang), node.archs, node.sources)
                for node_id, node in evolution.nodes.items() if not archs or archs.intersection(node.archs)}
        if not info and not spec["nodes"]:
            raise SpecError.at(Subtype.BAD_VALUE, f"no node of the evolution graph belongs to {_filters(spec)[0]}",
                               spec.location_of("archs"), "choose other `archs`, or leave `archs` out")
        edges = [(e.src, e.dst, e.kind) for e in evolution.edges if e.src in info and e.dst in info]
    for record in spec["nodes"]:
        node_id = record["id"]
        if node_id in info:
            first = "a node of the registry's graph" if node_id in registry.data.evolution.nodes and mode == "both" \
                else "given twice"
            raise SpecError.at(Subtype.BAD_VALUE, f"node id `{node_id}` is {first}", record.loc("id"),
                               "give every node its own id")
        info[node_id] = Node(record["kind"], record["label"][spec.lang])
    for record in spec["edges"]:
        edges.append(_own_edge(record, info, edges, mode, registry))
    return Graph(tuple(info), tuple(edges), MappingProxyType(info))


def _own_edge(record: Record, info: Mapping[str, Node], edges: list[tuple[str, str, str]], mode: str,
              registry: Registry) -> tuple[str, str, str]:
    """A block's edge, checked like the registry's: known ends, the direction its kind says, no loop or repeat."""
    for end in ("src", "dst"):
        name = record[end]
        if name in info:
            continue
        hint = did_you_mean(name, info)
        if name in registry.data.evolution.nodes:
            hint = ("`archs` leaves it out of this figure" if mode == "both"
                    else "it is a node of the registry's graph: add graph=both to link it")
        raise SpecError.at(Subtype.BAD_VALUE, f"edge `{end}` names no node of this graph: `{name}`",
                           record.loc(end), hint)
    src, dst, kind = record["src"], record["dst"], record["kind"]
    if src == dst or any((s, d) == (src, dst) for s, d, _ in edges):
        raise SpecError.at(Subtype.BAD_VALUE, f"a loop or a repeated edge `{src}` → `{dst}`", record.where,
                           "give each link once, between two different nodes")
    ends = (info[src].kind, info[dst].kind)
    if ends != EVOLUTION_EDGES[kind]:
        expected = EVOLUTION_EDGES[kind]
        fitting = [name for name, pair in EVOLUTION_EDGES.items() if pair == ends]
        raise SpecError.at(Subtype.BAD_VALUE, f"`{kind}` goes from a {expected[0]} to a {expected[1]}, not from a "
                           f"{ends[0]} to a {ends[1]}", record.loc("kind"),
                           f"use kind: {fitting[0]}" if fitting else "a problem leads to a solution, not a problem")
    return (src, dst, kind)


def _node_ids(graph: Graph) -> dict[str, str]:
    """Mermaid ids (``n1``, ``n2``…): node ids may collide with Mermaid keywords such as ``end``."""
    return {node_id: f"n{i}" for i, node_id in enumerate(graph.nodes, 1)}


def _graph_title(spec: Spec, words: Words) -> str:
    own = graph_mode(spec) == "own"
    return spec["title"] or words("phrase.timeline-own-graph-title" if own else "phrase.timeline-graph-title")


def graph_source(spec: Spec, registry: Registry, graph: Graph) -> str:
    """Mermaid ``flowchart`` source: problems as hexagons, solutions as rounded boxes."""
    words = Words(registry, spec.lang)
    ids = _node_ids(graph)
    kinds = [graph.info[n].kind for n in graph.nodes]
    desc = words("phrase.timeline-graph-desc", problems=kinds.count("problem"), solutions=kinds.count("solution"),
                 edges=len(graph.edges))
    lines = [f"flowchart {_DIRECTIONS['graph'][spec['direction']]}",
             f"    accTitle: {escape(_graph_title(spec, words))}", f"    accDescr: {escape(desc)}"]
    for node_id in graph.nodes:
        text = escape(graph.info[node_id].label)
        shape = f'{{{{"{text}"}}}}' if graph.info[node_id].kind == "problem" else f'("{text}")'
        lines.append(f"    {ids[node_id]}{shape}")
    for src, dst, kind in graph.edges:
        arrow = "-.->" if kind == "raises" else "-->"
        lines.append(f"    {ids[src]} {arrow} {ids[dst]}")
    for kind in GRAPH_COLOURS:
        members = [ids[n] for n in graph.nodes if graph.info[n].kind == kind]
        if members:
            lines.append(f"    class {','.join(members)} {kind}")
    return "\n".join(lines) + "\n"


def _graph_table(spec: Spec, registry: Registry, graph: Graph) -> TextTable:
    words = Words(registry, spec.lang)

    def name(node_id: str) -> str:
        node = graph.info[node_id]
        return f"{node.label} ({words('phrase.timeline-' + node.kind)})"

    rows = [(name(src), words(f"phrase.timeline-edge-{kind}"), name(dst)) for src, dst, kind in graph.edges]
    linked = {n for src, dst, _ in graph.edges for n in (src, dst)}
    rows += [(name(n), "—", "—") for n in graph.nodes if n not in linked]
    headers = (words("phrase.timeline-from"), words("phrase.timeline-relation"), words("phrase.timeline-to"))
    caption = _sentence(words, _graph_title(spec, words), words("phrase.timeline-graph-legend"))
    return TextTable(caption, headers, tuple(rows), (36, 12, 36))


def _graph_json(graph: Graph) -> str:
    data = {
        "nodes": [{"id": n, "kind": graph.info[n].kind, "label": graph.info[n].label,
                   "archs": list(graph.info[n].archs), "source": list(graph.info[n].sources)} for n in graph.nodes],
        "edges": [{"src": src, "dst": dst, "kind": kind} for src, dst, kind in graph.edges],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- eras: breakthroughs and limitations -----------------------------------------------------------------


@dataclass(frozen=True)
class EraRow:
    """An era as the table shows it: the years its events span, and its nodes of the evolution graph."""

    era: str
    start: int
    end: int
    breakthroughs: tuple[str, ...]
    limitations: tuple[str, ...]


def era_rows(registry: Registry) -> list[EraRow]:
    """Every era of the registry, in order, spanning the first-appearance years of its events (its registry
    bounds when it has none: those are the limits of the era, not dates of anything)."""
    rows = []
    for era_id, era in registry.data.eras.items():
        years = [event.year for event in registry.events() if registry.data.era_of(event.year) == era_id]
        start, end = (min(years), max(years)) if years else (era.start, era.end)
        rows.append(EraRow(era_id, start, end, era.breakthroughs, era.limitations))
    return rows


def _span(start: int, end: int) -> str:
    return f"{start}–{end}" if start != end else str(start)


def _era_node_text(registry: Registry, node_id: str, lang: str) -> str:
    node = registry.data.evolution.nodes[node_id]
    return f"{node.label.get(lang)} " + "".join(f"[{key}]" for key in node.sources)


def _era_table(spec: Spec, registry: Registry, rows: list[EraRow]) -> TextTable:
    words = Words(registry, spec.lang)
    sep = "；" if spec.lang == "zh" else "; "
    headers = (words("phrase.timeline-era"), words("phrase.timeline-years"), words("phrase.timeline-breakthroughs"),
               words("phrase.timeline-limitations"))
    body = tuple((registry.data.eras[row.era].label.get(spec.lang), _span(row.start, row.end),
                  sep.join(_era_node_text(registry, n, spec.lang) for n in row.breakthroughs) or "—",
                  sep.join(_era_node_text(registry, n, spec.lang) for n in row.limitations) or "—") for row in rows)
    title = spec["title"] or words("phrase.timeline-table-title")
    caption = _sentence(words, title, words("phrase.timeline-table-note"))
    return TextTable(caption, headers, body, (22, 10, 40, 40))


_MD_ENTITIES = {char: f"&#{ord(char)};" for char in "&<>|*_`[]\\$~#!"}
"""Characters a Markdown table cell shows through numeric entities: HTML, emphasis, code, links, math and the
cell separator, so that no registry or overlay text is read as markup by any Markdown dialect."""


def _md_cell(text: str) -> str:
    return "".join(_MD_ENTITIES.get(char, char) for char in " ".join(text.split()))


def _era_markdown(table: TextTable) -> str:
    lines = [_md_cell(table.caption), "", "| " + " | ".join(_md_cell(h) for h in table.headers) + " |",
             "|" + "---|" * len(table.headers)]
    lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def _era_json(spec: Spec, registry: Registry, rows: list[EraRow]) -> str:
    nodes = registry.data.evolution.nodes

    def listed(ids: tuple[str, ...]) -> list[dict[str, object]]:
        return [{"id": n, "label": nodes[n].label.get(spec.lang), "source": list(nodes[n].sources)} for n in ids]

    data = {"eras": [{"id": row.era, "label": registry.data.eras[row.era].label.get(spec.lang), "start": row.start,
                      "end": row.end, "breakthroughs": listed(row.breakthroughs),
                      "limitations": listed(row.limitations)} for row in rows]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _era_html(spec: Spec, registry: Registry, rows: list[EraRow]) -> str:
    """A table whose cells hold the graph's own cards: solutions as rounded boxes, problems as hexagons."""
    words = Words(registry, spec.lang)
    eras = registry.data.eras

    def cards(ids: tuple[str, ...], kind: str) -> str:
        items = "".join(f'<li class="sqd-tl-item"><div class="sqd-tl-node sqd-tl-{kind} sqd-c-{GRAPH_COLOURS[kind]}">'
                        f'{html.escape(_era_node_text(registry, n, spec.lang), quote=False)}</div></li>' for n in ids)
        return f'<ul class="sqd-tl-list sqd-tl-cards">{items}</ul>' if items else "—"

    head = "".join(f'<th scope="col">{html.escape(words(key), quote=False)}</th>' for key in
                   ("phrase.timeline-era", "phrase.timeline-years", "phrase.timeline-breakthroughs",
                    "phrase.timeline-limitations"))
    out = [_root(spec, "table", spec["title"] or words("phrase.timeline-table-title")),
           f'<table class="sqd-tl-table"><thead><tr>{head}</tr></thead><tbody>']
    for row in rows:
        family = ARCH_FAMILY_COLOUR[eras[row.era].family]
        out.append(f'<tr><th scope="row" class="sqd-tl-era sqd-c-{family}">'
                   f'{html.escape(eras[row.era].label.get(spec.lang), quote=False)}</th>'
                   f'<td class="sqd-tl-when">{_span(row.start, row.end)}</td>'
                   f'<td>{cards(row.breakthroughs, "solution")}</td><td>{cards(row.limitations, "problem")}</td></tr>')
    out += ["</tbody></table>", "</div>"]
    return "\n".join(out)


# -- output --------------------------------------------------------------------------------------------


def text_table(spec: Spec, registry: Registry) -> TextTable:
    """The block's content as a plain table: what LaTeX and text builders show instead of the diagram."""
    if spec["style"] == "graph":
        return _graph_table(spec, registry, evolution_graph(spec, registry))
    if spec["style"] == "table":
        return _era_table(spec, registry, era_rows(registry))
    return _timeline_table(spec, registry, placed_events(spec, registry))


def render(spec: Spec, registry: Registry, fmt: str, id_prefix: str, styles: bool = True) -> Output:
    style = f"<style>{STYLESHEET}</style>\n" if styles else ""
    if spec["style"] == "graph":
        graph = evolution_graph(spec, registry)
        table = _graph_table(spec, registry, graph)
        if fmt == "json":
            return Output(_graph_json(graph), table.caption)
        if fmt == "md":
            return Output(_fence(graph_source(spec, registry, graph)), table.caption)
        return Output(style + _graph_html(spec, registry, graph, id_prefix), table.caption)
    if spec["style"] == "table":
        rows = era_rows(registry)
        table = _era_table(spec, registry, rows)
        if fmt == "json":
            return Output(_era_json(spec, registry, rows), table.caption)
        if fmt == "md":
            return Output(_era_markdown(table), table.caption)
        return Output(style + _era_html(spec, registry, rows), table.caption)
    placed = placed_events(spec, registry)
    table = _timeline_table(spec, registry, placed)
    if fmt == "json":
        return Output(_timeline_json(spec, placed), table.caption)
    if fmt == "md":
        return Output(_fence(timeline_source(spec, registry, placed)), table.caption)
    return Output(style + _timeline_html(spec, registry, placed), table.caption)


def _fence(source: str) -> str:
    return f"```mermaid\n{source}```\n"


# -- HTML: drawn at build time -------------------------------------------------------------------------


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _stylesheet() -> str:
    """Layout of timelines and graphs, and one accent class per palette family (:mod:`rendering.theme`).

    Accents are the families' mid-tone strokes over a translucent tint of the same colour, and text is the
    page's own, so one rendering reads on light, dark and custom schemes alike; ``data-sqd-theme`` (a block's
    ``theme=light|dark``) pins the text and background instead. Selectors carry two classes so that a theme's
    list and paragraph rules (``.md-typeset ul li``) do not reach inside.
    """
    rules = [
        # the column's width, also inside a theme's shrink-to-fit figure (Material: width:fit-content, flex)
        ".sqd-figure:has(>.sqd-tl){width:auto}",
        ".sqd-tl{align-self:stretch;text-align:left;margin:0 auto;max-width:100%;font-size:.85em;line-height:1.45;"
        "overflow-wrap:anywhere}",
        ".sqd-tl:lang(zh){word-break:keep-all}",  # Chinese breaks at spaces and punctuation, not inside a word
        ".sqd-tl ol.sqd-tl-list,.sqd-tl ul.sqd-tl-list{list-style:none;margin:0;padding:0}",
        ".sqd-tl li.sqd-tl-item{margin:0 0 .3em;padding:0}",
        ".sqd-tl .sqd-tl-era{margin:0 0 .9em;padding:.15em 0 .2em .8em;border-left:.3em solid var(--sqd-accent)}",
        ".sqd-tl p.sqd-tl-title{margin:0 0 .45em;font-weight:700}",
        ".sqd-tl .sqd-tl-span{font-weight:400;opacity:.75}",
        ".sqd-tl li.sqd-tl-year{display:flex;gap:.7em;align-items:baseline}",
        ".sqd-tl .sqd-tl-when{flex:0 0 auto;min-width:2.6em;white-space:nowrap;font-weight:700;"
        "font-variant-numeric:tabular-nums}",
        ".sqd-tl .sqd-tl-what{flex:1;min-width:0}",
        ".sqd-tl li.sqd-tl-card{margin:0 0 .25em;padding:.2em .6em;border-radius:.25em;background:var(--sqd-tint);"
        "border-left:.2em solid var(--sqd-accent)}",
        ".sqd-tl li.sqd-tl-row{display:flex;align-items:center;gap:.4em .5em;margin:0 0 .7em}",
        ".sqd-tl .sqd-tl-rank{display:flex;flex-direction:column;gap:.3em;flex:0 1 12em;min-width:0}",
        ".sqd-tl .sqd-tl-arrow{flex:0 0 auto;opacity:.7}",
        ".sqd-tl .sqd-tl-node{padding:.3em .6em;border:.1em solid var(--sqd-accent);border-radius:.5em;"
        "background:var(--sqd-tint)}",
        # problems are hexagons (the legend says so): a clipped box with a stronger tint instead of a border
        ".sqd-tl .sqd-tl-problem{border:0;border-radius:0;padding:.35em 1.1em;background:var(--sqd-hex);"
        "clip-path:polygon(.8em 0,calc(100% - .8em) 0,100% 50%,calc(100% - .8em) 100%,.8em 100%,0 50%)}",
        ".sqd-tl .sqd-tl-note{display:block;margin-top:.2em;font-size:.9em;opacity:.85}",
        ".sqd-tl .sqd-tl-note::before{content:\"\\21E2\\00A0\"}",
        # the table of eras: rows divided by rules, the era's accent on its name, the graph's cards in cells
        ".sqd-tl table.sqd-tl-table{display:table;width:100%;border-collapse:collapse;margin:0;font-size:1em}",
        ".sqd-tl .sqd-tl-table th,.sqd-tl .sqd-tl-table td{padding:.45em .5em;vertical-align:top;text-align:left;"
        "border:0;border-bottom:.05em solid rgba(128,128,128,.4);background:none}",
        ".sqd-tl .sqd-tl-table th.sqd-tl-era{margin:0;border-left:.3em solid var(--sqd-accent);font-weight:700}",
        ".sqd-tl .sqd-tl-cards{display:flex;flex-direction:column;gap:.3em}",
        ".sqd-tl .sqd-tl-cards li.sqd-tl-item{margin:0}",
        # a narrow screen: the ranks of a row stacked, arrows pointing down
        "@media (max-width:30em){.sqd-tl li.sqd-tl-row{flex-direction:column;align-items:stretch}"
        ".sqd-tl .sqd-tl-rank{flex-basis:auto}.sqd-tl .sqd-tl-arrow{align-self:center;transform:rotate(90deg)}}",
    ]
    rules += [f".sqd-tl .sqd-c-{name}{{--sqd-accent:{fam.light_stroke};--sqd-tint:{_rgba(fam.light_stroke, 0.12)};"
              f"--sqd-hex:{_rgba(fam.light_stroke, 0.3)}}}"
              for name, fam in sorted(FAMILIES.items()) if name in _USED_FAMILIES]
    rules += [f'.sqd-tl[data-sqd-theme="{theme}"]{{color:{TEXT[index]};background:{BACKGROUND[index]};padding:.6em}}'
              for index, theme in enumerate(("light", "dark"))]
    return "\n".join(rules) + "\n"


_USED_FAMILIES = {*ARCH_FAMILY_COLOUR.values(), *GRAPH_COLOURS.values()}
BACKGROUND = ("#ffffff", "#1e2129")
"""Background of a block that pins its scheme with ``theme=light|dark`` (light, dark)."""
STYLESHEET = _stylesheet()
"""CSS of timelines and graphs; hosts that link one stylesheet per site append it, others get it inline."""


def _root(spec: Spec, kind: str, label: str) -> str:
    theme = spec["theme"] if spec["theme"] in ("light", "dark") else "auto"
    return (f'<div class="sqd-tl" data-sqd-kind="{kind}" data-sqd-theme="{theme}" lang="{html.escape(spec.lang)}" '
            f'role="group" aria-label="{html.escape(label)}">')


def _timeline_html(spec: Spec, registry: Registry, placed: list[Placed]) -> str:
    """One band per era, one row per year; the text is each event's label with its venue or other date."""
    words = Words(registry, spec.lang)
    eras = registry.data.eras
    out = [_root(spec, "timeline", _title(spec, placed, words))]
    groups: list[tuple[str | None, list[Placed]]] = []
    for item in placed:
        if not groups or groups[-1][0] != item.era:
            groups.append((item.era, []))
        groups[-1][1].append(item)
    for era, items in groups:
        family = ARCH_FAMILY_COLOUR[eras[era].family] if era is not None else "io"
        out.append(f'<div class="sqd-tl-era sqd-c-{family}">')
        if era is not None:
            span = f"{items[0].year}–{items[-1].year}" if items[0].year != items[-1].year else str(items[0].year)
            out.append(f'<p class="sqd-tl-title">{html.escape(eras[era].label.get(spec.lang), quote=False)} '
                       f'<span class="sqd-tl-span">{span}</span></p>')
        out.append('<ol class="sqd-tl-list">')
        for year in sorted({item.year for item in items}):
            cards = "".join(f'<li class="sqd-tl-item sqd-tl-card">{html.escape(item.text, quote=False)}</li>'
                            for item in items if item.year == year)
            out.append(f'<li class="sqd-tl-item sqd-tl-year"><span class="sqd-tl-when">{year}</span>'
                       f'<ul class="sqd-tl-list sqd-tl-what">{cards}</ul></li>')
        out += ["</ol>", "</div>"]
    out.append("</div>")
    return "\n".join(out)


def _ranks(graph: Graph) -> list[list[list[str]]]:
    """The graph as rows: each problem (or a node nothing leads to) and, rank by rank, what it leads to.

    A node is drawn once, in the first row that reaches it; ``raises`` edges start no rank (they point to the
    row of the problem raised).
    """
    forward = [(src, dst) for src, dst, kind in graph.edges if kind != "raises"]
    entered = {dst for _, dst in forward}
    roots = [n for n in graph.nodes if n not in entered]
    placed: set[str] = set()
    rows: list[list[list[str]]] = []
    for root in [*roots, *graph.nodes]:  # then any node left: an author's cycle of `leads-to` has no root
        if root in placed:
            continue
        ranks = [[root]]
        placed.add(root)
        while True:
            frontier = set(ranks[-1])
            step = [n for n in graph.nodes if n not in placed and any(s in frontier and d == n for s, d in forward)]
            if not step:
                break
            placed.update(step)
            ranks.append(step)
        rows.append(ranks)
    return rows


def _graph_html(spec: Spec, registry: Registry, graph: Graph, prefix: str) -> str:
    """Rows of cards: a problem, an arrow, the solutions of the next rank; notes name the other edges."""
    words = Words(registry, spec.lang)
    rows = _ranks(graph)
    rank_of = {n: (r, k) for r, ranks in enumerate(rows) for k, rank in enumerate(ranks) for n in rank}
    anchor = {n: f"{prefix}-{i}" for i, n in enumerate(graph.nodes, 1)}

    def label(node_id: str) -> str:
        return html.escape(graph.info[node_id].label, quote=False)

    def notes(node_id: str) -> str:
        """Edges the layout does not show by placement: a ``raises``, or a link to another row or rank."""
        row, rank = rank_of[node_id]
        out = []
        for src, dst, kind in graph.edges:
            if src == node_id and (kind == "raises" or rank_of[dst] != (row, rank + 1)):
                relation = html.escape(words(f"phrase.timeline-edge-{kind}"), quote=False)
                out.append(f'<span class="sqd-tl-note">{relation} <a href="#{anchor[dst]}">{label(dst)}</a></span>')
        return "".join(out)

    out = [_root(spec, "graph", _graph_title(spec, words)), '<ol class="sqd-tl-list">']
    for ranks in rows:
        cells = []
        for rank in ranks:
            cards = []
            for node_id in rank:
                kind = graph.info[node_id].kind
                what = html.escape(words(f"phrase.timeline-{kind}"), quote=False)
                cards.append(f'<div class="sqd-tl-node sqd-tl-{kind} sqd-c-{GRAPH_COLOURS[kind]}" '
                             f'id="{anchor[node_id]}" title="{what}">{label(node_id)}{notes(node_id)}</div>')
            cells.append('<div class="sqd-tl-rank">' + "".join(cards) + "</div>")
        out.append('<li class="sqd-tl-item sqd-tl-row">' + '<span class="sqd-tl-arrow" aria-hidden="true">→</span>'
                   .join(cells) + "</li>")
    out += ["</ol>", "</div>"]
    return "\n".join(out)


SUBJECT = Subject(
    name="timeline",
    help="evolution timeline of sequence models by era, the problem → solution graph, or the table of eras",
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
