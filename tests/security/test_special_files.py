"""What is not a regular file in content/ (a FIFO, a socket, a folder named like an article) is a located error,
never waited on; an output folder whose name no file system allows is an error that says so."""

from __future__ import annotations

import os
import socket
from pathlib import Path

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
