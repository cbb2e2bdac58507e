"""The customer archive from the billing system's export (issue 16, points 2 to 5): the
`customers` import kind, its re-import by account number, its export and round trip, who
sees ID numbers in clear, anonymised customers left out, and every bad input."""

from __future__ import annotations

import csv
import tracemalloc
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook, load_workbook

from kefu.core.imports import Report, export_write, import_file, template_write
from kefu.core.models import AuditEntry, OrgUnit, Region, User
from kefu.customers.models import Customer, Tag
from kefu.customers.privacy import customer_anonymise
from kefu.customers.services import customer_create

pytestmark = pytest.mark.django_db

HEADER = ["户号", "户名", "联系电话", "身份证号", "用电地址", "区域", "客户级别", "标签"]
WANG = [
    "0101000001",
    "王建国",
    "13812345678、025-83456789",
    "11010519491231002X",
    "江苏省南京市鼓楼区中山北路100号",
    "320106",
    "VIP 客户",
    "敏感",
]
LI = ["0101000002", "李秀英", "139 0000 1111", "", "江苏省南京市鼓楼区湖南路8号", "鼓楼区", "", ""]
ZHAO = [
    "0101000003",
    "赵敏",
    "13700002222",
    "110105195001010012",
    "",
    "",
    "一般客户",
    "敏感；不满意",
]
ROWS = [HEADER, WANG, LI, ZHAO]


@pytest.fixture
def archive(region: Region, tags: dict[str, Tag]) -> None:
    """The regions and tags the rows name."""


def write_csv(path: Path, rows: list[list[Any]], *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        csv.writer(stream).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]], *, merge: str = "") -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def run(path: Path, centre: OrgUnit, *, actor: User | None = None, **kwargs: Any) -> Report:
    return import_file("customers", path, centre=centre, actor=actor, **kwargs)


def problems(report: Report) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message) for p in report.problems]


def by_account(account: str) -> Customer:
    return Customer.objects.prefetch_related("phones", "tags").get(account_number=account)


def test_a_billing_export_lands_and_a_reimport_updates_by_account_saying_what_changed(
    centre: OrgUnit, archive: None, tmp_path: Path
) -> None:
    report = run(write_xlsx(tmp_path / "archive.xlsx", ROWS), centre)
    assert report.ok, report.problems
    assert (report.written, report.created, report.per_batch, report.batch_size) == (
        True,
        3,
        True,
        2000,
    )
    wang = by_account("0101000001")
    assert wang.region is not None
    assert (wang.name, wang.centre_id, wang.tier, wang.region.code) == (
        "王建国",
        centre.pk,
        "vip",
        "320106",
    )
    assert [(p.number, p.kind) for p in wang.phones.all()] == [
        ("13812345678", "mobile"),
        ("02583456789", "fixed"),
    ]
    assert wang.id_number == "11010519491231002X" and "1949" not in wang.id_number_encrypted
    assert [t.code for t in wang.tags.all()] == ["sensitive"]
    li = by_account("0101000002")
    assert li.region is not None
    assert (li.region.name, li.tier, li.id_number) == ("鼓楼区", "general", "")
    assert [p.number for p in li.phones.all()] == ["13900001111"]
    zhao = by_account("0101000003")
    assert sorted(t.code for t in zhao.tags.all()) == ["dissatisfied", "sensitive"]

    # The same export again: nothing changes, nothing is audited.
    again = run(write_csv(tmp_path / "same.csv", ROWS), centre)
    assert (again.created, again.updated, again.unchanged, again.changes) == (0, 0, 3, [])

    # An updated export: each change said, ID numbers and phones masked as pages mask them.
    changed = [
        HEADER,
        [*WANG[:2], "13812345678", "110105195001010012", *WANG[4:6], "一般客户", ""],
        [LI[0], "李秀英", *LI[2:]],
        [ZHAO[0], "赵敏敏", *ZHAO[2:]],
    ]
    update = run(write_csv(tmp_path / "changed.csv", changed), centre)
    assert (update.created, update.updated, update.unchanged) == (0, 2, 1)
    texts = {c.key: c.text for c in update.changes}
    assert texts["0101000001"] == (
        "身份证号：110105********002X → 110105********0012；客户级别：VIP 客户 → 一般客户；"
        "联系电话：138****5678、025****6789 → 138****5678；标签：敏感 → （空）"
    )
    assert texts["0101000003"] == "户名：赵敏 → 赵敏敏"
    assert update.changes[0].row == 2
    wang = by_account("0101000001")
    assert (wang.tier, wang.id_number, wang.version) == ("general", "110105195001010012", 2)
    assert [p.number for p in wang.phones.all()] == ["13812345678"] and not wang.tags.exists()
    audit = AuditEntry.objects.get(action="customer.update", object_id=str(wang.pk))
    after = audit.after or {}
    assert after["id_number"] == "110105********0012" and after["via"] == "import"
    assert "110105195001010012" not in str(audit.before) + str(audit.after)


