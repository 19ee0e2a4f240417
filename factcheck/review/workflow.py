"""Review workflow: reviewers, assignments, verdicts, evidence, adjudication and publishing.

Every action takes ``db`` and ``actor`` (a reviewer's name), checks the rules, and writes its
change with its event in one transaction: an error changes nothing. Actions on one claim take
``expected_version`` (the ``claims.version`` the client loaded); a stale one raises
:class:`ConflictError` (reload and save again). Statuses::

    new -> in_review -> awaiting_second_review -> verdict -> published      (and dismissed)

A saved verdict settles the status: ``awaiting_second_review`` while an assigned reviewer has
not saved or while the reviewers disagree (the editor's adjudication queue), ``verdict`` when all
agree or an editor gave the final verdict. Editors adjudicate and publish; publishing needs a
cited source.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from factcheck.config import load_settings
from factcheck.errors import FactcheckError, InputError, NotFoundError, PermissionDeniedError
from factcheck.review import accounts
from factcheck.review.permissions import allowed, require
from factcheck.review.scales import Scale, get_scale
from factcheck.storage import Database, events
from factcheck.storage import articles as article_store
from factcheck.storage import claims as claim_store
from factcheck.storage import review as store
from factcheck.storage.blind import BLIND_VERSION
from factcheck.storage.review import SORTS, QueueFilters, write_transaction
from factcheck.text import http_url
from factcheck.vocab import (
    MANUAL_STATUSES,
    OPEN_STATUSES,
    REVIEW_STATES,
    REVIEWS_NEEDED,
    STANCES,
    STATUSES,
)

__all__ = [
    "QueueFilters",
    "PermissionDeniedError",
    "WorkflowError",
    "ensure_reviewer",
    "set_role",
    "set_blind_mode",
    "blind_mode",
    "set_reviews_needed",
    "set_organisation",
    "organisation",
    "reviews_needed",
    "save_draft",
    "get_draft",
    "set_scale",
    "claim_scale",
    "assign",
    "bulk_set_status",
    "dismiss",
    "start_review",
    "save_verdict",
    "adjudicate",
    "publish",
    "cite_passage",
    "cite_external",
    "remove_citation",
    "dismiss_evidence",
    "restore_evidence",
    "queue",
    "claim_detail",
    "history",
    "adjudication_queue",
    "annotations_long",
    "import_verdict",
]

DEFAULT_SCALE = "politifact"
MAX_NAME = 80
MAX_TEXT = 20_000
MAX_PAGE = 1000


class WorkflowError(FactcheckError):
    """The action does not fit the claim's current status or evidence."""


# ---------------------------------------------------------------- reviewers and settings


def _clean_name(name: str) -> str:
    return accounts.clean_name(name, "reviewer")


def _reviewer(db: Database, name: str, action: str = "read") -> dict:
    """The signed-in account called ``name``, allowed to do ``action`` (see permissions)."""
    found = store.get_reviewer(db, _clean_name(name))
    if found is None:
        raise NotFoundError(
            f"unknown account {name!r}; an admin creates accounts with `factcheck users add`"
        )
    return require(found, action)


def _editor(db: Database, name: str, action: str) -> dict:
    return _reviewer(db, name, action)


def ensure_reviewer(
    db: Database, name: str, role: str | None = None, *, actor: str | None = None
) -> dict:
    """The reviewer called ``name``, created with ``role`` (default checker) when new.

    An existing reviewer keeps their role: asking for another raises
    :class:`PermissionDeniedError` (an editor changes roles with :func:`set_role`).
    """
    cleaned = _clean_name(name)
    if role is not None:
        accounts.check_role(role)
    with write_transaction(db):
        found = store.get_reviewer(db, cleaned)
        if found is None:
            return store.insert_reviewer(db, cleaned, role or "checker", actor=actor or cleaned)
    if role is not None and found["role"] != role:
        raise PermissionDeniedError(
            f"{found['name']} is registered as {found['role']}; an editor can change the role"
        )
    return found


def set_role(db: Database, actor: str, name: str, role: str) -> dict:
    """Change an account's role (admins only)."""
    return accounts.set_role(db, actor, name, role)


def _article_exists(db: Database, article_id: int | None) -> None:
    if article_id is not None and article_store.get(db, article_id) is None:
        raise NotFoundError(f"no article with id {article_id}")


def set_blind_mode(db: Database, actor: str, enabled: bool, article_id: int | None = None) -> None:
    """Turn blind review on or off, globally or for one article (editors only)."""
    with write_transaction(db):
        editor = _editor(db, actor, "configure")
        _article_exists(db, article_id)
        store.put_setting(
            db, "blind_mode", bool(enabled), actor=editor["name"], article_id=article_id
        )


