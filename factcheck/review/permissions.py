"""Who may do what: each action needs a least role (roles in :data:`factcheck.vocab.ROLES`,
each allowed what the ones before it are). Checked in the core, from the account the caller
signed in as, never from a name typed into a form."""

from __future__ import annotations

from factcheck.errors import PermissionDeniedError
from factcheck.vocab import ROLES

RANK = {role: rank for rank, role in enumerate(ROLES)}

ACTIONS: dict[str, str] = {
    "read": "viewer",
    "review": "checker",  # start a review, cite, dismiss evidence, save one's verdict, drafts
    "triage": "checker",  # set the status of claims that are not published
    "assign": "editor",
    "adjudicate": "editor",
    "publish": "editor",
    "reopen": "editor",  # move a published claim back
    "configure": "editor",  # scales, blind mode, reviews needed, the organisation
    "see_all": "editor",  # every reviewer's work, also in blind mode
    "manage_feeds": "editor",  # add, pause, remove watched feeds
    "manage_accounts": "admin",
}
"""Each action and the least role that may do it."""

WHAT = {
    "read": "read claims",
    "review": "review claims",
    "triage": "change claim statuses",
    "assign": "assign reviewers",
    "adjudicate": "adjudicate",
    "publish": "publish",
    "reopen": "reopen published claims",
    "configure": "change the desk's settings",
    "see_all": "see every reviewer's work",
    "manage_feeds": "manage watched feeds",
    "manage_accounts": "manage accounts",
}


def allowed(account: dict, action: str) -> bool:
    """Whether ``account`` (a row with ``role`` and ``disabled``) may do ``action``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of: {', '.join(ACTIONS)}")
    if account.get("disabled"):
        return False
    return RANK.get(account["role"], -1) >= RANK[ACTIONS[action]]


def require(account: dict, action: str, what: str | None = None) -> dict:
    """``account`` when it may do ``action``, else :class:`PermissionDeniedError`."""
    if account.get("disabled"):
        raise PermissionDeniedError(f"the account {account['name']} is disabled")
    if not allowed(account, action):
        needed = ACTIONS[action]
        raise PermissionDeniedError(
            f"only {needed}s can {what or WHAT[action]}; {account['name']} is a {account['role']}"
        )
    return account
