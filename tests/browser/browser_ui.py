"""What a person does in the app, as Playwright steps (stable selectors: the widgets' keys,
the sign-in form's labels), and the accounts they do it as (made with the real CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, expect

PASSWORD = "browser test password 1"
"""The password of every account in :data:`TEAM`."""
TEAM = {"Ada": "admin", "Eve": "editor", "Ann": "checker", "Bob": "checker"}
"""The accounts the browser tests sign in as, made by ``factcheck users add`` (name: role)."""
SESSION_COOKIE = "factcheck_session"
"""The app's session cookie (app_pages/common.py): value = the token of accounts.sign_in."""
STATUS_WIDGET = '[data-testid="stStatusWidget"]'
STALE = '[data-stale="true"]'
SKELETON = '[data-testid="stSkeleton"]'  # a part still loading (the data grid's code)
CLI_TIMEOUT = 120  # seconds for one `factcheck` command


def key(page: Page, widget_key: str):
    """The element container of the widget with ``key`` (Streamlit adds class st-key-<key>);
    not a stale copy that a rerun in progress still shows."""
    return page.locator(f'.st-key-{widget_key}:not([data-stale="true"])')


def sidebar(page: Page):
    return page.locator('[data-testid="stSidebar"]')


def settle(page: Page) -> None:
    """Wait until Streamlit has finished its run: the status widget ("Running…") is gone, no
    element of an earlier run is left and no part is still loading (a skeleton)."""
    page.locator(STATUS_WIDGET).wait_for(state="detached")
    page.wait_for_function(f"document.querySelectorAll('{STALE}, {SKELETON}').length === 0")


# ---------------------------------------------------------------- accounts, through the CLI


def _cli_command(db_path: Path, args) -> dict:
    return {
        "args": [sys.executable, "-m", "factcheck", *args, "--db", str(db_path)],
        "text": True,
        "env": os.environ | {"HF_HUB_OFFLINE": "1"},
        "cwd": db_path.parent,
    }


