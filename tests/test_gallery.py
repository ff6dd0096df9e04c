"""The golden set: every subject example's machine-independent output, en and zh, must match ``tests/golden``.

Golden files are DOT for diagrams and Markdown or JSON for data (DESIGN.md: golden DOT/IR, not raw SVG, whose
coordinates depend on the fonts installed). Regenerate with ``python -m seqdiagrams.gallery`` and review the
diff. The one picture the repository keeps, the README's, is compared with the current render with its numbers
normalised, so it cannot drift from what the package draws.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from seqdiagrams import render
from seqdiagrams.gallery import GOLDEN, LANGS, block_in, examples, files_of, index, slug, write
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import render_spec
from seqdiagrams.spec import parse

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / GOLDEN
CASES = [(block, lang) for _, block in examples() for lang in LANGS]
STALE = "the golden set is stale: run `python -m seqdiagrams.gallery` and review the diff"
README_PICTURE = re.compile(r"!\[[^\]]*\]\((docs/images/[\w.-]+\.svg)\)")
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(("block", "lang"), CASES, ids=[slug(b, lang) for b, lang in CASES])
def test_golden_file_matches_current_output(block: str, lang: str) -> None:
    spec = parse(block_in(block, lang))
    fmt, _ = files_of(spec)
    golden = GALLERY / f"{slug(block, lang)}.{fmt}"
    assert golden.exists(), STALE
    assert render_spec(spec, fmt, Registry.default()) == golden.read_text(encoding="utf-8"), STALE


def test_golden_set_has_exactly_the_examples() -> None:
    expected = {f"{slug(b, lang)}.{files_of(parse(block_in(b, lang)))[0]}" for b, lang in CASES}
    assert {p.name for p in GALLERY.iterdir()} == expected, STALE


def test_pictures_on_demand_are_written_with_an_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--pictures`` writes one picture per example beside an index that shows each under its block."""
    rendered: list[str] = []

    def fake_output(self, spec, fmt: str, lang=None) -> str:  # the layout itself is tested elsewhere: record the calls
        rendered.append(fmt)
        return f"{spec.subject}.{fmt}"

    monkeypatch.setattr("seqdiagrams.gallery.Renderer.output", fake_output)
    assert write(tmp_path / "golden", tmp_path / "pictures") == len(CASES)
    pictures = {p.name for p in (tmp_path / "pictures").iterdir()}
    assert pictures == {f"{slug(b, lang)}.{files_of(parse(block_in(b, lang)))[1]}" for b, lang in CASES} | {
        "index.md"}
    assert len(rendered) == 2 * len(CASES)  # one golden and one picture per example, no PNG unless asked
    text = (tmp_path / "pictures" / "index.md").read_text(encoding="utf-8")
    assert text == index()
    for block, lang in CASES:
        shown = f"{slug(block, lang)}.{files_of(parse(block_in(block, lang)))[1]}"
        assert f"```text\nseqarch {block_in(block, lang)}\n```\n\n" in text
        assert f"({shown})" in text
    rendered.clear()
    write(tmp_path / "golden-only")  # the default: the golden set only
    assert rendered == [files_of(parse(block_in(b, lang)))[0] for b, lang in CASES]
    assert len(list((tmp_path / "golden-only").iterdir())) == len(CASES)


NUMBER = re.compile(r"(?<![#\w.])-?\d+(?:\.\d+)?")
"""A number in an attribute (a coordinate, a size): not part of a colour (``#0f172a``) or a name (``node1``)."""


def normalised(svg: str) -> list[tuple[str, dict[str, str], str, str]]:
    """An SVG's elements in order, with every text kept and every number in an attribute replaced: what a font's
    metrics cannot change."""
    return [(el.tag, {key: NUMBER.sub("n", value) for key, value in el.attrib.items()},
             (el.text or "").strip(), (el.tail or "").strip()) for el in ET.fromstring(svg).iter()]


def test_readme_picture_is_the_current_render() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = README_PICTURE.findall(readme)
    assert shown == ["docs/images/transformer.svg"]
    committed = (ROOT / shown[0]).read_text(encoding="utf-8")
    current = str(render("transformer"))
    assert normalised(committed) == normalised(current), (
        "docs/images/transformer.svg is stale: `seqdiagrams render transformer -o docs/images/transformer.svg`")
    root = ET.fromstring(current)
    assert root.get("role") == "img"
    assert root.find(f"{SVG_NS}title").text
    assert not any(el.get("baseline-shift") for el in root.iter())  # scripts have explicit size and baseline


def test_normalisation_keeps_what_a_reader_sees() -> None:
    """Coordinates may move with the fonts; a colour, a label or an element may not."""
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><g id="node1"><rect x="1.5" y="-2" fill="#0f172a"/>' \
          '<text x="10">h_t 512</text></g></svg>'
    assert normalised(svg) == normalised(svg.replace('x="1.5" y="-2"', 'x="3.25" y="7"'))
    assert normalised(svg) != normalised(svg.replace("#0f172a", "#0f172b"))
    assert normalised(svg) != normalised(svg.replace("h_t 512", "h_t 256"))
    assert normalised(svg) != normalised(svg.replace('<text x="10">', '<text x="10" font-weight="bold">'))
