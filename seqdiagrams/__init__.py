"""seqdiagrams: build-time diagrams, tables and formulas of sequence-model architectures.

The public API is small and imported lazily, so ``import seqdiagrams`` (and a Markdown
site with no seqarch blocks) pays almost nothing; every ``import seqdiagrams.x`` runs this file
first, so it imports nothing but the errors at load time::

    import seqdiagrams
    svg = seqdiagrams.render("transformer variant=decoder-only layers=2", format="svg")
    spec = seqdiagrams.parse("rnn unroll=3")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seqdiagrams.errors import Diagnostic, Location, SpecError

if TYPE_CHECKING:
    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

__version__ = "0.1.0"
__all__ = ["Diagnostic", "Location", "Registry", "Spec", "SpecError", "__version__", "parse", "render"]


def parse(block: str, origin: Location | None = None) -> Spec:
    """Parse and validate a block (``"rnn unroll=3"``, optionally with a YAML body after a newline)."""
    from seqdiagrams.spec import parse as _parse

    return _parse(block, origin)


def render(block: str, format: str = "svg", lang: str | None = None,
           registry: Registry | None = None) -> str | bytes:
    """Render a block to ``svg``, ``html``, ``dot``, ``ir-json`` (text) or ``png`` (bytes).

    ``lang`` sets the language unless the block sets ``lang=`` itself.
    Raises :class:`SpecError` with a located diagnostic for invalid input.
    """
    from seqdiagrams.options import SiteOptions
    from seqdiagrams.rendering import FORMATS, Renderer

    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    options = SiteOptions(lang=lang) if lang else SiteOptions()
    return Renderer(options, registry).render_text(block, format)[0]  # type: ignore[arg-type]


def makeExtension(**kwargs: Any) -> Any:
    """``markdown.Markdown(extensions=["seqdiagrams"])`` support; imports Markdown only when used."""
    from seqdiagrams.markdown_ext import SeqarchExtension

    return SeqarchExtension(**kwargs)


def __getattr__(name: str) -> Any:
    if name in ("Registry",):
        from seqdiagrams.registry import Registry as _Registry

        return _Registry
    if name == "Spec":
        from seqdiagrams.spec import Spec as _Spec

        return _Spec
    raise AttributeError(name)
