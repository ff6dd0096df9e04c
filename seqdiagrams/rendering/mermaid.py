"""Mermaid source: text escaping and line wrapping for the ``md`` output of timelines and graphs.

Mermaid has its own escaping: ``#quot;``, ``#35;``-style entity codes that it turns into HTML entities
after parsing (and its strict security level sanitises the result). :func:`escape` turns every
character that could end a label, start a comment, open a bracket or a tag, or split a statement into
such a code, and folds newlines into spaces, so no text from the registry or a user overlay can
change the structure of a diagram.

Pages never run Mermaid: the ``html`` output of the same subjects is drawn at build time
(:mod:`seqdiagrams.subjects.timeline`), so no theme's Mermaid integration is triggered and nothing is
loaded from anywhere. The source is what ``seqdiagrams regen`` keeps in Markdown files (GitHub draws it).
"""

from __future__ import annotations

import re

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


def wrap_cjk(text: str, width: float) -> list[str]:
    """``text`` cut into lines of about ``width`` em, for Mermaid labels that wrap only at spaces.

    Mermaid's timeline wraps a label at spaces, so Chinese (which has none) runs out of its box. Text with
    CJK characters is therefore wrapped here: between any two CJK characters or at a space, never before
    closing or after opening punctuation. Widths are estimated (CJK 1 em, other characters about half);
    Latin-only text is returned whole, for Mermaid to wrap.
    """
    text = _SPACE.sub(" ", text).strip()
    if not _CJK.search(text):
        return [text]
    units = re.findall(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]| |[^ \u2e80-\u9fff\uf900-\ufaff"
                       r"\uff00-\uffef\u3000-\u303f]+", text)
    lines: list[str] = []
    line = ""
    used = 0.0
    for unit in units:
        size = 1.0 if _CJK.match(unit) else 0.3 if unit == " " else 0.55 * len(unit)
        if line and used + size > width and unit != " " and unit[0] not in _NO_LINE_START \
                and line[-1] not in _NO_LINE_END:
            lines.append(line.rstrip())
            line, used = "", 0.0
        if unit == " " and not line:
            continue
        line += unit
        used += size
    lines.append(line.rstrip())
    return [item for item in lines if item]
