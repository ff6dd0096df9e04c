"""The packaged registry agrees with REFERENCE.md, and user overlays merge or fail with located errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from registry_helpers import MY_RNN, write_overlay

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.registry import DATA_DIR, Registry
from seqdiagrams.registry.schema import RegistryData

if TYPE_CHECKING:
    from pathlib import Path

    from seqdiagrams.errors import Diagnostic
    from seqdiagrams.registry.schema import Equation

# REFERENCE.md §1: id → (year of first appearance, English name, 中文名)
ARCHS = {
    "jordan": (1986, "Jordan network", "Jordan 网络"),
    "rnn": (1990, "Elman RNN / simple recurrent network", "Elman 网络 / 简单循环网络"),
    "lstm": (1997, "Long short-term memory", "长短期记忆网络"),
    "brnn": (1997, "Bidirectional RNN", "双向循环神经网络"),
    "gru": (2014, "Gated recurrent unit", "门控循环单元"),
    "seq2seq": (2014, "Sequence to sequence (LSTM encoder–decoder)", "序列到序列模型"),
    "bahdanau": (2014, 'Additive (Bahdanau) attention, "RNNsearch"', "加性注意力（Bahdanau 注意力）"),
    "luong": (2015, "Multiplicative (Luong) attention", "乘性注意力（Luong 注意力）"),
    "transformer": (2017, "Transformer (encoder–decoder, Post-LN)", "Transformer（编码器-解码器，后置层归一化）"),
    "pre-ln": (2020, "Pre-LN Transformer", "前置层归一化 Transformer"),
    "encoder-only": (2018, "Encoder-only Transformer (BERT)", "仅编码器 Transformer（BERT）"),
    "decoder-only": (2018, "Decoder-only Transformer (GPT)", "仅解码器 Transformer（GPT）"),
    "linear-attention": (2020, 'Linear attention ("Transformers are RNNs")', "线性注意力"),
    "s4": (2021, "S4 (structured state space sequence model)", "结构化状态空间序列模型 S4"),
    "rwkv": (2023, "RWKV (RWKV-4)", "RWKV"),
    "retnet": (2023, "Retentive Network", "保留网络 RetNet"),
    "mamba": (2023, 'Mamba (selective SSM, "S6")', "Mamba（选择性状态空间模型）"),
    "jamba": (2024, "Jamba (hybrid Transformer–Mamba MoE)", "Jamba（Transformer-Mamba 混合架构，含 MoE）"),
    "xlstm": (2024, "xLSTM (sLSTM + mLSTM)", "扩展长短期记忆网络 xLSTM"),
    "mamba2": (2024, "Mamba-2 (structured state space duality, SSD)", "Mamba-2（结构化状态空间对偶）"),
}


def equation(registry: Registry, eq_id: str) -> Equation:
    """The equation labelled ``eq_id``, wherever it is filed."""
    found = [eq for arch in registry.data.archs.values() for eq in arch.equations if eq.id == eq_id]
    assert len(found) == 1, f"expected exactly one equation `{eq_id}`, found {len(found)}"
    return found[0]


overlay = write_overlay


def overlay_error(*paths: Path) -> Diagnostic:
    with pytest.raises(SpecError) as info:
        Registry.load(list(paths))
    return info.value.diagnostic


# -- the packaged data --------------------------------------------------------------------------------


def test_packaged_registry_validates(registry):
    assert isinstance(registry.data, RegistryData)
    assert len(registry.digest) == 16


def test_packaged_files_are_all_loaded():
    assert {p.stem for p in DATA_DIR.glob("*.yaml")} >= {"archs", "dims", "events", "labels", "sources", "tables"}


def test_default_is_the_same_as_loading_no_overlay(registry):
    assert Registry.load([]).digest == registry.digest


def test_every_reference_architecture_is_present(registry):
    assert set(registry.data.archs) == set(ARCHS)


@pytest.mark.parametrize("arch_id", ARCHS)
def test_architecture_year_and_names(registry, arch_id):
    year, en, zh = ARCHS[arch_id]
    arch = registry.arch(arch_id)
    assert (arch.year, arch.name.en, arch.name.zh) == (year, en, zh)


@pytest.mark.parametrize(("arch_id", "year"), [
    ("transformer", 2017), ("rnn", 1990), ("jordan", 1986), ("lstm", 1997), ("gru", 2014), ("mamba", 2023),
    ("bahdanau", 2014), ("s4", 2021), ("encoder-only", 2018),
])
def test_year_is_first_appearance_not_venue(registry, arch_id, year):
    assert registry.arch(arch_id).year == year


def test_chinese_names_of_gated_cells(registry):
    assert registry.arch("lstm").name.get("zh") == "长短期记忆网络"
    assert registry.arch("gru").name.get("zh") == "门控循环单元"


# Chinese wording an expert review flagged: (wrong term, why, the term used instead)
ZH_MISREADINGS = [
    ("单元单元", "门控循环单元 already ends in 单元", "门控循环单元（单个时间步）"),
    ("深度一维卷积", "深度 reads as 'deep', not depthwise", "逐通道"),
    ("深度卷积", "深度 reads as 'deep', not depthwise", "逐通道"),
    ("对数几率", "log-odds, not logits", "logits（未归一化分数）"),
    ("跳跃连接", "one term for the skip parameter D", "跳连"),
]


@pytest.mark.parametrize(("wrong", "why", "instead"), ZH_MISREADINGS, ids=[w for w, _, _ in ZH_MISREADINGS])
def test_chinese_terms_are_not_misleading(wrong, why, instead):
    for path in sorted(DATA_DIR.glob("*.yaml")):
        assert wrong not in path.read_text(encoding="utf-8"), f"{path.name}: {wrong} ({why}); use {instead}"


def test_chinese_terms_in_use(registry, build):
    assert build("gru lang=zh").title.startswith("门控循环单元（")
    assert "逐通道" in registry.data.symbols["mamba.conv"].zh
    assert "logits（未归一化分数）" in registry.data.symbols["attn.M"].zh
    assert registry.label("phrase.mamba-param-d", "zh") == "跳连参数 D"
    assert "跳连" in registry.data.symbols["mamba.D"].zh and "跳连" in registry.data.symbols["s4.BCD"].zh


@pytest.mark.parametrize(("eq_id", "latex"), [
    ("lstm.cell", r"c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t"),
    ("gru.state", r"h_t = z_t \odot h_{t-1} + (1 - z_t)\odot \tilde h_t"),
    ("rnn.state", r"h_t = \tanh(W_{xh}x_t + W_{hh}h_{t-1} + b_h)"),
])
def test_equation_latex_is_exact(registry, eq_id, latex):
    assert equation(registry, eq_id).latex == latex


def test_scaled_dot_product_attention_scales_by_sqrt_dk(registry):
    latex = equation(registry, "attn.sdpa").latex
    assert r"\sqrt{d_k}" in latex
    assert "softmax" in latex


def test_gru_state_keeps_old_state_with_z(registry):
    assert r"z_t \odot h_{t-1}" in equation(registry, "gru.state").latex


def test_mamba_a_equation_exists(registry):
    assert equation(registry, "mamba.A").latex


# REFERENCE.md §4.1 / the Transformer paper's Table 1, verbatim.
TABLE1 = [
    ("self-attention", "complexity", r"$O(n^2\cdot d)$"),
    ("self-attention", "sequential", "$O(1)$"),
    ("self-attention", "path-length", "$O(1)$"),
    ("recurrent", "complexity", r"$O(n\cdot d^2)$"),
    ("recurrent", "sequential", "$O(n)$"),
    ("recurrent", "path-length", "$O(n)$"),
    ("convolutional", "path-length", r"$O(\log_k(n))$"),
    ("restricted-self-attention", "path-length", "$O(n/r)$"),
]


@pytest.mark.parametrize(("row", "column", "text"), TABLE1)
def test_transformer_table1_values(registry, row, column, text):
    cell = registry.data.tables["vaswani-table1"].rows[row][column]
    assert (cell.en, cell.zh) == (text, text)


def test_timeline_events_are_sorted_by_year(registry):
    years = [event.year for event in registry.events()]
    assert years == sorted(years)


def test_forget_gate_is_1999_never_1997(registry):
    forget = [e for e in registry.events() if "forget gate" in e.label.en.lower()]
    assert [e.year for e in forget] == [1999]


def test_timeline_events_reference_known_archs(registry):
    assert all(e.arch is None or e.arch in registry.data.archs for e in registry.events())


# -- user overlays ----------------------------------------------------------------------------------


def test_overlay_wins_and_changes_the_digest(tmp_path, registry):
    path = overlay(tmp_path, "archs:\n  rnn:\n    name:\n      zh: '朴素循环网络'\n")
    merged = Registry.load([path])
    assert merged.arch("rnn").name.zh == "朴素循环网络"
    assert merged.arch("rnn").name.en == registry.arch("rnn").name.en  # mappings merge key by key
    assert merged.digest != registry.digest
    assert registry.arch("rnn").name.zh == "Elman 网络 / 简单循环网络"


def test_later_overlay_wins(tmp_path):
    first = overlay(tmp_path, "labels:\n  input:\n    en: 'first'\n    zh: '一'\n", "a.yaml")
    second = overlay(tmp_path, "labels:\n  input:\n    en: 'second'\n", "b.yaml")
    assert Registry.load([first, second]).label("input", "en") == "second"
    assert Registry.load([first, second]).label("input", "zh") == "一"


def test_overlay_can_add_an_architecture(tmp_path):
    path = overlay(tmp_path, MY_RNN)
    assert Registry.load([path]).arch("my-rnn").year == 2025


@pytest.mark.parametrize(("text", "line", "what"), [
    pytest.param("archs:\n  rnn:\n    year: \"soon\"\n", 3, "archs.rnn.year", id="bad-year"),
    pytest.param("archs:\n  lstm:\n    name:\n      en: 'x'\n    colour: red\n", 5, "archs.lstm.colour",
                 id="unknown-field"),
    pytest.param("sources:\n  ELM90:\n    text: ''\n", 3, "sources.ELM90.text", id="empty-text"),
])
def test_overlay_schema_error_points_at_the_entry(tmp_path, text, line, what):
    path = overlay(tmp_path, text)
    diag = overlay_error(path)
    assert diag.subtype is Subtype.REGISTRY
    assert (diag.loc.path, diag.loc.line) == (str(path), line)
    assert what in diag.message


def test_overlay_invalid_yaml_is_located(tmp_path):
    path = overlay(tmp_path, "archs:\n  rnn: [\n")
    diag = overlay_error(path)
    assert diag.subtype is Subtype.REGISTRY
    assert "invalid YAML" in diag.message
    assert (diag.loc.path, diag.loc.line) == (str(path), 3)


def test_overlay_alias_is_rejected(tmp_path):
    path = overlay(tmp_path, "sources:\n  NEW1: &n\n    text: 'x'\n  NEW2: *n\n")
    diag = overlay_error(path)
    assert diag.subtype is Subtype.REGISTRY
    assert "aliases" in diag.message
    assert (diag.loc.path, diag.loc.line, diag.loc.col) == (str(path), 4, 9)


def test_overlay_that_is_not_a_mapping_is_rejected(tmp_path):
    path = overlay(tmp_path, "- archs\n")
    diag = overlay_error(path)
    assert diag.subtype is Subtype.REGISTRY
    assert diag.loc.path == str(path)


def test_overlay_unknown_source_key_is_an_error(tmp_path):
    path = overlay(tmp_path, "archs:\n  rnn:\n    sources: [NOPE99]\n")
    diag = overlay_error(path)
    assert diag.subtype is Subtype.REGISTRY
    assert "unknown source `NOPE99`" in diag.message
    assert diag.loc.path == str(path)


def test_overlay_unknown_source_points_at_the_reference(tmp_path):
    bad = overlay(tmp_path, "archs:\n  rnn:\n    sources: [NOPE99]\n", "bad.yaml")
    fine = overlay(tmp_path, "labels:\n  input:\n    en: 'in'\n", "fine.yaml")
    diag = overlay_error(bad, fine)
    assert (diag.loc.path, diag.loc.line) == (str(bad), 3)


def test_missing_overlay_is_a_registry_error(tmp_path):
    path = tmp_path / "nope.yaml"
    diag = overlay_error(path)
    assert diag.subtype is Subtype.REGISTRY
    assert diag.loc.path == str(path)
    assert "cannot read registry file" in diag.message


def test_edited_overlay_is_reloaded(tmp_path):
    path = overlay(tmp_path, "archs:\n  rnn:\n    name:\n      zh: 'A'\n")
    assert Registry.load([path]).arch("rnn").name.zh == "A"
    path.write_text("archs:\n  rnn:\n    name:\n      zh: 'B'\n", encoding="utf-8")
    assert Registry.load([path]).arch("rnn").name.zh == "B"
