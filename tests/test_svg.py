"""Finished SVG/HTML: accessible, prefixed ids, theme-following styles, deterministic, and every string escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from seqdiagrams.registry import Registry
from seqdiagrams.rendering import id_prefix, render_spec
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
def test_only_title_is_the_root_one(block):
    root = svg_root(block)
    titles = list(root.iter(f"{SVG}title"))
    assert titles == [root[0]]


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


# -- the public Python API ----------------------------------------------------------------------------------


def test_public_render_function_is_callable_after_the_render_package_is_imported():
    import seqdiagrams.rendering  # what any host, or the first render() call, does

    out = seqdiagrams.render("rnn", format="svg")
    assert str(out).startswith("<svg")
