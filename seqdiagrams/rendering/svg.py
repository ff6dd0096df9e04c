"""Finish Graphviz SVG for inlining: unique ids, accessibility, theme-following styles.

- every ``id`` (and every ``url(#…)``/``href="#…"`` reference) gets a per-diagram prefix, so
  many diagrams can be inlined in one page without collisions;
- the root gets ``role="img"`` and a ``<title>``/``<desc>`` generated from the spec; Graphviz's
  own per-node ``<title>`` elements (internal node ids) are dropped;
- a stylesheet maps role-family classes to CSS variables that switch with the site's dark
  scheme (Material, Furo, PyData, Bootstrap) or the OS preference, without a second render.

User-given titles and descriptions are escaped here; Graphviz escapes the label text it
writes (the emitter already passed it escaped HTML-like labels).
"""

from __future__ import annotations

import html
import re

from seqdiagrams.rendering.dot import WORD_JOINER
from seqdiagrams.rendering.theme import CLUSTER, EDGE, EDGE_DARK, EDGE_STYLES, FAMILIES, HIGHLIGHT, TEXT

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"

_URL_REF = re.compile(r"url\(#([^)]+)\)")


def finish_svg(raw: bytes, prefix: str, title: str, desc: str, theme: str, styles: bool = True) -> str:
    """Return the finished ``<svg>`` element as text (no XML declaration, no DOCTYPE).

    Graphviz's SVG is regular, machine-written XML, so it is finished with a few anchored
    substitutions rather than a parse and re-serialisation (ten times faster on large
    diagrams); every text *we* add is escaped here, Graphviz escapes its own. ``styles=False``
    leaves out the stylesheet, for hosts that ship :data:`STYLESHEET` once per site.
    """
    text = raw.decode("utf-8")
    text = _COMMENT.sub("", text[text.index("<svg"):])
    text = _TITLE.sub("", text).replace(WORD_JOINER, "")
    text = prefix_ids(text, prefix)
    root = ROOT_TAG.match(text)
    if root is None:
        raise ValueError("Graphviz output has no <svg> root")
    head = svg_head(view_box_of(root.group(0)), prefix, title, desc, theme, styles)
    return head + text[root.end():].rstrip()


def prefix_ids(text: str, prefix: str) -> str:
    """Give every ``id`` and every reference to one (``href="#…"``, ``url(#…)``) the per-diagram prefix."""
    text = _ID.sub(lambda m: f'{m.group(1)}="{prefix}-{m.group(2)}"', text)
    text = _HREF.sub(lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', text)
    return _URL_REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})", text)


def view_box_of(root_tag: str) -> str:
    """The ``viewBox`` of an ``<svg …>`` start tag (a unit box when it has none)."""
    box = _VIEWBOX.search(root_tag)
    return box.group(1) if box else "0 0 100 100"


def svg_head(view_box: str, prefix: str, title: str, desc: str, theme: str, styles: bool = True,
             extra_css: str = "", scale: float = 1.0) -> str:
    """The finished root start tag, ``<title>``, ``<desc>`` and stylesheet shared by diagrams and plots.

    The root carries the id ``prefix``, the ``sqd-svg sqd-theme-<theme>`` classes the stylesheet keys on,
    ``role="img"`` and an accessible name and description (escaped here). ``extra_css`` (trusted, ours)
    is appended inside the same ``<style>`` element, or gets one of its own when ``styles`` is False.
    The figure is shown at most ``scale`` CSS pixels per user unit wide (diagrams: 1).
    """
    width = float(view_box.split()[2]) * scale
    css = (STYLESHEET if styles else "") + extra_css
    return (f'<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" viewBox="{view_box}" id="{prefix}" '
            f'class="sqd-svg sqd-theme-{theme}" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
            f'preserveAspectRatio="xMidYMin meet" style="max-width:{width:.0f}px;width:100%;height:auto">'
            f'<title id="{prefix}-title">{html.escape(title, quote=False)}</title>'
            f'<desc id="{prefix}-desc">{html.escape(desc, quote=False)}</desc>'
            + (f"<style>{css}</style>" if css else ""))


