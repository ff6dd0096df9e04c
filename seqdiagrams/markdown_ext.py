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
works in any Python-Markdown host. The MkDocs plugin makes this same extension with its own
:class:`~seqdiagrams.rendering.Renderer` (the one its prerender pool fills the cache for) and its
reporting hook, and sets each page's context (path, line offset, front matter ``lang``).
Under Zensical, which calls Python-Markdown once per page, the extension reads that context
from Zensical's own ``rendering_context`` preprocessor, so diagnostics name the page there too.

With ``katex="page"`` the page's own math is typeset at build time too (:mod:`seqdiagrams.markdown_math`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown import Extension
from markdown.preprocessors import Preprocessor

from seqdiagrams.errors import Diagnostic, SpecError, Subtype
from seqdiagrams.options import SiteOptions, page_lang
from seqdiagrams.rendering.renderer import Place, Renderer
from seqdiagrams.scan import moved, scan_markdown_lines, trace_lines

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown import Markdown

    from seqdiagrams.markdown_math import Formula
    from seqdiagrams.registry import Registry
    from seqdiagrams.rendering.cache import DiskCache
    from seqdiagrams.rendering.renderer import Facts, FoundBlock
    from seqdiagrams.scan import Block, Include

log = logging.getLogger("seqdiagrams")

SOURCE_PRIORITY = 32.5
"""Before snippets (32): the page's own lines, so lines snippets insert can be traced back."""
FIND_PRIORITY = 31.08
"""After snippets (32) and pymdownx.critic (31.1); before superfences' raw-fence stash (31.05)."""
PRIORITY = 28
"""After whitespace normalisation (30), before fenced code and superfences (25)."""
_FRONT_MATTER = re.compile(r"-{3}[ \t]*\n.*?\n(?:\.{3}|-{3})[ \t]*\n\n*", re.DOTALL)
"""YAML front matter and the blank lines after it, as MkDocs removes them."""


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
    """Renders seqarch blocks; configure with the :class:`~seqdiagrams.options.SiteOptions` keys.

    A host that renders figures itself too (the MkDocs plugin prerenders them) passes its ``renderer``
    instead, and a ``report`` for diagnostics (default: logged as warnings).
    """

    def __init__(self, renderer: Renderer | None = None, report: Callable[[Diagnostic], None] | None = None,
                 **kwargs: Any) -> None:
        if renderer is not None and kwargs:
            raise TypeError("the options of a SeqarchExtension given a renderer are the renderer's")
        self.config = SiteOptions.markdown_config()
        super().__init__(**kwargs)
        self.renderer = renderer or Renderer(SiteOptions.from_mapping(self.getConfigs()))
        self.options = self.renderer.options
        self.page = PageContext()
        self.stats = Stats()
        self.report: Callable[[Diagnostic], None] = report or _log_warning
        self.md_host: Markdown | None = None
        """The Markdown instance converting the current page (tells a Zensical build apart)."""
        self.source = ""
        """The text of the page being converted (after preprocessors before ours), to locate bad math."""
        self.formulas: list[Formula] = []
        """The page's own formulas, collected from the tree and waiting to be typeset (``katex="page"``)."""
        self.pending: dict[str, tuple[Block, int]] = {}
        """Blocks found on the page being converted, by the token line that stands for each."""
        self.before: list[str] | None = None
        """The page's lines before pymdownx.snippets inserted any file (None when not recorded)."""
        self.scanned: dict[tuple[str | None, int, str], list[Block]] = {}
        """Blocks of pages scanned ahead of their conversion (:meth:`scan`), by path, line offset and text."""
        self.defer: Callable[[Facts, FoundBlock, Place], str] | None = None
        """A host that inserts figures into the finished page itself (the MkDocs plugin) takes each figure's
        facts, block and place here and returns what the converted page shows instead (the page pass then reads
        no figure); None: figures stay inline."""

    @property
    def registry(self) -> Registry:
        return self.renderer.registry

    @property
    def cache(self) -> DiskCache:
        return self.renderer.cache

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        md.preprocessors.register(SeqarchSource(md, self), "seqarch-source", SOURCE_PRIORITY)
        md.preprocessors.register(SeqarchFinder(md, self), "seqarch-find", FIND_PRIORITY)
        md.preprocessors.register(SeqarchPreprocessor(md, self), "seqarch", PRIORITY)
        if self.options.katex == "page":
            from seqdiagrams import markdown_math  # KaTeX loads only for sites that typeset their pages' math

            markdown_math.register(md, self)

    def scan(self, lines: list[str], tab_length: int = 4, keep: bool = False) -> list[Block]:
        """The blocks of the current page's ``lines`` (whitespace normalised), located in the page.

        ``keep``: a host that scans its pages before converting them (the MkDocs plugin's prerender pass)
        keeps the answer, and the page pass takes it instead of scanning again while the text is the same."""
        page = self.page
        expanded = [line.expandtabs(tab_length) for line in lines]
        key = (page.path, page.line_offset, "\n".join(expanded))
        blocks = self.scanned.pop(key, None)
        if blocks is None:
            blocks = scan_markdown_lines(expanded, page.path, page.line_offset)
        if keep:
            self.scanned[key] = blocks
        return blocks

    def render_block(self, block: Block, ordinal: int) -> str:
        """HTML for one block, or a visible error box (and a report) when it is invalid; what :attr:`defer`
        makes of the block's facts, for a host that inserts figures itself."""
        self.stats.blocks += 1
        place = Place(ordinal, self.page.lang)
        try:
            if self.defer is None:
                return self.figure(block, place)
            facts = self.facts(block, place)
        except SpecError as exc:
            from seqdiagrams.rendering.html import error_box  # the renderers load only when a page needs them

            self.fail(exc.diagnostic)
            d = exc.diagnostic
            source = "seqarch " + block.info.strip() + ("\n" + block.body if block.body.strip() else "")
            return error_box(d.message, str(d.loc), d.hint, source)
        return self.defer(facts, block, place)

    def warn(self, diagnostic: Diagnostic) -> None:
        """A problem that leaves the output usable (a highlight that matches nothing, math KaTeX rejects):
        reported like an invalid block, but the page keeps its content; strict: raised as an error."""
        if self.options.strict:
            raise SpecError(diagnostic)
        self.stats.diagnostics.append(diagnostic)
        self.report(diagnostic)

    def figure(self, block: FoundBlock, place: Place) -> str:
        """One block's figure HTML from the cache or rendered now (counted), its warnings reported; raises an
        invalid block's error."""
        rendered = self.renderer.render(block, place)
        self.stats.rendered += rendered.fresh
        for diagnostic in rendered.warnings:
            self.warn(diagnostic)
        return rendered.html

    def facts(self, block: FoundBlock, place: Place) -> Facts:
        """One block's :class:`~seqdiagrams.rendering.renderer.Facts` (its figure rendered now if missing,
        counted), its warnings reported; raises an invalid block's error. Reads no figure HTML."""
        facts, fresh = self.renderer.facts(block, place)
        self.stats.rendered += fresh
        for diagnostic in self.renderer.block_warnings(block, place):
            self.warn(diagnostic)
        return facts

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


