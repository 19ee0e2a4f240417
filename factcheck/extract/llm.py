"""The optional LLM claim extractor, for any OpenAI-compatible chat endpoint.

Works with OpenAI, Ollama, llama.cpp server, vLLM and the like: one ``POST
{llm_base_url}/chat/completions`` with plain :mod:`httpx` (already a dependency; the
``openai`` package would add several more for this single call). Off unless the extractor is
``llm``. The reply is validated (:mod:`pydantic`) and every claim is re-anchored to a span of
the article (:mod:`factcheck.extract.anchor`): text the model wrote that is not in the article is kept
for review, flagged ``anchored=False`` and never check-worthy, never stored as a quote.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from factcheck import __version__
from factcheck.config import Settings
from factcheck.errors import LLMError
from factcheck.extract import prompts
from factcheck.extract.anchor import Anchor, ArticleText
from factcheck.types import CLAIM_TYPES, SentenceClaim

PROMPT = "claim_extraction"
MAX_CLAIMS = 25
MAX_ARTICLE_CHARS = 100_000
NOT_FOUND = "not found in the article: model text, not a quote"
_FENCE = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)```", re.DOTALL)
_TYPE_ALIASES = {
    "statistical": "statistic",
    "statistics": "statistic",
    "number": "statistic",
    "numeric": "statistic",
    "numerical": "statistic",
    "quantity": "statistic",
    "quotation": "quote",
    "attribution": "quote",
    "attributed": "quote",
    "statement": "quote",
    "fact": "event",
    "factual": "event",
    "historical": "event",
    "forecast": "prediction",
    "promise": "prediction",
    "intent": "prediction",
    "pledge": "prediction",
    "cause": "causal",
    "causation": "causal",
    "comparative": "comparison",
    "judgement": "opinion",
    "judgment": "opinion",
    "subjective": "opinion",
}


class ModelClaim(BaseModel):
    """One claim as the model reports it (before re-anchoring)."""

    model_config = ConfigDict(extra="ignore")

    quote: str = Field(min_length=1, validation_alias=AliasChoices("quote", "text", "claim"))
    speaker: str | None = None
    claim_type: str | None = Field(
        default=None, validation_alias=AliasChoices("claim_type", "type")
    )
    check_worthiness: float = Field(
        allow_inf_nan=False, validation_alias=AliasChoices("check_worthiness", "score")
    )
    reasons: list[str] = []
    quantities: list[dict] = []

    @field_validator("speaker", "claim_type", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in {"", "null", "none", "unknown"}:
            return None
        return value

    @field_validator("reasons", mode="before")
    @classmethod
    def _one_reason(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("quantities", mode="before")
    @classmethod
    def _quantity_dicts(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        return [{"text": str(q)} if isinstance(q, (str, int, float)) else q for q in value]


class ModelReply(BaseModel):
    claims: list[ModelClaim]


def extract_claims(text: str, settings: Settings) -> list[SentenceClaim]:
    """The article's claims according to the LLM, each re-anchored to a span of ``text``."""
    if len(text) > MAX_ARTICLE_CHARS:
        raise LLMError(
            f"the article has {len(text):,} characters; the LLM extractor sends at most "
            f"{MAX_ARTICLE_CHARS:,}. Use --extractor default for long articles"
        )
    messages = prompts.render(
        PROMPT, article_text=text, max_claims=MAX_CLAIMS, claim_types=", ".join(CLAIM_TYPES)
    )
    reply = parse_reply(chat(messages, settings, json_mode=True), settings)
    return anchor_claims(reply.claims, text, threshold=settings.threshold)


# --- the endpoint -------------------------------------------------------------------------


def endpoint(settings: Settings) -> str:
    """The chat-completions URL for ``settings.llm_base_url`` (which usually ends in /v1)."""
    base = settings.llm_base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise LLMError(
            f"LLM base URL must start with http:// or https://, got {settings.llm_base_url!r}; "
            "set FACTCHECK_LLM_BASE_URL, e.g. http://localhost:11434/v1"
        )
    return base if base.endswith("/chat/completions") else f"{base}/chat/completions"


def chat(messages: list[dict], settings: Settings, *, json_mode: bool = False) -> str:
    """The assistant's reply text to ``messages`` (temperature 0)."""
    url = endpoint(settings)
    body: dict = {"model": settings.llm_model, "messages": messages, "temperature": 0}
    if json_mode:
        body["response_format"] = {"type": "json_object"}
    response = _post(url, body, settings)
    if json_mode and response.status_code in (400, 422) and "response_format" in response.text:
        del body["response_format"]  # a server without JSON mode: the prompt asks for JSON too
        response = _post(url, body, settings)
    _check_status(response, url, settings)
    return _message_text(response, url)


def _post(url: str, body: dict, settings: Settings) -> httpx.Response:
    headers = {"User-Agent": f"factcheck/{__version__}"}
    if settings.llm_api_key:
        headers["Authorization"] = f"Bearer {settings.llm_api_key}"
    try:
        return httpx.post(url, json=body, headers=headers, timeout=settings.llm_timeout)
    except httpx.TimeoutException:
        raise LLMError(
            f"LLM endpoint {url} did not answer within {settings.llm_timeout:g} s; "
            "raise FACTCHECK_LLM_TIMEOUT or use a smaller model"
        ) from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise LLMError(
            f"cannot reach LLM endpoint {url} ({error}); is the server running? "
            "set FACTCHECK_LLM_BASE_URL"
        ) from None


