"""Build hook: vendor the pinned npm assets (KaTeX) before the package files are collected.

All metadata lives in pyproject.toml; this file only adds the asset step to ``build_py``,
which both wheel builds and editable installs run.
"""

import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithAssets(build_py):
    def run(self) -> None:
        subprocess.run([sys.executable, str(Path(__file__).parent / "tools" / "vendor_assets.py")], check=True)
        super().run()


setup(cmdclass={"build_py": BuildPyWithAssets})