class SeqarchSource(Preprocessor):
    """Keeps the page's lines as they are before snippets, so the finder can say where each block was written."""

    def __init__(self, md: Markdown, extension: SeqarchExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        self.extension.before = normalised(lines)
        return lines


class SeqarchFinder(Preprocessor):
    """Replaces each seqarch block's lines by one token line, before any extension stashes fences."""

    def __init__(self, md: Markdown, extension: SeqarchExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        self.extension.md_host = self.md
        if (context := _zensical_page(self.md, lines)) is not None:
            self.extension.page = context
        page = self.extension.page
        # whitespace normalisation (30) runs after us: see the lines as it will leave them
        lines = normalised(lines)
        blocks = self.extension.scan(lines, self.md.tab_length)
        before, self.extension.before = self.extension.before, None
        if blocks and before is not None and before != lines:
            origins = trace_lines(before, lines)
            blocks = [_written_at(self.md, block, origins[block.start], before, lines, page) for block in blocks]
        self.extension.pending = {}
        if not blocks:
            return lines
        stamp = hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()[:16]
        out: list[str] = []
        cursor = 0
        for ordinal, block in enumerate(blocks):
            token = f"seqarch-block-{stamp}-{ordinal}"
            self.extension.pending[token] = (block, ordinal)
            quote = block.indent[:block.indent.rfind(">") + 1]  # blank lines that stay inside a blockquote
            out += lines[cursor:block.start]
            out += [quote, block.indent + token, quote]
            cursor = block.end
        out += lines[cursor:]
        return out


def normalised(lines: list[str]) -> list[str]:
    """The page's lines as whitespace normalisation (30) will leave them: no BOM, no CR."""
    return "\n".join(lines).removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _written_at(md: Markdown, block: Block, origin: int | Include, before: list[str], lines: list[str],
                page: PageContext) -> Block:
    """``block`` located where it is written: its line in the page, or in the snippet file it came from.

    A block whose snippet file cannot be read back (a URL, a nested snippet) is reported at the line
    of the page's snippet directive.
    """
    if isinstance(origin, int):
        return moved(block, page.path, origin + 1 + page.line_offset)
    window = [line.strip() for line in lines[block.start:block.end]]
    for path in _snippet_files(md, before[origin.start:origin.end]):
        try:
            text = Path(path).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        for index in range(len(text) - len(window) + 1):
            if [line.strip() for line in text[index:index + len(window)]] == window:
                margin = len(lines[block.start]) - len(text[index])  # the directive's indentation
                return moved(block, _shown_path(path), index + 1, -margin)
    return moved(block, page.path, origin.start + 1 + page.line_offset)


def _shown_path(path: str) -> str:
    """A snippet file's path as a reader finds it: relative to the working folder when it lies inside."""
    relative = os.path.relpath(path)
    return path if relative.startswith(os.pardir) else relative


def _snippet_files(md: Markdown, directive: list[str]) -> list[str]:
    """The files named by the snippets directive ``directive`` (one line, or a ``--8<--`` block),
    found the way pymdownx.snippets finds them (its base paths)."""
    if "snippet" not in md.preprocessors:
        return []
    snippets = md.preprocessors["snippet"]
    pattern = getattr(snippets, "RE_ALL_SNIPPETS", None)
    if pattern is None or not hasattr(snippets, "get_snippet_path"):
        return []
    names: list[str] = []
    block = False
    for line in directive:
        match = pattern.match(line)
        if match and match.group("snippet") and not match.group("escape"):
            names.append(match.group("snippet")[1:-1])
        elif match and match.group("block_marker"):
            block = not block
        elif block and line.strip() and not line.strip().startswith(";"):
            names.append(line.strip())
    split = getattr(snippets, "split_path", lambda name: (name,))
    return [path for name in names if (path := snippets.get_snippet_path((split(name) or (name,))[0]))]


class SeqarchPreprocessor(Preprocessor):
    """Replaces each token line left by :class:`SeqarchFinder` by its block's stashed HTML."""

    def __init__(self, md: Markdown, extension: SeqarchExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        self.extension.source = "\n".join(lines)
        pending = self.extension.pending
        if not pending:
            return lines
        out: list[str] = []
        for line in lines:
            token = line.lstrip(" \t>").rstrip()
            if token in pending:
                block, ordinal = pending.pop(token)
                html = self.extension.render_block(block, ordinal)
                prefix = line[:len(line) - len(line.lstrip(" \t>"))]  # indentation and blockquote markers
                out.append(prefix + self.md.htmlStash.store(html))
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
    """Lines a host removed above ``markdown`` (front matter) in ``raw``, so locations match the file.

    MkDocs and Zensical remove a prefix (the front matter and the blank lines after it) and convert
    the rest: the lines above that rest are counted. When a plugin has already rewritten the page,
    the page is not such a rest any more; then the YAML front matter is measured in ``raw`` itself.
    """
    raw = raw.removeprefix("\ufeff").replace("\r\n", "\n")
    markdown = markdown.replace("\r\n", "\n")
    if markdown and raw.endswith(markdown):
        return raw[:len(raw) - len(markdown)].count("\n")
    match = _FRONT_MATTER.match(raw)
    return raw[:match.end()].count("\n") if match else 0


def _log_warning(diagnostic: Diagnostic) -> None:
    log.warning("seqdiagrams: %s", diagnostic.format())


def makeExtension(**kwargs: Any) -> SeqarchExtension:
    """Factory used by ``extensions=["seqdiagrams.markdown_ext"]``."""
    return SeqarchExtension(**kwargs)
