"""Finding seqarch blocks in Markdown, MyST and reStructuredText, with exact file:line:col locations."""

from __future__ import annotations

import textwrap

import pytest

from seqdiagrams.errors import Location, SpecError
from seqdiagrams.scan import Block, scan_file, scan_markdown, scan_rst
from seqdiagrams.spec import parse_parts


def md(text: str) -> list[Block]:
    return scan_markdown(textwrap.dedent(text), "page.md")


def spec_of(block: Block):
    return parse_parts(block.info, block.body, block.info_loc, block.body_loc)


def error_of(block: Block) -> Location:
    with pytest.raises(SpecError) as info:
        spec_of(block)
    return info.value.diagnostic.loc


def info_starts_at_its_location(text: str, block: Block) -> bool:
    """``info_loc`` is where ``block.info`` begins in the page (so parse errors map straight back)."""
    line = text.splitlines()[block.info_loc.line - 1]
    return line[block.info_loc.col - 1:].startswith(block.info)


# -- Markdown fences that are blocks -------------------------------------------------------------------


def test_backtick_fence():
    text = "# Title\n\n```seqarch rnn unroll=3\ncaption: hi\n```\n"
    [block] = scan_markdown(text, "page.md")
    assert block.info.split() == ["rnn", "unroll=3"]
    assert block.body == "caption: hi"
    assert block.info_loc == Location("page.md", 3, 11)
    assert block.body_loc == Location("page.md", 4, 1)
    assert (block.start, block.end, block.indent) == (2, 5, "")
    assert info_starts_at_its_location(text, block)


def test_tilde_fence():
    text = "intro\n\n~~~seqarch lstm\n~~~\n"
    [block] = scan_markdown(text, "page.md")
    assert block.info.strip() == "lstm"
    assert block.info_loc == Location("page.md", 3, 11)
    assert info_starts_at_its_location(text, block)


def test_longer_fence_and_bare_seqarch():
    [block] = md("````seqarch\n````\n")
    assert block.info == ""
    assert block.info_loc == Location("page.md", 1, 12)


@pytest.mark.parametrize(("text", "subject_col", "key_loc"), [
    pytest.param("```seqarch rnnn\n```\n", 12, None, id="subject"),
    pytest.param("```seqarch rnn unrol=3\n```\n", None, (1, 16), id="info-key"),
    pytest.param("```seqarch rnn\nlayers: 2\nunrol: 3\n```\n", None, (3, 1), id="body-key"),
])
def test_parse_errors_point_into_the_page(text, subject_col, key_loc):
    [block] = scan_markdown(text, "page.md")
    loc = error_of(block)
    expected = (1, subject_col) if subject_col else key_loc
    assert (loc.path, loc.line, loc.col) == ("page.md", *expected)


def test_admonition():
    text = textwrap.dedent("""\
        !!! note "Unrolled"
            Some text.

            ```seqarch gru
            unrol: 3
            ```
        """)
    [block] = scan_markdown(text, "page.md")
    assert block.info_loc == Location("page.md", 4, 15)
    assert block.body_loc == Location("page.md", 5, 5)
    assert block.indent == "    "
    assert block.body == "unrol: 3"
    assert error_of(block) == Location("page.md", 5, 5)


def test_content_tabs():
    text = textwrap.dedent("""\
        === "RNN"

            ```seqarch rnn unroll=2
            ```

        === "LSTM"

            ```seqarch lstm
            ```
        """)
    blocks = scan_markdown(text, "page.md")
    assert [b.info.strip() for b in blocks] == ["rnn unroll=2", "lstm"]
    assert [b.info_loc for b in blocks] == [Location("page.md", 3, 15), Location("page.md", 8, 15)]
    assert all(info_starts_at_its_location(text, b) for b in blocks)


@pytest.mark.parametrize("text", [
    pytest.param("- item\n\n    ```seqarch rnn\n    ```\n", id="loose-list"),
    pytest.param("1. item\n   ```seqarch rnn\n   ```\n", id="ordered-list"),
    pytest.param("> quote\n> more\n\n- a\n- b\n\n    ```seqarch rnn\n    ```\n", id="after-quote"),
])
def test_fence_inside_a_list(text):
    [block] = scan_markdown(text, "page.md")
    assert block.info.strip() == "rnn"
    assert info_starts_at_its_location(text, block)


