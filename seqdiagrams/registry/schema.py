"""The registry schema: what every architecture, dimension, event and label must carry.

The packaged YAML (``registry/data/*.yaml``) is transcribed from the project's domain
reference and validated against these models on every load, as is any user overlay.
Models forbid unknown fields so a typo in a YAML key is an error, not silently ignored.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from seqdiagrams.errors import did_you_mean
from seqdiagrams.ir import EVOLUTION_EDGES

_ID = r"^[a-z0-9][a-z0-9.-]*$"
_EQ_ID = r"^[a-z0-9][A-Za-z0-9.-]*$"  # equation labels keep symbol case: `mamba.A`
_SOURCE = r"^[A-Z][A-Z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A string in both supported languages. Chinese falls back to English only where noted."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class Equation(_Strict):
    """One labelled formula (``arch.name``), standard KaTeX commands only."""

    id: str = Field(pattern=_EQ_ID)
    latex: str = Field(min_length=1, max_length=2000)
    label: Text
    note: Text | None = None
    sources: tuple[str, ...] = ()

    @field_validator("latex")
    @classmethod
    def _no_macros(cls, value: str) -> str:
        if re.search(r"\\(def|newcommand|renewcommand|gdef|edef|href|url|includegraphics)\b", value):
            raise ValueError("macros, links and includes are not allowed in registry LaTeX")
        return value

    @field_validator("latex")
    @classmethod
    def _typesets(cls, value: str, info: ValidationInfo) -> str:
        return _check_katex(value, f"equation `{info.data.get('id', '?')}`")


class Arch(_Strict):
    """An architecture: names, dating (first appearance vs venue), sources and equations."""

    name: Text
    short: Text
    family: Literal["recurrent", "attention", "transformer", "ssm", "hybrid", "linear-attention"]
    year: int = Field(ge=1900, le=2100)
    first_appearance: str
    venue: str
    arxiv: str | None = Field(default=None, pattern=r"^\d{4}\.\d{4,5}$")
    sources: tuple[str, ...] = Field(min_length=1)
    summary: Text
    equations: tuple[Equation, ...] = ()

    @model_validator(mode="after")
    def _equation_ids_unique(self) -> Arch:
        ids = [eq.id for eq in self.equations]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate equation ids: {', '.join(dupes)}")
        return self


CLAIM_STATUSES: dict[str, str] = {
    "F": "stated in, or read directly off, the cited source",
    "F(d)": "derived from the cited definitions (e.g. an asymptotic count)",
    "J": "qualitative judgment (a consensus reading, not a measured claim)",
    "F / F(d)": "some values stated in the source, the others derived from it",
    "F + J": "stated in the source, with a qualitative judgment added",
}
"""How a comparison row is backed (REFERENCE.md §0); an overlay author meets these in the error below."""


class Dimension(_Strict):
    """A comparison row: label, claim status, sources and one value per architecture."""

    label: Text
    status: str = Field(json_schema_extra={"enum": list(CLAIM_STATUSES)},
                        description="; ".join(f"{key} = {meaning}" for key, meaning in CLAIM_STATUSES.items()))
    sources: tuple[str, ...] = ()
    default: bool = False
    values: dict[str, Text]

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        if value not in CLAIM_STATUSES:
            listed = "; ".join(f"`{key}` = {meaning}" for key, meaning in CLAIM_STATUSES.items())
            raise ValueError(f"unknown claim status `{value}`; a status is one of: {listed}")
        return value


class Event(_Strict):
    """A timeline event; ``year`` is the first archival appearance, ``venue`` says where it was published.

    ``venue_year`` and ``venue_short`` (e.g. 2015, "ICLR 2015") name the peer-reviewed publication; both
    are absent for work that only appeared as a preprint or report (timelines then say so, never guess).
    """

    year: int = Field(ge=1900, le=2100)
    first_appearance: str
    label: Text
    arch: str | None = None
    venue: str
    venue_year: int | None = Field(default=None, ge=1900, le=2100)
    venue_short: str | None = Field(default=None, min_length=1, max_length=60)
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _venue_is_whole(self) -> Event:
        if (self.venue_year is None) != (self.venue_short is None):
            raise ValueError("venue_year and venue_short go together (both, or neither for a preprint)")
        if self.venue_year is not None:
            if self.venue_year < self.year:
                raise ValueError(f"venue_year {self.venue_year} is before the first appearance {self.year}")
            if str(self.venue_year) not in str(self.venue_short):
                raise ValueError(f"venue_short `{self.venue_short}` does not name the year {self.venue_year}")
        return self


class Era(_Strict):
    """A span of years that timelines group events by (``start``–``end`` inclusive), drawn in one colour.

    ``family`` picks the colour: the palette of the architecture family the era is known for.
    """

    label: Text
    start: int = Field(ge=1900, le=2100)
    end: int = Field(ge=1900, le=2100)
    family: Literal["recurrent", "attention", "transformer", "ssm", "hybrid", "linear-attention"]
    breakthroughs: tuple[str, ...] = ()
    """Solutions of the evolution graph that appeared in the era (``timeline style=table``)."""
    limitations: tuple[str, ...] = ()
    """Problems of the evolution graph that belong to the era's architectures."""

    @model_validator(mode="after")
    def _ordered(self) -> Era:
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        return self


