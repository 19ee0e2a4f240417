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
from collections.abc import Sequence

import click
from tabulate import tabulate

from factcheck import __version__, config, vocab
from factcheck.config import DEFAULT_ACTOR, Settings, load_settings
from factcheck.errors import FactcheckError, InputError, NotFoundError
from factcheck.review.views import claim_json  # the layout `GET /api/claims/{id}` shares
from factcheck.storage import is_url, open_db, shown_location


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
            if _debug():
                raise
            click.echo(f"Error: unexpected {type(error).__name__}: {error}", err=True)
            sys.exit(1)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The top-level help ends with every setting, from the one table in config.py."""
        super().format_epilog(ctx, formatter)
        if ctx.parent is not None:
            return
        with formatter.section("Settings"):
            formatter.write_text(
                "Options win over FACTCHECK_* environment variables, which win over a .env "
                "file in the working folder, then the defaults. `factcheck settings` shows "
                "the values in effect."
            )
            formatter.write_paragraph()
            formatter.write_dl(config.help_rows(), col_max=30)


def _debug() -> bool:
    """The ``debug`` setting (FACTCHECK_DEBUG): tracebacks instead of one-line errors."""
    try:
        return load_settings().debug
    except FactcheckError:
        return False


db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="SQLite database file or postgresql:// URL (default: $FACTCHECK_DB, else ./factcheck.db).",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(vocab.TABLE_FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)


def settings_from(**overrides) -> Settings:
    return load_settings(**overrides)


def open_database(db_path: str | None):
    """The database of ``--db`` (else FACTCHECK_DB, else ./factcheck.db), migrated."""
    return open_db(settings_from(db_path=db_path).db_path)


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

    Settings come from options, then FACTCHECK_* environment variables, then a .env file in
    the working folder (listed below; `factcheck settings` shows those in effect).
    """


@cli.command("settings")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
    help="table/json: the values in effect and where each comes from; markdown: the "
    "reference table of the README (variables, defaults, meanings).",
)
def settings_command(fmt):
    """Show every setting: its variable, the value in effect and where it comes from."""
    if fmt == "markdown":
        click.echo(config.markdown_table(), nl=False)
        return
    settings = load_settings()
    where = config.sources()
    rows = []
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if config.is_secret(name) and value is not None:
            value = "(set)"
        elif name == "db_path":
            value = shown_location(value)  # a PostgreSQL URL without its password
        rows.append(
            {
                "variable": config.env_name(name),
                "value": str(value) if isinstance(value, os.PathLike) else value,
                "source": where[name],
                "setting": name,
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    unset = {row["setting"]: row["default"].replace("`", "") for row in config.rows()}
    for row in rows:
        if row["value"] is None:
            row["value"] = f"({unset[row['setting']]})" if unset[row["setting"]] != "—" else "—"
    emit(rows, "table", ["variable", "value", "source"])


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@db_option
@click.option("--title", default=None, help="Title to store (overrides the one found).")
@click.option(
    "--extractor",
    type=click.Choice(vocab.EXTRACTORS),
    default=None,
    help="Claim extractor (default: $FACTCHECK_EXTRACTOR, else default).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="Check-worthiness threshold for claims (default 0.5).",
)
@click.option(
    "--allow-private-urls",
    is_flag=True,
    default=None,
    help="Allow URLs on loopback or private networks (off by default).",
)
@click.option("--actor", default=DEFAULT_ACTOR, show_default=True, help="Who is ingesting.")
@click.option(
    "--no-match", is_flag=True, help="Do not match the new claims against the reference corpus."
)
@click.option(
    "--format",
    "read_as",
    type=click.Choice(vocab.READ_AS),
    default="auto",
    show_default=True,
    help="Read sources as articles or as transcripts (speakers' turns: 'NAME: text', "
    "TSV line/speaker/text, SRT, WebVTT); auto: a transcript when it looks like one.",
)
def ingest(
    sources, db_path, title, extractor, threshold, allow_private_urls, actor, no_match, read_as
):
    """Ingest articles or transcripts: files (.txt, .md, .html, .srt, .vtt, .tsv), URLs, or
    - for stdin.

    When a reference corpus exists, the new claims are matched against it.
    """
    from factcheck.pipeline import add_article

    settings = settings_from(
        db_path=db_path,
        extractor=extractor,
        threshold=threshold,
        allow_private_urls=allow_private_urls,
    )
    db = open_db(settings.db_path)
    failed = []
    for source in sources:  # each source is its own transaction; a failure skips only it
        try:
            result = add_article(
                db,
                settings,
                source=source,
                actor=actor,
                title=title,
                extractor=extractor,
                match=not no_match,
                progress=lambda m: click.echo(f"  {m}…", err=True),
                read_as=read_as,
            )
        except FactcheckError as error:
            click.echo(f"Error: {error}", err=True)
            failed.append(source)
            continue
        click.echo(f"{source}: {result.message}")
        for warning in result.warnings:  # e.g. a decoding fallback
            click.echo(f"Warning: {source}: {warning}", err=True)
        if result.match_error:  # the article is stored; matching can be rerun
            click.echo(
                "Warning: claims not matched; once fixed, run "
                f"`factcheck match --article {result.article_id}`",
                err=True,
            )
    if failed:
        if len(sources) > 1:
            click.echo(
                f"Error: {len(failed)} of {len(sources)} sources failed: {', '.join(failed)}",
                err=True,
            )
        sys.exit(1)


@cli.command()
@db_option
@format_option
def articles(db_path, fmt):
    """List ingested articles with claim counts."""
    from factcheck.storage import articles as article_store

    settings = settings_from(db_path=db_path)
    rows = article_store.list_with_counts(open_db(settings.db_path))
    emit(
        rows,
        fmt,
        [
            "id",
            "title",
            "source",
            "publisher",
            "published_date",
            "sentences",
            "claims",
            "reviewed",
            "published",
            "ingested_at",
        ],
    )


@cli.command()
@db_option
@format_option
@click.option("--article", "article_id", type=int, default=None, help="Only this article.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None, help="Lowest score.")
@click.option("--all", "include_all", is_flag=True, help="Every sentence, not only claims.")
def claims(db_path, fmt, article_id, min_score, include_all):
    """List claims with scores, reasons, speakers and types."""
    from factcheck.storage import claims as claim_store

    settings = settings_from(db_path=db_path)
    rows = claim_store.list_claims(
        open_db(settings.db_path),
        article_id=article_id,
        min_score=min_score,
        include_all=include_all,
    )
    emit(
        rows,
        fmt,
        ["id", "article_id", "score", "claim_type", "speaker", "text", "reasons"]
        if fmt == "table"
        else [
            "id",
            "article_id",
            "sentence_index",
            "start",
            "end",
            "score",
            "check_worthy",
            "claim_type",
            "speaker",
            "text",
            "reasons",
            "quantities",
            "entities",
            "status",
        ],
    )


@cli.command()
@click.argument("file", default="-")
@click.option(
    "--format", "fmt", type=click.Choice(vocab.TABLE_FORMATS), default="json", show_default=True
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="Check-worthiness threshold (default 0.5).",
)
def score(file, fmt, threshold):
    """Score sentences for check-worthiness: one sentence a line in FILE (or - for stdin)."""
    from factcheck.extract.claims import score_sentences
    from factcheck.ingest.read import decode_lines, read_input

    settings = settings_from(threshold=threshold)
    source = "stdin" if file == "-" else file
    lines = decode_lines(
        read_input(file, settings),
        source=source,
        settings=settings,
        warn=lambda warning: click.echo(f"Warning: {source}: {warning}", err=True),
    )
    results = score_sentences(lines, threshold=settings.threshold)
    rows = [
        {
            "text": r.text,
            "score": round(float(r.score), 4),
            "check_worthy": bool(r.check_worthy),
            "reasons": r.reasons,
        }
        for r in results
    ]
    emit(rows, fmt, ["text", "score", "check_worthy", "reasons"])


@cli.command()
@db_option
def demo(db_path):
    """Load the demo article (and demo corpus) into the database."""
    from factcheck.demo import load_demo

    settings = settings_from(db_path=db_path)
    result = load_demo(open_db(settings.db_path), settings)
    click.echo(f"demo: {result.message}")


# The workbench's Streamlit settings (.streamlit/config.toml in a checkout), as environment
# variables so they hold from any folder; the caller's own STREAMLIT_* variables and
# extra options win.
STREAMLIT_ENV = {
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    "STREAMLIT_SERVER_SHOW_EMAIL_PROMPT": "false",
    "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": "50",
    "STREAMLIT_CLIENT_TOOLBAR_MODE": "minimal",
    "STREAMLIT_RUNNER_POST_SCRIPT_GC": "false",
}


def streamlit_command(port: int, extra: Sequence[str] = ()) -> list[str]:
    """The ``streamlit run`` command line for the packaged (or checkout) app."""
    from factcheck.resources import app_script

    script = app_script()
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        *extra,
    ]


@cli.command("app", context_settings={"ignore_unknown_options": True})
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="HTTP port."
)
@db_option
@click.argument("streamlit_args", nargs=-1, type=click.UNPROCESSED)
def app_command(port, db_path, streamlit_args):
    """Start the review workbench in the browser (Streamlit).

    Options after the known ones go to `streamlit run`, e.g.
    `factcheck app --port 8600 --server.headless true`.
    """
    command = streamlit_command(port, streamlit_args)
    env = {**STREAMLIT_ENV, **os.environ}
    if db_path is not None:
        env[config.env_name("db_path")] = db_path if is_url(db_path) else os.path.abspath(db_path)
    sys.exit(run_streamlit(command, env))


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="HTTP port."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes (uvicorn workers); more use more CPU cores.",
)
@db_option
def serve_command(host, port, workers, db_path):
    """Serve the HTTP API (FastAPI with uvicorn): OpenAPI at /openapi.json, docs at /docs.

    Calls need `Authorization: Bearer TOKEN` with a token from `factcheck users token NAME`;
    each acts as that account (its role, blind review). Settings: FACTCHECK_API_*.
    """
    from factcheck.api import serve

    serve(settings_from(db_path=db_path), host=host, port=port, workers=workers)


