"""Fetch the pinned third-party assets (KaTeX) from the npm registry into the package.

Runs at package build time (``setup.py`` calls it before ``sdist`` and ``build_py``, so the sdist,
``pip install`` and ``pip install -e`` all get the files) and can be run by hand. Versions are pinned in
``assets/package.json`` and locked with integrity hashes in ``assets/package-lock.json``;
``npm ci --ignore-scripts`` installs exactly those. The copied files land in
``seqdiagrams/static/vendor/`` (ignored by git: third-party minified code is never
committed) with the packages' licences; a stamp of the lock file makes re-runs free.

The sdist carries the copied files and their stamp, so building a wheel from it needs no npm. A git
checkout does: without npm the sdist build stops with one line saying how to get it, while a wheel
build (``--optional``) goes on without KaTeX, so that ``pip install`` of a checkout still gives the
diagrams, tables and ``regen`` (the pre-commit hook installs exactly that way, and its Markdown output
needs no KaTeX); rendering a formula there reports the missing file and the same remedy.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "assets"
TARGET = ROOT / "seqdiagrams" / "static" / "vendor"
COPIES = {  # target (relative to TARGET) ← source glob (relative to assets/node_modules)
    "katex/katex.min.js": "katex/dist/katex.min.js",
    "katex/katex.min.css": "katex/dist/katex.min.css",
    "katex/fonts": "katex/dist/fonts/*.woff2",
    "katex/LICENSE": "katex/LICENSE",
}


def stamp() -> str:
    return hashlib.sha256((ASSETS / "package-lock.json").read_bytes()).hexdigest()


def up_to_date() -> bool:
    marker = TARGET / ".stamp"
    return marker.is_file() and marker.read_text() == stamp() and all((TARGET / t).exists() for t in COPIES)


NO_NPM = ("seqdiagrams: fetching KaTeX for a build from a git checkout needs npm: install Node.js 20 with npm "
          "(e.g. `apt-get install nodejs npm`) and build again, or install a release (sdist or wheel)")


def install(npm: str) -> None:
    subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=ASSETS, check=True)


def copy() -> None:
    modules = ASSETS / "node_modules"
    if TARGET.exists():
        shutil.rmtree(TARGET)
    for target, pattern in COPIES.items():
        sources = sorted(modules.glob(pattern))
        if not sources:
            raise SystemExit(f"seqdiagrams: {pattern} is missing from the npm packages")
        if "*" in pattern:
            (TARGET / target).mkdir(parents=True, exist_ok=True)
            for source in sources:
                shutil.copyfile(source, TARGET / target / source.name)
        else:
            (TARGET / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sources[0], TARGET / target)
    (TARGET / ".stamp").write_text(stamp())


def main(argv: list[str]) -> int:
    """Vendor the assets unless up to date; ``--optional``: without npm, say so in one line and go on."""
    if up_to_date():
        return 0
    npm = shutil.which("npm")
    if npm is None:
        if "--optional" in argv:
            print(f"{NO_NPM}; building without KaTeX, so formulas will not render", file=sys.stderr)
            return 0
        print(NO_NPM, file=sys.stderr)
        return 1
    install(npm)
    copy()
    print(f"seqdiagrams: vendored assets into {TARGET.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
