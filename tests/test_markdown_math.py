"""The page's own math typeset as stages of Python-Markdown: tree elements and superfences math fences."""

from __future__ import annotations

import markdown
import pymdownx.arithmatex
import pytest

from seqdiagrams import markdown_math
from seqdiagrams.errors import Diagnostic, Location, SpecError, Subtype
from seqdiagrams.markdown_ext import SeqarchExtension
from seqdiagrams.rendering.katex import render_math

MATH_FENCES = {"custom_fences": [{"name": "math", "class": "arithmatex",
                                  "format": pymdownx.arithmatex.arithmatex_fenced_format(which="generic")}]}


def page_markdown(extension: SeqarchExtension) -> markdown.Markdown:
    return markdown.Markdown(extensions=["pymdownx.arithmatex", "pymdownx.superfences", "toc", extension],
                             extension_configs={"pymdownx.arithmatex": {"generic": True},
                                                "pymdownx.superfences": MATH_FENCES})


def test_math_fences_of_superfences_are_typeset_in_the_stash() -> None:
    extension = SeqarchExtension(katex="page")
    html = page_markdown(extension).convert("Text.\n\n```math\na < b\n```\n\nAnd $x$.\n")
    assert '<div class="sqd-math">' + render_math("a < b", True) + "</div>" in html
    assert '<span class="sqd-math">' + render_math("x", False) + "</span>" in html
    assert "arithmatex" not in html
    assert extension.stats.math == 2


def test_heading_math_is_latex_for_the_table_of_contents_and_katex_on_the_page() -> None:
    md = page_markdown(SeqarchExtension(katex="page"))
    html = md.convert("# Cost $x<y$ here\n")
    assert md.toc_tokens[0]["name"] == "Cost x&lt;y here"  # type: ignore[attr-defined]
    assert md.toc_tokens[0]["id"] == "cost-xy-here"  # type: ignore[attr-defined]
    assert render_math("x<y", False) in html


def test_without_an_engine_the_math_is_left_to_the_browser(monkeypatch) -> None:
    def no_engine(*args: object, **kwargs: object) -> None:
        raise SpecError(Diagnostic(Subtype.RENDER, "no KaTeX engine", Location()))

    monkeypatch.setattr(markdown_math, "render_many", no_engine)
    extension = SeqarchExtension(katex="page")
    reported: list[Diagnostic] = []
    extension.report = reported.append
    html = page_markdown(extension).convert("Text $x$.\n\n```math\ny\n```\n")
    assert '<span class="arithmatex">\\(x\\)</span>' in html
    assert '<div class="arithmatex">\\[\ny\n\\]</div>' in html
    assert [d.message for d in reported] == ["no KaTeX engine"]
    assert extension.stats.math == 0


@pytest.mark.parametrize("text", ["`$x$` and ``\\(y\\)``\n", "    $x$\n"], ids=["code-span", "indented-code"])
def test_code_keeps_its_dollars(text: str) -> None:
    extension = SeqarchExtension(katex="page")
    markdown.Markdown(extensions=[extension]).convert("Para.\n\n" + text)
    assert extension.stats.math == 0
