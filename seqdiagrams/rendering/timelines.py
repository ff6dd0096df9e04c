"""Serializers of the timeline models: HTML drawn at build time, Mermaid, JSON, Markdown and plain tables.

``html`` draws without a script: a vertical era layout for a timeline (one band per era in its family colour,
one row per year, the events of a year stacked beside it), rows for the evolution graph (each problem, then
the solutions that answer it and what they lead to, rank by rank, with the problems a solution raises linked
below it), and a table whose cells hold the graph's cards for the eras. Each fits any text column at the
page's own text size and follows the page's colours (:mod:`seqdiagrams.rendering.timeline_style`). ``md`` is
Mermaid source in a fence (:mod:`seqdiagrams.rendering.mermaid`), or for the eras a Markdown table that
writes every markup character as an entity. :func:`text_table` gives hosts without a browser the content.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from seqdiagrams.models import EraTableModel, EvolutionModel, TimelineModel
from seqdiagrams.rendering.mermaid import fence, graph_source, timeline_source
from seqdiagrams.rendering.templating import HtmlCell, escape_text, fragment, markdown_env
from seqdiagrams.rendering.timeline_style import GRAPH_COLOURS, STYLESHEET, era_colour
from seqdiagrams.subjects import TextTable

if TYPE_CHECKING:
    from seqdiagrams.models import GraphNode, TimelineEvent

TimelineModels = TimelineModel | EvolutionModel | EraTableModel


def _span(start: int, end: int) -> str:
    return f"{start}–{end}" if start != end else str(start)


def timeline_html(model: TimelineModels, prefix: str, styles: bool) -> str:
    """The drawing of ``model`` (``styles``: its stylesheet inline, for a self-contained figure)."""
    context: dict[str, Any] = {"frame": model.frame, "stylesheet": Markup(STYLESHEET) if styles else ""}
    if isinstance(model, TimelineModel):
        return fragment("timeline.html", groups=_groups(model.events), **context)
    if isinstance(model, EvolutionModel):
        anchor = {node.id: f"{prefix}-{i}" for i, node in enumerate(model.nodes, 1)}
        return fragment("evolution.html", model=model, rows=_ranks(model), colours=GRAPH_COLOURS, notes=_notes(model),
                        anchor=anchor, labels={node.id: node.label for node in model.nodes}, **context)
    header = [HtmlCell("th", escape_text(text), "col") for text in model.headers]
    return fragment("eras.html", model=model, header=header, span=_span, colour=era_colour, colours=GRAPH_COLOURS,
                    node_text=_node_text, **context)


def _groups(events: tuple[TimelineEvent, ...]) -> list[dict[str, Any]]:
    """Runs of events of one era: the era's colour, label and span, and its events by year."""
    runs: list[list[TimelineEvent]] = []
    for event in events:
        if not runs or runs[-1][0].era != event.era:
            runs.append([])
        runs[-1].append(event)
    return [{"era": run[0].era, "colour": era_colour(run[0].era.family if run[0].era else None),
             "span": _span(run[0].year, run[-1].year),
             "years": [(year, [e for e in run if e.year == year]) for year in sorted({e.year for e in run})]}
            for run in runs]


def _ranks(model: EvolutionModel) -> list[list[list[GraphNode]]]:
    """The graph as rows: each problem (or a node nothing leads to) and, rank by rank, what it leads to.

    A node is drawn once, in the first row that reaches it; ``raises`` edges start no rank (they point to the
    row of the problem raised).
    """
    forward = [(src, dst) for src, dst, kind in model.edges if kind != "raises"]
    entered = {dst for _, dst in forward}
    order = [node.id for node in model.nodes]
    placed: set[str] = set()
    rows: list[list[list[str]]] = []
    for root in [*(n for n in order if n not in entered), *order]:  # then any node left: an author's cycle
        if root in placed:
            continue
        ranks = [[root]]
        placed.add(root)
        while True:
            frontier = set(ranks[-1])
            step = [n for n in order if n not in placed and any(s in frontier and d == n for s, d in forward)]
            if not step:
                break
            placed.update(step)
            ranks.append(step)
        rows.append(ranks)
    nodes = {node.id: node for node in model.nodes}
    return [[[nodes[n] for n in rank] for rank in ranks] for ranks in rows]


