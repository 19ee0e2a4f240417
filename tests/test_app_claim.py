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


def _everything(at) -> str:
    """Every text the page shows (Markdown, captions, messages, tables), as one string."""
    parts = []
    for kind in ("title", "markdown", "caption", "info", "success", "warning", "error"):
        parts += texts(getattr(at, kind))
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [str(option) for widget in at.selectbox for option in widget.options]
    return " | ".join(parts)


def test_blind_review_shows_no_other_reviewer_until_saving(db, desk):
    claim_id, passage = desk["claims"][0], desk["passages"][0]
    review.ensure_reviewer(db, "Eve", "editor")
    review.ensure_reviewer(db, "Annabel", "checker")
    review.ensure_reviewer(db, "Bob", "checker")
    review.set_blind_mode(db, "Eve", True)
    review.set_reviews_needed(db, "Eve", 2)
    review.assign(db, "Eve", [claim_id], ["Annabel", "Bob"])
    review.cite_passage(db, "Annabel", claim_id, passage, "refutes")
    review.save_verdict(db, "Annabel", claim_id, "Pants on Fire!", rationale="Annabel's secret")

    bob = open_app("Bob", page=CLAIM_PAGE, claim=claim_id)
    assert not bob.exception
    page = _everything(bob)
    assert "Other reviewers' work is hidden until you save your verdict" in page
    for leak in ("Annabel", "Pants on Fire", "refutes", "secret", "1 of 2", "Other verdicts"):
        assert leak not in page, leak
    assert not re.search(r"\b\d+ other verdict", page)  # no count either
    assert texts(bob.info)[0] == "In review."  # not "awaiting second review" (it would tell)
    columns = {column for df in bob.dataframe for column in df.value.columns}
    assert not {"by", "reviewer"} & columns  # no table of others' verdicts or evidence

    bob.button(key="fc_pick_3").click().run()  # "Half True": a disagreement
    bob.button(key="fc_save").click().run()
    assert "Verdict saved: Half True." in texts(bob.success)
    page = _everything(bob)
    assert "Annabel" in page and "Pants on Fire!" in page  # now visible
    assert "On the editor's desk: the reviewers disagree." in texts(bob.info)
    assert "awaiting second review" not in page.casefold()  # one status, never both
    assert "hidden until you save" not in page


def test_waiting_for_a_second_verdict_says_how_many(db, desk):
    claim_id = desk["claims"][1]
    review.ensure_reviewer(db, "Eve", "editor")
    review.set_reviews_needed(db, "Eve", 2)
    review.save_verdict(db, "Eve", claim_id, "True")
    at = open_app("Ann", page=CLAIM_PAGE, claim=claim_id)
    assert "Awaiting second review: 1 of 2 verdicts." in texts(at.info)
    assert "editor's desk" not in _everything(at)


def test_two_reviewers_citations_of_one_card_are_both_kept_and_shown(db, desk):
    claim_id, passage = desk["claims"][0], desk["passages"][0]
    ann = open_app("Ann", page=CLAIM_PAGE, claim=claim_id)
    bob = open_app("Bob", page=CLAIM_PAGE, claim=claim_id)
    ann.segmented_control(key=f"fc_ev_{claim_id}_{passage}_None").set_value("refutes").run()
    bob.segmented_control(key=f"fc_ev_{claim_id}_{passage}_None").set_value("supports").run()
    assert not ann.exception and not bob.exception
    assert "You: supports" in texts(bob.caption)  # each card shows the viewer's own stance
    citations = {
        (c["created_by"], c["stance"])
        for c in review.claim_detail(db, claim_id, "Ann")["citations"]
    }
    assert citations == {("Ann", "refutes"), ("Bob", "supports")}

    eve = open_app("Eve", "editor", page=CLAIM_PAGE, claim=claim_id)
    assert not eve.exception
    assert "Others: Ann: refutes · Bob: supports" in texts(eve.caption)
    others = next(df.value for df in eve.dataframe if "by" in df.value.columns)
    assert sorted(zip(others["by"], others["stance"])) == [("Ann", "refutes"), ("Bob", "supports")]
    assert any("Other reviewers' evidence** · 2 sources" in m for m in texts(eve.markdown))
    ann.run()
    assert any("Your evidence** · 1 source" in m for m in texts(ann.markdown))
    mine = next(df.value for df in ann.dataframe if "stance" in df.value.columns)
    assert list(mine["stance"]) == ["refutes"] and "by" not in mine.columns
    assert any("Other reviewers' evidence** · 1 source" in m for m in texts(ann.markdown))


