"""The pipeline's layer order (../shared/STYLE.md): a module imports only the modules below it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_modules_import_only_lower_layers() -> None:
    lint_imports = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint_imports], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_help_does_not_import_the_heavy_modules() -> None:
    code = (
        "import sys; from dossier import cli; "
        "cli._parser().format_help(); "
        "print(','.join(m for m in ('trafilatura', 'jinja2', 'markdown_it', 'rapidfuzz') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
