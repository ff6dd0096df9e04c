"""Python-Markdown extension: ``markdown.Markdown(extensions=["seqdiagrams"])``.

A preprocessor finds seqarch fences itself (pymdownx.superfences does not accept unquoted
``key=value`` info strings) using the shared scanner, renders each block and stores the
HTML in the HTML stash, so later extensions cannot mangle it. Its priority, 28, puts it
after snippets (32) and whitespace normalisation (30), so included files are seen and
line endings are already ``\\n``, and before fenced code and superfences (25).

Output is self-contained (styles and alt text live inside each figure), so the extension
works in any Python-Markdown host. The MkDocs plugin injects this same extension and
only sets the page context (path, line offset) and the reporting hook.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from markdown import Extension
from markdown.preprocessors import Preprocessor

from seqdiagrams.errors import Diagnostic, SpecError
from seqdiagrams.options import SiteOptions

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown import Markdown

    from seqdiagrams.registry import Registry
    from seqdiagrams.rendering.cache import DiskCache
    from seqdiagrams.scan import Block

log = logging.getLogger("seqdiagrams")

PRIORITY = 28


@dataclass
class PageContext:
    """Where the text being converted comes from, so diagnostics point into the user's file."""

    path: str | None = None
    line_offset: int = 0


@dataclass
class Stats:
    """Per-converter counters; hosts print a summary from them."""

    blocks: int = 0
    errors: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)


class SeqarchExtension(Extension):
    """Renders seqarch blocks; configure with the :class:`~seqdiagrams.options.SiteOptions` keys."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = SiteOptions.markdown_config()
        super().__init__(**kwargs)
        self.options = SiteOptions.from_mapping(self.getConfigs())
        self.page = PageContext()
        self.stats = Stats()
        self.cache: DiskCache | None = None
        self.report: Callable[[Diagnostic], None] = _log_warning
        self.inline_styles = True
        """False when the host links the diagram stylesheet once per page (the MkDocs plugin does)."""

    @cached_property
    def registry(self) -> Registry:
        from seqdiagrams.registry import Registry

        return Registry.load(self.options.registry)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        # after snippets (32) and normalize_whitespace (30), before fenced_code/superfences (25)
        md.preprocessors.register(SeqarchPreprocessor(md, self), "seqarch", PRIORITY)

    def render_block(self, block: Block, ordinal: int) -> str:
        """HTML for one block, or a visible error box (and a report) when it is invalid."""
        from seqdiagrams.rendering import render_spec
        from seqdiagrams.rendering.cache import DiskCache
        from seqdiagrams.rendering.html import error_box
        from seqdiagrams.spec import parse_parts, with_default_lang, with_theme

        self.stats.blocks += 1
        if self.cache is None:
            self.cache = DiskCache()
        try:
            spec = parse_parts(block.info, block.body, block.info_loc, block.body_loc)
            spec = with_theme(with_default_lang(spec, self.options.lang), self.options.theme)
            return str(render_spec(spec, "html", self.registry, ordinal, self.cache, self.inline_styles))
        except SpecError as exc:
            if self.options.strict:
                raise
            self.stats.errors += 1
            self.stats.diagnostics.append(exc.diagnostic)
            self.report(exc.diagnostic)
            d = exc.diagnostic
            source = "seqarch " + block.info.strip() + ("\n" + block.body if block.body.strip() else "")
            return error_box(d.message, str(d.loc), d.hint, source)


class SeqarchPreprocessor(Preprocessor):
    """Replaces each seqarch block's lines by one stashed HTML placeholder."""

    def __init__(self, md: Markdown, extension: SeqarchExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        from seqdiagrams.scan import scan_markdown

        page = self.extension.page
        blocks = scan_markdown("\n".join(lines), page.path, page.line_offset)
        if not blocks:
            return lines
        out: list[str] = []
        cursor = 0
        for ordinal, block in enumerate(blocks):
            html = self.extension.render_block(block, ordinal)
            out += lines[cursor:block.start]
            out += ["", block.indent + self.md.htmlStash.store(html), ""]
            cursor = block.end
        out += lines[cursor:]
        return out


def _log_warning(diagnostic: Diagnostic) -> None:
    log.warning("seqdiagrams: %s", diagnostic.format())


def makeExtension(**kwargs: Any) -> SeqarchExtension:
    """Factory used by ``extensions=["seqdiagrams.markdown_ext"]``."""
    return SeqarchExtension(**kwargs)
