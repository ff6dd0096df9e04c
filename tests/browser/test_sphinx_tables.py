"""Table blocks on a Sphinx page as a reader sees them: ruled cells in light and dark themes alike.

The stylesheet is the one MkDocs sites get; outside Material its table lines are a half-transparent grey,
which must show on Furo's light and dark page (black lines vanished on the dark page).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_helpers import serve

pytest.importorskip("furo")

PAGE = "Tables\n======\n\n.. seqarch:: table archs=rnn,lstm,transformer\n"
CELL = """() => {
  const cell = document.querySelector('.sqd-table td'), table = cell.closest('table');
  let node = cell, background = 'rgba(0, 0, 0, 0)';
  while (node && /rgba\\(.*, 0\\)$|transparent/.test(background)) {
    background = getComputedStyle(node).backgroundColor; node = node.parentElement;
  }
  const style = getComputedStyle(cell);
  return {width: style.borderTopWidth, style: style.borderTopStyle, border: style.borderTopColor, background,
          padding: parseFloat(style.paddingLeft), table: table.getBoundingClientRect().width,
          column: table.closest('article').getBoundingClientRect().width};
}"""


def _rgba(css: str) -> tuple[float, float, float, float]:
    parts = [float(x) for x in re.findall(r"[\d.]+", css)]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)  # type: ignore[return-value]


def _luma(rgb: tuple[float, float, float]) -> float:
    return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255


@pytest.fixture(scope="module")
def furo_site(tmp_path_factory: pytest.TempPathFactory):
    from sphinx.cmd.build import build_main

    root = tmp_path_factory.mktemp("furo-tables")
    src, out = root / "src", root / "out"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["seqdiagrams.sphinx"]\nhtml_theme = "furo"\n', encoding="utf-8")
    (src / "index.rst").write_text(PAGE, encoding="utf-8")
    assert build_main(["-q", "-b", "html", str(src), str(out)]) == 0
    with serve(Path(out)) as url:
        yield url


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_table_cells_are_ruled_visibly_in_light_and_dark(browser, furo_site: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    tab = context.new_page()
    tab.goto(furo_site)
    tab.evaluate(f"document.body.dataset.theme = '{scheme}'")
    cell = tab.evaluate(CELL)
    context.close()
    assert (cell["width"], cell["style"]) == ("1px", "solid")
    *line, alpha = _rgba(cell["border"])
    page = _rgba(cell["background"])[:3]
    seen = tuple(alpha * c + (1 - alpha) * p for c, p in zip(line, page, strict=True))  # the line over the page
    assert abs(_luma(seen) - _luma(page)) > 0.1, (scheme, cell)
    assert cell["padding"] >= 8  # .45em of the table's text: cells are not cramped
    assert cell["table"] <= cell["column"] + 0.5  # the table fits the text column at 1280 px