def test_the_editor_chooses_the_sources_the_published_verdict_cites(db, desk):
    claim_id, (first, second, _third) = desk["claims"][0], desk["passages"]
    review.ensure_reviewer(db, "Eve", "editor")
    review.ensure_reviewer(db, "Ann", "checker")
    review.cite_passage(db, "Ann", claim_id, first, "refutes")
    review.cite_passage(db, "Ann", claim_id, second, "context")
    review.save_verdict(db, "Ann", claim_id, "False")
    at = open_app("Eve", "editor", page=CLAIM_PAGE, claim=claim_id)
    chooser = at.multiselect(key=f"fc_publish_sources_{claim_id}")
    assert len(chooser.value) == 2  # every citation by default
    keep = [c for c in chooser.value if "refutes" in chooser.format_func(c)]
    chooser.set_value(keep).run()
    at.button(key="fc_publish").click().run()
    assert not at.exception
    assert any(f"Claim {claim_id} published" in s for s in texts(at.success))
    assert "Published." in texts(at.info)
    final = {
        c["stance"]: c["in_final"] for c in review.claim_detail(db, claim_id, "Eve")["citations"]
    }
    assert final == {"refutes": 1, "context": 0}


def test_a_viewer_sees_no_verdict_form_and_no_evidence_controls(db, desk):
    claim_id = desk["claims"][0]
    review.ensure_reviewer(db, "Vic", "viewer")
    at = open_app("Vic", page=CLAIM_PAGE, claim=claim_id)
    assert not at.exception
    assert texts(at.title) == [f"Claim {claim_id}"]
    keys = {b.key for b in at.button}
    assert not {"fc_save", "fc_save_next", "fc_take", "fc_publish", "fc_pick_0"} & keys
    assert not at.segmented_control and not at.text_area
    assert any("checkers and editors give verdicts" in c for c in texts(at.caption))


def test_the_draft_comes_back_in_a_new_session(db, desk):
    claim_id = desk["claims"][1]
    at = open_app("Ann", page=CLAIM_PAGE, claim=claim_id)
    at.button(key="fc_pick_2").click().run()  # "Mostly False"
    at.slider(key=f"fc_conf_{claim_id}").set_value(0.35).run()
    at.text_area(key=f"fc_rationale_{claim_id}").set_value("Half written...").run()
    assert review.get_draft(db, "Ann", claim_id) == {
        "label": "Mostly False",
        "confidence": 0.35,
        "rationale": "Half written...",
    }
    again = open_app("Ann", page=CLAIM_PAGE, claim=claim_id)  # a reload: a new session
    assert again.text_area(key=f"fc_rationale_{claim_id}").value == "Half written..."
    assert again.slider(key=f"fc_conf_{claim_id}").value == 0.35
    assert again.button(key="fc_pick_2").proto.type == "primary"  # the picked label
    assert "Draft kept: not saved as your verdict yet." in texts(again.caption)
    bob = open_app("Bob", page=CLAIM_PAGE, claim=claim_id)  # drafts are their author's only
    assert bob.text_area(key=f"fc_rationale_{claim_id}").value == ""

    again.button(key="fc_save").click().run()
    assert "Verdict saved: Mostly False." in texts(again.success)
    assert review.get_draft(db, "Ann", claim_id) is None  # saving ends the draft


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


def test_a_signed_out_visitor_gets_the_sign_in_form_and_then_the_claim(db, desk):
    from app_seed import PASSWORD, sign_in_token

    sign_in_token("Ann")  # the account (and an admin) exist
    at = open_app(page=CLAIM_PAGE, claim=desk["claims"][2])
    assert texts(at.title) == ["Sign in"]
    assert not at.dataframe
    at.text_input(key="fc_signin_name").set_value("Ann")
    at.text_input(key="fc_signin_password").set_value(PASSWORD)
    at.button(key="FormSubmitter:fc_signin_form-Sign in").click().run()
    assert texts(at.title) == [f"Claim {desk['claims'][2]}"]


def test_the_article_context_highlights_the_sentence(db, desk):
    at = open_app("Ann", page=CLAIM_PAGE, claim=desk["claims"][1])
    highlighted = [m for m in texts(at.markdown) if ":orange-background[" in m]
    assert len(highlighted) == 1
    assert r"**The new bridge cost 3 billion euros\.**]" in highlighted[0]
    at.session_state["fc_whole"] = True
    at.run()
    assert len([m for m in texts(at.markdown) if ":orange-background[" in m]) == 2


