"""AppTest: the editor's desk — a disagreement between two reviewers reaches it, the editor's
final verdict is stored apart from the individual ones, publishing, the desk's settings (reviews
needed, blind review, scale, organisation); checkers and viewers do not reach it."""

import pytest
from app_seed import open_app, small_desk, texts

from factcheck.review import workflow as review
from factcheck.storage import claims as claim_store

DESK = "app_pages/adjudication.py"


@pytest.fixture
def disagreement(db):
    desk = small_desk(db)
    claim_id = desk["claims"][0]
    review.ensure_reviewer(db, "Eve", "editor")
    for name in ("Ann", "Bob"):
        review.ensure_reviewer(db, name, "checker")
    review.assign(db, "Eve", [claim_id], ["Ann", "Bob"])
    review.cite_passage(db, "Ann", claim_id, desk["passages"][0], "refutes")
    review.save_verdict(db, "Ann", claim_id, "False", confidence=0.9, rationale="4%, not 2%")
    review.save_verdict(db, "Bob", claim_id, "Half True", confidence=0.5)
    return desk | {"claim": claim_id}


def test_the_editor_adjudicates_then_publishes(db, disagreement):
    claim_id = disagreement["claim"]
    at = open_app("Eve", "editor", page=DESK)
    assert not at.exception
    assert "Disagreements · 1" in texts(at.subheader)
    assert list(at.dataframe[0].value["id"]) == [claim_id]  # the table of disagreements
    verdicts = at.dataframe[1].value  # the picked claim's verdicts
    assert set(zip(verdicts["reviewer"], verdicts["label"])) == {
        ("Ann", "False"),
        ("Bob", "Half True"),
    }
    at.selectbox(key=f"fc_adj_label_{claim_id}").set_value("Mostly False")
    at.text_input(key=f"fc_adj_rationale_{claim_id}").set_value("Close to Ann's reading.")
    at.button(key=f"fc_adj_go_{claim_id}").click().run()
    assert not at.exception
    assert any("Final verdict saved" in s for s in texts(at.success))
    assert "Disagreements · 0" in texts(at.subheader)
    assert "Ready to publish · 1" in texts(at.subheader)

    rows = list(
        db.query(
            "SELECT r.name, v.label, v.is_final FROM verdicts v JOIN reviewers r "
            "ON r.id = v.reviewer_id WHERE claim_id = ? ORDER BY v.id",
            [claim_id],
        )
    )
    assert rows == [
        {"name": "Ann", "label": "False", "is_final": 0},
        {"name": "Bob", "label": "Half True", "is_final": 0},
        {"name": "Eve", "label": "Mostly False", "is_final": 1},
    ]

    at.button(key=f"fc_pub_{claim_id}").click().run()
    assert claim_store.get(db, claim_id)["status"] == "published"
    assert "Ready to publish · 0" in texts(at.subheader)


def test_the_desk_is_one_table_and_one_form_for_the_picked_row(db, disagreement):
    """A second disagreement: the table lists both, the form is the picked one's (only one
    form is drawn), and deciding it leaves the other on the desk."""
    first = disagreement["claim"]
    second = disagreement["claims"][1]
    review.assign(db, "Eve", [second], ["Ann", "Bob"])
    review.save_verdict(db, "Ann", second, "True")
    review.save_verdict(db, "Bob", second, "False")
    at = open_app("Eve", "editor", page=DESK)
    assert "Disagreements · 2" in texts(at.subheader)
    table = at.dataframe[0].value
    assert set(table["id"]) == {first, second}
    assert len([s for s in at.selectbox if s.key.startswith("fc_adj_label_")]) == 1
    row = list(table["id"]).index(second)
    at.session_state["fc_desk_table"] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    (label,) = [s for s in at.selectbox if s.key.startswith("fc_adj_label_")]
    assert label.key == f"fc_adj_label_{second}"
    assert set(at.dataframe[1].value["label"]) == {"True", "False"}
    label.set_value("Half True")
    at.button(key=f"fc_adj_go_{second}").click().run()
    assert not at.exception
    assert any(f"Final verdict saved for claim {second}" in s for s in texts(at.success))
    assert claim_store.get(db, second)["status"] == "verdict"
    assert claim_store.get(db, first)["status"] == "awaiting_second_review"
    assert "Disagreements · 1" in texts(at.subheader)
    assert list(at.dataframe[0].value["id"]) == [first]