def _notes(model: EvolutionModel) -> dict[str, list[tuple[str, str]]]:
    """Per node, the edges the layout does not show by placement: ``(relation, dst)`` for a ``raises``, or a
    link to another row or to a rank other than the next."""
    rank_of = {node.id: (r, k) for r, ranks in enumerate(_ranks(model)) for k, rank in enumerate(ranks)
               for node in rank}
    out: dict[str, list[tuple[str, str]]] = {node.id: [] for node in model.nodes}
    for src, dst, kind in model.edges:
        row, rank = rank_of[src]
        if kind == "raises" or rank_of[dst] != (row, rank + 1):
            out[src].append((model.relations[kind], dst))
    return out


def _node_text(node: GraphNode) -> str:
    """A node of the table of eras: its label and its source keys."""
    return f"{node.label} " + "".join(f"[{key}]" for key in node.sources)


# -- data ----------------------------------------------------------------------------------------------


def timeline_json(model: TimelineModels) -> dict[str, Any]:
    """DESIGN.md §3: events (timeline), nodes and edges (graph), or eras with their nodes (table)."""
    if isinstance(model, TimelineModel):
        return {"dates": model.dates, "events": [{"year": e.year, "arch": e.arch, "label": e.label,
                                                  "source": list(e.sources), "dating": e.dating}
                                                 for e in model.events]}
    if isinstance(model, EvolutionModel):
        return {"nodes": [{"id": n.id, "kind": n.kind, "label": n.label, "archs": list(n.archs),
                           "source": list(n.sources)} for n in model.nodes],
                "edges": [{"src": src, "dst": dst, "kind": kind} for src, dst, kind in model.edges]}

    def listed(nodes: tuple[GraphNode, ...]) -> list[dict[str, object]]:
        return [{"id": n.id, "label": n.label, "source": list(n.sources)} for n in nodes]

    return {"eras": [{"id": row.era.id, "label": row.era.label, "start": row.start, "end": row.end,
                      "breakthroughs": listed(row.breakthroughs), "limitations": listed(row.limitations)}
                     for row in model.rows]}


def timeline_md(model: TimelineModels) -> str:
    """Mermaid source in a fence; the table of eras as a Markdown table whose text stays literal."""
    if isinstance(model, TimelineModel):
        return fence(timeline_source(model))
    if isinstance(model, EvolutionModel):
        return fence(graph_source(model))
    return markdown_env().get_template("eras.md").render(table=text_table(model))


def text_table(model: TimelineModels) -> TextTable:
    """The content as a plain table: what LaTeX and text builders show instead of the drawing."""
    if isinstance(model, TimelineModel):
        rows: list[tuple[str, ...]] = []
        era: str | None = None
        for event in model.events:
            if event.era is not None and event.era.id != era:
                rows.append((event.era.label,))
                era = event.era.id
            rows.append((f"{event.year}{event.mark}", event.label, event.first_appearance, event.venue,
                         ", ".join(f"[{key}]" for key in event.sources)))
        return TextTable(model.frame.caption, model.headers, tuple(rows), (8, 34, 18, 26, 10))
    if isinstance(model, EvolutionModel):
        nodes = {node.id: node for node in model.nodes}

        def name(node_id: str) -> str:
            return f"{nodes[node_id].label} ({model.kinds[nodes[node_id].kind]})"

        pairs = [(name(src), model.relations[kind], name(dst)) for src, dst, kind in model.edges]
        linked = {n for src, dst, _ in model.edges for n in (src, dst)}
        pairs += [(name(node.id), "—", "—") for node in model.nodes if node.id not in linked]
        return TextTable(model.frame.caption, model.headers, tuple(pairs), (36, 12, 36))
    body = tuple((row.era.label, _span(row.start, row.end),
                  model.separator.join(_node_text(n) for n in row.breakthroughs) or "—",
                  model.separator.join(_node_text(n) for n in row.limitations) or "—") for row in model.rows)
    return TextTable(model.frame.caption, model.headers, body, (22, 10, 40, 40))
