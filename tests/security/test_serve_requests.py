"""`dossier serve` against a hostile web page and hostile requests: real HTTP over loopback to a serve session
each test starts on 127.0.0.1 (an ephemeral port); other names and addresses appear only in the headers sent.

A page on attacker.example that points its name at 127.0.0.1 (DNS rebinding) sends `Host: attacker.example`;
a page of any other origin that subscribes to the event stream sends its `Origin`.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dossier.cli import main
from dossier.serve.hosts import HostCheck, parse_authority
from tests.conftest import copy_example
from tests.test_serve import STORY, WAIT, Served, replace_in, serve_command, serving

DRAFT_TITLE = "Unpublished: the draft nobody outside may read"
DRAFT_PAGE = "/stories/flynn-kislyak/the-moscow-times/"
EVENTS = "/__dossier/events"


def draft_project(root: Path) -> Path:
    """The example with one article made a draft under a title only the served site shows."""
    project = copy_example(root)
    article = project / STORY / "the-moscow-times.md"
    title = article.read_text(encoding="utf-8").splitlines()[1]
    assert title.startswith("title: ")
    replace_in(article, title, f'draft: true\ntitle: "{DRAFT_TITLE}"')
    return project


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with serving(draft_project(tmp_path / "project")) as running:
        yield running


def exchange(port: int, request: bytes) -> tuple[int, bytes, bytes]:
    """Send `request` as it is and read the answer until the server closes: (status, head, body). Fails when
    that takes longer than WAIT (an event stream never closes)."""
    deadline = time.monotonic() + WAIT
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
            assert time.monotonic() < deadline, f"the answer to {request[:80]!r} did not end: {received[:200]!r}"
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1."), f"no HTTP answer to {request[:80]!r}: {received[:200]!r}"
    return int(head.split(b" ", 2)[1]), head, body


def get(port: int, target: str, *headers: str) -> tuple[int, bytes, bytes]:
    lines = [f"GET {target} HTTP/1.1", *headers, "Connection: close", "", ""]
    return exchange(port, "\r\n".join(lines).encode("latin-1"))


# ---- DNS rebinding: only this machine's names ----

HOSTILE_HOSTS = (
    "attacker.example:{port}",
    "attacker.example",
    "ATTACKER.example:{port}",
    "127.0.0.1.attacker.example:{port}",
    "localhost.attacker.example:{port}",
    "attacker.example.:{port}",
    "localhost@attacker.example",
    "localhost:{port}@attacker.example",
    "[::1].attacker.example",
    "[attacker.example]:{port}",
    "127.0.0.1:99999",
    "2130706433:{port}",  # 127.0.0.1 as one number: a name as far as Host goes
    "localhost:" + "1" * 5000,  # a port past the 4,300 digits int() takes
    "",
)


def test_a_page_reaching_serve_through_dns_rebinding_is_refused(served: Served) -> None:
    """The draft's unpublished title must not come back to a page that named another host; the terminal says
    once what was refused and how to allow a name."""
    port = served.port
    assert DRAFT_TITLE.encode() in get(port, DRAFT_PAGE, f"Host: 127.0.0.1:{port}")[2]  # it is there to take
    for host in HOSTILE_HOSTS:
        for target in (DRAFT_PAGE, "/", "/data/dossier.json", "/__dossier/livereload.js", "/no-such-page/"):
            status, _, body = get(port, target, f"Host: {host.format(port=port)}")
            assert status == 403, (host, target, status)
            assert DRAFT_TITLE.encode() not in body, host
            assert len(body.strip().splitlines()) == 1, body
    status, _, body = get(port, EVENTS, f"Host: attacker.example:{port}")
    assert status == 403 and b"event:" not in body
    assert get(port, DRAFT_PAGE)[0] == 403  # no Host at all
    assert get(port, DRAFT_PAGE, f"Host: 127.0.0.1:{port}", "Host: attacker.example")[0] == 403  # two
    told = served.err.getvalue()
    assert told.count(f"host 'attacker.example:{port}' is not one serve answers to") == 1, told
    assert "--allowed-host attacker.example" in told
    assert "Traceback" not in told


def test_loopback_names_are_answered_with_or_without_the_port(served: Served) -> None:
    port = served.port
    for host in ("127.0.0.1", "localhost", "LocalHost", "localhost.", "[::1]", "dossier.localhost", "a.b.localhost"):
        for shown in (host, f"{host}:{port}"):
            status, _, body = get(port, DRAFT_PAGE, f"Host: {shown}")
            assert status == 200, shown
            assert DRAFT_TITLE.encode() in body
    assert "refused" not in served.err.getvalue()


def test_a_name_given_with_allowed_host_is_answered(tmp_path: Path) -> None:
    """`--allowed-host NAME` is how an editor serves under a name of their own (a VM, a tunnel), end to end."""
    project = draft_project(tmp_path / "project")
    allowing = ("--no-search", "--allowed-host", "Dossier.Test", "--allowed-host", "[fd00::5]:9000")
    with serve_command(project, *allowing) as (process, port):
        for host in ("dossier.test", f"dossier.test:{port}", "DOSSIER.TEST", "[fd00::5]:8000"):
            status, _, body = get(port, DRAFT_PAGE, f"Host: {host}")
            assert status == 200 and DRAFT_TITLE.encode() in body, host
        for host in ("attacker.example", "sub.dossier.test", "dossier.test.attacker.example", "[fd00::6]"):
            assert get(port, DRAFT_PAGE, f"Host: {host}")[0] == 403, host
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=WAIT)
    assert process.returncode == 0, err
    assert "refused a request: host 'attacker.example'" in err


def test_an_allowed_host_that_is_no_host_name_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_example(tmp_path / "project")
    for bad in ("two words", "http://dossier.test/", "dossier.test/path", "[dossier.test]", "a..b", ""):
        assert main(["serve", "-C", str(project), "--port", "0", "--allowed-host", bad]) == 2, bad
        assert f"error: '{bad}' is not a host name or an address" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("listening", "answered", "refused"),
    [
        ("127.0.0.1", ["127.0.0.1:8000", "localhost", "x.localhost:1"], ["10.0.0.5:8000", "attacker.example"]),
        ("0.0.0.0", ["192.168.1.20:8000", "10.0.0.5", "[fe80::1]:8000", "localhost"], ["attacker.example:8000"]),
        ("::", ["[2001:db8::1]:8000", "192.168.1.20"], ["attacker.example", "devbox.lan"]),
        ("192.168.1.20", ["192.168.1.20:8000", "192.168.1.20", "localhost"], ["192.168.1.21", "attacker.example"]),
        ("devbox.lan", ["devbox.lan:8000", "DEVBOX.LAN", "127.0.0.1"], ["192.168.1.20", "evil.devbox.lan"]),
    ],
)
def test_the_host_serve_listens_on_is_answered(listening: str, answered: list[str], refused: list[str]) -> None:
    """`--host 0.0.0.0` answers any address of the machine (an address is never looked up, so it cannot be
    rebound) and still no name but its own; another --host answers that host. (Only 127.0.0.1 is ever listened
    on in these tests: this checks the rule each request goes through.)"""
    check = HostCheck.listening_on(listening)
    for host in answered:
        assert check.refusal([host]) is None, (listening, host)
    for host in refused:
        assert check.refusal([host]) is not None, (listening, host)


def test_host_headers_are_read_as_browsers_write_them() -> None:
    assert parse_authority("LocalHost.:8000") == parse_authority("localhost:8000")
    assert parse_authority("[::1]:8000") == parse_authority("[0:0::1]:8000")
    long_port = "localhost:" + "1" * 5000  # past the 4,300 digits int() takes
    for bad in (
        "::1",
        "[::1",
        "[::1]8000",
        "a b",
        "a:b",
        "a:-1",
        "a:65536",
        "a:٣",
        "[localhost]",
        "a/b",
        "a@b",
        long_port,
    ):
        assert parse_authority(bad) is None, bad


# ---- the event stream: the site's own pages only ----


def test_a_page_of_another_origin_cannot_follow_the_events(served: Served) -> None:
    port = served.port
    for origin in (
        "http://attacker.example",
        f"http://attacker.example:{port}",
        f"http://localhost:{port + 1 if port < 65535 else port - 1}",
        f"http://localhost:{port}",  # another origin than the page's own, 127.0.0.1:port
        f"https://127.0.0.1:{port}",
        "http://127.0.0.1",
        "null",
        "",
    ):
        status, _, body = get(port, EVENTS, f"Host: 127.0.0.1:{port}", f"Origin: {origin}")
        assert status == 403, origin
        assert b"event:" not in body, origin
    assert "only the site's own pages may follow its events" in served.err.getvalue()
    for headers in ([f"Origin: http://127.0.0.1:{port}"], [f"Origin: HTTP://127.0.0.1:{port}"], []):
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as connection:
            request = "\r\n".join([f"GET {EVENTS} HTTP/1.1", f"Host: 127.0.0.1:{port}", *headers, "", ""])
            connection.sendall(request.encode())
            received = b""
            while b"event: hello" not in received:
                chunk = connection.recv(65536)
                assert chunk, f"the site's own page got no hello: {received!r}"
                received += chunk
            assert received.startswith(b"HTTP/1.1 200")


# ---- requests too long for a file system, too slow or too large ----


def test_paths_longer_than_a_file_system_takes_are_answered_never_a_traceback(
    served: Served, capfd: pytest.CaptureFixture[str]
) -> None:
    """A name over 255 bytes, or a path longer than the system takes, is not found (404) or too long (414):
    never a dead handler thread, a traceback in the terminal and no answer."""
    port = served.port
    site = served.session.output_dir
    (site / "loop").symlink_to("loop")  # a loop of links, which Path.resolve raises on
    targets = {
        "/" + "a" * 256: 404,
        "/people/" + "a" * 300 + "/": 404,
        "/" + "%61" * 300: 404,  # 300 bytes once decoded
        "/" + "\u00e9" * 128: 404,  # 256 bytes in UTF-8
        "/" + "%C3%A9" * 128: 404,
        "/" + "a/" * 2040: 404,  # under 4096 bytes, but with the site's folder longer than PATH_MAX
        "/" + "a/" * 2049: 414,
        "/" + "a" * 5000: 414,
        "/" + "a" * 60_000: 414,
        "/" + "a" * 70_000: 414,  # over http.server's 64 KiB request line
        "/loop": 404,
        "/loop/index.html": 404,
    }
    for target, expected in targets.items():
        for method in ("GET", "HEAD"):
            request = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
            status = exchange(port, request.encode())[0]
            assert status == expected, (target[:40], len(target), method, status)
    assert get(port, DRAFT_PAGE, f"Host: 127.0.0.1:{port}")[0] == 200  # still serving
    captured = capfd.readouterr()
    for output in (captured.err, captured.out, served.err.getvalue(), served.out.getvalue()):
        assert "Traceback" not in output and "Exception occurred" not in output, output[-2000:]


def closed_by_server_within(connection: socket.socket, seconds: float, trickle: bytes = b"") -> float:
    """Send `trickle` a byte at a time (every 50 ms) until the server closes the connection; how long it took.
    Fails when it is still open after `seconds`."""
    started = time.monotonic()
    connection.settimeout(0.05)
    sent = 0
    while time.monotonic() - started < seconds:
        try:
            if connection.recv(65536) == b"":
                return time.monotonic() - started
        except TimeoutError:
            pass
        except ConnectionError:
            return time.monotonic() - started
        if sent < len(trickle):
            try:
                connection.sendall(trickle[sent : sent + 1])
            except ConnectionError:
                return time.monotonic() - started
            sent += 1
    raise AssertionError(f"the connection was still open after {seconds} s ({sent} bytes sent)")


def test_a_slow_or_endless_request_does_not_hold_a_thread(served: Served) -> None:
    """A request that arrives slowly, or never, is cut off once its time is up (HEAD_SECONDS; shortened here),
    however steadily its bytes keep coming; one that is endless at full speed is refused by its size."""
    assert served.session.server is not None
    served.session.server.head_seconds = 1.0
    port = served.port
    slow_head = f"GET {DRAFT_PAGE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode() + b"X-Slow: " + b"a" * 10_000
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as idle:
        assert closed_by_server_within(idle, WAIT) < WAIT / 2
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as slow:
        assert closed_by_server_within(slow, WAIT, trickle=slow_head) < WAIT / 2
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as kept_alive:  # idle after an answer
        kept_alive.sendall(f"GET /__dossier/livereload.js HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        assert kept_alive.recv(65536).startswith(b"HTTP/1.1 200")
        assert closed_by_server_within(kept_alive, WAIT) < WAIT / 2
    many = "".join(f"X-Header-{n}: {n}\r\n" for n in range(101))
    status, _, _ = exchange(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{many}\r\n".encode())
    assert status == 431
    long_line = "X-Long: " + "a" * 70_000
    status, _, _ = exchange(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{long_line}\r\n\r\n".encode())
    assert status == 431
    assert get(port, DRAFT_PAGE, f"Host: 127.0.0.1:{port}")[0] == 200


def test_a_client_that_stops_reading_does_not_hold_a_thread(served: Served) -> None:
    """A response the client does not read is cut off once its time is up (SEND_SECONDS; shortened here), and
    the thread answering it ends, though the client keeps the connection open."""
    assert served.session.server is not None
    served.session.server.send_seconds = 1.0
    (served.session.output_dir / "large.bin").write_bytes(bytes(32 * 1024 * 1024))  # more than socket buffers

    def answering() -> list[threading.Thread]:
        return [thread for thread in threading.enumerate() if "process_request_thread" in thread.name]

    deadline = time.monotonic() + WAIT
    while answering():  # no other request is being answered: the thread seen next is this one's
        assert time.monotonic() < deadline
        time.sleep(0.05)
    with socket.socket() as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.connect(("127.0.0.1", served.port))
        client.sendall(f"GET /large.bin HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n\r\n".encode())
        started = time.monotonic()
        while not answering():
            assert time.monotonic() - started < WAIT / 2, "the request was never answered"
            time.sleep(0.01)
        while answering():
            assert time.monotonic() - started < WAIT / 2, "a client that stopped reading still holds a thread"
            time.sleep(0.05)
