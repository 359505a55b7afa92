"""Check dossier as a user gets it: built into a wheel and an sdist, installed from the wheel into a fresh
virtual environment, and run in a folder far from this repository.

    python3 scripts/check-installed.py [--editable .venv/bin/dossier]

It builds the wheel from the sdist (so a file missing from the sdist fails here too), then, in a temporary
folder outside any checkout, runs every command a new user meets: `init`, `check --strict`, `build`, `serve`
(one page fetched), each `dossier new` kind, `status`, `schemas` and `dossier import` of a saved page. With
`--editable`, the sites the wheel builds (the init'd dossier and the example) must be byte-identical to the
same builds from that (editable) installation. Exits non-zero at the first failure, saying what failed.
`.ci/run` runs it before the tests.
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAVED_PAGE = REPO / "tests" / "fixtures" / "corpus" / "pages" / "nytimes.com.blackouts.html.gz"
SERVE_STARTS_WITHIN = 60.0  # seconds: to say where it serves, and then to finish its first build
# The installed commands run without this checkout on their path, as a user's would.
USER_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


class CheckFailed(Exception):
    pass


def run(command: list[str], cwd: Path) -> str:
    """Run a command; its output, or CheckFailed with what it printed."""
    shown = " ".join(command)
    print(f"  $ {shown}", flush=True)
    result = subprocess.run(command, cwd=cwd, env=USER_ENV, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CheckFailed(f"`{shown}` in {cwd} exited {result.returncode}:\n{result.stdout}{result.stderr}")
    return result.stdout + result.stderr


def build_distributions(python: str, dist: Path) -> Path:
    """The sdist, and the wheel built from it; the wheel's path."""
    run([python, "-m", "build", "--outdir", str(dist), str(REPO)], cwd=dist.parent)
    sdists, wheels = list(dist.glob("dossier_ssg-*.tar.gz")), list(dist.glob("dossier_ssg-*.whl"))
    if len(sdists) != 1 or len(wheels) != 1:
        raise CheckFailed(f"expected one sdist and one wheel in {dist}, found {sorted(p.name for p in dist.iterdir())}")
    return wheels[0]


def install_wheel(wheel: Path, venv: Path) -> Path:
    """A fresh virtual environment holding the wheel alone (and its dependencies); its `dossier`."""
    run([sys.executable, "-m", "venv", str(venv)], cwd=venv.parent)
    run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], cwd=venv.parent)
    return venv / "bin" / "dossier"


def check_commands(dossier: str, work: Path) -> Path:
    """Every command a new user meets, in a new dossier under `work`; the dossier's folder."""
    run([dossier, "--version"], cwd=work)
    out = run([dossier, "init", "site"], cwd=work)
    site = work / "site"
    for name in ("dossier.yaml", "content/people.yaml", ".github/workflows/pages.yml", ".gitignore"):
        if not (site / name).is_file():
            raise CheckFailed(f"`dossier init` wrote no {name} (it printed: {out.strip()})")
    run([dossier, "check", "--strict"], cwd=site)  # a new dossier has no warning to fix
    run([dossier, "build"], cwd=site)
    if not (site / "build" / "index.html").is_file():
        raise CheckFailed("`dossier build` wrote no build/index.html")
    check_serve(dossier, site)
    story = next(p.parent.name for p in sorted((site / "content").glob("*/story.yaml")))
    for command in (
        ["new", "person", "jane-doe", "Jane Doe"],
        ["new", "source", "harbour-gazette", "The Harbour Gazette", "--kind", "outlet"],
        ["new", "story", "second-story", "--title", "A second story"],
        ["new", "article", story, "gazette-report", "--outlet", "harbour-gazette", "--title", "A second report"],
        ["new", "claim", story, "jane-doe-said-so", "--claimant", "jane-doe", "--text", "Jane Doe said so."],
    ):
        run([dossier, *command], cwd=site)
    run([dossier, "check", "--drafts"], cwd=site)
    run([dossier, "status"], cwd=site)
    run([dossier, "schemas"], cwd=site)
    page = work / "saved-page.html"
    page.write_bytes(gzip.decompress(SAVED_PAGE.read_bytes()))
    run([dossier, "import", str(page), "--story", story, "--slug", "imported-page"], cwd=site)
    if not (site / "content" / story / "imported-page.md").is_file():
        raise CheckFailed("`dossier import` wrote no article")
    run([dossier, "build"], cwd=site)
    return site


