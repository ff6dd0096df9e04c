"""Fixtures shared by the unit tests, and Hypothesis kept out of the repository: no example database (a run is
repeatable without one: failing examples are printed), and its caches (Unicode tables, constants found in the
source) in a temporary folder, since tests write only to temporary folders."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from seqdiagrams.registry import Registry

_HYPOTHESIS_HOME = pytest.StashKey[Path]()

settings.register_profile("seqdiagrams", database=None)
settings.load_profile("seqdiagrams")


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis's storage folder (else ``.hypothesis/`` in the working directory) in a temporary folder, set before
    collection: Hypothesis writes its constants cache while the test modules are collected."""
    config.stash[_HYPOTHESIS_HOME] = Path(tempfile.mkdtemp(prefix="seqdiagrams-hypothesis-"))
    set_hypothesis_home_dir(config.stash[_HYPOTHESIS_HOME])


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(config.stash.get(_HYPOTHESIS_HOME, ""), ignore_errors=True)


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
