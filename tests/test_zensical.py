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


BAD_PAGE = "---\ntitle: Bad\n---\n# Bad\n\n```seqarch lstm unrol=2\n```\n"
BAD_AT = "sub/bad.md:6:17: unknown key `unrol` for subject `lstm` (did you mean `unroll`?)"
"""Zensical strips the three front-matter lines before Python-Markdown sees the page: still line 6."""


def zensical_site(root: Path, config: str = "") -> Path:
    (root / "docs" / "sub").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Z\nmarkdown_extensions:\n  - seqdiagrams\n" + config, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Hi\n\n```seqarch rnn\n```\n", encoding="utf-8")
    (root / "docs" / "sub" / "bad.md").write_text(BAD_PAGE, encoding="utf-8")
    return root


def zensical(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ZENSICAL, "build", "-c", *args], cwd=root, capture_output=True, text=True, timeout=300)


def test_zensical_warning_names_the_page(tmp_path: Path) -> None:
    result = zensical(zensical_site(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"seqdiagrams: {BAD_AT}" in result.stderr.splitlines()
    assert "sqd-error" in (tmp_path / "site" / "sub" / "bad" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "config"), [(("--strict",), ""), (("-cs",), ""), ((), "strict: true\n")])
def test_zensical_strict_build_fails_on_a_bad_block(tmp_path: Path, args: tuple[str, ...], config: str) -> None:
    # Zensical counts only its own issues towards --strict; an extension fails the build by raising
    result = zensical(zensical_site(tmp_path, config), *args)
    assert result.returncode != 0
    assert f"SpecError: {BAD_AT}" in result.stdout + result.stderr
    assert f"seqdiagrams: {BAD_AT}" in result.stderr.splitlines()  # a clean line before the traceback


def test_zensical_strict_build_passes_without_bad_blocks(tmp_path: Path) -> None:
    root = zensical_site(tmp_path)
    (root / "docs" / "sub" / "bad.md").write_text("---\nlang: zh\n---\n```seqarch rnn\n```\n", encoding="utf-8")
    result = zensical(root, "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "隐藏状态" in (root / "site" / "sub" / "bad" / "index.html").read_text(encoding="utf-8")  # page lang
