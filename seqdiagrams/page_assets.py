"""Which vendored assets a rendered page needs, and the tags that load them from the site itself.

A page needs KaTeX's stylesheet (and fonts) only if it contains KaTeX output; hosts (the
MkDocs plugin, the Sphinx extension) ask :func:`needed` about each page's HTML and add
:func:`tags` for exactly those, with URLs relative to the page, so sites work offline and
from any sub-path. Markers are found with or without quotes around the attribute, so a page
already minified (``class=katex``, a ``minify`` plugin listed before ours) is recognised too.
No page loads a script of ours: timelines are drawn at build time. Host-neutral.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

SITE_DIR = "assets/seqdiagrams"
"""Where hosts copy ``seqdiagrams/static`` inside the built site."""


@dataclass(frozen=True)
class Bundle:
    """A vendored asset: how to tell a page uses it, and what to load."""

    marker: re.Pattern[str]
    """Found in the HTML of a page that uses the asset."""
    stylesheets: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()


BUNDLES: dict[str, Bundle] = {
    "katex": Bundle(re.compile(r"""class=["']?katex[\s"'>]"""), stylesheets=("vendor/katex/katex.min.css",)),
}


def needed(page_html: str) -> tuple[str, ...]:
    """Names of the bundles ``page_html`` uses, in a stable order."""
    return tuple(name for name, bundle in BUNDLES.items() if bundle.marker.search(page_html))


def tags(names: tuple[str, ...], base: str) -> tuple[str, str]:
    """``(head_tags, body_end_tags)`` loading ``names`` from ``base`` (the site root relative to the page)."""
    root = base.rstrip("/") + "/" + SITE_DIR if base else SITE_DIR
    head = [f'<link rel="stylesheet" href="{html.escape(root)}/{css}">'
            for name in names for css in BUNDLES[name].stylesheets]
    body = [f'<script src="{html.escape(root)}/{js}"></script>' for name in names for js in BUNDLES[name].scripts]
    return "".join(head), "".join(body)


def inject(page_html: str, base: str) -> str:
    """``page_html`` with the tags of the bundles it needs, before ``</head>`` and ``</body>``."""
    names = needed(page_html)
    if not names:
        return page_html
    head, body = tags(names, base)
    if head:
        page_html = page_html.replace("</head>", head + "</head>", 1)
    if body:
        index = page_html.rfind("</body>")
        page_html = page_html[:index] + body + page_html[index:] if index >= 0 else page_html + body
    return page_html


def copy_bundles(names: Iterable[str], target: Path) -> list[str]:
    """Copy the vendored files of ``names`` (stylesheets with the folders beside them: KaTeX's fonts) under
    ``target``, laid out as the pages' tags expect below :data:`SITE_DIR`; returns the files found missing."""
    from seqdiagrams.assets import VENDOR

    static = VENDOR.parent
    missing: list[str] = []
    for name in sorted(set(names)):
        bundle = BUNDLES[name]
        for relative in (*bundle.stylesheets, *bundle.scripts):
            if not (static / relative).exists():
                missing.append(relative)
                continue
            folder = (static / relative).parent
            shutil.copytree(folder, target / folder.relative_to(static), dirs_exist_ok=True)
    return missing
