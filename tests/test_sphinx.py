"""Tiny Sphinx projects built in tmp_path: rST and MyST, HTML, LaTeX and text, -j 2, warnings, rebuilds."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")

from sphinx.testing.util import SphinxTestApp

from seqdiagrams.subjects import catalog, module_of

CONF = """\
extensions = ["myst_parser", "seqdiagrams.sphinx"]
numfig = True
"""
EXAMPLE = Path(__file__).resolve().parents[1] / "example_site" / "sphinx"
FIGURE = re.compile(r'<figure class="sqd-figure".*?</figure>', re.S)
GRAPHIC = re.compile(r"\\sphinxincludegraphics\[\]\{([^}]+)\}")


@dataclass
class Build:
    app: SphinxTestApp
    out: Path
    warnings: str
    read: list[str]

    def html(self, docname: str = "index") -> str:
        return (self.out / f"{docname}.html").read_text(encoding="utf-8")


def project(root: Path, pages: dict[str, str], conf: str = "") -> Path:
    src = root / "src"
    src.mkdir(parents=True, exist_ok=True)
    (src / "conf.py").write_text(CONF + conf, encoding="utf-8")
    for name, text in pages.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    return src


def build(src: Path, builder: str = "html", parallel: int = 1, name: str = "", fresh: bool = False) -> Build:
    """Build in ``<src>/../_build<name>``; ``read`` lists the documents Sphinx read (with -j too)."""
    base = src.parent / f"_build{name}"
    app = SphinxTestApp(builder, src, base, freshenv=fresh, parallel=parallel,
                        confoverrides={"html_theme": "alabaster"})
    read: list[str] = []
    app.connect("env-before-read-docs", lambda _app, _env, docnames: read.extend(docnames))
    try:
        app.build()
    finally:
        app.cleanup()  # docutils' global registry of nodes and directives, for the next app
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return Build(app, base / builder, warnings, sorted(read))


def touch_later(path: Path, text: str) -> None:
    """Rewrite ``path`` with an mtime safely after the last build's read time."""
    path.write_text(text, encoding="utf-8")
    later = time.time_ns() + 2_000_000_000
    os.utime(path, ns=(later, later))


def examples() -> list[str]:
    """One block per subject (its most specific example), so new subjects are covered automatically."""
    return [subject.examples[-1] for subject in catalog().values()]


def kinds() -> list[str]:
    """For each of :func:`examples`: ``pdf`` (a Graphviz diagram), ``png`` (a plot), ``table`` (a subject
    with a ``text_table``: tables, timelines), ``latex`` (formula sections), ``md`` or ``alt``."""
    import importlib

    from seqdiagrams.spec import parse

    out = []
    for example in examples():
        spec = parse(example)
        subject = catalog()[spec.subject]
        formats = subject.formats if subject.uses_render(spec) else ("pdf",)
        module = importlib.import_module(module_of(spec.subject))
        if subject.uses_render(spec) and "png" not in formats and hasattr(module, "text_table"):
            formats = ("table",)
        out.append(next((kind for kind in ("pdf", "png", "table", "latex", "md") if kind in formats), "alt"))
    return out


def rst_page(blocks: list[str]) -> str:
    parts = ["Every subject\n=============\n"]
    for block in blocks:
        info, _, body = block.partition("\n")
        parts.append(f".. seqarch:: {info}\n" + "".join(f"   {line}\n" for line in body.splitlines()))
    return "\n".join(parts)


def myst_page(blocks: list[str]) -> str:
    parts = ["# Every subject\n"]
    for i, block in enumerate(blocks):
        info, _, body = block.partition("\n")
        opener = f"```{{seqarch}} {info}" if i % 2 else f"```seqarch {info}"  # directive and plain fence
        parts.append(opener + "\n" + (body + "\n" if body else "") + "```\n")
    return "\n".join(parts)


EVERY = {"index.rst": "Home\n====\n\n.. toctree::\n\n   rst\n   myst\n", "rst.rst": rst_page(examples()),
         "myst.md": myst_page(examples())}


# -- rendering in every builder ------------------------------------------------------------------


