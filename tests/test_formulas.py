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
    ("transformer_sublayer", "did you mean `set=transformer-sublayer`?"),
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


def test_gru_pytorch_biases_merge_for_the_gates_only(registry) -> None:
    """REFERENCE §2.3: b_hn sits inside r_t ⊙ (W_hn h + b_hn), so the two candidate biases are not one."""
    for lang in ("en", "zh"):
        data = json.loads(render(f"formulas set=gru-pytorch lang={lang}", "json"))
        assert "act as one" not in data["note"] and "效果等同于一个" not in data["note"]
        assert r"r_t \odot (W_{hn}h_{t-1} + b_{hn})" in data["note"]
    note = json.loads(render("formulas set=gru-pytorch", "json"))["note"]
    assert "for $r_t$ and $z_t$ they add up to one bias" in note and "not equivalent to one bias" in note
    assert "b_{hn}" in registry.data.equations_by_id()["gru.candidate.cudnn"][1].latex


def test_gru_pytorch_state_uses_its_own_candidate_name(registry) -> None:
    """The candidate of the PyTorch set is n_t, so its state update must read n_t, not h̃_t."""
    data = json.loads(render("formulas set=gru-pytorch", "json"))
    latex = " ".join(e["latex"] for e in data["equations"])
    assert r"\tilde h" not in latex
    assert r"h_t = (1 - z_t)\odot n_t + z_t \odot h_{t-1}" in latex  # PyTorch's own equation [PT-GRU]
    assert "gru.h_tilde" not in [s["id"] for s in data["symbols"]]


WEIGHT = re.compile(r"(?<![A-Za-z\\])([WUbv])_(\{[^{}]*\}|[A-Za-z0-9])")


def weight_names(latex: str) -> set[str]:
    return {f"{m.group(1)}_{m.group(2).strip('{}')}" for m in WEIGHT.finditer(latex)}


@pytest.mark.parametrize("set_id", ["lstm-1997", "luong", "gru-pytorch"])
def test_glossary_names_exactly_the_parameters_of_the_equations(registry, set_id: str) -> None:
    """A glossary neither omits a parameter its equations use (luong W_p, v_p) nor lists one they lack
    (the 1997 LSTM has no W_f, U_f, b_f)."""
    chosen = registry.data.formula_sets[set_id]
    equations = registry.data.equations_by_id()
    used = set().union(*(weight_names(equations[e][1].latex) for e in chosen.equations))
    glossed = set().union(*(weight_names(registry.data.symbols[s].latex) for s in chosen.symbols))
    assert used == glossed


def test_1997_glossary_has_no_forget_gate_weights() -> None:
    symbols = " ".join(s["latex"] for s in json.loads(render("formulas set=lstm-1997", "json"))["symbols"])
    assert not {"W_f", "U_f", "b_f"} & set(re.findall(r"[WUb]_f", symbols))
    luong = " ".join(s["latex"] for s in json.loads(render("formulas set=luong", "json"))["symbols"])
    assert "W_p" in luong and "v_p" in luong


def test_mha_glossary_gives_the_value_projection_d_v(registry) -> None:
    """REFERENCE §3.2: W_i^Q, W_i^K ∈ R^{d_model×d_k}, W_i^V ∈ R^{d_model×d_v}."""
    symbol = registry.data.symbols["mha.W_qkv"]
    value = r"$W_i^V$ is $d_{\text{model}}\times d_v$"
    assert value in symbol.en and value.replace(" is ", " 为 ") in symbol.zh


def test_bptt_jacobian_product_states_its_order(registry) -> None:
    """∂h_t/∂h_k = ∂h_t/∂h_{t-1} ⋯ ∂h_{k+1}/∂h_k: the j = t factor is leftmost (matrices do not commute)."""
    eq = registry.data.equations_by_id()["rnn.jacobian"][1]
    expanded = eq.latex.split("=")[-1]
    assert expanded.index(r"h_t^{2}") < expanded.index(r"h_{k+1}^{2}")
    assert "$j = t$ leftmost" in eq.note.en and "$j = t$ 的因子在最左边" in eq.note.zh


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_example_site_does_not_claim_every_equation_is_in_paper_notation(registry, lang: str) -> None:
    """The LSTM set is the modern forget-gate form and the GRU set adds biases, so the site says so."""
    for site in (EXAMPLE_DOCS, ROOT / "example_site" / "sphinx"):
        text = (site / lang / "index.md").read_text(encoding="utf-8")
        assert "Every equation is given in the notation" not in text and "公式尽量沿用原论文的记号" not in text
        assert ("modern forget-gate form" if lang == "en" else "带遗忘门的现代形式") in text
    assert registry.data.formula_sets["lstm"].title.get(lang).endswith(("(modern form)", "（现代形式）"))
    assert {"en": "biases added", "zh": "补上偏置"}[lang] in (EXAMPLE_DOCS / lang / "lstm-gru.md").read_text(
        encoding="utf-8")


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


