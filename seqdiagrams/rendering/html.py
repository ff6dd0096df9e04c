"""HTML wrappers around finished output, from Jinja templates with autoescaping on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import jinja2
import markupsafe


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("seqdiagrams.rendering", "templates"),
        autoescape=True,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


@dataclass(frozen=True)
class Stepper:
    """The step-through controls of a figure: its step captions and the words of the controls (block language).

    ``status`` is the announced line with ``{k}``, ``{n}`` and ``{caption}`` left for the page script to fill."""

    captions: tuple[str, ...]
    previous: str
    next: str
    status: str


def figure(body: str, prefix: str, caption: str | markupsafe.Markup, anchor: str, full_size: str | None = None,
           stepper: Stepper | None = None, back: str = "") -> str:
    """A self-contained ``<figure>``: trusted rendered ``body`` (an inline SVG, a table…) and a caption (text,
    or ``Markup`` already escaped and typeset).

    ``full_size`` (the toggle's text) adds the full-size view of a figure wider than a text column: a
    ``<details>`` before the SVG that the stylesheet turns into "let the SVG overflow, scrolled sideways".
    A native disclosure is keyboard operable and announced as expanded/collapsed, and needs no script.
    ``stepper`` adds previous/next controls, an ``aria-live`` status and the step captions, all ``hidden`` until
    the page's step script shows them: without it the reader sees the complete figure. ``back`` is the text of
    the link the page script adds to an equation of a formula section back to the node that computes it.
    """
    return _env().get_template("figure.html").render(
        body=markupsafe.Markup(body), prefix=prefix, caption=caption, anchor=anchor, full_size=full_size,
        stepper=stepper, back=back,
    )


def error_box(message: str, location: str, hint: str | None, source: str) -> str:
    """A visible, escaped error admonition shown in place of a block that failed (non-strict builds)."""
    return _env().get_template("error.html").render(message=message, location=location, hint=hint, source=source)
