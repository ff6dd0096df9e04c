"""The search version of a page: each figure's words once, and the page restored around other edits."""

from __future__ import annotations

import html
import re

import pytest

import seqdiagrams
from seqdiagrams.gallery import LANGS, block_in, examples
from seqdiagrams.search import insert, placeholder, restore, search_html, summary, text


def figure(block: str) -> str:
    return str(seqdiagrams.render(block, format="html"))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_summary_reads_every_figure_as_a_full_parse_does() -> None:
    """:func:`summary` skips each drawing but its leading title and description: the same words as reading
    the whole figure, for every example of every subject, in both languages."""
    pieces = [figure(block_in(block, lang)) for _, block in examples() for lang in LANGS]
    assert all(summary(piece) == text(piece) for piece in pieces)
    nested = '<figure class="sqd-figure"><svg><title>Outer</title><svg><title>Inner</title><g>x</g></svg>' \
             "<desc>late</desc></svg><figcaption>Cap</figcaption></figure>"
    assert summary(nested) == text(nested) == "Outer Inner late Cap"


def test_a_diagram_is_its_title_and_description() -> None:
    fig = figure("gru").rstrip("\n")
    title = re.search(r"<title[^>]*>([^<]+)</title>", fig).group(1)
    desc = re.search(r"<desc[^>]*>([^<]+)</desc>", fig).group(1)
    version, figures = search_html(f"<h2>GRU</h2>{fig}<p>After.</p>")
    assert figures == [fig]
    assert text_of(version) == html.unescape(f"GRU {title} {desc} After.")  # caption == title: said once


def test_formulas_are_their_tex_once_and_timelines_lose_their_mermaid_source() -> None:
    formulas, timeline = figure("formulas arch=rnn"), figure("timeline from=2017")
    version, _ = search_html(formulas + timeline)
    words = text_of(version)
    assert words.count(r"h_t = \tanh(W_{xh}x_t + W_{hh}h_{t-1} + b_h)") == 1
    assert "katex" not in version and "<math" not in version
    assert "accTitle" not in words and "section " not in words
    assert "Transformer" in words  # the events' table is text a reader searches


def test_page_without_figures_is_unchanged() -> None:
    page = "<h1>T</h1><figure><img src=x.png><figcaption>Other</figcaption></figure>"
    assert search_html(page) == (page, [])


@pytest.mark.parametrize("edit", [
    pytest.param(lambda html: html, id="untouched"),
    pytest.param(lambda html: html.replace(' data-search-exclude=""', ""), id="another-plugin-edits-the-page"),
])
def test_restore_puts_every_figure_back(edit) -> None:
    figs = [figure("rnn unroll=2"), figure("table archs=rnn,lstm"), figure("rnn unroll=2")]
    page = f'<h1>T</h1>{figs[0]}<div data-search-exclude="">x</div>{figs[1]}<p>p</p>{figs[2]}'
    version, taken = search_html(page)
    assert len(taken) == 3 and "<svg" not in version
    assert restore(edit(version), taken) == edit(page)


def test_the_pages_own_formulas_are_their_tex_once() -> None:
    from seqdiagrams.rendering.cache import DiskCache
    from seqdiagrams.rendering.katex import render_many

    (inline,) = render_many([(r"h_{t-1}", False)], DiskCache())
    page = f"<p>The state {inline} is carried over.</p>{figure('formulas arch=rnn')}"
    version, taken = search_html(page)
    assert text_of(version).startswith("The state h_{t-1} is carried over.")
    assert text_of(version).count("h_{t-1}") == text_of(search_html(figure("formulas arch=rnn"))[0]).count(
        "h_{t-1}") + 1  # the figure's own formulas are not taken twice
    assert len(taken) == 2 and restore(version, taken) == page


def test_placeholders_carry_the_words_search_html_would_and_insert_puts_each_figure_in_its_place() -> None:
    figs = [figure("rnn unroll=2"), figure("table archs=rnn,lstm"), figure("gru")]
    page = f"<h1>T</h1>{figs[0]}<p>p</p>{figs[1]}<div>x</div>{figs[2]}"
    placed = f"<h1>T</h1>{placeholder(0, summary(figs[0]))}<p>p</p>{placeholder(1, summary(figs[1]))}" \
             f"<div>x</div>{placeholder(2, summary(figs[2]))}"
    assert text_of(placed) == text_of(search_html(page)[0])  # the search index reads what it read before
    assert "<svg" not in placed
    assert insert(placed, figs) == page
    edited = placed.replace("<h1>T</h1>", "<h1 id=t>T</h1>")  # another plugin edits the page around them
    assert insert(edited, figs) == page.replace("<h1>T</h1>", "<h1 id=t>T</h1>")
