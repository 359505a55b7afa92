"""Broken dossiers in tests/invalid/<case>/ and the exact diagnostics each must produce (expected.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.pipeline import check_project

INVALID = Path(__file__).resolve().parent / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if (p / "expected.txt").exists())


@pytest.mark.parametrize("case", CASES)
def test_diagnostics_are_exactly_as_expected(case: str) -> None:
    checked = check_project(INVALID / case)
    got = [str(d) for d in checked.report.sorted()]
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert got == expected


def test_every_case_has_its_expected_output() -> None:
    assert sorted(p.name for p in INVALID.iterdir() if p.is_dir()) == CASES
