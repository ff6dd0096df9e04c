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
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
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
    no folder the workers could share: the host renders those itself. The calling process is one of the
    ``workers``: it would only wait for the pool otherwise, and it already holds what a worker process
    must first import, so a pool of ``workers - 1`` processes and the caller share the figures.
    """
    try:
        return _prerender(jobs, workers)
    finally:
        _renderer.cache_clear()  # the caller's renderers: the next build may come with an edited registry


def _prerender(jobs: list[Job], workers: int | None) -> int:
    todo = [job for job in jobs if job.settings.cache_dir is not None
            and not _renderer(job.settings).cache.contains(job.identity, "html")]
    workers = min(workers or os.cpu_count() or 1, len(todo))
    if len(todo) < MIN_PARALLEL or workers < 2:
        return 0
    chunk = max(1, len(todo) // (workers * 8))
    chunks = [todo[start:start + chunk] for start in range(0, len(todo), chunk)]
    # forkserver: workers start from a clean process (no host threads), importing us once each
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context(method)) as pool:
        pending = [pool.submit(_render_all, part) for part in chunks]
        return _share(pending, chunks) + sum(future.result() for future in pending if not future.cancelled())


def _share(pending: list[Future[int]], chunks: list[list[Job]]) -> int:
    """Render the chunks the pool has not started, from the last one back: the pool takes them from the first
    on, and a chunk the caller takes is cancelled in the pool (it can be while no worker has fetched it)."""
    rendered = 0
    for future, part in zip(reversed(pending), reversed(chunks), strict=True):
        if not future.cancel():
            break  # this one and every earlier one are the pool's
        rendered += _render_all(part)
    return rendered


def _render_all(jobs: list[Job]) -> int:
    return sum(_render_one(job) for job in jobs)


@lru_cache(maxsize=8)
def _renderer(settings: Settings) -> Renderer:
    """One renderer per site's settings for all the figures a process renders in one prerender pass (a worker
    process lives that long), not one per figure: its registry digest, read from the registry files, and its
    registry are then computed once. It keeps no copies of entries in memory: the host reads them from the folder.
    """
    renderer = Renderer.from_settings(settings)
    renderer.cache.memory_bytes = 0
    return renderer


def _render_one(job: Job) -> int:
    try:
        _renderer(job.settings).render(job.block, job.place)
    except SpecError:
        return 0  # reported, with its location, when the page itself is converted
    return 1
