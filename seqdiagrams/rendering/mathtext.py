"""Registry text with ``$…$`` math: cut into pieces, typeset by KaTeX at build time, checked where it is rendered.

Our own output never relies on a math renderer of the page (a site may have none, or one that a theme loads
from a CDN), so every formula of a table, formula section or caption is typeset here, in one engine call per
figure, behind the KaTeX caches of :mod:`seqdiagrams.rendering.katex`. This is also where a formula is
*checked*: registry validation stays pure, and LaTeX that KaTeX refuses (a bad overlay) is found when a figure
shows it, as a :class:`MathError` naming what the formula belongs to and the registry entry that holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.rendering.katex import KatexError, render_many

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from seqdiagrams.errors import Location
    from seqdiagrams.registry import Registry

MATH = re.compile(r"(?<!\\)\$([^$]+?)(?<!\\)\$")
"""Inline math in registry text: ``$…$`` (an escaped ``\\$`` is a dollar sign)."""

Typeset = dict[tuple[bool, str], str]
"""KaTeX HTML by ``(display, latex)``."""


def split_math(text: str) -> list[tuple[bool, str]]:
    """Registry text cut into ``(is_math, part)`` pieces at ``$…$`` (dollar signs dropped from math parts)."""
    parts: list[tuple[bool, str]] = []
    pos = 0
    for match in MATH.finditer(text):
        parts += [(False, text[pos:match.start()]), (True, match.group(1))]
        pos = match.end()
    parts.append((False, text[pos:]))
    return [(is_math, part) for is_math, part in parts if part or is_math]


@dataclass(frozen=True)
class Owner:
    """What a formula belongs to (``equation `lstm.cell```), and the registry entry that holds its LaTeX.

    ``entry`` is a path into the merged registry (``("symbols", "h_t", "latex")``); with it a formula KaTeX
    refuses is an error in the registry file that writes it, without it an error at the block."""

    what: str
    entry: tuple[str | int, ...] | None = None


class MathError(ValueError):
    """A formula KaTeX cannot typeset: its owner and KaTeX's message (located by :meth:`located`)."""

    def __init__(self, owner: Owner, message: str) -> None:
        super().__init__(f"{owner.what}: {message}")
        self.owner = owner
        self.message = message

    def located(self, block: Location, hint: str, registry: Registry | None = None) -> SpecError:
        """The error a reader sees: at the ``registry`` entry when the owner names one, else at the block."""
        if self.owner.entry is None or registry is None:
            return SpecError.at(Subtype.RENDER, f"KaTeX cannot typeset {self.owner.what}: {self.message}", block,
                                hint)
        where = ".".join(str(part) for part in self.owner.entry)
        return SpecError.at(Subtype.REGISTRY, f"registry entry `{where}`: {self.owner.what}: KaTeX cannot typeset "
                            f"this LaTeX: {self.message}", registry.locate(self.owner.entry),
                            "fix its LaTeX in the registry overlay that defines it")


def typeset(owners: Mapping[tuple[bool, str], Owner], block: Location) -> Typeset:
    """Every ``(display, latex)`` of ``owners`` as KaTeX HTML, in one engine call (cached by formula).

    Raises :class:`MathError` for the first formula KaTeX refuses, and a ``missing`` :class:`SpecError` at
    ``block`` when this installation has no engine."""
    keys = list(owners)
    try:
        results = render_many([(latex, display) for display, latex in keys])
    except SpecError as exc:  # no engine in this installation
        d = exc.diagnostic
        raise SpecError.at(d.subtype, d.message, block, d.hint) from None
    out: Typeset = {}
    for key, result in zip(keys, results, strict=True):
        if isinstance(result, KatexError):
            raise MathError(owners[key], str(result))
        out[key] = result
    return out


def inline_math(texts: Iterable[tuple[str, Owner]]) -> dict[tuple[bool, str], Owner]:
    """The ``$…$`` formulas of each ``(text, owner)``, owned by the first text that holds one."""
    owners: dict[tuple[bool, str], Owner] = {}
    for text, owner in texts:
        for part in MATH.findall(text):
            owners.setdefault((False, part), owner)
    return owners
