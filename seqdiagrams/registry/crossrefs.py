"""Cross-references of the registry: every id an entry names exists, and the graph and eras fit together.

Pure checks over the merged data (no rendering, no file access), run by :class:`~.schema.RegistryData` on
every load; each problem is a ``dotted.path: message`` line that the loader locates in the YAML.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from seqdiagrams.errors import did_you_mean
from seqdiagrams.ir import EVOLUTION_EDGES

if TYPE_CHECKING:
    from seqdiagrams.registry.schema import Era, RegistryData

_ID = r"^[a-z0-9][a-z0-9.-]*$"


def cross_reference_problems(data: RegistryData) -> list[str]:
    """Every reference the entries make to one another that points nowhere, as ``path: problem`` lines."""
    problems: list[str] = []
    for arch_id, arch in data.archs.items():
        if not re.match(_ID, arch_id):
            problems.append(f"archs.{arch_id}: ids are lower-case words with dashes")
        problems += _unknown_sources(data, f"archs.{arch_id}.sources", arch.sources)
        for eq in arch.equations:
            problems += _unknown_sources(data, f"archs.{arch_id}.equations", eq.sources, f" (in {eq.id})")
    for dim_id, dim in data.dims.items():
        problems += _unknown_sources(data, f"dims.{dim_id}.sources", dim.sources)
        problems += [f"dims.{dim_id}.values.{a}: unknown architecture" for a in dim.values
                     if a not in data.archs]
    for i, event in enumerate(data.events):
        problems += _unknown_sources(data, f"events.{i}.sources", event.sources)
        if event.arch is not None and event.arch not in data.archs:
            problems.append(f"events.{i}.arch: unknown architecture `{event.arch}`")
    for table_id, table in data.tables.items():
        problems += _unknown_sources(data, f"tables.{table_id}.sources", table.sources)
        for row, keys in table.row_sources.items():
            problems += _unknown_sources(data, f"tables.{table_id}.row_sources.{row}", keys)
    problems += _era_problems(data) + _evolution_problems(data)
    problems += _formula_problems(data)
    return problems


def _unknown_sources(data: RegistryData, where: str, keys: tuple[str, ...], detail: str = "") -> list[str]:
    return [f"{where}: unknown source `{k}`{detail}" for k in keys if k not in data.sources]


def _era_problems(data: RegistryData) -> list[str]:
    """Eras are listed in time order without overlaps, and every event year (first and venue) has one."""
    problems: list[str] = []
    previous: tuple[str, Era] | None = None
    for era_id, era in data.eras.items():
        if not re.match(_ID, era_id):
            problems.append(f"eras.{era_id}: ids are lower-case words with dashes")
        if previous is not None and era.start <= previous[1].end:
            problems.append(f"eras.{era_id}.start: {era.start} overlaps or precedes era `{previous[0]}` "
                            f"(ending {previous[1].end}); list eras in time order without overlaps")
        previous = (era_id, era)
    if data.eras:
        for i, event in enumerate(data.events):
            for key, year in (("year", event.year), ("venue_year", event.venue_year)):
                if year is not None and data.era_of(year) is None:
                    problems.append(f"events.{i}.{key}: {year} is in no era; extend `eras`")
    return problems


def _evolution_problems(data: RegistryData) -> list[str]:
    """Nodes name known archs and sources; edges join known nodes in the direction their kind says."""
    problems: list[str] = []
    nodes = data.evolution.nodes
    for node_id, node in nodes.items():
        if not re.match(_ID, node_id):
            problems.append(f"evolution.nodes.{node_id}: ids are lower-case words with dashes")
        problems += [f"evolution.nodes.{node_id}.archs: unknown architecture `{a}`" for a in node.archs
                     if a not in data.archs]
        problems += _unknown_sources(data, f"evolution.nodes.{node_id}.sources", node.sources)
    seen: set[tuple[str, str]] = set()
    expected = EVOLUTION_EDGES
    for i, edge in enumerate(data.evolution.edges):
        missing = [end for end in (edge.src, edge.dst) if end not in nodes]
        if missing:
            problems.append(f"evolution.edges.{i}: unknown node `{missing[0]}`")
            continue
        if edge.src == edge.dst or (edge.src, edge.dst) in seen:
            problems.append(f"evolution.edges.{i}: a loop or a repeated edge `{edge.src}` → `{edge.dst}`")
        seen.add((edge.src, edge.dst))
        kinds = (nodes[edge.src].kind, nodes[edge.dst].kind)
        if kinds != expected[edge.kind]:
            problems.append(f"evolution.edges.{i}.kind: `{edge.kind}` goes from a {expected[edge.kind][0]} "
                            f"to a {expected[edge.kind][1]}, not from a {kinds[0]} to a {kinds[1]}")
    return problems + _era_node_problems(data)


def _era_node_problems(data: RegistryData) -> list[str]:
    """An era's breakthroughs are solutions and its limitations problems, each node in one era at most."""
    problems: list[str] = []
    owner: dict[str, str] = {}
    for era_id, era in data.eras.items():
        for field_name, kind in (("breakthroughs", "solution"), ("limitations", "problem")):
            for node_id in getattr(era, field_name):
                node = data.evolution.nodes.get(node_id)
                if node is None or node.kind != kind:
                    problems.append(f"eras.{era_id}.{field_name}: `{node_id}` is not a {kind} of the "
                                    f"evolution graph")
                elif node_id in owner:
                    problems.append(f"eras.{era_id}.{field_name}: `{node_id}` is already in era "
                                    f"`{owner[node_id]}`")
                owner.setdefault(node_id, era_id)
    return problems


