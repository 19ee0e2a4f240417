"""The endpoints of the HTTP API: thin handlers over the Python API.

Every handler takes the calling account from its bearer token (:func:`caller`) and passes its
name as the ``actor``/``viewer`` of the library call, so the API has exactly the permissions
and blind review of the app and the CLI. A database connection is opened per request
(:func:`database`) and closed after it. Handlers are plain functions: the server runs them in
its thread pool, so a slow scoring or matching call does not hold up the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from factcheck import __version__, vocab, workbench
from factcheck.api import schemas
from factcheck.config import Settings
from factcheck.errors import InputError
from factcheck.export.verdicts import EXTENSIONS, MEDIA_TYPES, ExportFilters, export
from factcheck.review import tokens
from factcheck.review import workflow as review
from factcheck.review.views import citation_json, claim_json
from factcheck.storage import Database, open_db, schema_version
from factcheck.storage import claims as claim_store
from factcheck.storage import matches as match_store
from factcheck.storage.review import SORTS, QueueFilters
from factcheck.text import http_url

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token: `factcheck users token NAME` prints one for account NAME.",
)

Responses = dict[int | str, dict[str, Any]]
ERRORS: Responses = {
    status: {"model": schemas.ErrorBody, "description": meaning}
    for status, meaning in (
        (400, "Bad input: the message says what is wrong"),
        (401, "No token, an unknown or revoked token, or a disabled account"),
        (403, "The account's role does not allow this"),
        (413, "The request body is larger than FACTCHECK_API_MAX_BODY_BYTES"),
        (422, "A parameter or body field is invalid"),
    )
}
NOT_FOUND: Responses = {
    404: {"model": schemas.ErrorBody, "description": "No such claim (or passage)"}
}
CONFLICT: Responses = {
    409: {
        "model": schemas.ErrorBody,
        "description": "`conflict`: the claim changed since the version you read (read it "
        "again); `invalid_state`: the claim's status does not allow this",
    }
}

router = APIRouter(prefix="/api", responses=ERRORS)
ClaimId = Annotated[int, Path(ge=1, le=schemas.MAX_ID, description="the claim's id")]
ArticleFilter = Annotated[
    int | None, Query(ge=1, le=schemas.MAX_ID, description="only this article's claims")
]


# ---------------------------------------------------------------- per request


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def database(request: Request) -> Iterator[Database]:
    """A connection for this request (the schema was migrated when the app was made)."""
    db = open_db(settings_of(request).db_path, migrate=False)
    try:
        yield db
    finally:
        db.close()


Db = Annotated[Database, Depends(database)]


def caller(
    db: Db, credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
) -> dict:
    """The account the bearer token acts as (401 otherwise)."""
    return tokens.authenticate(db, credentials.credentials if credentials else None)


Caller = Annotated[dict, Depends(caller)]


def _name(account: dict) -> str:
    return account["name"]


# ---------------------------------------------------------------- who, health


@router.get("/health", response_model=schemas.Health, tags=["server"])
def health(db: Db) -> dict:
    """Whether the server is up and its database readable (no token needed)."""
    return {"status": "ok", "version": __version__, "schema_version": schema_version(db)}


@router.get("/me", response_model=schemas.Me, tags=["server"])
def me(account: Caller) -> dict:
    """The account the token acts as, and its role."""
    return {"name": account["name"], "role": account["role"]}


# ---------------------------------------------------------------- scoring and articles


@router.post("/score", response_model=schemas.ScoreResponse, tags=["claims"])
def score(body: schemas.ScoreRequest, request: Request, account: Caller) -> dict:
    """Check-worthiness of sentences (ClaimBuster-style): each one's score from 0 to 1,
    whether it reaches the threshold, and the reasons (model score, rules, quantities)."""
    from factcheck.extract.claims import score_sentences

    threshold = settings_of(request).threshold if body.threshold is None else body.threshold
    results = score_sentences(body.sentences, threshold=threshold)
    return {
        "threshold": threshold,
        "results": [
            {
                "index": index,
                "text": result.text,
                "score": round(float(result.score), 4),
                "check_worthy": bool(result.check_worthy),
                "reasons": list(result.reasons),
            }
            for index, result in enumerate(results)
        ],
    }


def _match(row: dict) -> dict:
    keys = schemas.Match.model_fields
    return {key: row.get(key) for key in keys}


@router.post(
    "/articles",
    response_model=schemas.ArticleResponse,
    status_code=201,
    responses={
        200: {"model": schemas.ArticleResponse, "description": "Ingested before: nothing added"},
        422: {
            "model": schemas.ErrorBody,
            "description": "An invalid field, or `fetch_failed`: the URL could not be fetched",
        },
    },
    tags=["claims"],
)
def add_article(
    body: schemas.ArticleRequest, request: Request, response: Response, db: Db, account: Caller
) -> dict:
    """Add an article (its text, or a URL the server fetches under the same rules as
    `factcheck ingest`): its sentences are scored, the check-worthy ones stored as claims
    and matched against the reference corpus (checkers and above)."""
    settings = settings_of(request)
    url = http_url(body.url) if body.url else None
    result = workbench.add_article(
        db,
        settings,
        actor=_name(account),
        text=body.text,
        url=url,
        title=body.title,
        read_as=body.format,
    )
    if not result.created:
        response.status_code = 200
    rows = claim_store.list_claims(db, article_id=result.article_id)
    matches = match_store.for_claims(db, [row["id"] for row in rows])
    claims = [
        {
            "id": row["id"],
            "text": row["text"],
            "score": row["score"],
            "claim_type": row.get("claim_type"),
            "speaker": row.get("speaker"),
            "speaker_role": row.get("speaker_role"),
            "turn": row.get("turn"),
            "time_start": row.get("time_start"),
            "time_end": row.get("time_end"),
            "reasons": list(row.get("reasons") or []),
            "matches": [_match(m) for m in matches.get(row["id"], [])],
        }
        for row in rows
    ]
    return {
        "article_id": result.article_id,
        "created": result.created,
        "title": result.title,
        "source": result.source,
        "sentences": result.sentences,
        "matched": result.matched,
        "match_error": result.match_error,
        "message": result.message,
        "warnings": result.warnings,
        "claims": claims,
    }


# ---------------------------------------------------------------- claims


@router.get("/claims", response_model=schemas.ClaimPage, tags=["review"])
def list_claims(
    db: Db,
    account: Caller,
    status: Annotated[
        list[Literal[vocab.STATUSES]] | None,  # type: ignore[valid-type]
        Query(description="only these statuses (repeatable)"),
    ] = None,
    article_id: ArticleFilter = None,
    min_score: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    max_score: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    claim_type: Annotated[str | None, Query(max_length=200)] = None,
    assignee: Annotated[str | None, Query(max_length=200)] = None,
    verdict: Annotated[str | None, Query(max_length=200)] = None,
    needs_adjudication: bool | None = None,
    q: Annotated[str | None, Query(max_length=500, description="words in the text")] = None,
    sort: Annotated[Literal[tuple(SORTS)], Query()] = "score",  # type: ignore[valid-type]
    descending: bool = True,
    limit: Annotated[int, Query(ge=1, le=review.MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=schemas.MAX_ID)] = 0,
) -> dict:
    """One page of the review queue as the caller sees it: on claims where blind review hides
    others' work from the caller, no other reviewer's names, verdicts or counts, and a status
    that does not tell."""
    filters = QueueFilters(
        article_id=article_id,
        statuses=tuple(status) if status else None,
        min_score=min_score,
        max_score=max_score,
        claim_type=claim_type or None,
        assignee=assignee or None,
        verdict=verdict or None,
        needs_adjudication=needs_adjudication,
        search=q,
    )
    return review.queue(
        db,
        filters,
        sort=sort,
        descending=descending,
        limit=limit,
        offset=offset,
        viewer=_name(account),
    )


@router.get("/claims/{claim_id}", responses=NOT_FOUND, tags=["review"])
def get_claim(claim_id: ClaimId, db: Db, account: Caller) -> dict[str, Any]:
    """The claim as the caller may see it: what `factcheck review show --format json`
    prints (see `factcheck review show --help` for the layout). Pass `claim.version` back
    when saving a verdict or publishing."""
    return claim_json(workbench.claim_view(db, claim_id, _name(account), with_queue=False))


@router.post(
    "/claims/{claim_id}/citations",
    response_model=schemas.Citation,
    status_code=201,
    responses=NOT_FOUND | CONFLICT,
    tags=["review"],
)
def cite(claim_id: ClaimId, body: schemas.CitationRequest, db: Db, account: Caller) -> dict:
    """Cite a matched passage (`passage_id`) or an external source (`url`) for the claim,
    with a stance; the citation is the caller's own (checkers and above). Citing a passage
    again changes its stance."""
    if (body.passage_id is None) == (body.url is None):
        raise InputError("give passage_id or url (one of them)")
    if body.url is None and body.title is not None:
        raise InputError("title goes with url")
    if body.passage_id is not None:
        citation = review.cite_passage(
            db,
            _name(account),
            claim_id,
            body.passage_id,
            body.stance,
            quote=body.quote,
            note=body.note,
        )
    else:
        assert body.url is not None  # one of the two, checked above
        citation = review.cite_external(
            db,
            _name(account),
            claim_id,
            body.url,
            body.stance,
            title=body.title,
            quote=body.quote,
            note=body.note,
        )
    return citation_json(citation)


def _state(claim: dict) -> dict:
    return {"id": claim["id"], "status": claim["status"], "version": claim["version"]}


@router.post(
    "/claims/{claim_id}/verdicts",
    response_model=schemas.ClaimState,
    responses=NOT_FOUND | CONFLICT,
    tags=["review"],
)
def save_verdict(claim_id: ClaimId, body: schemas.VerdictRequest, db: Db, account: Caller) -> dict:
    """Save (or revise) the caller's own verdict on the claim (checkers and above). `version`
    is the claim's version as read: if it has changed since, nothing is saved and the answer
    is 409 Conflict. Answers the claim's new status and version."""
    claim = review.save_verdict(
        db,
        _name(account),
        claim_id,
        body.label,
        scale=body.scale,
        confidence=body.confidence,
        rationale=body.rationale,
        expected_version=body.version,
    )
    return _state(claim)


