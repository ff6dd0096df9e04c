"""Finished SVG/HTML: accessible, prefixed ids, theme-following styles, deterministic, and every string escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from seqdiagrams.registry import Registry
from seqdiagrams.rendering import COLUMN_PX, build_graph, id_prefix, render_spec
from seqdiagrams.rendering.dot import emit
from seqdiagrams.rendering.engine import layout
from seqdiagrams.rendering.svg import SCRIPT_DROP, SCRIPT_RISE, SCRIPT_SCALE
from seqdiagrams.rendering.tooltips import equation_titles, plain_latex
from seqdiagrams.spec import parse

SVG = "{http://www.w3.org/2000/svg}"
BLOCKS = ["rnn unroll=3", "lstm", "gru", "compare archs=rnn,lstm"]
HOSTILE = 'say "hi"] <script>alert(1)</script> onload=alert(1) & more'


def render(block: str, fmt: str = "svg", registry: Registry | None = None) -> str:
    out = render_spec(parse(block), fmt, registry or Registry.default())  # type: ignore[arg-type]
    assert isinstance(out, str)
    return out


def svg_root(block: str) -> ET.Element:
    return ET.fromstring(render(block))


def quoted(text: str) -> str:
    """``text`` as a double-quoted info-string value."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def all_text(root: ET.Element) -> str:
    return "".join(root.itertext())


def assert_no_script(root: ET.Element) -> None:
    for element in root.iter():
        assert element.tag.rsplit("}", 1)[-1].lower() != "script"
        assert not any(name.rsplit("}", 1)[-1].lower().startswith("on") for name in element.attrib)


# -- accessibility and ids -----------------------------------------------------------------------------


@pytest.mark.parametrize("block", BLOCKS)
def test_svg_is_an_accessible_image(block):
    root = svg_root(block)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root[0].tag == f"{SVG}title" and root[0].get("id") == title_id
    assert root[1].tag == f"{SVG}desc" and root[1].get("id") == desc_id
    assert root[0].text and root[1].text


@pytest.mark.parametrize("block", BLOCKS)
def test_titles_are_the_root_one_and_node_equations(block):
    """Graphviz's internal node names never show; a node the registry links to an equation has it as title."""
    root = svg_root(block)
    parent = {child: node for node in root.iter() for child in node}
    spec = parse(block)
    expected = equation_titles(build_graph(spec, Registry.default()), Registry.default())
    titles = list(root.iter(f"{SVG}title"))
    assert titles[0] is root[0]
    assert all(parent[t].get("class", "").startswith("node ") for t in titles[1:])
    assert sorted(t.text for t in titles[1:]) == sorted(tip.text for tip in expected.values())


@pytest.mark.parametrize("block", BLOCKS)
def test_every_id_and_reference_carries_the_diagram_prefix(block):
    root = svg_root(block)
    prefix = id_prefix(parse(block))
    assert root.get("id") == prefix
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) > 3
    assert all(i == prefix or i.startswith(prefix + "-") for i in ids)
    assert len(ids) == len(set(ids))
    for element in root.iter():
        for value in element.attrib.values():
            if "url(#" in value:
                assert f"url(#{prefix}-" in value


@pytest.mark.parametrize("block", BLOCKS)
def test_rendering_is_byte_identical(block):
    assert render(block) == render(block)
    assert render(block, "html") == render(block, "html")


def test_different_blocks_get_different_prefixes():
    prefixes = {svg_root(block).get("id") for block in BLOCKS}
    assert len(prefixes) == len(BLOCKS)


def test_ordinal_makes_the_same_block_unique_on_a_page(registry):
    spec = parse("rnn")
    first = ET.fromstring(render_spec(spec, "svg", registry, ordinal=0))
    second = ET.fromstring(render_spec(spec, "svg", registry, ordinal=1))
    assert first.get("id") != second.get("id")


# -- theme --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("theme", "cls"), [("auto", "sqd-theme-auto"), ("dark", "sqd-theme-dark"),
                                            ("light", "sqd-theme-light")])
