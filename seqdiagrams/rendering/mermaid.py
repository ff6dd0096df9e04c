"""Mermaid output: text escaping, the HTML container our script renders, and the palette it themes with.

Mermaid has its own escaping: ``#quot;``, ``#35;``-style entity codes that it turns into HTML entities
after parsing (and its strict security level sanitises the result). :func:`escape` turns every
character that could end a label, start a comment, open a bracket or a tag, or split a statement into
such a code, and folds newlines into spaces, so no text from the registry or a user overlay can
change the structure of a diagram.

In HTML, a diagram is a ``<div class="sqd-mermaid">`` holding ``<pre class="mermaid">`` with the
(HTML-escaped) Mermaid source and a fallback table with the same content, readable without JavaScript.
``static/js/seqdiagrams-mermaid.js`` (ours) renders every ``pre.mermaid`` with the vendored Mermaid and
re-renders on a light/dark switch, with theme variables from :data:`PALETTE`, the same colours the
Graphviz diagrams use (:mod:`seqdiagrams.rendering.theme`). The script carries a generated copy of the
palette between two marker comments; ``python -m seqdiagrams.rendering.mermaid`` rewrites it, and a
test fails when it is stale.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

from seqdiagrams.rendering.theme import EDGE, FAMILIES, TEXT

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "js" / "seqdiagrams-mermaid.js"
"""Our Mermaid loader (committed; not third-party)."""

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

BACKGROUND = ("#ffffff", "#1e2129")
"""Page background Mermaid derives secondary colours from (light, dark); the SVG itself stays transparent."""


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


def palette() -> dict[str, object]:
    """The light and dark colours the script themes Mermaid with (index 0 light, 1 dark)."""
    return {
        "text": list(TEXT),
        "edge": list(EDGE),
        "background": list(BACKGROUND),
        "families": {name: [[fam.light_fill, fam.light_stroke], [fam.dark_fill, fam.dark_stroke]]
                     for name, fam in FAMILIES.items()},
    }


BEGIN = "/* palette: generated from seqdiagrams/rendering/theme.py by `python -m seqdiagrams.rendering.mermaid` */"
END = "/* end of palette */"


def palette_block() -> str:
    """The generated part of the script: ``const PALETTE = {...};`` between the two markers."""
    return f"{BEGIN}\nconst PALETTE = {json.dumps(palette(), sort_keys=True)};\n{END}"


def script_with_palette(script: str) -> str:
    """``script`` with its palette block replaced by the current one."""
    start, end = script.index(BEGIN), script.index(END) + len(END)
    return script[:start] + palette_block() + script[end:]


def container(source: str, kind: str, theme: str, fallback: str, summary: str,
              colours: dict[str, str] | None = None, sections: tuple[str, ...] = ()) -> str:
    """The HTML of one Mermaid diagram: the source for the script, and a fallback readable without it.

    ``colours`` maps Mermaid class names (``problem``) and ``sections`` lists the palette family of each
    timeline section in order; the script turns both into theme CSS for the current scheme. ``fallback``
    is trusted HTML (a table) shown until the diagram is drawn, and kept, folded, under it.
    """
    attrs = f' data-sqd-kind="{html.escape(kind)}" data-sqd-theme="{html.escape(theme)}"'
    if sections:
        attrs += f' data-sqd-sections="{html.escape(" ".join(sections))}"'
    if colours:
        attrs += f' data-sqd-classes="{html.escape(" ".join(f"{k}:{v}" for k, v in colours.items()))}"'
    return (f'<div class="sqd-mermaid"{attrs}>\n'
            f'<pre class="mermaid">{html.escape(source, quote=False)}</pre>\n'
            f'<details class="sqd-mermaid-data" open>\n<summary>{html.escape(summary, quote=False)}</summary>\n'
            f"{fallback}\n</details>\n</div>")


def main(argv: list[str]) -> int:
    """Rewrite the palette block of the script (``--check``: exit 1 when it is stale instead)."""
    text = SCRIPT.read_text(encoding="utf-8")
    fresh = script_with_palette(text)
    if fresh == text:
        return 0
    if "--check" in argv:
        print(f"{SCRIPT.name}: the palette is stale; run `python -m seqdiagrams.rendering.mermaid`", file=sys.stderr)
        return 1
    SCRIPT.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
