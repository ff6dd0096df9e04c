"""Directive options (``:key: value``) as lines of a block's YAML body: one reading for every host.

reStructuredText and MyST directives carry a block's parameters as options as well as in the info
string. ``seqdiagrams check`` reads them from the file's text and Sphinx receives them parsed by
docutils; both turn each option into the same YAML line here, so a value means the same in both
(``:caption: "a b"`` is the caption ``a b``, as ``caption="a b"`` is in the info string).
"""

from __future__ import annotations

import json

HOST_OPTIONS = frozenset({"name"})
"""Options that belong to the host (``:name:``, a Sphinx cross-reference target), not to the block."""


def option_value(value: str | None) -> str:
    """An option's value as a YAML scalar that reads back as the text the info-string grammar would see.

    docutils hands over option values as plain text, which YAML would misread (a caption holding ``: ``
    or `` #``), so the value is always quoted; one pair of surrounding quotes is the writer's own quoting
    and is dropped, as in the info string.
    """
    text = (value or "").strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return json.dumps(text, ensure_ascii=False)


def option_line(key: str, value: str | None) -> str:
    """The body line of option ``key``: ``key: "value"``, or an empty line for a host option, so that the
    lines below keep their line numbers."""
    return "" if key in HOST_OPTIONS else f"{key}: {option_value(value)}"
