"""``seqdiagrams regen``: keep generated content in Markdown files current between marker comments.

::

    <!-- seqarch table archs=rnn,lstm,transformer -->

    | generated: the block's Markdown rendering |

    <!-- /seqarch -->

The opening marker's text after ``<!--`` is an ordinary info string (DESIGN.md §1), so any subject
whose formats include ``md`` may be used. Only the lines between a marker pair are rewritten; the
rest of the file is kept byte for byte: line endings (LF, CRLF, CR), a byte-order mark (UTF-8 or
UTF-16) and even bytes that are not valid UTF-8. Markers inside code blocks, fenced or indented, are
ignored: "is this line code?" has one answer, :func:`seqdiagrams.scan.markdown_regions`. A malformed
marker (bad info string, not on one line, text after it), an unclosed, nested or stray one is an
error located at ``file:line:col``, and its file is left untouched. A file is replaced atomically
(:func:`seqdiagrams.atomic.write_atomic`), and only when its content changes.

Generated lines follow one blank line after the opening marker and precede one blank line before
the closing marker; they take the opening marker's indentation and line ending.

A region is generated in its marker's ``lang=``, else the file's front matter ``lang`` (as on a
MkDocs page), else the default passed in (``--lang``, or the site's ``lang`` read from a
``mkdocs.yml`` by the CLI), else English: the file reads as the site shows it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import yaml

from seqdiagrams.atomic import write_atomic
from seqdiagrams.errors import Diagnostic, Location, SpecError, Subtype
from seqdiagrams.options import SiteOptions, page_lang
from seqdiagrams.rendering.renderer import Renderer
from seqdiagrams.scan import markdown_regions
from seqdiagrams.spec import parse_parts
from seqdiagrams.subjects import get_subject

if TYPE_CHECKING:
    from pathlib import Path

    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec

STALE = "stale seqarch region (run seqdiagrams regen)"
"""What ``--check`` prints after ``file:line:`` for each region whose content is out of date."""

_EOL = re.compile(r"\r\n|\r|\n")
_MARKER = re.compile(r"(?P<indent>[ \t]*)<!--(?P<inner>.*?)-->(?P<rest>.*)")
_OPENING = re.compile(r"\s*seqarch(?=\s|-->|$)")
_CLOSING = re.compile(r"\s*/seqarch(?=\s|-->|$)")
_ENCODINGS = ((codecs.BOM_UTF8, "utf-8", "surrogateescape"),
              (codecs.BOM_UTF16_LE, "utf-16-le", "surrogatepass"),
              (codecs.BOM_UTF16_BE, "utf-16-be", "surrogatepass"))
_PLAIN = (b"", "utf-8", "surrogateescape")
"""No BOM: UTF-8, with undecodable bytes carried through unchanged."""


@dataclass(frozen=True)
class Region:
    """A marker pair: the block it names and the span of text between the two marker lines."""

    line: int
    """1-based line of the opening marker."""
    start: int
    """Offset of the first character after the opening marker's line ending."""
    end: int
    """Offset where the closing marker's line begins."""
    spec: Spec
    indent: str
    eol: str


@dataclass
class Outcome:
    """Regenerating one text: the new text, how many regions, which are stale, and any errors."""

    text: str
    regions: int = 0
    stale: list[int] = field(default_factory=list)
    """Lines of the opening markers whose content was out of date."""
    errors: list[Diagnostic] = field(default_factory=list)


@dataclass(frozen=True)
class _Open:
    line: int
    index: int
    loc: Location
    spec: Spec | None
    indent: str


def regen_text(text: str, registry: Registry, path: str | None = None, lang: str | None = None) -> Outcome:
    """``text`` with every marked region regenerated; with errors, the text is returned unchanged.

    ``lang`` is the default language of regions whose marker has no ``lang=`` (the front matter's wins).
    """
    regions, errors = _regions(text, path)
    if errors:
        return Outcome(text, len(regions), errors=errors)
    outcome = Outcome(text, len(regions))
    renderer = Renderer(SiteOptions(lang=_front_matter_lang(text) or lang or "en"), registry)
    pieces: list[str] = []
    pos = 0
    for region in regions:
        try:
            fresh = _generated(region, renderer)
        except SpecError as exc:
            outcome.errors.append(exc.diagnostic)
            continue
        if text[region.start:region.end] != fresh:
            outcome.stale.append(region.line)
        pieces += [text[pos:region.start], fresh]
        pos = region.end
    if outcome.errors:
        outcome.stale = []
        return outcome
    outcome.text = "".join([*pieces, text[pos:]])
    return outcome


def regen_bytes(data: bytes, registry: Registry, path: str | None = None,
                lang: str | None = None) -> tuple[bytes, Outcome]:
    """The file content ``data`` regenerated, in its own encoding, BOM and line endings."""
    bom, codec, handler = next((e for e in _ENCODINGS if data.startswith(e[0])), _PLAIN)
    try:
        text = data[len(bom):].decode(codec, handler)
    except UnicodeDecodeError as exc:
        diagnostic = Diagnostic(Subtype.SYNTAX, f"cannot decode the file as {codec}: {exc.reason}", Location(path))
        return data, Outcome("", errors=[diagnostic])
    outcome = regen_text(text, registry, path, lang)
    if outcome.errors or outcome.text == text:
        return data, outcome
    return bom + outcome.text.encode(codec, handler), outcome


