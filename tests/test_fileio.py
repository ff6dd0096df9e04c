"""The one atomic writer: whole files only, readable by the web server, nothing left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from seqdiagrams import fileio
from seqdiagrams.fileio import FILE_MODE, atomic_write


def test_writes_the_bytes_with_a_servable_mode_and_no_leftovers(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "figure.pdf"
    old_umask = os.umask(0o077)  # a strict umask must not make the file unreadable to a web server
    try:
        atomic_write(target, b"%PDF-1")
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"%PDF-1"
    assert target.stat().st_mode & 0o777 == FILE_MODE == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["figure.pdf"]


def test_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "seqdiagrams.css"
    target.write_bytes(b"old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"


def test_a_failed_write_keeps_the_old_file_and_removes_its_temporary(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "seqdiagrams.css"
    target.write_bytes(b"old")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["seqdiagrams.css"]