def test_theme_class(theme, cls):
    assert cls in svg_root(f"rnn theme={theme}").get("class").split()


def test_theme_is_the_default_auto():
    assert "sqd-theme-auto" in svg_root("rnn").get("class").split()


def test_stylesheet_has_variables_and_a_material_dark_override():
    style = svg_root("lstm").find(f"{SVG}style").text
    assert "--sqd-state-fill:" in style
    assert "--sqd-gate-fill:" in style
    dark_rule = next(rule for rule in style.split("}") if '[data-md-color-scheme="slate"]' in rule)
    assert ".sqd-theme-auto" in dark_rule
    assert "--sqd-state-fill:" in style.split('[data-md-color-scheme="slate"]', 1)[1]


def test_chinese_labels():
    text = all_text(svg_root("rnn unroll=3 lang=zh"))
    assert "隐藏状态" in text
    assert "输入" in text
    assert "hidden state" not in text


# -- escaping of user text --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["svg", "html"])
@pytest.mark.parametrize("key", ["caption", "title"])
def test_hostile_text_is_escaped(fmt, key):
    out = render(f"rnn {key}={quoted(HOSTILE)}", fmt)
    root = ET.fromstring(out)  # well-formed
    assert_no_script(root)
    assert "<script" not in out
    if key == "title" or fmt == "html":
        assert HOSTILE in all_text(root)


def test_hostile_title_is_the_svg_title_text():
    root = svg_root(f"rnn title={quoted(HOSTILE)}")
    assert root.find(f"{SVG}title").text == HOSTILE


def test_hostile_caption_is_the_figcaption_text():
    root = ET.fromstring(render(f"rnn caption={quoted(HOSTILE)}", "html"))
    assert root.find("figcaption").text == HOSTILE


def test_hostile_anchor_id_stays_one_attribute():
    anchor = '"><script>x</script>'
    root = ET.fromstring(render(f"rnn id={quoted(anchor)}", "html"))
    assert root.get("id") == anchor
    assert_no_script(root)


# -- DOT escaping of registry text ------------------------------------------------------------------------

NASTY_LABEL = r'say "hi" \N <b>bold</b> & \G'


@pytest.fixture
def nasty_registry(tmp_path):
    path = tmp_path / "labels.yaml"
    label = NASTY_LABEL.replace("'", "''")
    path.write_text(f"labels:\n  hidden-state:\n    en: '{label}'\n    zh: '{label}'\n", encoding="utf-8")
    return Registry.load([path])


def test_registry_label_is_quoted_safely_in_dot(nasty_registry):
    dot = render("rnn", "dot", nasty_registry)
    assert "&quot;hi&quot;" in dot
    assert "&lt;b&gt;bold&lt;/b&gt;" in dot


def test_registry_label_lays_out_and_keeps_markup_as_text(nasty_registry):
    root = ET.fromstring(render("rnn", "svg", nasty_registry))
    assert_no_script(root)
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert any('say "hi"' in t and "<b>bold</b>" in t for t in texts)
    assert root.find(f".//{SVG}b") is None


def test_registry_label_appears_literally_in_svg(nasty_registry):
    root = ET.fromstring(render("rnn", "svg", nasty_registry))
    assert any(NASTY_LABEL in (t.text or "") for t in root.iter(f"{SVG}text"))


REFERENCE_LABEL = 'id="x" href="#y" url(#z) #1'
"""Label text that looks like the ids and references the finisher prefixes: it must reach the reader unchanged."""


