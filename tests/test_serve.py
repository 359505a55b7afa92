"""`dossier serve`: a real server on 127.0.0.1 (an ephemeral port), real files, real watchdog events.

Every wait is bounded by a deadline and ends on an event (a server-sent event, a poll that sees the state it
waits for); none sleeps a fixed time. The only pauses are those between the saves of a simulated burst.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import http.client
import io
import json
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest
from bs4 import BeautifulSoup

from benchmarks.generate import generate
from dossier import cache as cache_module
from dossier import load as load_module
from dossier import pipeline, search, story_results
from dossier import themes as themes_module
from dossier.cache import cache_dir_for
from dossier.compare import meaning
from dossier.config import load_config
from dossier.diagnostics import Location, Report
from dossier.pipeline import BuildOptions, build_project
from dossier.search import pagefind_binary
from dossier.serve import session as session_module
from dossier.serve.changes import ChangeSet, WatchedPaths, is_editor_temp
from dossier.serve.first_build import FirstBuild
from dossier.serve.indexing import SearchRefresh
from dossier.serve.rebuild import Rebuilt, SiteRebuild
from dossier.serve.routing import INTERNAL_PREFIX, Internal, NotFound, Redirect, Refused, SitePath, base_path_of, route
from dossier.serve.server import ServeAssets, inject
from dossier.serve.session import SERVE_DEFAULTS, ServeSession
from dossier.serve.terminal import Terminal
from dossier.serve.watching import ChangeCollector
from dossier.workers import may_fork
from dossier.write import BuildLocked
from tests.conftest import copy_example

BASE_URL = "https://user.github.io/repo/"
BASE = "/repo/"
STORY = "content/flynn-kislyak"
ARTICLE_PAGE = BASE + "stories/flynn-kislyak/the-week/"
NOTE_TEXT = "The sanctions imposed by Obama remain in place."
WAIT = 20.0  # the bound on every wait; a healthy run takes well under a second for each


def set_base_url(project: Path, base_url: str) -> None:
    config = project / "dossier.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('base_url: "/"', f'base_url: "{base_url}"', 1), encoding="utf-8")


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def digest_tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ---- a served project ----


@dataclass
class Served:
    project: Path
    session: ServeSession
    out: io.StringIO
    err: io.StringIO

    @property
    def port(self) -> int:
        assert self.session.server is not None
        return self.session.server.port

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def raw(self, target: str) -> tuple[int, bytes]:
        """Send a request line exactly as given (no client normalises it) and return the status and body."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=WAIT) as connection:
            connection.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body

    def events(self) -> EventStream:
        return EventStream(self.port)


