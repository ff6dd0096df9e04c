"""HTML wrappers around finished output, from Jinja templates with autoescaping on."""

from __future__ import annotations

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


def figure(body: str, prefix: str, caption: str | markupsafe.Markup, anchor: str, full_size: str | None = None) -> str:
    """A self-contained ``<figure>``: trusted rendered ``body`` (an inline SVG, a table…) and a caption (text,
    or ``Markup`` already escaped and typeset).

    ``full_size`` (the toggle's text) adds the full-size view of a figure wider than a text column: a
    ``<details>`` before the SVG that the stylesheet turns into "let the SVG overflow, scrolled sideways".
    A native disclosure is keyboard operable and announced as expanded/collapsed, and needs no script.
    """
    return _env().get_template("figure.html").render(
        body=markupsafe.Markup(body), prefix=prefix, caption=caption, anchor=anchor, full_size=full_size
    )


def error_box(message: str, location: str, hint: str | None, source: str) -> str:
    """A visible, escaped error admonition shown in place of a block that failed (non-strict builds)."""
    return _env().get_template("error.html").render(message=message, location=location, hint=hint, source=source)
