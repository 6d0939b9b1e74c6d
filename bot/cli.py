"""`workshop-bot`: serve | migrate | demo | standin."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging
from storage import migrate
from storage.db import Database

cli = typer.Typer(
    help="Customer-journey stakeholder and gap workshops in Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold tokens
)
console = Console()
logger = logging.getLogger("workshop_bot")


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


@cli.command()
def serve(
    http: Annotated[bool, typer.Option("--http", help="HTTP mode instead of Socket Mode.")] = False,
    port: Annotated[int, typer.Option(help="HTTP port (with --http).")] = 3000,
    host: Annotated[str, typer.Option(help="HTTP interface (with --http).")] = "0.0.0.0",
    auto_migrate: Annotated[
        bool,
        typer.Option(
            "--migrate/--no-migrate",
            help="Upgrade an out-of-date schema at start-up (default), or stop and say so.",
        ),
    ] = True,
) -> None:
    """Run the bot against Slack (Socket Mode by default)."""
    from bot.app import create_app
    from bot.server import HttpServer, run_socket_mode, wsgi_application

    settings = load_settings()
    configure_logging(settings.log_level, settings.secret_values())
    if settings.oauth_enabled:
        if not http:
            raise ConfigError(
                "Multi-workspace install (SLACK_CLIENT_ID) needs HTTP mode: run `serve --http`."
            )
    else:
        settings.require("SLACK_BOT_TOKEN")
    settings.require("SLACK_SIGNING_SECRET")
    if not http:
        settings.require("SLACK_APP_TOKEN")
    db = _prepare_database(settings, auto_migrate)
    app = create_app(settings, db)
    if http:
        server = HttpServer(wsgi_application(app), host=host, port=port)
        logger.info("listening on %s/slack/events", server.url)
        if settings.oauth_enabled:
            logger.info("install the app in a workspace at %s/slack/install", server.url)
        server.serve_forever()
    else:
        logger.info("connecting to Slack in Socket Mode")
        run_socket_mode(app, settings.slack_app_token.get_secret_value())  # type: ignore[union-attr]


@cli.command("migrate")
def migrate_command() -> None:
    """Upgrade the database schema to this version."""
    settings = load_settings()
    configure_logging(settings.log_level)
    db = Database(settings.database_url)
    before = migrate.current_revision(db.engine)
    migrate.upgrade(db.engine)
    console.print(f"Schema: {before or 'empty'} → [bold]{migrate.head_revision()}[/bold]")


@cli.command()
def demo(
    out: Annotated[Path, typer.Option(help="Where to write the results.")] = Path("demo-output"),
    quiet: Annotated[bool, typer.Option(help="Print only the summary.")] = False,
) -> None:
    """Run a whole workshop with simulated participants; no Slack account needed."""
    from bot.demo.runner import run_demo

    configure_logging("WARNING")
    run_demo(out, console=console, quiet=quiet)


@cli.command()
def standin(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8089,
) -> None:
    """Run the local Slack Web API stand-in (point SLACK_API_URL at it)."""
    from bot.standin.server import serve_forever

    serve_forever(port)


def main() -> None:
    try:
        cli()
    except ConfigError as error:
        typer.echo(f"Configuration error: {error}", err=True)  # one line, never wrapped
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
