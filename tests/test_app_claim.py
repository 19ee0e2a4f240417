"""AppTest: the claim page — evidence cards, citing, a verdict saved in SQLite and shown in the
history, save & next, the concurrent-edit refusal with its reload, blind review, publishing,
and untrusted text never rendered as Markdown."""

import re

import pytest
from app_seed import HOSTILE, add_article, add_matches, add_sources, open_app, small_desk, texts

from factcheck.review import workflow as review
from factcheck.storage import claims as claim_store
from factcheck.storage import events

CLAIM_PAGE = "app_pages/claim.py"


@pytest.fixture
def desk(db):
    return small_desk(db)


def test_cite_a_card_save_a_verdict_and_see_it_in_the_history(db, desk):
    claim_id = desk["claims"][0]
    at = open_app("Ann", page=CLAIM_PAGE, claim=claim_id)
    assert not at.exception
    assert texts(at.title) == [f"Claim {claim_id}"]
    assert sum("number 0" in m for m in texts(at.markdown)) == 1  # a card per passage
    passage = desk["passages"][0]
    card = at.segmented_control(key=f"fc_ev_{claim_id}_{passage}_None")
    card.set_value("refutes").run()
    assert not at.exception

    at.button(key="fc_pick_1").click().run()  # "False" on the PolitiFact scale
    at.slider(key=f"fc_conf_{claim_id}").set_value(0.9)
    at.text_area(key=f"fc_rationale_{claim_id}").set_value("Official data say 4%.")
    at.button(key="fc_save").click().run()
    assert not at.exception
    assert any("Verdict saved: False" in s for s in texts(at.success))

    (verdict,) = db.query("SELECT * FROM verdicts WHERE claim_id = ?", [claim_id])
    assert (verdict["label"], verdict["confidence"], verdict["rationale"]) == (
        "False",
        0.9,
        "Official data say 4%.",
    )
    (citation,) = db.query("SELECT * FROM citations WHERE claim_id = ?", [claim_id])
    assert (citation["passage_id"], citation["stance"], citation["created_by"]) == (
        passage,
        "refutes",
        "Ann",
    )
    assert citation["verdict_id"] == verdict["id"]
    assert claim_store.get(db, claim_id)["status"] == "verdict"

    history = at.dataframe[-1].value
    changes = " | ".join(history["change"])
    assert "False (politifact), confidence 0.90: Official data say 4%." in changes
    assert "new → verdict" in changes
    assert set(history["who"]) >= {"Ann"}


def test_save_and_next_opens_the_next_claim_of_the_queue(db, desk):
    first, second = desk["claims"][0], desk["claims"][1]
    at = open_app("Ann", page=CLAIM_PAGE, claim=first)
    at.button(key="fc_pick_5").click().run()  # "True"
    at.button(key="fc_save_next").click().run()
    assert not at.exception
    assert at.query_params["claim"] == str(second)
    assert texts(at.title) == [f"Claim {second}"]
    assert claim_store.get(db, first)["status"] == "verdict"
    assert at.button(key="fc_prev").disabled  # the saved claim left the queue of open claims
    at.button(key="fc_next").click().run()
    assert texts(at.title) == [f"Claim {desk['claims'][2]}"]
    at.button(key="fc_prev").click().run()
    assert texts(at.title) == [f"Claim {second}"]


def test_keyboard_shortcuts_are_on_the_buttons(db, desk):
    at = open_app("Ann", page=CLAIM_PAGE, claim=desk["claims"][0])
    shortcuts = {b.key: b.proto.shortcut for b in at.button if b.proto.shortcut}
    assert shortcuts["fc_save_next"] == "s"
    assert shortcuts["fc_next"] == "j" and shortcuts["fc_prev"] == "k"
    assert [shortcuts[f"fc_pick_{i}"] for i in range(6)] == ["1", "2", "3", "4", "5", "6"]
    at.button(key="fc_help_button").click().run()
    help_rows = at.table[0].value
    assert "save the verdict and open the next claim of the queue" in " ".join(help_rows["does"])


def test_a_stale_save_is_refused_with_a_reload_and_nothing_is_lost(db, desk):
    claim_id = desk["claims"][1]
    ann = open_app("Ann", page=CLAIM_PAGE, claim=claim_id)
    bob = open_app("Bob", page=CLAIM_PAGE, claim=claim_id)

    bob.button(key="fc_pick_4").click().run()  # Bob: "Mostly True", saved first
    bob.button(key="fc_save").click().run()
    assert any("Verdict saved" in s for s in texts(bob.success))

    ann.button(key="fc_pick_1").click().run()  # Ann loaded the old version
    ann.text_area(key=f"fc_rationale_{claim_id}").set_value("Mine.")
    ann.button(key="fc_save").click().run()
    assert not ann.exception
    refusal = " ".join(texts(ann.error))
    assert "Not saved" in refusal and "changed by someone else" in refusal
    rows = list(
        db.query(
            "SELECT r.name, v.label FROM verdicts v JOIN reviewers r "
            "ON r.id = v.reviewer_id WHERE claim_id = ?",
            [claim_id],
        )
    )
    assert rows == [{"name": "Bob", "label": "Mostly True"}]  # Bob's update kept, Ann's refused

    ann.button(key="fc_reload").click().run()
    assert not ann.error
    assert ann.text_area(key=f"fc_rationale_{claim_id}").value == "Mine."  # choices kept
    ann.button(key="fc_save").click().run()
    assert any("Verdict saved: False" in s for s in texts(ann.success))
    labels = {
        r["label"] for r in db.query("SELECT label FROM verdicts WHERE claim_id = ?", [claim_id])
    }
    assert labels == {"False", "Mostly True"}


