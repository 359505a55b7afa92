"""Which addresses a download may reach, and connections pinned to the address that was checked.

A public page can redirect to `http://127.0.0.1:8080/admin` or to a cloud machine's metadata service
(`http://169.254.169.254/`), and the import would write that service's answer into content/. So every hop
(the first request and each redirect) resolves its host once, checks every address it resolves to, and
connects to a checked address: a name whose DNS answer changes between the check and the connection (DNS
rebinding) cannot slip through. The Host header and the TLS server name stay the URL's host.

Hosts written as addresses in the spellings the C library accepts (`0x7f000001`, `2130706433`, `127.1`,
`0177.0.0.1`, `[::ffff:127.0.0.1]`) are read as the address they spell, with no lookup.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import re
import socket
import ssl
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dossier.importer.failures import ImportFailed

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses the host resolves to (a test gives its own: no test makes a real DNS lookup)
Resolve = Callable[[str, int], Sequence[str]]
# (address, port), timeout, source address -> a connected socket
Connect = Callable[[tuple[str, int], float | None, tuple[str, int] | None], socket.socket]

ALLOW_FLAG = "--allow-private-addresses"
# IPv4 in the legacy spellings inet_aton reads: 1 to 4 parts, each decimal, octal (0177) or hex (0x7f).
LEGACY_IPV4 = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\Z", re.IGNORECASE)
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")  # DNS64 writes an IPv4-only host's address in here
PRIVATE_NETWORKS = tuple(map(ipaddress.ip_network, ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]))
UNIQUE_LOCAL = ipaddress.IPv6Network("fc00::/7")


class NonPublicAddress(ImportFailed):
    """A hop's host is, or resolves to, an address that is not on the public internet."""

    def __init__(self, hop_url: str, host: str, address: IPAddress, kind: str) -> None:
        self.hop_url, self.host, self.address, self.kind = hop_url, host, address, kind
        super().__init__(self.sentence(hop_url))

    def sentence(self, url: str) -> str:
        """One line, for the editor: what was refused, why, and how to allow it."""
        if _literal_address(self.host) is None:
            what = f"{self.host} resolves to {self.address}, {self.kind} address"
        elif _is_plain_address(self.host):
            what = f"{self.host} is {self.kind} address"
        else:  # an odd spelling: say which address it spells
            what = f"{self.host} is {self.address}, {self.kind} address"
        where = f"{url}:" if url == self.hop_url else f"{url}: redirects to {self.hop_url}, and"
        return (
            f"{where} {what}, not a public one; imports are refused there, so that a page cannot lead dossier "
            f"into your own machine or network (add {ALLOW_FLAG} for an intranet page or a local server)"
        )


def resolve_host(host: str, port: int) -> list[str]:
    """The system's answer: every address `host` resolves to, in its order (socket.gaierror when none)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(sockaddr[0]) for *_, sockaddr in found))


def connect_socket(address: tuple[str, int], timeout: float | None, source: tuple[str, int] | None) -> socket.socket:
    """A TCP connection to a numeric address (so no lookup happens here)."""
    return socket.create_connection(address, timeout, source)


@dataclass(frozen=True)
class AddressGuard:
    """Where a download may connect: public addresses only, unless `allow_private` (an intranet, a test)."""

    allow_private: bool = False
    resolve: Resolve = field(default=resolve_host)
    connect: Connect = field(default=connect_socket)

    def checked_addresses(self, hop_url: str, host: str, port: int) -> list[IPAddress]:
        """Every address `host` stands for, each checked; NonPublicAddress at the first that may not be reached."""
        literal = _literal_address(host)
        answers = [str(literal)] if literal is not None else self.resolve(host, port)
        addresses = [ipaddress.ip_address(answer) for answer in answers]
        if not addresses:
            raise OSError(f"{host} resolves to no address")
        for address in addresses:
            kind = non_public_kind(address)
            if kind is not None and not self.allow_private:
                raise NonPublicAddress(hop_url, host, address, kind)
        return addresses

    def open_socket(
        self, hop_url: str, host_port: tuple[str, int], timeout: float | None, source: tuple[str, int] | None
    ) -> socket.socket:
        """A connection to the first checked address that answers: the host is not looked up again."""
        host, port = host_port
        last_problem: OSError | None = None
        for address in self.checked_addresses(hop_url, host, port):
            try:
                return self.connect((str(address), port), timeout, source)
            except OSError as problem:
                last_problem = problem
        assert last_problem is not None  # checked_addresses gives at least one address
        raise last_problem


def non_public_kind(address: IPAddress) -> str | None:
    """What sort of non-public address this is ("a loopback", "a private", ...), or None for a public one.

    An IPv4 address carried inside IPv6 (`::ffff:127.0.0.1`, 6to4, NAT64) is judged as the IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or _nat64_embedded(address)
        if embedded is not None:
            return non_public_kind(embedded)
    checks: list[tuple[bool, str]] = [
        (address.is_loopback, "a loopback"),
        (address.is_link_local, "a link-local"),  # 169.254.169.254: cloud machines' metadata service
        (address.is_unspecified, "an unspecified"),  # 0.0.0.0 and :: reach this machine
        (address.is_multicast, "a multicast"),
        (any(address in network for network in PRIVATE_NETWORKS), "a private"),
        (address in UNIQUE_LOCAL, "a unique-local"),
        (address.is_reserved or not address.is_global, "a special-purpose"),
    ]
    return next((kind for is_kind, kind in checks if is_kind), None)


def _nat64_embedded(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF) if address in NAT64_PREFIX else None


def _is_plain_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _literal_address(host: str) -> IPAddress | None:
    """The address `host` spells, in any spelling the C library would connect to; None for a name."""
    if _is_plain_address(host):
        return ipaddress.ip_address(host)
    if LEGACY_IPV4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:  # a number out of range: a name then, which the resolver judges
            return None
    return None


# --- urllib's handlers, with connections that go to the checked address -------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """http.client's connection, whose socket goes to an address the guard checked for this hop."""

    def __init__(self, host: str, *, guard: AddressGuard, hop_url: str, **options: Any) -> None:
        super().__init__(host, **options)
        # http.client opens its socket through this attribute (kept, its source says, to be replaced); it is
        # given (self.host, self.port): exactly the host and port the request names.
        self._create_connection = functools.partial(guard.open_socket, hop_url)


class _PinnedHTTPSConnection(_PinnedHTTPConnection, http.client.HTTPSConnection):
    """The same over TLS: the certificate is checked against the URL's host name, sent as the server name."""


class GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, guard: AddressGuard) -> None:
        super().__init__()
        self.guard = guard

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_PinnedHTTPConnection, guard=self.guard, hop_url=req.full_url), req)


class GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, guard: AddressGuard) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(context=self.tls)
        self.guard = guard

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        pinned = functools.partial(_PinnedHTTPSConnection, guard=self.guard, hop_url=req.full_url)
        return self.do_open(pinned, req, context=self.tls)
