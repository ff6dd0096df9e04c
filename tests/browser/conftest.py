"""Fixtures of the browser tests: one Debian Chromium per module, driven by Playwright."""

from __future__ import annotations

import pytest
from browser_helpers import CHROMIUM, LAUNCH_ARGS


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module (skipped where Playwright or Chromium is missing)."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()
