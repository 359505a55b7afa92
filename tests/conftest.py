"""Shared fixtures: real dossiers built into temporary folders, with the real pipeline."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from dossier.pipeline import Built, build_project

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
CHROMIUM = Path("/usr/bin/chromium")

# Without Playwright (`pip install -e '.[test]'` alone) tests/browser/ cannot even be imported, and marks only
# deselect after import: leave the folder out of collection and say so in the header.
HAS_PLAYWRIGHT = importlib.util.find_spec("playwright") is not None
collect_ignore = [] if HAS_PLAYWRIGHT else ["browser"]


def pytest_report_header() -> str | None:
    if HAS_PLAYWRIGHT:
        return None
    return "tests/browser/ not collected: Playwright is not installed (pip install -e '.[test,browser]')"


def copy_example(target: Path) -> Path:
    """A copy of the example dossier (dossier.yaml and content/) in `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "dossier.yaml", target / "dossier.yaml")
    shutil.copytree(REPO / "content", target / "content")
    return target


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's one Chromium per session is Debian's (`playwright install` cannot download one here;
    see ../shared/TOOLING.md). Browser tests use its `browser` or `page` fixture: a second `sync_playwright()`
    in the same session fails."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/dev-setup.sh does)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"],
    }


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = copy_example(tmp_path_factory.mktemp("example"))
    built = build_project(project)
    assert not built.report.has_errors, "\n".join(map(str, built.report.sorted()))
    return built


@pytest.fixture(scope="session")
def example_site(example_build: Built) -> Path:
    assert example_build.output_dir is not None
    return example_build.output_dir


@pytest.fixture(scope="session")
def parse_page(example_site: Path) -> Callable[[str], BeautifulSoup]:
    cache: dict[str, BeautifulSoup] = {}

    def parse(path: str) -> BeautifulSoup:
        if path not in cache:
            cache[path] = BeautifulSoup((example_site / path).read_text(encoding="utf-8"), "html.parser")
        return cache[path]

    return parse


@pytest.fixture
def links_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The target of every hard link made, as it is made."""
    made: list[str] = []
    link = os.link

    def recorded(source: Any, target: Any, **kwargs: Any) -> None:
        made.append(str(target))
        link(source, target, **kwargs)

    monkeypatch.setattr(os, "link", recorded)
    return made
