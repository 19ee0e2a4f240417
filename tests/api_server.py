"""The HTTP API under test: a real uvicorn server in a thread, on a free loopback port, over
a temporary SQLite file; accounts with tokens; a small word-hashing embedder instead of the
real model (the server runs in this process, so the fake applies to it)."""

from __future__ import annotations

import hashlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import uvicorn

from factcheck.api import create_app
from factcheck.config import load_settings
from factcheck.match import matcher
from factcheck.models import embed
from factcheck.review import accounts, tokens
from factcheck.storage import open_db

DIM = 64


def fake_encode(texts, *, model=None, batch_size=64, show_progress_bar=False, backend=None):
    """Bag-of-words vectors (each word hashed to one of DIM slots), L2-normalised: texts that
    share words are similar, as a real embedder would have them."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in re.findall(r"\w+", str(text).lower()):
            out[row, int(hashlib.sha256(word.encode()).hexdigest(), 16) % DIM] += 1.0
        if not out[row].any():
            out[row, 0] = 1.0
        out[row] /= np.linalg.norm(out[row])
    return out


class ApiServer:
    """A running API: ``base`` URL, ``db`` (a connection of the test's own for seeding) and
    :meth:`client` for an account's token."""

    def __init__(self, db_path: Path, **settings):
        self.db_path = db_path
        self.settings = load_settings(db_path=db_path, **settings)
        self.app = create_app(self.settings)
        self.db = open_db(db_path)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(self.app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the API server did not start")
            time.sleep(0.01)
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.clients: list[httpx.Client] = []
        self.closed = False

    def account(self, name: str, role: str) -> str:
        """A new account and a token of it."""
        accounts.add_account(self.db, None, name, role)
        return tokens.issue_token(self.db, None, name)[1]

    def client(self, token: str | None = None) -> httpx.Client:
        """An HTTP client of the server, sending ``token`` as a bearer token."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.Client(base_url=self.base, headers=headers, timeout=60)
        self.clients.append(client)
        return client

    def as_new(self, name: str, role: str) -> httpx.Client:
        """A client of a new account called ``name`` with ``role``."""
        return self.client(self.account(name, role))

    def close(self) -> None:
        """Stop the server and close the connections (once; a second call does nothing)."""
        if self.closed:
            return
        self.closed = True
        for client in self.clients:
            client.close()
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()
        self.db.close()


@contextmanager
def running(db_path: Path, monkeypatch, **settings) -> Iterator[ApiServer]:
    """An :class:`ApiServer` with the fake embedder, stopped afterwards."""
    monkeypatch.setattr(embed, "encode", fake_encode)
    matcher.clear_cache()
    server = ApiServer(db_path, **settings)
    try:
        yield server
    finally:
        server.close()
        matcher.clear_cache()


def error_of(response: httpx.Response, status: int, code: str | None = None) -> str:
    """The message of a JSON error answer with ``status`` (and ``code``)."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]["message"]
