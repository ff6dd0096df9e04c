"""Find seqarch blocks in Markdown (incl. MyST) and reStructuredText, with exact locations.

Used by ``seqdiagrams check``, the Markdown extension and ``regen`` alike, so "what is a
block" has one answer. A block is a fence whose info string starts with ``seqarch``
(or MyST's ``{seqarch}``), or an rST ``.. seqarch::`` directive. Not blocks: a fence
nested inside another (longer or different) fence, which merely *shows* source;
indented code blocks; anything inside an HTML comment.

Fences are found the way pymdownx.superfences finds them, line by line: a fence may follow any
prefix of spaces, tabs and blockquote markers (``>``), so it is found inside admonitions
(``!!!``/``???``), content tabs (``===``), lists and blockquotes, at any depth; a quoted fence's
lines keep its quote depth and it ends where its blockquote does. A CommonMark parser
(markdown-it-py) was measured instead: it misses the fences under admonitions and tabs, which
are not CommonMark, and takes about 40 times as long per page, so the scan stays line-based.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from seqdiagrams.directive_options import option_line
from seqdiagrams.errors import Location

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

_FENCE = re.compile(r"^(?P<indent>(?:[ \t]*>)*[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
"""A fence after its prefix: indentation and blockquote markers, as pymdownx.superfences reads it."""
_QUOTES = re.compile(r"(?:[ \t]*>)*")
_INFO = re.compile(r"^\s*(?:\{seqarch\}|seqarch)(?=\s|$)")
_CONTAINER = re.compile(r"^\s*(?:!!!|\?\?\?\+?|===|[-*+]\s|\d+[.)]\s|>)")
_RST_DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\.\s+seqarch::(?P<args>.*)$")
_MYST_OPTION = re.compile(r"^\s*:[A-Za-z_][A-Za-z0-9_-]*:")

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")
RST_SUFFIXES = (".rst", ".txt")


@dataclass(frozen=True)
class Block:
    """One block: its info string and body, where each starts, and the lines it spans.

    ``start``/``end`` are 0-based line indices (end exclusive) of the whole block,
    fences included, so a host can replace exactly those lines.
    """

    info: str
    body: str
    info_loc: Location
    body_loc: Location
    start: int
    end: int
    indent: str


def scan_file(path: Path) -> list[Block]:
    """Blocks of a Markdown or rST file (chosen by suffix; BOM and CRLF tolerated)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in RST_SUFFIXES:
        return scan_rst(text, str(path))
    return scan_markdown(text, str(path))


def scan_markdown(text: str, path: str | None = None, line_offset: int = 0) -> list[Block]:
    """Blocks of a Markdown page; ``line_offset`` is added to every line number (front matter)."""
    return scan_markdown_lines(text.removeprefix("\ufeff").splitlines(), path, line_offset)


def scan_markdown_lines(lines: Sequence[str], path: str | None = None, line_offset: int = 0) -> list[Block]:
    """Blocks of a Markdown page given as lines, so ``Block.start``/``end`` index exactly those lines
    (a host's line list need not agree with :meth:`str.splitlines`, which also splits on form feeds)."""
    blocks: list[Block] = []
    for region in markdown_regions(lines):
        if region.fence is None:
            continue
        marker = _INFO.match(region.fence.group("info"))
        if marker:
            blocks.append(_md_block(lines, region, region.fence, marker.end(), path, line_offset))
    return blocks


@dataclass(frozen=True)
class Include:
    """Lines a preprocessor put where lines ``start``..``end`` (0-based, end exclusive) of the page were:
    the text of a ``pymdownx.snippets`` directive. ``first`` is the index of its first inserted line."""

    start: int
    end: int
    first: int


def trace_lines(before: Sequence[str], after: Sequence[str]) -> list[int | Include]:
    """Where each line of ``after`` comes from: the index of the same line in ``before``, or the
    :class:`Include` that inserted it.

    ``after`` is a page once a preprocessor (pymdownx.snippets) replaced directive lines by other
    files' lines; the rest of the page is unchanged, so the two line lists align by their longest
    common runs, and the lines in between are the inserted ones.
    """
    head = 0
    while head < min(len(before), len(after)) and before[head] == after[head]:
        head += 1
    tail = 0  # lines equal at the end too: only the part between is aligned line by line
    while tail < min(len(before), len(after)) - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    origins: list[int | Include] = list(range(head))
    middle = difflib.SequenceMatcher(None, before[head:len(before) - tail], after[head:len(after) - tail],
                                     autojunk=False)
    for tag, i1, i2, j1, j2 in middle.get_opcodes():
        if tag == "equal":
            origins += range(head + i1, head + i2)
        else:
            origins += [Include(head + i1, head + i2, head + j1)] * (j2 - j1)
    return origins + list(range(len(before) - tail, len(before)))


def moved(block: Block, path: str | None, line: int, cols: int = 0) -> Block:
    """``block`` with its locations moved so that its opening fence is on ``line`` (1-based) of ``path``,
    and ``cols`` columns to the right (a snippet indented by its directive is written further left)."""
    shift = line - block.info_loc.line
    return replace(block, info_loc=Location(path, line, block.info_loc.col + cols),
                   body_loc=Location(path, block.body_loc.line + shift, block.body_loc.col + cols))


@dataclass(frozen=True)
class Region:
    """A span of a Markdown page that is not running text: a code block or an HTML comment.

    ``start``/``end`` are 0-based line indices, end exclusive. ``fence`` is the opening line
    of a fenced code block (None for indented code and comments); ``closed`` says whether the
    fence or comment is closed before the end of the page.
    """

    kind: Literal["fence", "indented", "comment"]
    start: int
    end: int
    fence: re.Match[str] | None = None
    closed: bool = True