@router.post(
    "/claims/{claim_id}/publish",
    response_model=schemas.ClaimState,
    responses=NOT_FOUND | CONFLICT,
    tags=["review"],
)
def publish(claim_id: ClaimId, body: schemas.PublishRequest, db: Db, account: Caller) -> dict:
    """Publish the claim's agreed or adjudicated verdict (editors), citing the chosen
    citations (default: all). 409 when the version is stale or the claim has no verdict yet."""
    claim = review.publish(
        db,
        _name(account),
        claim_id,
        expected_version=body.version,
        citations=list(body.citations) if body.citations is not None else None,
    )
    return _state(claim)


# ---------------------------------------------------------------- search and export


@router.get("/search", tags=["corpus"])
def search(
    request: Request,
    db: Db,
    account: Caller,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="a claim or words")],
    top_k: Annotated[int, Query(ge=1, le=100)] = 10,
    method: Annotated[
        Literal[vocab.MATCH_METHODS] | None,  # type: ignore[valid-type]
        Query(description="default: FACTCHECK_MATCH_METHOD"),
    ] = None,
) -> list[dict[str, Any]]:
    """The reference corpus's best passages for `q`, with source, similarity (`score`),
    calibrated `confidence` and band (`strength`: strong, suggested or weak)."""
    from factcheck.match.matcher import search as search_corpus

    review.account(db, _name(account), "read")
    return search_corpus(db, q, top_k, method, settings_of(request))


