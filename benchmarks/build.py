"""Build-time cost of seqdiagrams, as ratios against the same site without it, with every target of issue 14.

Generates a synthetic knowledge base of N pages x 5 blocks (about 30 % of the blocks repeated
across pages, the rest distinct diagrams) and a twin where every block is a plain code fence, then
measures, in one run, each build as the median of --repeat builds in a fresh subprocess:

- MkDocs, with Material and with the default theme (``mkdocs``): *plain* (the twin: no seqdiagrams work
  at all), *cold* (empty cache), *warm* (cache kept) and *edit* (one block of one page changed, cache kept);
- the same warm and edit rebuilds the way ``mkdocs serve`` makes them, in one process that already built the
  site (``serve.py``), against the plain twin's rebuilds;
- start-up: a tiny site (one page, one block) warm, against its plain twin: the fixed cost a site with
  blocks pays before any page is read;
- the layout limit: the summed in-process Graphviz layout time of the site's distinct figures divided by
  the workers a cold build uses: our added cold time (cold - plain) is compared to it;
- peak RSS and PSS of the whole process tree (the build and its worker processes), sampled from ``/proc``
  (RSS counts the pages forked workers share with their server once per worker; PSS shares them out);
- throughput against one ``dot`` process per figure (what sphinx.ext.graphviz and mkdocs-graphviz do) on the
  same DOT, as many at a time as we have workers: figures per second of our cold build's added time
  against that, and of our warm rebuild's added time (mkdocs-graphviz keeps no figures: every rebuild runs
  ``dot`` again for each);
- Sphinx (``-j 1`` and ``-j 2``): a fresh build with our cache kept, against the plain twin;
- ``--scaling``: 100 and 1000 pages, cold and warm: our added time per page (plain's own growth, the
  theme's navigation, is not ours; it is printed beside it).

Prints each target with PASS or MISS and writes ``report.json`` and a scaling chart (``scaling.png``,
with ``--scaling``) to ``--out`` (default ``benchmarks/results/<UTC time>``). Not part of the test suite.

    python benchmarks/build.py [--pages 300] [--repeat 3] [--themes material,mkdocs] [--scaling]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
"""Every build imports this checkout's seqdiagrams, whatever is installed."""

TARGETS = {"cold": 2.0, "warm": 1.10, "edit": 1.15}
"""Build time against plain."""
STARTUP_LIMIT = 0.1
"""Seconds a tiny site with blocks may take over its plain twin."""
LAYOUT_LIMIT = 1.25
"""Our added cold time against the layout limit."""
RSS_LIMIT = 150.0
"""MiB over plain, worker processes included."""
THROUGHPUT = 10.0
"""Figures per second against one ``dot`` process per figure."""
LINEAR = 0.10
"""The 1000-page runs may differ from 10 x the 100-page runs by this fraction, per page."""
SPHINX = 1.10
"""A warm Sphinx build against a plain one."""


def distinct_blocks() -> list[str]:
    """A long, deterministic list of different valid blocks (different diagrams, not just captions).

    The first 1824 are those of the original benchmark (so a 300-page site is the one the issue measured);
    more follow for the 1000-page scaling run. Every one is valid (a test checks): an invalid block is reported
    and drawn as an error box on every build, which is not what a warm build of a real site costs."""
    rnn = [f"rnn unroll={u} layers={layers} outputs={o} bidirectional={b}"
           for u, layers, o, b in itertools.product(range(2, 17), range(1, 5), ("all", "last"), ("false", "true"))]
    gated = [f"{cell} view=unrolled unroll={u}" for cell in ("lstm", "gru") for u in range(1, 17)]
    transformer = [f"transformer variant={v} layers={n} norm={norm}"
                   for v, n, norm in itertools.product(("encoder-decoder", "encoder-only", "decoder-only"),
                                                       range(1, 97), ("post", "pre"))]
    seq2seq = [f"seq2seq src_len={s} tgt_len={t}" for s, t in itertools.product(range(1, 9), range(1, 9))]
    blocks = [b for group in itertools.zip_longest(rnn, gated, transformer, seq2seq) for b in group if b]
    more = ([f"{b} direction=LR" for b in rnn]
            + [f"rnn variant=jordan unroll={u}" for u in range(2, 17)]
            + [f"seq2seq src_len={s} tgt_len={t} reverse=true" for s, t in itertools.product(range(1, 9), range(1, 9))]
            + [f"seq2seq src_len={s} attention={a} reverse={r}"
               for s, a, r in itertools.product(range(1, 9), ("bahdanau", "luong"), ("true", "false"))]
            + [f"{b} direction=LR" for b in transformer])
    return blocks + [f"{b} lang=zh" for b in blocks] + more + [f"{b} lang=zh" for b in more]


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


