"""The comparison's shortfall cases (tests/compare_cases.py: figures that differ, another language, nothing
matched) built with their search index and served on 127.0.0.1, for the browser tests that look at them."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dossier.pipeline import BuildOptions, build_project
from tests.browser.conftest import PagesHandler, PublishedSite
from tests.compare_cases import write_cases


@pytest.fixture(scope="session")
def cases_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PublishedSite]:
    yield from _served(tmp_path_factory.mktemp("cases"), "base_url: /\n")


@pytest.fixture(scope="session")
def right_to_left_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PublishedSite]:
    """The same cases in a site whose language is Arabic: its pages run right to left."""
    yield from _served(tmp_path_factory.mktemp("cases-rtl"), "base_url: /\nlanguage: ar\n")


def _served(root: Path, config: str) -> Iterator[PublishedSite]:
    project = write_cases(root / "project", config, search=True)
    built = build_project(project, BuildOptions(output_dir=root / "www"))
    assert built.output_dir is not None and not built.report.has_errors, built.report.sorted()
    handler = functools.partial(PagesHandler, directory=str(built.output_dir))  # quiet: it logs nothing
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="cases-server", daemon=True)
    thread.start()
    try:
        yield PublishedSite(built.output_dir, f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
