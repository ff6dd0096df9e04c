"""Heatmap plots: ``positional-encoding`` (REFERENCE §3.4) and ``attention-weights`` (§3.1).

The data series are checked against the formulas, computed here independently of the subjects
(the sinusoid of Vaswani et al. §3.5; softmax of the scaled scores, row sums, the causal triangle),
the golden JSON of the gallery included; keys are bounded with located errors; the SVG heatmap
follows the palette (an alpha mask over a themed rectangle), renders identically in fresh
processes (``test_determinism.py``), and its labels come from the registry in both languages.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import id_prefix, render_spec
from seqdiagrams.rendering.plot import PNG_DPI
from seqdiagrams.rendering.theme import FAMILIES
from seqdiagrams.spec import parse
from seqdiagrams.subjects import attention_weights

SVG = "{http://www.w3.org/2000/svg}"
GALLERY = Path(__file__).resolve().parent / "golden"
HOSTILE_TOKEN = "<b>&x"


def render(block: str, fmt: str = "svg") -> str | bytes:
    return render_spec(parse(block), fmt, Registry.default())  # type: ignore[arg-type]


def data(block: str) -> dict:
    return json.loads(render(block, "json"))


def error_of(block: str):
    with pytest.raises(SpecError) as info:
        render(block, "json")
    return info.value.diagnostic


def texts(svg: str) -> str:
    return " ".join(t for el in ET.fromstring(svg).iter(f"{SVG}text") for t in el.itertext())


# -- positional encoding: the formula -------------------------------------------------------------------


def pe(pos: int, dim: int, d_model: int) -> float:
    """Vaswani et al. §3.5: PE(pos, 2i) = sin(pos / 10000^(2i/d_model)), PE(pos, 2i+1) = cos(…)."""
    i = dim // 2
    angle = pos / 10000 ** (2 * i / d_model)
    return math.sin(angle) if dim % 2 == 0 else math.cos(angle)


@pytest.mark.parametrize(("d_model", "length"), [(64, 64), (16, 32), (4, 2), (512, 3)])
def test_pe_values_are_the_sinusoid(d_model: int, length: int) -> None:
    out = data(f"positional-encoding d_model={d_model} length={length}")
    assert (out["d_model"], out["length"]) == (d_model, length)
    assert len(out["values"]) == length and {len(row) for row in out["values"]} == {d_model}
    for pos, row in enumerate(out["values"]):
        for dim, value in enumerate(row):
            assert value == pytest.approx(pe(pos, dim, d_model), abs=5e-5), (pos, dim)
    assert out["values"][0][:4] == [0.0, 1.0, 0.0, 1.0]  # sin 0 on even, cos 0 on odd dimensions
    assert out["equations"] == ["pe.even", "pe.odd"] and out["sources"] == ["VAS17"]


@pytest.mark.parametrize("name", ["positional-encoding", "positional-encoding-d-model-16-length-32"])
def test_pe_golden_files_hold_the_sinusoid(name: str) -> None:
    for lang in ("", ".zh"):
        golden = json.loads((GALLERY / f"{name}{lang}.json").read_text(encoding="utf-8"))
        d_model = golden["d_model"]
        for pos, row in enumerate(golden["values"]):
            assert row == pytest.approx([pe(pos, dim, d_model) for dim in range(d_model)], abs=5e-5)


def test_pe_curves_are_sines_with_geometric_wavelengths() -> None:
    curves = data("positional-encoding d_model=64")["curves"]
    assert [c["dimension"] for c in curves] == [0, 16, 32, 48]
    for c in curves:
        assert c["function"] == "sin" and c["i"] == c["dimension"] // 2
        assert c["wavelength"] == pytest.approx(2 * math.pi * 10000 ** (c["dimension"] / 64), abs=5e-5)  # 4 decimals
    assert curves[0]["wavelength"] == pytest.approx(2 * math.pi, abs=1e-4)  # the shortest wavelength is 2π
    ratios = [b["wavelength"] / a["wavelength"] for a, b in itertools.pairwise(curves)]
    assert ratios == pytest.approx([10.0] * 3, rel=1e-5)  # 10000^(16/64) = 10 per step: geometric


# -- attention weights: softmax, rows, the causal mask ------------------------------------------------


@pytest.mark.parametrize("mask", ["none", "causal"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_attention_rows_are_softmax_of_the_scores(mask: str, lang: str) -> None:
    out = data(f"attention-weights mask={mask} lang={lang}")
    n = len(out["tokens"])
    assert len(out["weights"]) == len(out["scores"]) == n
    for i, (scores, weights) in enumerate(zip(out["scores"], out["weights"], strict=True)):
        allowed = [s for j, s in enumerate(scores) if not (mask == "causal" and j > i)]
        assert None not in allowed
        total = sum(math.exp(s) for s in allowed)
        expected = [math.exp(s) / total for s in allowed] + [0.0] * (n - len(allowed))
        assert weights == pytest.approx(expected, abs=2e-6)
        assert sum(weights) == pytest.approx(1.0, abs=1e-5)


def test_causal_upper_triangle_is_exactly_zero() -> None:
    out = data("attention-weights mask=causal tokens=a,b,c,d,e,f,g,h,i,j,k,l")
    for i, (scores, weights) in enumerate(zip(out["scores"], out["weights"], strict=True)):
        assert all(scores[j] is None and weights[j] == 0 for j in range(i + 1, len(weights)))
        assert all(w > 0 for w in weights[:i + 1])
    assert out["weights"][0][0] == 1.0  # the first query can only attend to itself
    assert out["model"]["equations"] == ["attn.sdpa", "attn.masked"]
    unmasked = data("attention-weights tokens=a,b,c,d,e,f,g,h,i,j,k,l")
    assert all(w > 0 for row in unmasked["weights"] for w in row)
    assert unmasked["model"]["equations"] == ["attn.sdpa"]


def test_scores_are_scaled_dot_products_of_the_projections() -> None:
    """QKᵀ/√d_k recomputed with numpy from the example's own embeddings, PE and projections."""
    np = pytest.importorskip("numpy")
    tokens = ["the", "cat", "sat", "on", "the", "mat"]
    d = attention_weights.D_K
    x = np.array([attention_weights.embed(t) for t in tokens])
    x += np.array([[pe(pos, dim, d) for dim in range(d)] for pos in range(len(tokens))])
    q = x @ np.array(attention_weights.projection("Q"))
    k = x @ np.array(attention_weights.projection("K"))
    expected = q @ k.T / math.sqrt(d)
    scores = data("attention-weights")["scores"]
    assert [s for row in scores for s in row] == pytest.approx(expected.ravel().tolist(), abs=2e-6)