def _mapped() -> tuple[int, int, int] | None:
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        mapped = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size")
        cache = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA wal_autocheckpoint")
        return mapped, cache, int(cursor.fetchone()[0])


def test_sqlite_maps_the_database_again_after_an_import_and_an_export(
    centre: OrgUnit, archive: None, tmp_path: Path
) -> None:
    """While they run, SQLite reads through its page cache (the mapped file would count
    in the process's memory); the connection maps as before afterwards."""
    before = _mapped()
    run(write_csv(tmp_path / "a.csv", ROWS), centre)
    assert _mapped() == before
    export_write("customers", tmp_path / "e.csv", centre=centre, actor=None)
    assert _mapped() == before


def test_a_column_left_out_keeps_its_values_and_an_empty_cell_empties_them(
    centre: OrgUnit, archive: None, tmp_path: Path
) -> None:
    run(write_csv(tmp_path / "a.csv", ROWS), centre)
    names_only = [["户号", "户名"], ["0101000001", "王建国"]]
    assert run(write_csv(tmp_path / "b.csv", names_only), centre).unchanged == 1
    wang = by_account("0101000001")
    assert wang.id_number == "11010519491231002X" and wang.phones.count() == 2
    emptied = [["户号", "户名", "用电地址"], ["0101000001", "王建国", ""]]
    report = run(write_csv(tmp_path / "c.csv", emptied), centre)
    assert report.changes[0].text == "用电地址：江苏省南京市鼓楼区**** → （空）"
    assert by_account("0101000001").address == ""


def test_the_export_round_trips_with_no_change_for_every_reader(
    centre: OrgUnit,
    archive: None,
    users: dict[str, User],
    tmp_path: Path,
    make_user: Callable[..., User],
) -> None:
    run(write_csv(tmp_path / "a.csv", ROWS), centre)
    # Not the billing archive: an agent's customer without an account number, and another
    # centre's customer.
    customer_create(actor=users["agent"], name="来电客户", phones=["13600000000"])
    elsewhere = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="far", name="远方中心")
    Customer.objects.create(centre=elsewhere, name="远方客户", account_number="9999")
    readers = [("operator", None, ".csv"), ("admin", users["admin"], ".xlsx")]
    readers.append(("agent", users["agent"], ".csv"))
    for name, actor, suffix in readers:
        path = tmp_path / f"export-{name}{suffix}"
        assert export_write("customers", path, centre=centre, actor=actor) == 3
        again = run(path, centre, actor=actor)
        assert (again.ok, again.unchanged, again.created, again.updated) == (True, 3, 0, 0), (
            actor,
            again.problems,
        )
    # The operator and those who answer personal-data requests read ID numbers in clear;
    # an agent reads them masked, and the masked number, imported, kept the stored one.
    clear = load_workbook(tmp_path / "export-admin.xlsx").active
    assert [c.value for c in clear[1]] == [
        "户号",
        "姓名",
        "电话",
        "身份证号码",
        "地址",
        "地域",
        "客户等级",
        "标签",
    ]
    assert [c.value for c in clear[2]] == [
        "0101000001",
        "王建国",
        "13812345678、02583456789",
        "11010519491231002X",
        "江苏省南京市鼓楼区中山北路100号",
        "鼓楼区",
        "VIP 客户",
        "敏感",
    ]
    with (tmp_path / "export-agent.csv").open(encoding="utf-8-sig") as stream:
        masked = list(csv.reader(stream))
    assert masked[1][2:4] == ["13812345678、02583456789", "110105********002X"]
    assert by_account("0101000001").id_number == "11010519491231002X"
    exports = AuditEntry.objects.filter(action="customer.export").order_by("id")
    assert [(e.after or {})["id_numbers"] for e in exports] == ["clear", "clear", "masked"]
    # A handler may see customers but not their personal data: phones and addresses
    # masked as well, and the masked values keep what is stored.
    handler = users["handler"]
    path = tmp_path / "export-handler.csv"
    export_write("customers", path, centre=centre, actor=handler)
    with path.open(encoding="utf-8-sig") as stream:
        row = list(csv.reader(stream))[1]
    assert row[2:5] == ["138****5678、025****6789", "110105********002X", "江苏省南京市鼓楼区****"]
    assert run(path, centre).unchanged == 3
    wang = by_account("0101000001")
    assert wang.address == "江苏省南京市鼓楼区中山北路100号" and wang.phones.count() == 2


