"""Subjects: one module per thing a block can draw, each exporting ``SUBJECT``.

A subject declares its parameters (typed, bounded), optional cross-field checks,
a builder from :class:`~seqdiagrams.spec.Spec` to IR, and the example blocks that
cover its variants (used by the gallery, the docs and the structural tests). It
knows nothing about DOT, MkDocs or Sphinx.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from seqdiagrams.params import Param, merged

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from seqdiagrams.ir import Graph
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

SUBJECT_MODULES = ("rnn", "lstm", "gru", "seq2seq", "attention", "mha", "transformer", "mamba", "compare")
"""Modules under ``seqdiagrams.subjects``, in the order ``seqdiagrams list subjects`` shows them."""


def _no_check(spec: Spec) -> None:
    """Subjects without cross-field rules accept every combination of valid values."""


@dataclass(frozen=True)
class Subject:
    """What a block subject accepts and how it becomes a graph."""

    name: str
    help: str
    own_params: Mapping[str, Param]
    build: Callable[[Spec, Registry], Graph]
    examples: tuple[str, ...]
    validate: Callable[[Spec], None] = _no_check
    params: Mapping[str, Param] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", merged(dict(self.own_params)))

    def check(self, spec: Spec) -> None:
        """Cross-field rules (e.g. ``expand=true`` needs few layers); raises a located SpecError."""
        self.validate(spec)


@cache
def get_subject(name: str) -> Subject:
    """The subject called ``name`` (its module is imported on first use only)."""
    if name not in SUBJECT_MODULES:
        raise KeyError(name)
    subject: Subject = importlib.import_module(f"seqdiagrams.subjects.{name}").SUBJECT
    return subject


def catalog() -> Mapping[str, Subject]:
    """Every subject by name, for listings and the gallery."""
    return {name: get_subject(name) for name in SUBJECT_MODULES}
