"""Without pygraphviz, layout falls back to the `dot` executable via the `graphviz` package, warning once."""

from __future__ import annotations

import logging
import sys
import types
from typing import ClassVar

import pytest

from seqdiagrams.errors import SpecError, Subtype
from seqdiagrams.rendering import engine as layout_module


class _FakeSource:
    calls: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, dot: str) -> None:
        self.dot = dot

    def pipe(self, format: str) -> bytes:
        _FakeSource.calls.append((self.dot, format))
        return b"<svg/>"


@pytest.fixture
def no_pygraphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygraphviz", None)  # makes `import pygraphviz` raise ImportError
    layout_module._warn_fallback.cache_clear()


def test_falls_back_to_dot_executable_with_one_warning(no_pygraphviz, monkeypatch, caplog) -> None:
    fake = types.SimpleNamespace(Source=_FakeSource, ExecutableNotFound=RuntimeError)
    monkeypatch.setitem(sys.modules, "graphviz", fake)
    with caplog.at_level(logging.WARNING, logger="seqdiagrams"):
        assert layout_module.layout("digraph { a }", "svg") == b"<svg/>"
        assert layout_module.layout("digraph { b }", "png") == b"<svg/>"
    assert _FakeSource.calls[-2:] == [("digraph { a }", "svg"), ("digraph { b }", "png")]
    warnings = [r for r in caplog.records if "pygraphviz" in r.getMessage()]
    assert len(warnings) == 1


def test_clear_error_when_no_graphviz_at_all(no_pygraphviz, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(SpecError) as info:
        layout_module.layout("digraph { a }", "svg")
    assert info.value.diagnostic.subtype is Subtype.MISSING  # not the block's fault (issue 12 item 17)
    assert "pip install pygraphviz" in info.value.diagnostic.hint