def test_several_blocks_keep_their_order_and_lines():
    blocks = md("""\
        ```seqarch rnn
        ```

        text

        ```seqarch gru
        ```
        """)
    assert [(b.info.strip(), b.info_loc.line, b.start, b.end) for b in blocks] == [("rnn", 1, 0, 2), ("gru", 6, 5, 7)]


def test_line_offset_shifts_every_line():
    text = "x\n\n```seqarch rnn\nunroll: 2\n```\n"
    [block] = scan_markdown(text, "page.md", line_offset=5)
    assert block.info_loc == Location("page.md", 8, 11)
    assert block.body_loc == Location("page.md", 9, 1)
    assert (block.start, block.end) == (2, 5)  # indices into the text given, unshifted


def test_unclosed_fence_runs_to_the_end():
    [block] = md("```seqarch rnn\nunroll: 3\n")
    assert block.body == "unroll: 3"
    assert block.end == 2


# -- things that only look like blocks -------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    pytest.param("````markdown\n```seqarch rnn\n```\n````\n", id="nested-in-longer-backtick-fence"),
    pytest.param("~~~~\n~~~seqarch rnn\n~~~\n~~~~\n", id="nested-in-longer-tilde-fence"),
    pytest.param("~~~markdown\n```seqarch rnn\n```\n~~~\n", id="nested-in-tilde-fence"),
    pytest.param("```python\nx = 1\n```\n\n````md\n```seqarch rnn\n```\n````\n", id="after-another-fence"),
    pytest.param("<!-- ```seqarch rnn unroll=6 ``` -->\n", id="single-line-comment"),
    pytest.param("<!--\n```seqarch rnn\n```\n-->\n", id="multi-line-comment"),
    pytest.param("<!-- draft\n\n```seqarch rnn\n```\n\nend -->\n", id="comment-with-blank-lines"),
    pytest.param("```seqarchive rnn\n```\n", id="seqarchive"),
    pytest.param("```seqarch-like rnn\n```\n", id="seqarch-dash"),
    pytest.param("``` python seqarch rnn\n```\n", id="seqarch-not-first"),
])
def test_not_a_block(text):
    assert scan_markdown(text, "page.md") == []


def test_block_after_a_comment_is_found():
    [block] = md("<!-- note -->\n```seqarch rnn\n```\n")
    assert block.info_loc.line == 2


def test_block_after_a_fence_that_shows_source_is_found():
    blocks = md("````markdown\n```seqarch rnn\n```\n````\n\n```seqarch gru\n```\n")
    assert [b.info.strip() for b in blocks] == ["gru"]
    assert blocks[0].info_loc.line == 6


@pytest.mark.parametrize("text", [
    "Para.\n\n    ```seqarch rnn\n    ```\n",
    "    ```seqarch rnn\n    ```\n",
], ids=["after-paragraph", "at-start"])
def test_indented_code_block_is_not_a_block(text):
    assert scan_markdown(text, "page.md") == []


def test_indented_code_block_hides_fences_that_follow_it_in_the_code():
    assert md("para\n\n    code\n    ~~~seqarch rnn\n    ~~~\n") == []


# -- line endings and files ----------------------------------------------------------------------------


def test_crlf_text():
    [block] = scan_markdown("a\r\n\r\n```seqarch rnn unroll=3\r\nlayers: 2\r\n```\r\n", "page.md")
    assert block.body == "layers: 2"
    assert block.info_loc == Location("page.md", 3, 11)
    assert spec_of(block)["layers"] == 2


def test_scan_file_with_bom_and_crlf(tmp_path):
    path = tmp_path / "page.md"
    path.write_bytes("\ufeff# T\r\n\r\n```seqarch rnn unroll=3\r\nlayers: 2\r\n```\r\n".encode())
    [block] = scan_file(path)
    assert block.info_loc == Location(str(path), 3, 11)
    spec = spec_of(block)
    assert (spec["unroll"], spec["layers"]) == (3, 2)


