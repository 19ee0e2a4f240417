"""The reference corpus: published fact-checks and trusted documents, in and out.

In: CSV/TSV/JSON/JSONL files, folders of documents, ClaimReview JSON-LD, CheckThat! sets.
Out: sources and passages in the database (via :mod:`factcheck.storage.corpus`), their cached
embeddings, and ClaimReview JSON-LD for published verdicts.

- :mod:`~factcheck.corpus.importer`: read, map fields, split into passages, store.
- :mod:`~factcheck.corpus.vectors`: encode passages once per model (the embedding cache).
- :mod:`~factcheck.corpus.claimreview`: schema.org ClaimReview for exports.
"""
