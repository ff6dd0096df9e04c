"""``seqarch timeline``: events and dating as in REFERENCE.md §5, eras, the problem → solution graph, filters,
en/zh, Mermaid escaping of hostile registry text, the JSON shape of DESIGN.md §3, regen, hosts and assets."""

from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seqdiagrams.cli import main
from seqdiagrams.errors import SpecError
from seqdiagrams.page_assets import inject, needed
from seqdiagrams.regen import regen_text
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import render_spec
from seqdiagrams.rendering.mermaid import ARCH_FAMILY_COLOUR, ENTITIES, escape, wrap_cjk
from seqdiagrams.rendering.theme import FAMILIES
from seqdiagrams.spec import parse
from seqdiagrams.subjects import catalog, get_subject
from seqdiagrams.subjects.timeline import STYLESHEET

ROOT = Path(__file__).resolve().parents[1]

# REFERENCE.md §5, one row per event: (year of first appearance, arch id, English event)
REFERENCE_EVENTS = [
    (1986, "jordan", "Jordan network: output fed back into state units"),
    (1990, "rnn", "Elman simple recurrent network"),
    (1990, None, "Backpropagation through time described"),
    (1994, None, "Long-term dependencies shown hard for gradient descent"),
    (1997, "lstm", "LSTM (input/output gates, CEC)"),
    (1997, "brnn", "Bidirectional RNN"),
    (1999, "lstm", "LSTM forget gate"),
    (2000, "lstm", "LSTM peephole connections"),
    (2014, "gru", "GRU and RNN Encoder–Decoder"),
    (2014, "bahdanau", "Bahdanau (additive) attention"),
    (2014, "seq2seq", "Sequence to sequence with deep LSTMs"),
    (2015, "luong", "Luong (multiplicative) attention"),
    (2017, "transformer", "Transformer"),
    (2018, "decoder-only", "GPT, decoder-only pre-training"),
    (2018, "encoder-only", "BERT, encoder-only pre-training"),
    (2019, "decoder-only", "GPT-2 (Pre-LN, 1.5B)"),
    (2020, "pre-ln", "Pre-LN analysis, warm-up removable"),
    (2020, "decoder-only", "GPT-3 (175B)"),
    (2020, "linear-attention", 'Linear attention ("Transformers are RNNs")'),
    (2020, None, "HiPPO (S4's initialization theory)"),
    (2021, "s4", "S4"),
    (2023, "rwkv", "RWKV"),
    (2023, "retnet", "RetNet"),
    (2023, "mamba", "Mamba (selective SSM)"),
    (2024, "jamba", "Jamba (attention + Mamba + MoE hybrid)"),
    (2024, "xlstm", "xLSTM"),
    (2024, "mamba2", "Mamba-2 / SSD"),
]

# REFERENCE.md §5 dating rules and venue column: (event, first-appearance year, venue year or None)
DATING = [
    ("Transformer", 2017, 2017),
    ("LSTM (input/output gates, CEC)", 1997, 1997),
    ("LSTM forget gate", 1999, 1999),  # conference 1999 (journal 2000), never 1997
    ("Bahdanau (additive) attention", 2014, 2015),
    ("S4", 2021, 2022),
    ("Mamba (selective SSM)", 2023, 2024),
    ("BERT, encoder-only pre-training", 2018, 2019),
    ("GPT, decoder-only pre-training", 2018, None),
    ("RetNet", 2023, None),
]


def render(block: str, fmt: str, registry: Registry | None = None) -> str:
    return str(render_spec(parse(block), fmt, registry or Registry.default()))


def events(block: str, registry: Registry | None = None) -> list[dict]:
    data = json.loads(render(block, "json", registry))
    return data["events"]


def year_of(block: str, label: str) -> int:
    [event] = [e for e in events(block) if e["label"] == label]
    return event["year"]


def source_of(block: str, registry: Registry | None = None) -> str:
    """The Mermaid source inside the Markdown fence."""
    out = render(block, "md", registry)
    assert out.startswith("```mermaid\n") and out.endswith("```\n")
    return out[len("```mermaid\n"):-len("```\n")]


def error(block: str, registry: Registry | None = None) -> SpecError:
    with pytest.raises(SpecError) as info:
        render(block, "md", registry)
    return info.value


