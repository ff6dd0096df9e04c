"""Failures that are not the block's fault (issue 12 item 17): named for what they are, located at the block.

A missing Graphviz, KaTeX engine or vendored file is a `missing` diagnostic saying what to install; a bug is
an `internal` one saying so. Neither reads `<block>:1:1` on a page, nor "check your registry overlay" when
there is no overlay, and neither escapes a host as a traceback.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING, Any

import markdown
import pytest
from registry_helpers import MY_RNN, write_overlay

from seqdiagrams.errors import Location, SpecError, Subtype
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import BlockText, Renderer, check_spec, pipeline, render_spec
from seqdiagrams.rendering.cache import DiskCache
from seqdiagrams.spec import parse
from seqdiagrams.subjects import get_subject

if TYPE_CHECKING:
    from pathlib import Path

PAGE = Location("page.md", 7, 4)


def diagnostic_of(call, *args):
    with pytest.raises(SpecError) as info:
        call(*args)
    return info.value


def test_missing_graphviz_is_named_and_located_at_the_block(monkeypatch: pytest.MonkeyPatch,
                                                             registry: Registry) -> None:
    monkeypatch.setitem(sys.modules, "pygraphviz", None)  # import fails, as without the package
    monkeypatch.setitem(sys.modules, "graphviz", None)
    error = diagnostic_of(render_spec, parse("rnn unroll=2", PAGE), "svg", registry)
    d = error.diagnostic
    assert (d.subtype, d.loc) == (Subtype.MISSING, PAGE)
    assert d.message == "neither pygraphviz nor the Graphviz `dot` program is available"
    assert "pip install pygraphviz" in d.hint
    assert d.format().startswith("page.md:7:4: ")


def test_missing_vendored_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from seqdiagrams import assets

    monkeypatch.setattr(assets, "VENDOR", tmp_path)
    error = diagnostic_of(assets.vendor_file, "katex/katex.min.js")
    assert error.diagnostic.subtype is Subtype.MISSING
    assert "katex/katex.min.js is missing from this installation" in error.diagnostic.message


def test_a_bug_in_a_renderer_is_an_internal_error_at_the_block(monkeypatch: pytest.MonkeyPatch,
                                                              registry: Registry) -> None:
    def broken(*args: object) -> str:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "emit", broken)
    error = diagnostic_of(render_spec, parse("rnn", PAGE), "dot", registry)
    d = error.diagnostic
    assert (d.subtype, d.loc) == (Subtype.INTERNAL, PAGE)
    assert d.message == "internal error in seqdiagrams (ZeroDivisionError: division by zero)"
    assert "bug in seqdiagrams, not a mistake in the block" in d.hint
    assert isinstance(error.__cause__, ZeroDivisionError)  # the traceback is kept for whoever debugs it


def test_a_bug_in_the_grammar_is_an_internal_error_at_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    from seqdiagrams import spec

    def broken(info: str, loc: Location) -> None:
        raise IndexError("string index out of range")

    monkeypatch.setattr(spec, "_split_info", broken)
    d = diagnostic_of(parse, "rnn", PAGE).diagnostic
    assert (d.subtype, d.loc) == (Subtype.INTERNAL, PAGE)


def _subject_reading_a_missing_label(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(spec: object, registry: Registry) -> None:
        registry.label("no.such-label", "en")

    subject = dataclasses.replace(get_subject("rnn"), build=build)
    monkeypatch.setattr(pipeline, "get_subject", lambda name: subject)


def test_missing_registry_entry_without_overlays_is_a_bug_not_the_users_overlay(
        monkeypatch: pytest.MonkeyPatch, registry: Registry) -> None:
    _subject_reading_a_missing_label(monkeypatch)
    d = diagnostic_of(check_spec, parse("rnn", PAGE), registry).diagnostic
    assert (d.subtype, d.loc) == (Subtype.INTERNAL, PAGE)
    assert "overlay" not in d.format()


def test_missing_registry_entry_with_an_overlay_points_at_the_overlay(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    _subject_reading_a_missing_label(monkeypatch)
    overlaid = Registry.load([write_overlay(tmp_path, MY_RNN)])
    d = diagnostic_of(check_spec, parse("rnn", PAGE), overlaid).diagnostic
    assert (d.subtype, d.loc) == (Subtype.REGISTRY, PAGE)
    assert "no.such-label" in d.message and "overlay" in d.hint


def test_a_host_page_shows_the_bug_in_an_error_box_and_renders_its_other_blocks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = pipeline.emit

    def broken_for_gru(graph: Any, highlight: Any, reveal: Any = None) -> str:
        if graph.subject == "gru":
            raise RuntimeError("unexpected <node>")
        return real(graph, highlight, reveal)

    monkeypatch.setattr(pipeline, "emit", broken_for_gru)
    reported = []
    md = markdown.Markdown(extensions=["seqdiagrams"])
    extension = next(ext for ext in md.registeredExtensions if type(ext).__name__ == "SeqarchExtension")
    extension.report = reported.append
    html = md.convert("```seqarch gru\n```\n\n```seqarch rnn\n```\n")
    assert [(d.subtype, d.loc.line) for d in reported] == [(Subtype.INTERNAL, 1)]
    assert "RuntimeError: unexpected &lt;node&gt;" in html  # escaped in the error box
    assert html.count("<svg") == 1


def test_renderer_locates_faults_at_the_block(monkeypatch: pytest.MonkeyPatch, registry: Registry) -> None:
    monkeypatch.setitem(sys.modules, "pygraphviz", None)
    monkeypatch.setitem(sys.modules, "graphviz", None)
    renderer = Renderer(registry=registry, cache=DiskCache())
    error = diagnostic_of(renderer.render, BlockText("rnn unroll=3", "", PAGE, PAGE.shifted(1, col=1)))
    assert (error.diagnostic.subtype, error.diagnostic.loc) == (Subtype.MISSING, PAGE)
