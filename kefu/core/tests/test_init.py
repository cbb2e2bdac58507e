"""`kefu init`'s service: what an empty real centre has on its first day, and nothing more;
a second run changes nothing; another centre is refused; bad input writes nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from kefu.centre import centre_code, centre_init, time_zone_record
from kefu.contacts.models import CallReason, Contact
from kefu.core.errors import Conflict, Invalid, NotFound
from kefu.core.models import AuditEntry, OrgUnit, Region, User, WorkCalendar
from kefu.core.queries import centre_by_code
from kefu.customers.models import Customer, Tag
from kefu.knowledge.models import Article
from kefu.quality.models import Phrase, PhraseBook
from kefu.quality.phrase_defaults import default_phrases
from kefu.tickets.models import DispatchRule, StandardPhrase, Ticket, TimeLimitPolicy
from kefu.tickets.services import ticket_create

pytestmark = pytest.mark.django_db

NAME = "国网南京供电客服中心"
PASSWORD = "first-day-2026"


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            OrgUnit,
            User,
            WorkCalendar,
            TimeLimitPolicy,
            DispatchRule,
            StandardPhrase,
            PhraseBook,
            Phrase,
            Tag,
            CallReason,
            Region,
            Customer,
            Contact,
            Ticket,
            Article,
            AuditEntry,
        )
    }


def init(**extra: Any) -> Any:
    values: dict[str, Any] = {"name": NAME, "admin_username": "zhangwei", "password": PASSWORD}
    return centre_init(**{**values, **extra})


def test_the_first_day_has_what_every_page_needs_and_no_demo_data() -> None:
    result = init()

    assert result.created and result.centre.name == NAME and result.centre.code == "centre"
    assert result.centre.kind == OrgUnit.Kind.CENTRE and result.centre.calendar.name == "workhours"
    admin = User.objects.get()
    assert (admin.username, admin.role, admin.centre) == ("zhangwei", "admin", result.centre)
    assert admin.is_superuser and admin.check_password(PASSWORD)
    calendars = {c.name: c for c in WorkCalendar.objects.all()}
    assert calendars["24x7"].kind == WorkCalendar.Kind.ALWAYS
    assert calendars["workhours"].kind == WorkCalendar.Kind.WORKING_HOURS
    assert calendars["workhours"].official_holidays
    assert set(Tag.objects.values_list("code", "name")) == {
        ("sensitive", "敏感客户"),
        ("dissatisfied", "不满意客户"),
    }
    # Nothing of the demo's, and nothing the centre brings itself (imports).
    assert counts() | {"AuditEntry": 0} == {
        "OrgUnit": 1,
        "User": 1,
        "WorkCalendar": 2,
        "TimeLimitPolicy": 6,
        "DispatchRule": 0,
        "StandardPhrase": 6,
        "PhraseBook": 1,
        "Phrase": len(default_phrases(NAME)),
        "Tag": 2,
        "CallReason": 0,
        "Region": 0,
        "Customer": 0,
        "Contact": 0,
        "Ticket": 0,
        "Article": 0,
        "AuditEntry": 0,
    }
    assert AuditEntry.objects.filter(action="centre.init", object_id=str(result.centre.pk)).get()


def test_the_default_policies_follow_the_source_documents_and_the_centres_calendar() -> None:
    """002 第17篇 20: a complaint not answered on the call is answered within 24 hours;
    000 第8篇: the expert seat takes a transfer within 10 minutes and answers within 10."""
    init(calendar="24x7")
    policies = {p.name: p for p in TimeLimitPolicy.objects.select_related("calendar")}

    complaint = policies["投诉（复杂，24小时答复）"]
    assert complaint.kind == "complaint" and complaint.calendar.name == "24x7"
    assert complaint.limits["answer"] == {"limit": "PT24H", "warning": "PT20H"}
    expert = policies["专席转派（10分钟接单，10分钟答复）"]
    assert expert.expert_seat and expert.limits["take"]["limit"] == "PT10M"
    assert expert.limits["return"]["limit"] == "PT10M"
    assert policies["故障报修（7×24小时）"].kind == "fault"
    assert policies["VIP客户（时限减半）"].tier == "vip"
    assert not policies["表扬与建议（无需回访）"].callback_required
    # A round-the-clock centre counts its general limits round the clock too.
    assert {p.calendar.name for p in policies.values()} == {"24x7"}


def test_a_working_hours_centre_counts_its_general_limits_on_working_hours() -> None:
    init()
    calendars = dict(TimeLimitPolicy.objects.values_list("name", "calendar__name"))
    assert calendars["一般工单"] == calendars["VIP客户（时限减半）"] == "workhours"
    assert calendars["投诉（复杂，24小时答复）"] == calendars["故障报修（7×24小时）"] == "24x7"


def test_the_standard_phrases_greet_with_the_centres_name() -> None:
    """002 第13/17/18篇 规范用语: each situation's wording and what never to say, as the
    centre's version 1 in use; the back office's openings stay the order's."""
    init()
    book = PhraseBook.objects.get()
    assert (book.number, book.state) == (1, "published")
    phrases = list(book.phrases.order_by("position"))
    assert (phrases[0].situation, phrases[0].text) == (
        "greeting",
        f"{NAME}，您好，很高兴为您服务。",
    )
    hello = book.phrases.get(kind="forbidden", text="喂")
    assert hello.checked and "喂养" in hello.exceptions
    closing = book.phrases.filter(situation="closing", kind="recommended")
    assert "感谢您的来电，今后有什么需要帮助，请随时与我们联系，再见！" in {p.text for p in closing}
    assert not book.phrases.filter(text__contains="95598").exists()
    uses = set(StandardPhrase.objects.values_list("use", flat=True))
    assert uses == {"reply", "callback"}


