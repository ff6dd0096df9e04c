"""The stylesheet of timelines, evolution graphs and tables of eras, and the palette family of each thing drawn.

The drawings are HTML and CSS made at build time (:mod:`seqdiagrams.rendering.timelines`): this module says how
they look. Colours come from the diagram palette (:mod:`seqdiagrams.rendering.theme`).
"""

from __future__ import annotations

from seqdiagrams.rendering.mermaid import ARCH_FAMILY_COLOUR
from seqdiagrams.rendering.theme import FAMILIES, TEXT

GRAPH_COLOURS = {"problem": "gate", "solution": "state"}
"""Palette family of each graph node kind."""
NO_ERA = "io"
"""Palette family of events outside every era."""


def era_colour(family: str | None) -> str:
    """The palette family of an era known for architectures of ``family`` (None: no era)."""
    return NO_ERA if family is None else ARCH_FAMILY_COLOUR[family]


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def _stylesheet() -> str:
    """Layout of timelines and graphs, and one accent class per palette family (:mod:`rendering.theme`).

    Accents are the families' mid-tone strokes over a translucent tint of the same colour, and text is the
    page's own, so one rendering reads on light, dark and custom schemes alike; ``data-sqd-theme`` (a block's
    ``theme=light|dark``) pins the text and background instead. Selectors carry two classes so that a theme's
    list and paragraph rules (``.md-typeset ul li``) do not reach inside.
    """
    rules = [
        # the column's width, also inside a theme's shrink-to-fit figure (Material: width:fit-content, flex)
        ".sqd-figure:has(>.sqd-tl){width:auto}",
        ".sqd-tl{align-self:stretch;text-align:left;margin:0 auto;max-width:100%;font-size:.85em;line-height:1.45;"
        "overflow-wrap:anywhere}",
        ".sqd-tl:lang(zh){word-break:keep-all}",  # Chinese breaks at spaces and punctuation, not inside a word
        ".sqd-tl ol.sqd-tl-list,.sqd-tl ul.sqd-tl-list{list-style:none;margin:0;padding:0}",
        ".sqd-tl li.sqd-tl-item{margin:0 0 .3em;padding:0}",
        ".sqd-tl .sqd-tl-era{margin:0 0 .9em;padding:.15em 0 .2em .8em;border-left:.3em solid var(--sqd-accent)}",
        ".sqd-tl p.sqd-tl-title{margin:0 0 .45em;font-weight:700}",
        ".sqd-tl .sqd-tl-span{font-weight:400;opacity:.75}",
        ".sqd-tl li.sqd-tl-year{display:flex;gap:.7em;align-items:baseline}",
        ".sqd-tl .sqd-tl-when{flex:0 0 auto;min-width:2.6em;white-space:nowrap;font-weight:700;"
        "font-variant-numeric:tabular-nums}",
        ".sqd-tl .sqd-tl-what{flex:1;min-width:0}",
        ".sqd-tl li.sqd-tl-card{margin:0 0 .25em;padding:.2em .6em;border-radius:.25em;background:var(--sqd-tint);"
        "border-left:.2em solid var(--sqd-accent)}",
        ".sqd-tl li.sqd-tl-row{display:flex;align-items:center;gap:.4em .5em;margin:0 0 .7em}",
        ".sqd-tl .sqd-tl-rank{display:flex;flex-direction:column;gap:.3em;flex:0 1 12em;min-width:0}",
        ".sqd-tl .sqd-tl-arrow{flex:0 0 auto;opacity:.7}",
        ".sqd-tl .sqd-tl-node{padding:.3em .6em;border:.1em solid var(--sqd-accent);border-radius:.5em;"
        "background:var(--sqd-tint)}",
        # problems are hexagons (the legend says so): a clipped box with a stronger tint instead of a border
        ".sqd-tl .sqd-tl-problem{border:0;border-radius:0;padding:.35em 1.1em;background:var(--sqd-hex);"
        "clip-path:polygon(.8em 0,calc(100% - .8em) 0,100% 50%,calc(100% - .8em) 100%,.8em 100%,0 50%)}",
        ".sqd-tl .sqd-tl-note{display:block;margin-top:.2em;font-size:.9em;opacity:.85}",
        ".sqd-tl .sqd-tl-note::before{content:\"\\21E2\\00A0\"}",
        # the table of eras: rows divided by rules, the era's accent on its name, the graph's cards in cells
        ".sqd-tl table.sqd-tl-table{display:table;width:100%;border-collapse:collapse;margin:0;font-size:1em}",
        ".sqd-tl .sqd-tl-table th,.sqd-tl .sqd-tl-table td{padding:.45em .5em;vertical-align:top;text-align:left;"
        "border:0;border-bottom:.05em solid rgba(128,128,128,.4);background:none}",
        ".sqd-tl .sqd-tl-table th.sqd-tl-era{margin:0;border-left:.3em solid var(--sqd-accent);font-weight:700}",
        ".sqd-tl .sqd-tl-cards{display:flex;flex-direction:column;gap:.3em}",
        ".sqd-tl .sqd-tl-cards li.sqd-tl-item{margin:0}",
        # a narrow screen: the ranks of a row stacked, arrows pointing down
        "@media (max-width:30em){.sqd-tl li.sqd-tl-row{flex-direction:column;align-items:stretch}"
        ".sqd-tl .sqd-tl-rank{flex-basis:auto}.sqd-tl .sqd-tl-arrow{align-self:center;transform:rotate(90deg)}}",
    ]
    rules += [f".sqd-tl .sqd-c-{name}{{--sqd-accent:{fam.light_stroke};--sqd-tint:{_rgba(fam.light_stroke, 0.12)};"
              f"--sqd-hex:{_rgba(fam.light_stroke, 0.3)}}}"
              for name, fam in sorted(FAMILIES.items()) if name in _USED_FAMILIES]
    rules += [f'.sqd-tl[data-sqd-theme="{theme}"]{{color:{TEXT[index]};background:{BACKGROUND[index]};padding:.6em}}'
              for index, theme in enumerate(("light", "dark"))]
    return "\n".join(rules) + "\n"


_USED_FAMILIES = {*ARCH_FAMILY_COLOUR.values(), *GRAPH_COLOURS.values()}
BACKGROUND = ("#ffffff", "#1e2129")
"""Background of a block that pins its scheme with ``theme=light|dark`` (light, dark)."""
STYLESHEET = _stylesheet()
"""CSS of timelines and graphs; hosts that link one stylesheet per site append it, others get it inline."""