class EventStream:
    """A minimal server-sent-events client on a raw socket, with deadlines."""

    def __init__(self, port: int) -> None:
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.socket.sendall(b"GET /__dossier/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        self.buffer = b""
        head = self._read_until(b"\r\n\r\n", time.monotonic() + WAIT)
        assert head.startswith(b"HTTP/1.1 200"), head
        assert b"text/event-stream" in head

    def close(self) -> None:
        self.socket.close()

    def _read_until(self, separator: bytes, deadline: float) -> bytes:
        while separator not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"nothing more from the event stream; so far: {self.buffer!r}")
            self.socket.settimeout(remaining)
            try:
                chunk = self.socket.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                raise EOFError(f"the event stream ended; so far: {self.buffer!r}")
            self.buffer += chunk
        block, self.buffer = self.buffer.split(separator, 1)
        return block

    def next_event(self, deadline: float) -> tuple[str, dict[str, Any]]:
        while True:
            block = self._read_until(b"\n\n", deadline).decode()
            name, data = "", ""
            for line in block.split("\n"):
                if line.startswith("event: "):
                    name = line[len("event: ") :]
                elif line.startswith("data: "):
                    data += line[len("data: ") :]
            if name:
                return name, json.loads(data)

    def wait_for(
        self, name: str, matches: Callable[[dict[str, Any]], bool] = lambda data: True, timeout: float = WAIT
    ) -> dict[str, Any]:
        """The first `name` event whose data `matches`, skipping any other; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        seen: list[tuple[str, dict[str, Any]]] = []
        while True:
            try:
                event, data = self.next_event(deadline)
            except TimeoutError:
                raise AssertionError(f"no matching '{name}' event within {timeout} s; saw {seen}") from None
            seen.append((event, data))
            if event == name and matches(data):
                return data


@contextlib.contextmanager
def serving(project: Path, options: BuildOptions = SERVE_DEFAULTS) -> Iterator[Served]:
    """Serve `project` on an ephemeral port; rebuild on a thread of its own, as the CLI does on the main one."""
    out, err = io.StringIO(), io.StringIO()
    session = ServeSession(project, options, Terminal(out, err), port=0)
    runner = threading.Thread(target=session.run, name="test-serve-run", daemon=True)
    try:
        session.start()
        runner.start()
        assert session.first_build_taken.wait(WAIT), "the first build did not end"
        yield Served(project, session, out, err)
    finally:
        session.stop()
        runner.join(timeout=WAIT)
        session.close()
    assert not runner.is_alive()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    project = copy_example(tmp_path / "project")
    set_base_url(project, BASE_URL)
    with serving(project) as running:
        yield running


SIDECAR = STORY + "/the-week.yaml"
NOTE = "True when published: the Trump administration"


def edit_note(project: Path, marker: str) -> None:
    replace_in(project / SIDECAR, NOTE, f"{marker}: the Trump administration")


def page_text(body: bytes) -> str:
    return BeautifulSoup(body, "html.parser").get_text(" ")


# ---- routing, as pure functions ----


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [("/", "/"), ("https://user.github.io/repo/", "/repo/"), ("https://example.org", "/"), ("/a/b", "/a/b/")],
)
def test_the_base_path_is_base_urls_path(base_url: str, expected: str) -> None:
    assert base_path_of(base_url) == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/repo/", SitePath((), True)),
        ("/repo/people/", SitePath(("people",), True)),
        ("/repo/static/dossier.css?v=1", SitePath(("static", "dossier.css"), False)),
        ("/repo/people/caf%C3%A9/", SitePath(("people", "café"), True)),
        ("/", Redirect("/repo/")),
        ("/repo", Redirect("/repo/")),
        ("/elsewhere/", NotFound()),
        ("/repo/.git/config", NotFound()),
        ("/__dossier/events", Internal("events")),
    ],
)
def test_route(target: str, expected: object) -> None:
    assert route(target, BASE) == expected


@pytest.mark.parametrize(
    "target",
    [
        "/repo/../etc/passwd",
        "/repo/%2e%2e/%2e%2e/etc/passwd",
        "/repo/%2E%2E%2Fetc%2Fpasswd",
        "/repo/..%2f..%2fetc/passwd",
        "/repo/people/./x",
        "/repo/%5c..%5cetc",
        "/repo/a\\..\\b",
        "/repo/%00",
        "/repo//etc/passwd",
        "/repo/%ff",
        "http://evil.example/etc/passwd",
        "*",
    ],
)
def test_route_refuses_what_could_leave_the_site(target: str) -> None:
    assert isinstance(route(target, BASE), Refused)


def test_the_script_goes_before_the_last_body_end_tag() -> None:
    assert inject(b"<body>x</body>\n</BODY>", b"<s>") == b"<body>x</body>\n<s></BODY>"
    assert inject(b"<p>no body", b"<s>") == b"<p>no body<s>"


# ---- which changes matter ----


def test_editor_temp_files_are_not_changes() -> None:
    for name in (".the-week.yaml.swp", "the-week.yaml~", ".#the-week.yaml", "#the-week.yaml#", "4913",
                 "the-week.yaml.tmp", "the-week.yaml___jb_tmp___", ".goutputstream-X1Y2"):  # fmt: skip
        assert is_editor_temp(name), name
    for name in ("the-week.yaml", "story.yaml", "dossier.css", "notes~draft.md"):
        assert not is_editor_temp(name), name


def test_only_the_content_themes_and_config_matter(tmp_path: Path) -> None:
    watched = WatchedPaths.of(tmp_path, "content", ignored=[tmp_path / "build"])
    root = watched.project_dir
    assert watched.kind_of(root / "dossier.yaml") == "config"
    assert watched.kind_of(root / "dossier.yml") == "config"  # either spelling is the config
    assert watched.kind_of(root / "content/s/a.yaml") == "content"
    assert watched.kind_of(root / "content/s/a.yml") == "content"
    assert watched.kind_of(root / "static/favicon.ico") == "static"
    assert watched.kind_of(root / "static/.well-known/security.txt") == "static"  # published, so watched
    assert (root / "static", True) in watched.folders()
    assert watched.kind_of(root / "themes/mine/templates/article.html") == "theme"
    for ignored in ("build/index.html", ".build.lock", ".build.staging-1/x.html", ".venv/lib/x.py", "notes.txt",
                    "content/s/.a.yaml.swp", "content/.git/HEAD", "content/s/a.yaml~"):  # fmt: skip
        assert watched.kind_of(root / ignored) is None, ignored


def test_a_file_made_and_gone_within_a_batch_is_not_a_change(tmp_path: Path) -> None:
    watched = WatchedPaths.of(tmp_path)
    real = watched.content_dir / "s" / "a.yaml"
    real.parent.mkdir(parents=True)
    real.write_text("x", encoding="utf-8")
    temporary = real.with_name("sedX1y2Z3")  # sed -i, and editors saving through an unrecognisable name
    changes = ChangeSet.of({temporary: {"created", "modified", "moved-away"}, real: {"moved-here"}}, watched)
    assert changes.paths == {"content/s/a.yaml"}
    assert changes.kinds == {"content"}
    deleted = ChangeSet.of({watched.content_dir / "s" / "gone.md": {"deleted"}}, watched)
    assert deleted.paths == {"content/s/gone.md"}


def test_links_inside_the_project_are_watched_through_and_no_others(tmp_path: Path) -> None:
    """A link the build follows (to a folder or a file elsewhere in the project) has its target watched, and a
    change there is a change at the link; links out of the project, up to it, into the watched folders, into
    the output, broken or looping are not watched."""
    project = tmp_path / "project"
    content = project / "content"
    (content / "story").mkdir(parents=True)
    (project / "stories" / "linked" / "deeper").mkdir(parents=True)
    (project / "more" / "nested").mkdir(parents=True)
    (project / "shared").mkdir()
    (project / "build").mkdir()
    (tmp_path / "outside").mkdir()
    (content / "linked").symlink_to(Path("../stories/linked"), target_is_directory=True)
    (project / "stories" / "linked" / "nested").symlink_to(project / "more" / "nested", target_is_directory=True)
    (content / "story" / "article.md").symlink_to(project / "shared" / "article.md")
    (project / "shared" / "article.md").write_text("---\n", encoding="utf-8")
    (content / "out").symlink_to(tmp_path / "outside", target_is_directory=True)
    (content / "up").symlink_to(project, target_is_directory=True)
    (content / "sideways").symlink_to(content / "story", target_is_directory=True)
    (content / "built").symlink_to(project / "build", target_is_directory=True)
    (content / "broken").symlink_to(project / "nowhere")
    (content / "loop").symlink_to(content / "loop")
    watched = WatchedPaths.of(project, ignored=[project / "build"])
    root = watched.project_dir
    assert watched.folders() == [
        (root, False),
        (root / "content", True),
        (root / "themes", True),
        (root / "static", True),
        (root / "stories" / "linked", True),
        (root / "more" / "nested", True),
        (root / "shared", False),
    ]
    assert watched.kind_of(root / "stories/linked/story.yaml") == "content"
    assert watched.kind_of(root / "stories/linked/deeper/x.md") == "content"
    assert watched.kind_of(root / "more/nested/story.yaml") == "content"
    assert watched.kind_of(root / "shared/article.md") == "content"
    for unread in ("shared/other.md", "stories/linked/.x.swp", "stories/other/story.yaml", "build/index.html"):
        assert watched.kind_of(root / unread) is None, unread
    assert watched.kind_of(tmp_path.resolve() / "outside" / "story.yaml") is None
    batch = {root / "stories/linked/story.yaml": {"modified"}, root / "more/nested/a.yaml": {"modified"}}
    assert ChangeSet.of(batch, watched).paths == {"content/linked/story.yaml", "content/linked/nested/a.yaml"}
    (content / "linked").unlink()
    assert (root / "stories" / "linked", True) not in watched.with_links().folders()


def test_a_burst_of_changes_is_one_batch() -> None:
    """Saves closer together than `quiet` are one batch, even when the burst lasts longer than `quiet`."""
    collector = ChangeCollector(quiet=0.5, longest=WAIT)
    paths = [Path(f"/p/{i}") for i in range(30)]

    def burst() -> None:  # a save every 20 ms: 0.6 s in all
        for path in paths:
            collector.add(path)
            time.sleep(0.02)

    writer = threading.Thread(target=burst)
    writer.start()
    batch = collector.next_batch(timeout=WAIT)
    writer.join()
    assert batch is not None and set(batch) == set(paths)
    assert collector.next_batch(timeout=0.01) == {}
    collector.close()
    assert collector.next_batch() is None


def test_a_stream_of_changes_cannot_hold_a_batch_back() -> None:
    """A batch closes `longest` seconds after its first change, though the changes keep coming."""
    collector = ChangeCollector(quiet=0.2, longest=0.5)
    stop = threading.Event()
    started = time.monotonic()

    def stream() -> None:  # a save every 20 ms, until the batch is out (or the bound on every wait)
        count = 0
        while not stop.wait(0.02) and time.monotonic() - started < WAIT:
            collector.add(Path(f"/p/{count}"))
            count += 1

    writer = threading.Thread(target=stream)
    writer.start()
    try:
        batch = collector.next_batch(timeout=WAIT)
        waited = time.monotonic() - started
    finally:
        stop.set()
        writer.join()
    assert batch
    assert waited < WAIT / 2, f"the batch waited {waited:.1f} s for the stream to end"


# ---- the terminal ----


def test_a_rebuild_line_names_three_changes_and_counts_the_rest_and_a_warning_shows_once() -> None:
    out, err = io.StringIO(), io.StringIO()
    report = Report()
    report.warning(Location("content/a.yaml", 3, 5), "quote found only approximately")
    result = Rebuilt(report, None, True, ["a", "b", "c", "d", "e"], 9, 0.25, "rebuilt", {"render": 0.1})
    changes = ChangeSet(frozenset({"content/b.md", "content/a.yaml"}), frozenset({"content"}))
    terminal = Terminal(out, err, verbose=True)
    terminal.rebuilt(result, changes, has_site=True)
    terminal.rebuilt(result, changes, has_site=True)
    assert err.getvalue().count("content/a.yaml:3:5: warning: quote found only approximately") == 1
    first, timing = out.getvalue().splitlines()[:2]
    expected = "rebuilt after content/a.yaml, content/b.md changed: 5 of 9 files changed in 250 ms (a, b, c and 2 more)"
    assert first.endswith(" " + expected)
    assert timing == "  render: 100 ms"
    quiet_out, quiet_err = io.StringIO(), io.StringIO()
    Terminal(quiet_out, quiet_err, quiet=True).rebuilt(result, changes, has_site=True)
    assert quiet_out.getvalue() == quiet_err.getvalue() == ""


# ---- the server ----


def test_serves_the_site_under_its_base_path(served: Served) -> None:
    status, headers, body = served.get(BASE)
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert BeautifulSoup(body, "html.parser").find("script", src=INTERNAL_PREFIX + "livereload.js") is not None
    assert served.get("/")[0] == 302 and served.get("/")[1]["location"] == BASE
    assert served.get("/repo")[1]["location"] == BASE
    status, headers, _ = served.get(BASE + "people")
    assert (status, headers["location"]) == (302, BASE + "people/")
    assert served.get(BASE + "people/")[0] == 200
    assert served.get(BASE + "people/index.html")[0] == 200
    status, headers, body = served.get(BASE + "static/dossier.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert body == (served.session.output_dir / "static" / "dossier.css").read_bytes()
    assert served.get(INTERNAL_PREFIX + "livereload.js")[1]["content-type"].startswith("text/javascript")
    status, headers, body = served.get(BASE, method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 0


def test_a_missing_page_is_the_sites_404_page_with_status_404(served: Served) -> None:
    for path in (BASE + "no-such-page/", BASE + "people/nobody/", "/not-under-the-base/"):
        status, _, body = served.get(path)
        assert status == 404, path
        heading = BeautifulSoup(body, "html.parser").h1
        assert heading is not None and heading.get_text() == "Page not found"


def test_the_live_reload_script_is_only_in_served_pages(served: Served) -> None:
    on_disk = (served.session.output_dir / "stories" / "flynn-kislyak" / "the-week" / "index.html").read_bytes()
    assert b"__dossier" not in on_disk
    _, _, body = served.get(ARTICLE_PAGE)
    tag = ServeAssets.load().tag(served.session.hub.build)
    assert b"__dossier/livereload.js" in tag
    assert body == inject(on_disk, tag)  # the file as built, with the tag added and nothing else changed
    for built in served.session.output_dir.rglob("*"):
        assert not built.is_file() or b"__dossier" not in built.read_bytes(), built


def test_a_bug_while_answering_is_one_line_not_a_traceback(
    served: Served, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A request that meets a bug (planted here) is told once, in one line; the traceback only under --debug."""

    def planted(target: str, base_path: str) -> NoReturn:
        raise ValueError("a planted bug")

    monkeypatch.setattr("dossier.serve.server.route", planted)
    for _ in range(2):
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            served.get(BASE)
    told = served.err.getvalue()
    assert told.count("internal error while answering a request: ValueError: a planted bug") == 1, told
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + told and "Exception occurred" not in captured.err
    served.session.terminal.debug = True
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        served.get(BASE)
    assert "Traceback" in served.err.getvalue()


