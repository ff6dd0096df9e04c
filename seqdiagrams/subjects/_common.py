"""Helpers every subject uses: bilingual words from the registry and a graph pre-filled from a spec."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.ir import Graph
from seqdiagrams.rendering.katex import KatexError, render_many

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


MATH = re.compile(r"(?<!\\)\$([^$]+?)(?<!\\)\$")
"""Inline math in registry text: ``$…$`` (an escaped ``\\$`` is a dollar sign)."""


def split_math(text: str) -> list[tuple[bool, str]]:
    """Registry text cut into ``(is_math, part)`` pieces at ``$…$`` (dollar signs dropped from math parts)."""
    parts: list[tuple[bool, str]] = []
    pos = 0
    for match in MATH.finditer(text):
        parts += [(False, text[pos:match.start()]), (True, match.group(1))]
        pos = match.end()
    parts.append((False, text[pos:]))
    return [(is_math, part) for is_math, part in parts if part or is_math]


_CODE = re.compile(r"`([^`]+)`")
_EMPHASIS = re.compile(r"\*([^*\s][^*]*)\*")

Typeset = dict[tuple[bool, str], str]
"""KaTeX HTML by ``(display, latex)``."""


def typeset(owners: dict[tuple[bool, str], str], spec: Spec,
            hint: str = "fix its LaTeX in the registry overlay that defines it") -> Typeset:
    """Every ``(display, latex)`` of ``owners`` as KaTeX HTML, in one engine call, at build time.

    Our own output never relies on a math renderer of the page (a site may have none, or one that a
    theme loads from a CDN). ``owners`` names what each formula belongs to, for the error a formula
    KaTeX cannot typeset (bad LaTeX in a registry overlay) becomes, located at the block.
    """
    keys = list(owners)
    try:
        results = render_many([(latex, display) for display, latex in keys])
    except SpecError as exc:  # no engine in this installation
        d = exc.diagnostic
        raise SpecError.at(d.subtype, d.message, spec.loc, d.hint) from None
    out: Typeset = {}
    for key, result in zip(keys, results, strict=True):
        if isinstance(result, KatexError):
            raise SpecError.at(Subtype.RENDER, f"KaTeX cannot typeset {owners[key]}: {result}", spec.loc, hint)
        out[key] = result
    return out


def html_text(text: str, math: Typeset) -> str:
    """Registry text as HTML: escaped, ``$…$`` typeset (from ``math``), ``*emphasis*`` and ``code`` marked up."""
    out = []
    for is_math, part in split_math(text):
        if is_math and (False, part) in math:
            out.append(math[(False, part)])
        elif is_math:
            out.append(html.escape(f"${part}$", quote=False))
        else:
            escaped = html.escape(part, quote=False)
            out.append(_CODE.sub(r"<code>\1</code>", _EMPHASIS.sub(r"<em>\1</em>", escaped)))
    return "".join(out)


def is_web(url: str | None) -> bool:
    """Whether a source's URL can be shown as a link (http or https only)."""
    return bool(url) and str(url).startswith(("https://", "http://"))
