r"""Python-Markdown extension: ``markdown.Markdown(extensions=["seqdiagrams"])``.

A preprocessor finds seqarch fences itself (pymdownx.superfences does not accept unquoted
``key=value`` info strings) using the shared scanner, renders each block and stores the
HTML in the HTML stash, so later extensions cannot mangle it. Its priority, 28, puts it
after snippets (32) and whitespace normalisation (30), so included files are seen and
line endings are already ``\n``, and before fenced code and superfences (25).

Output is self-contained (styles and alt text live inside each figure), so the extension
works in any Python-Markdown host. The MkDocs plugin injects this same extension and
only sets the page context (path, line offset) and the reporting hook.

With ``katex="page"`` the page's own math is typeset at build time too: a postprocessor
replaces ``pymdownx.arithmatex`` generic output (``<span class="arithmatex">\(…\)</span>``,
``<div class="arithmatex">\[…\]</div>``) with KaTeX HTML, and where arithmatex is not used an
inline pattern turns ``$…$`` and ``$$…$$`` into that same markup first. Code spans and blocks are
never touched (their text is escaped before the postprocessor sees the page). Formulas are
rendered in one engine call per page and cached on disk by content and KaTeX version; a formula
KaTeX rejects is reported at its line and shown as written, in KaTeX's error style.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from seqdiagrams.errors import Diagnostic, Location, SpecError, Subtype
from seqdiagrams.options import SiteOptions

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown import Markdown

    from seqdiagrams.registry import Registry
    from seqdiagrams.rendering.cache import DiskCache
    from seqdiagrams.scan import Block

log = logging.getLogger("seqdiagrams")

PRIORITY = 28
MATH_INLINE_PRIORITY = 185
"""``$…$`` without arithmatex: after arithmatex's own pattern (189.9), so it wins where present."""
MATH_POST_PRIORITY = 10
"""After stashed HTML is restored (30) and ``&`` substituted (20): figures' math is typeset too."""

_DOLLARS = (r"(?<![\\$])(?:\$\$(?P<display>(?:\\.|[^\\$\x02\x03])+?)\$\$"
            r"|\$(?![\s$])(?P<inline>(?:\\.|[^\\$\x02\x03])+?)(?<!\s)\$)")
"""``$$…$$`` or ``$…$`` (not after a backslash; inline math neither starts nor ends with a space)."""
_GENERIC = re.compile(r'<(?P<tag>span|div)(?P<before>[^<>]*?) class="(?P<cls>[^"]*)"(?P<after>[^<>]*)>'
                      r"(?P<body>[^<]*)</(?P=tag)>")


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
    math: int = 0
    """Formulas of the pages themselves typeset at build time (``katex="page"``)."""


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
        self.source = ""
        """The text of the page being converted (after preprocessors before ours), to locate bad math."""
        self.tree_done = False
        """Whether the tree is finished: before that, postprocessors only see fragments (toc runs them on
        headings to name and slug them), where math stays LaTeX text so heading ids do not change."""

    @cached_property
    def registry(self) -> Registry:
        from seqdiagrams.registry import Registry

        return Registry.load(self.options.registry)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        # after snippets (32) and normalize_whitespace (30), before fenced_code/superfences (25)
        md.preprocessors.register(SeqarchPreprocessor(md, self), "seqarch", PRIORITY)
        if self.options.katex == "page":
            md.inlinePatterns.register(DollarMathPattern(_DOLLARS, md), "seqarch-dollar-math", MATH_INLINE_PRIORITY)
            md.postprocessors.register(MathPostprocessor(md, self), "seqarch-math", MATH_POST_PRIORITY)
            md.treeprocessors.register(_TreeDone(md, self), "seqarch-tree-done", -100)

    def render_block(self, block: Block, ordinal: int) -> str:
        """HTML for one block, or a visible error box (and a report) when it is invalid."""
        from seqdiagrams.rendering import render_block
        from seqdiagrams.rendering.cache import DiskCache
        from seqdiagrams.rendering.html import error_box

        self.stats.blocks += 1
        if self.cache is None:
            self.cache = DiskCache()
        try:
            return render_block(block.info, block.body, block.info_loc, block.body_loc, ordinal, self.options.lang,
                                self.options.theme, self.inline_styles, self.registry, self.cache, self.warn)
        except SpecError as exc:
            if self.options.strict:
                raise
            self.stats.errors += 1
            self.stats.diagnostics.append(exc.diagnostic)
            self.report(exc.diagnostic)
            d = exc.diagnostic
            source = "seqarch " + block.info.strip() + ("\n" + block.body if block.body.strip() else "")
            return error_box(d.message, str(d.loc), d.hint, source)

    def warn(self, diagnostic: Diagnostic) -> None:
        """A problem that leaves the output usable (a highlight that matches nothing, math KaTeX rejects):
        reported like an invalid block, but the page keeps its content; strict: raised as an error."""
        if self.options.strict:
            raise SpecError(diagnostic)
        self.stats.diagnostics.append(diagnostic)
        self.report(diagnostic)


