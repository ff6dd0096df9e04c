"""Tiny real MkDocs sites built in tmp_path: default theme and Material, strict and not, and the cache."""

from __future__ import annotations

import json
import logging
import os
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


def summary(caplog) -> str:
    """The plugin's summary line of the last build, without its timing."""
    lines = [r.getMessage() for r in caplog.records if "block(s)" in r.getMessage()]
    return re.sub(r", [0-9.]+ s$", "", lines[-1]) if lines else ""


def test_summary_line_counts_cold_and_warm_builds(tmp_path: Path, caplog) -> None:
    config_file = make_site(tmp_path, {"index.md": GOOD, "b.md": GOOD})
    with caplog.at_level(logging.INFO):
        run_build(config_file)
        # two distinct figures, each used on two pages: rendered once, reused once
        assert summary(caplog) == "seqdiagrams: 4 block(s), 2 rendered, 2 from cache, 0 error(s)"
        run_build(config_file)
        assert summary(caplog) == "seqdiagrams: 4 block(s), 0 rendered, 4 from cache, 0 error(s)"


def run_cli(config_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config_file), *args],
                          capture_output=True, text=True, timeout=300)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The build failed with exactly one ERROR line and no traceback; that line's message."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, result.stderr
    return errors[0].removeprefix("ERROR").lstrip(" -")


def yaml_position(path: Path, needle: str) -> str:
    """``path:line:col`` of ``needle`` in a file, as a user would find it in an editor."""
    text = path.read_text(encoding="utf-8")
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    return f"{path}:{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


@pytest.mark.parametrize(("option", "value", "message"), [
    ("lang", "fr", "seqdiagrams option `lang`: Expected one of: ('en', 'zh') but received: 'fr'"),
    ("workers", 0, "seqdiagrams option `workers`: must be at least 1, got 0"),
    ("registry", ["missing.yaml"],
     "seqdiagrams option `registry`: The path '{root}/missing.yaml' isn't an existing file."),
])
def test_bad_option_is_one_located_error_line(tmp_path: Path, option: str, value: object, message: str) -> None:
    config_file = make_site(tmp_path, {"index.md": GOOD}, **{option: value})
    needle = f"{option}:"
    text = config_file.read_text(encoding="utf-8")
    after = text.index(needle) + len(needle)
    value_at = after + len(text[after:]) - len(text[after:].lstrip(" \n"))  # the value, on this line or below
    where = yaml_position(config_file, text[value_at:value_at + 8])
    assert one_error_line(run_cli(config_file)) == f"{where}: {message.format(root=tmp_path)}"


@pytest.mark.parametrize(("overlay", "needle", "message"), [
    ("labels:\n  hidden-state: [1, 2\n", None, "invalid YAML: did not find expected ',' or ']'"),
    ('archs:\n  rnn:\n    year: "soon"\n', '"soon"', "registry entry `archs.rnn.year`: "),
])
def test_bad_registry_overlay_is_one_located_error_line(tmp_path: Path, overlay: str, needle: str | None,
                                                        message: str) -> None:
    path = tmp_path / "overlay.yaml"
    path.write_text(overlay, encoding="utf-8")
    config_file = make_site(tmp_path, {"index.md": GOOD}, registry=[str(path)])
    line = one_error_line(run_cli(config_file))
    where = yaml_position(path, needle) if needle else f"{path}:3:1"  # YAML reports the unclosed list at EOF
    assert line.startswith(f"{where}: {message}")


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
    assert (warm.misses["svg"], warm.misses["html"]) == (0, 0)  # nothing rendered
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
    assert len(list(shared.rglob("*.svg"))) == sum(text.count("```seqarch") for text in pages.values())  # one each


@pytest.mark.parametrize("workers", [None, 1])
def test_cold_build_prerenders_figures_in_parallel(tmp_path: Path, caplog, workers: int | None) -> None:
    pages = {f"p{i}.md": f"```seqarch rnn unroll={i + 2}\n```\n\n```seqarch gru view=unrolled unroll={i + 1}\n```\n"
             for i in range(6)}
    pages["bad.md"] = BAD
    config_file = make_site(tmp_path, pages, **({"workers": workers} if workers else {}))
    with caplog.at_level(logging.INFO):
        config = run_build(config_file)
    plugin = plugin_of(config)
    # the default pool (one worker per CPU) renders all 12 figures; `workers: 1` renders them in the build
    assert plugin.pooled == (12 if workers is None and (os.cpu_count() or 1) > 1 else 0)
    assert plugin.extension.cache.misses["svg"] == 12 - plugin.pooled
    assert summary(caplog) == "seqdiagrams: 13 block(s), 12 rendered, 0 from cache, 1 error(s)"
    assert any("bad.md:8:17" in r.getMessage() for r in caplog.records)  # still reported by the page pass
    html = (tmp_path / "site" / "p3" / "index.html").read_text(encoding="utf-8")
    assert html.count('<figure class="sqd-figure"') == 2
    with caplog.at_level(logging.INFO):
        run_build(config_file)
    assert summary(caplog) == "seqdiagrams: 13 block(s), 0 rendered, 12 from cache, 1 error(s)"


