"""The HTTP API's edges, against a running server: API tokens (issued, listed, revoked; only
their hash stored), 401/403, JSON errors, the body limit (413), CORS, offline docs."""

from __future__ import annotations

import hashlib
import json
import re

import httpx
import pytest
from click.testing import CliRunner

from factcheck.cli import cli
from factcheck.review import accounts, tokens
from tests.api_server import error_of, running


@pytest.fixture
def api(db_path, monkeypatch):
    with running(db_path, monkeypatch) as server:
        yield server


def _cli(db_path, *args):
    result = CliRunner().invoke(cli, [*map(str, args), "--db", str(db_path)])
    assert result.exit_code == 0, (result.output, result.stderr)
    return result


def test_users_token_prints_a_token_whose_hash_alone_is_stored(api, db_path):
    _cli(db_path, "users", "add", "Ann", "--role", "checker", "--no-password")
    made = _cli(db_path, "users", "token", "Ann", "--name", "cms")
    token = made.stdout.strip()
    assert re.fullmatch(r"fc_[A-Za-z0-9_-]{43}", token)
    assert "revoke-token 1" in made.stderr
    stored = json.dumps(
        [list(api.db.query(f"SELECT * FROM {table}")) for table in ("api_tokens", "events")]
    )
    assert token not in stored and hashlib.sha256(token.encode()).hexdigest() in stored
    listed = _cli(db_path, "users", "tokens", "Ann", "--format", "json").stdout
    assert '"label": "cms"' in listed and token not in listed and token[:10] in listed

    me = api.client(token).get("/api/me")
    assert me.status_code == 200 and me.json() == {"name": "Ann", "role": "checker"}

    assert "revoked token 1 of Ann" in _cli(db_path, "users", "revoke-token", "1").stdout
    assert "unknown or revoked" in error_of(api.client(token).get("/api/me"), 401)
    events = [e["action"] for e in api.db.query("SELECT action FROM events")]
    assert "token.created" in events and "token.revoked" in events


def test_missing_unknown_and_other_scheme_tokens_get_401_with_a_bearer_challenge(api):
    for headers in ({}, {"Authorization": "Bearer fc_nope"}, {"Authorization": "Basic eDp5"}):
        answer = httpx.get(api.base + "/api/claims", headers=headers)
        error_of(answer, 401, "unauthenticated")
        assert answer.headers["www-authenticate"] == "Bearer"
    long = httpx.get(api.base + "/api/me", headers={"Authorization": "Bearer " + "x" * 5000})
    error_of(long, 401)


def test_a_disabled_account_gets_401_and_again_200_once_enabled(api):
    token = api.account("Bob", "checker")
    client = api.client(token)
    assert client.get("/api/me").status_code == 200
    accounts.set_disabled(api.db, None, "Bob", disabled=True)
    assert "disabled" in error_of(client.get("/api/me"), 401, "unauthenticated")
    accounts.set_disabled(api.db, None, "Bob", disabled=False)
    assert client.get("/api/me").status_code == 200


def test_tokens_need_an_enabled_account_and_admins_to_manage_them(api):
    api.account("Ann", "checker")
    accounts.set_disabled(api.db, None, "Ann", disabled=True)
    with pytest.raises(Exception, match="disabled"):
        tokens.issue_token(api.db, None, "Ann")
    api.account("Eve", "editor")
    with pytest.raises(Exception, match="only admins"):
        tokens.issue_token(api.db, "Eve", "Eve")
    with pytest.raises(Exception, match="no API token 99"):
        tokens.revoke_token(api.db, 99)


def test_roles_are_checked_in_the_core_403(api):
    viewer = api.as_new("Vic", "viewer")
    answer = viewer.post("/api/articles", json={"text": "Taxes rose by 3% in 2023."})
    assert "only checkers" in error_of(answer, 403, "forbidden")
    assert api.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert viewer.get("/api/claims").status_code == 200  # viewers read


