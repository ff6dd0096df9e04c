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
from seqdiagrams.params import BoolParam, ChoiceParam, IntParam
from seqdiagrams.subjects import Subject
from seqdiagrams.subjects._common import Words, finish, new_graph

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

PARAMS = {
    "unroll": IntParam(1, "time steps drawn; 1 draws the folded cell with its feedback loop", 1, 16),
    "layers": IntParam(1, "stacked recurrent layers", 1, 4),
    "bidirectional": BoolParam(False, "add a backward chain (Schuster & Paliwal 1997)"),
    "outputs": ChoiceParam("all", "which steps emit an output", ("all", "last", "none")),
    "variant": ChoiceParam("elman", "Elman (hidden state fed back) or Jordan (output fed back)",
                           ("elman", "jordan")),
}


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
    g = new_graph(spec, "TB")
    directions = ("fwd", "bwd") if spec["bidirectional"] else ("",)
    layers = spec["layers"]
    below = g.add("x", "input", words("input"), "x_t")
    tops: list[str] = []
    for direction in directions:
        source = below
        for layer in range(1, layers + 1):
            p = f"{direction}{layer}"
            attrs = {"layer": layer} | ({"direction": direction} if direction else {})
            prev = g.add(f"h_prev{p}", "hidden-state", words("hidden-state"), _h(direction, "t-1", layer), **attrs)
            wx = g.add(f"wxh{p}", "linear", words("weight"), "W_{xh}", **attrs)
            wh = g.add(f"whh{p}", "linear", words("weight"), "W_{hh}", **attrs)
            add = g.add(f"sum{p}", "elementwise-add", "+ b_h", "", **attrs)
            act = g.add(f"tanh{p}", "activation", words("activation.tanh"), "", fn="tanh", **attrs)
            h = g.add(f"h{p}", "hidden-state", words("hidden-state"), _h(direction, "t", layer), **attrs)
            g.link(source, wx)
            g.link(prev, wh)
            g.chain(wx, add)
            g.chain(wh, add, act, h)
            g.link(h, prev, "recurrent", words("phrase.next-step"), back=True)
            g.ranks.append([wx, wh])
            source = h
        tops.append(source)
    top = tops[0]
    if spec["bidirectional"]:
        top = g.add("concat", "concat", words("concat"), "[h→; h←]")
        for t in tops:
            g.link(t, top)
    if spec["outputs"] != "none":
        _output_head(g, words, top, "")
    name = words.arch("brnn") if spec["bidirectional"] else words.arch("rnn")
    title = words("phrase.rnn-folded", name=name, layers=layers)
    desc = words("phrase.rnn-folded-desc")
    return finish(g, spec, title, desc)


def _unrolled(spec: Spec, words: Words) -> Graph:
    g = new_graph(spec, "BT")
    steps, layers = spec["unroll"], spec["layers"]
    xs = [g.add(f"x{t}", "input", words("input"), f"x_{t}", step=t) for t in range(1, steps + 1)]
    g.ranks.append(xs)
    directions = ("fwd", "bwd") if spec["bidirectional"] else ("",)
    tops: dict[str, list[str]] = {}
    for direction in directions:
        below = xs
        for layer in range(1, layers + 1):
            below = _chain(g, words, direction, layer, below)
        tops[direction] = below
    last = tops[directions[0]]
    if spec["bidirectional"]:
        _stack_directions(g, layers, steps)
        last = []
        for t in range(1, steps + 1):
            c = g.add(f"concat{t}", "concat", words("concat"), f"[h→_{t}; h←_{t}]", step=t)
            g.link(tops["fwd"][t - 1], c)
            g.link(tops["bwd"][t - 1], c)
            last.append(c)
        g.ranks.append(last)
    emit = {"all": range(1, steps + 1), "last": range(steps, steps + 1), "none": range(0)}[spec["outputs"]]
    ys = [g.add(f"y{t}", "output", words("output"), f"y_{t}", step=t) for t in emit]
    for y, t in zip(ys, emit, strict=False):
        g.link(last[t - 1], y, label="W_{hy}")
    if ys:
        g.ranks.append(ys)
    name = words.arch("brnn") if spec["bidirectional"] else words.arch("rnn")
    title = words("phrase.rnn-unrolled", name=name, steps=steps, layers=layers)
    return finish(g, spec, title, words("phrase.rnn-unrolled-desc"))


