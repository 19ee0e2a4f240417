"""The LLM extractor against a local fake OpenAI-compatible server (no real model anywhere)."""

from __future__ import annotations

import json
import socket
from http.server import BaseHTTPRequestHandler

import pytest
from click.testing import CliRunner
from local_server import LocalServer, respond

from factcheck.cli import cli
from factcheck.config import load_settings
from factcheck.errors import LLMError
from factcheck.extract import llm, prompts
from factcheck.extract.anchor import ArticleText, locate
from factcheck.pipeline import ingest_source
from factcheck.storage import open_db
from factcheck.types import CLAIM_TYPES

ARTICLE = (
    "Mayor Jane Doe said the city hired 120 new teachers in 2023.\n\n"
    "\u201cOur schools have never been better funded,\u201d Doe told reporters on Monday.\n\n"
    "Critics say class sizes grew by 15% over the same period. The weather was pleasant."
)
CLAIMS = [
    {
        "quote": "the city hired 120 new teachers in 2023",
        "speaker": "Jane Doe",
        "claim_type": "statistic",
        "check_worthiness": 0.9,
        "reasons": ["a figure"],
        "quantities": [{"text": "120", "value": 120, "unit": "teachers"}],
    },
    {
        "quote": '"Our schools have never been better funded,"',
        "speaker": "Doe",
        "claim_type": "quote",
        "check_worthiness": 0.7,
        "reasons": ["superlative"],
    },
    {
        "quote": "Class sizes fell by 40% last year.",
        "speaker": "Critics",
        "claim_type": "quote",
        "check_worthiness": 0.95,
        "reasons": ["invented"],
    },
    {
        "quote": "Critics say class sizes grew by 15% over the same period.",
        "speaker": None,
        "claim_type": "statistic",
        "check_worthiness": 0.3,
        "reasons": [],
    },
]


def completion(content: str) -> dict:
    return {
        "id": "cmpl-1",
        "object": "chat.completion",
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
    }


class FakeLLM(LocalServer):
    """A local chat-completions server: queue replies, then read back what it received."""

    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[tuple[int, str, float]] = []
        super().__init__()
        self.url = self.base + "/v1"

    def reply(self, content=None, *, status=200, body=None, delay=0.0):
        """Queue one reply: chat ``content``, or a raw JSON ``body`` with ``status``."""
        payload = body if body is not None else completion(content)
        text = payload if isinstance(payload, str) else json.dumps(payload)
        self.replies.append((status, text, delay))

    def claims(self, claims):
        self.reply(json.dumps({"claims": claims}))

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length", 0))
                fake.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                status, text, delay = (
                    fake.replies.pop(0)
                    if fake.replies
                    else (500, '{"error": {"message": "no reply queued"}}', 0)
                )
                respond(self, status, {"Content-Type": "application/json"}, text.encode(), delay)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture(autouse=True)
def no_llm_env(monkeypatch):
    for name in (
        "FACTCHECK_LLM_BASE_URL",
        "FACTCHECK_LLM_MODEL",
        "FACTCHECK_LLM_API_KEY",
        "FACTCHECK_LLM_TIMEOUT",
        "OPENAI_API_KEY",
        "FACTCHECK_EXTRACTOR",
        "FACTCHECK_THRESHOLD",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake():
    server = FakeLLM()
    yield server
    server.close()


@pytest.fixture
def llm_settings(fake, db_path):
    return load_settings(
        db_path=db_path,
        extractor="llm",
        llm_base_url=fake.url,
        llm_model="fake-model",
        llm_timeout=5,
    )


def dead_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def counts(db_path) -> dict:
    db = open_db(db_path)
    try:
        return {
            t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "claims", "events")
        }
    finally:
        db.close()


# --- extraction and re-anchoring ----------------------------------------------------------


