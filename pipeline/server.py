"""Live preview: build, serve on 127.0.0.1, rebuild when a source file is saved, reload the page.

Owns watchfiles (file-system notifications, no polling loop of ours) and the preview HTTP server.
The published site needs no JavaScript; only pages served here get a small reload script, which
waits on a server-sent-events stream for the next successful (or failed) rebuild.

The server answers what a browser on this machine asks (GET and HEAD) and refuses the rest
without a traceback:

- The request line is `METHOD TARGET HTTP/1.x`, one space apart (RFC 9112 §3). The target is
  `/path[?query]`, or the absolute form `http://<this server>/path` (RFC 9112 §3.2.2), in
  printable ASCII, each `%` followed by two hex digits, the escapes decoding to UTF-8 (overlong
  forms and surrogates are not UTF-8) with no control character (`%00` included), and no `..`
  segment, encoded or not. Anything else is 400. The standard library's limits stay: a request
  line over 64 KiB is 414, a header line over 64 KiB or more than 100 headers 431. An unknown
  method is 501 and HTTP/0.9 or 2 and above 505: the answers RFC 9110 gives, not failures.
- Only files inside the preview folder are served: a path that resolves outside it is 404.
- DNS rebinding: a page on another site whose name an attacker points at 127.0.0.1 sends its own
  name as `Host`. This server answers only to `127.0.0.1:PORT`, `localhost:PORT` and `[::1]:PORT`,
  compared as RFC 3986 compares authorities: the host in any letter case, the port by its value
  (`:08000` is 8000), and no port or an empty one meaning 80. Anything else is another name,
  `localhost.` (trailing dot), `127.1`, `[0::1]` and other ports included, and gets
  421 Misdirected Request: the request reached a server that is not the one its URL names,
  which says exactly what happened (403 would say the resource exists here and is forbidden).
  Two Host headers, a Host that is not `host[:port]`, or an HTTP/1.1 request without Host is 400
  (RFC 9112 §3.2). An HTTP/1.0 request may omit Host: browsers always send it, and the server
  listens on loopback only, so such a request comes from a program on this machine.
- A client that hangs up mid-response (a closed tab, a reload during the event stream) is not
  an error and prints nothing; any other failure of a request is one line through `report`.
- Every response carries `Cache-Control: no-store`: a reload always shows the last build."""

from __future__ import annotations

import errno
import functools
import html
import http.server
import re
import sys
import threading
import urllib.parse
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Callable

import watchfiles

from pipeline.disk.outputs import file_inside, read_page, resolved
from pipeline.errors import PipelineError, fail

RELOAD_PATH = "/__pipeline/events"
RELOAD_SCRIPT = (
    "<script>new EventSource('" + RELOAD_PATH + "').addEventListener('rebuilt',"
    "function(){location.reload();});</script>"
)


@dataclass
class PreviewState:
    """What the server shows: the generation number of the last build and its errors, if any."""

    generation: int = 0
    errors: tuple[str, ...] = ()
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, errors: tuple[str, ...]) -> None:
        with self.changed:
            self.generation += 1
            self.errors = errors
            self.changed.notify_all()

    def wait_after(self, generation: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.generation != generation, timeout=timeout)
            return self.generation


def error_page(errors: tuple[str, ...]) -> bytes:
    items = "".join(f"<li><pre>{html.escape(e)}</pre></li>" for e in errors)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head>"
            f"<body style=\"font-family:sans-serif;margin:2rem\"><h1>The preview could not be rebuilt</h1>"
            f"<p>Fix the problem below and save; this page reloads by itself.</p><ul>{items}</ul>"
            f"{RELOAD_SCRIPT}</body></html>").encode("utf-8")


# --- what a request asks for -------------------------------------------------------------------

_HOSTS_SERVED = frozenset({"127.0.0.1", "localhost", "[::1]"})
_AUTHORITY = re.compile(r"(?P<host>\[[0-9A-Za-z:.]*\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::(?P<port>[0-9]*))?")
_ABSOLUTE_FORM = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?P<authority>[^/?]*)(?P<rest>[/?].*)?")
_REQUEST_LINE = re.compile(r"[-!#$%&'*+.^_`|~0-9A-Za-z]+ [\x21-\x7e]+ HTTP/[0-9]+\.[0-9]+")  # RFC 9112 §3
_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]*")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Refused(Exception):
    """A request this server will not answer with a page: the status and why, for the error body."""

    def __init__(self, status: HTTPStatus, why: str):
        super().__init__(why)
        self.status = status
        self.why = why


