"""`dossier import URL` reaches public addresses only, at every hop, and connects to the address it checked.

Every connection these tests make goes to a server they start on 127.0.0.1, and no test looks a name up in
real DNS (the `only_local_traffic` fixture fails a test that tries either). Public-looking names and
addresses come from a fake network given to the fetcher (`AddressGuard(resolve=..., connect=...)`): it
answers for the names a test lists and carries every connection, whatever its address, to the local server.
"""

from __future__ import annotations

import contextlib
import http.server
import ipaddress
import socket
import socketserver
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from dossier.cli import main
from dossier.importer import ImportFailed
from dossier.importer.addresses import AddressGuard
from dossier.importer.fetch import fetch_page
from tests.conftest import copy_example

STORY = "flynn-kislyak"
# A global address, as a public host would resolve to. Nothing ever connects to it: the fake network carries
# its connections to the local server.
PUBLIC = "93.184.216.34"
ARTICLE = (
    b"<!doctype html><html lang='en'><head><title>Harbour budget passes</title></head><body><article>"
    b"<h1>Harbour budget passes</h1><p>The harbour council voted on Tuesday to pass the budget for next year, "
    b"after a long debate about the cost of dredging the old channel and repairing the sea wall.</p>"
    b"</article></body></html>"
)


# --- the local servers ---------------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    server: LocalServer

    def do_GET(self) -> None:
        self.server.seen.append((self.headers.get("Host", ""), self.path))
        status, headers, body = self.server.routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LocalServer(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that records each request's Host header and path."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {"/page.html": (200, {}, ARTICLE)}
        self.seen: list[tuple[str, str]] = []

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # without http.server's reverse lookup of its own address
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    @property
    def port(self) -> int:
        return self.server_address[1]

    def redirect(self, path: str, location: str) -> None:
        self.routes[path] = (302, {"Location": location}, b"")


@contextlib.contextmanager
def serving(server: LocalServer) -> Iterator[LocalServer]:
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with serving(LocalServer()) as local:
        yield local


@dataclass
class TlsServer:
    server: LocalServer
    certificate: Path
    server_names: list[str | None] = field(default_factory=list)  # the name each client asked for (SNI)


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[TlsServer]:
    """An HTTPS server on 127.0.0.1 whose self-signed certificate is for news.example only."""
    key, certificate = tmp_path / "key.pem", tmp_path / "certificate.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=news.example",
         "-addext", "subjectAltName=DNS:news.example"],
        check=True, capture_output=True,
    )  # fmt: skip
    tls = TlsServer(LocalServer(), certificate)

    def note_server_name(_socket: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        tls.server_names.append(name)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate, key)
    context.sni_callback = note_server_name
    tls.server.socket = context.wrap_socket(tls.server.socket, server_side=True)
    with serving(tls.server):
        yield tls


# --- a network made up for the test, and the guard against real traffic ----------------------------------------


@dataclass
class FakeNetwork:
    """Names and their answers (one list per lookup, the last repeated: a changing answer is DNS rebinding);
    every connection goes to the local server, on the port asked for."""

    answers: dict[str, list[list[str]]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)
    connections: list[tuple[str, int]] = field(default_factory=list)

    def resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        answers = self.answers[host]
        return answers.pop(0) if len(answers) > 1 else answers[0]

    def connect(self, address: tuple[str, int], timeout: float | None, source: tuple[str, int] | None) -> socket.socket:
        self.connections.append(address)
        return socket.create_connection(("127.0.0.1", address[1]), timeout)

    def guard(self, allow_private: bool = False) -> AddressGuard:
        return AddressGuard(allow_private, self.resolve, self.connect)


def _is_address(host: object) -> bool:
    try:
        ipaddress.ip_address(str(host))
    except ValueError:
        return False
    return True


