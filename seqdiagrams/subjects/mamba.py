"""Mamba: the block and the selective SSM inside it (REFERENCE.md §2.14; S4 in §2.13 for contrast).

Block: x → RMSNorm (outside the block) → in_proj (d → 2Ed) → split. Main branch: causal depthwise
conv1d (kernel 4) → SiLU → selective SSM, plus the D skip; gate branch: SiLU only (no conv, no SSM).
The branches meet at an element-wise product → out_proj (Ed → d) → + residual from x → output.
Conv comes before SiLU, SiLU before the SSM; there is no attention and no separate MLP.
SSM: u_t (main branch after conv + SiLU) → x_proj / dt_proj → Δ_t, B_t, C_t (input-dependent);
A = −exp(A_log) and D are learned and receive no edge from the input; discretisation is zero-order
hold, (Δ_t, A) → Ā_t and (Δ_t, B_t) → B̄_t; state h_t with a recurrent edge from h_{t-1};
y_t = C_t h_t + D u_t. S4 is never called selective and never discretised with ZOH here.
Scan (``view=scan``, a plot, see :mod:`seqdiagrams.subjects._selective_scan`): the recurrence of one
channel computed over a short input of ``length`` steps, showing Δ_t deciding whether the state is reset or kept.
The block and SSM views are diagrams and take ``steps=true`` like every other; the plot has nothing to step
through, and its length is ``length`` (it was ``steps`` until that key meant the step-through everywhere).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.params import STEP_PARAMS, ChoiceParam, IntParam
from seqdiagrams.subjects import GRAPH_FORMATS, Subject, _selective_scan
from seqdiagrams.subjects._common import Words, finish, new_graph

if TYPE_CHECKING:
    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

PARAMS = {
    "view": ChoiceParam("block", "the whole Mamba block, the selective SSM inside it, or a plot of its scan",
                        ("block", "ssm", "scan")),
    "length": IntParam(24, "view=scan: length of the synthetic input sequence", 8, 64),
}

CONV_KERNEL = 4
"""``d_conv`` of the reference implementation (REFERENCE.md §2.14, Shapes)."""
BAR = "\u0305"
"""Combining overline for B̄ in math lines (placed correctly by the layout font, unlike U+0304)."""
B_BAR = f"B{BAR}_t"
WRAP = 12
"""view=ssm: box names longer than this break onto lines."""


def _validate(spec: Spec) -> None:
    if "length" in spec.given and spec["view"] != "scan":
        raise SpecError.at(Subtype.BAD_VALUE, "`length` only applies to the scan plot", spec.location_of("length"),
                           "add view=scan or remove `length`")
    steps = spec["steps"]
    if isinstance(steps, tuple) and len(steps) == 1 and len(steps[0]) == 1 and steps[0][0].isdigit():
        raise SpecError.at(Subtype.BAD_VALUE, f"`steps={steps[0][0]}` is not a length: `steps` reveals a diagram "
                           "step by step", spec.location_of("steps"),
                           f"the scan plot's length is `length`: write view=scan length={steps[0][0]}")
    for key, param in STEP_PARAMS.items():
        if spec["view"] == "scan" and key in spec.given and spec[key] != param.default:
            raise SpecError.at(Subtype.BAD_VALUE, f"`{key}` reveals a diagram step by step; the scan plot is a plot",
                               spec.location_of(key), f"remove `{key}`, or draw view=block or view=ssm")


def _is_plot(spec: Spec) -> bool:
    return spec["view"] == "scan"


def build(spec: Spec, registry: Registry) -> Graph:
    words = Words(registry, spec.lang)
    year = registry.arch("mamba").year
    if spec["view"] == "ssm":
        return _ssm(spec, words, year)
    return _block(spec, words, year)


def _block(spec: Spec, words: Words, year: int) -> Graph:
    g = new_graph(spec, "BT")
    x = g.add("x", "input", words("input"), "x", shape=("B", "T", "d"))
    norm = g.add("norm", "layer-norm", words("rmsnorm"), "", norm="rms")
    in_proj = g.add("in_proj", "linear", words("in-proj"), "d → 2Ed", name="in_proj",
                    parts={"conv": "Ed", "silu_gate": "Ed"})
    # main branch: conv → SiLU → selective SSM, plus the D skip
    conv = g.add("conv", "conv1d", words("conv1d"), f"k = {CONV_KERNEL}", causal=True, depthwise=True,
                 kernel=CONV_KERNEL, branch="main")
    act = g.add("silu_main", "activation", words("activation.silu"), "", fn="silu", branch="main")
    ssm = g.add("ssm", "ssm", words("ssm.selective"), "S6", selective=True, branch="main")
    skip = g.add("skip", "elementwise-add", words("elementwise-add"), "", skip="D", branch="main")
    # gate branch: SiLU only
    gate = g.add("silu_gate", "activation", words("activation.silu"), "", fn="silu", branch="gate")
    mul = g.add("mul", "elementwise-multiply", words("elementwise-multiply"), "")
    out_proj = g.add("out_proj", "linear", words("out-proj"), "Ed → d", name="out_proj", width="d")
    add = g.add("add", "elementwise-add", words("elementwise-add"), "", residual=True)
    y = g.add("y", "output", words("output"), "x_{l+1}")

    g.chain(x, norm, in_proj)
    g.link(in_proj, conv, label="u")
    g.link(conv, act)
    g.link(act, ssm, label="u′")
    g.link(act, skip, label="D ⊙ u′")
    g.link(ssm, skip)
    g.link(in_proj, gate, label="z")
    g.link(skip, mul)
    g.link(gate, mul)
    g.chain(mul, out_proj, add, y)
    g.link(x, add, "residual", words("phrase.mamba-residual"))

    block = g.group("block", words("phrase.mamba-block"), [in_proj, mul, out_proj], role="block")
    g.group("main", words("main-branch"), [conv, act, ssm, skip], role="main-branch", parent=block)
    g.group("gate", words("gate-branch"), [gate], role="gate-branch", parent=block)
    g.ranks.append([act, gate])
    title = words("phrase.mamba-block-title", name=words.short("mamba"), year=year)
    return finish(g, spec, title, words("phrase.mamba-block-desc"))


def _ssm(spec: Spec, words: Words, year: int) -> Graph:
    g = new_graph(spec, "BT")
    # one time step t of the scan, over a batch: D_in = E·d channels, N state entries per channel
    u = g.add("u", "input", words("phrase.mamba-ssm-input"), "u_t", shape=("B", "Ed"))
    x_proj = g.add("x_proj", "projection", words("phrase.mamba-x-proj"), "D_{in} → R + 2N", name="x_proj",
                   parts={"dt_proj": "R", "B": "N", "C": "N"})
    dt_proj = g.add("dt_proj", "projection", words("phrase.mamba-dt-proj"), "R → D_{in}", name="dt_proj", width="Ed")
    delta = g.add("delta", "ssm-parameter", words("ssm-parameter"), "Δ_t", name="Δ", input_dependent=True)
    b = g.add("B", "ssm-parameter", words("phrase.mamba-param-b"), "B_t", name="B", input_dependent=True)
    c = g.add("C", "ssm-parameter", words("phrase.mamba-param-c"), "C_t", name="C", input_dependent=True)
    a = g.add("A", "ssm-parameter", words("phrase.mamba-param-a"), "A = −exp(A_{log})", name="A",
              input_dependent=False, shape=("Ed", "N"))
    d = g.add("D", "ssm-parameter", words("phrase.mamba-param-d"), "D", name="D", input_dependent=False,
              shape=("Ed",))
    disc = g.add("discretize", "discretize", words("phrase.mamba-discretize"), f"Ā_t = exp(Δ_t A),  {B_BAR}",
                 method="zoh")
    h_prev = g.add("h_prev", "state", words("phrase.mamba-previous-state"), "h_{t-1}", step="t-1",
                   shape=("B", "Ed", "N"))
    h = g.add("h", "state", words("state"), f"h_t = Ā_t h_{{t-1}} + {B_BAR} u_t", step="t", shape=("B", "Ed", "N"))
    read = g.add("readout", "matmul", words("phrase.mamba-readout"), "C_t h_t")
    skip_mul = g.add("skip_mul", "elementwise-multiply", words("elementwise-multiply"), "", skip="D")
    add = g.add("add", "elementwise-add", words("elementwise-add"), "")
    y = g.add("y", "output", words("output"), "y_t")

    g.link(u, x_proj)
    g.link(x_proj, dt_proj, label="R")
    g.link(dt_proj, delta)
    g.link(x_proj, b)
    g.link(x_proj, c)
    g.link(delta, disc, "parameter")
    g.link(a, disc, "parameter")
    g.link(b, disc, "parameter")
    g.link(disc, h, "parameter", f"Ā_t, {B_BAR}")
    g.link(h_prev, h, "recurrent", "Ā_t h_{t-1}")
    g.link(u, h, label="u_t")
    g.link(h, read)
    g.link(c, read, "parameter")
    g.link(u, skip_mul)
    g.link(d, skip_mul, "parameter")
    g.chain(read, add, y)
    g.link(skip_mul, add, label="D u_t")

    g.group("selected", words("phrase.mamba-selected"), [x_proj, dt_proj, delta, b, c], role="input-dependent")
    g.group("learned", words("phrase.mamba-learned"), [a, d], role="learned")
    g.ranks.append([delta, b, c, a, d])
    g.wrap = WRAP  # five parameters side by side: two-word names take two lines to fit the page
    title = words("phrase.mamba-ssm-title", name=words.short("mamba"), year=year)
    return finish(g, spec, title, words("phrase.mamba-ssm-desc"))


SUBJECT = Subject(
    name="mamba",
    help="Mamba block (gated, conv + selective SSM), the selective SSM step inside it, or a plot of its scan",
    own_params=PARAMS,
    build=build,
    render=_selective_scan.render,
    renders=_is_plot,
    formats=(*GRAPH_FORMATS, "json"),
    golden="json",
    validate=_validate,
    # The input u_t reaches the state h_t (B̄_t u_t) past the read-out's C_t: Graphviz keeps that one crossing.
    crossings={"mamba view=ssm": 1},
    examples=(
        "mamba",
        "mamba view=ssm",
        "mamba view=block direction=TB",
        "mamba shapes=true",
        "mamba view=scan",
        "mamba view=scan length=48",
        "mamba steps=true",
    ),
)
