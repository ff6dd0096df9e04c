"""Blocks nested in every container a Python-Markdown host renders, from snippets and under front matter:
the scan finds each where the Markdown extension renders it, at the line:col written in the user's file."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seqdiagrams.errors import Diagnostic, Location
from seqdiagrams.markdown_ext import SeqarchExtension, front_matter_lines
from seqdiagrams.scan import scan_markdown, trace_lines

HOST_EXTENSIONS = ["admonition", "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed"]

CONTAINERS: dict[str, tuple[list[str], str, str]] = {
    # kind: (lines that open it, prefix of its content lines, the element it becomes)
    "quote": (["> Quoted text.", ">"], "> ", "blockquote"),
    "bullet": (["- An item.", ""], "    ", "li"),
    "ordered": (["1. An item.", ""], "    ", "ol"),
    "admonition": (['!!! note "Note"', ""], "    ", "admonition"),
    "details": (['??? tip "More"', ""], "    ", "details"),
    "tab": (['=== "Tab"', ""], "    ", "tabbed-set"),
}

BLOCK = ["```seqarch rnnn", "```"]
"""A block whose subject is misspelt: its error names the exact position of ``rnnn``."""


def nest(kinds: list[str], inner: list[str]) -> list[str]:
    """``inner`` placed inside ``kinds``, outermost first."""
    for kind in reversed(kinds):
        opening, prefix, _ = CONTAINERS[kind]
        inner = opening + [prefix + line if line else prefix.rstrip() for line in inner]
    return inner


def page_with(kinds: list[str]) -> tuple[str, int, int]:
    """A page with the block under ``kinds``, and the 1-based line and column of its subject."""
    lines = ["# Page", "", "Intro.", "", *nest(kinds, BLOCK), "", "Outro."]
    index = next(i for i, line in enumerate(lines) if line.endswith("```seqarch rnnn"))
    return "\n".join(lines) + "\n", index + 1, lines[index].index("rnnn") + 1


class _Ancestors(HTMLParser):
    """The open elements (tag and class words) around the first error box of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.found: list[tuple[str, str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if self.found is None and "sqd-error" in cls.split():
            self.found = list(self.stack)
        if tag not in {"p", "br", "hr", "img", "input", "label"}:
            self.stack.append((tag, cls))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"p", "br", "hr", "img", "input", "label"}:
            return
        while self.stack and self.stack.pop()[0] != tag:
            pass


def convert(text: str, **configs: object) -> tuple[str, list[Diagnostic]]:
    extension = SeqarchExtension()
    reported: list[Diagnostic] = []
    extension.report = reported.append
    md = markdown.Markdown(extensions=[extension, *HOST_EXTENSIONS, *configs.pop("more", [])],
                           extension_configs=configs)
    return md.convert(text), reported


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(CONTAINERS)), max_size=3))
def test_a_block_at_any_nesting_is_found_at_its_line(kinds: list[str]) -> None:
    text, line, col = page_with(kinds)
    [block] = scan_markdown(text, "page.md")
    assert block.info_loc.line == line
    assert text.splitlines()[line - 1][block.info_loc.col - 1:] == block.info
    html, [diagnostic] = convert(text)
    assert diagnostic.loc == Location(None, line, col)
    parser = _Ancestors()
    parser.feed(html)
    assert parser.found is not None, html
    elements = [tag if tag in {"blockquote", "li", "ol", "details"} else word
                for tag, cls in parser.found for word in [*cls.split(), tag]]
    expected = [CONTAINERS[kind][2] for kind in kinds]
    found = iter(elements)
    assert all(element in found for element in expected), (expected, parser.found)  # in order, outermost first


def test_each_container_kind_alone() -> None:
    for kind in CONTAINERS:
        text, line, _ = page_with([kind])
        assert [b.info_loc.line for b in scan_markdown(text, "page.md")] == [line], kind


def test_fence_inside_a_blockquote_keeps_the_quote_around_it() -> None:
    text = "> Before.\n>\n> ```seqarch rnnn\n> ```\n>\n> After.\n"
    html, [diagnostic] = convert(text)
    assert diagnostic.loc == Location(None, 3, text.splitlines()[2].index("rnnn") + 1)
    assert html.count("<blockquote>") == 1
    assert html.index("<blockquote>") < html.index("sqd-error") < html.index("After.") < html.index("</blockquote>")


