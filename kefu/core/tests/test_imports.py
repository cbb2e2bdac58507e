"""The import framework (kefu/core/imports): reading every file a centre brings, reporting
every problem by row and column, writing all or nothing, templates and exports, through a
small kind registered here (regions by code and name)."""

from __future__ import annotations

import gc
import zipfile
from collections.abc import Iterable, Sequence
from io import StringIO
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core.management import call_command
from django.db import IntegrityError
from openpyxl import Workbook, load_workbook

from kefu.core.errors import Invalid
from kefu.core.imports import (
    Column,
    Importer,
    Report,
    Row,
    export_write,
    import_file,
    register,
    template_write,
)
from kefu.core.models import AuditEntry, OrgUnit, Region

Record = tuple[int, str, str]


class Regions(Importer[Record]):
    kind = "test-regions"
    title = "行政区划"
    columns = (
        Column("code", "区划代码", required=True, help="6 位数字", example="990101"),
        Column("name", "区划名称", required=True, aliases=("名称",)),
        Column("note", "备注"),
    )
    batch_size = 2

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: set[str] = set()

    def check(self, rows: Sequence[Row], report: Report) -> list[Record]:
        records = []
        for row in rows:
            code = row["code"]
            if not (code.isdigit() and len(code) == 6):
                self.problem(report, row, "code", "区划代码应为 6 位数字")
                continue
            if code in self.seen:
                self.problem(report, row, "code", "文件中重复")
                continue
            self.seen.add(code)
            if not row["name"]:
                self.problem(report, row, "name", "必须填写")
                continue
            records.append((row.number, code, row["name"]))
        return records

    def write(self, records: list[Record], report: Report) -> None:
        for number, code, name in records:
            region, created = Region.objects.get_or_create(code=code, defaults={"name": name})
            if created:
                report.created += 1
            elif region.name != name:
                report.change(number, code, f"{region.name} → {name}")
                region.name = name
                region.save()
                report.updated += 1
            else:
                report.unchanged += 1

    def export_rows(self) -> Iterable[Sequence[Any]]:
        for region in Region.objects.filter(code__startswith="99").order_by("code"):
            yield [region.code, region.name, ""]


class BatchedRegions(Regions):
    """Written batch by batch; the second batch fails in the database."""

    kind = "test-regions-batched"
    per_batch = True

    def write(self, records: list[Record], report: Report) -> None:
        if any(code == "990199" for _n, code, _name in records):
            raise IntegrityError("the database says no")
        super().write(records, report)


class RefusingRegions(Regions):
    """Its service refuses one row at write time, after writing the rows before it."""

    kind = "test-regions-refusing"
    notes = ("已有的区划不会因文件中没有而被删除。",)
    examples = (("990101", "东城", ""), ("990102", "西城", "示例"))

    def write(self, records: list[Record], report: Report) -> None:
        for number, code, name in records:
            if code == "990199":
                self.problem(report, Row(number, {"code": code}), "code", "服务拒绝了这一行")
                raise Invalid("服务拒绝了这一行")
            super().write([(number, code, name)], report)


register(Regions)
register(BatchedRegions)
register(RefusingRegions)

ROWS = [["区划代码", "区划名称"], ["990101", "东城"], ["990102", "西城"], ["990103", "朝阳"]]


def xlsx(path: Path, rows: list[list[Any]], *, merge: str = "") -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


def text(path: Path, rows: list[list[Any]], *, encoding: str, delimiter: str = ",") -> Path:
    lines = "\r\n".join(delimiter.join(map(str, row)) for row in rows) + "\r\n"
    path.write_bytes(lines.encode(encoding))
    return path


def run(
    path: Path, centre: OrgUnit, *, kind: str = "test-regions", dry_run: bool = False
) -> Report:
    return import_file(kind, path, centre=centre, actor=None, dry_run=dry_run)


def names() -> dict[str, str]:
    return dict(Region.objects.filter(code__startswith="99").values_list("code", "name"))