ESCAPES = (
    "/../../../../etc/passwd",
    "/repo/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/repo/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/repo/..%2f..%2f..%2fetc/passwd",
    "/repo/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
    "//etc/passwd",
    "/repo//etc/passwd",
    "/repo/%2fetc/passwd",
    "/etc/passwd",
    "http://127.0.0.1/etc/passwd",
    "/repo/..\\..\\etc\\passwd",
)


def test_requests_that_try_to_leave_the_site_are_refused(served: Served) -> None:
    for target in ESCAPES:
        status, body = served.raw(target)
        assert status in (400, 403, 404), (target, status)
        assert b"root:" not in body, target


def test_links_out_of_the_site_are_refused(served: Served, tmp_path: Path) -> None:
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "secret.txt").write_text("root:x:0:0", encoding="utf-8")
    site = served.session.output_dir
    (site / "escape").symlink_to(secret, target_is_directory=True)
    (site / "leak.txt").symlink_to(secret / "secret.txt")
    for path in (BASE + "escape/secret.txt", BASE + "leak.txt", BASE + "escape/"):
        status, body = served.raw(path)
        assert status == 403, path
        assert b"root:" not in body


# ---- rebuilding and reloading ----


def test_an_annotation_change_rebuilds_and_reloads_the_pages(served: Served) -> None:
    stream = served.events()
    hello = stream.wait_for("hello")
    assert hello == {"build": 1, "errors": []}
    edit_note(served.project, "EDITED-ONCE")
    reload = stream.wait_for("reload")
    assert reload["build"] == 2
    assert "stories/flynn-kislyak/the-week/index.html" in reload["changed"]
    assert "EDITED-ONCE" in page_text(served.get(ARTICLE_PAGE)[2])
    assert "rebuilt after content/flynn-kislyak/the-week.yaml changed" in served.out.getvalue()
    _, _, body = served.get(ARTICLE_PAGE)
    assert b'data-dossier-build="2"' in body
    stream.close()


def test_the_garbage_collector_waits_until_serve_is_idle_after_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its first pass after a build walks the whole model: it runs once nothing has changed for a while, not
    while the pages reload; and it is back on after it, as it was."""
    monkeypatch.setattr(session_module, "IDLE_BEFORE_COLLECTING", 0.5)
    passes: list[float] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            passes.append(time.monotonic())

    project = copy_example(tmp_path / "project")
    set_base_url(project, BASE_URL)
    assert gc.isenabled()
    gc.callbacks.append(counted)
    try:
        with serving(project) as running:
            stream = running.events()
            stream.wait_for("hello")
            edit_note(project, "EDITED")
            stream.wait_for("reload")
            reloaded = time.monotonic()
            assert not gc.isenabled()  # held back while the pages reload
            assert "EDITED" in page_text(running.get(ARTICLE_PAGE)[2])
            deadline = time.monotonic() + WAIT
            while not gc.isenabled():
                assert time.monotonic() < deadline, "the collector was not let go once serve was idle"
                time.sleep(0.05)
            assert passes and passes[-1] - reloaded >= 0.4  # a full pass, once idle
            stream.close()
    finally:
        gc.callbacks.remove(counted)
    assert gc.isenabled()


def test_saves_that_keep_coming_do_not_hold_the_garbage_collector_back_for_ever(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An editor that saves every second never leaves serve idle: once held longer than LONGEST_HOLD_SECONDS,
    the collector runs before the next rebuild; and it is back on when serve stops."""
    full_passes: list[int] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            full_passes.append(1)

    garbage = session_module.HeldCollector()
    gc.callbacks.append(counted)
    try:
        monkeypatch.setattr(session_module, "LONGEST_HOLD_SECONDS", 3600.0)
        garbage.hold()
        full_passes.clear()  # from here the collector runs only when serve lets it
        garbage.hold()  # the next save, soon after
        assert not gc.isenabled() and not full_passes
        monkeypatch.setattr(session_module, "LONGEST_HOLD_SECONDS", 0.0)
        time.sleep(0.01)
        garbage.hold()  # held too long: collected first, still held
        assert len(full_passes) == 1 and not gc.isenabled()
        garbage.release()
        assert gc.isenabled()
    finally:
        gc.callbacks.remove(counted)
        gc.enable()


