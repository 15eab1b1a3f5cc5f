"""Fetching from another site on a member's behalf (``community.embed_fetch``):
what a link may not reach, tried against a real server on 127.0.0.1."""

import datetime
import ssl
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from community import embed_fetch
from community.embed_fetch import FetchFailed, FetchRefused, safe_fetch
from community.tests.local_web import LocalWeb, Route

# Names that resolve to the local server in the tests that allow it.
SERVED = {"video.example", "pic.video.example"}
HOSTS = [".video.example"]
LIMIT = 10_000


def _fetch(url: str, **options):
    return safe_fetch(
        url,
        max_bytes=options.pop("max_bytes", LIMIT),
        timeout=options.pop("timeout", 3.0),
        hosts=options.pop("hosts", HOSTS),
    )


@pytest.fixture
def web():
    with LocalWeb() as server:
        yield server


@pytest.fixture
def served(web, monkeypatch):
    """Only here: the SERVED names resolve to the local server (on its own
    port), and its address passes the guard; every other address is judged
    as always. The names looked up are kept in ``web.resolved``."""
    real_resolve, real_allowed = embed_fetch.resolve, embed_fetch.address_allowed
    web.resolved = []

    def resolve(host: str, port: int) -> list[tuple[str, int]]:
        web.resolved.append(host)
        if host in SERVED:
            return [("127.0.0.1", web.port)]
        return real_resolve(host, port)

    monkeypatch.setattr(embed_fetch, "resolve", resolve)
    monkeypatch.setattr(
        embed_fetch,
        "address_allowed",
        lambda address: address == "127.0.0.1" or real_allowed(address),
    )
    return web


# --- addresses ------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address refused, nothing bound
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",
        "2002:a00:1::1",
        "not an address",
    ],
)
def test_address_allowed_refuses_what_is_not_the_public_internet(address):
    assert embed_fetch.address_allowed(address) is False


@pytest.mark.parametrize("address", ["8.8.8.8", "95.213.1.1", "2a00:1450:4010::64"])
def test_address_allowed_accepts_public_addresses(address):
    assert embed_fetch.address_allowed(address) is True


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "https://127.0.0.1/oembed",
        "http://10.0.0.8/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://0.0.0.0/",
    ],
)
def test_safe_fetch_refuses_an_address_that_is_not_public(url, web):
    # Even with the address among the allowed hosts: the address decides.
    host = url.split("/")[2].strip("[]")
    with pytest.raises(FetchRefused) as refused:
        _fetch(url, hosts=[host])

    assert refused.value.code == "address"
    assert web.requests == []


def test_safe_fetch_refuses_localhost_by_what_it_resolves_to(web):
    with pytest.raises(FetchRefused) as refused:
        _fetch("http://localhost/", hosts=["localhost"])

    assert refused.value.code == "address"
    assert web.requests == []


def test_safe_fetch_refuses_a_name_with_any_private_address(served, monkeypatch):
    # One answer is the (allowed) local server, one private: none is asked.
    looked_up = []

    def resolve(host: str, port: int) -> list[tuple[str, int]]:
        looked_up.append(host)
        return [("127.0.0.1", served.port), ("10.0.0.7", port)]

    monkeypatch.setattr(embed_fetch, "resolve", resolve)
    served.routes["/oembed"] = Route(body=b"{}")

    with pytest.raises(FetchRefused) as refused:
        _fetch("http://video.example/oembed")

    assert refused.value.code == "address"
    assert looked_up == ["video.example"]
    assert served.requests == []


def test_resolve_gives_every_address_of_a_name():
    addresses = embed_fetch.resolve("127.0.0.1", 80)

    assert addresses == [("127.0.0.1", 80)]


def test_safe_fetch_tries_the_next_address_when_one_takes_no_connection(
    served, monkeypatch
):
    # An IPv6 address first, where nothing listens (or there is no route),
    # then the one that answers: the fetch goes on to the second.
    real_allowed = embed_fetch.address_allowed
    monkeypatch.setattr(
        embed_fetch,
        "resolve",
        lambda host, port: [("::1", served.port), ("127.0.0.1", served.port)],
    )
    monkeypatch.setattr(
        embed_fetch,
        "address_allowed",
        lambda address: address in ("::1", "127.0.0.1") or real_allowed(address),
    )
    served.routes["/oembed"] = Route(body=b"{}")

    assert _fetch("http://video.example/oembed").content == b"{}"
    assert [path for path, _headers in served.requests] == ["/oembed"]


def test_safe_fetch_gives_up_on_a_name_slow_to_resolve(web, monkeypatch):
    def resolve(host: str, port: int) -> list[tuple[str, int]]:
        time.sleep(2)
        return [("127.0.0.1", web.port)]

    monkeypatch.setattr(embed_fetch, "resolve", resolve)

    started = time.monotonic()
    with pytest.raises(FetchFailed) as failed:
        _fetch("http://video.example/", timeout=0.3)

    assert failed.value.code == "timeout"
    assert time.monotonic() - started < 1.0
    assert web.requests == []