def test_claims_are_anchored_to_exact_spans_in_article_order(fake, llm_settings):
    fake.claims(CLAIMS)
    claims = llm.extract_claims(ARTICLE, llm_settings)
    anchored = [c for c in claims if c.anchored]
    assert [c.text for c in anchored] == [
        "the city hired 120 new teachers in 2023",
        "Our schools have never been better funded,",
        "Critics say class sizes grew by 15% over the same period.",
    ]
    for claim in anchored:
        assert ARTICLE[claim.start : claim.end] == claim.text
        assert claim.origin == "llm"
    assert [c.sentence_index for c in claims] == [0, 1, 2, 3]
    first, quote, critics = anchored
    assert (first.speaker, first.claim_type, first.score, first.check_worthy) == (
        "Jane Doe",
        "statistic",
        0.9,
        True,
    )
    assert first.quantities == [{"text": "120", "value": 120, "unit": "teachers"}]
    assert first.context == "Mayor Jane Doe said the city hired 120 new teachers in 2023."
    assert quote.claim_type == "quote" and quote.speaker == "Doe"
    assert critics.check_worthy is False  # 0.3 is below the default threshold 0.5


def test_invented_claim_is_flagged_never_a_quote(fake, llm_settings):
    fake.claims(CLAIMS)
    invented = llm.extract_claims(ARTICLE, llm_settings)[-1]
    assert invented.text == "Class sizes fell by 40% last year."
    assert invented.anchored is False
    assert (invented.start, invented.end) == (0, 0)
    assert invented.check_worthy is False  # despite the model's 0.95
    assert invented.score == 0.95
    assert invented.claim_type is None  # the model said "quote"; it is not one
    assert invented.reasons[0] == llm.NOT_FOUND
    assert invented.text not in ARTICLE


def test_request_has_model_rendered_prompt_json_mode_and_no_auth(fake, llm_settings):
    fake.claims([])
    assert llm.extract_claims(ARTICLE, llm_settings) == []
    (request,) = fake.requests
    assert request["path"] == "/v1/chat/completions"
    body = request["body"]
    assert body["model"] == "fake-model"
    assert body["temperature"] == 0
    assert body["response_format"] == {"type": "json_object"}
    assert body["messages"] == prompts.render(
        "claim_extraction",
        article_text=ARTICLE,
        max_claims=llm.MAX_CLAIMS,
        claim_types=", ".join(CLAIM_TYPES),
    )
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert ARTICLE in body["messages"][1]["content"]
    assert "authorization" not in {k.lower() for k in request["headers"]}


def test_api_key_is_sent_as_bearer_token(fake, llm_settings):
    fake.claims([])
    llm.extract_claims(ARTICLE, llm_settings.with_overrides(llm_api_key="sk-test-123"))
    headers = {k.lower(): v for k, v in fake.requests[0]["headers"].items()}
    assert headers["authorization"] == "Bearer sk-test-123"


def test_fenced_json_with_prose_is_accepted(fake, llm_settings):
    fake.reply("Here are the claims:\n```json\n" + json.dumps({"claims": CLAIMS[:1]}) + "\n```")
    (claim,) = llm.extract_claims(ARTICLE, llm_settings)
    assert claim.text == "the city hired 120 new teachers in 2023" and claim.anchored


def test_bare_list_and_loose_fields_are_normalised(fake, llm_settings):
    fake.reply(
        json.dumps(
            [
                {
                    "text": "Critics say class sizes grew by 15%",
                    "score": 1.7,
                    "type": "Statistical",
                    "speaker": "",
                    "reasons": "a percentage",
                    "quantities": ["15%"],
                },
                {
                    "quote": "The weather was pleasant.",
                    "check_worthiness": -2,
                    "claim_type": "banana",
                },
            ]
        )
    )
    critics, weather = llm.extract_claims(ARTICLE, llm_settings)
    assert (critics.score, critics.claim_type, critics.speaker) == (1.0, "statistic", None)
    assert critics.reasons == ["a percentage"] and critics.quantities == [{"text": "15%"}]
    assert (weather.score, weather.claim_type, weather.check_worthy) == (0.0, None, False)


def test_whitespace_and_curly_quotes_are_re_anchored(fake, llm_settings):
    fake.claims(
        [
            {
                "quote": '"Our  schools have never been better funded," Doe told reporters',
                "check_worthiness": 0.8,
            }
        ]
    )
    (claim,) = llm.extract_claims(ARTICLE, llm_settings)
    assert claim.anchored
    assert claim.text == "\u201cOur schools have never been better funded,\u201d Doe told reporters"
    assert ARTICLE[claim.start : claim.end] == claim.text
    assert any("re-anchored" in reason for reason in claim.reasons)


