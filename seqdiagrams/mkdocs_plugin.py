"""MkDocs plugin: ``plugins: [seqdiagrams]`` is all a site needs.

The plugin is a thin host around the Markdown extension: it injects one extension
instance into ``markdown_extensions`` (so MkDocs and plain Markdown share one code
path), tells it which page is being converted, how many front-matter lines MkDocs
stripped (so diagnostics point at ``page.md:line:col`` in the raw file) and the page's
front matter ``lang``, gives it an on-disk layout cache, reports bad blocks as MkDocs
warnings (``--strict`` fails the build; otherwise the page shows an error box), watches
registry overlays in ``mkdocs serve`` and prints a one-line summary per build.

MkDocs conventions: our stylesheet and the vendored KaTeX files the site's figures
use are added to ``Files`` (so ``mkdocs serve``, minify, privacy and offline plugins see
them); the page hook that links them runs before other plugins rewrite the HTML (a minifier
drops the quotes we look for); each figure enters its page after the Markdown, template and search
phases, which read a placeholder holding the figure's words once (:mod:`seqdiagrams.search`), not its
drawing; a bad option or registry overlay stops the build with one ``PluginError`` line naming the file
and line, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.utils.meta import get_data

from seqdiagrams.assets import VENDOR
from seqdiagrams.errors import Location, SpecError
from seqdiagrams.identity import code_stamp
from seqdiagrams.markdown_ext import PageContext, SeqarchExtension, front_matter_lines, normalised
from seqdiagrams.options import SiteOptions, page_lang, read_mkdocs_plugin
from seqdiagrams.page_assets import BUNDLES, SITE_DIR, inject, needed
from seqdiagrams.prerender import jobs_from, prerender
from seqdiagrams.rendering.cache import DiskCache
from seqdiagrams.rendering.renderer import BlockText, Place, Renderer
from seqdiagrams.search import insert, placeholder, restore, search_html, summary

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page
    from mkdocs.utils.templates import TemplateContext

    from seqdiagrams.errors import Diagnostic
    from seqdiagrams.prerender import Job
    from seqdiagrams.rendering.renderer import Facts, FoundBlock

log = get_plugin_logger("seqdiagrams")

CSS_PATH = "assets/seqdiagrams/seqdiagrams.css"


def _option(field_name: str) -> c.BaseConfigOption[Any]:
    """The MkDocs config option for one :class:`SiteOptions` field (same default and choices)."""
    spec = next(f for f in fields(SiteOptions) if f.name == field_name)
    choices = tuple(x for x in spec.metadata["choices"] if x is not None)
    if field_name == "registry":
        return c.ListOfItems(c.File(exists=True), default=[])
    if field_name == "strict":
        return c.Optional(c.Type(bool))
    if choices:
        return c.Choice(choices, default=spec.default)
    return c.Type(type(spec.default), default=spec.default)


HOST_OPTIONS: dict[str, c.BaseConfigOption[Any]] = {
    "enabled": c.Type(bool, default=True),
    "workers": c.Optional(c.Type(int)),
}
"""Options of the MkDocs host only: ``enabled: !ENV [SEQDIAGRAMS, true]`` switches the plugin off (blocks stay
code); ``workers`` sizes the pool that renders a cold build's figures (default: the CPU count; 1: no pool)."""

SeqdiagramsConfig = type("SeqdiagramsConfig", (base.Config,),
                         {**{f.name: _option(f.name) for f in fields(SiteOptions)}, **HOST_OPTIONS})
"""The typed plugin config, generated from :class:`SiteOptions` so the two never disagree."""