@pytest.fixture(autouse=True)
def only_local_traffic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test that would connect anywhere but 127.0.0.1, or look a name up in DNS."""
    connect, getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def local_connect(sock: socket.socket, address: Any) -> None:
        assert isinstance(address, tuple) and address[0] == "127.0.0.1", f"a connection to {address}"
        connect(sock, address)

    def no_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        assert host is None or _is_address(host), f"a DNS lookup of {host}"
        return getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", local_connect)
    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "site")


def assert_refusal(problem: pytest.ExceptionInfo[ImportFailed], url: str, said: str) -> None:
    """One line: where, what the address is, why it is refused and how to allow it."""
    message = str(problem.value)
    assert problem.value.exit_code == 1 and "\n" not in message
    assert message.startswith(f"{url}: "), message
    assert said in message, message
    assert message.endswith(
        "not a public one; imports are refused there, so that a page cannot lead dossier into your own machine "
        "or network (add --allow-private-addresses for an intranet page or a local server)"
    ), message


# --- the tests -------------------------------------------------------------------------------------------------


def test_a_loopback_url_is_refused_unless_private_addresses_are_allowed(
    project: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{server.port}/page.html"
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    code = main(["import", url, "--story", STORY, "-C", str(project)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err == (
        f"error: {url}: 127.0.0.1 is a loopback address, not a public one; imports are refused there, so that a "
        "page cannot lead dossier into your own machine or network (add --allow-private-addresses for an "
        "intranet page or a local server)\n"
    )
    assert server.seen == []  # refused before connecting
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    assert main(["import", url, "--story", STORY, "-C", str(project), "--allow-private-addresses", "-q"]) == 0
    assert server.seen == [(f"127.0.0.1:{server.port}", "/page.html")]


@pytest.mark.parametrize(
    ("host", "said"),
    [
        ("0x7f000001", "0x7f000001 is 127.0.0.1, a loopback address"),
        ("2130706433", "2130706433 is 127.0.0.1, a loopback address"),
        ("127.1", "127.1 is 127.0.0.1, a loopback address"),
        ("0177.0.0.1", "0177.0.0.1 is 127.0.0.1, a loopback address"),
        ("0x7f.0.0.1", "0x7f.0.0.1 is 127.0.0.1, a loopback address"),
        ("127.255.255.254", "127.255.255.254 is a loopback address"),
        ("[::1]", "::1 is a loopback address"),
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is a loopback address"),
        ("[::ffff:7f00:1]", "::ffff:7f00:1 is a loopback address"),
        ("[64:ff9b::7f00:1]", "64:ff9b::7f00:1 is a loopback address"),
        ("[2002:7f00:1::]", "2002:7f00:1:: is a loopback address"),
        ("0", "0 is 0.0.0.0, an unspecified address"),
        ("0.0.0.0", "0.0.0.0 is an unspecified address"),
        ("[::]", ":: is an unspecified address"),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
        ("[::ffff:169.254.169.254]", "::ffff:169.254.169.254 is a link-local address"),
        ("[fe80::1]", "fe80::1 is a link-local address"),
        ("10.0.0.1", "10.0.0.1 is a private address"),
        ("172.16.5.4", "172.16.5.4 is a private address"),
        ("192.168.1.1", "192.168.1.1 is a private address"),
        ("[fd12:3456::1]", "fd12:3456::1 is a unique-local address"),
        ("[fc00::1]", "fc00::1 is a unique-local address"),
        ("100.64.0.1", "100.64.0.1 is a special-purpose address"),
        ("224.0.0.1", "224.0.0.1 is a multicast address"),
    ],
)
def test_non_public_addresses_in_any_spelling_are_refused_without_a_lookup(host: str, said: str) -> None:
    network = FakeNetwork()
    url = f"http://{host}:8080/page.html"
    with pytest.raises(ImportFailed) as refused:
        fetch_page(url, 5, guard=network.guard())
    assert_refusal(refused, url, said)
    assert network.lookups == [] and network.connections == []


@pytest.mark.parametrize(
    ("answers", "said"),
    [
        (["10.1.2.3"], "intranet.example resolves to 10.1.2.3, a private address"),
        (["169.254.169.254"], "intranet.example resolves to 169.254.169.254, a link-local address"),
        (["::1"], "intranet.example resolves to ::1, a loopback address"),
        ([PUBLIC, "127.0.0.1"], "intranet.example resolves to 127.0.0.1, a loopback address"),  # each is checked
    ],
)
def test_a_name_that_resolves_to_a_non_public_address_is_refused(answers: list[str], said: str) -> None:
    network = FakeNetwork({"intranet.example": [answers]})
    url = "http://intranet.example/page.html"
    with pytest.raises(ImportFailed) as refused:
        fetch_page(url, 5, guard=network.guard())
    assert_refusal(refused, url, said)
    assert network.connections == []


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("http://127.0.0.1:{port}/secret", "127.0.0.1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://0x7f000001:{port}/secret", "0x7f000001 is 127.0.0.1, a loopback address"),
        ("http://127.1:{port}/secret", "127.1 is 127.0.0.1, a loopback address"),
        ("http://[::ffff:127.0.0.1]:{port}/secret", "::ffff:127.0.0.1 is a loopback address"),
        ("http://metadata.example/computeMetadata/v1/", "metadata.example resolves to 169.254.169.254"),
        ("https://localhost/secret", "localhost resolves to 127.0.0.1, a loopback address"),
    ],
)
def test_a_redirect_from_a_public_page_to_a_non_public_address_is_refused(
    server: LocalServer, target: str, said: str
) -> None:
    network = FakeNetwork(
        {"news.example": [[PUBLIC]], "metadata.example": [["169.254.169.254"]], "localhost": [["127.0.0.1"]]}
    )
    location = target.format(port=server.port)
    server.redirect("/story", location)
    url = f"http://news.example:{server.port}/story"
    with pytest.raises(ImportFailed) as refused:
        fetch_page(url, 5, guard=network.guard())
    assert_refusal(refused, url, f"{url}: redirects to {location}, and {said}")
    assert server.seen == [(f"news.example:{server.port}", "/story")]  # the first hop only
    assert network.connections == [(PUBLIC, server.port)]


def test_the_connection_goes_to_the_checked_address_under_the_urls_host_name(server: LocalServer) -> None:
    """DNS rebinding: the name is looked up once per hop; a later answer (loopback) is never used."""
    network = FakeNetwork({"news.example": [[PUBLIC], ["127.0.0.1"]]})
    url = f"http://news.example:{server.port}/page.html"
    page = fetch_page(url, 5, guard=network.guard())
    assert page.data == ARTICLE and page.url == url
    assert network.lookups == ["news.example"]
    assert network.connections == [(PUBLIC, server.port)]
    assert server.seen == [(f"news.example:{server.port}", "/page.html")]  # the Host header is the URL's


def test_every_hop_is_looked_up_and_checked_again(server: LocalServer) -> None:
    network = FakeNetwork({"news.example": [[PUBLIC], ["127.0.0.1"]]})
    server.redirect("/moved", "/page.html")
    url = f"http://news.example:{server.port}/moved"
    with pytest.raises(ImportFailed) as refused:
        fetch_page(url, 5, guard=network.guard())
    hop = f"http://news.example:{server.port}/page.html"
    assert_refusal(refused, url, f"redirects to {hop}, and news.example resolves to 127.0.0.1, a loopback address")
    assert network.lookups == ["news.example", "news.example"]
    assert server.seen == [(f"news.example:{server.port}", "/moved")]


def test_tls_names_and_verifies_the_urls_host_while_connecting_to_the_checked_address(
    tls_server: TlsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.certificate))  # trust the test's own certificate
    port = tls_server.server.port
    network = FakeNetwork({"news.example": [[PUBLIC]], "other.example": [[PUBLIC]]})
    page = fetch_page(f"https://news.example:{port}/page.html", 5, guard=network.guard())
    assert page.data == ARTICLE
    assert tls_server.server_names == ["news.example"]
    assert network.connections == [(PUBLIC, port)]
    with pytest.raises(ImportFailed, match=r"the TLS certificate of other\.example cannot be verified"):
        fetch_page(f"https://other.example:{port}/page.html", 5, guard=network.guard())


def test_allowing_private_addresses_lets_a_redirect_to_a_local_server_through(server: LocalServer) -> None:
    network = FakeNetwork({"news.example": [[PUBLIC]]})
    server.redirect("/story", f"http://127.0.0.1:{server.port}/page.html")
    page = fetch_page(f"http://news.example:{server.port}/story", 5, guard=network.guard(allow_private=True))
    assert page.data == ARTICLE and page.url == f"http://127.0.0.1:{server.port}/page.html"
    assert network.connections == [(PUBLIC, server.port), ("127.0.0.1", server.port)]


def test_a_proxy_named_in_the_environment_is_not_used(server: LocalServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy looks names up itself, which would undo the check: the import connects directly."""
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{server.port}")
    network = FakeNetwork({"news.example": [[PUBLIC]]})
    fetch_page(f"http://news.example:{server.port}/page.html", 5, guard=network.guard())
    assert server.seen == [(f"news.example:{server.port}", "/page.html")]  # not the proxy's absolute form
    assert network.connections == [(PUBLIC, server.port)]
