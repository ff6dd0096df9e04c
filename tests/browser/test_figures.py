"""Figures as a reader meets them: size, sub/superscripts and dark mode on real sites in Chromium at 1280 px.

A Material site with default plugin options (``plugins: [search, seqdiagrams]``), ``navigation.instant``
and three schemes (``default``, ``slate`` and a site's own dark ``dracula`` defined in ``extra_css``) holds
the example site's pages plus a page of plots; a default-MkDocs-theme site, a Zensical site and Sphinx sites
(alabaster, and Furo, PyData and the Book theme where installed) hold a few figures each. Measured in the
page: a figure is shown at its natural size (one CSS pixel per SVG unit) up to its column and offers a
keyboard-operable full-size view beyond it; node text is at least 10 px at natural size; every text box lies
inside its node box; in a dark scheme every element class (node shapes with and without links, clusters,
edges, edge labels, plot text) changes colour and no node stays light. Screenshots go to
the screenshot folder (see ``conftest.py``).
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from browser_helpers import artifact, css_rgb, serve

from seqdiagrams.rendering.theme import FAMILIES, TEXT

ROOT = Path(__file__).resolve().parents[2]
PAGES = [f"{lang}/{name}" for lang in ("en", "zh")
         for name in ("", "rnn/", "lstm-gru/", "seq2seq/", "attention/", "transformer/", "mamba/")]
DRACULA = """[data-md-color-scheme="dracula"] {
  --md-default-bg-color: #282a36;
  --md-default-fg-color: #f8f8f2;
  --md-typeset-color: #f8f8f2;
}
"""
MATERIAL = """site_name: Figures
site_url: http://127.0.0.1/
theme:
  name: material
  font: false
  features: [navigation.instant]
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: Dark}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Dracula}
    - scheme: dracula
      toggle: {icon: material/brightness-2, name: Light}
extra_css: [dracula.css]
plugins: [search, seqdiagrams]
markdown_extensions:
  - admonition
  - attr_list
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed: {alternate_style: true}
  - pymdownx.arithmatex: {generic: true}
