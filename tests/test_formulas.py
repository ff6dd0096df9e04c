"""Formula sections, the KaTeX engine and page-wide math prerendering.

``seqarch formulas`` typesets registry formula sets with KaTeX at build time (every set, en and zh,
exactly the registry LaTeX, numbering, glossary, sources, located errors); ``katex: page`` replaces
the page's own math (arithmatex output, ``$…$``) and never touches code; the in-process engine is
byte-identical to Node KaTeX of the same version on a corpus of registry and example-site formulas.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import re
import shutil
import subprocess
import threading
from pathlib import Path

import markdown
import pytest
from registry_helpers import MY_RNN, write_overlay

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.markdown_ext import SeqarchExtension
from seqdiagrams.params import ARCH_ALIASES
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import katex, render_spec
from seqdiagrams.rendering.cache import DiskCache
from seqdiagrams.rendering.katex import OPTIONS, KatexError, katex_version, render_many, render_math
from seqdiagrams.spec import parse
from seqdiagrams.subjects import SUBJECT_MODULES, get_subject

ROOT = Path(__file__).resolve().parents[1]
NODE_KATEX = ROOT / "assets" / "node_modules" / "katex"
EXAMPLE_DOCS = ROOT / "example_site" / "docs"
SETS = sorted(Registry.default().data.formula_sets)


def render(block: str, fmt: str = "html", registry: Registry | None = None) -> str:
    return str(render_spec(parse(block), fmt, registry or Registry.default()))  # type: ignore[arg-type]


def error_of(block: str, registry: Registry | None = None, fmt: str = "html"):
    with pytest.raises(SpecError) as info:
        render_spec(parse(block), fmt, registry or Registry.default())  # type: ignore[arg-type]
    return info.value.diagnostic


# -- every set, both languages, every format ------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("set_id", SETS)
def test_every_set_renders_with_exactly_the_registry_latex(registry, set_id: str, lang: str) -> None:
    block = f"formulas set={set_id} lang={lang}"
    chosen = registry.data.formula_sets[set_id]
    equations = registry.data.equations_by_id()
    html = render(block)
    data = json.loads(render(block, "json"))
    md, tex = render(block, "md"), render(block, "latex")
    assert html.startswith('<figure class="sqd-figure"')
    assert f"<figcaption>{chosen.title.get(lang)}</figcaption>" in html
    assert [eq["id"] for eq in data["equations"]] == list(chosen.equations)
    for eq_id in chosen.equations:
        latex = equations[eq_id][1].latex
        assert render_math(latex, True) in html  # KaTeX of exactly the registry LaTeX
        assert f"$$\n{latex}\n$$" in md
        assert f"\\begin{{equation*}}\n{latex}\n\\end{{equation*}}" in tex
        assert equations[eq_id][1].label.get(lang) in data["equations"][chosen.equations.index(eq_id)]["label"]
    for symbol_id in chosen.symbols:
        assert render_math(registry.data.symbols[symbol_id].latex, False) in html
    assert html.count('<div class="sqd-formula"') == len(chosen.equations)
    assert "$" not in re.sub(r"<annotation[^>]*>.*?</annotation>", "", html)  # every bit of math typeset
    if lang == "zh":
        assert data["title"] == chosen.title.zh and re.search(r"[\u4e00-\u9fff]", html)


def test_every_architecture_with_equations_has_a_default_set(registry) -> None:
    for arch_id, arch in registry.data.archs.items():
        if arch.equations:
            found = registry.data.formula_set_of(arch_id)
            assert found is not None, arch_id
            assert registry.data.formula_sets[found].arch == arch_id


def test_every_registry_equation_is_in_some_set(registry) -> None:
    listed = {eq for item in registry.data.formula_sets.values() for eq in item.equations}
    assert listed == set(registry.data.equations_by_id())


def test_arch_picks_its_default_set() -> None:
    assert json.loads(render("formulas arch=lstm", "json"))["set"] == "lstm"
    assert json.loads(render("formulas arch=encoder-only", "json"))["set"] == "bert"
    assert json.loads(render("formulas arch=lstm set=lstm-1997", "json"))["set"] == "lstm-1997"


DIAGRAM_SUBJECTS = [name for name in SUBJECT_MODULES if get_subject(name).build is not None and name != "compare"]
"""Subjects that draw one architecture or mechanism (``compare`` draws several side by side)."""


@pytest.mark.parametrize("name", DIAGRAM_SUBJECTS)
def test_every_diagram_subject_name_is_a_formula_topic(name: str, registry) -> None:
    """Issue 12 item 18: `formulas arch=attention` answered "did you mean `linear-attention`?"."""
    data = registry.data
    expected = data.formula_set_of(name) if name in data.archs else name
    assert expected in data.formula_sets
    assert json.loads(render(f"formulas arch={name}", "json"))["set"] == expected


@pytest.mark.parametrize(("alias", "arch"), ARCH_ALIASES)
def test_an_alias_shows_its_architectures_set(alias: str, arch: str) -> None:
    assert render(f"formulas arch={alias}", "json") == render(f"formulas arch={arch}", "json")
    assert render(f"formulas arch={alias.upper()}", "json") == render(f"formulas arch={arch}", "json")


@pytest.mark.parametrize(("arch", "hint"), [
    ("lstm1997", "did you mean `set=lstm-1997`?"),  # a set, not an architecture's default: named as `set=`
    ("positional-encoding", "did you mean `set=positional-encoding`?"),
    ("atention", "did you mean `attention`?"),
    ("Mamba", "did you mean `mamba`?"),
    ("gtp", "did you mean `gpt`?"),
    ("xyzzy", "`seqdiagrams list archs` shows the architectures; `set=` takes a formula set id"),
])
def test_a_wrong_arch_suggests_architectures_topics_and_set_ids(arch: str, hint: str) -> None:
    d = error_of(f"formulas arch={arch}")
    assert (d.message, d.hint) == (f"unknown architecture `{arch}` in `arch`", hint)


def test_arch_and_set_must_be_about_the_same_architecture_also_through_topics() -> None:
    assert json.loads(render("formulas arch=attention set=mha", "json"))["set"] == "mha"
    d = error_of("formulas arch=gpt set=bert")
    assert d.message == "the formula set `bert` is about `encoder-only`, not `decoder-only`"


# -- the domain: what the sets must say -------------------------------------------------------------------


def test_lstm_1997_has_no_forget_gate_and_says_so(registry) -> None:
    data = json.loads(render("formulas set=lstm-1997", "json"))
    ids = [eq["id"] for eq in data["equations"]]
    assert "lstm.forget" not in ids and "lstm.1997.cell" in ids
    assert "no forget gate" in data["title"] and r"f_t \equiv 1" in data["note"]
    assert "1999/2000" in data["note"]
    assert "lstm.f_t" not in [s["id"] for s in data["symbols"]]


def test_gru_sets_state_their_convention() -> None:
    paper = json.loads(render("formulas arch=gru", "json"))
    swapped = json.loads(render("formulas set=gru-swapped", "json"))
    pytorch = json.loads(render("formulas set=gru-pytorch", "json"))
    assert r"$z_t \to 1$ keeps the previous state" in paper["note"]
    assert "gru.state" in [e["id"] for e in paper["equations"]]
    assert r"$z_t \to 1$ takes the candidate" in swapped["note"]
    assert "gru.state.alt" in [e["id"] for e in swapped["equations"]]
    assert "gru.candidate.cudnn" in [e["id"] for e in pytorch["equations"]]
    assert "reset_after=True" in pytorch["note"]
    assert "PT-GRU" in [s["key"] for s in pytorch["sources"]]


def test_attention_explains_the_square_root_and_masks_before_softmax() -> None:
    data = json.loads(render("formulas set=attention", "json"))
    assert [e["id"] for e in data["equations"]] == ["attn.sdpa", "attn.masked", "attn.scale-why"]
    assert r"\sqrt{d_k}" in data["equations"][0]["latex"]
    assert "variance $d_k$" in data["equations"][2]["note"]
    assert r"$1/\sqrt{d_k}$, not $1/d_k$" in data["note"]
    assert "before the softmax" in data["note"]
    assert [s["key"] for s in data["sources"]] == ["VAS17"]


def test_sublayer_set_contrasts_post_ln_and_pre_ln() -> None:
    data = json.loads(render("formulas set=transformer-sublayer", "json"))
    assert {"transformer.sublayer", "postln.contrast", "preln.attn", "preln.ffn", "preln.final"} == {
        e["id"] for e in data["equations"]}
    assert "Post-LN" in data["note"] and "final LayerNorm" in data["note"]


def test_ssm_sets_name_their_discretization() -> None:
    s4 = json.loads(render("formulas arch=s4", "json"))
    mamba = json.loads(render("formulas arch=mamba", "json"))
    assert "s4.bilinear" in [e["id"] for e in s4["equations"]] and "bilinear" in s4["note"]
    assert "not selective" in s4["note"]
    assert {"mamba.zoh", "mamba.selection", "mamba.A"} <= {e["id"] for e in mamba["equations"]}
    assert "zero-order hold" in mamba["note"] and "does not depend on the input" in mamba["note"]


def test_positional_encoding_is_added_not_concatenated() -> None:
    data = json.loads(render("formulas set=positional-encoding lang=zh", "json"))
    assert [e["id"] for e in data["equations"]][:2] == ["pe.even", "pe.odd"]
    assert "相加" in data["note"] and "而不是拼接" in data["note"]


# -- numbering, glossary, sources, highlight ----------------------------------------------------------


def test_numbering_in_every_format() -> None:
    html = render("formulas arch=lstm numbered=true")
    assert re.findall(r'<span class="sqd-formula-number">\((\d)\)</span>', html) == [str(n) for n in range(1, 7)]
    assert "sqd-formula-number" not in render("formulas arch=lstm")
    assert [e["number"] for e in json.loads(render("formulas arch=lstm numbered=true", "json"))["equations"]] == [
        1, 2, 3, 4, 5, 6]
    assert [e["number"] for e in json.loads(render("formulas arch=lstm", "json"))["equations"]] == [None] * 6
    assert "(3) **output gate**" in render("formulas arch=lstm numbered=true", "md")
    tex = render("formulas arch=lstm numbered=true", "latex")
    assert tex.count(r"\begin{equation}") == 6 and r"\begin{equation*}" not in tex


def test_glossary_and_citation(registry) -> None:
    html = render("formulas arch=rnn lang=zh")
    glossary = re.search(r'<table class="sqd-glossary">.*?</table>', html, re.S)
    assert glossary and "<caption>符号说明</caption>" in glossary.group(0)
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td></tr>", glossary.group(0), re.S)
    assert len(rows) == len(registry.data.formula_sets["rnn"].symbols)
    assert rows[0][0] == render_math("x_t", False) and "时间步" in rows[0][1]
    sources = re.search(r'<ol class="sqd-formula-sources">(.*?)</ol>', html, re.S)
    assert sources and "[ELM90] J. L. Elman. Finding Structure in Time." in sources.group(1)
    assert "[BEN94]" in sources.group(1)  # rnn.jacobian's source
    md = render("formulas arch=rnn", "md")
    assert "| $W_{hh}$ | hidden-to-hidden (recurrent) weights" in md and "1. [ELM90]" in md


def test_highlight_marks_equations_of_the_set() -> None:
    html = render("formulas set=attention highlight=attn.scale-why")
    assert html.count("sqd-formula sqd-highlight") == 1
    assert re.search(r'sqd-highlight" id="[^"]+" data-equation="attn.scale-why"', html)


def test_user_text_is_escaped_and_caption_wins() -> None:
    html = render('formulas arch=rnn caption="<b>RNN</b> & co"')
    assert "<figcaption>&lt;b&gt;RNN&lt;/b&gt; &amp; co</figcaption>" in html


# -- located errors -----------------------------------------------------------------------------------------


def test_unknown_set_is_located_with_a_suggestion() -> None:
    d = error_of("formulas set=lstm-peep")
    assert d.message == "unknown formula set `lstm-peep` in `set`"
    assert d.hint == "did you mean `lstm-peephole`?"
    assert (d.loc.line, d.loc.col) == (1, 10)


def test_unknown_arch_is_located_with_a_suggestion() -> None:
    d = error_of("seqarch formulas numbered=true arch=mamab")
    assert d.message == "unknown architecture `mamab` in `arch`"
    assert d.hint == "did you mean `mamba`?"
    assert d.loc.col == len("seqarch formulas numbered=true ") + 1


@pytest.mark.parametrize(("block", "message"), [
    ("formulas", "a formula section needs `arch=` or `set=`"),
    ("formulas arch=gru set=lstm", "the formula set `lstm` is about `lstm`, not `gru`"),
    ("formulas arch=rnn highlight=lstm.cell", "`lstm.cell` is not an equation of the formula set `rnn`"),
    ("formulas arch=rnn direction=LR", "a formula section has no `direction`"),
])
def test_bad_blocks(block: str, message: str) -> None:
    with pytest.raises(SpecError, match=re.escape(message)):
        render_spec(parse(block), "html", Registry.default())


overlay = write_overlay


MY_ARCH = MY_RNN + """\
    equations:
      - id: my-rnn.state
        latex: '%s'
        label: {en: 'state', zh: '状态'}
