"""Subjects return models, rendering/ serializes them; registry validation is pure.

The table, timeline, formula and complexity subjects build plain data (``seqdiagrams.models``) and import no
markup library; the serializers under ``rendering/`` write every format with their own escaping (Jinja
templates for HTML, Markdown and LaTeX). Registry locations found after loading point into the YAML files.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from registry_helpers import MY_RNN, write_overlay

import seqdiagrams
from seqdiagrams import models
from seqdiagrams.errors import Location, SpecError, Subtype
from seqdiagrams.registry import DATA_DIR, Registry
from seqdiagrams.rendering import render_spec
from seqdiagrams.rendering.serialize import PLOTS
from seqdiagrams.rendering.templating import md_cell, tex_text
from seqdiagrams.spec import parse_parts
from seqdiagrams.subjects import _selective_scan, attention_weights, get_subject, positional_encoding
from seqdiagrams.subjects.complexity import plot_of
from seqdiagrams.subjects.formulas import section_of
from seqdiagrams.subjects.table import table_of, text_table
from seqdiagrams.subjects.timeline import timeline_model

PACKAGE = Path(seqdiagrams.__file__).parent
MODEL_SUBJECTS = ("table.py", "timeline.py", "formulas.py", "complexity.py", "positional_encoding.py",
                  "attention_weights.py", "_selective_scan.py", "_eras.py", "_evolution.py", "_own_graph.py",
                  "_timeline_shared.py")
MARKUP_MODULES = {"html", "json", "jinja2", "markupsafe", "matplotlib", "xml"}
"""What writing a format takes: none of it belongs in a subject that returns a model."""


def spec_of(example: str, lang: str = "en"):
    info, _, body = example.partition("\n")
    return parse_parts(f"seqarch {info} lang={lang}", body, Location("<t>", 1, 1), Location("<t>", 2, 1))


def imported(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports (also inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module if node.module.startswith("seqdiagrams") else node.module.split(".")[0])
    return names


@pytest.mark.parametrize("name", MODEL_SUBJECTS)
def test_model_subjects_write_no_format(name: str) -> None:
    assert not imported(PACKAGE / "subjects" / name) & MARKUP_MODULES


@pytest.mark.parametrize("name", ["schema.py", "crossrefs.py"])
def test_registry_validation_imports_no_renderer(name: str) -> None:
    assert not {module for module in imported(PACKAGE / "registry" / name) if module.startswith(
        "seqdiagrams.rendering")}


@pytest.mark.parametrize(("subject", "build", "kinds"), [
    ("table", table_of, (models.TableModel,)),
    ("formulas", section_of, (models.FormulaSection,)),
    ("timeline", timeline_model, (models.TimelineModel, models.EvolutionModel, models.EraTableModel)),
    ("complexity", plot_of, (models.PlotModel,)),
    ("positional-encoding", positional_encoding.plot_of, (models.PlotModel,)),
    ("attention-weights", attention_weights.plot_of, (models.PlotModel,)),
])
def test_every_example_builds_a_model(subject, build, kinds) -> None:
    registry = Registry.default()
    built = {type(build(spec_of(example), registry)) for example in get_subject(subject).examples}
    assert built == set(kinds)  # every style has examples, and each gives its model


def test_every_plot_model_has_a_drawing() -> None:
    """Each plot subject's model names a drawing of :data:`PLOTS`, and its data is the block's JSON output."""
    registry = Registry.default()
    builders = {"complexity": plot_of, "positional-encoding": positional_encoding.plot_of,
                "attention-weights": attention_weights.plot_of, "mamba view=scan": _selective_scan.plot_of}
    kinds = set()
    for block, build in builders.items():
        model = build(spec_of(block), registry)
        assert json.loads(render_spec(spec_of(block), "json", registry)) == json.loads(json.dumps(model.data))
        kinds.add(model.kind)
    assert kinds == set(PLOTS)


# -- the table model: the shape the Sphinx adapter builds docutils tables from ----------------------------


@pytest.mark.parametrize("example", get_subject("table").examples)
def test_table_rows_have_one_cell_per_header(example: str) -> None:
    model = table_of(spec_of(example), Registry.default())
    assert model.rows and all(len(row) == len(model.header) for row in model.rows)
    values = {value for record in model.records for value in record.values.values()}
    cells = {cell.text for row in model.rows for cell in row[1:]}
    assert values <= cells  # every registry value is laid out (None: the missing cell)


@pytest.mark.parametrize("kind", ["comparison", "bert-vs-gpt"])
def test_transpose_swaps_the_layout_not_the_data(kind: str) -> None:
    registry = Registry.default()
    plain = table_of(spec_of(f"table kind={kind}"), registry)
    turned = table_of(spec_of(f"table kind={kind} transpose=true"), registry)
    grid = [[cell.text for cell in row] for row in (plain.header, *plain.rows)]
    swapped = [[cell.text for cell in row] for row in (turned.header, *turned.rows)]
    columns = zip(*[row[1:] for row in grid[1:]], strict=True)
    assert [row[1:] for row in swapped[1:]] == [list(column) for column in columns]
    assert (turned.columns, turned.records) == (plain.columns, plain.records)


def test_notes_number_the_references_of_the_marks() -> None:
    model = table_of(spec_of("table dims=year,paper notes=true"), Registry.default())
    marks = {mark for row in model.rows for mark in row[0].marks.split(", ") if mark.isdigit()}
    assert marks == {str(n) for n in range(1, len(model.references) + 1)}
    cited = [key for record in model.records for key in record.sources]
    assert [ref.key for ref in model.references] == list(dict.fromkeys(cited))  # order of first citation


def test_text_table_is_the_model_without_notes() -> None:
    registry = Registry.default()
    spec = spec_of("table kind=vaswani-table1 notes=true")
    model, plain = table_of(spec, registry), text_table(spec, registry)
    assert plain.headers == tuple(cell.text or model.missing for cell in model.header)
    assert plain.rows == tuple(tuple(cell.text or model.missing for cell in row) for row in model.rows)


def test_html_table_has_a_row_per_model_row() -> None:
    spec = spec_of("table archs=lstm,gru,mamba transpose=true")
    model = table_of(spec, Registry.default())
    html = str(render_spec(spec, "html", Registry.default()))
    assert html.count('<th scope="row">') == len(model.rows)
    assert html.count('<th scope="col">') == len(model.header)


# -- escaping filters -----------------------------------------------------------------------------------


def test_markdown_cell_filter() -> None:
    assert md_cell("a | b\n  c <b>d</b> &amp; $x<y$") == r"a \| b c &lt;b>d&lt;/b> &amp;amp; $x<y$"


def test_latex_filter_escapes_text_and_keeps_math() -> None:
    assert tex_text("50% of $x_t$ & {y}_ #1 ~ *z*") == \
        r"50\% of \(x_t\) \& \{y\}\_ \#1 \textasciitilde{} \emph{z}"


def test_template_syntax_in_registry_text_is_text(tmp_path: Path) -> None:
    """A note that looks like a template is written as text in every format (it is data, never a template)."""
    note = r"{{ 7*7 }} {% if x %} \VAR{section} \BLOCK{for x in y}"
    text = MY_RNN + """\
    equations:
      - id: my-rnn.state
        latex: 'h_t'
        label: {en: 'state', zh: '状态'}