# --- what a link may name ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://video.example/file", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://video.example/", "scheme"),
        ("http://video.example:8080/", "port"),
        ("https://video.example:22/", "port"),
        ("https://other.example/", "host"),
        ("https://video.example.evil.example/", "host"),
        ("https://evilvideo.example/", "host"),
        ("https://user:secret@video.example/", "host"),
        ("https:///nohost", "host"),
        ("http://video.example:99999/", "host"),
    ],
)
def test_safe_fetch_refuses_what_a_link_may_not_name(url, code, served):
    with pytest.raises(FetchRefused) as refused:
        _fetch(url)

    assert refused.value.code == code
    assert served.requests == []


def test_host_allowed_by_name_or_under_a_dotted_name():
    assert embed_fetch.host_allowed("rutube.ru", [".rutube.ru"])
    assert embed_fetch.host_allowed("pic.rutube.ru", [".rutube.ru"])
    assert embed_fetch.host_allowed("i.ytimg.com", ["i.ytimg.com"])
    assert not embed_fetch.host_allowed("x.i.ytimg.com", ["i.ytimg.com"])
    assert not embed_fetch.host_allowed("notrutube.ru", [".rutube.ru"])
    assert not embed_fetch.host_allowed("rutube.ru.evil.example", [".rutube.ru"])


# --- the exchange -----------------------------------------------------------------


def test_safe_fetch_gets_the_body_from_the_checked_address(served):
    served.routes["/oembed?url=x"] = Route(
        body=b'{"title": "x"}', headers={"Content-Type": "application/json"}
    )

    result = _fetch("http://video.example/oembed?url=x")

    assert result.content == b'{"title": "x"}'
    assert result.content_type == "application/json"
    assert result.url == "http://video.example/oembed?url=x"
    [(_path, headers)] = served.requests
    # Connected to the address, spoken to as the name.
    assert headers["Host"] == "video.example"
    assert "Kollegi" in headers["User-Agent"]
    assert served.resolved == ["video.example"]


def test_safe_fetch_sends_letters_of_a_path_percent_encoded(served):
    served.routes["/%D0%BF%D1%83%D1%82%D1%8C?q=%D1%8F"] = Route(body=b"found")

    assert _fetch("http://video.example/путь?q=я").content == b"found"


def test_safe_fetch_follows_a_redirect_on_the_same_host(served):
    served.routes["/a"] = Route(status=301, headers={"Location": "/b"})
    served.routes["/b"] = Route(
        status=302, headers={"Location": "http://video.example/c"}
    )
    served.routes["/c"] = Route(body=b"here")

    result = _fetch("http://video.example/a")

    assert result.content == b"here"
    assert result.url == "http://video.example/c"
    assert [path for path, _headers in served.requests] == ["/a", "/b", "/c"]
    # Each hop's host is resolved again and checked again.
    assert served.resolved == ["video.example"] * 3


def test_safe_fetch_refuses_more_than_three_redirects(served):
    for step in range(5):
        served.routes[f"/{step}"] = Route(
            status=302, headers={"Location": f"/{step + 1}"}
        )
    served.routes["/5"] = Route(body=b"far")

    with pytest.raises(FetchRefused) as refused:
        _fetch("http://video.example/0")

    assert refused.value.code == "redirect"
    assert len(served.requests) == 4


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.5/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:192.168.0.1]/",
    ],
)
def test_safe_fetch_refuses_a_redirect_to_a_private_address(location, served):
    served.routes["/go"] = Route(status=302, headers={"Location": location})

    with pytest.raises(FetchRefused) as refused:
        _fetch("http://video.example/go")

    assert refused.value.code == "address"
    assert [path for path, _headers in served.requests] == ["/go"]


def test_safe_fetch_refuses_a_redirect_to_a_host_that_now_resolves_privately(
    served, monkeypatch
):
    # The same name, answered privately the second time (DNS rebinding).
    answers = iter([[("127.0.0.1", served.port)], [("192.168.0.10", 80)]])
    monkeypatch.setattr(embed_fetch, "resolve", lambda host, port: next(answers))
    served.routes["/go"] = Route(status=302, headers={"Location": "/inside"})

    with pytest.raises(FetchRefused) as refused:
        _fetch("http://video.example/go")

    assert refused.value.code == "address"
    assert [path for path, _headers in served.requests] == ["/go"]


@pytest.mark.parametrize(
    "location",
    [
        "http://pic.video.example/x",
        "http://other.example/x",
        "http://localhost/x",
        "//elsewhere.example/x",
    ],
)
def test_safe_fetch_refuses_a_redirect_to_another_host(location, served):
    served.routes["/go"] = Route(status=302, headers={"Location": location})

    with pytest.raises(FetchRefused) as refused:
        _fetch("http://video.example/go")

    assert refused.value.code == "redirect"
    assert len(served.requests) == 1


