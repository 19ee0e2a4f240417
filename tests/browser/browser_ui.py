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


def pick_evidence(page: Page, claim_id: int, passage_id: int, choice: str) -> None:
    key(page, f"fc_ev_{claim_id}_{passage_id}_None").get_by_role(
        "radio", name=choice).click()
    expect(key(page, f"fc_ev_{claim_id}_{passage_id}_{choice.lower()}")).to_be_visible()


def chosen_label(page: Page, label: str):
    """The verdict button shown as chosen (primary)."""
    return page.locator('[data-testid="stBaseButton-primary"]', has_text=label)
