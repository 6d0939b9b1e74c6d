"""Processes under test: the real `workshop-bot serve --http`, and the floors served the same way
(benchmarks.floor_app), each in its own process so its memory and CPU can be read from /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

from bot.server import EVENTS_PATH, HEALTH_PATH

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read_status_kib(pid: int, field: str) -> int | None:
    """A `kB` field of /proc/<pid>/status (VmRSS: resident now; VmHWM: the peak)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process has used (/proc/<pid>/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class ServedProcess:
    name: str
    process: subprocess.Popen
    url: str
    log_path: Path

    @property
    def events_url(self) -> str:
        return self.url + EVENTS_PATH

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_mib(self) -> float | None:
        kib = read_status_kib(self.pid, "VmRSS")
        return None if kib is None else kib / 1024

    def peak_rss_mib(self) -> float | None:
        kib = read_status_kib(self.pid, "VmHWM")
        return None if kib is None else kib / 1024

    def cpu_seconds(self) -> float | None:
        return cpu_seconds(self.pid)

    def log_lines(self, level: str = "ERROR") -> list[str]:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if f" {level} " in line]

    def wait_until_healthy(self) -> ServedProcess:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}:\n"
                    + self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
                )
            try:
                with urlopen(self.url + HEALTH_PATH, timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except (URLError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not answer {HEALTH_PATH} within {START_TIMEOUT_S} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def child_env(settings: dict[str, str]) -> dict[str, str]:
    """The parent's environment without any Slack or database setting of its own (a developer's
    real token must never reach a benchmark), plus `settings`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SLACK_") and k not in ("DATABASE_URL", "LOG_LEVEL")
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return {**env, **settings}


def bot_command() -> list[str]:
    script = Path(sys.executable).with_name("workshop-bot")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from bot.cli import main; main()"]


def launch_bot(settings: dict[str, str], workdir: Path) -> ServedProcess:
    """`workshop-bot serve --http` on a free port, configured by environment variables only,
    run in `workdir` so that no `.env` file is read. Call `wait_until_healthy()` before use."""
    port = free_port()
    command = [*bot_command(), "serve", "--http", "--host", "127.0.0.1", "--port", str(port)]
    return _launch("workshop-bot serve --http", command, port, settings, workdir)


def launch_floor(settings: dict[str, str], workdir: Path, *, raw: bool = False) -> ServedProcess:
    """The bare Bolt app that only acks (or, `raw`, no Bolt at all), served the same way."""
    port = free_port()
    command = [sys.executable, "-m", "benchmarks.floor_app", "--port", str(port)]
    if raw:
        command.append("--raw")
    name = "raw WSGI app" if raw else "bare Bolt app"
    return _launch(name, command, port, settings, workdir)


def _launch(
    name: str, command: list[str], port: int, settings: dict[str, str], workdir: Path
) -> ServedProcess:
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / f"{name.split()[0].replace('/', '')}-{port}.log"
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=child_env(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a Ctrl-C in the terminal reaches only the driver
    )
    log.close()
    return ServedProcess(name, process, f"http://127.0.0.1:{port}", log_path)
