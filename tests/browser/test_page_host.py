"""Our output on a real page, as a new user meets it: Material with default plugin options, instant navigation.

The site is ``plugins: [search, seqdiagrams]`` and nothing else of ours, with ``navigation.instant`` (and
``site_url``, which instant navigation needs) and a light/dark palette, served from 127.0.0.1 and opened in
Chromium at 1280×900; the same pages built by Zensical (``markdown_extensions: [seqdiagrams]``) too. What a
reader sees is measured: the timeline and the problem → solution graph fit the text column (no sideways
scrolling) with text of at least 10 px (computed font size × on-screen scale), they are there after an instant
page switch, a palette switch re-colours them, table math is KaTeX from the build, and not one request leaves
127.0.0.1 (Material's own Mermaid loader included). Screenshots go to the screenshot folder (see ``conftest.py``).
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest
from browser_helpers import artifact, css_rgb, serve, watched_tab

from seqdiagrams.registry import Registry
from seqdiagrams.rendering.theme import FAMILIES

if TYPE_CHECKING:
    from pathlib import Path

MIN_TEXT_PX = 10.0
PAGES = {
    "index.md": "# Home\n\n[Timeline](en/timeline.md) · [时间线](zh/timeline.md)\n",
    "en/timeline.md": "# Timeline\n\n```seqarch timeline\n```\n\n```seqarch timeline style=graph\n```\n\n"
                      "```seqarch table archs=rnn,transformer,mamba dims=parallel-training,inference-memory,"
                      "complexity-per-layer\n```\n\n```seqarch formulas set=attention\n```\n\n"
                      "[Home](../index.md) · [中文](../zh/timeline.md)\n",
    "zh/timeline.md": "# 时间线\n\n```seqarch timeline lang=zh\n```\n\n```seqarch timeline style=graph lang=zh\n```\n\n"
                      "[Home](../index.md)\n",
}
MKDOCS_YML = """site_name: Host
site_url: {url}
theme:
  name: material
  font: false
  features: [navigation.instant]
  palette:
    - scheme: default
      toggle: {{icon: material/brightness-7, name: dark}}
    - scheme: slate
      toggle: {{icon: material/brightness-4, name: light}}
plugins: [search, seqdiagrams]
markdown_extensions: [pymdownx.superfences]
"""
ZENSICAL_YML = """site_name: Host
site_url: {url}
theme:
  font: false            # the theme's own web fonts are the site's choice; this site makes no outside request
  features: [navigation.instant]
