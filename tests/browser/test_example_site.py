"""The built example site in a real browser (Debian's Chromium driven by Playwright), offline.

The site is built once into a temporary folder and served from 127.0.0.1. Every page is
opened; the tests assert no console errors, no request leaving the local server, every
diagram visible with a non-zero size, Chinese text drawn with a real CJK font (not tofu),
and diagram colours that follow Material's light/dark palette switch, timelines and graphs
included (HTML drawn at build time: no page loads Mermaid).
Screenshots of key pages are saved under the screenshot folder (see ``conftest.py``) for review.
"""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path

import pytest
from browser_helpers import artifact, css_rgb, rgb_tuple, serve, watched_tab

from seqdiagrams import render
from seqdiagrams.registry import Registry
from seqdiagrams.rendering.dot import FONT_SIZE
from seqdiagrams.rendering.measure import COLUMN_PX
from seqdiagrams.rendering.theme import FAMILIES, TEXT, Family

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["index.html", *(f"{lang}/{name}" for lang in ("en", "zh")
                         for name in ("", "rnn/", "lstm-gru/", "seq2seq/", "attention/", "transformer/", "mamba/"))]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> str:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = tmp_path_factory.mktemp("example-site")
    config = load_config(str(ROOT / "example_site" / "mkdocs.yml"), site_dir=str(out), strict=True)
    config.plugins["seqdiagrams"].config["cache_dir"] = str(tmp_path_factory.mktemp("figure-cache"))  # not the repo
    build(config)
    with serve(out) as url:
        yield url


@pytest.fixture
def page(browser, site: str):
    context, tab = watched_tab(browser, site)
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
    page.screenshot(path=str(artifact("transformer-light.png")), full_page=False)
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = shape.evaluate("el => getComputedStyle(el).fill")
    page.screenshot(path=str(artifact("transformer-dark.png")), full_page=False)
    assert light != dark
    text = page.locator("svg.sqd-svg text").first.evaluate("el => getComputedStyle(el).fill")
    assert text == css_rgb(TEXT[1])  # the dark scheme's label colour


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", css)[:3])


def _cell_colour(page, heatmap: str, rows: int, cols: int, row: float, col: float, name: str) -> tuple[int, ...]:
    """The rendered colour at (row, col) of a heatmap (fractions of a cell from its top-left corner)."""
    from PIL import Image

    rect = page.locator(heatmap).first
    rect.scroll_into_view_if_needed()
    box = rect.bounding_box()
    assert box and box["width"] > 300  # shown large in the 1280 px layout, not shrunk
    shot = page.screenshot(clip=box)
    artifact(name).write_bytes(shot)
    image = Image.open(BytesIO(shot)).convert("RGB")
    scale = image.width / box["width"]
    return image.getpixel((int(col * box["width"] / cols * scale), int(row * box["height"] / rows * scale)))


HEATMAPS = [  # page, heatmap rect, grid (rows, cols), cell sampled, palette family: light and dark stroke
    ("en/attention/", 'rect[mask*="sqd-heat-attention"]', (6, 6), (0.2, 0.2), FAMILIES["attention"]),
    ("zh/transformer/", 'rect[mask*="sqd-heat-state-pos"]', (64, 64), (1.5, 0.5), FAMILIES["state"]),
]


@pytest.mark.parametrize(("path", "heatmap", "grid", "cell", "family"), HEATMAPS)
def test_heatmap_cells_follow_the_palette(page, site: str, path: str, heatmap: str, grid: tuple[int, int],
                                          cell: tuple[float, float], family: Family) -> None:
    """A weight of 1 (attention: the first query on itself; PE: cos 0 in dimension 1) is the family's stroke."""
    page.goto(site + path, wait_until="networkidle")
    assert page.errors == []
    name = path.strip("/").replace("/", "-")
    light = _cell_colour(page, heatmap, *grid, *cell, f"heatmap-{name}-light.png")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = _cell_colour(page, heatmap, *grid, *cell, f"heatmap-{name}-dark.png")
    for seen, stroke in ((light, family.light_stroke), (dark, family.dark_stroke)):
        expected = rgb_tuple(stroke)
        assert all(abs(a - b) <= 3 for a, b in zip(seen, expected, strict=True)), (seen, expected)


