"""The `dossier` command as an editor uses it: help, version, exit codes, located errors, no tracebacks."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from dossier import __version__, cli
from dossier.cli import main
from tests.conftest import REPO, TESTS, copy_example
from tests.security.project import small_project


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"dossier {__version__}"


COMMANDS = ["build", "check", "status", "serve", "init", "import", "schemas", "new story", "new article", "new person",
            "new source", "new claim"]  # fmt: skip


def test_the_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    assert all(command.split()[0] in listed for command in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*command.split(), "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert help_text.startswith(f"usage: dossier {command}")
    assert "--project" in help_text and "--quiet" in help_text and "--debug" in help_text


def test_check_on_the_example_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["check", "-C", str(REPO)], capsys)
    assert code == 0, err
    assert out.startswith("ok: 1 story, 2 articles")


def test_check_on_a_broken_copy_prints_located_errors_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["check", "-C", str(TESTS / "invalid" / "references")], capsys)
    assert code == 1
    assert "Traceback" not in err
    assert "content/story/story.yaml:6:15: error: unknown claimant 'mike-pense'; did you mean 'mike-pence'?" in err
    assert err.rstrip().endswith("18 errors, 0 warnings")


def test_build_with_errors_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(TESTS / "invalid" / "anchors", tmp_path / "site")
    code, _, err = run(["build", "-C", str(tmp_path / "site")], capsys)
    assert code == 1
    assert "previous site was left as it was" in err
    assert not (tmp_path / "site" / "build").exists()


def test_build_holds_the_garbage_collector_back_until_the_command_ends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only while the build runs: its first pass would walk the whole model the command still holds."""
    during: list[bool] = []
    show_report = cli._show_report

    def shown(*args: Any, **kwargs: Any) -> None:
        during.append(gc.isenabled())
        show_report(*args, **kwargs)

    monkeypatch.setattr(cli, "_show_report", shown)
    project = copy_example(tmp_path)
    assert gc.isenabled()
    assert run(["build", "-q", "-C", str(project)], capsys)[0] == 0
    assert run(["check", "-q", "-C", str(project)], capsys)[0] == 0
    assert during == [False, False]  # after the build and the check, as each command goes on
    assert gc.isenabled()


def test_quiet_build_prints_nothing_and_verbose_prints_timings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_example(tmp_path)
    assert run(["build", "-q", "-C", str(project)], capsys) == (0, "", "")
    code, out, _ = run(["build", "-v", "-C", str(project)], capsys)
    assert code == 0 and "0 written" in out and "unchanged:" in out  # nothing changed: stopped early


def test_a_build_without_the_sites_address_says_what_it_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_example(tmp_path)
    code, out, _ = run(["build", "--no-search", "-C", str(project)], capsys)
    assert code == 0 and "note: no feeds, sitemap, canonical or share links" in out and "base_url '/' is a path" in out
    code, out, _ = run(["build", "--no-search", "-C", str(project), "--base-url", "https://x.example/r/"], capsys)
    assert code == 0 and "note:" not in out
    assert (project / "build" / "sitemap.xml").is_file()


def test_missing_project_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", "-C", str(tmp_path)], capsys)
    assert code == 1
    assert "dossier.yaml:1:1: error: no dossier.yaml in" in err


def test_the_wheel_ships_the_default_theme(tmp_path: Path) -> None:
    # Build from a copy: setuptools works in ./build, which is also the site's output folder.
    source = tmp_path / "source"
    for folder in ("dossier", "themes"):
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    names = zipfile.ZipFile(next(tmp_path.glob("dossier_ssg-*.whl"))).namelist()
    assert "dossier/builtin_themes/default/templates/article.html" in names
    assert "dossier/builtin_themes/default/static/dossier.css" in names
    assert "dossier/builtin_themes/default/scaffold/init/dot-dossier/schemas/story.schema.json" in names
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "dossier").rglob("*.py")}
    assert modules <= set(names), sorted(modules - set(names))


# ---- check --strict, --format github|json ----

ROUGH_QUOTE = (
    'the quote "Lovelace wrote the notes on an engine in 1843" is not in the article as written; anchored to the '
    'closest text, 95% alike: "Lovelace wrote the notes on the engine in 1843" (line 5). Copy the text from the '
    "article to silence this"
)


