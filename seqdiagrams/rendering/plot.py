"""Plots for subjects that are data rather than graphs: deterministic, themed, accessible SVG (and PNG, JSON).

A plot subject builds a :class:`~seqdiagrams.models.PlotModel` (plain numbers and words, the ``json``
output and the gallery's golden file); :func:`render_plot` hands its data to a ``draw(figure, data,
palette)`` function (``rendering/*_plot.py``) that draws it with matplotlib's object API on a
:class:`matplotlib.figure.Figure` of fixed size (no pyplot, no global figure state; rcParams only inside
a context that restores them). The SVG is made to behave like the Graphviz diagrams:

- deterministic bytes: fixed ``svg.hashsalt``, no date or version in the metadata, fixed size;
- text stays ``<text>`` (``svg.fonttype = none``), so Chinese uses the page's fonts and files stay small;
- every colour is a role of :data:`~seqdiagrams.rendering.theme.COLOURS`, taken from a :class:`Palette`:
  a PNG is drawn with the real light colours (:data:`LIGHT`), an SVG with one made-up colour per role
  (:data:`TOKENS`, no two alike and none a real colour) that is then replaced by that role's
  ``var(--sqd-<role>, <light colour>)``, so one SVG follows the site's light/dark scheme through the
  shared :data:`~seqdiagrams.rendering.svg.STYLESHEET`; a role is found by its token, never by its
  light colour, which two roles may share;
- the root is the same as a diagram's (:func:`~seqdiagrams.rendering.svg.svg_head`): per-diagram
  id prefix on every id, ``role="img"``, escaped ``<title>``/``<desc>``, ``sqd-theme-<theme>`` class;
- matplotlib's page-wide ``*{…}`` rule is scoped to the plot's own root;
- a heatmap drawn with :func:`heat` (a raster whose opacity is the data) becomes an alpha mask over a
  rectangle filled with a palette variable, so its cells follow the light/dark scheme too.

matplotlib is imported only when a picture is drawn: ``json`` (and ``seqdiagrams check``) never load it.
"""

from __future__ import annotations

import io
import json
import logging
import math
import re
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from seqdiagrams.rendering.svg import ROOT_TAG, prefix_ids, svg_head, view_box_of
from seqdiagrams.rendering.theme import COLOURS
from seqdiagrams.subjects import Output

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from matplotlib.figure import Figure

FONT_FAMILIES = ("Noto Sans CJK SC", "DejaVu Sans", "sans-serif")
"""Text fonts, CJK-capable first (matplotlib falls back per glyph; browsers do the same)."""
FONT_SIZE = 10
"""Base text size in points (= SVG user units; a 7.2 in wide plot shows about 1.35 px per unit in docs)."""
SVG_DPI = 72
"""matplotlib's SVG unit: 1 pt."""
DISPLAY_SCALE = 4 / 3
"""CSS pixels per SVG unit at full size (1 pt = 4/3 px): a 7.2 in plot is at most 691 px wide, 10 pt text ≈ 13 px."""
PNG_DPI = 160
"""PNG resolution: a 7.2 in plot is 1152 px wide, sharp at docs width and in PDFs."""
HASH_SALT = "seqdiagrams"
"""Fixed ``svg.hashsalt``: clip-path and marker ids are the same on every run."""
CREATOR = "seqdiagrams"


@dataclass(frozen=True)
class Palette:
    """The colour a drawing uses for each role of :data:`~seqdiagrams.rendering.theme.COLOURS`.

    Drawings ask for roles (``palette.ink``, ``palette.stroke("state")``), never for colours, so the same
    drawing makes a PNG in real colours and an SVG whose colours can be told apart by role."""

    colours: Mapping[str, str]

    @property
    def ink(self) -> str:
        """Text (``--sqd-fg``)."""
        return self.colours["fg"]

    @property
    def axis(self) -> str:
        """Spines, ticks, guide lines and arrows (``--sqd-edge``)."""
        return self.colours["edge"]

    @property
    def grid(self) -> str:
        """Grid lines, frames and hatching (``--sqd-cluster``)."""
        return self.colours["cluster"]

    @property
    def paper(self) -> str:
        """Legend and label boxes: white in light schemes, near-black in dark ones (``--sqd-op-fill``)."""
        return self.colours["op-fill"]

    def stroke(self, family: str) -> str:
        """A role family's stroke colour (lines, outlines)."""
        return self.colours[f"{family}-stroke"]

    def fill(self, family: str) -> str:
        """A role family's fill colour (bars, bands)."""
        return self.colours[f"{family}-fill"]