def test_attention_weight_is_the_opacity_of_its_cell(page, site: str) -> None:
    """Cell (1, 1) of the causal example mixes the stroke and the page background by its weight."""
    weight = json.loads(str(render("attention-weights mask=causal", "json")))["weights"][1][1]
    assert 0.1 < weight < 0.9  # a cell where the mix shows
    page.goto(site + "en/attention/", wait_until="networkidle")
    heatmap = 'rect[mask*="sqd-heat-attention"]'
    background = _rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    seen = _cell_colour(page, heatmap, 6, 6, 1.2, 1.2, "heatmap-en-attention-cell.png")
    stroke = rgb_tuple(FAMILIES["attention"].light_stroke)
    expected = [round(b + weight * (s - b)) for s, b in zip(stroke, background, strict=True)]
    assert all(abs(a - b) <= 3 for a, b in zip(seen, expected, strict=True)), (seen, expected)


TIMELINE = '.sqd-tl[data-sqd-kind="timeline"]'
GRAPH = '.sqd-tl[data-sqd-kind="graph"]'


@pytest.mark.parametrize(("path", "year", "event"), [("en/", "1997", "Transformer"), ("zh/", "1997", "Transformer")])
def test_timeline_is_drawn_at_build_time_and_follows_the_palette(page, site: str, path: str, year: str,
                                                                 event: str) -> None:
    page.goto(site + path, wait_until="networkidle")
    assert page.errors == []
    assert page.foreign == []  # nothing is loaded for a timeline, least of all from a CDN
    timeline = page.locator(TIMELINE)
    assert timeline.is_visible() and page.locator(GRAPH).is_visible()
    text = timeline.inner_text()
    assert year in text and event in text
    column = page.locator("article").first.bounding_box()
    for selector in (TIMELINE, GRAPH):
        box = page.locator(selector).bounding_box()
        assert box and box["width"] <= column["width"] and box["height"] > 300  # fits the column, every event
    assert page.locator(GRAPH + " .sqd-tl-node").count() == len(Registry.default().data.evolution.nodes)
    colour = "el => getComputedStyle(el).color"
    light = timeline.evaluate(colour)
    timeline.scroll_into_view_if_needed()
    page.screenshot(path=str(artifact(f"timeline-{path.strip('/')}-light.png")), full_page=False)
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = timeline.evaluate(colour)
    assert light != dark and dark == page.evaluate("getComputedStyle(document.body).color")  # the page's text
    timeline.scroll_into_view_if_needed()
    page.screenshot(path=str(artifact(f"timeline-{path.strip('/')}-dark.png")), full_page=False)
    assert page.errors == []


@pytest.mark.parametrize("path", ["en/", "en/rnn/"])
def test_no_page_loads_mermaid(page, site: str, path: str) -> None:
    requested: list[str] = []
    page.on("request", lambda req: requested.append(req.url))
    page.goto(site + path, wait_until="networkidle")
    assert not [url for url in requested if "mermaid" in url.lower()]


