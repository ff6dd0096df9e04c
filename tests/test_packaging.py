"""Packaging: the sdist carries KaTeX, so a wheel builds from it without npm; a git checkout without npm says how.

KaTeX comes from npm at package build time (``tools/vendor_assets.py``). A user installing a release must not need
Node; a build from a git checkout without npm stops the sdist with one line naming Node.js 20 and npm, while a wheel
of the checkout (what the ``seqdiagrams-regen`` pre-commit hook installs) builds without KaTeX: ``regen`` writes
Markdown and needs none, and a formula rendered there reports the missing file with the same remedy.

The builds run on copies of the checkout in temporary folders; the two package builds are ``slow`` (they install
setuptools into isolated environments).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
WARNINGS = ("would be ignored", "absent from the `packages`", "deprecated", "!!")
"""What setuptools prints around a configuration it will stop accepting or a data folder it skips."""


def vendor_assets() -> ModuleType:
    """``tools/vendor_assets.py`` as a module: its list of copied files and its message are the source of truth."""
    spec = importlib.util.spec_from_file_location("vendor_assets", ROOT / "tools" / "vendor_assets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def checkout_copy(target: Path, with_katex: bool) -> Path:
    """The files git tracks (what a fresh clone has), copied to ``target``; with the vendored KaTeX if asked."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs a git checkout")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    if with_katex:
        tools = vendor_assets()
        assert tools.up_to_date(), "the checkout's vendored KaTeX is missing or stale: python tools/vendor_assets.py"
        shutil.copytree(tools.TARGET, target / tools.TARGET.relative_to(ROOT))
    return target


def without_node(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH finds neither ``node`` nor ``npm`` (builds call the interpreter by its path)."""
    empty = tmp_path / "bin-without-node"
    empty.mkdir()
    env = dict(os.environ, PATH=str(empty), PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    assert shutil.which("npm", path=env["PATH"]) is None and shutil.which("node", path=env["PATH"]) is None
    return env


def run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=600, **kwargs)


def vendored_files(names: list[str], prefix: str) -> set[str]:
    """The vendored files among the archive's file ``names`` (relative to the vendor folder)."""
    return {name.removeprefix(prefix) for name in names if name.startswith(prefix)}


@pytest.mark.slow
def test_wheel_from_the_sdist_builds_without_npm_and_carries_katex(tmp_path: Path) -> None:
    tools = vendor_assets()
    expected = {path.relative_to(tools.TARGET).as_posix() for path in tools.TARGET.rglob("*") if path.is_file()}
    assert {"katex/katex.min.js", "katex/katex.min.css", "katex/LICENSE"} <= expected
    assert any(name.startswith("katex/fonts/") and name.endswith(".woff2") for name in expected)
    source = checkout_copy(tmp_path / "checkout", with_katex=True)

    sdist = run([sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path / "dist"), str(source)])
    assert sdist.returncode == 0, sdist.stdout + sdist.stderr
    assert not [w for w in WARNINGS if w in sdist.stdout + sdist.stderr]
    (archive,) = (tmp_path / "dist").glob("seqdiagrams-*.tar.gz")
    with tarfile.open(archive) as tar:
        members = [member.name for member in tar.getmembers() if member.isfile()]
    top = members[0].split("/")[0]
    assert vendored_files(members, f"{top}/seqdiagrams/static/vendor/") == expected
    assert f"{top}/LICENSE" in members and not [m for m in members if m.startswith(f"{top}/tests/")]

    wheel = run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(tmp_path / "wheel"), str(archive)],
                env=without_node(tmp_path), cwd=tmp_path)
    assert wheel.returncode == 0, wheel.stdout + wheel.stderr
    assert tools.NO_NPM not in wheel.stdout + wheel.stderr  # the sdist's assets were used, npm never looked for
    assert not [w for w in ("would be ignored", "absent from the `packages`") if w in wheel.stdout + wheel.stderr]
    (built,) = (tmp_path / "wheel").glob("seqdiagrams-*.whl")
    with zipfile.ZipFile(built) as whl:
        names = whl.namelist()
        metadata = whl.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert vendored_files(names, "seqdiagrams/static/vendor/") == expected
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    assert "License-Expression: MIT" in metadata.splitlines()
    for classifier in ("Framework :: MkDocs", "Framework :: Sphinx :: Extension", "Topic :: Documentation"):
        assert f"Classifier: {classifier}" in metadata.splitlines()