def _formula_problems(data: RegistryData) -> list[str]:
    """Equation ids are unique; formula sets name known archs, equations and symbols."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for arch_id, arch in data.archs.items():
        for eq in arch.equations:
            if eq.id in seen and seen[eq.id] != arch_id:
                problems.append(f"archs.{arch_id}.equations: equation id `{eq.id}` is also used in `{seen[eq.id]}`")
            seen.setdefault(eq.id, arch_id)
    for i, eq in enumerate(data.equations):
        if eq.id in seen:
            problems.append(f"equations.{i}: equation id `{eq.id}` is also used in `{seen[eq.id]}`")
        seen.setdefault(eq.id, "equations")
        problems += _unknown_sources(data, f"equations.{i}.sources", eq.sources, f" (in {eq.id})")
    for symbol_id in data.symbols:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", symbol_id):
            problems.append(f"symbols.{symbol_id}: ids are letters, digits, `_`, `.` and `-`")
    for set_id, item in data.formula_sets.items():
        if not re.match(r"^[a-z0-9][a-z0-9-]*$", set_id):
            problems.append(f"formula_sets.{set_id}: ids are lower-case words with dashes")
        if item.arch is not None and item.arch not in data.archs:
            hint = did_you_mean(item.arch, tuple(data.archs)) or ""
            problems.append(f"formula_sets.{set_id}.arch: unknown architecture `{item.arch}` {hint}".rstrip())
        for eq_id in item.equations:
            if eq_id not in seen:
                hint = did_you_mean(eq_id, tuple(seen)) or ""
                problems.append(f"formula_sets.{set_id}.equations: unknown equation `{eq_id}` {hint}".rstrip())
        for node_id, eq_id in (item.figure.nodes if item.figure else {}).items():
            if eq_id not in item.equations:
                problems.append(f"formula_sets.{set_id}.figure.nodes.{node_id}: `{eq_id}` is not an equation "
                                f"of this set (it lists {', '.join(item.equations)})")
        for symbol_id in item.symbols:
            if symbol_id not in data.symbols:
                hint = did_you_mean(symbol_id, tuple(data.symbols)) or ""
                problems.append(f"formula_sets.{set_id}.symbols: unknown symbol `{symbol_id}` {hint}".rstrip())
    return problems