def test_a_build_holds_the_garbage_collector_back_and_leaves_it_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_example(tmp_path / "project")
    during: list[bool] = []
    check = pipeline._check_project

    def checked(*args: Any, **kwargs: Any) -> Any:
        during.append(gc.isenabled())
        return check(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_check_project", checked)
    for was_enabled in (True, False):
        (gc.enable if was_enabled else gc.disable)()
        try:
            built = build_project(project, BuildOptions(output_dir=tmp_path / "out", search=False))
            assert built.written is not None
            assert gc.isenabled() == was_enabled
        finally:
            gc.enable()
    assert during == [False, False]


def test_an_atomic_save_is_seen(served: Served) -> None:
    stream = served.events()
    stream.wait_for("hello")
    sidecar = served.project / SIDECAR
    temporary = sidecar.with_name(".the-week.yaml.tmp-save")
    temporary.write_text(sidecar.read_text(encoding="utf-8").replace(NOTE, "ATOMIC: x"), encoding="utf-8")
    os.replace(temporary, sidecar)
    stream.wait_for("reload")
    assert "ATOMIC" in page_text(served.get(ARTICLE_PAGE)[2])
    assert ".tmp-save" not in served.out.getvalue()


def test_broken_yaml_shows_located_errors_keeps_the_last_good_site_and_fixing_clears_them(served: Served) -> None:
    stream = served.events()
    stream.wait_for("hello")
    sidecar = served.project / SIDECAR
    good = sidecar.read_text(encoding="utf-8")
    sidecar.write_text(good + "\nnotes:\n  - quote: [unclosed\n", encoding="utf-8")
    errors = stream.wait_for("errors")["errors"]
    lines = len(good.splitlines())
    assert [e["path"] for e in errors] == [SIDECAR]
    assert errors[0]["location"] == f"{SIDECAR}:{errors[0]['line']}:{errors[0]['column']}"
    assert errors[0]["line"] > lines
    assert errors[0]["message"].startswith("YAML syntax")
    assert f"{errors[0]['location']}: error: YAML syntax" in served.err.getvalue()
    assert "still serving the last good site" in served.err.getvalue()
    status, _, body = served.get(ARTICLE_PAGE)
    assert status == 200 and "True when published" in page_text(body)
    late = served.events()  # a page opened now sees the errors at once
    assert late.wait_for("hello")["errors"] == errors
    sidecar.write_text(good, encoding="utf-8")
    assert stream.wait_for("reload")["build"] == 2
    assert served.events().wait_for("hello") == {"build": 2, "errors": []}
    late.close()
    stream.close()


def test_a_served_folder_another_process_is_writing_is_an_error_that_says_so_not_an_internal_one(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save while another process holds the served folder's build lock (a second serve whose own session lock
    was deleted under it, or `dossier build -o` pointed there) is told as that, over the last good site."""
    stream = served.events()
    stream.wait_for("hello")

    def locked(changes: ChangeSet | None) -> NoReturn:
        raise BuildLocked(f"another build is writing {served.session.output_dir}; wait for it to finish")

    monkeypatch.setattr(served.session, "rebuild", locked)
    edit_note(served.project, "LOCKED")
    errors = stream.wait_for("errors")["errors"]
    assert [e["location"] for e in errors] == ["dossier serve:1:1"]
    assert errors[0]["message"].startswith("another build is writing")
    assert "another `dossier serve` of this project?" in errors[0]["message"]
    assert "internal error" not in errors[0]["message"] + served.err.getvalue()
    assert served.get(ARTICLE_PAGE)[0] == 200  # the last good site is still served
    stream.close()


def test_the_served_site_after_a_change_equals_a_clean_build(served: Served, tmp_path: Path) -> None:
    stream = served.events()
    stream.wait_for("hello")
    edit_note(served.project, "COMPARED")
    replace_in(served.project / STORY / "story.yaml", "title: ", "title: EDITED ")
    stream.wait_for("reload")
    # the two edits may land in one batch or two: wait until the served copy has both
    deadline = time.monotonic() + WAIT
    while "COMPARED" not in page_text(served.get(ARTICLE_PAGE)[2]) or "EDITED" not in page_text(served.get(BASE)[2]):
        assert time.monotonic() < deadline, "the served site never showed both edits"
        stream.wait_for("reload", timeout=deadline - time.monotonic())
    clean = copy_example(tmp_path / "clean")
    shutil.copy(served.project / "dossier.yaml", clean / "dossier.yaml")
    shutil.rmtree(clean / "content")
    shutil.copytree(served.project / "content", clean / "content")
    built = build_project(clean, BuildOptions(include_drafts=True, output_dir=tmp_path / "clean-site"))
    assert built.written is not None, "\n".join(map(str, built.report.sorted()))
    assert served.session.search.wait(WAIT)  # the search index, brought up to date after the reload
    assert digest_tree(served.session.output_dir) == digest_tree(tmp_path / "clean-site")


def test_new_moved_and_deleted_stories_are_followed(served: Served) -> None:
    stream = served.events()
    stream.wait_for("hello")
    fresh = served.project / "content" / "fresh-story"
    fresh.mkdir()
    (fresh / "story.yaml").write_text("title: A fresh story\n", encoding="utf-8")
    stream.wait_for("reload", lambda data: "stories/fresh-story/index.html" in data["changed"])
    assert served.get(BASE + "stories/fresh-story/")[0] == 200
    fresh.rename(fresh.with_name("renamed-story"))
    stream.wait_for("reload", lambda data: "stories/renamed-story/index.html" in data["changed"])
    assert served.get(BASE + "stories/fresh-story/")[0] == 404
    assert served.get(BASE + "stories/renamed-story/")[0] == 200
    shutil.rmtree(fresh.with_name("renamed-story"))
    stream.wait_for("reload", lambda data: "stories/renamed-story/index.html" in data["changed"])
    assert served.get(BASE + "stories/renamed-story/")[0] == 404


def test_a_theme_folder_made_while_serving_is_watched(served: Served) -> None:
    stream = served.events()
    stream.wait_for("hello")
    theme = served.project / "themes" / "mine"
    (theme / "static").mkdir(parents=True)
    (theme / "theme.yaml").write_text("extends: default\n", encoding="utf-8")
    (theme / "static" / "extra.css").write_text("body { color: red; }\n", encoding="utf-8")
    replace_in(served.project / "dossier.yaml", "theme: default", "theme: mine")
    stream.wait_for("reload", lambda data: "static/extra.css" in data["changed"])
    (theme / "static" / "extra.css").write_text("body { color: blue; }\n", encoding="utf-8")
    stream.wait_for("reload", lambda data: "static/extra.css" in data["changed"])
    assert served.get(BASE + "static/extra.css")[2] == b"body { color: blue; }\n"


def test_an_edit_inside_a_linked_story_folder_is_rebuilt(tmp_path: Path) -> None:
    """A story folder kept elsewhere in the project and linked into content/ (the build follows such links) is
    watched through its link: a save inside it rebuilds, and so does one inside a folder linked while serving,
    or after the link is pointed elsewhere."""
    project = copy_example(tmp_path / "project")
    set_base_url(project, BASE_URL)
    stories = project / "stories"
    stories.mkdir()
    (project / STORY).rename(stories / "flynn-kislyak")
    (project / STORY).symlink_to(Path("..") / "stories" / "flynn-kislyak", target_is_directory=True)
    with serving(project) as running:
        stream = running.events()
        stream.wait_for("hello")
        replace_in(stories / "flynn-kislyak" / "the-week.yaml", NOTE, "EDITED-THROUGH-A-LINK: x")
        stream.wait_for("reload", lambda data: "stories/flynn-kislyak/the-week/index.html" in data["changed"])
        assert "EDITED-THROUGH-A-LINK" in page_text(running.get(ARTICLE_PAGE)[2])
        assert f"rebuilt after {SIDECAR} changed" in running.out.getvalue()

        extra = stories / "extra"
        extra.mkdir()
        (extra / "story.yaml").write_text("title: An extra story\n", encoding="utf-8")
        (project / "content" / "extra").symlink_to(Path("..") / "stories" / "extra", target_is_directory=True)
        stream.wait_for("reload", lambda data: "stories/extra/index.html" in data["changed"])
        (extra / "story.yaml").write_text("title: LINKED-WHILE-SERVING\n", encoding="utf-8")
        stream.wait_for("reload", lambda data: "stories/extra/index.html" in data["changed"])
        assert "LINKED-WHILE-SERVING" in page_text(running.get(BASE + "stories/extra/")[2])

        moved = project / "elsewhere" / "extra"
        moved.mkdir(parents=True)
        (moved / "story.yaml").write_text("title: THE-OTHER-FOLDER\n", encoding="utf-8")
        repointed = project / "content" / ".extra.new"  # as `ln -sfn` does it: a new link renamed over the old
        repointed.symlink_to(Path("..") / "elsewhere" / "extra", target_is_directory=True)
        os.replace(repointed, project / "content" / "extra")
        stream.wait_for("reload", lambda data: "stories/extra/index.html" in data["changed"])
        assert "THE-OTHER-FOLDER" in page_text(running.get(BASE + "stories/extra/")[2])
        (moved / "story.yaml").write_text("title: EDITED-IN-THE-OTHER-FOLDER\n", encoding="utf-8")
        stream.wait_for("reload", lambda data: "stories/extra/index.html" in data["changed"])
        assert "EDITED-IN-THE-OTHER-FOLDER" in page_text(running.get(BASE + "stories/extra/")[2])
        stream.close()


def test_a_base_url_change_moves_the_site(served: Served) -> None:
    stream = served.events()
    stream.wait_for("hello")
    replace_in(served.project / "dossier.yaml", BASE_URL, "https://example.org/moved/")
    stream.wait_for("reload")
    assert served.get("/moved/")[0] == 200
    assert served.get(BASE)[0] == 404
    assert "now serving at http://127.0.0.1:" in served.out.getvalue()


def test_drafts_are_served_unless_turned_off(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    replace_in(project / STORY / "the-moscow-times.md", "---\n", "---\ndraft: true\n")
    with serving(project) as running:
        assert running.get("/stories/flynn-kislyak/the-moscow-times/")[0] == 200
    with serving(project, BuildOptions(include_drafts=False)) as running:
        assert running.get("/stories/flynn-kislyak/the-moscow-times/")[0] == 404


def test_a_first_build_that_fails_serves_a_waiting_page_until_fixed(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    people = project / "content" / "people.yaml"
    good = people.read_text(encoding="utf-8")
    people.write_text(good + "\n- id: [broken\n", encoding="utf-8")
    with serving(project) as running:
        status, _, body = running.get("/")
        assert status == 503
        assert b"__dossier/livereload.js" in body
        stream = running.events()
        hello = stream.wait_for("hello")
        assert hello["build"] == 0
        assert "content/people.yaml" in {error["path"] for error in hello["errors"]}
        assert "no site to serve yet" in running.err.getvalue()
        people.write_text(good, encoding="utf-8")
        assert stream.wait_for("reload")["build"] == 1
        assert running.get("/")[0] == 200
        stream.close()


@contextlib.contextmanager
def serve_command(project: Path, *options: str) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`dossier serve` in a process of its own on 127.0.0.1 (an ephemeral port), once it says it is serving and
    its first build is shown (serving starts before): the process and its port. Killed at the end if it is
    still running."""
    command = [sys.executable, "-m", "dossier", "serve", "-C", str(project), "--port", "0", *options]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a backgrounded shell may ignore it
    )
    try:
        assert process.stdout is not None
        line = ""
        deadline = time.monotonic() + WAIT
        while not line.startswith("serving "):
            assert time.monotonic() < deadline and process.poll() is None, "the server never said it was serving"
            line = process.stdout.readline()
        port = int(line.split()[1].split(":")[2].split("/")[0])
        wait_for_the_first_build(port, deadline)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()


