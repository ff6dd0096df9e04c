"""The built example site in a real browser (Debian's Chromium driven by Playwright), offline.

The site is built once into a temporary folder and served from 127.0.0.1. Every page is
opened; the tests assert no console errors, no request leaving the local server, every
diagram visible with a non-zero size, Chinese text drawn with a real CJK font (not tofu),
and diagram colours that follow Material's light/dark palette switch. Screenshots of key
pages are saved under ``test-artifacts/screenshots`` for review.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--disable-quic"]
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
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


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


@pytest.mark.parametrize("path", ["en/", "zh/rnn/", "en/lstm-gru/", "zh/transformer/", "en/mamba/"])
def test_screenshots_of_key_pages(page, site: str, path: str) -> None:
    page.goto(site + path, wait_until="networkidle")
    target = _artifact(path.strip("/").replace("/", "-") + ".png")
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
