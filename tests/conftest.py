"""Fixtures shared by the unit tests, and Hypothesis kept out of the repository: no example database (a run is
repeatable without one: failing examples are printed), and its caches (Unicode tables, constants found in the
source) in pytest's temporary folder, since tests write only to temporary folders."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from seqdiagrams.registry import Registry

settings.register_profile("seqdiagrams", database=None)
settings.load_profile("seqdiagrams")


@pytest.fixture(scope="session", autouse=True)
def hypothesis_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Hypothesis's storage folder (else ``.hypothesis/`` in the working directory) under pytest's temporary base."""
    set_hypothesis_home_dir(tmp_path_factory.getbasetemp() / "hypothesis")


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
