"""A property-based run of the HTTP API's own OpenAPI schema (schemathesis) against a running
server: requests generated from the schema, valid and invalid, for every operation, as an
editor on a desk with claims, citations, a published verdict, a reference corpus and watched
feeds (fetching offline). None may get a 5xx. Kept short: a few dozen examples per operation."""

from __future__ import annotations

import json

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from factcheck.api import routes
from factcheck.corpus.importer import ImportOptions, import_paths
from factcheck.errors import FetchError
from factcheck.ingest import fetch
from factcheck.monitor import watch
from factcheck.review import workflow as review
from tests.api_server import running
from tests.test_review import _article, _match, _passages

EXAMPLES = 25  # per operation and mode: about 500 requests in all


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A running API over a desk with some of everything; its editor's token."""
    folder = tmp_path_factory.mktemp("api-schema")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FACTCHECK_DB", str(folder / "api.db"))

        def offline(url, settings):
            raise FetchError(f"{url}: no network in this test")

        patch.setattr(fetch, "fetch_url", offline)
        patch.setattr(fetch, "fetch_feed", lambda url, settings, **_: offline(url, settings))
        patch.setattr(fetch, "check_url", lambda url, *, allow_private: None)  # no DNS lookups
        with running(folder / "api.db", patch) as api:
            token = api.account("Eve", "editor")
            api.account("Ann", "checker")
            review.set_blind_mode(api.db, "Eve", True)
            review.set_organisation(api.db, "Eve", "Desk", "https://desk.example")
            _, claims = _article(
                api.db,
                "Budget",
                [("The deficit tripled.", 0.9, "statistic", True), ("Jobs fell.", 0.7, None, True)],
            )
            passages = _passages(api.db, 2)
            _match(api.db, claims[0], passages[0], 0.8)
            review.cite_passage(api.db, "Ann", claims[0], passages[0], "refutes")
            review.save_verdict(api.db, "Ann", claims[0], "False")
            review.publish(api.db, "Eve", claims[0])
            refs = folder / "refs.jsonl"
            refs.write_text(json.dumps({"claim": "Jobs fell.", "verdict": "true"}) + "\n")
            import_paths(api.db, [refs], ImportOptions(format="jsonl"), settings=api.settings)
            for name in ("wire", "agency", "blog"):
                watch.add(api.db, f"https://{name}.example/feed.xml", api.settings, actor="Eve")
            api.token = token
            yield api


@pytest.fixture(scope="module")
def api_schema(desk):
    return schemathesis.openapi.from_url(desk.base + "/openapi.json")


def _takes_input(route: APIRoute) -> bool:
    """Whether the operation has a parameter or a body (else no request of it is invalid)."""
    todo, found = [route.dependant], []
    while todo:
        dependant = todo.pop()
        found += dependant.path_params + dependant.query_params + dependant.header_params
        found += dependant.body_params
        todo += dependant.dependencies
    return bool(found)


RUNS = sorted(
    (method, route.path, mode)
    for route in routes.router.routes
    if isinstance(route, APIRoute)
    for method in route.methods
    for mode in GenerationMode
    if mode is GenerationMode.POSITIVE or _takes_input(route)
)


@pytest.mark.parametrize(
    ("method", "path", "mode"), RUNS, ids=[f"{m} {p} {g.value}" for m, p, g in RUNS]
)
def test_no_request_gets_a_server_error(desk, api_schema, method, path, mode):
    """Valid (positive) and invalid (negative) requests of one operation: none gets a 5xx."""
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,  # the same requests on every run: a failure is reproducible
        database=None,
    )
    def check(case):
        response = case.call(headers={"Authorization": f"Bearer {desk.token}"})
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} query={case.query} body={case.body!r}: "
            f"{response.status_code} {response.text[:500]}"
        )

    check()