def wait_for_the_first_build(port: int, deadline: float) -> None:
    """Until the pages show the first build's site or its errors."""
    stream = EventStream(port)
    try:
        event, data = stream.next_event(deadline)
        while event != "errors" and not (event in ("hello", "reload") and (data["build"] > 0 or data["errors"])):
            event, data = stream.next_event(deadline)
    finally:
        stream.close()


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    with serve_command(copy_example(tmp_path / "project")) as (process, port):
        stream = EventStream(port)  # an open event stream must not keep the server alive
        stream.wait_for("hello")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=WAIT)
    assert process.returncode == 0, err
    assert out.strip().endswith("stopped")
    assert "Traceback" not in err
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    stream.close()


def test_serve_without_a_dossier_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dossier.cli import main

    assert main(["serve", "-C", str(tmp_path), "--port", "0"]) == 1
    assert "no dossier.yaml" in capsys.readouterr().err


def test_a_taken_port_is_an_error_not_a_traceback(served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    from dossier.cli import main

    assert main(["serve", "-C", str(served.project), "--port", str(served.port)]) == 2
    assert "cannot listen on 127.0.0.1:" in capsys.readouterr().err


# ---- in a browser ----

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE_QUOTE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture
def chromium(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Debian's Chromium, launched from pytest-playwright's session-wide Playwright (one event loop for all)."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    try:
        playwright = request.getfixturevalue("playwright")
    except pytest.FixtureLookupError:
        pytest.skip("pytest-playwright is not installed")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--disable-background-networking", "--disable-component-update", "--disable-dev-shm-usage"],
    )
    yield browser
    browser.close()


@pytest.mark.browser
def test_a_page_reloads_after_a_save_and_shows_errors_over_the_last_good_page(tmp_path: Path, chromium: Any) -> None:
    project = copy_example(tmp_path / "project")
    set_base_url(project, BASE_URL)
    sidecar = project / SIDECAR
    good = sidecar.read_text(encoding="utf-8")
    timeout_ms = WAIT * 1000
    with serving(project) as running:
        context = chromium.new_context()
        try:
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            connected = "html[data-dossier-serve=connected]"
            page.goto(f"http://127.0.0.1:{running.port}{ARTICLE_PAGE}")
            page.wait_for_selector(connected, state="attached")
            assert "BROWSER-EDIT" not in page.inner_text("main")

            # a save reloads the page, which shows the change
            page.evaluate("window.__servedBefore = true")
            edit_note(project, "BROWSER-EDIT")
            page.wait_for_function("() => window.__servedBefore === undefined")
            page.wait_for_selector(connected, state="attached")
            assert "BROWSER-EDIT" in page.content()

            # broken YAML: an overlay with the located error, over the page as it was
            page.evaluate("window.__servedBefore = true")
            sidecar.write_text(good + "\nnotes:\n  - quote: [unclosed\n", encoding="utf-8")
            overlay = page.locator("#dossier-error-overlay .panel")
            overlay.wait_for(state="visible")
            assert f"{SIDECAR}:" in overlay.inner_text()
            assert "YAML syntax" in overlay.inner_text()
            assert page.evaluate("window.__servedBefore") is True, "an error must not reload the page"
            assert "BROWSER-EDIT" in page.content()

            # an error quoting markup shows it as text, and never runs it
            hostile = f"notes:\n  - quote: '{HOSTILE_QUOTE}'\n    note: x\n"
            sidecar.write_text(good.replace("notes:\n", hostile, 1), encoding="utf-8")
            page.wait_for_function(
                "quote => document.querySelector('#dossier-error-overlay').shadowRoot.textContent.includes(quote)",
                arg=HOSTILE_QUOTE,
            )
            assert page.evaluate("window.__pwned") is None
            assert page.locator("#dossier-error-overlay img").count() == 0

            # fixing the file clears the overlay and reloads
            sidecar.write_text(good, encoding="utf-8")
            page.wait_for_function("() => window.__servedBefore === undefined")
            page.wait_for_selector(connected, state="attached")
            assert page.locator("#dossier-error-overlay").count() == 0
            assert "BROWSER-EDIT" not in page.content()
        finally:
            context.close()


def test_the_files_changed_between_two_snapshots_are_those_made_removed_or_changed() -> None:
    before = {"/p/a.md": (10, 1), "/p/b.md": (10, 1), "/p/c.md": (10, 1)}
    after = {"/p/a.md": (10, 1), "/p/b.md": (11, 2), "/p/d.md": (5, 3)}
    assert WatchedPaths.changed_between(before, after) == [Path("/p/b.md"), Path("/p/c.md"), Path("/p/d.md")]
    assert WatchedPaths.changed_between(before, before) == []


def test_a_save_during_the_first_build_is_built_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first build runs before the watcher starts (so that it may fork workers): a file saved meanwhile is
    found by comparing the watched files before and after it, and built, named as the file saved (the terminal
    said "dossier.yaml changed")."""
    project = copy_example(tmp_path / "project")
    set_base_url(project, BASE_URL)
    real = SiteRebuild.__call__
    calls = []

    def saving_while_building(self: SiteRebuild, changes: Any) -> Any:
        result = real(self, changes)
        calls.append(changes)
        if len(calls) == 1:
            edit_note(project, "Saved during the first build")
        return result

    monkeypatch.setattr(SiteRebuild, "__call__", saving_while_building)
    with serving(project) as running:
        deadline = time.monotonic() + WAIT
        while "Saved during the first build" not in page_text(running.get(ARTICLE_PAGE)[2]):
            assert time.monotonic() < deadline, "the save made during the first build was not built"
            time.sleep(0.05)
    # The first build ran in a forked process, or here (calls[0] is None then): the rebuilds after it name the
    # saved file alone.
    rebuilds = [changes for changes in calls if changes is not None]
    assert rebuilds and all(changes.paths == {SIDECAR} for changes in rebuilds)


@pytest.mark.parametrize("pages_per_shard", [search.PAGES_PER_SHARD, 2], ids=["one bundle", "bundles"])
def test_a_rebuild_keeps_the_search_index_and_the_refresh_makes_the_one_a_clean_build_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pages_per_shard: int, links_made: list[str]
) -> None:
    """A rebuild links the last index instead of running Pagefind (the pages reload without waiting for it);
    SearchRefresh then indexes the new pages and installs an index byte-identical to a clean build's. In
    bundles, it runs Pagefind only for the bundle of the pages the rebuild changed."""
    if pagefind_binary() is None:
        pytest.skip("Pagefind is not installed")
    monkeypatch.setattr(search, "PAGES_PER_SHARD", pages_per_shard)
    runs: list[list[str]] = []
    run = search._run

    def counted(command: list[str], in_background: search.Started | None, started: search.Started | None) -> Any:
        runs.append(command)
        return run(command, in_background, started)

    monkeypatch.setattr(search, "_run", counted)
    project = copy_example(tmp_path / "project")
    output = tmp_path / "served"
    rebuild = SiteRebuild(project, BuildOptions(include_drafts=True, output_dir=output))
    first = rebuild(None)
    assert first.is_written and "search" in first.timings
    index_files = {p: p.stat().st_ino for p in sorted((output / "pagefind").rglob("*")) if p.is_file()}
    first_index = digest_tree(output / "pagefind")
    edit_note(project, "Zanzibarred while serving")
    changes = ChangeSet.of({project / SIDECAR: {"modified"}}, WatchedPaths.of(project))
    second = rebuild(changes)
    assert second.is_written and "search" not in second.timings
    assert "Zanzibarred while serving" in page_text((output / "stories/flynn-kislyak/the-week/index.html").read_bytes())
    assert {p: p.stat().st_ino for p in sorted((output / "pagefind").rglob("*")) if p.is_file()} == index_files

    told: list[tuple[Report, float]] = []
    refresh = SearchRefresh(
        output, tmp_path / "work", threading.Lock(), lambda report, seconds: told.append((report, seconds))
    )
    runs.clear()
    refresh.request(second.changed)
    assert refresh.wait(WAIT)
    assert len(told) == 1 and not told[0][0].diagnostics
    assert len(runs) == 1  # one bundle: the whole index; bundles: the edited story's
    clean = build_project(project, BuildOptions(include_drafts=True, output_dir=tmp_path / "clean"))
    assert clean.written is not None
    assert digest_tree(output / "pagefind") == digest_tree(tmp_path / "clean" / "pagefind") != first_index
    snapshot = tmp_path / "work" / "search-snapshot"
    assert search.indexed_pages(snapshot) == search.indexed_pages(output)

    # The snapshot stays for the next run, which links again only the pages the rebuilds since changed.
    replace_in(project / SIDECAR, "Zanzibarred while serving", "Zanzibarred again while serving")
    third = rebuild(ChangeSet.of({project / SIDECAR: {"modified"}}, WatchedPaths.of(project)))
    links_made.clear()
    refresh.request(third.changed)
    assert refresh.wait(WAIT)
    pages_linked = {Path(target).relative_to(snapshot).as_posix() for target in links_made if is_snapshot_page(target)}
    assert pages_linked and pages_linked <= set(third.changed)
    clean = build_project(project, BuildOptions(include_drafts=True, output_dir=tmp_path / "clean-again"))
    assert clean.written is not None
    assert digest_tree(output / "pagefind") == digest_tree(tmp_path / "clean-again" / "pagefind")


def cache_files(output: Path) -> dict[str, bytes]:
    """What a build writes back at its end: the pages' records and the anchors the next build compares with (the
    stages before render write theirs back as they end, to let them go from memory)."""
    folder = cache_dir_for(output)
    kept = [folder / "page-records.whole.pickle", folder / "last-anchors.json"]
    return {path.name: path.read_bytes() for path in sorted(kept)}


def test_a_rebuild_after_a_change_writes_the_build_cache_after_the_reload_and_is_right_without_it(
    tmp_path: Path,
) -> None:
    """serve's rebuild hands back the build cache's write-back, to do once the pages are told to reload; a
    rebuild that comes before it is done (or when it never is) still gives the site a clean build gives."""
    project = copy_example(tmp_path / "project")
    output = tmp_path / "served"
    rebuild = SiteRebuild(project, BuildOptions(include_drafts=True, output_dir=output, search=False))
    first = rebuild(None)
    assert first.is_written and first.finish is None  # the first build writes its cache itself
    before = cache_files(output)
    assert set(before) == {"last-anchors.json", "page-records.whole.pickle"}
    changes = ChangeSet.of({project / SIDECAR: {"modified"}}, WatchedPaths.of(project))
    edit_note(project, "Written after the reload")
    second = rebuild(changes)
    assert second.is_written and second.finish is not None
    assert cache_files(output) == before  # nothing written yet
    second.finish()
    assert cache_files(output) != before
    # A rebuild whose write-back never ran leaves the next one to do without it: the site is still right.
    replace_in(project / SIDECAR, "Written after the reload", "Written again")
    third = rebuild(changes)
    assert third.is_written and third.finish is not None
    replace_in(project / SIDECAR, "Written again", "Written a third time")
    assert rebuild(changes).is_written
    clean = build_project(project, BuildOptions(include_drafts=True, output_dir=tmp_path / "clean", search=False))
    assert clean.written is not None
    assert digest_tree(output) == digest_tree(tmp_path / "clean")


def is_snapshot_page(path: str) -> bool:
    """Whether a path is a page of the search refresh's snapshot (not its index nor Pagefind's work folder)."""
    return "/search-snapshot/" in path and not {search.INDEX_FOLDER, search.WORK_FOLDER} & set(Path(path).parts)


def test_after_a_forked_first_build_serve_warms_up_and_primes_its_rebuild(tmp_path: Path) -> None:
    """Once the forked first build's result is taken, serve warms up and primes its rebuild on a thread (the
    first save then finds what it needs read). The warm-up once never ran: a FirstBuild forgot that it had forked
    when it took the child's result."""
    if not may_fork():  # see the test below: the first build could not be forked in this process
        test = f"{__file__}::test_after_a_forked_first_build_serve_warms_up_and_primes_its_rebuild"
        alone = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test], check=False)
        assert alone.returncode == 0
        return
    project = copy_example(tmp_path / "project")
    first = FirstBuild.start(lambda: Rebuilt(Report(), None, False))
    assert first.is_forked
    first.result()
    assert first.is_forked  # also once its result is taken
    with serving(project) as running:
        rebuild = running.session.rebuild
        assert isinstance(rebuild, SiteRebuild)
        deadline = time.monotonic() + WAIT
        while not rebuild.memory.files and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rebuild.memory.files, "the rebuild was not primed"