@pytest.mark.django_db
def test_a_workbook_is_imported_and_its_second_import_changes_only_what_changed(
    centre: OrgUnit, tmp_path: Path
) -> None:
    report = run(xlsx(tmp_path / "r.xlsx", ROWS), centre)
    assert (report.ok, report.written, report.rows, report.created) == (True, True, 3, 3)
    assert names() == {"990101": "东城", "990102": "西城", "990103": "朝阳"}
    assert report.summary() == "共 3 行：新增 3，更新 0，未变 0。"
    assert AuditEntry.objects.filter(action="import.test-regions").count() == 1

    again = run(xlsx(tmp_path / "r2.xlsx", [*ROWS[:3], ["990103", "朝阳区"]]), centre)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert [(c.row, c.key, c.text) for c in again.changes] == [(4, "990103", "朝阳 → 朝阳区")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ","), ("gb18030", ","), ("utf-16", "\t")],
)
def test_text_tables_in_every_encoding_chinese_excel_saves(
    centre: OrgUnit, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    path = text(tmp_path / "r.csv", ROWS, encoding=encoding, delimiter=delimiter)
    report = run(path, centre)
    assert report.ok, report.problems
    assert names()["990102"] == "西城"


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_its_row_and_column_and_nothing_is_written(
    centre: OrgUnit, tmp_path: Path
) -> None:
    rows = [
        ["名称", "区划代码"],
        ["东城", "990101"],
        ["西城", "99x"],
        ["", "990103"],
        ["朝阳", "990101"],
    ]
    report = run(xlsx(tmp_path / "r.xlsx", rows), centre)
    assert not report.written and names() == {}
    # The columns are named as the file heads them (an alias here), rows as Excel numbers them.
    assert [(p.row, p.column, p.message, p.value) for p in report.problems] == [
        (3, "区划代码", "区划代码应为 6 位数字", "99x"),
        (4, "名称", "必须填写", ""),
        (5, "区划代码", "文件中重复", "990101"),
    ]
    assert report.summary() == "发现 3 个问题：没有写入任何数据。"


@pytest.mark.django_db
def test_a_missing_required_column_is_named_and_an_unknown_one_noted(
    centre: OrgUnit, tmp_path: Path
) -> None:
    report = run(xlsx(tmp_path / "r.xlsx", [["区划代码", "人口"], ["990101", "5"]]), centre)
    assert [(p.row, p.column) for p in report.problems] == [(1, "区划名称")]
    assert "缺少必填列" in report.problems[0].message
    assert [(w.column, w.message) for w in report.warnings] == [
        ("人口", "不是本导入的列：第 B 列未导入。")
    ]
    # The template's required mark and full-width or spaced headers still match.
    marked = run(
        xlsx(tmp_path / "m.xlsx", [["区划代码*", "区划 名称（必填）"], ["990101", "东城"]]), centre
    )
    assert marked.ok and marked.created == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "这不是表格文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Excel 97-2003"),
        (b"PK\x03\x04 this is no zip", "工作簿已损坏"),
        ("区划代码,区划名称\r\n".encode(), "只有表头"),
    ],
)
def test_a_file_that_is_no_table_gets_one_clear_message(
    centre: OrgUnit, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "upload.xlsx"
    path.write_bytes(content)
    report = run(path, centre)
    assert not report.written and report.problem_count == 1
    assert message in report.problems[0].message


@pytest.mark.django_db
def test_a_zip_that_is_not_a_workbook_and_an_empty_sheet(centre: OrgUnit, tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "这不是表格文件" in run(other, centre).problems[0].message
    empty = xlsx(tmp_path / "empty.xlsx", [])
    assert "工作表是空的" in run(empty, centre).problems[0].message


@pytest.mark.django_db
def test_merged_cells_are_refused_with_where_they_are(centre: OrgUnit, tmp_path: Path) -> None:
    rows = [*ROWS, ["", "海淀"]]
    report = run(xlsx(tmp_path / "r.xlsx", rows, merge="A4:A5"), centre)
    assert [(p.row, p.message) for p in report.problems] == [
        (4, "工作表中有合并单元格（A4:A5）：请取消合并，并在每个单元格中填写各自的值。")
    ]
    assert names() == {}


@pytest.mark.django_db
def test_a_long_number_excel_has_cut_is_named_as_such(centre: OrgUnit, tmp_path: Path) -> None:
    report = run(xlsx(tmp_path / "r.xlsx", [ROWS[0], [110105199001011234, "东城"]]), centre)
    first = report.problems[0]
    assert (first.row, first.column) == (2, "区划代码")
    assert "末尾几位已被表格软件改成 0" in first.message


@pytest.mark.django_db
def test_a_dry_run_counts_exactly_and_writes_nothing(centre: OrgUnit, tmp_path: Path) -> None:
    report = run(xlsx(tmp_path / "r.xlsx", ROWS), centre, dry_run=True)
    assert (report.ok, report.written, report.created) == (True, False, 3)
    assert report.summary().startswith("试导入，未写入任何数据。")
    assert names() == {} and not AuditEntry.objects.filter(action__startswith="import.").exists()


@pytest.mark.django_db
def test_written_by_batches_a_failure_keeps_what_landed_and_says_how_much(
    centre: OrgUnit, tmp_path: Path
) -> None:
    rows = [*ROWS, ["990199", "失败"], ["990104", "海淀"]]
    report = run(xlsx(tmp_path / "r.xlsx", rows), centre, kind="test-regions-batched")
    assert report.per_batch and report.batch_size == 2
    # Batches: (990101, 990102) landed; (990103, 990199) failed and rolled back.
    assert names() == {"990101": "东城", "990102": "西城"}
    assert report.rows_written == 2 and report.problem_count == 1
    assert "数据库拒绝写入" in report.problems[0].message
    # A dry run of a per-batch kind only checks.
    dry = run(xlsx(tmp_path / "d.xlsx", ROWS), centre, kind="test-regions-batched", dry_run=True)
    assert dry.ok and not dry.written and dry.rows == 3


@pytest.mark.django_db
def test_the_template_and_the_export_round_trip(centre: OrgUnit, tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    template_write("test-regions", template)
    book = load_workbook(template)
    sheet, notes = book.worksheets
    assert [c.value for c in sheet[1]] == ["区划代码*", "区划名称*", "备注"]
    assert sheet.column_dimensions["A"].number_format == "@"
    assert notes.title == "填写说明"
    assert [c.value for c in notes[2]] == ["区划代码", "是", "6 位数字", "990101"]
    # Filled in and imported, exported, imported again: nothing changes.
    sheet.append(["990101", "东城"])
    book.save(template)
    assert run(template, centre).created == 1
    for suffix in (".xlsx", ".csv"):
        exported = tmp_path / f"export{suffix}"
        assert export_write("test-regions", exported, centre=centre, actor=None) == 1
        again = run(exported, centre)
        assert (again.ok, again.unchanged, again.created) == (True, 1, 0)


@pytest.mark.django_db
def test_the_command_line(centre: OrgUnit, tmp_path: Path) -> None:
    good = xlsx(tmp_path / "r.xlsx", ROWS)
    out = StringIO()
    call_command("import", "test-regions", str(good), "--dry-run", stdout=out)
    assert out.getvalue().startswith("试导入，未写入任何数据。共 3 行：新增 3") and names() == {}
    bad = xlsx(tmp_path / "bad.xlsx", [ROWS[0], ["99x", "东城"]])
    out = StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import", "test-regions", str(bad), stdout=out)
    assert exit_status.value.code == 1
    assert "第 2 行 · 区划代码：区划代码应为 6 位数字（99x）" in out.getvalue()
    template = tmp_path / "template.xlsx"
    call_command("import", "template", "test-regions", "-o", str(template), stdout=StringIO())
    assert template.exists()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有名为 nothing 的导入"):
        call_command("import", "nothing", str(good))


@pytest.mark.django_db
def test_a_row_a_service_refuses_while_writing_rolls_the_whole_file_back(
    centre: OrgUnit, tmp_path: Path
) -> None:
    rows = [*ROWS, ["990199", "拒绝"]]
    report = run(xlsx(tmp_path / "r.xlsx", rows), centre, kind="test-regions-refusing")
    assert not report.written and names() == {}
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (5, "区划代码", "服务拒绝了这一行")
    ]
    assert not AuditEntry.objects.filter(action__startswith="import.").exists()


def test_the_template_carries_a_kinds_notes_and_example_rows(tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    template_write("test-regions-refusing", template)
    sheet, notes = load_workbook(template).worksheets
    # The examples are in the instructions, never in the sheet that is imported.
    assert sheet.max_row == 1
    texts = [[cell.value for cell in row if cell.value is not None] for row in notes.iter_rows()]
    assert ["已有的区划不会因文件中没有而被删除。"] in texts
    at = texts.index(["示例（复制到第一个工作表使用）："])
    assert texts[at + 1 : at + 4] == [
        ["区划代码", "区划名称", "备注"],
        ["990101", "东城"],
        ["990102", "西城", "示例"],
    ]


class WatchedRegions(Regions):
    """Records which pass each check ran in and when each pass's instance was closed."""

    kind = "test-regions-watched"
    seen_passes: ClassVar[list[str]] = []

    def check(self, rows: Sequence[Row], report: Report) -> list[Record]:
        self.seen_passes.append("write" if self.writing else "check")
        return super().check(rows, report)

    def close(self) -> None:
        self.seen_passes.append("close")


register(WatchedRegions)


@pytest.mark.django_db
def test_a_kind_knows_the_write_pass_and_is_closed_after_each_pass(
    centre: OrgUnit, tmp_path: Path
) -> None:
    WatchedRegions.seen_passes.clear()
    report = run(xlsx(tmp_path / "r.xlsx", ROWS), centre, kind="test-regions-watched")
    assert report.written
    # Three rows in batches of two: two checks per pass, each pass's instance closed.
    assert WatchedRegions.seen_passes == ["check", "check", "close", "write", "write", "close"]


class SpooledRegions(Regions):
    """Checked once: the write pass writes the spooled records; recheck refuses a code
    that someone else took meanwhile."""

    kind = "test-regions-spooled"
    spool = True
    per_batch = True
    checks: ClassVar[int] = 0

    def check(self, rows: Sequence[Row], report: Report) -> list[Record]:
        SpooledRegions.checks += 1
        records = super().check(rows, report)
        if any(code == "990103" for _n, code, _name in records):
            Region.objects.create(code="990103", name="别人先建的")
        return records

    def recheck(self, records: list[Record], report: Report) -> list[Record]:
        taken = set(
            Region.objects.filter(code__in=[c for _n, c, _name in records]).values_list(
                "code", flat=True
            )
        )
        for number, code, _name in records:
            if code in taken:
                report.problem(number, "区划代码", "已被占用", code)
        return [record for record in records if record[1] not in taken]


register(SpooledRegions)


@pytest.mark.django_db
def test_a_spooling_kind_checks_each_row_once_and_rechecks_what_the_database_holds(
    centre: OrgUnit, tmp_path: Path
) -> None:
    SpooledRegions.checks = 0
    report = run(xlsx(tmp_path / "r.xlsx", ROWS[:3]), centre, kind="test-regions-spooled")
    assert (report.written, report.created, report.rows_written) == (True, 2, 2)
    assert SpooledRegions.checks == 1  # two rows, one batch, checked once
    # The second batch's code was taken between the passes: the first batch stays.
    late = run(
        xlsx(tmp_path / "l.xlsx", [ROWS[0], ["990104", "海淀"], ["990105", "丰台"], ROWS[3]]),
        centre,
        kind="test-regions-spooled",
    )
    moved = "导入过程中数据发生了变化：已被占用"
    assert [(p.row, p.message) for p in late.problems] == [(4, moved)]
    assert late.rows_written == 2 and names()["990104"] == "海淀"


@pytest.mark.django_db
def test_merged_cells_are_found_across_the_chunks_the_sheet_is_read_in(
    centre: OrgUnit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kefu.core.imports import reading

    monkeypatch.setattr(reading, "_MERGE_CHUNK", 7)  # the tag falls across chunks
    report = run(xlsx(tmp_path / "r.xlsx", [*ROWS, ["", "海淀"]], merge="A4:A5"), centre)
    assert [(p.row, "A4:A5" in p.message) for p in report.problems] == [(4, True)]


@pytest.mark.django_db
def test_the_cycle_collector_is_spared_while_an_import_runs_and_put_back_after(
    centre: OrgUnit, tmp_path: Path
) -> None:
    """Issue 16 point 4 (a million customers at 20,000 rows a second, bench/import.py):
    while a file is checked and written, what was alive before the import is frozen out
    of Python's cycle collector and its youngest generation is collected after `YOUNG`
    objects; after the import, written or refused, both are as they were."""
    from kefu.core.imports.runner import YOUNG

    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    during: list[tuple[str, bool, int]] = []

    def progress(phase: str, done: int, total: int | None) -> None:
        during.append((phase, gc.get_freeze_count() > frozen, gc.get_threshold()[0]))

    good = xlsx(tmp_path / "r.xlsx", ROWS)
    report = import_file("test-regions", good, centre=centre, actor=None, progress=progress)
    assert report.written and names()["990101"] == "东城"
    assert {phase for phase, _spared, _young in during} == {"check", "write"}
    assert all(spared and young == YOUNG for _phase, spared, young in during), during
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)

    bad = xlsx(tmp_path / "bad.xlsx", [ROWS[0], ["99x", "东城"]])
    assert not run(bad, centre).ok
    assert (gc.get_threshold(), gc.get_freeze_count()) == (threshold, frozen)
