"""AppTest: the Articles page and the demo — the demo on first start, adding an article by
paste, upload and URL (with its progress and refusals), the list with its counts, and the
whole flow ingest -> queue -> claim -> verdict saved -> history."""

import pytest
from app_seed import open_app, texts

from factcheck.storage import articles as article_store

pytestmark = pytest.mark.model  # the app loads the bundled model (the demo, then matching)

ARTICLES = "app_pages/articles.py"
QUEUE = "app_pages/queue.py"
CLAIM = "app_pages/claim.py"
ARTICLE = (
    "The city council approved a budget of 12 million euros on Monday. "
    "Unemployment in the region fell to 4.1% in March, the statistics office said. "
    "Officials said the new tram line will open in 2027."
)


def _articles(db):
    """The articles added by a test (an empty database also gets the demo on first start)."""
    return [a for a in article_store.list_with_counts(db) if a["ingested_by"] != "demo"]


def test_the_demo_is_loaded_on_first_start(db_path):
    at = open_app("Ann", page=QUEUE)  # (the root URL's redirect would draw the queue anew)
    assert not at.exception
    assert texts(at.title) == ["Claims queue"]
    (status,) = at.status  # the progress, shown while it loaded, folded up when done
    assert status.label == "Demo loaded"
    assert [p.value for p in status.get("progress")] == [100]
    assert status.state == "complete" and not status.proto.expanded
    from factcheck.storage import open_db

    db = open_db(db_path)
    (demo,) = article_store.list_with_counts(db)
    assert demo["ingested_by"] == "demo"
    assert demo["claims"] > 0
    assert len(at.dataframe[0].value) == min(50, demo["claims"])


def test_paste_an_article_then_review_a_claim_to_the_history(db):
    at = open_app("Ann", page=ARTICLES)
    assert not at.exception
    at.text_area(key="fc_paste_text").set_value(ARTICLE)
    at.text_input(key="fc_paste_title").set_value("Council news")
    at.button(key="FormSubmitter:fc_paste_form-Add pasted text").click().run()
    assert not at.exception
    assert any("claims from" in s for s in texts(at.success))
    (article,) = _articles(db)
    assert (article["title"], article["source_kind"], article["ingested_by"]) == (
        "Council news",
        "paste",
        "Ann",
    )
    assert article["claims"] >= 1
    listed = at.dataframe[0].value.set_index("title")
    assert int(listed.loc["Council news", "claims"]) == article["claims"]

    at.button(key="fc_article_queue").click().run()
    assert texts(at.title) == ["Claims queue"]
    at.switch_page(QUEUE)  # AppTest stays on a page it was sent to; follow st.switch_page
    assert at.selectbox(key="fc_q_article").value == article["id"]
    at.button(key="fc_q_open").click().run()
    at.switch_page(CLAIM)
    claim_id = int(at.query_params["claim"])
    at.button(key="fc_pick_2").click().run()  # "Mostly False"
    at.button(key="fc_save").click().run()
    (row,) = db.query(
        "SELECT label, r.name FROM verdicts v JOIN reviewers r "
        "ON r.id = v.reviewer_id WHERE claim_id = ?",
        [claim_id],
    )
    assert row == {"label": "Mostly False", "name": "Ann"}
    assert any("Mostly False (politifact)" in change for change in at.dataframe[-1].value["change"])

    at.switch_page(ARTICLES).run()
    assert int(at.dataframe[0].value.set_index("title").loc["Council news", "reviewed"]) == 1


def test_upload_a_markdown_and_an_html_file(db):
    at = open_app("Ann", page=ARTICLES)
    uploader = at.file_uploader(key="fc_upload_file")
    articles = [".txt", ".md", ".markdown", ".html", ".htm"]
    assert sorted(uploader.allowed_type) == sorted([*articles, ".srt", ".vtt", ".tsv", ".csv"])
    markdown = f"# Council news\n\n{ARTICLE}\n".encode()
    uploader.set_value(("council.md", markdown, "text/markdown"))
    at.button(key="FormSubmitter:fc_upload_form-Add the file").click().run()
    assert not at.exception
    assert any("claims from" in s for s in texts(at.success))
    html = (
        f"<html><head><title>Tram news</title><script>alert(1)</script></head><body>"
        f"<article><p>{ARTICLE.replace('council', 'tram board')}</p></article></body></html>"
    )
    at.file_uploader(key="fc_upload_file").set_value(("tram.html", html.encode(), "text/html"))
    at.button(key="FormSubmitter:fc_upload_form-Add the file").click().run()
    added = {a["source"]: a for a in _articles(db)}
    assert set(added) == {"upload:council.md", "upload:tram.html"}
    assert added["upload:council.md"]["title"] == "Council news"
    assert added["upload:tram.html"]["source_kind"] == "upload"