SCALING_LAWS = {  # REFERENCE.md §2.20, transcribed by hand: each law, its fitted constants, its source
    "scaling.n": ("L(N) = (N_c/N)^{\\alpha_N}", ["\\alpha_N \\approx 0.076", "N_c \\approx 8.8\\times10^{13}"],
                  ["KAP20"]),
    "scaling.d": ("L(D) = (D_c/D)^{\\alpha_D}", ["\\alpha_D \\approx 0.095", "D_c \\approx 5.4\\times10^{13}"],
                  ["KAP20"]),
    "scaling.c": ("L(C_{\\min}) = (C_c^{\\min}/C_{\\min})^{\\alpha_C^{\\min}}",
                  ["\\alpha_C^{\\min} \\approx 0.050", "C_c^{\\min} \\approx 3.1\\times10^{8}", "PF-days"], ["KAP20"]),
    "scaling.chinchilla": ("\\hat L(N, D) = E + \\dfrac{A}{N^{\\alpha}} + \\dfrac{B}{D^{\\beta}}",
                           ["E = 1.69", "A = 406.4", "B = 410.7", "\\alpha = 0.34", "\\beta = 0.28"], ["HOF22"]),
    "scaling.optimal": ("N_{\\text{opt}} \\propto C^{a},\\quad D_{\\text{opt}} \\propto C^{b}",
                        ["a \\approx b \\approx 0.5"], ["HOF22", "KAP20"]),
}


def test_scaling_laws_state_the_reference_fits_and_cite_both_papers() -> None:
    data = json.loads(render("formulas set=scaling-laws numbered=true", "json"))
    assert data["arch"] is None  # about no single architecture
    assert [e["id"] for e in data["equations"]] == list(SCALING_LAWS)
    for eq in data["equations"]:
        law, constants, sources = SCALING_LAWS[eq["id"]]
        assert law in eq["latex"], eq["id"]
        for constant in constants:
            assert constant.replace(" ", "") in eq["latex"].replace(" ", ""), (eq["id"], constant)
        assert eq["sources"] == sources
    optimal = data["equations"][-1]["note"]
    assert "20 tokens per parameter" in optimal and "70B parameters, 1.4T tokens" in optimal
    assert "C^{0.73}" in optimal
    assert "in nats" in data["note"] and r"C \approx 6ND" in data["note"]
    texts = {s["key"]: s["text"] for s in data["sources"]}
    assert list(texts) == ["KAP20", "HOF22"]
    assert "Scaling Laws for Neural Language Models. arXiv:2001.08361, 2020." in texts["KAP20"]
    assert texts["HOF22"] == ("J. Hoffmann et al. Training Compute-Optimal Large Language Models. "
                              "arXiv:2203.15556; NeurIPS 2022.")
    zh = json.loads(render("formulas set=scaling-laws lang=zh", "json"))
    assert zh["title"] == "语言模型损失的缩放定律（规模定律）" and "奈特" in zh["note"]
    assert "计算最优" in zh["equations"][-1]["label"]


def test_scaling_laws_typeset_with_katex() -> None:
    html = render("formulas set=scaling-laws numbered=true lang=zh")
    assert html.count('<div class="sqd-formula"') == len(SCALING_LAWS)
    assert re.findall(r'<span class="sqd-formula-number">\((\d)\)</span>', html) == ["1", "2", "3", "4", "5"]
    assert "406.4" in html and "410.7" in html and 'class="katex' in html
    assert error_of("formulas set=scaling-laws arch=transformer").message == (
        "the formula set `scaling-laws` is about no single architecture, not `transformer`")


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


def _line_of(text: str, needle: str) -> int:
    """The 1-based line of ``text`` that holds ``needle`` (where a located error must point)."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_loading_a_registry_typesets_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation is pure: bad LaTeX in an overlay loads (it is found where it is rendered), no engine starts."""
    def no_engine(*args: object, **kwargs: object) -> None:
        raise AssertionError("registry validation started KaTeX")

    monkeypatch.setattr(katex, "_engine", no_engine)  # whoever calls KaTeX, it starts here
    monkeypatch.setattr(katex, "_MEMO", DiskCache())  # nothing typeset before this test can be served instead
    path = overlay(tmp_path, MY_ARCH % (r"h_t = \tanhh(x_t", "rnn.state", "my.h"))
    registry = Registry.load([path])
    assert registry.data.archs["my-rnn"].equations[0].latex == r"h_t = \tanhh(x_t"


