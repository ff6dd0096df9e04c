"""MkDocs plugin: ``plugins: [seqdiagrams]`` is all a site needs.

The plugin is a thin host around the Markdown extension: it injects one extension
instance into ``markdown_extensions`` (so MkDocs and plain Markdown share one code
path), tells it which page is being converted and how many front-matter lines MkDocs
stripped (so diagnostics point at ``page.md:line:col`` in the raw file), gives it an
on-disk layout cache, reports bad blocks as MkDocs warnings (``--strict`` fails the
build; otherwise the page shows an error box), watches registry overlays in
``mkdocs serve`` and prints a one-line summary per build.
"""

from __future__ import annotations

import time
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger

from seqdiagrams.options import SiteOptions
from seqdiagrams.rendering.svg import STYLESHEET
from seqdiagrams.subjects.formulas import STYLESHEET as FORMULAS_STYLESHEET

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from seqdiagrams.errors import Diagnostic
    from seqdiagrams.markdown_ext import SeqarchExtension

log = get_plugin_logger("seqdiagrams")

CSS_PATH = "assets/seqdiagrams/seqdiagrams.css"
CSS = """\
.sqd-figure{margin:1.2em auto;text-align:center}
/* Material shrink-wraps figures (width: fit-content); an SVG 100% wide inside one falls back to 300 px */
.md-typeset figure.sqd-figure{width:100%}
.sqd-figure svg{display:block;margin:0 auto}
.sqd-figure figcaption{font-size:.85em;opacity:.8;margin-top:.4em}
.sqd-error pre{white-space:pre-wrap}
.sqd-figure:has(table){overflow-x:auto}
.sqd-table{border-collapse:collapse;margin:0 auto;font-size:.8rem;text-align:left}
.sqd-table th,.sqd-table td{border:1px solid var(--md-typeset-table-color,rgba(0,0,0,.12));
  padding:.45em .8em;vertical-align:top}
.sqd-table thead th{background:var(--md-default-fg-color--lightest,rgba(0,0,0,.05))}
"""


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


SeqdiagramsConfig = type("SeqdiagramsConfig", (base.Config,), {f.name: _option(f.name) for f in fields(SiteOptions)})
"""The typed plugin config, generated from :class:`SiteOptions` so the two never disagree."""


class SeqdiagramsPlugin(BasePlugin[SeqdiagramsConfig]):  # type: ignore[valid-type]
    """Renders ``seqarch`` blocks in every page of the site."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.extension: SeqarchExtension | None = None
        self.started = 0.0
        self.bundles: set[str] = set()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        from seqdiagrams.markdown_ext import SeqarchExtension
        from seqdiagrams.rendering.cache import DiskCache

        values = {f.name: self.config[f.name] for f in fields(SiteOptions)}
        values["strict"] = None  # the plugin decides after the build, once every error is reported
        self.extension = SeqarchExtension(**values)
        folder = self.config["cache_dir"] or str(Path(config.config_file_path).parent / ".cache" / "seqdiagrams")
        self.extension.cache = DiskCache(Path(folder))
        self.extension.report = self._report
        self.extension.inline_styles = False  # the stylesheet ships once, in CSS_PATH
        config.markdown_extensions.append(self.extension)  # type: ignore[arg-type]
        config.extra_css.append(CSS_PATH)
        self.started = time.perf_counter()
        return config

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        for path in self.config["registry"]:
            server.watch(path)
        return server

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Render every new figure of the site in parallel, before pages are converted one by one."""
        from seqdiagrams.prerender import jobs_for, prerender

        assert self.extension is not None and self.extension.cache is not None
        options = self.extension.options
        texts = [_source(f) for f in files.documentation_pages()]
        jobs = jobs_for(texts, options.lang, options.theme, options.registry, self.extension.cache.folder,
                        styles=False)
        if jobs:
            log.debug("prerendering %d figure(s)", prerender(jobs))
        return files

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        from seqdiagrams.markdown_ext import PageContext

        assert self.extension is not None
        self.extension.page = PageContext(page.file.src_uri, _front_matter_lines(page, markdown))
        return markdown

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Load KaTeX/Mermaid from the site itself, on the pages that use them only."""
        from seqdiagrams.page_assets import inject, needed

        self.bundles.update(needed(output))
        base = "/".join([".."] * page.url.count("/")) or "."
        return inject(output, base)

    def on_post_build(self, config: MkDocsConfig) -> None:
        assert self.extension is not None
        site = Path(config.site_dir) / CSS_PATH
        site.parent.mkdir(parents=True, exist_ok=True)
        site.write_text(CSS + STYLESHEET + "\n" + FORMULAS_STYLESHEET, encoding="utf-8")
        _copy_bundles(self.bundles, Path(config.site_dir))
        stats, cache = self.extension.stats, self.extension.cache
        if stats.blocks and cache is not None:
            log.info("%d block(s), %d laid out, %d from cache, %d error(s), %.2f s", stats.blocks,
                     cache.misses["svg"], cache.hits["html"], stats.errors, time.perf_counter() - self.started)
        if stats.errors and self.config["strict"]:
            raise PluginError(f"seqdiagrams: {stats.errors} invalid seqarch block(s); see the warnings above")

    def _report(self, diagnostic: Diagnostic) -> None:
        if self.config["strict"] is False:
            log.info("%s", diagnostic.format())  # strict: false keeps `mkdocs build --strict` from failing
        else:
            log.warning("%s", diagnostic.format())


def _copy_bundles(names: set[str], site_dir: Path) -> None:
    """Copy the vendored files of the bundles the site uses (fonts included) into the site."""
    import shutil

    from seqdiagrams.assets import VENDOR
    from seqdiagrams.page_assets import BUNDLES, SITE_DIR

    static = VENDOR.parent
    for name in sorted(names):
        bundle = BUNDLES[name]
        for relative in (*bundle.stylesheets, *bundle.scripts):
            folder = (static / relative).parent
            target = site_dir / SITE_DIR / folder.relative_to(static)
            if not (static / relative).exists():
                log.warning("the vendored asset %s is missing: reinstall seqdiagrams", relative)
                continue
            shutil.copytree(folder, target, dirs_exist_ok=True)


def _source(file: Any) -> str:
    try:
        return str(file.content_string)
    except (OSError, UnicodeDecodeError):
        return ""  # the page pass reports unreadable files


def _front_matter_lines(page: Page, markdown: str) -> int:
    """Lines MkDocs removed above ``markdown`` (YAML front matter), so locations match the raw file."""
    try:
        raw = page.file.content_string
    except (OSError, UnicodeDecodeError):
        return 0
    raw = raw.lstrip("\ufeff").replace("\r\n", "\n")
    index = raw.find(markdown[:200]) if markdown else -1
    return raw[:index].count("\n") if index > 0 else 0