def test_every_subject_renders_in_html_the_same_from_rst_and_myst(tmp_path: Path) -> None:
    result = build(project(tmp_path, EVERY))
    assert "WARNING" not in result.warnings, result.warnings
    rst, myst = FIGURE.findall(result.html("rst")), FIGURE.findall(result.html("myst"))
    assert len(rst) == len(catalog())
    assert rst == myst  # the same blocks give byte-identical figures whichever syntax wrote them
    for kind, figure in zip(kinds(), rst, strict=True):
        assert "<svg" in figure or "<table" in figure or 'class="sqd-tl"' in figure  # timelines: HTML
        if kind == "pdf":  # a Graphviz diagram: accessible, styles inline
            assert 'role="img"' in figure and "<style>" in figure and "<title id=" in figure
    css = (result.out / "_static" / "seqdiagrams.css").read_text(encoding="utf-8")
    assert ".sqd-figure" in css and ".sqd-svg" in css
    assert "_static/seqdiagrams.css" in result.html("rst")


def test_every_subject_renders_in_latex_as_included_pdf_files(tmp_path: Path) -> None:
    result = build(project(tmp_path, EVERY), "latex")
    assert "WARNING" not in result.warnings, result.warnings
    tex = next(result.out.glob("*.tex")).read_text(encoding="utf-8")
    graphics = GRAPHIC.findall(tex)
    expected = [kind for kind in kinds() if kind in ("pdf", "png")]
    assert [Path(name).suffix[1:] for name in graphics] == expected + expected  # rST page, then MyST page
    for name in graphics:
        assert (result.out / name).read_bytes()[:5] in (b"%PDF-", b"\x89PNG\r")
    assert len(set(graphics)) == len(expected)  # named by content: the rST and MyST copies share a file
    assert tex.count(r"\begin{sphinxVerbatim}") == 2 * kinds().count("md")  # other data, as Markdown
    assert tex.count(r"\begin{longtable}") >= 2 * kinds().count("table")  # tables and timelines, as real tables
    assert tex.count(r"\begin{equation") >= 2 * kinds().count("latex")  # formula sections, as real math


def test_text_builder_gets_alt_text(tmp_path: Path) -> None:
    result = build(project(tmp_path, {"index.rst": "T\n=\n\n.. seqarch:: rnn unroll=3\n"}), "text")
    text = " ".join((result.out / "index.txt").read_text(encoding="utf-8").split())
    assert "[diagram: Elman RNN / simple recurrent network unrolled over 3 time steps, 1 layer(s)]" in text


def fake_subjects(monkeypatch: pytest.MonkeyPatch, fakes: dict) -> None:
    """Make ``fakes`` (name → Subject) known to the catalogue for one test, as if each had its own module."""
    from seqdiagrams import subjects

    for name, subject in fakes.items():
        module = types.ModuleType(f"seqdiagrams.subjects.{name}")
        module.SUBJECT = subject  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, f"seqdiagrams.subjects.{name}", module)
    monkeypatch.setattr(subjects, "SUBJECT_MODULES", (*subjects.SUBJECT_MODULES, *fakes))
    subjects.get_subject.cache_clear()


def test_text_builder_alt_text_speaks_the_block_language(tmp_path: Path) -> None:
    from seqdiagrams.registry import Registry
    from seqdiagrams.rendering import build_graph
    from seqdiagrams.spec import parse

    src = project(tmp_path, {"index.rst": "T\n=\n\n.. seqarch:: gru\n"}, 'seqdiagrams_lang = "zh"\n')
    text = "".join((build(src, "text").out / "index.txt").read_text(encoding="utf-8").split())
    registry = Registry.default()
    title = build_graph(parse("gru lang=zh"), registry).title
    expected = registry.label("phrase.figure-text-alt", "zh").format(title=title)
    assert expected.startswith("[图") and "".join(expected.split()) in text


