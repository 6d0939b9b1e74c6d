"""`workshop-bot`: serve | scheduler | migrate | export | kpi import | customers import | demo |
standin."""

from __future__ import annotations

import importlib
import logging
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging
from storage import migrate
from storage.db import Database
from storage.models import pk

T = TypeVar("T")

if TYPE_CHECKING:
    from sqlmodel import Session

    from storage.models import Workshop

cli = typer.Typer(
    help="Customer-journey stakeholder and gap workshops in Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold tokens
)
console = Console()
error_console = Console(stderr=True)
logger = logging.getLogger("workshop_bot")

# Options more than one command takes, declared once.
AutoMigrate = Annotated[
    bool,
    typer.Option(
        "--migrate/--no-migrate",
        help="Upgrade an out-of-date schema at start-up (default), or stop and say so.",
    ),
]
WorkshopNumber = Annotated[int, typer.Option("--workshop", "-w", help="The workshop's number.")]
TeamCheck = Annotated[
    str | None,
    typer.Option(help="The workspace (team id) the workshop must belong to, as a check."),
]


def _prepare_database(settings: Settings, auto_migrate: bool) -> Database:
    db = Database(settings.database_url)
    if migrate.is_up_to_date(db.engine):
        return db
    if not auto_migrate:
        raise ConfigError(
            f"The database schema is at {migrate.current_revision(db.engine) or 'nothing'} but "
            f"this version needs {migrate.head_revision()}: run `workshop-bot migrate` first."
        )
    migrate.upgrade(db.engine)
    logger.info("database schema upgraded to %s", migrate.head_revision())
    return db


def _require_for_mode(settings: Settings, http: bool) -> None:
    """Ask only for what the chosen mode uses: HTTP requests are signed with the signing
    secret; Socket Mode connects with the app-level token and signs nothing."""
    if settings.oauth_enabled:
        if not http:
            raise ConfigError(
                "Multi-workspace install (SLACK_CLIENT_ID) needs HTTP mode: run `serve --http`."
            )
    else:
        settings.require("SLACK_BOT_TOKEN")
    settings.require("SLACK_SIGNING_SECRET" if http else "SLACK_APP_TOKEN")


@cli.command()
def serve(
    http: Annotated[bool, typer.Option("--http", help="HTTP mode instead of Socket Mode.")] = False,
    port: Annotated[int, typer.Option(help="HTTP port (with --http).")] = 3000,
    host: Annotated[str, typer.Option(help="HTTP interface (with --http).")] = "0.0.0.0",
    auto_migrate: AutoMigrate = True,
    with_scheduler: Annotated[
        bool,
        typer.Option(
            "--scheduler/--no-scheduler",
            help="Run the digest scheduler in this process (default). With several replicas, "
            "use --no-scheduler on all of them and run `workshop-bot scheduler` once.",
        ),
    ] = True,
) -> None:
    """Run the bot against Slack (Socket Mode by default)."""
    from bot.app import create_app
    from bot.scheduler import DigestScheduler
    from bot.server import HttpServer, run_socket_mode, wsgi_application
    from bot.slack.clients import team_clients
    from bot.vote_sweeper import VoteSweeper

    settings = load_settings()
    configure_logging(settings.log_level, settings.secret_values())
    _require_for_mode(settings, http)
    db = _prepare_database(settings, auto_migrate)
    client_for_team = team_clients(settings, db)
    scheduler = (
        DigestScheduler(db, client_for_team, chart_processes=settings.digest_chart_processes)
        if with_scheduler
        else None
    )
    app = create_app(settings, db, scheduler=scheduler, socket_mode=not http)
    sweeper = VoteSweeper(db).start()  # vote clicks a killed process acknowledged, not applied
    if scheduler is not None:
        scheduler.start()
        # A SIGTERM (docker stop, systemd) unwinds through `finally`, so the scheduler stops
        # cleanly and a slot due at that moment is left for the next start.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if http:
            server = HttpServer(wsgi_application(app), host=host, port=port)
            logger.info("listening on %s/slack/events", server.url)
            if settings.oauth_enabled:
                logger.info("install the app in a workspace at %s/slack/install", server.url)
            server.serve_forever()
        else:
            logger.info("connecting to Slack in Socket Mode")
            run_socket_mode(app, settings.slack_app_token.get_secret_value())  # type: ignore[union-attr]
    finally:
        sweeper.stop()
        if scheduler is not None:
            scheduler.shutdown()