formula_sets:
  my-rnn:
    arch: my-rnn
    title: {en: 'My RNN', zh: '我的循环网络'}
    equations: [my-rnn.state, %s]
    symbols: [x_t, %s]
symbols:
  my.h: {latex: 'h_t', en: 'state', zh: '状态'}
"""


def test_overlay_adds_a_set_that_renders(tmp_path: Path) -> None:
    path = overlay(tmp_path, MY_ARCH % (r"h_t = \tanh(x_t)", "rnn.state", "my.h"))
    registry = Registry.load([path])
    html = render("formulas arch=my-rnn numbered=true", registry=registry)
    assert render_math(r"h_t = \tanh(x_t)", True) in html
    assert render_math(r"h_t = \tanh(W_{xh}x_t + W_{hh}h_{t-1} + b_h)", True) in html


def test_bad_latex_in_an_overlay_names_the_file_and_the_equation(tmp_path: Path) -> None:
    path = overlay(tmp_path, MY_ARCH % (r"h_t = \tanhh(x_t", "rnn.state", "my.h"))
    with pytest.raises(SpecError) as info:
        Registry.load([path])
    d = info.value.diagnostic
    assert d.subtype is Subtype.REGISTRY
    assert (d.loc.path, d.loc.line) == (str(path), 13)  # the `latex:` of the equation
    assert "equation `my-rnn.state`" in d.message and "KaTeX cannot typeset" in d.message
    assert r"Undefined control sequence: \tanhh" in d.message


def test_bad_latex_in_an_overlay_in_a_markdown_page(tmp_path: Path, caplog) -> None:
    path = overlay(tmp_path, MY_ARCH % (r"h_t = \tanhh(x_t)", "rnn.state", "my.h"))
    page = "# Page\n\n```seqarch formulas arch=my-rnn\n```\n"
    with caplog.at_level(logging.WARNING):
        html = markdown.Markdown(extensions=[SeqarchExtension(registry=[str(path)])]).convert(page)
    assert "sqd-error" in html and "my-rnn.state" in html and f"{path}:13:" in html  # non-strict: the error box
    assert any(f"{path}:13:" in r.getMessage() for r in caplog.records)
    with pytest.raises(SpecError, match=r"equation `my-rnn.state`: KaTeX cannot typeset"):  # strict: the build fails
        markdown.Markdown(extensions=[SeqarchExtension(registry=[str(path)], strict=True)]).convert(page)


def test_bad_symbol_latex_in_an_overlay_is_located(tmp_path: Path) -> None:
    path = overlay(tmp_path, "symbols:\n  mine: {latex: '\\frac{1}', en: 'x', zh: 'x'}\n")
    with pytest.raises(SpecError) as info:
        Registry.load([path])
    d = info.value.diagnostic
    assert (d.loc.path, d.loc.line) == (str(path), 2) and "symbols.mine.latex" in d.message


@pytest.mark.parametrize(("set_line", "message"), [
    ("equations: [my-rnn.state, rnn.stat]", "unknown equation `rnn.stat` did you mean `rnn.state`?"),
    ("symbols: [x_t, h_prev, nope]", "unknown symbol `nope`"),
    ("arch: my-rnm", "unknown architecture `my-rnm` did you mean `my-rnn`?"),
])
def test_formula_sets_are_cross_checked(tmp_path: Path, set_line: str, message: str) -> None:
    text = MY_ARCH % (r"h_t", "rnn.state", "my.h")
    key = set_line.split(":")[0]
    text = re.sub(rf"(?m)^    {key}: .*$", "    " + set_line.replace("\\", "\\\\"), text, count=1)
    path = overlay(tmp_path, text)
    with pytest.raises(SpecError) as info:
        Registry.load([path])
    d = info.value.diagnostic
    assert message in d.message and d.loc.path == str(path)
    assert f"formula_sets.my-rnn.{key}" in d.message


# -- the engine: threads, processes, caches -----------------------------------------------------------------


def test_katex_errors_carry_katex_message() -> None:
    with pytest.raises(KatexError, match=r"Undefined control sequence: \\nope"):
        render_math(r"\nope", False)
    assert isinstance(render_many([("x", False), ("\\frac{", True)])[1], KatexError)


def test_a_batch_holding_the_separator_still_splits_right() -> None:
    items = [("a", False), ("\\text{a\x01b}", False), ("c", True)]  # KaTeX's message quotes the \x01
    results = render_many(items, memo=False)
    assert results[0] == render_math("a", False) and results[2] == render_math("c", True)
    assert isinstance(results[1], KatexError)


def test_engine_is_thread_safe(registry) -> None:
    corpus = [(eq.latex, display) for _, eq in registry.data.equations_by_id().values() for display in (True, False)]
    expected = render_many(corpus, memo=False)
    results: dict[int, list] = {}

    def work(n: int) -> None:
        results[n] = render_many(corpus[n::4], memo=False) + [render_math(latex, d) for latex, d in corpus[n::8]]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n in range(4):
        assert results[n] == expected[n::4] + expected[n::8]


def test_engine_works_inside_a_running_event_loop() -> None:
    """An async host calls from a thread running an asyncio loop: the engine binds to that loop."""
    import asyncio

    async def inside() -> list:
        return render_many([("x^3", False), ("y_2", True)], memo=False)

    assert asyncio.run(inside()) == render_many([("x^3", False), ("y_2", True)], memo=False)


def _render_in_child(queue) -> None:  # pragma: no cover - runs in the forked child
    queue.put(render_many([("x^2", False), ("y_1", True)], memo=False))


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Python 3.12+ warns about fork in threaded processes
def test_engine_survives_fork() -> None:
    """Sphinx -j forks after writing a first page: the child must not use the parent's engine (it would hang)."""
    expected = render_many([("x^2", False), ("y_1", True)], memo=False)  # the parent's engine exists now
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_render_in_child, args=(queue,))
    child.start()
    assert queue.get(timeout=60) == expected
    child.join(60)
    assert child.exitcode == 0