LIGHT = Palette({role: light for role, (light, _dark) in COLOURS.items()})
"""The real light colours: a PNG cannot follow a colour scheme, so it shows these."""


def _token(index: int) -> str:
    """The made-up colour of the ``index``-th role: ``#ff??ff``, unique per index, a magenta far from every
    theme colour (``test_tokens_are_unique_and_no_theme_colour`` holds the theme to that)."""
    return f"#ff{index:02x}ff"


TOKENS = Palette({role: _token(index) for index, role in enumerate(COLOURS)})
"""What an SVG is drawn with: one unique colour per role, each replaced by its role's variable."""
_TOKEN_ROLE = {token: role for role, token in TOKENS.colours.items()}


@dataclass(frozen=True)
class PlotText:
    """The words around a plot: accessible name, long description (alt text) and figure caption."""

    title: str
    desc: str
    caption: str


def render_plot(fmt: str, data: Mapping[str, Any], draw: Callable[[Figure, Mapping[str, Any], Palette], None],
                text: PlotText, prefix: str, theme: str, size: tuple[float, float], styles: bool = True) -> Output:
    """A plot's :class:`Output` in ``fmt`` (``json``, ``svg``, ``html`` or ``png``).

    ``data`` is the JSON output; ``draw`` draws it on a fresh figure of ``size`` inches. The PNG is
    the same figure on white in :data:`LIGHT` colours (a bitmap cannot follow a colour scheme).
    """
    if fmt == "json":
        return Output(to_json(data), text.caption)
    if fmt not in ("svg", "html", "png"):
        raise ValueError(f"a plot cannot be rendered as {fmt}")
    raster = fmt == "png"
    raw = _draw(lambda figure, palette: draw(figure, data, palette), size, raster)
    if raster:
        return Output(raw, text.caption)
    svg = finish_plot_svg(raw, prefix, text.title, text.desc, theme, styles)
    return Output(svg + "\n" if fmt == "svg" else svg, text.caption)


_LOCK = threading.Lock()
"""rcParams are process-global: one plot at a time per process (builds parallelise with processes)."""


def _rc(palette: Palette) -> dict[str, Any]:
    ink, axis, grid = palette.ink, palette.axis, palette.grid
    return {
        "svg.hashsalt": HASH_SALT,
        "svg.fonttype": "none",
        "svg.image_inline": True,
        "font.family": list(FONT_FAMILIES),
        "font.sans-serif": ["DejaVu Sans"],
        "font.size": FONT_SIZE,
        "text.parse_math": False,
        "axes.unicode_minus": True,
        "axes.titlesize": FONT_SIZE + 1,
        "axes.labelsize": FONT_SIZE,
        "axes.edgecolor": axis,
        "axes.labelcolor": ink,
        "axes.linewidth": 0.8,
        "text.color": ink,
        "xtick.color": axis,
        "ytick.color": axis,
        "xtick.labelcolor": ink,
        "ytick.labelcolor": ink,
        "xtick.labelsize": FONT_SIZE - 1,
        "ytick.labelsize": FONT_SIZE - 1,
        "grid.color": grid,
        "grid.linewidth": 0.5,
        "grid.alpha": 0.6,
        "legend.fontsize": FONT_SIZE - 0.5,
        "legend.facecolor": palette.paper,
        "legend.edgecolor": grid,
        "legend.framealpha": 0.92,
        "patch.edgecolor": axis,
        "lines.solid_capstyle": "round",
        "path.simplify": False,
    }