@pytest.mark.parametrize("fmt", ["html", "md", "latex"])
def test_bad_latex_in_an_overlay_names_the_file_and_the_equation(tmp_path: Path, fmt: str) -> None:
    text = MY_ARCH % (r"h_t = \tanhh(x_t", "rnn.state", "my.h")
    path = overlay(tmp_path, text)
    registry = Registry.load([path])
    with pytest.raises(SpecError) as info:
        render("formulas arch=my-rnn", fmt, registry)
    d = info.value.diagnostic
    assert d.subtype is Subtype.REGISTRY
    assert (d.loc.path, d.loc.line) == (str(path), _line_of(text, r"\tanhh"))  # the `latex:` of the equation
    assert "registry entry `archs.my-rnn.equations.0.latex`" in d.message
    assert "equation `my-rnn.state`" in d.message and "KaTeX cannot typeset" in d.message
    assert r"Undefined control sequence: \tanhh" in d.message
    assert json.loads(render("formulas arch=my-rnn", "json", registry))["equations"][0]["latex"] == \
        r"h_t = \tanhh(x_t"  # JSON is data: the LaTeX as the registry holds it


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
    text = MY_ARCH % (r"h_t", "rnn.state", "mine") + "  mine: {latex: '\\frac{1}', en: 'x', zh: 'x'}\n"
    path = overlay(tmp_path, text)
    registry = Registry.load([path])
    with pytest.raises(SpecError) as info:
        render("formulas arch=my-rnn", "html", registry)
    d = info.value.diagnostic
    assert (d.loc.path, d.loc.line) == (str(path), _line_of(text, "mine: {latex"))
    assert "symbols.mine.latex" in d.message and "symbol `mine`" in d.message


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
    assert render_math(r"h_t = \tanh(a_t)", False) not in html  # only our table's own math is typeset


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


