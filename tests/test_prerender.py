"""The prerender pass: every missing figure rendered once into the shared cache, by a pool and the calling process."""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING

import pytest

from seqdiagrams import prerender as prerender_module
from seqdiagrams.options import SiteOptions
from seqdiagrams.prerender import _share, jobs_for, prerender
from seqdiagrams.rendering import Renderer
from seqdiagrams.rendering.cache import DiskCache

if TYPE_CHECKING:
    from pathlib import Path

    from seqdiagrams.prerender import Job


def _jobs(tmp_path: Path, count: int) -> list[Job]:
    renderer = Renderer(SiteOptions(), cache=DiskCache(tmp_path / "cache"))
    pages = [(f"```seqarch rnn unroll={k % 6 + 2} caption=\"figure {k}\"\n```\n", None) for k in range(count)]
    return jobs_for(pages, renderer)


def test_every_missing_figure_is_rendered_once_into_the_cache(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path, 10)
    assert prerender(jobs, workers=2) == 10
    cache = DiskCache(tmp_path / "cache")
    assert all(cache.contains(job.identity, "html") for job in jobs)
    assert prerender(jobs, workers=2) == 0  # all cached: no pool at all


def test_the_caller_takes_the_chunks_no_worker_has_started_from_the_last_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool works from the first chunk on; the caller renders from the last back and stops at the first
    chunk the pool has started, so each chunk is rendered exactly once."""
    jobs = _jobs(tmp_path, 5)
    chunks = [[job] for job in jobs]
    pending: list[Future[int]] = [Future() for _ in chunks]
    for future in pending[:2]:
        assert future.set_running_or_notify_cancel()  # fetched by a worker: can no longer be cancelled
    rendered: list[Job] = []
    monkeypatch.setattr(prerender_module, "_render_one", lambda job: rendered.append(job) or 1)
    assert _share(pending, chunks) == 3
    assert rendered == jobs[:1:-1]
    assert [future.cancelled() for future in pending] == [False, False, True, True, True]


def test_a_process_reads_the_registry_files_once_per_pass_not_once_per_figure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The caller's renderer (one per site settings) computes the registry digest once for the whole pass and is
    dropped after it: a later pass, maybe with an edited registry overlay, reads the files again."""
    from seqdiagrams.rendering import renderer as renderer_module

    jobs, more = _jobs(tmp_path, 10), _jobs(tmp_path, 20)  # the same 10 figures, and 10 more
    reads: list[object] = []
    real = renderer_module.registry_digest
    monkeypatch.setattr(renderer_module, "registry_digest",
                        lambda overlays=(): reads.append(overlays) or real(overlays))
    assert prerender(jobs, workers=2) == 10
    assert len(reads) == 1
    assert prerender(more, workers=2) == 10
    assert len(reads) == 2