def test_serving_starts_before_the_first_build_ends_with_a_page_that_says_so(tmp_path: Path) -> None:
    """The first build runs in a forked process: pages are answered at once, with a page that says the site is
    being built, and the events tell them to reload when its site is taken."""
    if not may_fork():  # a thread left by another test (Playwright's): this process may not fork, so serve
        # builds first and serves after, as it must; the test runs again in a process of its own
        test = f"{__file__}::test_serving_starts_before_the_first_build_ends_with_a_page_that_says_so"
        alone = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test], check=False)
        assert alone.returncode == 0
        return
    project = copy_example(tmp_path / "project")
    set_base_url(project, BASE_URL)
    session = ServeSession(project, SERVE_DEFAULTS, Terminal(io.StringIO(), io.StringIO()), port=0)
    runner = threading.Thread(target=session.run, daemon=True)
    try:
        session.start()
        served = Served(project, session, io.StringIO(), io.StringIO())
        status, _, body = served.get(ARTICLE_PAGE)  # run() has not taken the first build yet
        assert status == 503 and "Building the site" in page_text(body)
        events = served.events()
        assert events.wait_for("hello")["build"] == 0
        runner.start()
        assert events.wait_for("reload")["build"] == 1
        status, _, body = served.get(ARTICLE_PAGE)
        assert status == 200 and "Building the site" not in page_text(body)
        assert "national security adviser spoke about sanctions" in page_text(body)
        events.close()
    finally:
        session.stop()
        if runner.ident is not None:
            runner.join(timeout=WAIT)
        session.close()


