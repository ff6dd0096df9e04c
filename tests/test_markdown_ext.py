"""The Python-Markdown extension on tricky Markdown: what is a block, what is left alone, and errors."""

from __future__ import annotations

import logging
import re

import markdown
import pytest

from seqdiagrams.errors import SpecError
from seqdiagrams.markdown_ext import SeqarchExtension

BLOCK = "```seqarch rnn unroll=2\n```\n"


def convert(text: str, *extensions: str, **config) -> str:
    md = markdown.Markdown(extensions=[SeqarchExtension(**config), *extensions])
    return md.convert(text)


def figures(html: str) -> int:
    return html.count('<figure class="sqd-figure"')


def test_registered_by_name() -> None:
    html = markdown.markdown(BLOCK, extensions=["seqdiagrams"])
    assert figures(html) == 1
    assert "<pre>" not in html


def test_output_is_self_contained() -> None:
    html = convert(BLOCK)
    assert "<style>" in html and "--sqd-state-fill" in html  # styles travel with the figure
    assert re.search(r'<svg [^>]*role="img"', html)
    assert "<title id=" in html and "<desc id=" in html
    assert "<figcaption>" in html


def test_two_blocks_on_a_page_get_distinct_ids() -> None:
    html = convert(BLOCK + "\n" + BLOCK)
    ids = re.findall(r'<svg [^>]*id="([^"]+)"', html)
    assert len(ids) == 2 and ids[0] != ids[1]


@pytest.mark.parametrize("text", [
    pytest.param("````markdown\n" + BLOCK + "````\n", id="nested-in-longer-fence"),
    pytest.param("~~~text\n" + BLOCK + "~~~\n", id="nested-in-tilde-fence"),
    pytest.param("Para.\n\n    ```seqarch rnn\n    ```\n", id="indented-code"),
    pytest.param("<!--\n" + BLOCK + "-->\n", id="html-comment"),
])
def test_shown_source_is_left_alone(text: str) -> None:
    html = convert(text, "pymdownx.superfences")
    assert figures(html) == 0
    assert "seqarch" in html  # still shown as source


def test_inside_admonition() -> None:
    html = convert("!!! note\n\n    ```seqarch rnn\n    ```\n", "admonition")
    assert re.search(r'<div class="admonition note">.*<figure class="sqd-figure"', html, re.S)


def test_inside_tabs_with_superfences() -> None:
    text = '=== "A"\n\n    ```seqarch rnn\n    ```\n\n=== "B"\n\n    ```python\n    x = 1\n    ```\n'
    html = convert(text, "pymdownx.superfences", "pymdownx.tabbed")
    assert figures(html) == 1
    assert 'class="tabbed-set' in html
    assert "x = 1" in re.sub(r"<[^>]+>", "", html)


def test_inside_list_item() -> None:
    html = convert("- item\n\n    ```seqarch gru\n    ```\n")
    assert re.search(r"<li>.*<figure", html, re.S)


def test_coexists_with_attr_list_toc_and_arithmatex() -> None:
    text = "# Title {#top}\n\n$h_t = \\tanh(x)$\n\n" + BLOCK
    html = convert(text, "attr_list", "toc", "pymdownx.arithmatex")
    assert 'id="top"' in html
    assert 'class="arithmatex"' in html
    assert figures(html) == 1


@pytest.mark.parametrize("text", [
    pytest.param(BLOCK.replace("\n", "\r\n"), id="crlf"),
    pytest.param("\ufeff" + BLOCK, id="bom"),
    pytest.param("\t```seqarch rnn\n\t```\n", id="tab-indented-at-start"),
])
def test_line_ending_and_whitespace_variants(text: str) -> None:
    html = convert(text)
    expected = 0 if text.startswith("\t") else 1  # a tab indent is an indented code block
    assert figures(html) == expected


def test_bad_block_shows_error_box_and_reports(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="seqdiagrams"):
        html = convert("Intro\n\n```seqarch rnn unrol=3\n```\n\n" + BLOCK)
    assert 'class="admonition failure sqd-error"' in html
    assert "unknown key `unrol`" in html
    assert "did you mean `unroll`?" in html
    assert figures(html) == 1  # one broken block does not break the next
    assert any("<block>:3:16" in r.getMessage() for r in caplog.records)


