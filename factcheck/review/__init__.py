"""Stage 4, review: checkers and editors work on claims.

In: a reviewer's actions (assign, cite, save a verdict, adjudicate, publish, import labels).
Out: verdicts, citations, statuses and audit events in the database; the queue and claim views
(blind to other reviewers' verdicts until one's own is given).

- :mod:`~factcheck.review.workflow`: every review action, checked and recorded.
- :mod:`~factcheck.review.scales`: verdict rating scales (presets and custom).
- :mod:`~factcheck.review.labels`: import reviewers' labels from a file.
- :mod:`~factcheck.review.tokens`: API tokens of accounts (the HTTP API's sign-in).
- :mod:`~factcheck.review.views`: the claim as an account may see it, as stable JSON.
"""
