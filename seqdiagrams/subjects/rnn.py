"""Elman RNN (and the Jordan variant): folded cell or unrolled over time (REFERENCE.md §2.1, §2.4).

Folded: x_t → W_xh, h_{t-1} → W_hh, summed with the bias → tanh → h_t → W_hy → softmax → y_t,
with a recurrent edge from h_t back to h_{t-1}. Unrolled: one column per step with the *same*
weight labels in every column, recurrent edges only h_{t-1} → h_t and an initial state h_0.
Jordan: the recurrent edge leaves the output y_{t-1} and enters a state unit with a self-loop.
No gates, no cell state, no per-step weights.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.ir import drawn_steps
from seqdiagrams.params import BoolParam, ChoiceParam, IntParam
from seqdiagrams.subjects import Subject
from seqdiagrams.subjects._common import Words, finish, new_graph

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

PARAMS = {
    "unroll": IntParam(1, "time steps; 1 draws the folded cell, above 6 the middle steps are elided (1, 2, …, n)",
                       1, 16),
    "layers": IntParam(1, "stacked recurrent layers", 1, 4),
    "bidirectional": BoolParam(False, "add a backward chain (Schuster & Paliwal 1997)"),
    "outputs": ChoiceParam("all", "which steps emit an output", ("all", "last", "none")),
    "variant": ChoiceParam("elman", "Elman (hidden state fed back) or Jordan (output fed back)",
                           ("elman", "jordan")),
}

STEP_INPUT, STATE, STEP_OUTPUT = ("B", "d_x"), ("B", "d_h"), ("B", "d_y")
"""Shapes at one time step (``shapes=true``): x_t, h_t (the final ones are ``h_n``), y_t (and Jordan's s_t)."""


def _validate(spec: Spec) -> None:
    if spec["variant"] == "jordan" and (spec["layers"] > 1 or spec["bidirectional"]):
        raise SpecError.at(Subtype.BAD_VALUE, "the Jordan variant is drawn as one unidirectional layer",
                           spec.location_of("variant"), "drop `layers`/`bidirectional` or use variant=elman")
    if spec["variant"] == "jordan" and spec["outputs"] != "all":
        raise SpecError.at(Subtype.BAD_VALUE, "the Jordan network feeds back its output, so every step has one",
                           spec.location_of("outputs"), "remove `outputs`")


def build(spec: Spec, registry: Registry) -> Graph:
    words = Words(registry, spec.lang)
    if spec["variant"] == "jordan":
        return _jordan(spec, words)
    if spec["unroll"] == 1:
        return _folded(spec, words)
    return _unrolled(spec, words)


def _folded(spec: Spec, words: Words) -> Graph:
    g = new_graph(spec, "BT")
    directions = ("fwd", "bwd") if spec["bidirectional"] else ("",)
    layers = spec["layers"]
    below = g.add("x", "input", words("input"), "x_t", shape=STEP_INPUT)
    tops: list[str] = []
    for direction in directions:
        source = below
        for layer in range(1, layers + 1):
            p = f"{direction}{layer}"
            attrs = {"layer": layer} | ({"direction": direction} if direction else {})
            prev = g.add(f"h_prev{p}", "hidden-state", words("hidden-state"), _h(direction, "t-1", layer),
                         shape=STATE, returns="h_n", **attrs)
            wx = g.add(f"wxh{p}", "linear", words("weight"), _weight("W", "xh", direction, layer), width="d_h",
                       **attrs)
            wh = g.add(f"whh{p}", "linear", words("weight"), _weight("U", "hh", direction, layer), width="d_h",
                       **attrs)
            add = g.add(f"sum{p}", "elementwise-add", "+ b_h", "", **attrs)
            act = g.add(f"tanh{p}", "activation", words("activation.tanh"), "", fn="tanh", **attrs)
            h = g.add(f"h{p}", "hidden-state", words("hidden-state"), _h(direction, "t", layer), **attrs)
            g.link(source, wx)
            g.link(prev, wh)
            g.chain(wx, add)
            g.chain(wh, add, act, h)
            g.link(h, prev, "recurrent", _next(direction), stub=True)
            # h_{t-1} comes in from the outside edge of its chain, the input from the middle
            g.rows.append([wx, wh] if direction == "bwd" else [wh, wx])
            g.rows.append([source, prev] if direction == "bwd" else [prev, source])
            source = h
        tops.append(source)
    top = tops[0]
    if spec["bidirectional"]:
        top = g.add("concat", "concat", words("concat"), "[h→; h←]")
        for t in tops:
            g.link(t, top)
    g.node(top).attrs["returns"] = "output"
    if spec["outputs"] != "none":
        _output_head(g, words, top, "")
    name = words.arch("brnn") if spec["bidirectional"] else words.arch("rnn")
    title = words("phrase.rnn-folded", name=name, layers=layers)
    desc = words("phrase.rnn-folded-desc")
    return finish(g, spec, title, desc)


def _unrolled(spec: Spec, words: Words) -> Graph:
    """A grid: one column per drawn step, one straight row per layer and direction (FIGURES.md §2)."""
    g = new_graph(spec, "BT")
    steps, layers = spec["unroll"], spec["layers"]
    drawn = drawn_steps(steps)
    xs = [g.add(f"x{t}", "input", words("input"), f"x_{{{t}}}", step=t, shape=STEP_INPUT) for t in drawn]
    g.rows.append(xs)
    directions = ("fwd", "bwd") if spec["bidirectional"] else ("",)
    below = xs
    for layer in range(1, layers + 1):
        tops = {direction: _chain(g, words, direction, layer, below, drawn, steps) for direction in directions}
        below = tops[directions[0]]
        if spec["bidirectional"]:
            below = _concat(g, words, layer, layer == layers, tops, drawn)
    for top in below:
        g.node(top).attrs["returns"] = "output"
    emit = {"all": drawn, "last": drawn[-1:], "none": []}[spec["outputs"]]
    ys = [g.add(f"y{t}", "output", words("output"), f"y_{{{t}}}", step=t, shape=STEP_OUTPUT) for t in emit]
    for y, t in zip(ys, emit, strict=True):
        g.link(below[drawn.index(t)], y, label="W_{hy}")
    if ys:
        g.rows.append(ys)
    if spec["bidirectional"]:
        # only x_t → →h_t and the output head are kept straight: the backward states then sit just beside
        # their column and the grid stays as narrow as a hand drawing (columns through every row spread it)
        g.columns += [[f"x{t}", f"hfwd1_{t}"] for t in drawn] + [[f"concat{t}", f"y{t}"] for t in drawn]
    else:
        g.columns += [[n.id for n in g.nodes if n.attrs.get("step") == t] for t in drawn]
    name = words.arch("brnn") if spec["bidirectional"] else words.arch("rnn")
    title = words("phrase.rnn-unrolled", name=name, steps=steps, layers=layers)
    if spec["bidirectional"]:
        desc = words("phrase.brnn-unrolled-desc", last=steps + 1)
        if layers > 1:
            desc += " " + words("phrase.brnn-stacked-desc")
    else:
        desc = words("phrase.rnn-unrolled-desc")
    if len(drawn) < steps:
        desc += " " + words("phrase.steps-elided", first=drawn[-2] + 1, last=steps - 1, steps=steps)
    return finish(g, spec, title, desc)


def _concat(g: Graph, words: Words, layer: int, top: bool, tops: dict[str, list[str]], drawn: list[int]) -> list[str]:
    """[h→_t; h←_t] of one layer: what the outputs read (top layer) or both directions of the next layer read
    (Graves et al. 2013; REFERENCE.md §2.4)."""
    sup = "" if layer == 1 else f"^{{({layer})}}"
    cats = []
    for i, t in enumerate(drawn):
        node_id = f"concat{t}" if top else f"concat{layer}_{t}"
        c = g.add(node_id, "concat", words("concat"), f"[h→_{{{t}}}{sup}; h←_{{{t}}}{sup}]", step=t, layer=layer)
        g.link(tops["fwd"][i], c)
        g.link(tops["bwd"][i], c)
        g.above.append((tops["bwd"][i], tops["fwd"][i]))  # the forward row just above the backward one
        cats.append(c)
    g.rows.append(cats)
    return cats


def _chain(g: Graph, words: Words, direction: str, layer: int, below: list[str], drawn: list[int],
           steps: int) -> list[str]:
    """One layer over the drawn steps, as one row; returns the ids of its hidden states, in time order.

    The backward chain starts at h←_{T+1} on the right and runs t+1 → t (REFERENCE.md §2.4)."""
    attrs = {"layer": layer} | ({"direction": direction} if direction else {})
    backward = direction == "bwd"
    h0_math = _h(direction, f"{steps + 1}" if backward else "0", layer)
    h0 = g.add(f"h0{direction}{layer}", "hidden-state", words("hidden-state"), h0_math,
               step=steps + 1 if backward else 0, initial=True, shape=STATE, returns="h_n", **attrs)
    # the row's first state (h_0, h←_{T+1}) names it; the steps show their symbol only, as d2l's grids do, so
    # that a bidirectional or stacked grid fits a page column (FIGURES.md §8)
    hs = [g.add(f"h{direction}{layer}_{t}", "hidden-state", "", _h(direction, str(t), layer), step=t, shape=STATE,
                **attrs) for t in drawn]
    w, u = _weight("W", "xh", direction, layer), _weight("U", "hh", direction, layer)
    for i, h in enumerate(hs):
        g.link(below[i], h, label=w, spine=not backward, label_beside=True)
    order = [h0, *reversed(hs)] if backward else [h0, *hs]
    elided = {(f"h{direction}{layer}_{a}", f"h{direction}{layer}_{b}") for a, b in itertools.pairwise(drawn)
              if b > a + 1}
    for prev, nxt in itertools.pairwise(order):
        gap = {"elided": True} if (prev, nxt) in elided or (nxt, prev) in elided else {}
        g.link(prev, nxt, "recurrent", u, reverse=backward, **gap)
    g.rows.append([*hs, h0] if backward else [h0, *hs])
    return hs


def _jordan(spec: Spec, words: Words) -> Graph:
    g = new_graph(spec, "BT")
    steps = spec["unroll"]
    if steps == 1:
        x = g.add("x", "input", words("input"), "x_t", shape=STEP_INPUT)
        s = g.add("s", "state", words("state-unit"), "s_t", unit="state", shape=STEP_OUTPUT)
        h = g.add("h", "hidden-state", words("hidden-state"), "h_t", shape=STATE)
        y = g.add("y", "output", words("output"), "y_t", shape=STEP_OUTPUT)
        g.link(x, h, label="W_{xh}")
        g.link(s, h, label="W_{sh}")
        g.link(h, y, label="W_{hy}")
        g.link(y, s, "recurrent", "y_{t-1}", back=True)
        g.link(s, s, "recurrent", "μ")
        g.rows.append([x, s])
    else:
        prev_y = prev_s = ""
        for t in range(1, steps + 1):
            x = g.add(f"x{t}", "input", words("input"), f"x_{{{t}}}", step=t, shape=STEP_INPUT)
            s = g.add(f"s{t}", "state", words("state-unit"), f"s_{{{t}}}", step=t, unit="state", shape=STEP_OUTPUT)
            h = g.add(f"h{t}", "hidden-state", words("hidden-state"), f"h_{{{t}}}", step=t, shape=STATE)
            y = g.add(f"y{t}", "output", words("output"), f"y_{{{t}}}", step=t, shape=STEP_OUTPUT)
            g.link(x, h, label="W_{xh}", spine=True)
            g.link(s, h, label="W_{sh}")
            g.link(h, y, label="W_{hy}", spine=True)
            if prev_y:
                g.link(prev_y, s, "recurrent", f"y_{t - 1}")
                g.link(prev_s, s, "recurrent", "μ")
            prev_y, prev_s = y, s
            g.columns.append([x, h, y])
        for role in ("x", "s", "h", "y"):
            g.rows.append([f"{role}{t}" for t in range(1, steps + 1)])
    title = words("phrase.jordan-title", name=words.arch("jordan"), steps=steps)
    return finish(g, spec, title, words("phrase.jordan-desc"))


def _output_head(g: Graph, words: Words, top: str, suffix: str) -> None:
    why = g.add(f"why{suffix}", "linear", words("weight"), "W_{hy}", width="d_y")
    soft = g.add(f"softmax{suffix}", "softmax", words("softmax"), "")
    y = g.add(f"y{suffix}", "output", words("output"), "y_t")
    g.chain(top, why, soft, y)


def _weight(symbol: str, sub: str, direction: str, layer: int) -> str:
    """A recurrent weight label: W_{xh}, W_{hh} (one chain) or →W, →U / ←W, ←U (two chains with independent
    weight sets, REFERENCE.md §2.4), with the layer as a superscript from layer 2 on (W_{hh}^{(2)})."""
    arrow = {"fwd": "→", "bwd": "←"}.get(direction, "")
    name = f"{arrow}{symbol}" if arrow else f"W_{{{sub}}}"
    return name + (f"^{{({layer})}}" if layer > 1 else "")


def _next(direction: str) -> str:
    """The label of a state's stub to the next step: → t+1, or ← t-1 for a backward chain."""
    return "← t-1" if direction == "bwd" else "→ t+1"


def _h(direction: str, step: str, layer: int) -> str:
    arrow = {"fwd": "→", "bwd": "←"}.get(direction, "")
    sup = f"^{{({layer})}}" if layer > 1 else ""
    return f"h{arrow}_{{{step}}}{sup}"


SUBJECT = Subject(
    name="rnn",
    help="Elman RNN cell, folded or unrolled over time (also Jordan and bidirectional)",
    own_params=PARAMS,
    build=build,
    validate=_validate,
    examples=(
        "rnn",
        "rnn unroll=3",
        "rnn unroll=4 layers=2",
        "rnn unroll=3 bidirectional=true",
        "rnn unroll=4 outputs=last",
        "rnn unroll=3 layers=2 bidirectional=true",
        "rnn unroll=16",
        "rnn variant=jordan",
        "rnn variant=jordan unroll=3",
        "rnn unroll=3 shapes=true",
        "rnn layers=2 shapes=true batch=4 seq=10 input=128 hidden=256",
    ),
    # the backward row sits below the forward one: x_t crosses the backward chain on its way to →h_t and ←h_t
    # crosses the forward chain on its way to the concatenation, except at the chains' open ends (d2l's birnn
    # figure has the same 4 at T = 3); per layer of a stack. 2 (T - 1) per layer is the floor of any drawing with
    # the inputs below two straight chain rows, the concatenations above them and every edge running upwards: the
    # way of x_t to the upper row crosses the lower chain, or (left of it) the edge x_s → lower state of an
    # earlier step, and only x_1 gets past through the lower chain's open end; likewise the way of a lower state
    # to its concatenation, where only the last one gets past (a way round an initial state crosses another edge)
    crossings={"rnn unroll=3 bidirectional=true": 4, "rnn unroll=3 layers=2 bidirectional=true": 8},
)
