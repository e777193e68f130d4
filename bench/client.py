"""A small HTTP load client: raw sockets, several processes of threads, 127.0.0.1 only.

Gunicorn's sync workers close the connection after each response, as a browser's
first visit would, so each request opens a new connection.
"""

import multiprocessing
import re
import socket
import statistics
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

HOST = "127.0.0.1"
FORM_TOKEN = re.compile(rb'name="form_token"[^>]*value="([^"]+)"')


def request(
    port: int,
    method: str,
    path: str,
    form: dict[str, str] | None = None,
    forwarded_for: str | None = None,
) -> tuple[int, bytes]:
    """One HTTP/1.1 request on a fresh connection; returns (status, body).

    `forwarded_for` is sent as X-Forwarded-For, as a reverse proxy would.
    """
    body = urlencode(form).encode() if form is not None else b""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        "Connection: close\r\nAccept-Language: en\r\nUser-Agent: campaigns-bench\r\n"
    )
    if forwarded_for is not None:
        head += f"X-Forwarded-For: {forwarded_for}\r\n"
    if form is not None:
        head += (
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n"
        )
    with socket.create_connection((HOST, port), timeout=30) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        chunks = []
        while data := sock.recv(65536):
            chunks.append(data)
    raw = b"".join(chunks)
    return int(raw[9:12]), raw.partition(b"\r\n\r\n")[2]


# One operation: given (port, thread's own sequence number), do requests and return
# the status of the one being measured. Raising counts as an error.
Operation = Callable[[int, str, int], int]


def get(port: int, path: str, _n: int) -> int:
    """A GET of `path`."""
    return request(port, "GET", path)[0]


def signer_ip(prefix: str) -> str:
    """A private IPv4 address for one bench signer: a surge comes from many people."""
    number = zlib.crc32(prefix.encode()) & 0xFFFFFF
    return f"10.{number >> 16}.{(number >> 8) & 255}.{number & 255}"


def sign(port: int, slug_and_prefix: str, n: int) -> int:
    """Fetch the campaign page as a browser would, then sign with a new address.

    Each signer comes from an address of their own (through the reverse proxy's
    X-Forwarded-For) and has a mailbox at a common provider, as in a real surge.
    """
    slug, prefix = slug_and_prefix.split(":")
    ip = signer_ip(prefix)
    status, page = request(port, "GET", f"/c/{slug}", forwarded_for=ip)
    match = FORM_TOKEN.search(page)
    if status != 200 or match is None:
        return status or 599
    form = {
        "form_token": match.group(1).decode(),
        "full_name": f"Bench Signer {n}",
        "email": f"{prefix}@gmail.com",
        "country": "SV",
        "comment": "",
    }
    return request(port, "POST", f"/c/{slug}/sign", form, forwarded_for=ip)[0]


def confirm(port: int, token: str, _n: int) -> int:
    """Press the button behind a confirmation link."""
    return request(port, "POST", f"/s/confirm/{token}", {})[0]


@dataclass
class Result:
    """What one measurement saw."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> int:
        """Answers that were not errors (2xx and 3xx)."""
        return sum(n for status, n in self.statuses.items() if status < 400)

    @property
    def rate(self) -> float:
        """Successful operations per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency percentile in milliseconds."""
        if len(self.latencies) < 2:
            return 0.0
        return statistics.quantiles(self.latencies, n=100)[int(p) - 1] * 1000

    def merge(self, other: "Result") -> None:
        """Add another process's observations."""
        self.latencies += other.latencies
        self.statuses += other.statuses
        self.seconds = max(self.seconds, other.seconds)


def _thread(
    port: int, op: Operation, args: list[str], deadline: float, result: Result
) -> None:
    for n, arg in enumerate(args):
        if time.monotonic() >= deadline:
            return
        started = time.perf_counter()
        try:
            status = op(port, arg, n)
        except OSError:
            status = 599
        result.latencies.append(time.perf_counter() - started)
        result.statuses[status] += 1


def _process(job: tuple) -> Result:
    port, op, per_thread, seconds = job
    results = [Result() for _ in per_thread]
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=_thread, args=(port, op, args, deadline, result))
        for args, result in zip(per_thread, results, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Result(seconds=time.monotonic() - started)
    for result in results:
        total.merge(result)
    return total


def run(
    port: int,
    op: Operation,
    args: list[str],
    *,
    seconds: float,
    processes: int = 2,
    threads: int = 4,
) -> Result:
    """Run `op` once per argument from processes x threads, for at most `seconds`.

    Bounded twice: by time, and by the number of arguments given.
    """
    slots = processes * threads
    split = [args[i::slots] for i in range(slots)]
    jobs = [
        (port, op, split[p * threads : (p + 1) * threads], seconds)
        for p in range(processes)
    ]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(_process, jobs)
    total = Result()
    for result in results:
        total.merge(result)
    return total