def test_errors_are_json_with_meaningful_codes(api):
    client = api.as_new("Ann", "checker")
    error_of(client.get("/api/claims/12345"), 404, "not_found")
    error_of(client.get("/api/nowhere"), 404, "not_found")
    error_of(client.delete("/api/claims"), 405, "method_not_allowed")
    error_of(client.get("/api/claims", params={"limit": 0}), 422, "invalid_request")
    error_of(client.get("/api/claims/0"), 422, "invalid_request")
    error_of(client.get("/api/claims/99999999999999999999"), 422, "invalid_request")
    bad_json = client.post(
        "/api/score", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    error_of(bad_json, 400, "bad_json")
    unknown_field = client.post("/api/score", json={"sentences": ["A."], "extra": 1})
    assert "extra" in error_of(unknown_field, 422, "invalid_request")
    empty = client.post("/api/score", json={"sentences": ["Fine.", "  "]})
    assert "sentence 2 is empty" in error_of(empty, 400, "bad_input")


def test_a_body_over_the_limit_gets_413_declared_or_streamed(db_path, monkeypatch):
    with running(db_path, monkeypatch, api_max_body_bytes=2048) as api:
        client = api.as_new("Ann", "checker")
        big = {"text": "The deficit tripled. " * 200}
        answer = client.post("/api/articles", json=big)
        assert "2,048 bytes" in error_of(answer, 413, "too_large")

        def chunks():  # no Content-Length: the server counts what arrives
            for _ in range(10):
                yield b" " * 1000

        streamed = client.post(
            "/api/score", content=chunks(), headers={"Content-Type": "application/json"}
        )
        error_of(streamed, 413, "too_large")
        assert api.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
        small = client.post("/api/score", json={"sentences": ["Taxes rose by 3%."]})
        assert small.status_code == 200


def test_cors_is_off_unless_origins_are_configured(api, db_path, monkeypatch):
    preflight = {
        "Origin": "https://cms.example.org",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    answer = httpx.options(api.base + "/api/claims", headers=preflight)
    assert "access-control-allow-origin" not in answer.headers
    api.close()
    with running(
        db_path, monkeypatch, api_cors_origins="https://cms.example.org, https://b.example"
    ) as other:
        allowed = httpx.options(other.base + "/api/claims", headers=preflight)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://cms.example.org"
        refused = httpx.options(
            other.base + "/api/claims", headers=preflight | {"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in refused.headers


def test_openapi_and_docs_work_offline(api):
    schema = httpx.get(api.base + "/openapi.json").json()
    assert schema["info"]["title"] == "factcheck"
    for path in (
        "/api/score",
        "/api/articles",
        "/api/claims",
        "/api/claims/{claim_id}",
        "/api/claims/{claim_id}/citations",
        "/api/claims/{claim_id}/verdicts",
        "/api/claims/{claim_id}/publish",
        "/api/search",
        "/api/export",
        "/api/claimreview",
    ):
        assert path in schema["paths"], path
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    page = httpx.get(api.base + "/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assert "http://" not in page.text and "https://" not in page.text
    assert '"validatorUrl": null' in page.text  # Swagger UI's online validator is off
    linked = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert linked and all(link.startswith("/docs/assets/") for link in linked)
    for link in linked:
        asset = httpx.get(api.base + link)
        assert asset.status_code == 200 and len(asset.content) > 100, link
    assert httpx.get(api.base + "/", follow_redirects=False).headers["location"] == "/docs"


def test_serve_with_two_workers_answers_from_the_command_line(db_path):
    """`factcheck serve --workers 2`: uvicorn's processes each make the app from the
    environment (the database given by --db) and honour the same tokens."""
    import os
    import socket
    import subprocess
    import sys
    import time

    _cli(db_path, "users", "add", "Ann", "--role", "checker", "--no-password")
    token = _cli(db_path, "users", "token", "Ann").stdout.strip()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    command = [sys.executable, "-m", "factcheck", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        [*command, "--db", str(db_path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                reply = httpx.get(
                    f"http://127.0.0.1:{port}/api/me",
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=5,
                )
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "factcheck serve --workers 2 did not answer"
                time.sleep(0.2)
        assert reply.status_code == 200 and reply.json()["name"] == "Ann"
    finally:
        server.terminate()
        server.wait(timeout=30)
