"""Accounts and sign-in: creation by admins, argon2 hashes, sessions that survive and end,
rate-limited failed sign-ins, trusted-proxy headers, and permissions from the account."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest

from factcheck.config import load_settings
from factcheck.errors import AuthenticationError, InputError, NotFoundError, PermissionDeniedError
from factcheck.review import accounts
from factcheck.review import workflow as review
from factcheck.review.permissions import ACTIONS, allowed
from factcheck.storage import events
from factcheck.vocab import ROLES

PASSWORD = "correct horse battery"


@pytest.fixture
def desk(db):
    accounts.create_first_admin(db, "Ada", PASSWORD)
    accounts.add_account(db, "Ada", "Eve", "editor", PASSWORD)
    accounts.add_account(db, "Ada", "Ann", "checker", PASSWORD)
    accounts.add_account(db, None, "Vic", "viewer", PASSWORD)  # the CLI
    return db


def _events(db, action):
    return [
        dict(row) for row in db.query("SELECT * FROM events WHERE action = ? ORDER BY id", [action])
    ]


def test_the_first_admin_is_made_once_and_only_admins_add_accounts(db):
    assert accounts.needs_first_admin(db)
    accounts.create_first_admin(db, "Ada", PASSWORD)
    assert not accounts.needs_first_admin(db)
    with pytest.raises(PermissionDeniedError, match="an admin exists already"):
        accounts.create_first_admin(db, "Mallory", PASSWORD)
    accounts.add_account(db, "Ada", "Ann", "checker", PASSWORD)
    with pytest.raises(PermissionDeniedError, match="only admins can manage accounts"):
        accounts.add_account(db, "Ann", "Bob", "editor", PASSWORD)
    with pytest.raises(InputError, match="viewer, checker, editor, admin"):
        accounts.add_account(db, "Ada", "Bob", "boss", PASSWORD)
    with pytest.raises(InputError, match="at least 8 characters"):
        accounts.add_account(db, "Ada", "Bob", "checker", "short")
    with pytest.raises(InputError, match="exists already"):
        accounts.add_account(db, "Ada", "ann", "checker", PASSWORD)
    assert [a["name"] for a in accounts.list_accounts(db)] == ["Ada", "Ann"]


def test_hashes_are_argon2_and_never_listed(desk):
    (digest,) = desk.execute("SELECT password_hash FROM reviewers WHERE name = 'Ann'").fetchone()
    assert digest.startswith("$argon2id$") and PASSWORD not in digest
    listed = json.dumps(accounts.list_accounts(desk))
    assert "argon2" not in listed and "password_hash" not in listed
    trail = json.dumps([e["after"] for e in events.for_entity(desk, "reviewers", 1)])
    assert "argon2" not in trail and PASSWORD not in trail


def test_sign_in_gives_a_token_that_survives_until_sign_out(desk, settings):
    account, token = accounts.sign_in(desk, "ann", PASSWORD, settings)
    assert account["name"] == "Ann"
    # a reload, a new tab: the same token still names the account
    assert accounts.account_for_token(desk, token, settings)["name"] == "Ann"
    assert accounts.account_for_token(desk, token, settings)["role"] == "checker"
    stored = desk.execute("SELECT token_hash FROM sessions").fetchone()[0]
    assert stored != token and token not in stored  # only a hash is kept
    assert accounts.sign_out(desk, token) is True
    assert accounts.account_for_token(desk, token, settings) is None
    assert accounts.sign_out(desk, token) is False
    assert _events(desk, "auth.signed_in")[0]["actor"] == "Ann"


def test_forged_expired_and_foreign_tokens_are_refused(desk, settings, tmp_path):
    _, token = accounts.sign_in(desk, "Ann", PASSWORD, settings)
    raw, _, _signature = token.rpartition(".")
    assert accounts.account_for_token(desk, raw + ".forged", settings) is None
    assert accounts.account_for_token(desk, "", settings) is None
    assert accounts.account_for_token(desk, "x" * 2000, settings) is None
    other_key = load_settings(db_path=settings.db_path, secret_key="another installation")
    assert accounts.account_for_token(desk, token, other_key) is None
    desk.execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00+00:00'")
    assert accounts.account_for_token(desk, token, settings) is None


def test_failed_sign_ins_are_logged_and_rate_limited(desk, settings):
    for _ in range(settings.max_failed_signins):
        with pytest.raises(AuthenticationError, match="wrong name or password"):
            accounts.sign_in(desk, "Ann", "not the password", settings)
    with pytest.raises(AuthenticationError, match="too many failed sign-ins"):
        accounts.sign_in(desk, "Ann", PASSWORD, settings)  # even the right password
    failed = _events(desk, "auth.failed")
    assert len(failed) == settings.max_failed_signins
    assert len(_events(desk, "auth.rate_limited")) == 1  # logged, but not a failure
    assert all("not the password" not in (e["after"] or "") for e in failed)
    with pytest.raises(AuthenticationError, match="wrong name or password"):
        accounts.sign_in(desk, "Nobody", PASSWORD, settings)  # no hint that the name is unknown


def test_tries_during_a_lockout_do_not_extend_it(desk, settings, monkeypatch):
    for _ in range(settings.max_failed_signins):
        with pytest.raises(AuthenticationError):
            accounts.sign_in(desk, "Ann", "not the password", settings)
    time.sleep(0.3)
    for _ in range(3):  # an attacker (or the owner) keeps trying during the lockout
        with pytest.raises(AuthenticationError, match="too many failed sign-ins"):
            accounts.sign_in(desk, "Ann", "not the password either", settings)
    # the window passes for the failures, not for the refused tries: the owner gets back in
    monkeypatch.setattr(accounts, "RATE_WINDOW", timedelta(seconds=0.2))
    assert accounts.sign_in(desk, "Ann", PASSWORD, settings)[0]["name"] == "Ann"


def test_an_admin_without_password_asks_for_a_first_admin(db, settings):
    """After sign-in was off (FACTCHECK_AUTH=none), the ``local`` admin has no password: the
    password mode asks for a first admin instead of locking everyone out."""
    assert accounts.local_account(db)["role"] == "admin"
    assert accounts.needs_first_admin(db)
    accounts.create_first_admin(db, "Ada", PASSWORD)
    assert not accounts.needs_first_admin(db)
    assert accounts.sign_in(db, "Ada", PASSWORD, settings)[0]["role"] == "admin"


def test_disabled_accounts_cannot_sign_in_and_lose_their_sessions(desk, settings):
    _, token = accounts.sign_in(desk, "Ann", PASSWORD, settings)
    accounts.set_disabled(desk, "Ada", "Ann")
    assert accounts.account_for_token(desk, token, settings) is None
    with pytest.raises(AuthenticationError, match="disabled"):
        accounts.sign_in(desk, "Ann", PASSWORD, settings)
    with pytest.raises(PermissionDeniedError, match="disabled"):
        review.set_blind_mode(desk, "Ann", True)
    accounts.set_disabled(desk, "Ada", "Ann", False)
    assert accounts.sign_in(desk, "Ann", PASSWORD, settings)[0]["name"] == "Ann"


def test_password_reset_ends_sessions_and_only_admins_reset_others(desk, settings):
    _, token = accounts.sign_in(desk, "Ann", PASSWORD, settings)
    with pytest.raises(PermissionDeniedError):
        accounts.reset_password(desk, "Ann", "Eve", "a new password!")
    accounts.reset_password(desk, "Ann", "Ann", "my new password")
    assert accounts.account_for_token(desk, token, settings) is None
    with pytest.raises(AuthenticationError):
        accounts.sign_in(desk, "Ann", PASSWORD, settings)
    accounts.reset_password(desk, "Ada", "Ann", "reset by admin")
    assert accounts.sign_in(desk, "Ann", "reset by admin", settings)[0]["name"] == "Ann"


def test_the_last_admin_cannot_be_demoted_or_disabled(desk):
    with pytest.raises(PermissionDeniedError, match="last admin"):
        accounts.set_role(desk, "Ada", "Ada", "editor")
    with pytest.raises(PermissionDeniedError, match="last admin"):
        accounts.set_disabled(desk, None, "Ada")
    accounts.set_role(desk, "Ada", "Eve", "admin")
    assert accounts.set_role(desk, "Eve", "Ada", "editor")["role"] == "editor"


def test_a_trusted_proxy_names_the_account_and_nobody_else_can(desk, settings):
    assert accounts.account_from_header(desk, "Ann", "127.0.0.1", settings)["role"] == "checker"
    with pytest.raises(AuthenticationError, match="trusted proxy"):
        accounts.account_from_header(desk, "Ada", "203.0.113.9", settings)
    with pytest.raises(AuthenticationError, match="trusted proxy"):
        accounts.account_from_header(desk, "Ada", None, settings)
    with pytest.raises(AuthenticationError, match="no account"):
        accounts.account_from_header(desk, "Mallory", "127.0.0.1", settings)
    network = load_settings(db_path=settings.db_path, trusted_proxies="10.0.0.0/8")
    assert accounts.account_from_header(desk, "Eve", "10.1.2.3", network)["name"] == "Eve"
    with pytest.raises(AuthenticationError, match="trusted proxy"):
        accounts.account_from_header(desk, "Eve", "127.0.0.1", network)
    accounts.set_disabled(desk, "Ada", "Eve")
    with pytest.raises(AuthenticationError, match="disabled"):
        accounts.account_from_header(desk, "Eve", "10.1.2.3", network)


def test_local_mode_acts_as_one_local_admin(db):
    local = accounts.local_account(db)
    assert (local["name"], local["role"]) == (accounts.LOCAL_ACCOUNT, "admin")
    assert accounts.local_account(db)["id"] == local["id"]


def test_roles_allow_what_the_ones_before_them_do():
    ranks = {role: {a for a in ACTIONS if allowed({"role": role}, a)} for role in ROLES}
    assert ranks["viewer"] == {"read"}
    assert ranks["viewer"] < ranks["checker"] < ranks["editor"] < ranks["admin"]
    assert "publish" in ranks["editor"] and "manage_accounts" not in ranks["editor"]
    assert not allowed({"role": "admin", "disabled": 1}, "read")


def test_permissions_are_checked_in_the_core(desk):
    article = desk.execute(
        "INSERT INTO articles (source, text, content_hash, ingested_at) "
        "VALUES ('t', 'Prices rose 5%.', 'h', '2024') RETURNING id"
    ).fetchone()[0]
    claim_id = desk.execute(
        'INSERT INTO claims (article_id, sentence_index, text, start, "end", score, '
        "check_worthy, text_hash, created_at, updated_at) "
        "VALUES (?, 0, 'Prices rose 5%.', 0, 15, 0.9, 1, 't', '2024', '2024') RETURNING id",
        [article],
    ).fetchone()[0]
    with pytest.raises(PermissionDeniedError, match="only checkers can review claims; Vic"):
        review.save_verdict(desk, "Vic", claim_id, "False")
    with pytest.raises(PermissionDeniedError, match="only editors can assign"):
        review.assign(desk, "Ann", [claim_id], ["Ann"])
    with pytest.raises(PermissionDeniedError, match="only editors"):
        review.set_reviews_needed(desk, "Ann", 2)
    assert review.claim_detail(desk, claim_id, "Vic")["can_review"] is False
    with pytest.raises(NotFoundError, match="unknown account"):
        review.claim_detail(desk, claim_id, "Mallory")
