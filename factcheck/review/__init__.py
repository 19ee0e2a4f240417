"""Stage 4, review: checkers and editors work on claims.

In: a reviewer's actions (assign, cite, save a verdict, adjudicate, publish, import labels).
Out: verdicts, citations, statuses and audit events in the database; the queue and claim views
(blind to other reviewers' verdicts until one's own is given).

- :mod:`~factcheck.review.workflow`: every review action, checked and recorded.
- :mod:`~factcheck.review.scales`: verdict rating scales (presets and custom).
- :mod:`~factcheck.review.labels`: import reviewers' labels from a file.
"""
