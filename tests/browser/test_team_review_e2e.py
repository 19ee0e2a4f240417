"""In a real browser, a team with accounts (made with `factcheck users add`, conftest): two
checkers reviewing one claim blind, each in their own browser context, keep their own
citations and the editor sees both; a sign-in survives a reload, a new tab and a deep link, and
"Sign out" ends it; a checker finds no editor or admin action; a disabled account cannot sign
in and its open session ends; a wrong password signs nobody in."""

from __future__ import annotations

import re

from browser_ui import (
    PASSWORD,
    choose_label,
    chosen_label,
    claim_heading,
    expect_no_session_cookie,
    expect_session_cookie,
    factcheck_cli,
    key,
    pick_evidence,
    session_cookie,
    settle,
    sidebar,
    sign_in,
    sign_in_form,
    signed_in_as,
    submit_sign_in,
)
from playwright.sync_api import Page, expect

RATIONALE = "Ann's reading: the official figure was 4%, not 2%."

# The page's text without the widgets whose captions every reviewer sees (the verdict scale's
# buttons, the evidence cards' stance choices): what is left can only tell of someone's work.
# textContent also reads what is hidden (the data grids' accessible tables, collapsed parts).
PAGE_TEXT = """() => {
  const app = document.querySelector('[data-testid="stApp"]').cloneNode(true);
  app.querySelectorAll('.st-key-fc_labels, [data-testid="stButtonGroup"]')
     .forEach((element) => element.remove());
  return app.textContent;
}"""


def page_text(page: Page) -> str:
    """Everything the page says (hidden parts included), less the scale's and the stance
    choices' captions. The data grids draw on a canvas and fill their accessible table only
    once in view: each is scrolled into view and read."""
    settle(page)
    texts = [page.evaluate(PAGE_TEXT)]
    for grid in page.locator('[data-testid="stDataFrame"]').all():
        grid.scroll_into_view_if_needed()
        expect(grid.locator('[role="gridcell"]').first).to_be_attached()  # each has a row
        texts.append(grid.text_content() or "")
    return "\n".join(texts)


def sign_in_heading(page: Page):
    return page.get_by_role("heading", name="Sign in", exact=True)


def citations(db, claim_id: int) -> set[tuple]:
    return {
        (row["created_by"], row["passage_id"], row["stance"])
        for row in db.query("SELECT * FROM citations WHERE claim_id = ?", [claim_id])
    }


def test_blind_review_two_checkers_keep_their_own_citations_and_the_editor_sees_both(
    server, seeded, open_page
):
    claim_id, passage = seeded["claims"][0], seeded["passages"][0]
    path = seeded["path"]
    shown = factcheck_cli(
        path, "review", "settings", "--blind", "on", "--reviews-needed", "2", "--as", "Eve"
    )
    assert re.search(r"blind\s+on", shown)

    # Ann: cites the first card as Supports, saves False with a rationale
    ann = open_page(f"/claim?claim={claim_id}")
    sign_in(ann, "Ann")
    expect(claim_heading(ann, claim_id)).to_be_visible()
    pick_evidence(ann, claim_id, passage, "Supports")
    key(ann, f"fc_rationale_{claim_id}").locator("textarea").fill(RATIONALE)
    choose_label(ann, "2", "False")
    key(ann, "fc_save").get_by_role("button").click()
    expect(ann.get_by_text("Verdict saved: False")).to_be_visible()

    # Bob, in his own browser: nothing of Ann's work, not even that there is some
    bob = open_page(f"/claim?claim={claim_id}")
    sign_in(bob, "Bob")
    expect(claim_heading(bob, claim_id)).to_be_visible()
    expect(bob.get_by_text("work is hidden until you save your verdict")).to_be_visible()
    text = page_text(bob)
    for leak in ("Ann", RATIONALE, "4%, not 2%", "supports", "Supports", "Others:"):
        assert leak not in text, f"Bob's page shows {leak!r}"
    assert not re.search(r"\bFalse\b", text), "Bob's page shows Ann's label"
    assert not re.search(r"(?i)awaiting|\b1 of 2\b|\d+\s+(other\s+)?(verdict|reviewer)", text), (
        "Bob's page tells how many verdicts are hidden"
    )
    expect(chosen_label(bob, "False")).to_have_count(0)
    expect(key(bob, "fc_other_verdicts")).to_have_count(0)
    expect(key(bob, "fc_other_citations")).to_have_count(0)

    # Bob cites the same card as Refutes and saves True
    pick_evidence(bob, claim_id, passage, "Refutes")
    choose_label(bob, "6", "True")
    key(bob, "fc_save").get_by_role("button").click()
    expect(bob.get_by_text("Verdict saved: True")).to_be_visible()
    assert citations(server.db(), claim_id) == {
        ("Ann", passage, "supports"),
        ("Bob", passage, "refutes"),
    }

    # Ann reloads: her citation survived Bob's (and she now sees his, having saved hers)
    ann.reload()
    expect(claim_heading(ann, claim_id)).to_be_visible()
    card = key(ann, f"fc_card_{passage}")
    expect(key(ann, f"fc_ev_{claim_id}_{passage}_supports")).to_be_visible()
    expect(card.get_by_text("You: supports")).to_be_visible()
    expect(card.get_by_text("Others: Bob: refutes")).to_be_visible()

    # the editor sees both citations with both names
    eve = open_page(f"/claim?claim={claim_id}")
    sign_in(eve, "Eve")
    expect(claim_heading(eve, claim_id)).to_be_visible()
    card = key(eve, f"fc_card_{passage}")
    expect(card.get_by_text("Others: Ann: supports · Bob: refutes")).to_be_visible()
    expect(eve.get_by_text("Other reviewers' evidence · 2 sources")).to_be_visible()
    expect(eve.get_by_text("work is hidden until you save your verdict")).to_have_count(0)
    seen = page_text(eve)  # the same reading of the page does see others' work when shown
    for shown in ("Ann", "Bob", RATIONALE, "supports", "refutes"):
        assert shown in seen, f"the editor's page does not show {shown!r}"


