"""Index the staged site with Pagefind, before it is swapped into place.

Pagefind reads the built HTML (pages mark what to index with `data-pagefind-body`, typed with
`data-pagefind-filter`) and writes its index and search UI into `pagefind/`. Its output depends only on the
pages and on the Pagefind version, so two builds of the same content give the same bytes. A missing or failing
Pagefind never fails a build: the site is built without search, with a warning.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from dossier.diagnostics import Location, Report

INDEX_FOLDER = "pagefind"
TIMEOUT_SECONDS = 300
INSTALL_HINT = "install it with `pip install 'pagefind[bin]'`, or set `search: false` in dossier.yaml"


def pagefind_binary() -> Path | None:
    """The Pagefind executable (PyPI `pagefind[bin]`, or $PAGEFIND_BINARY_PATH), or None."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    try:
        binary = get_executable()
    except Exception:  # a broken install: treat it as missing
        return None
    return binary if binary is not None and binary.is_file() else None


def index_site(site: Path, binary: Path, report: Report, where: Location) -> bool:
    """Write `site`/pagefind/ from the HTML in `site`; on failure report a warning and leave no partial index."""
    command = [str(binary), "--site", str(site), "--output-subdir", INDEX_FOLDER, "--quiet"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as problem:
        failure = str(problem)
    else:
        if result.returncode == 0:
            return True
        lines = (result.stderr or result.stdout).strip().splitlines()
        failure = f"exit status {result.returncode}: {lines[-1] if lines else 'no output'}"
    shutil.rmtree(site / INDEX_FOLDER, ignore_errors=True)
    report.warning(where, f"the search index was not built (Pagefind failed: {failure}); the site has no search")
    return False
