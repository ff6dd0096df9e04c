"""Located diagnostics shared by every front end.

The parser, the registry loader and the renderers never print or log: they raise
:class:`SpecError` carrying one :class:`Diagnostic`. Each host (CLI, Markdown,
MkDocs, Sphinx) only *formats* it, so a bad block reads the same everywhere:
``page.md:12:24: unknown key `unrol` for subject `rnn` (did you mean `unroll`?)``.
"""

from __future__ import annotations

import difflib
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

MAX_BUG_TEXT = 160
"""Longest excerpt of an unexpected exception's message quoted in an internal-error diagnostic."""


class Subtype(str, Enum):
    """What kind of problem a diagnostic reports; hosts use it for warning filters."""

    SYNTAX = "syntax"
    """Malformed info string: unterminated quote, missing `=`, stray characters."""
    UNKNOWN_SUBJECT = "unknown_subject"
    """The first word after `seqarch` names no subject."""
    UNKNOWN_KEY = "unknown_key"
    """A key the subject does not accept."""
    BAD_VALUE = "bad_value"
    """A value of the wrong type or not among the allowed choices."""
    OUT_OF_RANGE = "out_of_range"
    """A number outside its documented bounds."""
    TOO_LARGE = "too_large"
    """A block, body, list or string over its size limit."""
    YAML = "yaml"
    """The YAML body cannot be read, or uses anchors/aliases or excessive nesting."""
    REGISTRY = "registry"
    """A registry file (packaged or user overlay) does not match its schema."""
    RENDER = "render"
    """A renderer failed on an otherwise valid block."""
    HIGHLIGHT = "highlight"
    """A ``highlight`` item matches nothing in the figure: a warning (the figure is right, the emphasis is
    lost), an error where the host is strict."""
    MISSING = "missing"
    """This installation lacks something rendering needs (Graphviz, the KaTeX engine, a vendored file):
    not the block's fault; the message names what is missing and the hint how to get it."""
    INTERNAL = "internal"
    """A bug in seqdiagrams met while handling the block: not the block's fault either."""


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based position in a user's file. ``path`` is None for text without a file."""

    path: str | None = None
    line: int = 1
    col: int = 1

    def shifted(self, lines: int = 0, col: int | None = None) -> Location:
        """The location ``lines`` further down, at column ``col`` (or the same column)."""
        return replace(self, line=self.line + lines, col=self.col if col is None else col)

    def __str__(self) -> str:
        prefix = f"{self.path}:" if self.path else "<block>:"
        return f"{prefix}{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    """One problem, where it is, and what to do about it."""

    subtype: Subtype
    message: str
    loc: Location
    hint: str | None = None

    def format(self, severity: str = "") -> str:
        """``file:line:col: [severity: ]message (hint)``, the form compilers and editors understand."""
        text = f"{self.loc}: {severity + ': ' if severity else ''}{self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class SpecError(ValueError):
    """Raised for any invalid user input; carries a located :class:`Diagnostic`."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic

    @classmethod
    def at(cls, subtype: Subtype, message: str, loc: Location, hint: str | None = None) -> SpecError:
        """Shorthand used by validators: ``raise SpecError.at(Subtype.X, "...", loc)``."""
        return cls(Diagnostic(subtype, message, loc, hint))


def shown(text: object) -> str:
    """``text`` quoted back to the user safely: control and other invisible characters as ``\\x1b``-style
    escapes, so a diagnostic cannot drive a terminal or hide what was written."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in str(text))


def did_you_mean(word: str, candidates: Iterable[str], written: Mapping[str, str] | None = None) -> str | None:
    """A hint naming the closest candidate, or listing the choices when none is close.

    ``written`` says how a candidate is written where it differs from its name (``set=lstm-1997``
    when one key's value may also be meant for another key).
    """
    ordered = sorted(candidates)
    spell = written or {}
    same = [c for c in ordered if c.lower() == word.lower()]  # `Mamba`, `GPT`: only the case is wrong
    close = same or difflib.get_close_matches(word, ordered, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{spell.get(close[0], close[0])}`?"
    if len(ordered) <= 12:
        return "expected one of: " + ", ".join(f"`{spell.get(c, c)}`" for c in ordered)
    return None


def internal_error(exc: BaseException, loc: Location) -> SpecError:
    """The diagnostic of an exception no check anticipated: a bug, reported at the block that met it."""
    text = shown(" ".join(str(exc).split()))
    if len(text) > MAX_BUG_TEXT:
        text = text[:MAX_BUG_TEXT] + "…"
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return SpecError.at(Subtype.INTERNAL, f"internal error in seqdiagrams ({detail})", loc,
                        "this is a bug in seqdiagrams, not a mistake in the block; please report it with the block")


@contextmanager
def at_block(loc: Location) -> Iterator[None]:
    """Handle one block at ``loc`` so that only a located :class:`SpecError` comes out.

    Code that does not know the block (a missing Graphviz, KaTeX engine or vendored file is found
    deep in the renderers) raises at the empty ``Location()``; its diagnostic is moved to the block.
    Any other exception is a bug: it becomes an :attr:`Subtype.INTERNAL` diagnostic (the original
    chained as its cause), so one block's failure is a located report rather than a traceback that
    stops the whole build.
    """
    try:
        yield
    except SpecError as exc:
        if exc.diagnostic.loc != Location() or loc == Location():
            raise
        raise SpecError(replace(exc.diagnostic, loc=loc)) from exc
    except Exception as exc:  # the point: nothing but a located diagnostic leaves a block
        raise internal_error(exc, loc) from exc