class EvolutionNode(_Strict):
    """A node of the problem → solution graph: a problem of some architectures, or a solution they brought."""

    kind: Literal["problem", "solution"]
    label: Text
    archs: tuple[str, ...] = Field(min_length=1)
    sources: tuple[str, ...] = Field(min_length=1)


class EvolutionEdge(_Strict):
    """``solves`` (problem → solution), ``leads-to`` (solution → refined solution) or ``raises`` (solution →
    the problem it brings)."""

    src: str
    dst: str
    kind: Literal["solves", "leads-to", "raises"]


class Evolution(_Strict):
    """The problem → solution graph of REFERENCE.md §5 (``timeline style=graph``)."""

    nodes: dict[str, EvolutionNode] = {}
    edges: tuple[EvolutionEdge, ...] = ()


class Source(_Strict):
    """A bibliography entry keyed like ``VAS17``."""

    text: str = Field(min_length=1)
    url: str | None = None


class StaticTable(_Strict):
    """A fixed table quoted from papers (e.g. the Transformer paper's Table 1).

    Rows are shown in ``row_labels`` order; a row may leave a column out (shown as "—",
    never invented). ``row_header`` names the first column; ``row_sources`` cites a row
    more precisely than the table's ``sources`` (which every other row falls back to);
    ``source_column`` adds a column listing each row's source keys.
    """

    title: Text
    row_header: Text
    columns: dict[str, Text]
    rows: dict[str, dict[str, Text]]
    row_labels: dict[str, Text]
    row_sources: dict[str, tuple[str, ...]] = {}
    source_column: bool = False
    notes: Text | None = None
    sources: tuple[str, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _cells_fit_the_table(self) -> StaticTable:
        problems = [f"rows.{r}: no entry in row_labels" for r in self.rows if r not in self.row_labels]
        problems += [f"row_labels.{r}: no entry in rows" for r in self.row_labels if r not in self.rows]
        problems += [f"rows.{r}.{c}: unknown column" for r, cells in self.rows.items() for c in cells
                     if c not in self.columns]
        problems += [f"row_sources.{r}: unknown row" for r in self.row_sources if r not in self.rows]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def sources_of(self, row: str) -> tuple[str, ...]:
        """The sources of ``row``: its own, else the table's."""
        return self.row_sources.get(row) or self.sources


class Symbol(_Strict):
    """A symbol of the formula glossaries: its LaTeX and what it means, in both languages (may hold ``$…$``)."""

    latex: str = Field(min_length=1, max_length=300)
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    @field_validator("latex")
    @classmethod
    def _typesets(cls, value: str) -> str:
        if re.search(r"\\(def|newcommand|renewcommand|gdef|edef|href|url|includegraphics)\b", value):
            raise ValueError("macros, links and includes are not allowed in registry LaTeX")
        return _check_katex(value, "symbol")

    def meaning(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class FigureLink(_Strict):
    """Which figure computes a formula set's equations: a diagram subject, the parameter values for which these
    equations are exactly its maths (the LSTM set fits ``forget_gate=true peephole=false`` only), and, per node id,
    the equation that node computes."""

    subject: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    when: dict[str, str | bool | int] = Field(default_factory=dict, max_length=10)
    nodes: dict[str, str] = Field(min_length=1, max_length=80)


class FormulaSet(_Strict):
    """A formula section (``seqarch formulas``): equations of the registry, in order, and their symbols.

    The default set of an architecture is the set whose id is the architecture id, else the first
    set about it. A set about no single architecture (``scaling-laws``) has no ``arch``; its equations
    are the registry's free-standing ``equations``.
    """

    arch: str | None = None
    title: Text
    equations: tuple[str, ...] = Field(min_length=1, max_length=40)
    symbols: tuple[str, ...] = Field(default=(), max_length=80)
    note: Text | None = None
    figure: FigureLink | None = None
    """The diagram whose nodes compute this set's equations (their tooltips, and links to this section)."""

    @model_validator(mode="after")
    def _no_repeats(self) -> FormulaSet:
        for field in ("equations", "symbols"):
            items = getattr(self, field)
            twice = sorted({item for item in items if items.count(item) > 1})
            if twice:
                raise ValueError(f"`{twice[0]}` is listed twice in {field}")
        return self


def _check_katex(latex: str, what: str) -> str:
    """``latex`` when KaTeX typesets it. Only LaTeX that the packaged files do not hold verbatim is rendered
    (overlays), so loading the packaged registry starts no JavaScript engine; tests cover the packaged LaTeX."""
    if latex in _packaged_latex():
        return latex
    from seqdiagrams.errors import SpecError
    from seqdiagrams.rendering.katex import KatexError, render_math

    try:
        render_math(latex, True)
    except KatexError as exc:
        raise ValueError(f"{what}: KaTeX cannot typeset this LaTeX: {exc}") from None
    except SpecError:  # no engine here (mini-racer or the vendored KaTeX missing): formula sections report it
        return latex
    return latex


@cache
def _packaged_latex() -> frozenset[str]:
    """Every single-quoted scalar of the packaged YAML files (where all their LaTeX is written)."""
    quoted = re.compile(r"'((?:[^']|'')*)'")
    found: set[str] = set()
    for path in sorted(Path(__file__).with_name("data").glob("*.yaml")):
        found.update(m.group(1).replace("''", "'") for m in quoted.finditer(path.read_text(encoding="utf-8")))
    return frozenset(found)


class RegistryData(_Strict):
    """Everything the registry holds, after packaged data and overlays are merged."""

    archs: dict[str, Arch]
    dims: dict[str, Dimension]
    events: tuple[Event, ...]
    labels: dict[str, Text]
    sources: dict[str, Source]
    tables: dict[str, StaticTable] = {}
    eras: dict[str, Era] = {}
    evolution: Evolution = Evolution()
    formula_sets: dict[str, FormulaSet] = {}
    symbols: dict[str, Symbol] = {}
    equations: tuple[Equation, ...] = ()
    """Equations about no single architecture (scaling laws), shown through formula sets without ``arch``."""

    @model_validator(mode="after")
    def _cross_references(self) -> RegistryData:
        problems: list[str] = []
        for arch_id, arch in self.archs.items():
            if not re.match(_ID, arch_id):
                problems.append(f"archs.{arch_id}: ids are lower-case words with dashes")
            problems += self._unknown_sources(f"archs.{arch_id}.sources", arch.sources)
            for eq in arch.equations:
                problems += self._unknown_sources(f"archs.{arch_id}.equations", eq.sources, f" (in {eq.id})")
        for dim_id, dim in self.dims.items():
            problems += self._unknown_sources(f"dims.{dim_id}.sources", dim.sources)
            problems += [f"dims.{dim_id}.values.{a}: unknown architecture" for a in dim.values
                         if a not in self.archs]
        for i, event in enumerate(self.events):
            problems += self._unknown_sources(f"events.{i}.sources", event.sources)
            if event.arch is not None and event.arch not in self.archs:
                problems.append(f"events.{i}.arch: unknown architecture `{event.arch}`")
        for table_id, table in self.tables.items():
            problems += self._unknown_sources(f"tables.{table_id}.sources", table.sources)
            for row, keys in table.row_sources.items():
                problems += self._unknown_sources(f"tables.{table_id}.row_sources.{row}", keys)
        problems += self._era_problems() + self._evolution_problems()
        problems += self._formula_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _unknown_sources(self, where: str, keys: tuple[str, ...], detail: str = "") -> list[str]:
        return [f"{where}: unknown source `{k}`{detail}" for k in keys if k not in self.sources]

    def era_of(self, year: int) -> str | None:
        """The id of the era ``year`` falls in."""
        return next((era_id for era_id, era in self.eras.items() if era.start <= year <= era.end), None)

    def _era_problems(self) -> list[str]:
        """Eras are listed in time order without overlaps, and every event year (first and venue) has one."""
        problems: list[str] = []
        previous: tuple[str, Era] | None = None
        for era_id, era in self.eras.items():
            if not re.match(_ID, era_id):
                problems.append(f"eras.{era_id}: ids are lower-case words with dashes")
            if previous is not None and era.start <= previous[1].end:
                problems.append(f"eras.{era_id}.start: {era.start} overlaps or precedes era `{previous[0]}` "
                                f"(ending {previous[1].end}); list eras in time order without overlaps")
            previous = (era_id, era)
        if self.eras:
            for i, event in enumerate(self.events):
                for key, year in (("year", event.year), ("venue_year", event.venue_year)):
                    if year is not None and self.era_of(year) is None:
                        problems.append(f"events.{i}.{key}: {year} is in no era; extend `eras`")
        return problems

    def _evolution_problems(self) -> list[str]:
        """Nodes name known archs and sources; edges join known nodes in the direction their kind says."""
        problems: list[str] = []
        nodes = self.evolution.nodes
        for node_id, node in nodes.items():
            if not re.match(_ID, node_id):
                problems.append(f"evolution.nodes.{node_id}: ids are lower-case words with dashes")
            problems += [f"evolution.nodes.{node_id}.archs: unknown architecture `{a}`" for a in node.archs
                         if a not in self.archs]
            problems += self._unknown_sources(f"evolution.nodes.{node_id}.sources", node.sources)
        seen: set[tuple[str, str]] = set()
        expected = EVOLUTION_EDGES
        for i, edge in enumerate(self.evolution.edges):
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
        return problems + self._era_node_problems()

    def _era_node_problems(self) -> list[str]:
        """An era's breakthroughs are solutions and its limitations problems, each node in one era at most."""
        problems: list[str] = []
        owner: dict[str, str] = {}
        for era_id, era in self.eras.items():
            for field_name, kind in (("breakthroughs", "solution"), ("limitations", "problem")):
                for node_id in getattr(era, field_name):
                    node = self.evolution.nodes.get(node_id)
                    if node is None or node.kind != kind:
                        problems.append(f"eras.{era_id}.{field_name}: `{node_id}` is not a {kind} of the "
                                        f"evolution graph")
                    elif node_id in owner:
                        problems.append(f"eras.{era_id}.{field_name}: `{node_id}` is already in era "
                                        f"`{owner[node_id]}`")
                    owner.setdefault(node_id, era_id)
        return problems

    def equations_by_id(self) -> dict[str, tuple[str | None, Equation]]:
        """Every equation by its id, with the id of the architecture that lists it (None: free-standing)."""
        found: dict[str, tuple[str | None, Equation]] = {eq.id: (None, eq) for eq in self.equations}
        found.update({eq.id: (arch_id, eq) for arch_id, arch in self.archs.items() for eq in arch.equations})
        return found

    def formula_set_of(self, arch: str) -> str | None:
        """The id of the default formula set of ``arch``: the set with its id, else the first set about it."""
        if arch in self.formula_sets and self.formula_sets[arch].arch == arch:
            return arch
        return next((set_id for set_id, item in self.formula_sets.items() if item.arch == arch), None)

    def _formula_problems(self) -> list[str]:
        """Equation ids are unique; formula sets name known archs, equations and symbols."""
        problems: list[str] = []
        seen: dict[str, str] = {}
        for arch_id, arch in self.archs.items():
            for eq in arch.equations:
                if eq.id in seen and seen[eq.id] != arch_id:
                    problems.append(f"archs.{arch_id}.equations: equation id `{eq.id}` is also used in `{seen[eq.id]}`")
                seen.setdefault(eq.id, arch_id)
        for i, eq in enumerate(self.equations):
            if eq.id in seen:
                problems.append(f"equations.{i}: equation id `{eq.id}` is also used in `{seen[eq.id]}`")
            seen.setdefault(eq.id, "equations")
            problems += self._unknown_sources(f"equations.{i}.sources", eq.sources, f" (in {eq.id})")
        for symbol_id in self.symbols:
            if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", symbol_id):
                problems.append(f"symbols.{symbol_id}: ids are letters, digits, `_`, `.` and `-`")
        for set_id, item in self.formula_sets.items():
            if not re.match(r"^[a-z0-9][a-z0-9-]*$", set_id):
                problems.append(f"formula_sets.{set_id}: ids are lower-case words with dashes")
            if item.arch is not None and item.arch not in self.archs:
                hint = did_you_mean(item.arch, tuple(self.archs)) or ""
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
                if symbol_id not in self.symbols:
                    hint = did_you_mean(symbol_id, tuple(self.symbols)) or ""
                    problems.append(f"formula_sets.{set_id}.symbols: unknown symbol `{symbol_id}` {hint}".rstrip())
        return problems
