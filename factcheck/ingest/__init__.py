"""Stage 1, reading: what a person hands in becomes a :class:`factcheck.types.Document`.

In: a file path, a URL, standard input or pasted/uploaded bytes. Out: a ``Document`` (clean
text, title, date, format, source) or one :class:`factcheck.errors.InputError` that says what
was wrong; nothing is stored here.

- :mod:`~factcheck.ingest.read`: read under the size limit, refuse binaries, decode, detect
  the format, convert HTML/Markdown/text to a Document.
- :mod:`~factcheck.ingest.fetch`: fetch a URL with timeouts, redirect and address rules.
- :mod:`~factcheck.ingest.transcript`: detect and read transcripts ("NAME: text" turns,
  CheckThat!/ClaimBuster TSV, SRT, WebVTT) into speakers' turns.
- :mod:`~factcheck.ingest.limits`: the size limit's message, shared by both.
"""