def test_scan_file_picks_rst_by_suffix(tmp_path):
    path = tmp_path / "page.rst"
    path.write_text("Title\n=====\n\n.. seqarch:: gru\n", encoding="utf-8")
    [block] = scan_file(path)
    assert block.info.strip() == "gru"
    assert block.info_loc.path == str(path)


# -- MyST -------------------------------------------------------------------------------------------------


def test_myst_directive_with_option_lines():
    text = "Text\n\n```{seqarch} rnn\n:unroll: 3\n:caption: Hi there\n```\n"
    [block] = scan_markdown(text, "page.md")
    assert block.info_loc == Location("page.md", 3, 13)
    spec = spec_of(block)
    assert (spec["unroll"], spec["caption"]) == (3, "Hi there")
    assert spec.location_of("unroll") == Location("page.md", 4, 1)
    assert spec.location_of("caption") == Location("page.md", 5, 1)


def test_myst_option_error_points_at_the_option():
    [block] = md("```{seqarch} rnn\n:unrol: 3\n```\n")
    assert error_of(block) == Location("page.md", 2, 1)


def test_myst_options_and_body_together():
    [block] = md("```{seqarch} rnn\n:unroll: 3\n\nlayers: 2\n```\n")
    spec = spec_of(block)
    assert (spec["unroll"], spec["layers"]) == (3, 2)


# -- reStructuredText --------------------------------------------------------------------------------------

RST = """\
Title
=====

.. seqarch:: rnn unroll=3
   :caption: Hi

After.

.. note::

   .. seqarch:: lstm
      :view: unrolled

   Text in the note.
"""


def test_rst_directive_with_option():
    first, _ = scan_rst(RST, "page.rst")
    assert first.info.strip() == "rnn unroll=3"
    assert first.info_loc == Location("page.rst", 4, 13)
    assert first.body_loc == Location("page.rst", 5, 1)
    assert (first.start, first.end) == (3, 5)
    assert info_starts_at_its_location(RST, first)
    spec = spec_of(first)
    assert (spec["unroll"], spec["caption"]) == (3, "Hi")
    assert spec.location_of("unroll") == Location("page.rst", 4, 18)
    assert spec.location_of("caption") == Location("page.rst", 5, 4)


def test_rst_directive_nested_under_another_directive():
    _, nested = scan_rst(RST, "page.rst")
    assert nested.info_loc == Location("page.rst", 11, 16)
    assert nested.indent == "   "
    assert (nested.start, nested.end) == (10, 12)
    assert info_starts_at_its_location(RST, nested)
    spec = spec_of(nested)
    assert spec["view"] == "unrolled"
    assert spec.location_of("view") == Location("page.rst", 12, 7)


def test_rst_content_body():
    text = ".. seqarch:: rnn unroll=3\n\n   layers: 2\n   outputs: last\n\nPara.\n"
    [block] = scan_rst(text, "page.rst")
    spec = spec_of(block)
    assert (spec["layers"], spec["outputs"]) == (2, "last")
    assert spec.location_of("outputs") == Location("page.rst", 4, 4)
    assert block.end == 4


def test_rst_option_error_is_located():
    [block] = scan_rst(".. seqarch:: rnn\n   :unrol: 3\n", "page.rst")
    assert error_of(block) == Location("page.rst", 2, 4)


@pytest.mark.parametrize("text", [
    ".. seqarch:: rnn\n   :unroll: 3\n   :caption: Hi\n\n   layers: 2\n",
    ".. note::\n\n   .. seqarch:: rnn\n      :unroll: 3\n      :caption: Hi\n\n      layers: 2\n",
], ids=["top-level", "nested"])
def test_rst_options_and_content_body_together(text):
    [block] = scan_rst(text, "page.rst")
    spec = spec_of(block)
    assert (spec["unroll"], spec["caption"], spec["layers"]) == (3, "Hi", 2)


def test_rst_other_directives_are_ignored():
    assert scan_rst(".. note:: seqarch rnn\n\n.. code-block:: text\n\n   seqarch rnn\n", "page.rst") == []