def test_mkdocs_site_with_page_math(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_mkdocs_plugin import make_site, plugin_of, run_build

    pages = {"index.md": PAGE, "plain.md": "# Plain\n\nNo math.\n"}
    config_file = make_site(tmp_path, pages, "material", katex="page")
    text = config_file.read_text(encoding="utf-8") + "markdown_extensions:\n  - pymdownx.arithmatex:\n" \
        "      generic: true\n  - pymdownx.superfences\n"
    config_file.write_text(text, encoding="utf-8")
    config = run_build(config_file, strict=True)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'class="arithmatex"' not in html and render_math(r"h_t = \tanh(a_t)", False) in html
    # linked before the minifier runs, whatever the plugin order, so the tag itself comes out minified
    assert re.search(r'<link rel="?stylesheet"? href="?(\./)?assets/seqdiagrams/vendor/katex/katex.min.css"?>', html)
    assert "katex.min.css" not in (tmp_path / "site" / "plain" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "site" / "assets" / "seqdiagrams" / "vendor" / "katex" / "fonts" /
            "KaTeX_Main-Regular.woff2").is_file()
    assert plugin_of(config).extension.stats.math == 2  # the page's own; the table typesets its math itself
    assert list((tmp_path / ".cache" / "seqdiagrams").rglob("*.katex"))
    monkeypatch.setattr(katex, "_MEMO", DiskCache())  # a new build process: only the disk cache knows these formulas
    warm = plugin_of(run_build(config_file)).extension.cache
    assert warm.misses["katex"] == 0 and warm.hits["katex"] >= 2


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


# -- assets: complete output in every host --------------------------------------------------------------


@pytest.mark.parametrize("page", ['<span class="katex">', "<span class=katex>", "<span class='katex x'>"])
def test_pages_with_katex_output_are_found_minified_or_not(page: str) -> None:
    from seqdiagrams.page_assets import inject, needed

    assert needed(f"<p>{page}</p>") == ("katex",)
    out = inject(f"<html><head></head><body>{page}</body></html>", "..")
    assert '<link rel="stylesheet" href="../assets/seqdiagrams/vendor/katex/katex.min.css"></head>' in out


def test_minified_pages_without_a_head_end_get_the_stylesheet_too() -> None:
    from seqdiagrams.page_assets import inject

    out = inject("<html><head><title>T</title><body><span class=katex>x</span></body></html>", ".")
    assert out.index('href="./assets/seqdiagrams/vendor/katex/katex.min.css"') < out.index("<body")


@pytest.mark.parametrize("page", ["<p>KaTeX is a library</p>", '<span class="katex-free">', 'class="katexish"'])
def test_pages_that_only_mention_katex_load_nothing(page: str) -> None:
    from seqdiagrams.page_assets import needed

    assert needed(page) == ()


def test_formula_sections_carry_their_layout_unless_the_host_links_it() -> None:
    from seqdiagrams.subjects.formulas import STYLESHEET

    inline = str(render_spec(parse("formulas arch=lstm"), "html", Registry.default()))
    shared = str(render_spec(parse("formulas arch=lstm"), "html", Registry.default(), styles=False))
    assert inline.count("<style>") == 1 and STYLESHEET in inline  # Zensical and plain Python-Markdown
    assert "<style>" not in shared
    # KaTeX's own display layout wins over site CSS written for client-side math
    assert ".sqd-figure .katex-display>.katex>.katex-html{display:block;position:relative}" in STYLESHEET


def test_assets_command_copies_katex_for_markdown_only_hosts(tmp_path: Path, capsys) -> None:
    from seqdiagrams.assets import VENDOR
    from seqdiagrams.cli import main

    assert main(["assets", str(tmp_path / "assets")]) == 0
    css = tmp_path / "assets" / "vendor" / "katex" / "katex.min.css"
    script = tmp_path / "assets" / "steps" / "steps.js"  # the step-through, which Zensical pages list too
    assert capsys.readouterr().out == f"katex: {css.as_posix()}\nsteps: {script.as_posix()}\n"
    assert css.read_bytes() == (VENDOR / "katex" / "katex.min.css").read_bytes()
    assert script.read_bytes() == (VENDOR.parent / "steps" / "steps.js").read_bytes()
    fonts = {f.name for f in (VENDOR / "katex" / "fonts").iterdir()}
    assert fonts and {f.name for f in css.parent.joinpath("fonts").iterdir()} == fonts  # the CSS's url(fonts/…)
    assert {f.name for f in css.parent.iterdir()} == {"katex.min.css", "fonts", "LICENSE"}  # no build-time script


def test_mkdocs_site_with_minify_before_us_still_links_katex(tmp_path: Path) -> None:
    """``minify`` listed before ``seqdiagrams`` hands us minified HTML (``class=katex``, no quotes)."""
    pytest.importorskip("mkdocs_minify_plugin")
    import yaml
    from test_mkdocs_plugin import make_site, run_build

    block = "```seqarch table archs=rnn,transformer dims=path-length\n```\n"
    config_file = make_site(tmp_path, {"index.md": "# T\n\n" + block}, "material")
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["plugins"] = ["search", {"minify": {"minify_html": True}}, "seqdiagrams"]
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    run_build(config_file, strict=True)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "class=katex>" in html and 'class="katex"' not in html  # really minified
    # linked before the minifier runs, whatever the plugin order, so the tag itself comes out minified
    assert re.search(r'<link rel="?stylesheet"? href="?(\./)?assets/seqdiagrams/vendor/katex/katex.min.css"?>', html)
    assert (tmp_path / "site" / "assets" / "seqdiagrams" / "vendor" / "katex" / "katex.min.css").is_file()


# -- math in captions (issue 11: our output is complete whatever the `katex` option says) ----------------


def test_caption_math_is_typeset_at_build_time_and_the_rest_escaped() -> None:
    out = render('rnn unroll=2 caption="Cost $O(n d^2)$ per <layer>"')
    caption = out[out.index("<figcaption>"):out.index("</figcaption>")]
    assert '<span class="katex">' in caption and "$" not in caption
    assert '<annotation encoding="application/x-tex">O(n d^2)</annotation>' in caption
    assert "per &lt;layer&gt;" in caption
    plain = render('table archs=rnn,mamba dims=year caption="Plain <b> & $5"')
    assert "<figcaption>Plain &lt;b&gt; &amp; $5</figcaption>" in plain  # one dollar sign is not math


def test_bad_caption_math_is_a_located_error() -> None:
    d = error_of('rnn unroll=2 caption="$\\frac{1}{$"')
    assert d.message.startswith("KaTeX cannot typeset the caption's math")
    assert d.hint == "fix the LaTeX between the `$` signs of `caption`"
    assert (d.loc.line, d.loc.col) == (1, 1)


def test_without_a_katex_engine_markdown_and_latex_keep_their_tex_and_html_says_what_is_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkout built without npm (how pre-commit installs the regen hook) still writes Markdown and LaTeX."""
    from seqdiagrams.errors import Diagnostic, Location
    from seqdiagrams.rendering import mathtext

    def no_engine(*args: object, **kwargs: object) -> None:
        raise SpecError(Diagnostic(Subtype.MISSING, "the KaTeX engine is not installed", Location()))

    monkeypatch.setattr(mathtext, "render_many", no_engine)
    registry = Registry.default()
    spec = parse("formulas arch=lstm")
    first = json.loads(render_spec(spec, "json", registry))["equations"][0]["latex"]  # data: no engine needed
    assert first in str(render_spec(spec, "md", registry))
    assert first in str(render_spec(spec, "latex", registry))
    with pytest.raises(SpecError) as raised:
        render_spec(spec, "html", registry)
    assert raised.value.diagnostic.subtype is Subtype.MISSING