def blind_mode(db: Database, article_id: int | None = None) -> bool:
    """Whether reviewers of the article's claims review blind (article setting, else global)."""
    return bool(store.get_setting(db, "blind_mode", article_id))


def set_scale(db: Database, actor: str, scale: str, article_id: int | None = None) -> str:
    """Choose the verdict scale, globally or for one article (editors only)."""
    name = get_scale(scale).name
    with write_transaction(db):
        editor = _editor(db, actor, "configure")
        _article_exists(db, article_id)
        store.put_setting(db, "scale", name, actor=editor["name"], article_id=article_id)
    return name


def set_reviews_needed(db: Database, actor: str, needed: int, article_id: int | None = None) -> int:
    """How many independent verdicts a claim needs before it is ready to publish (editors)."""
    try:
        value = int(needed)
    except (TypeError, ValueError):
        value = 0
    if value not in REVIEWS_NEEDED or str(needed).strip() not in {str(n) for n in REVIEWS_NEEDED}:
        raise InputError(
            f"reviews needed must be one of: {', '.join(map(str, REVIEWS_NEEDED))}; got {needed!r}"
        )
    with write_transaction(db):
        editor = _editor(db, actor, "configure")
        _article_exists(db, article_id)
        store.put_setting(db, "reviews_needed", value, actor=editor["name"], article_id=article_id)
    return value


def reviews_needed(db: Database, article_id: int | None = None) -> int:
    """Independent verdicts a claim of the article needs (article setting, else global, else 1)."""
    value = store.get_setting(db, "reviews_needed", article_id)
    return int(value) if value in REVIEWS_NEEDED else 1


def set_organisation(db: Database, actor: str, name: str | None, url: str | None = None) -> dict:
    """The organisation named as author in ClaimReview exports, kept in the database (editors);
    an empty name goes back to the ``org_name``/``org_url`` settings."""
    cleaned = _text(name, "organisation name")
    link = str(url or "").strip() or None
    if len(cleaned) > MAX_NAME * 2:
        raise InputError(f"organisation name is too long (at most {MAX_NAME * 2} characters)")
    if link is not None:
        link = _url(link)
    value = {"name": cleaned, "url": link} if cleaned else None
    with write_transaction(db):
        editor = _editor(db, actor, "configure")
        store.put_setting(db, "organisation", value, actor=editor["name"])
    return organisation(db)


def organisation(db: Database) -> dict:
    """The ClaimReview author: ``name`` and ``url`` set on the desk, else from the settings
    (FACTCHECK_ORG_NAME, FACTCHECK_ORG_URL); ``source`` says which."""
    stored = store.get_setting(db, "organisation")
    if stored and stored.get("name"):
        return {"name": stored["name"], "url": stored.get("url"), "source": "desk"}
    settings = load_settings()
    return {"name": settings.org_name, "url": settings.org_url, "source": "settings"}


def claim_scale(db: Database, article_id: int | None = None) -> Scale:
    """The configured scale of an article (article setting, else global, else politifact)."""
    return get_scale(store.get_setting(db, "scale", article_id) or DEFAULT_SCALE)


# ---------------------------------------------------------------- status rules


def _lock(
    db: Database,
    claim_id: int,
    expected_version: int | None,
    reviewer: dict | None = None,
) -> dict:
    """Compare-and-set on the claim's version. A blinded reviewer's views show
    ``BLIND_VERSION`` (the true version counts others' saves); their write carrying it is not
    compared (the workflow still checks the claim's status)."""
    if reviewer is not None and expected_version == BLIND_VERSION:
        if _blinded(db, claim_store.get(db, int(claim_id)), reviewer):
            expected_version = None
    return store.lock_claim(db, int(claim_id), expected_version)


def _target_status(db: Database, claim: dict) -> str:
    """The status that a claim's assignments and verdicts call for."""
    verdicts = store.verdicts_of(db, claim["id"])
    if any(v["is_final"] for v in verdicts):
        return "verdict"
    individual = [v for v in verdicts if not v["is_final"]]
    if not individual:
        return claim["status"]
    assigned = {r["id"] for r in store.assignees(db, claim["id"])}
    if assigned - {v["reviewer_id"] for v in individual}:
        return "awaiting_second_review"
    if len(individual) < reviews_needed(db, claim["article_id"]):
        return "awaiting_second_review"
    labels = {(v["scale"], v["label"]) for v in individual}
    return "verdict" if len(labels) == 1 else "awaiting_second_review"