def test_an_anonymised_customer_is_not_brought_back(
    centre: OrgUnit, archive: None, tmp_path: Path
) -> None:
    """PIPL erasure holds: the billing export still lists the account, the import leaves
    the row out with a note, and nobody is found by the number afterwards."""
    run(write_csv(tmp_path / "a.csv", ROWS), centre)
    customer_anonymise(actor=None, customer=by_account("0101000002"), reason="客户来电要求删除")
    report = run(write_csv(tmp_path / "b.csv", ROWS), centre)
    assert report.ok and (report.created, report.unchanged) == (0, 2)
    assert [(w.row, w.column) for w in report.warnings] == [(3, "户号")]
    assert "已匿名化" in report.warnings[0].message
    assert not Customer.objects.filter(account_number="0101000002").exists()
    assert not Customer.objects.filter(name="李秀英").exists()


def test_an_account_another_centre_holds_is_a_problem(
    centre: OrgUnit, archive: None, tmp_path: Path
) -> None:
    elsewhere = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="far", name="远方中心")
    Customer.objects.create(centre=elsewhere, name="远方客户", account_number="0101000003")
    report = run(write_csv(tmp_path / "a.csv", ROWS), centre)
    assert problems(report) == [(4, "户号", "该户号属于另一个中心的客户。")]
    assert not Customer.objects.filter(centre=centre).exists()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ({2: "1381234567"}, "联系电话", "1381234567：不是有效的大陆手机或固定电话号码。"),
        ({2: "13812345678；12345"}, "联系电话", "12345："),
        ({3: "110105194912310021"}, "身份证号", "校验位错误"),
        ({3: "110105194902300023"}, "身份证号", "出生日期无效"),
        ({3: "320106********1234"}, "身份证号", "新客户须填写完整号码"),
        ({0: ""}, "户号", "户号必填"),
        ({1: ""}, "户名", "请填写姓名。"),
        ({5: "火星区"}, "区域", "未知地域"),
        (
            {6: "钻石客户"},
            "客户级别",
            "未知客户等级：请填写特定客户、VIP 客户、中高端客户、一般客户之一。",
        ),
        ({7: "黑名单"}, "标签", "未知标签“黑名单”：请填写不满意、敏感之一。"),
        ({4: "长" * 201}, "用电地址", "过长：最多 200 个字符。"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_written(
    centre: OrgUnit,
    archive: None,
    tmp_path: Path,
    row: dict[int, str],
    column: str,
    message: str,
) -> None:
    bad = list(ZHAO)
    for index, value in row.items():
        bad[index] = value
    report = run(write_csv(tmp_path / "a.csv", [HEADER, WANG, LI, bad]), centre)
    assert not report.written and not Customer.objects.exists()
    assert [(p.row, p.column) for p in report.problems] == [(4, column)]
    assert message in report.problems[0].message, report.problems[0].message
    assert report.summary() == "发现 1 个问题：没有写入任何数据。"


def test_duplicate_account_numbers_name_both_rows_across_batches(
    centre: OrgUnit, archive: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kefu.customers.imports import CustomerImporter

    monkeypatch.setattr(CustomerImporter, "batch_size", 2)
    rows = [HEADER, WANG, LI, ZHAO, [WANG[0], "王建军", *WANG[2:]], [LI[0], *LI[1:]]]
    report = run(write_csv(tmp_path / "a.csv", rows), centre)
    assert problems(report) == [
        (5, "户号", "与第 2 行的户号重复。"),
        (6, "户号", "与第 3 行的户号重复。"),
    ]
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: write_csv(p, [["户名", "联系电话"], ["王建国", "13812345678"]]), "缺少必填列"),
        (lambda p: write_xlsx(p, [HEADER, WANG, LI], merge="B2:B3"), "合并单元格（B2:B3）"),
        (lambda p: write_xlsx(p, []), "工作表是空的"),
        (lambda p: write_csv(p, [HEADER]), "只有表头"),
        (lambda p: p.write_bytes(b"%PDF-1.7\n\x00\x01binary") and p, "这不是表格文件"),
    ],
)
def test_a_file_that_is_not_an_archive_gets_one_clear_message(
    centre: OrgUnit, archive: None, tmp_path: Path, make: Any, message: str
) -> None:
    path = make(tmp_path / "upload.xlsx")
    report = run(path, centre)
    assert not report.written and not Customer.objects.exists()
    assert message in report.problems[0].message, report.problems


