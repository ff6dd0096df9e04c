"""Files an HTML build gets besides its pages: the site stylesheet, and KaTeX or the step script on the
pages that use them (nothing from a CDN).

The stylesheet is the one the MkDocs plugin writes (:func:`~seqdiagrams.rendering.stylesheet.site_stylesheet`);
every file goes through the one atomic writer, so parallel writers never leave half a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from seqdiagrams.assets import VENDOR, vendor_file
from seqdiagrams.atomic import write_atomic
from seqdiagrams.errors import SpecError
from seqdiagrams.page_assets import BUNDLES, needed
from seqdiagrams.rendering.stylesheet import site_stylesheet
from seqdiagrams.sphinx.directive import block_counts
from seqdiagrams.sphinx.report import logger, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

CSS_FILE = "seqdiagrams.css"
STATIC = "seqdiagrams"
"""Where the vendored files go, below ``_static``."""


def page_assets(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """On a page with KaTeX output or a figure in steps only: those files, copied from the package into
    ``_static`` (``html-page-context``: what is added here is added to this page alone)."""
    names = needed(context.get("body", ""))
    if "katex" in names:
        fonts = tuple(f"vendor/katex/fonts/{font.name}" for font in sorted((VENDOR / "katex" / "fonts").glob("*")))
        stylesheets = BUNDLES["katex"].stylesheets
        try:
            _copy_static(Path(app.outdir) / "_static" / STATIC, (*stylesheets, *fonts))
        except SpecError as exc:
            d = exc.diagnostic
            warn(app.config, f"{d.message} ({d.hint})", (pagename, None), d.subtype.value)
        else:
            for css in stylesheets:
                app.builder.add_css_file(f"{STATIC}/{css}")  # type: ignore[attr-defined]
    if "steps" in names:
        scripts = BUNDLES["steps"].scripts
        _copy_static(Path(app.outdir) / "_static" / STATIC, scripts)
        for js in scripts:
            app.add_js_file(f"{STATIC}/{js}", defer="defer")


def _copy_static(target: Path, files: tuple[str, ...]) -> None:
    """Copy packaged static ``files`` under ``target`` unless already there."""
    static = VENDOR.parent
    for relative in files:
        source = vendor_file(relative.removeprefix("vendor/")) if relative.startswith("vendor/") else static / relative
        destination = target / relative
        if not (destination.is_file() and destination.stat().st_size == source.stat().st_size):
            write_atomic(destination, source.read_bytes())


def build_finished(app: Sphinx, exception: Exception | None) -> None:
    """The site stylesheet (HTML builders), and a one-line summary of the blocks the build read."""
    if exception is not None:
        return
    if app.builder.format == "html":
        write_atomic(Path(app.outdir) / "_static" / CSS_FILE, site_stylesheet().encode())
    counts = block_counts(app.env).values()
    blocks = sum(b for b, _ in counts)
    if blocks:
        logger.info("seqdiagrams: %d block(s) in %d document(s), %d invalid", blocks,
                    sum(1 for b, _ in counts if b), sum(e for _, e in counts))
