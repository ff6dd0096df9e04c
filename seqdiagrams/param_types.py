"""Kinds of block parameter: how a raw value becomes a checked one, and how its bounds are described.

Each subject declares its keys (:mod:`seqdiagrams.params`) as instances of these classes. A param
knows its default, its bounds and how to turn a raw value (a string from the info string, a YAML
scalar or list from the body, or a list of body mappings for :class:`RecordListParam`) into a checked
Python value, so the grammar in :mod:`seqdiagrams.spec` stays generic and every error message comes
from one place. ``seqdiagrams list keys SUBJECT`` prints the ``describe`` text, which keeps the
documentation of bounds next to the check itself. Imports nothing of the package but the errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from seqdiagrams.errors import Location, SpecError, Subtype, did_you_mean, shown

MAX_TEXT = 200
"""Longest free-text value (caption, title, id) accepted, in characters."""
MAX_LIST = 32
"""Most items a list value may hold."""

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass(frozen=True)
class Param:
    """Base class: a named key with a default and a one-line help text."""

    default: Any
    help: str

    def convert(self, key: str, raw: Any, loc: Location) -> Any:
        """Return the checked value or raise a located :class:`SpecError`."""
        raise NotImplementedError

    def describe(self) -> str:
        """Type and bounds for ``seqdiagrams list keys``."""
        raise NotImplementedError

    def spelled(self) -> str:
        """The default as a block would write it (``true``, ``a,b``), or ``-`` when there is none."""
        value = self.default
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, tuple):
            value = ",".join(value)
        return str(value) or "-"


def _bad(key: str, raw: Any, expected: str, loc: Location, hint: str | None = None) -> SpecError:
    return SpecError.at(Subtype.BAD_VALUE, f"`{key}` expects {expected}, got `{shown(raw)}`", loc, hint)


@dataclass(frozen=True)
class IntParam(Param):
    """An integer within ``[low, high]``."""

    low: int = 1
    high: int = 1

    def convert(self, key: str, raw: Any, loc: Location) -> int:
        if isinstance(raw, bool):
            raise _bad(key, raw, f"a whole number from {self.low} to {self.high}", loc)
        try:
            value = int(str(raw).strip(), 10)
        except ValueError:
            raise _bad(key, raw, f"a whole number from {self.low} to {self.high}", loc) from None
        if not self.low <= value <= self.high:
            raise SpecError.at(
                Subtype.OUT_OF_RANGE,
                f"`{key}` must be between {self.low} and {self.high}, got {value}",
                loc,
                f"use a value from {self.low} to {self.high}",
            )
        return value

    def describe(self) -> str:
        return f"integer {self.low}–{self.high}"


@dataclass(frozen=True)
class BoolParam(Param):
    """``true``/``false`` (also yes/no, on/off, 1/0); anything else is an error."""

    def convert(self, key: str, raw: Any, loc: Location) -> bool:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _bad(key, raw, "`true` or `false`", loc)

    def describe(self) -> str:
        return "true|false"


@dataclass(frozen=True)
class ChoiceParam(Param):
    """One value out of a fixed set; an empty choice (``direction=""``: the subject's own) is accepted unlisted.

    ``aliases`` are other names of choices (``gpt`` for ``decoder-only``); a value is stored as its choice.
    """

    choices: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()

    def convert(self, key: str, raw: Any, loc: Location) -> str:
        text = str(raw).strip()
        value = unalias(self.aliases, text)
        if value not in self.choices:
            raise _bad(key, raw, "one of " + self.describe(), loc,
                       did_you_mean(text, self.named + tuple(alias for alias, _ in self.aliases)))
        return value

    @property
    def named(self) -> tuple[str, ...]:
        """The choices a user writes (an empty one means "not set" and is not offered)."""
        return tuple(choice for choice in self.choices if choice)

    def describe(self) -> str:
        return "|".join(self.named) + _also(self.aliases)


def unalias(aliases: tuple[tuple[str, str], ...], text: str) -> str:
    """The choice ``text`` names: itself, or what its alias (in any case: ``GPT``) stands for."""
    return dict(aliases).get(text.lower(), text)


def _also(aliases: tuple[tuple[str, str], ...]) -> str:
    return f" (also {', '.join(f'{alias}={choice}' for alias, choice in aliases)})" if aliases else ""


@dataclass(frozen=True)
class TextParam(Param):
    """Free text, length-bounded; it is escaped wherever it is output."""

    max_len: int = MAX_TEXT

    def convert(self, key: str, raw: Any, loc: Location) -> str:
        if isinstance(raw, (list, dict)):
            raise _bad(key, "…", "a single line of text", loc)
        text = str(raw)
        if len(text) > self.max_len:
            raise SpecError.at(
                Subtype.TOO_LARGE, f"`{key}` is {len(text)} characters long; the limit is {self.max_len}", loc
            )
        if any(ord(c) < 32 and c not in "\t" for c in text):
            raise _bad(key, "…", "text without control characters", loc)
        return text

    def describe(self) -> str:
        return f"text (≤ {self.max_len} characters)"


@dataclass(frozen=True)
class ListParam(Param):
    """A comma-separated (or YAML) list; items are checked against ``choices`` when given.

    ``choices`` may be left empty when the valid names come from the registry:
    the subject then checks the items itself (with the same located errors).
    ``aliases`` map other names to items before any check (:data:`ARCH_ALIASES` for architecture lists).
    """

    choices: tuple[str, ...] = ()
    min_items: int = 0
    max_items: int = MAX_LIST
    aliases: tuple[tuple[str, str], ...] = ()

    def convert(self, key: str, raw: Any, loc: Location) -> tuple[str, ...]:
        if isinstance(raw, list) and any(isinstance(x, RawMapping) for x in raw):
            raise _bad(key, "…", "a list of values, not of mappings", loc)
        items = [str(x).strip() for x in raw] if isinstance(raw, Sequence) and not isinstance(raw, str) else [
            part.strip() for part in str(raw).split(",")
        ]
        items = [item for item in items if item]
        if not self.min_items <= len(items) <= self.max_items:
            raise SpecError.at(
                Subtype.TOO_LARGE if len(items) > self.max_items else Subtype.OUT_OF_RANGE,
                f"`{key}` needs {self.min_items} to {self.max_items} items, got {len(items)}",
                loc,
            )
        for item in items:
            if self.choices and unalias(self.aliases, item) not in self.choices:
                raise _bad(key, item, "items from " + "|".join(self.choices), loc,
                           did_you_mean(item, self.choices + tuple(a for a, c in self.aliases if c in self.choices)))
            if len(item) > MAX_TEXT:
                raise SpecError.at(Subtype.TOO_LARGE, f"an item of `{key}` is too long", loc)
        return tuple(unalias(self.aliases, item) for item in items)

    def describe(self) -> str:
        base = "comma list" + (" of " + "|".join(self.choices) if self.choices else "")
        usable = tuple((a, c) for a, c in self.aliases if not self.choices or c in self.choices)
        return f"{base} ({self.min_items}–{self.max_items} items){_also(usable)}"


LANGS = ("en", "zh")


@dataclass(frozen=True)
class RawEntry:
    """One ``key: value`` of a YAML mapping in a block body, as written, with where its key and value are."""

    key: str
    value: str | RawMapping
    key_loc: Location
    value_loc: Location


@dataclass(frozen=True, repr=False)
class RawMapping:
    """A YAML mapping inside a block body (an item of ``nodes:``), kept with locations so that a param, and
    later the subject, can point at the very field that is wrong rather than at the key holding the list."""

    entries: tuple[RawEntry, ...]
    loc: Location

    def __repr__(self) -> str:
        return "{…}"  # how an error message quoting a value shows a mapping given where none belongs


@dataclass(frozen=True)
class NameParam(TextParam):
    """An identifier authors refer to elsewhere in the block (``src: drift``): lower-case words with dashes."""

    max_len: int = 40

    def convert(self, key: str, raw: Any, loc: Location) -> str:
        text = super().convert(key, raw, loc)
        if not _NAME.match(text):
            raise _bad(key, text, "an id of lower-case letters, digits and dashes", loc, "for example `my-idea`")
        return text

    def describe(self) -> str:
        return f"id (lower-case words with dashes, ≤ {self.max_len} characters)"


_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\Z")


@dataclass(frozen=True)
class BilingualParam(TextParam):
    """Text in both languages: one text for both, or a mapping ``{en: …, zh: …}`` giving each.

    Stored as ``{"en": …, "zh": …}`` so that a figure's language picks its own without the author repeating a
    label that needs no translation (a model name).
    """

    def convert(self, key: str, raw: Any, loc: Location) -> Mapping[str, str]:
        if not isinstance(raw, RawMapping):
            text = super().convert(key, raw, loc)
            return MappingProxyType(dict.fromkeys(LANGS, text))
        found: dict[str, str] = {}
        for entry in raw.entries:
            if entry.key not in LANGS:
                raise SpecError.at(Subtype.UNKNOWN_KEY, f"`{key}` has no language `{entry.key}`", entry.key_loc,
                                   did_you_mean(entry.key, LANGS))
            found[entry.key] = super().convert(f"{key}.{entry.key}", entry.value, entry.value_loc)
        missing = [lang for lang in LANGS if lang not in found]
        if missing:
            raise SpecError.at(Subtype.BAD_VALUE, f"`{key}` gives no `{missing[0]}` text", raw.loc,
                               f"add `{missing[0]}: …`, or give one text for every language")
        return MappingProxyType(found)

    def describe(self) -> str:
        return f"text or {{en: …, zh: …}} (≤ {self.max_len} characters each)"


class Record(Mapping[str, Any]):
    """A checked item of a :class:`RecordListParam`: its fields as a read-only mapping, plus where each was
    written (:meth:`loc`), so that checks needing the registry (an edge naming an unknown node) stay located.

    Locations are not part of the mapping: a block's identity (:meth:`Spec.canonical`) is its values only.
    """

    __slots__ = ("_locs", "_values", "where")

    def __init__(self, values: Mapping[str, Any], locs: Mapping[str, Location], where: Location) -> None:
        self._values = MappingProxyType(dict(values))
        self._locs = MappingProxyType(dict(locs))
        self.where = where  # the item's start: where a missing field or a cross-field problem is reported

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Record({dict(self._values)!r})"

    def loc(self, key: str) -> Location:
        """Where field ``key`` was written (the item's start when it was left to its default)."""
        return self._locs.get(key, self.where)


@dataclass(frozen=True)
class RecordListParam(Param):
    """A bounded YAML list of mappings in the block body, each field checked by its own :class:`Param`.

    ``fields`` name every field an item may have; ``required`` those it must have (the others take their
    param's default). Errors point at the field, the item or the list, in the body's own lines and columns.
    An info string cannot hold such a list, so a value written there is an error naming the body.
    """

    fields: tuple[tuple[str, Param], ...] = ()
    required: frozenset[str] = field(default_factory=frozenset)
    max_items: int = MAX_LIST

    def convert(self, key: str, raw: Any, loc: Location) -> tuple[Record, ...]:
        items = raw if isinstance(raw, Sequence) and not isinstance(raw, str) else None
        if items is None or not all(isinstance(item, RawMapping) for item in items):
            names = ", ".join(f"{name}: …" for name, _ in self.fields)
            raise _bad(key, raw if items is None else "…", "a YAML list of mappings in the block body", loc,
                       f"write `{key}:` on its own line, then one `- {{{names}}}` per item")
        if len(items) > self.max_items:
            raise SpecError.at(Subtype.TOO_LARGE, f"`{key}` has {len(items)} items; the limit is {self.max_items}",
                               loc, "split the figure into several blocks")
        return tuple(self._record(key, i, item) for i, item in enumerate(items, 1))

    def _record(self, key: str, number: int, item: RawMapping) -> Record:
        schema = dict(self.fields)
        values: dict[str, Any] = {}
        locs: dict[str, Location] = {}
        for entry in item.entries:
            if entry.key not in schema:
                raise SpecError.at(Subtype.UNKNOWN_KEY, f"item {number} of `{key}` has an unknown field "
                                   f"`{entry.key}`", entry.key_loc, did_you_mean(entry.key, schema))
            values[entry.key] = schema[entry.key].convert(f"{key}[{number}].{entry.key}", entry.value,
                                                          entry.value_loc)
            locs[entry.key] = entry.value_loc
        missing = [name for name, _ in self.fields if name in self.required and name not in values]
        if missing:
            raise SpecError.at(Subtype.BAD_VALUE, f"item {number} of `{key}` has no `{missing[0]}`", item.loc,
                               f"add `{missing[0]}: …`")
        for name, param in self.fields:
            values.setdefault(name, param.default)
        return Record(values, locs, item.loc)

    def describe(self) -> str:
        names = ", ".join(name + ("" if name in self.required else "?") for name, _ in self.fields)
        return f"YAML list in the body (≤ {self.max_items} items) of {{{names}}}"

    def spelled(self) -> str:
        return "-"


@dataclass(frozen=True)
class NumberParam(Param):
    """A decimal number within ``[low, high]``."""

    low: float = 0.0
    high: float = 1.0

    def convert(self, key: str, raw: Any, loc: Location) -> float:
        expected = f"a number from {self.low:g} to {self.high:g}"
        if isinstance(raw, bool):
            raise _bad(key, raw, expected, loc)
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise _bad(key, raw, expected, loc) from None
        if not self.low <= value <= self.high:  # also refuses nan and inf
            raise SpecError.at(Subtype.OUT_OF_RANGE, f"`{key}` must be between {self.low:g} and {self.high:g}, "
                               f"got {shown(raw)}", loc, f"use a value from {self.low:g} to {self.high:g}")
        return value

    def describe(self) -> str:
        return f"number {self.low:g}–{self.high:g}"


@dataclass(frozen=True)
class StepsParam(Param):
    """``true``/``false``, or an explicit list of steps: each item names node ids or roles joined by ``+``.

    ``steps=x+wq+q,matmul_qk,scale`` (or a YAML list whose items are strings or lists) becomes
    ``(("x", "wq", "q"), ("matmul_qk",), ("scale",))``; the names are checked against the figure when it is built.
    """

    def convert(self, key: str, raw: Any, loc: Location) -> bool | tuple[tuple[str, ...], ...]:
        if isinstance(raw, bool) or str(raw).strip().lower() in _TRUE | _FALSE:
            return BoolParam(False, "").convert(key, raw, loc)
        items = raw if isinstance(raw, Sequence) and not isinstance(raw, str) else str(raw).split(",")
        groups = tuple(tuple(name.strip() for name in (item if isinstance(item, Sequence) and not isinstance(
            item, str) else str(item).split("+")) if str(name).strip()) for item in items)
        groups = tuple(group for group in groups if group)
        if not 1 <= len(groups) <= MAX_LIST:
            raise SpecError.at(Subtype.TOO_LARGE if groups else Subtype.OUT_OF_RANGE,
                               f"`{key}` needs 1 to {MAX_LIST} steps, got {len(groups)}", loc)
        if any(len(str(name)) > MAX_TEXT for group in groups for name in group):
            raise SpecError.at(Subtype.TOO_LARGE, f"a name in `{key}` is too long", loc)
        return tuple(tuple(str(name) for name in group) for group in groups)

    def describe(self) -> str:
        return f"true|false, or a comma list of steps (1–{MAX_LIST}), each node ids/roles joined by +"
