"""The import contracts (pyproject.toml, checked by import-linter): the pipeline's layer order, the commands
(import, serve, init/new, status) independent of each other, and the order inside each package. Each contract
is shown to bite: a copy of the package with one forbidden import planted per contract fails exactly those
contracts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")

# contract id -> (module to plant the import in, the module it must not import)
PROBES = {
    "pipeline": ("dossier/importer/fetch.py", "dossier.serve.command"),  # one command importing another
    "render": ("dossier/render/body.py", "dossier.render.pages"),
    "compare": ("dossier/compare/words.py", "dossier.compare.align"),
    "anchor": ("dossier/anchor/normalise.py", "dossier.anchor.locate"),
    "serve": ("dossier/serve/changes.py", "dossier.serve.session"),
    "importer": ("dossier/importer/failures.py", "dossier.importer.command"),
}


def lint_imports(cwd: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    selected = [arg for contract in contracts for arg in ("--contract", contract)]
    env = {**os.environ, "PYTHONPATH": str(cwd)}  # the copy's package, not the installed one
    command = [LINT_IMPORTS, "--no-cache", *selected, "pyproject.toml"]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_modules_import_only_what_the_contracts_allow() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(PROBES)} kept, 0 broken." in result.stdout


def test_each_contract_bites(tmp_path: Path) -> None:
    shutil.copytree(REPO / "dossier", tmp_path / "dossier", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    assert lint_imports(tmp_path).returncode == 0, "the copy keeps every contract before the probes"
    for module, forbidden in PROBES.values():
        with (tmp_path / module).open("a", encoding="utf-8") as file:
            file.write(f"\nimport {forbidden}  # a probe: forbidden by the contract\n")
    for contract, (_, forbidden) in PROBES.items():
        result = lint_imports(tmp_path, contract)
        assert result.returncode != 0 and "Contracts: 0 kept, 1 broken." in result.stdout, (contract, result.stdout)
        assert forbidden in result.stdout, (contract, result.stdout)


def test_help_does_not_import_the_heavy_modules() -> None:
    code = (
        "import sys; from dossier import cli; "
        "cli._parser().format_help(); "
        "print(','.join(m for m in ('trafilatura', 'jinja2', 'markdown_it', 'rapidfuzz') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
