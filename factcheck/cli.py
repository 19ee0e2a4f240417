"""The ``factcheck`` command: a thin shell over the Python API.

Errors the library raises on purpose (:class:`FactcheckError`) become one line on stderr and
exit status 1; anything unexpected becomes one line too (set ``FACTCHECK_DEBUG=1`` for the
traceback). Exit status 2 is a usage error, as click gives it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from typing import Sequence

import click
from tabulate import tabulate

from . import __version__
from .config import DEFAULT_ACTOR, Settings, load_settings
from .errors import FactcheckError
from .storage import open_db

FORMATS = ("table", "csv", "json")


class FactcheckGroup(click.Group):
    """A click group that turns every error into one user-facing line."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except FactcheckError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except Exception as error:  # noqa: BLE001 - the edge: never show a traceback
            if os.environ.get("FACTCHECK_DEBUG"):
                raise
            click.echo(f"Error: unexpected {type(error).__name__}: {error}", err=True)
            sys.exit(1)


db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False), default=None,
    help="SQLite database file (default: $FACTCHECK_DB, else db/factcheck.db).",
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
    help="Output format.",
)


def settings_from(**overrides) -> Settings:
    return load_settings(**overrides)


def emit(rows: Sequence[dict], fmt: str, columns: Sequence[str]) -> None:
    """Print rows as a table, CSV or JSON (JSON keeps every field)."""
    if fmt == "json":
        click.echo(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(row.get(k)) for k in columns})
        click.echo(buffer.getvalue(), nl=False)
        return
    table = [[_cell(row.get(k), width=70) for k in columns] for row in rows]
    click.echo(tabulate(table, headers=list(columns), tablefmt="simple") if rows else "(none)")


def _cell(value, width: int | None = None):
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, float):
        value = round(value, 3)
    if width and isinstance(value, str) and len(value) > width:
        value = value[: width - 1] + "…"
    return value


@click.group(cls=FactcheckGroup)
@click.version_option(__version__, prog_name="factcheck")
def cli():
    """factcheck: extract check-worthy claims, match them to fact-checks, review and export.

    Settings come from options, then FACTCHECK_* environment variables (FACTCHECK_DB,
    FACTCHECK_THRESHOLD, FACTCHECK_MAX_INPUT_BYTES, FACTCHECK_FETCH_TIMEOUT,
    FACTCHECK_MAX_REDIRECTS, FACTCHECK_ALLOW_PRIVATE_URLS, FACTCHECK_EXTRACTOR,
    FACTCHECK_MODEL, FACTCHECK_LLM_BASE_URL, FACTCHECK_LLM_MODEL, FACTCHECK_LLM_API_KEY).
    """


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@click.option("--title", default=None, help="Title to store (overrides the one found).")
@click.option("--extractor", type=click.Choice(["default", "llm"]), default=None,
              help="Claim extractor (default: $FACTCHECK_EXTRACTOR, else default).")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Check-worthiness threshold for claims (default 0.5).")
@click.option("--allow-private-urls", is_flag=True, default=None,
              help="Allow URLs on loopback or private networks (off by default).")
@click.option("--actor", default=DEFAULT_ACTOR, show_default=True, help="Who is ingesting.")
def ingest(sources, db_path, title, extractor, threshold, allow_private_urls, actor):
    """Ingest articles: files (.txt, .md, .html), URLs, or - for stdin."""
    from .ingest import ingest_source

    settings = settings_from(db_path=db_path, extractor=extractor, threshold=threshold,
                             allow_private_urls=allow_private_urls)
    db = open_db(settings.db_path)
    for source in sources:
        result = ingest_source(db, source, settings, actor=actor, title=title,
                               extractor=extractor,
                               progress=lambda m: click.echo(f"  {m}…", err=True))
        click.echo(f"{source}: {result.message}")


@cli.command()
@db_option
@format_option
def articles(db_path, fmt):
    """List ingested articles with claim counts."""
    from .storage import articles as article_store

    settings = settings_from(db_path=db_path)
    rows = article_store.list_with_counts(open_db(settings.db_path))
    emit(rows, fmt, ["id", "title", "source", "publisher", "published_date",
                     "sentences", "claims", "reviewed", "published", "ingested_at"])


@cli.command()
@db_option
@format_option
@click.option("--article", "article_id", type=int, default=None, help="Only this article.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None, help="Lowest score.")
@click.option("--all", "include_all", is_flag=True, help="Every sentence, not only claims.")
def claims(db_path, fmt, article_id, min_score, include_all):
    """List claims with scores, reasons, speakers and types."""
    from .storage import claims as claim_store

    settings = settings_from(db_path=db_path)
    rows = claim_store.list_claims(open_db(settings.db_path), article_id=article_id,
                                   min_score=min_score, include_all=include_all)
    emit(rows, fmt, ["id", "article_id", "score", "claim_type", "speaker", "text", "reasons"]
         if fmt == "table" else
         ["id", "article_id", "sentence_index", "start", "end", "score", "check_worthy",
          "claim_type", "speaker", "text", "reasons", "quantities", "entities", "status"])


@cli.command()
@click.argument("file", type=click.File("rb"), default="-")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True)
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Check-worthiness threshold (default 0.5).")
def score(file, fmt, threshold):
    """Score sentences for check-worthiness: one sentence a line in FILE (or - for stdin)."""
    from .extract import score_sentences
    from .sources import decode_lines

    settings = settings_from(threshold=threshold)
    lines = decode_lines(file.read(), source=getattr(file, "name", "stdin"), settings=settings)
    results = score_sentences(lines, threshold=settings.threshold)
    rows = [{"text": r.text, "score": round(float(r.score), 4), "check_worthy": bool(r.check_worthy),
             "reasons": r.reasons} for r in results]
    emit(rows, fmt, ["text", "score", "check_worthy", "reasons"])


@cli.command()
@db_option
def demo(db_path):
    """Load the demo article (and demo corpus) into the database."""
    from .demo import load_demo

    settings = settings_from(db_path=db_path)
    result = load_demo(open_db(settings.db_path), settings)
    click.echo(f"demo: {result.message}")


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=argv, prog_name="factcheck")
