"""Notices to customers (issue 19 point 6; seeds 002 第19篇 planned-outage notices, 000
第1篇 notices and 温馨提示): written, published to the affected regions' customers by text
message through the outbox, shown at screen pop to a caller from there, corrected,
withdrawn; by the roles that may, over the API and the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient
from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import AuditEntry, OrgUnit, Region, User
from kefu.customers.models import Customer, CustomerPhone
from kefu.satisfaction.models import Message, MessageState, Notice
from kefu.satisfaction.queries.notices import notices_for_caller, regions_around
from kefu.satisfaction.services import notices as services
from kefu.satisfaction.services.notices import notice_save, notice_send, notice_withdraw
from kefu.satisfaction.services.outbound import opt_out_record


@pytest.fixture
def places(region: Region) -> dict[str, Region]:
    """江苏省 › 南京市 › 鼓楼区 (the conftest's), a street in it, and 玄武区 beside it."""
    street = Region.objects.create(code="320106001", name="宁海路街道", parent=region)
    city = Region.objects.get(code="320100")
    other = Region.objects.create(code="320102", name="玄武区", parent=city)
    return {"district": region, "street": street, "city": city, "other": other}


@pytest.fixture
def notice_publish(django_capture_on_commit_callbacks: Any) -> Callable[..., Notice]:
    """Publish as a request would: the worker's part runs once the transaction commits."""

    def publish(*, actor: User, notice: Notice) -> Notice:
        with django_capture_on_commit_callbacks(execute=True):
            return services.notice_publish(actor=actor, notice=notice)

    return publish


def _customer(centre: OrgUnit, name: str, region: Region | None, *numbers: str) -> Customer:
    customer = Customer.objects.create(centre=centre, name=name, region=region)
    for position, number in enumerate(numbers):
        kind = "mobile" if number.startswith("1") else "fixed"
        CustomerPhone.objects.create(customer=customer, number=number, kind=kind, position=position)
    return customer


def _draft(actor: User, **values: Any) -> Notice:
    now = timezone.now()
    fields: dict[str, Any] = {
        "kind": "planned_outage",
        "title": "鼓楼区计划停电",
        "text": "因线路检修，鼓楼区宁海路一带明日8:00-17:00停电。",
        "sms_text": "【国网客服】尊敬的客户，因线路检修，您所在区域明日8:00-17:00停电。",
        "starts_at": now + dt.timedelta(hours=10),
        "ends_at": now + dt.timedelta(hours=19),
        "region_codes": ["320106"],
    }
    fields.update(values)
    return notice_save(actor=actor, **fields)


def test_publishing_writes_one_message_to_each_customer_of_the_region_and_within(
    users: dict[str, User],
    centre: OrgUnit,
    places: dict[str, Region],
    notice_publish: Callable[..., Notice],
) -> None:
    inside = _customer(centre, "王芳", places["district"], "13800000001", "13800000009")
    street = _customer(centre, "李强", places["street"], "02583000000", "13800000002")
    _customer(centre, "赵敏", places["other"], "13800000003")  # next district: not written to
    _customer(centre, "钱进", None, "13800000004")  # no region: not written to
    unsubscribed = _customer(centre, "孙丽", places["district"], "13800000005")
    opt_out_record(centre=centre, channel="sms", address="13800000005", source="agent")
    notice = _draft(users["backoffice"])
    assert not Message.objects.exists()  # a draft sends nothing
    notice_publish(actor=users["backoffice"], notice=notice)
    messages = {m.customer_id: m for m in Message.objects.all()}
    assert set(messages) == {inside.pk, street.pk, unsubscribed.pk}
    # The first mobile: a fixed line cannot take a text message.
    assert messages[inside.pk].address == "13800000001"
    assert messages[street.pk].address == "13800000002"
    assert messages[unsubscribed.pk].state == MessageState.REFUSED
    assert {m.purpose for m in messages.values()} == {"notice"}
    notice.refresh_from_db()
    assert notice.state == "published" and notice.recipients == 3
    # Running the worker's part again writes nothing twice.
    assert notice_send(notice.pk) == 0 and Message.objects.count() == 3


def test_a_notice_without_a_text_message_writes_none(
    users: dict[str, User],
    centre: OrgUnit,
    places: dict[str, Region],
    notice_publish: Callable[..., Notice],
) -> None:
    _customer(centre, "王芳", places["district"], "13800000001")
    notice_publish(actor=users["editor"], notice=_draft(users["editor"], sms_text=""))
    assert not Message.objects.exists()


def test_withdrawing_cancels_what_waits_and_hides_the_notice(
    users: dict[str, User],
    centre: OrgUnit,
    places: dict[str, Region],
    notice_publish: Callable[..., Notice],
) -> None:
    _customer(centre, "王芳", places["district"], "13800000001")
    notice = notice_publish(actor=users["backoffice"], notice=_draft(users["backoffice"]))
    notice_withdraw(actor=users["backoffice"], notice=notice)
    assert list(Message.objects.values_list("state", flat=True)) == ["cancelled"]
    seen = notices_for_caller(centre.pk, places["district"].pk)
    assert seen.theirs == [] and seen.others == []
    with pytest.raises(Conflict):
        _draft(users["backoffice"], notice=notice)
    assert AuditEntry.objects.filter(action="satisfaction.notice_withdraw").count() == 1


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"kind": "party"}, "notice_kind_unknown"),
        ({"region_codes": ["999999"]}, "region_unknown"),
        ({"title": "  "}, "notice_empty"),
    ],
)
def test_a_notice_that_cannot_be_is_refused_and_nothing_is_written(
    users: dict[str, User], places: dict[str, Region], values: dict[str, Any], code: str
) -> None:
    with pytest.raises(Invalid) as refused:
        _draft(users["backoffice"], **values)
    assert refused.value.code == code and not Notice.objects.exists()