def regen_file(path: Path, registry: Registry, check: bool = False, lang: str | None = None) -> tuple[Outcome, bool]:
    """Regenerate ``path`` in place (unless ``check``); returns the outcome and whether the file was written."""
    data = path.read_bytes()
    new, outcome = regen_bytes(data, registry, str(path), lang)
    if check or new == data:
        return outcome, False
    write_atomic(path, new)
    return outcome, True


# -- finding marker pairs ------------------------------------------------------------------------------


def _regions(text: str, path: str | None) -> tuple[list[Region], list[Diagnostic]]:
    lines, starts, eols = _split(text)
    regions: list[Region] = []
    errors: list[Diagnostic] = []
    opened: _Open | None = None
    for comment in markdown_regions(lines):
        if comment.kind != "comment":
            continue
        index = comment.start
        line = lines[index]
        after = line[line.index("<!--") + 4:]
        closing = bool(_CLOSING.match(after))
        if not closing and not _OPENING.match(after):
            continue  # an ordinary comment
        loc = Location(path, index + 1, line.index("<!--") + 1)
        try:
            match = _marker(line, comment.end - comment.start, loc)
            if closing:
                start = _closed(match, opened, loc)
                opened = None
                if start.spec is not None:
                    begin = starts[start.index] + len(lines[start.index]) + len(eols[start.index])
                    regions.append(Region(start.line, begin, starts[index], start.spec, start.indent,
                                          eols[start.index]))
                continue
            if opened is not None:
                raise SpecError.at(Subtype.SYNTAX, "a seqarch marker inside another marker's region", loc,
                                   f"close the region opened on line {opened.line} with `<!-- /seqarch -->` first")
            opened = _Open(index + 1, index, loc, None, match["indent"])  # stays open even if its info is bad
            opened = replace(opened, spec=_spec(line, match, index, path))
        except SpecError as exc:
            errors.append(exc.diagnostic)
    if opened is not None:
        errors.append(Diagnostic(Subtype.SYNTAX, "unclosed seqarch marker", opened.loc,
                                 "end the region with a `<!-- /seqarch -->` line"))
    return regions, errors


def _marker(line: str, span: int, loc: Location) -> re.Match[str]:
    match = _MARKER.fullmatch(line)
    if span > 1 or match is None:
        raise SpecError.at(Subtype.SYNTAX, "a seqarch marker must open and close on one line", loc,
                           "write `<!-- seqarch table ... -->` on a single line")
    if match["rest"].strip():
        raise SpecError.at(Subtype.SYNTAX, "text after a seqarch marker", loc.shifted(0, match.start("rest") + 1),
                           "put the marker on a line of its own")
    return match


def _closed(match: re.Match[str], opened: _Open | None, loc: Location) -> _Open:
    """The opening marker a closing marker ends."""
    if match["inner"].strip() != "/seqarch":
        raise SpecError.at(Subtype.SYNTAX, "the closing marker takes no arguments", loc, "write `<!-- /seqarch -->`")
    if opened is None:
        raise SpecError.at(Subtype.SYNTAX, "closing seqarch marker without an opening one", loc,
                           "remove it, or open the region with `<!-- seqarch table ... -->`")
    return opened


def _spec(line: str, match: re.Match[str], index: int, path: str | None) -> Spec:
    col = line.index("seqarch", match.start("inner")) + 1
    info = match["inner"][col - 1 - match.start("inner"):].rstrip()
    spec = parse_parts(info, "", Location(path, index + 1, col), Location(path, index + 2, 1))
    if "md" not in get_subject(spec.subject).formats:
        subject_col = col + len(info) - len(info.removeprefix("seqarch").lstrip())
        raise SpecError.at(Subtype.BAD_VALUE, f"`{spec.subject}` has no Markdown rendering to keep in a file",
                           spec.loc.shifted(0, subject_col), "regen needs a subject that renders `md`, such as `table`")
    return spec


def _split(text: str) -> tuple[list[str], list[int], list[str]]:
    """Lines (without endings), the offset where each starts, and each one's line ending ("" for the last)."""
    lines: list[str] = []
    starts: list[int] = []
    eols: list[str] = []
    pos = 0
    for match in _EOL.finditer(text):
        lines.append(text[pos:match.start()])
        starts.append(pos)
        eols.append(match.group())
        pos = match.end()
    if pos < len(text):
        lines.append(text[pos:])
        starts.append(pos)
        eols.append("")
    return lines, starts, eols


_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(?P<yaml>.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def _front_matter_lang(text: str) -> str | None:
    """The file's front matter ``lang`` when it is one of ours (the rest of the front matter is not ours)."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return None
    try:
        meta = yaml.safe_load(match["yaml"])
    except yaml.YAMLError:
        return None  # not front matter we can read; MkDocs would not read it either
    return page_lang(meta.get("lang")) if isinstance(meta, dict) else None


def _generated(region: Region, renderer: Renderer) -> str:
    """The region's content: a blank line, the Markdown rendering (indented), a blank line."""
    body = str(renderer.output(region.spec, "md"))
    lines = _EOL.split(body.rstrip("\r\n"))
    eol = region.eol
    return eol + "".join((region.indent + line if line else "") + eol for line in lines) + eol