def test_the_editor_chooses_the_sources_the_published_verdict_cites(db, disagreement):
    claim_id = disagreement["claim"]
    passages = disagreement["passages"]
    review.cite_passage(db, "Bob", claim_id, passages[1], "supports")
    review.cite_passage(db, "Bob", claim_id, passages[2], "context")
    review.adjudicate(db, "Eve", claim_id, "Mostly False")
    at = open_app("Eve", "editor", page=DESK)
    assert "Ready to publish · 1" in texts(at.subheader)
    sources = at.multiselect(key=f"fc_pub_sources_{claim_id}")
    cited = {c["id"]: c for c in db.query("SELECT * FROM citations WHERE claim_id = ?", [claim_id])}
    assert sorted(sources.value) == sorted(cited)  # all by default, of both reviewers
    assert any("by Ann" in o for o in sources.options)
    assert any("by Bob" in o for o in sources.options)
    anns = [i for i, c in cited.items() if c["created_by"] == "Ann"]
    sources.set_value(anns)
    at.button(key=f"fc_pub_{claim_id}").click().run()
    assert not at.exception
    assert any(f"Claim {claim_id} published." in s for s in texts(at.success))
    final = {
        row["id"]: row["in_final"]
        for row in db.query("SELECT id, in_final FROM citations WHERE claim_id = ?", [claim_id])
    }
    assert final == {i: int(i in anns) for i in cited}


def test_publishing_with_no_source_chosen_is_refused(db, disagreement):
    claim_id = disagreement["claim"]
    review.adjudicate(db, "Eve", claim_id, "Mostly False")
    at = open_app("Eve", "editor", page=DESK)
    at.multiselect(key=f"fc_pub_sources_{claim_id}").set_value([])
    at.button(key=f"fc_pub_{claim_id}").click().run()
    assert any("cites no source" in e for e in texts(at.error))
    assert claim_store.get(db, claim_id)["status"] == "verdict"


def test_checkers_and_viewers_do_not_reach_the_desk(db, disagreement):
    review.ensure_reviewer(db, "Vic", "viewer")
    for name in ("Ann", "Vic"):
        at = open_app(name)
        assert not at.exception
        # not in their sidebar; a deep link shows the page's refusal, not "page not found"
        at.switch_page(DESK).run()
        assert not at.exception
        assert any(e.startswith("Only editors can") for e in texts(at.error))
        assert not [b for b in at.button if b.key.startswith(("fc_adj_go_", "fc_pub_"))]
    eve = open_app("Eve", "editor")
    eve.switch_page(DESK).run()
    assert texts(eve.title) == ["Editor's desk"]
    review.set_role(db, None, "Eve", "checker")  # demoted while the page is open
    eve.run()
    assert not eve.exception
    assert "Editor's desk" not in texts(eve.title)
    assert not [b for b in eve.button if b.key.startswith(("fc_adj_go_", "fc_pub_"))]


def test_publishing_without_a_source_is_not_offered(db):
    desk = small_desk(db)
    review.ensure_reviewer(db, "Eve", "editor")
    review.save_verdict(db, "Eve", desk["claims"][1], "True")
    at = open_app("Eve", "editor", page=DESK)
    assert at.button(key=f"fc_pub_{desk['claims'][1]}").disabled


def test_settings_reviews_needed_blind_mode_scale_and_organisation(db):
    small_desk(db)
    review.ensure_reviewer(db, "Eve", "editor")
    at = open_app("Eve", "editor", page=DESK)
    assert at.radio(key="fc_reviews_needed").value == 1
    assert at.text_input(key="fc_org_name").value == ""  # FACTCHECK_ORG_NAME is not set
    at.radio(key="fc_reviews_needed").set_value(2)
    at.toggle(key="fc_blind").set_value(True)
    at.selectbox(key="fc_scale").set_value("simple")
    at.text_input(key="fc_org_name").set_value("Example Checks")
    at.text_input(key="fc_org_url").set_value("https://checks.example.org")
    at.button(key="FormSubmitter:fc_settings_form-Save settings").click().run()
    assert not at.exception
    assert "Review settings saved." in texts(at.success)
    assert review.reviews_needed(db) == 2
    assert review.blind_mode(db) is True
    assert review.claim_scale(db).name == "simple"
    assert review.organisation(db) == {
        "name": "Example Checks",
        "url": "https://checks.example.org",
        "source": "desk",
    }
    again = open_app("Eve", "editor", page=DESK)  # the saved values are shown
    assert again.radio(key="fc_reviews_needed").value == 2
    assert again.text_input(key="fc_org_name").value == "Example Checks"
    at.switch_page("app_pages/claim.py").run()
    labels = [b.label for b in at.button if b.key and b.key.startswith("fc_pick_")]
    assert labels == ["False", "Misleading", "True", "Unproven"]
