"""The built example site in a real browser (Debian's Chromium driven by Playwright), offline.

The site is built once into a temporary folder and served from 127.0.0.1. Every page is
opened; the tests assert no console errors, no request leaving the local server, every
diagram visible with a non-zero size, Chinese text drawn with a real CJK font (not tofu),
and diagram colours that follow Material's light/dark palette switch, Mermaid timelines and
graphs included (drawn by the vendored Mermaid, re-drawn by our script on a switch).
Screenshots of key pages are saved under ``test-artifacts/screenshots`` for review.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, serve

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
PAGES = ["index.html", *(f"{lang}/{name}" for lang in ("en", "zh")
                         for name in ("", "rnn/", "lstm-gru/", "seq2seq/", "attention/", "transformer/", "mamba/"))]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> str:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = tmp_path_factory.mktemp("example-site")
    config = load_config(str(ROOT / "example_site" / "mkdocs.yml"), site_dir=str(out), strict=True)
    build(config)
    with serve(out) as url:
        yield url


@pytest.fixture
def page(browser, site: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors, tab.foreign = [], []
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("request", lambda req: None if req.url.startswith((site, "data:")) else tab.foreign.append(req.url))
    yield tab
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_is_clean_offline_and_every_diagram_is_visible(page, site: str, path: str) -> None:
    page.goto(site + path, wait_until="networkidle")
    assert page.errors == []
    assert page.foreign == []  # nothing leaves the local server: no CDN, no web fonts
    # diagrams inside content tabs are laid out too: open every tab panel at once
    page.add_style_tag(content=".tabbed-set > .tabbed-content > .tabbed-block { display: block !important }")
    diagrams = page.locator("figure.sqd-figure svg.sqd-svg")
    count = diagrams.count()
    if path != "index.html":
        assert count >= 1
    for i in range(count):
        box = diagrams.nth(i).bounding_box()
        assert box and box["width"] > 50 and box["height"] > 50, f"diagram {i} on {path} has no size"


def test_chinese_text_has_a_real_font(page, site: str) -> None:
    page.goto(site + "zh/rnn/", wait_until="networkidle")
    widths = page.evaluate("""() => {
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = '16px sans-serif';
        return [ctx.measureText('隐藏状态').width, ctx.measureText('\\uE000\\uE001\\uE002\\uE003').width,
                ctx.measureText('循环神经').width];
    }""")
    real, tofu, other = widths
    assert real > 0
    assert real != tofu, "CJK glyphs render as tofu boxes: install fonts-noto-cjk"
    assert abs(real - other) < 1  # full-width glyphs of one font


def test_palette_switch_recolours_diagrams(page, site: str) -> None:
    page.goto(site + "en/transformer/", wait_until="networkidle")
    shape = page.locator("svg.sqd-svg .sqd-f-attention > polygon, svg.sqd-svg .sqd-f-attention > path").first
    light = shape.evaluate("el => getComputedStyle(el).fill")
    page.screenshot(path=str(_artifact("transformer-light.png")), full_page=False)
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = shape.evaluate("el => getComputedStyle(el).fill")
    page.screenshot(path=str(_artifact("transformer-dark.png")), full_page=False)
    assert light != dark
    text = page.locator("svg.sqd-svg text").first.evaluate("el => getComputedStyle(el).fill")
    assert text == "rgb(226, 232, 240)"  # the dark scheme's label colour


TIMELINE = '.sqd-mermaid[data-sqd-kind="timeline"]'
GRAPH = '.sqd-mermaid[data-sqd-kind="graph"]'
ERA_BOX = TIMELINE + " svg g.timeline-node.section--1 path.node-bkg"  # a box of the first era (Recurrent)
PROBLEM_BOX = GRAPH + " svg g.node.problem polygon"


def _fill(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("el => getComputedStyle(el).fill")


@pytest.mark.parametrize(("path", "year", "event"), [("en/", "1997", "Transformer"), ("zh/", "1997", "Transformer")])
def test_mermaid_timeline_renders_offline_and_follows_the_palette(page, site: str, path: str, year: str,
                                                                  event: str) -> None:
    page.goto(site + path, wait_until="networkidle")
    page.wait_for_selector(TIMELINE + " svg", state="visible", timeout=20_000)
    page.wait_for_selector(GRAPH + " svg", state="visible", timeout=20_000)
    assert page.errors == []
    assert page.foreign == []  # Mermaid comes from the site itself, never a CDN
    timeline = page.locator(TIMELINE)
    assert timeline.get_attribute("data-sqd-state") == "done"
    assert page.locator(TIMELINE + " pre.mermaid").count() == 0  # claimed by our script, not by Material's
    texts = " ".join(page.locator(TIMELINE + " svg text").all_text_contents())
    assert year in texts and event in texts
    box = page.locator(TIMELINE + " svg").bounding_box()
    assert box and box["width"] > 1500 and box["height"] > 300  # full size, scrolled sideways, not shrunk
    assert page.locator(TIMELINE + " details.sqd-mermaid-data").evaluate("el => el.open") is False
    assert page.locator(GRAPH + " svg g.node").count() == 16

    light = (_fill(page, ERA_BOX), _fill(page, PROBLEM_BOX))
    assert light == ("rgb(219, 234, 254)", "rgb(255, 237, 213)")  # palette: state and gate fills, light
    timeline.scroll_into_view_if_needed()
    page.screenshot(path=str(_artifact(f"timeline-{path.strip('/')}-light.png")), full_page=False)
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.wait_for_function("""([timeline, graph]) => [timeline, graph].every(
        sel => document.querySelector(sel + ' pre').getAttribute('data-sqd-scheme') === 'dark')""",
                           arg=[TIMELINE, GRAPH], timeout=20_000)
    dark = (_fill(page, ERA_BOX), _fill(page, PROBLEM_BOX))
    assert dark == ("rgb(23, 37, 84)", "rgb(67, 20, 7)")  # the same families, dark
    label = page.locator(TIMELINE + " svg text").first.evaluate("el => getComputedStyle(el).fill")
    assert label == "rgb(226, 232, 240)"  # the dark scheme's label colour
    timeline.scroll_into_view_if_needed()
    page.screenshot(path=str(_artifact(f"timeline-{path.strip('/')}-dark.png")), full_page=False)
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(f"document.querySelector('{TIMELINE} pre').getAttribute('data-sqd-scheme') === 'light'",
                           timeout=20_000)
    assert (_fill(page, ERA_BOX), _fill(page, PROBLEM_BOX)) == light
    assert page.errors == []


def test_pages_without_a_timeline_load_no_mermaid(page, site: str) -> None:
    requested: list[str] = []
    page.on("request", lambda req: requested.append(req.url))
    page.goto(site + "en/rnn/", wait_until="networkidle")
    assert not [url for url in requested if "mermaid" in url]


@pytest.mark.parametrize("path", ["en/", "zh/rnn/", "en/lstm-gru/", "zh/transformer/", "en/mamba/"])
def test_screenshots_of_key_pages(page, site: str, path: str) -> None:
    page.goto(site + path, wait_until="networkidle")
    target = _artifact(path.strip("/").replace("/", "-") + ".png")
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


@pytest.mark.parametrize("path", ["en/attention/", "zh/mamba/"])
def test_katex_fonts_load_from_the_site(page, site: str, path: str) -> None:
    """Formula sections and the page's own $…$ are KaTeX HTML from the build; its fonts come from the site."""
    page.goto(site + path, wait_until="networkidle")
    assert page.errors == []
    assert page.foreign == []  # KaTeX's stylesheet and fonts are the vendored copies, no CDN
    assert page.locator("figure.sqd-figure .sqd-formulas .katex-display").count() >= 2
    assert page.locator(".arithmatex").count() == 0  # katex: page typeset the hand-written math at build time
    assert page.locator(".sqd-math .katex").count() > 5
    loaded = page.evaluate("""async () => { await document.fonts.ready;
        return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/"/g, '')); }""")
    assert "KaTeX_Main" in loaded and "KaTeX_Math" in loaded
    fonts = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)"
                          ".filter(name => name.includes('KaTeX_'))")
    assert fonts and all(url.startswith(site + "assets/seqdiagrams/vendor/katex/fonts/") for url in fonts)
    equation = page.locator(".sqd-formula-math .katex-display").first.bounding_box()
    assert equation and equation["width"] > 100 and equation["height"] > 20
    page.locator(".sqd-formulas").first.scroll_into_view_if_needed()
    page.screenshot(path=str(_artifact(f"formulas-{path.strip('/').replace('/', '-')}.png")), full_page=False)


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
