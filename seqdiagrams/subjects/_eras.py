"""The table of eras (``timeline style=table``): each era's years, breakthroughs and limitations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqdiagrams.models import EraLabel, EraRow, EraTableModel, GraphNode
from seqdiagrams.subjects._common import Words
from seqdiagrams.subjects._timeline_shared import frame, sentence

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec


def era_model(spec: Spec, registry: Registry) -> EraTableModel:
    """Every era of the registry, in order, spanning the first-appearance years of its events (its registry
    bounds when it has none: those are the limits of the era, not dates of anything), with the nodes of the
    evolution graph it names (``timeline.yaml``) and their sources."""
    words = Words(registry, spec.lang)
    nodes = registry.data.evolution.nodes

    def listed(ids: tuple[str, ...]) -> tuple[GraphNode, ...]:
        return tuple(GraphNode(n, nodes[n].kind, nodes[n].label.get(spec.lang), nodes[n].archs, nodes[n].sources)
                     for n in ids)

    rows = []
    for era_id, era in registry.data.eras.items():
        years = [event.year for event in registry.events() if registry.data.era_of(event.year) == era_id]
        start, end = (min(years), max(years)) if years else (era.start, era.end)
        rows.append(EraRow(EraLabel(era_id, era.label.get(spec.lang), era.family), start, end,
                           listed(era.breakthroughs), listed(era.limitations)))
    title = spec["title"] or words("phrase.timeline-table-title")
    headers = (words("phrase.timeline-era"), words("phrase.timeline-years"), words("phrase.timeline-breakthroughs"),
               words("phrase.timeline-limitations"))
    return EraTableModel(frame(spec, "table", title, sentence(words, title, words("phrase.timeline-table-note"))),
                         headers, tuple(rows), "；" if spec.lang == "zh" else "; ")
