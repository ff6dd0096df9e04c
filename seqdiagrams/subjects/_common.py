"""Helpers every subject uses: bilingual words from the registry and a graph pre-filled from a spec."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seqdiagrams.ir import Graph
from seqdiagrams.rendering import mathtext
from seqdiagrams.rendering.mathtext import MATH, MathError, Owner, Typeset, split_math

__all__ = ["MATH", "Typeset", "Words", "finish", "new_graph", "split_math", "typeset"]

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec


class Words:
    """Component labels and phrases in the block's language, all read from the registry."""

    def __init__(self, registry: Registry, lang: str) -> None:
        self.registry = registry
        self.lang = lang

    def __call__(self, key: str, **fields: Any) -> str:
        """``words("gate.forget")`` → "forget gate"; phrases may take ``{fields}``."""
        text = self.registry.label(key, self.lang)
        return text.format(**fields) if fields else text

    def arch(self, arch_id: str) -> str:
        """The full architecture name, e.g. "Long short-term memory"."""
        return self.registry.arch(arch_id).name.get(self.lang)

    def short(self, arch_id: str) -> str:
        """The short architecture name, e.g. "LSTM"."""
        return self.registry.arch(arch_id).short.get(self.lang)

    def join(self, parts: list[str]) -> str:
        """A list joined the way the language joins lists."""
        return ("、" if self.lang == "zh" else ", ").join(parts)


def new_graph(spec: Spec, direction: str) -> Graph:
    """An empty graph for ``spec``; a user's ``direction`` overrides the subject's default."""
    return Graph(spec.subject, dict(spec.params), direction=spec["direction"] or direction)


def finish(graph: Graph, spec: Spec, title: str, desc: str, caption: str = "") -> Graph:
    """Set accessible name, description and caption; user-given title/caption win."""
    graph.title = spec["title"] or title
    graph.desc = desc
    graph.caption = spec["caption"] or caption
    return graph


def typeset(owners: dict[tuple[bool, str], str], spec: Spec,
            hint: str = "fix its LaTeX in the registry overlay that defines it") -> Typeset:
    """Every ``(display, latex)`` of ``owners`` (what each belongs to) as KaTeX HTML, in one engine call; a
    formula KaTeX cannot typeset is an error located at the block."""
    try:
        return mathtext.typeset({key: Owner(what) for key, what in owners.items()}, spec.loc)
    except MathError as exc:
        raise exc.located(spec.loc, hint) from None
