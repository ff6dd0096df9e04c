"""Property: whatever a block says, parsing and rendering raise only a located `SpecError`, and output is
well-formed (issue 12, "Tests"; an earlier fuzzer found `KeyError`s and `UnicodeEncodeError`s this way).

Blocks are drawn from the real grammar: a subject (or a near miss), keys the subject has (or not), values
of each key's kind (valid, out of bounds, or hostile text: quotes, markup, escapes, surrogates, CJK), in
the info string or a YAML body. A `SpecError` must be the user's (never `internal`, never at a place
outside the block); a valid block must render in its formats with SVG/HTML that parse and balance, DOT
that Graphviz reads, JSON that loads, and no text of the block turned into markup.

The example count is bounded and derandomised, so CI runs the same examples every time;
``SEQDIAGRAMS_FUZZ_EXAMPLES=20000`` runs a longer search locally.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqdiagrams.errors import Location, SpecError, Subtype
from seqdiagrams.ir import NODE_ROLES
from seqdiagrams.params import (
    ARCH_ALIASES,
    BoolParam,
    ChoiceParam,
    IntParam,
    ListParam,
    NumberParam,
    Param,
    RecordListParam,
    StepsParam,
    TextParam,
)
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import render_spec, unmatched_highlights
from seqdiagrams.spec import parse
from seqdiagrams.subjects import SUBJECT_MODULES, get_subject

EXAMPLES = int(os.environ.get("SEQDIAGRAMS_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ORIGIN = Location("page.md", 3, 1)
INJECTED = "sqdinject"
"""A tag name written into text values: if it ever appears as a tag in the output, text became markup."""

REGISTRY = Registry.default()
DATA = REGISTRY.data
IDS = sorted({*DATA.archs, *DATA.dims, *DATA.formula_sets, *DATA.equations_by_id(), *NODE_ROLES,
              *(alias for alias, _ in ARCH_ALIASES), "all"})
"""Names a list value may hold: every registry id and IR role (and `all`, which `dims` accepts)."""

HOSTILE = st.sampled_from([
    '"', "'", "\\", "\\\"", f"<{INJECTED}>", f"</{INJECTED}>", "&amp;", "&", "]]>", "<!--", "-->", "{{x}}",
    "${x}", "%s", "`", ",", "=", " ", "\t", "\\n", "\\ud83d", "\\ude80", "\\U0001F680", "\u202e", "\u00a0", "隐状态",
    "🚀", "$x^2$", "\\frac{", "*", "|", ";", "#", "-", ":", "[", "]", "{", "}", "\x00", "\x1b",
])
TEXT = st.lists(st.one_of(HOSTILE, st.text(max_size=6)), max_size=6).map("".join)
WORD = st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True)


def mostly(usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``usual`` seven times in eight, so most blocks get far enough to be rendered."""
    return st.integers(0, 7).flatmap(lambda n: odd if n == 0 else usual)


def value_of(param: Param) -> st.SearchStrategy[str]:
    """Values of the kind ``param`` reads: mostly valid ones, else near misses and hostile text."""
    if isinstance(param, IntParam):
        return mostly(st.integers(param.low, min(param.high, param.low + 6)).map(str),
                      st.one_of(st.integers(param.low - 3, param.high + 3).map(str), TEXT))
    if isinstance(param, BoolParam):
        return mostly(st.sampled_from(["true", "false", "yes", "no", "on", "0"]),
                      st.one_of(st.sampled_from(["True", "maybe", ""]), TEXT))
    if isinstance(param, ChoiceParam):
        names = [*param.named, *(alias for alias, _ in param.aliases)]
        return mostly(st.sampled_from(names), st.one_of(st.sampled_from(names).map(str.upper), TEXT))
    if isinstance(param, ListParam):
        items = st.sampled_from(list(param.choices) or IDS)
        return mostly(st.lists(items, min_size=1, max_size=4, unique=True).map(",".join),
                      st.lists(st.one_of(items, TEXT), max_size=4).map(",".join))
    if isinstance(param, NumberParam):
        return mostly(st.floats(param.low, param.high).map(lambda x: f"{x:.2f}"),
                      st.one_of(st.sampled_from(["nan", "inf", "-1", "1e9"]), TEXT))
    if isinstance(param, StepsParam):
        steps = st.lists(st.lists(st.sampled_from(IDS), min_size=1, max_size=3).map("+".join), min_size=1,
                         max_size=4).map(",".join)
        return mostly(st.one_of(st.sampled_from(["true", "false"]), steps), TEXT)
    if isinstance(param, RecordListParam):  # a list of mappings is a body-only value: written inline it is text
        return TEXT
    assert isinstance(param, TextParam)
    return TEXT


