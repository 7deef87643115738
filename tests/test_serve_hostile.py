"""`pipeline serve` against hostile and careless clients, over raw sockets: malformed requests get
400 (never a 5xx, never a traceback) and the server goes on serving; a client that hangs up
mid-page costs nothing; a request for another host name (DNS rebinding) is refused; a busy port is
one line naming --port. The rules are in the docstring of pipeline/server.py."""

from __future__ import annotations

import re
import socket
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO
from pipeline.errors import PipelineError
from pipeline.server import RELOAD_PATH, RELOAD_SCRIPT, PreviewState, open_server

SECRET = b"secret-outside-the-preview-folder"
HOME = b"<p>home page</p>"
BIG = 16 * 1024 * 1024  # larger than any socket buffer: a hang-up lands while the server writes
HYPOTHESIS = settings(max_examples=300, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


# --- a preview folder served in this process ---------------------------------------------------

@dataclass
class Served:
    port: int
    state: PreviewState
    reports: list[str]  # the one-line reports of failed requests (none expected)


def _preview_folder(base: Path) -> Path:
    site = base / "preview"
    (site / "km" / "news").mkdir(parents=True)
    (site / "index.html").write_bytes(b"<!DOCTYPE html><html><body>" + HOME + b"</body></html>")
    (site / "km" / "news" / "index.html").write_bytes("<html><body><p>ព័ត៌មាន</p></body></html>".encode())
    (site / "km" / "style.css").write_bytes(b"body{color:black}")
    (site / "big.html").write_bytes(b"<html><body>" + b"x" * BIG + b"</body></html>")
    (site / "big.bin").write_bytes(b"\0" * BIG)
    (base / "secret.txt").write_bytes(SECRET)
    (site / "leak.txt").symlink_to(base / "secret.txt")  # links out of the folder are not followed
    (site / "leak").symlink_to(base)
    return site


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    site = _preview_folder(tmp_path_factory.mktemp("serve"))
    state, reports = PreviewState(), []
    with open_server(site, 0, state, reports.append) as server:
        server.start()
        yield Served(server.server_port, state, reports)


# --- raw HTTP ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Response:
    raw: bytes

    @property
    def status(self) -> int | None:
        match = re.match(rb"HTTP/1\.[01] (\d{3}) ", self.raw)
        return int(match[1]) if match else None

    @property
    def headers(self) -> dict[str, str]:
        head = self.raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
        return {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in head)}

    @property
    def body(self) -> bytes:
        return self.raw.split(b"\r\n\r\n", 1)[-1]


def exchange(port: int, request: bytes) -> Response:
    """Send bytes as they are, say nothing more, and read until the server closes."""
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        connection.sendall(request)
        connection.shutdown(socket.SHUT_WR)
        try:
            while chunk := connection.recv(1 << 16):
                chunks.append(chunk)
        except ConnectionResetError:  # the server closed with part of our request unread
            pass
    return Response(b"".join(chunks))


def request(port: int, target: bytes = b"/", host: bytes | None = None, *, method: bytes = b"GET",
            version: bytes = b"HTTP/1.1", headers: bytes = b"") -> bytes:
    host_line = b"Host: " + (b"127.0.0.1:%d" % port if host is None else host) + b"\r\n"
    return b"%s %s %s\r\n%s%s\r\n" % (method, target, version, host_line, headers)


def get(port: int, target: bytes = b"/", host: bytes | None = None, **kwargs) -> Response:
    return exchange(port, request(port, target, host, **kwargs))


def assert_still_serving(served: Served) -> None:
    response = get(served.port)
    assert response.status == 200 and HOME in response.body
    assert served.reports == []


def assert_nothing_printed(capfd: pytest.CaptureFixture[str]) -> None:
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    assert err == ""


# --- what a browser asks keeps working ---------------------------------------------------------

