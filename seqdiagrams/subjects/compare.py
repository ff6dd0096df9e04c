"""Side-by-side panels of several architectures, each panel a cluster (DESIGN.md §1, ``compare``).

Each architecture is drawn in a compact form (FIGURES.md §7): the handful of boxes that tell it apart —
the LSTM's three gates and cell state, the Transformer's two N× stacks joined by K, V, Mamba's gated SSM
branch — with the roles of the full figures, node ids prefixed by the architecture id so that panels never
collide. Its own block draws each architecture in full. The panels stand side by side, left to right in the
order written, titled above, all bottom → top on one scale, three of them in one page column.

Each box also records the shape facts of its counterpart in the full figure (a declared ``shape``, a linear's
``width``, in_proj's ``parts``), so that ``shapes=true`` labels a panel's edges with the tensors the full
figure computes at the same places, through the same rules (:mod:`seqdiagrams.shapes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.params import ARCH_ALIASES, ListParam
from seqdiagrams.subjects import Subject
from seqdiagrams.subjects._common import Words, finish, new_graph
from seqdiagrams.subjects.rnn import STATE, STEP_INPUT, STEP_OUTPUT

if TYPE_CHECKING:
    from collections.abc import Mapping

    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

WRAP = 8
"""Box names longer than this break onto two lines, so that three panels share a page column."""
NODESEP = 0.12
"""Inches between neighbours on a rank: panels are compact forms of their architecture."""


@dataclass(frozen=True)
class Box:
    """One box of a compact panel: its role, the registry word that names it, its symbol and attrs."""

    id: str
    role: str
    word: str
    math: str = ""
    attrs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Compact:
    """The compact form of one architecture: a few boxes, bottom → top, about a third of a page wide.

    ``edges`` are ``"a>b"`` or ``"a>b:role"`` (``cross`` edges are labelled K, V); ``rows`` are boxes
    drawn on one rank in this order; ``above`` pairs ``(a, b)`` put ``b`` one rank above ``a``."""

    boxes: tuple[Box, ...]
    edges: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    above: tuple[tuple[str, str], ...] = ()


SOURCE = ("B", "S", "d_x")
"""A source sentence fed to an encoder whole (the full seq2seq figures draw it one (B,d_x) token at a time)."""
SCORES = ("B", "S")
"""Attention weights over the source positions, as in the full Bahdanau and Luong figures."""
PROBABILITIES = ("B", "V")
"""A decoder step's output distribution over the vocabulary."""

_GATES = (Box("in", "concat", "concat", "[h_{t-1}; x_t]", {"shape": ("B", "d_h+d_x")}),)


def _stack(layers: int, norm: str = "") -> tuple[Box, ...]:
    """A Transformer's two stacks: inputs, embeddings (+ position), N× layer, output head."""
    math = f"{layers}×" + (f", {norm}" if norm else "")
    return (Box("ei", "input", "input", "", {"shape": ("B", "S")}),
            Box("ee", "embedding", "embedding", "+ PE", {"width": "d"}),
            Box("enc", "encoder-layer", "encoder-layer", math, {"repeat": layers}),
            Box("di", "input", "shifted-outputs", "", {"shape": ("B", "T")}),
            Box("de", "embedding", "embedding", "+ PE", {"width": "d"}),
            Box("dec", "decoder-layer", "decoder-layer", math, {"repeat": layers}),
            Box("lin", "linear", "linear", "", {"width": "V"}), Box("sm", "softmax", "softmax"),
            Box("y", "output", "output-probabilities"))


_ENCODER_DECODER = ("ei>ee", "ee>enc", "di>de", "de>dec", "enc>dec:cross", "dec>lin", "lin>sm", "sm>y")
_SIDE_BY_SIDE = (("ei", "di"), ("ee", "de"), ("enc", "dec"))
"""Encoder and decoder level, as in the paper's Figure 1: K, V cross from the encoder stack to the decoder's."""
_ONE_STACK = ("i>e", "e>l", "l>h", "h>y")