def overlay(tmp_path: Path, text: str) -> Registry:
    path = tmp_path / "overlay.yaml"
    path.write_text(text, encoding="utf-8")
    return Registry.load([path])


def overlay_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(SpecError) as info:
        overlay(tmp_path, text)
    return info.value.diagnostic.format()


def unmermaid(text: str) -> str:
    """What Mermaid shows for label text: its ``#name;``/``#35;`` entity codes decoded (as HTML entities)."""
    return html.unescape(re.sub(r"#(\w+);", lambda m: f"&#{m[1]};" if m[1].isdigit() else f"&{m[1]};", text))


# -- REFERENCE.md §5: the events and their years -------------------------------------------------------


def test_events_are_reference_5_in_order():
    got = [(e["year"], e["arch"], e["label"]) for e in events("timeline")]
    assert got == REFERENCE_EVENTS


@pytest.mark.parametrize(("label", "first", "venue"), DATING)
def test_first_appearance_and_venue_years(label, first, venue):
    assert year_of("timeline", label) == first
    assert year_of("timeline dates=venue", label) == (venue or first)


def test_forget_gate_is_never_1997():
    for block in ("timeline", "timeline dates=venue", "timeline archs=lstm", "timeline archs=lstm dates=venue"):
        [forget] = [e for e in events(block) if "forget gate" in e["label"]]
        assert forget["year"] == 1999
    assert "1999 : LSTM forget gate" in source_of("timeline archs=lstm")


def test_lstm_1997_and_transformer_2017_in_the_diagram():
    source = source_of("timeline")
    assert "1997 : LSTM (input/output gates, CEC) (Neural Computation 1997)" in source
    assert "2017 : Transformer (NIPS 2017)" in source


def test_bahdanau_is_2014_first_and_2015_at_its_venue_and_says_so():
    first, venue = source_of("timeline archs=bahdanau"), source_of("timeline archs=bahdanau dates=venue")
    assert "2014 : Bahdanau (additive) attention (ICLR 2015)" in first
    assert "2015 : Bahdanau (additive) attention (ICLR 2015, first appeared 2014)" in venue


def test_dates_are_labelled_never_mixed_silently():
    first, venue = render("timeline", "html"), render("timeline dates=venue", "html")
    assert "Years are the first archival appearance of the cited work (arXiv v1 where one exists)" in first
    assert "Years are peer-reviewed venues; † no peer-reviewed venue, shown at its first appearance." in venue
    assert '<li class="sqd-tl-item sqd-tl-card">RetNet †</li>' in venue  # in HTML too, marked
    data = json.loads(render("timeline dates=venue", "json"))
    assert data["dates"] == "venue"
    undated = {e["label"]: e for e in data["events"] if e["dating"] == "first"}
    assert set(undated) == {"Jordan network: output fed back into state units", "GPT, decoder-only pre-training",
                            "GPT-2 (Pre-LN, 1.5B)", "RetNet"}
    assert "             : RetNet †\n" in source_of("timeline dates=venue")  # marked, at its first appearance
    assert year_of("timeline dates=venue", "RetNet") == 2023
    assert all(e["dating"] == "first" for e in events("timeline"))


def test_one_dating_rule_said_in_the_caption(registry):
    """REFERENCE §0: the year is the cited work's first archival appearance; earlier reports do not move Elman
    (1990) or LSTM (1997), and Jordan's cited work is its 1986 report. The caption says so."""
    years = {e["label"]: e["year"] for e in events("timeline")}
    assert years["Jordan network: output fed back into state units"] == 1986
    assert years["Elman simple recurrent network"] == 1990
    assert years["LSTM (input/output gates, CEC)"] == 1997
    for lang in ("en", "zh"):
        caption = registry.label("phrase.timeline-dates-first", lang)
        assert all(year in caption for year in ("1986", "1988", "1990", "1995", "1997"))
        assert caption in html.unescape(render(f"timeline lang={lang}", "html"))


def test_jamba_has_its_iclr_2025_venue(registry):
    """The extended Jamba paper is in ICLR 2025 [JAM24] (REFERENCE §1): not a venue-less †."""
    [jamba] = [e for e in events("timeline dates=venue") if e["arch"] == "jamba"]
    assert jamba["year"] == 2025 and jamba["dating"] == "venue"
    assert "Jamba (attention + Mamba + MoE hybrid) (ICLR 2025, first appeared 2024)" in source_of(
        "timeline dates=venue")
    assert "JAM24" in jamba["source"] and "ICLR 2025" in registry.data.sources["JAM24"].text
    assert year_of("timeline", "Jamba (attention + Mamba + MoE hybrid)") == 2024


