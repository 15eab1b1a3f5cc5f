"""A push service of our own on 127.0.0.1 for the web push tests, and VAPID
keys made at test time (the keys of a site never live in the repository)."""

import base64
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from py_vapid import Vapid01

from community import embed_fetch
from community.models import PushDevice


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def vapid_keys() -> tuple[str, str]:
    """A fresh VAPID pair as the settings hold them: the private key's 32
    bytes and the public key's uncompressed point, base64url."""
    vapid = Vapid01()
    vapid.generate_keys()
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    public = vapid.public_key.public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint
    )
    return _b64(private), _b64(public)


class PushService:
    """A push service on 127.0.0.1: records every request and answers by the
    path's first part — ok 201, gone 410, missing 404, broken 500, flaky 500
    the first time and 201 after, moved 307 to ``location``, trickle a head
    sent a byte at a time for as long as the client listens."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.location = ""
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with service.lock:
                    earlier = [r for r in service.requests if r["path"] == self.path]
                    service.requests.append(
                        {
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                        }
                    )
                first = self.path.split("/")[1]
                if first == "trickle":
                    self._trickle()
                    return
                if first == "moved":
                    self.send_response(307)
                    self.send_header("Location", service.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = {"ok": 201, "gone": 410, "missing": 404, "broken": 500}.get(
                    first, 500 if not earlier else 201
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _trickle(self) -> None:
                self.wfile.write(b"HTTP/1.1 201 Created\r\nX-Slow: ")
                stop = time.monotonic() + 10
                try:
                    while time.monotonic() < stop:
                        self.wfile.write(b"z")
                        self.wfile.flush()
                        time.sleep(0.05)
                except OSError:
                    pass  # the client hung up: what it should do

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.keys: dict[int, tuple[ec.EllipticCurvePrivateKey, bytes]] = {}

    @property
    def port(self) -> int:
        return self.server.server_port

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def let_through(self, monkeypatch) -> None:
        """Only in the tests that call it: the send-time guard lets a push
        reach this service — http on its port, at 127.0.0.1 — and judges
        every other address as always."""
        real_allowed = embed_fetch.address_allowed
        monkeypatch.setattr(
            embed_fetch, "POST_SCHEMES", {**embed_fetch.POST_SCHEMES, "http": self.port}
        )
        monkeypatch.setattr(
            embed_fetch,
            "address_allowed",
            lambda address: address == "127.0.0.1" or real_allowed(address),
        )

    def device(self, user, path: str) -> PushDevice:
        """A browser of ``user`` subscribed at ``path`` (made directly: the
        service refuses a local address, as it should)."""
        key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        device = PushDevice.objects.create(
            user=user,
            endpoint=self.url(path),
            p256dh=_b64(key.public_key().public_bytes(
                Encoding.X962, PublicFormat.UncompressedPoint
            )),
            auth=_b64(auth),
            label="Firefox",
        )  # fmt: skip
        self.keys[device.pk] = (key, auth)
        return device

    def to(self, device: PushDevice) -> list[dict]:
        path = device.endpoint.split(str(self.server.server_port), 1)[1]
        return [request for request in self.requests if request["path"] == path]

    def read(self, device: PushDevice, request: dict) -> dict:
        """The payload, decrypted as the browser does."""
        key, auth = self.keys[device.pk]
        plain = http_ece.decrypt(
            request["body"], private_key=key, auth_secret=auth, version="aes128gcm"
        )
        return json.loads(plain)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
