"""AppTest: the claims queue — filters, sort, search, counts, bulk actions (assign for editors;
dismiss and change status) attributed to the signed-in account, opening a claim, the filters
kept in the URL, and what each role is offered."""

import pytest
from app_seed import add_article, add_matches, add_sources, open_app, texts

from app_pages import common
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
    db.execute(
        "UPDATE matches SET score = 0.4, confidence = 0.2, band = 'weak' WHERE claim_id = ?",
        [crime[0]],
    )
    db.conn.commit()
    return {"economy": economy, "crime": crime}


def _ids(at) -> list[int]:
    return list(at.dataframe[0].value["id"])


def test_the_default_queue_of_a_signed_in_checker(db, desk):
    at = open_app("Ann")
    assert not at.exception
    assert "Signed in as **Ann** (checker)" in texts(at.sidebar.success)
    assert review.ensure_reviewer(db, "Ann")["role"] == "checker"
    assert not at.query_params  # the default queue is plain /queue
    assert db.location in [c.value for c in at.sidebar.text]  # the database (path or URL) is shown
    assert _ids(at) == [
        desk["economy"][0],
        desk["crime"][0],
        desk["economy"][2],
        desk["economy"][1],
        desk["crime"][1],
    ]  # by score, highest first
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Matching"] == "5" and metrics["new"] == "5"


def test_the_role_comes_from_the_account_not_from_the_app(db, desk):
    review.ensure_reviewer(db, "Eve", "editor")
    at = open_app("Eve", "checker")
    assert "Signed in as **Eve** (editor)" in texts(at.sidebar.success)
    assert not [w for w in at.sidebar.radio if w.label == "Role"]  # nobody picks a role


def _select(at, rows: list[int]):
    at.session_state["fc_queue_table"] = {"selection": {"rows": rows, "columns": []}}
    return at.run()