COMPACT: dict[str, Compact] = {
    "rnn": Compact((Box("x", "input", "input", "x_t", {"shape": STEP_INPUT}),
                    Box("hp", "hidden-state", "hidden-state", "h_{t-1}", {"shape": STATE}),
                    Box("h", "hidden-state", "hidden-state", "h_t = tanh(·)", {"shape": STATE}),
                    Box("y", "output", "output", "y_t", {"shape": STEP_OUTPUT})),
                   ("x>h", "hp>h:recurrent", "h>y"), (("x", "hp"),)),
    # the state unit holds y_{t-1} and feeds h_t through W_sh, a data edge as in the full figure
    "jordan": Compact((Box("x", "input", "input", "x_t", {"shape": STEP_INPUT}),
                       Box("s", "hidden-state", "state-unit", "y_{t-1}", {"shape": STEP_OUTPUT}),
                       Box("h", "hidden-state", "hidden-state", "h_t", {"shape": STATE}),
                       Box("y", "output", "output", "y_t", {"shape": STEP_OUTPUT})),
                      ("x>h", "s>h", "h>y"), (("x", "s"),)),
    "brnn": Compact((Box("x", "input", "input", "x_t", {"shape": STEP_INPUT}),
                     Box("f", "hidden-state", "forward-state", "h→_t", {"shape": STATE}),
                     Box("b", "hidden-state", "backward-state", "h←_t", {"shape": STATE}),
                     Box("y", "output", "output", "y_t", {"shape": STEP_OUTPUT})),
                    ("x>f", "x>b", "f>y", "b>y"), (("f", "b"),)),
    "lstm": Compact((*_GATES, Box("f", "gate", "gate.forget", "f_t", {"gate": "forget", "shape": STATE}),
                     Box("i", "gate", "gate.input", "i_t", {"gate": "input", "shape": STATE}),
                     Box("g", "candidate", "candidate", "c̃_t", {"shape": STATE}),
                     Box("o", "gate", "gate.output", "o_t", {"gate": "output", "shape": STATE}),
                     Box("cp", "cell-state", "cell-state", "c_{t-1}", {"shape": STATE}),
                     Box("c", "cell-state", "cell-state", "c_t", {"shape": STATE}),
                     Box("h", "hidden-state", "hidden-state", "h_t", {"shape": STATE})),
                    ("in>f", "in>i", "in>g", "in>o", "cp>c:recurrent", "f>c:gate", "i>c:gate", "g>c", "c>h",
                     "o>h:gate"), (("f", "i", "g", "o"), ("cp", "c"))),
    "gru": Compact((*_GATES, Box("r", "gate", "gate.reset", "r_t", {"gate": "reset", "shape": STATE}),
                    Box("z", "gate", "gate.update", "z_t", {"gate": "update", "shape": STATE}),
                    Box("g", "candidate", "candidate", "h̃_t", {"shape": STATE}),
                    Box("hp", "hidden-state", "hidden-state", "h_{t-1}", {"shape": STATE}),
                    Box("h", "hidden-state", "hidden-state", "h_t", {"shape": STATE})),
                   ("in>r", "in>z", "in>g", "r>g:gate", "hp>h:recurrent", "z>h:gate", "g>h"),
                   (("r", "z"), ("hp", "h")), (("r", "g"),)),
    "seq2seq": Compact((Box("x", "token", "token", "x_1 … x_T", {"shape": SOURCE}),
                        Box("e", "hidden-state", "encoder", "h_T", {"shape": STATE}),
                        Box("v", "context", "context", "v", {"shape": STATE}),
                        Box("d", "hidden-state", "decoder", "s_t", {"shape": STATE}),
                        Box("y", "output", "output", "y_t", {"shape": PROBABILITIES})),
                       ("x>e", "e>v", "v>d:recurrent", "d>y")),
    "bahdanau": Compact((Box("x", "token", "token", "x_1 … x_T", {"shape": SOURCE}),
                         Box("e", "hidden-state", "bidirectional-encoder", "h_j", {"shape": ("B", "S", "2d_h")}),
                         Box("sp", "hidden-state", "decoder", "s_{i-1}", {"shape": STATE}),
                         Box("a", "attention-weights", "attention-weights", "α_{ij}", {"shape": SCORES}),
                         Box("c", "context", "context", "c_i", {"shape": ("B", "2d_h")}),
                         Box("s", "hidden-state", "decoder", "s_i", {"shape": STATE}),
                         Box("y", "output", "output", "y_i", {"shape": PROBABILITIES})),
                        ("x>e", "e>a", "sp>a", "a>c", "e>c", "c>s", "sp>s:recurrent", "s>y"), (("e", "sp"),)),
    "luong": Compact((Box("x", "token", "token", "x_1 … x_T", {"shape": SOURCE}),
                      Box("e", "hidden-state", "encoder", "h̄_s", {"shape": ("B", "S", "d_h")}),
                      Box("h", "hidden-state", "decoder", "h_t", {"shape": STATE}),
                      Box("a", "attention-weights", "attention-weights", "a_t", {"shape": SCORES}),
                      Box("c", "context", "context", "c_t", {"shape": STATE}),
                      Box("ht", "hidden-state", "attentional-hidden-state", "h̃_t", {"shape": STATE}),
                      Box("y", "output", "output", "y_t", {"shape": PROBABILITIES})),
                     ("x>e", "e>a", "h>a", "a>c", "e>c", "c>ht", "h>ht", "ht>y"), (("e", "h"),)),
    "transformer": Compact(_stack(6), _ENCODER_DECODER, _SIDE_BY_SIDE),
    "pre-ln": Compact(_stack(6, "pre-LN"), _ENCODER_DECODER, _SIDE_BY_SIDE),
    "encoder-only": Compact((Box("i", "input", "input", "", {"shape": ("B", "T")}),
                             Box("e", "embedding", "embedding", "+ seg + pos", {"width": "d"}),
                             Box("l", "encoder-layer", "encoder-layer", "12×", {"repeat": 12}),
                             Box("h", "linear", "mlm-head", "", {"width": "V"}), Box("y", "output", "output")),
                            _ONE_STACK),
    "decoder-only": Compact((Box("i", "input", "input", "", {"shape": ("B", "T")}),
                             Box("e", "embedding", "embedding", "+ pos", {"width": "d"}),
                             Box("l", "decoder-layer", "decoder-layer", "12×", {"repeat": 12, "mask": "causal"}),
                             Box("h", "linear", "linear", "", {"width": "V"}),
                             Box("y", "output", "output-probabilities")), _ONE_STACK),
    "mamba": Compact((Box("x", "input", "input", "x", {"shape": ("B", "T", "d")}), Box("n", "layer-norm", "rmsnorm"),
                      Box("ip", "linear", "in-proj", "", {"parts": {"conv": "Ed", "gate": "Ed"}}),
                      Box("conv", "conv1d", "conv1d"),
                      Box("act", "activation", "activation.silu", "", {"fn": "silu", "branch": "main"}),
                      Box("s", "ssm", "ssm.selective", "S6", {"selective": True}),
                      Box("gate", "activation", "activation.silu", "", {"fn": "silu", "branch": "gate"}),
                      Box("m", "elementwise-multiply", "elementwise-multiply"),
                      Box("op", "linear", "out-proj", "", {"width": "d"}),
                      Box("a", "elementwise-add", "elementwise-add"), Box("y", "output", "output", "x_{l+1}")),
                     ("x>n", "n>ip", "ip>conv", "conv>act", "act>s", "ip>gate", "s>m", "gate>m", "m>op", "op>a",
                      "x>a:residual", "a>y"), (("act", "gate"),)),
}
"""Registry architecture → its compact panel (the architecture's own block draws it in full)."""

