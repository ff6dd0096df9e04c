"""What a cached figure depends on, computed from raw text and files without importing the renderers.

A warm build finds every figure in the cache; to look one up it needs the figure's key: the
block's raw text, its ordinal and language, the site's theme, the code and library versions
and the registry content. This module computes those from bytes only (no YAML parse, no
pydantic, no Graphviz import), so a build whose figures are all cached never pays for loading
the registry or the rendering pipeline. :mod:`seqdiagrams.rendering` and the registry use the
same functions, so the keys cannot drift apart.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

PACKAGE = Path(__file__).resolve().parent
REGISTRY_DATA = PACKAGE / "registry" / "data"


@cache
def code_stamp() -> str:
    """Digest of this package's code and templates: cached figures never outlive a code change."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if (path.suffix in (".py", ".html") or path.parent.name == "templates") and path.is_file():
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def renderer_versions() -> str:
    """Versions of the libraries and vendored assets that shape output (read without importing them)."""
    parts = [graphviz_version()]
    for package in ("matplotlib", "mini-racer"):
        try:
            parts.append(f"{package}-{version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}-none")
    stamp = PACKAGE / "static" / "vendor" / ".stamp"
    parts.append(stamp.read_text() if stamp.is_file() else "no-vendor")
    return "/".join(parts)


@cache
def graphviz_version() -> str:
    """The Graphviz in use (part of cache keys: another version lays out differently), from package metadata."""
    try:
        return f"pygraphviz-{version('pygraphviz')}"
    except PackageNotFoundError:
        return "dot-executable"


def registry_digest(overlays: Sequence[str | Path] = ()) -> str:
    """Digest of the packaged registry files and ``overlays`` (in that order), from their text alone.

    Raises :class:`OSError` or :class:`UnicodeDecodeError` for an unreadable file; loading the registry
    reports those with their location."""
    hasher = hashlib.sha256()
    for path in [*sorted(REGISTRY_DATA.glob("*.yaml")), *(Path(p) for p in overlays)]:
        hasher.update(path.name.encode() + b"\0" + path.read_text(encoding="utf-8").encode() + b"\0")
    return hasher.hexdigest()[:16]


def block_key(info: str, body: str, ordinal: int, lang: str, theme: str, styles: bool, registry_digest: str) -> str:
    """Everything a block's figure depends on, from its raw text: a warm build does not even parse it."""
    return "\0".join(("block", code_stamp(), renderer_versions(), registry_digest, lang, theme, str(styles),
                      str(ordinal), info, body))
