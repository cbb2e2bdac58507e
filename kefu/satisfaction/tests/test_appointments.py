"""Appointments (预约 and 跟踪, issue 19 point 5; seed 002 第11篇: the centre runs
appointments and their tracking, and sums them up): booked for a customer on a contact,
reminded by text message the day before through the outbox, moved (the reminder moves),
closed as kept, missed or cancelled; by the roles that may, over the API and the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient
from kefu.contacts.models import Contact
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import AuditEntry, OrgUnit, User
from kefu.customers.models import Customer, CustomerPhone
from kefu.satisfaction.models import Appointment, Message
from kefu.satisfaction.queries.appointments import appointment_summary
from kefu.satisfaction.services.appointments import (
    appointment_book,
    appointment_close,
    appointment_move,
)


@pytest.fixture
def customer(centre: OrgUnit) -> Customer:
    customer = Customer.objects.create(centre=centre, name="王芳", address="鼓楼区宁海路1号")
    CustomerPhone.objects.create(customer=customer, number="02583000000", kind="fixed")
    CustomerPhone.objects.create(customer=customer, number="13800000001", kind="mobile", position=1)
    return customer


def _in(days: float, hour: int = 10) -> dt.datetime:
    local = timezone.localtime() + dt.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def _book(actor: User, customer: Customer, **values: Any) -> Appointment:
    fields: dict[str, Any] = {
        "subject": "上门更换电能表",
        "place": "客户住址",
        "at": _in(3),
    }
    fields.update(values)
    return appointment_book(actor=actor, customer_id=customer.pk, **fields)


def test_booking_writes_the_reminder_the_day_before_to_the_first_mobile(
    users: dict[str, User], customer: Customer, department: OrgUnit
) -> None:
    appointment = _book(users["agent"], customer, department_id=department.pk)
    reminder = Message.objects.get()
    assert reminder.address == "13800000001" and reminder.purpose == "reminder"
    assert reminder.due_at == appointment.at - dt.timedelta(days=1)
    assert "上门更换电能表" in reminder.text and "客户住址" in reminder.text
    assert appointment.department == department and appointment.state == "booked"
    assert AuditEntry.objects.filter(action="satisfaction.appointment_book").count() == 1


def test_an_appointment_within_a_day_is_not_reminded(
    users: dict[str, User], customer: Customer
) -> None:
    _book(users["agent"], customer, at=timezone.now() + dt.timedelta(hours=5))
    assert not Message.objects.exists()


def test_moving_cancels_the_old_reminder_and_writes_a_new_one(
    users: dict[str, User], customer: Customer
) -> None:
    appointment = _book(users["agent"], customer)
    appointment_move(actor=users["backoffice"], appointment=appointment, at=_in(5))
    states = dict(Message.objects.values_list("due_at", "state"))
    assert states == {_in(2): "cancelled", _in(4): "queued"}


def test_the_outcome_is_known_once_its_time_has_come(
    users: dict[str, User], customer: Customer
) -> None:
    appointment = _book(users["agent"], customer)
    with pytest.raises(Conflict):
        appointment_close(actor=users["agent"], appointment=appointment, state="kept")
    Appointment.objects.filter(pk=appointment.pk).update(at=timezone.now() - dt.timedelta(hours=1))
    closed = appointment_close(
        actor=users["agent"], appointment=appointment, state="missed", note="客户不在家"
    )
    assert closed.state == "missed" and closed.note == "客户不在家"
    assert list(Message.objects.values_list("state", flat=True)) == ["cancelled"]
    with pytest.raises(Conflict):
        appointment_close(actor=users["agent"], appointment=appointment, state="kept")
    with pytest.raises(Conflict):
        appointment_move(actor=users["agent"], appointment=appointment, at=_in(2))


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, "appointment_past"),
        ({"at": dt.datetime(2200, 1, 1, tzinfo=dt.UTC)}, "time_out_of_range"),
        ({"subject": " "}, "appointment_empty"),
        ({"department_id": 99999}, "department_unknown"),
    ],
)
def test_an_appointment_that_cannot_be_is_refused_and_nothing_written(
    users: dict[str, User], customer: Customer, values: dict[str, Any], code: str
) -> None:
    with pytest.raises(Invalid) as refused:
        _book(users["agent"], customer, **values)
    assert refused.value.code == code
    assert not Appointment.objects.exists() and not Message.objects.exists()


def test_booking_more_than_180_days_ahead_is_refused(
    users: dict[str, User], customer: Customer
) -> None:
    with pytest.raises(Invalid):
        _book(users["agent"], customer, at=_in(200))


def test_each_role_books_only_for_customers_it_sees(
    users: dict[str, User], customer: Customer, other_centre: OrgUnit, make_user: Any
) -> None:
    for role in ("handler", "qa", "editor"):
        with pytest.raises(Forbidden):
            _book(users[role], customer)
    stranger = make_user("agent", "stranger", centre=other_centre)
    with pytest.raises(NotFound):
        _book(stranger, customer)
    someone = Customer.objects.create(centre=customer.centre, name="李强")
    contact = Contact.objects.create(
        centre=customer.centre,
        customer=someone,
        agent=users["agent"],
        channel="hotline",
        started_at=timezone.now(),
    )
    with pytest.raises(Invalid):
        _book(users["agent"], customer, contact_id=contact.pk)


def test_the_summary_counts_kept_and_missed_by_subject(
    users: dict[str, User], customer: Customer
) -> None:
    made = [_book(users["agent"], customer, subject=s) for s in ("装表", "装表", "装表", "过户")]
    Appointment.objects.update(at=timezone.now() - dt.timedelta(days=1))
    for appointment, state in zip(made, ["kept", "kept", "missed", "cancelled"], strict=True):
        appointment_close(actor=users["agent"], appointment=appointment, state=state)
    summary = appointment_summary(
        users["leader"], timezone.now() - dt.timedelta(days=30), timezone.now()
    )
    assert summary.by_subject == [("装表", 3, 2, 1), ("过户", 1, 0, 0)]
    assert summary.kept_rate == pytest.approx(200 / 3)  # 2 kept of 3 settled


def test_the_api_books_moves_and_closes(
    api_as: Callable[[str], ApiClient], customer: Customer
) -> None:
    agent = api_as("agent")
    body = {
        "customer_id": customer.pk,
        "subject": "营业厅办理过户",
        "place": "鼓楼营业厅",
        "at": _in(2).isoformat(),
    }
    booked = agent.post("/api/v1/satisfaction/appointments", body)
    assert booked.status_code == 201, booked.content
    number = booked.json()["id"]
    assert booked.json()["reminded"] is True
    moved = agent.post(
        f"/api/v1/satisfaction/appointments/{number}/move", {"at": _in(3).isoformat()}
    )
    assert moved.status_code == 200
    early = agent.post(f"/api/v1/satisfaction/appointments/{number}/close", {"state": "kept"})
    assert early.status_code == 409
    cancelled = agent.post(
        f"/api/v1/satisfaction/appointments/{number}/close", {"state": "cancelled"}
    )
    assert cancelled.json()["state"] == "cancelled"
    listed = agent.get("/api/v1/satisfaction/appointments", customer_id=customer.pk)
    assert listed.json()["count"] == 1
    assert api_as("handler").get("/api/v1/satisfaction/appointments").json()["count"] == 0
    assert api_as("handler").post("/api/v1/satisfaction/appointments", body).status_code == 403
    refused = agent.post("/api/v1/satisfaction/appointments", {**body, "when": "now"})
    assert refused.status_code == 422
    bad = agent.post(f"/api/v1/satisfaction/appointments/{number}/close", {"state": "booked"})
    assert bad.status_code == 422


def test_the_agent_books_on_the_page_and_a_refused_form_keeps_its_text(
    users: dict[str, User], customer: Customer
) -> None:
    page = Client()
    page.login(username="agent", password=PASSWORD)
    form = {
        "customer": customer.pk,
        "subject": "上门检查表箱",
        "at": "2020-01-05T10:00",
        "place": "客户住址",
    }
    refused = page.post("/satisfaction/appointments/new/", form)
    html = refused.content.decode()
    assert refused.status_code == 400 and "上门检查表箱" in html and "预约" in html
    assert not Appointment.objects.exists()
    at = _in(3).strftime("%Y-%m-%dT%H:%M")
    saved = page.post("/satisfaction/appointments/new/", {**form, "at": at})
    assert saved.status_code == 302
    appointment = Appointment.objects.get()
    detail = page.get(saved["Location"]).content.decode()
    assert "上门检查表箱" in detail and "已预约" in detail
    listing = page.get("/satisfaction/appointments/").content.decode()
    assert "上门检查表箱" in listing
    Appointment.objects.update(at=timezone.now() - dt.timedelta(hours=2))
    page.post(f"/satisfaction/appointments/{appointment.pk}/", {"close": "1", "state": "kept"})
    appointment.refresh_from_db()
    assert appointment.state == "kept" and appointment.closed_by == users["agent"]
    workbench = page.get(f"/workbench/?customer={customer.pk}").content.decode()
    assert f"/satisfaction/appointments/new/?customer={customer.pk}" in workbench


def test_the_demo_month_of_appointments(users: dict[str, User], centre: OrgUnit) -> None:
    from kefu.satisfaction.demo import load_appointments

    for n in range(5):
        Customer.objects.create(centre=centre, name=f"客户{n}")
    made = load_appointments(centre, [users["agent"], users["backoffice"]])
    assert made == Appointment.objects.count() > 30
    assert load_appointments(centre, [users["agent"]]) == 0  # once
    now = timezone.now()
    coming = Appointment.objects.filter(at__gt=now)
    assert coming.exists() and set(coming.values_list("state", flat=True)) == {"booked"}
    assert not Appointment.objects.filter(at__lt=now - dt.timedelta(days=1), state="booked")
    assert set(Appointment.objects.values_list("state", flat=True)) >= {"kept", "booked"}
    assert all(a.booked_at < a.at for a in Appointment.objects.all())
    summary = appointment_summary(users["leader"], now - dt.timedelta(days=30), now)
    assert summary.kept_rate is not None and summary.kept_rate > 70