def test_times_that_cannot_be_are_refused(
    users: dict[str, User],
    places: dict[str, Region],
    notice_publish: Callable[..., Notice],
) -> None:
    now = timezone.now()
    with pytest.raises(Invalid):
        _draft(users["backoffice"], starts_at=now, ends_at=now - dt.timedelta(hours=1))
    with pytest.raises(Invalid):
        _draft(users["backoffice"], starts_at=now, ends_at=now + dt.timedelta(days=100))
    ended = _draft(
        users["backoffice"],
        starts_at=now - dt.timedelta(days=2),
        ends_at=now - dt.timedelta(days=1),
    )
    with pytest.raises(Invalid):
        notice_publish(actor=users["backoffice"], notice=ended)
    notice = _draft(users["backoffice"])
    notice_publish(actor=users["backoffice"], notice=notice)
    with pytest.raises(Conflict):
        notice_publish(actor=users["backoffice"], notice=notice)


@pytest.mark.parametrize("role", ["agent", "handler", "qa", "leader", "expert"])
def test_only_those_who_publish_notices_write_them(
    users: dict[str, User], places: dict[str, Region], role: str
) -> None:
    with pytest.raises(Forbidden):
        _draft(users[role])


def test_the_regions_around_a_caller_are_above_and_within_theirs(
    places: dict[str, Region],
) -> None:
    around = regions_around(places["district"].pk)
    assert around == {
        places["district"].pk,
        places["street"].pk,
        places["city"].pk,
        places["city"].parent_id,
    }


