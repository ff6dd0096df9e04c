"""Fixtures of the browser tests: one Debian Chromium per module, driven by Playwright.

Every test here is marked ``browser`` (about half the suite's time): ``pytest -m "not browser"`` is the quick local
run, while the README's test command (and so CI) runs them all. Screenshots saved for a person to look at go to
``$SEQDIAGRAMS_ARTIFACTS`` when set, else to a ``screenshots`` folder in pytest's temporary base; the run ends by
naming the folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import browser_helpers
import pytest
from browser_helpers import CHROMIUM, LAUNCH_ARGS

HERE = Path(__file__).resolve().parent
NO_CHROMIUM = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``browser``, skipped with the reason shown where Chromium is missing."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(NO_CHROMIUM)


@pytest.fixture(scope="session", autouse=True)
def screenshot_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where :func:`browser_helpers.artifact` saves screenshots: never inside the repository."""
    chosen = os.environ.get("SEQDIAGRAMS_ARTIFACTS")
    folder = Path(chosen) if chosen else tmp_path_factory.getbasetemp() / "screenshots"
    browser_helpers.ARTIFACTS = folder
    return folder


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if browser_helpers.ARTIFACTS is not None and browser_helpers.ARTIFACTS.is_dir():
        terminalreporter.write_line(f"screenshots for review: {browser_helpers.ARTIFACTS}")


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module (skipped where Playwright is missing)."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()