PROSE = "Some prose about sequence models. " * 20
AFTER = "More prose explaining the figure above. " * 8


def page_text(p: int, blocks: list[str], fence: str) -> str:
    parts = [f"# Page {p}\n", PROSE + "\n"]
    for block in blocks:
        parts.append(f"```{fence}{block}\n```\n")
        parts.append(AFTER + "\n")
    return "\n".join(parts)


def rst_text(p: int, blocks: list[str], plugin: bool) -> str:
    title = f"Page {p}"
    parts = [title, "=" * len(title), "", PROSE, ""]
    for block in blocks:
        parts += [f".. seqarch:: {block}" if plugin else f".. code-block:: text\n\n   {block}", "", AFTER, ""]
    return "\n".join(parts)


def write_site(root: Path, pages: list[list[str]], with_plugin: bool, theme: str) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    for p, blocks in enumerate(pages):
        (docs / f"page{p:04d}.md").write_text(page_text(p, blocks, "seqarch " if with_plugin else "text "),
                                               encoding="utf-8")
    (docs / "index.md").write_text("# Benchmark\n", encoding="utf-8")
    theme_cfg = "  name: material\n  font: false\n" if theme == "material" else "  name: mkdocs\n"
    plugins = "plugins:\n  - search\n  - seqdiagrams\n" if with_plugin else "plugins:\n  - search\n"
    (root / "mkdocs.yml").write_text(f"site_name: bench\ntheme:\n{theme_cfg}{plugins}", encoding="utf-8")
    return root / "mkdocs.yml"


def write_sphinx_site(root: Path, pages: list[list[str]], with_plugin: bool) -> Path:
    root.mkdir(parents=True)
    names = [f"page{p:04d}" for p in range(len(pages))]
    for p, blocks in enumerate(pages):
        (root / f"{names[p]}.rst").write_text(rst_text(p, blocks, with_plugin), encoding="utf-8")
    toc = "\n".join(f"   {name}" for name in names)
    (root / "index.rst").write_text(f"Benchmark\n=========\n\n.. toctree::\n\n{toc}\n", encoding="utf-8")
    extensions = '["seqdiagrams.sphinx"]' if with_plugin else "[]"
    (root / "conf.py").write_text(f'project = "bench"\nextensions = {extensions}\n'
                                  'seqdiagrams_cache_dir = ".cache"\n', encoding="utf-8")
    return root


# ---------------------------------------------------------------------------------------------- measuring


TICK = os.sysconf("SC_CLK_TCK")


