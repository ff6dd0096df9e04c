"""Cost against sequence length, as a plot (DESIGN.md §1 ``complexity``; REFERENCE.md §4.2, §3.3, §2.14).

``measure=time``: training compute per layer (REFERENCE §4.2 ``train-compute``), as leading-term
multiply–add counts of one forward pass, derived from the cited definitions (status F(d)); the
weight-matrix term of each architecture is its §4.2 parameter count times n, so LSTM ≈ 4× and
GRU ≈ 3× the Elman RNN, as in the table:

- RNN 2nd², LSTM 8nd², GRU 6nd² — O(n·d²), linear in n;
- Transformer layer 2n²d (QKᵀ and the weighted sum of V) + 12nd² (Q/K/V/output projections and
  the FFN with d_ff = 4d) — O(n²·d + n·d²), quadratic once n > 6d;
- Mamba 6nd² (in_proj and out_proj, E = 2) + 3nEdN (scan update and readout) — O(n·d·N + n·d²).

``measure=memory``: inference state per layer and sequence (``inference-memory``), in stored values:
RNN d, LSTM 2d (h and c), GRU d — fixed; Transformer KV cache 2·n·d (§3.3), growing linearly
(mistake 16); Mamba E·d·(N + k), the SSM state plus the conv buffer (§2.14 Shapes) — fixed.
These are counts, not measurements, and the plot says so in its caption and alt text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.models import PlotModel
from seqdiagrams.params import ARCH_ALIASES, ChoiceParam, IntParam, ListParam
from seqdiagrams.rendering.plot import scientific
from seqdiagrams.rendering.serialize import render_model
from seqdiagrams.subjects import Subject
from seqdiagrams.subjects._common import Words
from seqdiagrams.subjects.mamba import CONV_KERNEL

if TYPE_CHECKING:
    from collections.abc import Callable

    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

ARCHS = ("rnn", "lstm", "gru", "transformer", "mamba")
FORMATS = ("svg", "png", "html", "json")
STATE_SIZE = 16
"""Mamba's N (``d_state``) in the reference code."""
EXPANSION = 2
"""Mamba's E."""
SMALLEST_N = 16
"""First sequence length plotted; points double up to ``n``."""

PARAMS = {
    "archs": ListParam(("rnn", "transformer", "mamba"), "architectures to plot", ARCHS, 1, len(ARCHS),
                       aliases=ARCH_ALIASES),
    "measure": ChoiceParam("time", "training compute per layer, or inference memory (state) per layer",
                           ("time", "memory")),
    "n": IntParam(8192, "largest sequence (context) length plotted", 256, 1 << 20),
    "d": IntParam(512, "model width d", 16, 16384),
}

DIMENSION = {"time": "train-compute", "memory": "inference-memory"}
"""The registry dimension (REFERENCE §4.2 row) each measure plots; its label, status and sources are used."""
def _validate(spec: Spec) -> None:
    archs = spec["archs"]
    seen: set[str] = set()
    for arch in archs:
        if arch in seen:
            raise SpecError.at(Subtype.BAD_VALUE, f"`archs` lists `{arch}` twice", spec.location_of("archs"),
                               "name each architecture once")
        seen.add(arch)


# -- the counts (exact integers) -------------------------------------------------------------------------


def _time(arch: str, n: int, d: int) -> int:
    e, big_n = EXPANSION, STATE_SIZE
    return {
        "rnn": 2 * n * d * d,
        "lstm": 8 * n * d * d,
        "gru": 6 * n * d * d,
        "transformer": 2 * n * n * d + 12 * n * d * d,
        "mamba": 3 * e * n * d * d + 3 * n * e * d * big_n,
    }[arch]


def _memory(arch: str, n: int, d: int) -> int:
    return {
        "rnn": d,
        "lstm": 2 * d,
        "gru": d,
        "transformer": 2 * n * d,
        "mamba": EXPANSION * d * (STATE_SIZE + CONV_KERNEL),
    }[arch]


