"""The registry schema: what every architecture, dimension, event and label must carry.

The packaged YAML (``registry/data/*.yaml``) is transcribed from the project's domain
reference and validated against these models on every load, as is any user overlay.
Models forbid unknown fields so a typo in a YAML key is an error, not silently ignored.
Validation is pure: shapes, ids and cross-references (:mod:`.crossrefs`), no rendering.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from seqdiagrams.registry.crossrefs import cross_reference_problems

_EQ_ID = r"^[a-z0-9][A-Za-z0-9.-]*$"  # equation labels keep symbol case: `mamba.A`


_MACROS = re.compile(r"\\(def|newcommand|renewcommand|gdef|edef|href|url|includegraphics)\b")


def _plain_latex(value: str) -> str:
    """Registry LaTeX defines nothing and links to nothing (it reaches KaTeX, pdfLaTeX and Markdown pages).

    Whether KaTeX typesets it is checked where a formula is rendered (:mod:`seqdiagrams.rendering.mathtext`):
    validation stays pure, so loading a registry never starts a JavaScript engine."""
    if _MACROS.search(value):
        raise ValueError("macros, links and includes are not allowed in registry LaTeX")
    return value


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
    latex: Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_plain_latex)]
    label: Text
    note: Text | None = None
    sources: tuple[str, ...] = ()



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

    latex: Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_plain_latex)]
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

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
        problems = cross_reference_problems(self)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def era_of(self, year: int) -> str | None:
        """The id of the era ``year`` falls in."""
        return next((era_id for era_id, era in self.eras.items() if era.start <= year <= era.end), None)

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
