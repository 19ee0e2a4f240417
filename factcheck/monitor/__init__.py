"""Watched feeds in, articles out: RSS and Atom feeds polled with conditional requests, each
new item fetched under the URL rules of :mod:`factcheck.ingest.fetch`, then ingested and
matched by :func:`factcheck.pipeline.add_article`; every poll and every item recorded.

:mod:`.feeds` parses a feed's bytes (feedparser); :mod:`.watch` adds, lists and polls feeds.
"""