def test_label_that_looks_like_an_id_or_reference_is_not_prefixed(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text(f"labels:\n  hidden-state:\n    en: '{REFERENCE_LABEL}'\n", encoding="utf-8")
    registry = Registry.load([path])
    root = ET.fromstring(render("rnn", "svg", registry))
    assert any(REFERENCE_LABEL in (t.text or "") for t in root.iter(f"{SVG}text"))
    prefix = id_prefix(parse("rnn"))
    assert all(el.get("id") == prefix or el.get("id").startswith(prefix + "-") for el in root.iter() if el.get("id"))


# -- the public Python API ----------------------------------------------------------------------------------


def test_public_render_function_is_callable_after_the_render_package_is_imported():
    import seqdiagrams.rendering  # what any host, or the first render() call, does

    out = seqdiagrams.render("rnn", format="svg")
    assert str(out).startswith("<svg")


# -- size and sub/superscripts ----------------------------------------------------------------------------


def _texts(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{SVG}text"))


@pytest.mark.parametrize("block", ["lstm", "mha", "seq2seq attention=bahdanau lang=zh"])
def test_sub_and_superscripts_get_explicit_size_and_baseline(block):
    """Every span Graphviz shifts is drawn smaller and on a moved baseline; every other span is untouched."""
    spec = parse(block)
    graph = build_graph(spec, Registry.default())
    raw = layout(emit(graph, spec["highlight"]), "svg").decode()
    finished = render(block)
    assert "baseline-shift" not in finished
    before, after = _texts(raw[raw.index("<svg"):]), _texts(finished)
    assert [t.text for t in before] == [t.text for t in after]
    root_size = ET.fromstring(finished).get("font-size")  # what a text of the usual size inherits
    shifted = 0
    for old, new in zip(before, after, strict=True):
        size, y = float(old.get("font-size")), float(old.get("y"))
        new_size = float(new.get("font-size", root_size))
        shift = old.get("baseline-shift")
        if shift is None:
            assert (new_size, new.get("y")) == (size, old.get("y"))
            continue
        shifted += 1
        assert new_size == pytest.approx(size * SCRIPT_SCALE, abs=0.01)
        offset = size * SCRIPT_DROP if shift == "sub" else -size * SCRIPT_RISE
        assert float(new.get("y")) == pytest.approx(y + offset, abs=0.01)  # +y is down in SVG
        assert new.get("x") == old.get("x")
    assert shifted >= 3


DRAWN = {f"{SVG}{name}" for name in ("text", "path", "polygon", "ellipse", "polyline")}
PAINT = {"text": ("font-family", "font-style", "font-weight", "text-anchor", "fill"),
         "shape": ("fill", "stroke", "stroke-width", "stroke-dasharray")}
"""What decides how a text or a shape is painted, besides its geometry (sizes are checked with the scripts)."""


def _drawn(root: ET.Element) -> list[tuple[ET.Element, list[ET.Element]]]:
    """Every text and shape with its ancestors, nearest first: presentation attributes are inherited."""
    found: list[tuple[ET.Element, list[ET.Element]]] = []

    def walk(element: ET.Element, ancestors: list[ET.Element]) -> None:
        if element.tag in DRAWN:
            found.append((element, ancestors))
        for child in element:
            walk(child, [element, *ancestors])

    walk(root, [])
    return found


def _painted(element: ET.Element, ancestors: list[ET.Element]) -> dict[str, str | None]:
    kind = "text" if element.tag == f"{SVG}text" else "shape"
    return {name: next((e.get(name) for e in (element, *ancestors) if e.get(name) is not None), None)
            for name in PAINT[kind]}


@pytest.mark.parametrize("block", ["lstm", "transformer lang=zh", "seq2seq attention=bahdanau", "mamba"])
def test_every_text_and_shape_is_painted_as_graphviz_wrote_it(block):
    """The finisher says the usual font, text size, colour, anchor and line width once, on the root: what each
    text and shape inherits is exactly what Graphviz wrote on it, and a text keeps ``xml:space`` where its
    spacing matters."""
    spec = parse(block)
    raw = layout(emit(build_graph(spec, Registry.default()), spec["highlight"]), "svg").decode()
    before, after = _drawn(ET.fromstring(raw[raw.index("<svg"):])), _drawn(ET.fromstring(render(block)))
    assert len(before) == len(after) > 10
    for (old, old_up), (new, new_up) in zip(before, after, strict=True):
        assert new.tag == old.tag
        assert _painted(new, new_up) == _painted(old, old_up)
        if new.tag == f"{SVG}text":
            text = new.text or ""
            spaced = text != text.strip() or "  " in text
            assert (new.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve") == spaced, text


@pytest.mark.parametrize("block", BLOCKS)
def test_figures_are_compact(block):
    """What a page downloads: no ``&#45;`` for a hyphen, no attribute repeated on every text, and a finished figure
    (without the stylesheet a site ships once) well under Graphviz's own SVG for the same layout."""
    spec = parse(block)
    raw = layout(emit(build_graph(spec, Registry.default()), spec["highlight"]), "svg").decode()
    finished = str(render_spec(spec, "svg", Registry.default(), styles=False))
    assert "&#45;" not in finished
    texts = finished.count("<text")
    assert texts > 3
    assert finished.count("font-family=") == finished.count("text-anchor=\"start\"") == 1  # the root's
    assert finished.count('xml:space="preserve"') < texts / 4
    assert len(finished.encode()) < 0.75 * len(raw.encode())


def test_png_keeps_graphviz_rendering_of_scripts():
    """Only the SVG is finished: the PNG is Graphviz's own bytes for the same DOT."""
    spec = parse("lstm")
    dot = emit(build_graph(spec, Registry.default()), spec["highlight"])
    assert render_spec(spec, "png", Registry.default()) == layout(dot, "png")


@pytest.mark.parametrize("block", ["rnn", "lstm", "transformer", "mamba view=scan"])
def test_svg_has_its_natural_width_and_fits_its_column(block):
    root = svg_root(block)
    style = dict(item.split(":", 1) for item in root.get("style").split(";"))
    scale = 4 / 3 if "view=scan" in block else 1  # plots are drawn in points
    assert style["width"] == f"{float(root.get('viewBox').split()[2]) * scale:.0f}px"
    assert style["max-width"] == "100%" and style["height"] == "auto"


@pytest.mark.parametrize(("block", "label"), [("lstm", "Show at full size"), ("lstm lang=zh", "以原始尺寸查看")])
def test_figure_wider_than_a_column_offers_a_full_size_view(block, label):
    html = render(block, "html")
    width = float(svg_root(block).get("viewBox").split()[2])
    assert width > COLUMN_PX
    figure = ET.fromstring(html)
    zoom = figure.find("details")
    assert zoom is not None and zoom.get("class") == "sqd-zoom"
    assert zoom.find("summary").text == label
    assert list(figure).index(zoom) == 0 and figure[1].tag == f"{SVG}svg"  # the stylesheet's `~ svg` needs this order


def test_figure_that_fits_a_column_has_no_full_size_view():
    block = "rnn"
    assert float(svg_root(block).get("viewBox").split()[2]) <= COLUMN_PX
    assert "<details" not in render(block, "html")


@pytest.mark.parametrize(("latex", "plain"), [
    (r"f_t = \sigma(W_f x_t + U_f h_{t-1} + b_f)", "fₜ = σ(W_f xₜ + U_f hₜ₋₁ + b_f)"),
    (r"c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t", "cₜ = fₜ ⊙ cₜ₋₁ + iₜ ⊙ c̃ₜ"),
    (r"\operatorname{softmax}\!\left(\dfrac{QK^\top}{\sqrt{d_k}}\right)V", "softmax((QKᵀ)/(√(dₖ)))V"),
    (r"z_0 = \sqrt{d_{\text{model}}}\;E[\text{token}]", "z₀ = √(d_(model)) E[token]"),
    (r"M_{ij} = \begin{cases}0 & j\le i\\ -\infty & j > i\end{cases}", "Mᵢⱼ = [0 , j≤ i; -∞ , j > i]"),
])
def test_equations_read_as_plain_text(latex: str, plain: str) -> None:
    assert plain_latex(latex) == plain


def test_operator_circles_show_their_equation_too() -> None:
    """Graphviz wraps a circle in a link whose title a browser shows on hover: it carries the equation as well."""
    svg = render("lstm lang=zh")
    cell = Registry.default().data.equations_by_id()["lstm.cell"][1]
    text = cell.label.get("zh") + "：" + plain_latex(cell.latex)
    assert f'xlink:title="{text}"' in svg and f"<title>{text}</title>" in svg
