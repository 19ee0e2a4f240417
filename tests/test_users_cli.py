"""`factcheck users`: local administration of accounts (add, list, set-role, disable, enable,
reset-password), passwords from a hidden prompt or stdin, and one-line refusals."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from factcheck import cli as cli_module
from factcheck.cli import cli
from factcheck.errors import AuthenticationError
from factcheck.review import accounts
from factcheck.storage import events, open_db

PASSWORD = "correct horse battery"


def _users(db_path, *args, input: str | None = None):
    return CliRunner().invoke(cli, ["users", *args, "--db", str(db_path)], input=input)


def _ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.stdout


def _one_error(result, *words: str) -> str:
    """The command failed with exactly one line on stderr, which names ``words``."""
    assert result.exit_code != 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _add(db_path, name, role, password=PASSWORD):
    return _ok(_users(db_path, "add", name, "--role", role, "--password-stdin", input=password))


@pytest.fixture
def admin(db_path):
    _add(db_path, "Ada", "admin")
    return db_path


def _sign_in(db_path, settings, name, password):
    db = open_db(db_path)
    try:
        return accounts.sign_in(db, name, password, settings)
    finally:
        db.close()


def test_add_reads_the_password_from_stdin_and_it_signs_in(admin, settings):
    out = _add(admin, "Ann", "checker", PASSWORD + "\n")
    assert out.strip() == "added Ann as checker (with a password)"
    account, token = _sign_in(admin, settings, "Ann", PASSWORD)
    assert (account["name"], account["role"]) == ("Ann", "checker") and token
    with pytest.raises(AuthenticationError):
        _sign_in(admin, settings, "Ann", PASSWORD + "\n")  # the newline is not the password
    db = open_db(admin)
    created = [e for e in events.for_entity(db, "reviewers", account["id"])]
    assert created[0]["actor"] == "cli" and created[0]["after"]["password"] is True


def test_add_asks_twice_on_a_terminal(admin, settings, monkeypatch):
    monkeypatch.setattr(cli_module, "_stdin_is_tty", lambda: True)
    result = _users(admin, "add", "Bob", "--role", "editor", input=f"{PASSWORD}\n{PASSWORD}\n")
    _ok(result)
    assert result.output.count("Password") == 1 and "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert _sign_in(admin, settings, "Bob", PASSWORD)[0]["role"] == "editor"
    mismatch = _users(admin, "add", "Cy", "--role", "viewer", input=f"{PASSWORD}\nsomething else\n")
    assert mismatch.exit_code != 0 and "do not match" in mismatch.output
    assert "Cy" not in _ok(_users(admin, "list"))


def test_add_without_a_terminal_says_to_use_password_stdin(admin):
    result = _users(admin, "add", "Ann", "--role", "checker", input="")
    _one_error(result, "--password-stdin")
    assert "Ann" not in _ok(_users(admin, "list"))


def test_no_password_accounts_cannot_sign_in_with_a_password(admin, settings):
    out = _ok(_users(admin, "add", "Proxy Pat", "--role", "checker", "--no-password"))
    assert "no password" in out
    with pytest.raises(AuthenticationError, match="wrong name or password"):
        _sign_in(admin, settings, "Proxy Pat", "")
    usage = _users(admin, "add", "Q", "--role", "checker", "--no-password", "--password-stdin")
    assert usage.exit_code == 2


def test_list_in_every_format_never_shows_a_hash(admin):
    _add(admin, "Ann", "checker")
    _ok(_users(admin, "disable", "Ann"))
    rows = json.loads(_ok(_users(admin, "list", "--format", "json")))
    assert [(r["name"], r["role"], r["disabled"]) for r in rows] == [
        ("Ada", "admin", False),
        ("Ann", "checker", True),
    ]
    assert all(set(row) == {"name", "role", "disabled", "created_at"} for row in rows)
    table = _ok(_users(admin, "list"))
    assert "Ann" in table and "checker" in table and "created_at" in table
    parsed = list(csv.DictReader(io.StringIO(_ok(_users(admin, "list", "--format", "csv")))))
    assert [r["name"] for r in parsed] == ["Ada", "Ann"] and list(parsed[0]) == [
        "name",
        "role",
        "disabled",
        "created_at",
    ]
    for fmt in ("table", "json", "csv"):
        text = _ok(_users(admin, "list", "--format", fmt))
        assert "argon2" not in text and "password" not in text


def test_set_role_changes_the_role_and_refuses_unknown_roles(admin):
    _add(admin, "Ann", "checker")
    assert _ok(_users(admin, "set-role", "Ann", "editor")).strip() == "Ann is now editor"
    rows = {r["name"]: r for r in json.loads(_ok(_users(admin, "list", "--format", "json")))}
    assert rows["Ann"]["role"] == "editor"
    line = _one_error(
        _users(admin, "set-role", "Ann", "boss"), "boss", "viewer, checker, editor, admin"
    )
    assert "unknown role" in line
    _one_error(
        _users(admin, "add", "Zed", "--role", "boss", input=PASSWORD),
        "viewer, checker, editor, admin",
    )
    assert "Zed" not in _ok(_users(admin, "list"))


def test_the_last_admin_keeps_the_role_and_stays_enabled(admin):
    _one_error(_users(admin, "set-role", "Ada", "editor"), "last admin")
    _one_error(_users(admin, "disable", "Ada"), "last admin")
    _add(admin, "Bea", "admin")
    _ok(_users(admin, "set-role", "Ada", "editor"))
    _one_error(_users(admin, "disable", "Bea"), "last admin")


def test_short_passwords_and_duplicate_names_are_refused(admin):
    _one_error(
        _users(admin, "add", "Ann", "--role", "checker", "--password-stdin", input="short\n"),
        "at least 8 characters",
    )
    _add(admin, "Ann", "checker")
    _one_error(
        _users(admin, "add", "ann", "--role", "viewer", "--password-stdin", input=PASSWORD),
        "exists already",
    )
    _one_error(
        _users(admin, "reset-password", "Ann", "--password-stdin", input="short\n"),
        "at least 8 characters",
    )


def test_unknown_accounts_are_one_line(admin):
    for args in (
        ("set-role", "Nobody", "checker"),
        ("disable", "Nobody"),
        ("enable", "Nobody"),
        ("reset-password", "Nobody", "--password-stdin"),
    ):
        _one_error(_users(admin, *args, input=PASSWORD), "no account called 'Nobody'")


def test_disable_ends_sessions_and_enable_lets_the_account_back(admin, settings):
    _add(admin, "Ann", "checker")
    _, token = _sign_in(admin, settings, "Ann", PASSWORD)
    assert _ok(_users(admin, "disable", "Ann")).startswith("disabled Ann")
    db = open_db(admin)
    assert accounts.account_for_token(db, token, settings) is None
    with pytest.raises(AuthenticationError, match="disabled"):
        accounts.sign_in(db, "Ann", PASSWORD, settings)
    assert _ok(_users(admin, "enable", "Ann")).strip() == "enabled Ann"
    assert accounts.sign_in(db, "Ann", PASSWORD, settings)[0]["disabled"] == 0


def test_reset_password_replaces_the_old_one_and_ends_sessions(admin, settings, monkeypatch):
    _add(admin, "Ann", "checker")
    _, token = _sign_in(admin, settings, "Ann", PASSWORD)
    new = "a much newer password"
    out = _ok(_users(admin, "reset-password", "Ann", "--password-stdin", input=new + "\n"))
    assert out.startswith("new password set for Ann")
    db = open_db(admin)
    assert accounts.account_for_token(db, token, settings) is None
    with pytest.raises(AuthenticationError):
        accounts.sign_in(db, "Ann", PASSWORD, settings)
    assert accounts.sign_in(db, "Ann", new, settings)[0]["name"] == "Ann"
    _one_error(_users(admin, "reset-password", "Ann", input=""), "--password-stdin")
    monkeypatch.setattr(cli_module, "_stdin_is_tty", lambda: True)
    _ok(_users(admin, "reset-password", "Ann", input=f"{PASSWORD}\n{PASSWORD}\n"))
    assert accounts.sign_in(db, "Ann", PASSWORD, settings)[0]["name"] == "Ann"
