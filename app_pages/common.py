"""Helpers shared by the pages: settings, one database connection per rerun, the reviewer in
the sidebar, safe rendering of untrusted text, the queue's state, keyboard shortcut help."""

from __future__ import annotations

from urllib.parse import urlparse

import streamlit as st

from factcheck import workbench
from factcheck.config import Settings, load_settings
from factcheck.errors import FactcheckError
from factcheck.storage import open_db
from factcheck.storage.review import QueueFilters
from factcheck.text import escape_markdown as safe_md  # the pages' name for it
from factcheck.vocab import OPEN_STATUSES, ROLES

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


def database():
    """This rerun's connection (opened on first use, closed by app.py when the run ends)."""
    db = st.session_state.get(DB_KEY)
    if db is None:
        try:
            db = open_db(settings().db_path)
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


@st.cache_resource(show_spinner="Loading the demo article…")
def _demo_loaded(db_path: str) -> str | None:
    """Load the demo if the database is empty; why its claims were not matched, if they were not."""
    from factcheck.demo import ensure_demo

    db = open_db(db_path)
    try:
        result = ensure_demo(db, settings())
        return result.match_error if result else None
    finally:
        db.close()


def load_demo_once() -> None:
    """On first start with an empty database, load the demo (once per database path)."""
    try:
        match_error = _demo_loaded(str(settings().db_path))
    except FactcheckError as error:
        st.warning(f"Demo not loaded: {error}")
    else:
        if match_error:
            st.warning(f"Demo claims not matched: {safe_md(match_error)}")


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


def _pick_known() -> None:
    picked = st.session_state.get("fc_pick")
    if picked:
        st.session_state["fc_name"] = picked


def reviewer_sidebar() -> dict | None:
    """The reviewer name and role in the sidebar; signs in (creates the reviewer) on change."""
    db = database()
    keep("fc_name", "fc_role", defaults={"fc_name": "", "fc_role": "checker"})
    with st.sidebar:
        st.subheader("Reviewer")
        roles = workbench.reviewer_roles(db)
        known = list(roles)
        st.text_input(
            "Your name",
            key="fc_name",
            placeholder="e.g. Ann",
            help="No passwords on a local install: every change is recorded under this name.",
        )
        if known:
            st.selectbox(
                "…or pick a known reviewer",
                known,
                index=None,
                key="fc_pick",
                on_change=_pick_known,
                placeholder="Known reviewers",
            )
        st.radio(
            "Role",
            ROLES,
            key="fc_role",
            horizontal=True,
            help="Editors adjudicate disagreements and publish verdicts.",
        )
        name = (st.session_state.get("fc_name") or "").strip()
        role = st.session_state.get("fc_role") or "checker"
        current = st.session_state.get("reviewer")
        if not name:
            st.session_state.pop("reviewer", None)
            current = None
        elif (
            current is None
            or current["name"].casefold() != name.casefold()
            or current["requested"] != role
        ):
            try:
                found, note = workbench.sign_in(db, name, role)
            except FactcheckError as error:
                st.error(str(error))
                st.session_state.pop("reviewer", None)
                current = None
            else:
                current = {
                    "name": found["name"],
                    "role": found["role"],
                    "requested": role,
                    "note": note,
                }
                st.session_state["reviewer"] = current
        if current and roles.get(current["name"], current["role"]) != current["role"]:
            current["role"] = roles[current["name"]]  # an editor changed it meanwhile
        if current:
            st.success(f"Signed in as **{safe_md(current['name'])}** ({current['role']})")
            if current.get("note"):
                st.caption(safe_md(current["note"]))
        else:
            st.info("Enter your name to review claims.")
    return current


def require_reviewer() -> dict:
    """The signed-in reviewer, or a prompt to sign in (stops the page)."""
    current = st.session_state.get("reviewer")
    if not current:
        st.info("Enter your name and role in the sidebar to start reviewing.")
        st.stop()
    return current


def database_caption() -> None:
    with st.sidebar:
        st.caption("Database")
        st.code(str(settings().db_path), language=None, wrap_lines=True)


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
