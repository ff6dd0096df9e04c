"""The one atomic writer (issue 13): whole files only, permissions kept, nothing left behind on failure."""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

import pytest

from seqdiagrams import atomic
from seqdiagrams.atomic import write_atomic

if TYPE_CHECKING:
    from pathlib import Path


def test_a_new_file_gets_the_permissions_open_would_give(tmp_path: Path) -> None:
    target = tmp_path / "figure.svg"
    write_atomic(target, b"<svg/>")
    umask = os.umask(0)
    os.umask(umask)
    assert target.read_bytes() == b"<svg/>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0600
    assert [path.name for path in tmp_path.iterdir()] == ["figure.svg"]


def test_an_existing_file_keeps_its_mode_and_a_link_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "page.md"
    target.write_bytes(b"old")
    target.chmod(0o751)
    link = tmp_path / "link.md"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o751


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "page.md"
    target.write_bytes(b"old")
    synced: list[int] = []

    def full_disk(fd: int) -> None:
        synced.append(fd)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_atomic(target, b"new")
    assert synced and target.read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["page.md"]  # no .tmp-…part left


def test_missing_folders_are_made(tmp_path: Path) -> None:
    """Sphinx writes a figure's PDF into an image folder that may not exist yet."""
    target = tmp_path / "new" / "folder" / "figure.pdf"
    write_atomic(target, b"%PDF-1")
    assert target.read_bytes() == b"%PDF-1"
    assert [p.name for p in target.parent.iterdir()] == ["figure.pdf"]


@pytest.mark.parametrize("durable", [True, False])
def test_data_is_fsynced_unless_the_caller_checks_it_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             durable: bool) -> None:
    """User files (``regen``, ``render -o``) are on the disk before the rename; cache entries carry a seal instead."""
    synced: list[int] = []
    monkeypatch.setattr(atomic.os, "fsync", synced.append)
    target = tmp_path / "figure.svg"
    write_atomic(target, b"<svg/>", durable=durable)
    assert target.read_bytes() == b"<svg/>"
    assert len(synced) == durable
