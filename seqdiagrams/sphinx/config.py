"""The ``seqdiagrams_*`` configuration values, checked once, and what the other modules read from them.

The values are generated from :class:`~seqdiagrams.options.SiteOptions`, so MkDocs and Sphinx offer the
same options with the same defaults; a bad value is warned about at its line in ``conf.py`` and reset.
"""

from __future__ import annotations

from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seqdiagrams.errors import Location, SpecError
from seqdiagrams.options import SiteOptions
from seqdiagrams.registry import Registry
from seqdiagrams.rendering.cache import DiskCache
from seqdiagrams.rendering.renderer import BlockText, Renderer
from seqdiagrams.sphinx.report import located, setting_location, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config


def add_config_values(app: Sphinx) -> None:
    """One ``seqdiagrams_<field>`` per site option (``types=Any``: :func:`config_inited` checks the values,
    so a bad one gets one located ``seqdiagrams.config`` warning)."""
    for spec in fields(SiteOptions):
        rebuild = "" if spec.name == "cache_dir" else "env"
        app.add_config_value(f"seqdiagrams_{spec.name}", spec.default, rebuild, types=Any)  # type: ignore[arg-type]


def config_inited(app: Sphinx, config: Config) -> None:
    """Validate every ``seqdiagrams_*`` value; a bad one is warned about and reset to its default."""
    for spec in fields(SiteOptions):
        name = f"seqdiagrams_{spec.name}"
        try:
            SiteOptions.from_mapping({spec.name: config[name]})
            if spec.name == "cache_dir" and not isinstance(config[name], str):
                raise ValueError(f"option `cache_dir` must be a folder name, got `{config[name]}`")
        except ValueError as exc:
            warn(config, f"{name}: {exc}; using the default `{spec.default!r}`", setting_location(app.confdir, name),
                 "config")
            config[name] = spec.default
    config.seqdiagrams_registry = _overlays(app, config)
    fences = config.myst_fence_as_directive if "myst_fence_as_directive" in config else None
    if fences is not None and "seqarch" not in fences:  # plain ```seqarch fences in MyST pages, as in MkDocs
        config.myst_fence_as_directive = [*fences, "seqarch"]
    if config.seqdiagrams_cache_dir:
        config.seqdiagrams_cache_dir = str(Path(app.confdir) / config.seqdiagrams_cache_dir)


def _overlays(app: Sphinx, config: Config) -> tuple[str, ...]:
    """Registry overlay paths made absolute; a missing or invalid overlay resets the option."""
    value = config.seqdiagrams_registry
    paths = tuple(str(Path(app.confdir) / p) for p in ((value,) if isinstance(value, str) else value))
    for path in paths:
        if not Path(path).is_file():
            warn(config, f"seqdiagrams_registry: no such file `{path}`; using the packaged registry only",
                 setting_location(app.confdir, "seqdiagrams_registry"), "config")
            return ()
    try:
        Registry.load(paths)
    except SpecError as exc:
        d = exc.diagnostic
        warn(config, d.message + (f" ({d.hint})" if d.hint else ""), located(d), d.subtype.value)
        return ()
    return paths


def renderer(config: Config, folder: str | None = None) -> Renderer:
    """The site's :class:`~seqdiagrams.rendering.Renderer`, the one the other hosts use too: the project's
    options (default language and theme applied once, by it), its registry and the figure cache in
    ``folder`` (see :func:`cache_folder`; none: in memory, for read-time checks)."""
    options = SiteOptions.from_mapping({spec.name: config[f"seqdiagrams_{spec.name}"] for spec in fields(SiteOptions)})
    digest = Registry.load(options.registry).digest  # memoised per overlay content: an edited overlay is seen
    return _renderer(options, folder, digest)


@lru_cache(maxsize=8)
def _renderer(options: SiteOptions, folder: str | None, digest: str) -> Renderer:
    """One renderer per process, site and registry content (its in-memory caches are shared by every page); a
    few at most are alive in one process (tests, sphinx-autobuild), hence the small bound."""
    return Renderer(options, Registry.load(options.registry), DiskCache(Path(folder)) if folder else None)


def cache_folder(config: Config, doctreedir: str | Path) -> str:
    """Where finished figures are kept: ``seqdiagrams_cache_dir``, else beside the doctrees (read and write time
    agree, so a block checked while reading is the figure written)."""
    return config.seqdiagrams_cache_dir or str(Path(doctreedir) / "seqdiagrams")


def cache_for(builder: Builder) -> DiskCache:
    """The content-addressed cache of the builder's renderer (KaTeX formulas share it)."""
    return renderer(builder.config, cache_folder(builder.config, builder.doctreedir)).cache


def found_block(info: str, body: str, loc: Location) -> BlockText:
    """A directive's block as the renderer takes it: the body (options, then content) starts on the next line."""
    return BlockText(info, body, loc, Location(loc.path, loc.line + 1, 1))
