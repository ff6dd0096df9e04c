"""The block language: ``seqarch <subject> key=value …`` plus an optional YAML body → :class:`Spec`.

Parsing is pure: no host, no rendering, no I/O. Every error is a located
:class:`~seqdiagrams.errors.SpecError` pointing at the offending token, so hosts
can report ``file:line:col``. The info string wins over the body on conflict
(DESIGN.md §1). The YAML body is read with the safe loader after an event-level
pre-check that rejects anchors/aliases (alias bombs) and deep nesting, and it is
size-bounded before PyYAML sees it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import yaml

from seqdiagrams.errors import Location, SpecError, Subtype, at_block, did_you_mean, shown
from seqdiagrams.params import COMMON_PARAMS, STEP_PARAMS, BoolParam, RawEntry, RawMapping
from seqdiagrams.shapes import PARAMS as SHAPE_PARAMS
from seqdiagrams.subjects import get_subject, subject_names

MAX_BLOCK_BYTES = 64 * 1024
"""Largest block (info string + body) accepted."""
MAX_INFO_CHARS = 2000
"""Longest info string accepted."""
MAX_YAML_DEPTH = 8
"""Deepest nesting of mappings/sequences accepted in a body."""

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Spec:
    """A validated block: subject, every parameter (defaults filled in) and where it came from."""

    subject: str
    params: Mapping[str, Any]
    loc: Location = field(default_factory=Location)
    given: frozenset[str] = frozenset()
    key_locs: Mapping[str, Location] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    @property
    def lang(self) -> str:
        return str(self.params["lang"])

    def location_of(self, key: str) -> Location:
        """Where ``key`` was written, or the block itself for defaults."""
        return self.key_locs.get(key, self.loc)

    def canonical(self) -> str:
        """Stable JSON of subject and parameters (no locations): the identity used by caches and ids.

        The shape and step keys at their defaults are left out, so a figure drawn without them keeps the identity
        (and element ids) it had before diagrams could show them."""

        def at_default(key: str, value: Any) -> bool:
            if key in STEP_PARAMS:
                return bool(value == STEP_PARAMS[key].default)
            return key in SHAPE_PARAMS and key not in self.given and repr(value) == repr(SHAPE_PARAMS[key].default)

        params = {k: v for k, v in self.params.items() if not at_default(k, v)}
        return json.dumps({"subject": self.subject, "params": _jsonable(params)}, sort_keys=True,
                          ensure_ascii=False, separators=(",", ":"))

    def digest(self) -> str:
        """Short content hash of :meth:`canonical`."""
        return hashlib.sha256(self.canonical().encode()).hexdigest()[:12]


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class _Token:
    key: str
    value: str
    key_loc: Location
    value_loc: Location


def parse(block: str, origin: Location | None = None) -> Spec:
    """Parse a whole block: the info string on the first line, an optional YAML body after it.

    ``block`` may start with the word ``seqarch`` or directly with the subject.
    ``origin`` is where the first character of ``block`` sits in the user's file.
    """
    origin = origin or Location()
    if len(block.encode("utf-8", "surrogatepass")) > MAX_BLOCK_BYTES:
        raise SpecError.at(Subtype.TOO_LARGE, f"block is larger than {MAX_BLOCK_BYTES // 1024} KiB", origin,
                           "split it into several blocks")
    info, _, body = block.partition("\n")
    return parse_parts(info, body, origin, origin.shifted(1, col=1))


def parse_parts(info: str, body: str, info_loc: Location, body_loc: Location) -> Spec:
    """Parse an info string and a body found separately (by the Markdown scanner or a directive).

    Raises only :class:`SpecError` (a bug in the grammar is an internal error at the block).
    """
    with at_block(info_loc):
        return _parse_parts(info, body, info_loc, body_loc)


def _parse_parts(info: str, body: str, info_loc: Location, body_loc: Location) -> Spec:
    info = _whole_characters(info.rstrip("\r"), info_loc)
    if len(info) > MAX_INFO_CHARS:
        raise SpecError.at(Subtype.TOO_LARGE, f"info string is longer than {MAX_INFO_CHARS} characters",
                           info_loc, "move long values into the YAML body")
    subject, tokens = _split_info(info, info_loc)
    schema = get_subject(subject).params
    raw: dict[str, tuple[Any, Location, Location]] = {}
    for key, (value, key_loc) in _read_body(body, body_loc).items():
        raw[key] = (value, key_loc, key_loc)
    seen: set[str] = set()
    for tok in tokens:
        if tok.key in seen:
            raise SpecError.at(Subtype.SYNTAX, f"key `{tok.key}` is given twice", tok.key_loc)
        seen.add(tok.key)
        raw[tok.key] = (tok.value, tok.key_loc, tok.value_loc)  # the info string wins over the body
    values: dict[str, Any] = {}
    key_locs: dict[str, Location] = {}
    for key, (value, key_loc, value_loc) in raw.items():
        if key not in schema:
            raise SpecError.at(Subtype.UNKNOWN_KEY, f"unknown key `{key}` for subject `{subject}`", key_loc,
                               did_you_mean(key, schema.keys()))
        values[key] = schema[key].convert(key, value, value_loc)
        key_locs[key] = key_loc
    params = {key: values.get(key, param.default) for key, param in schema.items()}
    spec = Spec(subject, MappingProxyType(params), info_loc, frozenset(values), MappingProxyType(key_locs))
    get_subject(subject).check(spec)
    return spec


def _split_info(info: str, loc: Location) -> tuple[str, list[_Token]]:
    """Tokenise ``[seqarch] subject key=value …`` keeping the column of every token.

    The subject is checked before any pair is read: what a pair may look like depends on it.
    """
    pos = _skip_space(info, 0)
    word = _WORD.match(info, pos)
    if word and word.group() == "seqarch":
        pos = _skip_space(info, word.end())
        word = _WORD.match(info, pos)
    if not word:
        raise SpecError.at(Subtype.SYNTAX, "expected a subject name after `seqarch`", _col(loc, pos),
                           "for example `seqarch rnn unroll=3`; `seqdiagrams list subjects` shows all")
    subject = word.group()
    if subject not in subject_names():
        raise SpecError.at(Subtype.UNKNOWN_SUBJECT, f"unknown subject `{subject}`", _col(loc, pos),
                           did_you_mean(subject, subject_names()))
    pos = word.end()
    if pos < len(info) and not info[pos].isspace():
        raise SpecError.at(Subtype.SYNTAX, f"unexpected `{shown(info[pos])}` after the subject", _col(loc, pos))
    tokens: list[_Token] = []
    pos = _skip_space(info, pos)
    while pos < len(info):
        token, pos = _read_pair(info, pos, loc, subject)
        tokens.append(token)
        pos = _skip_space(info, pos)
    return subject, tokens


def _read_pair(info: str, pos: int, loc: Location, subject: str) -> tuple[_Token, int]:
    key_match = _KEY.match(info, pos)
    if not key_match:
        raise SpecError.at(Subtype.SYNTAX, f"expected `key=value`, found `{shown(info[pos])}`", _col(loc, pos))
    key, key_loc = key_match.group(), _col(loc, pos)
    pos = key_match.end()
    if pos >= len(info) or info[pos] != "=":
        hint = "write `key=value`"
        param = get_subject(subject).params.get(key)
        if isinstance(param, BoolParam):
            hint = f"write `{key}=true`"
        raise SpecError.at(Subtype.SYNTAX, f"`{key}` has no value", key_loc, hint)
    pos += 1
    value_loc = _col(loc, pos)
    if pos < len(info) and info[pos] in "\"'":
        value, pos = _read_quoted(info, pos, loc)
    else:
        end = pos
        while end < len(info) and not info[end].isspace():
            if info[end] in "\"'":
                raise SpecError.at(Subtype.SYNTAX, "quote inside an unquoted value", _col(loc, end),
                                   "quote the whole value: key=\"a b\"")
            end += 1
        value, pos = info[pos:end], end
        if not value:
            raise SpecError.at(Subtype.SYNTAX, f"`{key}=` has an empty value", value_loc,
                               'use key="" for an empty text')
    return _Token(key, value, key_loc, value_loc), pos


def _read_quoted(info: str, pos: int, loc: Location) -> tuple[str, int]:
    quote, start = info[pos], pos
    pos += 1
    out: list[str] = []
    while pos < len(info):
        char = info[pos]
        if char == "\\" and pos + 1 < len(info) and info[pos + 1] in (quote, "\\"):
            out.append(info[pos + 1])
            pos += 2
            continue
        if char == quote:
            pos += 1
            if pos < len(info) and not info[pos].isspace():
                raise SpecError.at(Subtype.SYNTAX, f"unexpected `{shown(info[pos])}` after a quoted value",
                                   _col(loc, pos), "separate pairs with a space")
            return "".join(out), pos
        out.append(char)
        pos += 1
    raise SpecError.at(Subtype.SYNTAX, f"unterminated {quote} quote", _col(loc, start),
                       f"close the value with {quote}")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _col(loc: Location, offset: int) -> Location:
    return loc.shifted(0, col=loc.col + offset)


def _read_body(body: str, loc: Location) -> dict[str, tuple[Any, Location]]:
    """Top-level keys of the YAML body with their values and locations."""
    if not body.strip():
        return {}
    _check_yaml_events(body, loc)
    try:
        node = yaml.compose(body, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, loc, body) from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise SpecError.at(Subtype.YAML, "the block body must be a YAML mapping of keys to values", loc,
                           "for example `unroll: 3`")
    out: dict[str, tuple[Any, Location]] = {}
    for key_node, value_node in node.value:
        key_loc = _mark_loc(loc, key_node.start_mark, body)
        key = _whole_characters(key_node.value, key_loc) if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str) or key in out:
            raise SpecError.at(Subtype.YAML, "body keys must be distinct plain names", key_loc)
        out[key] = (_raw_value(key, value_node, key_loc, loc, body), key_loc)
    return out


def _raw_value(key: str, node: yaml.Node, loc: Location, origin: Location,
               body: str) -> str | list[str] | list[RawMapping]:
    """The text as written (no YAML 1.1 typing: `no` stays "no", `010` stays "010"); params convert it.

    A list of mappings (``nodes:``) is kept with the location of every key and value, for the param that
    reads it (:class:`~seqdiagrams.params.RecordListParam`) to report errors inside the body.
    """
    if isinstance(node, yaml.ScalarNode):
        return _whole_characters(str(node.value), loc)
    if isinstance(node, yaml.SequenceNode) and all(isinstance(item, yaml.ScalarNode) for item in node.value):
        return [_whole_characters(str(item.value), loc) for item in node.value]
    if isinstance(node, yaml.SequenceNode) and all(isinstance(item, yaml.MappingNode) for item in node.value):
        return [_raw_mapping(key, item, origin, body) for item in node.value]
    raise SpecError.at(Subtype.YAML, f"`{key}` must be a value, a list of values or a list of mappings", loc)


def _raw_mapping(key: str, node: yaml.MappingNode, origin: Location, body: str) -> RawMapping:
    """A mapping of a body list, its values text or mappings of text (``label: {en: …, zh: …}``)."""
    entries: list[RawEntry] = []
    for key_node, value_node in node.value:
        key_loc = _mark_loc(origin, key_node.start_mark, body)
        value_loc = _mark_loc(origin, value_node.start_mark, body)
        name = _whole_characters(key_node.value, key_loc) if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(name, str) or any(entry.key == name for entry in entries):
            raise SpecError.at(Subtype.YAML, f"the fields of an item of `{key}` must be distinct plain names",
                               key_loc)
        value: str | RawMapping
        if isinstance(value_node, yaml.ScalarNode):
            value = _whole_characters(str(value_node.value), value_loc)
        elif isinstance(value_node, yaml.MappingNode):
            value = _raw_mapping(f"{key}.{name}", value_node, origin, body)
        else:
            raise SpecError.at(Subtype.YAML, f"`{name}` in `{key}` must be a value or a mapping", value_loc)
        entries.append(RawEntry(name, value, key_loc, value_loc))
    return RawMapping(tuple(entries), _mark_loc(origin, node.start_mark, body))


def _whole_characters(text: str, loc: Location) -> str:
    """``text`` with UTF-16 surrogate pairs joined into the characters they encode; a lone half is an error.

    YAML's ``"\\ud83d\\ude80"`` escapes decode to two surrogate halves (and the Python API accepts
    any ``str``), which no UTF-8 output — a cache key, a page, a terminal — can encode.
    """
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return text
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        raise SpecError.at(Subtype.BAD_VALUE, "a lone UTF-16 surrogate (U+D800–U+DFFF) is not a character", loc,
                           "write the character itself, or escape it whole as \\U0001F680") from None


def _check_yaml_events(body: str, loc: Location) -> None:
    depth = 0
    try:
        for event in yaml.parse(body, Loader=yaml.SafeLoader):
            mark = _mark_loc(loc, event.start_mark, body)
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise SpecError.at(Subtype.YAML, "YAML anchors and aliases are not allowed in a block", mark,
                                   "write values out in full")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise SpecError.at(Subtype.YAML, f"YAML nested deeper than {MAX_YAML_DEPTH} levels", mark)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, loc, body) from None


def _mark_loc(loc: Location, mark: yaml.Mark | None, body: str) -> Location:
    """Where a YAML mark sits in the user's file. Lines are counted here, not taken from the mark: YAML also
    breaks lines at U+0085, U+2028 and U+2029, which are ordinary characters to the page around the block."""
    if mark is None:
        return loc
    index = min(mark.index, len(body))
    start = body.rfind("\n", 0, index) + 1
    return Location(loc.path, loc.line + body.count("\n", 0, index), loc.col + index - start)


def _yaml_error(exc: yaml.YAMLError, loc: Location, body: str) -> SpecError:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return SpecError.at(Subtype.YAML, f"cannot read the YAML body: {problem}", _mark_loc(loc, mark, body))


def with_default_lang(spec: Spec, lang: str | None) -> Spec:
    """``spec`` in ``lang`` unless the block chose its language itself (site/CLI default)."""
    if lang is None or "lang" in spec.given:
        return spec
    value = COMMON_PARAMS["lang"].convert("lang", lang, spec.loc)
    return replace(spec, params=MappingProxyType({**spec.params, "lang": value}))


def with_theme(spec: Spec, theme: str) -> Spec:
    """``spec`` drawn in the site's ``theme`` unless the block chose one (``auto`` changes nothing)."""
    if theme == "auto" or "theme" in spec.given:
        return spec
    return replace(spec, params=MappingProxyType({**spec.params, "theme": theme}))
