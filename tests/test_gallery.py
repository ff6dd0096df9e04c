"""The gallery is the golden set: every subject example's DOT, en and zh, must match docs/gallery.

Regenerate with ``python -m seqdiagrams.gallery docs/gallery`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from seqdiagrams.gallery import LANGS, block_in, examples, files_of, slug
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import render_spec
from seqdiagrams.spec import parse

GALLERY = Path(__file__).resolve().parents[1] / "docs" / "gallery"
CASES = [(block, lang) for _, block in examples() for lang in LANGS]
STALE = "the gallery is stale: run `python -m seqdiagrams.gallery docs/gallery` and review the diff"


@pytest.mark.parametrize(("block", "lang"), CASES, ids=[slug(b, lang) for b, lang in CASES])
def test_golden_file_matches_gallery(block: str, lang: str) -> None:
    spec = parse(block_in(block, lang))
    fmt, _ = files_of(spec)
    golden = GALLERY / f"{slug(block, lang)}.{fmt}"
    assert golden.exists(), STALE
    assert render_spec(spec, fmt, Registry.default()) == golden.read_text(encoding="utf-8"), STALE


def test_gallery_has_exactly_the_examples() -> None:
    expected = {f"{slug(b, lang)}.{ext}" for b, lang in CASES for ext in files_of(parse(block_in(b, lang)))}
    expected |= {"index.md"}
    present = {p.name for p in GALLERY.iterdir() if p.suffix != ".png"}
    assert present == expected, STALE


def test_gallery_index_lists_every_block() -> None:
    index = (GALLERY / "index.md").read_text(encoding="utf-8")
    for block, lang in CASES:
        assert f"seqarch {block_in(block, lang)}\n" in index
        assert f"({slug(block, lang)}.{files_of(parse(block_in(block, lang)))[1]})" in index


@pytest.mark.parametrize("name", sorted(p.name for p in GALLERY.glob("*.svg")))
def test_gallery_svg_is_well_formed(name: str) -> None:
    root = ET.parse(GALLERY / name).getroot()
    assert root.get("role") == "img"
    assert not any(el.get("baseline-shift") for el in root.iter())  # scripts have explicit size and baseline
    assert root.find("{http://www.w3.org/2000/svg}title").text