def test_a_gb18030_csv_from_chinese_excel(centre: OrgUnit, archive: None, tmp_path: Path) -> None:
    report = run(write_csv(tmp_path / "a.csv", ROWS, encoding="gb18030"), centre)
    assert report.ok and report.created == 3
    assert by_account("0101000001").address == "江苏省南京市鼓楼区中山北路100号"


def test_a_50_mb_file_is_read_as_a_stream_with_memory_flat(
    centre: OrgUnit, archive: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 50 MB export (long addresses, 80,000 rows) is checked and written batch by batch:
    the memory the import allocates, sampled at every batch of both passes, stays within a
    few MB. It is measured with `tracemalloc` (what Python allocates from the import's
    start), not the process's resident size, which a long test session's heap and its
    other threads move by tens of MB at any moment. (SQLite's page cache, 100 MB while an
    import runs, is bounded on its own: here it is kept small.)"""
    from kefu.customers import imports

    monkeypatch.setattr(imports, "IMPORT_CACHE_KIB", 2048)
    path = tmp_path / "big.csv"
    street = "江苏省南京市鼓楼区中山北路" + "幸福家园" * 44
    with path.open("w", encoding="utf-8", newline="") as stream:
        out = csv.writer(stream)
        out.writerow(HEADER)
        n = 0
        while stream.tell() < 50 * 1024**2:
            n += 1
            out.writerow([f"02{n:08d}", "王建国", f"138{n:08d}", "", f"{street}{n}号", "", "", ""])
    samples: list[float] = []
    tracemalloc.start()
    try:
        report = run(
            path,
            centre,
            progress=lambda *_: samples.append(tracemalloc.get_traced_memory()[0] / 1024**2),
        )
        peak = tracemalloc.get_traced_memory()[1] / 1024**2
    finally:
        tracemalloc.stop()
    assert report.ok and report.created == n > 50_000
    assert Customer.objects.count() == n
    # Past the first batches (the database's caches), memory does not grow with the file.
    settled = samples[len(samples) // 10 :]
    assert max(settled) - min(settled) < 10, (min(settled), max(settled))
    # Nor is the file ever held whole: the import's peak is far below its 50 MB of text.
    assert peak < 25, peak


def test_the_template_and_the_command_line(centre: OrgUnit, archive: None, tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    template_write("customers", template)
    sheet, notes = load_workbook(template).worksheets
    assert [c.value for c in sheet[1]][:3] == ["户号*", "姓名*", "电话"]
    help_texts = {row[0].value: row[2].value for row in notes.iter_rows(min_row=2) if row[0].value}
    assert "用 、 ， ; 或 / 分隔" in help_texts["电话"]
    path = write_csv(tmp_path / "a.csv", ROWS)
    out = StringIO()
    call_command("import", "customers", str(path), "--dry-run", stdout=out)
    assert out.getvalue().startswith("试导入，未写入任何数据。共 3 行：新增 3，更新 0，未变 0。")
    assert not Customer.objects.exists()
    out = StringIO()
    call_command("import", "customers", str(path), stdout=out)
    assert out.getvalue().startswith("共 3 行：新增 3，更新 0，未变 0。")
    changed = write_csv(tmp_path / "b.csv", [HEADER, [WANG[0], WANG[1], "13900009999", *WANG[3:]]])
    out = StringIO()
    call_command("import", "customers", str(changed), "--dry-run", stdout=out)
    assert "更新 1" in out.getvalue() and by_account(WANG[0]).phones.count() == 2
    out = StringIO()
    call_command("import", "customers", str(changed), stdout=out)
    assert "联系电话：138****5678、025****6789 → 139****9999" in out.getvalue()
    assert "13900009999" not in out.getvalue()
