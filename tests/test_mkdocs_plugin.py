"""Tiny real MkDocs sites built in tmp_path: default theme and Material, strict and not, and the cache."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

GOOD = "# Page\n\n```seqarch rnn unroll=2\n```\n\n```seqarch gru lang=zh\n```\n"
BAD = "---\ntitle: Bad\n---\n# Bad\n\nText.\n\n```seqarch lstm unrol=3\n```\n"


def make_site(root: Path, pages: dict[str, str], theme: str = "mkdocs", **plugin: object) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    config = {
        "site_name": "Test",
        "theme": {"name": theme, **({"font": False} if theme == "material" else {})},
        "plugins": [{"seqdiagrams": plugin} if plugin else "seqdiagrams"],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root / "mkdocs.yml"


def run_build(config_file: Path, strict: bool = False):
    config = load_config(str(config_file), strict=strict)
    build(config)
    return config


def page(site: Path, name: str = "index.html") -> bytes:
    """A built page without MkDocs' own build-date comment."""
    text = (site / "site" / name).read_bytes()
    return re.sub(rb"Build Date UTC : [^\n]*", b"", text)


def plugin_of(config):
    return config.plugins["seqdiagrams"]


@pytest.mark.parametrize("theme", ["mkdocs", "material"])
def test_site_renders_blocks(tmp_path: Path, theme: str) -> None:
    config = run_build(make_site(tmp_path, {"index.md": GOOD}, theme))
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert html.count('<figure class="sqd-figure"') == 2
    assert "隐藏状态" in html
    assert "assets/seqdiagrams/seqdiagrams.css" in html
    assert (tmp_path / "site" / "assets" / "seqdiagrams" / "seqdiagrams.css").is_file()
    assert plugin_of(config).extension.stats.blocks == 2


def test_material_dark_scheme_is_covered_by_the_site_stylesheet(tmp_path: Path) -> None:
    run_build(make_site(tmp_path, {"index.md": GOOD}, "material"))
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "<style>" not in html.split('<figure class="sqd-figure"')[1]  # shipped once, not per figure
    css = (tmp_path / "site" / "assets" / "seqdiagrams" / "seqdiagrams.css").read_text(encoding="utf-8")
    assert '[data-md-color-scheme="slate"] .sqd-svg.sqd-theme-auto' in css
    assert '[data-md-color-scheme="default"] .sqd-svg.sqd-theme-auto' in css