def test_speaker_not_in_article_is_dropped_with_a_reason(fake, llm_settings):
    fake.claims([{**CLAIMS[0], "speaker": "Governor John Smith"}])
    (claim,) = llm.extract_claims(ARTICLE, llm_settings)
    assert claim.speaker is None
    assert any("John Smith" in reason for reason in claim.reasons)


def test_the_same_span_twice_is_kept_once(fake, llm_settings):
    fake.claims(
        [CLAIMS[0], {**CLAIMS[0], "quote": "\u201cthe city hired 120 new teachers in 2023\u201d"}]
    )
    assert len(llm.extract_claims(ARTICLE, llm_settings)) == 1


def test_seed_article_claims_anchor_to_its_text(fake, llm_settings, seed_article):
    text = seed_article.read_text(encoding="utf-8")
    fake.claims(
        [
            {
                "quote": "managed to take control of more than 100 of Afghanistan's 419 district "
                "centers",
                "speaker": "the Pentagon",
                "claim_type": "statistic",
                "check_worthiness": 0.9,
            },
            {
                "quote": "Tajikistan ordered the mobilisation of 20,000 military reservists to bolster "
                "the border defences.",
                "claim_type": "event",
                "check_worthiness": 0.8,
            },
            {
                "quote": "Unguided missiles were launched at more than 50 ground targets during the "
                "drill.",
                "check_worthiness": 0.6,
            },
        ]
    )
    pentagon, tajik, missiles = llm.extract_claims(text, llm_settings)
    assert pentagon.anchored and pentagon.speaker == "the Pentagon"
    assert (
        pentagon.text == "managed to take control of more than 100 of Afghanistan\u2019s 419 "
        "district centers"
    )
    assert tajik.anchored and "mobilization" in tajik.text and "defenses." in tajik.text
    for claim in (pentagon, tajik):
        assert text[claim.start : claim.end] == claim.text
    assert not missiles.anchored  # the article says 15 targets: a changed figure never anchors


# --- errors ------------------------------------------------------------------------------


def test_malformed_json_is_an_llm_error(fake, llm_settings):
    fake.reply('{"claims": [{"quote": "x",')
    with pytest.raises(LLMError, match="did not reply with valid JSON"):
        llm.extract_claims(ARTICLE, llm_settings)


def test_schema_error_names_the_field(fake, llm_settings):
    fake.claims([CLAIMS[0], {"quote": "the city hired 120 new teachers"}])
    with pytest.raises(LLMError, match=r"claims\[1\]\.check_worthiness: Field required"):
        llm.extract_claims(ARTICLE, llm_settings)


def test_server_error_is_an_llm_error_with_the_message(fake, llm_settings):
    fake.reply(status=500, body={"error": {"message": "model crashed"}})
    with pytest.raises(LLMError, match=r"returned 500: model crashed"):
        llm.extract_claims(ARTICLE, llm_settings)


def test_unauthorised_points_at_the_api_key(fake, llm_settings):
    fake.reply(status=401, body={"error": {"message": "invalid api key"}})
    with pytest.raises(
        LLMError, match=r"returned 401: invalid api key; check FACTCHECK_LLM_API_KEY"
    ):
        llm.extract_claims(ARTICLE, llm_settings)


def test_not_a_chat_completion_is_an_llm_error(fake, llm_settings):
    fake.reply(body={"hello": "world"})
    with pytest.raises(LLMError, match="did not send an OpenAI-style chat completion"):
        llm.extract_claims(ARTICLE, llm_settings)


def test_timeout_is_an_llm_error(fake, llm_settings):
    fake.reply(json.dumps({"claims": []}), delay=2)
    with pytest.raises(LLMError, match=r"did not answer within 0.3 s.*FACTCHECK_LLM_TIMEOUT"):
        llm.extract_claims(ARTICLE, llm_settings.with_overrides(llm_timeout=0.3))