MIN_TEXT_PX = 10.0
"""The smallest label a reader should have to read, in CSS px."""
SCHEMES = {"default": 0, "slate": 1}
"""Material's schemes, and the index of each in the theme's (light, dark) colour pairs."""
FIRST_FIGURE = """fig => {
    const box = el => { const r = el.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right,
                                                                     bottom: r.bottom, width: r.width}; };
    const svg = fig.querySelector('svg.sqd-svg');
    // the lowest box: scrolled to the bottom of the window, it is never under Material's sticky header
    const node = [...svg.querySelectorAll('g.node[class*="sqd-f-"]')].filter(g => {
        const b = g.getBoundingClientRect();
        return b.width > 40 && b.height > 20 && getComputedStyle(g).opacity === '1';
    }).sort((a, b) => b.getBoundingClientRect().bottom - a.getBoundingClientRect().bottom)[0];
    const shape = node.querySelector(':scope > path, :scope > polygon, :scope > ellipse');
    const family = [...node.classList].find(c => c.startsWith('sqd-f-')).slice(6);
    const labels = [...svg.querySelectorAll('g.node text')].filter(t => t.textContent.trim());
    const sizes = labels.map(t => parseFloat(getComputedStyle(t).fontSize));
    const style = getComputedStyle(svg);
    return {
        column: box(fig.closest('.md-content__inner')), svg: box(svg), viewBoxWidth: svg.viewBox.baseVal.width,
        family, shape: box(shape), fillVariable: style.getPropertyValue(`--sqd-${family}-fill`).trim(),
        sizes, label: box([...node.querySelectorAll('text')].sort((a, b) =>
            parseFloat(getComputedStyle(b).fontSize) - parseFloat(getComputedStyle(a).fontSize))[0]),
        pageBackground: (() => {  // Material's background variable, resolved the way the page resolves it
            const probe = document.createElement('div');
            probe.style.background = 'var(--md-default-bg-color)';
            fig.append(probe);
            const colour = getComputedStyle(probe).backgroundColor;
            probe.remove();
            return colour; })()};
}"""


def _pixels(page, clip: dict[str, float]):
    from PIL import Image

    return Image.open(BytesIO(page.screenshot(clip=clip))).convert("RGB")


def _near(seen: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 3) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(seen, expected, strict=True))


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("path", ["en/", "zh/rnn/", "en/lstm-gru/", "zh/transformer/", "en/mamba/"])
def test_key_pages_as_a_reader_sees_them(page, site: str, path: str, scheme: str) -> None:
    """The first diagram of a key page, in a 1280 px window, light and dark: it sits in the text column at its
    natural size or the column's width, its labels are at least 10 px, and the screenshot's pixels show the page
    background around it, the family's fill inside a box and the scheme's text colour in a label."""
    page.goto(site + path, wait_until="networkidle")
    if scheme == "slate":  # the reader's way: Material's palette toggle
        page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{scheme}'")
    figure = page.locator("figure.sqd-figure", has=page.locator("svg.sqd-svg g.node")).first
    figure.evaluate("el => el.scrollIntoView({block: 'end'})")
    from playwright.sync_api import expect

    dark = SCHEMES[scheme]
    expect(figure.locator("svg.sqd-svg g.node text").first).to_have_css("fill", css_rgb(TEXT[dark]))  # transition over
    name = f"{path.strip('/').replace('/', '-')}-{scheme}"
    page.screenshot(path=str(artifact(f"{name}.png")), full_page=True)
    drawn = figure.evaluate(FIRST_FIGURE)

    column, svg = drawn["column"], drawn["svg"]
    assert abs(column["width"] - COLUMN_PX) <= 0.02 * COLUMN_PX  # the text column at 1280 px figures are made for
    assert column["left"] - 0.5 <= svg["left"] and svg["right"] <= column["right"] + 0.5
    assert abs(svg["width"] - min(drawn["viewBoxWidth"], column["width"])) <= 1  # natural size, or shrunk to fit
    scale = svg["width"] / drawn["viewBoxWidth"]
    assert FONT_SIZE in drawn["sizes"] and FONT_SIZE * scale >= MIN_TEXT_PX  # node labels, as the reader sees them
    assert min(drawn["sizes"]) >= FONT_SIZE - 2  # scripts and stubs are set at most 2 pt smaller

    family = FAMILIES[drawn["family"]]
    fill = (family.light_fill, family.dark_fill)[dark]
    assert drawn["fillVariable"] == fill  # the stylesheet's variable is the theme's colour
    top = max(svg["top"], 0.0)  # the part of the figure in the window (a tall one is cut by its top)
    image = _pixels(page, {"x": svg["left"], "y": top, "width": svg["width"], "height": svg["bottom"] - top})
    image.save(artifact(f"{name}-figure.png"))
    background = _rgb(drawn["pageBackground"])
    for corner in ((2, image.height - 3), (image.width - 3, image.height - 3)):  # transparent on the page's own
        assert _near(image.getpixel(corner), background), (corner, image.getpixel(corner), background)
    shape = drawn["shape"]
    inside = (int(shape["left"] - svg["left"] + 5), int((shape["top"] + shape["bottom"]) / 2 - top))
    assert _near(image.getpixel(inside), rgb_tuple(fill)), (drawn["family"], image.getpixel(inside), fill)
    label = drawn["label"]
    crop = image.crop((int(label["left"] - svg["left"]), int(label["top"] - top),
                       int(label["right"] - svg["left"]) + 1, int(label["bottom"] - top) + 1))
    text = rgb_tuple(TEXT[dark])
    pixels = [crop.getpixel((x, y)) for x in range(crop.width) for y in range(crop.height)]
    closest = min(pixels, key=lambda pixel: sum(abs(a - b) for a, b in zip(pixel, text, strict=True)))
    assert _near(closest, text, tolerance=24), (closest, TEXT[dark])  # glyph stems are drawn in the text colour


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
    page.screenshot(path=str(artifact(f"formulas-{path.strip('/').replace('/', '-')}.png")), full_page=False)