@contextmanager
def _plotting(palette: Palette) -> Iterator[None]:
    """Our rcParams in ``palette``'s colours, and no noise when a font is missing (its glyphs fall back; SVG
    text still works)."""
    import matplotlib

    font_log = logging.getLogger("matplotlib.font_manager")
    level = font_log.level
    with _LOCK, matplotlib.rc_context(_rc(palette)), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
        font_log.setLevel(logging.ERROR)
        try:
            yield
        finally:
            font_log.setLevel(level)


def _draw(draw: Callable[[Figure, Palette], None], size: tuple[float, float], raster: bool) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    buffer = io.BytesIO()
    palette = LIGHT if raster else TOKENS
    with _plotting(palette):
        figure = Figure(figsize=size, dpi=SVG_DPI, layout="constrained")
        FigureCanvasAgg(figure)
        draw(figure, palette)
        if raster:
            figure.savefig(buffer, format="png", dpi=PNG_DPI, facecolor="#ffffff",
                           metadata={"Software": CREATOR})
        else:
            figure.savefig(buffer, format="svg", transparent=True, metadata={"Date": None, "Creator": CREATOR})
    return buffer.getvalue()


HEAT_ID = "sqd-heat"
"""Id stem of the pictures drawn by :func:`heat` (``sqd-heat-<family>-<name>``)."""


