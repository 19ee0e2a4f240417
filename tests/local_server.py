"""Local HTTP servers on 127.0.0.1 for tests: a static site and the base for fake APIs."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalServer:
    """A threaded HTTP server on a free loopback port; subclasses give ``_handler()``."""

    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def respond(
    handler: BaseHTTPRequestHandler, status: int, headers: dict, body: bytes, delay: float = 0.0
) -> None:
    """Send one response; a client that stopped reading (size cap, timeout) is not an error."""
    time.sleep(delay)
    handler.send_response(status)
    for key, value in headers.items():
        if value is not None:  # None: leave the header out
            handler.send_header(key, value)
    if "Content-Length" not in headers:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        handler.wfile.write(body)
    except OSError:
        pass


class Site(LocalServer):
    """A tiny web site: path -> (status, headers, body, delay in seconds); 404 elsewhere."""

    def __init__(self):
        self.routes: dict[str, tuple[int, dict, bytes, float]] = {}
        self.requests: list[str] = []
        super().__init__()

    def route(
        self,
        path,
        body=b"",
        *,
        status=200,
        content_type="text/html; charset=utf-8",
        headers=None,
        delay=0.0,
    ) -> str:
        """Serve ``body`` at ``path``; returns its URL."""
        body = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, body, delay)
        return self.base + path

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                site.requests.append(self.path)
                respond(
                    self,
                    *site.routes.get(
                        self.path, (404, {"Content-Type": "text/plain"}, b"not here", 0.0)
                    ),
                )

            def log_message(self, *args):
                pass

        return Handler
