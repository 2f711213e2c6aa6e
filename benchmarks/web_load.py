"""Load test of the review workbench: table list and detail pages.

Usage: python benchmarks/web_load.py [--tables 10000] [--clients 20] [--requests 1500]
                                      [--max-seconds 60] [--db URL] [--workers N]
                                      [--ramp-ms 25] [--client-cpu K] [--server-cpus 0,1]
                                      [--check]

Seeds a fresh database (a temporary SQLite file unless ``--db`` names another
one) with ``--tables`` stored tables — copies of the bundled samples, read,
scored and audited once, spread over 60 units and 6 years — starts the server
(uvicorn, ``--workers`` processes, default one per CPU) on a free loopback port
and runs ``--clients`` concurrent logged-in clients against it, each scenario a
bounded number of requests (and at most ``--max-seconds``). Reports requests per
second and latency percentiles for:

* list    ``/tables`` — the first page and random pages, sorts and filters;
* detail  ``/tables/{id}`` — random tables.

Targets: p95 ≤ 100 ms and no errors. ``--check`` exits 1 when one is missed.
Traffic goes to 127.0.0.1 only.

The load generator shares the machine with the server, so it is kept cheap:
plain asyncio streams with HTTP/1.1 keep-alive (no HTTP client library), on
uvloop when installed; its CPU time per request is reported beside the
server's (``client ms``, about 0.2–0.3 ms against 2–5 ms for the server).

Workers: one per core (2 on a 2-core machine). The pages are CPU-bound, so
more processes only queue on the cores, and fewer leave a core idle. The
uvicorn workers share one listening socket; a burst of connections is
accepted by whichever process wakes first, and keep-alive keeps them there
(20 connections opened at once were split 15/5, and the busy worker's queue
sets p95). So the clients start ``--ramp-ms`` apart (default 25 ms, 0.5 s for
20): connections that come one by one go to a process free to accept them
(10/10, 9/11 measured).

Pinning (``os.sched_setaffinity``): ``--client-cpu 1`` keeps the generator on
CPU 1, ``--server-cpus 0,1`` the server processes on those CPUs (workers inherit
it). On 2 cores the default is no pinning: pinning the generator to a core the
server also needs only takes that core from one worker.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import Engine, insert, text
from sqlalchemy.engine import make_url

from jixiao.api import read
from jixiao.store.auth import create_user, start_session
from jixiao.store.db import make_engine, migrate, normalize_url, session_factory
from jixiao.store.models import (
    ChangeLog,
    FundRow,
    SourceFile,
    StoredFinding,
    StoredTable,
    TableContent,
    utcnow,
)
from jixiao.store.tables import _fingerprints, analyse, row_key, to_decimal

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "src" / "jixiao" / "samples"
STATUSES = ["draft"] * 5 + ["submitted"] * 3 + ["returned", "approved"]
TARGET_P95_MS = 100.0


# ---------------------------------------------------------------------------
# Seeding


def seed(engine: Engine, n_tables: int) -> list[int]:
    """Insert ``n_tables`` tables (with money rows, findings and log) in bulk."""
    templates = []
    for path in sorted(SAMPLES.glob("*.txt")):
        for t in read(path):
            templates.append(analyse(t))
    units = [f"示范区第{i:02d}街镇城市运行管理中心" for i in range(1, 61)]
    years = [2019, 2020, 2021, 2022, 2023, 2024]
    rng = random.Random(42)
    now = utcnow()
    n_files = max(1, n_tables // 20)
    files = [
        {
            "id": i + 1,
            "sha256": f"{i:064x}",
            "name": f"批量{i + 1:05d}.txt",
            "size": 10,
            "kind": "text",
            "content": b"benchmark",
            "uploaded_at": now,
        }
        for i in range(n_files)
    ]
    tables: list[dict[str, Any]] = []
    contents: list[dict[str, Any]] = []
    funds: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    logs: list[dict[str, Any]] = []
    for i in range(n_tables):
        a = templates[i % len(templates)]
        t = a.table.model_copy(deep=True)
        unit = units[rng.randrange(len(units))]
        year = years[rng.randrange(len(years))]
        if t.project:
            t.project = f"{t.project}{i + 1:05d}"
        t.unit_name = unit
        t.year = year
        s = a.score
        record = t.model_dump(mode="json")
        tid = i + 1
        active = a.report.findings
        counts = {
            sev: sum(1 for f in active if f.severity == sev) for sev in ("error", "warning", "info")
        }
        tables.append(
            {
                "id": tid,
                "file_id": (i % n_files) + 1,
                "position": i // n_files,
                "form": t.form,
                "title": t.title,
                "year": year,
                "project": t.project,
                "unit_name": unit,
                "department": t.department,
                "owner_unit": unit,
                "money_unit": t.money_unit,
                "rules": a.rules,
                "status": rng.choice(STATUSES),
                "printed_total": s.printed_total,
                "recomputed_total": s.recomputed_total,
                "printed_grade": s.printed_grade,
                "recomputed_grade": s.recomputed_grade,
                "execution_rate": s.execution_rate,
                "execution_score": s.execution_score,
                "consistent": s.consistent,
                "n_error": counts["error"],
                "n_warning": counts["warning"],
                "n_info": counts["info"],
                "n_open": len(active),
                "n_corrected": 0,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        contents.append(
            {
                "table_id": tid,
                "record": record,
                "original": copy.deepcopy(record),
                "score": s.model_dump(mode="json"),
            }
        )
        for pos, f in enumerate(t.funds):
            funds.append(
                {
                    "table_id": tid,
                    "position": pos,
                    "item": f.item,
                    "group": f.group,
                    "initial_budget": to_decimal(f.initial_budget),
                    "budget": to_decimal(f.budget),
                    "executed": to_decimal(f.executed),
                    "rate": f.rate,
                    "weight": f.weight,
                    "score": f.score,
                }
            )
        for fp, f in _fingerprints(active):
            findings.append(
                {
                    "table_id": tid,
                    "fingerprint": fp,
                    "code": f.code,
                    "severity": f.severity,
                    "title": f.title,
                    "message": f.message,
                    "location": f.location.model_dump(mode="json", exclude_none=True),
                    "row_key": row_key(f.location, t),
                    "expected": None if f.expected is None else str(f.expected),
                    "found": None if f.found is None else str(f.found),
                    "cause": f.cause,
                    "active": True,
                    "state": "open",
                    "created_at": now,
                    "version": 1,
                }
            )
        logs.append(
            {
                "at": now,
                "username": "benchmark",
                "action": "upload",
                "entity": "table",
                "entity_id": tid,
                "table_id": tid,
            }
        )
    with engine.begin() as conn:
        for model, rows in (
            (SourceFile, files),
            (StoredTable, tables),
            (TableContent, contents),
            (FundRow, funds),
            (StoredFinding, findings),
            (ChangeLog, logs),
        ):
            for k in range(0, len(rows), 2000):
                conn.execute(insert(model), rows[k : k + 2000])
        if engine.dialect.name == "postgresql":
            for name in ("source_file", "perf_table"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
        if engine.dialect.name == "sqlite":
            conn.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        # What autovacuum does to a freshly loaded table within a minute or so:
        # statistics, and the visibility map that lets counts and id lists read
        # only the indexes. (VACUUM cannot run inside a transaction.)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return [r["id"] for r in tables]


# ---------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


SERVER = """
import os, sys, uvicorn
from jixiao.web import WebSettings
from jixiao.web.app import SETTINGS_ENV, settings_env
settings = WebSettings(db_url=sys.argv[1], schema=sys.argv[3] or None)
os.environ[SETTINGS_ENV] = settings_env(settings)
uvicorn.run("jixiao.web.app:app_from_env", factory=True, workers=int(sys.argv[4]),
            host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def start_server(
    url: str, port: int, schema: str | None, workers: int, cpus: set[int] | None = None
) -> subprocess.Popen[bytes]:
    """The same server as ``jixiao serve --workers N`` (uvicorn, N worker processes)."""

    def pin() -> None:  # in the child: its workers inherit the affinity
        if cpus:
            os.sched_setaffinity(0, cpus)

    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, url, str(port), schema or "", str(workers)],
        stdout=subprocess.DEVNULL,
        preexec_fn=pin if cpus else None,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


