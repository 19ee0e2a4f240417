"""API tokens: an account's revocable key to the HTTP API (``factcheck serve``).

A token is ``fc_`` and 43 random URL-safe characters, shown once when it is made
(``factcheck users token NAME``); the database keeps its sha256 and its first characters (to
tell tokens apart), so a copy of the database cannot call the API. A request that presents a
token acts as its account, with that account's role and blind review; revoking the token or
disabling the account stops it at once.
"""

from __future__ import annotations

import secrets

from factcheck.errors import AuthenticationError, InputError, NotFoundError, PermissionDeniedError
from factcheck.review import accounts
from factcheck.review.permissions import require
from factcheck.storage import Database
from factcheck.storage import accounts as account_store
from factcheck.storage import tokens as store
from factcheck.storage.review import write_transaction

__all__ = ["TOKEN_PREFIX", "authenticate", "issue_token", "list_tokens", "revoke_token"]

TOKEN_PREFIX = "fc_"
SHOWN_CHARS = 10  # of a token kept in clear to tell tokens apart (the prefix and 7 more)
MAX_LABEL = 80
MAX_TOKEN = 200  # longer is not a token of ours: refused unhashed


def _by(db: Database, actor: str | None) -> str:
    """Who manages tokens: an admin, or None for local administration (recorded as ``cli``)."""
    if actor is None:
        return "cli"
    return require(accounts.get_account(db, actor), "manage_accounts")["name"]


def _label(label: str | None) -> str:
    text = " ".join(str(label or "").split())
    if len(text) > MAX_LABEL:
        raise InputError(f"token label is too long ({len(text)} characters, at most {MAX_LABEL})")
    return text


def issue_token(
    db: Database, actor: str | None, name: str, label: str | None = None
) -> tuple[dict, str]:
    """A new token for account ``name``: its row (never the hash) and the token itself, which
    is not stored and cannot be shown again. ``actor``: an admin, or None (the CLI)."""
    cleaned = _label(label)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction(db):
        by = _by(db, actor)
        account = accounts.get_account(db, name)
        if account["disabled"]:
            raise PermissionDeniedError(
                f"the account {account['name']} is disabled; enable it before giving it a token"
            )
        row = store.insert(
            db,
            account,
            label=cleaned,
            prefix=token[:SHOWN_CHARS],
            token_hash=accounts.token_hash(token),
            actor=by,
        )
    return row, token


def list_tokens(db: Database, name: str, actor: str | None = None) -> list[dict]:
    """The tokens of account ``name`` (id, label, prefix, created, revoked), oldest first."""
    _by(db, actor)
    return store.list_of(db, accounts.get_account(db, name)["id"])


def revoke_token(db: Database, token_id: int, actor: str | None = None) -> dict:
    """Revoke token ``token_id``; revoking it again changes nothing. The token's row."""
    with write_transaction(db):
        by = _by(db, actor)
        found = store.get(db, int(token_id))
        if found is None:
            raise NotFoundError(
                f"no API token {token_id}; list an account's tokens with "
                "`factcheck users tokens NAME`"
            )
        return store.revoke(db, found, actor=by)


def authenticate(db: Database, token: str | None) -> dict:
    """The account that ``token`` acts as; :class:`AuthenticationError` when there is no
    token, it is unknown or revoked, or its account is disabled."""
    token = (token or "").strip()
    if not token:
        raise AuthenticationError("no API token: send the header Authorization: Bearer TOKEN")
    found = store.by_hash(db, accounts.token_hash(token)) if len(token) <= MAX_TOKEN else None
    if found is None or found["revoked_at"] is not None:
        raise AuthenticationError(
            "unknown or revoked API token; an admin issues one with `factcheck users token NAME`"
        )
    account = account_store.get_by_id(db, found["reviewer_id"])
    if account is None or account["disabled"]:
        raise AuthenticationError(f"the account {found['account']} is disabled; ask an admin")
    return account