def heat(ax: Any, weights: Any, family: str, name: str, extent: tuple[float, float, float, float]) -> None:
    """Draw ``weights`` (a 2-D array in [0, 1], row 0 at the top) as cells of ``family``'s stroke colour.

    A weight is the cell's opacity, so 0 shows the page background in either scheme. matplotlib writes
    the cells as one pixel per cell; :func:`finish_plot_svg` turns that picture into the alpha mask of a
    rectangle filled with ``var(--sqd-<family>-stroke)`` (the picture's own colour, the light one, shows
    only in a PNG). ``name`` tells heatmaps of one figure apart.
    """
    import numpy as np

    values = np.clip(np.asarray(weights, dtype=float), 0.0, 1.0)
    rgba = np.zeros((*values.shape, 4))
    rgba[..., :3] = [int(LIGHT.stroke(family)[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    rgba[..., 3] = values
    image = ax.imshow(rgba, interpolation="none", extent=extent, aspect="auto", origin="upper", zorder=1)
    image.set_gid(f"{HEAT_ID}-{family}-{name}")


def style_axes(ax: Any, grid: str = "both") -> None:
    """The diagrams' look on one axes: no top/right frame, light grid behind the data, palette colours."""
    ax.set_facecolor("none")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(True, axis=grid, which="major")
    ax.set_axisbelow(True)
    ax.tick_params(which="both", direction="out")


# -- finishing the SVG ----------------------------------------------------------------------------------

_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_PAGE_RULE = re.compile(r"\s*<defs>\s*<style type=\"text/css\">(.*?)</style>\s*</defs>", re.S)
_COMMENT = re.compile(r"\s*<!--.*?-->", re.S)
_STYLE_ATTR = re.compile(r'style="([^"]*)"')
_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")
_FONT_FAMILY = re.compile(r";?\s*font-family:[^;\"]*")
_PATH_DATA = re.compile(r'\bd="([^"]*)"')
_HEAT_IMAGE = re.compile(r'<image xlink:href="([^"]*)" id="(sqd-heat-([a-z]+)-[a-z0-9-]+)" width="(\d+)" '
                         r'height="(\d+)"( transform="[^"]*")? style="([^"]*)"/>')


def finish_plot_svg(raw: bytes, prefix: str, title: str, desc: str, theme: str, styles: bool = True) -> str:
    """matplotlib's SVG → an inlinable, theme-following ``<svg>`` like :func:`~seqdiagrams.rendering.svg.finish_svg`."""
    text = raw.decode("utf-8")
    text = text[text.index("<svg"):]
    text = _METADATA.sub("", text)
    page_rule = _PAGE_RULE.search(text)
    scoped = ""
    if page_rule is not None:  # matplotlib's `*{stroke-linejoin…}` would restyle the whole page: scope it
        scoped = f"#{prefix} {page_rule.group(1).replace(': ', ':').replace('; ', ';')}"
        text = text[:page_rule.start()] + text[page_rule.end():]
    text = _COMMENT.sub("", text)
    text = _STYLE_ATTR.sub(lambda m: f'style="{_recolour(m.group(1))}"', text)
    text = _PATH_DATA.sub(lambda m: 'd="' + " ".join(m.group(1).split()) + '"', text)
    text = _HEAT_IMAGE.sub(_heat_mask, text)
    if any(token in text for token in _TOKEN_ROLE):
        raise ValueError("a plot colour outside a style attribute: it would not follow the colour scheme")
    text = prefix_ids(text, prefix)
    root = ROOT_TAG.match(text)
    if root is None:
        raise ValueError("matplotlib output has no <svg> root")
    family = ",".join(f'"{f}"' if " " in f else f for f in FONT_FAMILIES)
    css = scoped + f"#{prefix} text{{font-family:{family}}}"
    head = svg_head(view_box_of(root.group(0)), prefix, title, desc, theme, styles, css, DISPLAY_SCALE)
    return head + text[root.end():].rstrip()


def _heat_mask(match: re.Match[str]) -> str:
    """A :func:`heat` picture → its alpha as the mask of a rectangle in the family's themed colour."""
    href, mask_id, family, width, height, transform, style = match.groups()
    href = "".join(href.split())
    colour = _variable(f"{family}-stroke")
    return (f'<mask id="{mask_id}" style="mask-type:alpha" maskUnits="userSpaceOnUse" x="0" y="0" '
            f'width="{width}" height="{height}"><image xlink:href="{href}" width="{width}" height="{height}" '
            f'style="{style}"/></mask><rect width="{width}" height="{height}"{transform or ""} '
            f'style="fill:{colour}" mask="url(#{mask_id})"/>')


def _recolour(style: str) -> str:
    """One ``style`` attribute with each role's token as its CSS variable and the font left to the stylesheet."""
    style = _FONT_FAMILY.sub("", style).lstrip("; ")
    return _HEX.sub(lambda m: _variable(_TOKEN_ROLE[m.group(0)]) if m.group(0) in _TOKEN_ROLE else m.group(0), style)


def _variable(role: str) -> str:
    """``role``'s CSS variable, with its light colour for a page without the stylesheet."""
    return f"var(--sqd-{role}, {COLOURS[role][0]})"


# -- JSON -----------------------------------------------------------------------------------------------


def to_json(data: Mapping[str, Any]) -> str:
    """Stable, readable JSON: objects indented, lists of numbers or short strings on one line."""
    return _dump(data, 0) + "\n"


def _dump(value: Any, depth: int) -> str:
    pad, inner = "  " * depth, "  " * (depth + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_dump(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, (list, tuple)):
        if all(not isinstance(v, (dict, list, tuple)) for v in value):
            return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
        return "[\n" + ",\n".join(f"{inner}{_dump(v, depth + 1)}" for v in value) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


# -- tick labels (plain text, no mathtext: CJK-safe and small) ------------------------------------------

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def power_of_ten(value: float, _pos: object = None) -> str:
    """``1e9`` → ``10⁹`` (for log axes; values that are not powers of ten get no label)."""
    if value <= 0:
        return ""
    exponent = round(math.log10(value))
    if abs(value - 10.0 ** exponent) > 1e-6 * value:
        return ""
    return "1" if exponent == 0 else "10" + str(exponent).translate(_SUPERSCRIPT)


def scientific(value: int) -> str:
    """A count for alt text: ``512`` as is, ``1342177280`` → ``1.3 × 10⁹`` (integers in, no float noise)."""
    if value < 10_000:
        return str(value)
    exponent = len(str(value)) - 1
    mantissa = round(value / 10 ** (exponent - 1)) / 10
    if mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.1f} × 10" + str(exponent).translate(_SUPERSCRIPT)


def binary_size(value: float, _pos: object = None) -> str:
    """Sequence lengths as people write context sizes: ``1024`` → ``1K``, ``1048576`` → ``1M``."""
    n = round(value)
    for unit, scale in (("M", 1 << 20), ("K", 1 << 10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale}{unit}"
    return str(n)
