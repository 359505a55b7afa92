"""Write the generic JSON Schemas and VS Code's settings into the skeleton `dossier init` copies
(themes/default/scaffold/init/dot-dossier/ and dot-vscode/), from the declarations validation reads.

Run after changing a declaration in dossier/records.py or dossier/config.py, or dossier/editor_schemas.py:
    .venv/bin/python scripts/regenerate-schemas.py
tests/test_editor_schemas.py fails while the files differ from what the declarations make.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.editor_schemas_check import shipped_files  # noqa: E402

if __name__ == "__main__":
    for path, text in shipped_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")