def test_quoted_body_lines_lose_their_markers() -> None:
    [block] = scan_markdown("> > ```seqarch rnn\n> > unroll: 3\n> > ```\n", "page.md")
    assert block.body == "unroll: 3"
    assert block.body_loc == Location("page.md", 2, 5)
    assert block.indent == "> > "


def test_an_unclosed_quoted_fence_ends_with_its_quote() -> None:
    quoted, after = scan_markdown("> ```seqarch rnn\n> unroll: 3\n\n```seqarch gru\n```\n", "page.md")
    assert (quoted.start, quoted.end, quoted.body) == (0, 2, "unroll: 3")
    assert after.info_loc.line == 4


def test_a_closing_fence_must_be_at_the_opening_quote_depth() -> None:
    [block] = scan_markdown("> ```seqarch rnn\n> > ```\n> ```\n", "page.md")
    assert (block.end, block.body) == (3, "> ```")


# -- snippets ---------------------------------------------------------------------------------------------


def snippets_page(tmp_path, page: str, snippet: str) -> tuple[str, list[Diagnostic]]:
    (tmp_path / "part.md").write_text(snippet, encoding="utf-8")
    return convert(page, more=["pymdownx.snippets"], **{"pymdownx.snippets": {"base_path": [str(tmp_path)]}})


def test_a_block_after_a_snippet_keeps_its_page_line(tmp_path) -> None:
    page = 'Intro.\n\n--8<-- "part.md"\n\n```seqarch rnnn\n```\n'
    _, [diagnostic] = snippets_page(tmp_path, page, "One.\n\nTwo.\n\nThree.\n\nFour.\n")
    assert diagnostic.loc == Location(None, 5, 12)  # the page's line 5, not the expanded text's line 11


def test_a_block_from_a_snippet_is_reported_in_the_snippet_file(tmp_path) -> None:
    page = 'Intro.\n\n!!! note\n\n    --8<-- "part.md"\n\nEnd.\n'
    _, [diagnostic] = snippets_page(tmp_path, page, "Text.\n\n```seqarch rnnn\n```\n")
    assert diagnostic.loc == Location(str(tmp_path / "part.md"), 3, 12)  # column as written in the snippet


def test_a_block_from_a_snippet_block_directive(tmp_path) -> None:
    page = "Intro.\n\n--8<--\npart.md\n--8<--\n\n```seqarch gruu\n```\n"
    _, diagnostics = snippets_page(tmp_path, page, "```seqarch rnnn\n```\n")
    assert [d.loc for d in diagnostics] == [Location(str(tmp_path / "part.md"), 1, 12), Location(None, 7, 12)]


# -- front matter ----------------------------------------------------------------------------------------


def test_front_matter_lines_count_what_the_host_removed() -> None:
    raw = "---\ntitle: T\nsummary: |\n  Intro.\n---\n\n\nIntro.\n\n```seqarch rnn\n```\n"
    markdown_text = raw[raw.index("\nIntro.\n\n") + 1:]  # what MkDocs converts: after the blank lines
    assert front_matter_lines(raw, markdown_text) == 7  # the page's text also occurs in the front matter


def test_front_matter_measured_in_the_file_when_a_plugin_rewrote_the_page() -> None:
    raw = "\ufeff---\r\ntitle: T\r\n---\r\n\r\nText.\r\n"
    assert front_matter_lines(raw, "Rewritten text.\n") == 4


def test_no_front_matter() -> None:
    assert front_matter_lines("Text.\n", "Text.\n") == 0
    assert front_matter_lines("Text.\n", "Other.\n") == 0


def test_trace_lines_aligns_the_page_around_what_snippets_inserted() -> None:
    before = ["# T", "", '--8<-- "a.md"', "", "text", "", '--8<-- "b.md"', "", "end"]
    after = ["# T", "", "a1", "", "a2", "", "text", "", "b1", "", "end"]
    origins = trace_lines(before, after)
    assert [o if isinstance(o, int) else (o.start, o.first) for o in origins] == [
        0, 1, (2, 2), (2, 2), (2, 2), 3, 4, 5, (6, 8), 7, 8]
    assert trace_lines(before, before) == list(range(len(before)))
