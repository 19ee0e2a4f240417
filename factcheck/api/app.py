"""The FastAPI application: :func:`create_app` builds it from the settings, :func:`serve` runs
it with uvicorn (``factcheck serve``).

Around the endpoints (:mod:`factcheck.api.routes`): a request body limit (the
``api_max_body_bytes`` setting: 413 above it, whether the client declares the length or
streams), CORS only for the origins of ``api_cors_origins`` (none by default), JSON errors
(:mod:`factcheck.api.errors`), OpenAPI at ``/openapi.json`` and Swagger UI at ``/docs`` served
from the ``swagger-ui-bundle-v2`` package (no CDN: the docs work offline).

The embedding model and the check-worthiness scorer are loaded once per process, on the first
request that needs them (the library's own loaders cache them), and shared by every request.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factcheck import __version__
from factcheck.api import errors, routes
from factcheck.config import Settings, env_name, load_settings
from factcheck.storage import open_db

DOCS_ASSETS = "/docs/assets"
DESCRIPTION = """The factcheck workbench for newsroom systems: score sentences, add articles,
review claims, search the reference corpus, export verdicts, read the ClaimReview feed, watch
RSS and Atom feeds and see the claims trending across articles.

Every endpoint but `/api/health` needs `Authorization: Bearer TOKEN`, a token of an account
(`factcheck users token NAME`). A call acts as that account, with its role's permissions and
blind review exactly as in the app. Errors are `{"error": {"code": ..., "message": ...}}`.
"""


def swagger_assets() -> Path:
    """The folder of Swagger UI's files in the ``swagger-ui-bundle-v2`` package."""
    from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

    return Path(str(swagger_ui_path))


class BodyLimit:
    """Refuse a request body over ``limit`` bytes with 413: at once when its Content-Length
    says so, else as soon as that much has been received."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                await self._refuse(scope, receive, send, 400, "bad Content-Length header")
                return
            if length > self.limit:
                await self._refuse(scope, receive, send, 413, self._too_large())
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(413, self._too_large())
            return message

        await self.app(scope, counted, send)

    def _too_large(self) -> str:
        return (
            f"the request body is larger than {self.limit:,} bytes (FACTCHECK_API_MAX_BODY_BYTES)"
        )

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str):
        code = errors.HTTP_CODES.get(status, "bad_request")
        response = errors.error_response(status, code, message, headers={"Connection": "close"})
        await response(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API over ``settings.db_path`` (default: :func:`load_settings`), its database
    migrated now; each request opens its own connection."""
    settings = settings or load_settings()
    open_db(settings.db_path).close()  # create or migrate once, before the first request
    app = FastAPI(
        title="factcheck",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    errors.install(app)
    app.include_router(routes.router)
    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_assets()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="factcheck API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/docs")

    origins = [o.strip() for o in (settings.api_cors_origins or "").split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(BodyLimit, limit=settings.api_max_body_bytes)
    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Run the API with uvicorn until interrupted. With ``workers`` > 1, uvicorn starts that
    many processes, each making the app from the environment (``settings.db_path`` is put
    there as FACTCHECK_DB; the other settings come from the environment anyway)."""
    import uvicorn

    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
        return
    create_app(settings)  # migrate once, and fail here (not in every worker) on a bad setting
    os.environ[env_name("db_path")] = str(settings.db_path)
    uvicorn.run(
        "factcheck.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
