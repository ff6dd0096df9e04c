"""Every plot subject as a reader meets it: a Material page at a 1280 px window, light and dark, en and zh.

A plot's SVG is drawn once and follows the page's scheme through CSS variables. In Chromium every colour
a plot's elements take (``fill``/``stroke`` from ``var(--sqd-<role>, …)``) must be that role's colour in
the scheme shown (``theme.COLOURS``), and in the dark scheme no plot may keep a white box (a legend or label
box left light). Screenshots are saved for review (see ``browser_helpers.artifact``).
"""

from __future__ import annotations

import io

import pytest
from browser_helpers import CHROMIUM, artifact, built_site, material_site

from seqdiagrams.gallery import block_in
from seqdiagrams.rendering.theme import COLOURS

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")

BLOCKS = ["complexity", "complexity measure=memory", "positional-encoding d_model=16 length=32",
          "attention-weights mask=causal", "mamba view=scan"]
"""One example of each plot drawing (both complexity measures), with every kind of mark: lines, bars,
bands, heatmaps, hatching, annotations with boxes and arrows."""

MKDOCS_YML = material_site("Plot figures")

ROLE_COLOURS = """svgs => svgs.map(svg => [...svg.querySelectorAll('[style]')].flatMap(el => {
    const style = getComputedStyle(el);
    return [...el.getAttribute('style').matchAll(/(fill|stroke):\\s*var\\(--sqd-([a-z-]+),/g)]
        .map(m => [m[1], m[2], style[m[1]]]);
}))"""
"""Per plot: ``[property, role, computed colour]`` of every element that takes a role's colour."""


def _rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*bytes.fromhex(colour[1:]))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> str:
    pages = {}
    for lang in ("en", "zh"):
        parts = [f"# Plot figures ({lang})", ""]
        for block in BLOCKS:
            parts += [f"## {block}", "", f"```seqarch {block_in(block, lang)}", "```", ""]
        pages[f"{lang}.md"] = "\n".join(parts)
    with built_site(tmp_path_factory.mktemp("plot-site"), pages, MKDOCS_YML) as url:
        yield url


def _pixels(png: bytes) -> tuple[tuple[int, int, int], int]:
    """A screenshot's top-left pixel (the plot's margin) and its count of white pixels."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    white = sum(count for count, rgb in image.getcolors(maxcolors=1 << 22) if min(rgb) >= 250)
    return image.getpixel((1, 1)), white


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plots_take_each_roles_colour_in_both_schemes(browser, site: str, lang: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}{lang}/", wait_until="networkidle")
    plots = page.locator("figure.sqd-figure svg.sqd-svg")
    assert plots.count() == len(BLOCKS)
    for dark, scheme in ((False, "light"), (True, "dark")):
        if dark:
            page.locator("form[data-md-component=palette] label:visible").first.click()
            page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
        for block, marks in zip(BLOCKS, plots.evaluate_all(ROLE_COLOURS), strict=True):
            roles = {role for _prop, role, _seen in marks}
            assert {"fg", "edge"} <= roles and len(roles) >= 3, block
            wrong = {(prop, role, seen) for prop, role, seen in marks if seen != _rgb(COLOURS[role][dark])}
            assert not wrong, f"{block} ({scheme}): {sorted(wrong)[:5]}"
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        for index, block in enumerate(BLOCKS):
            corner, white = _pixels(plots.nth(index).screenshot())
            assert "rgb({}, {}, {})".format(*corner) == background, f"{block} ({scheme}): not see-through"
            if dark:  # no box, label or cell left in a light scheme's white
                assert white == 0, f"{block} ({scheme}): {white} white pixels"
        page.screenshot(path=str(artifact(f"plots-{lang}-{scheme}.png")), full_page=True)
    context.close()
