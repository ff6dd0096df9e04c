"""Build hook: vendor the pinned npm assets (KaTeX) before the package files are collected.

All metadata lives in pyproject.toml; this file only adds the asset step to ``sdist`` (which must
carry the assets, so that installing from it needs no npm) and to ``build_py``, which both wheel
builds and editable installs run (there KaTeX is optional: see ``tools/vendor_assets.py``).
"""

import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

VENDOR_ASSETS = Path(__file__).parent / "tools" / "vendor_assets.py"


def vendor_assets(*flags: str) -> None:
    """Run the vendoring script; on failure stop with its one-line message (no traceback)."""
    code = subprocess.run([sys.executable, str(VENDOR_ASSETS), *flags], check=False).returncode
    if code:
        raise SystemExit(code)


class BuildPyWithAssets(build_py):
    def run(self) -> None:
        vendor_assets("--optional")
        super().run()


class SdistWithAssets(sdist):
    def run(self) -> None:
        vendor_assets()
        super().run()


setup(cmdclass={"build_py": BuildPyWithAssets, "sdist": SdistWithAssets})