def test_formula_cache_on_disk_is_keyed_by_content_and_version(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path)
    first = render_many([(r"\alpha + \beta", False), (r"\alpha + \beta", True)], cache)
    entries = sorted(tmp_path.rglob("*.katex"))
    assert len(entries) == 2 and first[0] != first[1]
    assert b'<span class="katex' in entries[0].read_bytes() and entries[0].read_bytes().endswith(b"</span>\n")
    again = DiskCache(tmp_path)
    assert render_many([(r"\alpha + \beta", False), (r"\alpha + \beta", True)], again, memo=False) == first
    assert again.hits["katex"] == 2
    entries[0].write_bytes(entries[0].read_bytes()[:50])  # truncated, as after a crash
    healed = DiskCache(tmp_path)
    assert render_many([(r"\alpha + \beta", False), (r"\alpha + \beta", True)], healed, memo=False) == first
    assert all(entry.read_bytes().endswith(b"</span>\n") for entry in entries)
    assert katex_version() == "0.19.1"


# -- katex: page ----------------------------------------------------------------------------------------------

PAGE = r"""# Page

Inline $h_t = \tanh(a_t)$, and a price of \$5.

$$
\sum_{i=1}^{n} x_i
$$

Code: `$not math$` and

```python
x = "$also not math$"
```

    $indented code$

```seqarch table archs=rnn,transformer dims=params
```
"""


