"""kefu started for real, as `kefu serve` starts it (gunicorn and the background worker),
on a data directory and database of the test's own, driven over HTTP, and killed.

A session's first use migrates and seeds a template (a data directory, and on PostgreSQL
a template database); each test starts from a copy of it, so it pays for neither.
"""

from __future__ import annotations

import http.client
import json
import os
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
KEFU = [sys.executable, "-m", "kefu.cli"]
PASSWORD = "live-pass-2026"
# Time limits short enough to pass while a test runs, so the sweeps have work.
LIMITS = {
    "review": {"limit": "PT5S", "warning": "PT3S"},
    "overall": {"limit": "PT8S", "warning": "PT4S"},
}
OVERALL_LIMIT_SECONDS = 8
SEED = f"""
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from kefu.core.models import OrgUnit, WorkCalendar
from kefu.core.services import user_create
from kefu.customers.services import customer_create
from kefu.tickets.models import TimeLimitPolicy

always = WorkCalendar.objects.create(name="24x7", title="7x24", kind=WorkCalendar.Kind.ALWAYS)
centre = OrgUnit.objects.create(
    kind=OrgUnit.Kind.CENTRE, code="live", name="live centre", calendar=always
)
agent = user_create(username="agent", password="{PASSWORD}", role="agent", centre=centre)
for role in ("backoffice", "leader", "manager"):
    user_create(username=role, password="{PASSWORD}", role=role, centre=centre)
TimeLimitPolicy.objects.create(name="short", calendar=always, limits={LIMITS!r})
customer_create(actor=agent, name="王建国", phones=["13812345678"])
default_storage.save("knowledge/manual.txt", ContentFile("停电抢修流程".encode()))
"""


def engine() -> str:
    return "sqlite" if settings.DATABASES["default"]["ENGINE"] == "kefu.core.sqlite" else "pg"


def _pg_url(name: str) -> str:
    base = dj_database_url.parse(os.environ["KEFU_DATABASE_URL"])
    password = f":{base['PASSWORD']}" if base.get("PASSWORD") else ""
    return f"postgres://{base['USER']}{password}@{base['HOST']}:{base['PORT']}/{name}"


def _pg_name(suffix: str) -> str:
    return f"{dj_database_url.parse(os.environ['KEFU_DATABASE_URL'])['NAME']}_{suffix}"


