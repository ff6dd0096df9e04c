"""Every combination of the layout-heavy recurrent parameters lays out (Graphviz aborts the process on
some internal assertion failures, so a crash here would take the whole build down with it)."""

from __future__ import annotations

import itertools

import pytest

from seqdiagrams.rendering import render_spec
from seqdiagrams.spec import parse

RNN = [f"rnn unroll={u} layers={layers} bidirectional={b} outputs={o}"
       for u, layers, b, o in itertools.product(range(2, 17), range(1, 5), ("true", "false"), ("all", "last"))]
GATED = [f"{cell} view=unrolled unroll={u}" for cell in ("lstm", "gru") for u in range(1, 17)]


@pytest.mark.parametrize("block", RNN + GATED)
def test_lays_out(block: str, registry) -> None:
    svg = str(render_spec(parse(block), "svg", registry))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
