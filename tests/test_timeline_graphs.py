"""Author-defined evolution graphs (``timeline style=graph`` with ``nodes:``/``edges:``) and the table of eras
(``timeline style=table``): the body's typed lists, located errors, escaping in every output, the layout shared
with the registry's graph, and the era table's content from the registry (REFERENCE.md §5), en and zh."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from seqdiagrams.errors import Location, SpecError, Subtype
from seqdiagrams.params import ListParam, RawEntry, RawMapping, Record, RecordListParam, TextParam
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import render_spec
from seqdiagrams.spec import parse
from seqdiagrams.subjects.timeline import MAX_EDGES, MAX_LABEL, MAX_NODES

# REFERENCE.md §2.9 as an author would draw it; the edges below are what the figure must show
OWN = """\
timeline style=graph
nodes:
  - {id: gradients, kind: problem, label: {en: 'Large gradients at initialization', zh: '初始化时梯度很大'}}
  - id: warm-up
    kind: problem
    label: 'Warm-up needed'
  - {id: pre-ln, kind: solution, label: {en: 'Pre-LN', zh: '前置层归一化'}}
  - {id: final-ln, kind: solution, label: {en: 'Final LayerNorm', zh: '最终层归一化'}}
edges:
  - {src: gradients, dst: pre-ln, kind: solves}
  - {src: warm-up, dst: pre-ln, kind: solves}
  - {src: pre-ln, dst: final-ln, kind: leads-to}
"""
OWN_EDGES = [("gradients", "pre-ln", "solves"), ("warm-up", "pre-ln", "solves"), ("pre-ln", "final-ln", "leads-to")]
OWN_LABELS = {"en": {"gradients": "Large gradients at initialization", "warm-up": "Warm-up needed",
                     "pre-ln": "Pre-LN", "final-ln": "Final LayerNorm"},
              "zh": {"gradients": "初始化时梯度很大", "warm-up": "Warm-up needed", "pre-ln": "前置层归一化",
                     "final-ln": "最终层归一化"}}
HOSTILE = 'e"]; %% #35; <script>x</script> {{a}} [b] | `c` $d$ \\ *e* _f_ ~g~ &'


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.default()


def render(block: str, fmt: str, registry: Registry | None = None) -> str:
    return str(render_spec(parse(block), fmt, registry or Registry.default()))


def in_lang(block: str, lang: str) -> str:
    info, newline, body = block.partition("\n")
    return f"{info} lang={lang}{newline}{body}"


def error(block: str) -> SpecError:
    with pytest.raises(SpecError) as info:
        render(block, "html")
    return info.value


def unmermaid(text: str) -> str:
    """What Mermaid shows for label text: its ``#name;``/``#35;`` entity codes decoded (as HTML entities)."""
    return html.unescape(re.sub(r"#(\w+);", lambda m: f"&#{m[1]};" if m[1].isdigit() else f"&{m[1]};", text))


# -- the flowchart source: the grammar the md output must keep -----------------------------------------

_LINE = {
    "head": re.compile(r"flowchart (TB|LR|BT|RL)"),
    "acc": re.compile(r"    acc(Title|Descr): [^\n\"{}\[\]<>|;:#%`]*(#\w+;[^\n\"{}\[\]<>|;:#%`]*)*"),
    "problem": re.compile(r'    (n\d+)\{\{"((?:[^"#{}\[\]<>|;:%`$\\]|#\w+;)*)"\}\}'),
    "solution": re.compile(r'    (n\d+)\("((?:[^"#{}\[\]<>|;:%`$\\]|#\w+;)*)"\)'),
    "edge": re.compile(r"    (n\d+) (-->|-\.->) (n\d+)"),
    "class": re.compile(r"    class (n\d+(?:,n\d+)*) (problem|solution)"),
}


