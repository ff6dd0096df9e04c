"""The benchmark's synthetic sites are made of valid blocks: an invalid one is reported and drawn as an error box
on every build (never cached), so it would make a warm build look dearer than a real site's."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from seqdiagrams.errors import SpecError
from seqdiagrams.rendering.renderer import BlockText, Renderer

_SPEC = importlib.util.spec_from_file_location("seqdiagrams_benchmark",
                                               Path(__file__).resolve().parents[1] / "benchmarks" / "build.py")
assert _SPEC is not None and _SPEC.loader is not None
benchmark = importlib.util.module_from_spec(_SPEC)  # by path: `build` is also the name of PyPA's build tool
sys.modules[_SPEC.name] = benchmark  # its dataclasses look their module up
_SPEC.loader.exec_module(benchmark)
COMMON, distinct_blocks, page_blocks = benchmark.COMMON, benchmark.distinct_blocks, benchmark.page_blocks


def test_every_benchmark_block_is_valid() -> None:
    renderer = Renderer()
    bad = []
    for block in dict.fromkeys([*COMMON, *distinct_blocks()]):
        try:
            renderer.check(BlockText(f"seqarch {block}", ""))
        except SpecError as exc:
            bad.append(f"{block}: {exc.diagnostic.message}")
    assert bad == []

def test_the_scaling_sites_have_enough_distinct_blocks() -> None:
    """A 1000-page site takes about 70 % of its 5000 blocks from the distinct list, none repeated."""
    blocks = [block for page in page_blocks(1000) for block in page]
    unique = [block for block in blocks if block not in COMMON]
    assert len(unique) == len(set(unique)) == 3500