def test_venue_order_follows_the_venue_years():
    years = [e["year"] for e in events("timeline dates=venue")]
    assert years == sorted(years)
    labels = [e["label"] for e in events("timeline dates=venue from=2014 to=2015")]
    assert labels.index("Luong (multiplicative) attention") > labels.index("Sequence to sequence with deep LSTMs")
    assert "Bahdanau (additive) attention" in labels


# -- eras -----------------------------------------------------------------------------------------------


def test_sections_are_the_registry_eras_in_order(lang):
    registry = Registry.default()
    source = source_of(f"timeline lang={lang}")
    sections = [line.strip()[len("section "):] for line in source.splitlines() if line.strip().startswith("section ")]
    assert [unmermaid(s) for s in sections] == [era.label.get(lang) for era in registry.data.eras.values()]


def test_every_event_sits_in_its_era(registry):
    for event in registry.events():
        era = registry.data.eras[registry.data.era_of(event.year)]
        assert era.start <= event.year <= era.end
    assert registry.data.era_of(1997) == "recurrent"
    assert registry.data.era_of(2017) == "attention"
    assert registry.data.era_of(2023) == "efficient"


def test_sections_only_for_eras_shown():
    source = source_of("timeline from=2014 to=2019")
    assert "section Attention #amp; Transformers" in source
    assert "Recurrent era" not in source and "Scaling" not in source


def test_html_era_colours_follow_the_registry_eras(registry):
    families = [ARCH_FAMILY_COLOUR[era.family] for era in registry.data.eras.values()]
    assert re.findall(r'class="sqd-tl-era sqd-c-(\w+)"', render("timeline", "html")) == families
    shown = re.findall(r'class="sqd-tl-era sqd-c-(\w+)"', render("timeline from=2014 to=2019", "html"))
    assert shown == [ARCH_FAMILY_COLOUR[registry.data.eras["attention"].family]]
    for family in families:  # each accent is the palette's stroke of that family, light and dark alike
        assert f".sqd-tl .sqd-c-{family}{{--sqd-accent:{FAMILIES[family].light_stroke};" in STYLESHEET


# -- filters and errors --------------------------------------------------------------------------------


def test_from_and_to_are_inclusive():
    years = {e["year"] for e in events("timeline from=1997 to=2014")}
    assert min(years) == 1997 and max(years) == 2014


def test_archs_filter():
    got = events("timeline archs=lstm,gru")
    assert [(e["year"], e["label"]) for e in got] == [
        (1997, "LSTM (input/output gates, CEC)"), (1999, "LSTM forget gate"), (2000, "LSTM peephole connections"),
        (2014, "GRU and RNN Encoder–Decoder")]


@pytest.mark.parametrize(("block", "col", "message"), [
    ("timeline from=2020 to=2010", 20, "`from` (2020) is after `to` (2010)"),
    ("timeline from=1979", 15, "`from` must be between 1980 and 2030"),
    ("timeline to=2031", 13, "`to` must be between 1980 and 2030"),
    ("timeline dates=arxiv", 16, "`dates` expects one of first|venue"),
    ("timeline style=tree", 16, "`style` expects one of timeline|graph"),
    ("timeline archs=lstm,lstm", 10, "`lstm` is listed twice in `archs`"),
    ("timeline style=graph from=2000", 22, "`from` applies to style=timeline only"),
    ("timeline style=graph dates=venue", 22, "`dates` applies to style=timeline only"),
    ("timeline direction=BT", 10, "a Mermaid timeline is laid out LR|TB, not BT"),
    ("timeline highlight=lstm", 10, "a timeline has no `highlight`"),
])
def test_invalid_blocks_are_located(block, col, message):
    with pytest.raises(SpecError) as info:
        parse(block)
    diagnostic = info.value.diagnostic
    assert message in diagnostic.message
    assert (diagnostic.loc.line, diagnostic.loc.col) == (1, col)