@dataclass(frozen=True)
class Target:
    """A checked request target: `path` and `query` as sent (still percent-encoded), `decoded` the
    path as text; `authority` only for the absolute form (`http://authority/path`)."""

    path: str
    query: str
    decoded: str
    authority: str | None = None

    @property
    def origin_form(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(s for s in self.decoded.split("/") if s not in ("", "."))

    @property
    def is_folder(self) -> bool:
        return self.decoded.endswith("/")


def read_target(raw: str) -> Target:
    """The request target checked as the module docstring says, or `Refused` (400)."""
    if not _PRINTABLE_ASCII.fullmatch(raw):
        raise Refused(HTTPStatus.BAD_REQUEST, "The address has a space, a control character or a "
                                              "non-ASCII byte; browsers percent-encode those.")
    authority = None
    if not raw.startswith("/"):
        absolute = _ABSOLUTE_FORM.fullmatch(raw)
        if absolute is None or absolute["scheme"].lower() != "http":
            raise Refused(HTTPStatus.BAD_REQUEST, "The address is neither /path nor http://host/path.")
        authority, raw = absolute["authority"], absolute["rest"] or "/"
        if raw.startswith("?"):
            raw = "/" + raw
    path, _, query = raw.partition("?")
    decoded = _percent_decoded(path)
    _percent_decoded(query)
    if ".." in decoded.split("/"):
        raise Refused(HTTPStatus.BAD_REQUEST, "The path climbs with '..'; only the preview folder is served.")
    return Target(path=path, query=query, decoded=decoded, authority=authority)


def _percent_decoded(text: str) -> str:
    if _BAD_ESCAPE.search(text):
        raise Refused(HTTPStatus.BAD_REQUEST, "A '%' in the address is not followed by two hex digits.")
    try:
        decoded = urllib.parse.unquote_to_bytes(text).decode("utf-8")  # strict: no overlong forms, no surrogates
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, "The percent-escapes in the address are not UTF-8.") from None
    if _CONTROL.search(decoded):
        raise Refused(HTTPStatus.BAD_REQUEST, "The address encodes a control character (such as %00).")
    return decoded


def check_authority(target: Target, hosts: list[str], version: str, port: int) -> None:
    """Refuse a request not addressed to this server (see the module docstring): 400 or 421."""
    if len(hosts) > 1:
        raise Refused(HTTPStatus.BAD_REQUEST, "The request has more than one Host header.")
    if not hosts and _version(version) >= (1, 1):
        raise Refused(HTTPStatus.BAD_REQUEST, "An HTTP/1.1 request needs a Host header.")
    if target.authority is not None:
        authority = target.authority  # RFC 9112 §3.2.2: the absolute form's authority, not Host
    elif hosts:
        authority = hosts[0].strip(" \t")
    else:
        return  # HTTP/1.0 without Host
    parts = _AUTHORITY.fullmatch(authority)
    if parts is None:
        raise Refused(HTTPStatus.BAD_REQUEST, "The Host is not a host name with an optional :port.")
    asked_port = (parts["port"] or "80").lstrip("0") or "0"
    if parts["host"].lower() not in _HOSTS_SERVED or asked_port != str(port):
        raise Refused(HTTPStatus.MISDIRECTED_REQUEST,
                      f"This preview answers only to 127.0.0.1:{port}, localhost:{port} and [::1]:{port}.")


def _version(version: str) -> tuple[int, int]:
    major, minor = version.removeprefix("HTTP/").split(".")  # the standard library checked the form
    return int(major), int(minor)


# --- answering ---------------------------------------------------------------------------------