@cli.command("scheduler")
def scheduler_command(
    auto_migrate: AutoMigrate = True,
) -> None:
    """Run only the digest scheduler (exactly one per database), beside `serve --no-scheduler`."""
    from bot.scheduler import DigestScheduler
    from bot.slack.clients import team_clients

    settings = load_settings()
    configure_logging(settings.log_level, settings.secret_values())
    if not settings.oauth_enabled:
        settings.require("SLACK_BOT_TOKEN")
    db = _prepare_database(settings, auto_migrate)
    scheduler = DigestScheduler(
        db, team_clients(settings, db), chart_processes=settings.digest_chart_processes
    ).start()
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    logger.info("digest scheduler running; stop with Ctrl-C or SIGTERM")
    stop.wait()
    scheduler.shutdown()


@cli.command("migrate")
def migrate_command() -> None:
    """Upgrade the database schema to this version."""
    settings = load_settings()
    configure_logging(settings.log_level)
    db = Database(settings.database_url)
    before = migrate.current_revision(db.engine)
    migrate.upgrade(db.engine)
    console.print(f"Schema: {before or 'empty'} → [bold]{migrate.head_revision()}[/bold]")


@cli.command("export")
def export_command(
    workshop: Annotated[int, typer.Argument(help="The workshop's number (#N).")],
    formats: Annotated[
        list[str],
        typer.Option(
            "--format",
            "-f",
            help="md (a report), csv (one file per table) or json; repeat for several.",
        ),
    ] = ["md"],  # noqa: B006  (typer needs a literal default)
    out: Annotated[Path, typer.Option(help="Folder to write the files to.")] = Path("."),
    team: Annotated[
        str | None,
        typer.Option(help="Refuse unless the workshop belongs to this workspace (team id)."),
    ] = None,
) -> None:
    """Export a workshop's data as files. The workspace is the workshop's own team id."""
    from flows.errors import NotFound
    from flows.exports import ExportFormat, build_export, export_files, workshop_team
    from flows.reports import register_reports

    register_reports()

    try:
        chosen = [ExportFormat(value.lower()) for value in formats]
    except ValueError:
        raise typer.BadParameter("--format is md, csv or json", param_hint="--format") from None
    settings = load_settings()
    configure_logging(settings.log_level)
    db = _prepare_database(settings, auto_migrate=False)
    try:
        with db.session() as session:
            team_id = team or workshop_team(session, workshop)
            export = build_export(session, team_id, workshop)
    except NotFound as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    out.mkdir(parents=True, exist_ok=True)
    for name, content in export_files(export, list(dict.fromkeys(chosen))):
        (out / name).write_bytes(content)
        console.print(f"wrote {out / name}")


def _from_checkout(module: str, name: str) -> Any:
    """The demo and the stand-in live beside bot/ in a checkout, not in the production wheel:
    import them only when their command runs, and say so plainly when they are absent."""
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as error:
        package = module.split(".")[0]
        if error.name not in (package, module):
            raise  # a missing dependency of the module, not the module itself
        error_console.print(
            f"[red]`{package}` is not installed: this command runs from a checkout "
            "of the repository (`uv run workshop-bot ...`), not from the bot's wheel.[/red]"
        )
        raise typer.Exit(1) from None


@cli.command()
def demo(
    out: Annotated[Path, typer.Option(help="Where to write the results.")] = Path("demo-output"),
    quiet: Annotated[bool, typer.Option(help="Print only the summary.")] = False,
) -> None:
    """Run a whole workshop with simulated participants; no Slack account needed."""
    run_demo = _from_checkout("demo.runner", "run_demo")

    configure_logging("WARNING")
    run_demo(out, console=console, quiet=quiet)


@cli.command()
def standin(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8089,
) -> None:
    """Run the local Slack Web API stand-in (point SLACK_API_URL at it)."""
    serve_forever = _from_checkout("standin.server", "serve_forever")

    serve_forever(port)


kpi_cli = typer.Typer(help="Customer KPIs of a workshop's journey.", no_args_is_help=True)
cli.add_typer(kpi_cli, name="kpi")


@kpi_cli.command("import")
def kpi_import(
    file: Annotated[
        Path, typer.Argument(help="CSV file of values or raw answers.", dir_okay=False)
    ],
    workshop: WorkshopNumber,
    team: TeamCheck = None,
    recorded_by: Annotated[
        str, typer.Option("--by", help="Who the values are recorded as (32 characters).")
    ] = "csv-import",
) -> None:
    """Import KPI values from a CSV file: every row, or nothing if any row is bad.

    Columns: kpi, period_end (YYYY-MM-DD), value or answers; optional: target, benchmark,
    benchmark_source, stage.

    The workshop's number finds its workspace; --team double-checks it.
    """
    from flows.kpi_import import import_kpi_csv

    result = _import_csv(
        file,
        workshop,
        team,
        lambda session, target, text: import_kpi_csv(
            session, target.team_id, pk(target), text, recorded_by[:32]
        ),
    )
    console.print(
        f"Imported {result.imported} KPI value{'s' * (result.imported != 1)} into workshop "
        f"#{result.workshop_id} “{result.title}” (workspace {result.team_id}): "
        f"{result.new} new, {result.replaced} replaced. KPIs: {', '.join(result.kpis)}.",
        highlight=False,
    )