def test_unknown_arch_is_located_with_a_suggestion():
    diagnostic = error("timeline from=1990 archs=lsmt,gru").diagnostic
    assert diagnostic.message == "unknown architecture `lsmt` in `archs`"
    assert diagnostic.hint == "did you mean `lstm`?"
    assert diagnostic.loc.col == 20
    assert error("timeline style=graph archs=transfomer").diagnostic.hint == "did you mean `transformer`?"


def test_no_matching_event_is_an_error_not_an_empty_diagram():
    diagnostic = error("timeline from=2025").diagnostic
    assert "no timeline event matches first-appearance years 2025–2030" in diagnostic.message
    assert diagnostic.loc.col == 10
    assert "no node of the evolution graph belongs to archs=xlstm" in error("timeline style=graph archs=xlstm").args[0]


def test_check_command_reports_file_line_col(tmp_path, capsys):
    page = tmp_path / "page.md"
    page.write_text("# T\n\n```seqarch timeline archs=mamab\n```\n", encoding="utf-8")
    assert main(["check", str(page)]) == 1
    out = capsys.readouterr().out
    assert f"{page}:3:21: unknown architecture `mamab` in `archs` (did you mean `mamba`?)" in out


# -- the problem → solution graph ----------------------------------------------------------------------


def test_graph_is_reference_5(registry):
    data = json.loads(render("timeline style=graph", "json"))
    nodes = {n["id"]: n for n in data["nodes"]}
    edges = {(e["src"], e["dst"]) for e in data["edges"]}
    chains = [("vanishing-gradients", "gating"), ("gating", "simpler-gating"), ("bottleneck", "attention"),
              ("sequential-training", "self-attention"), ("quadratic-cost", "linear-attention"),
              ("quadratic-cost", "rwkv"), ("quadratic-cost", "retnet"), ("long-range", "s4"),
              ("time-invariance", "selectivity"), ("s4", "selectivity"), ("selectivity", "ssd"),
              ("recall-limits", "hybrids")]
    assert set(chains) <= edges
    assert {n for n, node in nodes.items() if node["kind"] == "problem"} == {
        "vanishing-gradients", "bottleneck", "sequential-training", "quadratic-cost", "long-range",
        "time-invariance", "recall-limits"}
    assert nodes["gating"]["archs"] == ["lstm"] and nodes["gating"]["source"] == ["HS97"]
    assert nodes["hybrids"]["label"] == "Hybrids (Jamba)"
    assert len(data["nodes"]) == len(registry.data.evolution.nodes)


def test_graph_draws_no_false_lineage(registry):
    """REFERENCE §5: linear attention, RWKV and RetNet are not ancestors of Mamba, and S4 answers long-range
    dependencies, not the Transformer's quadratic cost / KV cache [GU21]."""
    data = json.loads(render("timeline style=graph", "json"))
    edges = {(e["src"], e["dst"]): e["kind"] for e in data["edges"]}

    def reaches(src: str, dst: str) -> bool:
        todo, seen = [src], set()
        while todo:
            node = todo.pop()
            seen.add(node)
            todo += [b for (a, b) in edges if a == node and b not in seen]
        return dst in seen

    for concurrent in ("linear-attention", "rwkv", "retnet"):
        assert not reaches(concurrent, "selectivity"), concurrent
        assert edges[("quadratic-cost", concurrent)] == "solves"
    assert ("quadratic-cost", "s4") not in edges
    assert [src for (src, dst), kind in edges.items() if dst == "s4"] == ["long-range"]
    assert edges[("s4", "time-invariance")] == "raises" and edges[("time-invariance", "selectivity")] == "solves"
    assert "GU21" in registry.data.evolution.nodes["long-range"].sources


def test_graph_shapes_and_edge_styles():
    source = source_of("timeline style=graph")
    assert source.startswith("flowchart TB\n")
    assert '    n1{{"Vanishing gradients (RNN)"}}' in source  # problems: hexagons
    assert '    n2("Gating + constant error carousel (LSTM)")' in source  # solutions: rounded boxes
    assert "    n1 --> n2" in source
    assert "    n7 -.-> n8" in source  # self-attention raises the quadratic cost: dotted
    assert "    class n1,n4,n6,n8,n12,n14,n17 problem" in source
    assert source_of("timeline style=graph direction=LR").startswith("flowchart LR\n")


