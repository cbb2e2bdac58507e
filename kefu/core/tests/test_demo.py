"""The demo centre loads, is valid, and loading it twice changes nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from django.test import Client

from kefu.contacts.models import CallReason, Contact
from kefu.core.models import AuditEntry, OrgUnit, User, WorkCalendar
from kefu.core.validation import normalize_phone, validate_id_number
from kefu.customers.models import Customer, CustomerPhone
from kefu.demo import DEMO_USERS, PASSWORD, demo_load
from kefu.insights.models import IncidentContact

pytestmark = pytest.mark.django_db


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Customer,
            CustomerPhone,
            Contact,
            CallReason,
            OrgUnit,
            User,
            WorkCalendar,
            AuditEntry,
        )
    }


def test_demo_loads_once_and_a_second_run_changes_nothing() -> None:
    first = demo_load(customers=40, contacts=120, days=60)
    counts = table_counts()
    second = demo_load(customers=40, contacts=120, days=60)

    assert (first.customers_created, first.contacts_created) == (40, 120)
    assert (second.customers_created, second.contacts_created) == (0, 0)
    assert table_counts() == counts


def test_demo_centre_has_its_departments_calendars_and_taxonomies() -> None:
    demo_load(customers=10, contacts=10)
    departments = set(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).values_list("code", flat=True)
    )
    assert {"repair", "marketing", "metering", "billing", "service"} <= departments
    assert set(WorkCalendar.objects.values_list("name", flat=True)) >= {"24x7", "workhours"}
    power = CallReason.objects.filter(centre__code="nj95598")
    names = set(power.values_list("name", flat=True))
    assert {"故障报修", "电费电价", "业扩报装", "计量", "停电信息"} <= names
    telecom = set(
        CallReason.objects.filter(centre__code="demo10010").values_list("name", flat=True)
    )
    assert {"宽带故障", "话费争议", "套餐咨询"} <= telecom


def test_every_demo_user_signs_in_with_the_documented_password() -> None:
    demo_load(customers=5, contacts=5)
    for username, role, _name, _team, department in DEMO_USERS:
        response = Client().post(
            "/api/v1/auth/token",
            data={"username": username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, username
        me = Client().get(
            "/api/v1/me", headers={"Authorization": f"Bearer {response.json()['token']}"}
        )
        assert me.json()["role"] == role
        assert me.json()["department"] == department


def test_demo_data_is_valid_and_realistic() -> None:
    demo_load(customers=200, contacts=600, tickets=40, days=60)
    # One customer asked to be forgotten: their rows stay, nothing names them.
    forgotten = Customer.objects.get(anonymised_at__isnull=False)
    assert (forgotten.id_number, forgotten.address, forgotten.phones.count()) == ("", "", 0)
    assert forgotten.contacts.exists()
    for customer in Customer.objects.filter(anonymised_at__isnull=True):
        assert validate_id_number(customer.id_number) == customer.id_number
        assert customer.address.startswith("江苏省南京市")
    for number in CustomerPhone.objects.values_list("number", flat=True):
        assert normalize_phone(number) == number
    contacts = list(Contact.objects.select_related("service_content", "business_type"))
    assert all(
        c.service_content is not None and c.service_content.parent_id == c.business_type_id
        for c in contacts
    )
    assert all(c.ended_at is not None and c.ended_at > c.started_at for c in contacts)
    channels = Counter(contact.channel for contact in contacts)
    assert channels.most_common(1)[0][0] == "hotline"
    assert len({contact.started_at.date() for contact in contacts}) > 30
    # A well-run centre settles most contacts on the spot; the others opened a work order.
    # The major incident's burst of fault calls has its own orders
    # (kefu/insights/demo/incidents.py).
    burst = set(IncidentContact.objects.values_list("contact_id", flat=True))
    assert sum(not contact.settled for contact in contacts if contact.pk not in burst) == 40


def test_demo_work_orders_tell_coherent_stories() -> None:
    from django.db.models import Count, Max

    from kefu.tickets.models import Ticket, TicketEvent, TimeLimitPolicy

    demo_load(customers=80, contacts=400, tickets=300, days=60)
    tickets = Ticket.objects.all()
    assert 100 < tickets.count() <= 300
    assert TimeLimitPolicy.objects.filter(name__startswith="投诉").count() == 2
    states = set(tickets.values_list("state", flat=True))
    # Most orders are closed; those still open are at the steps a well-run loop has them.
    assert "closed" in states and len(states) >= 3
    assert len(set(tickets.values_list("kind", flat=True))) >= 6
    # Every order's events are numbered 1..n without gaps, and it starts with its creation.
    for row in tickets.annotate(event_count=Count("events"), last=Max("events__seq")):
        assert row.event_count == row.last == row.last_event_seq, row.number
    assert not TicketEvent.objects.filter(seq=1).exclude(action="create").exists()
    closed = tickets.filter(state="closed")
    assert all(ticket.closed_at is not None for ticket in closed)


def test_demo_telephone_history_runs_up_to_now_and_loads_once() -> None:
    import datetime as dt

    from django.utils import timezone

    from kefu.telephony.models import Call, QueueDay

    first = demo_load(customers=40, contacts=40, days=3)
    assert first.calls_created > 100
    calls = Call.objects.count()
    assert demo_load(customers=40, contacts=40, days=3).calls_created == 0
    assert Call.objects.count() == calls
    assert not Call.objects.filter(entered_at__gt=timezone.now()).exists()
    days = set(QueueDay.objects.values_list("day", flat=True))
    today = timezone.localdate()
    assert today - dt.timedelta(days=3) in days
    # Every day from the first to the last call's is there, without a gap.
    last = timezone.localtime(Call.objects.latest("entered_at").entered_at).date()
    assert days == {last - dt.timedelta(days=n) for n in range((last - min(days)).days + 1)}
    # Today so far is there too once its morning has begun: a night hour may have no call
    # at all (the hourly profile's 00-07 share is a few calls in a small demo).
    assert today in days or timezone.localtime().hour < 9


def test_demo_has_a_watch_listed_caller_and_a_customer_with_documents() -> None:
    """Issue 15, 18a and 18b: the demo shows both at work (002 第17篇 28 for the watch list)."""
    from kefu.customers.models import CustomerDocument, WatchEntry
    from kefu.customers.queries import watch_flags

    demo_load(customers=40, contacts=120, days=60)
    documents = CustomerDocument.objects.all()
    assert sorted(documents.values_list("kind", flat=True)) == ["application", "contract"]
    assert all(document.file.storage.exists(document.file.name) for document in documents)
    entry = WatchEntry.objects.get()
    assert entry.expires_at is not None and "请您挂机" in entry.instruction
    agent = User.objects.get(username="agent")
    assert watch_flags(agent, [entry.number]) == [entry]
    page = Client()
    page.login(username="agent", password=PASSWORD)
    phone = CustomerPhone.objects.get(number=entry.number)
    html = page.get(f"/workbench/?caller={entry.number}&customer={phone.customer_id}").content
    assert "近一周五次来电辱骂坐席".encode() in html
