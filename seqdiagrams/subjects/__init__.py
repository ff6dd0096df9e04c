"""Subjects: one module per thing a block can draw, each exporting ``SUBJECT``.

A subject declares its parameters (typed, bounded), optional cross-field checks, and
the example blocks that cover its variants (used by the gallery, the docs and the
tests). Diagram subjects give a ``build`` from :class:`~seqdiagrams.spec.Spec` to IR
and share the Graphviz pipeline; other kinds (tables, timelines, plots, formula
sections) give a ``render`` that returns an :class:`Output` per format, and the
pipeline wraps their HTML in the same figure. No subject knows about MkDocs or Sphinx.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

from seqdiagrams.types import GRAPH_FORMATS, Output, Subject, TextTable

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["GRAPH_FORMATS", "SUBJECT_MODULES", "Output", "Subject", "TextTable", "catalog", "get_subject",
           "module_of", "subject_names"]

SUBJECT_MODULES = ("rnn", "lstm", "gru", "seq2seq", "attention", "mha", "transformer", "mamba", "compare", "table",
                   "timeline", "formulas", "complexity", "positional-encoding", "attention-weights")
"""Subjects, in the order ``seqdiagrams list subjects`` shows them; each is a module (see :func:`module_of`)."""


def module_of(name: str) -> str:
    """The module of subject ``name``: ``positional-encoding`` → ``seqdiagrams.subjects.positional_encoding``."""
    return f"seqdiagrams.subjects.{name.replace('-', '_')}"


def subject_names() -> tuple[str, ...]:
    """Every subject's name, read when asked (so a test or a host adding a subject is seen by the parser)."""
    return SUBJECT_MODULES


@cache
def get_subject(name: str) -> Subject:
    """The subject called ``name`` (its module is imported on first use only)."""
    if name not in SUBJECT_MODULES:
        raise KeyError(name)
    subject: Subject = importlib.import_module(module_of(name)).SUBJECT
    return subject


def catalog() -> Mapping[str, Subject]:
    """Every subject by name, for listings and the gallery."""
    return {name: get_subject(name) for name in SUBJECT_MODULES}