def quoted(value: str) -> str:
    """``value`` as the info string writes it: bare when it can be, else double-quoted with escapes."""
    if value and not any(c.isspace() or c in "\"'" for c in value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def blocks(draw: st.DrawFn) -> str:
    """A block: ``[seqarch] subject key=value … [\\n YAML body]``."""
    subject = draw(mostly(st.sampled_from(SUBJECT_MODULES), WORD))
    params = dict(get_subject(subject).params) if subject in SUBJECT_MODULES else {}
    keys = mostly(st.sampled_from(sorted(params)), WORD) if params else WORD
    pairs = draw(st.lists(st.tuples(keys, st.data()), max_size=4, unique_by=lambda pair: pair[0]))
    written: list[tuple[str, str]] = []
    for key, data in pairs:
        value = data.draw(value_of(params[key]) if key in params else TEXT)
        written.append((key, value))
    split = draw(st.integers(0, len(written)))
    info = " ".join(f"{key}={quoted(value)}" for key, value in written[:split])
    head = draw(st.sampled_from(["seqarch ", "", "  seqarch\t"])) + subject + (" " + info if info else "")
    body_pairs = dict(written[split:])
    style = draw(st.sampled_from(["yaml", "lines", "quoted-lines", "raw", "none"]))
    if style == "yaml" and body_pairs:  # what a YAML emitter writes, escapes and all
        body = yaml.safe_dump(body_pairs, allow_unicode=draw(st.booleans()), default_style=draw(
            st.sampled_from([None, '"', "'"])))
    elif style == "lines":  # hand-written lines, often not valid YAML
        body = "\n".join(f"{key}: {value}" for key, value in body_pairs.items())
    elif style == "quoted-lines":  # YAML reads the escapes: \ud83d, \x00, \N …
        body = "\n".join(f'{key}: "{value}"' for key, value in body_pairs.items())
    elif style == "raw":
        body = draw(st.text(max_size=40))
    else:
        body = ""
    return head + ("\n" + body if body else "")


def formats_of(spec: Any) -> list[str]:
    """The golden format and HTML (a plot: its data, JSON; its SVG costs a second and is covered elsewhere)."""
    subject = get_subject(spec.subject)
    if not subject.uses_render(spec):
        return ["dot", "html"]
    if "png" in subject.formats:
        return ["json"]
    return [subject.golden, "html"]


VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"})


class _Balanced(HTMLParser):
    """Reads HTML and checks every non-void element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()


def assert_well_formed(fmt: str, out: str | bytes) -> None:
    assert isinstance(out, str)
    out.encode("utf-8")  # no lone surrogates reach a page
    if fmt == "dot":
        import pygraphviz

        pygraphviz.AGraph(string=out)
    elif fmt == "html":
        parser = _Balanced()
        parser.feed(out)
        parser.close()
        assert parser.open == [], parser.open
        assert INJECTED not in parser.tags
        for svg in out.split("<svg")[1:]:
            ET.fromstring("<svg" + svg.split("</svg>")[0] + "</svg>")
    elif fmt == "json":
        json.loads(out)


def assert_users_fault(error: SpecError, block: str) -> None:
    d = error.diagnostic
    assert d.subtype is not Subtype.INTERNAL, f"{block!r}: {d.format()}\n{error.__cause__!r}"
    assert d.loc.path == ORIGIN.path and ORIGIN.line <= d.loc.line <= ORIGIN.line + block.count("\n"), d.format()
    d.format().encode("utf-8")  # printable in any UTF-8 terminal or log


@FUZZ
@given(blocks())
def test_only_located_spec_errors_escape_and_output_is_well_formed(block: str) -> None:
    try:
        spec = parse(block, ORIGIN)
        outputs = [(fmt, render_spec(spec, fmt, REGISTRY)) for fmt in formats_of(spec)]  # type: ignore[arg-type]
        unmatched_highlights(spec, REGISTRY)
    except SpecError as error:
        assert_users_fault(error, block)
        return
    for fmt, out in outputs:
        assert_well_formed(fmt, out)


@settings(FUZZ, max_examples=EXAMPLES * 3)
@given(st.text(max_size=120))
def test_any_text_parses_or_is_a_located_spec_error(block: str) -> None:
    try:
        parse(block, ORIGIN)
    except SpecError as error:
        assert_users_fault(error, block)


@pytest.mark.parametrize("block", [
    f'mamba view=scan caption="<{INJECTED}> & ]]>" title="\'\\"<{INJECTED}/>"',
    f'complexity archs=rnn,t5 measure=memory caption="a</svg><{INJECTED}>" lang=zh',
])
def test_plots_keep_hostile_text_as_text(block: str) -> None:
    """The plots the property renders as JSON only (for speed), with text that would break their SVG."""
    assert_well_formed("html", render_spec(parse(block, ORIGIN), "html", REGISTRY))
