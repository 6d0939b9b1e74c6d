"""The bot as real processes, for tests that kill them or run several: `workshop-bot serve
--http` and `workshop-bot scheduler`, pointed at a Slack stand-in running in the test.

Every process started through `bot_processes()` is killed when the block ends, whatever
happened; each writes its output to a log file, never to a pipe nobody reads.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.server import EVENTS_PATH, HEALTH_PATH
from standin import SlackStandIn

START_TIMEOUT_S = 60  # imports on a busy 2-core machine; never an expected duration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout: float = START_TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"exited early with code {process.returncode}\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not become healthy")


def bot_environment(standin: SlackStandIn, signing_secret: str, database_url: str) -> dict:
    """The environment of a bot process: this test's Slack and database, nothing inherited
    that could point it elsewhere (another Slack app, another database)."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SLACK_") and key not in ("DATABASE_URL", "LOG_LEVEL")
    }
    return {
        **inherited,
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": signing_secret,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "INFO",
    }


class BotProcess:
    """One `workshop-bot …` process; its stdout and stderr go to `<workdir>/<name>.log`."""

    def __init__(self, name: str, args: list[str], env: dict, workdir: Path) -> None:
        self.name, self.args, self.env, self.workdir = name, args, env, workdir
        self.log_path = workdir / f"{name}.log"
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    def start(self) -> BotProcess:
        with self.log_path.open("ab") as log:
            # cwd: a folder without a .env, so only `env` configures the bot
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", *self.args],
                env=self.env,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return self.url + EVENTS_PATH

    def wait_until_healthy(self) -> BotProcess:
        assert self.process is not None
        try:
            wait_until_healthy(self.url + HEALTH_PATH, self.process)
        except AssertionError as error:
            raise AssertionError(f"{self.name}: {error}\n{self.logs()[-3000:]}") from None
        return self

    def wait_for_log(self, fragment: str, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while fragment not in self.logs():
            if time.monotonic() > deadline or not self.alive:
                raise AssertionError(f"{self.name} never logged {fragment!r}:\n{self.logs()}")
            time.sleep(0.1)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish anything, as in a crash."""
        if self.alive:
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM, as a deployment stops it; SIGKILL if it does not exit in time."""
        if not self.alive:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class BotProcesses:
    """Starts bot processes on one database and Slack; `close()` kills every one of them."""

    def __init__(self, env: dict, workdir: Path) -> None:
        self.env, self.workdir = env, workdir
        self.started: list[BotProcess] = []
        self._count = 0

    def serve(self, *extra: str) -> BotProcess:
        """`serve --http` on a free port (`extra`: more options, e.g. --no-scheduler)."""
        port = free_port()
        self._count += 1
        process = BotProcess(
            f"serve-{self._count}",
            ["serve", "--http", "--host", "127.0.0.1", "--port", str(port), *extra],
            self.env,
            self.workdir,
        )
        process.port = port
        self.started.append(process.start())
        return process

    def scheduler(self) -> BotProcess:
        self._count += 1
        process = BotProcess(f"scheduler-{self._count}", ["scheduler"], self.env, self.workdir)
        self.started.append(process.start())
        return process

    def close(self) -> None:
        for process in self.started:
            process.kill()


@contextmanager
def bot_processes(env: dict, workdir: Path) -> Iterator[BotProcesses]:
    processes = BotProcesses(env, workdir)
    try:
        yield processes
    finally:
        processes.close()
