"""Fetch the pinned third-party assets (KaTeX) from the npm registry into the package.

Runs at package build time (``setup.py`` calls it before ``build_py``, so ``pip install``
and ``pip install -e`` both get the files) and can be run by hand. Versions are pinned in
``assets/package.json`` and locked with integrity hashes in ``assets/package-lock.json``;
``npm ci --ignore-scripts`` installs exactly those. The copied files land in
``seqdiagrams/static/vendor/`` (ignored by git: third-party minified code is never
committed) with the packages' licences; a stamp of the lock file makes re-runs free.
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


def install() -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("seqdiagrams: building the package needs npm (Node.js) to fetch KaTeX; "
                         "install Node.js, or install a built wheel instead")
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


def main() -> int:
    if up_to_date():
        return 0
    install()
    copy()
    print(f"seqdiagrams: vendored assets into {TARGET.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
