"""What the non-diagram subjects produce: plain data, in the block's language, that every output format is
written from.

A subject reads the registry and the block and returns one of these models; :mod:`seqdiagrams.rendering`
owns one serializer per model and format (HTML, Markdown, LaTeX, JSON), so no subject writes markup and a
host that builds its own document tree (the Sphinx extension's docutils tables) reads the same model.

Text fields are *registry text*: plain text that may hold ``$…$`` inline math, ``*emphasis*`` and
```code``` (:func:`seqdiagrams.rendering.mathtext.split_math` cuts it). Nothing here is escaped for any
format: escaping is the serializer's job. This module imports nothing of the package (a leaf).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

WEB = ("https://", "http://")
"""URL schemes a reference may be linked by."""


@dataclass(frozen=True)
class Reference:
    """A cited source, numbered by its place in the model's list: ``[VAS17] Vaswani et al. …``."""

    key: str
    text: str
    """Registry text."""
    url: str | None = None

    @property
    def link(self) -> str | None:
        """The URL when it can be shown as a link (http or https only), else None."""
        return self.url if self.url and self.url.startswith(WEB) else None


# -- tables --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One table cell: registry text (None: the registry has no value, shown "—") and note marks.

    ``marks`` are the numbers of the cell's references in :attr:`TableModel.references` and ``J`` for a
    judgment, as written beside a row header: ``"1, 2, J"`` (empty: none)."""

    text: str | None
    marks: str = ""


@dataclass(frozen=True)
class Record:
    """One row of the table as data (DESIGN.md §3 JSON): values by column id (None: no value), its sources."""

    id: str
    label: str
    values: Mapping[str, str | None]
    sources: tuple[str, ...]
    judgment: bool = False


@dataclass(frozen=True)
class TableModel:
    """A table as laid out (``header`` and ``rows`` of :class:`Cell`) and as data (``columns``, ``records``).

    ``header`` is the first row, corner cell first; each of ``rows`` starts with its row header, so every
    row has ``len(header)`` cells. ``legend`` (registry text, may be empty) is shown under the table, then the
    numbered ``references`` and the ``judgment`` line (empty unless a row is marked ``J``). The data keeps its
    registry shape whatever the layout (``transpose`` swaps the laid-out rows and columns only)."""

    caption: str
    """The figure caption: the block's title, else the table's."""
    title: str
    """The table's own title (what an error about its math names)."""
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    columns: tuple[tuple[str, str], ...]
    """``(id, header)`` of each data column (an architecture, or a column of a quoted table)."""
    records: tuple[Record, ...]
    legend: str = ""
    references: tuple[Reference, ...] = ()
    judgment: str = ""
    missing: str = "—"
    """What a cell without a value shows."""


# -- formula sections ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """One equation of a section: exactly the registry LaTeX, its label and note (registry text)."""

    id: str
    latex: str
    label: str
    note: str
    number: int | None
    """The equation's number when the section is numbered, else None."""
    number_label: str
    """The number as the block's language writes it (``(1)``), or empty."""
    sources: tuple[str, ...]
    highlight: bool = False
    entry: tuple[str | int, ...] = ()
    """Where the registry holds the equation (``("archs", "lstm", "equations", 2)``): a located LaTeX error."""


@dataclass(frozen=True)
class Symbol:
    """A glossary entry: the symbol's id and LaTeX, and what it means (registry text)."""

    id: str
    latex: str
    meaning: str


@dataclass(frozen=True)
class SectionWords:
    """The headings of a formula section in the block's language."""

    symbols: str
    symbol: str
    meaning: str
    sources: str


@dataclass(frozen=True)
class FormulaSection:
    """A formula set as shown: its note, equations, glossary and sources."""

    caption: str
    set_id: str
    arch: str | None
    """None for a set about no single architecture (``scaling-laws``)."""
    title: str
    note: str
    formulas: tuple[Formula, ...]
    symbols: tuple[Symbol, ...]
    references: tuple[Reference, ...]
    words: SectionWords


# -- timelines, the evolution graph, the table of eras ---------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """What every drawing of a timeline block shares: its accessible name and caption, language and scheme."""

    kind: str
    """``timeline``, ``graph`` or ``table``."""
    title: str
    caption: str
    lang: str
    theme: str
    """``light`` or ``dark`` when the block pins its scheme, else ``auto``."""


class _Framed:
    """A model drawn in a :class:`Frame`: its caption is the frame's."""

    frame: Frame

    @property
    def caption(self) -> str:
        return self.frame.caption


@dataclass(frozen=True)
class EraLabel:
    """An era as a drawing names it: its id, its label and the architecture family it is known for (its colour)."""

    id: str
    label: str
    family: str


@dataclass(frozen=True)
class TimelineEvent:
    """An event as placed: at ``year``, which is its ``first`` appearance or its ``venue`` (``dating``)."""

    year: int
    dating: str
    era: EraLabel | None
    arch: str | None
    label: str
    text: str
    """The label with the venue or the other date beside it."""
    sources: tuple[str, ...]
    first_appearance: str
    venue: str
    mark: str = ""
    """`` †`` beside the year of work without a peer-reviewed venue, when events are placed at venues."""


@dataclass(frozen=True)
class TimelineModel(_Framed):
    """``timeline style=timeline``: events in time order, grouped by era."""

    frame: Frame
    dates: str
    direction: str
    """Mermaid's direction (``LR`` or ``TD``)."""
    desc: str
    events: tuple[TimelineEvent, ...]
    headers: tuple[str, ...]
    """Year (which date), event, first appearance, venue, sources: the plain table's header."""


@dataclass(frozen=True)
class GraphNode:
    """A node of the evolution graph: the registry's (with architectures and sources) or the block's own."""

    id: str
    kind: str
    """``problem`` or ``solution``."""
    label: str
    archs: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvolutionModel(_Framed):
    """``timeline style=graph``: nodes in drawing order (registry nodes first) and ``(src, dst, kind)`` edges."""

    frame: Frame
    direction: str
    desc: str
    nodes: tuple[GraphNode, ...]
    edges: tuple[tuple[str, str, str], ...]
    kinds: Mapping[str, str]
    """What each node kind is called (``problem`` → "problem")."""
    relations: Mapping[str, str]
    """What each edge kind is called (``solves`` → "solved by")."""
    headers: tuple[str, str, str]


@dataclass(frozen=True)
class EraRow:
    """An era of the table: the years its events span and its breakthroughs and limitations (graph nodes)."""

    era: EraLabel
    start: int
    end: int
    breakthroughs: tuple[GraphNode, ...]
    limitations: tuple[GraphNode, ...]


@dataclass(frozen=True)
class EraTableModel(_Framed):
    """``timeline style=table``: every era of the registry, in order."""

    frame: Frame
    headers: tuple[str, str, str, str]
    rows: tuple[EraRow, ...]
    separator: str
    """How the language separates items of a list within a cell (``; `` or ``；``)."""


# -- plots ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlotModel:
    """A plot: its data (the JSON output, and what the drawing of ``kind`` reads) and its words.

    ``kind`` names the drawing (:data:`seqdiagrams.rendering.serialize.PLOTS`); ``title`` and ``desc`` are
    the SVG's accessible name and description; ``theme`` the block's colour scheme."""

    kind: str
    data: Mapping[str, Any]
    title: str
    desc: str
    caption: str
    theme: str
