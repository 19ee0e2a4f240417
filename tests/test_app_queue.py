"""AppTest: the claims queue — reviewer sign-in, filters, sort, search, counts, bulk actions
(assign, dismiss, change status) attributed to the signed-in reviewer, opening a claim."""

import pytest
from app_seed import add_article, add_matches, add_sources, open_app, texts

from factcheck.review import workflow as review
from factcheck.storage import claims as claim_store
from factcheck.storage import events

QUEUE = "app_pages/queue.py"


@pytest.fixture
def desk(db):
    economy = add_article(
        db,
        ["Unemployment fell to 2% last year.", "Exports rose by 10%.", "The deficit tripled."],
        title="Economy",
        scores=[0.9, 0.6, 0.7],
        claim_types=["statistic"],
    )
    crime = add_article(
        db,
        ["Crime doubled since 2019.", "The mayor said police got 500 new officers."],
        title="Crime",
        scores=[0.8, 0.55],
        claim_types=["event", "quote"],
    )
    passages = add_sources(db, 2)
    add_matches(db, [economy[0]], passages, 2)  # best match 0.88: strong
    add_matches(db, [crime[0]], passages, 1, method="bm25")
    db.execute("UPDATE matches SET score = 0.4 WHERE claim_id = ?", [crime[0]])
    db.conn.commit()
    return {"economy": economy, "crime": crime}


def _ids(at) -> list[int]:
    return list(at.dataframe[0].value["id"])


def test_sign_in_and_the_default_queue(db, desk):
    at = open_app()
    assert not at.exception
    assert any("Enter your name" in i for i in texts(at.sidebar.info))
    at.sidebar.text_input(key="fc_name").set_value("Ann").run()
    assert any("Signed in as **Ann** (checker)" in s for s in texts(at.sidebar.success))
    assert review.ensure_reviewer(db, "Ann")["role"] == "checker"
    assert str(db.conn.execute("PRAGMA database_list").fetchone()[2]) in [
        c.value for c in at.sidebar.code
    ]  # the database path is shown
    assert _ids(at) == [
        desk["economy"][0],
        desk["crime"][0],
        desk["economy"][2],
        desk["economy"][1],
        desk["crime"][1],
    ]  # by score, highest first
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Matching"] == "5" and metrics["new"] == "5"


def test_a_registered_role_is_kept(db, desk):
    review.ensure_reviewer(db, "Eve", "editor")
    at = open_app("Eve", "checker")
    assert any("(editor)" in s for s in texts(at.sidebar.success))
    assert any("registered as editor" in c for c in texts(at.sidebar.caption))


def test_filters_search_and_sort(db, desk):
    at = open_app("Ann")
    crime_article = claim_store.get(db, desk["crime"][0])["article_id"]
    at.selectbox(key="fc_q_article").set_value(crime_article).run()
    assert _ids(at) == desk["crime"]
    at.selectbox(key="fc_q_article").set_value(None).run()
    at.text_input(key="fc_q_search").set_value("exports").run()
    assert _ids(at) == [desk["economy"][1]]
    at.text_input(key="fc_q_search").set_value("").run()
    at.slider(key="fc_q_score").set_value((0.65, 1.0)).run()
    assert set(_ids(at)) == {desk["economy"][0], desk["economy"][2], desk["crime"][0]}
    at.slider(key="fc_q_score").set_value((0.0, 1.0)).run()
    at.selectbox(key="fc_q_type").set_value("quote").run()
    assert _ids(at) == [desk["crime"][1]]
    at.selectbox(key="fc_q_type").set_value(None).run()
    at.toggle(key="fc_q_strong").set_value(True).run()
    assert _ids(at) == [desk["economy"][0]]
    at.toggle(key="fc_q_strong").set_value(False).run()
    at.toggle(key="fc_q_desc").set_value(False).run()
    assert _ids(at)[0] == desk["crime"][1]  # lowest score first
    at.selectbox(key="fc_q_sort").set_value("position").run()
    assert _ids(at)[:3] == desk["economy"]


def test_bulk_assign_dismiss_and_status_are_attributed(db, desk):
    review.ensure_reviewer(db, "Bob", "checker")
    at = open_app("Ann")
    first, second = _ids(at)[:2]
    at.session_state["fc_queue_table"] = {"selection": {"rows": [0, 1], "columns": []}}
    at.run()
    assert any("on 2 selected" in m for m in texts(at.markdown))
    at.multiselect(key="fc_bulk_who").set_value(["Bob"]).run()
    at.button(key="fc_bulk_assign").click().run()
    assert not at.exception
    assert any("assign: 2 change(s)" in s for s in texts(at.success))
    assert {a["name"] for a in review.claim_detail(db, first, "Ann")["assignees"]} == {"Bob"}

    at.session_state["fc_queue_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.button(key="fc_bulk_dismiss").click().run()
    assert claim_store.get(db, first)["status"] == "dismissed"
    (event,) = [e for e in events.for_claim(db, first) if e["action"] == "claim.status"]
    assert event["actor"] == "Ann" and event["after"]["reason"] == "not check-worthy"
    assert first not in _ids(at)  # left the queue of open claims

    at.session_state["fc_queue_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    target = _ids(at)[0]
    at.selectbox(key="fc_bulk_status").set_value("in_review").run()
    at.button(key="fc_bulk_set").click().run()
    assert claim_store.get(db, target)["status"] == "in_review"
    assert second in _ids(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["dismissed"] == "1" and metrics["in review"] == "1"


def test_assignee_and_verdict_filters(db, desk):
    review.ensure_reviewer(db, "Ann", "checker")
    review.assign(db, "Ann", [desk["crime"][1]], ["Ann"])
    review.save_verdict(db, "Ann", desk["economy"][1], "True")
    at = open_app("Ann")
    at.selectbox(key="fc_q_assignee").set_value("Ann").run()
    assert _ids(at) == [desk["crime"][1]]
    at.selectbox(key="fc_q_assignee").set_value(None).run()
    at.multiselect(key="fc_q_status").set_value([]).run()
    at.selectbox(key="fc_q_verdict").set_value("True").run()
    assert _ids(at) == [desk["economy"][1]]


def test_open_claim_and_paging(db, desk):
    at = open_app("Ann")
    at.selectbox(key="fc_q_size").set_value(25).run()
    assert at.button(key="fc_q_next").disabled
    at.session_state["fc_queue_table"] = {"selection": {"rows": [2], "columns": []}}
    at.run()
    at.button(key="fc_q_open").click().run()
    assert not at.exception
    assert texts(at.title) == [f"Claim {desk['economy'][2]}"]
    at.switch_page(QUEUE).run()  # filters survive the round trip
    assert at.selectbox(key="fc_q_size").value == 25


def test_an_empty_filter_result_says_so(db, desk):
    at = open_app("Ann")
    at.text_input(key="fc_q_search").set_value("no such words").run()
    assert any("No claims match" in i for i in texts(at.info))
