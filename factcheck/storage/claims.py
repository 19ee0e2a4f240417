"""SQL for the claims table (every scored sentence of an article)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from factcheck.errors import ConflictError, NotFoundError
from factcheck.storage import Database, events, utcnow
from factcheck.types import SentenceClaim

JSON_COLUMNS = ("quantities", "entities", "reasons")
EDITABLE = {"text", "speaker", "claim_type", "check_worthy", "status"}


def text_hash(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def insert_many(
    db: Database, article_id: int, claims: Iterable[SentenceClaim], *, actor: str
) -> list[int]:
    """Insert an article's sentences with one event each; call inside a transaction."""
    now = utcnow()
    ids = []
    for claim in claims:
        row = {
            "article_id": article_id,
            "sentence_index": claim.sentence_index,
            "text": claim.text,
            "start": claim.start,
            "end": claim.end,
            "context": claim.context,
            "speaker": claim.speaker,
            "attribution": claim.attribution,
            "quantities": json.dumps(claim.quantities, ensure_ascii=False),
            "entities": json.dumps(claim.entities, ensure_ascii=False),
            "claim_type": claim.claim_type,
            "score": float(claim.score),
            "reasons": json.dumps(claim.reasons, ensure_ascii=False),
            "check_worthy": int(bool(claim.check_worthy)),
            "origin": claim.origin,
            "anchored": int(bool(claim.anchored)),
            "turn": claim.turn,
            "speaker_role": claim.speaker_role,
            "time_start": claim.time_start,
            "time_end": claim.time_end,
            "source_line": claim.source_line,
            "text_hash": text_hash(claim.text),
            "created_at": now,
            "updated_at": now,
        }
        columns = ", ".join(f'"{name}"' for name in row)
        marks = ", ".join("?" for _ in row)
        claim_id = events.insert_id(
            db, f"INSERT INTO claims ({columns}) VALUES ({marks})", list(row.values())
        )
        ids.append(claim_id)
        events.record(
            db,
            actor=actor,
            action="claim.created",
            entity="claims",
            entity_id=claim_id,
            after=_decode(row),
            claim_id=claim_id,
            article_id=article_id,
        )
    return ids


def _decode(row: dict) -> dict:
    row = dict(row)
    for key in JSON_COLUMNS:
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    for key in ("check_worthy", "anchored"):
        if key in row and row[key] is not None:
            row[key] = bool(row[key])
    return row


def get(db: Database, claim_id: int) -> dict:
    rows = list(db.query("SELECT * FROM claims WHERE id = ?", [claim_id]))
    if not rows:
        raise NotFoundError(f"no claim with id {claim_id}")
    return _decode(rows[0])


def list_claims(
    db: Database,
    *,
    article_id: int | None = None,
    min_score: float | None = None,
    include_all: bool = False,
) -> list[dict]:
    """Claims in article order; sentences below the threshold only with ``include_all``."""
    where: list[str] = []
    params: list[int | float] = []
    if not include_all:
        where.append("check_worthy = 1")
    if article_id is not None:
        where.append("article_id = ?")
        params.append(article_id)
    if min_score is not None:
        where.append("score >= ?")
        params.append(min_score)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    sql = f"SELECT * FROM claims {clause} ORDER BY article_id, sentence_index, id"
    return [_decode(row) for row in db.query(sql, params)]


def update(
    db: Database,
    claim_id: int,
    changes: dict,
    *,
    actor: str,
    expected_version: int | None = None,
    action: str = "claim.updated",
) -> dict:
    """Change editable fields with compare-and-set on ``version``; records the event."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"not editable: {', '.join(sorted(unknown))}")
    with db.atomic():
        before = get(db, claim_id)
        if expected_version is not None and before["version"] != expected_version:
            raise ConflictError(
                f"claim {claim_id} was changed by someone else (version {before['version']}, "
                f"you had {expected_version}); reload it and try again"
            )
        values = dict(changes)
        if "text" in values:
            values["text_hash"] = text_hash(values["text"])
        if "check_worthy" in values:
            values["check_worthy"] = int(bool(values["check_worthy"]))
        assignments = ", ".join(f'"{key}" = ?' for key in values)
        cursor = db.execute(
            f"UPDATE claims SET {assignments}, version = version + 1, updated_at = ? "
            "WHERE id = ? AND version = ?",
            [*values.values(), utcnow(), claim_id, before["version"]],
        )
        if cursor.rowcount != 1:
            raise ConflictError(f"claim {claim_id} was changed by someone else; reload it")
        after = get(db, claim_id)
        changed = {k: before[k] for k in changes}
        events.record(
            db,
            actor=actor,
            action=action,
            entity="claims",
            entity_id=claim_id,
            before=changed,
            after={k: after[k] for k in changes},
            claim_id=claim_id,
            article_id=before["article_id"],
        )
    return after
