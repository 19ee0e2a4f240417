"""factcheck: a claim fact-checking workbench (extraction, matching, review, export, agreement)."""

__version__ = "0.1.0"
