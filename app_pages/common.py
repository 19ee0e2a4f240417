"""Helpers shared by the pages: settings, one database connection per rerun, signing in and the
signed-in account, safe rendering of untrusted text, the queue's state, keyboard shortcut help."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from urllib.parse import urlparse

import streamlit as st

from factcheck.config import Settings, load_settings
from factcheck.errors import FactcheckError
from factcheck.review import accounts
from factcheck.review.permissions import ACTIONS, WHAT, allowed
from factcheck.storage import open_db, shown_location
from factcheck.storage.review import SORTS, QueueFilters
from factcheck.text import escape_markdown as safe_md  # the pages' name for it
from factcheck.vocab import OPEN_STATUSES, STATUSES
from factcheck.workbench import PAGE_SIZES

DB_KEY = "_fc_db"
QUEUE_KEY = "fc_queue_state"
CLAIM_PAGE = "app_pages/claim.py"
QUEUE_PAGE = "app_pages/queue.py"

# Keyboard shortcuts (Streamlit's own st.button(shortcut=...): they are ignored while the
# cursor is in a text field, so typing a rationale never triggers them).
SHORTCUTS = [
    ("1 … 9, 0", "Claim", "pick the verdict with that number on the scale"),
    ("S", "Claim", "save the verdict and open the next claim of the queue"),
    ("J", "Claim", "next claim of the queue (without saving)"),
    ("K", "Claim", "previous claim of the queue"),
    ("Q", "Claim", "back to the queue"),
    ("O", "Queue", "open the selected claim (or the first one)"),
    ("J / K", "Queue", "next / previous page of the queue"),
    ("H", "Any page", "show or hide this list"),
]


def short_time(value) -> str:
    """An ISO timestamp as 'YYYY-MM-DD HH:MM:SS' (UTC), for tables."""
    return str(value or "")[:19].replace("T", " ")


def safe_url(url) -> str | None:
    """``url`` when it is an http(s) URL with a host, else None (never javascript:, data:)."""
    text = str(url or "").strip()
    parsed = urlparse(text)
    if (
        parsed.scheme in ("http", "https")
        and parsed.netloc
        and not any(ch.isspace() for ch in text)
    ):
        return text
    return None


def settings() -> Settings:
    try:
        return load_settings()
    except FactcheckError as error:
        st.error(str(error))
        st.stop()


@st.cache_resource(show_spinner=False)
def _migrated(location: str) -> bool:
    """Create or migrate the database once per server process (not on every rerun: the
    migration check and the planner-statistics check read the database each time)."""
    open_db(location).close()
    return True


def database():
    """This rerun's connection (opened on first use, closed by app.py when the run ends)."""
    db = st.session_state.get(DB_KEY)
    if db is None:
        location = settings().db_path
        try:
            _migrated(str(location))
            db = open_db(location, migrate=False)
        except FactcheckError as error:
            st.error(str(error))
            st.stop()
        st.session_state[DB_KEY] = db
    return db


def close_database() -> None:
    db = st.session_state.pop(DB_KEY, None) if DB_KEY in st.session_state else None
    if db is not None:
        try:
            db.close()
        except Exception:  # noqa: BLE001 - a closed or broken connection is gone either way
            pass


@st.cache_resource(show_spinner=False)
def _demo_state(db_path: str) -> dict:
    """Per database path and server: a lock (one session loads the demo, others wait), whether
    it was checked, and why its claims were not matched."""
    return {"lock": threading.Lock(), "checked": False, "match_error": None}


def _load_demo_now(state: dict) -> None:
    """Load the demo into an empty database, its progress on the page."""
    from factcheck.demo import ensure_demo, is_empty

    db = None
    try:
        db = open_db(settings().db_path)
        if not is_empty(db):
            return
        with st.status("Loading the demo article…", expanded=True) as box:
            bar = st.progress(0.0, text="starting")
            result = ensure_demo(
                db, settings(), lambda message, done: bar.progress(done, text=safe_md(message))
            )
            box.update(label="Demo loaded", state="complete", expanded=False)
        state["match_error"] = result.match_error if result else None
    except FactcheckError as error:
        st.warning(f"Demo not loaded: {error}")
    finally:
        if db is not None:
            db.close()


def load_demo_once() -> None:
    """On first start with an empty database, load the demo (once per database path and
    server: another window waits meanwhile); nothing to do (or draw) on a database with
    articles."""
    state = _demo_state(str(settings().db_path))
    if not state["checked"]:
        lock = state["lock"]
        if not lock.acquire(blocking=False):
            with st.spinner("Another window is loading the demo article…"):
                lock.acquire()
        try:
            if not state["checked"]:
                _load_demo_now(state)
                state["checked"] = True
        finally:
            lock.release()
    if state["match_error"]:
        st.warning(f"Demo claims not matched: {safe_md(state['match_error'])}")


