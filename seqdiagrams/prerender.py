"""Render a whole site's figures in parallel before the host converts its pages.

Graphviz layout dominates a cold build (5–8 ms per distinct diagram, single-threaded in
the host). Hosts that know every source file up front (the MkDocs plugin does) hand them
here: every distinct block not yet in the cache is rendered by a pool of worker
processes straight into the shared on-disk cache, so the page pass afterwards only reads
finished figures. Invalid blocks are skipped here; the page pass reports them with
their locations. Host-neutral: no MkDocs or Sphinx import.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seqdiagrams.errors import Location, SpecError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

MIN_PARALLEL = 8
"""Below this many figures, a worker pool costs more than it saves."""


@dataclass(frozen=True)
class Job:
    """One figure to render: the block text, its ordinal on its page and the site settings."""

    info: str
    body: str
    ordinal: int
    lang: str
    theme: str
    registry: tuple[str, ...]
    cache_dir: str
    styles: bool
    identity: str
    """The figure's cache key (:func:`seqdiagrams.identity.block_key`)."""


def jobs_for(pages: Iterable[tuple[str, str]], theme: str, registry: tuple[str, ...], cache_dir: Path,
             styles: bool) -> list[Job]:
    """The distinct figures of ``pages`` (Markdown text, default language of its blocks), in page order.

    A site without blocks pays for the scan only; one with blocks computes their keys from raw text and
    file contents, without loading the registry or the renderers (a warm build needs neither).
    """
    from seqdiagrams.scan import scan_markdown

    found = [(ordinal, block, lang) for text, lang in pages for ordinal, block in enumerate(scan_markdown(text))]
    if not found:
        return []
    from seqdiagrams.identity import block_key, registry_digest

    digest = registry_digest(registry)
    jobs: dict[str, Job] = {}
    for ordinal, block, lang in found:
        identity = block_key(block.info, block.body, ordinal, lang, theme, styles, digest)
        jobs.setdefault(identity, Job(block.info, block.body, ordinal, lang, theme, registry, str(cache_dir),
                                      styles, identity))
    return list(jobs.values())


def prerender(jobs: list[Job], workers: int | None = None) -> int:
    """Render the ``jobs`` missing from their cache in parallel; returns how many were rendered.

    Renders nothing when too few are missing for a pool to pay off: the host renders those itself.
    """
    from pathlib import Path

    from seqdiagrams.rendering.cache import DiskCache

    caches = {folder: DiskCache(Path(folder)) for folder in {job.cache_dir for job in jobs}}
    todo = [job for job in jobs if not caches[job.cache_dir].contains(job.identity, "html")]
    workers = min(workers or os.cpu_count() or 1, len(todo))
    if len(todo) < MIN_PARALLEL or workers < 2:
        return 0
    # forkserver: workers start from a clean process (no host threads), importing us once each
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        chunk = max(1, len(todo) // (workers * 8))
        return sum(pool.map(_render_one, todo, chunksize=chunk))


def _render_one(job: Job) -> int:
    from pathlib import Path

    from seqdiagrams.registry import Registry
    from seqdiagrams.rendering import render_block
    from seqdiagrams.rendering.cache import DiskCache

    try:
        render_block(job.info, job.body, Location(), Location(), job.ordinal, job.lang, job.theme, job.styles,
                     Registry.load(job.registry), DiskCache(Path(job.cache_dir)))
    except SpecError:
        return 0  # reported, with its location, when the page itself is converted
    return 1
