"""The processes a test run leaves behind: what the session-end check in conftest.py looks for.

Every process a test starts (chart workers, bot processes, their own workers) inherits the test
process's process group, and keeps it when its parent dies and it is re-parented. So whatever
still runs in that group once the tests are over, except this process and the processes that
started it, is a leftover: a pool that was never stopped, or a worker that outlived its parent.
multiprocessing's resource tracker belongs to this process and exits with it.
"""

from __future__ import annotations

import contextlib
import multiprocessing.resource_tracker as resource_tracker
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
GRACE_S = 15.0  # for workers that are still noticing that their parent is gone


@dataclass(frozen=True)
class Process:
    pid: int
    ppid: int
    group: int
    command: str


def _read(pid: int) -> Process | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
        raw_command = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:  # gone meanwhile
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":  # a zombie has stopped running; only its reaper is missing
        return None
    command = raw_command.replace(b"\0", b" ").decode(errors="replace").strip()
    return Process(pid, int(fields[1]), int(fields[2]), command)


def _ancestors() -> set[int]:
    pids, pid = set(), os.getpid()
    while pid > 1 and (process := _read(pid)) is not None:
        pids.add(pid)
        pid = process.ppid
    return pids


def leftover_processes() -> list[Process]:
    """The running processes of this process group that are neither this process, one that
    started it, nor this process's resource tracker."""
    if not PROC.is_dir():
        return []
    group = os.getpgrp()
    own = _ancestors() | {resource_tracker._resource_tracker._pid}
    candidates = (_read(int(entry.name)) for entry in PROC.iterdir() if entry.name.isdigit())
    return [p for p in candidates if p is not None and p.group == group and p.pid not in own]


def wait_for_leftovers(grace_s: float = GRACE_S) -> list[Process]:
    """The leftovers that are still running after `grace_s`."""
    deadline = time.monotonic() + grace_s
    while (left := leftover_processes()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def kill(processes: list[Process]) -> None:
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