def test_graph_archs_filter_keeps_edges_between_kept_nodes():
    data = json.loads(render("timeline style=graph archs=rnn,lstm,gru", "json"))
    assert [n["id"] for n in data["nodes"]] == ["vanishing-gradients", "gating", "simpler-gating",
                                                "sequential-training"]
    assert [(e["src"], e["dst"], e["kind"]) for e in data["edges"]] == [
        ("vanishing-gradients", "gating", "solves"), ("gating", "simpler-gating", "leads-to")]
    out = render("timeline style=graph archs=rnn,lstm,gru", "html")
    assert out.count('<li class="sqd-tl-item sqd-tl-row">') == 2  # the unlinked problem is a row of its own
    assert "Sequential training (RNN)" in out


def test_graph_data_is_in_the_registry_not_in_code():
    code = (ROOT / "seqdiagrams" / "subjects" / "timeline.py").read_text(encoding="utf-8")
    assert "Vanishing" not in code and "vanishing" not in code and "Jamba" not in code


# -- languages ------------------------------------------------------------------------------------------


def test_chinese_labels_eras_and_caption():
    source = source_of("timeline lang=zh")
    assert "section 循环网络时代" in source
    assert "长短期记忆网络" in source
    assert "accTitle" in source and "序列模型的演进（1986–2024 年）" in source
    out = render("timeline lang=zh dates=venue", "html")
    assert "年份为同行评审发表的年份" in out
    assert 'lang="zh"' in out and "长短期记忆网络" in out
    graph = source_of("timeline style=graph lang=zh")
    assert '{{"梯度消失（RNN）"}}' in graph


def test_chinese_event_text_is_wrapped_for_mermaid():
    source = source_of("timeline lang=zh archs=lstm")
    assert "<br>" in source
    for line in wrap_cjk("长短期记忆网络 LSTM（输入门 / 输出门、恒定误差传送带 CEC）（Neural Computation 1997）", 8.5):
        assert not line.startswith(("）", "，", "、")) and not line.endswith("（")
    assert wrap_cjk("Latin text stays whole for Mermaid to wrap", 8.5) == ["Latin text stays whole for Mermaid to wrap"]
    assert "".join(wrap_cjk("揭示梯度下降难以学习长程依赖", 4)) == "揭示梯度下降难以学习长程依赖"


@pytest.mark.parametrize("width", [8.5, 17.0])  # Mermaid's LR and TD event boxes
def test_chinese_wraps_at_word_boundaries_when_one_is_near(registry, width):
    """Issue: "Jordan 网络：输<br>出反馈…" cut 输出 in two. A line now ends between two Chinese characters only
    when no space, punctuation or Latin word offers a break in its last part (a run too long for a line)."""
    assert wrap_cjk("Jordan 网络：输出反馈到状态单元", 8.5)[0] == "Jordan 网络："
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for event in registry.events():
        label = event.label.get("zh")
        lines = wrap_cjk(label, width)
        assert "".join(lines).replace(" ", "") == label.replace(" ", "")
        for line, after in itertools.pairwise(lines):
            if cjk.match(line[-1]) and cjk.match(after[0]):  # a cut inside a run of Chinese
                tail = re.search(r"[\u4e00-\u9fff]+$", line)[0]
                assert len(tail) >= 0.6 * width - 1, (label, lines)  # the run filled most of the line


# -- escaping -------------------------------------------------------------------------------------------

HOSTILE = 'evil"]; click n1 call alert(1) %% x #35; <script>alert(1)</script> {{a}} [b] | `c` $d$ \\ ::: e'


@pytest.fixture
def hostile(tmp_path) -> Registry:
    return overlay(tmp_path, f"""\
events:
  - year: 2017
    first_appearance: 'x'
    label: {{en: {json.dumps(HOSTILE + chr(10) + "    section Pwned : 1999 : injected")}, zh: 'x'}}
    arch: transformer
    venue: '<b>venue</b>'
    sources: [VAS17]
eras:
  attention:
    label: {{en: {json.dumps(HOSTILE)}, zh: 'x'}}
evolution:
  nodes:
    self-attention:
      label: {{en: {json.dumps(HOSTILE + ' }}"] --> n1')}, zh: 'x'}}
""")


def _structure(source: str) -> list[str]:
    """Each line with its label text removed: what Mermaid parses as structure."""
    out = []
    for line in source.splitlines():
        line = re.sub(r"(acc(Title|Descr): ).*", r"\1…", line)
        line = re.sub(r"(section ).*", r"\1…", line)
        line = re.sub(r"( : ).*", r"\1…", line)
        line = re.sub(r'"[^"]*"', '"…"', line)
        out.append(line)
    return out