def _settle(db: Database, claim: dict, actor: str) -> dict:
    """Move a claim under review to the status its verdicts call for."""
    if claim["status"] not in ("new", *REVIEW_STATES):
        return claim
    target = _target_status(db, claim)
    if target == claim["status"]:
        return claim
    return store.set_status(db, claim, target, actor=actor)


def _require_open(claim: dict, action: str) -> None:
    if claim["status"] in ("published", "dismissed"):
        raise WorkflowError(
            f"claim {claim['id']} is {claim['status']}; an editor must reopen it "
            f"(set its status to in_review) before you {action}"
        )


def _claim_ids(claim_ids) -> list[int]:
    values = [claim_ids] if isinstance(claim_ids, int) else list(claim_ids)
    try:
        ids = list(dict.fromkeys(int(i) for i in values))
    except (TypeError, ValueError):
        raise InputError(f"claim ids must be whole numbers, got {values!r}") from None
    if not ids:
        raise InputError("select at least one claim")
    return ids


# ---------------------------------------------------------------- bulk actions


def assign(db: Database, actor: str, claim_ids, reviewer_names) -> int:
    """Assign every named reviewer to every claim; returns the number of new assignments."""
    ids = _claim_ids(claim_ids)
    names = [reviewer_names] if isinstance(reviewer_names, str) else list(reviewer_names)
    if not names:
        raise InputError("choose at least one reviewer to assign")
    added = 0
    with write_transaction(db):
        assigner = _reviewer(db, actor, "assign")
        reviewers = [_reviewer(db, name, "review") for name in names]
        for claim_id in ids:
            claim = claim_store.get(db, claim_id)
            _require_open(claim, "assign reviewers")
            new = [
                r
                for r in reviewers
                if store.insert_assignment(db, claim, r, actor=assigner["name"])
            ]
            if new:
                added += len(new)
                _settle(db, _lock(db, claim_id, None), assigner["name"])
    return added


def bulk_set_status(
    db: Database, actor: str, claim_ids, status: str, *, reason: str | None = None
) -> list[int]:
    """Set the status of many claims; returns the ids that changed.

    ``verdict`` and ``published`` follow from verdicts and :func:`publish`; leaving
    ``published`` (reopening for a correction) is for editors.
    """
    if status not in MANUAL_STATUSES:
        hint = (
            " (use publish)"
            if status == "published"
            else (" (it follows from saved verdicts)" if status == "verdict" else "")
        )
        raise InputError(
            f"cannot set status {status!r}{hint}; choose one of: {', '.join(MANUAL_STATUSES)}"
        )
    ids = _claim_ids(claim_ids)
    changed = []
    with write_transaction(db):
        reviewer = _reviewer(db, actor, "triage")
        for claim_id in ids:
            claim = claim_store.get(db, claim_id)
            if claim["status"] == status:
                continue
            if claim["status"] == "published" and not allowed(reviewer, "reopen"):
                raise PermissionDeniedError(
                    f"claim {claim_id} is published; only editors can reopen or dismiss it"
                )
            store.set_status(
                db, _lock(db, claim_id, None), status, actor=reviewer["name"], reason=reason
            )
            changed.append(claim_id)
    return changed


def dismiss(db: Database, actor: str, claim_ids, reason: str = "not check-worthy") -> list[int]:
    """Dismiss claims (by default as not check-worthy); returns the ids that changed."""
    return bulk_set_status(db, actor, claim_ids, "dismissed", reason=reason)


# ---------------------------------------------------------------- one claim


def start_review(
    db: Database, actor: str, claim_id: int, *, expected_version: int | None = None
) -> dict:
    """Begin (or join) the review of a claim: new -> in_review; the actor is assigned."""
    with write_transaction(db):
        reviewer = _reviewer(db, actor, "review")
        claim = _lock(db, claim_id, expected_version, reviewer)
        if claim["status"] not in OPEN_STATUSES:
            raise WorkflowError(
                f"claim {claim_id} is {claim['status']}; an editor can assign a further "
                "reviewer or reopen it"
            )
        store.insert_assignment(db, claim, reviewer, actor=reviewer["name"])
        if claim["status"] == "new":
            claim = store.set_status(db, claim, "in_review", actor=reviewer["name"])
        claim = _settle(db, claim, reviewer["name"])
        if _blinded(db, claim, reviewer):  # what the reviewer sees of it, as claim_detail
            claim = claim | {
                "version": BLIND_VERSION,
                "updated_at": claim["created_at"],
                "status": blind_status(claim["status"]),
            }
        return claim


def _confidence(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"confidence must be a number between 0 and 1, got {value!r}") from None
    if isinstance(value, bool) or math.isnan(number) or not 0.0 <= number <= 1.0:
        raise InputError(f"confidence must be a number between 0 and 1, got {value!r}")
    return number


