"""Accounts and sign-in: admins create accounts with a role; people sign in with a password
(argon2id hashes), a trusted proxy's header, or not at all on a one-person laptop.

A sign-in gives a session token: a random value signed and timestamped with the installation's
key (itsdangerous); the database keeps only its hash, with an expiry, so a token survives a
reload or a new tab until it expires or its owner signs out, and disabling an account ends its
sessions. Failed sign-ins are recorded as ``auth.failed`` events and, past
``max_failed_signins`` in 15 minutes, refused without checking the password.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from factcheck.config import Settings
from factcheck.errors import AuthenticationError, InputError, NotFoundError, PermissionDeniedError
from factcheck.review.permissions import require
from factcheck.storage import Database
from factcheck.storage import accounts as store
from factcheck.storage.review import write_transaction
from factcheck.vocab import ROLES

__all__ = [
    "LOCAL_ACCOUNT",
    "MIN_PASSWORD",
    "account_from_header",
    "account_from_identity",
    "account_for_token",
    "add_account",
    "create_first_admin",
    "get_account",
    "list_accounts",
    "local_account",
    "needs_first_admin",
    "reset_password",
    "set_disabled",
    "set_role",
    "sign_in",
    "sign_out",
]

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_NAME = 80
RATE_WINDOW = timedelta(minutes=15)
LOCAL_ACCOUNT = "local"
"""The account everyone acts as when the ``auth`` setting is ``none``."""
SECRET_NAME = "session_key"

_hasher = PasswordHasher()
_NAME = re.compile(r"^[^\x00-\x1f\x7f]+$")


def clean_name(name: str, what: str = "account") -> str:
    """An account name: spaces collapsed, 1 to 80 characters, no control characters.
    ``what`` names it in the messages ("account", "reviewer")."""
    cleaned = re.sub(r"\s+", " ", str(name or "")).strip()
    article = "an" if what[:1] in "aeiou" else "a"
    if not cleaned:
        raise InputError(f"enter {article} {what} name")
    if len(cleaned) > MAX_NAME:
        raise InputError(f"{what} name is too long ({len(cleaned)} characters, at most {MAX_NAME})")
    if not _NAME.match(cleaned):
        raise InputError(f"{what} names cannot contain control characters")
    return cleaned


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    return role


def _hash_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InputError(f"a password has at most {MAX_PASSWORD} characters")
    return _hasher.hash(password)


def get_account(db: Database, name: str) -> dict:
    """The account called ``name``, or :class:`NotFoundError` listing how to create one."""
    found = store.get(db, clean_name(name))
    if found is None:
        raise NotFoundError(
            f"no account called {name!r}; an admin creates it with "
            f"`factcheck users add {clean_name(name)!r} --role checker`"
        )
    return found


def _admin(db: Database, actor: str) -> dict:
    return require(get_account(db, actor), "manage_accounts")


# ---------------------------------------------------------------- managing accounts


def needs_first_admin(db: Database) -> bool:
    """True while no enabled admin can sign in with a password (the app then asks for the
    first one): a new database, or one used with sign-in off, whose ``local`` admin has none."""
    return store.count(db, role="admin", active=True, with_password=True) == 0


def add_account(
    db: Database,
    actor: str | None,
    name: str,
    role: str,
    password: str | None = None,
) -> dict:
    """Create an account. ``actor`` must be an admin; None is local administration (the CLI:
    whoever holds the database file), recorded as ``cli``."""
    cleaned = clean_name(name)
    check_role(role)
    digest = _hash_password(password) if password is not None else None
    with write_transaction(db):
        db.serialize(ACCOUNTS_LOCK)
        by = "cli" if actor is None else _admin(db, actor)["name"]
        if store.get(db, cleaned) is not None:
            raise InputError(f"an account called {cleaned!r} exists already")
        return store.insert(db, cleaned, role, actor=by, password_hash=digest)


def create_first_admin(db: Database, name: str, password: str) -> dict:
    """The first admin, on a database without an enabled admin (the app's first start asks
    for it); refused once one exists."""
    cleaned = clean_name(name)
    digest = _hash_password(password)
    with write_transaction(db):
        db.serialize(ACCOUNTS_LOCK)
        if not needs_first_admin(db):
            raise PermissionDeniedError("an admin exists already; sign in as that admin")
        if store.get(db, cleaned) is not None:
            raise InputError(f"an account called {cleaned!r} exists already")
        return store.insert(db, cleaned, "admin", actor=cleaned, password_hash=digest)


def list_accounts(db: Database, actor: str | None = None) -> list[dict]:
    """Every account: name, role, disabled, created and updated (never a password hash)."""
    if actor is not None:
        require(get_account(db, actor), "read")
    return store.list_all(db)


ACCOUNTS_LOCK = "accounts"
"""Account changes that check a rule across accounts (the last admin, the first admin) run one
at a time on every engine (PostgreSQL's READ COMMITTED would let two pass the check at once)."""


def _last_admin_guard(db: Database, account: dict, losing: bool) -> None:
    if losing and account["role"] == "admin" and not account["disabled"]:
        if store.count(db, role="admin", active=True) <= 1:
            raise PermissionDeniedError(
                f"{account['name']} is the last admin; make another admin first"
            )


def set_role(db: Database, actor: str | None, name: str, role: str) -> dict:
    """Change an account's role (admins; ``actor`` None: local administration)."""
    check_role(role)
    with write_transaction(db):
        db.serialize(ACCOUNTS_LOCK)
        by = _admin(db, actor)["name"] if actor is not None else "cli"
        account = get_account(db, name)
        if account["role"] == role:
            return account
        _last_admin_guard(db, account, losing=role != "admin")
        return store.update(db, account, actor=by, action="reviewer.role", role=role)


def set_disabled(db: Database, actor: str | None, name: str, disabled: bool = True) -> dict:
    """Disable (or enable again) an account; disabling ends its sessions."""
    with write_transaction(db):
        db.serialize(ACCOUNTS_LOCK)
        by = _admin(db, actor)["name"] if actor is not None else "cli"
        account = get_account(db, name)
        if bool(account["disabled"]) == disabled:
            return account
        _last_admin_guard(db, account, losing=disabled)
        updated = store.update(
            db,
            account,
            actor=by,
            action="reviewer.disabled" if disabled else "reviewer.enabled",
            disabled=disabled,
        )
        if disabled:
            store.revoke_sessions_of(db, account["id"])
        return updated


def reset_password(db: Database, actor: str | None, name: str, password: str) -> dict:
    """Set a new password (admins, or the account itself); ends the account's sessions."""
    digest = _hash_password(password)
    with write_transaction(db):
        account = get_account(db, name)
        if actor is None:
            by = "cli"
        else:
            me = get_account(db, actor)
            if me["id"] != account["id"]:
                require(me, "manage_accounts", "set another person's password")
            by = me["name"]
        updated = store.update(
            db, account, actor=by, action="reviewer.password", password_hash=digest
        )
        store.revoke_sessions_of(db, account["id"])
        return updated


def local_account(db: Database) -> dict:
    """The account used when sign-in is off (``auth = none``): ``local``, an admin."""
    with write_transaction(db):
        found = store.get(db, LOCAL_ACCOUNT)
        if found is None:
            return store.insert(db, LOCAL_ACCOUNT, "admin", actor=LOCAL_ACCOUNT)
        return found


# ---------------------------------------------------------------- signing in


def token_hash(token: str) -> str:
    """What is stored of a session or API token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _signer(db: Database, settings: Settings) -> TimestampSigner:
    key = settings.secret_key or store.secret(db, SECRET_NAME)
    return TimestampSigner(key, salt="factcheck.session")


def _too_many_failures(db: Database, account: dict, settings: Settings) -> bool:
    since = (datetime.now(UTC) - RATE_WINDOW).isoformat(timespec="microseconds")
    return store.failed_sign_ins_since(db, account["id"], since) >= settings.max_failed_signins


def sign_in(db: Database, name: str, password: str, settings: Settings) -> tuple[dict, str]:
    """Check a name and password; the account and a new session token.

    A failure is one :class:`AuthenticationError` that does not say whether the name exists
    (a disabled account and too many tries say so); every try is recorded as an event.
    """
    try:
        cleaned = clean_name(name)
    except InputError:
        raise AuthenticationError("wrong name or password") from None
    with write_transaction(db):
        account = store.get(db, cleaned)
        failure = _failure(db, account, password, settings)
        if failure is None:
            assert account is not None  # no failure means an account
            store.record_sign_in(db, account, cleaned, ok=True)
            return account, _new_session(db, account, settings)
        reason, message = failure
        store.record_sign_in(db, account, cleaned, ok=False, reason=reason)
    raise AuthenticationError(message)


def _failure(
    db: Database, account: dict | None, password: str, settings: Settings
) -> tuple[str, str] | None:
    """Why a sign-in fails (reason recorded, message shown), or None when it succeeds."""
    wrong = "wrong name or password"
    if account is None:
        return "unknown account", wrong
    if _too_many_failures(db, account, settings):
        minutes = int(RATE_WINDOW.total_seconds() // 60)
        return "rate limited", (
            f"too many failed sign-ins for {account['name']}; try again in {minutes} minutes "
            "or ask an admin to reset the password"
        )
    if account["disabled"]:
        return "disabled", f"the account {account['name']} is disabled; ask an admin"
    digest = store.password_hash(db, account["id"])
    if digest is None:
        return "no password", wrong
    try:
        _hasher.verify(digest, password or "")
    except (VerificationError, VerifyMismatchError, InvalidHashError):
        return "wrong password", wrong
    return None


def _new_session(db: Database, account: dict, settings: Settings) -> str:
    raw = secrets.token_urlsafe(32)
    token = _signer(db, settings).sign(raw).decode("ascii")
    expires = datetime.now(UTC) + timedelta(hours=settings.session_hours)
    store.insert_session(
        db, account["id"], token_hash(token), expires.isoformat(timespec="microseconds")
    )
    return token


def account_for_token(db: Database, token: str | None, settings: Settings) -> dict | None:
    """The account a session token signs in, or None (bad signature, expired, revoked,
    signed out, or the account disabled)."""
    if not token or len(token) > 512:
        return None
    try:
        _signer(db, settings).unsign(token, max_age=int(settings.session_hours * 3600))
    except (BadSignature, SignatureExpired):
        return None
    session = store.get_session(db, token_hash(token))
    if session is None or session["revoked_at"] is not None:
        return None
    if session["expires_at"] <= datetime.now(UTC).isoformat(timespec="microseconds"):
        return None
    account = store.get_by_id(db, session["reviewer_id"])
    if account is None or account["disabled"]:
        return None
    return account


def sign_out(db: Database, token: str | None) -> bool:
    """End the session of ``token``; False when there was none."""
    if not token:
        return False
    with write_transaction(db):
        return store.revoke_session(db, token_hash(token))


# ---------------------------------------------------------------- an identity provider


def account_from_identity(db: Database, user: Mapping) -> dict:
    """``oidc`` mode: the existing account named by the signed-in identity's e-mail address,
    or by its name only when the provider sends no e-mail address (a display name that a person
    can choose never stands in for an e-mail that matches no account); AuthenticationError when
    there is none, the address is marked unverified, or the account is disabled."""
    email = str(user.get("email") or "").strip()
    if email and user.get("email_verified") is False:
        raise AuthenticationError(f"the identity provider has not verified {email}")
    wanted = email or str(user.get("name") or "").strip()
    if not wanted:
        raise AuthenticationError("the identity provider sent neither an e-mail address nor a name")
    try:
        found = get_account(db, wanted)
    except (NotFoundError, InputError):
        raise AuthenticationError(
            f"no account called {wanted!r}; an admin creates it with "
            f"`factcheck users add {wanted!r} --role checker`"
        ) from None
    if found["disabled"]:
        raise AuthenticationError(f"the account {found['name']} is disabled; ask an admin")
    return found


# ---------------------------------------------------------------- a trusted proxy


def _trusted(address: str | None, settings: Settings) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    for entry in settings.trusted_proxies.split(","):
        entry = entry.strip()
        if not entry:
            continue
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def account_from_header(
    db: Database, name: str | None, remote_address: str | None, settings: Settings
) -> dict:
    """The account a trusted reverse proxy names in ``auth_header`` (``header`` mode).

    The header is believed only from an address in ``trusted_proxies``; the account must exist
    and be enabled (the proxy authenticates; the role still comes from the database).
    """
    if not _trusted(remote_address, settings):
        raise AuthenticationError(
            f"the request did not come through a trusted proxy ({remote_address or 'unknown'} "
            f"is not in FACTCHECK_TRUSTED_PROXIES)"
        )
    if not name or not name.strip():
        raise AuthenticationError(f"the proxy sent no {settings.auth_header} header")
    account = store.get(db, clean_name(name))
    if account is None:
        raise AuthenticationError(
            f"no account called {name.strip()!r}; an admin creates it with `factcheck users add`"
        )
    if account["disabled"]:
        raise AuthenticationError(f"the account {account['name']} is disabled; ask an admin")
    return account
