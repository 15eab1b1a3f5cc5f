"""Fetching from another site on a member's behalf, without letting a link
reach inside our own network (SSRF).

A member's link makes Kollegi ask a service for the title and picture of a
video or document (``community.embed_previews``). Whoever writes the link
chooses the address, so every request here is held to a short list of what
it may reach: http or https on the standard ports, a host the caller names
(the service's own), and only addresses on the public internet. The host is
resolved once, every address it resolves to is checked (one private address
among public ones refuses the lot), and the connection goes to the checked
address — with the host's name in ``Host``, in TLS's SNI and in the
certificate check — so a name that resolves to a public address for the
check and to a private one for the connection (DNS rebinding) gains nothing.
Redirects are followed by hand, only to the same host, each one checked
again; the whole exchange — the look-up, the connection, the answer's head
and its body — has one deadline, and the body one size limit. Where a name
has several addresses, each is tried in turn (an IPv6 one first, on a
machine without an IPv6 route, must not fail the fetch).

The same guard sends a push to the address a member's browser gave
(``safe_post``): https on its own port only, and never a redirect.

Pure Python and urllib3: no Django here, so what it allows reads in one place.
"""

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from urllib3 import BaseHTTPResponse, HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import (
    ConnectTimeoutError,
    LocationParseError,
    NewConnectionError,
)
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util import Timeout, parse_url

# Plain and honest: a service that wants to tell us something knows who asks.
USER_AGENT = "Kollegi/1.0 (link preview)"
POST_USER_AGENT = "Kollegi/1.0"
SCHEMES = {"http": 80, "https": 443}
PORTS = frozenset(SCHEMES.values())
# What a POST (a push) may reach: each scheme on its one port — https on 443.
POST_SCHEMES = {"https": 443}
MAX_REDIRECTS = 3
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024
# The certificates trusted for https: None, the system's own.
CA_CERTS: str | None = None
# IPv6 ranges that carry an IPv4 address a gateway would connect to (NAT64).
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch that gave nothing; ``code`` says why, for logs and tests."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class FetchRefused(FetchError):
    """Not asked at all, or given up on purpose: a scheme, port, host or
    address that is not allowed, a redirect elsewhere, a body past the limit.
    Codes: "scheme", "port", "host", "address", "redirect", "size"."""


class FetchFailed(FetchError):
    """Asked, and the other side did not answer well: the network, the
    deadline, an error status. Codes: "network", "timeout", "status"."""

    @property
    def passing(self) -> bool:
        """Likely to pass on its own: the network, the deadline, the other
        side's own trouble (5xx) or its limit (429) — not "no such page"."""
        if self.code != "status":
            return True
        status = int(self.detail) if self.detail.isdigit() else 0
        return status >= 500 or status == 429


@dataclass(frozen=True)
class FetchResult:
    content: bytes
    content_type: str
    # Where the content came from, after redirects.
    url: str


@dataclass(frozen=True)
class PostResult:
    status: int
    # The answer's first bytes, at most what the caller allowed.
    content: bytes


def address_allowed(address: str) -> bool:
    """True only for an address on the public internet.

    Private, loopback, link-local, shared (100.64/10), reserved, multicast
    and unspecified addresses are refused, and so is an IPv6 address that
    carries a refused IPv4 one (mapped, 6to4, Teredo, NAT64).
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        embedded = [ip.ipv4_mapped, ip.sixtofour]
        if ip.teredo:
            embedded.extend(ip.teredo)
        if ip in NAT64:
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if any(v4 is not None and not address_allowed(str(v4)) for v4 in embedded):
            return False
    return (
        ip.is_global
        and not ip.is_private
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_reserved
        and not ip.is_multicast
        and not ip.is_unspecified
    )


def resolve(host: str, port: int) -> list[tuple[str, int]]:
    """Every (address, port) the host resolves to: one lookup, whose answers
    are all checked and one of which is connected to."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FetchFailed("network", f"{host} does not resolve") from error
    return [(sockaddr[0], sockaddr[1]) for *_rest, sockaddr in found]


def host_allowed(host: str, hosts: Iterable[str]) -> bool:
    """``host`` is one of ``hosts``: equal to one, or under one written with a
    leading dot (".rutube.ru" allows rutube.ru and pic.rutube.ru)."""
    for allowed in hosts:
        allowed = allowed.lower()
        if allowed.startswith("."):
            if host == allowed[1:] or host.endswith(allowed):
                return True
        elif host == allowed:
            return True
    return False


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    # What goes on the request line: the path and the query.
    path: str