def factcheck_cli(db_path: Path, *args: str, stdin: str | None = None) -> str:
    """Run ``python -m factcheck ARGS --db DB_PATH`` (the real command line); its output.
    A failure fails the test with the command's message."""
    done = subprocess.run(
        **_cli_command(db_path, args), input=stdin, capture_output=True, timeout=CLI_TIMEOUT
    )
    if done.returncode != 0:
        raise AssertionError(f"factcheck {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def add_accounts(db_path: Path, team: dict[str, str], password: str = PASSWORD) -> None:
    """Create the accounts of ``team`` (name: role) with ``factcheck users add NAME --role R
    --password-stdin``: the first alone (it creates the database), the others side by side."""
    (first, role), *others = team.items()
    factcheck_cli(
        db_path, "users", "add", first, "--role", role, "--password-stdin", stdin=password + "\n"
    )
    running = [
        (
            name,
            subprocess.Popen(
                **_cli_command(db_path, ["users", "add", name, "--role", role, "--password-stdin"]),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            ),
        )
        for name, role in others
    ]
    failures = []
    for name, process in running:
        _out, err = process.communicate(password + "\n", timeout=CLI_TIMEOUT)
        if process.returncode != 0:
            failures.append(f"users add {name}: {err.strip()}")
    assert not failures, "; ".join(failures)


# ---------------------------------------------------------------- signing in, in the browser


def sign_in_form(page: Page):
    """The sign-in form (expected on the page)."""
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    return page.locator('[data-testid="stForm"]')


def submit_sign_in(page: Page, name: str, password: str) -> None:
    """Type ``name`` and ``password`` into the sign-in form and press its "Sign in" button."""
    form = sign_in_form(page)
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_role("button", name="Sign in").click()


def signed_in_as(page: Page, name: str, role: str):
    """The sidebar's "Signed in as NAME (ROLE)"."""
    return sidebar(page).get_by_text(f"Signed in as {name} ({role})", exact=True)


def sign_in(page: Page, name: str, role: str | None = None, password: str = PASSWORD) -> None:
    """Sign in through the real form, as a person does; the account's role (from
    :data:`TEAM` unless given) is checked in the sidebar."""
    submit_sign_in(page, name, password)
    expect(signed_in_as(page, name, role or TEAM[name])).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_have_count(0)
    leave_fields(page)


def session_cookie(page: Page) -> dict | None:
    """The browser context's ``factcheck_session`` cookie (None when it has none or an empty
    one)."""
    for cookie in page.context.cookies():
        if cookie["name"] == SESSION_COOKIE and cookie["value"]:
            return cookie
    return None


def has_cookie_script() -> str:
    return (
        "() => document.cookie.split('; ').some("
        f"(c) => c.startsWith('{SESSION_COOKIE}=') && c.length > {len(SESSION_COOKIE) + 1})"
    )


def expect_session_cookie(page: Page, db_path: Path, name: str) -> dict:
    """After signing in: the context holds the session cookie (path /, SameSite Strict), and
    its value is a live session token of the account ``name``. The cookie."""
    from factcheck.config import load_settings
    from factcheck.review import accounts
    from factcheck.storage import open_db

    page.wait_for_function(has_cookie_script())  # the app writes it from a script, after the run
    cookie = session_cookie(page)
    assert cookie is not None
    assert cookie["path"] == "/"
    assert cookie["sameSite"] == "Strict"
    db = open_db(db_path)
    try:
        account = accounts.account_for_token(db, cookie["value"], load_settings(db_path=db_path))
    finally:
        db.close()
    assert account is not None and account["name"] == name, "the cookie signs nobody in"
    return cookie


def expect_no_session_cookie(page: Page) -> None:
    """The context's session cookie is gone (or emptied)."""
    page.wait_for_function(f"!({has_cookie_script()})()")
    assert session_cookie(page) is None


def leave_fields(page: Page) -> None:
    """Move the focus out of text fields so single-key shortcuts reach the app."""
    page.locator("h1").first.click()


def claim_heading(page: Page, claim_id: int):
    return page.get_by_role("heading", name=f"Claim {claim_id}", exact=True)


def press(page: Page, keys: str) -> None:
    """Press a shortcut once the run has settled (a key pressed while Streamlit redraws the
    page can reach no button), with the focus out of text fields."""
    settle(page)
    leave_fields(page)
    page.keyboard.press(keys)


def choose_label(page: Page, number: str, label: str) -> None:
    """Pick the verdict ``label`` with its number key (a shortcut) and see it chosen.

    Under load a key pressed just as Streamlit redraws the page is sometimes lost (seen on a
    2-core machine running the whole suite, never alone); picking a label twice is harmless,
    so the key is pressed again, at most twice more, and the loss is reported on stdout."""
    for attempt in range(3):
        press(page, number)
        try:
            expect(chosen_label(page, label)).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            print(f"shortcut {number!r} for {label!r} had no effect (try {attempt + 1})")
    expect(chosen_label(page, label)).to_be_visible()


def tab_to(page: Page, target, limit: int = 120) -> None:
    """Press Tab (only the keyboard) until the focus is inside ``target``; fails when the
    target cannot be reached that way."""
    target.wait_for()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("(element) => element.contains(document.activeElement)"):
            return
    raise AssertionError(f"{target} is not reachable with the Tab key ({limit} presses)")


def sign_in_by_keyboard(page: Page, name: str, password: str = PASSWORD) -> None:
    """Sign in with the keyboard alone: Tab to the name, type it, Tab to the password, type
    it, Enter; then the focus goes to a button, out of the text fields, so that single-key
    shortcuts reach the app."""
    form = sign_in_form(page)
    tab_to(page, form.get_by_label("Name", exact=True))
    page.keyboard.type(name)
    tab_to(page, form.get_by_label("Password", exact=True))
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(signed_in_as(page, name, TEAM[name])).to_be_visible()
    tab_to(page, key(page, "fc_help_button"))


def pick_evidence(page: Page, claim_id: int, passage_id: int, choice: str) -> None:
    key(page, f"fc_ev_{claim_id}_{passage_id}_None").get_by_role("radio", name=choice).click()
    expect(key(page, f"fc_ev_{claim_id}_{passage_id}_{choice.lower()}")).to_be_visible()


def chosen_label(page: Page, label: str):
    """The verdict button shown as chosen (primary)."""
    return page.locator('[data-testid="stBaseButton-primary"]', has_text=label)


def seeded_database(tmp_path, seed, accounts_from: Path | None = None):
    """Fixture body: a database file (a copy of ``accounts_from``, the database holding the
    CLI-made accounts, when given) seeded by ``seed(db)``; yields its path, the open database
    and what ``seed`` returned."""
    import sqlite3

    from factcheck.storage import open_db

    path = tmp_path / "app.db"
    if accounts_from is not None:  # SQLite's backup: a consistent copy, WAL included
        source, copy = sqlite3.connect(accounts_from), sqlite3.connect(path)
        try:
            source.backup(copy)
        finally:
            source.close()
            copy.close()
    db = open_db(path)
    try:
        yield {"path": path, "db": db, **seed(db)}
    finally:
        db.close()