_COMMENT = re.compile(r"<!--.*?-->\n?", re.S)
_TITLE = re.compile(r"<title>[^<]*</title>\n?")
_ID = re.compile(r'\b(id)="([^"]+)"')
_HREF = re.compile(r'((?:xlink:)?href)="#([^"]+)"')
ROOT_TAG = re.compile(r"<svg\b[^>]*>")
"""The root start tag of an SVG document (Graphviz's or matplotlib's)."""
_VIEWBOX = re.compile(r'viewBox="([^"]+)"')


def _variables(dark: bool) -> str:
    pick = 1 if dark else 0
    lines = [f"--sqd-fg:{TEXT[pick]};--sqd-edge:{EDGE[pick]};--sqd-cluster:{CLUSTER[pick]};"
             f"--sqd-hl:{HIGHLIGHT[pick]};"]
    for name, fam in FAMILIES.items():
        fill, stroke = (fam.dark_fill, fam.dark_stroke) if dark else (fam.light_fill, fam.light_stroke)
        lines.append(f"--sqd-{name}-fill:{fill};--sqd-{name}-stroke:{stroke};")
    for role, style in EDGE_STYLES.items():
        if "color" in style:
            lines.append(f"--sqd-e-{role}:{EDGE_DARK[role] if dark else style['color']};")
    return "".join(lines)


_DARK_SITES = ('[data-md-color-scheme="slate"]', '[data-theme="dark"]', '[data-bs-theme="dark"]', ".dark")
_LIGHT_SITES = ('[data-md-color-scheme="default"]', '[data-theme="light"]', '[data-bs-theme="light"]')


def _stylesheet() -> str:
    auto = ".sqd-svg.sqd-theme-auto"
    rules = [
        f".sqd-svg{{{_variables(False)}}}",
        f"@media (prefers-color-scheme: dark){{{auto}{{{_variables(True)}}}}}",
        ",".join(f"{site} {auto}" for site in _LIGHT_SITES) + f"{{{_variables(False)}}}",
        ",".join(f"{site} {auto}" for site in _DARK_SITES) + f",.sqd-svg.sqd-theme-dark{{{_variables(True)}}}",
        ".sqd-svg text{fill:var(--sqd-fg)}",
        ".sqd-svg .sqd-e>path{stroke:var(--sqd-edge)}",
        ".sqd-svg .sqd-e>polygon{fill:var(--sqd-edge);stroke:var(--sqd-edge)}",
        ".sqd-svg .sqd-cluster>path,.sqd-svg .sqd-cluster>polygon{stroke:var(--sqd-cluster);fill:none}",
        ".sqd-svg .sqd-hl>path,.sqd-svg .sqd-hl>polygon,.sqd-svg .sqd-hl>ellipse{stroke:var(--sqd-hl)!important}",
    ]
    for name in FAMILIES:
        # a node with a tooltip (the ⊕, ⊙ circles) has its shapes inside Graphviz's <a>
        shapes = ",".join(f".sqd-svg .sqd-f-{name}{inside}>{shape}" for shape in ("path", "polygon", "ellipse")
                          for inside in ("", " a"))
        rules.append(f"{shapes}{{fill:var(--sqd-{name}-fill);stroke:var(--sqd-{name}-stroke)}}")
    for role, style in EDGE_STYLES.items():
        if "color" in style:
            rules.append(f".sqd-svg .sqd-e-{role}>path{{stroke:var(--sqd-e-{role})}}"
                         f".sqd-svg .sqd-e-{role}>polygon{{fill:var(--sqd-e-{role});stroke:var(--sqd-e-{role})}}")
    return "".join(rules)


STYLESHEET = _stylesheet()
"""The same text in every diagram, so a host may also ship it once and strip the copies."""
