"""Index the staged site with Pagefind, before it is swapped into place.

Pagefind reads the built HTML (pages mark what to index with `data-pagefind-body`, typed with
`data-pagefind-filter`) and writes its index and search UI into `pagefind/`. Its output depends only on the
pages and on the Pagefind version, but for one thing: pagefind-entry.json lists a site's languages in hash-map
order, which varies from run to run, so we sort them (Pagefind's search looks them up by name, and breaks
ties in its fallback by page count). Two builds of the same content give the same bytes. A missing or failing
Pagefind never fails a build: the site is built without search, with a warning.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from dossier.diagnostics import Location, Report

INDEX_FOLDER = "pagefind"
ENTRY_FILE = "pagefind-entry.json"
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
        if result.returncode == 0 and _sort_entry_languages(site / INDEX_FOLDER / ENTRY_FILE):
            return True
        lines = (result.stderr or result.stdout).strip().splitlines()
        failure = f"exit status {result.returncode}: {lines[-1] if lines else 'no output'}"
        if result.returncode == 0:
            failure = f"its {ENTRY_FILE} is missing or unreadable"
    shutil.rmtree(site / INDEX_FOLDER, ignore_errors=True)
    report.warning(where, f"the search index was not built (Pagefind failed: {failure}); the site has no search")
    return False


def _sort_entry_languages(entry_file: Path) -> bool:
    """Rewrite Pagefind's entry file with its languages in name order; False when it cannot be read."""
    try:
        entry = json.loads(entry_file.read_text(encoding="utf-8"))
        entry["languages"] = dict(sorted(entry["languages"].items()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return True
