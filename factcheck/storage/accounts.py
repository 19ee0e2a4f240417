"""SQL for accounts (the ``reviewers`` table), sign-in sessions, failed sign-ins and the
installation's secrets. Every change to an account records its event (call inside a
transaction); password hashes never leave this module except through :func:`password_hash`.
"""

from __future__ import annotations

import secrets as random_secrets

from factcheck.storage import Database, events, one_row, utcnow

PUBLIC_COLUMNS = "id, name, role, disabled, created_at, updated_at"
"""An account as others may see it: never its password hash."""


def get(db: Database, name: str) -> dict | None:
    """The account called ``name`` (case-insensitive), without its hash, or None."""
    return one_row(
        db, f"SELECT {PUBLIC_COLUMNS} FROM reviewers WHERE lower(name) = lower(?)", [name]
    )


def get_by_id(db: Database, account_id: int) -> dict | None:
    return one_row(db, f"SELECT {PUBLIC_COLUMNS} FROM reviewers WHERE id = ?", [account_id])


def password_hash(db: Database, account_id: int) -> str | None:
    row = db.execute("SELECT password_hash FROM reviewers WHERE id = ?", [account_id]).fetchone()
    return row[0] if row else None


def list_all(db: Database) -> list[dict]:
    """Every account (without hashes), by name."""
    return list(db.query(f"SELECT {PUBLIC_COLUMNS} FROM reviewers ORDER BY lower(name), name"))


def count(
    db: Database,
    *,
    role: str | None = None,
    active: bool = False,
    with_password: bool = False,
) -> int:
    sql, params = "SELECT count(*) FROM reviewers WHERE 1 = 1", []
    if role is not None:
        sql += " AND role = ?"
        params.append(role)
    if active:
        sql += " AND disabled = 0"
    if with_password:
        sql += " AND password_hash IS NOT NULL"
    return db.execute(sql, params).fetchone()[0]


def insert(
    db: Database,
    name: str,
    role: str,
    *,
    actor: str,
    password_hash: str | None = None,
) -> dict:
    now = utcnow()
    account_id = events.insert_id(
        db,
        "INSERT INTO reviewers (name, role, password_hash, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [name, role, password_hash, now, now],
    )
    row = get_by_id(db, account_id)
    assert row is not None  # just inserted
    events.record(
        db,
        actor=actor,
        action="reviewer.created",
        entity="reviewers",
        entity_id=account_id,
        after={"name": name, "role": role, "password": password_hash is not None},
    )
    return row


def update(
    db: Database,
    account: dict,
    *,
    actor: str,
    action: str,
    role: str | None = None,
    disabled: bool | None = None,
    password_hash: str | None = None,
) -> dict:
    """Change an account's role, disabled flag or password hash, recording ``action``."""
    changes: dict = {}
    if role is not None:
        changes["role"] = role
    if disabled is not None:
        changes["disabled"] = int(disabled)
    if password_hash is not None:
        changes["password_hash"] = password_hash
    sets = ", ".join(f"{name} = ?" for name in changes)
    db.execute(
        f"UPDATE reviewers SET {sets}, updated_at = ? WHERE id = ?",
        [*changes.values(), utcnow(), account["id"]],
    )
    shown = {k: v for k, v in changes.items() if k != "password_hash"}
    if password_hash is not None:
        shown["password"] = "changed"
    events.record(
        db,
        actor=actor,
        action=action,
        entity="reviewers",
        entity_id=account["id"],
        before={k: account[k] for k in shown if k in account},
        after=shown,
    )
    updated = get_by_id(db, account["id"])
    assert updated is not None
    return updated


# ---------------------------------------------------------------- sign-in


# A try refused because of earlier failures is recorded apart: it must not count as a failure,
# or every try during a lockout would extend it.
FAILED_ACTIONS = {"rate limited": "auth.rate_limited"}


def record_sign_in(
    db: Database, account: dict | None, name: str, *, ok: bool, reason: str = ""
) -> None:
    """An ``auth.signed_in`` or ``auth.failed`` event (the name tried, never a password)."""
    events.record(
        db,
        actor=account["name"] if account else "anonymous",
        action="auth.signed_in" if ok else FAILED_ACTIONS.get(reason, "auth.failed"),
        entity="reviewers",
        entity_id=account["id"] if account else None,
        after={"name": name} | ({"reason": reason} if reason else {}),
    )


def failed_sign_ins_since(db: Database, account_id: int, since: str) -> int:
    row = db.execute(
        "SELECT count(*) FROM events WHERE action = 'auth.failed' AND entity_id = ? AND at >= ?",
        [account_id, since],
    ).fetchone()
    return row[0]


def insert_session(db: Database, account_id: int, token_hash: str, expires_at: str) -> int:
    return events.insert_id(
        db,
        "INSERT INTO sessions (token_hash, reviewer_id, created_at, expires_at) "
        "VALUES (?, ?, ?, ?)",
        [token_hash, account_id, utcnow(), expires_at],
    )


def get_session(db: Database, token_hash: str) -> dict | None:
    return one_row(db, "SELECT * FROM sessions WHERE token_hash = ?", [token_hash])


def revoke_session(db: Database, token_hash: str) -> bool:
    cursor = db.execute(
        "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        [utcnow(), token_hash],
    )
    return cursor.rowcount == 1


def revoke_sessions_of(db: Database, account_id: int) -> int:
    cursor = db.execute(
        "UPDATE sessions SET revoked_at = ? WHERE reviewer_id = ? AND revoked_at IS NULL",
        [utcnow(), account_id],
    )
    return cursor.rowcount


# ---------------------------------------------------------------- secrets


def secret(db: Database, name: str) -> str:
    """The installation's secret ``name``, made (random, 32 bytes) on first use."""
    row = db.execute("SELECT value FROM secrets WHERE name = ?", [name]).fetchone()
    if row:
        return row[0]
    db.execute(
        "INSERT INTO secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [name, random_secrets.token_urlsafe(32), utcnow()],
    )
    return db.execute("SELECT value FROM secrets WHERE name = ?", [name]).fetchone()[0]