def _pg_admin(*statements: str) -> None:
    with psycopg.connect(_pg_url("postgres"), autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


def run(
    args: list[str], env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603  (our own interpreter and module)
        [*KEFU, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Template:
    data_dir: Path
    database: str  # the template database's name on PostgreSQL, "" on SQLite


def make_template(root: Path) -> Template:
    data_dir = root / "data"
    database = _pg_name("live_template") if engine() == "pg" else ""
    env = _env(data_dir, database)
    if database:
        _pg_admin(
            f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', f'CREATE DATABASE "{database}"'
        )
    run(["migrate", "--no-input", "-v0"], env)
    run(["shell", "--no-imports", "-c", SEED], env)
    return Template(data_dir, database)


def drop_template(template: Template) -> None:
    if template.database:
        _pg_admin(f'DROP DATABASE IF EXISTS "{template.database}" WITH (FORCE)')


def _env(data_dir: Path, database: str) -> dict[str, str]:
    env = {
        **os.environ,
        "KEFU_DATA_DIR": str(data_dir),
        "KEFU_SECRET_KEY": "",
        "KEFU_LOG_LEVEL": "WARNING",
        "KEFU_WORKERS": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["KEFU_DATABASE_URL"] = _pg_url(database) if database else ""
    return env


@dataclass
class Load:
    """Clients creating contacts and work orders; what the server acknowledged (201)."""

    contacts: list[int] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def acknowledged(self) -> tuple[set[int], set[str]]:
        return set(self.contacts), set(self.tickets)


class Site:
    """One kefu installation: its data directory, its database, its server."""

    def __init__(self, template: Template, root: Path, name: str) -> None:
        self.data_dir = root / "data"
        shutil.copytree(template.data_dir, self.data_dir)
        self.database = ""
        if template.database:
            self.database = _pg_name(name)
            _pg_admin(
                f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)',
                f'CREATE DATABASE "{self.database}" TEMPLATE "{template.database}"',
            )
        self.env = _env(self.data_dir, self.database)
        self.server: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.log = root / "serve.log"

    @property
    def sqlite_file(self) -> Path:
        return self.data_dir / "kefu.sqlite3"

    def kefu(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run(list(args), self.env, check)

    def start(self) -> None:
        self.port = _free_port()
        with self.log.open("ab") as log:
            # A session of its own, so the kill reaches gunicorn, its workers and the worker.
            # `kefu serve`'s two parts, gunicorn and the worker, without the collectstatic
            # it runs first (the template has collected them): a process group of their own
            # under one shell, so the kill reaches every one of them.
            gunicorn = [
                sys.executable,
                "-m",
                "gunicorn",
                "kefu.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                "--workers=2",
                "--worker-class=gthread",
                "--threads=4",
                "--timeout=60",
            ]
            worker = [*KEFU, "qcluster"]
            self.server = subprocess.Popen(  # noqa: S603
                ["/bin/sh", "-c", f"{shlex.join(gunicorn)} & {shlex.join(worker)} & wait"],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.server.poll() is None, self.log.read_text()[-3000:]
            try:
                if self.request("GET", "/login/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError("kefu serve did not answer in time")

    def kill(self) -> None:
        """SIGKILL to every process of the server: nothing gets to clean up."""
        assert self.server is not None
        os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait(timeout=30)
        self.server = None

    def stop(self) -> None:
        if self.server is not None:
            self.kill()

    def drop(self) -> None:
        self.stop()
        if self.database:
            _pg_admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def request(self, method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            return _exchange(connection, method, path, body, token)
        finally:
            connection.close()

    def token(self, username: str = "agent") -> str:
        status, body = self.request(
            "POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD}
        )
        assert status == 200, body
        return str(body["token"])

    def customer_id(self) -> int:
        return int(self.query("SELECT id FROM customers_customer ORDER BY id")[0][0])

    def load(self, clients: int = 4) -> Load:
        """Start `clients` threads writing until the load is stopped or the server dies."""
        token, customer = self.token(), self.customer_id()
        load = Load()

        def client(slot: int) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            step = 0
            while not load.stop.is_set():
                step += 1
                now = datetime.now(UTC).isoformat(timespec="seconds")
                body: dict[str, Any]
                try:
                    if step % 2:
                        body = {"channel": "hotline", "started_at": now, "summary": f"{slot}"}
                        status, answer = _exchange(
                            connection, "POST", "/api/v1/contacts", body, token
                        )
                        if status == 201:
                            load.contacts.append(int(answer["id"]))
                    else:
                        body = {"customer_id": customer, "kind": "complaint", "title": "停电"}
                        status, answer = _exchange(
                            connection, "POST", "/api/v1/tickets", body, token
                        )
                        if status == 201:
                            load.tickets.append(str(answer["number"]))
                    if status != 201:
                        load.refused.append(f"{status} {answer}")
                except (OSError, http.client.HTTPException):
                    return  # the server is gone: this write was never acknowledged

        load.threads = [threading.Thread(target=client, args=(slot,)) for slot in range(clients)]
        for thread in load.threads:
            thread.start()
        return load

    def finish(self, load: Load) -> None:
        load.stop.set()
        for thread in load.threads:
            thread.join(timeout=60)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.database:
            with psycopg.connect(_pg_url(self.database)) as db:
                return list(db.execute(sql).fetchall())
        with sqlite3.connect(self.sqlite_file) as lite:
            rows = list(lite.execute(sql).fetchall())
        lite.close()
        return rows

    def integrity(self) -> list[str]:
        """SQLite's own check of the whole file; PostgreSQL's files are its server's."""
        if self.database:
            return ["ok"]
        return [str(row[0]) for row in self.query("PRAGMA integrity_check")]

    def table_counts(self) -> dict[str, int]:
        if self.database:
            names = self.query(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        else:
            names = self.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY 1"
            )
        return {
            name: int(self.query(f'SELECT count(*) FROM "{name}"')[0][0])  # noqa: S608
            for (name,) in names
        }


def _exchange(
    connection: http.client.HTTPConnection, method: str, path: str, body: Any, token: str
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = None if body is None else json.dumps(body)
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    raw = response.read()
    try:
        return response.status, json.loads(raw) if raw else None
    except ValueError:
        return response.status, raw[:200]


def sites(template: Template, root: Path) -> Iterator[Callable[[str], Site]]:
    made: list[Site] = []

    def make(name: str) -> Site:
        site = Site(template, root / name, name)
        made.append(site)
        return site

    try:
        yield make
    finally:
        for site in made:
            site.drop()