def test_hostile_event_and_era_labels_cannot_change_the_timeline(hostile):
    source = source_of("timeline", hostile)
    assert _structure(source) == [
        "timeline LR", "    accTitle: …", "    accDescr: …", "    section …", "        2017 : …"]
    line = source.splitlines()[-1]
    text = line.split(" : ", 1)[1]
    for char in '"#;:<>[]{}|%`$\\':
        assert char not in re.sub(r"#\w+;", "", text), char
    assert unmermaid(text) == " ".join((HOSTILE + "\n    section Pwned : 1999 : injected").split())
    section = source.splitlines()[3].removeprefix("    section ")
    assert unmermaid(section) == " ".join(HOSTILE.split())


def test_hostile_graph_label_cannot_change_the_flowchart(hostile):
    source = source_of("timeline style=graph archs=transformer", hostile)
    # the Transformer's nodes: self-attention, the quadratic cost it raises, the long-range problem of its era
    assert _structure(source) == ["flowchart TB", "    accTitle: …", "    accDescr: …", '    n1("…")',
                                  '    n2{{"…"}}', '    n3{{"…"}}', "    n1 -.-> n2", "    class n2,n3 problem",
                                  "    class n1 solution"]
    label = re.search(r'n1\("(.*)"\)', source)[1]
    assert unmermaid(label) == " ".join((HOSTILE + ' }}"] --> n1').split())


def test_hostile_text_is_escaped_in_html(hostile):
    out = render("timeline", "html", hostile)
    assert "<script" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and 'evil"];' in out
    graph = render("timeline style=graph", "html", hostile)
    assert "<script" not in graph and "&lt;script&gt;" in graph
    assert re.search(r'aria-label="[^"<>]*"', render('timeline title="a&quot;b <i>"', "html"))


@given(st.text())
def test_escape_leaves_no_mermaid_syntax_and_round_trips(text):
    escaped = escape(text)
    assert "\n" not in escaped and "\r" not in escaped
    bare = re.sub(r"#\w+;", "", escaped)
    assert not set(bare) & set(ENTITIES)
    assert unmermaid(escaped) == " ".join(text.split())


# -- formats --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("block", ["timeline", "timeline dates=venue lang=zh", "timeline archs=gru from=2000"])
def test_json_shape_is_design_3(block):
    data = json.loads(render(block, "json"))
    assert set(data) == {"dates", "events"}
    for event in data["events"]:
        assert {"year", "arch", "label", "source"} <= set(event)
        assert isinstance(event["year"], int) and isinstance(event["source"], list) and event["source"]


def test_graph_json_shape():
    data = json.loads(render("timeline style=graph", "json"))
    assert set(data) == {"nodes", "edges"}
    assert all(set(n) == {"id", "kind", "label", "archs", "source"} for n in data["nodes"])
    assert all(set(e) == {"src", "dst", "kind"} for e in data["edges"])


def test_html_is_drawn_at_build_time_with_every_event_in_order():
    out = render("timeline", "html")
    assert out.startswith('<figure class="sqd-figure"')
    assert '<div class="sqd-tl" data-sqd-kind="timeline" data-sqd-theme="auto" lang="en" role="group"' in out
    cards = re.findall(r'<li class="sqd-tl-item sqd-tl-card">(.*?)</li>', out)
    assert len(cards) == len(REFERENCE_EVENTS)
    for card, event in zip(cards, events("timeline"), strict=True):  # time order, each with its venue
        assert html.unescape(card).startswith(event["label"])
    years = re.findall(r'<span class="sqd-tl-when">(\d+)</span>', out)
    assert years == sorted({str(e["year"]) for e in events("timeline")})  # one row per year, in order
    assert "<figcaption>Evolution of sequence models, 1986–2024. Years are the first archival appearance" in out
    assert "mermaid" not in out.lower()  # no theme's Mermaid integration can pick it up
    assert needed(out) == ()  # and a page with it loads no script at all


def test_html_layout_stylesheet_inline_or_shared():
    inline = render("timeline", "html")
    shared = render_spec(parse("timeline"), "html", Registry.default(), styles=False)
    assert inline.count("<style>") == 1 and STYLESHEET in inline
    assert "<style>" not in shared  # hosts that link one stylesheet (MkDocs) append STYLESHEET to it
    assert ".sqd-tl:lang(zh){word-break:keep-all}" in STYLESHEET  # Chinese never breaks inside a word


