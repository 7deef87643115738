"""Live preview: build, serve on 127.0.0.1, rebuild when a source file is saved, reload the page.

Owns watchfiles (file-system notifications, no polling loop of ours) and the preview HTTP server.
The published site needs no JavaScript; only pages served here get a small reload script, which
waits on a server-sent-events stream for the next successful (or failed) rebuild."""

from __future__ import annotations

import functools
import html
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import watchfiles

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


class _Handler(http.server.SimpleHTTPRequestHandler):
    state: PreviewState

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if self.path == RELOAD_PATH:
            return self._events()
        if self.state.errors and (self.path.endswith("/") or self.path.endswith(".html")):
            return self._send(500, error_page(self.state.errors))
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            page = path.read_bytes().replace(b"</body>", RELOAD_SCRIPT.encode() + b"</body>", 1)
            return self._send(200, page)
        return super().do_GET()

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.state.generation
        try:
            while True:
                now = self.state.wait_after(seen, timeout=15)
                message = b"event: rebuilt\ndata: %d\n\n" % now if now != seen else b": keep-alive\n\n"
                self.wfile.write(message)
                self.wfile.flush()
                seen = now
        except (BrokenPipeError, ConnectionResetError):
            return


def start_server(site: Path, port: int, state: PreviewState) -> http.server.ThreadingHTTPServer:
    handler = type("PreviewHandler", (_Handler,), {"state": state})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server


def watch(paths: list[Path], rebuild: Callable[[set[Path]], None], stop: threading.Event) -> None:
    """Call `rebuild(changed paths)` after each burst of saves, until `stop` is set."""
    existing = [str(p) for p in paths if p.exists()]
    for changes in watchfiles.watch(*existing, stop_event=stop, debounce=150, step=25,
                                    watch_filter=lambda change, name: not Path(name).name.startswith(".")):
        rebuild({Path(name) for _, name in changes})
