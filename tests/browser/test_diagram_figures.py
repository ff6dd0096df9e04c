"""Every diagram example as a reader meets it: a Material page at a 1280 px window, light and dark.

A small MkDocs site holds every example of every diagram subject, one page per language. In Chromium
each figure must fit the text column and show its node text at 10 px or more (FIGURES.md §8, measured
on the drawn SVG: font size in the viewBox times the scale the page gives it); the "→ t+1" stubs and
"⋯" marks must be drawn in the page's text colour in the light and the dark scheme. Screenshots are
saved under the screenshot folder (see ``conftest.py``) for review.
"""

from __future__ import annotations

import pytest
from browser_helpers import artifact, built_site, css_rgb, material_site

from seqdiagrams.gallery import block_in, examples
from seqdiagrams.rendering.dot import FONT_SIZE
from seqdiagrams.rendering.theme import FAMILIES, FONT, TEXT
from seqdiagrams.spec import parse
from seqdiagrams.subjects import get_subject

BLOCKS = [block for subject, block in examples() if get_subject(subject).build is not None
          and not get_subject(subject).uses_render(parse(block))]
MIN_TEXT_PX = 10.0
LIGHT_TEXT, DARK_TEXT = (css_rgb(colour) for colour in TEXT)
"""The label colours of the two schemes."""
LIGHT_OP, DARK_OP = css_rgb(FAMILIES["op"].light_fill), css_rgb(FAMILIES["op"].dark_fill)
"""The fill of the round ⊙/+ operators in the two schemes."""

MKDOCS_YML = material_site("Diagram figures")


def _page(lang: str) -> str:
    parts = [f"# Diagram figures ({lang})", ""]
    for block in BLOCKS:
        parts += [f"## {block}", "", f"```seqarch {block_in(block, lang)}", "```", ""]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> str:
    pages = {f"{lang}.md": _page(lang) for lang in ("en", "zh")}
    with built_site(tmp_path_factory.mktemp("diagram-site"), pages, MKDOCS_YML) as url:
        yield url


MEASURE = """figures => figures.map(fig => {
    const svg = fig.querySelector('svg.sqd-svg');
    const box = svg.getBoundingClientRect();
    const scale = box.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('g.node text')].map(t => parseFloat(getComputedStyle(t).fontSize));
    return {width: box.width, column: fig.parentElement.getBoundingClientRect().width,
            smallest_px: Math.min(...sizes) * scale, node_px: Math.max(...sizes.filter(s => s < 14)) * scale};
})"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_diagram_fits_the_column_with_readable_text(browser, site: str, lang: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}{lang}/", wait_until="networkidle")
    figures = page.locator("figure.sqd-figure")
    from playwright.sync_api import expect

    expect(figures).to_have_count(len(BLOCKS))  # a 1.5 MB page: wait until the browser has parsed all of it
    found = figures.evaluate_all(MEASURE)
    for block, seen in zip(BLOCKS, found, strict=True):
        assert seen["width"] <= seen["column"] + 0.5, f"{block}: {seen}"
        assert seen["node_px"] >= MIN_TEXT_PX, f"{block}: node text {seen['node_px']:.1f} px"
        # edge labels and stubs are set 2 pt below node text, so they scale with it
        edge_min = MIN_TEXT_PX * (FONT_SIZE - 2) / FONT_SIZE
        assert seen["smallest_px"] >= edge_min - 0.1, f"{block}: stub/edge text {seen['smallest_px']:.1f} px"
    page.screenshot(path=str(artifact(f"diagrams-{lang}-light.png")), full_page=True)
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
    page.screenshot(path=str(artifact(f"diagrams-{lang}-dark.png")), full_page=True)
    context.close()


TEXT_PAINT = """texts => texts.map(t => {
    const style = getComputedStyle(t);
    const node = t.closest('g.node');
    const shape = node && node.querySelector('path, polygon, ellipse');
    const inner = t.getBoundingClientRect();
    const outer = shape ? shape.getBoundingClientRect() : inner;
    return {text: t.textContent, family: style.fontFamily, anchor: style.textAnchor, fill: style.fill,
            own: t.getAttribute('text-anchor'),
            inside: inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5
                    && inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5};
})"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_labels_are_drawn_in_the_diagram_font_anchor_and_colour(browser, site: str, lang: str) -> None:
    """Figures say their font, anchor and text colour once, on the root (a third fewer bytes): every label still
    gets them, whatever the theme sets on its page, and stays inside its box, in the light and the dark scheme."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}{lang}/", wait_until="networkidle")
    texts = page.locator("svg.sqd-svg text")
    for scheme_text in (LIGHT_TEXT, DARK_TEXT):
        seen = texts.evaluate_all(TEXT_PAINT)
        assert len(seen) > 100
        assert {s["family"].replace('"', "") for s in seen} == {FONT}  # the browser quotes names with spaces
        assert {s["anchor"] for s in seen} == {"start"} | {s["own"] for s in seen if s["own"]}
        assert {s["fill"] for s in seen} == {scheme_text}
        assert [s["text"] for s in seen if not s["inside"]] == []
        if scheme_text == LIGHT_TEXT:
            page.locator("form[data-md-component=palette] label:visible").first.click()
            page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    context.close()
