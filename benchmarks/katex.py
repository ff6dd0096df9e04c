"""Formulas per second through the in-process KaTeX engine, against Node KaTeX, side by side in one run.

The corpus is every registry equation (display), every glossary symbol (inline) and every ``$…$``
and ``$$…$$`` of ``example_site/docs`` as written: distinct formulas, so no cache helps anyone
(the engine's in-process memo is turned off). Every contender renders the corpus with the same
KaTeX version and options (``rendering.katex.OPTIONS``) and is warmed up first (``--warmup``
untimed passes), so each V8 has compiled KaTeX; a figure is the best of ``--repeat`` timed passes.

- engine, batched: ``render_many`` over the corpus, one engine call per 256 formulas: how formula
  sections and page prerendering use it.
- engine, per call: ``render_many`` with one formula per call (a thread hop each).
- 2 threads: the corpus split between two threads, each with its own engine (V8 runs without the GIL).
- node server: one persistent ``node`` process running KaTeX from ``assets/node_modules/katex``, a
  JSON line in and a JSON line out per formula; *request/response* waits for each answer,
  *pipelined* writes every request before reading (the server's best case).
- node process per formula: ``node -e`` loading KaTeX for each formula (``--per-process`` of them).

Targets: the engine at least as fast as the persistent Node server (batched vs pipelined, and per call
vs request/response), and at least 50x faster than a Node process per formula. Not part of the tests.

    python benchmarks/katex.py [--warmup 3] [--repeat 5] [--per-process 40]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from seqdiagrams.registry import Registry  # noqa: E402
from seqdiagrams.rendering.katex import OPTIONS, katex_version, render_many  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable

NODE_KATEX = ROOT / "assets" / "node_modules" / "katex"
SERVER = """
const katex = require(process.argv[1]);
const options = JSON.parse(process.argv[2]);
const lines = require("readline").createInterface({input: process.stdin, terminal: false});
lines.on("line", (line) => {
  const [latex, display] = JSON.parse(line);
  let reply;
  try { reply = {html: katex.renderToString(latex, Object.assign({displayMode: display}, options))}; }
  catch (error) { reply = {error: String(error.message)}; }
  process.stdout.write(JSON.stringify(reply) + "\\n");
});
"""
ONE = """
const katex = require(process.argv[1]);
const options = Object.assign({displayMode: process.argv[4] === "true"}, JSON.parse(process.argv[2]));
process.stdout.write(katex.renderToString(process.argv[3], options));
"""
MIN_SPEEDUP_OVER_PROCESSES = 50

Formula = tuple[str, bool]


def corpus() -> tuple[list[Formula], str]:
    """Distinct formulas, and where they come from."""
    registry = Registry.default()
    equations = [(eq.latex, True) for _, eq in registry.data.equations_by_id().values()]
    symbols = [(symbol.latex, False) for symbol in registry.data.symbols.values()]
    pages: list[Formula] = []
    for page in sorted((ROOT / "example_site" / "docs").rglob("*.md")):
        text = re.sub(r"(?ms)^(\s*)(`{3,}|~{3,}).*?^\1\2\s*$", "", page.read_text(encoding="utf-8"))
        text = re.sub(r"`[^`\n]+`", "", text)
        pages += [(m.group(1).strip(), True) for m in re.finditer(r"\$\$(.+?)\$\$", text, re.S)]
        text = re.sub(r"\$\$(.+?)\$\$", "", text, flags=re.S)
        pages += [(m.group(1), False) for m in re.finditer(r"(?<![\\$])\$(?![\s$])([^$\n]+?)(?<!\s)\$", text)]
    items = list(dict.fromkeys(equations + symbols + pages))
    origin = (f"{len(items)} distinct formulas: {len(equations)} registry equations, {len(symbols)} symbols, "
              f"the rest from example_site/docs")
    return items, origin


def best_rate(run: Callable[[], int], warmup: int, repeat: int) -> float:
    """Formulas per second of the fastest of ``repeat`` timed calls of ``run`` (which returns its count)."""
    for _ in range(warmup):
        run()
    rates = []
    for _ in range(repeat):
        start = time.perf_counter()
        count = run()
        rates.append(count / (time.perf_counter() - start))
    return max(rates)


def engine(items: list[Formula], threads: int, batched: bool, warmup: int, repeat: int) -> float:
    def work(part: list[Formula]) -> int:
        results = render_many(part, memo=False) if batched else [render_many([i], memo=False)[0] for i in part]
        assert all(isinstance(html, str) for html in results)
        return len(results)

    parts = [items[i::threads] for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:  # the same threads (and engines) for warm-up and timing
        barrier = threading.Barrier(threads)

        def pinned(part: list[Formula]) -> int:  # one part per thread: every engine gets warm
            barrier.wait()
            return work(part)

        return best_rate(lambda: sum(pool.map(pinned, parts)), warmup, repeat)


def node_server(items: list[Formula], node: str, pipelined: bool, warmup: int, repeat: int) -> float:
    proc = subprocess.Popen([node, "-e", SERVER, str(NODE_KATEX), json.dumps(OPTIONS)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, bufsize=1)
    assert proc.stdin is not None and proc.stdout is not None
    stdin, stdout = proc.stdin, proc.stdout
    requests = [json.dumps(item) + "\n" for item in items]

    def one_by_one() -> int:
        for request in requests:
            stdin.write(request)
            stdin.flush()
            assert "html" in json.loads(stdout.readline())
        return len(requests)

    def all_at_once() -> int:
        writer = threading.Thread(target=lambda: (stdin.write("".join(requests)), stdin.flush()))
        writer.start()
        replies = [json.loads(stdout.readline()) for _ in requests]
        writer.join()
        assert all("html" in reply for reply in replies)
        return len(replies)

    try:
        return best_rate(all_at_once if pipelined else one_by_one, warmup, repeat)
    finally:
        stdin.close()
        proc.wait(timeout=30)


def node_per_process(items: list[Formula], node: str, count: int) -> float:
    chosen = items[:count]
    start = time.perf_counter()
    for latex, display in chosen:
        subprocess.run([node, "-e", ONE, str(NODE_KATEX), json.dumps(OPTIONS), latex, json.dumps(display)],
                       check=True, capture_output=True)
    return len(chosen) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warmup", type=int, default=3, help="untimed passes before timing (JIT warm-up)")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes; the best counts")
    parser.add_argument("--per-process", type=int, default=40, help="formulas rendered by a process each")
    args = parser.parse_args()
    items, origin = corpus()
    node = shutil.which("node")
    have_node = node is not None and (NODE_KATEX / "package.json").is_file()
    node_version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip() if node else ""
    print(f"corpus: {origin}")
    print(f"KaTeX {katex_version()}; engine: mini-racer {version('mini-racer')}"
          + (f"; node {node_version}" if have_node else "; node: not found (run `npm ci` in assets/)"))
    rates: dict[str, float] = {}
    contenders: list[tuple[str, Callable[[], float]]] = [
        ("engine, batched, 1 thread", lambda: engine(items, 1, True, args.warmup, args.repeat)),
        ("engine, batched, 2 threads", lambda: engine(items, 2, True, args.warmup, args.repeat)),
        ("engine, per call, 1 thread", lambda: engine(items, 1, False, args.warmup, args.repeat)),
        ("engine, per call, 2 threads", lambda: engine(items, 2, False, args.warmup, args.repeat)),
    ]
    if have_node:
        assert node is not None
        contenders += [
            ("node server, pipelined", lambda: node_server(items, node, True, args.warmup, args.repeat)),
            ("node server, request/response", lambda: node_server(items, node, False, args.warmup, args.repeat)),
            ("node process per formula", lambda: node_per_process(items, node, args.per_process)),
        ]
    for label, measure in contenders:
        rates[label] = measure()
        print(f"  {label:<32} {rates[label]:9,.0f} formulas/s", flush=True)
    if not have_node:
        print("targets: not checked without node")
        return 0
    print("targets:")
    checks = [
        ("engine batched (1 thread) >= node server pipelined",
         rates["engine, batched, 1 thread"] / rates["node server, pipelined"], 1.0),
        ("engine per call (1 thread) >= node server request/response",
         rates["engine, per call, 1 thread"] / rates["node server, request/response"], 1.0),
        (f"engine batched (1 thread) >= {MIN_SPEEDUP_OVER_PROCESSES}x node process per formula",
         rates["engine, batched, 1 thread"] / rates["node process per formula"], MIN_SPEEDUP_OVER_PROCESSES),
        (f"engine per call (1 thread) >= {MIN_SPEEDUP_OVER_PROCESSES}x node process per formula",
         rates["engine, per call, 1 thread"] / rates["node process per formula"], MIN_SPEEDUP_OVER_PROCESSES),
    ]
    for text, ratio, target in checks:
        print(f"  {text:<62} {ratio:7.2f}x  {'ok' if ratio >= target else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
