"""Stage 5, export: verdict tables for editors.

In: the reviewed claims in the database, export filters and the viewing account. Out: bytes in
CSV, TSV, Excel, JSON, JSONL, Markdown, ClaimReview, annotations or TREC run format (no
spreadsheet formulas, no raw HTML, JSON safe inside a <script> element), holding only what that
account may see.

- :mod:`~factcheck.export.verdicts`: the verdict table and each format.
- :mod:`~factcheck.export.tables`: typed, formula-safe delimited tables.
- :mod:`~factcheck.export.visibility`: what an account may see (blind review, roles).
"""