def rough_project(root: Path) -> Path:
    """A dossier whose one annotation quotes its article only roughly: a warning, no error."""
    sidecar = "notes:\n  - quote: Lovelace wrote the notes on an engine in 1843\n    note: Rough.\n"
    return small_project(root, "Ada Lovelace wrote the notes on the engine in 1843.\n", sidecar)


def test_check_strict_fails_on_a_warning_and_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = rough_project(tmp_path)
    code, out, err = run(["check", "-C", str(project)], capsys)
    assert code == 0 and out.startswith("ok: 1 story")
    assert err == f"content/engine/article.yaml:2:5: warning: {ROUGH_QUOTE}\n0 errors, 1 warning\n"
    code, out, err = run(["check", "--strict", "-q", "-C", str(project)], capsys)
    assert (code, out) == (1, "")
    warning = f"content/engine/article.yaml:2:5: warning: {ROUGH_QUOTE}"
    assert err == f"{warning}\n0 errors, 1 warning (--strict: warnings are errors)\n"


def test_check_format_github_puts_each_problem_on_its_line_of_the_pull_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is named from the working folder (a workflow's is the repository), not from -C's folder."""
    rough_project(tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["check", "-C", "site", "--strict", "--format", "github"], capsys)
    assert code == 1
    title, message = "dossier%3A a warning%2C an error under --strict", ROUGH_QUOTE.replace("%", "%25")
    assert out == f"::error file=site/content/engine/article.yaml,line=2,col=5,title={title}::{message}\n"
    assert err == "0 errors, 1 warning (--strict: warnings are errors)\n"
    code, out, _ = run(["check", "-C", "site", "--format", "github"], capsys)
    assert code == 0
    assert (
        out.splitlines()[0] == f"::warning file=site/content/engine/article.yaml,line=2,col=5,title=dossier::{message}"
    )


def test_check_and_build_format_json_print_only_json_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = rough_project(tmp_path)
    code, out, err = run(["check", "--format", "json", "-C", str(project)], capsys)
    warning = {"severity": "warning", "path": "content/engine/article.yaml", "line": 2, "column": 5,
               "location": "content/engine/article.yaml:2:5", "message": ROUGH_QUOTE}  # fmt: skip
    expected = {"version": 1, "ok": True, "strict": False, "errors": 0, "warnings": 1, "diagnostics": [warning]}
    assert code == 0 and json.loads(out) == expected
    assert err.startswith("ok: 1 story")
    code, out, err = run(["check", "--strict", "--format", "json", "-C", str(project)], capsys)
    assert code == 1 and json.loads(out) == {**expected, "ok": False, "strict": True} and err == ""
    code, out, err = run(["build", "--format", "json", "-C", str(project)], capsys)
    assert code == 0 and json.loads(out) == expected
    assert err.startswith("built ")


def test_the_project_may_be_named_before_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_example(tmp_path / "site")
    code, out, err = run(["-C", str(project), "check"], capsys)  # as `git -C DIR status`
    assert code == 0 and out.startswith("ok: 1 story"), err
    code, _, err = run(["-C", str(tmp_path), "check", "-C", str(project)], capsys)  # the command's own wins
    assert code == 0, err


def test_the_project_is_found_from_a_folder_inside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As git, Hugo and Cargo do: from content/STORY/, the dossier two folders up is used, and named."""
    project = copy_example(tmp_path / "site")
    monkeypatch.chdir(project / "content" / "flynn-kislyak")
    code, out, err = run(["check"], capsys)
    assert code == 0 and out.startswith("ok: 1 story")
    assert err == f"using the dossier in {project.resolve()} (2 folders up)\n"
    assert run(["check", "-q"], capsys) == (0, "", "")
    monkeypatch.chdir(project)
    assert run(["check"], capsys)[2] == ""  # the current folder is not announced


def test_a_dossier_above_that_belongs_to_another_user_is_not_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dossier.yaml planted in a shared folder above (/tmp) must not be built by whoever works below it."""
    project = copy_example(tmp_path / "site")
    monkeypatch.chdir(project / "content")
    owner = (project / "dossier.yaml").stat().st_uid
    monkeypatch.setattr("os.getuid", lambda: owner + 1)
    code, out, err = run(["build"], capsys)
    assert (code, out) == (2, "")
    assert err == (
        f"error: {project.resolve() / 'dossier.yaml'} belongs to another user; to use that dossier, name it: "
        f"dossier -C {project.resolve()}\n"
    )
    assert not (project / "build").exists()


def test_serve_takes_p_for_its_port(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    assert "-p PORT, --port PORT" in capsys.readouterr().out
