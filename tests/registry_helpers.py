"""Registry overlays written by the tests: one helper and one sample architecture for every test file."""

from __future__ import annotations

from pathlib import Path

MY_RNN = """\
archs:
  my-rnn:
    name: {en: 'My RNN', zh: '我的循环网络'}
    short: {en: 'MyRNN', zh: 'MyRNN'}
    family: recurrent
    year: 2025
    first_appearance: '2025'
    venue: 'blog'
    sources: [ELM90]
    summary: {en: 'x', zh: 'x'}
"""
"""An overlay adding a valid architecture ``my-rnn`` (append more of its fields indented by four spaces)."""


def write_overlay(tmp_path: Path, text: str, name: str = "overlay.yaml") -> Path:
    """``text`` written as a registry overlay file in ``tmp_path``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