PARAMS = {
    "archs": ListParam(("rnn", "lstm", "transformer"), "architectures to show side by side", tuple(COMPACT), 2, 4,
                       aliases=ARCH_ALIASES),
}


def _validate(spec: Spec) -> None:
    archs = spec["archs"]
    repeated = next((arch for i, arch in enumerate(archs) if arch in archs[:i]), None)
    if repeated:  # aliases are resolved by now: gpt and decoder-only are one architecture
        raise SpecError.at(Subtype.BAD_VALUE, f"`archs` names `{repeated}` twice", spec.location_of("archs"),
                           "name each architecture once: a comparison shows each in one panel")


def build(spec: Spec, registry: Registry) -> Graph:
    words = Words(registry, spec.lang)
    # Bottom → top like every single figure, so the panels stand side by side in the order written, on one
    # common scale (one graph, one font); two-word names break onto two lines to keep each panel narrow.
    g = new_graph(spec, "BT")
    g.wrap, g.nodesep = WRAP, NODESEP
    names = []
    for arch in spec["archs"]:
        _panel(g, COMPACT[arch], arch, words)
        g.group(arch, words.short(arch), [f"{arch}__{box.id}" for box in COMPACT[arch].boxes], "panel",
                arch=arch)
        names.append(words.short(arch))
    title = words("phrase.compare-title", archs=words.join(names))
    return finish(g, spec, title, words("phrase.compare-desc", archs=words.join(names)))


def _panel(g: Graph, form: Compact, prefix: str, words: Words) -> None:
    def pid(box_id: str) -> str:
        return f"{prefix}__{box_id}"

    for box in form.boxes:
        attrs = dict(box.attrs)
        if "parts" in attrs:  # a projection's parts are named by their consumers, which the panel prefixes
            attrs["parts"] = {pid(consumer): width for consumer, width in attrs["parts"].items()}
        g.add(pid(box.id), box.role, words(box.word), box.math, **attrs, panel=prefix)
    boxes = {box.id: box for box in form.boxes}
    beside = {(a, b) for row in form.rows for a in row for b in row}
    labelled: set[str] = set()
    for edge in form.edges:
        ends, _, role = edge.partition(":")
        src, dst = ends.split(">")
        # shapes=true in a panel a third of a column wide: a box's one output tensor is labelled on its first
        # edge only (unless in_proj cuts it into parts), and a state carried in beside the state it becomes is
        # not labelled (the same shape, said on that state's own edge)
        quiet = (src in labelled and "parts" not in boxes[src].attrs) or (role == "recurrent" and (src, dst) in beside)
        labelled.add(src)
        # K, V crosses between the two stacks standing close together: its label is given room of its own
        attrs = {"quiet_shape": True} if quiet else {"label_beside": False} if role == "cross" else {}
        g.link(pid(src), pid(dst), role or "data", "K, V" if role == "cross" else "", **attrs)
    g.rows += [[pid(i) for i in row] for row in form.rows]
    g.above += [(pid(a), pid(b)) for a, b in form.above]


SUBJECT = Subject(
    name="compare",
    help="side-by-side panels of 2–4 architectures",
    own_params=PARAMS,
    build=build,
    validate=_validate,
    examples=(
        "compare",
        "compare archs=rnn,lstm,gru",
        "compare archs=encoder-only,decoder-only,transformer",
        "compare archs=transformer,mamba",
        "compare archs=rnn,transformer,mamba",
        "compare shapes=true",
        "compare archs=rnn,transformer,mamba shapes=true d_model=512 hidden=256",
    ),
)
