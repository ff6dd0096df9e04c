"""``compare shapes=true`` as a reader meets it: a Material page in Chromium at 1280 px, en and zh, light and dark.

Three compact panels share one 680 px column, so their shape labels are where crowding would show first. Measured
on the drawn SVG: every label the figure's graph has is drawn, on no box and on no other label, in the scheme's
text colour, at no less than edge text's 10 × 10/12 px (edge labels are set 2 pt below node text), and the figure
fits the column. Screenshots are saved for review (see ``browser_helpers.artifact``).
"""

from __future__ import annotations

import pytest
from browser_helpers import CHROMIUM, artifact, built_site, material_site

from seqdiagrams.registry import Registry
from seqdiagrams.rendering import build_graph
from seqdiagrams.rendering.dot import FONT_SIZE
from seqdiagrams.spec import parse
from seqdiagrams.subjects import get_subject

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")

BLOCKS = [block for block in get_subject("compare").examples if "shapes=true" in block]
MKDOCS_YML = material_site("Compare", "[search, seqdiagrams]")
TEXT = {"default": "rgb(15, 23, 42)", "slate": "rgb(226, 232, 240)"}
"""The label colour of each scheme (``theme.TEXT``)."""
EDGE_TEXT_PX = 10.0 * (FONT_SIZE - 2) / FONT_SIZE
DRAWN = """fig => {
    const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
    const svg = fig.querySelector('svg.sqd-svg');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const labels = [...svg.querySelectorAll('g.edge')].filter(g => g.querySelector(':scope > text')).map(g => {
        const runs = [...g.querySelectorAll(':scope > text')];
        const boxes = runs.map(box);
        return {text: runs.map(t => t.textContent).join(''), fill: getComputedStyle(runs[0]).fill,
                px: parseFloat(getComputedStyle(runs[0]).fontSize) * scale,
                box: [Math.min(...boxes.map(b => b[0])), Math.min(...boxes.map(b => b[1])),
                      Math.max(...boxes.map(b => b[2])), Math.max(...boxes.map(b => b[3]))]};
    });
    const nodes = [...svg.querySelectorAll('g.node > :is(path, polygon, ellipse)')].map(box);
    return {labels, nodes, width: svg.getBoundingClientRect().width,
            column: fig.parentElement.getBoundingClientRect().width};
}"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    pages = {f"{lang}.md": f"# {lang}\n\n" + "".join(f"```seqarch {block} lang={lang}\n```\n\n" for block in BLOCKS)
             for lang in ("en", "zh")}
    with built_site(tmp_path_factory.mktemp("compare-shapes"), pages, MKDOCS_YML) as url:
        yield url


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_shape_labels_of_compact_panels_are_readable_and_clear(browser, site: str, lang: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}{lang}/", wait_until="networkidle")
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    page.wait_for_timeout(400)  # the scheme's colour transition
    figures = page.locator("figure.sqd-figure")
    assert figures.count() == len(BLOCKS)
    for i, block in enumerate(BLOCKS):
        graph = build_graph(parse(f"{block} lang={lang}"), Registry.default())
        expected = sorted("".join(e.label.split()).replace("_", "") for e in graph.edges if e.label)
        figures.nth(i).scroll_into_view_if_needed()
        figures.nth(i).screenshot(path=str(artifact(f"compare-shapes-{i}-{lang}-{scheme}.png")))
        drawn = figures.nth(i).evaluate(DRAWN)
        assert drawn["width"] <= drawn["column"] + 0.5, f"{block}: wider than the column"
        # subscripts are separate runs: compare the text as drawn with the label's letters
        assert sorted(label["text"].replace(" ", "") for label in drawn["labels"]) == expected
        for label in drawn["labels"]:
            assert label["fill"] == TEXT[scheme], f"{block}: {label['text']}"
            assert label["px"] >= EDGE_TEXT_PX - 0.1, f"{block}: {label['text']} at {label['px']:.1f} px"
            assert not any(_overlap(label["box"], node) for node in drawn["nodes"]), f"{label['text']} on a box"
            assert not any(_overlap(label["box"], other["box"]) for other in drawn["labels"] if other is not label)
    context.close()