# ---------------------------------------------------------------- widget values across pages


def keep(*keys: str, defaults: dict | None = None) -> None:
    """Keep widget values across page switches (Streamlit drops the state of widgets that a
    run does not draw): restore each key from its shadow copy, else its default, and shadow it.
    Call before drawing the widgets."""
    defaults = defaults or {}
    for key in keys:
        shadow = f"_keep_{key}"
        if key not in st.session_state:
            if shadow in st.session_state:
                st.session_state[key] = st.session_state[shadow]
            elif key in defaults:
                st.session_state[key] = defaults[key]
        if key in st.session_state:
            st.session_state[shadow] = st.session_state[key]


# ---------------------------------------------------------------- who is working
#
# The signed-in account is resolved afresh on every run (a role changed or an account disabled
# meanwhile takes effect at once) according to the ``auth`` setting:
#   password  the session token kept in st.session_state[TOKEN_KEY], else the one in the
#             ``factcheck_session`` cookie (so a reload, a new tab or a deep link stays signed
#             in); AppTests sign in by putting a token from ``accounts.sign_in`` under TOKEN_KEY
#   header    the account a trusted reverse proxy names in ``auth_header``
#   oidc      Streamlit's own sign-in (st.login / st.user), mapped to an existing account
#   none      everyone acts as the local admin account
# The account of this run (id, name, role) is kept under ACCOUNT_KEY for the pages.

SESSION_COOKIE = "factcheck_session"
"""The browser cookie holding the session token (shared with the browser tests and bench)."""
TOKEN_KEY = "fc_token"
"""st.session_state key of this browser session's token (password mode)."""
ACCOUNT_KEY = "fc_account"
"""st.session_state key of this run's signed-in account (id, name, role)."""
LOOPBACK = "127.0.0.1"
NONE_BANNER = "Sign-in is off (FACTCHECK_AUTH=none): everyone using this app acts as '{name}'"


def request_context() -> dict:
    """This browser connection's request headers, cookies and address (st.context); tests
    replace this function, since AppTest cannot fake st.context's request fields."""
    try:
        headers = dict(st.context.headers)
        cookies = dict(st.context.cookies)
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no browser connection (bare or test runs)
        headers, cookies, address = {}, {}, None
    # Streamlit reports a connection from the same host (the usual reverse proxy) as None.
    return {"headers": headers, "cookies": cookies, "ip": address or LOOPBACK}


def _public(account: dict) -> dict:
    return {key: account[key] for key in ("id", "name", "role")}


def header_account(
    db, headers: Mapping[str, str], remote_address: str | None, config: Settings
) -> dict:
    """``header`` mode: the account named in the ``auth_header`` request header, believed only
    from a trusted proxy (AuthenticationError otherwise)."""
    wanted = config.auth_header.casefold()
    name = next((value for key, value in headers.items() if key.casefold() == wanted), None)
    return accounts.account_from_header(db, name, remote_address, config)


identity_account = accounts.account_from_identity  # oidc mode (the rule lives in the core)