def test_unreachable_server_is_an_llm_error(llm_settings):
    with pytest.raises(LLMError, match="cannot reach LLM endpoint.*FACTCHECK_LLM_BASE_URL"):
        llm.extract_claims(ARTICLE, llm_settings.with_overrides(llm_base_url=dead_url()))


def test_base_url_without_scheme_is_an_llm_error(fake, llm_settings):
    with pytest.raises(LLMError, match="must start with http"):
        llm.extract_claims(ARTICLE, llm_settings.with_overrides(llm_base_url="localhost:11434"))
    assert fake.requests == []


def test_server_without_json_mode_is_retried_without_it(fake, llm_settings):
    fake.reply(status=400, body={"error": {"message": "response_format is not supported"}})
    fake.claims(CLAIMS[:1])
    assert len(llm.extract_claims(ARTICLE, llm_settings)) == 1
    assert "response_format" in fake.requests[0]["body"]
    assert "response_format" not in fake.requests[1]["body"]


def test_too_long_article_fails_before_any_request(fake, llm_settings):
    with pytest.raises(LLMError, match="--extractor default"):
        llm.extract_claims("word " * (llm.MAX_ARTICLE_CHARS // 4), llm_settings)
    assert fake.requests == []


# --- anchoring details ------------------------------------------------------------------


def test_fuzzy_anchor_widens_to_whole_words_and_spans_two_sentences():
    text = "Prices rose sharply in May. Wages did not keep up with them. It rained."
    hit = locate("Prices rose sharply in May, wages did not keep up with them", text)
    assert hit.method == "fuzzy"
    assert (
        text[hit.start : hit.end] == "Prices rose sharply in May. Wages did not keep up with them"
    )


def test_short_or_unrelated_text_does_not_anchor():
    article = ArticleText("The bridge opened in 1932 after six years of work.")
    assert article.locate("in 1932") is None  # too short to be a quote
    assert article.locate("The tunnel closed in 1990 after a fire.") is None
    assert article.mentions("THE BRIDGE") and not article.mentions("tunnel")


# --- through ingest and the CLI ----------------------------------------------------------


def test_ingest_stores_llm_claims_in_sqlite(fake, llm_settings, db, db_path, tmp_path):
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    fake.claims(CLAIMS)
    result = ingest_source(db, str(source), llm_settings, actor="tester")
    assert result.created and result.sentences == 4 and result.claims == 2
    (article,) = db.query("SELECT * FROM articles")
    rows = list(db.query("SELECT * FROM claims ORDER BY sentence_index"))
    assert article["extractor"] == "llm"
    assert {row["origin"] for row in rows} == {"llm"}
    for row in rows:
        if row["anchored"]:
            assert article["text"][row["start"] : row["end"]] == row["text"]
    flagged = [row for row in rows if not row["anchored"]]
    assert len(flagged) == 1 and flagged[0]["check_worthy"] == 0
    assert json.loads(flagged[0]["reasons"])[0] == llm.NOT_FOUND


def test_cli_ingest_with_llm_extractor(fake, db_path, tmp_path, monkeypatch):
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setenv("FACTCHECK_LLM_BASE_URL", fake.url)
    fake.claims(CLAIMS)
    result = CliRunner().invoke(
        cli, ["ingest", str(source), "--extractor", "llm", "--db", str(db_path)]
    )
    assert result.exit_code == 0, result.output
    assert "2 claims from 4 sentences" in result.output
    assert counts(db_path)["claims"] == 4


def test_cli_with_server_down_fails_clearly_and_changes_nothing(db_path, tmp_path, monkeypatch):
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setenv("FACTCHECK_LLM_BASE_URL", dead_url())
    runner = CliRunner()
    before = counts(db_path)
    result = runner.invoke(cli, ["ingest", str(source), "--extractor", "llm", "--db", str(db_path)])
    assert result.exit_code == 1
    assert "Error: cannot reach LLM endpoint" in result.output
    assert "FACTCHECK_LLM_BASE_URL" in result.output
    assert "Traceback" not in result.output
    assert counts(db_path) == before