class _Handler(http.server.SimpleHTTPRequestHandler):
    server: PreviewServer
    default_request_version = "HTTP/1.0"  # errors found before the version is read still get a status line
    timeout = 60  # seconds a silent client may hold a connection (the event stream writes every 15)
    target: Target
    file: Path

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except Exception as error:  # noqa: BLE001 - the server decides what is worth a line
            self.server.request_failed(getattr(self, "requestline", ""), error)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        try:
            if not _REQUEST_LINE.fullmatch(self.requestline):
                raise Refused(HTTPStatus.BAD_REQUEST, "The request line is not METHOD TARGET HTTP/1.x, "
                                                      "one space apart.")
            if _version(self.request_version) < (1, 0):
                self.request_version = "HTTP/1.0"  # so that the refusal has a status line
                raise Refused(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, "HTTP/0.9 is not served.")
            self.target = read_target(self.path)
            check_authority(self.target, self.headers.get_all("Host") or [], self.request_version,
                            self.server.server_port)
            self.file = self.server.site_file(self.target)
        except Refused as refusal:
            self.send_error(refusal.status, explain=refusal.why)
            return False
        self.path = self.target.origin_form  # what the standard library's redirects and listings read
        return True

    def translate_path(self, path: str) -> str:
        """The file parse_request found for `self.path` (the standard library asks for no other)."""
        return str(self.file) + ("/" if self.target.is_folder else "")

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's name
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        if with_body and self.target.decoded == RELOAD_PATH:
            return self._events()
        errors = self.server.state.errors
        if errors and (self.target.is_folder or self.target.decoded.endswith(".html")):
            return self._send(500, error_page(errors), with_body)
        page = read_page(self.file / "index.html" if self.target.is_folder else self.file)
        if page is not None:
            return self._send(200, page.replace(b"</body>", RELOAD_SCRIPT.encode() + b"</body>", 1), with_body)
        return super().do_GET() if with_body else super().do_HEAD()  # other files, redirects, listings, 404

    def _send(self, status: int, body: bytes, with_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _events(self) -> None:
        seen = self.server.state.generation  # before the headers: a rebuild once they are sent is told
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        while True:  # until the browser leaves (a hang-up ends it, silently: see PreviewServer)
            now = self.server.state.wait_after(seen, timeout=15)
            self.wfile.write(b"event: rebuilt\ndata: %d\n\n" % now if now != seen else b": keep-alive\n\n")
            self.wfile.flush()
            seen = now


class PreviewServer(http.server.ThreadingHTTPServer):
    """The preview folder on 127.0.0.1:port. It listens from creation (requests wait in the queue)
    and answers from `start()`; `with` stops it."""

    daemon_threads = True

    def __init__(self, site: Path, port: int, state: PreviewState, report: Callable[[str], None]):
        self.site = site
        self.site_resolved = resolved(site)
        self.state = state
        self.report = report
        self._thread: threading.Thread | None = None
        super().__init__(("127.0.0.1", port), functools.partial(_Handler, directory=str(site)))

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="preview-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self.shutdown()
            self._thread = None
        self.server_close()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def site_file(self, target: Target) -> Path:
        """Where the target lies in the preview folder; `Refused` (404) if that resolves outside it."""
        file = file_inside(self.site, self.site_resolved, target.segments)
        if file is None:
            raise Refused(HTTPStatus.NOT_FOUND, "Only the preview folder is served.")
        return file

    def request_failed(self, request: str, error: BaseException | None) -> None:
        """A client that hangs up or goes silent is no fault; anything else is one line, no traceback."""
        if not isinstance(error, (ConnectionError, TimeoutError)):
            self.report(f"pipeline serve: error: {request!r} failed: {type(error).__name__}: {error}")

    def handle_error(self, request, client_address) -> None:  # instead of socketserver's traceback
        self.request_failed(f"a request from {client_address[0]}:{client_address[1]}", sys.exc_info()[1])


def open_server(site: Path, port: int, state: PreviewState, report: Callable[[str], None]) -> PreviewServer:
    """Listen on 127.0.0.1:port (0 picks a free port), before any build, so a busy port is told at
    once: a `PipelineError` of one line naming --port (code "usage", exit 2) for a port out of range,
    in use or not permitted; other failures to listen are code "network" (exit 1)."""
    if not 0 <= port <= 65535:
        raise fail("pipeline serve", 0, f"--port {port} is not a port; choose one from 1 to 65535 with --port N "
                                        "(0 picks a free one)", code="usage")
    try:
        return PreviewServer(site, port, state, report)
    except OSError as error:
        raise _cannot_listen(port, error) from None


def _cannot_listen(port: int, error: OSError) -> PipelineError:
    choose = "choose another with --port N (0 picks a free one)"
    if error.errno == errno.EADDRINUSE:
        return fail("pipeline serve", 0, f"port {port} on 127.0.0.1 is in use; {choose}", code="usage")
    if error.errno == errno.EACCES:
        return fail("pipeline serve", 0, f"port {port} on 127.0.0.1 is not permitted to this user; {choose}",
                    code="usage")
    return fail("pipeline serve", 0, f"cannot listen on 127.0.0.1:{port}: {error.strerror or error}", code="network")


QUIET_MS = 150  # a save is over once its files are quiet this long (an editor's save is several events)


def watch(paths: list[Path], rebuild: Callable[[set[Path]], None], stop: threading.Event) -> None:
    """Call `rebuild(changed paths)` once for each save, until `stop` is set: events with less than
    QUIET_MS between them (a write in two steps, a temporary file renamed over the old one, a save
    made twice in quick succession) are one batch, and so one call."""
    existing = [str(p) for p in paths if p.exists()]
    for changes in watchfiles.watch(*existing, stop_event=stop, debounce=10 * QUIET_MS, step=QUIET_MS,
                                    watch_filter=lambda change, name: not Path(name).name.startswith(".")):
        rebuild({Path(name) for _, name in changes})
