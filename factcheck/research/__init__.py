"""Research tools: training and evaluation. Nothing the app or ingest imports.

In: the shared CheckThat! 2021 and ClaimBuster data. Out: figures (MAP, MRR, recall, F1, AP)
and rebuilt model files in ``factcheck/data/``.

- :mod:`~factcheck.research.checkthat`: CheckThat! 2021 claim-retrieval loaders.
- :mod:`~factcheck.research.metrics`: ranking metrics, qrels and run files.
- :mod:`~factcheck.research.evaluate`: ``factcheck eval`` through the app's matching code.
- :mod:`~factcheck.research.train_scorer`: tune the check-worthiness scorer.
- :mod:`~factcheck.research.train_reranker`: fit the re-ranker.
"""
