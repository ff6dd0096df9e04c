"""Which vendored assets a rendered page needs, and the tags that load them from the site itself.

A page needs KaTeX's stylesheet (and fonts) only if it contains KaTeX output; hosts (the
MkDocs plugin, the Sphinx extension) ask :func:`needed` about each page's HTML and add
:func:`tags` for exactly those, with URLs relative to the page, so sites work offline and
from any sub-path. Markers are found with or without quotes around the attribute, so a page
already minified (``class=katex``, a ``minify`` plugin listed before ours) is recognised too.
Timelines are drawn at build time; the one script of ours, the step-through of figures with ``steps``, is
loaded by the pages that have one. Host-neutral.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from seqdiagrams.assets import VENDOR

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
    together: tuple[str, ...] = ()
    """Strings that, all found in a page, also say it uses the asset (plain substring tests: a pattern
    asking for two things anywhere in a page scans it from every position)."""
    stylesheets: tuple[str, ...] = ()
    """Stylesheets, each copied with the folder it sits in (KaTeX's ``fonts/`` sits beside its CSS)."""
    scripts: tuple[str, ...] = ()
    """Scripts, loaded ``defer`` (after the page, in order) and copied like stylesheets."""

    @property
    def files(self) -> tuple[str, ...]:
        """Every file the bundle loads, relative to the package's ``static`` folder."""
        return self.stylesheets + self.scripts

    def site_files(self, static: Path) -> list[Path]:
        """The files a site needs for the bundle: each file it loads, the folders below that file's folder (KaTeX's
        ``fonts/``) and the licence beside it; not the rest of the package (``katex.min.js`` runs at build time)."""
        found: set[Path] = set()
        for relative in self.files:
            folder = (static / relative).parent
            found.update(path for path in (static / relative, folder / "LICENSE") if path.is_file())
            found.update(path for path in folder.rglob("*") if path.is_file() and path.parent != folder)
        return sorted(found)


BUNDLES: dict[str, Bundle] = {
    "katex": Bundle(re.compile(r"""class=["']?katex[\s"'>]"""), stylesheets=("vendor/katex/katex.min.css",)),
    # a figure in steps, or a node with an equation on a page that also shows that equation's formula section
    "steps": Bundle(re.compile(r"""data-sqd-steps=["']?[0-9]"""), ("data-sqd-eq=", "data-equation="),
                    scripts=("steps/steps.js",)),
}


def needed(page_html: str, known: Iterable[str] = ()) -> tuple[str, ...]:
    """Names of the bundles ``page_html`` uses, in a stable order.

    ``known``: the :func:`signs` of pieces taken out of the page (a host inserting figures into the finished
    page scans the page without them, and keeps each figure's signs instead of scanning it again)."""
    found = set(known)
    return tuple(name for name, bundle in BUNDLES.items()
                 if name in found or bundle.marker.search(page_html)
                 or (bundle.together and all(part in found or part in page_html for part in bundle.together)))


def signs(piece_html: str) -> tuple[str, ...]:
    """What ``piece_html`` shows of the bundles: the names of those whose marker it holds, and each of their
    ``together`` strings it holds. :func:`needed` of a page with the signs of the pieces taken out of it is
    :func:`needed` of the whole page (markers never span a piece's edge: a figure is a whole element)."""
    return tuple([name for name, bundle in BUNDLES.items() if bundle.marker.search(piece_html)]
                 + [part for bundle in BUNDLES.values() for part in bundle.together if part in piece_html])


def tags(names: tuple[str, ...], base: str) -> str:
    """The ``<link>`` and ``<script>`` tags loading ``names`` from ``base`` (the site root relative to the page)."""
    root = html.escape(base.rstrip("/") + "/" + SITE_DIR if base else SITE_DIR)
    return "".join([f'<link rel="stylesheet" href="{root}/{css}">' for name in names
                    for css in BUNDLES[name].stylesheets]
                   + [f'<script defer src="{root}/{js}"></script>' for name in names for js in BUNDLES[name].scripts])


def inject(page_html: str, base: str, names: tuple[str, ...] | None = None) -> str:
    """``page_html`` with the tags of the bundles it needs before ``</head>`` (or ``<body``, where a minifier
    dropped the optional ``</head>``); a host that already asked :func:`needed` passes its answer as ``names``."""
    names = needed(page_html) if names is None else names
    if not names:
        return page_html
    end = page_html.find("</head>")
    end = page_html.find("<body") if end < 0 else end
    return page_html[:end] + tags(names, base) + page_html[end:] if end >= 0 else tags(names, base) + page_html


def copy_bundles(names: Iterable[str], target: Path) -> list[str]:
    """Copy the vendored files of ``names`` under ``target``, laid out as the pages' tags expect below
    :data:`SITE_DIR`; returns the files found missing."""
    static = VENDOR.parent
    missing: list[str] = []
    for name in sorted(set(names)):
        bundle = BUNDLES[name]
        missing += [relative for relative in bundle.files if not (static / relative).exists()]
        for source in bundle.site_files(static):
            (target / source.relative_to(static)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / source.relative_to(static))
    return missing