SHAPE_LABEL = re.compile(r"^\((?:[\w·+]+,)*[\w·+]+\)$")
"""An edge's shape label as drawn: ``(4,128)``, ``(B,h,T,T)``, ``(B,T,d)`` (scripts are separate text runs)."""


@pytest.mark.parametrize(("path", "scheme", "colour", "seen"), [
    ("en/rnn/", "default", css_rgb(TEXT[0]), "(4,128)"),
    ("zh/rnn/", "slate", css_rgb(TEXT[1]), "(4,128)"),
    ("en/attention/", "slate", css_rgb(TEXT[1]), "(B,h,T,T)"),
    ("zh/transformer/", "default", css_rgb(TEXT[0]), "(B,T,512)"),
])
def test_shape_labels_are_readable_and_beside_their_edges(page, site: str, path: str, scheme: str, colour: str,
                                                          seen: str) -> None:
    """shapes=true figures as a reader meets them: every shape label at 10 px or more in the page's text colour, and
    on no box; the RNN states PyTorch's output and h_n under the figure."""
    page.goto(site + path, wait_until="networkidle")
    if scheme == "slate":  # the reader's way: Material's palette toggle
        page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{scheme}'")
    figure = page.locator("figure.sqd-figure", has=page.locator("svg text", has_text=seen)).first
    figure.scroll_into_view_if_needed()
    from playwright.sync_api import expect

    expect(figure.locator("g.edge > text").first).to_have_css("fill", colour)  # after the scheme's transition
    figure.screenshot(path=str(artifact(f"shapes-{path.replace('/', '-')}{scheme}.png")))
    drawn = figure.evaluate("""fig => {
        const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
        const labels = [...fig.querySelectorAll('g.edge > text')].map(t => ({
            text: t.textContent, box: box(t), fill: getComputedStyle(t).fill,
            px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a}));
        const nodes = [...fig.querySelectorAll('g.node > :is(path, polygon, ellipse)')].map(box);
        return {labels, nodes, caption: fig.querySelector('figcaption')?.textContent || ''};
    }""")
    shapes = [label for label in drawn["labels"] if SHAPE_LABEL.match(label["text"])]
    assert seen in {label["text"] for label in shapes}
    for label in shapes:
        assert label["px"] >= 10, f"{label['text']} is drawn at {label['px']:.1f} px"
        assert label["fill"] == colour
        left, top, right, bottom = label["box"]
        for n_left, n_top, n_right, n_bottom in drawn["nodes"]:
            overlap_x = min(right, n_right) - max(left, n_left)
            overlap_y = min(bottom, n_bottom) - max(top, n_top)
            assert overlap_x <= 1 or overlap_y <= 1, f"{label['text']} lies on a box"
    if "rnn" in path:
        assert drawn["caption"].endswith("output (4,10,256), h_n (2,4,256)")
