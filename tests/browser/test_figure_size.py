"""Figures as a reader meets them: Material at a 1280 px window, light and dark, English and Chinese.

The layout lint computes node text size at a 680 px column from Graphviz's layout; this checks the same
thing in Chromium on a built page: each wide figure fits the text column and its node text is drawn at
10 px or more. Screenshots of every figure are saved under ``test-artifacts/screenshots/figures``.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading

import pytest

from tests.browser.test_example_site import ARTIFACTS, CHROMIUM, LAUNCH_ARGS, _QuietHandler

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")

BLOCKS = ["seq2seq", "seq2seq attention=bahdanau", "seq2seq attention=bahdanau src_len=4", "seq2seq attention=luong",
          "mha", "mha heads=2 expand=true", "transformer layers=2 expand=true", "mamba view=ssm", "compare",
          "compare archs=rnn,lstm,gru", "compare archs=rnn,transformer,mamba"]
MIN_TEXT_PX = 10.0
MKDOCS_YML = """site_name: figures
theme:
  name: material
  font: false
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: dark}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: light}
plugins: [seqdiagrams]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> str:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp("figures")
    (root / "docs").mkdir()
    for lang in ("en", "zh"):
        fences = [f"```seqarch {block} lang={lang}\n```\n" for block in BLOCKS]
        (root / "docs" / f"{lang}.md").write_text(f"# {lang}\n\n" + "\n".join(fences), encoding="utf-8")
    (root / "docs" / "index.md").write_text("# figures\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    out = root / "site"
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(out), strict=True))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_wide_figures_fit_the_column_with_readable_text(site: str, lang: str) -> None:
    folder = ARTIFACTS / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{site}{lang}/", wait_until="networkidle")
        column = page.locator("article").evaluate("el => el.getBoundingClientRect().width")
        svgs = page.locator("svg.sqd-svg")
        assert svgs.count() == len(BLOCKS)
        for scheme in ("light", "dark"):
            if scheme == "dark":
                page.locator("form[data-md-component=palette] label:visible").first.click()
                page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
            for i, block in enumerate(BLOCKS):
                svg = svgs.nth(i)
                svg.scroll_into_view_if_needed()
                svg.screenshot(path=str(folder / f"{re.sub(r'[^a-z0-9]+', '-', block)}.{lang}.{scheme}.png"))
                width, text_px = svg.evaluate(
                    "el => { const box = el.getBoundingClientRect();"
                    " const scale = box.width / el.viewBox.baseVal.width;"
                    " const node = el.querySelector('.node text');"
                    " return [box.width, parseFloat(node.getAttribute('font-size')) * scale]; }")
                assert width <= column + 0.5, f"{block}: {width:.0f} px in a {column:.0f} px column"
                assert text_px >= MIN_TEXT_PX, f"{block}: node text drawn at {text_px:.1f} px"
            # the ⊕ circles take the scheme's operator fill (dark: #0f172a), so their white glyph stays visible
            fills = page.locator("svg.sqd-svg .sqd-r-elementwise-add ellipse").evaluate_all(
                "els => els.map(el => getComputedStyle(el).fill)")
            assert fills and set(fills) == {"rgb(255, 255, 255)" if scheme == "light" else "rgb(15, 23, 42)"}
        browser.close()
