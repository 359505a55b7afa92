"""Which requests serve answers at all: those that name this machine (`Host`), and, for the event stream,
those sent by its own pages (`Origin`).

A web page anywhere can point its own name at 127.0.0.1 (DNS rebinding) and then read whatever serve answers
under that name, drafts included: to the browser it is the page's own site. So serve answers only names no
one else can point here: `localhost` and any `*.localhost` (RFC 6761 keeps them on this machine), the loopback
addresses, the host it listens on, and names the editor allows (`--allowed-host`), each with any port. An IP
address is never looked up, so it cannot be rebound: listening on every address (`0.0.0.0`), serve answers
any address. webpack-dev-server and Vite check the same way.

A page of another origin may still name 127.0.0.1. It cannot read the answers (serve sends no CORS headers),
but it must not hold a subscription to the event stream either: the stream answers only requests without an
`Origin` (browsers send none from the same origin) or whose `Origin` is the site's own.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
EVERY_ADDRESS = frozenset({"", "0.0.0.0", "::"})  # listening on these reaches every address of the machine
HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
DEFAULT_PORT = 80


@dataclass(frozen=True)
class Authority:
    """A host (a lower-case name, or an address as `ipaddress` writes it) and a port, as a request names them."""

    host: str
    port: int | None
    is_address: bool

    def shown(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host

    def place(self) -> tuple[str, int]:
        """What an origin is made of, past its scheme: the host and the port, 80 when none is written."""
        return self.host, self.port or DEFAULT_PORT


def parse_authority(text: str) -> Authority | None:
    """`name`, `name:port`, `1.2.3.4:port` or `[::1]:port` (a Host header, an --allowed-host); None if it is not
    one. A trailing dot (`localhost.`) names the same host."""
    text = text.strip()
    if text.startswith("["):
        address, bracket, port = text[1:].partition("]")
        if not bracket or (port and not port.startswith(":")):
            return None
        port = port[1:]
    else:
        address, _, port = text.partition(":")
    # A port is at most five ASCII digits (int() takes no more than 4,300 digits, and a request may send any).
    if port and not (port.isascii() and port.isdigit() and len(port) <= 5 and int(port) <= 65535):
        return None
    host = address.lower().removesuffix(".")
    try:
        host = str(ipaddress.ip_address(host))
    except ValueError:
        if text.startswith("[") or not HOST_NAME.fullmatch(host):
            return None
        return Authority(host, int(port) if port else None, is_address=False)
    if ":" in host and not text.startswith("["):
        return None  # an IPv6 address needs its brackets
    return Authority(host, int(port) if port else None, is_address=True)


@dataclass(frozen=True)
class HostCheck:
    """The names serve answers to: loopback names, the host it listens on, and the names the editor allowed."""

    names: frozenset[str]
    any_address: bool

    @classmethod
    def listening_on(cls, host: str, allowed: Iterable[str] = ()) -> HostCheck:
        """Raises ValueError naming an allowed name that is not a host name or address."""
        names = set(LOOPBACK_NAMES)
        given = list(allowed) if host in EVERY_ADDRESS else [host, *allowed]
        for name in given:
            parsed = parse_authority(name)
            if parsed is None:
                raise ValueError(f"'{name}' is not a host name or an address")
            names.add(parsed.host)
        return cls(frozenset(names), any_address=host in EVERY_ADDRESS)

    def allows(self, authority: Authority) -> bool:
        return (
            authority.host in self.names
            or authority.host.endswith(".localhost")
            or (authority.is_address and self.any_address)
        )

    def refusal(self, host_headers: list[str]) -> str | None:
        """None when serve answers a request with these Host headers; else why not, in one line."""
        if len(host_headers) != 1:
            return "a request needs exactly one Host header"
        authority = parse_authority(host_headers[0])
        if authority is None:
            return f"the Host header {host_headers[0]!r} is not a host name"
        if self.allows(authority):
            return None
        return (
            f"host {host_headers[0]!r} is not one serve answers to (localhost, the address it listens on, or a "
            "name given with --allowed-host): a web page may be trying to read the site through DNS rebinding; "
            f"if the name is yours, serve with --allowed-host {authority.shown()}"
        )


def cross_origin(origin: str | None, host_header: str) -> str | None:
    """None when a request from `origin` (its Origin header) comes from the site itself, the one `host_header`
    names; else why it is refused. A request without Origin is not a browser's from another page."""
    if origin is None:
        return None
    scheme, _, rest = origin.strip().partition("://")
    page = parse_authority(rest) if scheme.lower() == "http" else None
    served = parse_authority(host_header)
    if page is None or served is None or page.place() != served.place():
        return f"a page at {origin!r} is not one of this site's: only the site's own pages may follow its events"
    return None