def test_site_without_blocks_loads_nothing_heavy(tmp_path: Path) -> None:
    config_file = make_site(tmp_path, {"index.md": "# Plain\n\n```python\nx = 1\n```\n"})
    code = ("import sys; from mkdocs.commands.build import build; from mkdocs.config import load_config; "
            f"build(load_config({str(config_file)!r})); "
            "heavy = ('pygraphviz', 'pydantic', 'matplotlib', 'seqdiagrams.registry'); "
            "print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


# -- MkDocs conventions: enabled, Files, plugin order, search --------------------------------------------

ASSET_PAGE = "# Assets\n\n```seqarch timeline from=2014\n```\n\n```seqarch formulas arch=rnn\n```\n"
RECORD_FILES = '''\
import json
from pathlib import Path

from mkdocs.plugins import event_priority


@event_priority(-100)
def on_files(files, config):
    uris = sorted(f.src_uri for f in files)
    (Path(config.config_file_path).parent / "files.json").write_text(json.dumps(uris), encoding="utf-8")
'''


def write_site(root: Path, pages: dict[str, str], plugins: list[object], **extra: object) -> Path:
    """A site with the given plugin list (and other top-level settings)."""
    config_file = make_site(root, pages)
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config.update(plugins=plugins, **extra)
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    return config_file


def test_enabled_false_leaves_blocks_as_code(tmp_path: Path) -> None:
    run_build(make_site(tmp_path, {"index.md": GOOD}, enabled=False))
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "sqd-figure" not in html and "seqdiagrams.css" not in html
    assert "seqarch rnn unroll=2" in html or "<code>" in html  # the source is shown as written
    assert not (tmp_path / "site" / "assets" / "seqdiagrams").exists()


def test_assets_are_site_files(tmp_path: Path) -> None:
    from seqdiagrams.mkdocs_plugin import CSS_PATH
    from seqdiagrams.page_assets import BUNDLES, SITE_DIR

    (tmp_path / "hooks.py").write_text(RECORD_FILES, encoding="utf-8")
    run_build(write_site(tmp_path, {"index.md": ASSET_PAGE, "plain.md": GOOD}, ["seqdiagrams"],
                         hooks=["hooks.py"]))
    uris = {uri for uri in json.loads((tmp_path / "files.json").read_text(encoding="utf-8"))
            if uri.startswith(SITE_DIR)}
    expected = {CSS_PATH} | {f"{SITE_DIR}/{path}" for bundle in BUNDLES.values()
                             for path in bundle.stylesheets}
    assert expected <= uris
    assert any(uri.startswith(f"{SITE_DIR}/vendor/katex/fonts/") and uri.endswith(".woff2") for uri in uris)
    assert f"{SITE_DIR}/vendor/katex/katex.min.js" not in uris  # KaTeX's script runs at build time only
    for uri in uris:
        assert (tmp_path / "site" / uri).is_file(), uri
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    plain = (tmp_path / "site" / "plain" / "index.html").read_text(encoding="utf-8")
    assert "vendor/katex/katex.min.css" in index and "mermaid" not in index  # timelines need no script
    assert "vendor/" not in plain  # a page links only what it uses


def test_site_without_math_or_timelines_ships_neither(tmp_path: Path) -> None:
    run_build(make_site(tmp_path, {"index.md": GOOD}))
    assert (tmp_path / "site" / "assets" / "seqdiagrams" / "seqdiagrams.css").is_file()
    assert not (tmp_path / "site" / "assets" / "seqdiagrams" / "vendor").exists()


@pytest.mark.parametrize("order", ["minify-first", "minify-last"])
def test_minify_before_or_after_us(tmp_path: Path, order: str) -> None:
    pytest.importorskip("mkdocs_minify_plugin")
    minify = {"minify": {"minify_html": True}}
    plugins = ["search", minify, "seqdiagrams"] if order == "minify-first" else ["search", "seqdiagrams", minify]
    run_build(write_site(tmp_path, {"index.md": ASSET_PAGE}, plugins))
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "\n    <meta" not in html and "<meta" in html  # minified
    assert "vendor/katex/katex.min.css" in html
    assert "sqd-tl" in html and "mermaid" not in html  # the timeline is drawn at build time: no script


@pytest.mark.parametrize(("theme", "plugins"), [("mkdocs", ["search", "seqdiagrams"]),
                                                 ("material", ["search", "seqdiagrams"]),
                                                 ("material", ["seqdiagrams", "search"])])
def test_search_index_reads_each_figure_once(tmp_path: Path, theme: str, plugins: list[str]) -> None:
    text = "# Page\n\n```seqarch gru\n```\n\n```seqarch timeline from=2014\n```\n\n```seqarch formulas arch=rnn\n```\n"
    config_file = write_site(tmp_path, {"index.md": text}, plugins,
                             theme={"name": theme, **({"font": False} if theme == "material" else {})})
    run_build(config_file)
    page_html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert page_html.count('<figure class="sqd-figure"') == 3  # the page keeps its figures
    svg = page_html.split('<figure class="sqd-figure"')[1]
    title = re.search(r"<title[^>]*>([^<]+)</title>", svg).group(1)
    desc = re.search(r"<desc[^>]*>([^<]+)</desc>", svg).group(1)
    labels = set(re.findall(r"<text[^>]*>([^<]+)</text>", svg))
    index = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    words = " ".join(doc["text"] for doc in index["docs"])
    for needle in (title, desc.split(". ")[1], r"h_t = \tanh(W_{xh}x_t"):  # each formula once, as TeX
        counts = [doc["text"].count(needle) for doc in index["docs"]]
        assert max(counts) == 1, (needle, counts)  # once per entry (MkDocs indexes the page and its sections)
    assert "→ t+1" in labels and "t+1" not in words  # the next-step stub: a mark only the drawing has
    assert "accTitle" not in words and "section " not in words  # no Mermaid source
    assert "Transformer" in words  # the timeline's events stay searchable


def test_a_warm_build_reads_the_search_text_of_its_figures_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    import seqdiagrams.rendering.renderer as renderer_module

    text = "# Page\n\n```seqarch gru\n```\n\n```seqarch formulas arch=rnn\n```\n"
    config_file = write_site(tmp_path, {"index.md": text}, ["search", "seqdiagrams"])
    index = tmp_path / "site" / "search" / "search_index.json"
    cold = plugin_of(run_build(config_file)).extension.cache
    first = index.read_text(encoding="utf-8")
    monkeypatch.setattr(renderer_module, "_KNOWN", {})  # as in a new process: nothing known but the cache
    monkeypatch.setattr(renderer_module, "summary", lambda html: pytest.fail("a figure's HTML read for words"))
    warm = plugin_of(run_build(config_file)).extension.cache
    assert cold.misses["facts"] >= 2 and warm.misses["facts"] == 0  # two figures: their words come with their facts
    assert warm.hits["facts"] == 2
    assert index.read_text(encoding="utf-8") == first  # the same words as when they were read from the figures
    page_html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<svg[^>]*>\s*<title[^>]*>([^<]+)</title>", page_html).group(1)
    assert json.dumps(title)[1:-1] in first  # the figure's own title, as the search index spells it


def test_a_warm_build_reads_each_figure_once_and_only_to_write_its_page(tmp_path: Path, monkeypatch) -> None:
    """The page pass and the site's bundles read each figure's small facts, once; its HTML is read once, by
    on_post_page, when the first finished page showing it is written (kept for the others)."""
    import seqdiagrams.rendering.renderer as renderer_module
    from seqdiagrams.rendering.cache import DiskCache

    pages = {"index.md": GOOD, "b.md": GOOD + "\n```seqarch formulas arch=rnn\n```\n"}
    config_file = make_site(tmp_path, pages, workers=1)
    run_build(config_file)
    first = {name: page(tmp_path, name) for name in ("index.html", "b/index.html")}
    reads: list[tuple[str, str]] = []
    real = DiskCache.peek

    def counting(self, identity: str, kind: str) -> bytes | None:
        reads.append((kind, identity))
        return real(self, identity, kind)

    import mkdocs.commands.build as mkdocs_build

    written_after: list[int] = []  # cache reads done before each page is written (after every page converted)
    real_write = mkdocs_build._build_page

    def writing(*args, **kwargs):
        written_after.append(len(reads))
        return real_write(*args, **kwargs)

    monkeypatch.setattr(DiskCache, "peek", counting)
    monkeypatch.setattr(mkdocs_build, "_build_page", writing)
    monkeypatch.setattr(renderer_module, "_KNOWN", {})  # as in a new process: nothing known but the cache
    run_build(config_file)
    figures = {identity for kind, identity in reads if kind == "html"}
    assert len(figures) == 3  # the two blocks of GOOD (same ordinals on both pages) and the formulas section
    assert sorted(kind for kind, _ in reads if kind == "facts") == ["facts"] * 3  # once per distinct figure
    assert sum(kind == "html" for kind, _ in reads) == 3  # once each, though GOOD's two are on both pages
    assert all(kind != "html" for kind, _ in reads[:written_after[0]])  # the page pass read no figure
    assert {name: page(tmp_path, name) for name in first} == first


def test_what_a_page_needs_is_read_from_its_content_not_the_navigation(tmp_path: Path, monkeypatch) -> None:
    """The theme's HTML around a page's content (its navigation lists every page of the site) holds no figure
    or formula: scanning it would make each page cost more as the site grows."""
    import seqdiagrams.mkdocs_plugin as plugin_module

    pages = {f"page{n}.md": f"# Page title {n}\n\n```seqarch rnn unroll=2\n```\n" for n in range(6)}
    pages["steps.md"] = "# Steps\n\n```seqarch rnn unroll=2 steps=true\n```\n"
    config_file = make_site(tmp_path, pages, theme="material", workers=1)
    scanned: list[str] = []
    real = plugin_module.needed
    monkeypatch.setattr(plugin_module, "needed", lambda html, known=(): (scanned.append(html), real(html, known))[1])
    run_build(config_file)
    contents = [html for html in scanned if html]  # the others: a figure's own signs, the 404 page
    assert len(contents) == 7 and sum("Page title 3" in html for html in contents) == 1
    steps = page(tmp_path, "steps/index.html").decode()
    assert steps.count("steps/steps.js") == 1  # the figures' own needs still count
    assert all("steps.js" not in page(tmp_path, f"page{n}/index.html").decode() for n in range(6))


def test_a_rebuild_in_one_process_redoes_only_what_the_edit_changed(tmp_path: Path, monkeypatch) -> None:
    """`mkdocs serve` rebuilds the site in one process: the registry (keyed by its files' content), the figures'
    facts and the imports are kept; only the edited page's new figure is rendered and its facts read."""
    from seqdiagrams.registry import _load
    from seqdiagrams.rendering.cache import DiskCache

    config_file = make_site(tmp_path, {"index.md": GOOD, "b.md": GOOD})
    run_build(config_file)
    (tmp_path / "docs" / "b.md").write_text(GOOD + "\n```seqarch lstm\n```\n", encoding="utf-8")
    run_build(config_file)  # the first figure rendered in this process: the registry is loaded now
    loads = _load.cache_info().misses
    (tmp_path / "docs" / "b.md").write_text(GOOD + "\n```seqarch gru view=unrolled unroll=2\n```\n", encoding="utf-8")
    reads: list[str] = []
    real = DiskCache.peek

    def counting(self, identity: str, kind: str) -> bytes | None:
        reads.append(kind)
        return real(self, identity, kind)

    monkeypatch.setattr(DiskCache, "peek", counting)
    modules = set(sys.modules)
    plugin = plugin_of(run_build(config_file))
    assert plugin.extension.stats.rendered == 1 and _load.cache_info().misses == loads  # the registry is kept
    assert reads.count("facts") == 2  # the new figure's only: missing before the pool, present after it
    assert reads.count("html") == 3  # each figure once, to write its pages (GOOD's two are on both pages)
    assert set(sys.modules) == modules  # nothing imported again, nothing new


def test_a_warm_build_loads_neither_the_registry_nor_a_block_parser(tmp_path: Path) -> None:
    config_file = make_site(tmp_path, {"index.md": GOOD})
    run_build(config_file)  # fills the cache
    first = page(tmp_path)
    probe = ("import sys\nfrom mkdocs.commands.build import build\nfrom mkdocs.config import load_config\n"
             f"build(load_config({str(config_file)!r}))\n"
             "print(sorted(m for m in ('pydantic', 'seqdiagrams.registry', 'seqdiagrams.spec') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert page(tmp_path) == first  # byte-identical to the build that rendered the figures
    (tmp_path / "docs" / "index.md").write_text(GOOD + "\n```seqarch lstm\n```\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert "pydantic" in result.stdout  # a new figure is rendered: the registry is loaded for it


def test_every_page_is_scanned_once_and_its_blocks_keep_their_place(tmp_path: Path, monkeypatch, caplog) -> None:
    """The prerender pass keeps each page's blocks for the page pass; locations are those of the user's file."""
    import seqdiagrams.markdown_ext as markdown_ext
    import seqdiagrams.scan as scan

    scanned: list[str | None] = []
    real = scan.scan_markdown_lines

    def counting(lines, path=None, line_offset=0):
        scanned.append(path)
        return real(lines, path, line_offset)

    for module in (scan, markdown_ext):
        monkeypatch.setattr(module, "scan_markdown_lines", counting)
    bad = "---\ntitle: T\n---\n\n# T\n\n\tindented\n\n```seqarch lstm unrol=3\n```\n"
    with caplog.at_level(logging.WARNING):
        run_build(make_site(tmp_path, {"index.md": GOOD, "bad.md": bad}))
    assert sorted(scanned) == ["bad.md", "index.md"]
    assert any("bad.md:9:17: unknown key `unrol`" in r.getMessage() for r in caplog.records)


# -- per-page language ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "zh-CN"])
def test_front_matter_lang_is_the_page_default(tmp_path: Path, lang: str) -> None:
    zh = f"---\nlang: {lang}\n---\n# 页\n\n```seqarch rnn\n```\n\n```seqarch rnn lang=en\n```\n"
    run_build(make_site(tmp_path, {"zh.md": zh, "en.md": "```seqarch rnn\n```\n"}))
    first, second = (tmp_path / "site" / "zh" / "index.html").read_text(encoding="utf-8").split(
        '<figure class="sqd-figure"')[1:]
    assert "隐藏状态" in first and "hidden state" in second  # the block's own lang still wins
    assert "hidden state" in (tmp_path / "site" / "en" / "index.html").read_text(encoding="utf-8")


def test_prerender_uses_the_page_language(tmp_path: Path) -> None:
    blocks = "\n".join(f"```seqarch rnn unroll={n}\n```\n" for n in range(1, 9))
    config = run_build(make_site(tmp_path, {"zh.md": "---\nlang: zh\n---\n" + blocks}, workers=2))
    plugin = plugin_of(config)
    assert plugin.pooled == 8 and plugin.extension.stats.rendered == 0  # the page pass found them all ready
    assert (tmp_path / "site" / "zh" / "index.html").read_text(encoding="utf-8").count("隐藏状态") >= 8


def test_superfences_preserve_tabs_site_renders_blocks_and_strict_fails_on_bad_ones(tmp_path: Path) -> None:
    fences = {"pymdownx.superfences": {"preserve_tabs": True, "relaxed_headers": True}}
    tabbed = '=== "A"\n\n    ```seqarch gru\n    ```\n\n=== "B"\n\n    Text.\n'
    (tmp_path / "snippet.md").write_text("```seqarch attention\n```\n", encoding="utf-8")
    config_file = write_site(tmp_path, {"index.md": GOOD + "\n" + tabbed + '\n--8<-- "snippet.md"\n'},
                             ["seqdiagrams"], theme={"name": "material", "font": False},
                             markdown_extensions=[fences, {"pymdownx.tabbed": {"alternate_style": True}},
                                                  {"pymdownx.snippets": {"base_path": [str(tmp_path)]}}])
    run_build(config_file, strict=True)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert html.count('<figure class="sqd-figure"') == 4
    (tmp_path / "docs" / "bad.md").write_text(BAD, encoding="utf-8")
    result = run_cli(config_file, "--strict")
    assert result.returncode == 1 and "bad.md:8:17: unknown key `unrol`" in result.stderr


def test_a_bundle_only_the_pages_own_html_needs_is_shipped_too(tmp_path: Path) -> None:
    from seqdiagrams.page_assets import BUNDLES, SITE_DIR

    own_katex = '<span class="katex">x</span>'  # the page's own KaTeX markup, which no figure predicted
    assert BUNDLES["katex"].marker.search(own_katex)
    run_build(make_site(tmp_path, {"index.md": f"```seqarch rnn\n```\n\n<div>{own_katex}</div>\n"}))
    for path in BUNDLES["katex"].stylesheets:
        assert (tmp_path / "site" / SITE_DIR / path).is_file()
        assert path in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