def markdown_regions(lines: Sequence[str]) -> Iterator[Region]:
    """Code blocks and HTML comments of a Markdown page (its lines, without line endings), in order.

    The one answer to "is this line code?": the block scanner looks for seqarch fences among
    them and ``regen`` ignores markers inside code.
    """
    i, in_comment, prev_blank, container, comment_start = 0, False, True, -1, 0
    while i < len(lines):
        line = lines[i]
        code = prev_blank and container < 0 and _indent_width(line) >= 4  # CommonMark: indented code wins
        if in_comment or (line.lstrip().startswith("<!--") and not code):
            comment_start = i if not in_comment else comment_start
            in_comment = "-->" not in line[line.find("<!--") + 4 if not in_comment else 0:]
            i += 1
            prev_blank = False
            if not in_comment:
                yield Region("comment", comment_start, i)
            continue
        width = _indent_width(line)
        if line.strip() and _CONTAINER.match(line):
            container = width
        elif line.strip() and width <= max(container, 0) and not _CONTAINER.match(line):
            container = -1 if width == 0 else container
        fence = _FENCE.match(line)
        is_indented_code = prev_blank and line.strip() and width >= container + 1 + 4
        if is_indented_code and container < 0:
            end = _skip_indented(lines, i, width)
            yield Region("indented", i, end)
            i = end
            continue
        if fence and "`" not in (fence.group("info") if fence.group("fence")[0] == "`" else ""):
            end, closed = _closing(lines, i, fence)
            yield Region("fence", i, end, fence, closed)
            i = end
            prev_blank = False
            continue
        prev_blank = not line.strip()
        i += 1
    if in_comment:
        yield Region("comment", comment_start, len(lines), closed=False)


def _md_block(lines: Sequence[str], region: Region, fence: re.Match[str], skip: int, path: str | None,
              offset: int) -> Block:
    start = region.start
    indent, info = fence.group("indent"), fence.group("info")
    info_col = len(indent) + len(fence.group("fence")) + skip + 1
    body_end = region.end - 1 if region.closed else region.end
    body_lines = [_option_as_yaml(_dedent(line, indent)) for line in lines[start + 1:body_end]]
    body_loc = Location(path, start + 2 + offset, len(indent) + 1)
    return Block(info[skip:], "\n".join(body_lines), Location(path, start + 1 + offset, info_col), body_loc,
                 start, region.end, indent)


def _closing(lines: Sequence[str], start: int, fence: re.Match[str]) -> tuple[int, bool]:
    """End (exclusive) of the fence opened at ``start``, and whether a closing fence ends it.

    The closing fence has the opening's quote depth. An unclosed fence runs to the end of the page,
    or of its blockquote: the first line with fewer ``>`` markers (as in superfences, a quoted fence
    does not outlive its quote).
    """
    char, size = fence.group("fence")[0], len(fence.group("fence"))
    depth = fence.group("indent").count(">")
    closing = re.compile(rf"^(?:[ \t]*>){{{depth}}}[ \t]*{re.escape(char)}{{{size},}}[ \t]*$")
    for j in range(start + 1, len(lines)):
        if closing.match(lines[j]):
            return j + 1, True
        if depth and _quote_depth(lines[j]) < depth:
            return j, False
    return len(lines), False


def _quote_depth(line: str) -> int:
    match = _QUOTES.match(line)
    return match.group(0).count(">") if match else 0


def _skip_indented(lines: list[str], i: int, width: int) -> int:
    while i < len(lines) and (not lines[i].strip() or _indent_width(lines[i]) >= width):
        i += 1
    return i


def _indent_width(line: str) -> int:
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _dedent(line: str, indent: str) -> str:
    """A body line without its fence's prefix: the prefix's quote markers, then up to as much
    indentation as the prefix has after its last marker (a lazily shorter prefix is tolerated)."""
    depth = indent.count(">")
    if depth:
        markers = re.match(rf"(?:[ \t]*>){{0,{depth}}}", line)
        line = line[markers.end():] if markers else line
        indent = indent[indent.rindex(">") + 1:]
    strip = 0
    while strip < len(indent) and strip < len(line) and line[strip] in " \t":
        strip += 1
    return line[strip:]


def scan_rst(text: str, path: str | None = None) -> list[Block]:
    """``.. seqarch::`` directives; options (``:key: value``) and content become the YAML body.

    Option lines keep their columns: the leading colon is replaced by a space, so YAML
    positions map straight back to the file.
    """
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        match = _RST_DIRECTIVE.match(lines[i])
        if not match:
            i += 1
            continue
        indent = len(match.group("indent"))
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or _indent_width(lines[j]) > indent):
            j += 1
        while j > i + 1 and not lines[j - 1].strip():
            j -= 1
        body = [_option_as_yaml(line) for line in lines[i + 1:j]]
        args_col = len(lines[i]) - len(match.group("args")) + 1
        blocks.append(Block(match.group("args"), "\n".join(body), Location(path, i + 1, args_col),
                            Location(path, i + 2, 1), i, j, match.group("indent")))
        i = j
    return blocks


def _option_as_yaml(line: str) -> str:
    """``:key: value`` → ``key: "value"`` as Sphinx reads it (:func:`option_line`), the key on the colon's column."""
    match = _MYST_OPTION.match(line)
    if not match:
        return line
    col = line.index(":")
    return line[:col] + option_line(line[col + 1:match.end() - 1], line[match.end():])