def test_sphinx_and_mkdocs_sites_link_the_same_stylesheet(tmp_path: Path) -> None:
    """One stylesheet source: the file a Sphinx build writes is byte for byte the one the MkDocs plugin writes."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    sphinx_css = build(project(tmp_path / "sphinx", {"index.rst": "T\n=\n"})).out / "_static" / "seqdiagrams.css"
    site = tmp_path / "mkdocs"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "index.md").write_text("# T\n", encoding="utf-8")
    (site / "mkdocs.yml").write_text("site_name: T\nplugins: [seqdiagrams]\n", encoding="utf-8")
    mkdocs_build(load_config(str(site / "mkdocs.yml")))
    mkdocs_css = site / "site" / "assets" / "seqdiagrams" / "seqdiagrams.css"
    assert sphinx_css.read_bytes() == mkdocs_css.read_bytes()
    assert b".sqd-table" in sphinx_css.read_bytes() and b"figure>.sqd-figure" in sphinx_css.read_bytes()


@pytest.fixture
def data_subjects(monkeypatch: pytest.MonkeyPatch):
    """Two non-graph subjects like the tables and plots others are adding: one with Markdown, one without."""
    from seqdiagrams import subjects
    from seqdiagrams.subjects import Output, Subject

    def table(spec, registry, fmt, prefix, styles=True):
        if fmt == "md":
            return Output("| arch | year |\n|---|---|\n| rnn | 1990 |\n")
        return Output('<table class="fake"><tr><td>rnn</td><td>1990</td></tr></table>', "A fake table")

    def plot(spec, registry, fmt, prefix, styles=True):
        return Output('<svg class="fake-plot"></svg>', "A fake plot")

    fake_subjects(monkeypatch, {
        "faketable": Subject("faketable", "a table", {}, ("faketable",), render=table, formats=("html", "md"),
                             golden="md"),
        "fakeplot": Subject("fakeplot", "a cost plot", {}, ("fakeplot",), render=plot, formats=("html",),
                            golden="html")})
    yield
    subjects.get_subject.cache_clear()


DATA_PAGE = "Data\n====\n\n.. seqarch:: faketable\n\n.. seqarch:: fakeplot title=\"Cost of attention\"\n"


def test_non_graph_subjects_use_their_html_or_markdown_or_alt_text(tmp_path: Path, data_subjects) -> None:
    src = project(tmp_path, {"index.rst": DATA_PAGE})
    html = build(src).html()
    assert '<table class="fake">' in html and '<svg class="fake-plot">' in html
    latex = build(src, "latex")
    tex = next(latex.out.glob("*.tex")).read_text(encoding="utf-8")
    assert "| rnn | 1990 |" in tex and "sphinxVerbatim" in tex  # the Markdown rendering, as a literal block
    assert "{[}diagram: Cost of attention{]}" in tex and "includegraphics" not in tex
    text = (build(src, "text").out / "index.txt").read_text(encoding="utf-8")
    assert "| rnn | 1990 |" in text and "[diagram: Cost of attention]" in " ".join(text.split())


def test_latex_pdf_builds_with_latexmk(tmp_path: Path) -> None:
    if shutil.which("latexmk") is None or shutil.which("pdflatex") is None:
        pytest.skip("latexmk/pdflatex not installed: apt-get install latexmk texlive-latex-recommended "
                    "texlive-latex-extra texlive-fonts-recommended tex-gyre")
    result = build(project(tmp_path, EVERY), "latex")
    run = subprocess.run(["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "projectnamenotset.tex"],
                         cwd=result.out, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-3000:]
    assert (result.out / "projectnamenotset.pdf").read_bytes().startswith(b"%PDF-")


# -- the directive: options, MyST forms, figures ---------------------------------------------------


@pytest.mark.parametrize("setting", [
    pytest.param("", id="not-configured"),
    pytest.param('myst_fence_as_directive = ["seqarch"]\n', id="configured-as-before"),
    pytest.param('myst_fence_as_directive = {"mermaid"}\n', id="other-fences-kept"),
])
def test_plain_seqarch_fences_in_myst_need_no_configuration(tmp_path: Path, setting: str) -> None:
    """Issue 12 item 21: without `myst_fence_as_directive` a plain fence came out as a code block."""
    pages = {"index.md": "# T\n\n```seqarch rnn unroll=2\n```\n\n```{seqarch} rnn unroll=2\n```\n"}
    src = project(tmp_path, pages, setting)
    result = build(src)
    figures = FIGURE.findall(result.html())
    assert len(figures) == 2 and all(figure.count("<svg") == 1 for figure in figures)  # plain fence as {seqarch}
    assert "seqarch rnn" not in result.html()  # no code block showing the source
    assert "seqarch" in result.app.config.myst_fence_as_directive
    if "mermaid" in setting:
        assert "mermaid" in result.app.config.myst_fence_as_directive


def test_directive_options_equal_the_info_string(tmp_path: Path) -> None:
    pages = {"index.rst": (".. seqarch:: rnn unroll=3 layers=2 caption=\"Two layers\"\n\n"
                           ".. seqarch:: rnn\n   :unroll: 3\n   :layers: 2\n   :caption: Two layers\n\n"
                           ".. seqarch:: rnn\n\n   unroll: 3\n   layers: 2\n   caption: Two layers\n"),
             "myst.md": ("```{seqarch} rnn\n:unroll: 3\n:layers: 2\n:caption: Two layers\n```\n\n"
                         "```{seqarch} rnn\n---\nunroll: 3\nlayers: 2\ncaption: Two layers\n---\n```\n\n"
                         "```seqarch rnn unroll=3 layers=2 caption=\"Two layers\"\n```\n\n"
                         "```{seqarch} seqarch rnn unroll=3 layers=2 caption=\"Two layers\"\n```\n")}
    result = build(project(tmp_path, pages, 'exclude_patterns = ["_build*"]\nroot_doc = "index"\n'))
    figures = [re.sub(r"sqd-[0-9a-f]{8}(-\d)?", "ID", f) for f in FIGURE.findall(result.html())]
    assert len(figures) == 3 and len(set(figures)) == 1
    myst = [re.sub(r"sqd-[0-9a-f]{8}(-\d)?", "ID", f) for f in FIGURE.findall(result.html("myst"))]
    assert myst == [*figures, figures[0]]  # the last one repeats the word `seqarch` in its argument
    assert result.html().count('<span class="caption-text">Two layers</span>') == 3


def test_check_and_sphinx_read_directive_options_alike(tmp_path: Path) -> None:
    """Issue 13: `:caption: "a b"` kept its quotes in `seqdiagrams check` but not in Sphinx, and `check`
    refused the `:name:` Sphinx accepts in a MyST fence. Both now read options through one conversion."""
    from seqdiagrams.scan import scan_file
    from seqdiagrams.spec import parse, parse_parts

    caption = parse('rnn caption="Two: layers # deep"')["caption"]  # what the info-string grammar reads
    pages = {"index.rst": ('T\n=\n\n.. seqarch:: rnn\n   :name: fig-a\n   :caption: "Two: layers # deep"\n\n'
                           ".. seqarch:: rnn\n   :caption: 'Two: layers # deep'\n\n.. toctree::\n\n   myst\n"),
             "myst.md": '# M\n\n```{seqarch} rnn\n:name: fig-b\n:caption: "Two: layers # deep"\n```\n'}
    src = project(tmp_path, pages, 'exclude_patterns = ["_build*"]\n')
    result = build(src)
    assert "WARNING" not in result.warnings, result.warnings
    shown = f'<span class="caption-text">{caption}</span>'
    assert result.html().count(shown) == 2 and result.html("myst").count(shown) == 1
    for name in pages:
        blocks = scan_file(src / name)
        assert [parse_parts(b.info, b.body, b.info_loc, b.body_loc)["caption"] for b in blocks] == \
            [caption] * len(blocks)
    run = subprocess.run([sys.executable, "-m", "seqdiagrams", "check", str(src / "index.rst"), str(src / "myst.md")],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_numref_to_a_named_block(tmp_path: Path) -> None:
    pages = {"index.rst": ("Home\n====\n\n.. seqarch:: lstm forget_gate=false\n   :caption: The 1997 LSTM\n"
                           "   :name: fig-lstm\n\nSee :numref:`fig-lstm` and :numref:`fig-gru`.\n\n"
                           ".. toctree::\n\n   other\n"),
             "other.md": "# Other\n\n```{seqarch} gru\n:caption: The GRU\n:name: fig-gru\n```\n"}
    src = project(tmp_path, pages)
    html = build(src).html()
    assert '<figure class="align-default" id="fig-lstm">' in html
    assert '<span class="caption-number">Fig. 1 </span><span class="caption-text">The 1997 LSTM' in html
    assert '<a class="reference internal" href="#fig-lstm"><span class="std std-numref">Fig. 1</span></a>' in html
    assert '<span class="std std-numref">Fig. 2</span>' in html
    assert html.count("<figcaption>") == 1  # Sphinx's caption only, not the figure's generated one too
    tex = next(build(src, "latex").out.glob("*.tex")).read_text(encoding="utf-8")
    assert r"\caption{The 1997 LSTM}\label{\detokenize{index:fig-lstm}}" in tex
    assert r"\ref{\detokenize{index:fig-lstm}}" in tex


def test_a_caption_with_math_is_shown_once(tmp_path: Path) -> None:
    """The figure's own typeset caption holds KaTeX markup; inside Sphinx's numbered figure it must still go
    (it was kept, so the caption showed twice)."""
    pages = {"index.rst": "T\n=\n\n.. seqarch:: rnn\n   :caption: Energy $E=mc^2$ here\n"}
    html = build(project(tmp_path, pages)).html()
    figure = FIGURE.findall(html)[0]
    assert "<figcaption>" not in figure and figure.endswith("</svg>\n</figure>")
    assert html.count("<figcaption>") == 1 and '<span class="caption-text">Energy $E=mc^2$ here</span>' in html


# -- errors and warnings ---------------------------------------------------------------------------

BAD = {"index.rst": "Home\n====\n\nText.\n\n.. seqarch:: lstm unrol=3\n\n.. seqarch:: rnn\n   :unroll: 99\n",
       "myst.md": "# MyST\n\nText.\n\n```seqarch gru\nview: cel\n```\n"}


def test_bad_blocks_warn_at_their_line_with_type_and_subtype(tmp_path: Path) -> None:
    result = build(project(tmp_path, BAD, 'exclude_patterns = ["_build*"]\n'))
    lines = [line.split("/src/", 1)[-1] for line in result.warnings.strip().splitlines()]
    assert "index.rst:6: WARNING: unknown key `unrol` for subject `lstm` (did you mean `unroll`?) " \
           "[seqdiagrams.unknown_key]" in lines
    assert "index.rst:9: WARNING: `unroll` must be between 1 and 16, got 99 (use a value from 1 to 16) " \
           "[seqdiagrams.out_of_range]" in lines
    assert "myst.md:6: WARNING: `view` expects one of cell|unrolled, got `cel` (did you mean `cell`?) " \
           "[seqdiagrams.bad_value]" in lines
    html = result.html()
    assert html.count("sqd-error") == 2 and "unknown key `unrol`" in html and "seqarch:: lstm unrol=3" in html


def test_suppress_warnings_silences_a_subtype(tmp_path: Path) -> None:
    conf = 'exclude_patterns = ["_build*"]\nsuppress_warnings = ["seqdiagrams.unknown_key"]\n'
    result = build(project(tmp_path, BAD, conf))
    assert "unknown_key" not in result.warnings
    assert "[seqdiagrams.out_of_range]" in result.warnings  # other subtypes still reported
    assert "unknown key `unrol`" in result.html()  # the error box is still shown


def test_a_highlight_that_matches_nothing_warns_with_its_subtype_and_keeps_the_figure(tmp_path: Path) -> None:
    """Issue 12 item 19 in Sphinx: a warning (so `-W` fails), `suppress_warnings` can silence it."""
    pages = {"index.rst": "T\n=\n\n.. seqarch:: rnn\n   :highlight: hidden\n"}
    result = build(project(tmp_path, pages))
    lines = [line.split("/src/", 1)[-1] for line in result.warnings.strip().splitlines()]
    assert lines == ["index.rst:5: WARNING: `hidden` in `highlight` matches no role or node id of this figure "
                     "(did you mean `hidden-state`?) [seqdiagrams.highlight]"]
    assert len(FIGURE.findall(result.html())) == 1 and "sqd-error" not in result.html()


def test_dash_w_fails_the_build_on_a_bad_block(tmp_path: Path) -> None:
    src = project(tmp_path, {"index.rst": BAD["index.rst"]})
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src), str(tmp_path / "out")],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert re.search(r"index\.rst:6: ?WARNING: unknown key `unrol` for subject `lstm`", run.stderr), run.stderr


def test_strict_option_stops_at_the_first_bad_block(tmp_path: Path) -> None:
    from seqdiagrams.sphinx import SeqdiagramsError

    src = project(tmp_path, {"index.rst": BAD["index.rst"]}, "seqdiagrams_strict = True\n")
    with pytest.raises(SeqdiagramsError, match=r"index\.rst:6:\d+: unknown key `unrol`"):
        build(src)


def test_bad_config_value_warns_and_falls_back(tmp_path: Path) -> None:
    src = project(tmp_path, {"index.rst": "T\n=\n\n.. seqarch:: rnn\n"}, 'seqdiagrams_lang = "fr"\n')
    result = build(src)
    assert "seqdiagrams_lang: option `lang` must be one of en, zh, got `fr`" in result.warnings
    assert "[seqdiagrams.config]" in result.warnings
    assert result.app.config.seqdiagrams_lang == "en"


def test_site_language_option(tmp_path: Path) -> None:
    src = project(tmp_path, {"index.rst": "T\n=\n\n.. seqarch:: rnn\n"}, 'seqdiagrams_lang = "zh"\n')
    assert "隐藏状态" in build(src).html()


@pytest.fixture
def broken_subject(monkeypatch: pytest.MonkeyPatch):
    """A subject that passes the read-time check (its golden JSON renders) but fails in HTML and Markdown,
    as a renderer can at write time (a missing program, a bug): the write-time warning paths."""
    from seqdiagrams import subjects
    from seqdiagrams.errors import SpecError, Subtype
    from seqdiagrams.subjects import Output, Subject

    def render(spec, registry, fmt, prefix, styles=True):
        if fmt == "json":
            return Output("{}")
        raise SpecError.at(Subtype.RENDER, f"the {fmt} renderer failed", spec.loc, "report it")

    fake_subjects(monkeypatch, {"fakebroken": Subject("fakebroken", "a subject that fails", {}, ("fakebroken",),
                                                      render=render, formats=("html", "md", "json"),
                                                      golden="json")})
    yield
    subjects.get_subject.cache_clear()


def no_katex_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from seqdiagrams.errors import Location, SpecError, Subtype
    from seqdiagrams.sphinx import katex_math

    def missing(*args, **kwargs):
        raise SpecError.at(Subtype.MISSING, "the KaTeX engine is not installed", Location(), "pip install mini-racer")

    monkeypatch.setattr(katex_math, "render_many", missing)


def no_vendored_katex(monkeypatch: pytest.MonkeyPatch) -> None:
    from seqdiagrams.errors import Location, SpecError, Subtype
    from seqdiagrams.sphinx import assets

    def missing(relative: str):
        raise SpecError.at(Subtype.MISSING, f"the vendored asset {relative} is missing", Location(), "reinstall")

    monkeypatch.setattr(assets, "vendor_file", missing)


CONF_LINE = len(CONF.splitlines()) + 1
"""The line of the first setting a test adds to ``conf.py``."""
PAGE_MATH = 'seqdiagrams_katex = "page"\n'
WARNING_PATHS = {  # name: (pages, conf.py lines, builder, patch, where the warning points, subtype)
    "unknown-key": (BAD, "", "html", None, r"index\.rst:6", "unknown_key"),
    "out-of-range": (BAD, "", "html", None, r"index\.rst:9", "out_of_range"),
    "bad-value": (BAD, "", "html", None, r"myst\.md:6", "bad_value"),
    "highlight": ({"index.rst": "T\n=\n\n.. seqarch:: rnn\n   :highlight: hidden\n"}, "", "html", None,
                  r"index\.rst:5", "highlight"),
    "config-value": ({"index.rst": "T\n=\n"}, 'seqdiagrams_lang = "fr"\n', "html", None, rf"conf\.py:{CONF_LINE}",
                     "config"),
    "config-overlay-missing": ({"index.rst": "T\n=\n"}, 'seqdiagrams_registry = ["nope.yaml"]\n', "html", None,
                               rf"conf\.py:{CONF_LINE}", "config"),
    "overlay-invalid": ({"index.rst": "T\n=\n", "names.yaml": "labels:\n  hidden-state: 3\n"},
                        'seqdiagrams_registry = ["names.yaml"]\n', "html", None, r"names\.yaml:2", "registry"),
    "formula": ({"index.rst": "T\n=\n\nBad :math:`\\frac{`.\n"}, PAGE_MATH, "html", None, r"index\.rst:4", "render"),
    "katex-engine": ({"index.rst": "T\n=\n\nGood :math:`a^2`.\n"}, PAGE_MATH, "html", no_katex_engine,
                     r"index\.rst:4", "missing"),
    "katex-assets": ({"index.rst": "T\n=\n\nGood :math:`a^2`.\n"}, PAGE_MATH, "html", no_vendored_katex,
                     r"index\.rst", "missing"),
    "html-render": ({"index.rst": "T\n=\n\n.. seqarch:: fakebroken\n"}, "", "html", "broken",
                    r"index\.rst:4", "render"),
    "text-render": ({"index.rst": "T\n=\n\n.. seqarch:: fakebroken\n"}, "", "text", "broken",
                    r"index\.rst:4", "render"),
}


@pytest.mark.parametrize("name", WARNING_PATHS)
def test_every_warning_is_located_typed_and_suppressible(tmp_path: Path, name: str, request: pytest.FixtureRequest,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Each way the extension warns: at a file (and line), as `seqdiagrams.<subtype>` (Sphinx adds the type
    and subtype it was given to the message), and silenced by `suppress_warnings` for that subtype alone."""
    pages, conf, builder, patch, where, subtype = WARNING_PATHS[name]
    if patch == "broken":
        request.getfixturevalue("broken_subject")
    elif patch is not None:
        patch(monkeypatch)
    conf += 'exclude_patterns = ["_build*"]\n'
    result = build(project(tmp_path, pages, conf), builder)
    ours = [line for line in result.warnings.splitlines() if "[seqdiagrams." in line]
    assert ours and all(re.match(r"/\S+: WARNING: .+ \[seqdiagrams\.[a-z_]+\]$", line) for line in ours), ours
    assert any(re.match(rf"/\S*/{where}: WARNING: .+ \[seqdiagrams\.{subtype}\]$", line) for line in ours), ours
    quiet = build(project(tmp_path, pages, conf + f'suppress_warnings = ["seqdiagrams.{subtype}"]\n'), builder,
                  name="-quiet")
    assert f"[seqdiagrams.{subtype}]" not in quiet.warnings


