"""A small web server on 127.0.0.1 for the tests that fetch from other sites
(``community.embed_fetch``): each path answers what a test set for it, over
http or, given a certificate, https."""

import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds before the answer starts, and between pieces of the body.
    delay: float = 0.0
    trickle: float = 0.0
    # False: no Content-Length, the body ends when the connection closes.
    length: bool = True


class _Handler(BaseHTTPRequestHandler):
    server: "LocalWeb"

    def do_GET(self) -> None:
        self.server.requests.append((self.path, dict(self.headers)))
        # The exact path and query first, then the path whatever the query.
        route = (
            self.server.routes.get(self.path)
            or self.server.routes.get(self.path.partition("?")[0])
            or Route(status=404)
        )
        time.sleep(route.delay)
        self.send_response(route.status)
        for name, value in route.headers.items():
            self.send_header(name, value)
        if route.length:
            self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        if not route.trickle:
            self.wfile.write(route.body)
            return
        for start in range(0, len(route.body), 16):
            self.wfile.write(route.body[start : start + 16])
            self.wfile.flush()
            time.sleep(route.trickle)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests assert on ``requests``."""


class LocalWeb(ThreadingHTTPServer):
    """``with LocalWeb() as web: web.routes["/x"] = Route(body=b"...")``."""

    daemon_threads = True
    # A slow route's thread is not waited for when the test ends.
    block_on_close = False

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        # https: the names clients asked for (SNI).
        self.names: list[str | None] = []
        if tls is not None:
            tls.sni_callback = lambda _socket, name, _context: self.names.append(name)
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a client that hangs up early (a body refused) is expected."""

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self) -> "LocalWeb":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