def test_graph_html_rows_follow_the_registry_graph(registry):
    out = render("timeline style=graph", "html")
    evolution = registry.data.evolution
    rows = re.findall(r'<li class="sqd-tl-item sqd-tl-row">(.*?)</li>', out)
    problems = [n for n, node in evolution.nodes.items() if node.kind == "problem"]
    first = [re.search(r'id="([^"]+)"', row)[1] for row in rows]
    anchors = re.findall(r'<div class="sqd-tl-node sqd-tl-(\w+) sqd-c-\w+" id="([^"]+)"', out)
    ids = {anchor: list(evolution.nodes)[int(anchor.rsplit("-", 1)[1]) - 1] for _, anchor in anchors}
    assert len(anchors) == len(evolution.nodes)  # every node drawn once
    assert [ids[a] for a in first] == problems  # each row starts at a problem, in registry order
    assert [kind for kind, _ in anchors].count("problem") == len(problems)
    raises = [(e.src, e.dst) for e in evolution.edges if e.kind == "raises"]
    links = re.findall(r'<span class="sqd-tl-note">raises <a href="#([^"]+)">', out)
    assert len(links) == len(raises) and all(link in ids for link in links)
    assert {ids[link] for link in links} == {dst for _, dst in raises}


def test_theme_and_caption_options():
    assert 'data-sqd-theme="dark"' in render("timeline theme=dark", "html")
    assert "<figcaption>Mine</figcaption>" in render('timeline caption="Mine"', "html")
    assert "accTitle: My title\n" in source_of('timeline title="My title"')


def test_timeline_runs_left_to_right_or_top_down():
    assert source_of("timeline").startswith("timeline LR\n")
    assert source_of("timeline direction=TB").startswith("timeline TD\n")


def test_subject_registration():
    subject = get_subject("timeline")
    assert "timeline" in catalog()
    assert subject.formats == ("html", "md", "json") and subject.golden == "md"
    assert subject.build is None and subject.render is not None


def test_output_is_deterministic():
    assert render("timeline lang=zh", "html") == render("timeline lang=zh", "html")


# -- regen ----------------------------------------------------------------------------------------------


