"""`dossier init` and `dossier new`: write skeletons that pass `dossier check` without an error as they are.

The texts `dossier new` leaves for the editor to write ("The claim, in one sentence.") are warnings until they
are replaced (dossier/placeholders.py holds them), so `dossier check --strict` fails on them.

The skeletons are files of the built-in theme (`themes/default/scaffold/`, see its README.md), never strings
in here. New files are created exclusively (nothing is ever overwritten); a person, source or claim is added
to its YAML file as text (`project_files.append_yaml_entry`, which `dossier import` uses too), so the editor's
comments and layout stay exactly as they were, and the result is parsed again before it is written: if the
file would not read back as before plus the new entry, nothing is written and the entry is printed to paste
by hand.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier import __version__
from dossier.diagnostics import did_you_mean
from dossier.load import PEOPLE_FILE, SOURCES_FILE, STORY_FILE, display_path
from dossier.model import SOURCE_KINDS
from dossier.placeholders import CLAIM, HEADLINE, new_claim_verdict
from dossier.project_files import Project, ProjectFileError, append_yaml_entry, check_id, yaml_scalar
from dossier.themes import DEFAULT_THEME, builtin_themes_dir
from dossier.yaml_reader import yaml_file

TEMPLATE_SUFFIX = ".in"
DOT_PREFIX = "dot-"  # package data skips dotfiles: `dot-gitignore` is written as `.gitignore`
IGNORED_IN_EMPTY_FOLDER = frozenset({".git"})
COMMENTED = "# "  # an optional line left as a hint
PAGES_WORKFLOW = Path("dot-github", "workflows", "pages.yml.in")


# `dossier init` and `dossier new` refuse as the project's files do (project_files): one kind, shown as one line.
ScaffoldError = ProjectFileError


@dataclass
class Written:
    project_dir: Path
    created: list[Path] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def _shown(self, path: Path) -> str:
        return display_path(path, self.project_dir)

    def lines(self) -> list[str]:
        return (
            [f"wrote {self._shown(p)}" for p in self.created]
            + [f"added to {self._shown(p)}" for p in self.changed]
            + [f"kept {self._shown(p)} (it was already there)" for p in self.kept]
            + self.notes
        )


def scaffold_dir() -> Path:
    return builtin_themes_dir() / DEFAULT_THEME / "scaffold"


def pages_workflow() -> str:
    """The GitHub Pages workflow exactly as `dossier init` writes it (docs/deploy.md shows the same text)."""
    return fill(scaffold_dir() / "init" / PAGES_WORKFLOW, {"version": __version__})


def fill(skeleton: Path, values: Mapping[str, str]) -> str:
    text = skeleton.read_text(encoding="utf-8")
    return string.Template(text).substitute(values) if skeleton.name.endswith(TEMPLATE_SUFFIX) else text


def _create(path: Path, text: str) -> None:
    """Write a new file; refuse when anything is already there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as new_file:
            new_file.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; nothing was written") from None


def _one_line(value: str, what: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise ScaffoldError(f"the {what} is empty")
    return text


def _humanise(slug: str) -> str:
    words = slug.replace("_", "-").split("-")
    text = " ".join(word for word in words if word)
    return text[:1].upper() + text[1:] if text else "My dossier"


# ---- dossier init ----


def _target_path(folder: Path, relative: Path) -> Path:
    parts = [("." + part[len(DOT_PREFIX) :]) if part.startswith(DOT_PREFIX) else part for part in relative.parts]
    parts[-1] = parts[-1].removesuffix(TEMPLATE_SUFFIX)
    return folder.joinpath(*parts)


def init_project(folder: Path, title: str | None = None, force: bool = False) -> Written:
    """Write a new dossier with a sample story into `folder`; with `force` into a non-empty one, keeping its files."""
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} is a file, not a folder")
    present = (
        sorted(p.name for p in folder.iterdir() if p.name not in IGNORED_IN_EMPTY_FOLDER) if folder.exists() else []
    )
    if present and not force:
        shown = ", ".join(present[:5]) + (f" and {len(present) - 5} more" if len(present) > 5 else "")
        raise ScaffoldError(
            f"{folder} is not empty ({shown}); choose an empty folder, or add --force to write the new dossier's "
            "files beside these (an existing file is never overwritten)"
        )
    values = {
        "title": yaml_scalar(_one_line(title, "title") if title else _humanise(folder.resolve().name)),
        "version": __version__,  # the Pages workflow installs the release that made the dossier
    }
    skeleton = scaffold_dir() / "init"
    written = Written(folder)
    for source in sorted(skeleton.rglob("*")):
        if not source.is_file():
            continue
        target = _target_path(folder, source.relative_to(skeleton))
        if target.exists() or target.is_symlink():
            written.kept.append(target)
            continue
        _create(target, fill(source, values))
        written.created.append(target)
    if not written.created and not written.kept:
        raise ScaffoldError(
            f"the new dossier's files are missing from this installation ({skeleton}); reinstall dossier"
        )
    if written.kept:
        count = len(written.kept)
        kept = (
            "files were already there and were left as they were"
            if count != 1
            else "file was already there and was left as it was"
        )
        written.notes.append(f"{count} {kept}")
    where = "" if folder.resolve() == Path.cwd() else f"cd {folder} && "
    written.notes.append(f"next: {where}dossier serve")
    return written


