"""AppTest: the Trending page — near-duplicate claims across articles, each group's claims with
links to them, verdicts as blind review lets the viewer see them; the queue's spread sort."""

import pytest
from app_seed import open_app
from trending_seed import SAID, seed_spread

from factcheck.review import workflow as review

TRENDING = "app_pages/trending.py"


@pytest.fixture
def spread(db, settings):
    seeded = seed_spread(db, settings)
    for name, role in (("Ann", "checker"), ("Bob", "checker"), ("Eve", "editor")):
        review.ensure_reviewer(db, name, role)
    review.set_blind_mode(db, "Eve", True)
    review.save_verdict(db, "Ann", seeded["said"], "False", rationale="never raised")
    return seeded


def test_the_page_groups_the_same_claim_from_two_articles(spread):
    at = open_app("Ann", page=TRENDING)
    assert not at.exception
    groups, members = at.dataframe[0].value, at.dataframe[1].value
    assert list(groups["claim"]) == [SAID] and list(groups["articles"]) == [2]
    assert list(groups["verdicts given"]) == ["False"]
    assert list(groups["best match"]) == ["Fact-check number 0"]
    assert list(members["open"]) == [
        f"/claim?claim={spread['said']}",
        f"/claim?claim={spread['repeated']}",
    ]
    assert list(members["article"]) == ["Morning paper", "Evening news"]
    assert list(members["speaker"]) == ["Ann Minister", "Bob Senator"]


def test_a_blinded_checker_sees_no_verdict_of_others(spread):
    at = open_app("Bob", page=TRENDING)
    assert not at.exception
    assert list(at.dataframe[0].value["verdicts given"]) == [""]
    assert list(at.dataframe[1].value["verdict"]) == ["", ""]


def test_nothing_repeated_says_so(spread):
    at = open_app("Ann", page=TRENDING, run=False)
    at.session_state["fc_tr_min"] = 3
    at.run()
    assert not at.exception and not at.dataframe
    assert "No claim is repeated" in at.info[0].value


def test_the_queue_offers_the_spread_sort(spread):
    at = open_app("Bob", page="app_pages/queue.py")  # Ann's verdict took hers out of her queue
    assert "spread (articles repeating it)" in at.selectbox(key="fc_q_sort").options
    at.selectbox(key="fc_q_sort").set_value("spread").run()
    assert not at.exception
    ids = list(at.dataframe[0].value["id"])
    assert set(ids[:2]) == {spread["said"], spread["repeated"]}