def test_a_caller_from_the_region_sees_the_notice_first_others_see_it_folded(
    users: dict[str, User],
    centre: OrgUnit,
    places: dict[str, Region],
    notice_publish: Callable[..., Notice],
) -> None:
    notice = notice_publish(actor=users["backoffice"], notice=_draft(users["backoffice"]))
    city_wide = notice_publish(
        actor=users["backoffice"],
        notice=_draft(
            users["backoffice"], title="南京市降温提示", kind="tip", region_codes=["320100"]
        ),
    )
    street = notices_for_caller(centre.pk, places["street"].pk)
    assert street.theirs == [notice, city_wide] and street.others == []
    other = notices_for_caller(centre.pk, places["other"].pk)
    assert other.theirs == [city_wide] and other.others == [notice]
    unknown = notices_for_caller(centre.pk, None)
    assert unknown.theirs == [] and set(unknown.others) == {notice, city_wide}
    # Six hours after its end the notice leaves the screen; drafts never show.
    _draft(users["backoffice"], title="草稿")
    later = timezone.now() + dt.timedelta(hours=19 + 7)
    assert notices_for_caller(centre.pk, places["street"].pk, later).theirs == []


def test_the_workbench_shows_the_notice_for_the_caller_before_the_agent_asks(
    users: dict[str, User],
    centre: OrgUnit,
    places: dict[str, Region],
    notice_publish: Callable[..., Notice],
) -> None:
    customer = _customer(centre, "王芳", places["street"], "13800000001")
    notice_publish(actor=users["backoffice"], notice=_draft(users["backoffice"]))
    page = Client()
    page.login(username="agent", password=PASSWORD)
    html = page.get(f"/workbench/?caller=13800000001&customer={customer.pk}").content.decode()
    assert "鼓楼区计划停电" in html and "计划停电 · 鼓楼区计划停电" in html
    assert "notice-theirs" in html


# --------------------------------------------------------------------------- the API


def _body(**values: Any) -> dict[str, Any]:
    now = timezone.now()
    body = {
        "kind": "planned_outage",
        "title": "鼓楼区计划停电",
        "text": "明日8:00-17:00停电。",
        "sms_text": "",
        "starts_at": (now + dt.timedelta(hours=10)).isoformat(),
        "ends_at": (now + dt.timedelta(hours=19)).isoformat(),
        "regions": ["320106"],
    }
    body.update(values)
    return body


def test_the_api_writes_publishes_and_withdraws_and_each_role_sees_its_share(
    api_as: Callable[[str], ApiClient], places: dict[str, Region], other_centre: OrgUnit
) -> None:
    office, agent = api_as("backoffice"), api_as("agent")
    created = office.post("/api/v1/satisfaction/notices", _body())
    assert created.status_code == 201, created.content
    notice = created.json()
    assert notice["state"] == "draft" and notice["regions"] == ["320106"]
    # An agent does not see drafts, may not write, and gets 404 for the draft.
    assert agent.get("/api/v1/satisfaction/notices").json()["count"] == 0
    assert agent.get(f"/api/v1/satisfaction/notices/{notice['id']}").status_code == 404
    assert agent.post("/api/v1/satisfaction/notices", _body()).status_code == 403
    published = office.post(f"/api/v1/satisfaction/notices/{notice['id']}/publish")
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert office.post(f"/api/v1/satisfaction/notices/{notice['id']}/publish").status_code == 409
    assert agent.get("/api/v1/satisfaction/notices").json()["items"][0]["title"] == "鼓楼区计划停电"
    changed = office.put(
        f"/api/v1/satisfaction/notices/{notice['id']}", _body(title="鼓楼区计划停电（延长）")
    )
    assert changed.status_code == 200 and changed.json()["state"] == "published"
    gone = office.post(f"/api/v1/satisfaction/notices/{notice['id']}/withdraw")
    assert gone.json()["state"] == "withdrawn"
    assert office.put(f"/api/v1/satisfaction/notices/{notice['id']}", _body()).status_code == 409
    # Another centre's staff do not see it.
    Notice.objects.update(centre=other_centre)
    assert office.get(f"/api/v1/satisfaction/notices/{notice['id']}").status_code == 404