def test_the_same_token_embeds_alike_and_positions_tell_repeats_apart() -> None:
    assert attention_weights.embed("the") == attention_weights.embed("the") != attention_weights.embed("The")
    assert all(-1 <= v <= 1 for v in attention_weights.embed("猫"))
    out = data("attention-weights")
    assert out["tokens"][0] == out["tokens"][4] == "the"
    assert out["scores"][0] != out["scores"][4]  # PE(pos) is added before the projections


def test_default_sentence_comes_from_the_registry(registry) -> None:
    assert data("attention-weights")["tokens"] == registry.label("phrase.attention-weights-sentence", "en").split(",")
    zh = data("attention-weights lang=zh")
    assert zh["tokens"] == ["猫", "坐", "在", "垫子", "上"]
    assert data("attention-weights tokens=x,y lang=zh")["tokens"] == ["x", "y"]


# -- keys: bounded, located errors --------------------------------------------------------------------


@pytest.mark.parametrize(("block", "subtype", "column", "words"), [
    ("positional-encoding d_model=63", Subtype.BAD_VALUE, 21, "`d_model` must be even"),
    ("positional-encoding d_model=2", Subtype.OUT_OF_RANGE, 29, "between 4 and 512"),
    ("positional-encoding d_model=1024", Subtype.OUT_OF_RANGE, 29, "between 4 and 512"),
    ("positional-encoding length=257", Subtype.OUT_OF_RANGE, 28, "between 2 and 256"),
    ("positional-encoding lenght=8", Subtype.UNKNOWN_KEY, 21, "did you mean `length`"),
    ("attention-weights tokens=one", Subtype.OUT_OF_RANGE, 26, "needs 2 to 12 items"),
    ("attention-weights tokens=a,b,c,d,e,f,g,h,i,j,k,l,m", Subtype.TOO_LARGE, 26, "needs 2 to 12 items"),
    ("attention-weights tokens=a,supercalifragilistic", Subtype.TOO_LARGE, 19, "longer than 16 characters"),
    ("attention-weights mask=casual", Subtype.BAD_VALUE, 24, "did you mean `causal`"),
])
def test_bad_keys_are_located(block: str, subtype: Subtype, column: int, words: str) -> None:
    with pytest.raises(SpecError) as info:
        parse(block)
    d = info.value.diagnostic
    assert d.subtype == subtype and d.loc.col == column
    assert words in f"{d.message} ({d.hint})"


