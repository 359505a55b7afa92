"""The project's `static/` folder: files published at the site's root as they are, as Hugo's `static/` is: a
favicon, a search engine's verification file, `.well-known/security.txt`. (A theme's own `static/` is another
thing: its assets, published under the site's `static/`.)

The build replaces its output folder whole, so a file put there by hand is gone after the next build; this
folder is where such files live. A file that dossier makes itself (a page, a feed, robots.txt, a theme's
asset) is never replaced: a clash is an error at the static file, and nothing is built.

The folder is the editor's, like a theme: its files are published byte for byte, HTML and scripts included.
Links in it are followed while they stay inside the project, as content/'s are; one out of the project, or
anything but a folder or a regular file, is an error that names it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from dossier.diagnostics import Location, Report
from dossier.folder_listing import entries_by_name
from dossier.load import display_path, is_inside
from dossier.render.output import Output

STATIC_DIR = "static"
# GitHub refuses files over 100 MiB, and each file is read whole: anything larger belongs elsewhere.
MAX_STATIC_BYTES = 100 * 1024 * 1024
# Written by file browsers beside the files, never meant to be published.
LEFT_OUT = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})


@dataclass(frozen=True)
class StaticFile:
    source: Path
    shown: str  # as diagnostics name it: static/favicon.ico
    site_path: str  # where it lands: POSIX, relative to the output folder


def walk_static(project_dir: Path) -> Iterator[tuple[Path, str]]:
    """Each file below static/ with where it lands in the site, in a stable order; hidden ones too
    (`.well-known/`). A link to a folder inside the project is followed (not back up into itself); any other
    link is listed as it is, for the caller to judge."""
    folder = project_dir / STATIC_DIR
    if folder.is_dir():
        yield from _walk(folder, "", project_dir, frozenset({folder.resolve()}))


def _walk(folder: Path, prefix: str, project_dir: Path, above: frozenset[Path]) -> Iterator[tuple[Path, str]]:
    for entry in entries_by_name(folder):
        path, site_path = folder / entry.name, prefix + entry.name
        if entry.name in LEFT_OUT:
            continue
        if _is_folder_to_follow(entry, path, project_dir, above):
            yield from _walk(path, site_path + "/", project_dir, above | {path.resolve()})
        else:
            yield path, site_path


def _is_folder_to_follow(entry: os.DirEntry[str], path: Path, project_dir: Path, above: frozenset[Path]) -> bool:
    if not entry.is_symlink():
        return entry.is_dir()
    return path.is_dir() and is_inside(path, project_dir) and path.resolve() not in above


def static_files(project_dir: Path, report: Report) -> list[StaticFile]:
    """The files of static/ that can be published; each one that cannot is an error where it stands."""
    files = []
    for source, site_path in walk_static(project_dir):
        shown = display_path(source, project_dir)
        problem = _file_problem(source, project_dir)
        if problem:
            report.error(Location(shown), problem)
        else:
            files.append(StaticFile(source, shown, site_path))
    return files


def _file_problem(source: Path, project_dir: Path) -> str | None:
    if not is_inside(source, project_dir):
        return "this is a link to outside the project; it is not published"
    try:
        status = source.stat()
    except OSError as problem:
        return f"cannot read the file: {problem.strerror or problem}"
    if not stat.S_ISREG(status.st_mode):
        return "this is neither a file nor a folder (a FIFO, a device, a link back up); it is not published"
    if status.st_size > MAX_STATIC_BYTES:
        return f"the file is larger than {MAX_STATIC_BYTES // (1024 * 1024)} MiB; publish it elsewhere and link to it"
    return None


def copy_static_files(
    files: list[StaticFile],
    made: list[str],
    reserved_folder: str | None,
    report: Report,
    add: Callable[[Output], None],
) -> list[str]:
    """Give each static file to `add` at its place in the site, unless it would take the place of a file or a
    folder dossier made (`made`) or of `reserved_folder` (the search index, made later): then nothing is added,
    and each clash is an error at its file. Returns the paths added."""
    if not files:  # most sites: no need to know every folder of a site of thousands of pages
        return []
    made_files, made_folders = set(made), _folders_of(made)
    clashes = 0
    for file in files:
        clash = _clash(file.site_path, made_files, made_folders, reserved_folder)
        if clash:
            report.error(Location(file.shown), f"{clash}; rename or move {file.shown}")
            clashes += 1
    if clashes or report.has_errors:
        return []
    added = []
    for file in files:
        try:
            data = file.source.read_bytes()
        except OSError as problem:
            report.error(Location(file.shown), f"cannot read the file: {problem.strerror or problem}")
            continue
        add(Output(file.site_path, data))
        added.append(file.site_path)
    return added


def _folders_of(paths: list[str]) -> set[str]:
    """Every folder above the (plain, relative) paths; each path stops at the first folder already found, which
    has its own above it already."""
    folders: set[str] = set()
    for path in paths:
        folder = path.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def _clash(site_path: str, made_files: set[str], made_folders: set[str], reserved_folder: str | None) -> str | None:
    """Why a static file may not land at `site_path`, or None."""
    if site_path in made_files:
        return f"dossier makes {site_path} itself, and a static file never replaces what dossier makes"
    if site_path in made_folders:
        return f"dossier makes a folder {site_path}/ where this file would land"
    for parent in PurePosixPath(site_path).parents:
        if str(parent) in made_files:
            return f"dossier makes the file {parent}, where this file would need a folder"
        if reserved_folder and str(parent) == reserved_folder:
            return f"{reserved_folder}/ holds the search index, which dossier makes"
    if reserved_folder and site_path == reserved_folder:
        return f"{reserved_folder}/ holds the search index, which dossier makes"
    return None
