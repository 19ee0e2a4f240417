"""SQL for API tokens (the ``api_tokens`` table): only a token's hash is stored. Every change
records its event (call inside a transaction); a token's hash never leaves this module."""

from __future__ import annotations

from factcheck.storage import Database, events, one_row, utcnow

PUBLIC_COLUMNS = (
    "t.id, t.reviewer_id, r.name AS account, t.label, t.prefix, t.created_at, t.created_by, "
    "t.revoked_at"
)
"""A token as it is listed: never its hash."""


def insert(
    db: Database,
    account: dict,
    *,
    label: str,
    prefix: str,
    token_hash: str,
    actor: str,
) -> dict:
    """A new token of ``account``; its event names the account and the label, not the token."""
    token_id = events.insert_id(
        db,
        "INSERT INTO api_tokens (reviewer_id, label, prefix, token_hash, created_at, "
        "created_by) VALUES (?, ?, ?, ?, ?, ?)",
        [account["id"], label, prefix, token_hash, utcnow(), actor],
    )
    events.record(
        db,
        actor=actor,
        action="token.created",
        entity="api_tokens",
        entity_id=token_id,
        after={"account": account["name"], "label": label, "prefix": prefix},
    )
    found = get(db, token_id)
    assert found is not None  # just inserted
    return found


def get(db: Database, token_id: int) -> dict | None:
    """The token with id ``token_id`` (without its hash), or None."""
    return one_row(
        db,
        f"SELECT {PUBLIC_COLUMNS} FROM api_tokens t JOIN reviewers r ON r.id = t.reviewer_id "
        "WHERE t.id = ?",
        [token_id],
    )


def by_hash(db: Database, token_hash: str) -> dict | None:
    """The token whose hash is ``token_hash`` (revoked or not), or None."""
    return one_row(
        db,
        f"SELECT {PUBLIC_COLUMNS} FROM api_tokens t JOIN reviewers r ON r.id = t.reviewer_id "
        "WHERE t.token_hash = ?",
        [token_hash],
    )


def list_of(db: Database, account_id: int) -> list[dict]:
    """The tokens of an account, oldest first (without hashes)."""
    return list(
        db.query(
            f"SELECT {PUBLIC_COLUMNS} FROM api_tokens t JOIN reviewers r ON r.id = t.reviewer_id "
            "WHERE t.reviewer_id = ? ORDER BY t.id",
            [account_id],
        )
    )


def revoke(db: Database, token: dict, *, actor: str) -> dict:
    """Mark ``token`` revoked (once) and record it; the row as it is now."""
    cursor = db.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        [utcnow(), token["id"]],
    )
    if cursor.rowcount == 1:
        events.record(
            db,
            actor=actor,
            action="token.revoked",
            entity="api_tokens",
            entity_id=token["id"],
            after={"account": token["account"], "label": token["label"]},
        )
    found = get(db, token["id"])
    assert found is not None  # the row is never deleted
    return found
