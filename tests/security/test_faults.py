"""Faults: a failing or interrupted build leaves the previous site whole; two builds at once are refused.

Failures are made where the operating system makes them (a file-size limit, a real SIGINT, a second
process holding the lock) or by making a library call fail (Path.write_bytes, os.rename); our own stages
are never replaced.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from dossier import write
from dossier.pipeline import Built, build_project
from dossier.write import BuildLocked, build_lock
from tests.conftest import REPO, copy_example
from tests.security.project import tree_digest

STORY = Path("content/flynn-kislyak/story.yaml")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example, built once, then edited so that the next build rewrites most pages."""
    project = copy_example(tmp_path_factory.mktemp("pristine") / "project")
    first = build_project(project)
    assert first.written is not None, first.report.sorted()
    story = project / STORY
    story.write_text(story.read_text(encoding="utf-8").replace("title:", "title: Edited", 1), encoding="utf-8")
    return project


@pytest.fixture
def built_example(pristine: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of `pristine` (its site included) and the digest of its site."""
    project = tmp_path / "project"
    shutil.copytree(pristine, project, symlinks=True)
    return project, tree_digest(project / "build")


def assert_previous_site_whole(project: Path, site: dict[str, str]) -> None:
    assert tree_digest(project / "build") == site
    leftovers = [p.name for p in project.iterdir() if ".staging-" in p.name or ".old-" in p.name]
    assert leftovers == []


def run_python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_a_content_error_leaves_the_previous_site_whole(built_example: tuple[Path, dict[str, str]]) -> None:
    project, site = built_example
    people = project / "content" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Michael Flynn", "name: [Flynn"), "utf-8")
    failed = build_project(project)
    assert failed.report.has_errors and failed.written is None
    assert_previous_site_whole(project, site)


def failing_after(
    count: int, error: BaseException, real: Callable[..., object], once: bool = False
) -> Callable[..., object]:
    """`real`, failing with `error` from its call number count + 1 on (or on that call only, `once`)."""
    calls = {"n": 0}

    def fail(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == count + 1 or (calls["n"] > count and not once):
            raise error
        return real(*args, **kwargs)

    return fail


@pytest.mark.parametrize(
    ("error", "after"),
    [
        (KeyboardInterrupt(), 5),
        (PermissionError(errno.EACCES, "Permission denied"), 0),
        (OSError(errno.ENOSPC, "No space left on device"), 5),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), 0),
    ],
    ids=["ctrl-c", "permission", "disk-full", "quota"],
)
def test_a_write_that_fails_midway_leaves_the_previous_site_whole(
    built_example: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch, error: BaseException, after: int
) -> None:
    project, site = built_example
    monkeypatch.setattr(Path, "write_bytes", failing_after(after, error, Path.write_bytes))
    with pytest.raises(type(error)):
        build_project(project)
    monkeypatch.undo()
    assert_previous_site_whole(project, site)


@pytest.mark.parametrize(
    ("error", "after"),
    [(KeyboardInterrupt(), 0), (KeyboardInterrupt(), 1), (PermissionError(errno.EACCES, "Permission denied"), 1)],
    ids=["ctrl-c retiring the old site", "ctrl-c swapping the new one in", "permission swapping the new one in"],
)
def test_a_swap_that_fails_leaves_the_previous_site_whole(
    built_example: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch, error: BaseException, after: int
) -> None:
    project, site = built_example
    monkeypatch.setattr(Path, "rename", failing_after(after, error, Path.rename, once=True))
    with pytest.raises(type(error)):
        build_project(project)
    monkeypatch.undo()
    assert_previous_site_whole(project, site)


def test_a_staging_folder_that_cannot_be_made_leaves_the_previous_site_whole(
    built_example: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, site = built_example
    monkeypatch.setattr(Path, "mkdir", failing_after(0, PermissionError(errno.EACCES, "no"), Path.mkdir))
    with pytest.raises(PermissionError):
        build_project(project)
    monkeypatch.undo()
    assert_previous_site_whole(project, site)


def test_a_full_disk_at_the_os_level_leaves_the_previous_site_whole(built_example: tuple[Path, dict[str, str]]) -> None:
    """The kernel refuses to let any file grow past 16 KiB (RLIMIT_FSIZE): writes fail as on a full disk."""
    project, site = built_example
    result = run_python(
        """
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
        from dossier.cli import main
        sys.exit(main(["build", "-q", "-C", "."]))
        """,
        project,
    )
    assert result.returncode == 2, result.stderr
    assert "internal error: OSError: [Errno 27] File too large" in result.stderr
    assert_previous_site_whole(project, site)


def test_ctrl_c_during_a_real_build_leaves_the_previous_site_whole(built_example: tuple[Path, dict[str, str]]) -> None:
    """A real SIGINT, sent by the build to itself while it writes the tenth file.

    The child restores Python's own Ctrl-C handler first: a process started from a shell's background job (as
    CI runs the suite) inherits SIGINT *ignored*, so the signal would be dropped and the build would finish."""
    project, site = built_example
    result = run_python(
        """
        import os, signal, sys
        from pathlib import Path
        signal.signal(signal.SIGINT, signal.default_int_handler)
        real, calls = Path.write_bytes, [0]
        def write_bytes(self, data):
            calls[0] += 1
            if calls[0] == 10:
                os.kill(os.getpid(), signal.SIGINT)
            return real(self, data)
        Path.write_bytes = write_bytes
        from dossier.cli import main
        sys.exit(main(["build", "-q", "-C", "."]))
        """,
        project,
    )
    assert result.returncode == 130, result.stderr
    assert "interrupted; the previous site was left as it was" in result.stderr
    assert_previous_site_whole(project, site)


def test_a_killed_build_leaves_the_site_whole_and_the_next_build_works(
    built_example: tuple[Path, dict[str, str]],
) -> None:
    """SIGKILL cannot be caught: the staging folder stays behind, but build/ is untouched and builds go on."""
    project, site = built_example
    result = run_python(
        """
        import os, signal
        from pathlib import Path
        real, calls = Path.write_bytes, [0]
        def write_bytes(self, data):
            calls[0] += 1
            if calls[0] == 10:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(self, data)
        Path.write_bytes = write_bytes
        from dossier.cli import main
        main(["build", "-q", "-C", "."])
        """,
        project,
    )
    assert result.returncode == -signal.SIGKILL
    assert tree_digest(project / "build") == site
    rebuilt = build_project(project)
    assert rebuilt.written is not None and not rebuilt.report.has_errors
    assert "Edited" in (project / "build" / "index.html").read_text(encoding="utf-8")


# --- two builds at once ---------------------------------------------------------------------------------------

HOLD_LOCK = """
    import sys
    from pathlib import Path
    from dossier.write import build_lock
    with build_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        sys.stdin.read()  # until the test closes our standard input
"""


def test_a_build_while_another_process_builds_is_refused_clearly(built_example: tuple[Path, dict[str, str]]) -> None:
    project, site = built_example
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLD_LOCK), str(project / "build")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(BuildLocked, match=r"another build is writing .*build; wait for it to finish"):
            build_project(project)
        cli = run_python("import sys; from dossier.cli import main; sys.exit(main(['build', '-C', '.']))", project)
        assert cli.returncode == 2
        assert "error: another build is writing" in cli.stderr
        assert_previous_site_whole(project, site)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
    after: Built = build_project(project)  # the lock is gone with its holder
    assert after.written is not None and after.written.written > 0


def test_the_lock_is_released_when_its_holder_dies(tmp_path: Path) -> None:
    out = tmp_path / "build"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLD_LOCK), str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env=env,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    holder.kill()
    holder.wait(timeout=60)
    with build_lock(out):
        pass


def test_two_builds_started_together_end_with_one_whole_site(
    built_example: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    project, _ = built_example
    clean = copy_example(tmp_path / "clean")
    (clean / STORY).write_bytes((project / STORY).read_bytes())
    assert build_project(clean).written is not None
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "dossier", "build", "-q", "-C", str(project)]
    runs = [subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(run.wait(timeout=300), run.stderr.read() if run.stderr else "") for run in runs]
    for code, stderr in results:
        assert code == 0 or (code == 2 and "another build is writing" in stderr), stderr
    assert any(code == 0 for code, _ in results)
    assert tree_digest(project / "build") == tree_digest(clean / "build")
    assert [p.name for p in project.iterdir() if ".staging-" in p.name or ".old-" in p.name] == []


def test_write_site_never_writes_outside_its_folder(tmp_path: Path) -> None:
    """A bug upstream that made an output path climb out of the site would be stopped at the write."""
    from dossier.render.output import Output

    for bad in ("../escape.html", "/tmp/escape.html", "a/../../escape.html", "", "a//b/../../../x"):
        with pytest.raises(ValueError, match="outside the output folder"):
            write.write_site([Output("index.html", b"ok"), Output(bad, b"no")], tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