def remembered_values_are_as_read(rebuild: SiteRebuild) -> bool:
    """Whether each value serve's memory keeps still equals what its bytes unpickle to (no reader changed it)."""
    entries = rebuild.memory.values.entries()
    return bool(entries) and all(pickle.loads(data) == value for data, value in entries)


def generated_rebuild(tmp_path: Path) -> tuple[Path, SiteRebuild]:
    """A generated dossier of three stories (the example has one: every edit would change all there is), built
    once by serve's rebuild."""
    project = generate(15, tmp_path / "project")
    rebuild = SiteRebuild(project, BuildOptions(include_drafts=True, output_dir=tmp_path / "served", search=False))
    assert rebuild(None).is_written
    return project, rebuild


def test_rebuilds_that_recall_the_last_builds_values_and_files_equal_clean_builds(tmp_path: Path) -> None:
    """serve's rebuilds keep what the last one read (the cache's story memos and story results, the content
    files' digests) and take it instead of reading it again; through edits of every kind of file, an error and its
    fix, each site is the one a clean build of the same content makes, and nothing kept was changed by a reader."""
    project, rebuild = generated_rebuild(tmp_path)
    sidecar = project / "content" / "story-0000" / "article-00000.yaml"
    people = project / "content" / "people.yaml"
    article = project / "content" / "story-0001" / "article-00005.md"
    story = project / "content" / "story-0002" / "story.yaml"
    edits: list[tuple[Path, str, str, bool]] = [
        (sidecar, '    note: "', '    note: "Edited. ', True),
        (people, "  name: ", "  name: Edited ", True),
        (article, " the ", " the edited ", True),
        (sidecar, "claims:\n", "claims: [\n", False),
        (sidecar, "claims: [\n", "claims:\n", True),
        (story, 'title: "', 'title: "Edited ', True),
    ]
    for number, (path, old, new, is_valid) in enumerate(edits):
        replace_in(path, old, new)
        rebuilt = rebuild(ChangeSet.of({path: {"modified"}}, WatchedPaths.of(project)))
        assert rebuilt.is_written is is_valid, [str(d) for d in rebuilt.report.sorted()]
        if rebuilt.finish:
            rebuilt.finish()
        assert remembered_values_are_as_read(rebuild), f"after edit {number} of {path.name}"
        if not is_valid:
            continue
        clean_site = tmp_path / f"clean-{number}"
        clean = build_project(project, BuildOptions(include_drafts=True, output_dir=clean_site, search=False))
        assert clean.written is not None
        assert digest_tree(rebuild.options.output_dir or project) == digest_tree(clean_site), f"after edit {number}"


def test_a_rebuild_takes_the_last_builds_values_instead_of_unpickling_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, rebuild = generated_rebuild(tmp_path)
    sidecar = project / "content" / "story-0000" / "article-00000.yaml"
    changes = ChangeSet.of({sidecar: {"modified"}}, WatchedPaths.of(project))
    replace_in(sidecar, '    note: "', '    note: "Once. ')  # the first rebuild reads the cache the build wrote
    assert rebuild(changes).is_written
    kept = {id(value) for _, value in rebuild.memory.values.entries()}
    got: list[object] = []
    real_get = cache_module.CacheStore.get

    def spying_get(self: cache_module.CacheStore, namespace: str, key: str) -> object:
        value = real_get(self, namespace, key)
        got.append(value)
        return value

    monkeypatch.setattr(cache_module.CacheStore, "get", spying_get)
    replace_in(sidecar, "Once. ", "Twice. ")
    assert rebuild(changes).is_written
    # The two unchanged stories' memos and results are the very objects the last rebuild read.
    assert len(kept & {id(value) for value in got}) >= 4


def test_priming_after_a_first_build_made_elsewhere_gives_the_first_rebuild_what_a_rebuild_would_have_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """serve's first build runs in a forked process, so serve's own rebuild has read nothing when the first save
    comes: `prime` (run by the warm-up) reads it then. Its first rebuild then takes the unchanged stories' memos
    and results as the very objects priming read, hashes no unchanged content file again, stages into a spare
    site, and equals a clean build; priming itself writes nothing in the site."""
    project, elsewhere = generated_rebuild(tmp_path)  # the first build, "in the child"
    served = elsewhere.options.output_dir
    assert served is not None
    site_before = digest_tree(served)
    rebuild = SiteRebuild(project, elsewhere.options)  # serve's own, which saw none of it
    assert not (cache_module.cache_dir_for(served) / pipeline.SPARE_SITE).exists()  # built into an empty folder
    rebuild.prime()
    assert digest_tree(served) == site_before
    assert (cache_module.cache_dir_for(served) / pipeline.SPARE_SITE).is_dir()  # for the first rebuild to stage into
    assert rebuild.memory.files == elsewhere.memory.files  # each story file's size, time and digest
    kept = {id(value) for _, value in rebuild.memory.values.entries()}
    assert remembered_values_are_as_read(rebuild)
    got: list[object] = []
    read: list[str] = []
    real_get, real_read = cache_module.CacheStore.get, load_module.StoryMemos._read_digest

    def spying_get(self: cache_module.CacheStore, namespace: str, key: str) -> object:
        value = real_get(self, namespace, key)
        got.append(value)
        return value

    def spying_read(path: str) -> str | None:
        read.append(Path(path).relative_to(project).as_posix())
        return real_read(path)

    monkeypatch.setattr(cache_module.CacheStore, "get", spying_get)
    monkeypatch.setattr(load_module.StoryMemos, "_read_digest", staticmethod(spying_read))
    sidecar = project / "content" / "story-0000" / "article-00000.yaml"
    replace_in(sidecar, '    note: "', '    note: "Primed. ')
    assert rebuild(ChangeSet.of({sidecar: {"modified"}}, WatchedPaths.of(project))).is_written
    assert len(kept & {id(value) for value in got}) >= 4  # the two unchanged stories' memos and results
    assert read == ["content/story-0000/article-00000.yaml"]
    clean_site = tmp_path / "clean"
    clean = BuildOptions(include_drafts=True, output_dir=clean_site, search=False)
    assert build_project(project, clean).written is not None
    assert digest_tree(served) == digest_tree(clean_site)


