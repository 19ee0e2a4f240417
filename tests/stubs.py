"""Stand-ins shared by several test files."""

from __future__ import annotations


class FixedScorer:
    """A stand-in check-worthiness scorer: every sentence 0.6 (the rules may raise it), so the
    tests that use it are about what is done with the scores, not about the model."""

    def score(self, texts):
        return [0.6] * len(texts)
