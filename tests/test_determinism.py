"""Output is byte-identical across fresh processes, not only across two renders behind one process's caches.

Each run is a new interpreter with its own empty caches (Matplotlib's and fontconfig's included) and a different
``PYTHONHASHSEED``, so set or dict ordering, a cache hit or a font cache built on first use cannot hide a
difference. The blocks cover every kind of output: a laid-out diagram, a table with KaTeX math, a formula section,
a plot and a timeline, in English and Chinese; then two whole MkDocs builds of a small site are compared file by file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from seqdiagrams import render

BLOCKS = [  # (block, format): one of each kind of output
    ("transformer variant=decoder-only layers=2 norm=pre", "svg"),
    ("lstm view=unrolled unroll=2 lang=zh", "html"),
    ("table dims=all", "html"),
    ("formulas arch=lstm lang=zh", "html"),
    ("complexity archs=rnn,transformer", "svg"),
    ("positional-encoding lang=zh", "svg"),
    ("attention-weights mask=causal lang=zh", "svg"),
    ("timeline", "html"),
]

RENDER_ALL = """
import sys
from seqdiagrams import render
for block, fmt in {blocks!r}:
    out = render(block, format=fmt)
    sys.stdout.buffer.write(out.encode("utf-8") if isinstance(out, str) else out)
    sys.stdout.buffer.write(b"\\n\\x00\\n")
"""


def fresh_env(home: Path, seed: int) -> dict[str, str]:
    """The environment of a fresh process: this worktree's package, a hash seed, and empty caches under ``home``."""
    env = dict(os.environ, PYTHONHASHSEED=str(seed), MPLCONFIGDIR=str(home / "matplotlib"),
               XDG_CACHE_HOME=str(home / "cache"), HOME=str(home))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1]),
                                                      os.environ.get("PYTHONPATH")]))
    return env


def run_fresh(commands: list[list[str]], root: Path) -> list[bytes]:
    """Run ``commands`` concurrently in ``root``, each with its own hash seed and empty caches; their outputs."""
    procs = []
    for seed, command in enumerate(commands, start=1):
        home = root / f"home-{seed}"
        home.mkdir()
        procs.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root,
                                      env=fresh_env(home, seed)))
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode(errors="replace")
        outputs.append(out)
    return outputs


def test_blocks_render_byte_identically_in_fresh_processes(tmp_path: Path) -> None:
    first, second = run_fresh([[sys.executable, "-c", RENDER_ALL.format(blocks=BLOCKS)]] * 2, tmp_path)
    figures = first.split(b"\n\x00\n")[:-1]
    assert len(figures) == len(BLOCKS)
    assert all(figures), "a block rendered nothing"
    for (block, fmt), a, b in zip(BLOCKS, figures, second.split(b"\n\x00\n")[:-1], strict=True):
        assert a == b, f"{block} ({fmt}) differs between two fresh processes"
        here = render(block, format=fmt)  # and this process, behind whatever its caches hold by now
        assert a == (here.encode("utf-8") if isinstance(here, str) else here), f"{block} ({fmt}) differs here"


SITE_PAGES = {
    "index.md": "# Figures\n\n```seqarch transformer variant=decoder-only layers=2\n```\n\n"
                "```seqarch gru lang=zh\n```\n\n```seqarch complexity\n```\n",
    "data.md": "---\nlang: zh\n---\n# 数据\n\n```seqarch table dims=all\n```\n\n```seqarch formulas arch=gru\n```\n\n"
               "```seqarch timeline\n```\n",
}


def test_two_mkdocs_builds_write_identical_files(tmp_path: Path) -> None:
    import yaml

    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in SITE_PAGES.items():
        (docs / name).write_text(text, encoding="utf-8")
    builds = [tmp_path / "site-one", tmp_path / "site-two"]
    for site in builds:  # one config per build: separate output folders and separate, empty figure caches
        config = {"site_name": "Determinism", "docs_dir": "docs", "site_dir": str(site),
                  "theme": {"name": "material", "font": False},
                  "plugins": ["search", {"seqdiagrams": {"cache_dir": str(site.with_suffix(".cache"))}}]}
        (tmp_path / f"{site.name}.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    run_fresh([[sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", f"{site.name}.yml"]
               for site in builds], tmp_path)
    files = [{p.relative_to(site).as_posix(): p for p in sorted(site.rglob("*")) if p.is_file()} for site in builds]
    assert files[0].keys() == files[1].keys()
    assert "assets/seqdiagrams/seqdiagrams.css" in files[0]
    different = [name for name in files[0] if files[0][name].read_bytes() != files[1][name].read_bytes()]
    assert different == []
    pages = (builds[0] / "index.html").read_text(encoding="utf-8") + (builds[0] / "data" / "index.html").read_text(
        encoding="utf-8")
    assert pages.count('<figure class="sqd-figure"') == sum(text.count("```seqarch") for text in SITE_PAGES.values())
