"""The registry schema: what every architecture, dimension, event and label must carry.

The packaged YAML (``registry/data/*.yaml``) is transcribed from the project's domain
reference and validated against these models on every load, as is any user overlay.
Models forbid unknown fields so a typo in a YAML key is an error, not silently ignored.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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


class Dimension(_Strict):
    """A comparison row: label, claim status, sources and one value per architecture."""

    label: Text
    status: str = Field(pattern=r"^(F|F\(d\)|J|F / F\(d\)|F \+ J)$")
    sources: tuple[str, ...] = ()
    default: bool = False
    values: dict[str, Text]


class Event(_Strict):
    """A timeline event; ``year`` is the first archival appearance, ``venue`` says where it was published."""

    year: int = Field(ge=1900, le=2100)
    first_appearance: str
    label: Text
    arch: str | None = None
    venue: str
    sources: tuple[str, ...] = Field(min_length=1)


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


class RegistryData(_Strict):
    """Everything the registry holds, after packaged data and overlays are merged."""

    archs: dict[str, Arch]
    dims: dict[str, Dimension]
    events: tuple[Event, ...]
    labels: dict[str, Text]
    sources: dict[str, Source]
    tables: dict[str, StaticTable] = {}

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
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _unknown_sources(self, where: str, keys: tuple[str, ...], detail: str = "") -> list[str]:
        return [f"{where}: unknown source `{k}`{detail}" for k in keys if k not in self.sources]