class SeqdiagramsPlugin(BasePlugin[SeqdiagramsConfig]):  # type: ignore[valid-type]
    """Renders ``seqarch`` blocks in every page of the site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.extension: SeqarchExtension | None = None
        self.started = 0.0
        self.pooled = 0
        """Figures the worker pool rendered in this build."""
        self.bundles: set[str] = set()
        """Vendored bundles added to the site's files."""
        self.config_error: str | None = None
        self.search_swap: dict[str, list[str]] = {}
        """The build-time formulas of pages the search plugin reads in their search version, by page URL."""
        self.figures: dict[str, _Deferred] = {}
        """The figures of each converted page waiting for :meth:`on_post_page`, by page URL: their blocks, read
        back from the cache then (holding every page's figures through the templates costs more than rereading)."""
        self.page_figures = _Deferred()
        """The figures of the page being converted."""
        self.shared: dict[str, int] = {}
        """How many placeholders of the converted pages show each figure, by key: until :meth:`on_post_page`
        inserted its last, a figure used on several pages is kept in :attr:`kept` instead of read again."""
        self.kept: dict[str, str] = {}
        """The HTML of figures :meth:`on_post_page` inserted that pages not written yet show too, by key."""

    def load_config(self, options: dict[str, Any], config_file_path: str | None = None
                    ) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        """Validate our options; a bad one is kept for :meth:`on_config` to report as one located line.

        MkDocs would print it as ``Config value 'plugins': Plugin 'seqdiagrams' option …`` with no
        line; we name the line of the option in ``mkdocs.yml`` instead.
        """
        errors, warnings = super().load_config(options, config_file_path)
        if options.get("workers") is not None and not errors and self.config["workers"] < 1:
            errors = [("workers", ValueError(f"must be at least 1, got {self.config['workers']}"))]
        self.config_error = None
        if errors:
            key, error = errors[0]
            loc = _option_location(config_file_path, key)
            self.config_error = f"{loc}: seqdiagrams option `{key}`: {error}"
        return [], warnings

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if self.config_error:
            raise PluginError(self.config_error)
        if not self.config["enabled"]:
            self.extension = None
            return config
        values = {f.name: self.config[f.name] for f in fields(SiteOptions)}
        values["strict"] = None  # the plugin decides after the build, once every error is reported
        folder = self.config["cache_dir"] or str(Path(config.config_file_path).parent / ".cache" / "seqdiagrams")
        # styles=False: the stylesheet ships once, in CSS_PATH. No in-memory copies: a build reads each figure
        # about once, and tens of MB held through the theme's templates cost more than the rereads they save
        # facts=True: the pages read each figure's words and bundle signs, not its HTML, until on_post_page
        renderer = Renderer(SiteOptions.from_mapping(values), cache=DiskCache(Path(folder), memory_bytes=0),
                            styles=False, facts=True)
        self.extension = SeqarchExtension(renderer, self._report)
        self.extension.defer = self._defer
        self.figures = {}
        self.shared = {}
        self.kept = {}
        if self.config["registry"]:
            with _as_plugin_error():
                renderer.registry  # noqa: B018 - load the overlays now: a bad one stops the build here
        config.markdown_extensions.append(self.extension)  # type: ignore[arg-type]
        config.extra_css.append(CSS_PATH)
        self.started = time.perf_counter()
        self.pooled = 0
        self.bundles = set()
        return config

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        for path in self.config["registry"]:
            server.watch(path)
        return server

    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        """Render every new figure of the site (in parallel), then add our assets to the site's files."""
        if self.extension is None:
            return files
        extension = self.extension
        extension.scanned = {}
        pages = []
        for file in files.documentation_pages():
            raw = _source(file)
            markdown, meta = get_data(raw)
            lang = page_lang(meta.get("lang"))
            extension.page = PageContext(file.src_uri, front_matter_lines(raw, markdown), lang)
            # the lines the page pass will see (Python-Markdown splits the text; whitespace normalised)
            pages.append((extension.scan(normalised(markdown.split("\n")), keep=True), lang))
        extension.page = PageContext()
        with _as_plugin_error():
            jobs = jobs_from(pages, extension.renderer)
        # a figure whose facts are known exists: only the others are worth a look (and maybe a pool)
        todo = [job for job in jobs if extension.renderer.stored_facts(job.identity) is None]
        self.pooled = prerender(todo, self.config["workers"] or os.cpu_count()) if todo else 0
        names = {"katex"} if extension.options.katex == "page" else set()
        names.update(self._figure_bundles(jobs))
        files.append(File.generated(config, CSS_PATH, content=self._stylesheet()))
        for site_path, source in _bundle_files(names):
            files.append(File.generated(config, site_path, abs_src_path=str(source)))
        self.bundles = names
        return files

    def _figure_bundles(self, jobs: list[Job]) -> tuple[str, ...]:
        """The bundles the site's figures use, from their facts (the few figures the pool left are rendered
        here); the page pass then finds each figure's facts in memory."""
        assert self.extension is not None
        extension = self.extension
        found: set[str] = set()
        for job in jobs:
            try:
                facts, fresh = extension.renderer.facts(job.block, job.place, job.identity)
            except SpecError:
                continue  # reported with its location when its page is converted
            extension.stats.rendered += fresh
            found.update(needed("", facts.signs))  # a figure's own needs: its signs are not pooled across pages
        return tuple(sorted(found))

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.extension is None:
            return markdown
        try:
            raw = page.file.content_string
        except (OSError, UnicodeDecodeError):
            raw = ""
        self.extension.page = PageContext(page.file.src_uri, front_matter_lines(raw, markdown),
                                          page_lang(page.meta.get("lang")))
        self.figures[page.url] = self.page_figures = _Deferred()
        return markdown

    def _defer(self, facts: Facts, block: FoundBlock, place: Place) -> str:
        """Keep the figure for :meth:`on_post_page`; the page carries its words until then (search indexes them),
        so the drawing never goes through Markdown's postprocessors, the templates or the search indexer."""
        assert self.extension is not None
        figures = self.page_figures
        identity = self.extension.renderer.key(block, place)
        figures.blocks.append((BlockText(block.info, block.body), place, identity))
        figures.signs.update(facts.signs)
        self.shared[identity] = self.shared.get(identity, 0) + 1
        return placeholder(len(figures.blocks) - 1, facts.summary)

    def _figure(self, block: BlockText, place: Place, identity: str) -> str:
        """A figure its page converted, from the cache (rendered again if the entry went missing since), kept
        while other pages still show it."""
        assert self.extension is not None
        html = self.kept.pop(identity, None)
        if html is None:
            data = self.extension.cache.peek(identity, "html")
            html = data.decode() if data is not None else self.extension.renderer.render(block, place).html
        uses = self.shared.pop(identity, 1) - 1
        if uses > 0:
            self.shared[identity] = uses
            self.kept[identity] = html
        return html

    @event_priority(100)
    def _search_version(self, context: TemplateContext, page: Page, config: MkDocsConfig,
                        nav: Any) -> TemplateContext | None:
        """Before the search plugin indexes the page: show it each build-time formula's TeX, not its typesetting
        (figures are placeholders until :meth:`on_post_page`)."""
        if self.extension is not None and page.content:
            page.content, figures = search_html(page.content, self._summary)
            if figures:
                self.search_swap[page.url] = figures
        return context

    @event_priority(-100)
    def _page_version(self, context: TemplateContext, page: Page, config: MkDocsConfig,
                      nav: Any) -> TemplateContext | None:
        """After every other plugin saw the page context: the page itself keeps its formulas."""
        if page.url in self.search_swap and page.content is not None:
            page.content = restore(page.content, self.search_swap.pop(page.url))
        return context

    on_page_context = CombinedEvent(_search_version, _page_version)

    @event_priority(100)
    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str | None:
        """Put the page's figures in, and load KaTeX and the step-through script from the site itself, on the
        pages that use them only.

        Runs before other plugins rewrite the page (a minifier drops the quotes the markers have).
        """
        if self.extension is None:
            return output
        figures = self.figures.pop(page.url, None)
        # what the page needs shows in its content (the theme's HTML around it holds no figure or formula;
        # scanning it would cost every page the whole navigation, which grows with the site), figures aside:
        # their signs are known
        names = needed(page.content or "", figures.signs if figures is not None else ())
        if figures is not None:
            output = insert(output, [self._figure(*block) for block in figures.blocks])
        missing = set(names) - self.bundles
        if missing:  # the page's own HTML needs a bundle no figure did: ship it too
            _copy_files(_bundle_files(missing), Path(config.site_dir))
            self.bundles |= missing
        base = "/".join([".."] * page.url.count("/")) or "."
        return inject(output, base, names)

    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.extension is None:
            return
        stats = self.extension.stats
        if stats.blocks:
            rendered = self.pooled + stats.rendered
            log.info("%d block(s), %d rendered, %d from cache, %d error(s), %.2f s", stats.blocks, rendered,
                     max(stats.blocks - stats.errors - rendered, 0), stats.errors, time.perf_counter() - self.started)
        warnings = len(stats.diagnostics) - stats.errors  # a highlight matching nothing, math KaTeX rejects
        if (stats.errors or warnings) and self.config["strict"]:
            raise PluginError(f"seqdiagrams: {stats.errors} invalid seqarch block(s), {warnings} warning(s); "
                              "see the warnings above")

    def _stylesheet(self) -> bytes:
        """The site's stylesheet, from the cache: making it imports every subject that styles figures."""
        assert self.extension is not None

        def produce() -> bytes:
            from seqdiagrams.rendering.stylesheet import site_stylesheet

            return site_stylesheet().encode()

        return self.extension.cache.get(f"stylesheet\0{code_stamp()}", "css", produce)

    def _summary(self, piece: str) -> str:
        """A build-time formula's searchable text, from the site's cache (named by its HTML, and the code).
        Figures' words come with their facts."""
        assert self.extension is not None
        data = self.extension.cache.get(f"search\0{code_stamp()}\0{piece}", "search",
                                        lambda: summary(piece).encode("utf-8", "surrogatepass"))
        return data.decode("utf-8", "surrogatepass")

    def _report(self, diagnostic: Diagnostic) -> None:
        if self.config["strict"] is False:
            log.info("%s", diagnostic.format())  # strict: false keeps `mkdocs build --strict` from failing
        else:
            log.warning("%s", diagnostic.format())


