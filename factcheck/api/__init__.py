"""The HTTP API for newsroom systems (FastAPI, served by ``factcheck serve`` with uvicorn).

In: HTTP requests carrying an API token (``Authorization: Bearer TOKEN``) of an account.
Out: JSON (or export files) from the Python API, acting as that account: the same
permissions and blind review as the app and the CLI; errors as ``{"error": {...}}``.

- :mod:`~factcheck.api.app`: :func:`create_app` (body limit, CORS, offline docs), :func:`serve`.
- :mod:`~factcheck.api.routes`: the endpoints under ``/api``.
- :mod:`~factcheck.api.schemas`: request and response bodies.
- :mod:`~factcheck.api.errors`: the project's exceptions as HTTP status codes, in one table.
"""

from factcheck.api.app import create_app, serve

__all__ = ["create_app", "serve"]