def convert(text: str, *extensions: str, **config) -> str:
    configs = {"pymdownx.arithmatex": {"generic": True}}
    md = markdown.Markdown(extensions=[*extensions, SeqarchExtension(**config)], extension_configs=configs)
    return md.convert(text)


@pytest.mark.parametrize("extensions", [("pymdownx.arithmatex", "pymdownx.superfences"), ("fenced_code",)],
                         ids=["arithmatex", "plain-dollars"])
def test_page_math_is_prerendered_and_code_is_left_alone(extensions) -> None:
    html = convert(PAGE, *extensions, katex="page")
    assert 'class="arithmatex"' not in html and "\\(" not in html.split("<code")[0]
    assert render_math(r"h_t = \tanh(a_t)", False) in html
    assert render_math(r"\sum_{i=1}^{n} x_i", True) in html
    assert render_math(r"2d^2", False) in html  # the table's registry math (≈ $2d^2$) is typeset too
    assert "$not math$" in html and "$also not math$" in html and "$indented code$" in html
    assert "price of $5" in html or "price of \\$5" in html


def test_page_math_keeps_heading_ids_and_toc_names() -> None:
    text = "## Why divide by $\\sqrt{d_k}$?\n\nText.\n"
    pages = {}
    for mode in ("blocks", "page"):
        md = markdown.Markdown(extensions=["toc", "pymdownx.arithmatex", SeqarchExtension(katex=mode)],
                               extension_configs={"pymdownx.arithmatex": {"generic": True}})
        pages[mode] = (md.convert(text), md.toc_tokens[0])  # type: ignore[attr-defined]
    assert pages["page"][1]["id"] == pages["blocks"][1]["id"] == "why-divide-by-sqrtd_k"
    assert pages["page"][1]["name"] == "Why divide by \\sqrt{d_k}?"  # LaTeX as text, not KaTeX's three copies
    assert render_math("\\sqrt{d_k}", False) in pages["page"][0]


