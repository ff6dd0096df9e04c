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

- ``html``: the diagram drawn at build time as HTML and CSS, no script: a vertical era layout for
  ``style=timeline`` (one band per era in its family colour, one row per year, the events of a year stacked
  beside it), rows for ``style=graph`` (each problem, then the solutions that answer it and what they lead
  to, rank by rank, with the problems a solution raises linked below it). Both fit any text column at the
  page's own text size (a 27-event Mermaid timeline is 3390 px wide: shrunk into a 680 px column its text is
  unreadable, scrolled it shows three events at a time), follow the page's colours (text is inherited and
  tints are translucent, so a light, dark or custom scheme needs no switch), and are plain text for search
  and screen readers. The layout CSS is :data:`STYLESHEET` (inlined with ``styles``).
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
from seqdiagrams.rendering.mermaid import ARCH_FAMILY_COLOUR, escape, wrap_cjk
from seqdiagrams.rendering.theme import FAMILIES, TEXT
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
    style = f"<style>{STYLESHEET}</style>\n" if styles else ""
    if spec["style"] == "graph":
        graph = evolution_graph(spec, registry)
        table = _graph_table(spec, registry, graph)
        if fmt == "json":
            return Output(_graph_json(spec, registry, graph), table.caption)
        if fmt == "md":
            return Output(_fence(graph_source(spec, registry, graph)), table.caption)
        return Output(style + _graph_html(spec, registry, graph, id_prefix), table.caption)
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
    for root in roots:
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
    nodes = registry.data.evolution.nodes
    rows = _ranks(graph)
    rank_of = {n: (r, k) for r, ranks in enumerate(rows) for k, rank in enumerate(ranks) for n in rank}
    anchor = {n: f"{prefix}-{i}" for i, n in enumerate(graph.nodes, 1)}

    def label(node_id: str) -> str:
        return html.escape(nodes[node_id].label.get(spec.lang), quote=False)

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
                kind = nodes[node_id].kind
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