# ---- dossier new: each kind ----


def _skeleton(name: str, values: Mapping[str, str]) -> str:
    return fill(scaffold_dir() / "new" / f"{name}{TEMPLATE_SUFFIX}", values)


def _toggle(is_on: bool) -> str:
    return "" if is_on else COMMENTED


def _check_url(url: str | None) -> str | None:
    if url is not None and not url.startswith(("http://", "https://")):
        raise ScaffoldError(f"the url must start with http:// or https://, not '{url}'")
    return url


def new_story(project: Project, story_id: str, title: str | None, is_draft: bool) -> Written:
    check_id(story_id, "the story id")
    path = project.content_dir / story_id / STORY_FILE
    if yaml_file(path.parent, STORY_FILE).exists():
        raise ScaffoldError(f"{project.shown(path)} already exists; nothing was written")
    values = {
        "title": yaml_scalar(_one_line(title, "title") if title else _humanise(story_id)),
        "story": story_id,
        "draft_off": _toggle(is_draft),
    }
    _create(path, _skeleton("story.yaml", values))
    written = Written(project.project_dir, created=[path])
    if is_draft:
        written.notes.append(
            "it is a draft: `dossier serve` shows it, `dossier build` leaves it out until you delete its "
            "`draft: true` line"
        )
    written.notes.append(f"next: dossier new article {story_id} ARTICLE --outlet OUTLET")
    return written


def _outlet_for(project: Project, article_id: str, outlet: str | None) -> str:
    outlets = sorted(i for i, kind in project.source_kinds.items() if kind == "outlet")
    if outlet is None:
        if article_id in outlets:
            return article_id
        known = f" (outlets: {', '.join(outlets)})" if outlets else ""
        raise ScaffoldError(
            f"name the article's outlet with --outlet ID{known}; add a new one with "
            f'`dossier new source ID "Name" --kind outlet`'
        )
    check_id(outlet, "the outlet")
    if outlet in outlets:
        return outlet
    if outlet in project.source_kinds:
        raise ScaffoldError(f"'{outlet}' is a source of kind '{project.source_kinds[outlet]}', not an outlet")
    raise ScaffoldError(
        f"unknown outlet '{outlet}'{did_you_mean(outlet, outlets)}; add it with "
        f'`dossier new source {outlet} "Name" --kind outlet`'
    )


def new_article(
    project: Project,
    story_id: str,
    article_id: str,
    outlet: str | None,
    title: str | None,
    url: str | None,
    is_draft: bool,
) -> Written:
    story_dir = project.story_dir(story_id)
    check_id(article_id, "the article id")
    markdown, sidecar = story_dir / f"{article_id}.md", story_dir / f"{article_id}.yaml"
    for path in (markdown, sidecar):
        if path.exists():
            raise ScaffoldError(f"{project.shown(path)} already exists; nothing was written")
    if article_id in project.article_stories:
        raise ScaffoldError(f"another story already has an article '{article_id}'; article ids are site-wide")
    values = {
        "title": yaml_scalar(_one_line(title, "title") if title else HEADLINE),
        "outlet": _outlet_for(project, article_id, outlet),
        "url": yaml_scalar(_check_url(url) or "https://"),
        "url_off": _toggle(url is not None),
        "draft_off": _toggle(is_draft),
        "article": article_id,
    }
    _create(markdown, _skeleton("article.md", values))
    _create(sidecar, _skeleton("article.yaml", values))
    written = Written(project.project_dir, created=[markdown, sidecar])
    written.notes.append(f"next: paste the article's text into {project.shown(markdown)}, annotate it in the .yaml")
    return written