def test_an_upload_read_as_cp1252_is_added_with_a_warning(db):
    at = open_app("Ann", page=ARTICLES)
    data = ARTICLE.replace("said", "said “so”").encode("cp1252")
    at.file_uploader(key="fc_upload_file").set_value(("old.txt", data, "text/plain"))
    at.button(key="FormSubmitter:fc_upload_form-Add the file").click().run()
    assert not at.exception
    assert any("claims from" in s for s in texts(at.success))
    shown = [text.replace("\\", "") for text in texts(at.warning)]  # Markdown-escaped
    assert shown == ["not valid UTF-8: read as cp1252"]
    assert "said “so”" in article_store.get(db, _articles(db)[0]["id"])["text"]


def test_the_same_article_twice_adds_nothing(db):
    at = open_app("Ann", page=ARTICLES)
    for _ in range(2):
        at.text_area(key="fc_paste_text").set_value(ARTICLE)
        at.button(key="FormSubmitter:fc_paste_form-Add pasted text").click().run()
    assert any("nothing added" in i for i in texts(at.info))
    assert len(_articles(db)) == 1


def test_refusals_are_shown_as_messages(db):
    at = open_app("Ann", page=ARTICLES)
    at.text_input(key="fc_url").set_value("http://127.0.0.1:9/private")
    at.button(key="FormSubmitter:fc_url_form-Fetch and add").click().run()
    assert not at.exception
    assert at.error and "127.0.0.1" in " ".join(texts(at.error))
    at.text_area(key="fc_paste_text").set_value("   ")
    at.button(key="FormSubmitter:fc_paste_form-Add pasted text").click().run()
    assert not at.exception and at.error
    assert _articles(db) == []


def test_viewers_read_the_list_but_add_nothing(db):
    from factcheck.review import workflow as review

    review.ensure_reviewer(db, "Vic", "viewer")
    at = open_app("Vic", page=ARTICLES)
    assert not at.exception
    assert texts(at.title) == ["Articles"]
    assert not [f for f in at.text_area if f.key == "fc_paste_text"]  # no add form
    assert at.dataframe  # the list (the demo article)


def test_paste_a_debate_as_a_transcript_keeps_each_claims_speaker(db):
    at = open_app("Ann", page=ARTICLES)
    assert at.radio(key="fc_read_as").value == "auto"
    at.radio(key="fc_read_as").set_value("transcript")
    at.text_area(key="fc_paste_text").set_value(
        "Joe Biden: Unemployment reached 14.7% in April.\n"
        "Donald Trump: We built the greatest economy, 3% growth.\n"
    )
    at.button(key="FormSubmitter:fc_paste_form-Add pasted text").click().run()
    assert not at.exception
    assert any("2 turns, 2 speakers" in s for s in texts(at.success)), texts(at.success)
    (article,) = _articles(db)
    assert article["format"] == "transcript"
    rows = list(
        db.query("SELECT text, speaker, turn FROM claims WHERE article_id = ?", [article["id"]])
    )
    assert [(r["speaker"], r["turn"]) for r in rows] == [("Joe Biden", 0), ("Donald Trump", 1)]
    assert rows[0]["text"] == "Unemployment reached 14.7% in April."


def test_upload_a_subtitle_file_reads_it_as_a_transcript(db):
    at = open_app("Ann", page=ARTICLES)
    subtitles = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Joe Biden>Unemployment reached 14.7%.\n\n"
        "00:00:04.000 --> 00:00:06.000\n<v Donald Trump>We had 3% growth.\n"
    )
    at.file_uploader(key="fc_upload_file").set_value(("debate.vtt", subtitles.encode(), "text/vtt"))
    at.button(key="FormSubmitter:fc_upload_form-Add the file").click().run()
    assert not at.exception
    (article,) = _articles(db)
    assert (article["format"], article["title"]) == ("transcript", "debate")
    rows = db.query(
        "SELECT speaker, time_start FROM claims WHERE article_id = ? ORDER BY sentence_index",
        [article["id"]],
    )
    assert [(r["speaker"], r["time_start"]) for r in rows] == [
        ("Joe Biden", 1.0),
        ("Donald Trump", 4.0),
    ]
