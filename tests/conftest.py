"""Fixtures shared by the unit tests, and the Hypothesis profile: no example database (tests write only to
temporary folders, and a run is repeatable without one: failing examples are printed)."""

from __future__ import annotations

import pytest
from hypothesis import settings

from seqdiagrams.registry import Registry

settings.register_profile("seqdiagrams", database=None)
settings.load_profile("seqdiagrams")


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The packaged registry alone (what every block renders against by default)."""
    return Registry.default()


@pytest.fixture
def build(registry: Registry):
    """``build(block)`` → the IR graph of a block, as the renderers see it."""
    from seqdiagrams.rendering import build_graph
    from seqdiagrams.spec import parse

    return lambda block: build_graph(parse(block), registry)


@pytest.fixture(params=["en", "zh"])
def lang(request: pytest.FixtureRequest) -> str:
    """Both label languages: structure must not depend on them."""
    return request.param
