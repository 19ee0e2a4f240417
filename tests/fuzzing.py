"""Shared hypothesis settings for the fuzz tests (tests/test_fuzz_*.py).

In CI every fuzz test runs a fixed, derandomised set of examples; ``FUZZ_EXAMPLES=2000 pytest
tests/test_fuzz_ingest.py`` runs a longer, random hunt instead."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

HUNT = os.environ.get("FUZZ_EXAMPLES")
FUZZ = settings(
    max_examples=int(HUNT or 60),
    deadline=None,
    derandomize=not HUNT,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the database is compared within each example
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