@pytest.mark.slow
def test_checkout_without_npm_installs_for_the_regen_hook(tmp_path: Path) -> None:
    """What ``pre-commit`` does for the hook (``pip install .`` of a clone), on a PATH without npm."""
    tools = vendor_assets()
    source = checkout_copy(tmp_path / "checkout", with_katex=False)
    env = without_node(tmp_path)
    wheel = run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(tmp_path / "wheel"), str(source)],
                env=env, cwd=tmp_path)
    assert wheel.returncode == 0, wheel.stdout + wheel.stderr
    assert tools.NO_NPM in wheel.stdout + wheel.stderr  # said once, in the build's log
    (built,) = (tmp_path / "wheel").glob("seqdiagrams-*.whl")
    with zipfile.ZipFile(built) as whl:
        assert not vendored_files(whl.namelist(), "seqdiagrams/static/vendor/")

    page = tmp_path / "page.md"
    page.write_text("# Page\n\n<!-- seqarch table dims=all -->\n<!-- /seqarch -->\n\n"
                    "<!-- seqarch formulas arch=lstm lang=zh -->\n<!-- /seqarch -->\n", encoding="utf-8")
    hook = dict(env, PYTHONPATH=str(source))  # the package as that wheel has it: no KaTeX
    written = run([sys.executable, "-m", "seqdiagrams", "regen", str(page)], env=hook, cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert "$" in page.read_text(encoding="utf-8")  # the math stays TeX in Markdown: no KaTeX needed
    check = run([sys.executable, "-m", "seqdiagrams", "regen", "--check", str(page)], env=hook, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    formula = run([sys.executable, "-m", "seqdiagrams", "render", "formulas arch=rnn", "--format", "html"], env=hook,
                  cwd=tmp_path)
    assert formula.returncode == 1
    (line,) = formula.stderr.splitlines()
    assert "katex/katex.min.js is missing" in line and "Node.js 20 with npm" in line


def test_vendoring_without_npm_stops_with_one_line_that_says_how(tmp_path: Path) -> None:
    for name in ("tools/vendor_assets.py", "assets/package.json", "assets/package-lock.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, tmp_path / name)
    script, env = str(tmp_path / "tools" / "vendor_assets.py"), without_node(tmp_path)
    strict = run([sys.executable, script], env=env)
    assert strict.returncode == 1
    assert strict.stderr.splitlines() == [vendor_assets().NO_NPM]
    assert "Node.js 20" in strict.stderr and "npm" in strict.stderr
    optional = run([sys.executable, script, "--optional"], env=env)
    assert optional.returncode == 0
    (line,) = optional.stderr.splitlines()
    assert line.startswith(vendor_assets().NO_NPM) and "without KaTeX" in line
    assert not (tmp_path / "seqdiagrams").exists()  # nothing half-vendored


def test_sites_get_the_stylesheet_its_fonts_and_licence_not_the_build_time_script() -> None:
    from seqdiagrams.assets import VENDOR
    from seqdiagrams.page_assets import BUNDLES

    static = VENDOR.parent
    shipped = {path.relative_to(VENDOR).as_posix() for path in BUNDLES["katex"].site_files(static)}
    fonts = {f"katex/fonts/{font.name}" for font in (VENDOR / "katex" / "fonts").iterdir()}
    assert fonts and shipped == {"katex/katex.min.css", "katex/LICENSE"} | fonts
    assert (VENDOR / "katex" / "katex.min.js").is_file()  # in the package, for the embedded engine only
    assert [path.relative_to(static).as_posix() for path in BUNDLES["steps"].site_files(static)] == ["steps/steps.js"]
