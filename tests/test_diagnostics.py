"""How a report is shown to programs: GitHub Actions workflow commands and JSON."""

from __future__ import annotations

import json

from dossier.diagnostics import Diagnostic, Location, Report, github_command, report_json


def test_a_workflow_command_escapes_what_github_reads_as_its_syntax() -> None:
    """GitHub's toolkit escapes %, CR and LF in the message, and ':' and ',' in properties too (they end a
    property); control characters are shown, not obeyed, in the job's log."""
    diagnostic = Diagnostic("error", Location("content/a:b,c.yaml", 3, 7), "50% done,\nnext: \x1b[2J")
    assert github_command(diagnostic, "content/a:b,c.yaml") == (
        "::error file=content/a%3Ab%2Cc.yaml,line=3,col=7,title=dossier::50%25 done,%0Anext: \\x1b[2J"
    )


def test_a_warning_is_an_error_under_strict_and_its_title_says_why() -> None:
    warning = Diagnostic("warning", Location("content/s/a.yaml", 2, 5), "the quote moved")
    assert github_command(warning, "site/content/s/a.yaml") == (
        "::warning file=site/content/s/a.yaml,line=2,col=5,title=dossier::the quote moved"
    )
    assert github_command(warning, "site/content/s/a.yaml", strict=True) == (
        "::error file=site/content/s/a.yaml,line=2,col=5,title=dossier%3A a warning%2C an error under --strict::"
        "the quote moved"
    )


def test_the_json_report_has_a_stable_shape_sorted_and_safe_for_a_terminal() -> None:
    report = Report()
    report.warning(Location("content/b.yaml", 4, 1), "rough \x9b quote")
    report.error(Location("content/a.yaml", 1, 2), "Сергей id")
    shown = report_json(report, strict=True)
    assert "\x9b" not in shown and "\\u009b" in shown and "Сергей" in shown
    assert json.loads(shown) == {
        "version": 1,
        "ok": False,
        "strict": True,
        "errors": 1,
        "warnings": 1,
        "diagnostics": [
            {"severity": "error", "path": "content/a.yaml", "line": 1, "column": 2,
             "location": "content/a.yaml:1:2", "message": "Сергей id"},
            {"severity": "warning", "path": "content/b.yaml", "line": 4, "column": 1,
             "location": "content/b.yaml:4:1", "message": "rough \x9b quote"},
        ],
    }  # fmt: skip


def test_warnings_fail_a_run_only_under_strict() -> None:
    report = Report()
    report.warning(Location("content/b.yaml"), "rough")
    assert not report.fails() and report.fails(strict=True)
    assert json.loads(report_json(report))["ok"] is True
