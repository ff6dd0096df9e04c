"""The one Renderer every host uses (issue 13): site defaults applied once, one cache key per figure,
prerender jobs that carry the renderer's settings, and a warm path that neither parses nor lays out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from seqdiagrams.markdown_ext import SeqarchExtension
from seqdiagrams.options import SiteOptions
from seqdiagrams.page_assets import needed
from seqdiagrams.prerender import jobs_for
from seqdiagrams.registry import Registry
from seqdiagrams.rendering import BlockText, Place, Renderer, render_spec
from seqdiagrams.rendering.cache import DiskCache
from seqdiagrams.rendering.renderer import FACTS, Facts
from seqdiagrams.search import summary
from seqdiagrams.spec import parse

BLOCK = BlockText("rnn unroll=2")


def entries(folder: Path, kind: str) -> list[Path]:
    return [path for path in folder.rglob(f"*.{kind}") if path.is_file()]


def test_a_figure_is_stored_under_one_key(tmp_path: Path) -> None:
    """It was stored twice, under `block_identity` and `figure_identity`."""
    cold = Renderer(cache=DiskCache(tmp_path))
    first = cold.render(BLOCK)
    assert first.fresh and len(entries(tmp_path, "html")) == 1
    warm = Renderer(cache=DiskCache(tmp_path))
    again = warm.render(BLOCK)
    assert (again.fresh, again.html, warm.cache.hits["html"]) == (False, first.html, 1)
    assert len(entries(tmp_path, "html")) == 1


def test_the_site_defaults_are_applied_in_one_place() -> None:
    renderer = Renderer(SiteOptions(lang="zh", theme="dark"))
    spec = renderer.spec(BLOCK)
    assert (spec["lang"], spec["theme"]) == ("zh", "dark")
    chosen = renderer.spec(BlockText("rnn lang=en theme=light"))
    assert (chosen["lang"], chosen["theme"]) == ("en", "light")  # the block wins
    assert renderer.spec(BLOCK, Place(lang="en"))["lang"] == "en"  # the page's front matter over the site
    expected = render_spec(parse("rnn unroll=2 lang=zh theme=dark"), "html", renderer.registry)
    assert renderer.render(BLOCK).html == expected


def test_the_key_names_every_setting_the_figure_depends_on(tmp_path: Path) -> None:
    base = Renderer(cache=DiskCache(tmp_path))
    key = base.key(BLOCK)
    assert Renderer(cache=DiskCache(tmp_path)).key(BLOCK) == key
    others = [Renderer(SiteOptions(lang="zh")).key(BLOCK), Renderer(SiteOptions(theme="dark")).key(BLOCK),
              Renderer(styles=False).key(BLOCK), base.key(BLOCK, Place(ordinal=1)),
              base.key(BlockText("rnn unroll=3"))]
    assert len({key, *others}) == len(others) + 1
    # the same figure reached two ways is one entry: a zh page on an en site, any page on a zh site
    assert base.key(BLOCK, Place(lang="zh")) == Renderer(SiteOptions(lang="zh")).key(BLOCK)


def test_prerender_jobs_carry_the_renderers_settings(tmp_path: Path) -> None:
    """A worker rebuilds the host's renderer from the job, so it stores each figure where the host reads it."""
    renderer = Renderer(SiteOptions(theme="dark"), cache=DiskCache(tmp_path), styles=False)
    page = "```seqarch rnn\n```\n\n```seqarch gru\n```\n\n```seqarch rnn\n```\n"
    jobs = jobs_for([(page, None), (page, "zh")], renderer)
    assert [(job.block.info.strip(), job.place) for job in jobs] == [
        ("rnn", Place(0, None)), ("gru", Place(1, None)), ("rnn", Place(2, None)),
        ("rnn", Place(0, "zh")), ("gru", Place(1, "zh")), ("rnn", Place(2, "zh"))]
    for job in jobs:
        assert job.settings == renderer.settings
        assert Renderer.from_settings(job.settings).key(job.block, job.place) == job.identity
    assert jobs_for([("# no blocks\n", None)], renderer) == []


def test_a_warm_figure_needs_no_pipeline(tmp_path: Path) -> None:
    """A warm build reads finished figures by their key: it neither parses, lays out nor imports the pipeline."""
    Renderer(cache=DiskCache(tmp_path)).render(BLOCK)
    code = ("import sys; from pathlib import Path; from seqdiagrams.rendering import BlockText, Renderer; "
            "from seqdiagrams.rendering.cache import DiskCache; "
            f"out = Renderer(cache=DiskCache(Path({str(tmp_path)!r}))).render(BlockText('rnn unroll=2')); "
            "print(out.fresh, [m for m in ('seqdiagrams.rendering.pipeline', 'seqdiagrams.subjects.rnn') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "[]"]


def test_a_figure_rendered_for_a_page_host_stores_its_facts_beside_it(tmp_path: Path, monkeypatch) -> None:
    """The MkDocs plugin's pages read each figure's words and bundle signs, not its HTML (issue 14)."""
    import seqdiagrams.rendering.renderer as renderer_module

    block = BlockText("lstm steps=true")
    html = Renderer(cache=DiskCache(tmp_path), facts=True).render(block).html
    assert len(entries(tmp_path, FACTS)) == 1
    again = Renderer(cache=DiskCache(tmp_path))
    known, fresh = again.facts(block)  # the same process (a rebuild under `mkdocs serve`): from memory
    assert (fresh, again.cache.hits, again.cache.misses) == (False, {}, {})
    monkeypatch.setattr(renderer_module, "_KNOWN", {})  # another process: from the cache
    warm = Renderer(cache=DiskCache(tmp_path))
    facts, fresh = warm.facts(block)
    assert not fresh and facts == known and facts.summary == summary(html)
    assert needed("", facts.signs) == needed(html) == ("steps",)
    assert (warm.cache.hits, warm.cache.misses) == ({FACTS: 1}, {})  # the figure itself was never read
    assert Facts.decode(facts.encode()) == facts
    assert Renderer(cache=DiskCache(tmp_path / "other")).facts(block)[1]  # another cache folder: not known there


def test_a_figure_without_its_facts_is_rendered_again(tmp_path: Path) -> None:
    """Facts in the cache mean their figure was written with them; a figure stored without (another host,
    a build stopped between the two writes) is rendered again rather than read to learn its facts."""
    Renderer(cache=DiskCache(tmp_path)).render(BLOCK)
    assert (len(entries(tmp_path, "html")), entries(tmp_path, FACTS)) == (1, [])
    renderer = Renderer(cache=DiskCache(tmp_path))
    facts, fresh = renderer.facts(BLOCK)
    assert fresh and len(entries(tmp_path, FACTS)) == 1
    assert facts == Facts.of(Renderer(cache=DiskCache(tmp_path)).render(BLOCK).html)


def test_a_worker_keeps_facts_when_its_host_does() -> None:
    assert Renderer.from_settings(Renderer(facts=True).settings).keeps_facts
    assert not Renderer.from_settings(Renderer().settings).keeps_facts


def test_an_explicit_registry_is_the_one_used(tmp_path: Path) -> None:
    registry = Registry.default()
    assert Renderer(registry=registry).registry is registry


def test_the_markdown_extension_takes_its_options_from_the_renderer() -> None:
    renderer = Renderer(SiteOptions(lang="zh"))
    extension = SeqarchExtension(renderer)
    assert extension.options is renderer.options and extension.cache is renderer.cache
    with pytest.raises(TypeError, match="renderer"):
        SeqarchExtension(renderer, lang="en")
