"""dossier/atomic_write.py: a file is replaced whole or not at all, and a failure is never silent."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dossier.atomic_write import write_atomically


def test_a_new_file_is_written_with_the_permissions_any_new_file_gets(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    write_atomically(target, b"- id: a\n")
    assert target.read_bytes() == b"- id: a\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["new.yaml"]


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "sources.yaml"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    write_atomically(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_failure_raises_and_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "people.yaml"
    target.write_bytes(b"old\n")

    def disk_full(source: str, destination: str, **folders: int | None) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["people.yaml"]


def test_a_missing_folder_is_an_error_not_made(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "no-such-folder" / "x.yaml", b"x")
    assert not (tmp_path / "no-such-folder").exists()