def _text(value, what: str) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_TEXT:
        raise InputError(f"{what} is too long ({len(text)} characters, at most {MAX_TEXT})")
    return text


def _scale_for(db: Database, claim: dict, requested: str | None, reviewer_id: int | None) -> Scale:
    """The scale a verdict on ``claim`` uses: the one the other verdicts use, else configured."""
    others = {
        v["scale"]
        for v in store.verdicts_of(db, claim["id"])
        if v["is_final"] or v["reviewer_id"] != reviewer_id
    }
    if requested is None:
        if others:
            return get_scale(sorted(others)[0])
        return claim_scale(db, claim["article_id"])
    scale = get_scale(requested)
    if others and scale.name not in others:
        raise InputError(
            f"claim {claim['id']} is reviewed on the {', '.join(sorted(others))} "
            f"scale; give your verdict on that scale, not {scale.name!r}"
        )
    return scale


def _verdict_values(scale: Scale, label, confidence, rationale) -> dict:
    canonical = scale.normalise(label)  # UnknownLabelError lists the valid labels
    return {
        "label": canonical,
        "scale": scale.name,
        "ordinal": scale.ordinal(canonical),
        "confidence": _confidence(confidence),
        "rationale": _text(rationale, "rationale"),
    }


def save_verdict(
    db: Database,
    actor: str,
    claim_id: int,
    label: str,
    *,
    scale: str | None = None,
    confidence: float | None = None,
    rationale: str = "",
    expected_version: int | None = None,
) -> dict:
    """Save (or revise) the actor's own verdict; settles the claim's status. Returns the claim.

    The actor's draft of this claim is cleared."""
    with write_transaction(db):
        reviewer = _reviewer(db, actor, "review")
        claim = _lock(db, claim_id, expected_version, reviewer)
        _require_open(claim, "save a verdict")
        chosen = _scale_for(db, claim, scale, reviewer["id"])
        values = _verdict_values(chosen, label, confidence, rationale)
        store.insert_assignment(db, claim, reviewer, actor=reviewer["name"])
        verdict = store.upsert_verdict(db, claim, reviewer, values, actor=reviewer["name"])
        store.link_citations(db, claim["id"], verdict["id"], reviewer["name"])
        store.delete_draft(db, claim["id"], reviewer["id"])
        return _settle(db, claim, reviewer["name"])


def adjudicate(
    db: Database,
    actor: str,
    claim_id: int,
    label: str,
    *,
    scale: str | None = None,
    confidence: float | None = None,
    rationale: str = "",
    expected_version: int | None = None,
) -> dict:
    """The editor's final verdict, stored apart from the individual ones. Returns the claim."""
    with write_transaction(db):
        editor = _editor(db, actor, "adjudicate")
        claim = _lock(db, claim_id, expected_version)
        if claim["status"] not in REVIEW_STATES:
            raise WorkflowError(
                f"claim {claim_id} is {claim['status']}; only a claim under "
                "review can be adjudicated"
            )
        chosen = _scale_for(db, claim, scale, None)
        values = _verdict_values(chosen, label, confidence, rationale)
        store.upsert_verdict(
            db, claim, editor, values, actor=editor["name"], is_final=True, action="verdict.final"
        )
        return _settle(db, claim, editor["name"])


def _consensus(individual: list[dict]) -> dict:
    """The agreed individual verdicts as one final verdict."""
    first = individual[0]
    confidences = [v["confidence"] for v in individual if v["confidence"] is not None]
    if len(individual) == 1:
        rationale = first["rationale"]
    else:
        rationale = "\n\n".join(
            f"{v['reviewer']}: {v['rationale']}" for v in individual if v["rationale"]
        )
    return {
        "label": first["label"],
        "scale": first["scale"],
        "ordinal": first["ordinal"],
        "confidence": sum(confidences) / len(confidences) if confidences else None,
        "rationale": rationale,
    }