formula_sets:
  my-rnn:
    arch: my-rnn
    title: {en: 'My RNN', zh: '我的循环网络'}
    equations: [my-rnn.state]
    note: {en: 'NOTE', zh: 'x'}
""".replace("NOTE", note)
    registry = Registry.load([write_overlay(tmp_path, text)])
    spec = spec_of("formulas arch=my-rnn")
    latex = str(render_spec(spec, "latex", registry))
    assert tex_text(note) + r"\par" in latex and "49" not in latex
    md = str(render_spec(spec, "md", registry))
    assert md.startswith(note + "\n")
    html = str(render_spec(spec, "html", registry))
    assert "{{ 7*7 }} {% if x %}" in html and "49" not in html
    assert json.loads(render_spec(spec, "json", registry))["note"] == note


# -- locations after loading -----------------------------------------------------------------------------


def test_registry_locates_packaged_entries() -> None:
    text = (DATA_DIR / "formulas.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, row in enumerate(text, 1) if row.strip().startswith("h_prev:"))
    loc = Registry.default().locate(("symbols", "h_prev", "latex"))
    assert (Path(loc.path).name, loc.line) == ("formulas.yaml", line)


def test_math_in_table_text_is_located_at_the_block(tmp_path: Path) -> None:
    path = write_overlay(tmp_path, "dims:\n  year:\n    values:\n      rnn: {en: 'grows as $\\frac{1}$', zh: 'x'}\n")
    with pytest.raises(SpecError) as info:
        render_spec(spec_of("table archs=rnn dims=year"), "html", Registry.load([path]))
    d = info.value.diagnostic
    assert d.subtype is Subtype.RENDER and d.loc.path == "<t>"
    assert "the math `\\frac{1}` of table" in d.message
