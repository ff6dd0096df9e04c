r"""Build-time KaTeX for a page's own math (``katex="page"``), as stages of Python-Markdown.

``pymdownx.arithmatex`` (generic output) leaves each formula in the element tree as
``<span class="arithmatex">\(…\)</span>`` or ``<div class="arithmatex">\[…\]</div>``; where arithmatex is
not used, :class:`DollarMathPattern` turns ``$…$`` and ``$$…$$`` into those same elements. Two
treeprocessors then work on the tree, never on serialized HTML:

- :class:`MathCollector`, before the table of contents (5), gives each formula's element the class
  ``sqd-math`` and its bare LaTeX as text, so a heading's id and table-of-contents name are those of
  its LaTeX (KaTeX's HTML repeats each formula three times over);
- :class:`MathTypesetter`, after it, renders every formula of the page in one engine call (cached on
  disk by content and KaTeX version) and puts the KaTeX HTML into the HTML stash, so later stages
  cannot mangle it. Math fences of superfences (``custom_fences`` with arithmatex's fence format) are
  in the stash already: an entry that is exactly such a fence is replaced there.

Code spans and blocks are never touched (they are not arithmatex elements). A formula KaTeX rejects
is reported at its line and shown as written, in KaTeX's error style.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from seqdiagrams.errors import Diagnostic, Location, SpecError, Subtype
from seqdiagrams.rendering.katex import error_html, render_many

if TYPE_CHECKING:
    from markdown import Markdown

    from seqdiagrams.markdown_ext import SeqarchExtension

INLINE_PRIORITY = 185
"""``$…$`` without arithmatex: after arithmatex's own pattern (189.9), so it wins where present."""
COLLECT_PRIORITY = 6
"""After inline patterns (20) and attribute lists (8), before the table of contents (5)."""
TYPESET_PRIORITY = 1
"""After the table of contents (5) and tab slugs (4), before unescaping (0)."""

DOLLARS = (r"(?<![\\$])(?:\$\$(?P<display>(?:\\.|[^\\$\x02\x03])+?)\$\$"
           r"|\$(?![\s$])(?P<inline>(?:\\.|[^\\$\x02\x03])+?)(?<!\s)\$)")
"""``$$…$$`` or ``$…$`` (not after a backslash; inline math neither starts nor ends with a space)."""
_FENCE = re.compile(r'<(?P<tag>div|span)(?P<id> id="[^"<>]*")? class="(?P<cls>arithmatex[^"<>]*)"(?P<attrs>[^<>]*)>'
                    r"(?P<body>[^<]*)</(?P=tag)>")
"""Exactly one element of arithmatex's fence format: a whole stash entry, not a search through a page."""
MATH_CLASS = "sqd-math"

Formula = tuple[ET.Element, str, bool, str, str]
"""A formula element of the tree: the element, its LaTeX, whether displayed, and its own class and text."""


def register(md: Markdown, extension: SeqarchExtension) -> None:
    """The stages of ``katex="page"`` for one Markdown instance."""
    md.inlinePatterns.register(DollarMathPattern(DOLLARS, md), "seqarch-dollar-math", INLINE_PRIORITY)
    md.treeprocessors.register(MathCollector(md, extension), "seqarch-math-collect", COLLECT_PRIORITY)
    md.treeprocessors.register(MathTypesetter(md, extension), "seqarch-math", TYPESET_PRIORITY)


class DollarMathPattern(InlineProcessor):
    """``$…$`` and ``$$…$$`` as arithmatex's generic markup, on pages without pymdownx.arithmatex."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, int | None, int | None]:
        if any(type(ext).__name__ == "ArithmatexExtension" for ext in self.md.registeredExtensions):
            return None, None, None
        element = ET.Element("span", {"class": "arithmatex"})
        display = m.group("display")
        element.text = AtomicString(f"\\[{display}\\]" if display is not None else f"\\({m.group('inline')}\\)")
        return element, m.start(0), m.end(0)


class MathCollector(Treeprocessor):
    """Marks each arithmatex element ``sqd-math`` with its bare LaTeX, and remembers it for typesetting."""

    def __init__(self, md: Markdown, extension: SeqarchExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: ET.Element) -> None:
        found = self.extension.formulas = []
        for element in root.iter():
            classes = (element.get("class") or "").split()
            math = _latex(element.text or "") if "arithmatex" in classes and not len(element) else None
            if math is not None:
                found.append((element, *math, element.get("class", ""), element.text or ""))
                element.set("class", " ".join(MATH_CLASS if c == "arithmatex" else c for c in classes))
                element.text = AtomicString(math[0])


class MathTypesetter(Treeprocessor):
    """Replaces each collected formula, and each math fence in the stash, with KaTeX HTML."""

    def __init__(self, md: Markdown, extension: SeqarchExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: ET.Element) -> None:
        stash = self.md.htmlStash.rawHtmlBlocks
        fences = [(index, match, math) for index, entry in enumerate(stash)
                  if isinstance(entry, str) and (match := _FENCE.fullmatch(entry.strip()))
                  and (math := _latex(match.group("body"))) is not None]
        elements, self.extension.formulas = self.extension.formulas, []
        formulas = [(latex, display) for _, latex, display, _, _ in elements] + [math for _, _, math in fences]
        if not formulas:
            return
        try:
            results = render_many(formulas, self.extension.cache)
        except SpecError as exc:  # no engine in this installation: leave the math to the browser, say why once
            self.extension.report(exc.diagnostic)
            for element, _, _, cls, text in elements:
                element.set("class", cls)
                element.text = AtomicString(text)
            return
        self.extension.stats.math += len(formulas)
        for (element, latex, display, _, _), result in zip(elements, results[:len(elements)], strict=True):
            body, failed = self._typeset(latex, display, result)
            if failed:
                element.set("class", element.get("class", "") + " sqd-math-error")
            element.text = self.md.htmlStash.store(body)
        for (index, match, (latex, display)), result in zip(fences, results[len(elements):], strict=True):
            body, failed = self._typeset(latex, display, result)
            cls = " ".join(MATH_CLASS if c == "arithmatex" else c for c in match.group("cls").split())
            cls += " sqd-math-error" if failed else ""
            tag = match.group("tag")
            stash[index] = f'<{tag}{match.group("id") or ""} class="{cls}"{match.group("attrs")}>{body}</{tag}>'

    def _typeset(self, latex: str, display: bool, result: object) -> tuple[str, bool]:
        """KaTeX's HTML, or the formula as written in KaTeX's error style (reported); and whether it failed."""
        if isinstance(result, str):
            return result, False
        self._bad(latex, display, str(result))
        return error_html(latex, str(result)), True

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


def _latex(text: str) -> tuple[str, bool] | None:
    """``(latex, display)`` of arithmatex generic text (``\\(…\\)`` or ``\\[…\\]``, maybe HTML-escaped)."""
    body = html.unescape(text).strip()
    if body.startswith("\\(") and body.endswith("\\)"):
        return body[2:-2].strip(), False
    if body.startswith("\\[") and body.endswith("\\]"):
        return body[2:-2].strip(), True
    return None
