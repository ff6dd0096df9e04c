"""Figures in steps on a Zensical site, set up as the README says, in Chromium at 1280 px (issue 15).

Zensical runs the Markdown extension only: an extension cannot add a script to a page there, so the README has
the site copy the package's assets once (``seqdiagrams assets``) and list the step script under
``extra_javascript``. This builds such a site with ``navigation.instant`` (a page without figures linking to a
page with the attention figure in steps and an LSTM in Chinese) and steps through it as a reader does: the next
button and the → key change which node groups are visible and what the status line says; after an instant
navigation the controls work; without JavaScript the complete figure shows; a node leads to its equation in the
page's formula section and back. Screenshots are saved for review (see ``browser_helpers.artifact``).
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest
from browser_helpers import VISIBLE_STEPS, artifact, serve, step_captions, watched_tab

if TYPE_CHECKING:
    from pathlib import Path

ZENSICAL = shutil.which("zensical")
pytestmark = pytest.mark.skipif(ZENSICAL is None, reason="zensical is not installed (pip install zensical)")

CONFIG = """site_name: Steps
site_url: {url}
theme:
  font: false
  features: [navigation.instant]
markdown_extensions: [seqdiagrams, pymdownx.superfences]
extra_css: [assets/seqdiagrams/vendor/katex/katex.min.css]
extra_javascript: [assets/seqdiagrams/steps/steps.js]
nav: [index.md, steps.md, maths.md]
"""
"""The README's Zensical setup, word for word, plus the theme options of a real site."""
ATTENTION = "attention mask=causal steps=true"
LSTM = "lstm steps=true lang=zh"
PAGES = {
    "index.md": "# Start\n\nNo figure here. [Attention in steps](steps.md)\n",
    "steps.md": f"# Steps\n\n```seqarch {ATTENTION}\n```\n\n```seqarch {LSTM}\n```\n",
    "maths.md": "# LSTM\n\n```seqarch lstm\n```\n\n```seqarch formulas arch=lstm\n```\n",
}
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    from seqdiagrams.cli import main

    root = tmp_path_factory.mktemp("zensical-steps")
    for name, text in PAGES.items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")
    with serve(root / "site") as url:
        (root / "mkdocs.yml").write_text(CONFIG.format(url=url), encoding="utf-8")
        assert main(["assets", str(root / "docs" / "assets" / "seqdiagrams")]) == 0
        result = subprocess.run([ZENSICAL, "build"], cwd=root, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        yield root / "site", url


@pytest.fixture
def tab(browser, site: tuple[Path, str]):
    context, page = watched_tab(browser, site[1])
    yield page
    assert page.errors == [] and page.foreign == []  # no script error, no request leaving the site
    context.close()


def test_the_assets_command_ships_the_step_script(site: tuple[Path, str]) -> None:
    from seqdiagrams.assets import VENDOR
    from seqdiagrams.page_assets import BUNDLES

    built = site[0] / "assets" / "seqdiagrams" / "steps" / "steps.js"
    assert built.read_bytes() == (VENDOR.parent / BUNDLES["steps"].scripts[0]).read_bytes()
    assert 'src="../assets/seqdiagrams/steps/steps.js"' in (site[0] / "steps" / "index.html").read_text("utf-8")


def test_next_and_the_arrow_key_step_through_the_figure(tab, site: tuple[Path, str]) -> None:
    tab.goto(site[1] + "steps/", wait_until="networkidle")
    figure = tab.locator("figure[data-sqd-steps]").first
    expected = step_captions(ATTENTION)
    count = len(expected)
    status = figure.locator(".sqd-step-status")
    assert figure.locator(".sqd-stepper").is_visible() and status.get_attribute("aria-live") == "polite"
    assert status.text_content() == f"Step 1 of {count}: {expected[0]}"
    assert set(figure.evaluate(VISIBLE_STEPS)) == {1}
    figure.scroll_into_view_if_needed()
    tab.screenshot(path=str(artifact("zensical-steps-attention-1.png")))
    figure.locator(".sqd-step-next").click()
    assert set(figure.evaluate(VISIBLE_STEPS)) == {1, 2}
    assert status.text_content() == f"Step 2 of {count}: {expected[1]}"
    tab.keyboard.press("ArrowRight")  # the focus stays on the button just pressed, inside the figure
    assert set(figure.evaluate(VISIBLE_STEPS)) == {1, 2, 3}
    assert status.text_content() == f"Step 3 of {count}: {expected[2]}"
    tab.screenshot(path=str(artifact("zensical-steps-attention-3.png")))
    tab.keyboard.press("ArrowLeft")
    assert set(figure.evaluate(VISIBLE_STEPS)) == {1, 2}


def test_the_chinese_figure_steps_in_chinese(tab, site: tuple[Path, str]) -> None:
    tab.goto(site[1] + "steps/", wait_until="networkidle")
    figure = tab.locator("figure[data-sqd-steps]").nth(1)
    expected = step_captions(LSTM)
    figure.locator(".sqd-step-next").click()
    assert figure.locator(".sqd-step-status").text_content() == f"第 2 步，共 {len(expected)} 步：{expected[1]}"
    figure.scroll_into_view_if_needed()
    tab.screenshot(path=str(artifact("zensical-steps-lstm-zh-2.png")))


def test_the_controls_work_after_an_instant_navigation(tab, site: tuple[Path, str]) -> None:
    tab.goto(site[1], wait_until="networkidle")
    tab.evaluate("() => { window.sqdSamePage = true; }")
    tab.click("text=Attention in steps")
    tab.wait_for_selector("figure[data-sqd-ready]", timeout=10_000)
    assert tab.evaluate("() => window.sqdSamePage === true")  # the page was swapped in, not loaded anew
    figure = tab.locator("figure[data-sqd-steps]").first
    figure.locator(".sqd-step-next").click()
    assert set(figure.evaluate(VISIBLE_STEPS)) == {1, 2}


def test_without_javascript_the_figure_is_complete(browser, site: tuple[Path, str]) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(site[1] + "steps/", wait_until="networkidle")
    figure = page.locator("figure[data-sqd-steps]").first
    assert set(figure.evaluate(VISIBLE_STEPS)) == set(range(1, len(step_captions(ATTENTION)) + 1))
    assert not figure.locator(".sqd-stepper").is_visible()
    figure.scroll_into_view_if_needed()
    page.screenshot(path=str(artifact("zensical-steps-no-js.png")))
    context.close()


def test_a_node_leads_to_its_equation_and_back(tab, site: tuple[Path, str]) -> None:
    tab.goto(site[1] + "maths/", wait_until="networkidle")
    node = tab.locator('svg.sqd-svg [data-sqd-eq="lstm.forget"]')
    equation = tab.locator('.sqd-formula[data-equation="lstm.forget"]')
    node.focus()
    tab.keyboard.press("Enter")
    tab.wait_for_timeout(300)
    assert equation.evaluate("e => e === document.activeElement")
    equation.locator(".sqd-eq-back").click()
    tab.wait_for_timeout(300)
    assert node.evaluate("n => n === document.activeElement")
