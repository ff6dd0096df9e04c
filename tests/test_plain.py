"""What a block becomes where its HTML figure cannot go (``rendering/plain.py``), host-neutral."""

from __future__ import annotations

import pytest

from seqdiagrams.registry import Registry
from seqdiagrams.rendering import build_graph, render_spec
from seqdiagrams.rendering.plain import Alt, Graphic, Math, Verbatim, plain_output
from seqdiagrams.spec import parse
from seqdiagrams.subjects import get_subject
from seqdiagrams.subjects import table as table_module
from seqdiagrams.subjects import timeline as timeline_module

REGISTRY = Registry.default()


def test_a_diagram_is_a_vector_pdf_in_latex_named_by_its_content() -> None:
    spec = parse("rnn unroll=3")
    graphic = plain_output(spec, REGISTRY, "latex")
    assert isinstance(graphic, Graphic) and graphic.name.startswith("seqarch-") and graphic.name.endswith(".pdf")
    assert plain_output(parse("rnn unroll=3"), REGISTRY, "latex").name == graphic.name  # type: ignore[union-attr]
    assert plain_output(parse("rnn unroll=4"), REGISTRY, "latex").name != graphic.name  # type: ignore[union-attr]
    assert graphic.produce().startswith(b"%PDF-")


def test_a_plot_is_a_png_in_latex() -> None:
    graphic = plain_output(parse("complexity"), REGISTRY, "latex")
    assert isinstance(graphic, Graphic) and graphic.name.endswith(".png")
    assert graphic.produce().startswith(b"\x89PNG\r\n")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_diagram_is_its_title_in_text_in_the_block_language(lang: str) -> None:
    spec = parse(f"gru lang={lang}")
    phrase = REGISTRY.label("phrase.figure-text-alt", lang)
    assert plain_output(spec, REGISTRY, "text") == Alt(phrase.format(title=build_graph(spec, REGISTRY).title))


def test_a_formula_section_is_latex_math_in_latex_and_markdown_in_text() -> None:
    spec = parse("formulas arch=gru numbered=true")
    math = plain_output(spec, REGISTRY, "latex")
    output = get_subject("formulas").render(spec, REGISTRY, "latex", "p", True)  # type: ignore[misc]
    assert isinstance(math, Math) and math.caption == output.caption and r"\begin{equation" in math.latex
    assert plain_output(spec, REGISTRY, "text") == Verbatim(str(render_spec(spec, "md", REGISTRY)))  # no LaTeX


@pytest.mark.parametrize("example", [*get_subject("table").examples[:3], *get_subject("timeline").examples])
@pytest.mark.parametrize("document", ["latex", "text"])
def test_tables_and_timelines_are_their_text_tables_everywhere(example: str, document: str) -> None:
    spec = parse(example)
    module = table_module if spec.subject == "table" else timeline_module
    assert plain_output(spec, REGISTRY, document) == module.text_table(spec, REGISTRY)  # type: ignore[arg-type]