"""
ZENSICAL = """site_name: Figures
theme:
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: Dark}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Light}
markdown_extensions: [seqdiagrams]
"""
PLOTS = "# Plots\n\n```seqarch mamba view=scan\n```\n\n```seqarch complexity\n```\n"
FEW = "# Figures\n\n```seqarch rnn unroll=3\n```\n\n```seqarch lstm\n```\n\n```seqarch transformer\n```\n"
FEW_RST = "Figures\n=======\n\n.. seqarch:: rnn unroll=3\n\n.. seqarch:: lstm\n\n.. seqarch:: transformer\n"
FONT_PX = 12
"""Node label size in SVG units (sub/superscripts are smaller by design)."""

# Per diagram: natural and shown width, the width its column offers, and every node text part with its
# on-screen size and whether its box lies inside the node's outline (in SVG units, half a unit of slack).
MEASURE = r"""() => [...document.querySelectorAll('figure.sqd-figure > svg.sqd-svg')]
  .filter(svg => svg.checkVisibility()).map(svg => {
  const figure = svg.parentElement, column = figure.parentElement;
  const inset = (el, sides) => sides.reduce((sum, side) => sum + parseFloat(getComputedStyle(el)[side]), 0);
  const available = column.clientWidth - inset(column, ['paddingLeft', 'paddingRight'])  // the theme's own
    - inset(figure, ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth']);  // figure padding
  const shown = svg.getBoundingClientRect().width, scale = shown / svg.viewBox.baseVal.width;
  const parts = [];
  for (const node of svg.querySelectorAll('g.node')) {
    const outline = node.querySelector('path, polygon, ellipse');
    if (!outline) continue;  // a bare mark ("→ t+1" stub, "⋯"), not a box with text inside
    const b = outline.getBBox();
    for (const t of node.querySelectorAll('text')) {
      const tb = t.getBBox(), size = parseFloat(getComputedStyle(t).fontSize);
      parts.push({text: t.textContent, units: size, px: size * scale,
                  inside: tb.x >= b.x - .5 && tb.y >= b.y - .5 && tb.x + tb.width <= b.x + b.width + .5
                          && tb.y + tb.height <= b.y + b.height + .5});
    }
  }
  return {id: svg.id, natural: parseFloat(svg.style.width), shown, available, parts,
          zoom: figure.querySelector(':scope > details.sqd-zoom > summary') !== null};
}).filter(f => f.parts.length)"""
# The painted colour of one element of every class, in document order.
COLOURS = r"""() => {
  const paint = (sel, prop) => [...document.querySelectorAll(sel)].map(el => getComputedStyle(el)[prop]);
  const svg = 'figure.sqd-figure svg.sqd-svg';
  return {
    nodes: [...document.querySelectorAll(svg + ' g.node')].map(g => g.querySelector('path, polygon, ellipse'))
      .filter(shape => shape).map(shape => getComputedStyle(shape).fill),  // bare marks have no shape
    linked: paint(svg + ' g.node a ellipse, ' + svg + ' g.node a path, ' + svg + ' g.node a polygon', 'fill'),
    clusters: paint(svg + ' g.cluster > path, ' + svg + ' g.cluster > polygon', 'stroke'),
    edges: paint(svg + ' g.edge path', 'stroke'),
    edge_labels: paint(svg + ' g.edge text', 'fill'),
    text: paint(svg + ' text', 'fill'),
  };
}"""


def _rgb8(css: str) -> tuple[int, ...]:
    """A computed colour as 8-bit channels: ``rgb(…)``, or ``color(srgb …)`` as relative colours serialise."""
    inner = css[css.index("(") + 1:css.index(")")]
    if css.startswith("color("):
        return tuple(round(float(v) * 255) for v in inner.split()[1:4])
    return tuple(round(float(v)) for v in inner.split(",")[:3])


def _luma(css: str) -> float:
    r, g, b = _rgb8(css)
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def _same_colours(colours: dict[str, list[str]]) -> dict[str, list[tuple[int, ...]]]:
    return {kind: [_rgb8(c) for c in values] for kind, values in colours.items()}


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory) -> str:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp("material")
    shutil.copytree(ROOT / "example_site" / "docs", root / "docs")
    (root / "docs" / "dracula.css").write_text(DRACULA, encoding="utf-8")
    (root / "docs" / "plots.md").write_text(PLOTS, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MATERIAL, encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    with serve(root / "site") as url:
        yield url


@pytest.fixture(scope="module")
def mkdocs_theme(tmp_path_factory: pytest.TempPathFactory) -> str:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp("mkdocs-theme")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(FEW, encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: Figures\ntheme: {name: mkdocs}\nplugins: [seqdiagrams]\n",
                                     encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    with serve(root / "site") as url:
        yield url


@pytest.fixture(scope="module")
def zensical(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A Zensical site with the Markdown extension alone: figures carry their own stylesheet."""
    command = shutil.which("zensical")
    if command is None:
        pytest.skip("zensical is not installed (pip install zensical)")
    root = tmp_path_factory.mktemp("zensical")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text(FEW, encoding="utf-8")
    (root / "mkdocs.yml").write_text(ZENSICAL, encoding="utf-8")
    subprocess.run([command, "build"], cwd=root, check=True, capture_output=True, timeout=300)
    with serve(root / "site") as url:
        yield url


def _sphinx(root: Path, theme: str) -> Path:
    from sphinx.cmd.build import build_main

    src, out = root / "src", root / "out"
    src.mkdir()
    (src / "conf.py").write_text(f'extensions = ["seqdiagrams.sphinx"]\nhtml_theme = "{theme}"\n', encoding="utf-8")
    (src / "index.rst").write_text(FEW_RST, encoding="utf-8")
    with warnings.catch_warnings():  # a theme's own use of deprecated Sphinx API is not ours to fail on
        warnings.filterwarnings("ignore", module=theme)
        assert build_main(["-q", "-b", "html", str(src), str(out)]) == 0
    return out


@pytest.fixture(scope="module", params=["alabaster", "furo", "pydata_sphinx_theme", "sphinx_book_theme"])
def sphinx_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    pytest.importorskip(request.param)
    with serve(_sphinx(tmp_path_factory.mktemp(request.param), request.param)) as url:
        yield request.param, url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


def _open_all_tabs(page) -> None:
    page.add_style_tag(content=".tabbed-set > .tabbed-content > .tabbed-block { display: block !important }")


def _assert_sized(figures: list[dict], where: str) -> None:
    assert figures, f"no diagram on {where}"
    for fig in figures:
        expected = min(fig["natural"], fig["available"])
        assert fig["shown"] == pytest.approx(expected, abs=1.5), f"{fig['id']} on {where}: natural size up to column"
        assert fig["zoom"] == (fig["natural"] > 680), f"{fig['id']} on {where}: full-size view iff wider than 680 px"
        if fig["natural"] <= fig["available"]:
            labels = [p for p in fig["parts"] if p["units"] >= FONT_PX]
            assert labels and min(p["px"] for p in labels) >= 10, f"{fig['id']} on {where}: text under 10 px"


@pytest.mark.parametrize("path", PAGES)
def test_material_figures_take_their_natural_size_and_keep_text_in_boxes(page, material: str, path: str) -> None:
    page.goto(material + path, wait_until="networkidle")
    _open_all_tabs(page)
    figures = page.evaluate(MEASURE)
    _assert_sized(figures, path)
    outside = [(f["id"], p["text"]) for f in figures for p in f["parts"] if not p["inside"]]
    assert outside == []  # sub/superscripts included


def test_full_size_view_is_keyboard_operable(page, material: str) -> None:
    page.goto(material + "en/lstm-gru/", wait_until="networkidle")
    figure = page.locator("figure.sqd-figure:has(> details.sqd-zoom)").first
    svg = figure.locator("svg.sqd-svg")
    natural = float(svg.evaluate("el => parseFloat(el.style.width)"))
    column = figure.evaluate("el => el.clientWidth")
    assert svg.bounding_box()["width"] == pytest.approx(column, abs=1.5) and natural > column
    figure.locator("summary").focus()
    page.keyboard.press("Enter")
    assert figure.locator("details").evaluate("el => el.open") is True
    assert svg.bounding_box()["width"] == pytest.approx(natural, abs=1)
    assert figure.evaluate("el => el.scrollWidth - el.clientWidth") > 0  # scrolled sideways, inside the column
    assert figure.bounding_box()["width"] == pytest.approx(column, abs=1.5)
    sizes = svg.evaluate("el => [...el.querySelectorAll('g.node text')].map(t => getComputedStyle(t).fontSize)")
    assert min(float(size[:-2]) for size in sizes) >= 10  # one pixel per unit: labels 12 px, scripts 10 px
    figure.screenshot(path=str(artifact("full-size-open.png")))
    page.keyboard.press("Space")
    assert svg.bounding_box()["width"] == pytest.approx(column, abs=1.5)


def test_instant_navigation_keeps_figures_sized(page, material: str) -> None:
    page.goto(material + "en/", wait_until="networkidle")
    page.locator("a[href$='rnn/']").first.click()
    page.wait_for_function("location.pathname.endsWith('/en/rnn/')")
    page.wait_for_selector("figure.sqd-figure svg.sqd-svg")
    assert page.evaluate("() => document.querySelectorAll('link[rel=stylesheet]').length") > 0
    _assert_sized(page.evaluate(MEASURE), "en/rnn/ after an instant switch")


@pytest.mark.parametrize("path", ["en/lstm-gru/", "zh/seq2seq/", "en/transformer/", "plots/"])
def test_dark_schemes_recolour_every_element_class(page, material: str, path: str) -> None:
    page.goto(material + path, wait_until="networkidle")
    light = page.evaluate(COLOURS)
    _screenshot_first_figure(page, f"{path.strip('/').replace('/', '-')}-light.png")
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    dark = page.evaluate(COLOURS)
    _screenshot_first_figure(page, f"{path.strip('/').replace('/', '-')}-slate.png")
    for kind in ("nodes", "linked", "clusters", "edges", "edge_labels", "text"):
        unchanged = [i for i, (a, b) in enumerate(zip(light[kind], dark[kind], strict=True)) if a == b]
        assert unchanged == [], f"{kind} keep their light colour on {path}"
    assert all(_luma(fill) < 0.35 for fill in dark["nodes"]), "a node stays light in the dark scheme"
    assert all(_luma(fill) > 0.6 for fill in dark["text"]), "dark text on a dark page"
    if path != "plots/":
        assert light["linked"] and light["nodes"]  # operator nodes with tooltips are measured, not skipped
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'dracula')")
    assert _same_colours(page.evaluate(COLOURS)) == _same_colours(dark)  # a site's own dark scheme: dark palette
    _screenshot_first_figure(page, f"{path.strip('/').replace('/', '-')}-dracula.png")


