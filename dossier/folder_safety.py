"""Which folders a build may read from and replace: checked before anything is read or written.

A build replaces its output folder wholesale, so a mistyped `output_dir` could otherwise swap away the
project, its content or a folder of someone's own files.
"""

from __future__ import annotations

import os
from pathlib import Path

from dossier import urls
from dossier.config import CONFIG_FILE, MAX_NAME_BYTES
from dossier.load import is_inside
from dossier.static_folder import STATIC_DIR
from dossier.write import is_mount_point

DEFAULT_OUTPUT_DIR = "build"
# Beside the output folder NAME a build makes `.NAME.lock`, `.NAME.old-PID` and, longest, `.NAME.staging-PID`
# (write.py), PID up to 4194304 (Linux's largest): the output folder's name must leave room for them.
MAX_OUTPUT_NAME_BYTES = MAX_NAME_BYTES - len("..staging-4194304")
_NAME_SHOWN = 40  # characters of an over-long name a message shows


def output_dir_problem(project_dir: Path, content_dir: Path, output_dir: Path) -> str | None:
    """Why the output folder may not be used, or None. It is replaced wholesale on every build.

    Refused: a symbolic link; the project, the content folder, the themes or static folder or dossier.yaml, or
    anything containing or inside them; an existing file; a mount point (it cannot be renamed); an existing folder
    holding files that no build of dossier wrote (no data/dossier.json), except the default `build` folder
    inside the project (setuptools also works there, and `pip install . && dossier build` must keep working);
    a name no file system allows, or one too long to leave room for the staging folder's name beside it.
    """
    problem = _name_problem(output_dir)
    if problem:
        return f"output_dir '{_shortened_path(output_dir)}' {problem}"
    try:
        return _placement_problem(project_dir, content_dir, output_dir)
    except OSError as failure:  # a folder on the way that cannot be searched, a loop of links
        return f"output_dir '{output_dir}' cannot be looked at: {failure.strerror or failure}"


def _name_problem(output_dir: Path) -> str | None:
    *folders, name = output_dir.parts or ("",)
    for folder in folders:
        if len(os.fsencode(folder)) > MAX_NAME_BYTES:
            return (
                f"has a folder name longer than the {MAX_NAME_BYTES} bytes file systems allow ('{_shortened(folder)}')"
            )
    size = len(os.fsencode(name))
    if size > MAX_OUTPUT_NAME_BYTES:
        return (
            f"has a name of {size:,} bytes; an output folder's name may have at most {MAX_OUTPUT_NAME_BYTES}, so "
            f"that the '.NAME.staging-PID' folder a build makes beside it is within the {MAX_NAME_BYTES} bytes "
            "file systems allow"
        )
    return None


def _shortened(name: str) -> str:
    return name if len(name) <= _NAME_SHOWN else name[: _NAME_SHOWN - 1] + "…"


def _shortened_path(path: Path) -> str:
    """The path with each over-long name cut, so that a message stays readable."""
    return str(Path(*map(_shortened, path.parts))) if path.parts else str(path)


def _placement_problem(project_dir: Path, content_dir: Path, output_dir: Path) -> str | None:
    if output_dir.is_symlink():
        return f"output_dir '{output_dir}' is a symbolic link; name the folder it points to instead"
    project, content, output = project_dir.resolve(), content_dir.resolve(), output_dir.resolve()
    if output == project or output in project.parents:
        return f"output_dir '{output_dir}' is the project folder or contains it; building would replace it"
    if output == content or output in content.parents or content in output.parents:
        return f"output_dir '{output_dir}' overlaps the content folder"
    for protected in (project / "themes", project / STATIC_DIR, project / CONFIG_FILE):
        if output == protected or protected in output.parents:
            return f"output_dir '{output_dir}' would replace the project's {protected.name}"
    if output.exists() and not output.is_dir():
        return f"output_dir '{output_dir}' is a file, not a folder"
    if output.is_dir() and is_mount_point(output):  # the swap renames it: build into a folder inside it instead
        return f"output_dir '{output_dir}' is a mount point, which a build cannot replace; use a folder inside it"
    if output != project / DEFAULT_OUTPUT_DIR and holds_foreign_files(output):
        return (
            f"output_dir '{output_dir}' holds files that dossier did not build (it has no {urls.DATA_FILE}); "
            "a build replaces the whole folder: empty it or choose another"
        )
    return None


def holds_foreign_files(folder: Path) -> bool:
    """Whether `folder` is a folder holding files, but no data/dossier.json: no build of dossier wrote them."""
    if not folder.is_dir() or (folder / urls.DATA_FILE).is_file():
        return False
    return any(folder.iterdir())


def content_dir_problem(project_dir: Path, content_dir: Path) -> str | None:
    """Why the content folder may not be used, or None: it must lie inside the project."""
    if content_dir.resolve() != project_dir.resolve() and not is_inside(content_dir, project_dir):
        return f"content_dir '{content_dir}' is outside the project folder"
    return None