def test_a_file_the_watcher_saw_change_is_read_again_whatever_its_size_and_time(tmp_path: Path) -> None:
    """serve trusts a file's size and time only for files the watcher did not report: an edit that keeps both (a
    tool that restores the time, a same-length edit within the clock's resolution) is still rebuilt."""
    project = copy_example(tmp_path / "project")
    output = tmp_path / "served"
    rebuild = SiteRebuild(project, BuildOptions(include_drafts=True, output_dir=output, search=False))
    assert rebuild(None).is_written
    sidecar = project / SIDECAR
    before = sidecar.stat()
    replace_in(sidecar, NOTE, NOTE.upper())  # the same length
    os.utime(sidecar, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert sidecar.stat().st_size == before.st_size
    assert rebuild(ChangeSet.of({sidecar: {"modified"}}, WatchedPaths.of(project))).is_written
    assert NOTE.upper() in page_text((output / "stories" / "flynn-kislyak" / "the-week" / "index.html").read_bytes())


def test_the_namespaces_serve_remembers_are_the_story_memos_and_results() -> None:
    remembered = pipeline.BuildMemory().values.namespaces
    assert {load_module.YAML_CACHE, story_results.STORY_RESULTS_CACHE} == remembered


def test_a_rebuild_reads_again_only_the_story_files_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, rebuild = generated_rebuild(tmp_path)
    read: list[str] = []
    real_read = load_module.StoryMemos._read_digest

    def spying_read(path: str) -> str | None:
        read.append(Path(path).relative_to(project).as_posix())
        return real_read(path)

    monkeypatch.setattr(load_module.StoryMemos, "_read_digest", staticmethod(spying_read))
    sidecar = project / "content" / "story-0001" / "article-00006.yaml"
    replace_in(sidecar, '    note: "', '    note: "Edited. ')
    assert rebuild(ChangeSet.of({sidecar: {"modified"}}, WatchedPaths.of(project))).is_written
    assert read == ["content/story-0001/article-00006.yaml"]


def test_a_session_starts_from_the_last_sessions_site_and_leaves_its_folder_for_the_next(tmp_path: Path) -> None:
    """serve builds into `.dossier-cache/serve/` in the project and keeps it: the next session's first build is an
    incremental one that finds every page as it was (the same files, not written again), and equals a clean
    build; the temporary folder of each session is gone once it stops."""
    project = copy_example(tmp_path / "project")
    kept = project / ".dossier-cache" / "serve" / "site"
    with serving(project) as first:
        assert first.session.output_dir == kept and first.session.folder.is_kept
        temporary = first.session._temp
        inodes = {path: os.stat(kept / path).st_ino for path in digest_tree(kept)}
    assert not temporary.exists()
    assert kept.is_dir()
    assert cache_files(kept), "the build cache the next session starts from is beside the kept site"
    edit_note(project, "Between sessions")
    with serving(project) as second:
        assert second.session.output_dir == kept
        assert "Between sessions" in page_text(second.get("/stories/flynn-kislyak/the-week/")[2])
        unchanged = [
            path for path, inode in inodes.items() if (kept / path).exists() and os.stat(kept / path).st_ino == inode
        ]
        assert "people/michael-flynn/index.html" in unchanged, "a page the edit did not touch was written again"
        assert "stories/flynn-kislyak/the-week/index.html" not in unchanged
    clean = build_project(project, BuildOptions(include_drafts=True, output_dir=tmp_path / "clean"))
    assert clean.written is not None
    assert digest_tree(kept) == digest_tree(tmp_path / "clean")


def test_a_session_started_again_with_nothing_changed_serves_the_site_it_finds(tmp_path: Path) -> None:
    """The first build of a session started again finds the last one's site as it should be and changes no file:
    that site is served all the same (not the "no site yet" page)."""
    project = copy_example(tmp_path / "project")
    with serving(project) as first:
        assert first.get("/stories/flynn-kislyak/the-week/")[0] == 200
    with serving(project) as second:
        assert second.session.folder.is_kept
        assert second.get("/stories/flynn-kislyak/the-week/")[0] == 200
        assert second.events().wait_for("hello")["build"] > 0


def test_a_second_session_of_the_project_builds_into_a_temporary_folder(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    with serving(project) as first, serving(project) as second:
        assert first.session.folder.is_kept
        assert not second.session.folder.is_kept
        assert second.session.output_dir.is_relative_to(second.session._temp)
        assert "another `dossier serve`" in (second.session.folder.why_not_kept or "")
        assert second.get("/stories/flynn-kislyak/the-week/")[0] == 200
    with serving(project) as third:  # both stopped: the lock is free again
        assert third.session.folder.is_kept


def test_a_kept_site_folder_holding_files_no_build_wrote_is_left_alone(tmp_path: Path) -> None:
    """Files someone put in `.dossier-cache/serve/site` (no data/dossier.json): a build would refuse that folder on
    every save, so serve builds into a temporary folder, says why, and leaves the files as they are."""
    project = copy_example(tmp_path / "project")
    site = project / ".dossier-cache" / "serve" / "site"
    site.mkdir(parents=True)
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    with serving(project) as running:
        assert not running.session.folder.is_kept
        assert "did not build" in (running.session.folder.why_not_kept or "")
        assert running.get("/stories/flynn-kislyak/the-week/")[0] == 200
    assert [p.name for p in site.iterdir()] == ["notes.txt"]
    assert (site / "notes.txt").read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("planted", ["cache", "serve"])
def test_a_link_planted_on_the_way_to_the_kept_folder_is_not_followed(tmp_path: Path, planted: str) -> None:
    """A project from elsewhere (a pull request, a shared folder) may hold a link at `.dossier-cache` or at
    `.dossier-cache/serve`: serve builds into a temporary folder, and nothing is written where the link leads."""
    project = copy_example(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if planted == "cache":
        (project / ".dossier-cache").symlink_to(elsewhere, target_is_directory=True)
    else:
        (project / ".dossier-cache").mkdir()
        (project / ".dossier-cache" / "serve").symlink_to(elsewhere, target_is_directory=True)
    with serving(project) as running:
        assert not running.session.folder.is_kept
        assert "cannot be used" in (running.session.folder.why_not_kept or "")
        assert running.get("/stories/flynn-kislyak/the-week/")[0] == 200
    assert list(elsewhere.iterdir()) == []


def test_warm_up_loads_the_sentence_model_and_compiles_the_templates(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    config = load_config(project, Report())
    assert config is not None
    meaning.shipped_model.cache_clear()
    themes_module._environment.cache_clear()
    pipeline.warm_up(project, config, threading.Lock())
    assert meaning.shipped_model.cache_info().currsize == 1
    environment = themes_module.make_environment(
        themes_module.resolve_themes(config.theme, project, Report(), config.location)
    )
    compiled = {name for _, name in environment.cache} if environment.cache is not None else set()
    assert {"article.html", "compare.html", "person.html", "base.html"} <= compiled
    # Compiled against stand-ins, the templates render with the build's own helpers: the site is the one a
    # process that never warmed up makes.
    warmed = build_project(project, BuildOptions(output_dir=tmp_path / "warmed", search=False))
    assert warmed.written is not None
    command = [sys.executable, "-m", "dossier", "build", "-C", str(project), "-o", str(tmp_path / "fresh")]
    subprocess.run([*command, "--no-search", "-q"], check=True)
    assert digest_tree(tmp_path / "warmed") == digest_tree(tmp_path / "fresh")


def test_warm_up_imports_every_module_a_build_imports(tmp_path: Path) -> None:
    """`pipeline.STAGE_MODULES` is a list beside the stages' own imports, made when a build runs them: a module
    a build imports that warm_up does not would be imported by serve's first rebuild instead."""
    project = copy_example(tmp_path / "project")
    script = (
        "import sys, threading; from pathlib import Path; from dossier import pipeline; "
        "from dossier.config import load_config; from dossier.diagnostics import Report; "
        f"project = Path({str(project)!r}); "
        "pipeline.warm_up(project, load_config(project, Report()), threading.Lock()); before = set(sys.modules); "
        "pipeline.build_project(project, pipeline.BuildOptions(use_cache=True, search=False)); "
        "print(sorted(set(sys.modules) - before))"
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == "[]", ran.stdout


def test_serve_warms_up_only_after_a_first_build_made_in_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """serve's first build runs in a forked process, so serve itself has loaded nothing a rebuild needs: it does
    that on a thread while the editor reads, then primes the rebuild (holding the site's lock); a first build made
    in serve's own process has loaded it all."""
    calls: list[tuple[Path, Any]] = []
    called = threading.Event()

    def recording(project_dir: Path, config: Any, builds_out: Any) -> None:
        assert builds_out is session._site_lock  # no rebuild may run while the templates compile
        calls.append((project_dir, config))
        called.set()

    monkeypatch.setattr(session_module, "warm_up", recording)
    project = copy_example(tmp_path / "project")
    config = load_config(project, Report())
    built = Rebuilt(Report(), config, True)
    session = ServeSession(project, SERVE_DEFAULTS, Terminal(io.StringIO(), io.StringIO()), port=0)
    primed = threading.Event()

    def priming() -> None:
        assert calls and session._site_lock.locked()  # after the warm-up, and no rebuild meanwhile
        primed.set()

    monkeypatch.setattr(session.rebuild, "prime", priming)
    try:
        session._warm_up(FirstBuild(None, None, built))  # made here
        assert not calls
        session._warm_up(FirstBuild(os.getpid(), None, built))  # made in a child (its result already taken)
        assert called.wait(WAIT) and primed.wait(WAIT)
        assert calls == [(project, config)]
    finally:
        session.close()