@contextmanager
def _as_plugin_error() -> Iterator[None]:
    """Turns a located :class:`SpecError` (a bad registry overlay) into MkDocs' one-line ``PluginError``."""
    try:
        yield
    except SpecError as exc:
        raise PluginError(exc.diagnostic.format()) from None


@dataclass
class _Deferred:
    """A converted page's figures waiting for :meth:`SeqdiagramsPlugin.on_post_page`: their blocks and keys (in
    the order of their placeholders) and the signs of the bundles they use (:func:`seqdiagrams.page_assets.signs`)."""

    blocks: list[tuple[BlockText, Place, str]] = field(default_factory=list)
    signs: set[str] = field(default_factory=set)


def _bundle_files(names: set[str]) -> Iterator[tuple[str, Path]]:
    """``(path in the site, vendored file)`` of every file of the bundles ``names`` (fonts included)."""
    static = VENDOR.parent
    for name in sorted(names):
        bundle = BUNDLES[name]
        for relative in bundle.files:
            if not (static / relative).exists():
                log.warning("the vendored asset %s is missing: reinstall seqdiagrams", relative)
        for source in bundle.site_files(static):
            yield f"{SITE_DIR}/{source.relative_to(static).as_posix()}", source


def _copy_files(entries: Iterator[tuple[str, Path]], site_dir: Path) -> None:
    for site_path, source in entries:
        target = site_dir / site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _option_location(config_file: str | None, key: str) -> Location:
    """Where our option ``key`` is written in ``mkdocs.yml`` (our entry, or the file, when it is not there)."""
    if not config_file:
        return Location("mkdocs.yml")
    try:
        where = read_mkdocs_plugin(Path(config_file)).where
    except SpecError:
        return Location(config_file)
    return where.get(key, where[""])


def _source(file: Any) -> str:
    try:
        return str(file.content_string)
    except (OSError, UnicodeDecodeError):
        return ""  # the page pass reports unreadable files
