"""Locations and diagnostics: every content problem is collected, never raised.

A stage reports into a `Report` and carries on, so one run lists every problem at once. A report is shown
as text for people, as GitHub Actions workflow commands (an annotation on the line of a pull request) or as
JSON for other tools (docs/editing.md describes the shape).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from dossier.slotted import Slotted

Severity = Literal["error", "warning"]

# Control characters a terminal would obey (ESC starts sequences that clear the screen, recolour it or retitle
# the window; C1's CSI is ESC's one-byte form): a file name or a quoted value may hold them.
TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def for_terminal(text: str) -> str:
    """`text` with every control character but tab and line feed shown as its escape (\\x1b), not obeyed."""
    return TERMINAL_CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


@dataclass(frozen=True, order=True, slots=True)
class Location(Slotted):
    """A 1-based position in a file, with the path as the editor would type it."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def as_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column, "location": str(self)}


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    location: Location
    message: str

    def __str__(self) -> str:
        return for_terminal(f"{self.location}: {self.severity}: {self.message}")

    def sort_key(self) -> tuple[str, int, int, str]:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.message)

    def as_json(self) -> dict[str, Any]:
        return {"severity": self.severity, **self.location.as_json(), "message": self.message}


IN_A_DRAFT = "in a draft: "


@dataclass
class Report:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The files of drafts (a draft story's, a draft article's): their problems begin "in a draft: ", so that an
    # editor sees at once that what fails is not published yet.
    draft_paths: set[str] = field(default_factory=set)

    def error(self, location: Location, message: str) -> None:
        self.diagnostics.append(self._noted(Diagnostic("error", location, message)))

    def warning(self, location: Location, message: str) -> None:
        self.diagnostics.append(self._noted(Diagnostic("warning", location, message)))

    def extend(self, other: Report) -> None:
        self.diagnostics.extend(self._noted(diagnostic) for diagnostic in other.diagnostics)

    def mark_drafts(self, paths: Iterable[str]) -> None:
        """Say "in a draft" in every problem of these files: those reported already and those to come."""
        self.draft_paths.update(paths)
        self.diagnostics = [self._noted(diagnostic) for diagnostic in self.diagnostics]

    def _noted(self, diagnostic: Diagnostic) -> Diagnostic:
        if diagnostic.location.path not in self.draft_paths or diagnostic.message.startswith(IN_A_DRAFT):
            return diagnostic
        return dataclasses.replace(diagnostic, message=IN_A_DRAFT + diagnostic.message)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def has_errors(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)

    def has_error_in(self, path: str) -> bool:
        return any(d.severity == "error" and d.location.path == path for d in self.diagnostics)

    def fails(self, strict: bool = False) -> bool:
        """True when the run failed: any error, or under `strict` (`check --strict`) any warning too."""
        return self.has_errors or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        """Sorted by path, line, column; duplicates (the same problem found twice) dropped."""
        unique = {(d.severity, d.location, d.message): d for d in self.diagnostics}
        return sorted(unique.values(), key=Diagnostic.sort_key)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `word`, or None when nothing is close."""
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """'; did you mean 'x'?' for the closest candidate, or '' when nothing is close."""
    close = closest(word, candidates)
    return f"; did you mean '{close}'?" if close else ""


# ---- the report as GitHub Actions workflow commands, and as JSON ----

JSON_FORMAT_VERSION = 1  # raised only when a key changes meaning or goes; new keys may be added


def _github_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's toolkit does (actions/toolkit, command.ts)."""
    return for_terminal(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A workflow command's property (file, title): as data, and ':' and ',' too, which end a property."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(diagnostic: Diagnostic, path: str, strict: bool = False) -> str:
    """`::error file=...,line=...,col=...,title=...::message`: GitHub shows it on that line of a pull request.

    `path` is the file's path from the working folder (the repository's root in a workflow). Under `strict` a
    warning is an error, and its title says why."""
    level = "error" if strict or diagnostic.severity == "error" else "warning"
    title = "dossier: a warning, an error under --strict" if level != diagnostic.severity else "dossier"
    where = diagnostic.location
    properties = f"file={_github_property(path)},line={where.line},col={where.column},title={_github_property(title)}"
    return f"::{level} {properties}::{_github_data(diagnostic.message)}"


# Characters JSON may carry raw that a terminal would obey (C1 controls; DEL) or that end a line in JavaScript.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def safe_json(value: Any) -> str:
    """`value` as JSON in UTF-8 text with no raw control character: safe to print to a terminal."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def report_json(report: Report, strict: bool = False) -> str:
    """The report as one JSON object: whether the run passed, the counts, and every diagnostic, sorted."""
    diagnostics = report.sorted()
    return safe_json(
        {
            "version": JSON_FORMAT_VERSION,
            "ok": not report.fails(strict),
            "strict": strict,
            "errors": sum(d.severity == "error" for d in diagnostics),
            "warnings": sum(d.severity == "warning" for d in diagnostics),
            "diagnostics": [d.as_json() for d in diagnostics],
        }
    )
