"""Finish Graphviz SVG for inlining: unique ids, accessibility, theme-following styles.

- every ``id`` (and every ``url(#…)``/``href="#…"`` reference) gets a per-diagram prefix, so
  many diagrams can be inlined in one page without collisions;
- the root gets ``role="img"`` and a ``<title>``/``<desc>`` generated from the spec; Graphviz's
  own per-node ``<title>`` elements (internal node ids) are dropped;
- a stylesheet maps role-family classes to CSS variables that switch with the site's dark
  scheme (Material, Furo, PyData, Bootstrap) or the OS preference, without a second render.

The SVG is parsed and re-serialised with ElementTree, so all text, including user-given
titles, is escaped by the serialiser.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from seqdiagrams.rendering.dot import WORD_JOINER
from seqdiagrams.rendering.theme import CLUSTER, EDGE, EDGE_DARK, EDGE_STYLES, FAMILIES, HIGHLIGHT, TEXT

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_URL_REF = re.compile(r"url\(#([^)]+)\)")


def finish_svg(raw: bytes, prefix: str, title: str, desc: str, theme: str) -> str:
    """Return the finished ``<svg>`` element as text (no XML declaration, no DOCTYPE)."""
    root = ET.fromstring(raw)
    _drop_titles(root)
    _drop_word_joiners(root)
    _prefix_ids(root, prefix)
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    root.set("id", prefix)
    root.set("class", f"sqd-svg sqd-theme-{theme}")
    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    root.set("preserveAspectRatio", "xMidYMin meet")
    _set_size(root)
    title_el = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}-title"})
    title_el.text = title
    desc_el = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{prefix}-desc"})
    desc_el.text = desc
    style = ET.Element(f"{{{SVG_NS}}}style")
    style.text = STYLESHEET
    for index, element in enumerate((title_el, desc_el, style)):
        root.insert(index, element)
    return ET.tostring(root, encoding="unicode")


def _set_size(root: ET.Element) -> None:
    """Natural size from the viewBox as a max-width, so the figure scales down but never up."""
    box = root.get("viewBox", "").split()
    if len(box) == 4:
        width = float(box[2])
        root.set("style", f"max-width:{width:.0f}px;width:100%;height:auto")


def _drop_word_joiners(root: ET.Element) -> None:
    """Remove the joiners the emitter put after backslashes (see ``dot.WORD_JOINER``)."""
    for element in root.iter():
        if element.text and WORD_JOINER in element.text:
            element.text = element.text.replace(WORD_JOINER, "")


def _drop_titles(root: ET.Element) -> None:
    for parent in root.iter():
        for child in list(parent):
            if child.tag == f"{{{SVG_NS}}}title":
                parent.remove(child)


def _prefix_ids(root: ET.Element, prefix: str) -> None:
    href = f"{{{XLINK_NS}}}href"
    for element in root.iter():
        if "id" in element.attrib:
            element.set("id", f"{prefix}-{element.get('id')}")
        for key, value in list(element.attrib.items()):
            if "url(#" in value:
                element.set(key, _URL_REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})", value))
        for key in (href, "href"):
            value = element.get(key)
            if value and value.startswith("#"):
                element.set(key, f"#{prefix}-{value[1:]}")


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
        shapes = ",".join(f".sqd-svg .sqd-f-{name}>{shape}" for shape in ("path", "polygon", "ellipse"))
        rules.append(f"{shapes}{{fill:var(--sqd-{name}-fill);stroke:var(--sqd-{name}-stroke)}}")
    for role, style in EDGE_STYLES.items():
        if "color" in style:
            rules.append(f".sqd-svg .sqd-e-{role}>path{{stroke:var(--sqd-e-{role})}}"
                         f".sqd-svg .sqd-e-{role}>polygon{{fill:var(--sqd-e-{role});stroke:var(--sqd-e-{role})}}")
    return "".join(rules)


STYLESHEET = _stylesheet()
"""The same text in every diagram, so a host may also ship it once and strip the copies."""