def test_blind_review_hides_the_other_verdict_until_saving(db, desk):
    claim_id = desk["claims"][2]
    review.ensure_reviewer(db, "Eve", "editor")
    review.ensure_reviewer(db, "Ann", "checker")
    review.ensure_reviewer(db, "Bob", "checker")
    review.set_blind_mode(db, "Eve", True)
    review.assign(db, "Eve", [claim_id], ["Ann", "Bob"])
    review.save_verdict(db, "Ann", claim_id, "Pants on Fire!", rationale="Ann's secret")

    bob = open_app("Bob", page=CLAIM_PAGE, claim=claim_id)
    page = " ".join(texts(bob.markdown) + texts(bob.caption))
    assert "1 other verdict(s) are hidden" in page
    assert "Ann's secret" not in " ".join(bob.dataframe[-1].value["change"])
    assert len(bob.dataframe) == 1  # only the history: no verdict table

    bob.button(key="fc_pick_3").click().run()  # "Half True": a disagreement
    bob.button(key="fc_save").click().run()
    assert any("awaiting second review" in s for s in texts(bob.success))
    assert any("Ann" in str(df.value) for df in bob.dataframe)  # now visible
    assert any("editor's desk" in i for i in texts(bob.info))


def test_external_source_and_publish_by_an_editor(db, desk):
    claim_id = desk["claims"][2]
    at = open_app("Eve", "editor", page=CLAIM_PAGE, claim=claim_id)
    at.text_input(key="fc_ext_url").set_value("https://stats.example.org/crime")
    at.text_input(key="fc_ext_title").set_value("Crime statistics 2023")
    at.text_area(key="fc_ext_quote").set_value("Crime fell by 3%.")
    at.selectbox(key="fc_ext_stance").set_value("refutes")
    at.button(key="FormSubmitter:fc_ext_form-Cite").click().run()
    assert not at.exception
    assert any("External source cited" in s for s in texts(at.success))
    (citation,) = db.query("SELECT * FROM citations WHERE claim_id = ?", [claim_id])
    assert (citation["url"], citation["title"], citation["quote"], citation["stance"]) == (
        "https://stats.example.org/crime",
        "Crime statistics 2023",
        "Crime fell by 3%.",
        "refutes",
    )
    assert citation["accessed_at"]

    at.button(key="fc_pick_0").click().run()
    at.button(key="fc_save").click().run()
    at.button(key="fc_publish").click().run()
    assert any(f"Claim {claim_id} published" in s for s in texts(at.success))
    assert claim_store.get(db, claim_id)["status"] == "published"
    actions = [e["action"] for e in events.for_claim(db, claim_id)]
    assert "citation.added" in actions and "verdict.final" in actions


def test_a_checker_cannot_publish_and_a_dismissed_card_can_be_restored(db, desk):
    claim_id, passage = desk["claims"][0], desk["passages"][1]
    at = open_app("Ann", page=CLAIM_PAGE, claim=claim_id)
    at.button(key="fc_pick_1").click().run()
    at.button(key="fc_save").click().run()
    assert not [b for b in at.button if b.key == "fc_publish"]
    at.segmented_control(key=f"fc_ev_{claim_id}_{passage}_None").set_value("irrelevant").run()
    assert db.execute("SELECT count(*) FROM evidence_dismissals").fetchone()[0] == 1
    at.segmented_control(key=f"fc_ev_{claim_id}_{passage}_irrelevant").set_value(None).run()
    assert db.execute("SELECT count(*) FROM evidence_dismissals").fetchone()[0] == 0


def test_untrusted_text_is_escaped_everywhere(db):
    (claim_id,) = add_article(
        db,
        [HOSTILE],
        title="<b>Title</b> [x](javascript:1)",
        speakers=["<img src=x onerror=alert(1)>"],
    )
    passages = add_sources(db, 1, prefix=HOSTILE)
    add_matches(db, [claim_id], passages, 1)
    at = open_app("Ann", page=CLAIM_PAGE, claim=claim_id)
    assert not at.exception
    rendered = texts(at.markdown) + texts(at.caption) + texts(at.title)
    unescaped = re.compile(r"(?<!\\)(<script|<img|<b>|\]\(javascript|!\[img|:red\[|\$x|\*\*bold)")
    for text in rendered:
        assert not unescaped.search(text), text
    assert any(r"\<script\>" in text for text in rendered)
    assert not at.get("html")


def test_the_first_claim_of_the_queue_opens_without_an_id(db, desk):
    at = open_app("Ann", page=CLAIM_PAGE)
    assert texts(at.title) == [f"Claim {desk['claims'][0]}"]


def test_an_unknown_claim_says_so(db, desk):
    at = open_app("Ann", page=CLAIM_PAGE, claim=999)
    assert not at.exception
    assert any("no claim with id 999" in w for w in texts(at.warning))


def test_the_page_asks_for_a_name_first(db, desk):
    at = open_app(page=CLAIM_PAGE, claim=desk["claims"][0])
    assert any("Enter your name" in i for i in texts(at.info))
    assert not at.title


def test_the_article_context_highlights_the_sentence(db, desk):
    at = open_app("Ann", page=CLAIM_PAGE, claim=desk["claims"][1])
    highlighted = [m for m in texts(at.markdown) if ":orange-background[" in m]
    assert len(highlighted) == 1
    assert r"**The new bridge cost 3 billion euros\.**]" in highlighted[0]
    at.session_state["fc_whole"] = True
    at.run()
    assert len([m for m in texts(at.markdown) if ":orange-background[" in m]) == 2