def oidc_configured() -> bool:
    """Whether Streamlit's sign-in is configured (an [auth] section in .streamlit/secrets.toml)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def cookie_script(token: str | None, max_age: int) -> str:
    """JavaScript (for a same-origin iframe) that sets, or with ``token`` None clears, the
    session cookie of the page around it."""
    value = json.dumps(token or "").replace("<", "\\u003c")
    return (
        "<script>(function () {"
        f"var parts = ['{SESSION_COOKIE}=' + {value}, 'Path=/', 'Max-Age={int(max_age)}',"
        " 'SameSite=Strict'];"
        " if (window.parent.location.protocol === 'https:') { parts.push('Secure'); }"
        " window.parent.document.cookie = parts.join('; ');"
        "})();</script>"
    )


def _write_cookie(token: str | None, max_age: int, *, in_sidebar: bool = True) -> None:
    # Streamlit cannot set cookies on its responses, so a script in a same-origin iframe writes
    # it on the page; for that reason the cookie cannot be HttpOnly (scripts of the page can
    # read it). SameSite=Strict keeps other sites from sending it; Secure over https.
    # (st.iframe is the successor of the deprecated st.components.v1.html.)
    # Signed out, the sidebar stays closed: the script goes on the page.
    with st.sidebar if in_sidebar else st.container(height=1, border=False):
        st.iframe(cookie_script(token, max_age), height=1, tab_index=-1, alt="session cookie")


def _password_account(db, config: Settings) -> dict | None:
    ss = st.session_state
    token = ss.get(TOKEN_KEY)
    found = accounts.account_for_token(db, token, config) if token else None
    if found is None:
        ss.pop(TOKEN_KEY, None)
        cookie = request_context()["cookies"].get(SESSION_COOKIE)
        found = accounts.account_for_token(db, cookie, config) if cookie else None
        if found is not None:
            ss[TOKEN_KEY] = cookie
    return found


def _sign_in() -> None:
    ss = st.session_state
    password = ss.get("fc_signin_password") or ""
    ss["fc_signin_password"] = ""  # never kept
    try:
        _account, token = accounts.sign_in(
            database(), ss.get("fc_signin_name") or "", password, settings()
        )
    except FactcheckError as error:
        ss["fc_signin_error"] = str(error)
    else:
        ss[TOKEN_KEY] = token


def _create_first_admin() -> None:
    ss = st.session_state
    name = ss.get("fc_admin_name") or ""
    password, again = ss.get("fc_admin_password") or "", ss.get("fc_admin_again") or ""
    ss["fc_admin_password"] = ss["fc_admin_again"] = ""
    if password != again:
        ss["fc_signin_error"] = "the two passwords differ; type the same password twice"
        return
    try:
        accounts.create_first_admin(database(), name, password)
        _account, token = accounts.sign_in(database(), name, password, settings())
    except FactcheckError as error:
        ss["fc_signin_error"] = str(error)
    else:
        ss[TOKEN_KEY] = token
        flash(
            f"Welcome, {safe_md(name.strip())}: you are the admin. Add accounts on the Accounts page."
        )


def _show_sign_in_error() -> None:
    message = st.session_state.pop("fc_signin_error", None)
    if message:
        st.error(message)


def first_admin_form() -> None:
    st.title("Create the first admin")
    st.markdown(
        "This database has no admin yet. The admin adds the other accounts (checkers, "
        "editors) on the Accounts page."
    )
    _show_sign_in_error()
    with st.form("fc_first_admin_form", enter_to_submit=True):
        st.text_input("Name", key="fc_admin_name", max_chars=accounts.MAX_NAME)
        st.text_input(
            "Password",
            type="password",
            key="fc_admin_password",
            help=f"at least {accounts.MIN_PASSWORD} characters",
        )
        st.text_input("Password again", type="password", key="fc_admin_again")
        st.form_submit_button("Create admin", type="primary", on_click=_create_first_admin)


def sign_in_form() -> None:
    st.title("Sign in")
    _show_sign_in_error()
    with st.form("fc_signin_form", enter_to_submit=True):
        st.text_input("Name", key="fc_signin_name", max_chars=accounts.MAX_NAME)
        st.text_input("Password", type="password", key="fc_signin_password")
        st.form_submit_button("Sign in", type="primary", on_click=_sign_in)
    st.caption("No account yet? Ask an admin (`factcheck users add NAME --role checker`).")


def _oidc_account(db) -> dict | None:
    if not oidc_configured():
        st.error(
            "FACTCHECK_AUTH=oidc, but Streamlit's sign-in is not configured: add an [auth] "
            "section (redirect_uri, cookie_secret, client_id, client_secret, "
            "server_metadata_url) to .streamlit/secrets.toml, or choose another FACTCHECK_AUTH."
        )
        st.stop()
    if not st.user.get("is_logged_in"):
        st.title("Sign in")
        st.button("Sign in", key="fc_oidc_login", type="primary", on_click=st.login)
        return None
    try:
        return identity_account(db, st.user)
    except FactcheckError as error:
        st.error(str(error))
        st.button("Sign out", key="fc_oidc_logout", on_click=st.logout)
        st.stop()


def signed_in() -> dict | None:
    """The account of this run, resolved as the ``auth`` setting says; None when nobody is
    signed in yet. Draws the first-admin or sign-in form (instead of the page) when needed,
    and explains in place why a proxy's or identity provider's account cannot be used."""
    ss = st.session_state
    ss.pop(ACCOUNT_KEY, None)
    config, db = settings(), database()
    found: dict | None
    if config.auth == "none":
        found = accounts.local_account(db)
    elif config.auth == "header":
        request = request_context()
        try:
            found = header_account(db, request["headers"], request["ip"], config)
        except FactcheckError as error:
            st.title("Not signed in")
            st.error(str(error))
            return None
    elif config.auth == "oidc":
        found = _oidc_account(db)
    elif accounts.needs_first_admin(db):
        first_admin_form()
        return None
    else:
        found = _password_account(db, config)
        if found is None:
            if request_context()["cookies"].get(SESSION_COOKIE):
                # expired, revoked or signed out: forget it
                _write_cookie(None, 0, in_sidebar=False)
            sign_in_form()
            return None
    if found is None:
        return None
    ss[ACCOUNT_KEY] = _public(found)
    return ss[ACCOUNT_KEY]


def _sign_out() -> None:
    ss = st.session_state
    accounts.sign_out(database(), ss.pop(TOKEN_KEY, None))
    ss.pop(ACCOUNT_KEY, None)


def account_sidebar(account: dict) -> None:
    """Who is signed in (and a way out), in the sidebar; the none-mode banner on the page."""
    config = settings()
    if config.auth == "password":
        token = st.session_state.get(TOKEN_KEY)
        if token and request_context()["cookies"].get(SESSION_COOKIE) != token:
            _write_cookie(token, int(config.session_hours * 3600))
    with st.sidebar:
        st.success(f"Signed in as **{safe_md(account['name'])}** ({account['role']})")
        if config.auth == "password":
            st.button("Sign out", key="fc_sign_out", on_click=_sign_out, icon=":material/logout:")
        elif config.auth == "oidc":
            st.button("Sign out", key="fc_sign_out", on_click=st.logout, icon=":material/logout:")
    if config.auth == "none":
        st.warning(NONE_BANNER.format(name=account["name"]), icon=":material/lock_open:")


def current_account() -> dict | None:
    """This run's signed-in account (id, name, role), or None."""
    return st.session_state.get(ACCOUNT_KEY)


