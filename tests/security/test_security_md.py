"""SECURITY.md names, for each promise, the test that proves it: every name it gives must be a real test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import REPO, TESTS

SECURITY_MD = REPO / "SECURITY.md"
# `security/test_x.py::test_name`, then `::test_other` for more tests of the same file.
REFERENCE = re.compile(r"`((?:[\w/]+/)?test_\w+\.py)?::(test_\w+)`")
BARE_NAME = re.compile(r"`(test_\w+)`")
FILE_NAME = re.compile(r"`((?:[\w/]+/)?test_\w+\.py)`")


def functions_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test")}


def references() -> list[tuple[str, str]]:
    """(test file, test name) for every test SECURITY.md names, file by file as it names them."""
    found: list[tuple[str, str]] = []
    current = ""
    for line in SECURITY_MD.read_text(encoding="utf-8").splitlines():
        for match in re.finditer(f"{REFERENCE.pattern}|{BARE_NAME.pattern}|{FILE_NAME.pattern}", line):
            file, name, bare, file_only = match.groups()
            if file or file_only:
                current = file or file_only
            if name or bare:
                found.append((current, name or bare))
    return found


def test_every_test_security_md_names_exists() -> None:
    named = references()
    assert len(named) > 60
    missing = []
    for file, name in named:
        path = TESTS / file
        if not path.exists() or name not in functions_of(path):
            missing.append(f"{file}::{name}")
    assert missing == []


def test_every_security_test_is_named_in_security_md() -> None:
    """A test in tests/security that SECURITY.md does not name proves a promise nobody can find."""
    text = SECURITY_MD.read_text(encoding="utf-8")
    named = set(references())
    unnamed = []
    for path in sorted((TESTS / "security").glob("test_*.py")):
        file = f"security/{path.name}"
        if path.name == "test_security_md.py" or f"`{file}` (every test)" in text:
            continue
        unnamed += [f"{file}::{name}" for name in sorted(functions_of(path)) if (file, name) not in named]
    assert unnamed == []