def test_a_block_that_fails_at_write_time_shows_an_error_box_or_alt_text(tmp_path: Path, broken_subject) -> None:
    src = project(tmp_path, {"index.rst": "T\n=\n\n.. seqarch:: fakebroken\n"})
    html = build(src).html()
    assert "sqd-error" in html and "the html renderer failed" in html
    text = " ".join((build(src, "text").out / "index.txt").read_text(encoding="utf-8").split())
    assert "[diagram: fakebroken]" in text  # the block's info string, as no description could be drawn


# -- parallel and incremental builds ---------------------------------------------------------------

MANY = {"index.rst": "Home\n====\n\n.. toctree::\n\n" + "".join(f"   p{i}\n" for i in range(8)),
        **{f"p{i}.{'rst' if i % 2 else 'md'}": (f"P{i}\n==\n\n.. seqarch:: {example}\n" if i % 2
                                                  else f"# P{i}\n\n```seqarch {example}\n```\n")
           for i, example in enumerate(["rnn unroll=2", "lstm", "gru", "seq2seq", "attention", "mha heads=2",
                                        "transformer layers=2", "mamba"])}}


def test_parallel_build_gives_the_same_html(tmp_path: Path) -> None:
    src = project(tmp_path, MANY)
    serial = build(src, parallel=1, name="-j1")
    parallel = build(src, parallel=2, name="-j2")
    assert parallel.app.is_parallel_allowed("read") and parallel.app.is_parallel_allowed("write")
    assert "WARNING" not in serial.warnings + parallel.warnings
    for i in range(8):
        assert parallel.html(f"p{i}") == serial.html(f"p{i}")
        assert '<figure class="sqd-figure"' in serial.html(f"p{i}")
    serial_latex = build(src, "latex", parallel=1, name="-j1")
    parallel_latex = build(src, "latex", parallel=2, name="-j2")
    assert sorted(p.name for p in serial_latex.out.glob("seqarch-*.pdf")) == sorted(
        p.name for p in parallel_latex.out.glob("seqarch-*.pdf"))


