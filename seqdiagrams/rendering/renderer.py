"""The one object every host renders through: :class:`Renderer` (site options + registry + cache).

The Markdown extension, the MkDocs plugin, the prerender pool, the CLI (``render``, ``check``,
``regen``) and the gallery all make a ``Renderer`` and ask it for figures, so the site's default
language and theme are applied in one place (:meth:`Renderer.settle`) and a figure has one cache key
(:meth:`Renderer.key`). The key is made from the block's raw text and the site's settings, so a warm
build reads finished figures without parsing a block, loading the registry's schema library or
importing the pipeline: this module imports neither at load time (a site without blocks never pays
for them; see :attr:`Renderer.registry` and :func:`_pipeline`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from seqdiagrams.errors import Diagnostic, Location, at_block
from seqdiagrams.identity import block_key, registry_digest
from seqdiagrams.options import SiteOptions
from seqdiagrams.page_assets import signs
from seqdiagrams.rendering.cache import DiskCache
from seqdiagrams.search import summary

if TYPE_CHECKING:
    from types import ModuleType

    from seqdiagrams.registry import Registry
    from seqdiagrams.spec import Spec
    from seqdiagrams.types import OutputFormat


class FoundBlock(Protocol):
    """A block as a host found it: info string and body, and where each starts in the user's file."""

    @property
    def info(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def info_loc(self) -> Location: ...
    @property
    def body_loc(self) -> Location: ...


@dataclass(frozen=True)
class BlockText:
    """A found block by value (what a prerender job carries to a worker process)."""

    info: str
    body: str = ""
    info_loc: Location = field(default_factory=Location)
    body_loc: Location = field(default_factory=Location)


@dataclass(frozen=True)
class Place:
    """Where a block sits on its page: its position among the page's blocks, and the page's own language."""

    ordinal: int = 0
    """Makes element ids unique on the page (two identical blocks), and is part of the figure's key."""
    lang: str | None = None
    """The page's front matter ``lang``: the default of its blocks, over the site's."""


@dataclass(frozen=True)
class Rendered:
    """A block's figure HTML, the warnings it raised (reported on every build, warm or cold), and whether
    it was rendered now (else read from the cache)."""

    html: str
    warnings: tuple[Diagnostic, ...] = ()
    fresh: bool = False


FACTS = "facts"
"""The cache kind of a figure's :class:`Facts`, stored under the figure's own key."""
KNOWN_FACTS = 16384
"""Most figures' facts this process keeps in memory (a few hundred bytes each): past it, they are dropped."""


@dataclass(frozen=True)
class Facts:
    """What a host that inserts figures into finished pages itself needs to know of one, without reading it:
    its searchable words (:func:`seqdiagrams.search.summary`) and its signs of the vendored bundles it uses
    (:func:`seqdiagrams.page_assets.signs`). A few hundred bytes against the figure's tens of kB."""

    summary: str
    signs: tuple[str, ...]

    @classmethod
    def of(cls, figure_html: str) -> Facts:
        return cls(summary(figure_html), signs(figure_html))

    def encode(self) -> bytes:
        # the summary is one line (its whitespace collapsed), the signs are words
        return (" ".join(self.signs) + "\n" + self.summary).encode("utf-8", "surrogatepass")

    @classmethod
    def decode(cls, data: bytes) -> Facts:
        head, _, text = data.decode("utf-8", "surrogatepass").partition("\n")
        return cls(text, tuple(head.split()))


@dataclass(frozen=True)
class Settings:
    """What a :class:`Renderer` is made of, by value: enough for a worker process to make the same one."""

    options: SiteOptions
    styles: bool
    cache_dir: str | None
    facts: bool = False


class Renderer:
    """Renders found blocks for one site: its options, its registry and its figure cache.

    ``styles`` embeds the stylesheet in every figure (self-contained output); a host that links the
    stylesheet once per page passes False. ``registry`` defaults to the packaged one merged with the
    site's overlays (``options.registry``), loaded when first needed; ``cache`` to an in-memory cache.
    ``facts``: each figure rendered also stores its :class:`Facts` (:meth:`facts`), for a host that reads
    those instead of the figure until it writes the page (the MkDocs plugin); other hosts skip their cost.
    """

    def __init__(self, options: SiteOptions | None = None, registry: Registry | None = None,
                 cache: DiskCache | None = None, *, styles: bool = True, facts: bool = False) -> None:
        self.options = options or SiteOptions()
        self.cache = cache if cache is not None else DiskCache()
        self.styles = styles
        self.keeps_facts = facts
        self._registry = registry
        self._digest: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Renderer:
        """The renderer ``settings`` describe (a prerender worker's)."""
        folder = Path(settings.cache_dir) if settings.cache_dir is not None else None
        return cls(settings.options, cache=DiskCache(folder), styles=settings.styles, facts=settings.facts)

    @property
    def settings(self) -> Settings:
        folder = self.cache.folder
        return Settings(self.options, self.styles, str(folder) if folder is not None else None, self.keeps_facts)

    @property
    def registry(self) -> Registry:
        """The site's registry, loaded on first use (a located ``SpecError`` for a bad overlay)."""
        if self._registry is None:
            # deferred: loading validates with pydantic, which a site without blocks never needs
            from seqdiagrams.registry import Registry

            self._registry = Registry.load(self.options.registry)
        return self._registry

    # -- the site's defaults, applied once ---------------------------------------------------------

    def settle(self, spec: Spec, lang: str | None = None) -> Spec:
        """``spec`` with the page's ``lang`` (else the site's) and the site's theme, unless the block chose."""
        grammar = _grammar()
        return grammar.with_theme(grammar.with_default_lang(spec, lang or self.options.lang), self.options.theme)

    def spec(self, block: FoundBlock, place: Place | None = None) -> Spec:
        """The block parsed, with the site's defaults; raises its located :class:`SpecError`."""
        lang = place.lang if place is not None else None
        return self.settle(_grammar().parse_parts(block.info, block.body, block.info_loc, block.body_loc), lang)

    def key(self, block: FoundBlock, place: Place | None = None) -> str:
        """Everything a block's figure depends on, from its raw text: the figure's one cache key."""
        place = place or Place()
        return block_key(block.info, block.body, place.ordinal, place.lang or self.options.lang, self.options.theme,
                         self.styles, self.registry_digest)

    @property
    def registry_digest(self) -> str:
        """The registry's digest, from the YAML files' text (:mod:`seqdiagrams.identity`) unless a registry was
        given: so a key, and a warm build's cache hit, never loads the registry."""
        if self._digest is None:
            self._digest = self._registry.digest if self._registry is not None else registry_digest(
                self.options.registry)
        return self._digest

    # -- entries -----------------------------------------------------------------------------------

    def render(self, block: FoundBlock, place: Place | None = None) -> Rendered:
        """A found block's figure HTML from the cache or rendered now, with its warnings.

        Raises the located :class:`SpecError` of an invalid block (never cached). A block that names
        ``highlight`` is parsed for its warnings even when its figure comes from the cache.
        """
        place = place or Place()
        identity = self.key(block, place)
        with at_block(block.info_loc):
            entry = self.cache.peek(identity, "html")
            spec = None
            if entry is None:
                spec = self.spec(block, place)
                entry = self._draw(identity, spec, place).encode()
            warnings = self._warnings(block, place, spec)
        return Rendered(entry.decode(), warnings, spec is not None)

    def facts(self, block: FoundBlock, place: Place | None = None,
              identity: str | None = None) -> tuple[Facts, bool]:
        """A found block's :class:`Facts`, and whether its figure was rendered now (its facts were missing).

        Reads no figure: the facts are stored beside it when it is rendered (also by the prerender pool), so
        a figure exists when its facts do. Raises the located :class:`SpecError` of an invalid block; its
        warnings are :meth:`block_warnings`'. ``identity``: the block's :meth:`key`, when the caller has it."""
        place = place or Place()
        identity = identity or self.key(block, place)
        known = self.stored_facts(identity)
        if known is not None:
            return known, False
        with at_block(block.info_loc):
            html = self._draw(identity, self.spec(block, place), place, note=False)
        return self._note(identity, html), True

    def stored_facts(self, identity: str) -> Facts | None:
        """The facts of the figure keyed ``identity`` (:meth:`key`) if it was rendered, else None.

        Kept in memory for the process once read (a figure's facts follow from its key): a host asks for each
        figure's twice a build (the bundles of the site, then its page), and ``mkdocs serve`` rebuilds the
        site in one process, where only the figures of an edited page are new."""
        name = self._memo(identity)
        known = _KNOWN.get(name) if name is not None else None
        if known is None:
            entry = self.cache.peek(identity, FACTS)
            if entry is not None:
                known = self._remember(identity, Facts.decode(entry))
        return known

    def _memo(self, identity: str) -> tuple[str, str] | None:
        """A figure's name in the process's facts: its key in this cache folder (another may not hold the figure;
        an in-memory cache, which lives and dies with its renderer, is not named)."""
        folder = self.cache.folder
        return (str(folder), identity) if folder is not None else None

    def _remember(self, identity: str, facts: Facts) -> Facts:
        name = self._memo(identity)
        if name is not None:
            if len(_KNOWN) >= KNOWN_FACTS:
                _KNOWN.clear()  # a long ``mkdocs serve`` session: start again rather than grow
            _KNOWN[name] = facts
        return facts

    def _draw(self, identity: str, spec: Spec, place: Place, note: bool = True) -> str:
        """Render ``spec`` now and store its figure, then its facts when this renderer keeps them (and ``note``):
        the figure first, so that facts in the cache mean their figure was written."""
        html = str(_pipeline().render_spec(spec, "html", self.registry, place.ordinal, self.cache, self.styles))
        self.cache.put(identity, "html", html.encode())
        if note and self.keeps_facts:
            self._note(identity, html)
        return html

    def _note(self, identity: str, html: str) -> Facts:
        """Store the facts of the figure ``html`` just stored under ``identity``."""
        facts = self._remember(identity, Facts.of(html))
        self.cache.put(identity, FACTS, facts.encode())
        return facts

    def block_warnings(self, block: FoundBlock, place: Place | None = None) -> tuple[Diagnostic, ...]:
        """:meth:`warnings` of a found block, reported on every build, warm or cold: only a block that names
        ``highlight`` is parsed for them (a host reading :meth:`facts` asks for them apart)."""
        return self._warnings(block, place or Place(), None)

    def _warnings(self, block: FoundBlock, place: Place, spec: Spec | None) -> tuple[Diagnostic, ...]:
        if "highlight" not in block.info + block.body:
            return ()
        with at_block(block.info_loc):
            return tuple(self.warnings(spec or self.spec(block, place)))

    def output(self, spec: Spec, fmt: OutputFormat, lang: str | None = None) -> str | bytes:
        """``spec`` rendered as ``fmt`` with the site's defaults (``regen``, the gallery, the Python API)."""
        return _pipeline().render_spec(self.settle(spec, lang), fmt, self.registry, 0, self.cache, self.styles)

    def render_text(self, block: str, fmt: OutputFormat) -> tuple[str | bytes, list[Diagnostic]]:
        """A whole block's text (``"rnn unroll=3"``, optionally a YAML body after a newline) as ``fmt``,
        with its warnings: what ``seqdiagrams render`` prints."""
        spec = self.settle(_grammar().parse(block))
        return self.output(spec, fmt), self.warnings(spec)

    def check(self, block: FoundBlock) -> list[Diagnostic]:
        """Everything that can fail about a block short of laying it out (``seqdiagrams check``): raises
        its located :class:`SpecError`, returns its warnings."""
        spec = self.spec(block)
        _pipeline().check_spec(spec, self.registry)
        return self.warnings(spec)

    def warnings(self, spec: Spec) -> list[Diagnostic]:
        """What is wrong with a valid block but leaves its figure right (a ``highlight`` that matches nothing)."""
        return _pipeline().unmatched_highlights(spec, self.registry)


_KNOWN: dict[tuple[str, str], Facts] = {}
"""Figures' facts read or made by this process, by cache folder and key (:meth:`Renderer.stored_facts`)."""


def _grammar() -> ModuleType:
    """The block grammar: imported for the first block not found in the cache (it brings every subject's
    declarations), so a warm build, whose figures all come from the cache, never parses a block."""
    from seqdiagrams import spec

    return spec


def _pipeline() -> ModuleType:
    """The pipeline module: imported on the first figure actually rendered, not with the renderer, since
    it brings the registry schema (pydantic), Graphviz's bindings and the subjects."""
    from seqdiagrams.rendering import pipeline

    return pipeline
