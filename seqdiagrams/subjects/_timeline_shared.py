"""What the three styles of ``timeline`` share: the frame of a drawing, the block's filters, joined sentences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype, did_you_mean
from seqdiagrams.models import Frame

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec
    from seqdiagrams.subjects._common import Words

DIRECTIONS = {"timeline": {"": "LR", "LR": "LR", "TB": "TD"},
              "graph": {"": "TB", "TB": "TB", "LR": "LR", "BT": "BT", "RL": "RL"},
              "table": {"": ""}}
"""Mermaid direction per ``direction`` value: a timeline runs left to right (years side by side, drawn at full
size and scrolled) or top down; the graph runs top down unless told otherwise."""


def frame(spec: Spec, kind: str, title: str, caption: str) -> Frame:
    """The frame of a drawing of ``spec``: ``theme`` is the block's pinned scheme, else ``auto``."""
    theme = spec["theme"] if spec["theme"] in ("light", "dark") else "auto"
    return Frame(kind, title, caption, spec.lang, theme)


def sentence(words: Words, *parts: str) -> str:
    """Sentences joined the way the language joins them."""
    if words.lang == "zh":
        return "".join(part.rstrip("。.") + "。" for part in parts[:-1]) + parts[-1]
    return " ".join(part.rstrip(".") + "." for part in parts[:-1]) + " " + parts[-1]


def graph_mode(spec: Spec) -> str:
    """``registry``, ``own`` or ``both``: an unset ``graph`` is the block's own graph when it gives one."""
    if spec["graph"]:
        return str(spec["graph"])
    return "own" if spec["nodes"] or spec["edges"] else "registry"


def known_archs(spec: Spec, registry: Registry) -> frozenset[str]:
    """The block's ``archs``, each a registry architecture (else a located error with a suggestion)."""
    valid = registry.data.archs
    for item in spec["archs"]:
        if item not in valid:
            hint = did_you_mean(item, tuple(valid)) or "`seqdiagrams list archs` shows them all"
            raise SpecError.at(Subtype.BAD_VALUE, f"unknown architecture `{item}` in `archs`",
                               spec.location_of("archs"), hint)
    return frozenset(spec["archs"])


def filters(spec: Spec) -> list[str]:
    """The block's filters in words: ``archs=…`` (when given), then the years and which dates they are."""
    parts = [f"archs={','.join(spec['archs'])}"] if spec["archs"] else []
    dates = "venue" if spec["dates"] == "venue" else "first-appearance"
    return [*parts, f"{dates} years {spec['from']}–{spec['to']}"]
