"""The browser suite's fixtures: the example, published under a sub-path on 127.0.0.1.

Chromium itself (Debian's, one per session) is pytest-playwright's `browser` fixture, launched with the
arguments tests/conftest.py gives it; every test that needs a browser should use it (or `page`): a second
`sync_playwright()` in the same session fails ("Sync API inside the asyncio loop").

The example is built with base_url http://127.0.0.1:PORT/dossier-example/ (a project site on GitHub Pages
looks like this) into WWW/dossier-example/, and WWW is served by http.server, so every absolute URL the site
makes (canonical links, feeds, the 404 page's links, the sitemap) must carry the sub-path to work.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dossier.pipeline import BuildOptions, build_project
from tests.conftest import REPO, copy_example

SUB_PATH = "dossier-example/"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
AXE = REPO / ".tools" / "node_modules" / "axe-core" / "axe.min.js"

# One page of each kind, by output path: what the per-page-type tests visit.
PAGE_TYPES = {
    "home": "index.html",
    "story": "stories/flynn-kislyak/index.html",
    "article": "stories/flynn-kislyak/the-week/index.html",
    "compare": "stories/flynn-kislyak/compare.html",
    "people": "people/index.html",
    "person": "people/michael-flynn/index.html",
    "claims": "claims/index.html",
    "claim": "claims/flynn-denied-sanctions-talk/index.html",
    "sources": "sources/index.html",
    "source": "sources/washington-post/index.html",
    "corrections": "corrections/index.html",
    "not-found": "404.html",
}


@dataclass(frozen=True)
class PublishedSite:
    folder: Path  # the built site
    url: str  # where it is served: http://127.0.0.1:PORT/dossier-example/

    def url_of(self, path: str) -> str:
        """The public URL of an output path, as the site links to it (without index.html)."""
        return self.url + re.sub(r"(^|/)index\.html$", r"\1", path)


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serves as GitHub Pages does: a missing path under the site gets the site's 404.html (status 404)."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found_page = Path(self.directory) / SUB_PATH / "404.html"
        if code != 404 or not self.path.startswith(f"/{SUB_PATH}") or not not_found_page.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found_page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PublishedSite]:
    root = tmp_path_factory.mktemp("published")
    www = root / "www"
    www.mkdir()
    handler = functools.partial(PagesHandler, directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{SUB_PATH}"
        project = copy_example(root / "project")
        config = project / "dossier.yaml"
        text, replaced = re.subn(r"(?m)^base_url:.*$", f'base_url: "{url}"', config.read_text(encoding="utf-8"))
        assert replaced == 1, "the example's dossier.yaml has no base_url line to replace"
        config.write_text(text, encoding="utf-8")
        built = build_project(project, BuildOptions(output_dir=www / SUB_PATH.strip("/")))
        assert not built.report.has_errors, "\n".join(map(str, built.report.sorted()))
        assert built.output_dir is not None
        assert (built.output_dir / "pagefind" / "pagefind-ui.js").is_file(), "the build made no search index"
        yield PublishedSite(built.output_dir, url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(published_site: PublishedSite) -> str:
    """pytest-playwright's base URL: `page.goto("people/")` opens the published site's people page."""
    return published_site.url


@pytest.fixture(scope="session")
def screenshots() -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE.relative_to(REPO)}: run scripts/dev-setup.sh (npm install axe-core)")
    return AXE
