"""Fixtures shared by the unit tests."""

from __future__ import annotations

import pytest

from seqdiagrams.registry import Registry


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The packaged registry alone (what every block renders against by default)."""
    return Registry.default()
