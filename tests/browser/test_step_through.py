"""Figures shown step by step, as a reader meets them in Chromium at 1280 px (issue 15).

A Material site with ``navigation.instant`` holds a page without steps (where the step script must not load)
linking to a page with the attention and Transformer figures in steps, in English and Chinese. Measured: the
buttons and the arrow keys change which node groups are visible, the status line ("Step k of n: caption") is
the registry's step caption and is announced (``aria-live``); after an instant navigation the controls work;
with JavaScript off and in print the complete figure shows; an animated figure plays by itself in an ``<img>``
and holds still, complete, for a reader who asks for reduced motion (checked inline: Chromium does not pass the
emulated preference into an image's document). Screenshots go to the screenshot folder (see ``conftest.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import VISIBLE_STEPS, artifact, material_site, serve, step_captions

from seqdiagrams.registry import Registry
from seqdiagrams.rendering import render_spec
from seqdiagrams.spec import parse

MKDOCS = material_site("Steps", "[search, seqdiagrams]", "[navigation.instant]",
                       "site_url: http://127.0.0.1/\nnav: [index.md, steps.md, zh.md, maths.md, cell.md]\n")
INDEX = "# Start\n\nNo figure here. [Attention in steps](steps.md)\n"
STEPS = "# Steps\n\n```seqarch attention mask=causal steps=true\n```\n\n```seqarch transformer steps=true\n```\n"
MATHS = "# LSTM\n\n```seqarch lstm\n```\n\n```seqarch formulas arch=lstm\n```\n"
ZH = "---\nlang: zh\n---\n# 分步\n\n```seqarch lstm steps=true\n```\n"
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp("steps")
    (root / "docs").mkdir()
    for name, text in (("index.md", INDEX), ("steps.md", STEPS), ("zh.md", ZH), ("maths.md", MATHS),
                       ("cell.md", "# Cell\n\n```seqarch lstm\n```\n")):
        (root / "docs" / name).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
    return root / "site"


@pytest.fixture(scope="module")
def url(site: Path) -> str:
    with serve(site) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_the_script_loads_only_where_a_figure_has_steps(site: Path) -> None:
    assert (site / "assets" / "seqdiagrams" / "steps" / "steps.js").is_file()
    assert "steps.js" in (site / "steps" / "index.html").read_text(encoding="utf-8")
    assert "steps.js" not in (site / "index.html").read_text(encoding="utf-8")


def test_buttons_and_keys_step_through_the_attention_figure(page, url: str) -> None:
    page.goto(url + "steps/", wait_until="networkidle")
    figure = page.locator("figure[data-sqd-steps]").first
    expected = step_captions("attention mask=causal steps=true")
    count = len(expected)
    status = figure.locator(".sqd-step-status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.text_content() == f"Step 1 of {count}: {expected[0]}"
    assert set(figure.evaluate(VISIBLE_STEPS)) == {1}
    page.screenshot(path=str(artifact("steps-attention-1.png")))
    figure.locator(".sqd-step-next").click()
    figure.locator(".sqd-step-next").click()
    assert set(figure.evaluate(VISIBLE_STEPS)) == {1, 2, 3}
    assert status.text_content() == f"Step 3 of {count}: {expected[2]}"
    figure.locator(".sqd-step-prev").click()
    assert set(figure.evaluate(VISIBLE_STEPS)) == {1, 2}
    figure.locator(".sqd-step-next").focus()
    for _ in range(count + 2):  # past the end stays at the last step, every part shown
        page.keyboard.press("ArrowRight")
    assert set(figure.evaluate(VISIBLE_STEPS)) == set(range(1, count + 1))
    assert figure.locator(".sqd-step-next").get_attribute("aria-disabled") == "true"
    assert status.text_content() == f"Step {count} of {count}: {expected[-1]}"
    page.keyboard.press("ArrowLeft")
    assert max(figure.evaluate(VISIBLE_STEPS)) == count - 1
    page.screenshot(path=str(artifact("steps-attention-last.png")))


def test_the_controls_work_after_an_instant_navigation(page, url: str) -> None:
    page.goto(url, wait_until="networkidle")
    page.click("text=Attention in steps")
    page.wait_for_selector("figure[data-sqd-ready]", timeout=10_000)
    figures = page.locator("figure[data-sqd-steps]")
    assert figures.count() == 2
    transformer = figures.nth(1)
    transformer.locator(".sqd-step-next").click()
    assert set(transformer.evaluate(VISIBLE_STEPS)) == {1, 2}
    assert transformer.locator(".sqd-step-status").text_content().startswith(
        f"Step 2 of {len(step_captions('transformer steps=true'))}: ")


def test_chinese_page_steps_in_chinese_light_and_dark(page, url: str) -> None:
    page.goto(url + "zh/", wait_until="networkidle")
    figure = page.locator("figure[data-sqd-steps]")
    expected = step_captions("lstm steps=true lang=zh")
    assert figure.locator(".sqd-step-status").text_content() == f"第 1 步，共 {len(expected)} 步：{expected[0]}"
    assert figure.locator(".sqd-step-next").text_content() == "下一步"
    figure.locator(".sqd-step-next").click()
    page.screenshot(path=str(artifact("steps-lstm-zh-light.png")))
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.screenshot(path=str(artifact("steps-lstm-zh-dark.png")))
    text = figure.locator(".sqd-step-next").evaluate("b => getComputedStyle(b).color")
    body = page.evaluate("getComputedStyle(document.querySelector('.md-typeset')).color")
    assert text == body  # the controls follow the page's text colour in the dark scheme too


def test_without_javascript_and_in_print_the_figure_is_complete(browser, url: str, page) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    plain = context.new_page()
    plain.goto(url + "steps/", wait_until="networkidle")
    figure = plain.locator("figure[data-sqd-steps]").first
    count = len(step_captions("attention mask=causal steps=true"))
    assert set(figure.evaluate(VISIBLE_STEPS)) == set(range(1, count + 1))
    assert not figure.locator(".sqd-stepper").is_visible()
    context.close()
    page.goto(url + "steps/", wait_until="networkidle")
    page.emulate_media(media="print")
    figure = page.locator("figure[data-sqd-steps]").first
    assert len(set(figure.evaluate(VISIBLE_STEPS))) == len(step_captions("attention mask=causal steps=true"))
    assert not figure.locator(".sqd-stepper").is_visible()


ANIMATED = "attention mask=causal animate=true step_seconds=0.5"


def test_an_animated_svg_plays_by_itself_in_an_img(page, tmp_path: Path) -> None:
    svg = str(render_spec(parse("seqarch " + ANIMATED), "svg", Registry.default()))
    (tmp_path / "fig.svg").write_text(svg, encoding="utf-8")
    (tmp_path / "index.html").write_text('<img id="fig" src="fig.svg" width="360">', encoding="utf-8")
    with serve(tmp_path) as base:
        page.goto(base, wait_until="networkidle")
        early = page.locator("#fig").screenshot()
        page.screenshot(path=str(artifact("steps-animated-img-early.png")))
        page.wait_for_timeout(2000)
        later = page.locator("#fig").screenshot()
        page.screenshot(path=str(artifact("steps-animated-img-later.png")))
    assert early != later  # the figure grows between two moments, with no script anywhere


SHOWN = """svg => Array.from(svg.querySelectorAll('[data-sqd-step]'))
  .map(g => [getComputedStyle(g).animationName, Number(getComputedStyle(g).opacity)])"""


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_reduced_motion_shows_the_complete_animated_figure(page, motion: str) -> None:
    svg = str(render_spec(parse("seqarch " + ANIMATED), "svg", Registry.default()))
    page.emulate_media(reduced_motion=motion)
    page.set_content(f"<!doctype html><body>{svg}</body>")
    page.wait_for_timeout(100)
    shown = page.locator("svg.sqd-svg").evaluate(SHOWN)
    animated = [name for name, _ in shown if name != "none"]
    if motion == "reduce":
        assert animated == [] and all(opacity == 1 for _, opacity in shown)
    else:
        assert animated and any(opacity < 1 for _, opacity in shown)  # later steps still hidden


def test_a_node_leads_to_its_equation_and_the_equation_back_to_the_node(page, url: str) -> None:
    page.goto(url + "maths/", wait_until="networkidle")
    node = page.locator('svg.sqd-svg [data-sqd-eq="lstm.forget"]')
    equation = page.locator('.sqd-formula[data-equation="lstm.forget"]')
    assert node.get_attribute("role") == "link" and node.get_attribute("tabindex") == "0"
    assert node.get_attribute("aria-label").startswith("forget gate: fₜ = σ(")
    node.click()
    page.wait_for_timeout(300)
    assert equation.evaluate("e => e === document.activeElement")
    in_view = "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    assert equation.evaluate(in_view)
    page.screenshot(path=str(artifact("steps-equation-linked.png")))
    back = equation.locator(".sqd-eq-back")
    assert back.text_content() == "↑ in the figure"
    back.click()
    page.wait_for_timeout(300)
    assert node.evaluate("n => n === document.activeElement")
    page.locator('svg.sqd-svg [data-sqd-eq="lstm.input"]').focus()
    page.keyboard.press("Enter")  # the keyboard way
    page.wait_for_timeout(300)
    assert page.locator('.sqd-formula[data-equation="lstm.input"]').evaluate("e => e === document.activeElement")


def test_a_figure_without_its_formula_section_on_the_page_loads_no_script(site: Path) -> None:
    cell = (site / "cell" / "index.html").read_text(encoding="utf-8")
    assert "data-sqd-eq=" in cell and "steps.js" not in cell  # tooltips need no script
    maths = (site / "maths" / "index.html").read_text(encoding="utf-8")
    assert "steps.js" in maths and "data-sqd-steps" not in maths  # the links do


def test_the_built_site_never_requests_another_host(page, url: str) -> None:
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(url + "steps/", wait_until="networkidle")
    assert hosts == {url.split("/")[2]}

