"""Build-time cost of seqdiagrams in a MkDocs site, as ratios against the same site without it.

Generates a synthetic knowledge base of N pages x 5 blocks (about 30 % of the blocks
repeated across pages, the rest distinct diagrams) and a twin where every block is a
plain code fence, then builds, in one run, each measured as the median of --repeat
builds in a fresh subprocess:

- plain:  the twin (no seqdiagrams work at all);
- cold:   the site with an empty cache;
- warm:   the site again, cache kept;
- edit:   the site after changing one block on one page (cache kept).

Prints medians, ratios against plain (targets: warm <= 1.10, cold <= 2.0, edit <= 1.15)
and the peak RSS of each build. Not part of the test suite.

    python benchmarks/build.py [--pages 300] [--repeat 3] [--theme mkdocs|material]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"cold": 2.0, "warm": 1.10, "edit": 1.15}


def distinct_blocks() -> list[str]:
    """A long, deterministic list of different valid blocks (different diagrams, not just captions)."""
    rnn = [f"rnn unroll={u} layers={layers} outputs={o} bidirectional={b}"
           for u, layers, o, b in itertools.product(range(2, 17), range(1, 5), ("all", "last"), ("false", "true"))]
    gated = [f"{cell} view=unrolled unroll={u}" for cell in ("lstm", "gru") for u in range(1, 17)]
    transformer = [f"transformer variant={v} layers={n} norm={norm}"
                   for v, n, norm in itertools.product(("encoder-decoder", "encoder-only", "decoder-only"),
                                                       range(1, 97), ("post", "pre"))]
    seq2seq = [f"seq2seq src_len={s} tgt_len={t}" for s, t in itertools.product(range(1, 9), range(1, 9))]
    blocks = [b for group in itertools.zip_longest(rnn, gated, transformer, seq2seq) for b in group if b]
    return blocks + [f"{b} lang=zh" for b in blocks]


COMMON = ["rnn unroll=3", "lstm", "gru", "transformer", "mamba", "attention mask=causal", "mha",
          "transformer variant=decoder-only layers=12", "seq2seq attention=bahdanau", "mamba view=ssm"]


def page_blocks(pages: int) -> list[list[str]]:
    """5 blocks per page; every third-or-so block comes from a small shared pool."""
    unique = iter(distinct_blocks())
    out = []
    for p in range(pages):
        blocks = []
        for b in range(5):
            n = p * 5 + b
            blocks.append(COMMON[n % len(COMMON)] if n % 10 < 3 else next(unique))
        out.append(blocks)
    return out


def page_text(p: int, blocks: list[str], fence: str) -> str:
    parts = [f"# Page {p}\n", "Some prose about sequence models. " * 20 + "\n"]
    for block in blocks:
        parts.append(f"```{fence}{block}\n```\n")
        parts.append("More prose explaining the figure above. " * 8 + "\n")
    return "\n".join(parts)


def write_site(root: Path, pages: list[list[str]], with_plugin: bool, theme: str) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    for p, blocks in enumerate(pages):
        (docs / f"page{p:04d}.md").write_text(page_text(p, blocks, "seqarch " if with_plugin else "text "),
                                               encoding="utf-8")
    (docs / "index.md").write_text("# Benchmark\n", encoding="utf-8")
    theme_cfg = "  name: material\n  font: false\n" if theme == "material" else "  name: mkdocs\n"
    plugins = "plugins:\n  - seqdiagrams\n" if with_plugin else "plugins: []\n"
    (root / "mkdocs.yml").write_text(f"site_name: bench\ntheme:\n{theme_cfg}{plugins}", encoding="utf-8")
    return root / "mkdocs.yml"


def timed_build(config: Path) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one `mkdocs build` in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build of {config} failed")
    return elapsed, usage.ru_maxrss


def measure(label: str, config: Path, repeat: int, before=None) -> dict[str, float]:  # noqa: ANN001
    times, rss = [], []
    for _ in range(repeat):
        if before:
            before()
        elapsed, peak = timed_build(config)
        times.append(elapsed)
        rss.append(peak)
    result = {"median": statistics.median(times), "rss": max(rss) / 1024}
    print(f"  {label:<6} median {result['median']:6.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})  "
          f"peak RSS {result['rss']:.0f} MiB", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--theme", choices=("mkdocs", "material"), default="material")
    args = parser.parse_args()
    pages = page_blocks(args.pages)
    total = sum(len(b) for b in pages)
    distinct = len({b for blocks in pages for b in blocks})
    work = Path(tempfile.mkdtemp(prefix="seqdiagrams-bench-"))
    try:
        plain = write_site(work / "plain", pages, False, args.theme)
        site = write_site(work / "site", pages, True, args.theme)
        cache = work / "site" / ".cache"
        print(f"{args.pages} pages, {total} blocks, {distinct} distinct; theme {args.theme}; "
              f"{args.repeat} run(s) each")
        results = {"plain": measure("plain", plain, args.repeat)}
        results["cold"] = measure("cold", site, args.repeat, lambda: shutil.rmtree(cache, ignore_errors=True))
        results["warm"] = measure("warm", site, args.repeat)
        edited = work / "site" / "docs" / "page0001.md"
        counter = itertools.count(2)
        results["edit"] = measure("edit", site, args.repeat, lambda: edited.write_text(
            page_text(1, [f"rnn unroll={next(counter) % 15 + 2} layers=4 bidirectional=true"] * 5, "seqarch "),
            encoding="utf-8"))
        print("ratios against plain (target):")
        for name, target in TARGETS.items():
            ratio = results[name]["median"] / results["plain"]["median"]
            print(f"  {name:<6} {ratio:5.2f}x  (<= {target:.2f}x) {'ok' if ratio <= target else 'MISSED'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
