"""LSTM: the gated cell with every gate, or the chain unrolled over time (REFERENCE.md §2.2).

Cell contract: three sigmoid ``gate`` nodes (forget, input, output) and a tanh ``candidate``.
The cell-state path is a straight line c_{t-1} → ⊙ f_t → + (← i_t ⊙ c̃_t) → c_t with nothing
else on it; the output path is c_t → tanh → ⊙ o_t → h_t. Both h_t and c_t leave on
``recurrent`` edges. ``forget_gate=false`` is the 1997 original (input/output gates and the
constant error carousel); ``peephole=true`` adds c_{t-1} → i, f and c_t → o (Gers et al.).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.params import BoolParam, ChoiceParam, IntParam
from seqdiagrams.subjects import Subject
from seqdiagrams.subjects._common import Words, finish, new_graph
from seqdiagrams.subjects._unrolled import STATE, unrolled_cells

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

PARAMS = {
    "view": ChoiceParam("cell", "one cell with every gate, or the chain over time", ("cell", "unrolled")),
    "unroll": IntParam(3, "time steps in the unrolled view; above 6 the middle is elided (1, 2, …, n)", 1, 16),
    "forget_gate": BoolParam(True, "false draws the 1997 original without a forget gate"),
    "peephole": BoolParam(False, "peephole connections from the cell state into the gates (2000)"),
}


def _validate(spec: Spec) -> None:
    if spec["view"] == "unrolled" and "peephole" in spec.given and spec["peephole"]:
        raise SpecError.at(Subtype.BAD_VALUE, "peepholes are drawn in the cell view only",
                           spec.location_of("peephole"), "use view=cell")
    if "unroll" in spec.given and spec["view"] == "cell":
        raise SpecError.at(Subtype.BAD_VALUE, "`unroll` applies to view=unrolled", spec.location_of("unroll"),
                           "add view=unrolled")


def build(spec: Spec, registry: Registry) -> Graph:
    words = Words(registry, spec.lang)
    name = words.arch("lstm")
    if spec["view"] == "unrolled":
        g = new_graph(spec, "BT")
        elided = unrolled_cells(g, words, spec["unroll"], ("c", "h"), "LSTM")
        title = words("phrase.lstm-unrolled", name=name, steps=spec["unroll"])
        return finish(g, spec, title, " ".join(filter(None, (words("phrase.lstm-unrolled-desc"), elided))))
    return _cell(spec, words, name)


def _cell(spec: Spec, words: Words, name: str) -> Graph:
    """The d2l/colah arrangement: the cell state straight across the top, h_{t-1} and x_t at the bottom, the
    gates in one row between them, tanh(c_t) ⊙ o_t coming down on the right to h_t, stubs to the next step."""
    g = new_graph(spec, "BT")
    forget, peephole = spec["forget_gate"], spec["peephole"]
    c_prev = g.add("c_prev", "cell-state", words("cell-state"), "c_{t-1}", shape=STATE, returns="c_n")
    h_prev = g.add("h_prev", "hidden-state", words("hidden-state"), "h_{t-1}", shape=STATE, returns="h_n")
    x = g.add("x", "input", words("input"), "x_t", shape=("B", "d_x"))
    cat = g.add("concat", "concat", words("concat"), "[h_{t-1}; x_t]")
    g.link(h_prev, cat)
    g.link(x, cat)
    gates = [("forget", "f")] if forget else []
    gates += [("input", "i"), ("output", "o")]
    for gate, sym in gates:
        g.add(f"gate_{sym}", "gate", words(f"gate.{gate}"), f"{sym}_t = σ(·)", gate=gate, fn="sigmoid",
              shape=STATE)
        g.link(cat, f"gate_{sym}")
    cand = g.add("candidate", "candidate", words("candidate"), "c̃_t = tanh(·)", fn="tanh", shape=STATE)
    g.link(cat, cand)
    add = g.add("add_c", "elementwise-add", words("elementwise-add"))
    c = g.add("c", "cell-state", words("cell-state"), "c_t")
    if forget:
        mul_f = g.add("mul_f", "elementwise-multiply", words("elementwise-multiply"), term="forget")
        g.chain(c_prev, mul_f, add, c, spine=True)
        g.link("gate_f", mul_f, "gate")
    else:
        g.link(c_prev, add, label=words("phrase.lstm-cec"), spine=True)
        g.chain(add, c, spine=True)
    mul_i = g.add("mul_i", "elementwise-multiply", words("elementwise-multiply"), term="input")
    g.link("gate_i", mul_i, "gate")
    g.link(cand, mul_i)
    g.link(mul_i, add)
    tanh = g.add("tanh_c", "activation", words("activation.tanh"), "", fn="tanh")
    mul_o = g.add("mul_o", "elementwise-multiply", words("elementwise-multiply"), term="output")
    h = g.add("h", "hidden-state", words("hidden-state"), "h_t", returns="output")
    g.chain(c, tanh, mul_o, h, spine=True, reverse=True)  # down the right-hand side, as in d2l
    g.link("gate_o", mul_o, "gate")
    out = g.add("out", "output", words("output"), "h_t")
    g.link(h, out)
    g.link(c, c_prev, "recurrent", "→ t+1", stub=True)
    g.link(h, h_prev, "recurrent", "→ t+1", stub=True)
    if peephole:
        for sym in ("i", "f") if forget else ("i",):
            g.link(c_prev, f"gate_{sym}", label=f"p_{sym} ⊙ c_{{t-1}}", peephole=True, reverse=True,
                   label_beside=True)
        g.link(c, "gate_o", label="p_o ⊙ c_t", peephole=True, reverse=True,
                   label_beside=True)
    gate_row = [f"gate_{sym}" for _, sym in gates if sym != "o"] + [cand, "gate_o"]
    g.rows += [[h_prev, x, h], gate_row, [c_prev, *(["mul_f"] if forget else []), add, c], [mul_i, mul_o]]
    g.columns += [[mul_i, add], [c, tanh, mul_o, h]] + ([["gate_f", "mul_f"]] if forget else [])
    variant = words("phrase.lstm-1997") if not forget else words("phrase.lstm-modern")
    if peephole:
        variant += words("phrase.lstm-peephole")
    title = words("phrase.lstm-cell", name=name, variant=variant)
    desc = words("phrase.lstm-cell-desc-1997" if not forget else "phrase.lstm-cell-desc")
    if peephole:
        desc += " " + words("phrase.lstm-peephole-desc" if forget else "phrase.lstm-peephole-desc-1997")
    caption = words("phrase.lstm-1997-caption") if not forget else ""
    return finish(g, spec, title, desc, caption)


SUBJECT = Subject(
    name="lstm",
    help="LSTM cell with every gate (modern, 1997 original, peepholes) or unrolled over time",
    own_params=PARAMS,
    build=build,
    validate=_validate,
    examples=(
        "lstm",
        "lstm forget_gate=false",
        "lstm peephole=true",
        "lstm view=unrolled",
        "lstm view=unrolled unroll=5",
        "lstm view=unrolled unroll=16",
    ),
    # the peephole c_{t-1} → input gate has to pass the forget gate's line up to its ⊙
    crossings={"lstm peephole=true": 1},
)