def _stack_directions(g: Graph, layers: int, steps: int) -> None:
    """Draw each layer's backward row just above its forward row, as in Schuster & Paliwal's figure."""
    for layer in range(1, layers + 1):
        for t in range(1, steps + 1):
            g.above.append((f"hfwd{layer}_{t}", f"hbwd{layer}_{t}"))
            if layer < layers:
                g.above.append((f"hbwd{layer}_{t}", f"hfwd{layer + 1}_{t}"))


def _chain(g: Graph, words: Words, direction: str, layer: int, below: list[str]) -> list[str]:
    """One layer over every step; returns the ids of its hidden states, in time order."""
    steps = len(below)
    attrs = {"layer": layer} | ({"direction": direction} if direction else {})
    backward = direction == "bwd"
    h0_math = _h(direction, f"{steps + 1}" if backward else "0", layer)
    h0 = g.add(f"h0{direction}{layer}", "hidden-state", words("phrase.initial-state"), h0_math, step=0,
               initial=True, **attrs)
    hs = [g.add(f"h{direction}{layer}_{t}", "hidden-state", words("hidden-state"), _h(direction, str(t), layer),
                step=t, **attrs) for t in range(1, steps + 1)]
    for t, h in enumerate(hs):
        g.link(below[t], h, label="W_{xh}" if layer == 1 else f"W_{{xh}}^{{({layer})}}", spine=True)
    order = list(reversed(hs)) if backward else hs
    g.link(h0, order[0], "recurrent", "W_{hh}", reverse=backward)
    for prev, nxt in itertools.pairwise(order):
        g.link(prev, nxt, "recurrent", "W_{hh}", reverse=backward)
    g.ranks.append([h0, *hs] if not backward else [*hs, h0])
    return hs


def _jordan(spec: Spec, words: Words) -> Graph:
    g = new_graph(spec, "TB")
    steps = spec["unroll"]
    if steps == 1:
        x = g.add("x", "input", words("input"), "x_t")
        s = g.add("s", "state", words("state-unit"), "s_t", unit="state")
        h = g.add("h", "hidden-state", words("hidden-state"), "h_t")
        y = g.add("y", "output", words("output"), "y_t")
        g.link(x, h, label="W_{xh}")
        g.link(s, h, label="W_{sh}")
        g.link(h, y, label="W_{hy}")
        g.link(y, s, "recurrent", "y_{t-1}", back=True)
        g.link(s, s, "recurrent", "μ", self_loop=True)
        g.ranks.append([x, s])
    else:
        g.direction = spec["direction"] or "BT"
        prev_y = prev_s = ""
        for t in range(1, steps + 1):
            x = g.add(f"x{t}", "input", words("input"), f"x_{t}", step=t)
            s = g.add(f"s{t}", "state", words("state-unit"), f"s_{t}", step=t, unit="state")
            h = g.add(f"h{t}", "hidden-state", words("hidden-state"), f"h_{t}", step=t)
            y = g.add(f"y{t}", "output", words("output"), f"y_{t}", step=t)
            g.link(x, h, label="W_{xh}")
            g.link(s, h, label="W_{sh}")
            g.link(h, y, label="W_{hy}")
            if prev_y:
                g.link(prev_y, s, "recurrent", f"y_{t - 1}")
                g.link(prev_s, s, "recurrent", "μ")
            prev_y, prev_s = y, s
    title = words("phrase.jordan-title", name=words.arch("jordan"), steps=steps)
    return finish(g, spec, title, words("phrase.jordan-desc"))


def _output_head(g: Graph, words: Words, top: str, suffix: str) -> None:
    why = g.add(f"why{suffix}", "linear", words("weight"), "W_{hy}")
    soft = g.add(f"softmax{suffix}", "softmax", words("softmax"), "")
    y = g.add(f"y{suffix}", "output", words("output"), "y_t")
    g.chain(top, why, soft, y)


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
        "rnn variant=jordan",
        "rnn variant=jordan unroll=3",
    ),
)