# ---------------------------------------------------------------------------
# The load


def server_cpu_seconds(pid: int) -> float | None:
    """CPU time of the server and all its descendants (Linux /proc), or None."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def own(p: int) -> float:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    def children(p: int) -> list[int]:
        out: list[int] = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
                if ppid == p:
                    out.append(int(entry.name))
        return out

    try:
        total, todo = 0.0, [pid]
        while todo:
            p = todo.pop()
            try:
                total += own(p)
                todo += children(p)
            except OSError:
                if p == pid:
                    raise
        return total
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    cpu_ms: float | None = None  # server CPU per request
    client_ms: float | None = None  # load generator CPU per request

    def pct(self, p: float) -> float:
        xs = sorted(self.latencies)
        if not xs:
            return float("nan")
        return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))] * 1000

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


def list_urls(rng: random.Random, pages: int) -> str:
    choice = rng.random()
    if choice < 0.3:
        return "/tables"
    if choice < 0.6:
        return f"/tables?page={rng.randint(1, pages)}"
    if choice < 0.8:
        sort = rng.choice(["total", "project", "year", "updated", "errors"])
        order = rng.choice(["asc", "desc"])
        return f"/tables?sort={sort}&order={order}&page={rng.randint(1, 20)}"
    flt = rng.choice(
        [
            f"year={rng.choice([2019, 2021, 2023])}",
            "status=submitted",
            "severity=error",
            "grade=优",
            f"unit=示范区第{rng.randint(1, 60):02d}街镇城市运行管理中心",
            "q=网格",
        ]
    )
    return f"/tables?{flt}"


class Connection:
    """A minimal HTTP/1.1 keep-alive client (like wrk): the load, not the client, is measured."""

    def __init__(self, host: str, port: int, cookie: str) -> None:
        self.host, self.port, self.cookie = host, port, cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        target = quote(path, safe="/?=&%")
        self.writer.write(
            f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Cookie: jixiao_session={self.cookie}\r\nAccept: text/html\r\n\r\n".encode()
        )
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        m = CONTENT_LENGTH.search(head)
        if m:
            body = await self.reader.readexactly(int(m.group(1)))
        else:  # chunked
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        if b"connection: close" in head.lower():
            await self.close()
        return status, len(body)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


CONTENT_LENGTH = re.compile(rb"(?i)\r\ncontent-length:\s*(\d+)")

try:  # the cheaper event loop for the load generator, when installed
    import uvloop

    LOOP: Any = uvloop.new_event_loop
except ImportError:  # pragma: no cover
    LOOP = None


async def run(
    name: str,
    port: int,
    cookie: str,
    clients: int,
    total: int,
    max_seconds: float,
    make_url: Any,
    ramp: float = 0.0,
) -> Result:
    """``clients`` keep-alive connections; client ``i`` starts after ``i * ramp`` seconds.

    The ramp matters with several server processes on one shared listening
    socket: a burst of connections at once is accepted by whichever process
    wakes first (all of them, often), and keep-alive keeps them there.
    Connections that arrive one by one go to a process free to accept them.
    """
    result = Result(name)
    remaining = total
    deadline = time.monotonic() + max_seconds

    async def worker(seed: int) -> None:
        nonlocal remaining
        rng = random.Random(seed)
        conn = Connection("127.0.0.1", port, cookie)
        if ramp:
            await asyncio.sleep(seed * ramp)
        try:
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                url = make_url(rng)
                t0 = time.perf_counter()
                try:
                    status, size = await asyncio.wait_for(conn.get(url), 30)
                    ok = status == 200 and size > 100
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                    ok = False
                    await conn.close()
                elapsed = time.perf_counter() - t0
                if ok:
                    result.latencies.append(elapsed)
                else:
                    result.errors += 1
        finally:
            await conn.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(clients)))
    result.seconds = time.perf_counter() - start
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tables", type=int, default=10_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=1500, help="per scenario")
    ap.add_argument("--max-seconds", type=float, default=60, help="per scenario")
    ap.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    ap.add_argument(
        "--schema",
        help="PostgreSQL schema to use, created and dropped (default: a new one per run)",
    )
    ap.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: CPUs)"
    )
    ap.add_argument(
        "--client-cpu", type=int, help="pin the load generator to this CPU (sched_setaffinity)"
    )
    ap.add_argument("--server-cpus", help="pin the server to these CPUs, e.g. 0,1")
    ap.add_argument(
        "--ramp-ms",
        type=float,
        default=25,
        help="start the clients this far apart (default 25 ms; 0: all at once)",
    )
    ap.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = ap.parse_args()
    if args.client_cpu is not None:
        os.sched_setaffinity(0, {args.client_cpu})
    server_cpus = {int(c) for c in args.server_cpus.split(",")} if args.server_cpus else None

    tmp = tempfile.TemporaryDirectory(prefix="jixiao-bench-")
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    if args.schema is None and make_url(normalize_url(url)).get_backend_name() == "postgresql":
        # A schema of its own, dropped at the end: runs never meet old data.
        args.schema = f"jixiao_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin_engine = None
    if args.schema:
        admin_engine = make_engine(url)
        with admin_engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{args.schema}"'))
    engine = make_engine(url, schema=args.schema)
    proc = None
    try:
        migrate(engine)
        t0 = time.perf_counter()
        ids = seed(engine, args.tables)
        print(
            f"seeded {len(ids)} tables in {time.perf_counter() - t0:.1f} s ({engine.dialect.name})"
        )
        with session_factory(engine)() as db:
            user = create_user(db, "bench", "benchmark-password", "reviewer")
            token = start_session(db, user).token
            db.commit()
        port = free_port()
        proc = start_server(url, port, args.schema, args.workers, server_cpus)
        pages = max(1, len(ids) // 50)
        scenarios = [
            ("list", lambda rng: list_urls(rng, pages)),
            ("detail", lambda rng: f"/tables/{rng.choice(ids)}"),
        ]
        results = []
        with asyncio.Runner(loop_factory=LOOP) as runner:
            # Warm up (templates compiled, caches filled), not measured.
            runner.run(run("warmup", port, token, 4, 100, 20, scenarios[0][1]))
            runner.run(run("warmup", port, token, 4, 100, 20, scenarios[1][1]))
            for name, make in scenarios:
                before = server_cpu_seconds(proc.pid)
                own = time.process_time()
                r = runner.run(
                    run(
                        name,
                        port,
                        token,
                        args.clients,
                        args.requests,
                        args.max_seconds,
                        make,
                        args.ramp_ms / 1000,
                    )
                )
                n = max(1, len(r.latencies) + r.errors)
                r.client_ms = (time.process_time() - own) / n * 1000
                after = server_cpu_seconds(proc.pid)
                if before is not None and after is not None:
                    r.cpu_ms = (after - before) / n * 1000
                results.append(r)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        engine.dispose()
        if admin_engine is not None:
            with admin_engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE'))
            admin_engine.dispose()
        tmp.cleanup()

    print(
        f"{args.tables} tables, {args.clients} concurrent clients, "
        f"{os.cpu_count()} CPUs, server: uvicorn, {args.workers} worker process(es)"
    )
    print(
        f"{'page':<8}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'max ms':>9}{'cpu ms':>9}{'client ms':>10}"
    )
    ok = True
    for r in results:
        print(
            f"{r.name:<8}{len(r.latencies):>9}{r.errors:>8}{r.rps:>9.1f}{r.pct(50):>9.1f}"
            f"{r.pct(95):>9.1f}{r.pct(99):>9.1f}{max(r.latencies, default=0) * 1000:>9.1f}"
            f"{r.cpu_ms if r.cpu_ms is not None else float('nan'):>9.2f}"
            f"{r.client_ms if r.client_ms is not None else float('nan'):>10.2f}"
        )
        if r.errors or r.pct(95) > TARGET_P95_MS:
            ok = False
    print("cpu ms: server CPU time (all workers) per request; client ms: the load generator's")
    print(f"targets: p95 ≤ {TARGET_P95_MS:.0f} ms, no errors — {'met' if ok else 'MISSED'}")
    try:
        print("load average (1, 5, 15 min):", " ".join(f"{x:.2f}" for x in os.getloadavg()))
        load = os.getloadavg()[0]
        if load > (os.cpu_count() or 1) * 1.5:
            print(f"note: load average {load:.1f} before the end: other work ran on this machine")
    except OSError:
        pass
    if results:
        print(
            "median of all latencies:",
            f"{statistics.median(x for r in results for x in r.latencies) * 1000:.1f} ms",
        )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
