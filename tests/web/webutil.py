"""Helpers for the web tests: an app on a test database, logged-in clients."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import httpx

import jixiao

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette: "use httpx2" (not on PyPI for us yet)
    from fastapi.testclient import TestClient

SAMPLES = Path(jixiao.__file__).resolve().parent / "samples"
SEEDS = sorted(SAMPLES.glob("*.txt"))
PINGAN = SAMPLES / "003_8c2d2b6312b4e993.txt"
SONGNAN = "上海市宝山区淞南镇城市运行管理中心"
PASSWORD = "correct-horse-42"
USERS = {
    "rev": ("reviewer", None),
    "rev2": ("reviewer", None),
    "admin": ("admin", None),
    "songnan": ("filler", SONGNAN),
    "wusong": ("filler", "吴淞镇城市运行管理中心"),
}
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class Web:
    """A browser-like client: cookies, CSRF token, HTMX headers."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        page = self.client.get("/login")
        token = CSRF_RE.search(page.text)
        assert token, page.text
        r = self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token.group(1)},
            follow_redirects=False,
        )
        if r.status_code == 303:
            self.csrf = self.client.get("/me.json").json()["csrf_token"]
        return r

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.client.get(url, **kw)

    def post(
        self, url: str, data: dict[str, Any] | None = None, htmx: bool = False, **kw: Any
    ) -> httpx.Response:
        form = {"csrf_token": self.csrf, **(data or {})}
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(url, data=form, headers=headers, follow_redirects=False, **kw)

    def upload(self, *files: tuple[str, bytes], htmx: bool = False) -> httpx.Response:
        parts = [("files", (name, data, "application/octet-stream")) for name, data in files]
        headers = {"HX-Request": "true"} if htmx else {}
        return self.client.post(
            "/upload.json" if not htmx else "/upload",
            files=parts,
            data={"csrf_token": self.csrf},
            headers=headers,
        )


def text_of(html: str) -> str:
    """Visible text, roughly: tags removed, white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---------------------------------------------------------------------------
# A real server: ``jixiao serve`` in a subprocess, through the registered commands.

import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "web"
CLI = "import typer; from jixiao.cli_web import register; app = typer.Typer(); register(app); app()"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the registered commands (serve, import, user) as a user would."""
    return subprocess.run(
        [sys.executable, "-c", CLI, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


@dataclass
class Server:
    proc: subprocess.Popen[str]
    url: str
    output: list[str] = field(default_factory=list)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.output.extend(self.proc.stdout.read().splitlines())


def start_server(*args: str, timeout: float = 60) -> Server:
    """``serve`` on a free loopback port; returns once /healthz answers 200."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200", "PYTHONUNBUFFERED": "1"},
    )
    server = Server(proc, f"http://127.0.0.1:{port}")
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    deadline = time.monotonic() + timeout
    buf = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            chunk = proc.stdout.read()
        except (OSError, TypeError):
            chunk = None
        if chunk:
            buf += chunk
        try:
            r = httpx.get(server.url + "/healthz", timeout=2)
            if r.status_code == 200:
                time.sleep(0.2)
                buf += proc.stdout.read() or ""
                server.output = buf.splitlines()
                os.set_blocking(proc.stdout.fileno(), True)
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.output = buf.splitlines()
    server.stop()
    raise AssertionError("server did not start:\n" + "\n".join(server.output))
