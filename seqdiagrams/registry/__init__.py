"""The data registry: architectures, comparison dimensions, timeline events, labels, sources.

One fact, one place: diagrams' labels and alt text, tables, timelines and formula
sections all read from here. The packaged YAML is merged with optional user overlay
files (mappings merge key by key, lists are replaced), then validated as a whole;
a schema error names the YAML file, line and column of the offending entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from seqdiagrams.errors import Location, SpecError, Subtype
from seqdiagrams.identity import registry_digest
from seqdiagrams.registry.schema import Arch, Dimension, Event, RegistryData

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

DATA_DIR = Path(__file__).with_name("data")
MAX_OVERLAY_BYTES = 2 * 1024 * 1024
"""Largest user overlay file accepted."""

_Origin = tuple[str, str]
"""A file name and its text; composed into YAML nodes only to locate an error."""
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Registry:
    """Validated, merged registry data plus a digest of its content (used in cache keys)."""

    data: RegistryData
    digest: str
    origins: tuple[_Origin, ...] = field(default=(), compare=False, repr=False)
    """Every file read, in merge order, with its text: what :meth:`locate` searches."""

    @classmethod
    def load(cls, overlays: Sequence[str | Path] = ()) -> Registry:
        """The packaged registry merged with ``overlays`` (later files win).

        Results are memoised per overlay content stamp (path, size, mtime), so an overlay
        edited during ``mkdocs serve`` is read again while unchanged files cost nothing.
        """
        return _load(tuple(str(p) for p in overlays), tuple(_stamp(Path(p)) for p in overlays))

    @classmethod
    def default(cls) -> Registry:
        """The packaged registry alone (cached for the process)."""
        return _load((), ())

    # -- lookups used by subjects, tables and alt text -------------------------------------
    def arch(self, arch_id: str) -> Arch:
        return self.data.archs[arch_id]

    def label(self, key: str, lang: str) -> str:
        """A component label (REFERENCE.md §7), e.g. ``label("gate.forget", "zh")`` → 遗忘门."""
        text = self.data.labels.get(key)
        if text is None:
            raise KeyError(f"registry has no label `{key}`")
        return text.get(lang)

    def dims(self) -> dict[str, Dimension]:
        return self.data.dims

    def events(self) -> tuple[Event, ...]:
        return self.data.events

    def locate(self, path: Sequence[str | int]) -> Location:
        """Where the entry at ``path`` (``("symbols", "h", "latex")``) is written: the last file that holds it.

        For faults found after loading, such as LaTeX that KaTeX cannot typeset when a formula is rendered."""
        return _locate(path, list(self.origins))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)  # reported as a located error by _read
    return (stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _load(overlays: tuple[str, ...], stamps: tuple[tuple[int, int], ...]) -> Registry:
    files = sorted(DATA_DIR.glob("*.yaml"))
    merged: dict[str, Any] = {}
    origins: list[_Origin] = []
    for path in [*files, *(Path(p) for p in overlays)]:
        packaged = path.parent == DATA_DIR
        text = _read(path, packaged)
        origins.append((str(path), text))
        _merge(merged, _parse(path, text, packaged))
    try:
        data = RegistryData.model_validate(merged)
    except ValidationError as exc:
        raise _schema_error(exc, origins) from None
    # the digest a warm build computes from the files' text without loading the registry
    return Registry(data, registry_digest(overlays), tuple(origins))


def _read(path: Path, packaged: bool) -> str:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SpecError.at(Subtype.REGISTRY, f"cannot read registry file: {exc.strerror}", Location(str(path)),
                           "check the `registry` option") from None
    if not packaged and size > MAX_OVERLAY_BYTES:
        raise SpecError.at(Subtype.TOO_LARGE, "registry overlay is larger than 2 MiB", Location(str(path)))
    return path.read_text(encoding="utf-8")


def _parse(path: Path, text: str, packaged: bool) -> dict[str, Any]:
    """The data of one file; overlays are first checked for aliases (alias bombs)."""
    try:
        if not packaged:
            for event in yaml.parse(text, Loader=_LOADER):
                if isinstance(event, yaml.AliasEvent):
                    mark = event.start_mark
                    raise SpecError.at(Subtype.REGISTRY, "YAML aliases are not allowed in registry files",
                                       Location(str(path), mark.line + 1, mark.column + 1))
        data = yaml.load(text, Loader=_LOADER)  # a safe loader: libyaml's when available
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = Location(str(path), mark.line + 1, mark.column + 1) if mark else Location(str(path))
        raise SpecError.at(Subtype.REGISTRY, f"invalid YAML: {getattr(exc, 'problem', exc)}", loc) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SpecError.at(Subtype.REGISTRY, "a registry file must be a mapping of sections",
                           Location(str(path)), "top-level keys: " + ", ".join(RegistryData.model_fields))
    return data


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _schema_error(exc: ValidationError, origins: list[_Origin]) -> SpecError:
    first = exc.errors()[0]
    path: list[Any] = list(first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    if not path:  # a cross-reference check names its own path: "archs.rnn.sources: unknown source `X`"
        where, _, message = message.partition(": ")
        message = message.split("; ")[0]
        path = where.split(".")
    where = ".".join(str(p) for p in path)
    return SpecError.at(Subtype.REGISTRY, f"registry entry `{where}`: {message}", _locate(path, origins),
                        f"{len(exc.errors())} problem(s) in all" if len(exc.errors()) > 1 else None)


def _locate(path: Iterable[Any], origins: list[_Origin]) -> Location:
    """The deepest position of ``path`` found in the last file that mentions it."""
    parts = list(path)
    for filename, text in reversed(origins):
        node, depth = yaml.compose(text, Loader=_LOADER), 0
        for part in parts:
            child = _child(node, part)
            if child is None:
                break
            node, depth = child, depth + 1
        if depth:
            return Location(filename, node.start_mark.line + 1, node.start_mark.column + 1)
    return Location(origins[-1][0] if origins else None)


def _child(node: yaml.Node, part: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None