def _tree_memory_kib(pid: int, cpu: dict[int, float]) -> tuple[int, int]:
    """Resident and proportional memory (RSS, PSS; KiB) of ``pid`` and all its descendants, from ``/proc``;
    (0, 0) once it is gone.

    RSS counts a page shared by several processes once per process, so forked workers that share their
    server's imports look as big as if each had its own; PSS divides every shared page among the processes
    sharing it, so the tree's PSS is the memory it really holds. Records each process's CPU seconds so far in
    ``cpu``: worker processes a forkserver started are not the build's children, so their time never reaches
    its ``RUSAGE_CHILDREN``."""
    rss = pss = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        proc = Path(f"/proc/{current}")
        try:
            status = (proc / "status").read_text(encoding="ascii", errors="replace").splitlines()
            rss += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
            rollup = (proc / "smaps_rollup").read_text(encoding="ascii", errors="replace").splitlines()
            pss += next((int(line.split()[1]) for line in rollup if line.startswith("Pss:")), 0)
            ticks = (proc / "stat").read_text(encoding="ascii", errors="replace").rsplit(")", 1)[1].split()
            cpu[current] = (int(ticks[11]) + int(ticks[12])) / TICK  # utime, stime
            for task in (proc / "task").iterdir():
                todo += [int(child) for child in (task / "children").read_text(encoding="ascii").split()]
        except (OSError, ValueError):
            continue  # exited between two reads
    return rss, pss


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, float, float]:
    """Wall time, CPU time (user + system, worker processes included), peak RSS and peak PSS (MiB, sampled
    every 50 ms) of the process tree of one command."""
    peak = [0, 0]
    cpu: dict[int, float] = {}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            rss, pss = _tree_memory_kib(proc.pid, cpu)
            peak[:] = max(peak[0], rss), max(peak[1], pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = proc.communicate()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{stderr.decode(errors='replace')[-2000:]}")
    used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, max(used, sum(cpu.values())), peak[0] / 1024, peak[1] / 1024


CLOCK = "wall"
"""What ``Result.median`` measures: ``wall`` (the default) or ``cpu`` (``--clock cpu``, for a shared machine)."""


@dataclass
class Result:
    median: float
    """Median on the chosen clock (seconds)."""
    wall: list[float]
    cpu: list[float]
    rss: float
    """Peak resident memory of the process tree (MiB): shared pages counted once per process."""
    pss: float
    """Peak proportional memory of the process tree (MiB): each shared page divided among its sharers."""


def measure(label: str, cmd: list[str], repeat: int, before: Callable[[], None] | None = None,
            cwd: Path | None = None) -> Result:
    wall, cpu, rss, pss = [], [], [], []
    for _ in range(repeat):
        if before:
            before()
        elapsed, used, peak_rss, peak_pss = timed(cmd, cwd)
        wall.append(elapsed)
        cpu.append(used)
        rss.append(peak_rss)
        pss.append(peak_pss)
    result = Result(statistics.median(cpu if CLOCK == "cpu" else wall), wall, cpu, max(rss), max(pss))
    print(f"    {label:<10} median {result.median:6.2f} s {CLOCK}  (wall: {', '.join(f'{t:.2f}' for t in wall)}; "
          f"cpu: {', '.join(f'{t:.2f}' for t in cpu)})  peak RSS {result.rss:.0f} MiB, PSS {result.pss:.0f} MiB",
          flush=True)
    return result


def mkdocs_cmd(config: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)]


@dataclass
class Checks:
    """Every target line, in the order printed."""

    lines: list[dict[str, object]] = field(default_factory=list)

    def check(self, name: str, value: float, limit: float, unit: str = "x", at_least: bool = False,
              note: str = "") -> None:
        ok = value >= limit if at_least else value <= limit
        self.lines.append({"target": name, "value": round(value, 4), "limit": limit, "unit": unit,
                           "at_least": at_least, "pass": ok, "note": note})
        sign = ">=" if at_least else "<="
        print(f"  {'PASS' if ok else 'MISS'}  {name:<44} {value:8.2f}{unit}  ({sign} {limit:g}{unit}){note}",
              flush=True)


EDITED = "page0001.md"
"""The page an edit changes: its five blocks become new figures (a different unrolling each time)."""


def edited_text(n: int, fence: str) -> str:
    """The edited page's text for edit number ``n``: five blocks no other page has."""
    return page_text(1, [f"rnn unroll={n % 15 + 2} layers=4 bidirectional=true"] * 5, fence)


def mkdocs_series(work: Path, pages: list[list[str]], theme: str, repeat: int) -> dict[str, Result]:
    """plain, cold, warm and edit builds of one theme, each a fresh ``mkdocs build``."""
    plain = write_site(work / f"plain-{theme}", pages, False, theme)
    site = write_site(work / f"site-{theme}", pages, True, theme)
    cache = site.parent / ".cache"
    print(f"  MkDocs, theme {theme}:", flush=True)
    results = {"plain": measure("plain", mkdocs_cmd(plain), repeat)}
    results["cold"] = measure("cold", mkdocs_cmd(site), repeat, lambda: shutil.rmtree(cache, ignore_errors=True))
    results["warm"] = measure("warm", mkdocs_cmd(site), repeat)
    edited = site.parent / "docs" / EDITED
    counter = itertools.count(2)
    results["edit"] = measure("edit", mkdocs_cmd(site), repeat, lambda: edited.write_text(
        edited_text(next(counter), "seqarch "), encoding="utf-8"))
    return results