def _target(url: str, schemes: Mapping[str, int] | None = None) -> _Target:
    """What ``url`` names, if its scheme and port may be asked at all; a host
    written as an address is checked here, before anything else. With
    ``schemes``, only those, each on its own port (a push's address)."""
    own_ports = schemes is not None
    schemes = SCHEMES if schemes is None else schemes
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchRefused("host", "not an address") from error
    scheme = parts.scheme.lower()
    if scheme not in schemes:
        raise FetchRefused("scheme", scheme)
    host = (parts.hostname or "").rstrip(".")
    if not host or parts.username is not None or parts.password is not None:
        raise FetchRefused("host", "no host, or a user in the address")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and not address_allowed(host):
        raise FetchRefused("address", host)
    port = port or schemes[scheme]
    if port not in ({schemes[scheme]} if own_ports else PORTS):
        raise FetchRefused("port", str(port))
    try:
        # Letters outside ASCII and spaces percent-encoded, as a browser sends them.
        path = parse_url(url).request_uri
    except LocationParseError as error:
        raise FetchRefused("host", "not an address") from error
    return _Target(scheme=scheme, host=host, port=port, path=path)


def _addresses(target: _Target, deadline: float) -> list[tuple[str, int]]:
    """Every address of the host, looked up within what is left of the
    deadline; each one must be allowed, or none is asked."""
    found: list = []

    def look_up() -> None:
        try:
            found.append(resolve(target.host, target.port))
        except Exception as error:  # handed to the caller below
            found.append(error)

    # A resolver that keeps waiting is left to end on its own: the fetch
    # does not wait for it past the deadline.
    worker = threading.Thread(target=look_up, name="resolve", daemon=True)
    worker.start()
    worker.join(_remaining(deadline))
    if not found:
        raise FetchFailed("timeout", f"{target.host} did not resolve in time")
    answer = found[0]
    if isinstance(answer, Exception):
        raise answer
    addresses = list(dict.fromkeys(answer))
    if not addresses:
        raise FetchFailed("network", f"{target.host} does not resolve")
    for address, _port in addresses:
        if not address_allowed(address):
            raise FetchRefused("address", f"{target.host} is {address}")
    return addresses


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed("timeout")
    return left


class _Watchdog:
    """Ends the exchange at its deadline whatever the other side does.

    A socket's timeout bounds one wait only: a head sent a byte at a time
    would go on for as long as the other side liked. At the deadline every
    connection made is shut down, which ends any read under way, and the
    exchange counts as timed out.
    """

    def __init__(self, deadline: float) -> None:
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(
            max(deadline - time.monotonic(), 0.0), self._expire
        )
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        # A copy of the descriptor: the same connection once TLS wraps the
        # original, and closed only here, so never a stranger's.
        copy = sock.dup()
        with self._lock:
            self._sockets.append(copy)
            expired = self.expired
        if expired:
            self._shut(copy)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            sock.close()


class _Watched:
    """A connection whose socket the exchange's watchdog holds."""

    watchdog: _Watchdog

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self.watchdog.watch(sock)
        return sock


class _WatchedHTTP(_Watched, HTTPConnection):
    pass


class _WatchedHTTPS(_Watched, HTTPSConnection):
    pass


class _WatchedPool:
    """A pool whose connections the exchange's watchdog holds."""

    watchdog: _Watchdog

    def _new_conn(self):
        conn = super()._new_conn()
        conn.watchdog = self.watchdog
        return conn


class _HTTPPool(_WatchedPool, HTTPConnectionPool):
    ConnectionCls = _WatchedHTTP