def new_person(project: Project, person_id: str, name: str) -> Written:
    check_id(person_id, "the person id")
    project.check_new_entity_id(person_id)
    path = yaml_file(project.content_dir, PEOPLE_FILE)
    project.check_no_errors_in(path)
    entry = _skeleton("person.yaml", {"id": person_id, "name": yaml_scalar(_one_line(name, "name"))})
    return _appended(project, path, entry, None)


def new_source(project: Project, source_id: str, name: str, kind: str, url: str | None) -> Written:
    check_id(source_id, "the source id")
    if kind not in SOURCE_KINDS:
        raise ScaffoldError(f"--kind must be one of {', '.join(SOURCE_KINDS)}, not '{kind}'")
    project.check_new_entity_id(source_id)
    path = yaml_file(project.content_dir, SOURCES_FILE)
    project.check_no_errors_in(path)
    values = {
        "id": source_id,
        "name": yaml_scalar(_one_line(name, "name")),
        "kind": kind,
        "url": yaml_scalar(_check_url(url) or "https://"),
        "url_off": _toggle(url is not None),
    }
    return _appended(project, path, _skeleton("source.yaml", values), None)


def new_claim(
    project: Project, story_id: str, claim_id: str, claimant: str, verdict: str | None, text: str | None
) -> Written:
    path = yaml_file(project.story_dir(story_id), STORY_FILE)
    check_id(claim_id, "the claim id")
    if claim_id in project.claims:
        raise ScaffoldError(f"there is already a claim '{claim_id}'; claim ids are site-wide")
    known = project.people | set(project.source_kinds)
    if claimant not in known:
        raise ScaffoldError(
            f"unknown claimant '{claimant}'{did_you_mean(claimant, known)}: a claimant is a person or source id; "
            f'add one with `dossier new person ID "Name"`'
        )
    scale = [v.id for v in project.config.verdicts]
    chosen = verdict or new_claim_verdict(scale)
    if chosen not in scale:
        raise ScaffoldError(f"unknown verdict '{chosen}'{did_you_mean(chosen, scale)}; the scale: {', '.join(scale)}")
    project.check_no_errors_in(path)
    values = {
        "id": claim_id,
        "claim": yaml_scalar(_one_line(text, "claim") if text else CLAIM),
        "claimant": claimant,
        "verdict": yaml_scalar(chosen),
    }
    return _appended(project, path, _skeleton("claim.yaml", values), "claims")


def _appended(project: Project, path: Path, entry: str, key: str | None) -> Written:
    is_created = append_yaml_entry(path, entry, key, project.shown(path))
    written = Written(project.project_dir)
    (written.created if is_created else written.changed).append(path)
    return written


def new_entity(project_dir: Path, kind: str, options: Mapping[str, Any]) -> Written:
    """Run `dossier new KIND` with the command line's options."""
    project = Project.read(project_dir)
    if kind == "story":
        return new_story(project, options["story"], options.get("title"), bool(options.get("draft", True)))
    if kind == "article":
        return new_article(
            project,
            options["story"],
            options["article"],
            options.get("outlet"),
            options.get("title"),
            options.get("url"),
            bool(options.get("draft")),
        )
    if kind == "person":
        return new_person(project, options["id"], options["name"])
    if kind == "source":
        return new_source(project, options["id"], options["name"], options["source_kind"], options.get("url"))
    if kind == "claim":
        return new_claim(
            project, options["story"], options["id"], options["claimant"], options.get("verdict"), options.get("text")
        )
    raise ScaffoldError(f"unknown kind '{kind}': story, article, person, source or claim")
