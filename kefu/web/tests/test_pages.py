from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kefu.core.models import User

pytestmark = pytest.mark.django_db


def test_healthz_answers() -> None:
    # Without a worker it is degraded but serves (kefu/core/tests/test_health.py).
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == {"ok": True}


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("backoffice", "/backoffice/"),
        ("handler", "/department/"),
        ("agent", "/workbench/"),
        ("manager", "/dashboard/"),
        ("qa", "/quality/queue/"),
    ],
)
def test_home_asks_for_sign_in_then_sends_each_role_to_its_page(
    users: dict[str, User], role: str, home: str
) -> None:
    client = Client()
    assert client.get("/").status_code == 302
    client.force_login(users[role])
    assert client.get("/").headers["Location"] == home


def test_the_bell_counts_unread_notifications_until_they_are_read(
    users: dict[str, User],
) -> None:
    from kefu.core.services import notify

    agent = users["agent"]
    notify(recipients=[agent], kind="ticket.overdue", title="GD20261123000001 超时", link="/")
    client = Client()
    client.force_login(agent)
    assert client.get("/notifications/badge").content == b"1"
    assert "GD20261123000001 超时" in client.get("/notifications/").content.decode()
    assert client.post("/notifications/read").status_code == 302
    assert client.get("/notifications/badge").content == b""


def test_administrators_see_the_calendar_banner_when_the_year_is_not_covered(
    users: dict[str, User], settings: object
) -> None:
    setattr(settings, "KEFU_CALENDAR_HORIZON_DAYS", 20000)  # noqa: B010
    client = Client()
    client.force_login(users["admin"])
    admin_page = client.get("/admin/").content.decode()
    assert "国家法定节假日日历尚未包含" in admin_page
    client.force_login(users["agent"])
    assert "国家法定节假日日历尚未包含" not in client.get("/").content.decode()


def test_admin_writes_leave_audit_rows(users: dict[str, User]) -> None:
    from kefu.core.models import AuditEntry, Region

    client = Client()
    client.force_login(users["admin"])
    response = client.post(
        "/admin/core/region/add/", {"code": "320000", "name": "江苏省", "parent": ""}
    )
    assert response.status_code == 302, response.content
    region = Region.objects.get(code="320000")
    entry = AuditEntry.objects.get(action="region.create", object_id=str(region.pk))
    assert entry.actor == users["admin"]
    assert entry.after == {"code": "320000", "name": "江苏省"}


def test_audit_entries_cannot_be_changed(users: dict[str, User]) -> None:
    from kefu.core.models import AuditEntry

    entry = AuditEntry.objects.first()
    assert entry is not None
    entry.action = "forged"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_pages_are_chinese_whatever_the_browser_says_until_english_is_chosen(
    users: dict[str, User],
) -> None:
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "登录客服平台" in client.get("/login/").content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Sign in to kefu" in client.get("/login/").content.decode()


def test_api_docs_and_schema_are_served_without_a_cdn(db: None) -> None:
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn." not in docs.content.decode()
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/customers" in schema["paths"]
    assert "/api/v1/contacts" in schema["paths"]


