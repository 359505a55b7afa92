"""`dossier status`: the editor's worklist, story by story, what to do first at the top.

It checks the dossier with its drafts (as `dossier check --drafts`) and reads what is left to do from the
report and the model: errors (the site does not build), warnings (`check --strict` and the pull-request check
fail on them: placeholders, quotes found only roughly, annotations that moved), then articles and claims to
annotate, claims still to verify, drafts to publish, and people and sources nothing uses.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier.diagnostics import Location, Report, for_terminal, safe_json
from dossier.link import Index
from dossier.model import Dossier, Story
from dossier.pipeline import BuildOptions, check_project
from dossier.placeholders import new_claim_verdict

JSON_FORMAT_VERSION = 1  # raised only when a key changes meaning or goes; new keys may be added

# Each kind of task: its rank (what to do first) and the label a line shows.
KINDS: dict[str, tuple[int, str]] = {
    "error": (0, "error"),
    "warning": (1, "warning"),
    "article-without-annotations": (2, "to annotate"),
    "claim-in-no-article": (2, "to annotate"),
    "unverified-claim": (3, "to verify"),
    "draft": (4, "draft"),
    "unused-person": (5, "unused"),
    "unused-source": (5, "unused"),
}


@dataclass(frozen=True)
class Task:
    kind: str  # a key of KINDS
    location: Location
    message: str
    story_id: str | None  # None: the site's own files (dossier.yaml, the registries)

    @property
    def label(self) -> str:
        return KINDS[self.kind][1]

    def sort_key(self) -> tuple[int, str, int, int, str]:
        where = self.location
        return (KINDS[self.kind][0], where.path, where.line, where.column, self.message)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "story": self.story_id, **self.location.as_json(), "message": self.message}


@dataclass
class Worklist:
    stories: dict[str, Story] = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(task.kind == "error" for task in self.tasks)

    def by_story(self) -> list[tuple[str | None, list[Task]]]:
        """The tasks story by story (None: the site's own files), the story with the most urgent first."""
        groups: dict[str | None, list[Task]] = {}
        for task in sorted(self.tasks, key=Task.sort_key):
            groups.setdefault(task.story_id, []).append(task)
        return sorted(groups.items(), key=lambda group: (group[1][0].sort_key()[0], group[0] or "~"))

    def lines(self) -> list[str]:
        shown: list[str] = []
        for story_id, tasks in self.by_story():
            shown.append(self._heading(story_id))
            shown += [f"  {task.location}: {task.label}: {task.message}" for task in tasks]
        return [for_terminal(line) for line in shown] + [self.summary()]

    def _heading(self, story_id: str | None) -> str:
        story = self.stories.get(story_id) if story_id else None
        if story is None:
            return "the whole site"
        return f"{story.id}: {story.title}" + (" (draft)" if story.is_draft else "")

    def summary(self) -> str:
        if not self.tasks:
            return (
                "nothing to do: no error or warning, every article and claim annotated, every claim verified, "
                "no draft, nothing unused"
            )
        counts = Counter(task.label for task in sorted(self.tasks, key=Task.sort_key))
        plural = {"error": "errors", "warning": "warnings", "draft": "drafts"}
        parts = [f"{n} {plural.get(label, label) if n != 1 else label}" for label, n in counts.items()]
        return f"{len(self.tasks)} to do: {', '.join(parts)}"

    def as_json(self) -> str:
        return safe_json(
            {
                "version": JSON_FORMAT_VERSION,
                "stories": [
                    {"story": story.id, "title": story.title, "draft": story.is_draft}
                    for story in self.stories.values()
                ],
                "tasks": [task.as_json() for _, tasks in self.by_story() for task in tasks],
            }
        )


def worklist_of(project_dir: Path) -> Worklist:
    """What is left to do in the dossier at `project_dir`, drafts included."""
    checked = check_project(project_dir, BuildOptions(include_drafts=True))
    dossier, index = checked.dossier, checked.index
    worklist = Worklist()
    if dossier is not None:
        worklist.stories = dict(dossier.stories)
    worklist.tasks += _from_report(checked.report, dossier)
    if dossier is not None and index is not None:
        worklist.tasks += _to_annotate(dossier, index) + _to_verify(dossier) + _drafts(dossier)
        worklist.tasks += _unused(dossier, index)
    return worklist


def _from_report(report: Report, dossier: Dossier | None) -> list[Task]:
    """Each error and warning of the check, in the story whose folder holds its file."""
    folders = {}
    if dossier is not None:
        folders = {Path(story.location.path).parent.as_posix() + "/": story.id for story in dossier.stories.values()}

    def story_of(path: str) -> str | None:
        return next((story_id for folder, story_id in folders.items() if path.startswith(folder)), None)

    return [Task(d.severity, d.location, d.message, story_of(d.location.path)) for d in report.sorted()]


def _to_annotate(dossier: Dossier, index: Index) -> list[Task]:
    tasks = [
        Task("article-without-annotations", article.location, f"article '{article.id}' has no annotations yet",
             article.story_id)
        for article in dossier.articles.values()
        if not article.annotations
    ]  # fmt: skip
    tasks += [
        Task("claim-in-no-article", claim.location,
             f"claim '{claim.id}' appears in no article: annotate where an article reports it", claim.story_id)
        for claim in dossier.claims.values()
        if not index.appearances.get(claim.id)
    ]  # fmt: skip
    return tasks


def _to_verify(dossier: Dossier) -> list[Task]:
    """Claims whose verdict is still the one `dossier new claim` gives: not decided yet."""
    undecided = new_claim_verdict([verdict.id for verdict in dossier.config.verdicts])
    return [
        Task("unverified-claim", claim.location, f"claim '{claim.id}' is still {undecided}: decide its verdict",
             claim.story_id)
        for claim in dossier.claims.values()
        if claim.verdict == undecided
    ]  # fmt: skip


def _drafts(dossier: Dossier) -> list[Task]:
    """Draft stories, and draft articles of stories that are not drafts themselves."""
    tasks = [
        Task("draft", story.location, f"story '{story.id}' is a draft: delete its `draft: true` line to publish it",
             story.id)
        for story in dossier.stories.values()
        if story.is_draft
    ]  # fmt: skip
    tasks += [
        Task("draft", article.location,
             f"article '{article.id}' is a draft: delete `draft: true` from its front matter to publish it",
             article.story_id)
        for article in dossier.articles.values()
        if article.is_draft and not dossier.stories[article.story_id].is_draft
    ]  # fmt: skip
    return tasks


def _unused(dossier: Dossier, index: Index) -> list[Task]:
    """People and sources that no story, article, claim or source refers to (a name in an article counts)."""
    tasks = [
        Task("unused-person", person.location,
             f"person '{person.id}' is never used: no article names them, no claim or source refers to them", None)
        for person in dossier.people.values()
        if not index.backlinks.get(("person", person.id))
    ]  # fmt: skip
    tasks += [
        Task("unused-source", source.location,
             f"source '{source.id}' is never used: no article, claim or source refers to it", source.story_id)
        for source in dossier.sources.values()
        if not index.backlinks.get(("source", source.id))
    ]  # fmt: skip
    return tasks