def serve_series(work: Path, theme: str, repeat: int) -> dict[str, list[float]]:
    """Rebuilds under ``mkdocs serve`` (:mod:`serve`): after an edit and with nothing changed, CPU seconds, for
    the site (its cache warm from :func:`mkdocs_series`) and its plain twin."""
    print(f"  mkdocs serve, theme {theme} (rebuilds in one process, CPU):", flush=True)
    runs: dict[str, list[float]] = {}
    for name, fence in (("plain", "text "), ("site", "seqarch ")):
        root = work / f"{name}-{theme}"
        texts = [edited_text(100 + n, fence) for n in range(repeat)]  # figures no fresh build has made
        out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "serve.py"), str(root / "mkdocs.yml"),
                              str(root / "docs" / EDITED), *texts, "--quiet-rebuilds", str(repeat)],
                             env=ENV, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            raise SystemExit(f"serve loop failed:\n{out.stderr[-2000:]}")
        times = json.loads(out.stdout.splitlines()[-1])
        for kind in ("edit", "warm"):
            runs[f"{name}-{kind}"] = times[kind]
            print(f"    {name:<6} {kind:<5} median {statistics.median(times[kind]):6.2f} s cpu  "
                  f"({', '.join(f'{t:.2f}' for t in times[kind])})", flush=True)
    return runs


def startup(work: Path, repeat: int) -> tuple[Result, Result]:
    """A one-page, one-block site (default theme) warm, and its plain twin."""
    pages = [["rnn unroll=3"]]
    plain = write_site(work / "tiny-plain", pages, False, "mkdocs")
    site = write_site(work / "tiny-site", pages, True, "mkdocs")
    print("  start-up (1 page, 1 block, theme mkdocs):", flush=True)
    timed(mkdocs_cmd(site))  # fills the cache
    return (measure("plain", mkdocs_cmd(plain), max(repeat, 3)), measure("warm", mkdocs_cmd(site), max(repeat, 3)))


def distinct_dot(pages: list[list[str]]) -> tuple[list[str], int]:
    """The DOT source of every distinct diagram of the site (as a cold build lays them out), and how many
    distinct blocks are not diagrams."""
    from seqdiagrams.errors import Location, SpecError
    from seqdiagrams.registry import Registry
    from seqdiagrams.rendering import render_spec
    from seqdiagrams.spec import parse_parts, with_default_lang, with_theme

    registry = Registry.load(())
    dots, other = [], 0
    for block in dict.fromkeys(b for blocks in pages for b in blocks):
        spec = with_theme(with_default_lang(parse_parts(block, "", Location(), Location()), "en"), "auto")
        try:
            dots.append(str(render_spec(spec, "dot", registry)))
        except SpecError:  # a formula section or table has no DOT: not a Graphviz figure
            other += 1
    return dots, other


def layout_seconds(dots: list[str]) -> float:
    """Summed in-process Graphviz layout time of ``dots`` (the engine seqdiagrams uses, to SVG), on the clock."""
    from seqdiagrams.rendering.engine import layout

    layout(dots[0], "svg")  # loads the plugins once, outside the timing
    clock = time.process_time if CLOCK == "cpu" else time.perf_counter
    start = clock()
    for dot in dots:
        layout(dot, "svg")
    return clock() - start


def dot_processes(dots: list[str], workers: int) -> float | None:
    """Seconds for one ``dot -Tsvg`` process per figure, ``workers`` at a time; None without ``dot``."""
    exe = shutil.which("dot")
    if exe is None:
        return None

    def one(dot: str) -> None:
        subprocess.run([exe, "-Tsvg"], input=dot.encode(), stdout=subprocess.DEVNULL, check=True)

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, dots))
    if CLOCK == "wall":
        return time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime  # CPU seconds: against ours


def sphinx_series(work: Path, pages: list[list[str]], repeat: int) -> dict[str, Result]:
    """Fresh Sphinx builds (output removed each time) of the plain twin and of the site with our cache kept."""
    plain = write_sphinx_site(work / "sphinx-plain", pages, False)
    site = write_sphinx_site(work / "sphinx-site", pages, True)
    results = {}
    print("  Sphinx (fresh build each time; our cache kept):", flush=True)
    for jobs in ("1", "2"):
        for name, root in (("plain", plain), ("warm", site)):
            out = root / "_build"
            cmd = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-j", jobs, str(root), str(out)]
            if name == "warm":
                timed(cmd)  # fills our cache
            results[f"{name}-j{jobs}"] = measure(f"{name} -j{jobs}", cmd, repeat,
                                                  lambda out=out: shutil.rmtree(out, ignore_errors=True))
    return results


