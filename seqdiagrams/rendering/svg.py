"""Finish Graphviz SVG for inlining: unique ids, accessibility, theme-following styles.

- every ``id`` (and every ``url(#…)``/``href="#…"`` reference) gets a per-diagram prefix, so
  many diagrams can be inlined in one page without collisions;
- the root gets ``role="img"`` and a ``<title>``/``<desc>`` generated from the spec; Graphviz's
  own per-node ``<title>`` elements (internal node ids) are dropped;
- sub- and superscripts get an explicit smaller size and a moved baseline (``y``) instead of
  Graphviz's ``baseline-shift``, which browsers apply unevenly (Chromium pushes subscripts out
  of their box); PNG and PDF come from Graphviz directly and keep its own rendering;
- what every ``<text>`` (or shape) would repeat, the font, the text size, colour and anchor and the usual line
  width, is said once on the root and inherited; ``xml:space`` stays only on a text whose spaces matter, and
  Graphviz's ``&#45;`` is written ``-``: figures are a third smaller and draw the same pixels;
- the root is shown at its natural size (one CSS pixel per unit) and never wider than its
  column, whatever the host theme does to ``<figure>``;
- a stylesheet maps role-family classes to CSS variables that switch with the site's dark
  scheme (Material's ``slate`` or any custom scheme with a dark page, Furo, PyData, Bootstrap)
  or the OS preference, without a second render.

User-given titles and descriptions are escaped here; Graphviz escapes the label text it
writes (the emitter already passed it escaped HTML-like labels).
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from seqdiagrams.rendering.dot_syntax import FONT_SIZE, PEN_WIDTH, WORD_JOINER
from seqdiagrams.rendering.theme import COLOURS, EDGE_STYLES, FAMILIES, FONT, TEXT

if TYPE_CHECKING:
    from collections.abc import Mapping

    from seqdiagrams.rendering.tooltips import Tooltip

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

def finish_svg(raw: bytes, prefix: str, title: str, desc: str, theme: str, styles: bool = True,
               extra_css: str = "", tooltips: Mapping[str, Tooltip] | None = None) -> str:
    """Return the finished ``<svg>`` element as text (no XML declaration, no DOCTYPE).

    Graphviz's SVG is regular, machine-written XML, so it is finished with a few anchored
    substitutions rather than a parse and re-serialisation (ten times faster on large
    diagrams); every text *we* add is escaped here, Graphviz escapes its own. ``styles=False``
    leaves out the stylesheet, for hosts that ship :data:`STYLESHEET` once per site.
    """
    text = raw.decode("utf-8")
    text = _COMMENT.sub("", text[text.index("<svg"):]).replace("&#45;", "-")
    text = _titled(prefix_ids(text, prefix), tooltips or {}).replace(WORD_JOINER, "")
    text = _TEXT.sub(_text, text)
    for name, value in _INHERITED.items():  # Graphviz escapes `"` in text: these occur in tags only
        text = text.replace(f' {name}="{value}"', "")
    text = _STEP_GROUP.sub(lambda m: f'{m.group(0)} data-sqd-step="{m.group(1)}"', text)
    root = ROOT_TAG.match(text)
    if root is None:
        raise ValueError("Graphviz output has no <svg> root")
    head = svg_head(view_box_of(root.group(0)), prefix, title, desc, theme, styles, extra_css, inherited=_ROOT)
    return head + text[root.end():].rstrip()


_INHERITED = {"font-family": html.escape(FONT), "font-size": f"{FONT_SIZE:.2f}", "fill": TEXT[0],
              "text-anchor": "start", "stroke-width": PEN_WIDTH}
"""Attribute values (as Graphviz writes them) that nearly every ``<text>`` or shape of a figure carries: they
are dropped there and set once on the root, which every element inherits them from. Every shape Graphviz
writes has its own ``fill`` and ``stroke-width`` unless it is exactly these, so nothing else changes."""
_ROOT = " ".join(f'{name}="{value}"' for name, value in
                 {**_INHERITED, "font-size": f"{FONT_SIZE}"}.items())


def _text(match: re.Match[str]) -> str:
    """One Graphviz ``<text>`` start tag (and its text): sub/superscripts made explicit, ``xml:space`` kept only
    where the text has spaces that default XML spacing would collapse or strip."""
    tag, content = match.group(1), match.group(2)
    if 'baseline-shift="' in tag:
        tag = _script_text(tag)
    spaced = content != content.strip(_XML_SPACE) or any(mark in content for mark in _SPACING)
    return ('<text xml:space="preserve" ' if spaced else "<text ") + tag + content


def _titled(text: str, tooltips: Mapping[str, Tooltip]) -> str:
    """Graphviz's ``<title>`` elements dropped (they hold internal node names), except that a node with an equation
    gets its text as ``<title>`` (and, when Graphviz wrapped it in a link, an operator circle, as the link's title)
    and its equation id as ``data-sqd-eq``, which a page with that equation's formula section links to it."""
    def link(match: re.Match[str]) -> str:
        tip = tooltips.get(html.unescape(match.group(2)))
        return match.group(0) if tip is None else match.group(1) + html.escape(tip.text) + '"'

    def own(match: re.Match[str]) -> str:
        tip = tooltips.get(html.unescape(match.group(3))) if match.group(2) == "node" else None
        if tip is None:
            return match.group(1) + ">\n"
        return (f'{match.group(1)} data-sqd-eq="{html.escape(tip.equation)}">\n'
                f"<title>{html.escape(tip.text, quote=False)}</title>\n")

    return _GROUP_TITLE.sub(own, _LINK_TITLE.sub(link, text) if tooltips else text)


SCRIPT_SCALE = 5 / 6
"""Sub/superscript size relative to its line: 10 units under 12-unit labels, still legible when scaled."""
SCRIPT_DROP = 1 / 6
"""A subscript's baseline sits this many line-font-sizes lower: its glyphs stay inside a tight node box."""
SCRIPT_RISE = 0.33
"""A superscript's baseline sits this many line-font-sizes higher (TeX raises about a third of an em)."""


def _script_text(tag: str) -> str:
    """The attributes of a Graphviz ``<text … baseline-shift="sub|super" … font-size="N">`` with explicit size and
    baseline.

    Graphviz places every span of a line on the same ``y`` and leaves the shift to the viewer; we make it
    explicit, relative to the span's own (line) font size, so every browser draws the same thing.
    """
    shifted, sized = _SHIFT.search(tag), _FONT_SIZE.search(tag)
    if shifted is None or sized is None:
        raise ValueError(f"a shifted Graphviz text without its shift or size: {tag}")
    shift, size = shifted.group(1), float(sized.group(1))
    offset = size * (SCRIPT_DROP if shift == "sub" else -SCRIPT_RISE)
    tag = _Y.sub(lambda m: f'y="{float(m.group(1)) + offset:.2f}"', tag.replace(f' baseline-shift="{shift}"', ""))
    return _FONT_SIZE.sub(f'font-size="{size * SCRIPT_SCALE:.2f}"', tag)


HOLD_STEPS = 2
"""An animated figure shows its complete state for this many step durations before the loop starts again."""


def animation_css(prefix: str, count: int, seconds: float) -> str:
    """CSS that reveals the ``count`` steps of figure ``prefix`` in a loop, ``seconds`` each (no script).

    Step 1 is always shown; step k fades in at (k−1)/(count+hold) of the cycle and stays until the cycle ends.
    Keyframes are named after the figure, so animated figures of different lengths share a page. A reader who
    asks for reduced motion gets the complete figure, still."""
    cycle = (count + HOLD_STEPS) * seconds
    fade = 100 * min(0.3, seconds / 3) / cycle
    rules = []
    for k in range(2, count + 1):
        start = 100 * (k - 1) * seconds / cycle
        rules.append(f"@keyframes {prefix}-s{k}{{0%,{start:.2f}%{{opacity:0}}{start + fade:.2f}%,100%{{opacity:1}}}}"
                     f'#{prefix} [data-sqd-step="{k}"]{{animation:{prefix}-s{k} {cycle:g}s linear infinite}}')
    rules.append(f"@media (prefers-reduced-motion: reduce){{#{prefix} [data-sqd-step]{{animation:none}}}}")
    return "".join(rules)


def prefix_ids(text: str, prefix: str) -> str:
    """Give every ``id`` and every reference to one (``href="#…"``, ``url(#…)``) the per-diagram prefix.

    Plain replacements, not a parse: Graphviz and matplotlib write every id as `` id="…"`` and escape ``"`` in
    text, and the emitter breaks ``url(#`` in labels with a word joiner (:func:`~seqdiagrams.rendering.dot_syntax.
    escape`), so these strings occur in tags only. Run before the joiners are removed and before anything of ours
    (titles) is added to the text."""
    return (text.replace(' id="', f' id="{prefix}-').replace('href="#', f'href="#{prefix}-')
            .replace("url(#", f"url(#{prefix}-"))


def view_box_of(root_tag: str) -> str:
    """The ``viewBox`` of an ``<svg …>`` start tag (a unit box when it has none)."""
    box = _VIEWBOX.search(root_tag)
    return box.group(1) if box else "0 0 100 100"


def natural_width(view_box: str, scale: float = 1.0) -> float:
    """CSS pixels a figure takes at full size: ``scale`` pixels per user unit of its ``viewBox``."""
    return float(view_box.split()[2]) * scale


def svg_head(view_box: str, prefix: str, title: str, desc: str, theme: str, styles: bool = True,
             extra_css: str = "", scale: float = 1.0, inherited: str = "") -> str:
    """The finished root start tag, ``<title>``, ``<desc>`` and stylesheet shared by diagrams and plots.

    The root carries the id ``prefix``, the ``sqd-svg sqd-theme-<theme>`` classes the stylesheet keys on,
    ``role="img"`` and an accessible name and description (escaped here). ``extra_css`` (trusted, ours)
    is appended inside the same ``<style>`` element, or gets one of its own when ``styles`` is False.
    The figure's natural width is ``scale`` CSS pixels per user unit (diagrams: 1), and it shrinks to its
    column, never below: an explicit width (not ``width:100%``) gives the SVG an intrinsic size, so a
    theme's ``figure{width:fit-content}`` (Material) or a flex column sizes the figure to the picture.
    ``inherited`` (trusted, ours) are presentation attributes every element of the figure inherits.
    """
    css = (STYLESHEET if styles else "") + extra_css
    return (f'<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" viewBox="{view_box}" id="{prefix}" '
            f'class="sqd-svg sqd-theme-{theme}" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
            f'preserveAspectRatio="xMidYMin meet" '
            f'style="width:{natural_width(view_box, scale):.0f}px;max-width:100%;height:auto"'
            + (f" {inherited}>" if inherited else ">") +
            f'<title id="{prefix}-title">{html.escape(title, quote=False)}</title>'
            f'<desc id="{prefix}-desc">{html.escape(desc, quote=False)}</desc>'
            + (f"<style>{css}</style>" if css else ""))


_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
_GROUP_TITLE = re.compile(r'(<g id="[^"]*-([a-z]+)[0-9]+" class="[^"]*"[^>]*)>\n<title>([^<]*)</title>\n')
"""A Graphviz group (graph, cluster, node, edge) and the title Graphviz gives it, its internal name."""
_LINK_TITLE = re.compile(r'(<title>([^<]*)</title>\n<g id="[^"]*-a_node[0-9]+"><a xlink:title=")[^"]*"')
"""A node's Graphviz title followed by the link Graphviz wraps a node with a ``tooltip`` in."""
_TEXT = re.compile(r'<text xml:space="preserve" ([^>]*>)([^<]*)')
"""A Graphviz ``<text>``: its attributes (``xml:space`` first) and its escaped text."""
_XML_SPACE = " \t\n\r"
_SPACING = ("  ", "\t", "\n", "\r", "&#")
"""Text that needs ``xml:space="preserve"`` (besides leading or trailing space): spacing that XML would collapse
or change, or a character reference that might be some."""
_SHIFT = re.compile(r'\bbaseline-shift="(sub|super)"')
"""A shifted span (a test checks none is left)."""
_STEP_GROUP = re.compile(r'<g id="[^"]*" class="(?:node|edge)\b[^"]*\bsqd-step-([0-9]+)[^"]*"')
"""A node or edge group of a figure shown step by step (the emitter's ``sqd-step-k`` class, as Graphviz writes it)."""
_FONT_SIZE = re.compile(r'\bfont-size="([0-9.]+)"')
_Y = re.compile(r'\by="(-?[0-9.]+)"')
ROOT_TAG = re.compile(r"<svg\b[^>]*>")
"""The root start tag of an SVG document (Graphviz's or matplotlib's)."""
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')


def _palette() -> dict[str, tuple[str, str]]:
    """Every themed CSS variable with its (light, dark) colour: one list for every way of choosing a scheme."""
    return COLOURS


def _variables(dark: bool) -> str:
    return "".join(f"--sqd-{name}:{pair[dark]};" for name, pair in _palette().items())


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


_PAGE_IS_DARK = "clamp(0,(128 - .2126*r - .7152*g - .0722*b)*99,1)"
"""1 when the colour's luma is below the middle grey, else 0 (a steep clamp, not a blend)."""


def _variables_by_page(background: str) -> str:
    """Variables that pick light or dark from the luma of the page background ``background`` (a CSS colour).

    For schemes we cannot know by name (a Material site's own ``dracula``): ``--sqd-k`` is a colour whose
    channels are all 0 (light page) or 1 (dark page), and every palette colour is computed from it with CSS
    relative colours, ``light + (dark - light) × k`` per channel. What the reader sees decides, not a name.
    """
    lines = [f"--sqd-k:rgb(from {background} {_PAGE_IS_DARK} {_PAGE_IS_DARK} {_PAGE_IS_DARK});"]
    for name, (light, dark) in _palette().items():
        pairs = zip(_channels(light), _channels(dark), "rgb", strict=True)
        parts = [f"calc({lo} + {hi - lo}*{ch})" for lo, hi, ch in pairs]
        lines.append(f"--sqd-{name}:rgb(from var(--sqd-k) {' '.join(parts)});")
    return "".join(lines)


_DARK_SITES = ('[data-md-color-scheme="slate"]', '[data-theme="dark"]', '[data-bs-theme="dark"]', ".dark")
_LIGHT_SITES = ('[data-md-color-scheme="default"]', '[data-theme="light"]', '[data-bs-theme="light"]')
_CUSTOM_MATERIAL = '[data-md-color-scheme]:not([data-md-color-scheme="default"],[data-md-color-scheme="slate"])'
"""A Material (or Zensical) page in a scheme of the site's own: ``--md-default-bg-color`` tells light from dark."""
_SHAPES = ("path", "polygon", "ellipse")


def _shapes(scope: str) -> str:
    """Every outline shape inside ``scope``, at any depth: nodes with a tooltip or link wrap theirs in ``<g><a>``."""
    return ",".join(f".sqd-svg {scope} {shape}" for shape in _SHAPES)


FIGURE_CSS = (
    ".sqd-figure{max-width:100%;overflow-x:auto}"
    ".sqd-figure>svg.sqd-svg{display:block;margin:0 auto}"
    ".sqd-figure>.sqd-zoom,.sqd-figure>.sqd-zoom>summary{all:revert}"
    ".sqd-figure>.sqd-zoom>summary::before,.sqd-figure>.sqd-zoom>summary::after{content:none!important}"
    ".sqd-figure>.sqd-zoom{align-self:stretch;position:sticky;left:0;margin:0 0 .3em;font-size:.75em;text-align:end}"
    ".sqd-figure>.sqd-zoom>summary{cursor:pointer}"
    ".sqd-zoom[open]~svg.sqd-svg{max-width:none!important;margin:0;align-self:flex-start}"
)
"""Page rules for figures: the SVG's natural size up to the column (the ``<svg>`` itself carries its width), and
the full-size view, a ``<details>`` toggle that lets a wide figure overflow its column, scrolled sideways. Themes
style ``<details>`` as admonitions (Material, pymdownx): the toggle reverts to the browser's plain disclosure."""

STEPPER_CSS = (
    ".sqd-stepping .sqd-later{visibility:hidden}"
    ".sqd-stepper{display:flex;flex-wrap:wrap;gap:.4em;align-items:baseline;margin:0 0 .4em;font-size:.8em}"
    ".sqd-stepper[hidden],.sqd-step-list[hidden]{display:none}"
    ".sqd-stepper>button{font:inherit;padding:.15em .7em;border:1px solid currentColor;border-radius:.3em;"
    "background:transparent;color:inherit;cursor:pointer}"
    ".sqd-stepper>button[aria-disabled=true]{opacity:.4;cursor:default}"
    ".sqd-step-status{margin:0 0 0 .4em!important}"
    "@media print{.sqd-stepper{display:none!important}.sqd-stepping .sqd-later{visibility:visible}}"
)
"""Page rules of a figure shown step by step, carried by such figures only: the steps after the one shown are
hidden (except in print) once the page script runs, and its controls follow the page's text colour."""


def _stylesheet() -> str:
    auto = ".sqd-svg.sqd-theme-auto"
    rules = [
        FIGURE_CSS,
        f".sqd-svg{{{_variables(False)}}}",
        f"@media (prefers-color-scheme: dark){{{auto}{{{_variables(True)}}}}}",
        ",".join(f"{site} {auto}" for site in _LIGHT_SITES) + f"{{{_variables(False)}}}",
        f"{_CUSTOM_MATERIAL} {auto}{{{_variables_by_page('var(--md-default-bg-color)')}}}",
        ",".join(f"{site} {auto}" for site in _DARK_SITES) + f",.sqd-svg.sqd-theme-dark{{{_variables(True)}}}",
        ".sqd-svg text{fill:var(--sqd-fg)}",
        f"{_shapes('.sqd-e')}{{stroke:var(--sqd-edge)}}",
        ".sqd-svg .sqd-e polygon{fill:var(--sqd-edge)}",
        f"{_shapes('.sqd-cluster')}{{stroke:var(--sqd-cluster);fill:none}}",
        f"{_shapes('.sqd-hl')}{{stroke:var(--sqd-hl)!important}}",
    ]
    for name in FAMILIES:
        rules.append(f"{_shapes('.sqd-f-' + name)}{{fill:var(--sqd-{name}-fill);stroke:var(--sqd-{name}-stroke)}}")
    for role, style in EDGE_STYLES.items():
        if "color" in style:
            rules.append(f"{_shapes('.sqd-e-' + role)}{{stroke:var(--sqd-e-{role})}}"
                         f".sqd-svg .sqd-e-{role} polygon{{fill:var(--sqd-e-{role})}}")
    return "".join(rules)


STYLESHEET = _stylesheet()
"""The same text in every diagram, so a host may also ship it once and strip the copies."""
