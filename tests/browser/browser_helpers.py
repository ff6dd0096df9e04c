"""Helpers of the browser tests: where Chromium is, how it is launched, and a built site served from 127.0.0.1."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from typing import TYPE_CHECKING

from seqdiagrams.registry import Registry
from seqdiagrams.rendering import build_graph, figure_steps
from seqdiagrams.spec import parse

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LAUNCH_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--disable-quic"]


def material_site(name: str, plugins: str = "[seqdiagrams]", features: str = "", extra: str = "") -> str:
    """A Material ``mkdocs.yml`` with the light/dark palette toggle the figure tests switch between.

    ``features`` is Material's ``theme.features`` list (``[navigation.instant]``), ``extra`` more top-level lines."""
    lines = [f"site_name: {name}", "theme:", "  name: material", "  font: false"]
    lines += [f"  features: {features}"] if features else []
    lines += ["  palette:", "    - scheme: default", "      toggle: {icon: material/brightness-7, name: Dark}",
              "    - scheme: slate", "      toggle: {icon: material/brightness-4, name: Light}", f"plugins: {plugins}"]
    return "\n".join(lines) + "\n" + extra


ARTIFACTS: Path | None = None
"""Where screenshots for a person to look at go; set for the session by ``conftest.screenshot_folder``."""


def artifact(name: str) -> Path:
    """Where to save the screenshot ``name`` (outside the repository)."""
    assert ARTIFACTS is not None, "the screenshot folder is set by the browser tests' conftest"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name


def css_rgb(hex_colour: str, alpha: float | None = None) -> str:
    """A theme colour (``#2563eb``) as a browser serialises it computed: ``rgb(37, 99, 235)`` (``rgba`` with alpha)."""
    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})" if alpha is None else f"rgba({red}, {green}, {blue}, {alpha})"


def rgb_tuple(hex_colour: str) -> tuple[int, int, int]:
    """A theme colour as 8-bit channels, to compare with pixels sampled from a screenshot."""
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free 127.0.0.1 port; yields the base URL (with a trailing slash)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def built_site(root: Path, pages: dict[str, str], mkdocs_yml: str) -> Iterator[str]:
    """Write ``pages`` (path under ``docs/`` → Markdown) and ``mkdocs.yml`` into ``root``, build the site strictly
    and serve it; yields its base URL."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    for name, text in pages.items():
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site"), strict=True))
    with serve(root / "site") as url:
        yield url


def watched_tab(browser, site: str):
    """A 1280×900 tab that records console errors (``tab.errors``) and requests leaving ``site``
    (``tab.foreign``); returns ``(context, tab)``, the caller closes the context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors, tab.foreign = [], []
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("request", lambda req: None if req.url.startswith((site, "data:")) else tab.foreign.append(req.url))
    return context, tab


VISIBLE_STEPS = """figure => Array.from(figure.querySelectorAll('[data-sqd-step]'))
  .filter(g => getComputedStyle(g).visibility === 'visible').map(g => Number(g.dataset.sqdStep))"""
"""In the page: the step numbers of a figure's elements a reader sees now (MkDocs and Zensical pages alike)."""


def step_captions(block: str) -> list[str]:
    """The captions of a block's steps, from the core (what the stepper must show, in order)."""
    spec = parse("seqarch " + block)
    return [step.caption for step in figure_steps(spec, build_graph(spec, Registry.default()), Registry.default())]