def run_streamlit(command: Sequence[str], env: dict[str, str]) -> int:
    """Run streamlit until it stops; a SIGTERM to this process is passed on. Its exit code."""
    import signal
    import subprocess

    try:
        process = subprocess.Popen(list(command), env=env)
    except OSError as error:
        raise FactcheckError(f"cannot start streamlit: {error}") from None
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: process.send_signal(signum))
    try:
        return process.wait()
    except KeyboardInterrupt:  # Ctrl-C reached streamlit too: let it shut down
        return process.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)


# --------------------------------------------------------------------------- users


def _stdin_is_tty() -> bool:
    """Whether a person can be asked for a password (tests replace this)."""
    return sys.stdin.isatty()


def _read_password(from_stdin: bool) -> str:
    """The new password: the first line of stdin (``--password-stdin``), else asked twice with
    hidden input on a terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not _stdin_is_tty():
        raise InputError(
            "no terminal to ask for the password: pipe it in with --password-stdin "
            "(e.g. `printf '%s\\n' \"$PASSWORD\" | factcheck users ... --password-stdin`)"
        )
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


ROLE_METAVAR = "[" + "|".join(vocab.ROLES) + "]"
USER_COLUMNS = ["name", "role", "disabled", "created_at"]


@cli.group()
def users():
    """Accounts (local administration: whoever holds the database file acts as admin).

    Roles, each allowed what the ones before it are: viewer (reads), checker (reviews),
    editor (assigns, adjudicates, publishes, sets the desk's settings), admin (manages
    accounts).
    """


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    metavar=ROLE_METAVAR,
    help=f"The account's role: {', '.join(vocab.ROLES)}.",
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@click.option(
    "--no-password",
    is_flag=True,
    help="No password: only the header and none sign-in modes (FACTCHECK_AUTH) can sign it in.",
)
@db_option
def users_add(name, role, password_stdin, no_password, db_path):
    """Create an account NAME with a role; asks for its password twice (hidden) unless
    --password-stdin or --no-password."""
    from factcheck.review import accounts

    if password_stdin and no_password:
        raise click.UsageError("give --password-stdin or --no-password, not both")
    accounts.check_role(role)  # before asking for a password
    password = None if no_password else _read_password(password_stdin)
    db = open_database(db_path)
    account = accounts.add_account(db, None, name, role, password)
    how = "no password: header or none sign-in only" if no_password else "with a password"
    click.echo(f"added {account['name']} as {account['role']} ({how})")


@users.command("list")
@db_option
@format_option
def users_list(db_path, fmt):
    """List accounts: name, role, disabled, created_at (never a password)."""
    from factcheck.review import accounts

    db = open_database(db_path)
    rows = [
        {
            "name": row["name"],
            "role": row["role"],
            "disabled": bool(row["disabled"]),
            "created_at": row["created_at"],
        }
        for row in accounts.list_accounts(db)
    ]
    emit(rows, fmt, USER_COLUMNS)


@users.command("set-role")
@click.argument("name")
@click.argument("role", metavar=ROLE_METAVAR)
@db_option
def users_set_role(name, role, db_path):
    """Give account NAME another role (the last admin keeps theirs)."""
    from factcheck.review import accounts

    db = open_database(db_path)
    account = accounts.set_role(db, None, name, role)
    click.echo(f"{account['name']} is now {account['role']}")


@users.command("disable")
@click.argument("name")
@db_option
def users_disable(name, db_path):
    """Disable account NAME: it can no longer sign in or act; its sessions end."""
    from factcheck.review import accounts

    db = open_database(db_path)
    account = accounts.set_disabled(db, None, name, disabled=True)
    click.echo(f"disabled {account['name']} (its sessions are ended)")


@users.command("enable")
@click.argument("name")
@db_option
def users_enable(name, db_path):
    """Enable account NAME again."""
    from factcheck.review import accounts

    db = open_database(db_path)
    account = accounts.set_disabled(db, None, name, disabled=False)
    click.echo(f"enabled {account['name']}")


@users.command("reset-password")
@click.argument("name")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@db_option
def users_reset_password(name, password_stdin, db_path):
    """Set a new password for account NAME (asked twice, hidden); its sessions end."""
    from factcheck.review import accounts

    db = open_database(db_path)
    accounts.get_account(db, name)  # an unknown name fails before the password is asked
    account = accounts.reset_password(db, None, name, _read_password(password_stdin))
    click.echo(f"new password set for {account['name']} (its sessions are ended)")


TOKEN_COLUMNS = ["id", "label", "prefix", "created_at", "created_by", "revoked_at"]


@users.command("token")
@click.argument("name")
@click.option("--name", "label", default=None, help="A label to tell the token apart (e.g. cms).")
@db_option
def users_token(name, label, db_path):
    """Print a new API token for account NAME (`factcheck serve`): it acts as NAME, with NAME's
    role and blind review. Only its hash is stored: keep it now, it is not shown again."""
    from factcheck.review import tokens

    db = open_database(db_path)
    row, token = tokens.issue_token(db, None, name, label)
    click.echo(token)
    click.echo(
        f"token {row['id']} for {row['account']} ({row['prefix']}…); revoke it with "
        f"`factcheck users revoke-token {row['id']}`",
        err=True,
    )


@users.command("tokens")
@click.argument("name")
@db_option
@format_option
def users_tokens(name, db_path, fmt):
    """List account NAME's API tokens: id, label, first characters, created, revoked (never
    the token)."""
    from factcheck.review import tokens

    emit(tokens.list_tokens(open_database(db_path), name), fmt, TOKEN_COLUMNS)


@users.command("revoke-token")
@click.argument("token_id", metavar="ID", type=int)
@db_option
def users_revoke_token(token_id, db_path):
    """Revoke API token ID: a request that presents it gets 401 from now on."""
    from factcheck.review import tokens

    row = tokens.revoke_token(open_database(db_path), token_id)
    click.echo(f"revoked token {row['id']} of {row['account']} ({row['prefix']}…)")


# --------------------------------------------------------------------------- review

review_actor_option = click.option(
    "--as",
    "actor",
    required=True,
    metavar="NAME",
    help="The account to act as, with its role's permissions and blind review "
    "(no password: whoever holds the database file).",
)


@cli.group("review")
def review_group():
    """Review claims from the command line as an account (--as NAME), with exactly the
    permissions and blind review of the app."""


SHOW_HELP = """Show claim CLAIM as account NAME sees it in the app: the claim, the evidence
cards with NAME's own stance, NAME's verdict and citations and, when NAME may see them
(no blind review hiding them), the other reviewers' verdicts and citations; then the history.