def publish(
    db: Database,
    actor: str,
    claim_id: int,
    *,
    expected_version: int | None = None,
    citations: list[int] | None = None,
) -> dict:
    """Publish a claim's verdict (editors only; needs a cited source). Returns the claim.

    ``citations``: the ids of the citations (of any reviewer) the published verdict cites;
    None cites every citation of the claim. Without an editor's final verdict, the agreed
    individual verdict becomes the final one.
    """
    with write_transaction(db):
        editor = _editor(db, actor, "publish")
        claim = _lock(db, claim_id, expected_version)
        if claim["status"] != "verdict":
            raise WorkflowError(
                f"claim {claim_id} is {claim['status']}; only a claim with an agreed or "
                "adjudicated verdict can be published"
            )
        if citations is not None:
            known = {c["id"] for c in store.citations_of(db, claim["id"])}
            unknown = sorted({int(i) for i in citations} - known)
            if unknown:
                raise InputError(
                    f"citation {', '.join(map(str, unknown))} is not a citation of claim "
                    f"{claim_id}; choose from: {', '.join(map(str, sorted(known))) or 'none'}"
                )
        store.choose_final_citations(db, claim, citations, actor=editor["name"])
        if store.count_citations(db, claim["id"], in_final=True) == 0:
            raise WorkflowError(
                f"claim {claim_id} cites no source; cite at least one passage "
                "or external source (and choose it) before publishing"
            )
        if store.get_final(db, claim["id"]) is None:
            individual = [v for v in store.verdicts_of(db, claim["id"]) if not v["is_final"]]
            if not individual:
                raise WorkflowError(f"claim {claim_id} has no verdict to publish")
            store.upsert_verdict(
                db,
                claim,
                editor,
                _consensus(individual),
                actor=editor["name"],
                is_final=True,
                action="verdict.final",
            )
        return store.set_status(db, claim, "published", actor=editor["name"])


# ---------------------------------------------------------------- evidence


def _stance(stance: str) -> str:
    if stance not in STANCES:
        raise InputError(f"unknown stance {stance!r}; choose one of: {', '.join(STANCES)}")
    return stance


def _own_verdict_id(db: Database, claim_id: int, reviewer: dict) -> int | None:
    verdict = store.get_verdict(db, claim_id, reviewer["id"])
    return verdict["id"] if verdict else None


def cite_passage(
    db: Database,
    actor: str,
    claim_id: int,
    passage_id: int,
    stance: str,
    *,
    quote: str | None = None,
    note: str | None = None,
) -> dict:
    """Cite a corpus passage (an evidence card) with a stance; citing again changes the stance.

    The citation is the actor's own: another reviewer citing the same passage gets their own.
    """
    _stance(stance)
    with write_transaction(db):
        reviewer = _reviewer(db, actor, "review")
        claim = claim_store.get(db, claim_id)
        _require_open(claim, "cite evidence")
        store.get_passage(db, passage_id)
        dismissal = store.get_dismissal(db, claim["id"], passage_id, reviewer["name"])
        if dismissal:
            store.delete_dismissal(db, dismissal, actor=reviewer["name"], claim=claim)
        values: dict[str, Any] = {
            "stance": stance,
            "quote": _text(quote, "quote") or None,
            "note": _text(note, "note") or None,
        }
        existing = store.passage_citation(db, claim["id"], passage_id, reviewer["name"])
        if existing is None:
            values |= {
                "passage_id": passage_id,
                "verdict_id": _own_verdict_id(db, claim["id"], reviewer),
            }
            return store.insert_citation(db, claim, values, actor=reviewer["name"])
        changes = {k: v for k, v in values.items() if existing[k] != v}
        if not changes:
            return existing
        return store.update_citation(db, existing, changes, actor=reviewer["name"], claim=claim)


def _url(url: str) -> str:
    return http_url(url, "source URL")


def _accessed(value) -> str:
    if value is None or value == "":
        return datetime.now(UTC).date().isoformat()
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError:
        raise InputError(f"access date must be a date like 2024-05-31, got {value!r}") from None


def cite_external(
    db: Database,
    actor: str,
    claim_id: int,
    url: str,
    stance: str,
    *,
    title: str | None = None,
    quote: str | None = None,
    accessed_at=None,
    note: str | None = None,
) -> dict:
    """Cite an external source (URL, title, quoted passage, access date; default today)."""
    values: dict[str, Any] = {
        "url": _url(url),
        "stance": _stance(stance),
        "title": _text(title, "title") or None,
        "quote": _text(quote, "quote") or None,
        "accessed_at": _accessed(accessed_at),
        "note": _text(note, "note") or None,
    }
    with write_transaction(db):
        reviewer = _reviewer(db, actor, "review")
        claim = claim_store.get(db, claim_id)
        _require_open(claim, "cite evidence")
        values["verdict_id"] = _own_verdict_id(db, claim["id"], reviewer)
        return store.insert_citation(db, claim, values, actor=reviewer["name"])


def remove_citation(db: Database, actor: str, citation_id: int) -> None:
    """Remove a citation (its author or an editor; not while the claim is published)."""
    with write_transaction(db):
        reviewer = _reviewer(db, actor, "review")
        citation = store.get_citation(db, citation_id)
        claim = claim_store.get(db, citation["claim_id"])
        _require_open(claim, "remove a citation")
        if not allowed(reviewer, "see_all") and citation["created_by"] != reviewer["name"]:
            raise PermissionDeniedError(
                f"citation {citation_id} is another reviewer's; only its author or an "
                "editor can remove it"
            )
        store.delete_citation(db, citation, actor=reviewer["name"], claim=claim)