FORMULA = {
    "time": {"rnn": "2nd²", "lstm": "8nd²", "gru": "6nd²", "transformer": "2n²d + 12nd²",
             "mamba": "6nd² + 3nEdN"},
    "memory": {"rnn": "d", "lstm": "2d", "gru": "d", "transformer": "2nd", "mamba": "Ed(N + k)"},
}
"""What each count is (n length, d width, E expansion, N state size, k conv kernel), as printed in the legend."""
GROWTH = {
    "time": {"rnn": "linear", "lstm": "linear", "gru": "linear", "transformer": "quadratic", "mamba": "linear"},
    "memory": {"rnn": "constant", "lstm": "constant", "gru": "constant", "transformer": "linear",
               "mamba": "constant"},
}


def lengths(largest: int) -> list[int]:
    """Sequence lengths plotted: powers of two from 16, and ``largest`` itself."""
    out, n = [], SMALLEST_N
    while n < largest:
        out.append(n)
        n *= 2
    return [*out, largest]


def data(spec: Spec, words: Words, registry: Registry) -> dict[str, Any]:
    measure, d = spec["measure"], spec["d"]
    count: Callable[[str, int, int], int] = _time if measure == "time" else _memory
    ns = lengths(spec["n"])
    dim = registry.dims()[DIMENSION[measure]]
    series = [{"arch": arch, "name": words.short(arch), "formula": FORMULA[measure][arch],
               "growth": GROWTH[measure][arch], "values": [count(arch, n, d) for n in ns]}
              for arch in spec["archs"]]
    return {
        "subject": "complexity",
        "measure": measure,
        "dimension": DIMENSION[measure],
        "quantity": dim.label.get(spec.lang),
        "unit": words(f"phrase.complexity-unit-{measure}"),
        "status": "F(d)",
        "sources": list(dim.sources),
        "constants": {"d": d, "N": STATE_SIZE, "E": EXPANSION, "k": CONV_KERNEL},
        "n": ns,
        "series": series,
    }


# -- the plot as data ------------------------------------------------------------------------------------


def plot_of(spec: Spec, registry: Registry) -> PlotModel:
    """The plot's data (its JSON output) with the words it is drawn with (:mod:`.rendering.complexity_plot`)."""
    words = Words(registry, spec.lang)
    payload = data(spec, words, registry)
    measure = payload["measure"]
    names = words.join([s["name"] for s in payload["series"]])
    title = spec["title"] or words(f"phrase.complexity-title-{measure}", archs=names)
    used = ["d"]
    if "mamba" in spec["archs"]:
        used += ["N", "E", "k"] if measure == "memory" else ["N", "E"]
    constants = words.join([f"{key} = {payload['constants'][key]}" for key in used])
    caption = words("phrase.complexity-caption", constants=constants,
                    sources=" ".join(f"[{s}]" for s in payload["sources"]))
    largest = payload["n"][-1]
    parts = [words(f"phrase.complexity-growth-{s['growth']}", name=s["name"], formula=s["formula"],
                   value=scientific(s["values"][-1]), n=largest) for s in payload["series"]]
    desc = " ".join([words(f"phrase.complexity-desc-{measure}", quantity=payload["quantity"], unit=payload["unit"],
                           smallest=SMALLEST_N, n=largest, d=payload["constants"]["d"]), *parts, caption])
    payload = {**payload, "title": title, "caption": caption, "labels": {
        "x": words(f"phrase.complexity-x-{measure}"),
        "y": words("phrase.complexity-y", quantity=payload["quantity"], unit=payload["unit"]),
        "note": words("phrase.complexity-note", constants=constants),
        "crossover": words("phrase.complexity-crossover"),
        "kv": words("phrase.complexity-kv-grows"),
        "fixed": words("phrase.complexity-fixed"),
    }}
    return PlotModel("complexity", payload, title, desc, caption, spec["theme"])


SUBJECT = Subject(
    name="complexity",
    help="plot of training compute or inference memory per layer against sequence length (asymptotic counts)",
    own_params=PARAMS,
    render=render_model(plot_of),
    formats=FORMATS,
    golden="json",
    validate=_validate,
    examples=(
        "complexity",
        "complexity measure=memory",
        "complexity archs=rnn,lstm,gru,transformer,mamba n=65536",
        "complexity archs=transformer,mamba measure=memory n=1048576 d=2048",
    ),
)