def check_serve(dossier: str, site: Path) -> None:
    """`dossier serve` on a free port: the home page and a story page come back, with live reload."""
    print(f"  $ {dossier} serve --port 0 --no-search", flush=True)
    server = subprocess.Popen(
        [dossier, "serve", "--port", "0", "--no-search"],
        cwd=site,
        env=USER_ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a backgrounded shell ignores it
    )
    try:
        url = _served_url(server)
        home = _fetch_once_built(url)
        story = re.search(r'href="(stories/[^"#]+)"', home)
        if story is None:
            raise CheckFailed(f"the served home page links to no story:\n{home[:2000]}")
        page = _fetch(url + story.group(1))
        if "livereload.js" not in page:
            raise CheckFailed("the served page has no live-reload script: serve could not read its theme files")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            stdout, stderr = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            raise CheckFailed("`dossier serve` did not stop on Ctrl-C within 20 s") from None
    if server.returncode != 0 or "stopped" not in stdout:
        raise CheckFailed(f"`dossier serve` exited {server.returncode}:\n{stdout}{stderr}")


def _served_url(server: subprocess.Popen[str]) -> str:
    assert server.stdout is not None
    deadline = time.monotonic() + SERVE_STARTS_WITHIN
    while time.monotonic() < deadline:
        line = server.stdout.readline()
        if not line:
            break
        found = re.match(r"serving (http://127\.0\.0\.1:\d+/\S*)", line)
        if found:
            return found.group(1)
    raise CheckFailed(f"`dossier serve` never said where it serves:\n{server.stderr.read() if server.stderr else ''}")


def _fetch_once_built(url: str) -> str:
    """GET `url` once serve's first build is done: until then serve answers at once, 503, with a page that says
    the site is being built ("Building the site")."""
    deadline = time.monotonic() + SERVE_STARTS_WITHIN
    while True:
        try:
            return _fetch(url)
        except urllib.error.HTTPError as answer:
            body = answer.read().decode("utf-8", "replace")
            if answer.code != 503 or "Building the site" not in body or time.monotonic() > deadline:
                raise CheckFailed(f"GET {url} answered {answer.code}:\n{body[:2000]}") from None
        time.sleep(0.2)


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=20) as response:  # our own server, on 127.0.0.1
        if response.status != 200:
            raise CheckFailed(f"GET {url} answered {response.status}")
        return str(response.read().decode("utf-8"))


def same_tree(one: Path, other: Path) -> list[str]:
    """The files that differ between two folders (missing on either side included)."""
    differences: list[str] = []
    compared = filecmp.dircmp(one, other)

    def walk(c: filecmp.dircmp[str], prefix: str) -> None:
        differences.extend(prefix + name for name in c.left_only + c.right_only + c.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(c.left, c.right, c.common_files, shallow=False)
        differences.extend(prefix + name for name in mismatch + errors)
        for name, sub in sorted(c.subdirs.items()):
            walk(sub, f"{prefix}{name}/")

    walk(compared, "")
    return sorted(differences)


def _head(path: Path) -> str:
    return path.read_bytes()[:300].decode("utf-8", "replace") if path.is_file() else "(no file)"


def check_same_as_editable(wheel_dossier: str, editable_dossier: str, project: Path) -> None:
    """The project built by the wheel (in place) and by the editable installation (in a copy): same bytes."""
    copy = project.with_name(project.name + "-editable")
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build", ".dossier-cache", ".build.*"))
    run([wheel_dossier, "build", "-q"], cwd=project)
    run([editable_dossier, "build", "-q"], cwd=copy)
    differences = same_tree(project / "build", copy / "build")
    if differences:
        first = differences[0]
        raise CheckFailed(
            f"the wheel and the editable install built {project.name} differently: {differences[:10]}; "
            f"{first} begins\n{_head(project / 'build' / first)}\nagainst\n{_head(copy / 'build' / first)}"
        )
    print(f"  {project.name}: the wheel's site is byte-identical to the editable install's")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--editable", type=Path, metavar="DOSSIER", help="an editable install's dossier command to compare with"
    )
    parser.add_argument("--python", default=sys.executable, help="the Python that has `build` (default: this one)")
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dossier-installed-") as folder:
        root = Path(folder)
        if REPO in root.parents:
            raise CheckFailed(f"{root} is inside the repository")
        try:
            print("building the sdist and, from it, the wheel", flush=True)
            (root / "dist").mkdir()
            wheel = build_distributions(args.python, root / "dist")
            print(f"installing {wheel.name} into a fresh virtual environment", flush=True)
            dossier = str(install_wheel(wheel, root / "venv"))
            work = root / "elsewhere"
            work.mkdir()
            print(f"running every command in {work}", flush=True)
            site = check_commands(dossier, work)
            if args.editable:
                example = work / "example"
                example.mkdir()
                shutil.copy(REPO / "dossier.yaml", example / "dossier.yaml")
                shutil.copytree(REPO / "content", example / "content")
                editable = str(args.editable.resolve())
                check_same_as_editable(dossier, editable, site)
                check_same_as_editable(dossier, editable, example)
        except CheckFailed as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 1
    print(f"the installed wheel works outside the repository ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
