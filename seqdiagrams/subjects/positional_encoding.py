"""The sinusoidal positional encoding, computed and plotted (REFERENCE.md §3.4, Vaswani et al. §3.5).

``PE(pos, 2i) = sin(pos / 10000^(2i/d_model))`` and ``PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model))``
(``pe.even``, ``pe.odd``), for positions 0 … length − 1: a heatmap over positions × dimensions (the
paper's interleaved order: sine on even, cosine on odd dimensions) and four even dimensions, from
fast to slow, as curves. Dimension 2i has wavelength 2π·10000^(2i/d_model), a geometric progression
from 2π to 10000·2π. The values are exact formula values (rounded in JSON), so the plot is the same
on every machine; :func:`encoding` is also the position signal of the ``attention-weights`` example.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.models import PlotModel
from seqdiagrams.params import IntParam
from seqdiagrams.rendering.serialize import render_model
from seqdiagrams.subjects import Subject
from seqdiagrams.subjects._common import Words

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

PARAMS = {
    "d_model": IntParam(64, "model width d_model (even): number of dimensions plotted", 4, 512),
    "length": IntParam(64, "number of positions plotted (0 … length − 1)", 2, 256),
}
FORMATS = ("svg", "png", "html", "json")
BASE = 10000.0
"""The paper's base of the wavelength progression."""
DIGITS = 4
"""Decimals kept in the JSON series (machine-independent golden files)."""


def _validate(spec: Spec) -> None:
    if spec["d_model"] % 2:
        raise SpecError.at(Subtype.BAD_VALUE, f"`d_model` must be even (sin and cos pairs), got {spec['d_model']}",
                           spec.location_of("d_model"), f"use {spec['d_model'] - 1} or {spec['d_model'] + 1}")


def encoding(length: int, d_model: int) -> list[list[float]]:
    """``PE[pos][dim]`` for pos < length, dim < d_model (d_model even): sin on even, cos on odd dimensions."""
    rows = []
    for pos in range(length):
        row = []
        for i in range(d_model // 2):
            angle = pos / BASE ** (2 * i / d_model)
            row += [math.sin(angle), math.cos(angle)]
        rows.append(row)
    return rows


def wavelength(dim: int, d_model: int) -> float:
    """Period, in positions, of dimension ``dim`` (2i or 2i + 1): 2π·10000^(2i/d_model)."""
    return 2 * math.pi * BASE ** (2 * (dim // 2) / d_model)


def curve_dims(d_model: int) -> list[int]:
    """Four even (sine) dimensions, from the fastest to slow ones: 0, d/4, d/2, 3d/4 (rounded down to even)."""
    return sorted({2 * (k * d_model // 8) for k in range(4)})


def _length_text(value: float) -> str:
    return f"{value:.1f}" if value < 1000 else f"{value:.0f}"  # no thousands separator: the list is comma separated


def data(spec: Spec, words: Words, registry: Registry) -> dict[str, Any]:
    d_model, length = spec["d_model"], spec["length"]
    curves = [{"dimension": dim, "i": dim // 2, "function": "sin",
               "wavelength": round(wavelength(dim, d_model), DIGITS)} for dim in curve_dims(d_model)]
    return {
        "subject": "positional-encoding",
        "d_model": d_model,
        "length": length,
        "formula": {"even": "sin(pos / 10000^(2i / d_model))", "odd": "cos(pos / 10000^(2i / d_model))"},
        "equations": ["pe.even", "pe.odd"],
        "sources": list(registry.arch("transformer").sources),
        "curves": curves,
        "values": [[round(v, DIGITS) + 0.0 for v in row] for row in encoding(length, d_model)],
    }


def plot_of(spec: Spec, registry: Registry) -> PlotModel:
    """The plot's data (its JSON output) with the words :mod:`.rendering.positional_encoding_plot` draws it with."""
    words = Words(registry, spec.lang)
    payload = data(spec, words, registry)
    d_model, length = payload["d_model"], payload["length"]
    title = spec["title"] or words("phrase.pe-title", length=length, d_model=d_model)
    caption = spec["caption"] or words("phrase.pe-caption")
    dims = words.join([str(c["dimension"]) for c in payload["curves"]])
    lengths = words.join([_length_text(c["wavelength"]) for c in payload["curves"]])
    desc = words("phrase.pe-desc", last=length - 1, d_model=d_model, dims=dims, wavelengths=lengths)
    payload = {**payload, "title": title, "caption": caption, "labels": {
        "x": words("phrase.pe-x"),
        "dimension": words("phrase.pe-dimension"),
        "value": words("phrase.pe-value"),
        "positive": words("phrase.pe-positive"),
        "negative": words("phrase.pe-negative"),
        "model": words("phrase.pe-model", d_model=d_model),
        "curves": [words("phrase.pe-curve", dim=c["dimension"], i=c["i"], wavelength=_length_text(c["wavelength"]))
                   for c in payload["curves"]],
    }}
    return PlotModel("positional-encoding", payload, title, desc, caption, spec["theme"])




SUBJECT = Subject(
    name="positional-encoding",
    help="plot of the sinusoidal positional encoding: heatmap over positions × dimensions, and curves",
    own_params=PARAMS,
    render=render_model(plot_of),
    formats=FORMATS,
    golden="json",
    validate=_validate,
    examples=(
        "positional-encoding",
        "positional-encoding d_model=16 length=32",
    ),
)
