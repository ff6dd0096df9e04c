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

from seqdiagrams.errors import SpecError
from seqdiagrams.rendering.renderer import BlockText, FoundBlock, Place, Renderer, Settings
from seqdiagrams.scan import scan_markdown

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

MIN_PARALLEL = 8
"""Below this many figures, a worker pool costs more than it saves."""


@dataclass(frozen=True)
class Job:
    """One figure to render: the block, where it sits, and the settings of the renderer that wants it."""

    block: BlockText
    place: Place
    settings: Settings
    identity: str
    """The figure's cache key (:meth:`~seqdiagrams.rendering.Renderer.key`)."""


def jobs_for(pages: Iterable[tuple[str, str | None]], renderer: Renderer) -> list[Job]:
    """The distinct figures of ``pages`` (Markdown text, the page's own language or None), in page order."""
    return jobs_from(((scan_markdown(text), lang) for text, lang in pages), renderer)


def jobs_from(pages: Iterable[tuple[Sequence[FoundBlock], str | None]], renderer: Renderer) -> list[Job]:
    """The distinct figures of ``pages`` already scanned (each page's blocks, its own language or None), in page
    order: a host that keeps each page's blocks for its page pass scans every page once.

    A site without blocks pays for the scan only: the registry digest (part of every key) is read once a
    block is found.
    """
    jobs: dict[str, Job] = {}
    for blocks, lang in pages:
        for ordinal, found in enumerate(blocks):
            block, place = BlockText(found.info, found.body), Place(ordinal, lang)
            identity = renderer.key(block, place)
            jobs.setdefault(identity, Job(block, place, renderer.settings, identity))
    return list(jobs.values())


def prerender(jobs: list[Job], workers: int | None = None) -> int:
    """Render the ``jobs`` missing from their cache in parallel; returns how many were rendered.

    Renders nothing when too few are missing for a pool to pay off, or when the renderer's cache has
    no folder the workers could share: the host renders those itself.
    """
    caches = {settings: Renderer.from_settings(settings).cache for settings in {job.settings for job in jobs}}
    todo = [job for job in jobs if job.settings.cache_dir is not None
            and not caches[job.settings].contains(job.identity, "html")]
    workers = min(workers or os.cpu_count() or 1, len(todo))
    if len(todo) < MIN_PARALLEL or workers < 2:
        return 0
    # forkserver: workers start from a clean process (no host threads), importing us once each
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        chunk = max(1, len(todo) // (workers * 8))
        return sum(pool.map(_render_one, todo, chunksize=chunk))


def _render_one(job: Job) -> int:
    try:
        Renderer.from_settings(job.settings).render(job.block, job.place)
    except SpecError:
        return 0  # reported, with its location, when the page itself is converted
    return 1
