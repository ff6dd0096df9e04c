"""The parameters of the block language: the keys every subject shares, and how a subject's keys are merged.

Subjects declare their own keys with the kinds of :mod:`seqdiagrams.param_types` (re-exported here, so
``from seqdiagrams.params import IntParam`` keeps working); the keys every block accepts, the step keys of
every diagram and the architecture aliases are declared once, here.
"""

from __future__ import annotations

from seqdiagrams.param_types import (
    LANGS,
    MAX_LIST,
    MAX_TEXT,
    BilingualParam,
    BoolParam,
    ChoiceParam,
    IntParam,
    ListParam,
    NameParam,
    NumberParam,
    Param,
    RawEntry,
    RawMapping,
    Record,
    RecordListParam,
    StepsParam,
    TextParam,
    unalias,
)

__all__ = ["ARCH_ALIASES", "COMMON_PARAMS", "LANGS", "MAX_LIST", "MAX_TEXT", "STEP_PARAMS", "BilingualParam",
           "BoolParam", "ChoiceParam", "IntParam", "ListParam", "NameParam", "NumberParam", "Param", "RawEntry",
           "RawMapping", "Record", "RecordListParam", "StepsParam", "TextParam", "merged", "unalias"]

ARCH_ALIASES: tuple[tuple[str, str], ...] = (("gpt", "decoder-only"), ("bert", "encoder-only"), ("t5", "transformer"))
"""Names readers know the Transformer variants by → registry architecture ids (``archs=gpt,bert``).

They are spellings of the block language (like ``yes`` for ``true``), mapped when a block is parsed, so a
figure, its cache entry and its ids are the same whichever name a block used. The tests hold each
target to the registry and keep aliases from shadowing a registry id.
"""

COMMON_PARAMS: dict[str, Param] = {
    "lang": ChoiceParam("en", "language of labels, caption and alt text", LANGS),
    "caption": TextParam("", "caption shown under the figure (default: generated)"),
    "title": TextParam("", "title used for the figure's accessible name (default: generated)"),
    "direction": ChoiceParam("", "layout direction (default: the subject's own)", ("", "LR", "TB", "BT", "RL")),
    "theme": ChoiceParam("auto", "follow the site's light/dark scheme, or force one", ("auto", "light", "dark")),
    "highlight": ListParam((), "IR roles or node ids to emphasise"),
    "id": TextParam("", "anchor id of the figure", 64),
}
"""Keys every subject accepts (DESIGN.md §1, common keys)."""


STEP_PARAMS: dict[str, Param] = {
    "steps": StepsParam(False, "reveal the figure one operation at a time on the page: true (data-flow order) "
                               "or an explicit list of steps"),
    "animate": BoolParam(False, "the SVG plays its steps in a loop by itself (CSS, no script)"),
    "step_seconds": NumberParam(1.5, "seconds each step of an animated figure is shown", 0.5, 10.0),
}
"""Keys of every diagram (issue 15). At their defaults they are left out of a spec's identity
(:meth:`~seqdiagrams.spec.Spec.canonical`): a figure that asks for no steps keeps its ids and cache entries."""


def merged(own: dict[str, Param], diagram: bool = False) -> dict[str, Param]:
    """A subject's own keys plus the common ones (own keys win), and the step keys for a ``diagram``."""
    return {**COMMON_PARAMS, **(STEP_PARAMS if diagram else {}), **own}