def _download(data: bytes, fmt: str) -> Response:
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="factcheck.{EXTENSIONS[fmt]}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


DOWNLOAD: Responses = {
    200: {
        "description": "The file",
        "content": {media: {} for media in dict.fromkeys(MEDIA_TYPES.values())},
    }
}


@router.get("/export", response_class=Response, responses=DOWNLOAD, tags=["export"])
def export_verdicts(
    db: Db,
    account: Caller,
    format: Annotated[  # noqa: A002 - the query parameter's name
        Literal[vocab.EXPORT_FORMATS],  # type: ignore[valid-type]
        Query(
            description="the verdict table (csv, tsv, xlsx, json, jsonl, markdown), "
            "claimreview, annotations or trec-run"
        ),
    ] = "csv",
    article_id: ArticleFilter = None,
    status: Annotated[
        list[Literal[vocab.STATUSES]] | None,  # type: ignore[valid-type]
        Query(description="only these statuses (repeatable)"),
    ] = None,
    date_from: Annotated[
        str | None, Query(alias="from", max_length=40, description="verdicts given on or after")
    ] = None,
    date_to: Annotated[
        str | None, Query(alias="to", max_length=40, description="verdicts given on or before")
    ] = None,
    reviewer: Annotated[str | None, Query(max_length=200)] = None,
    verdict: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The export of `factcheck export --as CALLER`: what the caller may see (claims that
    blind review hides from the caller are left out; viewers get no reviewer's own work on
    blind articles)."""
    filters = ExportFilters(
        article_id, tuple(status) if status else None, date_from, date_to, reviewer, verdict
    )
    return _download(export(db, format, filters, viewer=_name(account)), format)


@router.get(
    "/claimreview",
    response_class=Response,
    responses={
        200: {
            "description": "schema.org ClaimReview JSON-LD (a list)",
            "content": {"application/ld+json": {}},
        }
    },
    tags=["export"],
)
def claimreview_feed(
    db: Db,
    account: Caller,
    article_id: ArticleFilter = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=40)] = None,
) -> Response:
    """Published verdicts as schema.org ClaimReview JSON-LD (`<`, `>` and `&` escaped: safe
    inside an HTML `<script>` element), the organisation of the editor's desk or
    FACTCHECK_ORG_NAME as author."""
    filters = ExportFilters(article_id, ("published",), date_from, date_to)
    data = export(db, "claimreview", filters, viewer=_name(account))
    return Response(data, media_type=MEDIA_TYPES["claimreview"])


# ---------------------------------------------------------------- watched feeds

FeedId = Annotated[int, Path(ge=1, le=schemas.MAX_ID, description="the feed's id")]
FEED_NOT_FOUND: Responses = {404: {"model": schemas.ErrorBody, "description": "No such feed"}}


@router.get("/feeds", response_model=list[schemas.Feed], tags=["feeds"])
def list_feeds(db: Db, account: Caller) -> list[dict]:
    """The watched RSS and Atom feeds, in the order they were added: interval, state, the
    last poll's outcome, failed polls in a row (a failing feed backs off: `next_poll_at`) and
    item counts (any account)."""
    return workbench.feeds_view(db, _name(account))


@router.post("/feeds", response_model=schemas.Feed, status_code=201, tags=["feeds"])
def add_feed(body: schemas.FeedRequest, request: Request, db: Db, account: Caller) -> dict:
    """Watch a feed (editors and admins), as `factcheck watch add`: the URL follows the URL
    rules of `POST /api/articles`; it is polled first by the next `factcheck watch run` (or
    `POST /api/feeds/{id}/poll`). 400 when it is watched already or the interval is bad."""
    return workbench.add_feed(
        db,
        settings_of(request),
        actor=_name(account),
        url=body.url,
        every=body.every,
        title=body.title,
    )


@router.get(
    "/feeds/{feed_id}", response_model=schemas.Feed, responses=FEED_NOT_FOUND, tags=["feeds"]
)
def get_feed(feed_id: FeedId, db: Db, account: Caller) -> dict:
    """One watched feed and its state (any account)."""
    return workbench.feed_view(db, _name(account), feed_id)


@router.delete(
    "/feeds/{feed_id}", response_model=schemas.Feed, responses=FEED_NOT_FOUND, tags=["feeds"]
)
def remove_feed(feed_id: FeedId, db: Db, account: Caller) -> dict:
    """Stop watching a feed (editors and admins): its polls and items go, its articles stay.
    Answers the feed as it was."""
    return workbench.remove_feed(db, actor=_name(account), feed_id=feed_id)


@router.post(
    "/feeds/{feed_id}/pause", response_model=schemas.Feed, responses=FEED_NOT_FOUND, tags=["feeds"]
)
def pause_feed(feed_id: FeedId, db: Db, account: Caller) -> dict:
    """Pause a feed: no polls until it is resumed (editors and admins)."""
    return workbench.set_feed_active(db, actor=_name(account), feed_id=feed_id, active=False)


@router.post(
    "/feeds/{feed_id}/resume", response_model=schemas.Feed, responses=FEED_NOT_FOUND, tags=["feeds"]
)
def resume_feed(feed_id: FeedId, db: Db, account: Caller) -> dict:
    """Resume a paused feed (editors and admins)."""
    return workbench.set_feed_active(db, actor=_name(account), feed_id=feed_id, active=True)


@router.post(
    "/feeds/{feed_id}/poll",
    response_model=schemas.PollNow,
    responses=FEED_NOT_FOUND,
    tags=["feeds"],
)
def poll_feed(feed_id: FeedId, request: Request, db: Db, account: Caller) -> dict:
    """Poll an active feed once, now, whether due or backing off (checkers and above: its new
    items are ingested as the caller). A feed that fails is no error of the request: the
    answer's `status` is `error` with the reason, and the feed's failures in a row count it.
    400 for a paused feed."""
    result = workbench.poll_feed_now(
        db, settings_of(request), actor=_name(account), feed_id=feed_id
    )
    return {
        "status": result.status,
        "http_status": result.http_status,
        "seen": result.seen,
        "new": result.new,
        "duplicate": result.duplicate,
        "failed": result.failed,
        "error": result.error,
        "message": result.message,
        "feed": workbench.feed_view(db, _name(account), feed_id),
    }


@router.get(
    "/feeds/{feed_id}/polls",
    response_model=list[schemas.FeedPoll],
    responses=FEED_NOT_FOUND,
    tags=["feeds"],
)
def feed_polls(
    feed_id: FeedId,
    db: Db,
    account: Caller,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many")] = 50,
) -> list[dict]:
    """The feed's latest polls, newest first (any account)."""
    return workbench.feed_polls(db, _name(account), feed_id, limit)


# ---------------------------------------------------------------- trending


@router.get("/trending", response_model=schemas.TrendingPage, tags=["claims"])
def trending_claims(
    request: Request,
    db: Db,
    account: Caller,
    since: Annotated[
        str | None,
        Query(
            max_length=40,
            description="only claims seen in this window: 24h, 7d, 2w, or a date (2026-12-01); "
            "default: all time",
        ),
    ] = None,
    min_articles: Annotated[
        int, Query(ge=1, le=100_000, description="only groups seen in this many articles")
    ] = 2,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many groups")] = 20,
) -> dict:
    """Claims repeated across articles, as `factcheck trending --as CALLER`: near-duplicate
    groups, most articles first, each with its claims, speakers, best fact-check match and the
    verdicts given, as blind review lets the caller see them. Claims never grouped yet (added
    without a reference corpus) are grouped first."""
    from factcheck.match import trending

    start = trending.since_date(since)
    groups = trending.trending(
        db,
        _name(account),
        since=start,
        min_articles=min_articles,
        limit=limit,
        settings=settings_of(request),
    )
    return {"since": start, "min_articles": min_articles, "limit": limit, "groups": groups}