def test_blocks_mode_leaves_page_math_to_the_browser() -> None:
    html = convert(PAGE, "pymdownx.arithmatex", "pymdownx.superfences")
    assert r'<span class="arithmatex">\(h_t = \tanh(a_t)\)</span>' in html
    assert 'class="katex"' not in html


def test_bad_page_math_is_a_located_warning_shown_as_written(caplog) -> None:
    text = "# T\n\nGood $x$.\n\nBad $\\frac{1}{$ here.\n"
    with caplog.at_level(logging.WARNING):
        html = convert(text, "pymdownx.arithmatex", katex="page")
    assert render_math("x", False) in html
    assert re.search(r'<span class="sqd-math sqd-math-error"><span class="katex-error" title="[^"]+" '
                     r'style="color:#cc0000">\\frac\{1\}\{</span></span>', html)
    messages = [r.getMessage() for r in caplog.records]
    assert any("<block>:5:6: KaTeX cannot typeset the formula `\\frac{1}{`" in m for m in messages), messages
    with pytest.raises(SpecError, match="KaTeX cannot typeset"):
        convert(text, "pymdownx.arithmatex", katex="page", strict=True)


def test_katex_option_is_validated() -> None:
    with pytest.raises(ValueError, match="option `katex` must be one of blocks, page"):
        SeqarchExtension(katex="everything")