def scaling(work: Path, theme: str, repeat: int, sizes: tuple[int, int]) -> dict[str, dict[str, Result]]:
    """plain, cold and warm builds of the two ``sizes`` (pages)."""
    runs: dict[str, dict[str, Result]] = {}
    for count in sizes:
        pages = page_blocks(count)
        plain = write_site(work / f"scale-plain-{count}", pages, False, theme)
        site = write_site(work / f"scale-site-{count}", pages, True, theme)
        cache = site.parent / ".cache"
        print(f"  scaling, {count} pages, theme {theme}:", flush=True)
        runs[str(count)] = {
            "plain": measure("plain", mkdocs_cmd(plain), repeat),
            "cold": measure("cold", mkdocs_cmd(site), repeat, lambda cache=cache: shutil.rmtree(cache, True)),
            "warm": measure("warm", mkdocs_cmd(site), repeat),
        }
    return runs


def chart(runs: dict[str, dict[str, Result]], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = [int(c) for c in runs]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for kind in ("plain", "cold", "warm"):
        ax.plot(counts, [runs[str(c)][kind].median / c * 1000 for c in counts], marker="o", label=kind)
    ax.set_xscale("log")
    ax.set_xticks(counts, [str(c) for c in counts])
    ax.minorticks_off()
    ax.set_xlabel("pages (5 blocks each)")
    ax.set_ylabel(f"ms per page ({CLOCK} time)")
    ax.set_title("seqdiagrams: build time per page")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = out / "scaling.png"
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--themes", default="material,mkdocs", help="comma-separated: material, mkdocs")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="the workers a cold build uses (the plugin's default: the CPU count)")
    parser.add_argument("--dot-sample", type=int, default=300,
                        help="figures laid out by one dot process each (the rate is per figure)")
    parser.add_argument("--no-sphinx", action="store_true")
    parser.add_argument("--scaling", nargs="?", const="100,1000", default="",
                        help="also two site sizes, cold and warm (default 100,1000 pages)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="judge on wall time, or on CPU time (user + system, workers included) when the "
                             "machine is shared: a cold build's parallel workers then count in full")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    global CLOCK  # one switch for every measurement of the run
    CLOCK = args.clock
    themes = [t for t in args.themes.split(",") if t]
    out = args.out or ROOT / "benchmarks" / "results" / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out.mkdir(parents=True, exist_ok=True)
    pages = page_blocks(args.pages)
    total = sum(len(b) for b in pages)
    distinct = len({b for blocks in pages for b in blocks})
    load = os.getloadavg()
    print(f"{args.pages} pages, {total} blocks, {distinct} distinct; {args.repeat} run(s) each; "
          f"{os.cpu_count()} CPUs, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; clock {CLOCK}", flush=True)
    report: dict[str, object] = {"pages": args.pages, "blocks": total, "distinct": distinct, "repeat": args.repeat,
                                 "clock": CLOCK,
                                 "cpus": os.cpu_count(), "workers": args.workers, "load_before": load}
    checks = Checks()
    work = Path(tempfile.mkdtemp(prefix="seqdiagrams-bench-"))
    try:
        series = {theme: mkdocs_series(work, pages, theme, args.repeat) for theme in themes}
        served = {theme: serve_series(work, theme, args.repeat) for theme in themes}
        tiny = startup(work, args.repeat)
        dots, other = distinct_dot(pages)
        layout_total = layout_seconds(dots)
        # CPU clock: our cold CPU time (workers summed) against the layouts' CPU time, not divided by workers
        limit = layout_total / (args.workers if CLOCK == "wall" else 1)
        sample = dots[:args.dot_sample]
        sample_layout = layout_seconds(sample)
        processes = dot_processes(sample, args.workers)
        sphinx = {} if args.no_sphinx else sphinx_series(work, pages, args.repeat)
        sizes = tuple(int(n) for n in args.scaling.split(",")) if args.scaling else ()
        runs = scaling(work, themes[0], 1, (sizes[0], sizes[1])) if sizes else {}

        print("targets:")
        for theme, results in series.items():
            plain = results["plain"].median
            for name, target in TARGETS.items():
                checks.check(f"{name} / plain ({theme})", results[name].median / plain, target)
        for theme, rebuilds in served.items():
            for kind, target in (("warm", TARGETS["warm"]), ("edit", TARGETS["edit"])):
                checks.check(f"serve: {kind} rebuild / plain ({theme})", statistics.median(rebuilds[f"site-{kind}"])
                             / statistics.median(rebuilds[f"plain-{kind}"]), target)
        checks.check("start-up (tiny site, warm - plain)", tiny[1].median - tiny[0].median, STARTUP_LIMIT, " s")
        first = series[themes[0]]
        added = first["cold"].median - first["plain"].median
        checks.check(f"cold added / layout limit ({themes[0]})", added / limit, LAYOUT_LIMIT,
                     note=f"  [added {added:.2f} s; layout {layout_total:.2f} s of {len(dots)} diagrams "
                          f"/ {args.workers if CLOCK == 'wall' else 1} = {limit:.2f} s; {other} distinct blocks "
                          "are not diagrams]")
        for theme, results in series.items():
            for memory in ("rss", "pss"):
                peak = {name: getattr(result, memory) for name, result in results.items()}
                checks.check(f"peak {memory.upper()} over plain ({theme})", max(peak.values()) - peak["plain"],
                             RSS_LIMIT, " MiB", note=f"  [plain {peak['plain']:.0f} MiB, cold {peak['cold']:.0f} MiB, "
                                                     f"warm {peak['warm']:.0f} MiB]")
        ours = len(dots) / added if added > 0 else float("inf")
        if processes is None:
            print("  ----  throughput vs one dot process per figure: no `dot` on PATH "
                  "(apt-get install graphviz, for this benchmark only)")
        else:
            theirs = len(sample) / processes
            checks.check("throughput vs one dot process per figure", ours / theirs, THROUGHPUT, at_least=True,
                         note=f"  [ours {ours:.0f} figures/s {CLOCK} (cold added time); dot processes {theirs:.0f}/s "
                              f"over {len(sample)} figures, {args.workers} at a time; the `dot` binary is the "
                              f"system's Graphviz, installed for this benchmark only; in-process layout of "
                              f"the same figures alone: {len(sample) / sample_layout:.0f}/s]")
            # mkdocs-graphviz runs dot for every figure on every build: what a rebuild costs its authors
            warm_added = first["warm"].median - first["plain"].median
            rebuilt = len(dots) / warm_added if warm_added > 0 else float("inf")
            checks.check("rebuild throughput vs one dot process per figure", rebuilt / theirs, THROUGHPUT,
                         at_least=True, note=f"  [ours {rebuilt:.0f} figures/s {CLOCK} (warm added time, "
                                             f"{themes[0]}); a tool without a figure cache runs dot again]")
        for jobs in ("1", "2"):
            if sphinx:
                checks.check(f"Sphinx -j {jobs}: warm / plain", sphinx[f"warm-j{jobs}"].median
                             / sphinx[f"plain-j{jobs}"].median, SPHINX)
        if runs:
            small_site, large_site = runs[str(sizes[0])], runs[str(sizes[1])]
            times = sizes[1] / sizes[0]
            for kind in ("cold", "warm"):
                small = small_site[kind].median - small_site["plain"].median
                large = large_site[kind].median - large_site["plain"].median
                total = large_site[kind].median / (times * small_site[kind].median)
                plain_growth = large_site["plain"].median / (times * small_site["plain"].median)
                checks.check(f"linear: {kind} added, {sizes[1]} / ({times:g} x {sizes[0]} pages)",
                             large / (times * small), 1 + LINEAR,
                             note=f"  [total {total:.2f}x; plain alone {plain_growth:.2f}x]")
            print(f"  chart: {chart(runs, out)}")
        report.update({
            "mkdocs": {theme: {k: asdict(v) for k, v in r.items()} for theme, r in series.items()},
            "serve": served,
            "startup": {"plain": asdict(tiny[0]), "warm": asdict(tiny[1])},
            "layout": {"diagrams": len(dots), "not_diagrams": other, "seconds": layout_total, "limit": limit,
                       "dot_sample": len(sample), "dot_processes_seconds": processes,
                       "in_process_sample_seconds": sample_layout},
            "sphinx": {k: asdict(v) for k, v in sphinx.items()},
            "scaling": {c: {k: asdict(v) for k, v in r.items()} for c, r in runs.items()},
            "targets": checks.lines, "load_after": os.getloadavg()})
        (out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"report: {out / 'report.json'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
