"""Logging set-up. Tokens, secrets and OAuth codes are masked in every record, whatever logs
them."""

from __future__ import annotations

import logging
import re
from typing import TextIO

SECRET_PATTERN = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]+")
# An OAuth code: single-use and short-lived, but it buys a token until it is used. It appears in
# the redirect's request line (`?code=...&state=...`) and in Bolt's warning for a failed exchange
# ("... result with code: ... - error: ...").
OAUTH_CODE_PATTERN = re.compile(r"([?&;]code=|\bwith code: )[^&;\s\"']+")


def redact(text: str) -> str:
    """`text` with every token and OAuth code masked."""
    text = SECRET_PATTERN.sub(lambda m: f"{m.group(1)}-***", text)
    return OAUTH_CODE_PATTERN.sub(lambda m: f"{m.group(1)}***", text)


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [s for s in (secrets or []) if s and len(s) >= 8]

    def redact(self, text: str) -> str:
        text = redact(text)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        return True


def configure_logging(
    level: str, secrets: list[str] | None = None, stream: TextIO | None = None
) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # slack_sdk logs request bodies at DEBUG; keep it one notch quieter than the app.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, logging.getLevelName(level)))