class _HTTPSPool(_WatchedPool, HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPS


def _pool(
    target: _Target, address: str, port: int, timeout: float, watchdog: _Watchdog
) -> HTTPConnectionPool:
    """A connection to the checked address that speaks as the host's name:
    in ``Host``, in TLS's SNI, and as the name the certificate must carry."""
    limits = Timeout(connect=timeout, read=timeout)
    if target.scheme == "https":
        pool = _HTTPSPool(
            address,
            port,
            timeout=limits,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=CA_CERTS,
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = _HTTPPool(address, port, timeout=limits, retries=False)
    pool.watchdog = watchdog
    return pool


@contextlib.contextmanager
def _exchange(
    target: _Target,
    method: str,
    *,
    headers: Mapping[str, str],
    body: bytes | None,
    deadline: float,
) -> Iterator[BaseHTTPResponse]:
    """One request to the host's checked addresses, tried in turn until one
    takes the connection, and its answer (the body still to read), all
    within the deadline; errors become FetchFailed."""
    watchdog = _Watchdog(deadline)
    try:
        addresses = _addresses(target, deadline)
        for number, (address, port) in enumerate(addresses, start=1):
            pool = _pool(target, address, port, _remaining(deadline), watchdog)
            try:
                response = pool.urlopen(
                    method,
                    target.path,
                    body=body,
                    headers={"Host": target.host, **headers},
                    retries=False,
                    redirect=False,
                    assert_same_host=False,
                    preload_content=False,
                )
            except ConnectTimeoutError:
                # Refused or unreachable (an IPv6 address without a route):
                # nothing was sent, so the next address may be asked.
                pool.close()
                if number == len(addresses):
                    raise
                continue
            except BaseException:
                pool.close()
                raise
            break
        try:
            yield response
        finally:
            response.release_conn()
            response.close()
            pool.close()
        if watchdog.expired:
            raise FetchFailed("timeout")
    except FetchError:
        raise
    except NewConnectionError as error:
        # Refused or unreachable (urllib3 counts it among its timeouts).
        raise FetchFailed("network", str(error)) from error
    except (TimeoutError, Urllib3Timeout) as error:
        raise FetchFailed("timeout") from error
    except (Urllib3Error, OSError) as error:
        if watchdog.expired:
            raise FetchFailed("timeout") from error
        raise FetchFailed("network", str(error)) from error
    finally:
        watchdog.close()


def _read(
    response: BaseHTTPResponse, *, max_bytes: int, deadline: float, partial: bool
) -> bytes:
    """The body in chunks, each read within what is left of the deadline;
    with ``partial``, its first ``max_bytes`` (a page's head is enough)."""
    length = response.headers.get("Content-Length")
    if partial:
        length = None
    if length and length.strip().isdigit() and int(length) > max_bytes:
        raise FetchRefused("size", f"{length} bytes announced")
    chunks: list[bytes] = []
    size = 0
    while True:
        sock = getattr(response.connection, "sock", None)
        if sock is not None:
            sock.settimeout(_remaining(deadline))
        # One receive at a time: a body trickled in small pieces meets the
        # deadline too, not only a silence longer than it.
        chunk = response.read1(CHUNK, decode_content=True)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            if not partial:
                raise FetchRefused("size", f"more than {max_bytes} bytes")
            chunks.append(chunk[: len(chunk) - (size - max_bytes)])
            break
        chunks.append(chunk)
        _remaining(deadline)
    return b"".join(chunks)


def safe_fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float,
    hosts: Iterable[str],
    partial: bool = False,
) -> FetchResult:
    """GET ``url`` from one of ``hosts`` on the public internet, within
    ``timeout`` seconds in all and ``max_bytes`` of body (with ``partial``,
    a longer body is cut there instead of refused).

    Raises FetchRefused for what is not asked or given up on purpose (see its
    codes), FetchFailed for a network error, the deadline or a status other
    than 2xx. Redirects: at most MAX_REDIRECTS, each to the same host (from
    http to https allowed, never back).
    """
    hosts = tuple(hosts)
    deadline = time.monotonic() + timeout
    target = _target(url)
    if not host_allowed(target.host, hosts):
        raise FetchRefused("host", target.host)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "*/*",
        "Accept-Language": "ru, en;q=0.5",
    }
    for _hop in range(MAX_REDIRECTS + 1):
        with _exchange(
            target, "GET", headers=headers, body=None, deadline=deadline
        ) as response:
            status = response.status
            if status in REDIRECT_STATUSES:
                location = response.headers.get("Location", "")
                target = _redirected(target, url, location)
                url = urljoin(url, location)
                continue
            if not 200 <= status < 300:
                raise FetchFailed("status", str(status))
            content = _read(
                response, max_bytes=max_bytes, deadline=deadline, partial=partial
            )
            content_type = response.headers.get("Content-Type", "")
        return FetchResult(content=content, content_type=content_type, url=url)
    raise FetchRefused("redirect", f"more than {MAX_REDIRECTS} redirects")


def safe_post(
    url: str,
    *,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float,
    max_bytes: int,
) -> PostResult:
    """POST ``body`` to ``url`` — an address a member's browser gave, such as
    a push subscription's — held to the public internet: https on its own
    port only (``POST_SCHEMES``), every address of the host checked when
    sending, within ``timeout`` seconds in all, at most ``max_bytes`` of the
    answer read (the rest is not waited for).

    A redirect is never followed: it raises FetchRefused("redirect"), as the
    scheme, port and address do theirs. FetchFailed for a network error or
    the deadline; any other status is returned for the caller to judge.
    """
    deadline = time.monotonic() + timeout
    target = _target(url, POST_SCHEMES)
    headers = {"User-Agent": POST_USER_AGENT, **headers}
    with _exchange(
        target, "POST", headers=headers, body=body, deadline=deadline
    ) as response:
        status = response.status
        if 300 <= status < 400:
            raise FetchRefused("redirect", str(status))
        content = _read(response, max_bytes=max_bytes, deadline=deadline, partial=True)
    return PostResult(status=status, content=content)


def _redirected(target: _Target, url: str, location: str) -> _Target:
    """Where a redirect leads, if it may be followed: the same host only."""
    if not location:
        raise FetchFailed("status", "a redirect without a Location")
    following = _target(urljoin(url, location))
    if following.host != target.host:
        raise FetchRefused("redirect", f"to {following.host}")
    if target.scheme == "https" and following.scheme == "http":
        raise FetchRefused("redirect", "from https to http")
    return following