def test_mkdocs_site_with_page_math(tmp_path: Path) -> None:
    from test_mkdocs_plugin import make_site, plugin_of, run_build

    pages = {"index.md": PAGE, "plain.md": "# Plain\n\nNo math.\n"}
    config_file = make_site(tmp_path, pages, "material", katex="page")
    text = config_file.read_text(encoding="utf-8") + "markdown_extensions:\n  - pymdownx.arithmatex:\n" \
        "      generic: true\n  - pymdownx.superfences\n"
    config_file.write_text(text, encoding="utf-8")
    config = run_build(config_file, strict=True)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'class="arithmatex"' not in html and render_math(r"h_t = \tanh(a_t)", False) in html
    assert re.search(r'<link rel="stylesheet" href="(\./)?assets/seqdiagrams/vendor/katex/katex.min.css">', html)
    assert "katex.min.css" not in (tmp_path / "site" / "plain" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "site" / "assets" / "seqdiagrams" / "vendor" / "katex" / "fonts" /
            "KaTeX_Main-Regular.woff2").is_file()
    assert plugin_of(config).extension.stats.math >= 3
    assert list((tmp_path / ".cache" / "seqdiagrams").rglob("*.katex"))
    katex._MEMO.clear()  # a new build process: only the disk cache knows these formulas
    warm = plugin_of(run_build(config_file)).extension.cache
    assert warm.misses["katex"] == 0 and warm.hits["katex"] >= 3


