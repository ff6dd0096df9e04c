"""Plots (``mamba view=scan``, ``complexity``): deterministic, accessible, themed SVG and correct data series."""

from __future__ import annotations

import io
import itertools
import json
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import id_prefix, render_spec
from seqdiagrams.rendering.plot import PNG_DPI
from seqdiagrams.rendering.theme import COLOURS
from seqdiagrams.spec import parse
from seqdiagrams.subjects import get_subject

EXAMPLE_SITE = Path(__file__).resolve().parents[1] / "example_site"

SVG = "{http://www.w3.org/2000/svg}"
PLOTS = [
    "mamba view=scan",
    "mamba view=scan length=8",
    "mamba view=scan length=64",
    "complexity",
    "complexity measure=memory",
    "complexity archs=rnn,lstm,gru,transformer,mamba n=65536",
    "complexity archs=transformer,mamba measure=memory n=1048576 d=2048",
    "positional-encoding",
    "attention-weights mask=causal lang=zh",
]
HOSTILE = 'say "hi"] <script>alert(1)</script> & more'


def render(block: str, fmt: str = "svg", ordinal: int = 0) -> str | bytes:
    return render_spec(parse(block), fmt, Registry.default(), ordinal)  # type: ignore[arg-type]


def svg_text(block: str) -> str:
    out = render(block)
    assert isinstance(out, str)
    return out


def data(block: str) -> dict:
    return json.loads(render(block, "json"))


def texts(root: ET.Element) -> str:
    return " ".join(t for el in root.iter(f"{SVG}text") for t in el.itertext())


# -- determinism --------------------------------------------------------------------------------------


@pytest.mark.parametrize("block", ["mamba view=scan lang=zh", "complexity measure=memory"])
@pytest.mark.parametrize("fmt", ["svg", "png", "json", "html"])
def test_two_renders_are_byte_identical(block, fmt):
    assert render(block, fmt) == render(block, fmt)


def test_no_date_version_or_metadata_in_svg():
    import matplotlib

    text = svg_text("mamba view=scan")
    assert "<metadata" not in text and "dc:date" not in text
    assert matplotlib.__version__ not in text and "Matplotlib" not in text
    assert "<!--" not in text


