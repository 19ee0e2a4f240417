"""What a viewer may see of the reviewed claims in exports and agreement figures.

The rule (documented in full in :mod:`factcheck.export.verdicts`): local administration
(``viewer`` None) and accounts allowed ``see_all`` (editors, admins) see everything. For anyone
else, claims where blind review hides others' work from them
(:func:`factcheck.review.workflow.blinded_claims`) are *hidden* (left out entirely), and an
account that may not review (the ``viewer`` role) sees the remaining claims of articles under
blind mode *restricted*: the claim and its published verdict and sources, never a reviewer's
own work (names, labels, rationales, citations' authors and notes, events).

Everyone sees, for a published claim, the sources its published verdict cites (the citations
the editor chose, ``in_final``); a claim published before that choice existed (none chosen)
shows all its citations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from factcheck.review import workflow
from factcheck.review.permissions import allowed
from factcheck.storage import Database
from factcheck.storage import accounts as account_store
from factcheck.storage import export as store

__all__ = ["EVERYTHING", "HIDDEN_WHEN_BLIND", "Visibility", "visibility"]

HIDDEN_WHEN_BLIND = workflow.HIDDEN_WHEN_BLIND
"""Entities whose events are a reviewer's own work (verdicts, citations, assignments, ...)."""

DESK_EVENTS = ("verdict.final",)
"""Events on those entities that belong to the published record (the editor's final verdict)."""


@dataclass(frozen=True)
class Visibility:
    """What one viewer may see of a set of claims.

    ``hidden``: claims left out entirely. ``restricted``: claims shown without any reviewer's
    own work. ``roles``: every account's role by case-folded name (restricted event logs keep
    the desk's events only).
    """

    viewer: str | None = None
    sees_all: bool = True
    hidden: frozenset[int] = frozenset()
    restricted: frozenset[int] = frozenset()
    roles: dict[str, dict] = field(default_factory=dict)

    def shown(self, claim_id: int) -> bool:
        """Whether the claim appears at all."""
        return int(claim_id) not in self.hidden

    def per_reviewer(self, claim_id: int) -> bool:
        """Whether the viewer sees each reviewer's own work on the claim."""
        return int(claim_id) not in self.hidden and int(claim_id) not in self.restricted

    # ------------------------------------------------------------------- citations

    def citations(self, rows: list[dict], status: dict[int, str]) -> list[dict]:
        """The citation rows (with ``claim_id``, ``in_final``, ``cited_by``, ``note``) the
        viewer sees; ``status`` maps each claim id to its status.

        A published claim's are those its published verdict cites (all of them when none was
        chosen); on a restricted claim, only those, without who cited them or their notes
        (nothing at all while it is not published)."""
        chosen: dict[int, bool] = {}
        for row in rows:
            if row.get("in_final"):
                chosen[row["claim_id"]] = True
        out = []
        for row in rows:
            claim_id = row["claim_id"]
            if not self.shown(claim_id):
                continue
            published = status.get(claim_id) == "published"
            restricted = not self.per_reviewer(claim_id)
            if (published or restricted) and chosen.get(claim_id) and not row.get("in_final"):
                continue
            if restricted:
                if not published:
                    continue
                row = row | {"cited_by": None, "note": None}
            out.append(row)
        return out

    # ------------------------------------------------------------------- events

    def _desk(self, actor) -> bool:
        """Whether an event's actor is the desk (an editor or admin) or not a person (ingest,
        imports), or the viewer."""
        name = str(actor or "").casefold()
        if self.viewer is not None and name == self.viewer.casefold():
            return True
        account = self.roles.get(name)
        return account is None or allowed(account | {"disabled": 0}, "see_all")

    def events(self, rows: list[dict]) -> list[dict]:
        """The event rows (``claim_id``, ``actor``, ``entity``, ``action``) the viewer sees: all
        on claims where they see each reviewer's work; on restricted claims the record of the
        claim and of its published verdict made by the desk, none of a reviewer's own work."""
        out = []
        for row in rows:
            claim_id = row["claim_id"]
            if claim_id is None or not self.shown(claim_id):
                continue
            if not self.per_reviewer(claim_id):
                own_work = row["entity"] in HIDDEN_WHEN_BLIND and row["action"] not in DESK_EVENTS
                if own_work or not self._desk(row["actor"]):
                    continue
            out.append(row)
        return out


EVERYTHING = Visibility()
"""Local administration: every claim, every reviewer's work."""


def visibility(db: Database, viewer: str | None, claim_ids: Iterable[int]) -> Visibility:
    """What ``viewer`` (an account name; None: local administration) may see of the claims.

    An unknown account raises NotFoundError, a disabled one PermissionDeniedError."""
    if viewer is None:
        return EVERYTHING
    account = workflow.account(db, viewer, "read")
    if allowed(account, "see_all"):
        return Visibility(account["name"])
    ids = [int(i) for i in claim_ids]
    hidden = workflow.blinded_claims(db, account["name"], ids)
    restricted: set[int] = set()
    if not allowed(account, "review"):
        restricted = store.blind_mode_claim_ids(db, ids) - hidden
    return Visibility(
        account["name"],
        False,
        frozenset(hidden),
        frozenset(restricted),
        {row["name"].casefold(): row for row in account_store.list_all(db)},
    )