def test_safe_fetch_refuses_a_body_announced_too_large(served):
    served.routes["/big"] = Route(body=b"x" * (LIMIT + 1))

    with pytest.raises(FetchRefused) as refused:
        _fetch("http://video.example/big")

    assert refused.value.code == "size"


def test_safe_fetch_refuses_a_body_that_grows_too_large_unannounced(served):
    served.routes["/big"] = Route(body=b"x" * (LIMIT * 20), length=False)

    with pytest.raises(FetchRefused) as refused:
        _fetch("http://video.example/big")

    assert refused.value.code == "size"


def test_safe_fetch_partial_cuts_a_long_body_at_the_limit(served):
    served.routes["/page"] = Route(body=b"<head>" + b"x" * (LIMIT * 20))

    result = safe_fetch(
        "http://video.example/page",
        max_bytes=LIMIT,
        timeout=3.0,
        hosts=HOSTS,
        partial=True,
    )

    assert len(result.content) == LIMIT
    assert result.content.startswith(b"<head>")


def test_safe_fetch_takes_a_body_at_the_limit(served):
    served.routes["/full"] = Route(body=b"x" * LIMIT, length=False)

    assert len(_fetch("http://video.example/full").content) == LIMIT


def test_safe_fetch_gives_up_on_a_server_slow_to_answer(served):
    served.routes["/slow"] = Route(body=b"late", delay=3.0)

    started = time.monotonic()
    with pytest.raises(FetchFailed) as failed:
        _fetch("http://video.example/slow", timeout=0.5)

    assert failed.value.code == "timeout"
    assert time.monotonic() - started < 1.5


def test_safe_fetch_gives_up_on_a_body_that_trickles_past_the_deadline(served):
    # Each piece arrives in time; the whole would take far longer than allowed.
    served.routes["/trickle"] = Route(body=b"x" * 400, trickle=0.1)

    started = time.monotonic()
    with pytest.raises(FetchFailed) as failed:
        _fetch("http://video.example/trickle", timeout=0.6)

    assert failed.value.code == "timeout"
    # The deadline is for the whole body (it would arrive in about 2.5 s).
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("status", [404, 500, 403])
def test_safe_fetch_fails_on_an_error_status(status, served):
    served.routes["/x"] = Route(status=status, body=b"no")

    with pytest.raises(FetchFailed) as failed:
        _fetch("http://video.example/x")

    assert failed.value.code == "status"


def test_safe_fetch_fails_when_nothing_listens(served):
    served.shutdown()
    served.server_close()

    with pytest.raises(FetchFailed) as failed:
        _fetch("http://video.example/x")

    assert failed.value.code == "network"


def test_safe_fetch_over_https_never_falls_back_to_plain_http(served):
    # The local server speaks no TLS.
    served.routes["/x"] = Route(body=b"plain")

    with pytest.raises(FetchFailed) as failed:
        _fetch("https://video.example/x")

    assert failed.value.code == "network"


# --- https ------------------------------------------------------------------------


def _certificate(folder, name: str) -> tuple[str, str]:
    """A self-signed certificate for ``name`` and its key (PEM files)."""
    now = datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"{name}.pem", folder / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


@pytest.fixture
def tls_served(tmp_path, monkeypatch, request):
    """``served`` over https: the local server shows a certificate for the
    name the test asks for (``video.example`` unless parametrised), and only
    that certificate is trusted."""
    shown = getattr(request, "param", "video.example")
    cert_file, key_file = _certificate(tmp_path, shown)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    monkeypatch.setattr(embed_fetch, "CA_CERTS", cert_file)
    real_allowed = embed_fetch.address_allowed
    with LocalWeb(tls=context) as server:
        monkeypatch.setattr(
            embed_fetch, "resolve", lambda host, port: [("127.0.0.1", server.port)]
        )
        monkeypatch.setattr(
            embed_fetch,
            "address_allowed",
            lambda address: address == "127.0.0.1" or real_allowed(address),
        )
        yield server


def test_safe_fetch_over_https_names_the_host_to_the_checked_address(tls_served):
    tls_served.routes["/oembed"] = Route(body=b"{}")

    result = _fetch("https://video.example/oembed")

    assert result.content == b"{}"
    # Connected to 127.0.0.1; TLS and HTTP both told the host's name.
    assert tls_served.names == ["video.example"]
    [(_path, headers)] = tls_served.requests
    assert headers["Host"] == "video.example"


@pytest.mark.parametrize("tls_served", ["other.example"], indirect=True)
def test_safe_fetch_over_https_refuses_a_certificate_for_another_name(tls_served):
    tls_served.routes["/oembed"] = Route(body=b"{}")

    with pytest.raises(FetchFailed) as failed:
        _fetch("https://video.example/oembed")

    assert failed.value.code == "network"
    assert tls_served.requests == []


def test_safe_fetch_refuses_a_redirect_from_https_to_http(tls_served):
    tls_served.routes["/go"] = Route(
        status=301, headers={"Location": "http://video.example/plain"}
    )

    with pytest.raises(FetchRefused) as refused:
        _fetch("https://video.example/go")

    assert refused.value.code == "redirect"
