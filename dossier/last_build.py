"""What the last build left, read back: its manifest, to skip a build whose inputs and output are exactly as
the last build left them, and its anchors, to warn where an annotation moved since.

After a successful `dossier build`, a manifest is kept with the build cache: a digest of everything the
build read (dossier.yaml, every file of the content folder, of the themes and of static/, the build's
options, the code of dossier itself, the libraries and the Python that shape its output
(`cache.version_key`), its built-in themes and the Pagefind binary it ran) and the size and modification
time of every file it left in the output folder, with the warnings it printed. The next build computes the
same digest first; when it matches and the output folder is untouched, there is nothing to do: the warnings
are printed again and the build stops, having written nothing. Anything else (one changed byte, a file
added or removed on either side) runs the whole pipeline.

The digest is taken before the build reads its inputs, so a file saved while a build runs is seen as changed
by the next build. Folders are walked as the build reads them: a folder linked from inside the project to
another place inside it (a story folder kept elsewhere in the project) is followed, as load follows it; a
link out of the project is taken by where it points (the build refuses to read through it). The manifest
also keeps each of the dossier's files with its size, modification time (in nanoseconds) and the digest of
its content, so that only the files whose size or time changed are read again to take the digest (a touched
but unchanged file still counts as unchanged).

The manifest is JSON (the cache folder may come from someone else: nothing in it runs). It and the dossier's
files are read only as regular files (see kept_files): a FIFO or a link to /dev/zero in the content folder or
in place of the manifest is never waited on or read.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from dossier import urls
from dossier.atomic_write import Content
from dossier.cache import kept_cache_folder, version_key
from dossier.diagnostics import Diagnostic, Location, Report
from dossier.folder_listing import entries_by_name
from dossier.kept_files import KeptFolder, is_real_folder, read_below, read_regular
from dossier.load import MAX_FILE_BYTES, file_digest, is_inside
from dossier.model import Dossier, PreviousAnchor
from dossier.static_folder import walk_static

if TYPE_CHECKING:  # the themes (Jinja) and texts (Markdown) are imported only by a build that runs
    from dossier.text import ArticleText

MANIFEST = "last-build.json"

OutputState = dict[str, list[int]]  # output path -> [size, modification time in ns]
FileTable = dict[str, list[Any]]  # input path -> [size, modification time in ns, digest of the content]


@dataclass(frozen=True)
class BuildInputs:
    """Where a build reads and writes, and the options that change its output."""

    project_dir: Path
    content_dir: Path
    output_dir: Path
    cache_dir: Path
    options: tuple[str, ...]  # drafts, base URL, search: anything on the command line that changes the site
    pagefind: Path | None  # the binary the build would run, when search is on


def _files_under(folder: Path, skip: set[Path], project: Path | None = None) -> list[Path]:
    """Every file below `folder` in a stable order, leaving out hidden entries and the `skip` folders (given
    resolved). With `project`, a link to a folder inside it is followed (once per walk down: a link back up
    is not), and any other link is listed as a file; without, links to folders are left out."""
    found: list[Path] = []

    def walk(here: Path, real: Path, above: frozenset[Path]) -> None:
        for entry in entries_by_name(here):
            path = here / entry.name
            if entry.name.startswith(".") or (entry.name == "__pycache__" and entry.is_dir()):
                continue
            if not entry.is_dir():
                found.append(path)
            elif not entry.is_symlink():
                if real / entry.name not in skip:
                    walk(path, real / entry.name, above | {real / entry.name})
            elif project is not None:
                target = path.resolve()
                if target in above or target in skip or not is_inside(target, project):
                    found.append(path)  # taken by where it points: see _file_entry
                else:
                    walk(path, target, above | {target})

    real = folder.resolve()
    walk(folder, real, frozenset({real}))
    return found


def last_manifest(inputs: BuildInputs) -> dict[str, Any]:
    """The manifest of the last build into this output folder; empty when there is none or it is unreadable."""
    try:
        manifest = json.loads(kept_cache_folder(inputs.cache_dir).read(MANIFEST))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def inputs_digest(inputs: BuildInputs, manifest: dict[str, Any]) -> tuple[str, FileTable]:
    """A digest of everything a build reads (file contents for the dossier, sizes and times for the tool), and
    the table of the dossier's files it was made from. A file whose size and time are those the manifest gives
    is not read again: its digest is taken from there."""
    hasher = hashlib.blake2b(digest_size=20)

    def add(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode() if isinstance(part, str) else part
            hasher.update(len(data).to_bytes(8, "little") + data)

    add(version_key(), *inputs.options)  # dossier's code, the libraries and Python too
    skip = {inputs.output_dir.resolve(), inputs.cache_dir.resolve().parent}
    project = inputs.project_dir
    known = manifest.get("files")
    known = known if isinstance(known, dict) else {}
    files: FileTable = {}
    dossier_files = [
        path
        for folder in (inputs.content_dir, project / "themes")
        for path in _files_under(folder.resolve(), skip, project)
    ] + [path for path, _ in walk_static(project)]
    for path in [*dossier_files, project / "dossier.yaml", project / "dossier.yml"]:  # either may be the config
        files[str(path)] = entry = _file_entry(path, known.get(str(path)), project)
        add(str(path), entry[2])
    from dossier.themes import builtin_themes_dir

    tools = _files_under(builtin_themes_dir(), set()) + ([inputs.pagefind] if inputs.pagefind else [])
    for path in tools:
        status = path.stat()
        add(str(path), f"{status.st_size} {status.st_mtime_ns}")
    return hasher.hexdigest(), files


def _file_entry(path: Path, known: object, project: Path) -> list[Any]:
    """[size, modification time, digest of the content] of a file as the build would read it. A missing file
    has no content; a link out of the project is its target's name; a FIFO, a device or a file too large to
    be read (the build refuses them) is never opened, and its entry never matches a later one."""
    try:
        is_link = path.is_symlink()
        if is_link and not is_inside(path, project):
            return [-1, 0, f"link to {os.readlink(path)}"]
        status = path.stat()
    except OSError:
        return [-1, 0, ""]
    size_and_time = [status.st_size, status.st_mtime_ns]
    # A link is read again: it may point elsewhere now, at a file of the same size and time.
    if not is_link and isinstance(known, list) and len(known) == 3 and known[:2] == size_and_time:
        return known
    try:
        data = read_regular(path, limit=MAX_FILE_BYTES, follow=True)
    except OSError:
        return [-1, 0, f"unread {status.st_mode} {status.st_size} {status.st_mtime_ns}"]
    return [*size_and_time, file_digest(data)]


def output_state(output_dir: Path, below: str = "") -> OutputState:
    """Each file and link in the output folder (or in its folder `below`) with its size and modification time
    (hidden files too: a build removes anything it did not write); no link is followed."""
    state: OutputState = {}
    pending = [(output_dir / below, f"{below}/" if below else "")]
    while pending:
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((Path(entry.path), f"{prefix}{entry.name}/"))
                else:
                    status = entry.stat(follow_symlinks=False)
                    state[prefix + entry.name] = [status.st_size, status.st_mtime_ns]
    return dict(sorted(state.items()))


@dataclass(frozen=True)
class LeftOutput:
    """What a build just left in the output folder, as the staged site knows it."""

    paths: Collection[str]  # the site's files, the derived folder's aside
    changed: Collection[str]  # of them, those written (the others are the last site's files, kept as they were)
    derived_folder: str | None  # the search index, made by Pagefind: looked at whole


def output_state_after(output_dir: Path, manifest: dict[str, Any], left: LeftOutput) -> OutputState:
    """The output folder's state as a build just left it (what `output_state` would find), without a look at each
    file: a file the build kept has the size and time the last manifest gives it, and only the files written (or
    not in that manifest) and the derived folder are looked at. (At 5,000 articles a look at each of the 23,000
    files took 0.23 s of every rebuild.) Should a kept file have been changed by hand since the last build, the
    state kept is the one the last build left, which the next build finds different: it builds in full."""
    last = manifest.get("output")
    last = last if isinstance(last, dict) else {}
    derived = left.derived_folder
    # Pagefind may have failed (the site is built without search then): no folder to look at.
    state = output_state(output_dir, derived) if derived and is_real_folder(output_dir / derived) else {}
    changed = set(left.changed)
    for path in left.paths:
        kept = last.get(path) if path not in changed else None
        if not (isinstance(kept, list) and len(kept) == 2 and all(type(n) is int for n in kept)):
            try:
                status = os.lstat(output_dir / path)
            except OSError:  # gone meanwhile: the next build finds it missing
                continue
            kept = [status.st_size, status.st_mtime_ns]
        state[path] = kept
    return dict(sorted(state.items()))


def replay_if_unchanged(inputs: BuildInputs, manifest: dict[str, Any], digest: str) -> tuple[Report, int] | None:
    """The last build's warnings and file count when its inputs digest was `digest` and its output folder is
    as it left it; None when anything differs or the manifest is not whole."""
    try:
        if manifest.get("inputs") != digest or not inputs.output_dir.is_dir():
            return None
        if manifest.get("output") != output_state(inputs.output_dir):
            return None
        report = Report([_diagnostic(item) for item in manifest["diagnostics"]])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return report, len(manifest["output"])


def record_build(
    inputs: BuildInputs, digest: str, files: FileTable, report: Report, last: dict[str, Any], left: LeftOutput
) -> None:
    """Keep the manifest of a build that just succeeded (see the module's docstring); `last` is the last build's."""
    manifest = {
        "inputs": digest,
        "files": files,
        "output": output_state_after(inputs.output_dir, last, left),
        "diagnostics": [_plain_diagnostic(d) for d in report.diagnostics],
    }
    text = json.dumps(manifest, ensure_ascii=False, separators=(",", ":"))
    _keep(kept_cache_folder(inputs.cache_dir), MANIFEST, text.encode("utf-8"))


def _plain_diagnostic(diagnostic: Diagnostic) -> list[Any]:
    where = diagnostic.location
    return [diagnostic.severity, where.path, where.line, where.column, diagnostic.message]


def _diagnostic(item: list[Any]) -> Diagnostic:
    severity, path, line, column, message = item
    if severity not in ("error", "warning") or not all(isinstance(v, str) for v in (path, message)):
        raise ValueError("not a diagnostic")
    return Diagnostic(severity, Location(path, int(line), int(column)), message)


# --- the anchors of the last build, kept small -------------------------------------------------------------
# A build warns where an annotation moved since the last one, reading the last build's anchors from its
# data/dossier.json (tens of megabytes on a large site). A build with the cache also keeps just the anchors
# beside its manifest, with the size and time of the dossier.json they came from, and reads those instead while
# that file is unchanged.

ANCHORS = "last-anchors.json"


def previous_anchors(output_dir: Path, cache_dir: Path | None) -> dict[tuple[str, str], PreviousAnchor]:
    """The last build's anchors, from the cache's copy when it still matches the output, else from the output."""
    data_file = output_dir / urls.DATA_FILE
    if cache_dir is not None:
        try:
            kept = json.loads(kept_cache_folder(cache_dir).read(ANCHORS))
            if kept["data_file"] == _stat_of(data_file):
                return {(a, b): PreviousAnchor(str(h), str(t)) for a, b, h, t in kept["anchors"]}
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return _anchors_in_site(output_dir)


def _anchors_in_site(output_dir: Path) -> dict[tuple[str, str], PreviousAnchor]:
    """The anchors of the last build (from its data/dossier.json), to tell which annotations moved since.

    A missing or unreadable file means there is nothing to compare with: it is not an error.
    """
    try:
        data = json.loads(read_below(output_dir, "data/dossier.json").decode("utf-8"))
        return {
            (article["id"], annotation["id"]): PreviousAnchor(
                annotation["anchor"]["text_hash"], annotation["exact_text"]
            )
            for article in data["articles"]
            for annotation in article["annotations"]
            if annotation.get("anchor")
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def record_anchors(output_dir: Path, cache_dir: Path, dossier: Dossier, texts: dict[str, ArticleText]) -> None:
    """Keep the anchors of the build that just wrote `output_dir` (see `previous_anchors`)."""
    anchors = [
        [
            article.id,
            annotation.id,
            annotation.anchor.text_hash,
            texts[article.id].text[annotation.anchor.start : annotation.anchor.end],
        ]
        for article in dossier.articles.values()
        for annotation in article.annotations
        if annotation.anchor
    ]
    data_file = _stat_of(output_dir / urls.DATA_FILE)
    _keep(kept_cache_folder(cache_dir), ANCHORS, functools.partial(_write_anchors, data_file, anchors))


ANCHORS_A_RUN = 1_000  # encoded at once: json.dumps's speed, without the whole file's text in memory at once


def _write_anchors(data_file: list[int] | None, anchors: list[list[str]], stream: BinaryIO) -> None:
    """`{"data_file": ..., "anchors": [...]}` as compact JSON in UTF-8, a run of anchors at a time: the anchors of
    5,000 articles are 5 MB of it, held twice (text and bytes) when encoded whole; json.dump to a stream, which
    writes piece by piece, took three times as long as json.dumps (0.16 against 0.05 s)."""
    stream.write(f'{{"data_file":{_compact_json(data_file)},"anchors":['.encode())
    for start in range(0, len(anchors), ANCHORS_A_RUN):
        run = _compact_json(anchors[start : start + ANCHORS_A_RUN])[1:-1]  # the items, without the brackets
        stream.write(f"{',' if start else ''}{run}".encode())
    stream.write(b"]}")


def _compact_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _keep(folder: KeptFolder, name: str, data: Content) -> None:
    """Write a file of the cache folder; failing is no error (a full disk, a read-only folder, a cache folder
    linked elsewhere). These files only spare the next build work, and one left by an earlier build is used
    only while what it records (the inputs' digest and the output's files, or dossier.json's size and time)
    still holds."""
    with contextlib.suppress(OSError):
        folder.write(name, data)


def _stat_of(path: Path) -> list[int] | None:
    try:
        status = path.lstat()
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns, status.st_ino]