def test_a_checker_gets_no_assign_and_a_viewer_no_bulk_actions(db, desk):
    review.ensure_reviewer(db, "Vic", "viewer")
    ann = _select(open_app("Ann"), [0])
    keys = {b.key for b in ann.button}
    assert {"fc_bulk_set", "fc_bulk_dismiss"} <= keys
    assert "fc_bulk_assign" not in keys and not [
        m for m in ann.multiselect if m.key == "fc_bulk_who"
    ]
    ann.switch_page("app_pages/adjudication.py").run()  # hidden: the page itself refuses
    assert any(e.startswith("Only editors can") for e in texts(ann.error))
    ann.switch_page("app_pages/queue.py").run()
    vic = _select(open_app("Vic"), [0])
    assert not vic.exception
    assert _ids(vic)  # a viewer reads the queue
    assert not {"fc_bulk_set", "fc_bulk_dismiss", "fc_bulk_assign"} & {b.key for b in vic.button}


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
    review.ensure_reviewer(db, "Vic", "viewer")
    eve = open_app("Eve", "editor")
    first, second = _ids(eve)[:2]
    _select(eve, [0])
    assert any("on 1 selected claim" in m for m in texts(eve.markdown))
    _select(eve, [0, 1])
    assert any("on 2 selected claims" in m for m in texts(eve.markdown))
    assert "Vic" not in eve.multiselect(key="fc_bulk_who").options  # viewers do not review
    eve.multiselect(key="fc_bulk_who").set_value(["Bob"]).run()
    eve.button(key="fc_bulk_assign").click().run()
    assert not eve.exception
    assert "Assigned: 2 new assignments." in texts(eve.success)
    assert {a["name"] for a in review.claim_detail(db, first, "Eve")["assignees"]} == {"Bob"}
    (event,) = [e for e in events.for_claim(db, first) if e["action"] == "claim.assigned"]
    assert event["actor"] == "Eve"

    at = open_app("Ann")

    _select(at, [0])
    at.button(key="fc_bulk_dismiss").click().run()
    assert "Dismissed 1 claim." in texts(at.success)
    assert claim_store.get(db, first)["status"] == "dismissed"
    (event,) = [e for e in events.for_claim(db, first) if e["action"] == "claim.status"]
    assert event["actor"] == "Ann" and event["after"]["reason"] == "not check-worthy"
    assert first not in _ids(at)  # left the queue of open claims

    _select(at, [0])
    target = _ids(at)[0]
    at.selectbox(key="fc_bulk_status").set_value("in_review").run()
    at.button(key="fc_bulk_set").click().run()
    assert claim_store.get(db, target)["status"] == "in_review"
    assert second in _ids(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["dismissed"] == "1" and metrics["in review"] == "1"


def test_assignee_and_verdict_filters(db, desk):
    review.ensure_reviewer(db, "Ann", "checker")
    review.ensure_reviewer(db, "Eve", "editor")
    review.assign(db, "Eve", [desk["crime"][1]], ["Ann"])
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


def test_open_claim_is_a_link_to_the_picked_claim(db, desk):
    """ "Open claim" links to the claim page with ?claim= (one run of that page, no queue
    rerun first): the first claim of the page, or the first selected one."""
    at = open_app("Ann")
    first = int(at.dataframe[0].value["id"].iloc[0])

    def link():
        (found,) = [link for link in at.page_link if link.label.startswith("Open claim")]
        return found

    assert link().label == f"Open claim {first}"
    assert link().proto.page == "claim" and link().proto.query_string == f"claim={first}"
    at.session_state["fc_queue_table"] = {"selection": {"rows": [2], "columns": []}}
    at.run()
    picked = int(at.dataframe[0].value["id"].iloc[2])
    assert link().proto.query_string == f"claim={picked}"
    assert at.button(key="fc_q_open").proto.shortcut.upper() == "O"  # the key does the same


def test_an_empty_filter_result_says_so(db, desk):
    at = open_app("Ann")
    at.text_input(key="fc_q_search").set_value("no such words").run()
    assert any("No claims match" in i for i in texts(at.info))


def test_queue_filters_are_read_from_the_url(db, desk):
    crime_article = claim_store.get(db, desk["crime"][0])["article_id"]
    at = open_app("Ann", run=False)
    at.query_params.update(
        {"article": str(crime_article), "status": "new", "type": "quote", "order": "asc"}
    )
    at.run()
    assert not at.exception
    assert _ids(at) == [desk["crime"][1]]
    assert at.selectbox(key="fc_q_article").value == crime_article
    assert at.multiselect(key="fc_q_status").value == ["new"]
    assert at.selectbox(key="fc_q_type").value == "quote"
    assert at.toggle(key="fc_q_desc").value is False

    shared = open_app("Bob", run=False)  # someone else opens the shared link
    shared.query_params.update({"search": "exports", "status": "any", "min_score": "0.5"})
    shared.run()
    assert _ids(shared) == [desk["economy"][1]]
    assert shared.text_input(key="fc_q_search").value == "exports"
    assert shared.multiselect(key="fc_q_status").value == []
    assert shared.slider(key="fc_q_score").value == (0.5, 1.0)


def test_changed_filters_and_pages_are_written_to_the_url(db, desk):
    at = open_app("Ann")
    at.selectbox(key="fc_q_type").set_value("quote").run()
    assert at.query_params == {"type": "quote"}
    at.selectbox(key="fc_q_type").set_value(None).run()
    at.selectbox(key="fc_q_sort").set_value("position").run()
    at.multiselect(key="fc_q_status").set_value(["new", "dismissed"]).run()
    assert at.query_params == {"sort": "position", "status": "new,dismissed"}

    many = add_article(db, [f"Claim number {i} rose by {i}%." for i in range(30)], title="Many")
    assert many
    at.selectbox(key="fc_q_size").set_value(25).run()
    at.button(key="fc_q_next").click().run()
    assert at.query_params["page"] == "2" and at.query_params["size"] == "25"
    page_two = _ids(at)
    back = open_app("Ann", run=False)  # the URL of page 2, opened anew
    back.query_params.update(at.query_params)
    back.run()
    assert _ids(back) == page_two
    assert any("page 2 of 2" in c for c in texts(back.caption))


def test_the_url_wins_over_the_filters_of_the_session(db, desk):
    at = open_app("Ann")
    at.selectbox(key="fc_q_type").set_value("quote").run()
    at.query_params.clear()
    at.query_params["type"] = "event"  # back/forward or a pasted link
    at.run()
    assert at.selectbox(key="fc_q_type").value == "event"
    assert _ids(at) == [desk["crime"][0]]
    at.query_params.clear()  # back to the plain /queue: the default queue
    at.run()
    assert at.selectbox(key="fc_q_type").value is None
    assert len(_ids(at)) == 5 and not at.query_params


def test_the_url_helpers_round_trip():
    state = common.queue_state_from_url(
        {"status": "verdict,published", "min_score": "0.3", "page": "3", "sort": "nonsense"}
    )
    assert state["fc_q_status"] == ["verdict", "published"]
    assert state["fc_q_score"] == (0.3, 1.0) and state["fc_q_page"] == 2
    assert state["fc_q_sort"] == "score"  # an unknown sort is ignored
    assert common.queue_url(state) == {
        "status": "verdict,published",
        "min_score": "0.3",
        "page": "3",
    }
    assert common.queue_state_from_url({"claim": "3"}) is None  # not a queue URL
    assert common.queue_url(common.QUEUE_DEFAULTS) == {}
    assert common.queue_state_from_url({"article": "x", "size": "7"})["fc_q_article"] is None


def test_plurals_in_the_queue(db):
    add_article(db, ["Only one claim here rose by 5%."], title="Single")
    at = open_app("Ann")
    assert any("1–1 of 1 claim ·" in c for c in texts(at.caption))