def dismiss_evidence(
    db: Database,
    actor: str,
    claim_id: int,
    passage_id: int,
    reason: str | None = None,
) -> dict:
    """Mark a matched passage irrelevant for a claim, for the actor (replacing the actor's own
    citation of it, if any; other reviewers' citations stay)."""
    with write_transaction(db):
        reviewer = _reviewer(db, actor, "review")
        claim = claim_store.get(db, claim_id)
        _require_open(claim, "dismiss evidence")
        store.get_passage(db, passage_id)
        existing = store.get_dismissal(db, claim["id"], passage_id, reviewer["name"])
        if existing:
            return existing
        citation = store.passage_citation(db, claim["id"], passage_id, reviewer["name"])
        if citation:
            store.delete_citation(db, citation, actor=reviewer["name"], claim=claim)
        return store.insert_dismissal(
            db, claim, passage_id, _text(reason, "reason") or None, actor=reviewer["name"]
        )


def restore_evidence(db: Database, actor: str, claim_id: int, passage_id: int) -> bool:
    """Undo the actor's dismissal; False when they had not dismissed the passage."""
    with write_transaction(db):
        reviewer = _reviewer(db, actor, "review")
        claim = claim_store.get(db, claim_id)
        existing = store.get_dismissal(db, claim["id"], passage_id, reviewer["name"])
        if existing is None:
            return False
        store.delete_dismissal(db, existing, actor=reviewer["name"], claim=claim)
        return True


# ---------------------------------------------------------------- reading


def _checked_filters(filters: QueueFilters) -> QueueFilters:
    statuses = filters.statuses
    if isinstance(statuses, str):
        statuses = (statuses,)
    unknown = [s for s in statuses or () if s not in STATUSES]
    if unknown:
        raise InputError(
            f"unknown status {', '.join(map(repr, unknown))}; choose from: {', '.join(STATUSES)}"
        )
    low, high = filters.min_score, filters.max_score
    for value in (low, high):
        if value is not None and not 0.0 <= value <= 1.0:
            raise InputError(f"score filter must be between 0 and 1, got {value}")
    if low is not None and high is not None and low > high:
        raise InputError(f"minimum score {low} is above the maximum {high}")
    search = (filters.search or "").strip() or None
    return replace(filters, statuses=tuple(statuses) if statuses else None, search=search)


def _viewer(db: Database, viewer: str | None) -> dict | None:
    """The viewing account (None: local administration, which sees everything)."""
    return None if viewer is None else _reviewer(db, viewer, "read")


def _blind_id(viewer: dict | None) -> int | None:
    """The id blind-review SQL filters for; None for those who see everything."""
    if viewer is None or allowed(viewer, "see_all"):
        return None
    return int(viewer["id"])


def blind_viewer_id(db: Database, viewer: str | None) -> int | None:
    """The account id that blind-review filters apply to (None: a viewer who sees all)."""
    return _blind_id(_viewer(db, viewer))


def account(db: Database, name: str, action: str = "read") -> dict:
    """The account called ``name`` when it may do ``action`` (PermissionDeniedError else)."""
    return _reviewer(db, name, action)


def queue(
    db: Database,
    filters: QueueFilters | None = None,
    *,
    sort: str = "score",
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
    viewer: str | None = None,
) -> dict:
    """One page of the review queue: ``rows``, ``total`` matching, ``counts`` per status.

    ``counts`` ignore the status filter (for status tabs). Sorts: score, date, updated,
    position, match. ``viewer`` (an account name) sees, on claims where blind review hides
    others' work from them, no other reviewer's names, verdicts or counts, and statuses that
    would tell (awaiting a second review, agreed) as ``in_review``; filters work on what
    they see. None: local administration, everything.
    """
    filters = _checked_filters(filters or QueueFilters())
    if sort not in SORTS:
        raise InputError(f"unknown sort {sort!r}; choose one of: {', '.join(SORTS)}")
    if not 1 <= int(limit) <= MAX_PAGE or int(offset) < 0:
        raise InputError(f"page size must be 1 to {MAX_PAGE} and offset at least 0")
    viewer_id = _blind_id(_viewer(db, viewer))
    rows = store.queue_rows(
        db,
        filters,
        sort=sort,
        descending=descending,
        limit=int(limit),
        offset=int(offset),
        viewer_id=viewer_id,
    )
    found = store.queue_counts(db, filters, viewer_id)
    counts = {status: found.get(status, 0) for status in STATUSES}
    total = sum(counts[s] for s in (filters.statuses or STATUSES))
    return {"rows": rows, "total": total, "counts": counts, "limit": limit, "offset": offset}


