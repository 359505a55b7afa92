"""The editors' JSON Schemas checked by check-jsonschema, as CI runs it: each schema `dossier init` ships valid
under its metaschema, and every file of each dossier named valid under the schema of its kind (an article's
front matter cut out of it first). Prints each error and exits 1 when there is one.

    .venv/bin/python scripts/check-schemas.py . "$init_dir/site"     # the example and an init'd dossier
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dossier.editor_schemas import SCHEMA_SUFFIX  # noqa: E402
from tests.editor_schemas_check import CHECK_JSONSCHEMA, SHIPPED_SCHEMAS, check_project, files_by_schema  # noqa: E402


def main(projects: list[Path]) -> int:
    schemas = sorted(SHIPPED_SCHEMAS.glob(f"*{SCHEMA_SUFFIX}"))
    subprocess.run([CHECK_JSONSCHEMA, "--check-metaschema", *map(str, schemas)], check=True)
    errors = [error for project in projects for error in check_project(project, SHIPPED_SCHEMAS)]
    for error in errors:
        print(f"{error.path}: {error.json_path}: {error.message}")
    files = sum(len(paths) for project in projects for paths in files_by_schema(project).values())
    print(f"check-jsonschema: {files} files of {len(projects)} dossiers, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main([Path(argument) for argument in sys.argv[1:]] or [REPO]))
