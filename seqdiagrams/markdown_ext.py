r"""Python-Markdown extension: ``markdown.Markdown(extensions=["seqdiagrams"])``.

Blocks are found by the shared scanner (pymdownx.superfences does not accept unquoted
``key=value`` info strings) in two steps. A finder at priority 31.08 runs after snippets (32)
and pymdownx.critic (31.1), so included files are seen, but before anything that stashes
fences: superfences with ``preserve_tabs`` stashes every fence at 31.05, and fenced code and
superfences otherwise run at 25. It replaces each block by a token line. A placer at 28,
after whitespace normalisation (30), renders each token's block into the HTML stash, so later
extensions cannot mangle it. A token that never reaches the placer means another extension
hid the block: that is reported as an error, never passed over in silence.

Output is self-contained (styles and alt text live inside each figure), so the extension
works in any Python-Markdown host. The MkDocs plugin injects this same extension and
only sets the page context (path, line offset, front matter ``lang``) and the reporting hook.
Under Zensical, which calls Python-Markdown once per page, the extension reads that context
from Zensical's own ``rendering_context`` preprocessor, so diagnostics name the page there too.

With ``katex="page"`` the page's own math is typeset at build time too: a postprocessor
replaces ``pymdownx.arithmatex`` generic output (``<span class="arithmatex">\(…\)</span>``,
``<div class="arithmatex">\[…\]</div>``) with KaTeX HTML, and where arithmatex is not used an
inline pattern turns ``$…$`` and ``$$…$$`` into that same markup first. Code spans and blocks are
never touched (their text is escaped before the postprocessor sees the page). Formulas are
rendered in one engine call per page and cached on disk by content and KaTeX version; a formula
KaTeX rejects is reported at its line and shown as written, in KaTeX's error style.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import sys
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

FIND_PRIORITY = 31.08
"""After snippets (32) and pymdownx.critic (31.1); before superfences' raw-fence stash (31.05)."""
PRIORITY = 28
"""After whitespace normalisation (30), before fenced code and superfences (25)."""
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
    lang: str | None = None
    """The page's own language (front matter ``lang``): its blocks' default, over the site's."""


@dataclass
class Stats:
    """Per-converter counters; hosts print a summary from them."""

    blocks: int = 0
    errors: int = 0
    rendered: int = 0
    """Figures rendered by this converter (the others came from the cache)."""
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
        self.md_host: Markdown | None = None
        """The Markdown instance converting the current page (tells a Zensical build apart)."""
        self.inline_styles = True
        """False when the host links the diagram stylesheet once per page (the MkDocs plugin does)."""
        self.source = ""
        """The text of the page being converted (after preprocessors before ours), to locate bad math."""
        self.tree_done = False
        """Whether the tree is finished: before that, postprocessors only see fragments (toc runs them on
        headings to name and slug them), where math stays LaTeX text so heading ids do not change."""
        self.pending: dict[str, tuple[Block, int]] = {}
        """Blocks found on the page being converted, by the token line that stands for each."""

    @cached_property
    def registry(self) -> Registry:
        from seqdiagrams.registry import Registry

        return Registry.load(self.options.registry)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        md.preprocessors.register(SeqarchFinder(md, self), "seqarch-find", FIND_PRIORITY)
        md.preprocessors.register(SeqarchPreprocessor(md, self), "seqarch", PRIORITY)
        if self.options.katex == "page":
            md.inlinePatterns.register(DollarMathPattern(_DOLLARS, md), "seqarch-dollar-math", MATH_INLINE_PRIORITY)
            md.postprocessors.register(MathPostprocessor(md, self), "seqarch-math", MATH_POST_PRIORITY)
            md.treeprocessors.register(_TreeDone(md, self), "seqarch-tree-done", -100)

    def render_block(self, block: Block, ordinal: int) -> str:
        """HTML for one block, or a visible error box (and a report) when it is invalid."""
        self.stats.blocks += 1
        try:
            return self.figure(block.info, block.body, block.info_loc, block.body_loc, ordinal,
                               self.page.lang or self.options.lang, self.warn)
        except SpecError as exc:
            from seqdiagrams.rendering.html import error_box  # the renderers load only when a page needs them

            self.fail(exc.diagnostic)
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

    def figure(self, info: str, body: str, info_loc: Location, body_loc: Location, ordinal: int, lang: str,
               warn: Callable[[Diagnostic], None] | None = None) -> str:
        """One block's figure HTML from the cache or rendered now (counted); raises an invalid block's error.

        ``warn`` receives the block's warnings; the plugin's read-back of prerendered figures passes none,
        so each warning is reported once, when its page is converted."""
        from seqdiagrams.rendering import render_block
        from seqdiagrams.rendering.cache import DiskCache

        if self.cache is None:
            self.cache = DiskCache()
        misses = self.cache.misses["html"]
        html = render_block(info, body, info_loc, body_loc, ordinal, lang, self.options.theme, self.inline_styles,
                            self.registry, self.cache, warn)
        self.stats.rendered += self.cache.misses["html"] - misses
        return html

    def fail(self, diagnostic: Diagnostic) -> None:
        """Count and report a bad block; raise instead when the build is strict."""
        if self.options.strict:
            raise SpecError(diagnostic)
        if self.options.strict is None and _zensical_strict(self.md_host):
            self.report(diagnostic)  # one clean located line above the traceback Zensical prints
            raise SpecError(diagnostic)
        self.stats.errors += 1
        self.stats.diagnostics.append(diagnostic)
        self.report(diagnostic)