def test_bad_block_in_non_strict_build_shows_error_box(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        run_build(make_site(tmp_path, {"index.md": GOOD, "bad.md": BAD}))
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    # front matter (3 lines) is counted: the block sits on line 8 of the raw file
    expected = "bad.md:8:17: unknown key `unrol` for subject `lstm` (did you mean `unroll`?)"
    assert any(m.endswith(expected) for m in messages)
    bad = (tmp_path / "site" / "bad" / "index.html").read_text(encoding="utf-8")
    assert "sqd-error" in bad and "unknown key" in bad
    good = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert good.count('<figure class="sqd-figure"') == 2  # other pages are unaffected


def test_bad_block_fails_strict_build(tmp_path: Path) -> None:
    with pytest.raises(Abort):
        run_build(make_site(tmp_path, {"index.md": BAD}), strict=True)


def test_plugin_strict_true_fails_even_without_mkdocs_strict(tmp_path: Path, caplog) -> None:
    with pytest.raises(Abort):
        run_build(make_site(tmp_path, {"index.md": BAD}, strict=True))
    assert any("1 invalid seqarch block(s)" in r.getMessage() for r in caplog.records)


HIGHLIGHT_TYPO = "```seqarch rnn highlight=hidden\n```\n"


def test_a_highlight_that_matches_nothing_warns_and_fails_strict_builds(tmp_path: Path, caplog) -> None:
    """Issue 12 item 19: the figure is drawn and the problem reported; strict (either kind) fails."""
    with caplog.at_level(logging.WARNING):
        run_build(make_site(tmp_path / "lenient", {"index.md": HIGHLIGHT_TYPO}))
    assert any(r.getMessage().endswith("index.md:1:16: `hidden` in `highlight` matches no role or node id of this "
                                       "figure (did you mean `hidden-state`?)") for r in caplog.records)
    assert (tmp_path / "lenient" / "site" / "index.html").read_text(encoding="utf-8").count("<svg") == 1
    with pytest.raises(Abort):
        run_build(make_site(tmp_path / "mkdocs-strict", {"index.md": HIGHLIGHT_TYPO}), strict=True)
    with pytest.raises(Abort):
        run_build(make_site(tmp_path / "plugin-strict", {"index.md": HIGHLIGHT_TYPO}, strict=True))


def test_plugin_strict_false_keeps_strict_build_green(tmp_path: Path) -> None:
    run_build(make_site(tmp_path, {"index.md": BAD}, strict=False), strict=True)
    assert "sqd-error" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_summary_line(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.INFO):
        run_build(make_site(tmp_path, {"index.md": GOOD}))
    assert any("2 block(s), 2 laid out, 0 from cache, 0 error(s)" in r.getMessage() for r in caplog.records)


def test_plugin_options_are_validated(tmp_path: Path) -> None:
    config_file = make_site(tmp_path, {"index.md": GOOD}, lang="fr")
    with pytest.raises(Abort):
        load_config(str(config_file))


def test_site_language_option(tmp_path: Path) -> None:
    run_build(make_site(tmp_path, {"index.md": "```seqarch rnn\n```\n"}, lang="zh"))
    assert "隐藏状态" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_registry_overlay_option(tmp_path: Path) -> None:
    overlay = tmp_path / "names.yaml"
    overlay.write_text("labels:\n  hidden-state: {en: 'memory vector', zh: '记忆向量'}\n", encoding="utf-8")
    run_build(make_site(tmp_path, {"index.md": "```seqarch rnn\n```\n"}, registry=[str(overlay)]))
    assert "memory vector" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


# -- cache -------------------------------------------------------------------------------------------------


def test_warm_rebuild_lays_out_nothing_and_is_identical(tmp_path: Path) -> None:
    config_file = make_site(tmp_path, {"index.md": GOOD, "b.md": GOOD})
    cold = plugin_of(run_build(config_file)).extension.cache
    first = page(tmp_path)
    warm = plugin_of(run_build(config_file)).extension.cache
    assert cold.misses["svg"] == 2  # each distinct block laid out once per build, though used on two pages
    assert (warm.misses["svg"], warm.misses["html"], warm.hits["html"]) == (0, 0, 4)  # nothing rendered
    assert page(tmp_path) == first


def test_corrupt_cache_entry_is_rendered_again(tmp_path: Path) -> None:
    config_file = make_site(tmp_path, {"index.md": GOOD})
    run_build(config_file)
    first = page(tmp_path)
    folder = tmp_path / ".cache" / "seqdiagrams"
    entries = sorted(folder.rglob("*.svg"))
    assert len(entries) == 2
    for entry in [entries[0], *folder.rglob("*.html")]:
        entry.write_bytes(entry.read_bytes()[:100])  # truncated, as after a crash
    cache = plugin_of(run_build(config_file)).extension.cache
    assert (cache.misses["svg"], cache.hits["svg"]) == (1, 1)
    assert page(tmp_path) == first
    assert entries[0].read_bytes().endswith(b"</svg>\n")  # healed


def test_concurrent_builds_share_one_cache(tmp_path: Path) -> None:
    shared = tmp_path / "shared-cache"
    pages = {f"p{i}.md": f"```seqarch rnn unroll={i}\n```\n\n```seqarch lstm view=unrolled unroll={i}\n```\n"
             for i in range(1, 9)}
    sites = [make_site(tmp_path / name, pages, cache_dir=str(shared)) for name in ("a", "b")]
    procs = [subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(s)],
                              stderr=subprocess.PIPE) for s in sites]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    assert page(tmp_path / "a", "p5/index.html") == page(tmp_path / "b", "p5/index.html")
    assert not list(shared.rglob("*.part"))  # no temporary files left behind
    assert len(list(shared.rglob("*.svg"))) == 16


def test_cold_build_prerenders_figures_in_parallel(tmp_path: Path, caplog) -> None:
    pages = {f"p{i}.md": f"```seqarch rnn unroll={i + 2}\n```\n\n```seqarch gru view=unrolled unroll={i + 1}\n```\n"
             for i in range(6)}
    pages["bad.md"] = BAD
    with caplog.at_level(logging.WARNING):
        config = run_build(make_site(tmp_path, pages))
    cache = plugin_of(config).extension.cache
    # the worker pool filled the cache: the page pass found every valid figure finished
    assert (cache.misses["html"], cache.hits["html"]) == (1, 12)  # the one miss: the invalid block (never cached)
    assert cache.misses["svg"] == 0
    assert any("bad.md:8:17" in r.getMessage() for r in caplog.records)  # still reported by the page pass
    html = (tmp_path / "site" / "p3" / "index.html").read_text(encoding="utf-8")
    assert html.count('<figure class="sqd-figure"') == 2


def test_site_without_blocks_loads_nothing_heavy(tmp_path: Path) -> None:
    config_file = make_site(tmp_path, {"index.md": "# Plain\n\n```python\nx = 1\n```\n"})
    code = ("import sys; from mkdocs.commands.build import build; from mkdocs.config import load_config; "
            f"build(load_config({str(config_file)!r})); "
            "heavy = ('pygraphviz', 'pydantic', 'matplotlib', 'seqdiagrams.registry'); "
            "print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
