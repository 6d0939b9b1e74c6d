"""WSGI entry point for production servers: `gunicorn bot.wsgi:application`.

Configuration comes from the environment, as for `workshop-bot serve --http`; the schema must
already be migrated (`workshop-bot migrate`), since several workers start at once.
"""

from bot.app import create_app
from bot.config import ConfigError, load_settings
from bot.logs import configure_logging
from bot.server import wsgi_application
from storage import migrate
from storage.db import Database


def _build():
    settings = load_settings()
    secrets = [
        s.get_secret_value() for s in (settings.slack_bot_token, settings.slack_signing_secret) if s
    ]
    configure_logging(settings.log_level, secrets)
    db = Database(settings.database_url)
    if not migrate.is_up_to_date(db.engine):
        raise ConfigError("The database schema is out of date: run `workshop-bot migrate` first.")
    return wsgi_application(create_app(settings, db))


application = _build()