def can(action: str, account: dict | None = None) -> bool:
    """Whether the signed-in account (or ``account``) may do ``action`` (see permissions)."""
    account = account or current_account()
    return bool(account) and allowed(account, action)


def require_reviewer(action: str = "read") -> dict:
    """The signed-in account (id, name, role); stops the page with a message when nobody is
    signed in or the account may not do ``action``."""
    current = current_account()
    if not current:
        st.info("Sign in to use this page.")
        st.stop()
    if not allowed(current, action):
        st.error(f"Only {ACTIONS[action]}s can {WHAT[action]}; you are a {current['role']}.")
        st.stop()
    return current


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 claim', '2 claims' (``words``: an irregular plural)."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def database_caption() -> None:
    with st.sidebar:
        st.caption("Database")
        # plain text, not st.code: the code block's highlighter costs ~0.2 s of browser time
        # on every page load
        st.text(shown_location(settings().db_path), width="stretch")


# ---------------------------------------------------------------- queue state (for J/K, S)


def queue_state() -> dict:
    """The queue's filters and sort, as last set on the queue page (defaults otherwise)."""
    state = st.session_state.get(QUEUE_KEY)
    if not state:
        state = {
            "filters": QueueFilters(statuses=OPEN_STATUSES),
            "sort": "score",
            "descending": True,
        }
    return state


def set_queue_state(filters: QueueFilters, sort: str, descending: bool) -> None:
    st.session_state[QUEUE_KEY] = {"filters": filters, "sort": sort, "descending": descending}


def note_page(url_path: str) -> None:
    """Remember which page this run shows and which the run before showed."""
    ss = st.session_state
    ss["fc_previous_page"] = ss.get("fc_current_page")
    ss["fc_current_page"] = url_path


def came_from_another_page() -> bool:
    """Whether this run follows a run of another page (not a rerun of the same one)."""
    ss = st.session_state
    return ss.get("fc_previous_page") != ss.get("fc_current_page")


def open_claim(claim_id: int) -> None:
    """Go to the claim page showing ``claim_id``."""
    st.switch_page(CLAIM_PAGE, query_params={"claim": str(int(claim_id))})


# ---------------------------------------------------------------- messages and help