def test_dark_palette_values_come_from_the_theme_table(page, material: str) -> None:
    page.goto(material + "en/rnn/", wait_until="networkidle")
    page.locator("form[data-md-component=palette] label:visible").first.click()  # default → slate, as a reader
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    state = page.locator("svg.sqd-svg .sqd-f-state path, svg.sqd-svg .sqd-f-state polygon").first
    assert state.evaluate("el => getComputedStyle(el).fill") == css_rgb(FAMILIES["state"].dark_fill)
    page.locator("form[data-md-component=palette] label:visible").first.click()  # slate → dracula
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'dracula'")
    assert _rgb8(state.evaluate("el => getComputedStyle(el).fill")) == _rgb8(css_rgb(FAMILIES["state"].dark_fill))
    text = page.locator("svg.sqd-svg text").first
    assert _rgb8(text.evaluate("el => getComputedStyle(el).fill")) == _rgb8(css_rgb(TEXT[1]))


def test_default_mkdocs_theme_sizes_figures_and_follows_bootstrap_dark(page, mkdocs_theme: str) -> None:
    page.goto(mkdocs_theme, wait_until="networkidle")
    _assert_sized(page.evaluate(MEASURE), "the mkdocs theme")
    page.screenshot(path=str(artifact("mkdocs-theme.png")), full_page=True)
    light = page.evaluate(COLOURS)["nodes"]
    page.evaluate("document.documentElement.setAttribute('data-bs-theme', 'dark')")  # Bootstrap 5.3 colour mode
    dark = page.evaluate(COLOURS)["nodes"]
    assert all(a != b for a, b in zip(light, dark, strict=True))
    assert all(_luma(fill) < 0.35 for fill in dark)


