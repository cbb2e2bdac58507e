"""The operator's `kefu` command: calendar arithmetic, users, checks, settings."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kefu.core.models import CalendarOverride, OrgUnit, User, WorkCalendar

pytestmark = pytest.mark.django_db


def kefu(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def calendars(db: None) -> None:
    WorkCalendar.objects.create(name="24x7", title="7×24", kind=WorkCalendar.Kind.ALWAYS)
    WorkCalendar.objects.create(
        name="workhours", title="工作时间", kind=WorkCalendar.Kind.WORKING_HOURS
    )


@pytest.mark.usefixtures("calendars")
@pytest.mark.parametrize(
    ("calendar", "start", "duration", "expected"),
    [
        # 16:30 + 4 working hours: 1 h on Monday the 29th, 3 h on Tuesday morning.
        ("workhours", "2025-09-29T16:30+08:00", "PT4H", "2025-09-30T11:30:00+08:00"),
        # National Day: 10-01 to 10-08 are off, so the last half hour moves to the 9th.
        ("workhours", "2025-09-30T17:00", "PT1H", "2025-10-09T09:00:00+08:00"),
        # Friday 15:00 + one working day: Monday at the same working moment.
        ("workhours", "2026-11-20T15:00+08:00", "P1D", "2026-11-23T15:00:00+08:00"),
        ("24x7", "2026-11-20T15:00+08:00", "P1DT2H", "2026-11-21T17:00:00+08:00"),
    ],
)
def test_calendar_add(calendar: str, start: str, duration: str, expected: str) -> None:
    args = ["--calendar", calendar, "--start", start, "--duration", duration]
    assert kefu("calendar", "add", *args) == expected


def between(start: str, end: str) -> str:
    return kefu("calendar", "between", "--calendar", "workhours", "--start", start, "--end", end)


@pytest.mark.usefixtures("calendars")
def test_calendar_between_prints_working_seconds() -> None:
    # A whole Monday of working hours: 3.5 h + 4 h.
    assert between("2026-11-23T00:00+08:00", "2026-11-24T00:00+08:00") == str(int(7.5 * 3600))


@pytest.mark.usefixtures("calendars")
def test_calendar_overrides_from_the_database_win_as_soon_as_they_change() -> None:
    monday = ("2026-11-23T00:00+08:00", "2026-11-24T00:00+08:00")
    assert between(*monday) == str(int(7.5 * 3600))  # built once, and kept
    override = CalendarOverride.objects.create(
        calendar=WorkCalendar.objects.get(name="workhours"),
        day=date(2026, 11, 23),
        is_working_day=False,
        note="中心自定休息日",
    )
    assert between(*monday) == "0"
    override.delete()
    assert between(*monday) == str(int(7.5 * 3600))


@pytest.mark.usefixtures("calendars")
@pytest.mark.parametrize(
    "args",
    [
        ["--calendar", "nope", "--start", "2026-11-20T15:00+08:00", "--duration", "PT1H"],
        ["--calendar", "workhours", "--start", "yesterday", "--duration", "PT1H"],
        ["--calendar", "workhours", "--start", "2026-11-20T15:00+08:00", "--duration", "P1M"],
    ],
)
def test_calendar_bad_input_is_a_clear_error(args: list[str]) -> None:
    with pytest.raises(CommandError):
        kefu("calendar", "add", *args)


def test_createuser_gives_the_role(db: None) -> None:
    OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="c1", name="中心")
    kefu("createuser", "zhang", "--role", "qa", "--centre", "c1", "--password", "pw-2026-abc")
    user = User.objects.get(username="zhang")
    assert user.role == "qa"
    assert user.check_password("pw-2026-abc")
    with pytest.raises(CommandError):
        kefu("createuser", "zhang", "--role", "qa", "--password", "x")


def test_check_warns_when_the_official_calendar_runs_out(calendars: None, settings: Any) -> None:
    from kefu.core.checks import official_calendar_coverage

    settings.KEFU_CALENDAR_HORIZON_DAYS = 20000  # reaches years no package covers
    messages = official_calendar_coverage()
    assert messages and all(message.id == "kefu.W001" for message in messages)


def run_kefu(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kefu.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings(tmp_path: Path) -> None:
    env = {
        "KEFU_DATA_DIR": str(tmp_path),
        "KEFU_HTTPS": "1",
        "KEFU_ALLOWED_HOSTS": "kefu.example.cn",
        "KEFU_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = run_kefu(["check", "--deploy", "--fail-level", "WARNING", "--tag", "security"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    env = {"KEFU_DATA_DIR": str(tmp_path), "KEFU_SECRET_KEY": ""}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_kefu(["shell", "--no-imports", "-c", code], env)
    second = run_kefu(["shell", "--no-imports", "-c", code], env)
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 50
    assert first.stdout.strip() == second.stdout.strip() == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_file_runs_in_wal_mode(tmp_path: Path) -> None:
    code = (
        "from django.db import connection\n"
        "cursor = connection.cursor()\n"
        "cursor.execute('PRAGMA journal_mode')\n"
        "print(cursor.fetchone()[0])"
    )
    result = run_kefu(
        ["shell", "--no-imports", "-c", code],
        {"KEFU_DATA_DIR": str(tmp_path), "KEFU_DATABASE_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"
    assert (tmp_path / "kefu.sqlite3").exists()


def test_redis_url_makes_redis_the_broker_and_the_cache(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings\n"
        "print(settings.CACHES['default']['BACKEND'])\n"
        "print(settings.Q_CLUSTER.get('redis'), settings.Q_CLUSTER.get('orm'))"
    )
    env = {"KEFU_DATA_DIR": str(tmp_path), "KEFU_REDIS_URL": "redis://127.0.0.1:6390/2"}
    result = run_kefu(["shell", "--no-imports", "-c", code], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6390/2 None",
    ]