@pytest.mark.parametrize("target, status, shows", [
    (b"/", 200, HOME),
    (b"/index.html", 200, HOME),
    (b"/?utm_source=mail&x=%E1%9E%80", 200, HOME),
    (b"/km/news/", 200, "ព័ត៌មាន".encode()),
    (b"/km/news/index.html", 200, "ព័ត៌មាន".encode()),
    (b"/%6Bm/news/", 200, "ព័ត៌មាន".encode()),  # an escape of a plain letter is the letter
    (b"/km/style.css", 200, b"body{color:black}"),
    (b"/km/news", 301, b""),
    (b"/missing.html", 404, b""),
    (b"/km/%E1%9E%80%E1%9E%B6.html", 404, b""),
    (b"/index.html/", 404, b""),
])
def test_pages_are_served_with_the_reload_script_and_never_cached(served, capfd, target, status, shows) -> None:
    response = get(served.port, target)
    assert response.status == status
    assert shows in response.body
    assert response.headers["cache-control"] == "no-store"
    if target.endswith((b"/", b".html")) and status == 200:
        assert response.body.count(RELOAD_SCRIPT.encode()) == 1
    if status == 301:
        assert response.headers["location"] == target.decode() + "/"
    assert_nothing_printed(capfd)


def test_head_announces_what_get_sends(served) -> None:
    full = get(served.port, b"/")
    head = get(served.port, b"/", method=b"HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == full.headers["content-length"] == str(len(full.body))


def test_the_error_page_and_the_event_stream(tmp_path: Path, capfd) -> None:
    state, reports = PreviewState(), []
    with open_server(_preview_folder(tmp_path), 0, state, reports.append) as server:
        server.start()
        port = server.server_port
        with socket.create_connection(("127.0.0.1", port), timeout=60) as events:
            events.sendall(request(port, RELOAD_PATH.encode()))
            head = b""
            while b"\r\n\r\n" not in head:
                head += events.recv(1024)
            assert Response(head).status == 200 and b"text/event-stream" in head and b"no-store" in head
            state.publish(("content/news/a.md:3: error: invalid YAML <script>",))
            stream = head.split(b"\r\n\r\n", 1)[1]
            while b"event: rebuilt" not in stream:
                stream += events.recv(1024)
        failed = get(port, b"/")
        assert failed.status == 500 and failed.headers["cache-control"] == "no-store"
        assert b"content/news/a.md:3: error: invalid YAML &lt;script&gt;" in failed.body
        assert RELOAD_SCRIPT.encode() in failed.body
        assert get(port, b"/km/style.css").status == 200  # assets stay served while the build is broken
        state.publish(())
        assert HOME in get(port, b"/").body
    assert reports == []
    assert_nothing_printed(capfd)


# --- malformed requests: 400, never a 5xx or a traceback ---------------------------------------

MALFORMED_TARGETS = [
    # an encoded NUL or other control character anywhere
    b"/%00", b"/%00/", b"/km/%00/index.html", b"/index.html%00", b"/index.html%00.css", b"/%00%00",
    b"/%01", b"/%0a", b"/%0d%0aSet-Cookie:%20x=1", b"/%09", b"/%1f", b"/%7f", b"/?q=%00", b"/?%0d%0a",
    # bad percent-encoding
    b"/%", b"/%%", b"/%z", b"/%zz", b"/%0", b"/%0g", b"/km%", b"/km/%/", b"/%G0", b"/%-1", b"/%+1",
    b"/?q=%", b"/?q=%zz",
    # escapes that are not UTF-8: truncated, overlong, surrogates, out of range, stray bytes
    b"/%e0%80", b"/%e1%9e", b"/%c0%af", b"/%c0%80", b"/%c1%bf", b"/%e0%80%af", b"/%f0%80%80%af",
    b"/%ed%a0%80", b"/%ed%bf%bf", b"/%f4%90%80%80", b"/%f8%88%80%80%80", b"/%ff", b"/%fe%ff", b"/%80",
    b"/%bf", b"/km/%E1%9E", b"/?q=%ff",
    # climbing out of the folder
    b"/..", b"/../", b"/../secret.txt", b"/km/../../secret.txt", b"/km/news/../../../secret.txt",
    b"/%2e%2e/secret.txt", b"/%2E%2E/secret.txt", b"/.%2e/secret.txt", b"/%2e./secret.txt",
    b"/..%2fsecret.txt", b"/..%2Fsecret.txt", b"/km/..%2F..%2Fsecret.txt", b"/%2e%2e%2fsecret.txt",
    b"/./../secret.txt", b"//../secret.txt", b"/km/news/..", b"/km/..", b"/%2e%2e",
    # raw bytes a browser always percent-encodes
    b"/\x00", b"/\x01", b"/\x7f", b"/\x80", b"/\xff", b"/\xc0\xaf", b"/\xe1\x9e\x80", b"/km/\xe1\x9e\x80.html",
    b"/\x1c", b"/\x85", b"/\xa0", b"/index.html\x00",
    # not a path: relative, asterisk, other schemes, user information, empty authority parts
    b"secret.txt", b"..", b"*", b"index.html", b"ftp://127.0.0.1/", b"file:///etc/passwd",
    b"https:/", b"http:/index.html", b"http:index.html", b"javascript:alert(1)", b"http://u@127.0.0.1/",
    b"http://u:p@127.0.0.1:80/", b"http://127.0.0.1:80/..", b"http://[::1/", b"\\..\\secret.txt",
]


@pytest.mark.parametrize("target", MALFORMED_TARGETS, ids=repr)
@pytest.mark.parametrize("method", [b"GET", b"HEAD"])
def test_a_malformed_target_is_400(served, capfd, target: bytes, method: bytes) -> None:
    response = get(served.port, target, method=method)
    assert response.status == 400, response.raw[:200]
    assert SECRET not in response.raw
    assert response.headers["cache-control"] == "no-store"
    assert_still_serving(served)
    assert_nothing_printed(capfd)


MALFORMED_LINES = [
    (b"GET /\r\n\r\n", 400), (b"GET\r\n\r\n", 400), (b"/ HTTP/1.1\r\n\r\n", 400),
    (b"GET / HTTP/1.1 extra\r\n\r\n", 400), (b"GET  / HTTP/1.1\r\n\r\n", 400), (b"GET /\tHTTP/1.1\r\n\r\n", 400),
    (b"GET / HTTP/1.1 \r\n\r\n", 400), (b" GET / HTTP/1.1\r\n\r\n", 400), (b"GET /\x0bHTTP/1.1\r\n\r\n", 400),
    (b"GET /\x1cx HTTP/1.1\r\n\r\n", 400), (b"GET /\x85 HTTP/1.1\r\n\r\n", 400), (b"GET /\xa0 HTTP/1.0\r\n\r\n", 400),
    (b"GET / HTTP/x\r\n\r\n", 400), (b"GET / HTTP/1\r\n\r\n", 400), (b"GET / HTTP/1.1.1\r\n\r\n", 400),
    (b"GET / FOO/1.1\r\n\r\n", 400), (b"GET / http/1.1\r\n\r\n", 400), (b"GET / HTTP/1.\xd9\xa1\r\n\r\n", 400),
    (b"GET / HTTP/\xd9\xa1.\xd9\xa1\r\n\r\n", 400), (b"GET / HTTP/\xb9.\xb9\r\n\r\n", 400),
    (b"G\x00T / HTTP/1.1\r\n\r\n", 400),
    (b"G(T / HTTP/1.1\r\n\r\n", 400), (b"GE\xc3\x89T / HTTP/1.1\r\n\r\n", 400), (b"\x16\x03\x01\x02\x00\x01", 400),
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\n" + b"X-Many: 1\r\n" * 101 + b"\r\n", 431),
    (b"GET / HTTP/0.9\r\n\r\n", 505), (b"GET / HTTP/2.0\r\n\r\n", 505), (b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
    (b"POST / HTTP/1.0\r\nContent-Length: 0\r\n\r\n", 501), (b"BREW / HTTP/1.0\r\n\r\n", 501),
]


@pytest.mark.parametrize("raw, status", MALFORMED_LINES, ids=lambda value: repr(value)[:60])
def test_a_malformed_request_line_is_refused_with_a_status_line(served, capfd, raw: bytes, status: int) -> None:
    response = exchange(served.port, raw)
    assert response.status == status, response.raw[:200]
    assert_still_serving(served)
    assert_nothing_printed(capfd)


@HYPOTHESIS
@given(path=st.binary(max_size=400))
def test_any_bytes_in_the_path_get_an_answer_and_never_what_lies_outside(served, capfd, path: bytes) -> None:
    """Raw bytes after `GET /`: anything outside printable ASCII is 400; the rest is a page, a
    redirect, a 404 or a 400, never a 5xx, never the file outside, and the server goes on."""
    response = get(served.port, b"/" + path)
    if all(0x21 <= byte <= 0x7E for byte in path):
        assert response.status in (200, 301, 400, 404), response.raw[:200]
    else:
        assert response.status == 400, response.raw[:200]
    assert SECRET not in response.raw
    assert_still_serving(served)
    assert_nothing_printed(capfd)


SOUND_PIECES = ["/", "km", "news", "index.html", "style.css", "leak.txt", "%E1%9E%80", "%20", "%2F", "%25",
                "?", "=", "&", "q", "+", "~", "-"]
BROKEN_PIECES = ["%00", "%zz", "%", "%e0%80", "%c0%af", "%ed%a0%80", "%ff", "%0a", "%7f", "%0D", "%c3"]
CLIMBING_PIECES = ["/../", "/%2e%2e/", "/.%2E/", "/..%2f", "%2F..%2F"]


@HYPOTHESIS
@given(pieces=st.lists(st.sampled_from(SOUND_PIECES + BROKEN_PIECES + CLIMBING_PIECES), max_size=12))
def test_percent_encoding_is_judged_as_a_whole(served, capfd, pieces: list[str]) -> None:
    """A target made of pieces: it is 400 exactly when a piece is broken anywhere or a `..`
    segment is in the path (before the `?`); otherwise a page, a redirect or a 404."""
    path_part = pieces[:pieces.index("?")] if "?" in pieces else pieces
    # no sound piece begins with two hex digits or a UTF-8 continuation byte, so no neighbour repairs
    # a broken piece ("%" + "km" is still a bad escape, "%c3" + "%20" still not UTF-8)
    broken = any(p in BROKEN_PIECES for p in pieces) or any(p in CLIMBING_PIECES for p in path_part)
    response = get(served.port, ("/" + "".join(pieces)).encode())
    if broken:
        assert response.status == 400, response.raw[:200]
    else:
        assert response.status in (200, 301, 404), response.raw[:200]
    assert SECRET not in response.raw
    assert_still_serving(served)
    assert_nothing_printed(capfd)


def test_symbolic_links_out_of_the_folder_are_not_followed(served) -> None:
    for target in (b"/leak.txt", b"/leak/secret.txt", b"/leak/", b"/leak"):
        response = get(served.port, target)
        assert response.status == 404 and SECRET not in response.raw


# --- Host: only the addresses this server serves (DNS rebinding) -------------------------------

def _hostile_hosts(port: int) -> list[bytes]:
    other = b"%d" % (port + 1 if port < 65535 else port - 1)
    p = b"%d" % port
    return [
        b"evil.com", b"evil.com:" + p, b"127.0.0.1.evil.com:" + p, b"localhost.evil:" + p,
        b"evil.localhost:" + p, b"localhost.:" + p, b"LOCALHOST.:" + p, b"127.0.0.1.:" + p,
        b"127.0.0.1:" + other, b"localhost:" + other, b"[::1]:" + other, b"127.0.0.1", b"localhost", b"[::1]",
        b"127.0.0.1:", b"127.0.0.1:0", b"127.1:" + p, b"127.0.0.2:" + p, b"0.0.0.0:" + p, b"0:" + p,
        b"2130706433:" + p, b"0x7f000001:" + p, b"0177.0.0.1:" + p, b"[0::1]:" + p, b"[0:0:0:0:0:0:0:1]:" + p,
        b"[::ffff:127.0.0.1]:" + p, b"[::1%25lo]:" + p, b"localhost%2e:" + p, b"l%6Fcalhost:" + p,
        b"xn--localhost:" + p, b"", b"localhost:" + p + b"0", b"localhost:-" + p, b"localhost:+" + p,
        b"localhost:" + p + b":" + p, b"127.0.0.1:" + p + b"@evil.com", b"evil.com#@127.0.0.1:" + p,
        b"evil.com/127.0.0.1:" + p, b"127.0.0.1:" + p + b"/", b"localhost :" + p, b"local host:" + p,
        b"127.0.0.1:" + p + b".evil.com", b"localhost:" + p + b"\x00", b"localhost\x00:" + p, b"::1:" + p,
        b"[::1]" + p, b"[::1]:" + p + b"]", b"\xe2\x84\x93ocalhost:" + p, b"localhost\xc2\xa0:" + p,
    ]


def test_hostile_host_names_are_refused(served, capfd) -> None:
    hosts = _hostile_hosts(served.port)
    for host in hosts:
        for target in (b"/", b"/km/news/", RELOAD_PATH.encode()):
            response = get(served.port, target, host)
            assert response.status in (400, 421), (host, response.raw[:200])
            assert HOME not in response.raw and b"text/event-stream" not in response.raw
            assert response.headers["cache-control"] == "no-store"
    assert get(served.port, b"/", b"evil.com:%d" % served.port).status == 421
    assert_still_serving(served)
    assert_nothing_printed(capfd)


@pytest.mark.parametrize("host", [b"127.0.0.1:{p}", b"localhost:{p}", b"[::1]:{p}", b"LOCALHOST:{p}",
                                  b"LocalHost:{p}", b"127.0.0.1:0{p}", b"  localhost:{p}\t"])
def test_the_served_addresses_are_answered(served, host: bytes) -> None:
    response = get(served.port, b"/", host.replace(b"{p}", b"%d" % served.port))
    assert response.status == 200 and HOME in response.body


def test_host_rules_of_http_1_0_and_1_1(served) -> None:
    port, ours = served.port, b"Host: 127.0.0.1:%d\r\n" % served.port
    assert exchange(port, b"GET / HTTP/1.0\r\n\r\n").status == 200  # HTTP/1.0 may omit Host
    assert exchange(port, b"GET / HTTP/1.1\r\n\r\n").status == 400  # HTTP/1.1 may not
    assert exchange(port, b"GET / HTTP/1.0\r\nHost: evil.com\r\n\r\n").status == 421
    assert exchange(port, b"GET / HTTP/1.1\r\n" + ours + ours + b"\r\n").status == 400  # two Host headers
    assert exchange(port, b"GET / HTTP/1.1\r\n" + ours + b"host: evil.com\r\n\r\n").status == 400
    assert exchange(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n x\r\n\r\n" % port).status == 400  # folded
    assert exchange(port, b"GET / HTTP/1.1\r\nHost : 127.0.0.1:%d\r\n\r\n" % port).status == 400


def test_the_absolute_form_is_judged_by_its_own_authority(served) -> None:
    port = served.port
    ours = b"http://127.0.0.1:%d" % port
    assert HOME in get(port, ours + b"/").body
    assert HOME in get(port, ours).body
    assert HOME in get(port, b"HTTP://LOCALHOST:%d/?x=1" % port, b"evil.com").body  # RFC 9112 §3.2.2: Host ignored
    assert get(port, ours + b"/km/news").headers["location"] == "/km/news/"  # redirects stay on this server
    for foreign in (b"http://evil.com/", b"http://evil.com:%d/" % port, b"http://127.0.0.1.evil.com:%d/" % port,
                    b"http://localhost.:%d/" % port, b"http://127.0.0.1:%d/" % (port + 1)):
        assert get(port, foreign).status == 421, foreign
    assert get(port, ours + b"/%00").status == 400
    assert get(port, ours + b"/../secret.txt").status == 400


def test_a_real_browser_reaching_the_server_under_another_name_gets_nothing(browser, served) -> None:
    """Chromium resolves every `*.localhost` name to loopback by itself: the page it asks for is
    the request a rebound name sends, with that name as Host."""
    browser.get(f"http://rebind.localhost:{served.port}/")
    assert "home page" not in browser.page_source and "421" in browser.page_source
    for address in ("127.0.0.1", "localhost"):
        browser.get(f"http://{address}:{served.port}/")
        assert "home page" in browser.page_source


@HYPOTHESIS
@given(value=st.binary(max_size=60).filter(lambda v: b"\r" not in v and b"\n" not in v))
def test_any_host_value_but_ours_is_refused(served, capfd, value: bytes) -> None:
    response = get(served.port, b"/", value)
    ours = re.fullmatch(rb"[ \t]*(127\.0\.0\.1|localhost|\[::1\]):0*%d[ \t]*" % served.port, value, re.IGNORECASE)
    if ours:
        assert response.status == 200
    else:
        assert response.status in (400, 421), (value, response.raw[:200])
        assert HOME not in response.raw
    assert_still_serving(served)
    assert_nothing_printed(capfd)


@HYPOTHESIS
@given(value=st.from_regex(rb"\A(127\.0\.0\.1|localhost|\[::1\])[.a-zA-Z0-9:\[\]-]{1,12}\Z"))
def test_names_that_merely_begin_like_ours_are_refused(served, value: bytes) -> None:
    ours = re.fullmatch(rb"(127\.0\.0\.1|localhost|\[::1\]):0*%d" % served.port, value, re.IGNORECASE)
    status = get(served.port, b"/", value).status
    assert status == 200 if ours else status in (400, 421), value


# --- clients that hang up ----------------------------------------------------------------------

def _hang_up(connection: socket.socket) -> None:
    """Close with a reset, as a browser tab that is closed mid-transfer may."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def _handler_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if "process_request_thread" in thread.name}


def _wait_until_handlers_end(before: set[threading.Thread]) -> None:
    """Wait until the handler threads started since `before` have ended, so their writes to the
    closed connections have failed (the join timeout only catches a hang; nothing is timed)."""
    for thread in _handler_threads() - before:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a handler thread did not end"


@pytest.mark.parametrize("target", [b"/big.html", b"/big.bin", b"/"])
def test_a_client_that_hangs_up_mid_page_costs_no_traceback(tmp_path: Path, capfd, target: bytes) -> None:
    state, reports = PreviewState(), []
    with open_server(_preview_folder(tmp_path), 0, state, reports.append) as server:
        server.start()
        port = server.server_port
        before = _handler_threads()
        for read_first in (0, 1, 4096, 1 << 20) * 5:  # before the answer, at its first byte, mid-page
            connection = socket.create_connection(("127.0.0.1", port), timeout=60)
            connection.sendall(request(port, target))
            received = 0
            while received < read_first:
                chunk = connection.recv(min(1 << 16, read_first - received))
                if not chunk:
                    break
                received += len(chunk)
            _hang_up(connection)
        _wait_until_handlers_end(before)
        assert get(port, b"/").status == 200
    assert reports == []
    assert_nothing_printed(capfd)


def test_a_client_that_leaves_the_event_stream_costs_no_traceback(tmp_path: Path, capfd) -> None:
    state, reports = PreviewState(), []
    with open_server(_preview_folder(tmp_path), 0, state, reports.append) as server:
        server.start()
        port = server.server_port
        before = _handler_threads()
        for _ in range(20):
            connection = socket.create_connection(("127.0.0.1", port), timeout=60)
            connection.sendall(request(port, RELOAD_PATH.encode()))
            assert connection.recv(1 << 16).startswith(b"HTTP/1.0 200")
            _hang_up(connection)
        for _ in range(3):  # each rebuild writes to every stream: the first write meets the reset
            state.publish(())
        _wait_until_handlers_end(before)
        assert get(port, b"/").status == 200
    assert reports == []
    assert_nothing_printed(capfd)


class _BrokenState(PreviewState):
    @property
    def errors(self) -> tuple[str, ...]:
        raise RuntimeError("a bug in the preview")

    @errors.setter
    def errors(self, value: tuple[str, ...]) -> None:
        pass


def test_a_real_fault_is_one_line_not_a_traceback(tmp_path: Path, capfd) -> None:
    reports: list[str] = []
    with open_server(_preview_folder(tmp_path), 0, _BrokenState(), reports.append) as server:
        server.start()
        response = get(server.server_port, b"/km/news/")
    assert response.status is None  # the connection closed without an answer
    assert len(reports) == 1
    assert reports[0] == ("pipeline serve: error: 'GET /km/news/ HTTP/1.1' failed: "
                          "RuntimeError: a bug in the preview")
    assert_nothing_printed(capfd)


# --- the port ----------------------------------------------------------------------------------

def _serve(root: Path, *port: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "--root", str(root), "serve", "--port", *port],
                          cwd=REPO, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("bound_to", ["127.0.0.1", "0.0.0.0"])
def test_a_busy_port_is_one_line_naming_port(project, bound_to: str) -> None:
    with socket.socket() as holder:
        holder.bind((bound_to, 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = _serve(project.root, str(port))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (f"pipeline serve: error: port {port} on 127.0.0.1 is in use; "
                             f"choose another with --port N (0 picks a free one) [usage]\n")


@pytest.mark.parametrize("port", ["-1", "65536", "70000", "-65535", str(10 ** 30)])
def test_a_port_out_of_range_is_a_usage_error(project, port: str) -> None:
    result = _serve(project.root, port)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"--port {port} is not a port" in result.stderr and "--port N" in result.stderr


@pytest.mark.parametrize("port", ["abc", "80.5", "", "0x50"])
def test_a_port_that_is_not_a_number_is_a_usage_error(project, port: str) -> None:
    result = _serve(project.root, port)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "--port" in result.stderr


def test_a_privileged_port_is_one_line_naming_port(tmp_path: Path) -> None:
    try:
        server = open_server(tmp_path, 1, PreviewState(), print)
    except PipelineError as error:
        assert str(error) == ("pipeline serve: error: port 1 on 127.0.0.1 is not permitted to this user; "
                              "choose another with --port N (0 picks a free one) [usage]")
    else:
        server.stop()
        pytest.skip("this user may listen on port 1")
