"""Figures whose blocks sit inside a blockquote, an admonition and a list item, on a real Material page.

The scan finds fences behind ``>`` markers and indentation; here a reader's view is measured at 1280 px in
light and dark, en and zh: each figure is drawn inside its container (within its box, right of a quote's bar),
the quote goes on after it, and its state boxes take the scheme's colour from the theme.
"""

from __future__ import annotations

import pytest
from browser_helpers import CHROMIUM, artifact, built_site, material_site, watched_tab

from seqdiagrams.rendering.theme import FAMILIES

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")

PAGE = """# Nested figures

> The recurrence, unrolled:
>
> ```seqarch rnn unroll=3{lang}
> ```
>
> Text after the figure, still quoted.

!!! note "In an admonition"

    ```seqarch gru{lang}
    ```

- A list item with a figure:

    ```seqarch lstm view=unrolled unroll=2{lang}
    ```
"""
MKDOCS_YML = material_site("Nested", extra="markdown_extensions: [pymdownx.superfences, admonition]\n")
CONTAINERS = ["BLOCKQUOTE", "DIV", "LI"]
MEASURE = """() => [...document.querySelectorAll('figure.sqd-figure')].map(figure => {
    const box = figure.parentElement.closest('blockquote, .admonition, li');
    const f = figure.getBoundingClientRect(), c = box.getBoundingClientRect();
    const svg = figure.querySelector('svg').getBoundingClientRect();
    const state = figure.querySelector('g.node[class*="sqd-f-state"] path, g.node[class*="sqd-f-state"] polygon');
    return {container: box.tagName, inside: f.left >= c.left && f.right <= c.right && f.top >= c.top
              && f.bottom <= c.bottom, content: c.left + parseFloat(getComputedStyle(box).borderLeftWidth)
              + parseFloat(getComputedStyle(box).paddingLeft), left: f.left, width: svg.width,
            height: svg.height, fill: getComputedStyle(state).fill};
})"""


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    pages = {"index.md": PAGE.format(lang=""), "zh/index.md": PAGE.format(lang=" lang=zh")}
    with built_site(tmp_path_factory.mktemp("nested"), pages, MKDOCS_YML) as url:
        yield url


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("lang", ["", "zh/"], ids=["en", "zh"])
def test_figures_are_drawn_inside_their_containers(browser, site: str, lang: str, scheme: str) -> None:
    context, tab = watched_tab(browser, site)
    tab.goto(site + lang)
    tab.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    figures = tab.evaluate(MEASURE)
    tab.screenshot(path=str(artifact(f"nested-{lang.strip('/') or 'en'}-{scheme}.png")), full_page=True)
    after = tab.evaluate("""() => { const q = document.querySelector('blockquote');
        return [...q.querySelectorAll('p')].map(p => p.textContent.trim()).at(-1); }""")
    errors, foreign = tab.errors, tab.foreign
    context.close()
    assert [f["container"] for f in figures] == CONTAINERS
    assert all(f["inside"] for f in figures), figures
    assert all(f["left"] >= f["content"] for f in figures), figures  # right of the quote's bar, in the content
    assert all(f["width"] > 300 and f["height"] > 150 for f in figures), figures  # a drawing, not a collapsed box
    state = FAMILIES["state"]
    expected = rgb(state.dark_fill if scheme == "slate" else state.light_fill)
    assert [f["fill"] for f in figures] == [expected] * 3
    assert after == "Text after the figure, still quoted."
    assert errors == [] and foreign == []