def flash(message: str, kind: str = "success") -> None:
    """A message shown once on the next run (after an action's rerun)."""
    st.session_state.setdefault("fc_flash", []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop("fc_flash", []):
        getattr(st, kind)(message)


def _toggle_help() -> None:
    st.session_state["fc_help"] = not st.session_state.get("fc_help", False)


def help_panel() -> None:
    """The keyboard help: a sidebar button (shortcut H) that shows or hides the list."""
    st.sidebar.button(
        "Keyboard shortcuts",
        key="fc_help_button",
        shortcut="H",
        on_click=_toggle_help,
        icon=":material/keyboard:",
    )
    if st.session_state.get("fc_help"):
        with st.container(border=True, key="fc_help_panel"):
            st.markdown("**Keyboard shortcuts** (not while typing in a text field)")
            st.table([{"key": key, "where": where, "does": does} for key, where, does in SHORTCUTS])


# ---------------------------------------------------------------- the queue's filters in the URL
#
# The queue page keeps its filters, sort and page in the URL (/queue?status=new&type=quote...)
# so that a filtered queue can be shared and back/forward work: widget key -> URL parameter.

QUEUE_DEFAULTS: dict = {
    "fc_q_article": None,
    "fc_q_status": list(OPEN_STATUSES),
    "fc_q_score": (0.0, 1.0),
    "fc_q_type": None,
    "fc_q_assignee": None,
    "fc_q_verdict": None,
    "fc_q_strong": False,
    "fc_q_search": "",
    "fc_q_sort": "score",
    "fc_q_desc": True,
    "fc_q_size": 50,
    "fc_q_page": 0,
}
QUEUE_PARAMS = (
    "article",
    "status",
    "min_score",
    "max_score",
    "type",
    "assignee",
    "verdict",
    "strong",
    "search",
    "sort",
    "order",
    "size",
    "page",
)
QUEUE_SORTS = tuple(SORTS)
ANY_STATUS = "any"


def _number(text, cast, default):
    try:
        return cast(str(text).strip())
    except (TypeError, ValueError):
        return default


def queue_state_from_url(params: Mapping[str, str]) -> dict | None:
    """The queue's widget values that URL ``params`` ask for (defaults for what they leave
    out; unusable values ignored), or None when they name no queue filter at all."""
    if not any(key in params for key in QUEUE_PARAMS):
        return None
    state = dict(QUEUE_DEFAULTS)
    get = params.get
    if get("article"):
        state["fc_q_article"] = _number(get("article"), int, None)
    if get("status"):
        wanted = [s.strip() for s in str(get("status")).split(",")]
        state["fc_q_status"] = (
            [] if wanted == [ANY_STATUS] else [s for s in STATUSES if s in wanted]
        )
    low = min(max(_number(get("min_score"), float, 0.0), 0.0), 1.0) if get("min_score") else 0.0
    high = min(max(_number(get("max_score"), float, 1.0), 0.0), 1.0) if get("max_score") else 1.0
    state["fc_q_score"] = (low, high) if low <= high else (0.0, 1.0)
    for key, param in (
        ("fc_q_type", "type"),
        ("fc_q_assignee", "assignee"),
        ("fc_q_verdict", "verdict"),
    ):
        state[key] = (str(get(param)).strip() or None) if get(param) else None
    state["fc_q_strong"] = str(get("strong") or "") in ("1", "true", "yes")
    state["fc_q_search"] = str(get("search") or "").strip()
    if get("sort") in QUEUE_SORTS:
        state["fc_q_sort"] = get("sort")
    state["fc_q_desc"] = str(get("order") or "desc") != "asc"
    size = _number(get("size"), int, 50) if get("size") else 50
    state["fc_q_size"] = size if size in PAGE_SIZES else 50
    state["fc_q_page"] = max(0, _number(get("page"), int, 1) - 1) if get("page") else 0
    return state


def queue_url(state: Mapping) -> dict[str, str]:
    """The URL parameters of the queue's widget values (only those that differ from the
    defaults, so the plain queue is plain /queue)."""
    value = {key: state.get(key, default) for key, default in QUEUE_DEFAULTS.items()}
    params: dict[str, str] = {}
    if value["fc_q_article"] is not None:
        params["article"] = str(value["fc_q_article"])
    statuses = [s for s in STATUSES if s in (value["fc_q_status"] or [])]
    if statuses != list(OPEN_STATUSES):
        params["status"] = ",".join(statuses) or ANY_STATUS
    low, high = value["fc_q_score"]
    if low > 0:
        params["min_score"] = f"{low:g}"
    if high < 1:
        params["max_score"] = f"{high:g}"
    for key, param in (
        ("fc_q_type", "type"),
        ("fc_q_assignee", "assignee"),
        ("fc_q_verdict", "verdict"),
    ):
        if value[key]:
            params[param] = str(value[key])
    if value["fc_q_strong"]:
        params["strong"] = "1"
    if (value["fc_q_search"] or "").strip():
        params["search"] = value["fc_q_search"].strip()
    if value["fc_q_sort"] != "score":
        params["sort"] = value["fc_q_sort"]
    if not value["fc_q_desc"]:
        params["order"] = "asc"
    if value["fc_q_size"] != 50:
        params["size"] = str(value["fc_q_size"])
    if value["fc_q_page"]:
        params["page"] = str(value["fc_q_page"] + 1)
    return params
