"""Stage 3, matching: claims against the reference corpus.

In: claims and the corpus in the database. Out: ranked candidate passages per claim (stored as
matches with their similarity scores), search results, near-duplicate claim groups.

- :mod:`~factcheck.match.matcher`: the one code path for ``match``, ``search``, ingest and the
  app: retrieval units, ranking, storing matches, near-duplicate groups.
- :mod:`~factcheck.match.retrieval`: dense, BM25, hybrid and re-ranked retrieval.
- :mod:`~factcheck.match.rerank`: the learned linear re-ranker (inference; its training is
  :mod:`factcheck.research.train_reranker`).
- :mod:`~factcheck.match.ann`: exact and approximate (usearch) vector indexes.
"""
