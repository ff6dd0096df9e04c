"""Zensical (the announced successor of Material for MkDocs) reads ``markdown_extensions`` from mkdocs.yml.

The Markdown extension alone must give complete output there: figures with their styles
and alt text inside, and a visible error box for a bad block.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ZENSICAL = shutil.which("zensical")
pytestmark = pytest.mark.skipif(ZENSICAL is None, reason="zensical is not installed (pip install zensical)")


def test_zensical_builds_blocks_with_the_markdown_extension(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Z\nmarkdown_extensions:\n  - seqdiagrams:\n      lang: zh\n  - admonition\n", encoding="utf-8")
    (tmp_path / "docs" / "index.md").write_text(
        "# Hi\n\n```seqarch rnn unroll=2\n```\n\n!!! note\n\n    ```seqarch gru lang=en\n    ```\n\n"
        "```seqarch lstm unrol=2\n```\n", encoding="utf-8")
    result = subprocess.run([ZENSICAL, "build"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert html.count('<figure class="sqd-figure"') == 2
    assert "<style>" in html and 'role="img"' in html  # self-contained: styles and alt text inside
    assert "隐藏状态" in html and "reset gate" in html  # extension config and per-block lang both apply
    assert "sqd-error" in html and "did you mean `unroll`?" in html
