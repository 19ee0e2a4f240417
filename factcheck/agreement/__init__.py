"""Agreement for researchers: between checkers and between sources.

In: reviewers' labels and the stances of cited sources (from the database or a table). Out:
reports (Krippendorff's alpha, Cohen's and Fleiss' kappa with bootstrap intervals, pairwise and
per-label figures, source agreement), rows for CSV, and Altair charts.

- :mod:`~factcheck.agreement.statistics`: the statistics on tables.
- :mod:`~factcheck.agreement.reports`: the same over the database, as reports and rows.
- :mod:`~factcheck.agreement.charts`: Altair charts of a report.
"""
