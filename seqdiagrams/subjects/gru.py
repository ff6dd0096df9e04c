"""GRU: the gated cell or the chain unrolled over time (REFERENCE.md §2.3).

Cell contract: two sigmoid ``gate`` nodes (reset, update) and one state h_t (no cell state,
no output gate, no tanh after the interpolation). r_t ⊙ h_{t-1} feeds the tanh candidate
(paper form; ``reset_after=true`` is the PyTorch/cuDNN form r_t ⊙ (W_hn h_{t-1} + b_hn));
h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t in the paper/PyTorch convention, and the swapped
convention exchanges which term gets z. Every figure states its convention.
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
    "view": ChoiceParam("cell", "one cell with both gates, or the chain over time", ("cell", "unrolled")),
    "unroll": IntParam(3, "time steps in the unrolled view; above 6 the middle is elided (1, 2, …, n)", 1, 16),
    "convention": ChoiceParam("paper", "paper/PyTorch (z→1 keeps h_{t-1}) or swapped (z→1 takes h̃_t)",
                              ("paper", "swapped")),
    "reset_after": BoolParam(False, "apply r after the recurrent matmul (PyTorch/cuDNN, Keras reset_after)"),
}


def _validate(spec: Spec) -> None:
    if "unroll" in spec.given and spec["view"] == "cell":
        raise SpecError.at(Subtype.BAD_VALUE, "`unroll` applies to view=unrolled", spec.location_of("unroll"),
                           "add view=unrolled")


def build(spec: Spec, registry: Registry) -> Graph:
    words = Words(registry, spec.lang)
    name = words.arch("gru")
    convention = words(f"phrase.gru-convention-{spec['convention']}")
    if spec["view"] == "unrolled":
        g = new_graph(spec, "BT")
        elided = unrolled_cells(g, words, spec["unroll"], ("h",), "GRU")
        title = words("phrase.gru-unrolled", name=name, steps=spec["unroll"])
        desc = " ".join(filter(None, (words("phrase.gru-unrolled-desc"), elided)))
        return finish(g, spec, title, desc, convention)
    return _cell(spec, words, name, convention)


def _cell(spec: Spec, words: Words, name: str, convention: str) -> Graph:
    """The d2l arrangement: h_{t-1} and x_t at the bottom, the gates in a row above them, the interpolation
    z ⊙ h_{t-1} + (1 − z) ⊙ h̃ straight across the top to h_t, and a stub to the next step."""
    g = new_graph(spec, "BT")
    h_prev = g.add("h_prev", "hidden-state", words("hidden-state"), "h_{t-1}", shape=STATE, returns="h_n")
    x = g.add("x", "input", words("input"), "x_t", shape=("B", "d_x"))
    for gate, sym in (("reset", "r"), ("update", "z")):
        g.add(f"gate_{sym}", "gate", words(f"gate.{gate}"), f"{sym}_t = σ(·)", gate=gate, fn="sigmoid",
              shape=STATE)
        g.link(x, f"gate_{sym}")
        g.link(h_prev, f"gate_{sym}")
    mul_r = g.add("mul_r", "elementwise-multiply", words("elementwise-multiply"), term="reset")
    g.link("gate_r", mul_r, "gate")
    if spec["reset_after"]:
        recur = g.add("w_hn", "linear", words("linear"), "W_{hn}h_{t-1} + b_{hn}", width="d_h")
        g.chain(h_prev, recur, mul_r)
        cand_math = "n_t = tanh(W_{in}x_t + b_{in} + r_t ⊙ (·))"
    else:
        g.link(h_prev, mul_r)
        cand_math = "h̃_t = tanh(W x_t + U(r_t ⊙ h_{t-1}))"
    cand = g.add("candidate", "candidate", words("candidate"), cand_math, fn="tanh", shape=STATE)
    g.link(x, cand)
    g.link(mul_r, cand)
    one_minus = g.add("one_minus", "elementwise-add", words("one-minus"), "1 − z_t", op="one-minus",
                      glyph="1−")
    g.link("gate_z", one_minus, "gate")
    keep_weight, take_weight = ("gate_z", one_minus) if spec["convention"] == "paper" else (one_minus, "gate_z")
    mul_keep = g.add("mul_keep", "elementwise-multiply", words("elementwise-multiply"), term="keep")
    mul_take = g.add("mul_take", "elementwise-multiply", words("elementwise-multiply"), term="candidate")
    g.link(h_prev, mul_keep)
    g.link(keep_weight, mul_keep, "gate")
    g.link(cand, mul_take)
    g.link(take_weight, mul_take, "gate")
    add = g.add("add_h", "elementwise-add", words("elementwise-add"))
    h = g.add("h", "hidden-state", words("hidden-state"), "h_t", returns="output")
    g.link(mul_keep, add)
    g.link(mul_take, add)
    g.link(add, h)
    out = g.add("out", "output", words("output"), "h_t")
    g.link(h, out)
    g.link(h, h_prev, "recurrent", "→ t+1", stub=True)
    g.rows += [[h_prev, x], ["gate_z", "gate_r"], [mul_keep, add, h], [one_minus, cand]]
    g.columns += [[mul_take, add], ["gate_r", mul_r], ["gate_z", one_minus]]
    title = words("phrase.gru-cell", name=name)
    form = words("phrase.gru-reset-after" if spec["reset_after"] else "phrase.gru-reset-before")
    desc = f"{words('phrase.gru-cell-desc')} {convention} {form}"
    return finish(g, spec, title, desc, convention)


SUBJECT = Subject(
    name="gru",
    help="GRU cell (reset and update gates, stated z convention) or unrolled over time",
    own_params=PARAMS,
    build=build,
    validate=_validate,
    examples=(
        "gru",
        "gru convention=swapped",
        "gru reset_after=true",
        "gru view=unrolled",
        "gru view=unrolled unroll=4 convention=swapped",
    ),
    # x_t and h_{t-1} both feed both gates (d2l draws a concatenation bus; the IR has none): the two input
    # edges into the far gate cross the near ones
    crossings={"gru": 2, "gru convention=swapped": 2, "gru reset_after=true": 2},
)
