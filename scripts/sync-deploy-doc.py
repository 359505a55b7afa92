"""Copy the workflow `dossier init` writes into docs/deploy.md, so the guide shows exactly that file.

Run after changing themes/default/scaffold/init/dot-github/workflows/pages.yml.in or dossier's version:
    .venv/bin/python scripts/sync-deploy-doc.py
tests/test_scaffold.py fails while the two differ.
"""

from __future__ import annotations

import re
from pathlib import Path

from dossier.scaffold import pages_workflow

DOC = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"
BLOCK = re.compile(r"(<!-- the init workflow: begin -->\n```yaml\n).*?(```\n<!-- the init workflow: end -->)", re.S)

if __name__ == "__main__":
    text = DOC.read_text(encoding="utf-8")
    DOC.write_text(BLOCK.sub(lambda m: m[1] + pages_workflow() + m[2], text, count=1), encoding="utf-8")
    print(f"updated {DOC}")
