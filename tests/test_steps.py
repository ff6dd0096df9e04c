"""Figures shown step by step (issue 15): the grouping of every diagram, the SVG marks, the animated SVG.

The step grouping is checked against the graph itself (every node in exactly one step, no node shown before a
node that feeds it) for every example of every diagram subject, and against the operation order the issue and
REFERENCE.md give for scaled dot-product attention, the LSTM cell and the Transformer.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.page_assets import BUNDLES, needed, signs, tags
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import build_graph, figure_steps, render_spec
from seqdiagrams.rendering.tooltips import equation_titles
from seqdiagrams.spec import parse
from seqdiagrams.steps import flow_edges, plan, step_numbers
from seqdiagrams.subjects import catalog

DIAGRAMS = [(name, example) for name, subject in catalog().items() if subject.build is not None
            for example in subject.examples if not subject.uses_render(parse("seqarch " + example))]
SVG = "{http://www.w3.org/2000/svg}"


def steps_of(block: str) -> tuple[list, dict[str, int]]:
    spec = parse("seqarch " + block)
    graph = build_graph(spec, Registry.default())
    steps = figure_steps(spec, graph, Registry.default())
    return steps, step_numbers(steps)


def error_of(block: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        render_spec(parse("seqarch " + block), "svg", Registry.default())
    return info.value


@pytest.mark.parametrize(("name", "example"), DIAGRAMS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_node_is_in_one_step_after_what_feeds_it(name: str, example: str, lang: str) -> None:
    spec = parse(f"seqarch {example} lang={lang}")
    graph = build_graph(spec, Registry.default())
    steps = plan(graph, Registry.default())
    shown = [node for step in steps for node in step.nodes]
    assert sorted(shown) == sorted(n.id for n in graph.nodes)  # each exactly once
    number = step_numbers(steps)
    late = [(e.src, e.dst) for e in flow_edges(graph) if number[e.src] > number[e.dst]]
    assert late == []
    assert all(step.nodes and step.caption for step in steps)
    registry = Registry.default()
    labels = {n.label for n in graph.nodes} | {registry.label(r, lang) for r in {n.role for n in graph.nodes}
                                               if r in registry.data.labels}
    assert all(any(label and label in step.caption for label in labels) for step in steps)  # registry names


def test_attention_steps_are_the_operations_of_the_formula_in_order() -> None:
    steps, number = steps_of("attention mask=causal steps=true")
    operations = ["matmul_qk", "scale", "mask", "softmax", "matmul_av"]  # MatMul → Scale → Mask → SoftMax → ·V
    order = [number[op] for op in operations]
    assert order == sorted(set(order))  # one step each, in the order of the formula
    assert number["wq"] == number["wk"] < number["matmul_qk"]  # Q and K are projected before their product
    assert number["weights"] == number["softmax"] and number["out"] == number["matmul_av"]
    assert number["wv"] < number["matmul_av"] and number["v"] == number["wv"]
    assert steps[number["scale"] - 1].caption == "Scale 1/√d_k"


def test_lstm_steps_are_forget_input_candidate_cell_update_output() -> None:
    steps, number = steps_of("lstm steps=true")
    heads = ["gate_f", "gate_i", "candidate", "add_c", "gate_o"]
    assert [number[h] for h in heads] == [1, 2, 3, 4, 5] and len(steps) == 5
    assert number["mul_f"] == number["gate_f"]  # f_t ⊙ c_{t-1}: the forget step is the gate and its product
    assert number["mul_i"] == number["candidate"]  # i_t ⊙ c̃_t once both exist
    assert number["c"] == number["add_c"] and {number["mul_o"], number["h"]} == {number["gate_o"]}
    zh, _ = steps_of("lstm steps=true lang=zh")
    assert zh[0].caption.startswith(Registry.default().label("gate.forget", "zh"))


def test_transformer_steps_are_embeddings_then_each_sublayer_with_its_add_norm() -> None:
    steps, number = steps_of("transformer steps=true")
    assert steps[0].caption.startswith(Registry.default().label("embedding", "en"))
    assert {number[i] for i in ("enc_input", "enc_embed", "enc_pos", "enc_sum")} == {1}
    sublayers = [("enc_attn", "enc_an1"), ("enc_ffn", "enc_an2"), ("dec_mattn", "dec_an1"),
                 ("dec_xattn", "dec_an2"), ("dec_ffn", "dec_an3")]
    assert all(number[a] == number[b] for a, b in sublayers)
    assert [number[a] for a, _ in sublayers] == sorted({number[a] for a, _ in sublayers})
    assert number["enc_an2"] < number["dec_xattn"]  # cross-attention reads the encoder's output


def test_unrolled_chains_step_through_time() -> None:
    _, number = steps_of("rnn unroll=3 steps=true")
    assert number["x1"] == number["h1_1"] == number["y1"] < number["h1_2"] < number["h1_3"]


def test_stacked_heads_appear_together() -> None:
    _, number = steps_of("mha steps=true")
    assert number["head1"] == number["head2"] == number["head8"]


def test_explicit_steps_place_the_named_nodes_and_the_rest_around_them() -> None:
    steps, number = steps_of("attention steps=x+wq+wk+wv,matmul_qk+scale,softmax,matmul_av")
    assert len(steps) == 4
    assert number["scale"] == 2 and number["q"] == number["v"] == 1 and number["out"] == 4
    _, by_role = steps_of("attention steps=linear,matmul")  # a role names all its nodes
    assert by_role["wv"] == 1 and by_role["matmul_qk"] == by_role["matmul_av"] == 2


def test_explicit_steps_refuse_unknown_names_and_a_node_before_its_input() -> None:
    unknown = error_of("attention steps=wq,matmul_kq").diagnostic
    assert unknown.subtype is Subtype.BAD_VALUE and "matmul_kq" in unknown.message
    assert "matmul_qk" in (unknown.hint or "")
    assert unknown.loc.col == len("seqarch attention ") + 1  # points at the key, not the block
    backwards = error_of("attention steps=softmax,scale").diagnostic
    assert "before `scale`" in backwards.message and "step 2 or later" in (backwards.hint or "")
    twice = error_of("attention steps=scale,scale").diagnostic
    assert "step 1 and step 2" in twice.message


def test_steps_change_classes_only_never_the_layout() -> None:
    registry = Registry.default()
    for example in (example for _, example in DIAGRAMS if "steps=" not in example):
        plain = render_spec(parse(f"seqarch {example}"), "dot", registry)
        stepped = render_spec(parse(f"seqarch {example} steps=true"), "dot", registry)
        assert isinstance(stepped, str) and "sqd-step-" in stepped
        assert re.sub(r" sqd-step-[0-9]+", "", stepped) == plain


def test_no_steps_keeps_the_identity_of_the_figure() -> None:
    assert parse("seqarch lstm").canonical() == parse("seqarch lstm steps=false animate=false").canonical()
    assert "steps" not in parse("seqarch lstm").canonical()
    assert parse("seqarch lstm").digest() != parse("seqarch lstm steps=true").digest()


def test_svg_groups_carry_their_step() -> None:
    svg = str(render_spec(parse("seqarch lstm steps=true"), "svg", Registry.default()))
    root = ET.fromstring(svg)
    groups = [g for g in root.iter(SVG + "g") if g.get("class", "").split()[:1] in (["node"], ["edge"])]
    assert groups and all(g.get("data-sqd-step") for g in groups)
    number = steps_of("lstm steps=true")[1]
    drawn = {g.get("data-sqd-step") for g in groups}
    assert drawn == {str(k) for k in set(number.values())}
    assert "data-sqd-step" not in str(render_spec(parse("seqarch lstm"), "svg", Registry.default()))


def test_animated_svg_is_valid_xml_with_keyframes_and_no_script() -> None:
    spec = parse("seqarch attention mask=causal animate=true step_seconds=2")
    svg = str(render_spec(spec, "svg", Registry.default()))
    root = ET.fromstring(svg)
    assert not list(root.iter(SVG + "script")) and "<script" not in svg
    css = "".join(style.text or "" for style in root.iter(SVG + "style"))
    prefix = root.get("id")
    count = len(plan(build_graph(spec, Registry.default()), Registry.default()))
    assert count == 7
    for k in range(2, count + 1):  # step 1 is there from the start; each later step has its keyframes
        assert f"@keyframes {prefix}-s{k}{{" in css
        assert f'#{prefix} [data-sqd-step="{k}"]{{animation:{prefix}-s{k} {(count + 2) * 2:g}s linear infinite}}' \
            in css
    start = 100 * 2 * 2 / ((count + 2) * 2)  # step 3 appears after two steps of the cycle
    assert f"@keyframes {prefix}-s3{{0%,{start:.2f}%{{opacity:0}}" in css
    assert f"@media (prefers-reduced-motion: reduce){{#{prefix} [data-sqd-step]{{animation:none}}}}" in css


def test_step_seconds_is_bounded() -> None:
    for value in ("0.1", "11", "nan", "fast"):
        diagnostic = error_of(f"lstm animate=true step_seconds={value}").diagnostic
        assert "step_seconds" in diagnostic.message
        assert diagnostic.subtype in (Subtype.OUT_OF_RANGE, Subtype.BAD_VALUE)
    assert "step_seconds" in str(error_of("table step_seconds=2").diagnostic.message)  # diagrams only


def test_a_figure_link_to_an_equation_outside_its_set_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "overlay.yaml"
    path.write_text("formula_sets:\n  lstm:\n    arch: lstm\n    title: {en: 'LSTM', zh: 'LSTM'}\n"
                    "    equations: [lstm.forget]\n    figure:\n      subject: lstm\n"
                    "      nodes: {gate_f: lstm.forget, gate_i: lstm.input}\n",
                    encoding="utf-8")
    with pytest.raises(SpecError) as info:
        Registry.load([path])
    diagnostic = info.value.diagnostic
    assert "`formula_sets.lstm.figure.nodes.gate_i`: `lstm.input` is not an equation of this set" in diagnostic.message
    assert "lstm.forget" in diagnostic.message and (diagnostic.loc.path, diagnostic.loc.line) == (str(path), 8)


def test_figure_links_name_diagram_nodes_and_keys() -> None:
    """Every node a formula set links to exists in its figure for the parameters the link holds for."""
    for set_id, item in Registry.default().data.formula_sets.items():
        if item.figure is None:
            continue
        subject = catalog()[item.figure.subject]
        assert subject.build is not None and set(item.figure.when) <= set(subject.params), set_id
        when = " ".join(f"{k}={str(v).lower()}" for k, v in item.figure.when.items())
        graph = build_graph(parse(f"seqarch {item.figure.subject} {when}"), Registry.default())
        missing = set(item.figure.nodes) - {n.id for n in graph.nodes}
        assert missing <= {"head2", "head8"} if set_id == "mha" else not missing, (set_id, missing)


def test_variants_the_equations_do_not_describe_get_no_tooltip() -> None:
    for block in ("lstm forget_gate=false", "lstm peephole=true", "gru convention=swapped", "attention mask=causal",
                  "rnn variant=jordan", "transformer norm=pre"):
        assert equation_titles(build_graph(parse("seqarch " + block), Registry.default()), Registry.default()) == {}


def test_a_figure_in_steps_carries_hidden_controls_and_its_captions() -> None:
    spec = parse('seqarch attention steps=true caption="<b>&"')
    html = str(render_spec(spec, "html", Registry.default()))
    captions = [step.caption for step in figure_steps(spec, build_graph(spec, Registry.default()), Registry.default())]
    assert f'data-sqd-steps="{len(captions)}"' in html
    assert '<div class="sqd-stepper" data-sqd-status="Step {k} of {n}: {caption}" hidden>' in html
    assert '<p class="sqd-step-status" aria-live="polite"></p>' in html
    assert "<li>" + "</li><li>".join(captions) + "</li>" in html.replace("&gt;", ">")
    assert "<b>&" not in html  # the user's caption is escaped like every text
    assert needed(html) == ("steps",)
    assert "data-sqd-steps" not in str(render_spec(parse("seqarch attention animate=true"), "html",
                                                   Registry.default()))  # an animation needs no controls


def test_the_step_script_is_loaded_deferred_from_the_site() -> None:
    assert tags(("steps",), "..") == '<script defer src="../assets/seqdiagrams/steps/steps.js"></script>'
    from seqdiagrams.assets import VENDOR

    script = (VENDOR.parent / BUNDLES["steps"].scripts[0]).read_text(encoding="utf-8")
    assert "document$" in script and "fetch(" not in script and "http" not in script


def test_nodes_name_their_equation_for_the_formula_section_of_the_page() -> None:
    registry = Registry.default()
    spec = parse("seqarch lstm")
    html = str(render_spec(spec, "html", registry))
    expected = equation_titles(build_graph(spec, registry), registry)
    marked = re.findall(r'<g id="[^"]*" class="node[^"]*" data-sqd-eq="([^"]+)">', html)
    assert sorted(marked) == sorted(tip.equation for tip in expected.values())
    assert 'data-sqd-back="↑ in the figure"' in html
    formulas = str(render_spec(parse("seqarch formulas arch=lstm"), "html", registry))
    assert "steps" not in needed(html) and "steps" not in needed(formulas)  # one alone needs no script
    assert needed(html + formulas) == ("katex", "steps")  # a figure and its equations on one page are linked
    # a host that scans the page without its figures and adds their signs finds the same, figure by figure
    page = f"<p>text</p>{html}<p>more</p>{formulas}"
    assert needed("<p>text</p><p>more</p>", [*signs(html), *signs(formulas)]) == needed(page)
    assert needed(formulas, signs(html)) == needed(html, signs(formulas)) == needed(page)
    assert needed("", signs(html)) == needed(html) and needed("", signs(formulas)) == needed(formulas)


@pytest.mark.parametrize("archs", ["rnn,lstm,transformer", "transformer,mamba", "mamba,gru", "decoder-only,rnn,lstm"])
def test_a_comparison_is_told_panel_by_panel_in_the_order_written(archs: str) -> None:
    steps, _ = steps_of(f"compare archs={archs} steps=true")
    told = [node.split("__")[0] for step in steps for node in step.nodes]
    assert [panel for panel, _ in itertools.groupby(told)] == archs.split(",")  # together, in the written order
    assert all(len({node.split("__")[0] for node in step.nodes}) == 1 for step in steps)  # a step in one panel
