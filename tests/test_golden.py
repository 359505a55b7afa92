"""The example site, byte for byte, against reviewed golden files (tests/golden/example/).

The golden files are the example built as it is published (an absolute address, so feeds, the sitemap and
share links are there too), without the search index (Pagefind's files are its own, and change with its
version). A difference fails with the files that differ and the first lines that do; when the change is
meant, regenerate with `.venv/bin/python scripts/regenerate-golden.py`, review `git diff tests/golden` and
commit it alone. CI never regenerates.
"""

from __future__ import annotations

import contextlib
import difflib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from dossier.pipeline import BuildOptions, build_project
from tests.conftest import TESTS, copy_example

GOLDEN = TESTS / "golden" / "example"
PUBLISHED_AT = "https://dossier.example.org/flynn/"
REGENERATE = ".venv/bin/python scripts/regenerate-golden.py"


@contextlib.contextmanager
def build_example() -> Iterator[Path]:
    """The example dossier built into a temporary folder, as it would be published; the site's folder."""
    with tempfile.TemporaryDirectory(prefix="dossier-golden-") as folder:
        project = copy_example(Path(folder) / "example")
        built = build_project(project, BuildOptions(base_url=PUBLISHED_AT, search=False))
        assert built.output_dir is not None and not built.report.has_errors, built.report.sorted()
        yield built.output_dir


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def first_difference(name: str, golden: bytes, built: bytes) -> str:
    lines = difflib.unified_diff(
        golden.decode("utf-8", "replace").splitlines(),
        built.decode("utf-8", "replace").splitlines(),
        f"golden/{name}",
        f"built/{name}",
        lineterm="",
        n=1,
    )
    return "\n".join(list(lines)[:20])


def test_the_example_site_is_the_reviewed_one() -> None:
    assert GOLDEN.is_dir(), f"no golden files: run {REGENERATE}"
    golden = files_of(GOLDEN)
    with build_example() as site:
        built = files_of(site)
    missing, extra = sorted(golden.keys() - built.keys()), sorted(built.keys() - golden.keys())
    changed = sorted(name for name in golden.keys() & built.keys() if golden[name] != built[name])
    report = [f"missing: {missing}"] * bool(missing) + [f"new: {extra}"] * bool(extra)
    report += [f"changed: {changed}"] * bool(changed)
    report += [first_difference(name, golden[name], built[name]) for name in changed[:2]]
    assert not report, "\n".join([*report, f"if the change is meant: {REGENERATE}, review, commit alone"])


def test_the_golden_files_are_not_a_stale_copy() -> None:
    """The golden site covers every kind of page the example makes (a new page kind must be reviewed too)."""
    kinds = {path.relative_to(GOLDEN).parts[0] for path in GOLDEN.iterdir()}
    assert {"stories", "people", "claims", "sources", "corrections", "static", "data", "feed.xml"} <= kinds
    assert (GOLDEN / "sitemap.xml").is_file() and not (GOLDEN / "pagefind").exists()