def test_calendar_overrides_edited_inline_are_audited(users: dict[str, User]) -> None:
    from kefu.core.models import AuditEntry, CalendarOverride, WorkCalendar

    calendar = WorkCalendar.objects.get(name="workhours")
    client = Client()
    client.force_login(users["admin"])
    response = client.post(
        f"/admin/core/workcalendar/{calendar.pk}/change/",
        {
            "name": "workhours",
            "title": "工作时间",
            "kind": "working_hours",
            "periods": "08:30-12:00,13:30-17:30",
            "official_holidays": "on",
            "overrides-TOTAL_FORMS": "1",
            "overrides-INITIAL_FORMS": "0",
            "overrides-MIN_NUM_FORMS": "0",
            "overrides-MAX_NUM_FORMS": "1000",
            "overrides-0-day": "2027-02-08",
            "overrides-0-is_working_day": "",
            "overrides-0-note": "2027年春节（中心自定）",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    override = CalendarOverride.objects.get(calendar=calendar)
    entry = AuditEntry.objects.get(action="calendaroverride.create")
    assert entry.object_id == str(override.pk)
    assert entry.actor == users["admin"]


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_counts_today_and_links_each_figure_to_its_list(
    users: dict[str, User], centre: object, department: object
) -> None:
    from kefu.customers.services import customer_create
    from kefu.tickets.services import ticket_create

    customer = customer_create(actor=users["agent"], name="王建国", phones=["13812345678"])
    for kind in ("complaint", "complaint", "fault"):
        ticket_create(actor=users["agent"], customer_id=customer.pk, kind=kind, title="停电")
    page = _signed_in(users["manager"]).get("/dashboard/").content.decode()
    assert 'href="/tickets/?kind=complaint&amp;created_since=' in page
    assert ">2</a>" in page  # two complaints today
    assert 'href="/tickets/?state=open&amp;department=">3</a>' in page
    assert "vendor/echarts/echarts.min.js" in page and 'id="trend-data"' in page


def test_the_dashboard_shows_todays_indicators_with_advice_for_those_off_target(
    users: dict[str, User], centre: object
) -> None:
    from django.utils import timezone

    from kefu.contacts.services import contact_create

    # Contacts none of which was settled on the call: first-contact resolution is 0 %.
    for _n in range(2):
        contact_create(actor=users["agent"], channel="hotline", started_at=timezone.now())
    page = _signed_in(users["leader"]).get("/dashboard/").content.decode()
    panel = page.split('id="today-indicators"')[1].split("</section>\n</section>")[0]
    assert "今日指标" in page and 'href="/reports/?kind=daily&amp;date=' in panel
    for code in ("service_level", "asa_seconds", "abandon_rate", "answered_rate", "aht_seconds"):
        assert f'class="kpi status-not_available" id="kpi-{code}"' in panel  # no calls yet
    assert 'class="kpi status-off" id="kpi-fcr"' in panel and "0.0%" in panel
    assert 'id="advice-fcr"' in panel and "建议管理措施" in panel
    assert 'id="advice-service_level"' not in panel
    assert (
        'id="today-indicators"'
        not in _signed_in(users["agent"]).get("/dashboard/").content.decode()
    )


@pytest.mark.parametrize(
    ("path", "queries"),
    # The dashboard's panel of today's indicators costs 17 more: the centre's rules and
    # targets, the day's queue and agent roll-ups, its cost, and the 12 reads of the day's
    # contacts, work orders and their events that the service indicators come from; and 3
    # more the rota's figures (shifts, the agents' stretches, the staff).
    # The wallboard adds its live board: queues, calls in progress, agents and their open
    # activities, the day's and the last half hour's call figures, thresholds; and 1 more
    # the agents' stretches still open, which the day's figures count up to now.
    # Both show the honours board (supervision): 1 more. The dashboard's hot topics
    # (insights) 3 more: today's and yesterday's counts to the same hour, and the names of
    # the topics found.
    [
        ("/dashboard/", 17 + 17 + 3 + 1 + 3),
        ("/wallboard/", 18 + 1 + 1),
        ("/contacts/", 17),
        ("/customers/", 17),
    ],
)
def test_dashboards_and_lists_cost_a_fixed_number_of_queries(
    users: dict[str, User], path: str, queries: int, django_assert_max_num_queries: Any
) -> None:
    from kefu.customers.services import customer_create

    for n in range(6):
        customer_create(actor=users["agent"], name=f"客户{n}", phones=[f"1381234567{n}"])
    client = _signed_in(users["manager"])
    with django_assert_max_num_queries(queries):
        assert client.get(path).status_code == 200


def test_the_customer_list_and_its_export_show_personal_data_masked(
    users: dict[str, User], tags: object
) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    from kefu.customers.services import customer_create

    customer_create(actor=users["agent"], name="李秀英", phones=["13912345678"], tags=["sensitive"])
    client = _signed_in(users["backoffice"])
    page = client.get("/customers/", {"q": "李秀英"}).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    export = client.get("/customers/export.xlsx", {"tag": "sensitive"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("李秀英", "139****5678")


def test_the_customer_list_sorts_by_name_or_newest(users: dict[str, User]) -> None:
    from kefu.customers.services import customer_create

    names = ("Carol Wu", "Alice Li", "Bob Zhou")  # sorted alike under every collation
    for index, name in enumerate(names):
        customer_create(actor=users["agent"], name=name, phones=[f"1380000000{index}"])
    client = _signed_in(users["backoffice"])

    def order(**query: str) -> list[str]:
        page = client.get("/customers/", query).content.decode()
        return sorted(names, key=page.index)

    assert order() == ["Bob Zhou", "Alice Li", "Carol Wu"]  # newest first
    assert order(sort="name") == ["Alice Li", "Bob Zhou", "Carol Wu"]
