"""Settings: explicit options first, then ``FACTCHECK_*`` environment variables, then defaults.

Every setting has one environment variable; ``factcheck --help`` and the README list them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from factcheck.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "db" / "factcheck.db"
PROMPTS_DIR = PROJECT_ROOT / "prompts"
EXAMPLES_DIR = PROJECT_ROOT / "examples"
MIGRATIONS_DIR = PROJECT_ROOT / "db" / "migrations"
DEFAULT_ACTOR = "cli"


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def _as_float(name: str, value: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {value!r}") from None
    if not low <= number <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {number}")
    return number


def _as_int(name: str, value: str, low: int = 1) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {value!r}") from None
    if number < low:
        raise ConfigError(f"{name} must be at least {low}, got {number}")
    return number


def _as_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}")


@dataclass(frozen=True)
class Settings:
    """All tunables in one place. Build with :func:`load_settings`."""

    db_path: Path = DEFAULT_DB_PATH
    threshold: float = 0.5
    max_input_bytes: int = 10 * 1024 * 1024
    fetch_timeout: float = 15.0
    max_redirects: int = 5
    allow_private_urls: bool = False
    extractor: str = "default"
    model: str | None = None  # sentence-transformers name or path; None = bundled MiniLM
    llm_base_url: str = "http://localhost:11434/v1"
    llm_model: str = "llama3.1"
    llm_api_key: str | None = field(default=None, repr=False)
    llm_timeout: float = 120.0
    # claim matching (factcheck.match.matcher): thresholds on the match score, see docs/architecture.md
    match_suggested: float = 0.5
    match_strong: float = 0.75
    match_top_k: int = 5
    match_method: str = "rerank"
    duplicate_threshold: float = 0.9
    cross_encoder: str | None = None

    def with_overrides(self, **overrides) -> Settings:
        """A copy with the non-None overrides applied (CLI options)."""
        known = {f.name for f in fields(self)}
        clean = {k: v for k, v in overrides.items() if v is not None and k in known}
        if "db_path" in clean:
            clean["db_path"] = Path(clean["db_path"])
        return replace(self, **clean)


EXTRACTORS = ("default", "llm")
MATCH_METHODS = ("dense", "bm25", "hybrid", "rerank")


def load_settings(**overrides) -> Settings:
    """Read ``FACTCHECK_*`` environment variables, then apply explicit overrides."""
    values: dict = {}
    if (v := _env("FACTCHECK_DB")) is not None:
        values["db_path"] = Path(v)
    if (v := _env("FACTCHECK_THRESHOLD")) is not None:
        values["threshold"] = _as_float("FACTCHECK_THRESHOLD", v, 0.0, 1.0)
    if (v := _env("FACTCHECK_MAX_INPUT_BYTES")) is not None:
        values["max_input_bytes"] = _as_int("FACTCHECK_MAX_INPUT_BYTES", v)
    if (v := _env("FACTCHECK_FETCH_TIMEOUT")) is not None:
        values["fetch_timeout"] = _as_float("FACTCHECK_FETCH_TIMEOUT", v, 0.1, 600)
    if (v := _env("FACTCHECK_MAX_REDIRECTS")) is not None:
        values["max_redirects"] = _as_int("FACTCHECK_MAX_REDIRECTS", v, low=0)
    if (v := _env("FACTCHECK_ALLOW_PRIVATE_URLS")) is not None:
        values["allow_private_urls"] = _as_bool("FACTCHECK_ALLOW_PRIVATE_URLS", v)
    if (v := _env("FACTCHECK_EXTRACTOR")) is not None:
        values["extractor"] = v
    if (v := _env("FACTCHECK_MODEL")) is not None:
        values["model"] = v
    if (v := _env("FACTCHECK_LLM_BASE_URL")) is not None:
        values["llm_base_url"] = v
    if (v := _env("FACTCHECK_LLM_MODEL")) is not None:
        values["llm_model"] = v
    if (v := _env("FACTCHECK_LLM_API_KEY") or _env("OPENAI_API_KEY")) is not None:
        values["llm_api_key"] = v
    if (v := _env("FACTCHECK_LLM_TIMEOUT")) is not None:
        values["llm_timeout"] = _as_float("FACTCHECK_LLM_TIMEOUT", v, 0.1, 3600)
    if (v := _env("FACTCHECK_MATCH_SUGGESTED")) is not None:
        values["match_suggested"] = _as_float("FACTCHECK_MATCH_SUGGESTED", v, 0.0, 1.0)
    if (v := _env("FACTCHECK_MATCH_STRONG")) is not None:
        values["match_strong"] = _as_float("FACTCHECK_MATCH_STRONG", v, 0.0, 1.0)
    if (v := _env("FACTCHECK_MATCH_TOP_K")) is not None:
        values["match_top_k"] = _as_int("FACTCHECK_MATCH_TOP_K", v)
    if (v := _env("FACTCHECK_MATCH_METHOD")) is not None:
        values["match_method"] = v
    if (v := _env("FACTCHECK_DUPLICATE_THRESHOLD")) is not None:
        values["duplicate_threshold"] = _as_float("FACTCHECK_DUPLICATE_THRESHOLD", v, 0.0, 1.0)
    if (v := _env("FACTCHECK_CROSS_ENCODER")) is not None:
        values["cross_encoder"] = v
    settings = Settings(**values).with_overrides(**overrides)
    if settings.match_method not in MATCH_METHODS:
        raise ConfigError(
            f"unknown match method {settings.match_method!r}; choose one of: "
            f"{', '.join(MATCH_METHODS)}"
        )
    if settings.match_suggested > settings.match_strong:
        raise ConfigError(
            f"the suggested-match threshold ({settings.match_suggested}) is above "
            f"the strong-match threshold ({settings.match_strong})"
        )
    if settings.extractor not in EXTRACTORS:
        raise ConfigError(
            f"unknown extractor {settings.extractor!r}; choose one of: {', '.join(EXTRACTORS)}"
        )
    if not 0.0 <= settings.threshold <= 1.0:
        raise ConfigError(f"threshold must be between 0 and 1, got {settings.threshold}")
    return settings
