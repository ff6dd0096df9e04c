"""Mermaid source: the ``md`` output of timelines and graphs, with its text escaping and line wrapping.

Mermaid has its own escaping: ``#quot;``, ``#35;``-style entity codes that it turns into HTML entities
after parsing (and its strict security level sanitises the result). :func:`escape` turns every
character that could end a label, start a comment, open a bracket or a tag, or split a statement into
such a code, and folds newlines into spaces, so no text from the registry or a user overlay can
change the structure of a diagram.

Pages never run Mermaid: the ``html`` output of the same subjects is drawn at build time
(:mod:`seqdiagrams.rendering.timelines`), so no theme's Mermaid integration is triggered and nothing is
loaded from anywhere. The source is what ``seqdiagrams regen`` keeps in Markdown files (GitHub draws it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seqdiagrams.models import EvolutionModel, TimelineModel

ENTITIES = {
    '"': "#quot;", "#": "#35;", ";": "#59;", ":": "#58;", "<": "#lt;", ">": "#gt;", "&": "#amp;",
    "[": "#91;", "]": "#93;", "{": "#123;", "}": "#125;", "|": "#124;", "%": "#37;", "`": "#96;", "\\": "#92;",
    "$": "#36;",
}
"""Characters written as Mermaid entity codes: quotes, comment and entity starts (``#``, ``%``), statement
and field separators (``;``, ``:``, ``|``), brackets that open node shapes or tags, Markdown-string and
math delimiters (backquote, ``$``) and backslashes."""

_SPACE = re.compile(r"\s+")

ARCH_FAMILY_COLOUR = {"recurrent": "state", "attention": "attention", "transformer": "attention", "ssm": "ssm",
                      "hybrid": "embed", "linear-attention": "linear"}
"""The palette family (:data:`~seqdiagrams.rendering.theme.FAMILIES`) that draws each architecture family."""


def escape(text: str) -> str:
    """``text`` as one line of Mermaid label text that cannot break out of its label."""
    return "".join(ENTITIES.get(char, char) for char in _SPACE.sub(" ", text).strip())


_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
_NO_LINE_START = set("）」』】〕，。、：；！？·…’”)]")
_NO_LINE_END = set("（「『【〔‘“([")


_BREAK_AFTER = set("）」』】〕，。、：；！？)]")
"""Punctuation a line may end with: where Chinese text breaks between words rather than inside one."""
_LOW_FILL = 0.4
"""A line broken at a word boundary is at least this part of ``width``; otherwise it breaks where it must."""
_OVERFILL = 1.2
"""A line with no word boundary near its end may run this far past ``width`` before a word is cut."""


def wrap_cjk(text: str, width: float) -> list[str]:
    """``text`` cut into lines of about ``width`` em, for Mermaid labels that wrap only at spaces.

    Mermaid's timeline wraps a label at spaces, so Chinese (which has none) runs out of its box. Text with
    CJK characters is therefore wrapped here, never before closing or after opening punctuation, and at a
    word boundary when one is near: a space, after punctuation, before an opening bracket, or where Chinese
    meets a Latin word ("Jordan 网络：" / "输出反馈…", not "…：输" / "出反馈…"). Only a run of Chinese too long for
    a line breaks between two characters. Widths are estimated (CJK 1 em, other characters about half);
    Latin-only text is returned whole, for Mermaid to wrap.
    """
    text = _SPACE.sub(" ", text).strip()
    if not _CJK.search(text):
        return [text]
    units = re.findall(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]| |[^ \u2e80-\u9fff\uf900-\ufaff"
                       r"\uff00-\uffef\u3000-\u303f]+", text)
    lines: list[str] = []
    line: list[tuple[str, float]] = []
    for unit in units:
        size = 1.0 if _CJK.match(unit) else 0.3 if unit == " " else 0.55 * len(unit)
        used = sum(s for _, s in line)
        if line and used + size > width and _may_break(line[-1][0], unit):
            cut = _word_boundary([*line, (unit, size)], width)
            if cut is None:  # no word boundary near: a slightly long line rather than a word cut in two
                cut = 0 if used + size <= _OVERFILL * width else len(line)
            if cut:
                lines.append("".join(u for u, _ in line[:cut]).rstrip())
                line = line[cut:]
                while line and line[0][0] == " ":
                    line.pop(0)
        if unit == " " and not line:
            continue
        line.append((unit, size))
    lines.append("".join(u for u, _ in line).rstrip())
    return [item for item in lines if item]


def _may_break(before: str, after: str) -> bool:
    return after != " " and after[0] not in _NO_LINE_START and before[-1] not in _NO_LINE_END


def _word_boundary(line: list[tuple[str, float]], width: float) -> int | None:
    """Where to end the line that ``line`` (its units, then the one that does not fit) overflows: an index into
    ``line``, at its last word boundary that leaves the line full enough, or None when there is none."""
    for cut in range(len(line) - 1, 0, -1):
        before, after = line[cut - 1][0], line[cut][0]
        if sum(s for _, s in line[:cut]) < _LOW_FILL * width:
            break
        boundary = (before == " " or before[-1] in _BREAK_AFTER or after[0] in _NO_LINE_END
                    or (_CJK.match(before) is not None and after[0].isalnum() and not _CJK.match(after))
                    or (_CJK.match(after) is not None and before[-1].isalnum() and not _CJK.match(before)))
        if boundary and _may_break(before, after):
            return cut
    return None


# -- sources ---------------------------------------------------------------------------------------------

_TEXT_WIDTH = {"LR": 8.5, "TD": 17.0}
"""Width of the text in a timeline event box, in em (Mermaid draws LR boxes 150 px wide, TD boxes 300 px)."""
NODE_KINDS = ("problem", "solution")
"""Node kinds of the evolution graph, each a Mermaid class (in this order)."""


def fence(source: str) -> str:
    """Mermaid source in a ```` ```mermaid ```` fence (what GitHub draws)."""
    return f"```mermaid\n{source}```\n"


def timeline_source(model: TimelineModel) -> str:
    """Mermaid ``timeline`` source: one section per era, one period per year."""
    lines = [f"timeline {model.direction}", f"    accTitle: {escape(model.frame.title)}",
             f"    accDescr: {escape(model.desc)}"]
    width = _TEXT_WIDTH[model.direction]
    era: str | None = None
    year: int | None = None
    for event in model.events:
        if event.era is not None and event.era.id != era:
            lines.append(f"    section {escape(event.era.label)}")
            era, year = event.era.id, None
        text = "<br>".join(escape(line) for line in wrap_cjk(event.text, width))
        period = str(event.year) if event.year != year else " " * len(str(event.year))
        lines.append(f"        {period} : {text}")
        year = event.year
    return "\n".join(lines) + "\n"


def graph_source(model: EvolutionModel) -> str:
    """Mermaid ``flowchart`` source: problems as hexagons, solutions as rounded boxes, ``raises`` dotted.

    Nodes are ``n1``, ``n2``…: ids may collide with Mermaid keywords such as ``end``."""
    ids = {node.id: f"n{i}" for i, node in enumerate(model.nodes, 1)}
    lines = [f"flowchart {model.direction}", f"    accTitle: {escape(model.frame.title)}",
             f"    accDescr: {escape(model.desc)}"]
    for node in model.nodes:
        text = escape(node.label)
        lines.append(f"    {ids[node.id]}" + (f'{{{{"{text}"}}}}' if node.kind == "problem" else f'("{text}")'))
    lines += [f"    {ids[src]} {'-.->' if kind == 'raises' else '-->'} {ids[dst]}" for src, dst, kind in model.edges]
    for kind in NODE_KINDS:
        members = [ids[node.id] for node in model.nodes if node.kind == kind]
        if members:
            lines.append(f"    class {','.join(members)} {kind}")
    return "\n".join(lines) + "\n"