def test_seen_before_hides_a_repeat_that_is_blind_for_the_viewer(db, desk):
    from factcheck.storage import matches as match_store

    first, second = desk["claims"][0], desk["claims"][1]
    with db.atomic():
        match_store.replace_groups(
            db,
            [
                {"claim_id": first, "group_id": first, "similarity": 1.0, "model": "m"},
                {"claim_id": second, "group_id": first, "similarity": 0.97, "model": "m"},
            ],
        )
    review.ensure_reviewer(db, "Eve", "editor")
    review.ensure_reviewer(db, "Annabel", "checker")
    review.ensure_reviewer(db, "Bob", "checker")
    review.set_blind_mode(db, "Eve", True)
    review.assign(db, "Eve", [first], ["Annabel", "Bob"])
    review.save_verdict(db, "Annabel", first, "Pants on Fire!")

    eve = open_app("Eve", "editor", page=CLAIM_PAGE, claim=second)
    assert any("Pants on Fire" in m for m in texts(eve.markdown))  # editors see the repeat's
    bob = open_app("Bob", page=CLAIM_PAGE, claim=second)
    assert not bob.exception
    assert "Pants on Fire" not in _everything(bob)
    assert any("repeats 1 other claim" in m for m in texts(bob.markdown))


def test_five_evidence_cards_at_first_the_rest_on_demand(db):
    """The best five strong or suggested cards are drawn at once; "Show N more" draws the
    rest (weak ones included); a card the reviewer uses is always drawn."""
    (claim_id,) = add_article(db, ["Inflation reached 9% in May, the bank said."], title="Prices")
    passages = add_sources(db, 8)
    add_matches(db, [claim_id], passages, 8)
    db.execute("UPDATE matches SET band = 'weak', confidence = 0.1 WHERE rank = 8")
    db.conn.commit()

    def cards(at) -> list[str]:
        return [c.key for c in at.segmented_control if c.key.startswith(f"fc_ev_{claim_id}_")]

    at = open_app("Ann", page=CLAIM_PAGE, claim=claim_id)
    assert not at.exception
    assert any("8 candidates" in m and "1 weak" in m for m in texts(at.markdown))
    assert len(cards(at)) == 5
    more = at.button(key="fc_more_cards")
    assert more.label == "Show 3 more (1 weak)"
    more.click().run()
    assert len(cards(at)) == 8
    assert not [b for b in at.button if b.key == "fc_more_cards"]
    at.segmented_control(key=cards(at)[-1]).set_value("context").run()  # the last card, cited
    assert not at.exception

    again = open_app("Ann", page=CLAIM_PAGE, claim=claim_id)  # a new session: 5 + the cited one
    assert len(cards(again)) == 6
    assert cards(again)[-1].endswith("_context")
    assert again.button(key="fc_more_cards").label == "Show 2 more"  # the weak one is cited


def test_a_transcript_claim_shows_its_speaker_role_turn_and_time(db):
    from factcheck.extract.turns import extract_transcript
    from factcheck.ingest import transcript
    from factcheck.storage import articles as article_store

    class Fixed:
        def score(self, texts):
            return [0.9] * len(texts)

    document = transcript.to_document(
        "WEBVTT\n\n00:00:05.000 --> 00:00:09.000\n<v Moderator>Welcome, everyone.\n\n"
        "00:01:02.000 --> 00:01:09.500\n<v Kamala Harris>Unemployment rose to 14.7% in April.\n"
    )
    claims = extract_transcript(document.text, document.turns, threshold=0.5, scorer=Fixed())
    with db.atomic():
        article_id = article_store.insert(
            db, document, content_hash="vtt", extractor="default", actor="seed"
        )
        ids = claim_store.insert_many(db, article_id, claims, actor="seed")
    at = open_app("Ann", page=CLAIM_PAGE, claim=ids[1])
    assert not at.exception
    facts = next(m for m in texts(at.markdown) if "**Speaker:**" in m)
    assert "**Speaker:** Kamala Harris" in facts and "(moderator)" not in facts
    assert "**Turn:** 2" in facts and "**Time:** 00:01:02–00:01:09" in facts
    at = open_app("Ann", page=CLAIM_PAGE, claim=ids[0])
    facts = next(m for m in texts(at.markdown) if "**Speaker:**" in m)
    assert "**Speaker:** Moderator (moderator)" in facts and "**Turn:** 1" in facts


def test_a_claim_with_only_weak_candidates_shows_the_best_one(db):
    """Weak candidates are still shown: the best at once, the others behind "Show N more"."""
    (claim_id,) = add_article(db, ["Pelicans nested on 41 piers in March."], title="Harbour")
    add_matches(db, [claim_id], add_sources(db, 4), 4)
    db.execute("UPDATE matches SET band = 'weak', confidence = 0.05 WHERE claim_id = ?", [claim_id])
    db.conn.commit()
    at = open_app("Ann", page=CLAIM_PAGE, claim=claim_id)
    assert not at.exception
    shown = [c.key for c in at.segmented_control if c.key.startswith(f"fc_ev_{claim_id}_")]
    assert len(shown) == 1
    assert any(":gray-badge[weak] #1 · confidence 5%" in m for m in texts(at.markdown))
    assert at.button(key="fc_more_cards").label == "Show 3 more (3 weak)"