def test_rebuild_from_scratch_renders_nothing_again(tmp_path: Path) -> None:
    from seqdiagrams.sphinx.config import renderer

    src = project(tmp_path, MANY)
    first = build(src)
    cache = renderer(first.app.config, str(tmp_path / "_build" / "doctrees" / "seqdiagrams")).cache
    pdfs = {p.name: p.stat().st_mtime_ns for p in build(src, "latex").out.glob("seqarch-*.pdf")}
    misses = sum(cache.misses.values())
    again = build(src, fresh=True)  # every page read and written again…
    assert len(again.read) == 9
    assert sum(cache.misses.values()) == misses  # …from the content-addressed cache alone
    assert all(again.html(f"p{i}") == first.html(f"p{i}") for i in range(8))
    latex = build(src, "latex", fresh=True)
    assert {p.name: p.stat().st_mtime_ns for p in latex.out.glob("seqarch-*.pdf")} == pdfs  # reused as they are


def test_a_fresh_build_with_the_cache_kept_checks_no_block_again(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A block whose figure is cached passed every check when it was rendered: reading it again only parses it."""
    from seqdiagrams.rendering import pipeline

    checked: list[str] = []
    check_spec = pipeline.check_spec
    monkeypatch.setattr(pipeline, "check_spec", lambda spec, registry: (checked.append(spec.subject),
                                                                        check_spec(spec, registry))[1])
    pages = {**MANY, "index.rst": "T\n=\n\n.. seqarch:: rnn\n   :highlight: hidden\n\n"
                                  ".. toctree::\n   :glob:\n\n   p*\n"}
    src = project(tmp_path, pages)
    first = build(src)
    assert len(checked) == 9  # every block, once, on the first read
    again = build(src, fresh=True)
    assert len(again.read) == 9 and checked[9:] == []
    assert again.html("index") == first.html("index")
    for result in (first, again):  # the highlight that matches nothing is still reported
        assert result.warnings.count("[seqdiagrams.highlight]") == 1


def test_rebuild_after_editing_one_page_reads_only_that_page(tmp_path: Path) -> None:
    src = project(tmp_path, {**MANY, "plain.rst": "Plain\n=====\n\nNo diagrams.\n"},
                  'exclude_patterns = ["_build*"]\nsuppress_warnings = ["toc.not_included"]\n')
    build(src)
    untouched = build(src)
    assert untouched.read == []
    touch_later(src / "p2.md", "# P2\n\n```seqarch gru lang=zh\n```\n")
    edited = build(src)
    assert edited.read == ["p2"]
    assert "更新门" in edited.html("p2")


def test_editing_the_registry_overlay_rereads_pages_with_blocks(tmp_path: Path) -> None:
    overlay = tmp_path / "src" / "names.yaml"
    pages = {"index.rst": "Home\n====\n\n.. seqarch:: rnn\n\n.. toctree::\n\n   plain\n   other\n",
             "plain.rst": "Plain\n=====\n\nNo diagrams.\n", "other.md": "# Other\n\n```seqarch rnn unroll=2\n```\n",
             "names.yaml": "labels:\n  hidden-state: {en: 'memory vector', zh: '记忆向量'}\n"}
    src = project(tmp_path, pages, 'seqdiagrams_registry = ["names.yaml"]\n')
    first = build(src)
    assert "memory vector" in first.html() and "memory vector" in first.html("other")
    touch_later(overlay, "labels:\n  hidden-state: {en: 'running summary', zh: '记忆向量'}\n")
    second = build(src)
    assert second.read == ["index", "other"]
    assert "running summary" in second.html() and "running summary" in second.html("other")


def test_bad_registry_overlay_is_reported_in_its_file(tmp_path: Path) -> None:
    pages = {"index.rst": "T\n=\n\n.. seqarch:: rnn\n", "names.yaml": "labels:\n  hidden-state: 3\n"}
    result = build(project(tmp_path, pages, 'seqdiagrams_registry = ["names.yaml"]\n'))
    assert re.search(r"names\.yaml:2: WARNING: registry entry `labels\.hidden-state`.*\[seqdiagrams\.registry\]",
                     result.warnings), result.warnings
    assert '<figure class="sqd-figure"' in result.html()  # drawn with the packaged registry meanwhile


# -- the example site ------------------------------------------------------------------------------


def test_example_site_builds_with_dash_w(tmp_path: Path) -> None:
    for builder in ("html", "latex"):
        run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-j", "2", "-b", builder, str(EXAMPLE),
                              str(tmp_path / builder), "-d", str(tmp_path / "doctrees")],
                             capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stderr
    from seqdiagrams.scan import scan_markdown

    html = (tmp_path / "html" / "zh" / "rnn.html").read_text(encoding="utf-8")
    blocks = scan_markdown((EXAMPLE / "zh" / "rnn.md").read_text(encoding="utf-8"))
    assert html.count('<figure class="sqd-figure"') == len(blocks) >= 5
    rst_page = (tmp_path / "html" / "en" / "rnn.html").read_text(encoding="utf-8")
    rst_blocks = (EXAMPLE / "en" / "rnn.rst").read_text(encoding="utf-8").count(".. seqarch::")
    assert rst_page.count('<figure class="sqd-figure"') == rst_blocks == 6 and "Fig. 1" in rst_page
    for tex in ("seqmodels-en.tex", "seqmodels-zh.tex"):
        graphics = GRAPHIC.findall((tmp_path / "latex" / tex).read_text(encoding="utf-8"))
        assert len(graphics) > 30 and all((tmp_path / "latex" / g).is_file() for g in graphics)


def test_example_site_pdfs_build_with_xelatex(tmp_path: Path) -> None:
    missing = [tool for tool in ("latexmk", "xelatex") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed: apt-get install latexmk texlive-xetex "
                    "texlive-latex-extra texlive-fonts-recommended texlive-lang-chinese fonts-noto-cjk")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-M", "latexpdf", str(EXAMPLE), str(tmp_path), "-W", "-q"],
                         capture_output=True, text=True, check=False, timeout=900)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    for name in ("seqmodels-en.pdf", "seqmodels-zh.pdf"):
        assert (tmp_path / "latex" / name).read_bytes().startswith(b"%PDF-")


def test_only_a_page_with_a_figure_in_steps_loads_the_step_script(tmp_path: Path) -> None:
    src = project(tmp_path, {"index.rst": "Steps\n=====\n\n.. toctree::\n\n   plain\n\n"
                                          ".. seqarch:: attention steps=true\n",
                             "plain.rst": "Plain\n=====\n\n.. seqarch:: attention\n"})
    result = build(src)
    assert re.search(r'<script defer="defer" src="_static/seqdiagrams/steps/steps.js\?v=[0-9a-f]+">', result.html())
    assert "steps.js" not in result.html("plain")
    assert (result.out / "_static" / "seqdiagrams" / "steps" / "steps.js").is_file()