customers_cli = typer.Typer(
    help="Customers' own survey answers beside the team's ratings.", no_args_is_help=True
)
cli.add_typer(customers_cli, name="customers")


@customers_cli.command("import")
def customers_import(
    file: Annotated[
        Path, typer.Argument(help="CSV file of raw answers or aggregates.", dir_okay=False)
    ],
    workshop: WorkshopNumber,
    scale: Annotated[
        str, typer.Option(help="The survey's scale: 1-7 (the workshop's), 1-5, 1-10 or 0-10.")
    ] = "1-7",
    survey_date: Annotated[
        str | None,
        typer.Option(
            "--date", help="When the survey ran (YYYY-MM-DD); default: the file's latest date."
        ),
    ] = None,
    team: TeamCheck = None,
    imported_by: Annotated[
        str, typer.Option("--by", help="Who the answers are imported as (32 characters).")
    ] = "csv-import",
) -> None:
    """Import customers' answers: every row, or nothing if any row is bad.

    Raw answers: one row per customer, a column per touchpoint and measure ("Checkout
    expectation", "Checkout experience"); optional date, segment. Aggregates: touchpoint,
    measure, n, mean, sd. Importing the same file again adds nothing.
    """
    from datetime import date

    from flows.customers.importing import SCALES, import_customer_answers
    from flows.customers.reports import customer_report
    from flows.formatting import calendar_day

    if scale not in SCALES:
        raise typer.BadParameter(f"use one of {', '.join(SCALES)}", param_hint="--scale")
    try:
        dated = date.fromisoformat(survey_date) if survey_date else None
    except ValueError:
        raise typer.BadParameter("a date like 2026-05-31", param_hint="--date") from None

    def run(session: Session, target: Workshop, text: str) -> tuple:
        result = import_customer_answers(
            session,
            target,
            text,
            imported_by=imported_by[:32],
            today=date.today(),
            scale=scale,
            survey_date=dated,
            source="csv",
        )
        return result, customer_report(session, target.team_id, pk(target)).blind_spots

    result, spots = _import_csv(file, workshop, team, run)
    if result.already_imported:
        console.print(
            f"Already imported: these answers are in workshop #{result.workshop_id} "
            f"“{result.title}” (survey of {calendar_day(result.survey_date)}). Nothing was added.",
            highlight=False,
        )
        return
    note = f" ({result.scale_note})" if result.scale_note else ""
    console.print(
        f"Imported {result.answers} customer answer{'s' * (result.answers != 1)}{note} into "
        f"workshop #{result.workshop_id} “{result.title}” (workspace {result.team_id}), survey "
        f"of {calendar_day(result.survey_date)}: {', '.join(result.places)}.",
        highlight=False,
    )
    for spot in spots[:3]:
        console.print(f"  Blind spot: {spot.place.name}: {spot.kind.value}.", highlight=False)


def _import_csv(
    file: Path, workshop: int, team: str | None, run: Callable[[Session, Workshop, str], T]
) -> T:
    """The `import` commands' common part: read `file` as UTF-8 text (a BOM is fine), find the
    workshop numbered `workshop` (checked against `team` when given) and `run` the import on
    them in one transaction. A missing or unreadable file, or a refused import with every bad
    row, ends the command (exit 1)."""
    from flows.errors import FlowError
    from flows.kpi_import import ImportRefused, workshop_for_import

    settings = load_settings()
    configure_logging("WARNING")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        _refuse(f"There is no file {file}.")
    except UnicodeDecodeError:
        _refuse(f"{file} is not UTF-8 text: save it as “CSV UTF-8” and try again.")
    db = _prepare_database(settings, auto_migrate=False)
    try:
        with db.session() as session:
            return run(session, workshop_for_import(session, workshop, team), text)
    except ImportRefused as refusal:
        _refuse(str(refusal), [str(problem) for problem in refusal.problems])
    except FlowError as error:
        _refuse(str(error))
    finally:
        db.dispose()


def _refuse(message: str, details: list[str] | None = None) -> NoReturn:
    error_console.print(Text.assemble(("Refused: ", "bold red"), message), highlight=False)
    for line in details or []:
        error_console.print(f"  {line}", highlight=False, markup=False)
    raise typer.Exit(1)


def main() -> None:
    try:
        cli()
    except ConfigError as error:
        typer.echo(f"Configuration error: {error}", err=True)  # one line, never wrapped
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
