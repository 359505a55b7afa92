"""Locations and diagnostics: every content problem is collected, never raised.

A stage reports into a `Report` and carries on, so one run lists every problem at once.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

# Control characters a terminal would obey (ESC starts sequences that clear the screen, recolour it or retitle
# the window; C1's CSI is ESC's one-byte form): a file name or a quoted value may hold them.
TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def for_terminal(text: str) -> str:
    """`text` with every control character but tab and line feed shown as its escape (\\x1b), not obeyed."""
    return TERMINAL_CONTROLS.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based position in a file, with the path as the editor would type it."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


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