def test_list_keys_shows_the_bounds(capsys) -> None:
    from seqdiagrams.cli import main

    assert main(["list", "keys", "positional-encoding"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"d_model\s+integer 4–512\s+default 64", out)
    assert re.search(r"length\s+integer 2–256\s+default 64", out)
    assert main(["list", "keys", "attention-weights"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"tokens\s+comma list \(2–12 items\)", out)
    assert re.search(r"mask\s+none\|causal\s+default none", out)


# -- the picture: themed, deterministic, escaped, bilingual ---------------------------------------------


@pytest.mark.parametrize(("block", "families"), [
    ("positional-encoding", {"state", "gate"}), ("attention-weights mask=causal", {"attention"})])
def test_heatmap_is_an_alpha_mask_over_a_palette_colour(block: str, families: set[str]) -> None:
    svg = str(render(block))
    root = ET.fromstring(svg)
    prefix = id_prefix(parse(block))
    masks = {m.get("id"): m for m in root.iter(f"{SVG}mask")}
    assert masks and all(m.get("style") == "mask-type:alpha" for m in masks.values())
    assert all(len(list(m.iter(f"{SVG}image"))) == 1 for m in masks.values())
    assert len(list(root.iter(f"{SVG}image"))) == len(masks)  # every picture is a mask, none shows as is
    filled = set()
    for rect in root.iter(f"{SVG}rect"):
        if rect.get("mask"):
            mask_id = re.fullmatch(r"url\(#(.+)\)", rect.get("mask")).group(1)
            assert mask_id in masks and mask_id.startswith(prefix + "-sqd-heat-")
            family = re.fullmatch(r"fill:var\(--sqd-([a-z]+)-stroke, (#[0-9a-f]{6})\)", rect.get("style"))
            assert family and family.group(2) == FAMILIES[family.group(1)].light_stroke
            filled.add(family.group(1))
    assert filled == families


def test_png_is_a_fixed_size_raster_with_the_light_colours() -> None:
    png = render("attention-weights mask=causal", "png")
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert int.from_bytes(png[16:20], "big") == round(7.2 * PNG_DPI)


def test_user_tokens_are_escaped_everywhere() -> None:
    block = f"attention-weights tokens={HOSTILE_TOKEN},b,c"
    svg = str(render(block))
    root = ET.fromstring(svg)  # well-formed: nothing the author wrote became markup
    assert "<b>" not in svg and not any(el.tag == f"{SVG}b" for el in root.iter())
    assert HOSTILE_TOKEN in texts(svg) and HOSTILE_TOKEN in root[0].text
    assert "<b>" not in str(render(block, "html"))
    assert data(block)["tokens"][0] == HOSTILE_TOKEN


def test_labels_come_from_the_registry_in_both_languages(registry) -> None:
    pe_zh = texts(str(render("positional-encoding lang=zh")))
    for key in ("phrase.pe-x", "phrase.pe-dimension"):
        assert registry.label(key, "zh") in pe_zh
    assert "第 0 维（i = 0，正弦）" in pe_zh
    attn_zh = texts(str(render("attention-weights mask=causal lang=zh")))
    for key in ("phrase.attention-weights-query", "phrase.attention-weights-key", "phrase.attention-weights-scale"):
        assert registry.label(key, "zh") in attn_zh
    assert "垫子" in attn_zh
    root = ET.fromstring(str(render("attention-weights mask=causal lang=zh")))
    assert "因果掩码" in root[0].text and "恰好为 0" in root[1].text
    for block in ("positional-encoding", "attention-weights mask=causal"):
        assert not re.search(r"[\u4e00-\u9fff]", str(render(block)))
    root = ET.fromstring(str(render("positional-encoding d_model=16 length=32")))
    assert root[0].text == "Sinusoidal positional encoding: 32 positions × 16 dimensions"
    assert "dimensions 0, 4, 8, 12" in root[1].text and "6.3, 62.8, 628.3, 6283 positions" in root[1].text


def test_alt_text_names_each_rows_peak() -> None:
    out = data("attention-weights mask=causal")
    desc = ET.fromstring(str(render("attention-weights mask=causal")))[1].text
    tokens = out["tokens"]
    for i, row in enumerate(out["weights"]):
        peak = max(range(len(row)), key=row.__getitem__)
        assert f"{tokens[i]} → {tokens[peak]} ({row[peak]:.2f})" in desc
    assert "exactly 0" in desc