# -- Sphinx ---------------------------------------------------------------------------------------------------


def test_sphinx_html_and_latex(tmp_path: Path) -> None:
    from test_sphinx import build, project

    pages = {"index.rst": "Home\n====\n\n.. seqarch:: formulas set=attention numbered=true\n\n"
                          ".. toctree::\n\n   plain\n   math\n",
             "plain.rst": "Plain\n=====\n\nNo formulas.\n",
             "math.md": "# Math\n\nInline $x^2$ and\n\n$$\ny = mx + b\n$$\n"}
    conf = 'myst_enable_extensions = ["dollarmath"]\n'
    result = build(project(tmp_path, pages, conf))
    assert "WARNING" not in result.warnings, result.warnings
    index = result.html()
    assert render_math(r"\operatorname{Var}(q\cdot k) = d_k", True) in index
    assert "_static/seqdiagrams/vendor/katex/katex.min.css" in index
    assert "katex.min.css" not in result.html("plain") and "katex.min.css" not in result.html("math")
    assert (result.out / "_static/seqdiagrams/vendor/katex/fonts/KaTeX_Main-Regular.woff2").is_file()
    assert 'class="katex"' not in result.html("math")  # katex=blocks: Sphinx's own math renderer (MathJax)
    latex = build(project(tmp_path, pages, conf), "latex")
    tex = next(latex.out.glob("*.tex")).read_text(encoding="utf-8")
    registry = Registry.default()
    for eq_id in registry.data.formula_sets["attention"].equations:
        assert f"\\begin{{equation}}\n{registry.data.equations_by_id()[eq_id][1].latex}\n\\end{{equation}}" in tex
    assert "includegraphics" not in tex.split(r"\begin{document}")[1]