def flowchart(block: str, registry: Registry | None = None) -> tuple[dict[str, tuple[str, str]], list[tuple]]:
    """Parse the md output by the flowchart grammar above (every line must match one rule, whole): node id →
    (kind, shown label), and the edges as (shown src label, shown dst label, arrow)."""
    out = render(block, "md", registry)
    assert out.startswith("```mermaid\n") and out.endswith("\n```\n")
    lines = out[len("```mermaid\n"):-len("```\n")].splitlines()
    assert _LINE["head"].fullmatch(lines[0])
    assert _LINE["acc"].fullmatch(lines[1]) and _LINE["acc"].fullmatch(lines[2]), lines[1:3]
    nodes: dict[str, tuple[str, str]] = {}
    edges: list[tuple[str, str, str]] = []
    classes: dict[str, str] = {}
    for line in lines[3:]:
        rule, match = next(((name, m) for name, regex in _LINE.items() if (m := regex.fullmatch(line))), (None, None))
        assert match is not None, f"not flowchart source: {line!r}"
        if rule in ("problem", "solution"):
            assert match[1] not in nodes
            nodes[match[1]] = (rule, unmermaid(match[2]))
        elif rule == "edge":
            assert match[1] in nodes and match[3] in nodes  # declared before use
            edges.append((nodes[match[1]][1], nodes[match[3]][1], match[2]))
        elif rule == "class":
            classes.update(dict.fromkeys(match[1].split(","), match[2]))
    assert classes == {n: kind for n, (kind, _) in nodes.items()}
    return nodes, edges


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_own_graph_md_is_flowchart_source_with_the_authored_nodes_and_edges(lang):
    nodes, edges = flowchart(in_lang(OWN, lang))
    labels = OWN_LABELS[lang]
    assert sorted(label for _, label in nodes.values()) == sorted(labels.values())
    kinds = {label: kind for kind, label in nodes.values()}
    assert kinds[labels["gradients"]] == kinds[labels["warm-up"]] == "problem"
    assert kinds[labels["pre-ln"]] == kinds[labels["final-ln"]] == "solution"
    assert edges == [(labels[s], labels[d], "-->") for s, d, _ in OWN_EDGES]


def test_own_graph_leaves_the_registry_out_and_json_keeps_ids(registry):
    data = json.loads(render(OWN, "json"))
    assert [n["id"] for n in data["nodes"]] == list(OWN_LABELS["en"])
    assert [(e["src"], e["dst"], e["kind"]) for e in data["edges"]] == OWN_EDGES
    assert all(n["archs"] == [] and n["source"] == [] for n in data["nodes"])
    registry_labels = {node.label.en for node in registry.data.evolution.nodes.values()}
    assert not registry_labels & {n["label"] for n in data["nodes"]}


def test_both_merges_own_nodes_into_the_registry_graph(registry):
    block = ("timeline style=graph graph=both archs=transformer\nnodes:\n"
             "  - {id: warm-up, kind: problem, label: Warm-up}\n  - {id: pre-ln, kind: solution, label: Pre-LN}\n"
             "edges:\n  - {src: self-attention, dst: warm-up, kind: raises}\n"
             "  - {src: warm-up, dst: pre-ln, kind: solves}\n")
    data = json.loads(render(block, "json"))
    kept = [n for n, node in registry.data.evolution.nodes.items() if "transformer" in node.archs]
    assert [n["id"] for n in data["nodes"]] == [*kept, "warm-up", "pre-ln"]  # registry first, in its order
    registry_edges = [(e.src, e.dst, e.kind) for e in registry.data.evolution.edges
                      if e.src in kept and e.dst in kept]
    assert [(e["src"], e["dst"], e["kind"]) for e in data["edges"]] == [
        *registry_edges, ("self-attention", "warm-up", "raises"), ("warm-up", "pre-ln", "solves")]
    _, edges = flowchart(block)
    assert ("Self-attention (Transformer)", "Warm-up", "-.->") in edges  # `raises` is dotted, as in the registry


def test_default_graph_is_own_with_nodes_and_the_registry_without(registry):
    assert json.loads(render(OWN, "json"))["nodes"][0]["id"] == "gradients"
    assert json.loads(render(OWN.replace("style=graph", "style=graph graph=own"), "json")) == json.loads(
        render(OWN, "json"))
    first = next(iter(registry.data.evolution.nodes))
    assert json.loads(render("timeline style=graph", "json"))["nodes"][0]["id"] == first