def _blinded(db: Database, claim: dict, viewer: dict) -> bool:
    """Whether ``viewer`` must not see others' work on ``claim`` yet: blind mode is on for its
    article, the claim is not published, the viewer is not an editor and has saved no verdict."""
    if allowed(viewer, "see_all") or claim["status"] == "published":
        return False
    if not blind_mode(db, claim["article_id"]):
        return False
    return store.get_verdict(db, claim["id"], viewer["id"]) is None


BLIND_STATUSES = ("awaiting_second_review", "verdict")
"""Statuses a blinded viewer sees as ``in_review`` (they tell that someone else has saved)."""


def blind_status(status: str) -> str:
    """The status a blinded viewer is shown: ``in_review`` for :data:`BLIND_STATUSES`."""
    return "in_review" if status in BLIND_STATUSES else status


def claim_detail(db: Database, claim_id: int, viewer: str) -> dict:
    """Everything the claim page shows ``viewer`` (an account name).

    Evidence cards carry the viewer's own stance and dismissal. Others' citations come with
    their authors' names; a blind viewer (see :func:`_blinded`) gets none of others' verdicts,
    citations, names or counts, and a status that does not tell.
    """
    reviewer = _reviewer(db, viewer, "read")
    claim = claim_store.get(db, claim_id)
    found = article_store.get(db, claim["article_id"])
    if found is None:  # the claims table's foreign key rules it out
        raise NotFoundError(f"no article with id {claim['article_id']}")
    article = {k: v for k, v in found.items() if k != "text"}
    verdicts = store.verdicts_of(db, claim["id"])
    blinded = _blinded(db, claim, reviewer)
    individual = [v for v in verdicts if not v["is_final"]]
    visible = [v for v in individual if not blinded or v["reviewer_id"] == reviewer["id"]]
    final = next((v for v in verdicts if v["is_final"]), None)
    scale = _scale_for(db, claim, None, reviewer["id"])
    citations = store.citations_of(db, claim["id"])
    own_citations = [c for c in citations if c["created_by"] == reviewer["name"]]
    others = [] if blinded else [c for c in citations if c["created_by"] != reviewer["name"]]
    assignees = store.assignees(db, claim["id"])
    shown_claim = claim
    if blinded:
        assignees = [a for a in assignees if a["id"] == reviewer["id"]]
        shown_claim = claim | {
            "version": BLIND_VERSION,
            "updated_at": claim["created_at"],
            "status": blind_status(claim["status"]),
        }
    return {
        "claim": shown_claim,
        "article": article,
        "viewer": reviewer,
        "can_review": allowed(reviewer, "review"),
        "can_edit_all": allowed(reviewer, "see_all"),
        "assignees": assignees,
        "verdicts": visible,
        "own_verdict": next((v for v in individual if v["reviewer_id"] == reviewer["id"]), None),
        "final_verdict": None if blinded else final,
        "blind": blinded,
        "scale": scale.name,
        "labels": scale.names,
        "citations": own_citations + others,
        "own_citations": own_citations,
        "other_citations": others,
        "evidence": store.evidence_of(db, claim["id"], reviewer["name"]),
        "dismissed_evidence": store.dismissals_of(db, claim["id"], reviewer["name"]),
        "needs_adjudication": False if blinded else store.needs_adjudication(db, claim["id"]),
        "reviews_needed": reviews_needed(db, claim["article_id"]),
        "draft": store.get_draft(db, claim["id"], reviewer["id"]),
    }


HIDDEN_WHEN_BLIND = ("verdicts", "citations", "assignments", "evidence_dismissals", "drafts")
"""Entities whose events by other people a blind viewer does not see."""


def history(db: Database, claim_id: int, viewer: str | None = None) -> list[dict]:
    """A claim's events, oldest first.

    A blind viewer sees their own events and the claim's own (creation, matching); others'
    work, and status changes that would tell of it, are left out (not counted either).
    """
    claim = claim_store.get(db, claim_id)
    rows = events.for_claim(db, claim["id"])
    if viewer is None:
        return rows
    reviewer = _reviewer(db, viewer, "read")
    if not _blinded(db, claim, reviewer):
        return rows
    mine = reviewer["name"].casefold()
    people = {a["name"].casefold() for a in accounts.list_accounts(db)}

    def shown(row: dict) -> bool:
        actor = str(row["actor"]).casefold()
        if actor == mine:
            return True
        if actor in people:  # anything another person did tells of their work or name
            return False
        if row["entity"] in HIDDEN_WHEN_BLIND:
            return False
        if row["action"] == "claim.status":
            return (row.get("after") or {}).get("status") not in BLIND_STATUSES
        return True

    return [row for row in rows if shown(row)]


