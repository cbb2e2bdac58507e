"""Customers' due dates from a spreadsheet (issue 19 point 4: a meter calibration, a
contract's or a prepaid balance's expiry, a planned visit), the `customer-dates` import
kind: its template, every bad cell reported by row and column with nothing written, a
re-import that finds each date again rather than adding it twice, the export of the same
shape and its round trip, who may import, the CLI and the import page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook, load_workbook

from kefu.conftest import PASSWORD
from kefu.core.errors import Forbidden
from kefu.core.imports import Report, export_write, import_file, template_write
from kefu.core.models import OrgUnit, User
from kefu.customers.services import customer_create
from kefu.satisfaction.imports import due_date
from kefu.satisfaction.models import CustomerDate, Reminder, ReminderChannel, ReminderRule

pytestmark = pytest.mark.django_db

HEADER = ["户号", "日期类型", "到期日期", "事项"]
ROWS = [
    HEADER,
    ["0101000001", "计量校验", "2027-03-01", "电能表周期检定"],
    ["0101000001", "合同到期", "2027/6/30", "供用电合同"],
    ["0101000002", "预付费余额到期", "2027年1月15日", ""],
    ["0101000003", "预约上门", "20270108", "上门核查表计"],
]


@pytest.fixture
def customers(users: dict[str, User]) -> dict[str, int]:
    made = {}
    for account, name in (
        ("0101000001", "王建国"),
        ("0101000002", "李秀英"),
        ("0101000003", "赵敏"),
    ):
        made[account] = customer_create(
            actor=users["manager"], name=name, account_number=account, phones=["13812345678"]
        ).pk
    return made


def write_csv(path: Path, rows: list[list[Any]], *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def run(path: Path, centre: OrgUnit, **kwargs: Any) -> Report:
    return import_file(
        "customer-dates", path, centre=centre, actor=kwargs.pop("actor", None), **kwargs
    )


def problems(report: Report) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message) for p in report.problems]


def dates() -> list[tuple[str | None, str, dt.date, str]]:
    return sorted(
        CustomerDate.objects.values_list("customer__account_number", "kind", "date", "note")
    )


FIRST = [
    ("0101000001", "contract_expiry", dt.date(2027, 6, 30), "供用电合同"),
    ("0101000001", "meter_calibration", dt.date(2027, 3, 1), "电能表周期检定"),
    ("0101000002", "prepaid_expiry", dt.date(2027, 1, 15), ""),
    ("0101000003", "planned_visit", dt.date(2027, 1, 8), "上门核查表计"),
]


def test_the_template_has_the_chinese_headers_and_the_kinds(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    template_write("customer-dates", path)
    sheet, notes = load_workbook(path).worksheets
    assert [cell.value for cell in sheet[1]] == ["户号*", "日期类型*", "到期日期*", "事项"]
    text = "\n".join(str(cell.value) for row in notes.iter_rows() for cell in row if cell.value)
    assert "计量校验、合同到期、预付费余额到期、预约上门之一" in text
    assert "不会重复添加" in text


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_file_of_dates_is_imported(
    centre: OrgUnit, customers: dict[str, int], tmp_path: Path, encoding: str
) -> None:
    report = run(write_csv(tmp_path / "d.csv", ROWS, encoding=encoding), centre)
    assert report.ok and report.written, problems(report)
    assert (report.rows, report.created, report.updated) == (4, 4, 0)
    assert dates() == FIRST
    assert set(CustomerDate.objects.values_list("centre_id", flat=True)) == {centre.pk}


def test_every_bad_cell_is_reported_by_row_and_column_and_nothing_is_written(
    centre: OrgUnit, customers: dict[str, int], tmp_path: Path
) -> None:
    rows = [
        HEADER,
        ["0101000001", "计量校验", "2027-03-01", ""],
        ["0109999999", "计量校验", "2027-03-01", ""],  # unknown account
        ["0101000002", "生日", "2027-03-01", ""],  # unknown kind
        ["0101000003", "合同到期", "2027-02-30", ""],  # no such day
        ["0101000003", "预约上门", "明年春天", ""],  # not a date
        ["", "预约上门", "", "x" * 201],  # every cell wrong
        ["0101000001", "meter calibration", "2027/3/1", "另一事项"],  # same customer, kind, day
        ["0101000001", "计量校验", "2028-03-01", ""],  # same customer, kind and 事项 as row 2
    ]
    report = run(write_xlsx(tmp_path / "d.xlsx", rows), centre)
    assert not report.written
    assert problems(report) == [
        (3, "户号", "本中心没有此户号的客户。"),
        (
            4,
            "日期类型",
            "日期类型不存在：请填写计量校验、合同到期、预付费余额到期、预约上门之一。",
        ),
        (5, "到期日期", "不是日期：请写成 2027-03-01、2027/3/1 或 2027年3月1日。"),
        (6, "到期日期", "不是日期：请写成 2027-03-01、2027/3/1 或 2027年3月1日。"),
        (7, "户号", "必须填写。"),
        (7, "到期日期", "必须填写。"),
        (7, "事项", "过长：最多 200 个字符。"),
        (8, "户号", "客户、类型和日期与第 2 行相同。"),
        (9, "户号", "客户、类型和事项与第 2 行相同。"),
    ]
    assert CustomerDate.objects.count() == 0


def test_a_reimport_finds_each_date_again_rather_than_adding_it(
    centre: OrgUnit, customers: dict[str, int], tmp_path: Path
) -> None:
    assert run(write_csv(tmp_path / "a.csv", ROWS), centre).created == 4
    again = run(write_csv(tmp_path / "b.csv", ROWS), centre)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    changed = [
        HEADER,
        ["0101000001", "计量校验", "2032-03-01", "电能表周期检定"],  # the next calibration
        ["0101000001", "合同到期", "2027/6/30", "供用电合同（续签）"],  # same day, new 事项
        ["0101000002", "预付费余额到期", "2027-01-15", ""],
        ["0101000003", "预约上门", "2027-01-08", "上门核查表计"],
        ["0101000003", "预约上门", "2027-02-08", "复查"],  # a second visit
    ]
    report = run(write_csv(tmp_path / "c.csv", changed), centre)
    assert report.ok and report.written, problems(report)
    assert (report.created, report.updated, report.unchanged) == (1, 2, 2)
    assert [(change.row, change.text) for change in report.changes] == [
        (2, "到期日期：2027-03-01 → 2032-03-01"),
        (3, "事项：供用电合同 → 供用电合同（续签）"),
    ]
    assert dates() == [
        ("0101000001", "contract_expiry", dt.date(2027, 6, 30), "供用电合同（续签）"),
        ("0101000001", "meter_calibration", dt.date(2032, 3, 1), "电能表周期检定"),
        ("0101000002", "prepaid_expiry", dt.date(2027, 1, 15), ""),
        ("0101000003", "planned_visit", dt.date(2027, 1, 8), "上门核查表计"),
        ("0101000003", "planned_visit", dt.date(2027, 2, 8), "复查"),
    ]


def test_a_date_already_reminded_of_is_kept_and_the_new_day_is_a_date_of_its_own(
    centre: OrgUnit, customers: dict[str, int], tmp_path: Path
) -> None:
    """Reminders are written once per rule and date: moving a reminded date would leave
    the new day without them, so the reminded one stays and the new day is recorded."""
    run(write_csv(tmp_path / "a.csv", ROWS), centre)
    calibration = CustomerDate.objects.get(kind="meter_calibration")
    rule = ReminderRule.objects.create(
        centre=centre,
        name="计量校验提前四周",
        event="meter_calibration",
        days=28,
        channel=ReminderChannel.CALL,
        template="{客户}：您的{事项}将于{日期}到期。",
    )
    Reminder.objects.create(
        rule=rule,
        customer_id=calibration.customer_id,
        customer_date=calibration,
        channel=ReminderChannel.CALL,
        due_at=dt.datetime(2027, 2, 1, 9, tzinfo=dt.UTC),
    )
    rows = [HEADER, ["0101000001", "计量校验", "2032-03-01", "电能表周期检定"]]
    report = run(write_csv(tmp_path / "b.csv", rows), centre)
    assert (report.created, report.updated) == (0, 1)
    assert report.changes[0].text == (
        "到期日期：2027-03-01 → 2032-03-01（原日期已发出提醒，予以保留）"
    )
    assert list(
        CustomerDate.objects.filter(kind="meter_calibration")
        .order_by("pk")
        .values_list("date", flat=True)
    ) == [dt.date(2027, 3, 1), dt.date(2032, 3, 1)]
    # Imported again, the latest of them is the one found: nothing changes.
    assert run(write_csv(tmp_path / "c.csv", rows), centre).unchanged == 1


def test_a_dry_run_counts_and_writes_nothing(
    centre: OrgUnit, customers: dict[str, int], tmp_path: Path
) -> None:
    report = run(write_csv(tmp_path / "a.csv", ROWS), centre, dry_run=True)
    assert report.ok and not report.written and report.created == 4
    assert CustomerDate.objects.count() == 0


def test_the_export_has_the_same_shape_and_imports_back_unchanged(
    centre: OrgUnit, customers: dict[str, int], tmp_path: Path
) -> None:
    run(write_csv(tmp_path / "a.csv", ROWS), centre)
    for name in ("out.csv", "out.xlsx"):
        out = tmp_path / name
        assert export_write("customer-dates", out, centre=centre, actor=None) == 4
        if name.endswith(".csv"):
            with out.open(encoding="utf-8-sig") as stream:
                exported = list(csv.reader(stream))
            assert exported[0] == HEADER
            assert ["0101000002", "预付费余额到期", "2027-01-15", ""] in exported
        report = run(out, centre)
        assert (report.ok, report.created, report.updated, report.unchanged) == (True, 0, 0, 4)
    assert dates() == FIRST


def test_only_who_keeps_the_reminder_plans_imports_and_exports_dates(
    centre: OrgUnit, customers: dict[str, int], tmp_path: Path, users: dict[str, User]
) -> None:
    refused = run(write_csv(tmp_path / "a.csv", ROWS), centre, actor=users["agent"])
    assert problems(refused) == [(None, "", "您无权维护客户到期事项。")]
    assert CustomerDate.objects.count() == 0
    with pytest.raises(Forbidden):
        export_write("customer-dates", tmp_path / "o.csv", centre=centre, actor=users["agent"])
    assert run(write_csv(tmp_path / "a.csv", ROWS), centre, actor=users["admin"]).created == 4


def test_the_cli_imports_and_writes_the_template(
    centre: OrgUnit, customers: dict[str, int], tmp_path: Path
) -> None:
    template = tmp_path / "t.xlsx"
    call_command("import", "template", "customer-dates", "-o", str(template), stdout=StringIO())
    assert template.is_file()
    out = StringIO()
    call_command("import", "customer-dates", str(write_csv(tmp_path / "a.csv", ROWS)), stdout=out)
    assert out.getvalue().startswith("共 4 行：新增 4")
    assert len(dates()) == 4


def test_the_import_page_offers_the_kind(users: dict[str, User], customers: dict[str, int]) -> None:
    admin = Client()
    assert admin.login(username="admin", password=PASSWORD)
    page = admin.get("/imports/").content.decode()
    assert 'data-kind="customer-dates"' in page and "客户到期事项" in page
    template = admin.get("/imports/customer-dates/template")
    headers = [c.value for c in load_workbook(io.BytesIO(template.getvalue())).worksheets[0][1]]
    assert headers == ["户号*", "日期类型*", "到期日期*", "事项"]
    assert admin.get("/imports/customer-dates/export").status_code == 200


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2027-03-01", dt.date(2027, 3, 1)),
        ("2027/3/1", dt.date(2027, 3, 1)),
        ("2027.03.01", dt.date(2027, 3, 1)),
        ("2027年3月1日", dt.date(2027, 3, 1)),
        (" 2027 年 3 月 1 日 ", dt.date(2027, 3, 1)),
        ("20270301", dt.date(2027, 3, 1)),
        ("2027-03-01 00:00", dt.date(2027, 3, 1)),
        ("2027-02-29", None),
        ("2028-02-29", dt.date(2028, 2, 29)),
        ("2027-13-01", None),
        ("1899-12-31", None),
        ("3/1/2027", None),
        ("2027-03-01 08:30", None),
        ("", None),
    ],
)
def test_due_dates_as_people_write_them(text: str, day: dt.date | None) -> None:
    assert due_date(text) == day


def test_a_file_of_several_batches_finds_repeats_across_them_and_writes_each_once(
    centre: OrgUnit, customers: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of two rows: the file's repeats are found across batches (the temporary
    table of keys seen), and a good file lands whole, each batch seeing what the ones
    before it wrote."""
    from kefu.satisfaction.imports import CustomerDates

    monkeypatch.setattr(CustomerDates, "batch_size", 2)
    repeated = [*ROWS, ["0101000002", "预付费余额到期", "2027-09-01", ""]]
    report = run(write_csv(tmp_path / "a.csv", repeated), centre)
    assert problems(report) == [(6, "户号", "客户、类型和事项与第 4 行相同。")]
    assert CustomerDate.objects.count() == 0
    good = [*ROWS, ["0101000002", "合同到期", "2027-09-01", ""]]
    report = run(write_csv(tmp_path / "b.csv", good), centre)
    assert (report.rows, report.created) == (5, 5)
    moved = [HEADER, *([row[0], row[1], "2030-01-01", row[3]] for row in good[1:])]
    report = run(write_csv(tmp_path / "c.csv", moved), centre)
    assert (report.created, report.updated) == (0, 5)
    assert set(CustomerDate.objects.values_list("date", flat=True)) == {dt.date(2030, 1, 1)}
