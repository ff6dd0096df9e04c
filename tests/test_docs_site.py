"""The project's documentation site builds strictly (internal links and anchors checked), with every generated page.

The site is built once, as CI builds it (``mkdocs build --strict -f docs/mkdocs.yml``), from a copy of ``docs/`` in a
temporary folder, so its figure cache and output stay out of the repository.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from seqdiagrams.gallery import examples
from seqdiagrams.reference import pages
from seqdiagrams.registry import Registry
from seqdiagrams.registry.overlay_schema import schema_text

pytestmark = pytest.mark.slow  # a 223-figure site: over 60 s when the machine is busy

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "docs" / "mkdocs.yml"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    copy = tmp_path_factory.mktemp("docs") / "docs"
    shutil.copytree(CONFIG.parent, copy, ignore=shutil.ignore_patterns("site", ".cache"))
    out = tmp_path_factory.mktemp("docs-site")
    config = load_config(str(copy / CONFIG.name), site_dir=str(out), strict=True)
    build(config)  # strict: a broken link, a missing anchor or a bad block aborts the build
    return out


def test_strict_build_checks_internal_links_and_anchors() -> None:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)  # MkDocs tags (!relative) are not data
    config = yaml.load(CONFIG.read_text(encoding="utf-8"), Loader=Loader)
    assert config["docs_dir"] == "src"  # the gallery's golden files (docs/gallery) are not part of the site
    assert config["validation"]["links"] == {"not_found": "warn", "anchors": "warn", "absolute_links": "warn",
                                             "unrecognized_links": "warn"}


def test_every_generated_page_is_built(site: Path) -> None:
    for path in pages(Registry.default()):
        built = site / path.removesuffix("index.md").removesuffix(".md") / "index.html"
        assert built.is_file(), path
    assert (site / "authoring" / "overlay.schema.json").read_text(encoding="utf-8") == schema_text()
    assert (site / "authoring" / "overlay-example.yaml").is_file()


def test_gallery_pages_draw_every_example_without_an_error(site: Path) -> None:
    count = sum(1 for _ in examples())
    for lang_dir in ("gallery", "zh/gallery"):
        html = (site / lang_dir / "index.html").read_text(encoding="utf-8")
        assert len(re.findall(r'<figure class="sqd-figure', html)) == count, lang_dir
        assert "sqd-error" not in html


def test_no_page_shows_an_error_box(site: Path) -> None:
    broken = [str(p.relative_to(site)) for p in site.rglob("*.html") if "sqd-error" in p.read_text(encoding="utf-8")]
    assert broken == []


def test_pipeline_figure_is_drawn_in_the_projects_style(site: Path) -> None:
    html = (site / "explanations" / "pipeline" / "index.html").read_text(encoding="utf-8")
    assert "<!-- pipeline-figure -->" not in html
    svg = re.search(r'<svg [^>]*id="sqd-pipeline-"[^>]*class="sqd-svg sqd-theme-auto"', html)
    assert svg is not None  # themed like every diagram: it follows the palette toggle
    assert '<title id="sqd-pipeline--title">The seqdiagrams pipeline</title>' in html


def test_chinese_pages_draw_chinese_figures(site: Path) -> None:
    html = (site / "zh" / "getting-started" / "index.html").read_text(encoding="utf-8")
    assert "隐藏状态" in html  # the registry's Chinese label of the hidden state, in the rnn figure