def adjudication_queue(db: Database, viewer: str | None = None) -> list[dict]:
    """Claims whose reviewers disagree, each with its individual ``verdicts`` (editors)."""
    if viewer is not None:
        _reviewer(db, viewer, "see_all")
    rows = store.adjudication_rows(db)
    return [
        row | {"verdicts": [v for v in store.verdicts_of(db, row["id"]) if not v["is_final"]]}
        for row in rows
    ]


def annotations_long(
    db: Database,
    *,
    scale: str | None = None,
    include_final: bool = False,
    viewer: str | None = None,
) -> list[dict]:
    """Verdicts in long form (claim_id, reviewer, label, scale, ordinal, created_at, ...);
    ``viewer`` gets only the claims where blind review hides nothing from them."""
    return store.annotation_rows(
        db,
        scale=get_scale(scale).name if scale else None,
        include_final=include_final,
        viewer_id=_blind_id(_viewer(db, viewer)),
    )


def blinded_claims(db: Database, viewer: str | None, claim_ids) -> set[int]:
    """Which of ``claim_ids`` hide others' work from ``viewer`` (exports filter on it)."""
    account = _viewer(db, viewer)
    viewer_id = _blind_id(account)
    if viewer_id is None:
        return set()
    return store.blinded_claim_ids(db, viewer_id, list(claim_ids))


# ---------------------------------------------------------------- drafts

MAX_DRAFT = 50_000


def save_draft(db: Database, actor: str, claim_id: int, draft: dict) -> None:
    """Keep the actor's unsaved verdict, rationale, confidence and stance choices on a claim
    (only they ever read it back); an empty draft removes it."""
    values = {k: v for k, v in dict(draft or {}).items() if v not in (None, "", [], {})}
    text = json.dumps(values, ensure_ascii=False, default=str)
    if len(text) > MAX_DRAFT:
        raise InputError(f"draft is too long ({len(text)} characters, at most {MAX_DRAFT})")
    with write_transaction(db):
        reviewer = _reviewer(db, actor, "review")
        claim = claim_store.get(db, claim_id)
        if values:
            store.put_draft(db, claim["id"], reviewer["id"], text)
        else:
            store.delete_draft(db, claim["id"], reviewer["id"])


def get_draft(db: Database, actor: str, claim_id: int) -> dict | None:
    """The actor's own draft on a claim, or None."""
    reviewer = _reviewer(db, actor, "read")
    return store.get_draft(db, int(claim_id), reviewer["id"])


# ---------------------------------------------------------------- imported labels


def _timestamp(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise InputError(
                f"timestamp must be ISO 8601 like 2024-05-31T12:00:00, got {value!r}"
            ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).isoformat(timespec="microseconds")


def import_verdict(
    db: Database,
    actor: str,
    *,
    reviewer: str,
    label: str,
    scale: str,
    claim_id: int | None = None,
    claim_text: str | None = None,
    confidence: float | None = None,
    rationale: str = "",
    created_at=None,
    article: str = "Imported labels",
) -> dict:
    """Store a label given elsewhere (``verdicts import``). Returns claim_id, verdict_id, created.

    The claim is found by id, else by exact text, else created in the 'imported' article
    ``article``; the reviewer is created as a checker when unknown; the claim's status is left
    alone. Importing the same (claim, reviewer) again updates the verdict.
    """
    if (claim_id is None) == (not str(claim_text or "").strip()):
        raise InputError("give either a claim id or a claim text for each imported verdict")
    values = _verdict_values(get_scale(scale), label, confidence, rationale)
    at = _timestamp(created_at)
    name = _clean_name(reviewer)
    with write_transaction(db):
        person = store.get_reviewer(db, name) or store.insert_reviewer(
            db, name, "checker", actor=actor
        )
        created = False
        if claim_id is None:
            assert claim_text is not None  # checked above: an id or a text
            claim_id = store.find_claim_by_text(db, claim_text)
            if claim_id is None:
                article_id = store.imported_article(db, article, actor=actor)
                claim_id = store.insert_imported_claim(db, article_id, claim_text, actor=actor)
                created = True
        claim = _lock(db, claim_id, None)
        verdict = store.upsert_verdict(
            db, claim, person, values, actor=actor, at=at, action="verdict.imported"
        )
    return {"claim_id": claim["id"], "verdict_id": verdict["id"], "claim_created": created}
