"""The on-disk cache (DESIGN.md §2): whole-entry integrity and no leftovers from interrupted builds."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

import pytest

from seqdiagrams.rendering import cache as cache_module
from seqdiagrams.rendering.cache import ABANDONED_AFTER, DiskCache

if TYPE_CHECKING:
    from pathlib import Path

DATA = b"<figure>" + bytes(range(256)) * 40 + b"</figure>\n"


def producer(calls: list[int], data: bytes = DATA):
    def produce() -> bytes:
        calls.append(1)
        return data
    return produce


@pytest.fixture(autouse=True)
def fresh_sweep_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test is a new process as far as the once-per-process sweep is concerned."""
    monkeypatch.setattr(cache_module, "_SWEPT", set())


def only_entry(folder: Path) -> Path:
    (entry,) = (p for p in folder.rglob("*.html") if p.is_file())
    return entry


def test_an_entry_is_read_back_by_a_later_process(tmp_path: Path) -> None:
    calls: list[int] = []
    assert DiskCache(tmp_path).get("id", "html", producer(calls)) == DATA
    later = DiskCache(tmp_path)
    assert later.get("id", "html", producer(calls)) == DATA
    assert (len(calls), later.hits["html"]) == (1, 1)


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75])
def test_a_byte_damaged_in_the_middle_is_never_served(tmp_path: Path, where: float) -> None:
    """Issue 12 item 15: only the ends were checked, so damage inside an entry reached pages."""
    calls: list[int] = []
    DiskCache(tmp_path).get("id", "html", producer(calls))
    entry = only_entry(tmp_path)
    damaged = bytearray(entry.read_bytes())
    damaged[int(len(damaged) * where)] ^= 0x01
    entry.write_bytes(bytes(damaged))
    later = DiskCache(tmp_path)
    assert later.get("id", "html", producer(calls)) == DATA
    assert (len(calls), later.misses["html"]) == (2, 1)
    assert DiskCache(tmp_path).get("id", "html", producer(calls)) == DATA
    assert len(calls) == 2  # healed: the entry written again is good


@pytest.mark.parametrize("damage", [
    pytest.param(lambda entry: entry[:100], id="truncated"),
    pytest.param(lambda entry: b"", id="empty"),
    pytest.param(lambda entry: entry[1:], id="header-cut"),
    pytest.param(lambda entry: entry + b"x", id="appended"),
])
def test_a_damaged_entry_is_produced_again(tmp_path: Path, damage) -> None:
    calls: list[int] = []
    DiskCache(tmp_path).get("id", "html", producer(calls))
    entry = only_entry(tmp_path)
    entry.write_bytes(damage(entry.read_bytes()))
    assert DiskCache(tmp_path).get("id", "html", producer(calls)) == DATA
    assert len(calls) == 2


def _leftover(folder: Path, name: str, age: float) -> Path:
    path = folder / "ab" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"half an entry")
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def test_leftovers_of_interrupted_builds_are_removed(tmp_path: Path) -> None:
    """Issue 12 item 15: a build killed between write and rename left `.tmp-*.part` files forever."""
    old = _leftover(tmp_path, ".tmp-abc123.part", ABANDONED_AFTER + 60)
    recent = _leftover(tmp_path, ".tmp-def456.part", 1)  # maybe a concurrent build's, about to be renamed
    other = _leftover(tmp_path, "notes.part", ABANDONED_AFTER + 60)
    DiskCache(tmp_path).get("id", "html", producer([]))
    assert not old.exists()
    assert recent.exists() and other.exists()


def test_a_warm_build_that_writes_nothing_still_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    DiskCache(tmp_path).get("id", "html", producer([]))
    old = _leftover(tmp_path, ".tmp-abc123.part", ABANDONED_AFTER + 60)
    monkeypatch.setattr(cache_module, "_SWEPT", set())  # a new process
    warm = DiskCache(tmp_path)
    warm.get("id", "html", producer([]))
    assert warm.hits["html"] == 1 and not old.exists()


def test_raw_block_text_with_a_lone_surrogate_can_be_a_key(tmp_path: Path) -> None:
    """Hosts key figures by the raw block text before parsing, which rejects the surrogate with a location."""
    assert DiskCache(tmp_path).get("rnn caption=\ud800", "html", producer([])) == DATA


def test_peek_reads_without_producing(tmp_path: Path) -> None:
    """A reader that only wants what is stored (formulas read back by KaTeX) gets None, never an exception."""
    cache = DiskCache(tmp_path)
    assert cache.peek("id", "katex") is None
    assert (cache.misses["katex"], list(tmp_path.rglob("*.katex"))) == (1, [])
    cache.put("id", "katex", DATA)
    assert DiskCache(tmp_path).peek("id", "katex") == DATA


def test_memory_is_bounded_least_recently_used_first() -> None:
    """Issue 13: the in-memory copies grew with every figure of a long `mkdocs serve` session."""
    cache = DiskCache(memory_bytes=3 * len(DATA))
    for name in "abcd":
        cache.put(name, "html", DATA)
        if name == "c":
            assert cache.peek("a", "html") == DATA  # used again: `b` is now the oldest
    assert [cache.peek(name, "html") is not None for name in "abcd"] == [True, False, True, True]
    too_big = DiskCache(memory_bytes=len(DATA) - 1)
    too_big.put("id", "html", DATA)
    assert too_big.peek("id", "html") is None


def test_one_writer_for_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache entry goes through the shared atomic writer (same temporary names), without its fsync: a sealed
    entry that a power loss truncates fails its seal and is produced again."""
    written: list[tuple[Path, bool]] = []
    monkeypatch.setattr(cache_module, "write_atomic",
                        lambda path, data, durable=True: written.append((path, durable)))
    DiskCache(tmp_path).put("id", "html", DATA)
    assert [(path.parent.parent, durable) for path, durable in written] == [(tmp_path, False)]