@pytest.mark.parametrize(
    "values",
    [
        {"kind": "party"},
        {"regions": []},
        {"regions": ["999999"]},
        {"colour": "red"},
        {"title": "x" * 101},
        {"starts_at": "tomorrow"},
        {"ends_at": "0001-01-01T00:00:00+08:00"},
    ],
)
def test_the_api_refuses_what_cannot_be_with_422_and_writes_nothing(
    api_as: Callable[[str], ApiClient], places: dict[str, Region], values: dict[str, Any]
) -> None:
    answer = api_as("backoffice").post("/api/v1/satisfaction/notices", _body(**values))
    assert answer.status_code == 422, answer.content
    assert not Notice.objects.exists()


# --------------------------------------------------------------------------- the pages


def test_the_back_office_writes_a_notice_on_its_page_and_a_refused_one_keeps_its_text(
    users: dict[str, User], places: dict[str, Region]
) -> None:
    page = Client()
    page.login(username="backoffice", password=PASSWORD)
    form = {
        "kind": "planned_outage",
        "title": "鼓楼区计划停电",
        "starts_at": "2027-01-05T08:00",
        "ends_at": "2027-01-05T17:00",
        "regions": "南京市 › 鼓楼区，玄武区",
        "text": "因线路检修停电。",
        "sms_text": "",
    }
    refused = page.post("/satisfaction/notices/new/", {**form, "regions": "鼓楼区，火星区"})
    html = refused.content.decode()
    assert refused.status_code == 400 and "火星区" in html and "因线路检修停电。" in html
    assert not Notice.objects.exists()
    saved = page.post("/satisfaction/notices/new/", form)
    assert saved.status_code == 302
    notice = Notice.objects.get()
    assert sorted(r.name for r in notice.regions.all()) == ["玄武区", "鼓楼区"]
    detail = page.get(saved["Location"]).content.decode()
    assert "发布" in detail and ">计划停电<" in detail and "Planned outage" not in detail
    page.post(f"/satisfaction/notices/{notice.pk}/publish/")
    notice.refresh_from_db()
    assert notice.state == "published"
    listing = page.get("/satisfaction/notices/").content.decode()
    assert "鼓楼区计划停电" in listing and "即将开始" in listing


def test_an_agent_reads_the_notices_but_cannot_write_one(
    users: dict[str, User], places: dict[str, Region]
) -> None:
    page = Client()
    page.login(username="agent", password=PASSWORD)
    assert page.get("/satisfaction/notices/").status_code == 200
    assert page.get("/satisfaction/notices/new/").status_code == 403
    assert page.get("/satisfaction/").status_code == 302


def test_the_demo_week_of_notices_is_dated_from_now(
    users: dict[str, User], centre: OrgUnit
) -> None:
    from kefu.core.demo_content import REGIONS
    from kefu.satisfaction.demo import load_notices

    made: dict[str, Region] = {}
    for code, name, parent in REGIONS:
        made[code] = Region.objects.create(code=code, name=name, parent=made.get(parent or ""))
    _customer(centre, "王芳", made["320106"], "13800000001")
    assert load_notices(centre, users["backoffice"]) == 6
    assert load_notices(centre, users["backoffice"]) == 0  # once
    now = timezone.now()
    notices = {n.title: n for n in Notice.objects.all()}
    fault = notices["江宁区东山街道10千伏线路故障停电"]
    assert fault.starts_at <= now < fault.ends_at and fault.state == "published"
    tomorrow = notices["鼓楼区宁海路一带计划停电"]
    assert tomorrow.starts_at > now and tomorrow.recipients == 1
    assert Message.objects.get().customer.name == "王芳"  # type: ignore[union-attr]
    assert sum(n.state == "draft" for n in notices.values()) == 1
    assert sum(n.ends_at < now for n in notices.values()) == 1
    jiangning = notices_for_caller(centre.pk, made["320115"].pk)
    assert fault in jiangning.theirs
