"""Author-defined graphs and the table of eras on a real page: Material (``plugins: [search, seqdiagrams]``)
with a light/dark palette, served from 127.0.0.1 and opened in Chromium at 1280×900, in English and Chinese.

Measured as a reader meets them: each figure fits the text column with no sideways scrolling, its text is at
least 10 px on screen and stays inside its box, the cards keep the registry graph's colours (solutions outlined
in the palette's state stroke, problems as hexagons in a tint of its gate stroke, each era marked in its
family's stroke), text is the page's own in both schemes, and nothing is requested from another host.
Screenshots go to the screenshot folder (see ``conftest.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from browser_helpers import artifact, css_rgb, serve

from seqdiagrams.registry import Registry
from seqdiagrams.rendering.theme import FAMILIES
from seqdiagrams.subjects import get_subject

if TYPE_CHECKING:
    from pathlib import Path

OWN, BOTH = (block for block in get_subject("timeline").examples if "graph=own" in block or "graph=both" in block)
MIN_TEXT_PX = 10.0
MKDOCS_YML = """site_name: Graphs
site_url: {url}
theme:
  name: material
  font: false
  palette:
    - scheme: default
      toggle: {{icon: material/brightness-7, name: dark}}
    - scheme: slate
      toggle: {{icon: material/brightness-4, name: light}}
plugins: [search, seqdiagrams]
markdown_extensions: [pymdownx.superfences]
"""


def fence(block: str, lang: str) -> str:
    info, _, body = block.partition("\n")
    return f"```seqarch {info} lang={lang}\n{body}\n```\n\n"


def page(lang: str) -> str:
    return f"# Graphs\n\n{fence(OWN, lang)}{fence(BOTH, lang)}{fence('timeline style=table', lang)}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root: Path = tmp_path_factory.mktemp("graphs-site")
    for lang in ("en", "zh"):
        (root / "docs" / lang).mkdir(parents=True)
        (root / "docs" / lang / "index.md").write_text(page(lang), encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    with serve(root / "site") as url:
        (root / "mkdocs.yml").write_text(MKDOCS_YML.format(url=url), encoding="utf-8")
        build(load_config(str(root / "mkdocs.yml"), strict=True))
        yield url


MEASURE = """(root) => {
    const box = root.getBoundingClientRect();
    const column = root.closest('article') || document.body;
    const sizes = [];
    let outside = 0;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rect = range.getBoundingClientRect();
        if (rect.width === 0) continue;
        sizes.push(parseFloat(getComputedStyle(node.parentElement).fontSize) * box.width / root.offsetWidth);
        if (rect.right > box.right + 0.5 || rect.left < box.left - 0.5) outside += 1;
    }
    return {width: box.width, column: column.getBoundingClientRect().width, scroll: root.scrollWidth - root.clientWidth,
            pageScroll: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            minText: Math.min(...sizes), outside};
}"""
COLOURS = """(root) => {
    const style = (selector, prop) => { const el = root.querySelector(selector);
                                        return el ? getComputedStyle(el)[prop] : null; };
    return {text: getComputedStyle(root).color, body: getComputedStyle(document.body).color,
            solution: style('.sqd-tl-solution', 'borderLeftColor'),
            problem: style('.sqd-tl-problem', 'backgroundColor'),
            era: style('th.sqd-tl-era', 'borderLeftColor')};
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_own_graphs_and_the_era_table_fit_and_follow_the_palette(browser, site: str, lang: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    foreign: list[str] = []
    tab.on("request", lambda req: None if req.url.startswith((site, "data:")) else foreign.append(req.url))
    tab.goto(site + f"{lang}/", wait_until="networkidle")
    graphs = tab.locator('.sqd-tl[data-sqd-kind="graph"]')
    table = tab.locator('.sqd-tl[data-sqd-kind="table"]')
    assert graphs.count() == 2 and table.count() == 1
    eras = Registry.default().data.eras
    assert graphs.nth(0).locator(".sqd-tl-node").count() == 3  # the own example's three nodes
    assert table.locator("tbody tr").count() == len(eras)
    assert table.locator(".sqd-tl-node").count() == sum(len(e.breakthroughs) + len(e.limitations)
                                                        for e in eras.values())
    figures = [graphs.nth(0), graphs.nth(1), table]
    for scheme in ("light", "dark"):
        for index, figure in enumerate(figures):
            found = figure.evaluate(MEASURE)
            print(lang, scheme, index, found)  # the measured numbers, for the report
            assert found["width"] <= found["column"] + 0.5 and found["scroll"] <= 1 and found["pageScroll"] <= 0
            assert found["minText"] >= MIN_TEXT_PX and found["outside"] == 0
            colours = figure.evaluate(COLOURS)
            assert colours["text"] == colours["body"]  # the page's own text colour, in either scheme
            assert colours["solution"] in (None, css_rgb(FAMILIES["state"].light_stroke))
            assert colours["problem"] in (None, css_rgb(FAMILIES["gate"].light_stroke, 0.3))
        assert table.evaluate(COLOURS)["era"] == css_rgb(FAMILIES["state"].light_stroke)  # the recurrent era first
        graphs.nth(0).scroll_into_view_if_needed()
        tab.screenshot(path=str(artifact(f"own-graphs-{lang}-{scheme}.png")))
        table.scroll_into_view_if_needed()
        tab.screenshot(path=str(artifact(f"era-table-{lang}-{scheme}.png")))
        if scheme == "light":
            light_text = table.evaluate(COLOURS)["text"]
            tab.locator("form[data-md-component=palette] label:visible").first.click()
            tab.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert table.evaluate(COLOURS)["text"] != light_text
    assert foreign == []
    context.close()