markdown_extensions: [seqdiagrams, pymdownx.superfences]
extra_css: [assets/seqdiagrams/vendor/katex/katex.min.css]
"""
"""The README's Zensical setup: the extension, and KaTeX's stylesheet copied by `seqdiagrams assets` and linked."""


def _write_docs(root: Path) -> None:
    for name, text in PAGES.items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def material(tmp_path_factory: pytest.TempPathFactory):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp("material-host")
    _write_docs(root)
    with serve(root / "site") as url:
        (root / "mkdocs.yml").write_text(MKDOCS_YML.format(url=url), encoding="utf-8")
        build(load_config(str(root / "mkdocs.yml"), strict=True))
        yield url


@pytest.fixture(scope="module")
def zensical(tmp_path_factory: pytest.TempPathFactory):
    program = shutil.which("zensical")
    if program is None:
        pytest.skip("zensical is not installed (pip install zensical)")
    root = tmp_path_factory.mktemp("zensical-host")
    _write_docs(root)
    from seqdiagrams.cli import main

    with serve(root / "site") as url:
        (root / "mkdocs.yml").write_text(ZENSICAL_YML.format(url=url), encoding="utf-8")
        assert main(["assets", str(root / "docs" / "assets" / "seqdiagrams")]) == 0
        result = subprocess.run([program, "build"], cwd=root, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        yield url


MEASURE = """(root) => {
    const box = root.getBoundingClientRect();
    const column = root.closest('article, .md-content__inner, main') || document.body;
    const texts = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const el = node.parentElement;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rect = range.getBoundingClientRect();
        if (rect.width === 0) continue;
        // computed font size × on-screen scale (a transform or an SVG viewBox would shrink it)
        const scale = box.width / root.offsetWidth;
        texts.push({size: parseFloat(getComputedStyle(el).fontSize) * scale, right: rect.right, left: rect.left});
    }
    return {width: box.width, height: box.height, left: box.left, right: box.right,
            column: column.getBoundingClientRect().width, columnRight: column.getBoundingClientRect().right,
            scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
            pageScroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            minText: Math.min(...texts.map(t => t.size)), texts: texts.length,
            overflow: texts.filter(t => t.right > box.right + 0.5 || t.left < box.left - 0.5).length};
}"""


def measure(tab, selector: str) -> dict:
    return tab.locator(selector).first.evaluate(MEASURE)



TIMELINE = '.sqd-tl[data-sqd-kind="timeline"]'
GRAPH = '.sqd-tl[data-sqd-kind="graph"]'
PALETTE_TOGGLE = "form[data-md-component=palette] label:visible"


def _assert_fits(tab, selector: str, what: str) -> dict:
    found = measure(tab, selector)
    print(what, {k: v for k, v in found.items() if k != "texts"})  # the measured numbers, for the report
    assert found["width"] <= found["column"] + 0.5, f"{what} is wider than the text column"
    assert found["scrollWidth"] <= found["clientWidth"] + 1, f"{what} scrolls sideways"
    assert found["pageScroll"] <= 0, "the page scrolls sideways"
    assert found["minText"] >= MIN_TEXT_PX, f"{what}: text of {found['minText']:.1f} px"
    assert found["overflow"] == 0, f"{what}: text outside its box"
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_timeline_and_graph_fit_the_column_and_follow_the_palette(browser, material: str, lang: str) -> None:
    context, tab = watched_tab(browser, material)
    tab.goto(material + f"{lang}/timeline/", wait_until="networkidle")
    events = tab.locator(TIMELINE + " .sqd-tl-card")
    assert events.count() == len(Registry.default().data.events)  # every event of REFERENCE.md §5, none hidden
    assert tab.locator(GRAPH + " .sqd-tl-node").count() == len(Registry.default().data.evolution.nodes)
    for selector, what in ((TIMELINE, "timeline"), (GRAPH, "graph")):
        _assert_fits(tab, selector, f"{lang} {what}")
        assert tab.locator(selector).is_visible()
    colours = """(el) => { const s = getComputedStyle(el); const body = getComputedStyle(document.body);
        return [s.color, body.color, getComputedStyle(el.querySelector('.sqd-tl-card, .sqd-tl-node'))
                .borderLeftColor]; }"""
    light = tab.locator(TIMELINE).evaluate(colours)
    tab.locator(TIMELINE).scroll_into_view_if_needed()
    tab.screenshot(path=str(artifact(f"host-timeline-{lang}-light.png")))
    tab.locator(PALETTE_TOGGLE).first.click()
    tab.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = tab.locator(TIMELINE).evaluate(colours)
    tab.screenshot(path=str(artifact(f"host-timeline-{lang}-dark.png")))
    tab.locator(GRAPH).scroll_into_view_if_needed()
    tab.screenshot(path=str(artifact(f"host-graph-{lang}-dark.png")))
    assert light[0] == light[1] and dark[0] == dark[1]  # text is the page's own in both schemes
    assert light[0] != dark[0]
    assert light[2] == dark[2] == css_rgb(FAMILIES["state"].light_stroke)  # the first era's accent
    _assert_fits(tab, TIMELINE, f"{lang} timeline, dark")
    assert tab.errors == [] and tab.foreign == []
    context.close()


def test_instant_navigation_shows_the_timeline_and_nothing_leaves_the_site(browser, material: str) -> None:
    context, tab = watched_tab(browser, material)
    requested: list[str] = []
    tab.on("request", lambda req: requested.append(req.url))
    tab.goto(material, wait_until="networkidle")
    tab.evaluate("window.__sqdSamePage = true")
    tab.locator("article a", has_text="Timeline").first.click()
    tab.wait_for_url(material + "en/timeline/")
    tab.wait_for_selector(TIMELINE, state="visible")
    assert tab.evaluate("window.__sqdSamePage === true"), "Material's instant navigation did not run"
    _assert_fits(tab, TIMELINE, "timeline after an instant switch")
    tab.locator(PALETTE_TOGGLE).first.click()  # a palette switch after an instant switch, then back again
    tab.locator("article a", has_text="中文").first.click()
    tab.wait_for_url(material + "zh/timeline/")
    tab.wait_for_selector(TIMELINE, state="visible")
    assert tab.evaluate("window.__sqdSamePage === true")
    assert tab.locator(TIMELINE + " .sqd-tl-card").count() == len(Registry.default().data.events)
    assert tab.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    text, page_text = tab.locator(TIMELINE).evaluate(
        "el => [getComputedStyle(el).color, getComputedStyle(document.body).color]")
    assert text == page_text and text != "rgba(0, 0, 0, 0.87)"  # dark scheme text, not the light default
    tab.screenshot(path=str(artifact("host-timeline-zh-after-instant-dark.png")))
    tab.wait_for_load_state("networkidle")
    assert tab.errors == []
    assert tab.foreign == []  # no CDN: not Mermaid, not fonts, not KaTeX
    assert not [url for url in requested if "mermaid" in url.lower()]  # Material's Mermaid loader never ran
    assert tab.locator(".mermaid, pre.mermaid, div.mermaid").count() == 0
    context.close()


def test_table_math_is_katex_from_the_build_with_default_options(browser, material: str) -> None:
    context, tab = watched_tab(browser, material)
    tab.goto(material + "en/timeline/", wait_until="networkidle")
    table = tab.locator("figure.sqd-figure table.sqd-table").first
    assert table.locator(".katex .katex-html").count() >= 5
    text = table.inner_text()
    assert "$" not in text and "\\(" not in text and "^" not in text  # no raw TeX left for a reader
    # KaTeX's stylesheet is linked from the site: its MathML copy is visually hidden, its fonts load
    hidden = table.locator(".katex-mathml").first.evaluate("el => getComputedStyle(el).position")
    assert hidden == "absolute"
    fonts = tab.evaluate("async () => { await document.fonts.ready; return [...document.fonts]"
                         ".filter(f => f.status === 'loaded').map(f => f.family.replace(/\"/g, '')); }")
    assert "KaTeX_Main" in fonts
    table.scroll_into_view_if_needed()
    tab.screenshot(path=str(artifact("host-table-math.png")))
    assert tab.errors == [] and tab.foreign == []
    context.close()


def test_zensical_page_fits_typesets_and_stays_offline(browser, zensical: str) -> None:
    context, tab = watched_tab(browser, zensical)
    requested: list[str] = []
    tab.on("request", lambda req: requested.append(req.url))
    tab.goto(zensical + "en/timeline/", wait_until="networkidle")
    for selector, what in ((TIMELINE, "Zensical timeline"), (GRAPH, "Zensical graph")):
        _assert_fits(tab, selector, what)
    assert tab.locator(TIMELINE + " .sqd-tl-card").count() == len(Registry.default().data.events)
    table = tab.locator("figure.sqd-figure table.sqd-table").first
    assert table.locator(".katex .katex-html").count() >= 5 and "\\(" not in table.inner_text()
    assert table.locator(".katex-mathml").first.evaluate("el => getComputedStyle(el).position") == "absolute"
    equation = tab.locator(".sqd-formula-math .katex-display").first
    assert equation.evaluate("el => getComputedStyle(el.closest('.sqd-formula-row')).display") == "flex"
    clipped = tab.locator(".sqd-formula-math .katex-mathml").first.evaluate(
        "el => [getComputedStyle(el).position, el.getBoundingClientRect().height]")
    assert clipped[0] == "absolute" and clipped[1] <= 1  # KaTeX's CSS applies: each equation shows once
    tab.locator(TIMELINE).scroll_into_view_if_needed()
    tab.screenshot(path=str(artifact("host-zensical-timeline.png")))
    tab.locator(".sqd-formulas").first.scroll_into_view_if_needed()
    tab.screenshot(path=str(artifact("host-zensical-formulas.png")))
    tab.wait_for_load_state("networkidle")
    assert tab.errors == []
    assert tab.foreign == []
    assert not [url for url in requested if "mermaid" in url.lower()]  # Zensical's Mermaid loader never ran
    context.close()


SITE_MATH_CSS = (".katex-display .katex-html{display:flex}"  # the rule issue 11 found on a real Material site
                 ".md-typeset .katex-display .katex-html{display:flex;justify-content:space-between}")


def test_formula_sections_keep_their_layout_under_site_css_for_client_side_math(browser, material: str) -> None:
    context, tab = watched_tab(browser, material)
    tab.goto(material + "en/timeline/", wait_until="networkidle")
    equations = tab.locator(".sqd-formula-math .katex-display > .katex > .katex-html")
    shape = "els => els.map(el => { const r = el.getBoundingClientRect(); return [getComputedStyle(el).display, " \
            "Math.round(r.width), Math.round(r.height)]; })"
    before = equations.evaluate_all(shape)
    tab.add_style_tag(content=SITE_MATH_CSS)
    after = equations.evaluate_all(shape)
    assert len(before) >= 3 and after == before  # KaTeX's own display layout, unspread and unclipped
    assert {display for display, _, _ in after} == {"block"}
    tab.locator(".sqd-formulas").first.scroll_into_view_if_needed()
    tab.screenshot(path=str(artifact("host-formulas-under-site-css.png")))
    context.close()