def test_regen_keeps_a_timeline_region_current(registry, tmp_path, capsys):
    page = tmp_path / "history.md"
    page.write_text("# History\n\n<!-- seqarch timeline archs=lstm,gru -->\nold\n<!-- /seqarch -->\n\nEnd.\n",
                    encoding="utf-8")
    assert main(["regen", "--check", str(page)]) == 1
    assert main(["regen", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert "\n```mermaid\ntimeline LR\n" in text and "        1999 : LSTM forget gate (ICANN 1999)\n" in text
    assert text.startswith("# History\n\n<!-- seqarch timeline archs=lstm,gru -->\n\n```mermaid")
    assert text.endswith("```\n\n<!-- /seqarch -->\n\nEnd.\n")
    assert main(["regen", "--check", str(page)]) == 0
    capsys.readouterr()
    assert regen_text(text, registry).stale == []


def test_regen_of_a_graph_region(registry):
    outcome = regen_text("<!-- seqarch timeline style=graph lang=zh -->\n<!-- /seqarch -->\n", registry)
    assert outcome.errors == [] and outcome.stale == [1]
    assert "```mermaid\nflowchart TB\n" in outcome.text


# -- registry schema -----------------------------------------------------------------------------------


def test_packaged_eras_and_evolution_validate(registry):
    assert list(registry.data.eras) == ["recurrent", "attention", "efficient"]
    assert registry.data.eras["recurrent"].label.zh == "循环网络时代"
    assert len(registry.data.evolution.edges) == 15


@pytest.mark.parametrize(("text", "message"), [
    ("eras:\n  attention:\n    start: 2010\n",
     "`eras.attention.start`: 2010 overlaps or precedes era `recurrent` (ending 2013)"),
    ("eras:\n  recurrent:\n    start: 2000\n    end: 1990\n", "start 2000 is after end 1990"),
    ("eras:\n  recurrent:\n    start: 1990\n", "`events.0.year`: 1986 is in no era"),
    ("eras:\n  recurrent:\n    colour: red\n", "Extra inputs are not permitted"),
    ("eras:\n  recurrent:\n    family: rainbow\n", "eras.recurrent.family"),
    ("evolution:\n  edges:\n    - {src: gating, dst: nowhere, kind: solves}\n", "unknown node `nowhere`"),
    ("evolution:\n  edges:\n    - {src: gating, dst: simpler-gating, kind: solves}\n",
     "`solves` goes from a problem to a solution, not from a solution to a solution"),
    ("evolution:\n  nodes:\n    gating:\n      archs: [lstmm]\n", "unknown architecture `lstmm`"),
    ("evolution:\n  nodes:\n    gating:\n      sources: [NOPE]\n", "unknown source `NOPE`"),
    ("events:\n  - {year: 2014, first_appearance: x, label: {en: a, zh: b}, venue: v, venue_year: 2015,"
     " sources: [BAH14]}\n", "venue_year and venue_short go together"),
    ("events:\n  - {year: 2015, first_appearance: x, label: {en: a, zh: b}, venue: v, venue_year: 2014,"
     " venue_short: 'X 2014', sources: [BAH14]}\n", "venue_year 2014 is before the first appearance 2015"),
])
def test_schema_is_strict(tmp_path, text, message):
    assert message in overlay_error(tmp_path, text)


def test_overlay_error_points_into_the_overlay(tmp_path):
    formatted = overlay_error(tmp_path, "eras:\n  recurrent:\n    start: 2000\n    end: 1990\n")
    assert str(tmp_path / "overlay.yaml") in formatted


# -- pages ---------------------------------------------------------------------------------------------


def test_pages_with_a_timeline_load_nothing():
    figures = render("timeline", "html") + render("timeline style=graph", "html")
    page = f"<html><head></head><body>{figures}</body></html>"
    assert inject(page, "..") == page
    assert not (ROOT / "seqdiagrams" / "static" / "js").exists()  # no script of ours ships


# -- Sphinx: HTML assets on the pages that need them, a real table in LaTeX ----------------------------


@pytest.fixture
def sphinx_build(tmp_path):
    pytest.importorskip("sphinx")
    from sphinx.testing.util import SphinxTestApp

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["seqdiagrams.sphinx"]\n', encoding="utf-8")
    (src / "index.rst").write_text("Home\n====\n\n.. toctree::\n\n   plain\n\n"
                                   ".. seqarch:: timeline dates=venue\n\n"
                                   ".. seqarch:: timeline style=graph caption=\"Problems and answers\"\n",
                                   encoding="utf-8")
    (src / "plain.rst").write_text("Plain\n=====\n\n.. seqarch:: rnn\n", encoding="utf-8")

    def build(builder: str) -> Path:
        app = SphinxTestApp(builder, src, tmp_path / f"_build-{builder}", confoverrides={"html_theme": "alabaster"})
        try:
            app.build()
        finally:
            app.cleanup()
        assert "WARNING" not in app.warning.getvalue(), app.warning.getvalue()
        return tmp_path / f"_build-{builder}" / builder

    return build


def test_sphinx_html_draws_timelines_at_build_time(sphinx_build):
    out = sphinx_build("html")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'data-sqd-kind="timeline"' in index and 'data-sqd-kind="graph"' in index
    assert "mermaid" not in index.lower()
    assert not (out / "_static" / "seqdiagrams" / "vendor" / "mermaid").exists()


def test_sphinx_latex_gets_the_events_as_a_real_table(sphinx_build):
    tex = next(sphinx_build("latex").glob("*.tex")).read_text(encoding="utf-8")
    assert tex.count(r"\begin{longtable}") == 1 and tex.count("sphinxincludegraphics") == 1  # the rnn page only
    assert "Bahdanau (additive) attention" in tex and "arXiv:1409.0473; ICLR 2015" in tex
    assert "year (venue)" in tex
    assert "Recurrent era" in tex and "mermaid" not in tex
    assert "Vanishing gradients (RNN)" in tex and "solved by" in tex  # the graph, as its links


def test_sphinx_text_builder_gets_a_table(sphinx_build):
    text = (sphinx_build("text") / "index.txt").read_text(encoding="utf-8")
    assert "Recurrent era" in text and "Transformer" in text and "+---" in text and "[VAS17]" in text
