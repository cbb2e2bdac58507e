"""The PIPL duties: a customer's copy of their data, erasure on request, retention."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from kefu.conftest import PASSWORD, ApiClient
from kefu.contacts.models import Contact
from kefu.core.models import AuditEntry, OrgUnit, User
from kefu.core.roles import ROLES
from kefu.core.services import audit_record
from kefu.customers.models import Customer
from kefu.customers.privacy import retention_sweep
from kefu.customers.services import customer_create, customer_personal_data_view
from kefu.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"
ADDRESS = "江苏省南京市鼓楼区中山北路128号3栋2单元501室"
MAY_HANDLE = {"manager", "admin"}


def _contact(customer: Customer | None, agent: User, started_at: datetime, **extra: Any) -> Contact:
    return Contact.objects.create(
        centre_id=agent.centre_id or 0,
        channel="hotline",
        caller_number=PHONE,
        customer=customer,
        agent=agent,
        started_at=started_at,
        summary=f"客户住{ADDRESS}，来电反映停电",
        **extra,
    )


def _order(
    customer: Customer, agent: User, number: str, created_at: datetime, closed: bool = True
) -> Ticket:
    ticket = Ticket.objects.create(
        number=number,
        centre_id=agent.centre_id or 0,
        kind="fault",
        customer=customer,
        title=f"{ADDRESS}停电",
        description=f"联系电话{PHONE}",
        state="closed" if closed else "accepted",
        result="已派人修复",
        created_by=agent,
        created_at=created_at,
        closed_at=created_at + timedelta(days=1) if closed else None,
        stage_started_at=None if closed else created_at,
    )
    TicketEvent.objects.create(
        ticket=ticket,
        seq=1,
        at=created_at,
        actor=agent,
        action="return",
        note=f"已联系{PHONE}",
        data={"result": "已派人修复", "department": "repair"},
    )
    return ticket


@pytest.fixture
def customer(users: dict[str, User]) -> Customer:
    customer = customer_create(
        actor=users["agent"],
        name="王建国",
        phones=[PHONE, "025-84561234"],
        id_number=ID_NUMBER,
        account_number="3201001234",
        address=ADDRESS,
        notes=f"身份证{ID_NUMBER}",
    )
    now = timezone.now()
    _contact(customer, users["agent"], now - timedelta(days=2))
    _order(customer, users["agent"], "T-1", now - timedelta(days=2))
    customer_personal_data_view(actor=users["agent"], customer=customer)
    return customer


@pytest.mark.parametrize("role", sorted(ROLES))
def test_export_of_a_customers_personal_data_by_role(
    api_as: Callable[[str], ApiClient], users: dict[str, User], customer: Customer, role: str
) -> None:
    response = api_as(role).get(f"/api/v1/customers/{customer.pk}/personal-data")

    if role not in MAY_HANDLE:
        assert response.status_code in {403, 404}, response.content
        assert not AuditEntry.objects.filter(action="customer.personal_data_export").exists()
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["customer"]["id_number"] == ID_NUMBER
    assert [phone["number"] for phone in body["customer"]["phones"]] == [PHONE, "02584561234"]
    assert body["customer"]["address"] == ADDRESS
    assert body["contacts"][0]["caller_number"] == PHONE
    assert body["work_orders"][0]["number"] == "T-1"
    assert body["work_orders"][0]["events"][0]["from"] == ""
    actions = [(row["actor"], row["action"]) for row in body["access_log"]]
    assert ("agent", "customer.view_personal_data") in actions
    assert actions[-1] == (role, "customer.personal_data_export")
    entry = AuditEntry.objects.get(action="customer.personal_data_export")
    assert entry.actor == users[role] and entry.object_id == str(customer.pk)


def test_export_downloads_from_the_customer_page_as_xlsx_and_json(
    users: dict[str, User], customer: Customer
) -> None:
    manager = Client()
    manager.login(username="manager", password=PASSWORD)
    page = manager.get(f"/customers/{customer.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/customers/{customer.pk}/personal-data.xlsx" in html
    assert ID_NUMBER not in html and "110105********002X" in html

    workbook = manager.get(f"/customers/{customer.pk}/personal-data.xlsx")
    assert workbook.status_code == 200
    book = load_workbook(BytesIO(workbook.content))
    values = [cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row]
    assert ID_NUMBER in values and ADDRESS in values
    assert len(book.worksheets) == 5
    as_json = json.loads(manager.get(f"/customers/{customer.pk}/personal-data.json").content)
    assert as_json["customer"]["id_number"] == ID_NUMBER
    assert AuditEntry.objects.filter(action="customer.personal_data_export").count() == 2

    agent = Client()
    agent.login(username="agent", password=PASSWORD)
    assert "personal-data.xlsx" not in agent.get(f"/customers/{customer.pk}/").content.decode()
    assert agent.get(f"/customers/{customer.pk}/personal-data.xlsx").status_code == 403


def test_anonymising_keeps_the_counts_and_forgets_the_person(
    api_as: Callable[[str], ApiClient], users: dict[str, User], customer: Customer
) -> None:
    agent = api_as("agent")
    assert agent.get("/api/v1/customers", phone=PHONE).json()["count"] == 1
    assert api_as("agent").post(
        f"/api/v1/customers/{customer.pk}/anonymise", {"reason": "客户申请"}
    ).status_code in {403, 404}
    manager = api_as("manager")
    assert (
        manager.post(
            f"/api/v1/customers/{customer.pk}/anonymise", {"reason": "x", "confirm": True}
        ).status_code
        == 422
    )

    contact = Contact.objects.get(customer=customer)
    audit_record(
        actor=users["agent"], action="contact.create", obj=contact, after={"caller_number": PHONE}
    )
    open_order = _order(customer, users["agent"], "T-2", timezone.now(), closed=False)
    refused = manager.post(f"/api/v1/customers/{customer.pk}/anonymise", {"reason": "客户申请"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "customer_has_open_orders"
    open_order.delete()

    response = manager.post(
        f"/api/v1/customers/{customer.pk}/anonymise", {"reason": "客户来函要求删除个人信息"}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "已匿名" and body["phones"] == [] and body["id_number"] == ""
    assert body["anonymised_at"] is not None
    # The rows reports count stay; what named or described the person is gone.
    assert Contact.objects.filter(customer=customer).count() == 1
    assert Ticket.objects.filter(customer=customer).count() == 1
    contact = Contact.objects.get(customer=customer)
    assert (contact.caller_number, contact.summary, contact.channel) == ("", "", "hotline")
    ticket = Ticket.objects.get(customer=customer)
    assert (ticket.title, ticket.description, ticket.result, ticket.state) == (
        "已匿名",
        "",
        "",
        "closed",
    )
    event = TicketEvent.objects.get(ticket=ticket)
    assert event.note == "" and event.data == {"result": "", "department": "repair"}
    # Not found by the old phone, ID number, account number or name any more.
    for query in [{"phone": PHONE}, {"q": PHONE}, {"q": ID_NUMBER}, {"q": "3201001234"}]:
        assert agent.get("/api/v1/customers", **query).json()["count"] == 0, query
    assert agent.get("/api/v1/customers", q="王建国").json()["count"] == 0
    check = agent.post(
        "/api/v1/customers/identity-check",
        {"phone": PHONE, "name": "王建国", "id_number": ID_NUMBER},
    )
    assert check.json()["matched"] is False
    # The audit log keeps who did what, without the values.
    stored = repr(
        list(
            AuditEntry.objects.filter(
                object_type="customers.customer", object_id=str(customer.pk)
            ).values_list("before", "after", "object_repr")
        )
    )
    for value in (PHONE, "王建国", ADDRESS, "3201001234", "110105"):
        assert value not in stored
    contact_entry = AuditEntry.objects.get(action="contact.create")
    assert contact_entry.after == {"caller_number": "***"}
    entry = AuditEntry.objects.get(action="customer.anonymise")
    assert entry.actor == users["manager"]
    assert entry.after == {
        "reason": "客户来函要求删除个人信息",
        "contacts": 1,
        "work_orders": 1,
        "via": "web",
    }
    again = manager.post(f"/api/v1/customers/{customer.pk}/anonymise", {"reason": "再次"})
    assert again.status_code == 409
    too_large = 2**63
    assert manager.get(f"/api/v1/customers/{too_large}/personal-data").status_code == 422
    huge = manager.post(f"/api/v1/customers/{too_large}/anonymise", {"reason": "x"})
    assert huge.status_code == 422


def test_anonymising_from_the_customer_page_asks_for_confirmation(
    users: dict[str, User], customer: Customer
) -> None:
    manager = Client()
    manager.login(username="manager", password=PASSWORD)
    form = manager.get(f"/customers/{customer.pk}/anonymise/")
    assert form.status_code == 200
    url = f"/customers/{customer.pk}/anonymise/confirm"

    unconfirmed = manager.post(url, {"reason": "客户申请"})
    assert unconfirmed.status_code == 400
    assert Customer.objects.get(pk=customer.pk).anonymised_at is None

    done = manager.post(url, {"reason": "客户申请", "confirm": "on"})
    assert done.status_code == 302 and done["Location"] == f"/customers/{customer.pk}/"
    assert Customer.objects.get(pk=customer.pk).anonymised_at is not None

    agent = Client()
    agent.login(username="agent", password=PASSWORD)
    assert agent.get(f"/customers/{customer.pk}/anonymise/").status_code == 403


def test_cli_exports_and_anonymises(customer: Customer, tmp_path: Path) -> None:
    target = tmp_path / "copy.json"
    call_command("privacy", "export", str(customer.pk), "-o", str(target), stdout=StringIO())
    assert json.loads(target.read_text())["customer"]["id_number"] == ID_NUMBER
    assert (target.stat().st_mode & 0o777) == 0o600
    workbook = tmp_path / "copy.xlsx"
    call_command("privacy", "export", str(customer.pk), "-o", str(workbook), stdout=StringIO())
    assert load_workbook(workbook).sheetnames[0]

    call_command("privacy", "anonymise", str(customer.pk), "--reason", "来函", stdout=StringIO())

    assert Customer.objects.get(pk=customer.pk).anonymised_at is not None
    entry = AuditEntry.objects.get(action="customer.anonymise")
    assert entry.actor is None and entry.after is not None and entry.after["via"] == "cli"


def test_retention_anonymises_old_contacts_and_closed_orders_per_centre(
    users: dict[str, User], centre: OrgUnit, settings: Any
) -> None:
    settings.KEFU_RETENTION_DAYS = 365
    agent = users["agent"]
    customer = customer_create(actor=agent, name="李四", phones=[PHONE])
    now = timezone.now()
    old_contact = _contact(customer, agent, now - timedelta(days=400))
    new_contact = _contact(customer, agent, now - timedelta(days=30))
    old_order = _order(customer, agent, "T-OLD", now - timedelta(days=500))
    open_order = _order(customer, agent, "T-OPEN", now - timedelta(days=500), closed=False)
    new_order = _order(customer, agent, "T-NEW", now - timedelta(days=30))

    older_contacts = [_contact(customer, agent, now - timedelta(days=800 + n)) for n in range(2)]

    # Bounded: batches of one, two batches a run; the next run goes on where it stopped.
    result = retention_sweep(now=now, batch=1, max_batches=2)
    assert (result.contacts, result.work_orders) == (2, 1)
    result = retention_sweep(now=now, batch=1, max_batches=2)
    assert (result.contacts, result.work_orders) == (1, 0)
    for contact in older_contacts:
        contact.refresh_from_db()
        assert contact.caller_number == ""
    old_contact.refresh_from_db()
    new_contact.refresh_from_db()
    assert (old_contact.caller_number, old_contact.summary) == ("", "")
    assert new_contact.caller_number == PHONE
    assert Ticket.objects.get(pk=old_order.pk).description == ""
    assert TicketEvent.objects.get(ticket=old_order).note == ""
    assert Ticket.objects.get(pk=open_order.pk).description == f"联系电话{PHONE}"
    assert Ticket.objects.get(pk=new_order.pk).description == f"联系电话{PHONE}"
    entries = AuditEntry.objects.filter(action="retention.anonymise")
    assert {entry.object_id for entry in entries} == {str(centre.pk)}
    assert sum((entry.after or {}).get("contacts", 0) for entry in entries) == 3
    assert sum((entry.after or {}).get("work_orders", 0) for entry in entries) == 1
    # Counts stay; another run finds nothing left to do.
    assert Contact.objects.filter(customer=customer).count() == 4
    assert retention_sweep(now=now) == type(result)(contacts=0, work_orders=0)

    # A centre's own period wins over the setting; 0 keeps everything.
    centre.retention_days = 20
    centre.save()
    assert retention_sweep(now=now).contacts == 1
    centre.retention_days = 0
    centre.save()
    _contact(customer, agent, now - timedelta(days=4000))
    assert retention_sweep(now=now).contacts == 0


def test_retention_sweep_is_scheduled_by_migrate() -> None:
    from django_q.models import Schedule

    from kefu.customers.tasks import retention

    schedule = Schedule.objects.get(func="kefu.customers.tasks.retention")
    assert schedule.schedule_type == Schedule.HOURLY
    assert retention() == {"contacts": 0, "work_orders": 0}