def test_error_box_escapes_the_source() -> None:
    html = convert('```seqarch rnn caption="<script>alert(1)</script>" bogus=1\n```\n')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_strict_option_raises() -> None:
    with pytest.raises(SpecError):
        convert("```seqarch rnnn\n```\n", strict=True)


def test_site_language_is_the_default_but_blocks_win() -> None:
    html = convert(BLOCK + "\n```seqarch rnn lang=en\n```\n", lang="zh")
    first, second = html.split('<figure class="sqd-figure"')[1:]
    assert "隐藏状态" in first
    assert "hidden state" in second


def test_site_theme_option() -> None:
    assert "sqd-theme-dark" in convert(BLOCK, theme="dark")


def test_unknown_option_is_rejected() -> None:
    with pytest.raises(ValueError, match="lang"):
        SeqarchExtension(lang="fr")


# -- pymdownx.superfences options: blocks are found whatever they are -----------------------------------

MATRIX_PAGE = """\
# Matrix

```seqarch rnn unroll=2
```

```seqarch lstm unrol=2
```

=== "Tab"

    ```seqarch gru lang=zh
    ```

=== "Code"

    ```python
    if x:
    \treturn 1
    ```

--8<-- "included.md"

````markdown
```seqarch lstm
```
````
"""


@pytest.mark.parametrize("preserve_tabs", [False, True])
@pytest.mark.parametrize("relaxed_headers", [False, True])
def test_superfences_options_never_hide_blocks(tmp_path, caplog, preserve_tabs: bool, relaxed_headers: bool) -> None:
    (tmp_path / "included.md").write_text("```seqarch attention mask=causal\n```\n", encoding="utf-8")
    md = markdown.Markdown(
        extensions=[SeqarchExtension(), "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.snippets"],
        extension_configs={"pymdownx.superfences": {"preserve_tabs": preserve_tabs,
                                                    "relaxed_headers": relaxed_headers},
                           "pymdownx.snippets": {"base_path": [str(tmp_path)]}})
    with caplog.at_level(logging.WARNING, logger="seqdiagrams"):
        html = md.convert(MATRIX_PAGE)
    assert figures(html) == 3  # top level, inside a tab, from a snippet
    assert "隐藏状态" in html  # the tab's block kept its own lang
    assert html.count("sqd-error") == 1 and "did you mean `unroll`?" in html
    assert [r.getMessage() for r in caplog.records if "unrol" in r.getMessage()] == [
        "seqdiagrams: <block>:6:17: unknown key `unrol` for subject `lstm` (did you mean `unroll`?)"]
    text = html_text(html)
    assert "```seqarch lstm" in text  # shown source stays source
    assert ("\treturn 1" in text) is preserve_tabs  # superfences' own option still applies
    assert "seqarch-block-" not in html


def html_text(html: str) -> str:
    import html as html_lib

    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


class _Swallow(markdown.preprocessors.Preprocessor):
    """An extension that removes lines it does not understand, between our finder and our placer."""

    def run(self, lines: list[str]) -> list[str]:
        return [line for line in lines if not line.startswith("seqarch-block-")]


def test_a_block_hidden_by_another_extension_is_an_error(caplog) -> None:
    ext = SeqarchExtension()
    md = markdown.Markdown(extensions=[ext])
    md.preprocessors.register(_Swallow(md), "swallow", 29)
    with caplog.at_level(logging.WARNING, logger="seqdiagrams"):
        md.convert("Intro\n\n" + BLOCK)
    assert ext.stats.errors == 1 and ext.stats.blocks == 1
    assert any("<block>:3:11: another Markdown extension removed this seqarch block" in r.getMessage()
               for r in caplog.records)
    strict = SeqarchExtension(strict=True)
    md = markdown.Markdown(extensions=[strict])
    md.preprocessors.register(_Swallow(md), "swallow", 29)
    with pytest.raises(SpecError, match="removed this seqarch block"):
        md.convert(BLOCK)
