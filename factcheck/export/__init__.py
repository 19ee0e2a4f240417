"""Stage 5, export: verdict tables for editors.

In: the reviewed claims in the database and export filters. Out: bytes in CSV, TSV, Excel,
JSON, JSONL, Markdown, ClaimReview, annotations or TREC run format (no spreadsheet formulas,
no raw HTML).

- :mod:`~factcheck.export.verdicts`: the verdict table and each format.
- :mod:`~factcheck.export.tables`: typed, formula-safe delimited tables.
"""