def test_json_does_not_load_matplotlib():
    code = ("import sys; from seqdiagrams import render; render('mamba view=scan', format='json'); "
            "render('complexity', format='json'); print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_rendering_leaves_matplotlib_settings_alone():
    import matplotlib

    before = dict(matplotlib.rcParams)
    render("complexity", "png")
    render("mamba view=scan", "svg")
    assert dict(matplotlib.rcParams) == before


# -- accessible, prefixed, well-formed SVG ------------------------------------------------------------


@pytest.mark.parametrize("block", PLOTS)
def test_svg_is_an_accessible_image_with_prefixed_ids(block):
    text = svg_text(block)
    root = ET.fromstring(text)
    prefix = id_prefix(parse(block))
    assert root.tag == f"{SVG}svg" and root.get("id") == prefix and root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{prefix}-title {prefix}-desc"
    assert root[0].tag == f"{SVG}title" and root[0].get("id") == f"{prefix}-title" and root[0].text
    assert root[1].tag == f"{SVG}desc" and root[1].get("id") == f"{prefix}-desc" and root[1].text
    assert len(list(root.iter(f"{SVG}title"))) == 1
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert all(i == prefix or i.startswith(prefix + "-") for i in ids)
    references = re.findall(r'href="#([^"]+)"', text) + re.findall(r"url\(#([^)]+)\)", text)
    assert references and set(references) <= ids


def test_ids_follow_the_ordinal_on_a_page():
    text = str(render("complexity", "svg", ordinal=3))
    assert f'id="{id_prefix(parse("complexity"), 3)}"' in text


@pytest.mark.parametrize("block", ["mamba view=scan", "complexity"])
def test_text_stays_text_with_the_page_fonts(block):
    text = svg_text(block)
    root = ET.fromstring(text)
    assert len(list(root.iter(f"{SVG}text"))) > 10
    assert "font-family" not in "".join(el.get("style", "") for el in root.iter())
    assert re.search(r'#sqd-[0-9a-f]+ text\{font-family:"Noto Sans CJK SC","DejaVu Sans",sans-serif\}', text)
    assert len(text) < 120_000  # no glyph outlines


@pytest.mark.parametrize("block", PLOTS)
def test_colours_are_css_variables_with_light_fallbacks(block):
    root = ET.fromstring(svg_text(block))
    styles = [el.get("style", "") for el in root.iter()]
    assert not any(el.get("fill", "none").startswith("#") or el.get("stroke", "none").startswith("#")
                   for el in root.iter())
    used = set()
    for style in styles:
        without_vars = re.sub(r"var\(--sqd-[a-z-]+, #[0-9a-f]{6}\)", "", style)
        assert not re.search(r"#[0-9a-fA-F]{3,6}\b", without_vars), style
        for var, colour in re.findall(r"var\((--sqd-[a-z-]+), (#[0-9a-f]{6})\)", style):
            assert COLOURS[var.removeprefix("--sqd-")][0] == colour  # the role's own light colour
            used.add(var)
    assert {"--sqd-fg", "--sqd-edge"} <= used
    assert len(used) >= 5


def test_matplotlib_page_wide_rule_is_scoped_to_the_plot():
    text = svg_text("complexity")
    css = "".join(re.findall(r"<style>(.*?)</style>", text, re.S))
    prefix = id_prefix(parse("complexity"))
    assert f"#{prefix} *{{stroke-linejoin:round" in css
    assert not re.search(r"(^|[};])\s*\*\s*\{", css)
    assert ".sqd-svg{--sqd-fg:" in css  # the shared stylesheet: dark schemes switch the variables


@pytest.mark.parametrize("theme", ["auto", "light", "dark"])
def test_theme_class_on_the_root(theme):
    root = ET.fromstring(svg_text(f"mamba view=scan theme={theme}"))
    assert root.get("class") == f"sqd-svg sqd-theme-{theme}"


def test_plot_is_shown_readably_large():
    root = ET.fromstring(svg_text("mamba view=scan"))
    width = float(root.get("viewBox").split()[2])
    shown = float(re.search(r"(?:^|;)width:(\d+)px", root.get("style")).group(1))
    assert shown == pytest.approx(width * 4 / 3, abs=1)  # natural size: 1 pt = 4/3 px
    assert "max-width:100%" in root.get("style")  # and never wider than its column


def test_user_title_and_caption_are_escaped():
    block = f'complexity title="{HOSTILE.replace(chr(34), chr(92) + chr(34))}" caption="<b>x</b>"'
    html = str(render(block, "html"))
    assert "<script>" not in html and "<b>" not in html
    root = ET.fromstring(svg_text(block))
    assert root[0].text == HOSTILE
    assert not any(el.tag.endswith("script") for el in root.iter())


def test_html_is_a_figure_with_the_caption():
    html = str(render("complexity", "html"))
    assert html.startswith('<figure class="sqd-figure"') and "<svg" in html
    assert "<figcaption>Asymptotic counts derived from the cited definitions (status F(d)), not measurements" in html


def test_png_is_a_fixed_size_raster():
    png = render("mamba view=scan", "png")
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == round(7.2 * PNG_DPI)
    assert height > 600


# -- languages -----------------------------------------------------------------------------------------


def test_chinese_labels_come_from_the_registry():
    registry = Registry.default()
    scan = texts(ET.fromstring(svg_text("mamba view=scan lang=zh")))
    for key in ("phrase.mamba-scan-t", "phrase.mamba-scan-h", "phrase.mamba-scan-important",
                "phrase.mamba-scan-reset", "phrase.mamba-scan-keep"):
        assert registry.label(key, "zh") in scan
    plot = texts(ET.fromstring(svg_text("complexity measure=memory lang=zh")))
    assert "上下文长度 n（词元数）" in plot and "KV 缓存随 n 线性增长" in plot
    assert registry.dims()["inference-memory"].label.zh in plot
    root = ET.fromstring(svg_text("complexity lang=zh"))
    assert "每层训练计算量" in root[0].text and "并非实测" in root[1].text


def test_english_plots_have_no_chinese():
    for block in ("mamba view=scan", "complexity", "complexity measure=memory"):
        assert not re.search(r"[\u4e00-\u9fff]", svg_text(block))


def test_legend_uses_registry_short_names():
    registry = Registry.default()
    plot = texts(ET.fromstring(svg_text("complexity archs=rnn,lstm,gru,transformer,mamba")))
    for arch in ("rnn", "lstm", "gru", "transformer", "mamba"):
        assert registry.arch(arch).short.en in plot


# -- mamba view=scan: the recurrence -------------------------------------------------------------------


@pytest.fixture(params=[8, 17, 24, 64], ids=lambda length: f"length={length}")
def scan(request):
    return data(f"mamba view=scan length={request.param}")


def test_scan_a_is_fixed_and_not_input_dependent(scan):
    series = scan["series"]
    assert set(series["A"]) == {-1.0}
    assert scan["model"]["A_input_dependent"] is False
    assert len(series["A"]) == len(scan["t"]) == len(series["h"])


def test_scan_delta_depends_on_the_input(scan):
    model, series = scan["model"], scan["series"]
    assert len(set(series["delta"])) > len(scan["t"]) // 2
    for x, delta in zip(series["x"], series["delta"], strict=True):
        assert delta == pytest.approx(math.log1p(math.exp(model["w"] * x + model["b"])), abs=2e-6)
    # larger input, larger step: Δ is monotone in x here
    pairs = sorted(zip(series["x"], series["delta"], strict=True))
    assert [d for _, d in pairs] == sorted(d for _, d in pairs)


def test_scan_follows_zoh_and_the_recurrence(scan):
    s = scan["series"]
    h = 0.0
    for x, delta, a, a_bar, b_bar, h_t in zip(s["x"], s["delta"], s["A"], s["A_bar"], s["B_bar"], s["h"],
                                              strict=True):
        assert a_bar == pytest.approx(math.exp(delta * a), abs=2e-6)  # Ā = exp(ΔA)
        # ZOH (REFERENCE §2.14 mamba.zoh): B̄ = (ΔA)⁻¹(exp(ΔA) − 1)·ΔB, not the reference code's ΔB
        assert b_bar == pytest.approx((math.exp(delta * a) - 1) / a * scan["model"]["B"], abs=2e-6)
        assert h_t == pytest.approx(a_bar * h + b_bar * x, abs=1e-5)
        h = h_t


def test_scan_never_overshoots_the_input(scan):
    """ZOH with A = −1, B = 1 is Theorem 1's gate: h_t is a weighted average of h_{t−1} and x_t, so it
    lies between them (with B̄ = ΔB the state went past x, e.g. h = 1.19 for x = 1.0)."""
    s = scan["series"]
    assert scan["model"]["discretization"] == "zoh"
    h = 0.0
    for x, h_t, delta in zip(s["x"], s["h"], s["delta"], strict=True):
        assert min(h, x) - 1e-6 <= h_t <= max(h, x) + 1e-6
        g = 1 - math.exp(-delta)  # = σ(w·x + b): Δ = softplus(w·x + b)
        assert h_t == pytest.approx((1 - g) * h + g * x, abs=1e-5)
        h = h_t


def test_scan_names_its_discretization_on_the_figure(registry):
    for lang, zoh in (("en", "zero-order hold"), ("zh", "零阶保持")):
        payload = data(f"mamba view=scan lang={lang}")
        model_line = registry.label("phrase.mamba-scan-model", lang)
        assert zoh in model_line and model_line in texts(ET.fromstring(svg_text(f"mamba view=scan lang={lang}")))
        assert zoh in payload["caption"].lower()
    caption = data("mamba view=scan")["caption"]
    assert "Zero-order hold" in caption and "ΔₜB is not drawn" in caption


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scan_model_line_fits_the_figure(lang):
    """The line that names the discretization is the figure's widest text: it must not be clipped."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from seqdiagrams.rendering import plot, scan_plot

    payload = data(f"mamba view=scan lang={lang}")
    with plot._plotting(plot.LIGHT):
        figure = Figure(figsize=scan_plot.SIZE, dpi=plot.SVG_DPI, layout="constrained")
        FigureCanvasAgg(figure)
        scan_plot.draw(figure, payload, plot.LIGHT)
        figure.canvas.draw()
        box = figure._suptitle.get_window_extent()
    assert figure._suptitle.get_text() == payload["labels"]["model"]
    assert box.x0 >= 0 and box.x1 <= figure.bbox.width
    assert box.width <= 0.95 * figure.bbox.width  # room for a page font wider than the one measured here


def test_scan_large_delta_moves_the_state_toward_the_input(scan):
    s = scan["series"]
    assert scan["important"]
    for t in scan["important"]:
        i = t - 1
        before = s["h"][i - 1] if i else 0.0
        x, delta = s["x"][i], s["delta"][i]
        assert delta > 0.5
        assert abs(s["h"][i] - x) < abs(before - x)  # closer to the input than before
        assert abs(s["h"][i] - before) > 0.5 * abs(x - before)  # moved at least half-way


def test_scan_small_delta_barely_moves_the_state(scan):
    s = scan["series"]
    quiet = [i for i in range(len(scan["t"])) if i + 1 not in scan["important"]]
    assert quiet
    for i in quiet:
        before = s["h"][i - 1] if i else 0.0
        assert s["delta"][i] < 0.2
        assert abs(s["h"][i] - before) < 0.25 * abs(s["x"][i] - before) + 0.02
        assert abs(s["h"][i] - before) < 0.2


def test_scan_shows_reset_and_keep_at_every_allowed_length():
    for steps in range(8, 65):
        payload = data(f"mamba view=scan length={steps}")
        s, marks = payload["series"], payload["important"]
        assert 1 <= len(marks) <= 3 and len(s["h"]) == steps
        for i in range(steps):
            before = s["h"][i - 1] if i else 0.0
            x, h = s["x"][i], s["h"][i]
            if i + 1 in marks:
                assert abs(h - x) < abs(before - x), (steps, i + 1)
            else:
                assert abs(h - before) < 0.25 * abs(x - before) + 0.02, (steps, i + 1)


def test_scan_series_are_rounded_plain_numbers():
    text = str(render("mamba view=scan", "json"))
    assert not re.search(r"\d\.\d{7,}", text)
    assert "NaN" not in text and "Infinity" not in text


@pytest.mark.parametrize("page", ["docs/en/mamba.md", "docs/zh/mamba.md", "sphinx/en/mamba.md", "sphinx/zh/mamba.md"])
def test_example_site_mamba_pages_show_the_scan_plot(page):
    """The plot exists, so the pages show it (and describe its discretization) instead of promising it."""
    from seqdiagrams.scan import scan_markdown

    text = (EXAMPLE_SITE / page).read_text(encoding="utf-8")
    assert "will be added" not in text and "就绪后" not in text
    blocks = [b.info.strip() for b in scan_markdown(text)]
    zh = "/zh/" in page
    assert ("mamba view=scan lang=zh" if zh else "mamba view=scan") in blocks
    assert (r"$\bar B_t = 1 - \bar A_t$" in text) and ("零阶保持" in text if zh else "zero-order hold" in text)


def test_graph_views_of_mamba_are_still_graphs(build):
    subject = get_subject("mamba")
    assert not subject.uses_render(parse("mamba view=ssm"))
    assert subject.uses_render(parse("mamba view=scan"))
    assert build("mamba view=ssm").with_role("ssm-parameter")


# -- complexity: the counts ------------------------------------------------------------------------------


def by_arch(payload: dict) -> dict[str, list[int]]:
    return {s["arch"]: s["values"] for s in payload["series"]}


def test_time_transformer_grows_quadratically_and_rnns_linearly():
    payload = data("complexity archs=rnn,lstm,gru,transformer,mamba n=65536")
    ns, values = payload["n"], by_arch(payload)
    assert ns[0] == 16 and ns[-1] == 65536 and all(b == 2 * a for a, b in itertools.pairwise(ns))
    for arch in ("rnn", "lstm", "gru", "mamba"):
        assert all(b == 2 * a for a, b in itertools.pairwise(values[arch])), arch  # linear
    ratios = [b / a for a, b in itertools.pairwise(values["transformer"])]
    assert ratios == sorted(ratios) and ratios[-1] > 3.5  # → 4 per doubling: quadratic once n ≫ 6d
    d = payload["constants"]["d"]
    assert values["transformer"][-1] == 2 * 65536**2 * d + 12 * 65536 * d * d


def test_time_gates_cost_what_the_reference_says():
    values = by_arch(data("complexity archs=rnn,lstm,gru"))
    assert all(lstm == 4 * rnn for lstm, rnn in zip(values["lstm"], values["rnn"], strict=True))  # ≈4× RNN
    assert all(gru == 3 * rnn for gru, rnn in zip(values["gru"], values["rnn"], strict=True))  # ≈3× RNN


def test_memory_kv_cache_grows_linearly_and_states_are_fixed():
    payload = data("complexity archs=rnn,lstm,gru,transformer,mamba measure=memory")
    ns, values, c = payload["n"], by_arch(payload), payload["constants"]
    assert values["transformer"] == [2 * n * c["d"] for n in ns]  # 2·n·d_model per layer (mistake 16)
    assert set(values["rnn"]) == set(values["gru"]) == {c["d"]}
    assert set(values["lstm"]) == {2 * c["d"]}
    assert set(values["mamba"]) == {c["E"] * c["d"] * (c["N"] + c["k"])}
    assert {s["arch"]: s["growth"] for s in payload["series"]} == {
        "rnn": "constant", "lstm": "constant", "gru": "constant", "transformer": "linear", "mamba": "constant"}


def test_complexity_says_counts_not_measurements():
    for lang, words in (("en", "not measurements"), ("zh", "并非实测")):
        payload = data(f"complexity lang={lang}")
        assert payload["status"] == "F(d)"
        assert words in payload["caption"] and "F(d)" in payload["caption"]
        root = ET.fromstring(svg_text(f"complexity lang={lang}"))
        assert words in root[1].text
    assert data("complexity")["sources"] == list(Registry.default().dims()["train-compute"].sources)
    assert data("complexity measure=memory")["sources"] == list(
        Registry.default().dims()["inference-memory"].sources)


def test_complexity_default_archs_and_length():
    payload = data("complexity")
    assert [s["arch"] for s in payload["series"]] == ["rnn", "transformer", "mamba"]
    assert payload["n"][-1] == 8192 and payload["constants"]["d"] == 512


def test_a_length_that_is_not_a_power_of_two_ends_the_axis():
    assert data("complexity n=1000")["n"][-2:] == [512, 1000]


# -- errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("block", "subtype", "at", "hint"), [
    ("mamba view=scan length=100", Subtype.OUT_OF_RANGE, "100", "8 to 64"),
    ("mamba view=scan length=7", Subtype.OUT_OF_RANGE, "7", "8 to 64"),
    ("mamba view=scna", Subtype.BAD_VALUE, "scna", "scan"),
    ("mamba length=12", Subtype.BAD_VALUE, "length=12", "view=scan"),
    # `steps` is the step-through of every diagram; the scan plot's length was called `steps` before
    ("mamba view=scan steps=48", Subtype.BAD_VALUE, "steps=48", "view=scan length=48"),
    ("mamba steps=12", Subtype.BAD_VALUE, "steps=12", "length=12"),
    ("mamba view=scan steps=true", Subtype.BAD_VALUE, "steps=true", "view=block or view=ssm"),
    ("mamba view=scan animate=true", Subtype.BAD_VALUE, "animate=true", "view=block or view=ssm"),
    ("mamba view=scan step_seconds=2", Subtype.BAD_VALUE, "step_seconds=2", "view=block or view=ssm"),
    ("complexity archs=rnn,rnnn", Subtype.BAD_VALUE, "rnn,rnnn", "rnn"),
    ("complexity archs=rnn,transformer,rnn", Subtype.BAD_VALUE, "archs=", "once"),
    ("complexity archs=bert", Subtype.BAD_VALUE, "bert", None),
    ("complexity measure=tiem", Subtype.BAD_VALUE, "tiem", "time"),
    ("complexity n=128", Subtype.OUT_OF_RANGE, "128", "256 to 1048576"),
    ("complexity n=2000000", Subtype.OUT_OF_RANGE, "2000000", "256 to 1048576"),
    ("complexity d=8", Subtype.OUT_OF_RANGE, "8", "16 to 16384"),
    ("complexity unroll=3", Subtype.UNKNOWN_KEY, "unroll", None),
])
def test_bad_parameters_are_located_errors(block, subtype, at, hint):
    with pytest.raises(SpecError) as caught:
        parse(block)
    diagnostic = caught.value.diagnostic
    assert diagnostic.subtype == subtype
    assert block[diagnostic.loc.col - 1:].startswith(at)
    if hint:
        assert hint in (diagnostic.hint or "")


@pytest.mark.parametrize(("block", "fmt"), [("mamba view=scan", "dot"), ("mamba view=scan", "ir-json"),
                                            ("complexity", "dot"), ("complexity", "md")])
def test_plots_refuse_graph_and_table_formats(block, fmt):
    with pytest.raises(SpecError) as caught:
        render(block, fmt)
    assert "svg, png, html, json" in (caught.value.diagnostic.hint or "")


def test_graph_view_refuses_json():
    with pytest.raises(SpecError):
        render("mamba view=block", "json")


def test_site_stylesheet_can_be_left_out_of_plots():
    from seqdiagrams.registry import Registry
    from seqdiagrams.rendering import render_spec
    from seqdiagrams.spec import parse

    spec = parse("complexity")
    assert "<style>" in str(render_spec(spec, "svg", Registry.default()))
    assert "--sqd-state-fill:" not in str(render_spec(spec, "html", Registry.default(), styles=False))


# -- colours by role: one variable per role, no token left, real colours in a PNG -------------------------


def _one_line_per_role(fig, data, palette):
    """A test drawing: a horizontal line in each role's colour, its group named after the role."""
    ax = fig.add_subplot()
    for y, role in enumerate(data["roles"]):
        ax.plot([0, 1], [y, y], color=palette.colours[role], linewidth=3, gid=f"role-{role}")


def test_every_role_gets_its_own_variable():
    """Two roles with one light colour (``edge`` and ``op-stroke``) keep their own variables, so their dark
    colours differ as the theme says; the old look-up by light colour gave both the first one's."""
    from seqdiagrams.rendering.plot import PlotText, render_plot

    roles = list(COLOURS)
    text = PlotText("roles", "one line per role", "")
    svg = render_plot("svg", {"roles": roles}, _one_line_per_role, text, "sqd-t", "auto", (4, 4)).body
    root = ET.fromstring(svg)
    seen = {}
    for group in root.iter(f"{SVG}g"):
        role = (group.get("id") or "").removeprefix("sqd-t-role-")
        if role in COLOURS:
            seen[role] = re.findall(r"stroke: (var\([^)]*\))", next(group.iter(f"{SVG}path")).get("style"))
    assert seen == {role: [f"var(--sqd-{role}, {COLOURS[role][0]})"] for role in roles}
    assert COLOURS["edge"][0] == COLOURS["op-stroke"][0] and COLOURS["edge"][1] != COLOURS["op-stroke"][1]
    dark = re.search(r"\.sqd-svg\.sqd-theme-dark\{([^}]*)\}", svg).group(1)
    for role in ("edge", "op-stroke"):
        assert f"--sqd-{role}:{COLOURS[role][1]};" in dark


def _tokens() -> set[str]:
    from seqdiagrams.rendering.plot import TOKENS

    return set(TOKENS.colours.values())


def test_tokens_are_unique_and_no_theme_colour():
    theme_colours = {colour for pair in COLOURS.values() for colour in pair}
    assert len(_tokens()) == len(COLOURS) and not _tokens() & theme_colours


@pytest.mark.parametrize("block", PLOTS)
def test_no_token_leaks_into_the_svg(block):
    text = svg_text(block).lower()
    assert not [token for token in _tokens() if token in text]


@pytest.mark.parametrize(("block", "families"), [
    ("complexity", ("state", "attention", "ssm")),
    ("mamba view=scan", ("state", "gate", "ssm", "io")),
    ("positional-encoding", ("state", "gate", "linear")),
])
def test_png_shows_the_real_light_colours_and_no_token(block, families):
    from PIL import Image

    image = Image.open(io.BytesIO(render(block, "png"))).convert("RGB")
    colours = {"#" + bytes(rgb).hex() for _count, rgb in image.getcolors(maxcolors=1 << 20)}
    assert not colours & _tokens()
    assert {COLOURS[f"{f}-stroke"][0] for f in families} <= colours  # solid inside the lines and bars
