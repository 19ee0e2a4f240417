"""What a person does in the app, as Playwright steps (stable selectors: the widgets' keys)."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def key(page: Page, widget_key: str):
    """The element container of the widget with ``key`` (Streamlit adds class st-key-<key>);
    not a stale copy that a rerun in progress still shows."""
    return page.locator(f'.st-key-{widget_key}:not([data-stale="true"])')


def sign_in(page: Page, name: str, role: str = "checker") -> None:
    if role != "checker":
        key(page, "fc_role").get_by_text(role, exact=True).click()
    field = key(page, "fc_name").locator("input")
    field.fill(name)
    field.press("Enter")
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible()
    expect(page.locator('[data-testid="stSidebar"]').get_by_text(f"({role})")).to_be_visible()
    leave_fields(page)


def leave_fields(page: Page) -> None:
    """Move the focus out of text fields so single-key shortcuts reach the app."""
    page.locator("h1").first.click()


def claim_heading(page: Page, claim_id: int):
    return page.get_by_role("heading", name=f"Claim {claim_id}", exact=True)


def press(page: Page, keys: str) -> None:
    leave_fields(page)
    page.keyboard.press(keys)


def tab_to(page: Page, target, limit: int = 120) -> None:
    """Press Tab (only the keyboard) until the focus is inside ``target``; fails when the
    target cannot be reached that way."""
    target.wait_for()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("(element) => element.contains(document.activeElement)"):
            return
    raise AssertionError(f"{target} is not reachable with the Tab key ({limit} presses)")


def sign_in_by_keyboard(page: Page, name: str, role: str = "checker") -> None:
    """Sign in with the keyboard alone: the role's radio (arrow keys), then the name (Enter);
    the focus ends on a button, out of the text fields, so shortcuts reach the app."""
    radios = key(page, "fc_role").get_by_role("radiogroup")
    tab_to(page, radios)
    for _ in range(3):
        if key(page, "fc_role").get_by_role("radio", name=role).is_checked():
            break
        page.keyboard.press("ArrowRight")
    expect(key(page, "fc_role").get_by_role("radio", name=role)).to_be_checked()
    tab_to(page, key(page, "fc_name").locator("input"))
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Signed in as {name} ({role})")).to_be_visible()
    tab_to(page, key(page, "fc_help_button"))


def pick_evidence(page: Page, claim_id: int, passage_id: int, choice: str) -> None:
    key(page, f"fc_ev_{claim_id}_{passage_id}_None").get_by_role("radio", name=choice).click()
    expect(key(page, f"fc_ev_{claim_id}_{passage_id}_{choice.lower()}")).to_be_visible()


def chosen_label(page: Page, label: str):
    """The verdict button shown as chosen (primary)."""
    return page.locator('[data-testid="stBaseButton-primary"]', has_text=label)


def seeded_database(tmp_path, seed):
    """Fixture body: a database file seeded by ``seed(db)``; yields its path, the open
    database and what ``seed`` returned."""
    from factcheck.storage import open_db

    path = tmp_path / "app.db"
    db = open_db(path)
    try:
        yield {"path": path, "db": db, **seed(db)}
    finally:
        db.close()