def _check_status(response: httpx.Response, url: str, settings: Settings) -> None:
    if response.is_success:
        return
    hint = ""
    if response.status_code in (401, 403):
        hint = "; check FACTCHECK_LLM_API_KEY"
    elif response.status_code == 404:
        hint = (
            f"; check FACTCHECK_LLM_BASE_URL (usually ending in /v1) and that model "
            f"{settings.llm_model!r} exists (FACTCHECK_LLM_MODEL)"
        )
    raise LLMError(
        f"LLM endpoint {url} returned {response.status_code}: {_error_detail(response)}{hint}"
    )


def _error_detail(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
        detail = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        detail = None
    return _short(str(detail or response.text or response.reason_phrase))


def _message_text(response: httpx.Response, url: str) -> str:
    try:
        choice = response.json()["choices"][0]
        content = choice["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise LLMError(
            f"LLM endpoint {url} did not send an OpenAI-style chat completion: "
            f"{_short(response.text)}"
        ) from None
    if not isinstance(content, str) or not content.strip():
        raise LLMError(
            f"LLM endpoint {url} sent an empty reply "
            f"(finish_reason {choice.get('finish_reason')!r})"
        )
    return content


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the reply ----------------------------------------------------------------------------


def parse_reply(content: str, settings: Settings) -> ModelReply:
    """The validated claim list in ``content`` (bare JSON, or JSON in a ``` fence)."""
    fenced = _FENCE.search(content)
    raw = fenced.group(1) if fenced else content
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise LLMError(
            f"model {settings.llm_model!r} did not reply with valid JSON ({error.msg} at "
            f"character {error.pos}): {_short(raw)}"
        ) from None
    if isinstance(data, list):
        data = {"claims": data}
    try:
        return ModelReply.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(_problem(e) for e in error.errors()[:5])
        raise LLMError(
            f"model {settings.llm_model!r} replied with JSON that is not the expected claim "
            f"list: {problems}"
        ) from None


def _problem(error: Mapping[str, Any]) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
    return f"{where.lstrip('.') or 'reply'}: {error['msg']}"


def claim_type(value: str | None) -> str | None:
    """The model's claim type as one of :data:`CLAIM_TYPES`, or None when it is not one."""
    if not value:
        return None
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    return key if key in CLAIM_TYPES else _TYPE_ALIASES.get(key)


# --- re-anchoring -------------------------------------------------------------------------


def anchor_claims(items: list[ModelClaim], text: str, *, threshold: float) -> list[SentenceClaim]:
    """Claims anchored to spans of ``text`` in article order, then the unanchored ones."""
    article = ArticleText(text)
    anchored: dict[tuple[int, int], SentenceClaim] = {}
    loose: list[SentenceClaim] = []
    for item in items:
        hit = article.locate(item.quote)
        if hit is None:
            loose.append(_unanchored(item))
        elif (hit.start, hit.end) not in anchored:  # the same span twice: keep the first
            anchored[(hit.start, hit.end)] = _anchored(item, hit, article, threshold)
    claims = sorted(anchored.values(), key=lambda c: (c.start, c.end)) + loose
    for index, claim in enumerate(claims):
        claim.sentence_index = index
    return claims


def _anchored(item: ModelClaim, hit: Anchor, article: ArticleText, threshold: float):
    score = _clamp(item.check_worthiness)
    reasons = list(item.reasons)
    if hit.method == "normalised":
        reasons.append("re-anchored to the article (spacing, case or quote marks differ)")
    elif hit.method == "fuzzy":
        reasons.append(
            f"re-anchored to the closest text of the article "
            f"(similarity {hit.similarity:.2f}); the model's wording differed"
        )
    speaker, speaker_reason = _speaker(item.speaker, article)
    return SentenceClaim(
        sentence_index=0,
        text=article.text[hit.start : hit.end],
        start=hit.start,
        end=hit.end,
        score=score,
        reasons=reasons + speaker_reason,
        check_worthy=score >= threshold,
        context=article.context(hit.start, hit.end),
        speaker=speaker,
        quantities=item.quantities,
        claim_type=claim_type(item.claim_type),
        origin="llm",
        anchored=True,
    )


def _unanchored(item: ModelClaim) -> SentenceClaim:
    kind = claim_type(item.claim_type)
    return SentenceClaim(
        sentence_index=0,
        text=item.quote.strip(),
        start=0,
        end=0,
        score=_clamp(item.check_worthiness),
        reasons=[NOT_FOUND, *item.reasons],
        check_worthy=False,
        speaker=None,
        quantities=item.quantities,
        claim_type=None if kind == "quote" else kind,
        origin="llm",
        anchored=False,
    )


def _speaker(name: str | None, article: ArticleText) -> tuple[str | None, list[str]]:
    """The speaker if the article names them; otherwise None and a reason."""
    if not name:
        return None, []
    if article.mentions(name):
        return name.strip(), []
    return None, [f"speaker {name.strip()!r} from the model is not named in the article"]


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))
