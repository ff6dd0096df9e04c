"""The project's documentation site as a reader meets it: Chromium at 1280 px, light and dark, en and zh.

The site is built once (``docs/mkdocs.yml``, strict) and served from 127.0.0.1. Every page must load without a
console error or a request leaving the site, and is saved as a screenshot in both schemes for review. On the
gallery pages (English and Chinese) every example is drawn, every diagram fits the text column with node text of
10 px or more, and the palette toggle turns the figures' colours from the light to the dark scheme.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, artifact, serve, watched_tab

from seqdiagrams.gallery import examples
from seqdiagrams.rendering.theme import EDGE, TEXT

pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"),
              pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
MIN_TEXT_PX = 10.0
GALLERIES = {"en": "gallery/", "zh": "zh/gallery/"}


def rgb(colour: str) -> str:
    """``#0f172a`` as the browser reports a computed colour, ``rgb(15, 23, 42)``."""
    return f"rgb({int(colour[1:3], 16)}, {int(colour[3:5], 16)}, {int(colour[5:7], 16)})"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = tmp_path_factory.mktemp("docs-site")
    build(load_config(str(ROOT / "docs" / "mkdocs.yml"), site_dir=str(out), strict=True))
    return out


@pytest.fixture(scope="module")
def site(built: Path) -> str:
    with serve(built) as url:
        yield url


def page_paths(built: Path) -> list[str]:
    """Every page of the built site, as a URL path (``how-to/regen/``; ``""`` for the home page)."""
    paths = []
    for index in built.rglob("index.html"):
        folder = index.parent.relative_to(built)
        if folder.parts[:1] not in (("assets",), ("search",)):
            paths.append("" if folder == Path() else folder.as_posix() + "/")
    return sorted(paths)


def _open(browser, site: str, path: str, scheme: str):
    context, tab = watched_tab(browser, site)
    index = 1 if scheme == "slate" else 0  # Material remembers the palette per site in local storage
    tab.add_init_script(f"localStorage.setItem('/.__palette', JSON.stringify({{index: {index}, "
                        f"color: {{scheme: '{scheme}'}}}}))")
    tab.goto(site + path, wait_until="load")  # the whole page parsed (a gallery page is ~3 MB of inline SVG)
    tab.wait_for_load_state("networkidle")
    return context, tab


def test_every_page_loads_cleanly_offline_in_both_schemes(browser, site: str, built: Path) -> None:
    paths = page_paths(built)
    assert {"", "gallery/", "zh/gallery/", "zh/getting-started/", "reference/subjects/"} <= set(paths)
    for path in paths:
        for scheme in ("default", "slate"):
            context, tab = _open(browser, site, path, scheme)
            assert tab.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
            assert tab.errors == [], path
            assert tab.foreign == [], path  # no CDN, no web fonts
            name = (path.strip("/").replace("/", "-") or "home") + f"-{scheme}.png"
            tab.screenshot(path=str(artifact(f"docs-{name}")))
            context.close()


MEASURE = """figures => figures.map(fig => {
    const svg = fig.querySelector('svg.sqd-svg');
    const whole = fig.getBoundingClientRect();
    if (!svg) return {kind: 'html', width: whole.width, height: whole.height};
    const box = svg.getBoundingClientRect();
    const sizes = [...svg.querySelectorAll('g.node text')].map(t => parseFloat(getComputedStyle(t).fontSize));
    return {kind: sizes.length ? 'diagram' : 'plot', width: box.width, height: box.height,
            column: fig.parentElement.getBoundingClientRect().width,
            node_px: sizes.length ? Math.max(...sizes.filter(s => s < 14)) * box.width / svg.viewBox.baseVal.width : 0};
})"""


@pytest.mark.parametrize("lang", GALLERIES)
def test_gallery_figures_are_drawn_at_a_readable_size(browser, site: str, lang: str) -> None:
    context, tab = _open(browser, site, GALLERIES[lang], "default")
    figures = tab.locator("article figure.sqd-figure")
    assert figures.count() == sum(1 for _ in examples())
    found = figures.evaluate_all(MEASURE)
    for number, seen in enumerate(found, 1):
        assert seen["width"] > 100 and seen["height"] > 40, f"figure {number}: {seen}"
        if seen["kind"] == "diagram":
            assert seen["width"] <= seen["column"] + 0.5, f"figure {number}: {seen}"
            assert seen["node_px"] >= MIN_TEXT_PX - 0.05, f"figure {number}: node text {seen['node_px']:.1f} px"
    assert sum(seen["kind"] == "diagram" for seen in found) > len(found) / 2
    tab.screenshot(path=str(artifact(f"docs-gallery-{lang}-top.png")))
    context.close()


@pytest.mark.parametrize("lang", GALLERIES)
def test_palette_toggle_changes_the_figures_colours(browser, site: str, lang: str) -> None:
    context, tab = _open(browser, site, GALLERIES[lang], "default")
    labels = tab.locator("article svg.sqd-svg g.node text")
    edges = tab.locator("article svg.sqd-svg g.sqd-e path")
    fill = "els => [...new Set(els.map(el => getComputedStyle(el).fill))]"
    stroke = "els => [...new Set(els.map(el => getComputedStyle(el).stroke))]"
    assert labels.evaluate_all(fill) == [rgb(TEXT[0])]
    light_edges = edges.evaluate_all(stroke)
    assert rgb(EDGE[0]) in light_edges
    tab.locator("form[data-md-component=palette] label:visible").first.click()
    tab.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert labels.evaluate_all(fill) == [rgb(TEXT[1])]
    dark_edges = edges.evaluate_all(stroke)
    assert rgb(EDGE[1]) in dark_edges
    assert not set(light_edges) & set(dark_edges)  # every edge colour changed with the scheme
    tab.screenshot(path=str(artifact(f"docs-gallery-{lang}-toggled-dark.png")))
    context.close()
