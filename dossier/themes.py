"""Where templates and static files come from: the site's theme, its parents, then the built-in default.

First hit wins, per file. Every theme is also reachable by prefix (`@default/article.html`) so an override
can extend the very template it replaces.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dossier.diagnostics import Location, Report
from dossier.load import find_yaml, read_yaml_file
from dossier.schema import Field, read_record

if TYPE_CHECKING:  # Jinja is imported where an environment is made: a build that stops early never loads it
    import jinja2

DEFAULT_THEME = "default"
THEME_FILE = "theme.yaml"
THEME_FIELDS = {"extends": Field("slug"), "description": Field("text", default="")}


@dataclass(frozen=True)
class Theme:
    name: str
    folder: Path

    @property
    def templates(self) -> Path:
        return self.folder / "templates"

    @property
    def static(self) -> Path:
        return self.folder / "static"

    @property
    def catalogs(self) -> Path:
        """Its words in other languages than English (render/translations.py)."""
        return self.folder / "i18n"


def builtin_themes_dir() -> Path:
    """The built-in themes: `dossier/builtin_themes/` inside an installed wheel, else the repository's themes/
    (an editable install or a checkout). Found beside this file, not through importlib.resources: the folder
    has no __init__.py, so on Python 3.11 `files()` gives a MultiplexedPath, which is no file-system path."""
    installed = Path(__file__).resolve().parent / "builtin_themes"
    if (installed / DEFAULT_THEME).is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "themes"


def _find_theme(name: str, project_dir: Path) -> Path | None:
    for folder in (project_dir / "themes" / name, builtin_themes_dir() / name):
        if folder.is_dir():
            return folder
    return None


def _parent_of(theme: Theme, project_dir: Path, report: Report) -> str | None:
    theme_file = find_yaml(theme.folder, THEME_FILE, project_dir, report)
    if not theme_file.exists():
        return None
    shown = (
        theme_file.relative_to(project_dir).as_posix() if theme_file.is_relative_to(project_dir) else str(theme_file)
    )
    raw = read_yaml_file(theme_file, shown, theme.folder, report)
    values = read_record(raw, THEME_FIELDS, THEME_FILE, Location(shown), report) if raw is not None else None
    if values and values["extends"]:
        return str(values["extends"])
    return None


def resolve_themes(name: str, project_dir: Path, report: Report, where: Location) -> list[Theme]:
    """The search path: the named theme, the parents it `extends`, then the built-in default."""
    chain: list[Theme] = []
    current: str | None = name
    while current and current not in {t.name for t in chain}:
        folder = _find_theme(current, project_dir)
        if folder is None:
            report.error(where, f"no theme '{current}': looked in themes/{current}/ and the built-in themes")
            break
        theme = Theme(current, folder)
        chain.append(theme)
        current = _parent_of(theme, project_dir, report) or (None if current == DEFAULT_THEME else DEFAULT_THEME)
    # A site's own themes/default/ overrides files of the built-in one; it does not stand in for all of it. Last in
    # the chain, the built-in one is also what `@default/` names, so such an override can extend what it replaces.
    builtin = Theme(DEFAULT_THEME, builtin_themes_dir() / DEFAULT_THEME)
    if builtin not in chain:
        chain.append(builtin)
    return chain


def make_environment(themes: list[Theme]) -> jinja2.Environment:
    """The Jinja environment of a theme search path. One is kept per set of template files for the life of the
    process (`serve` rebuilds, tests): compiling the templates is a third of a small site's rebuild. Editing,
    adding or removing any template file gives a new one; the caller sets its globals for each build."""
    return _environment(tuple(themes), _template_files(themes))


def _template_files(themes: list[Theme]) -> tuple[tuple[str, int, int], ...]:
    found = []
    for theme in themes:
        for root, folders, files in os.walk(theme.templates):
            folders.sort()
            for name in sorted(files):
                status = os.stat(os.path.join(root, name))
                found.append((os.path.join(root, name), status.st_size, status.st_mtime_ns))
    return tuple(found)


@functools.lru_cache(maxsize=4)
def _environment(themes: tuple[Theme, ...], files: tuple[tuple[str, int, int], ...]) -> jinja2.Environment:
    import jinja2

    del files  # in the cache key only
    by_name = {f"@{theme.name}": jinja2.FileSystemLoader(theme.templates) for theme in themes}
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader([theme.templates for theme in themes]), jinja2.PrefixLoader(by_name)]
    )
    return jinja2.Environment(
        loader=loader,
        bytecode_cache=_compiled_templates(),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The theme's words go through gettext (render/translations.py), installed for each build.
        extensions=["jinja2.ext.i18n"],
        # The environment is made again when a template file changes (the cache key above): Jinja need not
        # check each template's file again at every page it renders (a stat per `get_template`).
        auto_reload=False,
    )


def _compiled_templates() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between processes (compiling them was a fifth of `dossier build` after an edit at
    1,000 articles), in the user's own cache folder: `$XDG_CACHE_HOME` (else ~/.cache) `/dossier/templates/`, one
    folder per dossier (its version and code, which hold the environment's settings: Jinja's key is a template's
    name and source only). Never in the project's `.dossier-cache/`: a project from elsewhere may bring that
    folder, and compiled templates are code. A folder that is a link, or that another user owns or may write, is
    not used; nor is one that cannot be made."""
    import jinja2

    from dossier.cache import version_key

    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(home, "dossier", "templates", version_key()[:20])
    try:
        is_new = not folder.exists()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.lstat()
    except OSError:
        return None
    if is_new:
        _remove_old_compiled_templates(folder.parent)
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o022:
        return None

    class NeverFailing(jinja2.FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):  # the folder removed or full meanwhile: compiled again next time
                super().dump_bytecode(bucket)

    return NeverFailing(str(folder))


KEPT_TEMPLATE_FOLDERS = 8  # of as many versions of dossier (or edited checkouts), the most recently made


def _remove_old_compiled_templates(templates: Path) -> None:
    """Keep the folders of the KEPT_TEMPLATE_FOLDERS most recently made versions: each upgrade makes one. A
    version whose folder goes compiles its templates again; only folders named as ours are touched, never
    through a link."""
    try:
        ours = [entry for entry in os.scandir(templates) if _is_templates_folder(entry)]
        ours.sort(key=lambda entry: entry.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
    except OSError:
        return
    for entry in ours[KEPT_TEMPLATE_FOLDERS:]:
        shutil.rmtree(entry.path, ignore_errors=True)


def _is_templates_folder(entry: os.DirEntry[str]) -> bool:
    is_hex = len(entry.name) == 20 and all(c in "0123456789abcdef" for c in entry.name)
    return is_hex and entry.is_dir(follow_symlinks=False)


def static_files(themes: list[Theme]) -> dict[str, Path]:
    """Every static file by its path under static/, the first theme in the search path winning."""
    found: dict[str, Path] = {}
    for theme in themes:
        if not theme.static.is_dir():
            continue
        for path in sorted(theme.static.rglob("*")):
            if path.is_file() and not path.is_symlink():
                found.setdefault(path.relative_to(theme.static).as_posix(), path)
    return found