class SeqarchPreprocessor(Preprocessor):
    """Replaces each seqarch block's lines by one stashed HTML placeholder."""

    def __init__(self, md: Markdown, extension: SeqarchExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        from seqdiagrams.scan import scan_markdown

        page = self.extension.page
        self.extension.source = "\n".join(lines)
        self.extension.tree_done = False
        blocks = scan_markdown(self.extension.source, page.path, page.line_offset)
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


class DollarMathPattern(InlineProcessor):
    """``$…$`` and ``$$…$$`` as arithmatex's generic markup, on pages without pymdownx.arithmatex."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int | None, int | None]:
        if any(type(ext).__name__ == "ArithmatexExtension" for ext in self.md.registeredExtensions):
            return None, None, None
        from xml.etree import ElementTree as ET

        from markdown.util import AtomicString

        element = ET.Element("span", {"class": "arithmatex"})
        display = m.group("display")
        element.text = AtomicString(f"\\[{display}\\]" if display is not None else f"\\({m.group('inline')}\\)")
        return element, m.start(0), m.end(0)


class _TreeDone(Treeprocessor):
    """Runs last: from now on postprocessors see the whole page."""

    def __init__(self, md: Markdown, extension: SeqarchExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: Any) -> None:
        self.extension.tree_done = True


class MathPostprocessor(Postprocessor):
    """Replaces arithmatex generic output with KaTeX HTML rendered at build time."""

    def __init__(self, md: Markdown, extension: SeqarchExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        from seqdiagrams.rendering.cache import DiskCache
        from seqdiagrams.rendering.katex import render_many

        found = [(m, math) for m in _GENERIC.finditer(text) if (math := _generic_math(m)) is not None]
        if not found:
            return text
        if not self.extension.tree_done:  # a heading for the table of contents: its LaTeX, as text
            return _GENERIC.sub(lambda m: html.escape(math[0], quote=False) if (math := _generic_math(m)) else
                                m.group(0), text)
        if self.extension.cache is None:
            self.extension.cache = DiskCache()
        try:
            results = render_many([math for _, math in found], self.extension.cache)
        except SpecError as exc:  # no engine in this installation: leave the math to the browser, say why once
            self.extension.report(exc.diagnostic)
            return text
        self.extension.stats.math += len(found)
        out: list[str] = []
        pos = 0
        for (m, (latex, display)), result in zip(found, results, strict=True):
            out.append(text[pos:m.start()])
            cls = " ".join("sqd-math" if c == "arithmatex" else c for c in m.group("cls").split())
            if isinstance(result, str):
                body = result
            else:
                self._bad(latex, display, str(result))
                cls += " sqd-math-error"
                body = (f'<span class="katex-error" title="{html.escape(str(result))}" style="color:#cc0000">'
                        f"{html.escape(latex, quote=False)}</span>")
            tag = m.group("tag")
            out.append(f'<{tag}{m.group("before")} class="{cls}"{m.group("after")}>{body}</{tag}>')
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)

    def _bad(self, latex: str, display: bool, message: str) -> None:
        """Report a formula KaTeX rejected at its place in the page (strict: raise)."""
        page, source = self.extension.page, self.extension.source
        index = source.find(latex.strip())
        loc = Location(page.path)
        if index >= 0:
            line = source.count("\n", 0, index)
            loc = Location(page.path, page.line_offset + line + 1, index - (source.rfind("\n", 0, index) + 1) + 1)
        shown = " ".join(latex.split())
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        message = " ".join(message.split())
        self.extension.warn(Diagnostic(Subtype.RENDER, f"KaTeX cannot typeset the formula `{shown}`: {message}",
                                       loc, "it is shown as written, in red; fix the LaTeX"))


def _generic_math(m: re.Match[str]) -> tuple[str, bool] | None:
    """``(latex, display)`` of an arithmatex generic element, or None for any other element."""
    if "arithmatex" not in m.group("cls").split():
        return None
    body = html.unescape(m.group("body")).strip()
    if body.startswith("\\(") and body.endswith("\\)"):
        return body[2:-2].strip(), False
    if body.startswith("\\[") and body.endswith("\\]"):
        return body[2:-2].strip(), True
    return None


def _log_warning(diagnostic: Diagnostic) -> None:
    log.warning("seqdiagrams: %s", diagnostic.format())


def makeExtension(**kwargs: Any) -> SeqarchExtension:
    """Factory used by ``extensions=["seqdiagrams.markdown_ext"]``."""
    return SeqarchExtension(**kwargs)
