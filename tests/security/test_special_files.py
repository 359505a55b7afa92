"""What is not a regular file in content/ (a FIFO, a socket, a folder named like an article) is a located error,
never waited on; an output folder whose name no file system allows is an error that says so, never an internal
error."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tests.security.project import build_in_child, small_project


def test_a_fifo_socket_or_folder_in_place_of_a_content_file_is_a_located_error_never_waited_on(
    tmp_path: Path,
) -> None:
    project = small_project(tmp_path / "project", sidecar="notes: []\n")
    story = project / "content" / "engine"
    for fifo in (story / "piped.md", story / "article.yaml", project / "content" / "people.yaml"):
        fifo.unlink(missing_ok=True)
        os.mkfifo(fifo)
    (story / "folder.md").mkdir()
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(story / "socket.md"))
        built = build_in_child(project, timeout=60)
    assert built.exit_code == 1, built.stderr
    assert built.stderr.splitlines()[:5] == [
        "content/engine/article.yaml:1:1: error: this is a named pipe (FIFO), not a regular file: it is not read",
        "content/engine/folder.md:1:1: error: this is a folder, not a regular file: it is not read",
        "content/engine/piped.md:1:1: error: this is a named pipe (FIFO), not a regular file: it is not read",
        "content/engine/socket.md:1:1: error: this is a socket, not a regular file: it is not read",
        "content/people.yaml:1:1: error: this is a named pipe (FIFO), not a regular file: it is not read",
    ]
    assert not (project / "build").exists()


def test_a_fifo_in_place_of_dossier_yaml_is_an_error_never_waited_on(tmp_path: Path) -> None:
    project = small_project(tmp_path / "project")
    (project / "dossier.yaml").unlink()
    os.mkfifo(project / "dossier.yaml")
    built = build_in_child(project, timeout=60)
    assert built.exit_code == 1, built.stderr
    assert built.stderr.splitlines()[0] == "dossier.yaml:1:1: error: cannot read dossier.yaml: not a regular file"


TOO_LONG_FOR_THE_STAGING_FOLDER = (
    "an output folder's name may have at most 238, so that the '.NAME.staging-PID' folder a build makes beside it "
    "is within the 255 bytes file systems allow"
)


@pytest.mark.parametrize(
    ("output", "shown", "problem"),
    [
        ("y" * 300, "y" * 39 + "…", f"has a name of 300 bytes; {TOO_LONG_FOR_THE_STAGING_FOLDER}"),
        # 240 bytes in UTF-8: a name Linux allows, but not with `.staging-PID` after it
        ("é" * 120, "é" * 39 + "…", f"has a name of 240 bytes; {TOO_LONG_FOR_THE_STAGING_FOLDER}"),
        (
            "z" * 256 + "/site",
            "z" * 39 + "…/site",
            f"has a folder name longer than the 255 bytes file systems allow ('{'z' * 39}…')",
        ),
    ],
    ids=["300 bytes", "240 bytes", "a folder of 256 bytes"],
)
def test_an_output_folder_name_no_file_system_allows_is_a_clear_error(
    tmp_path: Path, output: str, shown: str, problem: str
) -> None:
    project = small_project(tmp_path / "project")
    built = build_in_child(project, "-o", str(project / output))
    assert built.exit_code == 1, built.stderr
    assert built.stderr.splitlines()[0] == (
        f"{project / output}:1:1: error: the output folder '{project / shown}' {problem}"
    )
    assert "internal error" not in built.stderr
    assert sorted(path.name for path in project.iterdir()) == ["content", "dossier.yaml"]


def test_an_output_dir_in_dossier_yaml_too_long_for_the_staging_folder_is_a_located_error(tmp_path: Path) -> None:
    project = small_project(tmp_path, config=f"output_dir: {'s' * 250}\n")
    built = build_in_child(project)
    assert built.exit_code == 1, built.stderr
    assert built.stderr.splitlines()[0] == (
        f"dossier.yaml:1:1: error: output_dir '{project / ('s' * 39)}…' has a name of 250 bytes; "
        f"{TOO_LONG_FOR_THE_STAGING_FOLDER}"
    )
