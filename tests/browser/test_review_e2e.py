"""In a real browser: a verdict with a cited source taken to published with the keyboard (from
the sign-in form on); the blind two-reviewer flow with a disagreement reaching the editor; the
concurrent-edit refusal between two browser sessions with its reload. The accounts are made
with `factcheck users add` (conftest) and sign in through the app's form."""

import re

from browser_ui import (
    choose_label,
    chosen_label,
    claim_heading,
    key,
    leave_fields,
    settle,
    sign_in,
    sign_in_by_keyboard,
    tab_to,
)
from playwright.sync_api import expect

from factcheck.review import workflow as review


def _verdicts(db, claim_id):
    return {
        (row["name"], row["label"], row["is_final"])
        for row in db.query(
            "SELECT r.name, v.label, v.is_final FROM verdicts v JOIN reviewers r "
            "ON r.id = v.reviewer_id WHERE v.claim_id = ?",
            [claim_id],
        )
    }


def test_a_verdict_with_a_cited_source_from_the_keyboard_to_published(server, seeded, open_page):
    """Only the keyboard, from signing in to publishing: Tab, arrows, Space, Enter and the
    app's shortcuts (no clicks, no fill)."""
    first, second = seeded["claims"][0], seeded["claims"][1]
    passage = seeded["passages"][0]
    page = open_page("/")
    sign_in_by_keyboard(page, "Eve")
    expect(page.get_by_role("heading", name="Claims queue")).to_be_visible()
    settle(page)  # a shortcut pressed while the page is redrawn can be lost

    page.keyboard.press("h")  # the help panel
    help_panel = key(page, "fc_help_panel")
    for shortcut in (
        "pick the verdict with that number on the scale",
        "save the verdict and open the next claim of the queue",
        "next claim of the queue (without saving)",
        "previous claim of the queue",
        "back to the queue",
        "open the selected claim (or the first one)",
        "next / previous page of the queue",
        "show or hide this list",
    ):
        expect(help_panel).to_contain_text(shortcut)
    settle(page)
    page.keyboard.press("o")  # open the top claim
    expect(claim_heading(page, first)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^New: "))).to_be_visible()  # the status line
    expect(page.get_by_text("version 1 ·")).to_be_visible()
    tab_to(page, key(page, f"fc_ev_{first}_{passage}_None"))  # the first card's stance
    page.keyboard.press("ArrowRight")  # Supports -> Refutes
    page.keyboard.press("Space")
    expect(key(page, f"fc_ev_{first}_{passage}_refutes")).to_be_visible()
    settle(page)
    page.keyboard.press("2")  # "False"
    expect(chosen_label(page, "False")).to_be_visible()
    settle(page)
    page.keyboard.press("s")  # save & next
    expect(claim_heading(page, second)).to_be_visible()
    expect(page.get_by_text("Verdict saved: False")).to_be_visible()

    db = server.db()
    assert _verdicts(db, first) == {("Eve", "False", 0)}
    (citation,) = db.query("SELECT * FROM citations WHERE claim_id = ?", [first])
    assert (citation["passage_id"], citation["stance"], citation["created_by"]) == (
        passage,
        "refutes",
        "Eve",
    )

    tab_to(page, page.get_by_role("link", name="Editor's desk"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ready to publish · 1")).to_be_visible()
    tab_to(page, key(page, f"fc_pub_{first}").get_by_role("button"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Claim {first} published.")).to_be_visible()
    assert (
        db.execute("SELECT status FROM claims WHERE id = ?", [first]).fetchone()[0] == "published"
    )


def test_blind_review_by_two_reviewers_and_the_disagreement_reaches_the_editor(
    server, seeded, open_page
):
    claim_id = seeded["claims"][0]
    db = seeded["db"]
    review.set_blind_mode(db, "Eve", True)
    review.assign(db, "Eve", [claim_id], ["Ann", "Bob"])

    ann = open_page(f"/claim?claim={claim_id}")
    sign_in(ann, "Ann")
    expect(claim_heading(ann, claim_id)).to_be_visible()
    key(ann, f"fc_rationale_{claim_id}").locator("textarea").fill("The figure was 4%.")
    choose_label(ann, "2", "False")
    key(ann, "fc_save").get_by_role("button").click()
    expect(ann.get_by_text("Verdict saved: False")).to_be_visible()
    expect(ann.get_by_text("Awaiting second review: 1 of 2 verdicts.")).to_be_visible()

    bob = open_page(f"/claim?claim={claim_id}")
    sign_in(bob, "Bob")
    expect(claim_heading(bob, claim_id)).to_be_visible()
    expect(bob.get_by_text("work is hidden until you save your verdict")).to_be_visible()
    expect(bob.get_by_text("In review.", exact=True)).to_be_visible()  # not "awaiting …"
    expect(bob.get_by_text("The figure was 4%.")).to_have_count(0)
    choose_label(bob, "6", "True")  # a disagreement
    key(bob, "fc_save").get_by_role("button").click()
    expect(bob.get_by_text("The reviewers disagree")).to_be_visible()
    expect(bob.get_by_text("Other verdicts")).to_be_visible()  # Ann's, now that Bob saved

    eve = open_page("/adjudication")
    sign_in(eve, "Eve")
    box = key(eve, f"fc_adj_{claim_id}")
    expect(box).to_contain_text("Ann")
    expect(box).to_contain_text("Bob")
    key(eve, f"fc_adj_label_{claim_id}").click()
    eve.get_by_role("option", name="Half True").click()
    key(eve, f"fc_adj_go_{claim_id}").get_by_role("button").click()
    expect(eve.get_by_text(f"Final verdict saved for claim {claim_id}")).to_be_visible()
    assert _verdicts(server.db(), claim_id) == {
        ("Ann", "False", 0),
        ("Bob", "True", 0),
        ("Eve", "Half True", 1),
    }


def test_two_sessions_saving_the_same_claim_the_second_is_refused_with_a_reload(
    server, seeded, open_page
):
    claim_id = seeded["claims"][1]
    ann = open_page(f"/claim?claim={claim_id}")
    sign_in(ann, "Ann")
    bob = open_page(f"/claim?claim={claim_id}")
    sign_in(bob, "Bob")
    expect(claim_heading(ann, claim_id)).to_be_visible()
    expect(claim_heading(bob, claim_id)).to_be_visible()

    choose_label(bob, "5", "Mostly True")  # Bob saves first
    key(bob, "fc_save").get_by_role("button").click()
    expect(bob.get_by_text("Verdict saved: Mostly True")).to_be_visible()

    key(ann, f"fc_rationale_{claim_id}").locator("textarea").fill("Ann's reading.")
    choose_label(ann, "2", "False")
    key(ann, "fc_save").get_by_role("button").click()
    expect(ann.get_by_text("changed by someone else")).to_be_visible()
    expect(ann.get_by_text("Not saved:")).to_be_visible()
    assert _verdicts(server.db(), claim_id) == {("Bob", "Mostly True", 0)}

    key(ann, "fc_reload").get_by_role("button").click()
    expect(ann.get_by_text("Not saved:")).to_have_count(0)
    expect(key(ann, f"fc_rationale_{claim_id}").locator("textarea")).to_have_value("Ann's reading.")
    leave_fields(ann)
    key(ann, "fc_save").get_by_role("button").click()
    expect(ann.get_by_text("Verdict saved: False")).to_be_visible()
    assert _verdicts(server.db(), claim_id) == {("Bob", "Mostly True", 0), ("Ann", "False", 0)}
