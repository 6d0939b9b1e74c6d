"""The load generator: simulated users, each a thread that sends its signed requests one after the
other (a closed loop: the next click goes once the previous one is answered, after a pause a
person would take, or at once for the most load), for a fixed time. Each request is signed when
it is sent, exactly as Slack signs it, and sent with urllib without keep-alive, as Slack opens a
connection per request.

It runs in a process of its own (`run_in_child_process`: `python -m benchmarks.load`, the spec
as JSON on stdin, the result as JSON on stdout), so that its CPU use is measured apart from the
server's and it never competes with the server for one interpreter lock. Standard library only:
the child process starts fast and small.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class LoadSpec:
    url: str
    signing_secret: str
    scripts: tuple[tuple[bytes, ...], ...]  # one per user: the bodies it sends, in turn, looping
    duration_s: float  # the measured window
    warmup_s: float = 1.0  # before it: same load, not measured
    timeout_s: float = 10.0
    # A pause after each answer, drawn uniformly from this range (the same draws on every run):
    # (0, 0) is the closed loop with no pause, the most load these users can put on a server.
    think_s: tuple[float, float] = (0.0, 0.0)


@dataclass
class LoadResult:
    latencies_s: list[float] = field(default_factory=list)  # answered requests, in the window
    statuses: dict[int, int] = field(default_factory=dict)
    failures: int = 0  # no HTTP answer (connection refused, reset, timeout)
    sent: int = 0  # every request sent, warm-up included
    window_s: float = 0.0
    client_cpu_s: float = 0.0  # CPU the load generator used over the whole run
    client_wall_s: float = 0.0

    @property
    def answered(self) -> int:
        return len(self.latencies_s)

    @property
    def throughput(self) -> float:
        return self.answered / self.window_s if self.window_s else 0.0

    @property
    def client_cores(self) -> float:
        """CPU cores the load generator kept busy, on average (1.0 = one core all the time)."""
        return self.client_cpu_s / self.client_wall_s if self.client_wall_s else 0.0


def sign(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def send(url: str, secret: str, body: bytes, timeout: float) -> int:
    """POST one signed request; return the HTTP status (raises OSError when there is none)."""
    headers = {
        "Content-Type": FORM,
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        **sign(secret, body, int(time.time())),
    }
    request = Request(url, data=body, headers=headers, method="POST")
    try:
        with urlopen(request, timeout=timeout) as response:
            response.read()
            return response.status
    except HTTPError as error:
        error.read()
        return error.code


def run_load(spec: LoadSpec) -> LoadResult:
    result = LoadResult()
    lock = threading.Lock()
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    measure_from = wall_started + spec.warmup_s
    stop_at = measure_from + spec.duration_s

    def user(number: int, script: tuple[bytes, ...]) -> None:
        latencies, statuses, failures = [], {}, 0
        turn = 0
        pauses = random.Random(number)
        while True:
            started = time.perf_counter()
            if started >= stop_at:
                break
            body = script[turn % len(script)]
            turn += 1
            try:
                status = send(spec.url, spec.signing_secret, body, spec.timeout_s)
            except (URLError, OSError):
                status = None
            answered = time.perf_counter()
            if spec.think_s[1] > 0:
                time.sleep(pauses.uniform(*spec.think_s))
            if started < measure_from:
                continue
            if status is None:
                failures += 1
                continue
            latencies.append(answered - started)
            statuses[status] = statuses.get(status, 0) + 1
        with lock:
            result.sent += turn
            result.latencies_s += latencies
            result.failures += failures
            for status, count in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + count

    threads = [
        threading.Thread(target=user, args=(n, script), name=f"user-{n}", daemon=True)
        for n, script in enumerate(spec.scripts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(spec.warmup_s + spec.duration_s + spec.timeout_s + 30)
    result.window_s = spec.duration_s
    result.client_cpu_s = time.process_time() - cpu_started
    result.client_wall_s = time.perf_counter() - wall_started
    return result


def run_in_child_process(spec: LoadSpec) -> LoadResult:
    """`run_load` in a fresh interpreter, which inherits no threads, sockets or imports."""
    request = {**asdict(spec), "scripts": [[b.decode("ascii") for b in s] for s in spec.scripts]}
    limit = spec.warmup_s + spec.duration_s + spec.timeout_s + 120
    answer = subprocess.run(
        [sys.executable, "-m", "benchmarks.load"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=limit,
        check=True,
    )
    values = json.loads(answer.stdout)
    values["statuses"] = {int(k): v for k, v in values["statuses"].items()}
    return LoadResult(**values)


def main() -> None:
    request = json.load(sys.stdin)
    request["scripts"] = tuple(tuple(b.encode("ascii") for b in s) for s in request["scripts"])
    request["think_s"] = tuple(request["think_s"])
    json.dump(asdict(run_load(LoadSpec(**request))), sys.stdout)


if __name__ == "__main__":
    main()