def test_a_sign_in_survives_a_reload_a_new_tab_and_a_deep_link_until_sign_out(
    server, seeded, open_page
):
    claim_id = seeded["claims"][1]
    page = open_page("/queue")
    sign_in(page, "Ann")
    expect(page.get_by_role("heading", name="Claims queue")).to_be_visible()
    expect_session_cookie(page, seeded["path"], "Ann")

    page.reload()
    expect(page.get_by_role("heading", name="Claims queue")).to_be_visible()
    expect(signed_in_as(page, "Ann", "checker")).to_be_visible()
    expect(sign_in_heading(page)).to_have_count(0)

    tab = page.context.new_page()  # a new tab of the same browser
    tab.goto(server.url + "/queue")
    expect(tab.get_by_role("heading", name="Claims queue")).to_be_visible()
    expect(signed_in_as(tab, "Ann", "checker")).to_be_visible()

    deep = page.context.new_page()
    deep.goto(f"{server.url}/claim?claim={claim_id}")
    expect(claim_heading(deep, claim_id)).to_be_visible()
    expect(signed_in_as(deep, "Ann", "checker")).to_be_visible()
    expect(sign_in_heading(deep)).to_have_count(0)

    sidebar(page).get_by_role("button", name="Sign out").click()
    sign_in_form(page)
    expect(signed_in_as(page, "Ann", "checker")).to_have_count(0)
    expect_no_session_cookie(page)
    page.reload()
    sign_in_form(page)
    expect(page.get_by_role("heading", name="Claims queue")).to_have_count(0)
    deep.reload()  # the other tabs' session ended too
    sign_in_form(deep)
    expect(claim_heading(deep, claim_id)).to_have_count(0)