def test_sphinx_page_mode_and_config_value(tmp_path: Path) -> None:
    from test_sphinx import build, project

    pages = {"index.md": "# Math\n\nInline $x^2$ and\n\n$$\ny = mx + b\n$$\n\nBad $\\frac{1}{$.\n"}
    result = build(project(tmp_path, pages, 'myst_enable_extensions = ["dollarmath"]\nseqdiagrams_katex = "page"\n'))
    html = result.html()
    assert render_math("x^2", False) in html and render_math("y = mx + b", True) in html
    assert "katex.min.css" in html and "mathjax@" not in html  # no MathJax script from a CDN
    assert "KaTeX cannot typeset the formula" in result.warnings and "katex-error" in html
    bad = build(project(tmp_path / "bad", {"index.md": "# T\n"}, 'seqdiagrams_katex = "always"\n'))
    assert "seqdiagrams_katex: option `katex` must be one of blocks, page" in bad.warnings


# -- byte identity with Node KaTeX -------------------------------------------------------------------------

NODE_SCRIPT = """
const katex = require(process.argv[1]);
const options = JSON.parse(process.argv[2]);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const out = JSON.parse(input).map(([latex, display]) => {
    try { return katex.renderToString(latex, Object.assign({displayMode: display}, options)); }
    catch (error) { return {error: String(error.message)}; }
  });
  process.stdout.write(JSON.stringify({version: katex.version, out}));
});
"""


def page_math(text: str) -> list[tuple[str, bool]]:
    """Every ``$…$`` and ``$$…$$`` of a Markdown page outside code, as written."""
    text = re.sub(r"(?ms)^(\s*)(`{3,}|~{3,}).*?^\1\2\s*$", "", text)
    text = re.sub(r"`[^`\n]+`", "", text)
    found = [(m.group(1).strip(), True) for m in re.finditer(r"\$\$(.+?)\$\$", text, re.S)]
    text = re.sub(r"\$\$(.+?)\$\$", "", text, flags=re.S)
    found += [(m.group(1), False) for m in re.finditer(r"(?<![\\$])\$(?![\s$])([^$\n]+?)(?<!\s)\$", text)]
    return found


def corpus() -> list[tuple[str, bool]]:
    registry = Registry.default()
    items = [(eq.latex, display) for _, eq in registry.data.equations_by_id().values() for display in (True, False)]
    items += [(symbol.latex, False) for symbol in registry.data.symbols.values()]
    for page in sorted(EXAMPLE_DOCS.rglob("*.md")):
        for latex, display in page_math(page.read_text(encoding="utf-8")):
            items += [(latex, display), (latex, not display)]
    return list(dict.fromkeys(items))


def test_engine_is_byte_identical_to_node_katex() -> None:
    node = shutil.which("node")
    if node is None or not (NODE_KATEX / "package.json").is_file():
        pytest.skip("needs `node` and assets/node_modules/katex (run `npm ci` in assets/) to compare with Node KaTeX")
    items = corpus()
    assert len(items) >= 200
    run = subprocess.run([node, "-e", NODE_SCRIPT, str(NODE_KATEX), json.dumps(OPTIONS)], input=json.dumps(items),
                         capture_output=True, text=True, check=True, timeout=300)
    reference = json.loads(run.stdout)
    assert reference["version"] == katex_version()
    ours = render_many(items, memo=False)
    mismatches = [latex for (latex, _), mine, theirs in zip(items, ours, reference["out"], strict=True)
                  if mine != theirs]
    assert all(isinstance(html, str) for html in ours)  # the corpus is valid LaTeX
    assert mismatches == []
