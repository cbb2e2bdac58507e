"""Running kefu (issue 15, point 27): the port, a taken port, the holiday calendar warning
once per start, the administrator's holiday notice form, the README's demo logins and the
screen-pop URL's documentation."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
from django.core import checks
from django.test import Client

from kefu.core.holidays import parse_notice
from kefu.core.models import CalendarOverride, HolidayNotice, User, WorkCalendar
from kefu.core.queries import calendar_uncovered_years
from kefu.core.services import user_create
from kefu.demo import demo_logins

ROOT = Path(__file__).resolve().parents[3]

# The General Office of the State Council's notice for 2026 (国办发明电〔2025〕7号), as
# published; chinese_calendar carries the same days.
NOTICE_2026 = """一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_taken_port_is_one_clear_error_and_kefu_does_not_claim_to_serve(
    tmp_path: Path,
) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "kefu.cli", "serve", f"--port={port}", "--no-worker"],
            env={**os.environ, "KEFU_DATA_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert "serving on" not in result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert f"端口 {port} 已被占用" in lines[0]
    assert f"Port {port} is already in use" in lines[0]


def test_a_free_port_passes_the_check(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kefu.cli", "serve", f"--port={free_port()}", "--check-port"],
        env={**os.environ, "KEFU_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("args", "env", "port"),
    [([], {}, "8000"), (["PORT=8123"], {}, "8123"), ([], {"KEFU_PORT": "8124"}, "8124")],
)
def test_make_run_picks_the_port(args: list[str], env: dict[str, str], port: str) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in {"PORT", "KEFU_PORT"}}
    result = subprocess.run(  # noqa: S603
        ["make", "-n", "-C", str(ROOT), "run", *args],  # noqa: S607
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    serves = [line for line in result.stdout.splitlines() if " serve " in f"{line} "]
    # The port is checked before the demo is loaded, then served.
    assert serves[0].endswith(f"serve --port {port} --check-port"), serves
    assert serves[-1].endswith(f"serve --port {port}"), serves


def test_the_readme_lists_the_demo_logins_make_run_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([\w-]+)` \| (\w+) \| (\S+) \|", readme, flags=re.MULTILINE)
    assert rows == demo_logins()
    assert "kefu-demo-2026" in readme and "make run PORT=8123" in readme
    assert "KEFU_PORT=8123" in readme


def test_the_screen_pop_url_is_documented_for_integrators() -> None:
    docs = (ROOT / "docs" / "telephony-formats.md").read_text(encoding="utf-8")
    assert "/workbench/?caller=" in docs
    assert "Screen pop" in docs and "`customer`" in docs


@pytest.mark.django_db
def test_the_calendar_warning_is_for_the_start_not_every_command(settings: Any) -> None:
    WorkCalendar.objects.create(name="wh", title="工作时间", kind="working_hours")
    settings.KEFU_CALENDAR_HORIZON_DAYS = 20000  # reaches years no package covers
    every_command = checks.run_checks(tags=["kefu"])
    assert not [message for message in every_command if message.id == "kefu.W001"]
    at_start = checks.run_checks(tags=["kefu"], include_deployment_checks=True)
    assert any(message.id == "kefu.W001" for message in at_start)


def test_the_2026_notice_as_published_gives_the_official_days() -> None:
    notice = parse_notice(2026, NOTICE_2026)
    for day, _name in notice.holidays:
        assert chinese_calendar.is_holiday(day), day
    for day, _name in notice.workdays:
        assert chinese_calendar.is_workday(day) and day.weekday() >= 5, day
    off = {day for day in chinese_calendar.holidays if day.year == 2026 and day.weekday() < 5}
    assert off <= {day for day, _name in notice.holidays}
    assert len(notice.workdays) == 6


@pytest.fixture
def admin_client(db: None) -> Client:
    user_create(username="root", password="root-pw-2026", role="admin", full_name="管理员")
    client = Client()
    client.force_login(User.objects.get(username="root"))
    return client


URL = "/admin/core/workcalendar/holiday-notice/"


def test_an_admin_enters_the_state_councils_notice_in_one_form(
    admin_client: Client, settings: Any
) -> None:
    calendar = WorkCalendar.objects.create(name="wh", title="工作时间", kind="working_hours")
    WorkCalendar.objects.create(name="247", title="7×24", kind="always")
    settings.KEFU_CALENDAR_HORIZON_DAYS = 400
    missing = calendar_uncovered_years(date(2026, 12, 5))
    assert 2027 in missing

    page = admin_client.get(URL).content.decode()
    assert "录入国务院放假通知" in page and "国务院办公厅放假通知" in page

    text = "元旦：1月1日至3日放假\n春节：2月6日至13日放假调休，2月14日（周日）、2月20日（周六）上班"
    preview = admin_client.post(URL, {"year": 2027, "text": text, "preview": "1"})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "2027年放假安排预览" in html and "保存通知" in html
    assert html.count("<td>放假</td>") == 11 and html.count("<td>调休上班</td>") == 2
    assert not CalendarOverride.objects.exists()  # a preview writes nothing

    saved = admin_client.post(URL, {"year": 2027, "text": text, "save": "1"}, follow=True)
    assert "2027年节假日已录入所有工作时间日历" in saved.content.decode()
    days = dict(calendar.overrides.values_list("day", "is_working_day"))
    assert days[date(2027, 2, 6)] is False and days[date(2027, 2, 14)] is True
    assert len(days) == 13
    assert HolidayNotice.objects.get(year=2027).text == text
    assert 2027 not in calendar_uncovered_years(date(2026, 12, 5))

    # Entered again, corrected: the earlier notice's days are replaced, not kept.
    admin_client.post(URL, {"year": 2027, "text": "元旦：1月1日放假", "save": "1"})
    assert dict(calendar.overrides.values_list("day", "is_working_day")) == {
        date(2027, 1, 1): False
    }


def test_a_wrong_notice_is_refused_keeping_what_was_typed(admin_client: Client) -> None:
    WorkCalendar.objects.create(name="wh", title="工作时间", kind="working_hours")
    text = "元旦：1月1日至3日放假\n春节：2月6日至13日放假，2月16日上班"
    response = admin_client.post(URL, {"year": 2027, "text": text, "save": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "第2行：2027-02-16 是工作日，调休上班日应为周末。" in html
    assert "春节：2月6日至13日放假，2月16日上班" in html
    assert not CalendarOverride.objects.exists() and not HolidayNotice.objects.exists()


def test_the_banner_is_for_admins_only_and_leads_to_the_form(
    admin_client: Client, settings: Any
) -> None:
    WorkCalendar.objects.create(name="wh", title="工作时间", kind="working_hours")
    settings.KEFU_CALENDAR_HORIZON_DAYS = 20000
    admin_page = admin_client.get("/admin/").content.decode()
    assert URL in admin_page
    user_create(username="agent", password="agent-pw-2026", role="agent", full_name="坐席")
    agent = Client()
    agent.force_login(User.objects.get(username="agent"))
    assert URL not in agent.get("/workbench/").content.decode()
