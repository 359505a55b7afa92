"""Rebuild tests/golden/example/, the reviewed bytes of the example site that tests/test_golden.py compares with.

Run it only on purpose, after a change meant to alter the site:
    .venv/bin/python scripts/regenerate-golden.py
then read `git diff tests/golden` as a reader of the site would, and commit the golden files alone, saying
why they changed. CI never runs this.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.test_golden import GOLDEN, build_example  # noqa: E402

if __name__ == "__main__":
    with build_example() as site:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(site, GOLDEN)
    print(f"rewrote {GOLDEN.relative_to(REPO)}: review `git diff --stat tests/golden`, then commit it alone")