def test_a_checker_finds_no_editor_or_admin_action(server, seeded, open_page):
    claim_id = seeded["claims"][0]
    path = seeded["path"]
    factcheck_cli(path, "review", "verdict", str(claim_id), "False", "--as", "Bob")
    # an agreed verdict (one review needed): what an editor publishes

    ann = open_page("/queue")
    sign_in(ann, "Ann")
    expect(ann.get_by_role("heading", name="Claims queue")).to_be_visible()
    nav = sidebar(ann).get_by_role("navigation")
    expect(nav.get_by_role("link", name="Claims queue")).to_be_visible()
    for link in ("Editor's desk", "Accounts"):
        expect(nav.get_by_role("link", name=link)).to_have_count(0)

    select_row(ann, 0)  # selected rows show the bulk actions a checker has
    bulk = key(ann, "fc_queue_bulk")
    expect(bulk.get_by_text("Set status")).to_be_visible()
    expect(bulk.get_by_text("Assign to")).to_have_count(0)
    expect(key(ann, "fc_bulk_assign")).to_have_count(0)

    ann.goto(f"{server.url}/claim?claim={claim_id}")
    expect(claim_heading(ann, claim_id)).to_be_visible()
    expect(signed_in_as(ann, "Ann", "checker")).to_be_visible()
    settle(ann)
    expect(key(ann, "fc_publish_box")).to_have_count(0)
    expect(ann.get_by_role("button", name="Publish")).to_have_count(0)
    expect(ann.get_by_role("button", name="Assign")).to_have_count(0)

    for path_, page_title in (("/adjudication", "Editor's desk"), ("/accounts", "Accounts")):
        ann.goto(server.url + path_)
        expect(signed_in_as(ann, "Ann", "checker")).to_be_visible()
        settle(ann)
        expect(ann.get_by_role("heading", name=page_title, exact=True)).to_have_count(0)
        expect(refusal(ann)).to_be_visible()
        expect(sidebar(ann).get_by_role("link", name=page_title)).to_have_count(0)

    # the same claim and queue, for the editor: the controls are there (so their absence above
    # is the checker's role, not the page)
    eve = open_page(f"/claim?claim={claim_id}")
    sign_in(eve, "Eve")
    expect(key(eve, "fc_publish_box").get_by_role("button", name="Publish")).to_be_visible()
    expect(sidebar(eve).get_by_role("link", name="Editor's desk")).to_be_visible()
    eve.goto(server.url + "/queue")
    select_row(eve, 0)
    expect(key(eve, "fc_queue_bulk").get_by_text("Assign to")).to_be_visible()


def refusal(page: Page):
    """What the app shows at the address of a page the account may not open: the page's own
    refusal ("Only editors can …"); the page is hidden from the sidebar, not unknown."""
    return page.locator('[data-testid="stAlert"]').filter(
        has_text=re.compile(r"only (editor|admin)s can", re.IGNORECASE)
    )


def select_row(page: Page, row: int) -> None:
    """Tick the queue table's row ``row`` (0-based) in its row-marker column (the grid is a
    canvas: rows are clicked by position)."""
    grid = key(page, "fc_queue_table").locator('[data-testid="stDataFrameResizable"]')
    box = grid.bounding_box()
    assert box, "the queue table is not drawn"
    header, height = 35, 35  # Streamlit's data grid: header and row height in pixels
    page.mouse.click(box["x"] + 15, box["y"] + header + height * row + height / 2)
    expect(key(page, "fc_queue_bulk").get_by_text("on 1 selected claim")).to_be_visible()


def test_a_disabled_account_cannot_sign_in_and_its_open_session_ends(server, seeded, open_page):
    path = seeded["path"]
    bob = open_page("/queue")
    sign_in(bob, "Bob")
    expect_session_cookie(bob, path, "Bob")

    assert "disabled Bob" in factcheck_cli(path, "users", "disable", "Bob")
    bob.reload()
    sign_in_form(bob)
    expect(signed_in_as(bob, "Bob", "checker")).to_have_count(0)
    expect(bob.get_by_role("heading", name="Claims queue")).to_have_count(0)
    expect_no_session_cookie(bob)  # the dead cookie is cleared

    again = open_page("/queue")  # a fresh browser, the right password
    submit_sign_in(again, "Bob", PASSWORD)
    expect(
        again.locator('[data-testid="stAlert"]').get_by_text(
            "the account Bob is disabled; ask an admin"
        )
    ).to_be_visible()
    sign_in_form(again)
    expect(signed_in_as(again, "Bob", "checker")).to_have_count(0)
    assert session_cookie(again) is None


def test_a_wrong_password_shows_an_error_and_signs_nobody_in(server, seeded, open_page):
    claim_id = seeded["claims"][2]
    page = open_page(f"/claim?claim={claim_id}")
    submit_sign_in(page, "Ann", "not the password at all")
    expect(
        page.locator('[data-testid="stAlert"]').get_by_text("wrong name or password")
    ).to_be_visible()
    form = sign_in_form(page)
    expect(form.get_by_label("Password", exact=True)).to_have_value("")  # never kept
    expect(signed_in_as(page, "Ann", "checker")).to_have_count(0)
    expect(claim_heading(page, claim_id)).to_have_count(0)
    page.reload()  # no session was made
    sign_in_form(page)
    expect(claim_heading(page, claim_id)).to_have_count(0)
    failed = (
        server.db()
        .execute("SELECT COUNT(*) FROM events WHERE action = 'auth.failed'")
        .fetchone()[0]
    )
    assert failed == 1

    sign_in(page, "Ann")  # the right one: the deep link's page opens
    expect(claim_heading(page, claim_id)).to_be_visible()