class SeqarchFinder(Preprocessor):
    """Replaces each seqarch block's lines by one token line, before any extension stashes fences."""

    def __init__(self, md: Markdown, extension: SeqarchExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        from seqdiagrams.scan import scan_markdown_lines

        self.extension.md_host = self.md
        if (context := _zensical_page(self.md, lines)) is not None:
            self.extension.page = context
        page = self.extension.page
        # whitespace normalisation (30) runs after us: see the lines as it will leave them
        lines = "\n".join(lines).removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        expanded = [line.expandtabs(self.md.tab_length) for line in lines]
        blocks = scan_markdown_lines(expanded, page.path, page.line_offset)
        self.extension.pending = {}
        if not blocks:
            return lines
        stamp = hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        out: list[str] = []
        cursor = 0
        for ordinal, block in enumerate(blocks):
            token = f"seqarch-block-{stamp}-{ordinal}"
            self.extension.pending[token] = (block, ordinal)
            out += lines[cursor:block.start]
            out += ["", block.indent + token, ""]
            cursor = block.end
        out += lines[cursor:]
        return out


class SeqarchPreprocessor(Preprocessor):
    """Replaces each token line left by :class:`SeqarchFinder` by its block's stashed HTML."""

    def __init__(self, md: Markdown, extension: SeqarchExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        self.extension.source = "\n".join(lines)
        self.extension.tree_done = False
        pending = self.extension.pending
        if not pending:
            return lines
        out: list[str] = []
        for line in lines:
            token = line.strip()
            if token in pending:
                block, ordinal = pending.pop(token)
                html = self.extension.render_block(block, ordinal)
                out.append(line[:len(line) - len(line.lstrip())] + self.md.htmlStash.store(html))
            else:
                out.append(line)
        for block, _ in pending.values():
            self.extension.stats.blocks += 1
            self.extension.fail(Diagnostic(
                Subtype.RENDER, "another Markdown extension removed this seqarch block before it could be rendered",
                block.info_loc, "a preprocessor running between seqdiagrams' finder (priority 31.08) and renderer "
                "(28) stashed or dropped it; please report this with your markdown_extensions list"))
        self.extension.pending = {}
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


def _zensical_page(md: Markdown, lines: list[str]) -> PageContext | None:
    """The page Zensical is converting, from its ``rendering_context`` preprocessor (None elsewhere).

    Zensical strips front matter before calling Python-Markdown: the raw file, read here, gives the
    number of lines removed, so locations are those of the user's file.
    """
    if "rendering_context" not in md.preprocessors:
        return None
    page = getattr(md.preprocessors["rendering_context"], "page", None)
    path = getattr(page, "path", None)
    if not isinstance(path, str):
        return None
    from pathlib import Path

    from seqdiagrams.options import page_lang

    meta = getattr(page, "meta", None) or {}
    offset = 0
    try:
        from zensical.config import get_config

        config = get_config()
        raw = (Path(config["root_dir"]) / config["docs_dir"] / path).read_text(encoding="utf-8-sig")
        offset = front_matter_lines(raw, "\n".join(lines))
    except (ImportError, KeyError, TypeError, OSError, UnicodeDecodeError):
        pass  # locations stay relative to the converted text
    return PageContext(path, offset, page_lang(meta.get("lang")))


def _zensical_strict(md: Markdown | None) -> bool:
    """Whether Zensical is building with ``--strict`` (or ``strict: true`` in its configuration).

    Zensical (0.0.x) counts only its own validation issues towards ``--strict``: warnings logged by a
    Markdown extension are printed but never counted, and the flag is not passed to Python. The one
    way an extension can fail such a build is to raise, so under Zensical a strict build raises.
    """
    if md is None or "rendering_context" not in md.preprocessors:
        return False
    try:
        from zensical.config import get_config

        if get_config().get("strict") is True:
            return True
    except (ImportError, AttributeError):
        pass
    args = sys.argv[1:]
    return "build" in args and any(a == "--strict" or (a[:1] == "-" and a[1:2] != "-" and "s" in a[1:])
                                   for a in args)


def front_matter_lines(raw: str, markdown: str) -> int:
    """Lines a host removed above ``markdown`` (YAML front matter) in ``raw``, so locations match the file."""
    raw = raw.lstrip("\ufeff").replace("\r\n", "\n")
    index = raw.find(markdown[:200]) if markdown else -1
    return raw[:index].count("\n") if index > 0 else 0


def _log_warning(diagnostic: Diagnostic) -> None:
    log.warning("seqdiagrams: %s", diagnostic.format())


def makeExtension(**kwargs: Any) -> SeqarchExtension:
    """Factory used by ``extensions=["seqdiagrams.markdown_ext"]``."""
    return SeqarchExtension(**kwargs)
