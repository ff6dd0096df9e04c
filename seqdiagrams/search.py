"""What a site's search index should read of our figures: their words once, not their drawing.

A figure's HTML is mostly drawing: SVG labels scattered in layout order, Mermaid source, and
KaTeX output that spells every formula three times (MathML, the TeX annotation, the HTML
boxes). A search engine indexing that finds a figure by ``W hh`` fragments and shows Mermaid
syntax in its results. :func:`search_html` replaces each figure of a page by one paragraph:
its title and description (the SVG's ``<title>``/``<desc>``), its caption unless it repeats
them, the text of tables and formula notes, and each formula once, as its TeX source. The
page's own formulas typeset at build time (``katex: page``) are read as their TeX too.

Host-neutral. The MkDocs plugin never lets a figure into the page it converts: the Markdown
extension leaves a :func:`placeholder` (the figure's words, between two HTML comments naming it,
which search parsers ignore), so the search plugin, the theme templates and Markdown's postprocessors
read a few words instead of the drawing, and :func:`insert` puts the figures in the finished page.
Formulas of the page itself typeset at build time are swapped the same way around the search
plugin only (:func:`search_html`, then :func:`restore`); comments survive other plugins editing the
rest of the page in between (Material's search strips ``data-search-*``).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

_OPEN = '<figure class="sqd-figure"'
_KATEX = '<span class="katex">'
_UNIT = re.compile(re.escape(_OPEN) + "|" + re.escape(_KATEX))
_FIGURE_TAG = re.compile(r"<(/?)figure\b[^>]*>", re.IGNORECASE)
_SPAN_TAG = re.compile(r"<(/?)span\b[^>]*>", re.IGNORECASE)
_MARKED = re.compile(r"<!--sqd-search-(\d+)-->.*?<!--sqd-search-\1-->", re.S)
_PLACED = re.compile(r"<!--sqd-figure-(\d+)-->.*?<!--sqd-figure-\1-->", re.S)
_DRAWING = re.compile(r"(<svg\b[^>]*>\s*(?:<title\b[^>]*>[^<]*</title>\s*)?(?:<desc\b[^>]*>[^<]*</desc>)?)"
                      r"(.*?)(</svg>)", re.S)
"""An SVG: its open tag with the title and description that lead it, its drawing, its close."""
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})


def search_html(page_html: str, summarise: Callable[[str], str] | None = None) -> tuple[str, list[str]]:
    """``page_html`` with each seqdiagrams figure replaced by a paragraph of its searchable text and
    each other formula typeset at build time by its TeX, and the pieces taken out (for :func:`restore`).

    ``summarise`` (default :func:`summary`) turns one piece into its text: reading a figure's HTML is the
    dearest step of a warm build, so a host passes a cached one (the text depends on the piece alone)."""
    summarise = summarise or summary
    if _OPEN not in page_html and _KATEX not in page_html:
        return page_html, []
    out: list[str] = []
    taken: list[str] = []
    pos = 0
    for match in _UNIT.finditer(page_html):
        if match.start() < pos:
            continue  # inside a figure already taken
        is_figure = match.group(0) == _OPEN
        end = _element_end(page_html, match.start(), _FIGURE_TAG if is_figure else _SPAN_TAG)
        mark = f"<!--sqd-search-{len(taken)}-->"
        taken.append(page_html[match.start():end])
        text = summarise(taken[-1])
        out += [page_html[pos:match.start()], mark, f"<p>{text}</p>" if is_figure and text else text, mark]
        pos = end
    out.append(page_html[pos:])
    return "".join(out), taken


def restore(search_version: str, figures: list[str]) -> str:
    """The page again: each marked paragraph of ``search_version`` replaced by its figure."""
    return _MARKED.sub(lambda m: figures[int(m.group(1))], search_version)


def placeholder(index: int, text: str) -> str:
    """What stands for the page's figure number ``index`` until :func:`insert`: its searchable ``text``
    (:func:`summary`) as the paragraph :func:`search_html` would make of it, between two comments."""
    mark = f"<!--sqd-figure-{index}-->"
    return f"{mark}<p>{text}</p>{mark}" if text else mark * 2


def insert(page_html: str, figures: list[str]) -> str:
    """``page_html`` with each :func:`placeholder` replaced by its figure."""
    if not figures:
        return page_html
    parts = _PLACED.split(page_html)  # the page's own HTML at even positions, figure numbers at odd ones
    parts[1::2] = [figures[int(index)] for index in parts[1::2]]
    return "".join(parts)


def _element_end(text: str, start: int, tags: re.Pattern[str]) -> int:
    """The offset just after the closing tag of the element opened at ``start`` (``tags``: its open/close)."""
    depth = 0
    for match in tags.finditer(text, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    return len(text)


def summary(figure_html: str) -> str:
    """The searchable text of one figure or build-time formula, HTML-escaped (see the module docstring).

    Each drawing is cut out first: most of a figure's HTML is its SVG, of which only the title and
    description are words (our SVGs open with them), and parsing the rest was most of the cost."""
    return text(_DRAWING.sub(_title_only, figure_html))


def text(piece_html: str) -> str:
    """:func:`summary` of ``piece_html`` read element by element, drawings included."""
    parser = _FigureText()
    parser.feed(piece_html)
    parser.close()
    return html.escape(" ".join(c for c in parser.chunks if c), quote=False)


def _title_only(match: re.Match[str]) -> str:
    # an SVG holding another is left whole: the first close found is the inner one's
    return match.group(0) if "<svg" in match.group(2) else match.group(1) + match.group(3)


class _FigureText(HTMLParser):
    """Collects the text a reader would search for, element by element (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        """Open elements and the mode of their content: text, svg, math or skip."""
        self.chunks: list[str] = []
        self.current: list[str] = []
        self.described: list[str] = []

    @property
    def mode(self) -> str:
        return self.stack[-1][1] if self.stack else "text"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        mode = self.mode
        if mode == "skip" or tag in ("script", "style") or {"mermaid", "sqd-stepper", "sqd-step-list"} & set(classes):
            mode = "skip"  # a figure's step controls and captions are the page script's, not the page's words
        elif mode == "svg":  # the figure's own title and description; a node's equation tooltip is not its text
            mode = "text" if tag in ("title", "desc") and self.stack[-1][0] == "svg" else "svg"
        elif mode == "math":
            mode = "text" if tag == "annotation" else "math"
        elif tag == "svg":
            mode = "svg"
        elif "katex" in classes:
            mode = "math"
        self._flush()
        self.stack.append((tag, mode))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or all(open_tag != tag for open_tag, _ in self.stack):
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        text = self._flush()
        if tag in ("title", "desc") and text:
            self.described.append(text)
        elif tag == "figcaption" and text and any(text in said for said in self.described):
            self.chunks.pop()  # the caption repeats the title or a sentence of the description

    def handle_data(self, data: str) -> None:
        if self.mode == "text":
            self.current.append(data)

    def _flush(self) -> str:
        text = " ".join("".join(self.current).split())
        self.current = []
        if text:
            self.chunks.append(text)
        return text
