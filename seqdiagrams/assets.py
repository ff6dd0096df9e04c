"""Where the vendored third-party assets (KaTeX) live inside the installed package.

They are fetched from the npm registry at package build time (``tools/vendor_assets.py``)
and shipped in the wheel; nothing is ever loaded from a CDN.
"""

from __future__ import annotations

from pathlib import Path

from seqdiagrams.errors import Location, SpecError, Subtype

VENDOR = Path(__file__).with_name("static") / "vendor"


def vendor_file(relative: str) -> Path:
    """The path of a vendored file, or a clear error naming the build step that provides it."""
    path = VENDOR / relative
    if not path.exists():
        raise SpecError.at(Subtype.MISSING, f"the vendored asset {relative} is missing from this installation",
                           Location(), "installed from a git checkout without npm? Install Node.js 20 with npm and "
                           "reinstall, or install a release (sdist or wheel), which carries KaTeX")
    return path
