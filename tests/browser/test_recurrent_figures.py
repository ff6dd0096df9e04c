"""The recurrent figures (rnn, lstm, gru) as a reader meets them: a Material page at a 1280 px window.

A small MkDocs site holds every example of the three subjects, one page per language. In Chromium
each figure must fit the text column and show its node text at 10 px or more (FIGURES.md §8, measured
on the drawn SVG: font size in the viewBox times the scale the page gives it); the "→ t+1" stubs and
"⋯" marks must be drawn in the page's text colour in the light and the dark scheme. Screenshots are
saved under ``test-artifacts/screenshots`` for review.
"""

from __future__ import annotations

import functools
import http.server
import threading
from typing import TYPE_CHECKING

import pytest
from test_example_site import ARTIFACTS, CHROMIUM, LAUNCH_ARGS, _QuietHandler

from seqdiagrams.gallery import block_in, examples

if TYPE_CHECKING:
    from pathlib import Path

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")

SUBJECTS = ("rnn", "lstm", "gru")
BLOCKS = [block for subject, block in examples() if subject in SUBJECTS]
MIN_TEXT_PX = 10.0
LIGHT_TEXT, DARK_TEXT = "rgb(15, 23, 42)", "rgb(226, 232, 240)"
"""The label colours of the two schemes (``theme.TEXT``)."""
LIGHT_OP, DARK_OP = "rgb(255, 255, 255)", "rgb(15, 23, 42)"
"""The fill of the round ⊙/+ operators in the two schemes (``theme.FAMILIES["op"]``)."""

MKDOCS_YML = """site_name: Recurrent figures
docs_dir: docs
theme:
  name: material
  font: false
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: Dark}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Light}
plugins:
  - seqdiagrams
"""


def _page(lang: str) -> str:
    parts = [f"# Recurrent figures ({lang})", ""]
    for block in BLOCKS:
        parts += [f"## {block}", "", f"```seqarch {block_in(block, lang)}", "```", ""]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> str:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root: Path = tmp_path_factory.mktemp("recurrent-site")
    (root / "docs").mkdir()
    for lang in ("en", "zh"):
        (root / "docs" / f"{lang}.md").write_text(_page(lang), encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    out = root / "site"
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(out), strict=True))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


MEASURE = """figures => figures.map(fig => {
    const svg = fig.querySelector('svg.sqd-svg');
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('g.node text')].map(t => parseFloat(t.getAttribute('font-size')));
    return {width: box.width, column: fig.parentElement.getBoundingClientRect().width,
            smallest_px: Math.min(...sizes) * scale, node_px: Math.max(...sizes.filter(s => s < 14)) * scale};
})"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_recurrent_figure_fits_the_column_with_readable_text(browser, site: str, lang: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}{lang}/", wait_until="networkidle")
    figures = page.locator("figure.sqd-figure")
    assert figures.count() == len(BLOCKS)
    found = figures.evaluate_all(MEASURE)
    for block, seen in zip(BLOCKS, found, strict=True):
        assert seen["width"] <= seen["column"] + 0.5, f"{block}: {seen}"
        assert seen["node_px"] >= MIN_TEXT_PX, f"{block}: node text {seen['node_px']:.1f} px"
        assert seen["smallest_px"] >= MIN_TEXT_PX - 1, f"{block}: stub/edge text {seen['smallest_px']:.1f} px"
    page.screenshot(path=str(_artifact(f"recurrent-{lang}-light.png")), full_page=True)
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_stubs_ellipses_and_operators_follow_the_palette(browser, site: str, lang: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}{lang}/", wait_until="networkidle")
    marks = page.locator("svg.sqd-svg g.sqd-stub text, svg.sqd-svg g.sqd-gap text")
    texts = set(marks.all_text_contents())
    assert {"→ t+1", "⋯"} <= {t.strip() for t in texts}
    operators = page.locator("svg.sqd-svg .sqd-f-op ellipse")
    fills = "els => els.map(el => getComputedStyle(el).fill)"
    assert set(marks.evaluate_all(fills)) == {LIGHT_TEXT}
    assert set(operators.evaluate_all(fills)) == {LIGHT_OP}
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert set(marks.evaluate_all(fills)) == {DARK_TEXT}
    assert set(operators.evaluate_all(fills)) == {DARK_OP}  # a light glyph on a dark disc, not on white
    page.screenshot(path=str(_artifact(f"recurrent-{lang}-dark.png")), full_page=True)
    context.close()


SHIFTS = """svgs => svgs.flatMap(svg => [...svg.querySelectorAll('g.node')].flatMap(node => {
    const texts = [...node.querySelectorAll('text')];
    return texts.filter(t => t.hasAttribute('baseline-shift')).map(t => {
        const base = texts.filter(m => !m.hasAttribute('baseline-shift') && m.getBBox().x <= t.getBBox().x).pop();
        return (base.getBBox().y - t.getBBox().y) / parseFloat(t.getAttribute('font-size'));
    });
}))"""
"""How far each sub/superscript sits above (+) or below (−) the symbol it follows, in ems."""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sub_and_superscripts_stay_beside_their_symbol(browser, site: str, lang: str) -> None:
    # FIGURES.md §9: with the layout font's own metrics Chromium moved them ±0.71 em, out of their box
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}{lang}/", wait_until="networkidle")
    shifts = page.locator("svg.sqd-svg").evaluate_all(SHIFTS)
    assert len(shifts) > 50
    assert all(-0.35 <= shift <= 0.5 for shift in shifts), sorted(set(round(s, 2) for s in shifts))
    assert min(shifts) < -0.1 and max(shifts) > 0.1  # still visibly sub- and superscripts
    context.close()


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