\b
--format json prints one object (a stable layout; new keys may be added):
  claim            {id, article_id, article_title, text, speaker, claim_type, score,
                    status, version}   (pass version to `review verdict --version`)
  viewer           {name, role}
  blind            true while blind review hides others' work from NAME
  can_review, can_see_all   NAME's permissions on the claim
  scale, labels    the verdict scale and its labels
  reviews_needed   independent verdicts the claim needs
  assignees        names of assigned reviewers (only NAME while blind)
  own_verdict      NAME's verdict or null
  verdicts         individual verdicts NAME may see (only NAME's while blind)
  final_verdict    the editor's final verdict or null (null while blind)
  needs_adjudication  whether reviewers disagree (false while blind)
  draft            NAME's unsaved draft or null
  evidence         cards: {passage_id, source_id, title, url, publisher, date, verdict,
                    score (similarity), confidence, band, rank, strength (= band),
                    text, stance, citation_id, dismissed}
                    (stance, citation_id and dismissed are NAME's own)
  own_citations, other_citations   {id, created_by, stance, passage_id, url, title,
                    quote, note, accessed_at, in_final, created_at}
                    (other_citations is empty while blind)
  seen_before      near-duplicate claims with a verdict NAME may see:
                    {claim_id, text, article_title, status, label, scale, similarity}
  history          {at, actor, action, change}, oldest first (others' work left out while
                    blind)
A verdict is {reviewer, label, scale, ordinal, confidence, rationale, is_final,
created_at, updated_at}.
"""


def _verdict_line(verdict: dict) -> str:
    text = f"{verdict['label']} ({verdict['scale']})"
    if verdict["confidence"] is not None:
        text += f", confidence {verdict['confidence']:.2f}"
    if verdict["rationale"]:
        text += f": {verdict['rationale']}"
    return text


def _citation_line(citation: dict) -> str:
    where = f"passage {citation['passage_id']}" if citation["passage_id"] else citation["url"]
    text = f"#{citation['id']} {citation['stance']} {where}"
    if citation["title"]:
        text += f" ({citation['title']})"
    if citation["quote"]:
        text += f' "{citation["quote"]}"'
    return text + (" [cited in the published verdict]" if citation["in_final"] else "")


def _show_text(data: dict) -> None:
    claim, viewer = data["claim"], data["viewer"]
    say = click.echo
    say(f"claim {claim['id']} (article {claim['article_id']}: {claim['article_title']})")
    say(f"  {claim['text']}")
    if claim["speaker"]:
        say(f"  speaker: {claim['speaker']}")
    say(f"  status: {claim['status']}, version {claim['version']}")
    say(f"as {viewer['name']} ({viewer['role']})")
    if data["blind"]:
        say("  blind review: others' work is hidden until you save your own verdict")
    say(f"scale: {data['scale']} ({', '.join(data['labels'])})")
    say(f"reviews needed: {data['reviews_needed']}")
    say(f"assigned: {', '.join(data['assignees']) or '(nobody)'}")
    own = data["own_verdict"]
    say(f"your verdict: {_verdict_line(own) if own else '(none)'}")
    others = [v for v in data["verdicts"] if v["reviewer"] != viewer["name"]]
    if others:
        say("verdicts of others:")
        for verdict in others:
            say(f"  {verdict['reviewer']}: {_verdict_line(verdict)}")
    if data["final_verdict"]:
        final = data["final_verdict"]
        say(f"final verdict ({final['reviewer']}): {_verdict_line(final)}")
    if data["needs_adjudication"]:
        say("the reviewers disagree: waiting for an editor's final verdict")
    say("evidence:" if data["evidence"] else "evidence: (no matched passages)")
    for card in data["evidence"]:
        mine = "irrelevant (dismissed)" if card["dismissed"] else (card["stance"] or "-")
        score = f"{card['score']:.2f}" if card["score"] is not None else "?"
        sure = f"{card['confidence']:.2f}" if card.get("confidence") is not None else "?"
        say(
            f"  passage {card['passage_id']} [#{card['rank']} {card.get('band') or '?'}, "
            f"confidence {sure}, similarity {score}, yours: {mine}] {card['title'] or ''}"
        )
        say(f"    {_cell(card['text'], width=200)}")
    if data["own_citations"]:
        say("your citations:")
        for citation in data["own_citations"]:
            say(f"  {_citation_line(citation)}")
    if data["other_citations"]:
        say("citations of others:")
        for citation in data["other_citations"]:
            say(f"  {citation['created_by']}: {_citation_line(citation)}")
    if data["seen_before"]:
        say("seen before:")
        for seen in data["seen_before"]:
            say(f"  claim {seen['claim_id']}: {seen['label']} ({seen['status']}) {seen['text']}")
    say("history:")
    for event in data["history"]:
        say(f"  {event['at']} {event['actor']} {event['action']} {event['change']}".rstrip())


@review_group.command("show", help=SHOW_HELP)
@click.argument("claim_id", metavar="CLAIM", type=int)
@review_actor_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format (json: the layout above).",
)
@db_option
def review_show(claim_id, actor, fmt, db_path):
    from factcheck import workbench

    db = open_database(db_path)
    data = claim_json(workbench.claim_view(db, claim_id, actor, with_queue=False))
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    _show_text(data)


@review_group.command("cite")
@click.argument("claim_id", metavar="CLAIM", type=int)
@click.option("--passage", "passage_id", type=int, default=None, help="A matched passage's id.")
@click.option("--url", default=None, help="An external source's URL (http or https).")
@click.option(
    "--stance",
    type=click.Choice(vocab.STANCES),
    required=True,
    help="What the source says of the claim.",
)
@click.option("--title", default=None, help="The external source's title (with --url).")
@click.option("--quote", default=None, help="The passage quoted from the source.")
@click.option("--note", default=None, help="A note for the other reviewers.")
@review_actor_option
@db_option
def review_cite(claim_id, passage_id, url, stance, title, quote, note, actor, db_path):
    """Cite a source for claim CLAIM: a matched passage (--passage) or an external URL (--url).

    The citation is NAME's own; citing the same passage again changes its stance.
    """
    from factcheck.review import workflow

    if (passage_id is None) == (url is None):
        raise click.UsageError("give --passage ID or --url URL (one of them)")
    if title is not None and url is None:
        raise click.UsageError("--title goes with --url")
    db = open_database(db_path)
    if passage_id is not None:
        citation = workflow.cite_passage(
            db, actor, claim_id, passage_id, stance, quote=quote, note=note
        )
        what = f"passage {passage_id}"
    else:
        citation = workflow.cite_external(
            db, actor, claim_id, url, stance, title=title, quote=quote, note=note
        )
        what = citation["url"]
    click.echo(f"claim {claim_id}: cited {what} as {stance} (citation {citation['id']})")


@review_group.command("verdict")
@click.argument("claim_id", metavar="CLAIM", type=int)
@click.argument("label")
@click.option("--rationale", default="", help="Why: the reasoning behind the verdict.")
@click.option("--confidence", default=None, help="How sure, from 0 to 1.")
@click.option("--scale", default=None, help="Verdict scale (default: the claim's).")
@click.option(
    "--version",
    "expected_version",
    type=int,
    default=None,
    help="The claim version you reviewed (from `review show`); refused when it has changed.",
)
@review_actor_option
@db_option
def review_verdict(claim_id, label, rationale, confidence, scale, expected_version, actor, db_path):
    """Save (or revise) NAME's own verdict LABEL on claim CLAIM."""
    from factcheck.review import workflow

    db = open_database(db_path)
    claim = workflow.save_verdict(
        db,
        actor,
        claim_id,
        label,
        scale=scale,
        confidence=confidence,
        rationale=rationale,
        expected_version=expected_version,
    )
    click.echo(
        f"claim {claim_id}: verdict saved; status {claim['status']}, version {claim['version']}"
    )


@review_group.command("publish")
@click.argument("claim_id", metavar="CLAIM", type=int)
@click.option(
    "--citation",
    "citations",
    type=int,
    multiple=True,
    help="A citation the published verdict cites (repeatable; default: every citation).",
)
@click.option(
    "--version",
    "expected_version",
    type=int,
    default=None,
    help="The claim version you reviewed; refused when it has changed.",
)
@review_actor_option
@db_option
def review_publish(claim_id, citations, expected_version, actor, db_path):
    """Publish claim CLAIM's agreed or adjudicated verdict (editors)."""
    from factcheck.review import workflow

    db = open_database(db_path)
    claim = workflow.publish(
        db,
        actor,
        claim_id,
        expected_version=expected_version,
        citations=list(citations) if citations else None,
    )
    click.echo(f"claim {claim_id}: {claim['status']} (version {claim['version']})")


@review_group.command("settings")
@click.option("--blind", type=click.Choice(["on", "off"]), default=None, help="Blind review.")
@click.option(
    "--reviews-needed",
    type=click.Choice([str(n) for n in vocab.REVIEWS_NEEDED]),
    default=None,
    help="Independent verdicts a claim needs before it can be published.",
)
@click.option("--scale", default=None, help="Verdict scale, e.g. politifact, ordinal-1-5.")
@click.option(
    "--article",
    "article_id",
    type=int,
    default=None,
    help="Show or change this article's settings instead of the global ones.",
)
@click.option("--org-name", default=None, help="Organisation named in ClaimReview exports.")
@click.option("--org-url", default=None, help="Its URL (with --org-name).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@review_actor_option
@db_option
def review_settings(
    blind, reviews_needed, scale, article_id, org_name, org_url, fmt, actor, db_path
):
    """Show the desk's settings (blind review, reviews needed, scale, organisation); with an
    option, change them first (editors; all or nothing)."""
    from factcheck.review import workflow
    from factcheck.storage import articles as article_store
    from factcheck.storage.review import write_transaction

    if org_url is not None and org_name is None:
        raise click.UsageError("--org-url goes with --org-name")
    if org_name is not None and article_id is not None:
        raise click.UsageError("the organisation is global: drop --article")
    db = open_database(db_path)
    changes = (blind, reviews_needed, scale, org_name)
    if any(value is not None for value in changes):
        with write_transaction(db):
            if scale is not None:
                workflow.set_scale(db, actor, scale, article_id)
            if reviews_needed is not None:
                workflow.set_reviews_needed(db, actor, reviews_needed, article_id)
            if blind is not None:
                workflow.set_blind_mode(db, actor, blind == "on", article_id)
            if org_name is not None:
                workflow.set_organisation(db, actor, org_name, org_url)
    else:
        workflow.account(db, actor, "read")
        if article_id is not None and article_store.get(db, article_id) is None:
            raise NotFoundError(f"no article {article_id}; list them with `factcheck articles`")
    current = workflow.organisation(db)
    row = {
        "scope": "global" if article_id is None else f"article {article_id}",
        "blind": workflow.blind_mode(db, article_id),
        "reviews_needed": workflow.reviews_needed(db, article_id),
        "scale": workflow.claim_scale(db, article_id).name,
        "organisation": current["name"],
        "organisation_url": current["url"],
    }
    if fmt == "json":
        click.echo(json.dumps(row, ensure_ascii=False, indent=2))
        return
    shown = row | {"blind": "on" if row["blind"] else "off"}
    click.echo(tabulate([[k, "" if v is None else v] for k, v in shown.items()], tablefmt="plain"))


@review_group.command("assign")
@click.argument("claim_ids", metavar="CLAIM...", type=int, nargs=-1, required=True)
@click.option(
    "--to", "names", multiple=True, required=True, metavar="NAME", help="Reviewer (repeatable)."
)
@review_actor_option
@db_option
def review_assign(claim_ids, names, actor, db_path):
    """Assign reviewers (--to, repeatable) to claims (editors)."""
    from factcheck.review import workflow

    db = open_database(db_path)
    added = workflow.assign(db, actor, list(claim_ids), list(names))
    click.echo(f"{added} new assignment{'s' if added != 1 else ''}")


REVIEW_QUEUE_COLUMNS = [
    "id",
    "status",
    "score",
    "article_title",
    "assignees",
    "verdicts",
    "citations",
    "verdict",
    "text",
]


@review_group.command("queue")
@click.option(
    "--status",
    "statuses",
    type=click.Choice(vocab.STATUSES),
    multiple=True,
    help="Only claims with this status (repeatable; default: every status).",
)
@click.option("--article", "article_id", type=int, default=None, help="Only this article.")
@click.option(
    "--limit", type=click.IntRange(1, 1000), default=50, show_default=True, help="At most."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format (json: every column of the queue).",
)
@review_actor_option
@db_option
def review_queue(statuses, article_id, limit, fmt, actor, db_path):
    """The review queue as NAME sees it (blind review applied), best score first."""
    from factcheck import workbench
    from factcheck.storage.review import QueueFilters

    db = open_database(db_path)
    filters = QueueFilters(article_id=article_id, statuses=tuple(statuses) or None)
    view = workbench.queue_view(db, filters, page_size=limit, viewer=actor)
    if fmt == "json":
        data = {"total": view["total"], "counts": view["counts"], "rows": view["rows"]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    emit(view["rows"], "table", REVIEW_QUEUE_COLUMNS)
    click.echo(f"{len(view['rows'])} of {view['total']}", err=True)


# --------------------------------------------------------------------------- corpus


@cli.group()
def corpus():
    """The reference corpus: import fact-checks and documents, list them, encode them."""


@corpus.command("import")
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(vocab.CORPUS_FORMATS),
    default="auto",
    show_default=True,
    help="Input format (auto: from the name and content).",
)
@click.option(
    "--text-field", help="Field with the claim or text (default: text, claim, body, ...)."
)
@click.option("--title-field", help="Field with the title (default: title, headline).")
@click.option("--url-field", help="Field with the URL (default: url, link).")
@click.option("--date-field", help="Field with the date (default: date, published, ...).")
@click.option(
    "--verdict-field", help="Field with the rating (default: verdict, rating, label, ...)."
)
@click.option("--id-field", help="Field with the row id (default: id, vclaim_id, claim_id).")
@click.option("--publisher", help="Publisher for every imported source.")
@click.option(
    "--kind",
    type=click.Choice(vocab.CORPUS_KINDS),
    default=None,
    help="Kind of every source (default: fact-check; article for folders and files "
    "without a verdict field).",
)
@click.option("--skip-bad", is_flag=True, help="Skip malformed rows (listed) instead of failing.")
@click.option(
    "--on-existing",
    type=click.Choice(vocab.ON_EXISTING),
    default="update",
    show_default=True,
    help="A row whose id is already stored with other content: update that source as a "
    "recorded correction, or refuse the file.",
)
@click.option("--embed", "do_embed", is_flag=True, help="Encode the new passages afterwards.")
@click.option("--model", default=None, help="Embedding model for --embed (default: bundled).")
@click.option("--actor", default=DEFAULT_ACTOR, show_default=True, help="Who is importing.")
def corpus_import(
    paths,
    db_path,
    fmt,
    text_field,
    title_field,
    url_field,
    date_field,
    verdict_field,
    id_field,
    publisher,
    kind,
    skip_bad,
    on_existing,
    do_embed,
    model,
    actor,
):
    """Import reference sources: CSV/TSV/JSON(L) files, folders, ClaimReview, CheckThat!."""
    from factcheck.corpus.importer import ImportOptions, import_paths

    settings = settings_from(db_path=db_path, model=model)
    given = {
        "text": text_field,
        "title": title_field,
        "url": url_field,
        "date": date_field,
        "verdict": verdict_field,
        "id": id_field,
    }
    options = ImportOptions(
        format=fmt,
        fields={k: v for k, v in given.items() if v},
        publisher=publisher,
        kind=kind,
        skip_bad=skip_bad,
        actor=actor,
        on_existing=on_existing,
    )
    db = open_db(settings.db_path)
    for result in import_paths(db, paths, options, settings=settings, progress=True):
        click.echo(f"{result.path}: {result.message} ({result.format})")
        for bad in result.skipped:
            click.echo(f"  skipped {bad}", err=True)
        for warning in result.warnings:  # e.g. "not valid UTF-8: read as cp1250, a guess ..."
            click.echo(f"Warning: {result.path}: {warning}", err=True)
    if do_embed:
        _embed_corpus(db, settings, batch_size=64)


@corpus.command("list")
@db_option
@format_option
@click.option("--kind", type=click.Choice(vocab.CORPUS_KINDS), default=None, help="Only this kind.")
@click.option("--verdict", default=None, help="Only this verdict (e.g. false, pants-fire).")
@click.option(
    "--limit",
    type=click.IntRange(0),
    default=50,
    show_default=True,
    help="At most this many (0: all).",
)
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many first.")
def corpus_list(db_path, fmt, kind, verdict, limit, offset):
    """List reference sources (without their text)."""
    from factcheck.storage import corpus as corpus_store

    db = open_database(db_path)
    rows = corpus_store.list_sources(
        db, kind=kind, verdict=verdict, limit=limit or None, offset=offset
    )
    emit(
        rows,
        fmt,
        ["id", "kind", "publisher", "verdict", "date", "title", "external_id", "passages"]
        if fmt == "table"
        else list(rows[0])
        if rows
        else ["id"],
    )


@corpus.command("stats")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
def corpus_stats(db_path, fmt):
    """Counts: sources by kind, publisher and verdict; passages by field; vectors by model."""
    from factcheck.storage import corpus as corpus_store

    stats = corpus_store.stats(open_database(db_path))
    if fmt == "json":
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(", ".join(f"{n:,} {table}" for table, n in stats["totals"].items()))
    for name in ("kinds", "publishers", "verdicts", "fields", "files", "models"):
        if stats[name]:
            click.echo(f"\n{name}:")
            emit(stats[name], "table", list(stats[name][0]))


@corpus.command("embed")
@db_option
@click.option(
    "--model", default=None, help="Embedding model (default: $FACTCHECK_MODEL, else bundled)."
)
@click.option("--batch-size", type=click.IntRange(1), default=64, show_default=True)
@click.option(
    "--backend",
    type=click.Choice(vocab.EMBED_BACKENDS),
    default=None,
    help="Embedding backend (default: $FACTCHECK_EMBED_BACKEND, else onnx). onnx: "
    "torch's vectors, faster on a CPU; torch: for a GPU; onnx-int8: faster still, "
    "approximate vectors cached under their own key.",
)
def corpus_embed(db_path, model, batch_size, backend):
    """Encode what searching the corpus needs (claims, titles, leads' starts, body windows)
    that has no vector for the model yet (cached in the database), with progress."""
    settings = settings_from(db_path=db_path, model=model, embed_backend=backend)
    _embed_corpus(open_db(settings.db_path), settings, batch_size=batch_size)


def _embed_corpus(db, settings: Settings, *, batch_size: int) -> None:
    import time

    from factcheck.corpus.vectors import cache_key
    from factcheck.match.matcher import encode_corpus
    from factcheck.models.embed import detect_device
    from factcheck.models.onnx import backend as embed_backend

    model, named = settings.model, settings.embed_backend  # None: the default backend
    started = time.perf_counter()
    count = encode_corpus(db, settings, model=model, backend=named, bar=True, batch_size=batch_size)
    seconds = time.perf_counter() - started
    backend = embed_backend(named)
    where = detect_device() if backend == "torch" else f"cpu with {backend}"
    key = cache_key(model, backend)
    click.echo(
        f"encoded {count:,} texts with {key} on {where} in {seconds:,.0f} s "
        f"({count / max(seconds, 1e-9):,.0f} texts/s)"
        if count
        else f"every text of the corpus already has a vector for {key}"
    )


# --------------------------------------------------------------------------- search, match, eval

method_option = click.option(
    "--method",
    type=click.Choice(vocab.MATCH_METHODS),
    default=None,
    help="Retrieval method (default: $FACTCHECK_MATCH_METHOD, else rerank: the learned "
    "re-ranker over dense + BM25 candidates).",
)
cross_encoder_option = click.option(
    "--cross-encoder",
    default=None,
    help="Re-score the top candidates with this cross-encoder (folder or cached hub name; "
    "default: $FACTCHECK_CROSS_ENCODER, else none).",
)


@cli.command("search")
@click.argument("text")
@db_option
@click.option("--top-k", type=click.IntRange(1, 1000), default=10, show_default=True)
@method_option
@cross_encoder_option
@click.option(
    "--model", default=None, help="Embedding model (default: $FACTCHECK_MODEL, else bundled)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
def search_command(text, db_path, top_k, method, cross_encoder, model, fmt):
    """Search the reference corpus for TEXT (a claim or a few words)."""
    from factcheck.match.matcher import search

    settings = settings_from(db_path=db_path, model=model, cross_encoder=cross_encoder)
    rows = search(open_db(settings.db_path), text, top_k, method, settings)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    emit(
        rows,
        "table",
        [
            "rank",
            "strength",
            "confidence",
            "score",
            "publisher",
            "date",
            "verdict",
            "title",
            "text",
            "url",
        ],
    )


@cli.command("match")
@db_option
@click.option("--article", "article_id", type=int, default=None, help="Only this article's claims.")
@click.option("--all", "match_every", is_flag=True, help="Every check-worthy claim.")
@click.option(
    "--top-k",
    type=click.IntRange(1, 100),
    default=None,
    help="Passages kept per claim (default: $FACTCHECK_MATCH_TOP_K, else 5).",
)
@method_option
@cross_encoder_option
@click.option(
    "--model", default=None, help="Embedding model (default: $FACTCHECK_MODEL, else bundled)."
)
def match_command(db_path, article_id, match_every, top_k, method, cross_encoder, model):
    """Match check-worthy claims against the reference corpus and store the best passages."""
    from factcheck.match.matcher import match_all, match_claims
    from factcheck.storage import articles as article_store
    from factcheck.storage import matches as match_store

    if (article_id is None) == (not match_every):
        raise click.UsageError("give --article ID or --all")
    settings = settings_from(db_path=db_path, model=model, cross_encoder=cross_encoder)
    db = open_db(settings.db_path)
    options = {
        "top_k": top_k,
        "method": method,
        "bar": True,
        "progress": lambda m: click.echo(f"  {m}…", err=True),
    }
    if match_every:
        result = match_all(db, settings, **options)
    else:
        if article_store.get(db, article_id) is None:
            raise FactcheckError(f"no article {article_id}; list them with `factcheck articles`")
        result = match_claims(db, match_store.check_worthy_ids(db, article_id), settings, **options)
    click.echo(result.message)


@cli.command("matches")
@db_option
@click.option("--article", "article_id", type=int, default=None, help="Only this article's claims.")
@click.option("--claim", "claim_id", type=int, default=None, help="Only this claim.")
@click.option(
    "--band",
    type=click.Choice(vocab.MATCH_BANDS),
    default=None,
    help="Only candidates of this band.",
)
@format_option
def matches_command(db_path, article_id, claim_id, band, fmt):
    """List each claim's stored candidate fact-checks: rank, band, confidence, similarity,
    the source's own id in its corpus file (e.g. a CheckThat! vclaim_id), title, url, passage.

    Candidates are the matcher's output, shown to every reviewer on the claim page (blind
    review hides people's work, not these), so there is no --as."""
    import pandas as pd

    from factcheck.export.tables import to_delimited
    from factcheck.match.matcher import CANDIDATE_COLUMNS, stored_candidates
    from factcheck.text import html_safe_json

    rows = stored_candidates(
        open_database(db_path), article_id=article_id, claim_id=claim_id, band=band
    )
    if fmt == "json":
        click.echo(html_safe_json(json.dumps(rows, ensure_ascii=False, indent=2, default=str)))
    elif fmt == "csv":
        frame = pd.DataFrame(rows, columns=list(CANDIDATE_COLUMNS))
        click.echo(to_delimited(frame).decode("utf-8"), nl=False)
    else:
        emit(
            rows,
            "table",
            ["claim_id", "rank", "band", "confidence", "similarity", "external_id", "title"],
        )


@cli.command("trending")
@db_option
@click.option(
    "--since",
    default=None,
    metavar="WHEN",
    help="Only claims seen in this window: 24h, 7d, 2w, or a date (2026-12-01). Default: all.",
)
@click.option(
    "--min-articles",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="Only groups seen in at least this many articles.",
)
@click.option(
    "--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="At most."
)
@format_option
@click.option(
    "--as",
    "as_name",
    default=None,
    metavar="NAME",
    help="Show the verdicts this account may see (blind review hides others'). "
    "Default: everything.",
)
def trending_command(db_path, since, min_articles, limit, fmt, as_name):
    """Claims repeated across articles: near-duplicate groups, most articles first."""
    from factcheck.match.trending import COLUMNS, trending

    settings = settings_from(db_path=db_path)
    rows = trending(
        open_db(settings.db_path),
        as_name,
        since=since,
        min_articles=min_articles,
        limit=limit,
        settings=settings,
    )
    emit(rows, fmt, COLUMNS)


@cli.command("eval")
@click.option(
    "--corpus",
    "corpus_file",
    required=True,
    type=click.Path(exists=True),
    help="Reference corpus (any `corpus import` format).",
)
@click.option(
    "--queries",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Queries: id<TAB>text lines, with or without a header.",
)
@click.option(
    "--qrels",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="TREC qrels: qid 0 docid relevance.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(vocab.CORPUS_FORMATS),
    default="auto",
    show_default=True,
    help="Corpus format; checkthat also reads debate transcripts "
    "(a transcripts/ folder beside the queries) and tweet signatures.",
)
@method_option
@cross_encoder_option
@click.option(
    "--output",
    "output",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--run",
    "run_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the ranking as a TREC run file.",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Database that caches the corpus and its vectors (default: "
    "$FACTCHECK_EVAL_CACHE, else ~/.cache/factcheck/eval.db).",
)
@click.option(
    "--model", default=None, help="Embedding model (default: $FACTCHECK_MODEL, else bundled)."
)
def eval_command(
    corpus_file, queries, qrels, fmt, method, cross_encoder, output, run_file, db_path, model
):
    """Score retrieval on a judged query set: MAP@1/3/5, MRR, Recall@5/10/20."""
    from pathlib import Path

    from factcheck.research.evaluate import EVAL_KEYS, default_eval_db, evaluate_files

    settings = settings_from(model=model, cross_encoder=cross_encoder)
    path = Path(db_path) if db_path else default_eval_db(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    result = evaluate_files(
        open_db(path),
        corpus_file,
        queries,
        qrels,
        fmt=fmt,
        method=method,
        settings=settings,
        run_path=run_file,
        bar=True,
    )
    if output == "json":
        click.echo(json.dumps({k: result[k] for k in EVAL_KEYS}, indent=2))
        return
    row = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.items()}
    click.echo(tabulate([row], headers="keys", tablefmt="simple"))
    if run_file:
        click.echo(f"wrote {run_file}", err=True)


# --------------------------------------------------------------------------- export, labels, agreement


def _write_output(data: bytes, output: str | None, fmt: str) -> None:
    """Write to OUTPUT, else stdout (binary formats only when stdout is not a terminal)."""
    if output:
        try:
            with open(output, "wb") as handle:
                handle.write(data)
        except OSError as error:
            raise FactcheckError(f"cannot write {output} ({error.strerror})") from None
        click.echo(f"wrote {output} ({fmt}, {len(data):,} bytes)", err=True)
        return
    sys.stdout.flush()
    stream = sys.stdout.buffer
    if fmt == "xlsx" and stream.isatty():
        raise FactcheckError("xlsx is binary: name a file with -o FILE.xlsx or redirect stdout")
    stream.write(data)
    stream.flush()


@cli.command("export")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(vocab.EXPORT_FORMATS),
    default="csv",
    show_default=True,
    help="csv/tsv/xlsx/json/jsonl/markdown: the verdict table; "
    "claimreview: schema.org JSON-LD of published verdicts (FACTCHECK_ORG_NAME, "
    "FACTCHECK_ORG_URL, FACTCHECK_REVIEW_URL); annotations: each reviewer's label, "
    "long form; trec-run: the matches.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="File to write (default: stdout; xlsx only to a file or a pipe).",
)
@click.option("--article", "article_id", type=int, default=None, help="Only this article.")
@click.option(
    "--status",
    "statuses",
    type=click.Choice(vocab.STATUSES),
    multiple=True,
    help="Only claims with this status (repeatable).",
)
@click.option("--from", "date_from", default=None, help="Verdicts given on or after this date.")
@click.option("--to", "date_to", default=None, help="Verdicts given on or before this date.")
@click.option(
    "--reviewer", default=None, help="Only claims this reviewer is assigned to or judged."
)
@click.option("--verdict", default=None, help="Only this final verdict (e.g. false, pants-fire).")
@click.option(
    "--as",
    "as_name",
    default=None,
    metavar="NAME",
    help="Export what this account may see (blind review hides others' work from checkers; "
    "viewers get no reviewer's own work on blind articles). Default: everything.",
)
def export_command(
    db_path, fmt, output, article_id, statuses, date_from, date_to, reviewer, verdict, as_name
):
    """Export the verdict table, ClaimReview JSON-LD, annotations or a TREC run."""
    from factcheck.export.verdicts import ExportFilters, export

    filters = ExportFilters(article_id, statuses or None, date_from, date_to, reviewer, verdict)
    data = export(open_database(db_path), fmt, filters, viewer=as_name)
    _write_output(data, output, fmt)


@cli.group()
def verdicts():
    """Reviewers' verdicts: import labels given in other tools."""


@verdicts.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@db_option
@click.option(
    "--scale",
    default=None,
    help="Verdict scale of the labels (default: the "
    "configured one, else politifact), e.g. ordinal-1-5.",
)
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Import the good rows and list the bad ones (default: any bad row imports nothing).",
)
@click.option("--actor", default=DEFAULT_ACTOR, show_default=True, help="Who is importing.")
def verdicts_import(file, db_path, scale, skip_bad, actor):
    """Import a long CSV of labels: claim (id or text), reviewer, label[, timestamp]."""
    from factcheck.review.labels import import_labels

    db = open_database(db_path)
    result = import_labels(db, file, scale=scale, actor=actor, skip_bad=skip_bad)
    for bad in result.skipped:
        click.echo(f"  skipped {bad}", err=True)
    click.echo(f"{file}: {result.message}")


# --------------------------------------------------------------------------- watch

allow_private_option = click.option(
    "--allow-private-urls",
    is_flag=True,
    default=None,
    help="Allow URLs on loopback or private networks (off by default).",
)


@cli.group()
def watch():
    """Watch RSS and Atom feeds: new items are fetched (under the URL rules of `ingest`),
    ingested and matched, each once; every poll is recorded."""


@watch.command("add")
@click.argument("url")
@click.option(
    "--every",
    default="15m",
    show_default=True,
    help="How often to poll: a number and a unit (90s, 15m, 1h, 1h30m, 1d; at least 60s).",
)
@click.option("--title", default=None, help="A name for the feed (default: the feed's own).")
@click.option("--actor", default=DEFAULT_ACTOR, show_default=True, help="Who adds the feed.")
@allow_private_option
@db_option
def watch_add(url, every, title, actor, allow_private_urls, db_path):
    """Watch the feed at URL (RSS or Atom); it is polled first by the next `watch run`."""
    from factcheck.monitor import watch as monitor

    settings = settings_from(db_path=db_path, allow_private_urls=allow_private_urls)
    feed = monitor.add(
        open_db(settings.db_path), url, settings, actor=actor, every=every, title=title
    )
    click.echo(f"watching feed {feed['id']}: {feed['url']} every {feed['every']}")


@watch.command("list")
@db_option
@format_option
def watch_list(db_path, fmt):
    """The watched feeds: interval, last poll, its status and error, failed polls in a row
    (a failing feed backs off: next_poll_at), items ingested."""
    from factcheck.monitor import watch as monitor

    rows = monitor.list_feeds(open_database(db_path))
    emit(
        rows,
        fmt,
        [
            "id",
            "url",
            "title",
            "every",
            "active",
            "last_polled_at",
            "last_status",
            "last_error",
            "consecutive_failures",
            "next_poll_at",
            "items_ingested",
            "items_failed",
        ],
    )


@watch.command("run")
@click.option("--once", is_flag=True, help="Poll every active feed now, once, and exit.")
@click.option(
    "--actor", default="watch", show_default=True, help="Who the new articles are ingested by."
)
@allow_private_option
@db_option
def watch_run(once, actor, allow_private_urls, db_path):
    """Poll the feeds that are due, and keep polling each at its interval (Ctrl-C stops);
    with --once, poll every active feed now and exit (status 1 when a feed failed)."""
    import threading

    from factcheck.monitor import watch as monitor

    settings = settings_from(db_path=db_path, allow_private_urls=allow_private_urls)
    db = open_db(settings.db_path)

    def report(result):
        click.echo(result.message, err=result.status == "error")

    if not once:
        click.echo("watching the feeds; Ctrl-C stops", err=True)
        try:
            monitor.run(db, settings, actor=actor, stop=threading.Event(), report=report)
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
        return
    results = monitor.run(db, settings, actor=actor, once=True, report=report)
    failed = sum(1 for r in results if r.status == "error")
    click.echo(
        f"{len(results)} feed{'' if len(results) == 1 else 's'} polled: "
        f"{sum(r.new for r in results)} new articles, "
        f"{sum(r.duplicate for r in results)} duplicates, {sum(r.failed for r in results)} "
        f"items failed, {failed} feeds failed"
    )
    if failed:
        sys.exit(1)


@watch.command("remove")
@click.argument("feed_id", metavar="ID", type=int)
@click.option("--actor", default=DEFAULT_ACTOR, show_default=True, help="Who removes it.")
@db_option
def watch_remove(feed_id, actor, db_path):
    """Stop watching feed ID (its polls and items are deleted; its articles stay)."""
    from factcheck.monitor import watch as monitor

    feed = monitor.remove(open_database(db_path), feed_id, actor=actor)
    click.echo(f"removed feed {feed['id']}: {feed['url']}")


@watch.command("pause")
@click.argument("feed_id", metavar="ID", type=int)
@click.option("--resume", is_flag=True, help="Resume a paused feed instead.")
@click.option("--actor", default=DEFAULT_ACTOR, show_default=True, help="Who pauses it.")
@db_option
def watch_pause(feed_id, resume, actor, db_path):
    """Pause feed ID (no polls until resumed with --resume)."""
    from factcheck.monitor import watch as monitor

    feed = monitor.set_active(open_database(db_path), feed_id, resume, actor=actor)
    click.echo(f"feed {feed['id']} {'active' if feed['active'] else 'paused'}: {feed['url']}")


@cli.command("agreement")
@db_option
@click.option(
    "--scope",
    type=click.Choice(vocab.AGREEMENT_SCOPES),
    default="reviewers",
    show_default=True,
    help="Agreement between reviewers, or between cited sources.",
)
@format_option
@click.option(
    "--scale", default=None, help="Verdict scale to measure (needed when verdicts use several)."
)
@click.option(
    "--resamples",
    type=click.IntRange(0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the 95% intervals (0: none).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")
@click.option(
    "--as",
    "as_name",
    default=None,
    metavar="NAME",
    help="Measure over what this account may see (as `export --as`). Default: everything.",
)
def agreement_command(db_path, scope, fmt, scale, resamples, seed, as_name):
    """Agreement statistics: Krippendorff's alpha, Fleiss' and Cohen's kappa, per label/reviewer."""
    from factcheck.agreement.reports import (
        ROW_COLUMNS,
        agreement,
        agreement_csv,
        agreement_rows,
        too_few,
    )

    db = open_database(db_path)
    report = agreement(db, scope, scale, resamples=resamples, seed=seed, viewer=as_name)
    warning = too_few(report)
    if fmt == "json":
        data = {"scope": scope, **report.to_dict(), "too_few": warning}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if warning:
        click.echo(warning, err=True)
    rows = agreement_rows(report)
    if fmt == "csv":  # spreadsheet-safe: reviewer and source names are untrusted text
        _write_output(agreement_csv(rows), None, fmt)
        return
    emit(rows, fmt, ROW_COLUMNS)


@cli.group("db")
def db_group():
    """Move and back up the database (SQLite file or PostgreSQL server)."""


@db_group.command("copy")
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(dir_okay=False, exists=True),
    help="The SQLite database file to copy.",
)
@click.option(
    "--to",
    "target",
    required=True,
    help="The PostgreSQL database to fill (postgresql://user:password@host/db): empty.",
)
def db_copy(source, target):
    """Copy a SQLite database into an empty PostgreSQL database: every table, ids kept, the
    audit log untouched; prints each table's rows in both (checked equal)."""
    from factcheck.storage.transfer import copy_database

    if not is_url(target):
        raise InputError("--to takes a postgresql:// URL")
    from_db, to_db = open_db(source), open_db(target)
    try:
        counts = copy_database(from_db, to_db, progress=lambda line: click.echo(line, err=True))
    finally:
        from_db.close()
        to_db.close()
    emit(counts, "table", ("table", "source", "target"))
    total = sum(row["target"] for row in counts)
    click.echo(f"copied {total:,} rows in {len(counts)} tables to {shown_location(target)}")


@db_group.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False))
@db_option
def db_backup(destination, db_path):
    """Back up the database to DESTINATION (a new file): SQLite's online backup API for a SQLite
    file, pg_dump's custom format for PostgreSQL (restore: pg_restore -d URL DESTINATION)."""
    from factcheck.storage.transfer import backup

    db = open_database(db_path)
    try:
        path = backup(db, destination)
    finally:
        db.close()
    click.echo(f"backed up {db.location} to {path} ({path.stat().st_size:,} bytes)")


def main(argv: Sequence[str] | None = None) -> None:
    cli.main(args=argv, prog_name="factcheck")