def test_zensical_sizes_figures_and_follows_slate(page, zensical: str) -> None:
    page.goto(zensical, wait_until="networkidle")
    _assert_sized(page.evaluate(MEASURE), "Zensical")
    light = page.evaluate(COLOURS)["nodes"]
    page.locator("form[data-md-component=palette] label:visible").first.click()  # as a reader switches
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = page.evaluate(COLOURS)["nodes"]
    page.screenshot(path=str(artifact("zensical-slate.png")), full_page=True)
    assert all(a != b for a, b in zip(light, dark, strict=True))
    assert all(_luma(fill) < 0.35 for fill in dark)


def test_a_custom_light_scheme_keeps_the_light_palette(page, material: str) -> None:
    page.goto(material + "en/lstm-gru/", wait_until="networkidle")
    light = _same_colours(page.evaluate(COLOURS))
    page.add_style_tag(content='[data-md-color-scheme="paper"]{--md-default-bg-color:#fdf6e3}')  # solarized light
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'paper')")
    assert _same_colours(page.evaluate(COLOURS)) == light


def test_sphinx_themes_size_figures_and_follow_the_os_scheme(page, sphinx_site: tuple[str, str]) -> None:
    """Furo, PyData and the Book theme resolve "auto" to their ``data-theme``; alabaster has only the OS scheme."""
    theme, url = sphinx_site
    page.emulate_media(color_scheme="light")
    page.goto(url, wait_until="networkidle")
    _assert_sized(page.evaluate(MEASURE), theme)
    light = page.evaluate(COLOURS)["nodes"]
    page.screenshot(path=str(artifact(f"sphinx-{theme}-light.png")), full_page=True)
    page.emulate_media(color_scheme="dark")
    page.reload(wait_until="networkidle")
    dark = page.evaluate(COLOURS)["nodes"]
    page.screenshot(path=str(artifact(f"sphinx-{theme}-dark.png")), full_page=True)
    assert all(a != b for a, b in zip(light, dark, strict=True))
    assert all(_luma(fill) < 0.35 for fill in dark)


def _screenshot_first_figure(page, name: str) -> None:
    figure = page.locator("figure.sqd-figure:has(svg.sqd-svg)").first
    figure.scroll_into_view_if_needed()
    figure.screenshot(path=str(artifact(name)))
