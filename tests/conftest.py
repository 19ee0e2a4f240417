"""Shared fixtures: a temporary SQLite file per test, settings pointing at it, shared data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from factcheck.config import load_settings  # noqa: E402
from factcheck.storage import open_db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "seeds" / "000_9f6c08b4849e9d93.txt"
SHARED_DATA = SHARED / "data"


@pytest.fixture
def db_path(tmp_path, monkeypatch) -> Path:
    """A fresh database file in a temporary folder, also set as FACTCHECK_DB."""
    path = tmp_path / "test.db"
    monkeypatch.setenv("FACTCHECK_DB", str(path))
    return path


@pytest.fixture
def db(db_path):
    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture
def settings(db_path):
    return load_settings(db_path=db_path)


@pytest.fixture
def seed_article() -> Path:
    if not SEED_ARTICLE.exists():
        pytest.skip(f"seed article not found at {SEED_ARTICLE} (../shared is not beside the repo)")
    return SEED_ARTICLE


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.exists():
        pytest.skip(f"shared data not found at {SHARED_DATA} (../shared is not beside the repo)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def bundled_model():
    """The real bundled all-MiniLM-L6-v2, loaded once per test session."""
    from factcheck.models.embed import load_model

    return load_model(None)