def test_one_label_serves_both_languages_and_a_mapping_gives_each():
    for lang in ("en", "zh"):
        data = json.loads(render(in_lang(OWN, lang), "json"))
        assert {n["id"]: n["label"] for n in data["nodes"]} == OWN_LABELS[lang]


def test_identity_is_the_values_not_how_the_yaml_is_written():
    block = OWN.replace("  - id: warm-up\n    kind: problem\n    label: 'Warm-up needed'\n",
                        "  -   {label: Warm-up needed, kind: problem,   id: warm-up}\n")
    assert block != OWN
    assert parse(block).canonical() == parse(OWN).canonical()
    assert render(block, "html") == render(OWN, "html")


# -- located errors ------------------------------------------------------------------------------------


def at(block: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """(line, col), 1-based, of the ``occurrence``-th ``needle`` in ``block``: where an error must point."""
    index = -1
    for _ in range(occurrence):
        index = block.index(needle, index + 1)
    line = block.count("\n", 0, index) + 1
    return line, index - (block.rfind("\n", 0, index) + 1) + 1


NODES = "timeline style=graph\nnodes:\n  - {id: drift, kind: problem, label: Drift}\n" \
        "  - {id: retrain, kind: solution, label: Retraining}\n"
ERRORS = [
    pytest.param(NODES + "edges:\n  - {src: drift, dst: retrian, kind: solves}\n", "retrian", 1,
                 "names no node of this graph: `retrian`", "did you mean `retrain`?", id="unknown-node"),
    pytest.param(NODES + "  - {id: drift, kind: solution, label: Again}\n", "drift", 2,
                 "node id `drift` is given twice", "its own id", id="duplicate-id"),
    pytest.param(NODES + "edges:\n  - {src: drift, dst: gating, kind: solves}\n", "gating", 1,
                 "names no node of this graph: `gating`", "add graph=both", id="registry-node-in-own-graph"),
    pytest.param("timeline style=graph graph=both\nnodes:\n  - {id: gating, kind: problem, label: X}\n", "gating", 1,
                 "`gating` is a node of the registry's graph", "its own id", id="id-of-a-registry-node"),
    pytest.param("timeline style=graph graph=both archs=rnn\nedges:\n  - {src: long-range, dst: s4, kind: solves}\n",
                 "long-range", 1, "names no node of this graph: `long-range`", "`archs` leaves it out",
                 id="registry-node-filtered-out"),
    pytest.param(NODES + "edges:\n  - {src: retrain, dst: drift, kind: solves}\n", "solves", 1,
                 "`solves` goes from a problem to a solution, not from a solution to a problem", "kind: raises",
                 id="edge-against-its-kind"),
    pytest.param(NODES + "edges:\n  - {src: drift, dst: retrain, kind: solves}\n"
                 "  - {src: drift, dst: retrain, kind: solves}\n", "{src", 2, "a repeated edge", None,
                 id="repeated-edge"),
    pytest.param(NODES + "  - {id: more, kind: solutoin, label: X}\n", "solutoin", 1, "`nodes[3].kind` expects one of",
                 "did you mean `solution`?", id="bad-kind"),
    pytest.param(NODES + "  - {id: more, kind: solution, lable: X}\n", "lable", 1, "unknown field `lable`",
                 "did you mean `label`?", id="unknown-field"),
    pytest.param(NODES + "  - {id: more, kind: solution}\n", "{id: more", 1, "item 3 of `nodes` has no `label`",
                 "add `label: …`", id="missing-field"),
    pytest.param(NODES + "  - {id: More Ideas, kind: solution, label: X}\n", "More Ideas", 1,
                 "an id of lower-case letters", None, id="bad-id"),
    pytest.param(NODES + f"  - {{id: more, kind: solution, label: {'x' * (MAX_LABEL + 1)}}}\n", "xxx", 1,
                 f"is {MAX_LABEL + 1} characters long; the limit is {MAX_LABEL}", None, id="long-label"),
    pytest.param(NODES + "  - {id: more, kind: solution, label: {en: More}}\n", "{en: More}", 1,
                 "`nodes[3].label` gives no `zh` text", "add `zh: …`", id="label-without-zh"),
    pytest.param(NODES + "  - {id: more, kind: solution, label: {en: A, de: B}}\n", "de:", 1,
                 "has no language `de`", None, id="label-unknown-language"),
    pytest.param(NODES + "  - {id: more, kind: solution, label: \"a\\x07b\"}\n", '"a', 1,
                 "text without control characters", None, id="label-control-character"),
    pytest.param("timeline style=graph nodes=a", "a", 2, "`nodes` expects a YAML list of mappings in the block body",
                 "write `nodes:` on its own line", id="nodes-in-the-info-string"),
    pytest.param("timeline\n" + NODES.partition("\n")[2], "nodes", 1, "`nodes` applies to style=graph only",
                 None, id="nodes-on-a-timeline"),
    pytest.param("timeline style=graph graph=registry\n" + NODES.partition("\n")[2], "nodes", 1,
                 "graph=registry draws the registry's graph only", "use graph=both", id="nodes-with-graph-registry"),
    pytest.param("timeline style=graph archs=rnn\n" + NODES.partition("\n")[2], "archs", 1,
                 "`archs` filters the registry's graph", "graph=both", id="archs-with-own-graph"),
    pytest.param("timeline style=graph\nedges:\n  - {src: a, dst: b, kind: solves}\n", "edges", 1,
                 "an own graph needs `nodes`", None, id="edges-without-nodes"),
    pytest.param("timeline style=graph graph=both", "graph=", 1, "graph=both adds the block's `nodes` and `edges`",
                 None, id="both-without-a-body"),
    pytest.param("timeline style=table archs=rnn", "archs", 1, "`archs` applies to style=timeline or style=graph",
                 None, id="archs-on-the-table"),
    pytest.param("timeline style=table from=2000", "from", 1, "`from` applies to style=timeline only", None,
                 id="from-on-the-table"),
]


@pytest.mark.parametrize(("block", "needle", "occurrence", "message", "hint"), ERRORS)
def test_errors_point_into_the_body(block, needle, occurrence, message, hint):
    diagnostic = error(block).diagnostic
    assert (diagnostic.loc.line, diagnostic.loc.col) == at(block, needle, occurrence)
    assert message in diagnostic.message
    if hint:
        assert hint in (diagnostic.hint or "")


def test_errors_carry_the_page_location(tmp_path):
    block = NODES + "edges:\n  - {src: drift, dst: nowhere, kind: solves}\n"
    info, _, body = block.partition("\n")
    from seqdiagrams.spec import parse_parts

    with pytest.raises(SpecError) as caught:
        spec = parse_parts(info, body, Location("page.md", 10, 4), Location("page.md", 11, 1))
        render_spec(spec, "html", Registry.default())
    line, col = at(body, "nowhere")
    assert str(caught.value.diagnostic.loc) == f"page.md:{10 + line}:{col}"


def bounded_graph(nodes: int, edges: int) -> str:
    """``nodes`` nodes (problems and solutions alternating) and the first ``edges`` of their ``solves`` pairs."""
    half = (nodes + 1) // 2
    kinds = ("p", "problem"), ("s", "solution")
    listed = "".join(f"  - {{id: {kinds[i % 2][0]}{i // 2}, kind: {kinds[i % 2][1]}, label: N{i}}}\n"
                     for i in range(nodes))
    pairs = [(p, s) for p in range(half) for s in range(nodes // 2)][:edges]
    links = "".join(f"  - {{src: p{p}, dst: s{s}, kind: solves}}\n" for p, s in pairs)
    return "timeline style=graph\nnodes:\n" + listed + (f"edges:\n{links}" if links else "")


def test_counts_are_bounded():
    data = json.loads(render(bounded_graph(MAX_NODES, MAX_EDGES), "json"))
    assert (len(data["nodes"]), len(data["edges"])) == (MAX_NODES, MAX_EDGES)
    for key, block in (("nodes", bounded_graph(MAX_NODES + 1, 0)), ("edges", bounded_graph(MAX_NODES, MAX_EDGES + 1))):
        diagnostic = error(block).diagnostic
        limit = MAX_NODES if key == "nodes" else MAX_EDGES
        assert diagnostic.subtype is Subtype.TOO_LARGE and f"the limit is {limit}" in diagnostic.message
        assert (diagnostic.loc.line, diagnostic.loc.col) == at(block, f"{key}:")


# -- escaping: what an author writes stays text in every output ------------------------------------------


BREAKOUT = HOSTILE + ' }}"] --> n1'


def hostile_graph() -> str:
    return ("timeline style=graph\nnodes:\n"
            f"  - {{id: bad, kind: problem, label: {json.dumps(HOSTILE)}}}\n"
            f"  - {{id: end, kind: solution, label: {json.dumps(BREAKOUT)}}}\n"
            "edges:\n  - {src: bad, dst: end, kind: solves}\n")


def test_hostile_labels_cannot_change_the_flowchart():
    nodes, edges = flowchart(hostile_graph())  # every line still parses by the grammar: nothing broke out
    assert sorted(label for _, label in nodes.values()) == sorted(
        " ".join(text.split()) for text in (HOSTILE, BREAKOUT))
    assert len(edges) == 1


def test_hostile_labels_are_text_in_html_and_json():
    out = render(hostile_graph(), "html")
    assert "<script" not in out and "&lt;script&gt;x&lt;/script&gt;" in out
    assert html.escape(HOSTILE, quote=False) in out
    labels = [n["label"] for n in json.loads(render(hostile_graph(), "json"))["nodes"]]
    assert labels == [HOSTILE, BREAKOUT]


# -- html: the registry graph's layout -----------------------------------------------------------------


def rows(out: str) -> list[list[list[str]]]:
    """The drawn rows, each a list of ranks (split at the arrows), each the texts of its cards (notes left out)."""
    found = []
    for row in re.findall(r'<li class="sqd-tl-item sqd-tl-row">(.*?)</li>', out):
        ranks = row.split('<span class="sqd-tl-arrow" aria-hidden="true">→</span>')
        found.append([[html.unescape(re.sub(r"<span.*?</span>", "", card))
                       for card in re.findall(r'<div class="sqd-tl-node [^"]*" id="[^"]*" title="[^"]*">(.*?)</div>',
                                              rank)] for rank in ranks])
    return found


def test_own_graph_html_uses_the_rows_of_the_registry_graph():
    out = render(OWN, "html")
    assert 'data-sqd-kind="graph"' in out
    labels = OWN_LABELS["en"]
    # one row per problem with its solutions rank by rank; a node is drawn once, where first reached
    assert rows(out) == [[[labels["gradients"]], [labels["pre-ln"]], [labels["final-ln"]]],
                         [[labels["warm-up"]]]]
    assert re.search(r'title="problem">Warm-up needed<span class="sqd-tl-note">solved by <a href="#[^"]+">Pre-LN</a>',
                     out)
    assert out.count('class="sqd-tl-node sqd-tl-problem sqd-c-gate"') == 2
    assert out.count('class="sqd-tl-node sqd-tl-solution sqd-c-state"') == 2


def test_a_cycle_of_own_solutions_is_still_drawn_whole():
    block = ("timeline style=graph\nnodes:\n  - {id: a, kind: solution, label: A}\n"
             "  - {id: b, kind: solution, label: B}\nedges:\n  - {src: a, dst: b, kind: leads-to}\n"
             "  - {src: b, dst: a, kind: leads-to}\n")
    assert rows(render(block, "html")) == [[["A"], ["B"]]]


# -- style=table: eras, their years, breakthroughs and limitations -------------------------------------

# REFERENCE.md §5: the first-appearance year of each architecture a graph node is about
FIRST_YEAR = {"lstm": 1997, "gru": 2014, "bahdanau": 2014, "luong": 2015, "transformer": 2017,
              "linear-attention": 2020, "s4": 2021, "rwkv": 2023, "retnet": 2023, "mamba": 2023, "jamba": 2024,
              "mamba2": 2024, "rnn": 1990, "seq2seq": 2014}


def era_json(lang: str = "en") -> dict:
    return json.loads(render(f"timeline style=table lang={lang}", "json"))


def test_table_spans_the_years_of_each_eras_events(registry):
    eras = era_json()["eras"]
    assert [era["id"] for era in eras] == list(registry.data.eras)
    # REFERENCE.md §5: the recurrent era's events run from Jordan (1986) to the peepholes (2000); the attention
    # era's from GRU (2014) to GPT-2 (2019); the last from Pre-LN / GPT-3 / linear attention (2020) to 2024
    assert [(era["start"], era["end"]) for era in eras] == [(1986, 2000), (2014, 2019), (2020, 2024)]


def test_every_problem_and_solution_of_the_graph_is_in_one_era(registry):
    eras = era_json()["eras"]
    listed = [(item["id"], column) for era in eras for column in ("breakthroughs", "limitations")
              for item in era[column]]
    nodes = registry.data.evolution.nodes
    assert sorted(n for n, _ in listed) == sorted(nodes)
    assert all(nodes[n].kind == ("solution" if column == "breakthroughs" else "problem") for n, column in listed)


def test_breakthroughs_sit_in_the_era_their_architecture_appeared(registry):
    nodes = registry.data.evolution.nodes
    for era in era_json()["eras"]:
        for item in era["breakthroughs"]:
            years = [FIRST_YEAR[arch] for arch in nodes[item["id"]].archs]
            assert era["start"] <= min(years) <= era["end"], (item["id"], years, era["id"])
    by_era = {era["id"]: [item["label"] for item in era["breakthroughs"]] for era in era_json()["eras"]}
    assert by_era["recurrent"] == ["Gating + constant error carousel (LSTM)"]  # LSTM 1997; GRU is 2014
    assert "Simpler gating (GRU)" in by_era["attention"] and "Self-attention (Transformer)" in by_era["attention"]
    assert "Input selectivity (Mamba)" in by_era["efficient"]


def test_rows_carry_sources_and_text_in_both_languages(registry):
    table_en = render("timeline style=table", "md")
    table_zh = render("timeline style=table lang=zh", "md")
    assert "| era | years | breakthroughs | limitations |" in table_en
    assert "| 时代 | 年份 | 突破 | 局限 |" in table_zh
    for node in registry.data.evolution.nodes.values():
        sources = "".join(f"&#91;{key}&#93;" for key in node.sources)
        assert f"{node.label.en} {sources}" in table_en.replace("&#38;", "&")
        assert f"{node.label.zh} {sources}" in table_zh.replace("&#38;", "&")
    for era in registry.data.eras.values():
        assert f"| {era.label.zh} |" in table_zh


def test_table_md_is_a_pipe_table_whatever_the_labels(tmp_path):
    path = tmp_path / "overlay.yaml"
    path.write_text("eras:\n  attention:\n    label: {en: " + json.dumps(HOSTILE) + ", zh: x}\n"
                    "evolution:\n  nodes:\n    gating:\n      label: {en: " + json.dumps(HOSTILE) + ", zh: x}\n",
                    encoding="utf-8")
    out = render("timeline style=table", "md", Registry.load([path]))
    rows_ = [line for line in out.splitlines() if line.startswith("|")]
    assert len(rows_) == 2 + 3
    assert all(line.count("|") == 5 for line in rows_)  # no cell text adds a column
    assert not re.search(r"[<>*_`\[\]$~\\]", out.replace("→", ""))  # no Markdown or HTML markup from the text
    assert html.unescape(HOSTILE) in html.unescape(out)


def test_table_html_uses_the_graphs_cards_and_the_eras_colours(registry):
    out = render("timeline style=table", "html")
    assert 'data-sqd-kind="table"' in out and out.count("<tr>") == 1 + len(registry.data.eras)
    assert out.count("sqd-tl-solution sqd-c-state") == sum(len(e.breakthroughs) for e in registry.data.eras.values())
    assert out.count("sqd-tl-problem sqd-c-gate") == sum(len(e.limitations) for e in registry.data.eras.values())
    assert '<th scope="row" class="sqd-tl-era sqd-c-state">Recurrent era</th>' in out  # recurrent family colour
    assert "Attention &amp; Transformers" in out


def test_era_lists_are_checked_against_the_graph(tmp_path):
    path = tmp_path / "overlay.yaml"
    path.write_text("eras:\n  recurrent:\n    breakthroughs: [vanishing-gradients]\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        Registry.load([path])
    assert "`vanishing-gradients` is not a solution of the evolution graph" in caught.value.diagnostic.message
    path.write_text("eras:\n  recurrent:\n    limitations: [vanishing-gradients, bottleneck]\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        Registry.load([path])
    assert "`bottleneck` is already in era `recurrent`" in caught.value.diagnostic.message


def test_table_text_for_latex_and_plain_builders():
    from seqdiagrams.subjects.timeline import text_table

    table = text_table(parse("timeline style=table lang=zh"), Registry.default())
    assert table.headers == ("时代", "年份", "突破", "局限")
    assert [row[1] for row in table.rows] == ["1986–2000", "2014–2019", "2020–2024"]
    assert table.caption.startswith("序列模型的各个时代：突破与局限。")


# -- the param type itself -----------------------------------------------------------------------------

_HERE = Location(None, 5, 3)
PAIRS = RecordListParam((), "pairs", fields=(("a", TextParam("", "a")), ("b", TextParam("dflt", "b"))),
                        required=frozenset({"a"}), max_items=2)


def raw(**fields: str) -> RawMapping:
    return RawMapping(tuple(RawEntry(k, v, Location(None, 7, i), Location(None, 7, i + 3))
                            for i, (k, v) in enumerate(fields.items(), 1)), Location(None, 7, 1))


def test_record_list_fills_defaults_and_keeps_field_locations():
    [record] = PAIRS.convert("pairs", [raw(a="x")], _HERE)
    assert isinstance(record, Record) and dict(record) == {"a": "x", "b": "dflt"}
    assert record.loc("a") == Location(None, 7, 4) and record.loc("b") == record.where == Location(None, 7, 1)


def test_record_list_rejects_scalars_and_lists_of_values():
    for value in ("x", ["x", "y"]):
        with pytest.raises(SpecError, match="a YAML list of mappings"):
            PAIRS.convert("pairs", value, _HERE)


def test_a_list_of_values_rejects_mappings():
    with pytest.raises(SpecError, match="not of mappings"):
        ListParam((), "names").convert("names", [raw(a="x")], _HERE)


def test_keys_are_listed_with_their_fields(capsys):
    from seqdiagrams.cli import main

    assert main(["list", "keys", "timeline"]) == 0
    out = capsys.readouterr().out
    assert f"YAML list in the body (≤ {MAX_NODES} items) of {{id, kind, label}}" in out
    assert "registry|own|both" in out


def test_gallery_has_an_own_graph_a_merged_graph_and_the_table():
    from seqdiagrams.gallery import slug
    from seqdiagrams.subjects import get_subject

    examples = get_subject("timeline").examples
    names = {slug(block, "en") for block in examples}
    assert {"timeline-style-graph-graph-own", "timeline-style-graph-graph-both-archs-transformer",
            "timeline-style-table"} <= names
    gallery = Path(__file__).resolve().parent / "golden"
    assert "从问题到解决方案" in (gallery / "timeline-style-graph-graph-own.zh.md").read_text(encoding="utf-8")


def test_a_mapping_where_none_belongs_is_quoted_short():
    with pytest.raises(SpecError) as caught:
        parse("rnn\nunroll:\n  - {a: 1, b: 2}")
    assert caught.value.diagnostic.message == "`unroll` expects a whole number from 1 to 16, got `[{…}]`"