def test_a_second_run_changes_nothing() -> None:
    init()
    before = counts()

    again = init(admin_username="someone-else", calendar="24x7")

    assert not again.created and again.centre.name == NAME
    assert counts() == before


def test_another_centre_is_refused_and_nothing_changes() -> None:
    init()
    before = counts()

    with pytest.raises(Conflict) as refused:
        init(name="另一个客服中心")

    assert refused.value.code == "centre_exists"
    assert f"「{NAME}」" in str(refused.value.message)
    assert counts() == before


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"password": "short"}, "password_invalid"),
        ({"password": "zhangwei2026"}, "password_invalid"),
        ({"time_zone": "Mars/Olympus"}, "time_zone_unknown"),
        ({"time_zone": "UTC"}, "time_zone_unknown"),
        ({"calendar": "weekends"}, "calendar_unknown"),
        ({"admin_username": "张 伟"}, "username_invalid"),
        ({"name": "  "}, "field_required"),
        ({"name": "中" * 101}, "too_long"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(extra: dict[str, Any], code: str) -> None:
    with pytest.raises(Invalid) as refused:
        init(**extra)
    assert refused.value.code == code
    assert counts() == dict.fromkeys(counts(), 0)


def test_the_centre_code_comes_from_the_ascii_in_its_name() -> None:
    assert centre_code("国网95598客服中心") == "95598"
    assert centre_code("Gas Hotline 96777") == "gas-hotline-96777"
    assert centre_code("国网南京供电客服中心") == "centre"


def test_an_order_opened_on_the_first_day_gets_its_time_limits() -> None:
    from kefu.customers.services import customer_create

    admin = init().admin
    customer = customer_create(actor=admin, name="王建国", phones=["13812345678"])
    complaint = ticket_create(
        actor=admin, customer_id=customer.pk, kind="complaint", title="抄表员态度差"
    )
    consultation = ticket_create(
        actor=admin, customer_id=customer.pk, kind="consultation", title="电价咨询"
    )

    assert complaint.policy is not None and complaint.policy.name == "投诉（复杂，24小时答复）"
    assert complaint.answer_due_at is not None and complaint.stage_due_at is not None
    assert consultation.policy is not None and consultation.policy.name == "一般工单"


def test_the_telephone_import_finds_the_centre_after_init() -> None:
    with pytest.raises(NotFound) as missing:
        centre_by_code(None)
    assert "kefu init" in str(missing.value.message)
    assert str(missing.value.message).startswith("还没有中心")

    centre = init().centre

    assert centre_by_code(None) == centre


def test_the_demo_is_loaded_only_into_an_empty_database_and_never_into_a_real_centre() -> None:
    init()
    before = counts()
    out = StringIO()

    call_command("demo", "--if-empty", stdout=out)
    assert f"这个数据库里已经有「{NAME}」，不加载演示数据。" in out.getvalue()
    err = StringIO()
    with pytest.raises(SystemExit) as refused:
        call_command("demo", "--customers", "5", stdout=StringIO(), stderr=err)
    assert refused.value.code == 1
    assert "不是演示中心" in err.getvalue()
    assert counts() == before


def test_the_time_zone_is_recorded_in_the_data_directory(tmp_path: Path) -> None:
    path = time_zone_record("Asia/Urumqi", tmp_path)
    assert path.read_text() == "Asia/Urumqi\n"
    assert path.stat().st_mode & 0o077 == 0


def test_the_admin_signs_in_to_the_first_day(client: Client) -> None:
    init()
    client.post("/login/", {"username": "zhangwei", "password": PASSWORD})
    for path in ("/workbench/", "/tickets/", "/knowledge/", "/reports/", "/dashboard/"):
        assert client.get(path).status_code == 200, path
