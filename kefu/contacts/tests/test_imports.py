"""The call-reason catalogue from a spreadsheet and back (`kefu import call-reasons`,
issue 16 points 2, 3 and 5): its four dimensions, parents by code or name path, codes made
from the names' pinyin and kept across imports, updates reported, nothing deleted, every
bad row named by row and column."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from kefu.contacts.models import CallReason
from kefu.core.imports import Report, export_write, import_file, template_write
from kefu.core.models import AuditEntry, OrgUnit, User

HEADER = ["维度", "上级", "代码", "名称", "排序", "启用"]
CATALOGUE = [
    HEADER,
    ["客户属性", "", "resident", "居民客户", "1", "是"],
    ["客户属性", "", "", "高压客户", "2", ""],
    ["业务种类", "", "billing", "电费电价", "1", "是"],
    ["业务种类", "", "", "故障报修", "2", "是"],
    ["服务内容", "billing", "bill_inquiry", "电费查询", "1", "是"],
    ["服务内容", "电费电价", "", "电费发票", "", "是"],
    ["服务内容", "故障报修", "", "停电", "", "是"],
    ["服务内容", "故障报修", "", "其他", "", "否"],
    ["服务内容", "电费电价", "", "其他", "", "是"],
]


def xlsx(path: Path, rows: list[list[Any]], *, merge: str = "") -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    if merge:
        book.active.merge_cells(merge)
    book.save(path)
    return path


def run(path: Path, centre: OrgUnit, *, actor: User | None = None, dry_run: bool = False) -> Report:
    return import_file("call-reasons", path, centre=centre, actor=actor, dry_run=dry_run)


def tree(centre: OrgUnit) -> dict[tuple[str, str], tuple[str, str | None, int, bool]]:
    return {
        (r.dimension, r.code): (r.name, r.parent.code if r.parent else None, r.position, r.active)
        for r in CallReason.objects.filter(centre=centre).select_related("parent")
    }


def problems(report: Report) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message) for p in report.problems]


@pytest.mark.django_db
def test_a_catalogue_on_its_dimensions_with_parents_by_code_or_name_and_pinyin_codes(
    centre: OrgUnit, tmp_path: Path
) -> None:
    report = run(xlsx(tmp_path / "c.xlsx", CATALOGUE), centre)
    assert report.ok, problems(report)
    assert (report.created, report.written) == (9, True)
    assert tree(centre) == {
        ("customer_attribute", "resident"): ("居民客户", None, 1, True),
        ("customer_attribute", "gaoyakehu"): ("高压客户", None, 2, True),
        ("business_type", "billing"): ("电费电价", None, 1, True),
        ("business_type", "guzhangbaoxiu"): ("故障报修", None, 2, True),
        ("service_content", "bill_inquiry"): ("电费查询", "billing", 1, True),
        # Blank positions follow the file's order among the siblings.
        ("service_content", "dianfeifapiao"): ("电费发票", "billing", 2, True),
        ("service_content", "tingdian"): ("停电", "guzhangbaoxiu", 1, True),
        ("service_content", "qita"): ("其他", "guzhangbaoxiu", 2, False),
        # The second 其他 of the dimension is told apart by its parent's code.
        ("service_content", "billing_qita"): ("其他", "billing", 3, True),
    }


@pytest.mark.django_db
def test_a_second_import_keeps_the_made_codes_updates_and_reports_and_deletes_nothing(
    centre: OrgUnit, tmp_path: Path
) -> None:
    assert run(xlsx(tmp_path / "c.xlsx", CATALOGUE), centre).ok
    before = tree(centre)
    # The same file again, codes still blank: the same reasons, nothing changed.
    again = run(xlsx(tmp_path / "c2.xlsx", CATALOGUE), centre)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 9)
    assert tree(centre) == before
    # Renamed (by code), retired (启用=否), moved; rows left out are not deleted.
    edited = [
        HEADER,
        ["业务种类", "", "billing", "电费与电价", "1", "是"],
        ["服务内容", "billing", "bill_inquiry", "电费查询", "1", "否"],
        ["服务内容", "电费与电价", "tingdian", "停电", "5", "是"],
    ]
    report = run(xlsx(tmp_path / "e.xlsx", edited), centre)
    assert (report.created, report.updated, report.unchanged) == (0, 3, 0), problems(report)
    assert [(c.row, c.key, c.text) for c in report.changes] == [
        (2, "业务种类 billing", "名称：电费电价 → 电费与电价"),
        (3, "服务内容 bill_inquiry", "启用：是 → 否"),
        (4, "服务内容 tingdian", "上级：故障报修 → 电费与电价；排序：1 → 5"),
    ]
    after = tree(centre)
    assert len(after) == 9 and after[("service_content", "qita")][0] == "其他"
    assert AuditEntry.objects.filter(action="call_reason.update").count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["维度", "名称"], ["来电渠道", "热线"]],
            [(2, "维度", "未知的维度：请填写 客户属性、业务种类 或 服务内容。")],
        ),
        (
            [["维度", "名称"], ["地域", "南京"]],
            [(2, "维度", "地域随组织机构导入（kefu import org），不在这里导入。")],
        ),
        (
            [["维度", "上级", "名称"], ["服务内容", "电费", "电费查询"]],
            [(2, "上级", "没有这个代码或名称的业务种类。")],
        ),
        (
            [["维度", "上级", "名称"], ["业务种类", "投诉", "电费"]],
            [(2, "上级", "本维度没有这个代码或名称的来电原因。")],
        ),
        (
            [
                ["维度", "上级", "代码", "名称"],
                ["业务种类", "b", "a", "甲"],
                ["业务种类", "a", "b", "乙"],
            ],
            [
                (2, "上级", "来电原因不能挂在自己或自己的下级之下。"),
                (3, "上级", "来电原因不能挂在自己或自己的下级之下。"),
            ],
        ),
        (
            [
                ["维度", "代码", "名称"],
                ["业务种类", "billing", "电费"],
                ["业务种类", "billing", "电价"],
            ],
            [(3, "代码", "本维度中代码重复（第 2 行）。")],
        ),
        (
            [["维度", "名称", "排序", "启用"], ["业务种类", "", "x", "也许"]],
            [
                (2, "名称", "必须填写。"),
                (2, "排序", "请填写 0 或以上的整数。"),
                (2, "启用", "请填写 是 或 否。"),
            ],
        ),
    ],
    ids=[
        "unknown-dimension",
        "region",
        "unknown-parent",
        "wrong-dimension",
        "cycle",
        "duplicate-code",
        "cells",
    ],
)
def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(
    centre: OrgUnit, tmp_path: Path, rows: list[list[str]], expected: list[tuple[int, str, str]]
) -> None:
    report = run(xlsx(tmp_path / "bad.xlsx", rows), centre)
    assert problems(report) == expected
    assert not report.written and not CallReason.objects.exists()


@pytest.mark.django_db
def test_a_missing_column_a_merged_cell_and_an_empty_sheet(centre: OrgUnit, tmp_path: Path) -> None:
    missing = run(xlsx(tmp_path / "m.xlsx", [["上级", "名称"], ["", "电费"]]), centre)
    assert problems(missing) == [(1, "维度", "缺少必填列：请添加表头为“维度”的一列。")]
    merged = run(xlsx(tmp_path / "g.xlsx", CATALOGUE, merge="A5:A6"), centre)
    assert merged.problems[0].row == 5 and "合并单元格" in merged.problems[0].message
    empty = run(xlsx(tmp_path / "e.xlsx", [HEADER]), centre)
    assert "只有表头" in empty.problems[0].message
    assert not CallReason.objects.exists()


@pytest.mark.django_db
def test_export_edit_nothing_import_again_changes_nothing(centre: OrgUnit, tmp_path: Path) -> None:
    assert run(xlsx(tmp_path / "c.xlsx", CATALOGUE), centre).ok
    before = tree(centre)
    for suffix in (".xlsx", ".csv"):
        exported = tmp_path / f"call-reasons{suffix}"
        assert export_write("call-reasons", exported, centre=centre, actor=None) == 9
        again = run(exported, centre)
        assert (again.ok, again.created, again.updated, again.unchanged) == (True, 0, 0, 9)
        assert tree(centre) == before
    sheet = load_workbook(tmp_path / "call-reasons.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADER
    # Parents by name where that is unambiguous; business types before their contents.
    assert ["服务内容", "电费电价", "bill_inquiry", "电费查询", "1", "是"] in rows
    assert rows.index(["业务种类", None, "billing", "电费电价", "1", "是"]) < rows.index(
        ["服务内容", "电费电价", "bill_inquiry", "电费查询", "1", "是"]
    )


@pytest.mark.django_db
def test_the_template_says_nothing_is_deleted_and_the_command_line_imports(
    centre: OrgUnit, tmp_path: Path
) -> None:
    template = tmp_path / "t.xlsx"
    template_write("call-reasons", template)
    sheet, notes = load_workbook(template).worksheets
    assert [cell.value for cell in sheet[1]] == ["维度*", "上级", "代码", "名称*", "排序", "启用"]
    text = "\n".join(str(cell.value) for row in notes.iter_rows() for cell in row if cell.value)
    assert "文件中没有的来电原因不会被删除" in text
    out = StringIO()
    call_command("import", "call-reasons", str(xlsx(tmp_path / "c.xlsx", CATALOGUE)), stdout=out)
    assert out.getvalue().startswith("共 9 行：新增 9")


@pytest.mark.django_db
def test_only_who_may_change_policies_may_change_the_catalogue(
    centre: OrgUnit, tmp_path: Path, users: dict[str, User]
) -> None:
    refused = run(xlsx(tmp_path / "c.xlsx", CATALOGUE), centre, actor=users["agent"])
    assert problems(refused) == [(None, "", "您无权修改来电原因目录。")]
    assert run(xlsx(tmp_path / "c.xlsx", CATALOGUE), centre, actor=users["admin"]).created == 9


@pytest.mark.django_db
def test_nested_business_types_by_name_path_and_an_ambiguous_name(
    centre: OrgUnit, tmp_path: Path
) -> None:
    rows = [
        HEADER,
        # The service content names its parent before the parent's row: order is free.
        ["服务内容", "营销类/电费电价", "", "电费查询", "", ""],
        ["业务种类", "", "", "营销类", "", ""],
        ["业务种类", "营销类", "", "电费电价", "", ""],
        ["业务种类", "", "", "运检类", "", ""],
        ["业务种类", "运检类", "", "电费电价", "", ""],
    ]
    report = run(xlsx(tmp_path / "n.xlsx", rows), centre)
    assert report.ok, problems(report)
    query = CallReason.objects.select_related("parent__parent").get(name="电费查询")
    parent = query.parent
    assert parent is not None and parent.parent is not None
    assert (parent.name, parent.parent.name, parent.code) == (
        "电费电价",
        "营销类",
        "dianfeidianjia",
    )
    # The second 电费电价 of the dimension is told apart by its parent's code.
    assert CallReason.objects.filter(code="yunjianlei_dianfeidianjia").exists()
    ambiguous = [HEADER, ["服务内容", "电费电价", "", "电费发票", "", ""]]
    again = run(xlsx(tmp_path / "a.xlsx", ambiguous), centre)
    assert problems(again) == [
        (2, "上级", "有多个来电原因叫这个名称：请填写代码，或连同上级名称一起填写。")
    ]


@pytest.mark.django_db
def test_an_export_names_each_parent_by_the_fewest_names_that_find_it(
    centre: OrgUnit, tmp_path: Path
) -> None:
    rows = [
        HEADER,
        ["业务种类", "", "yx", "营销类", "", ""],
        ["业务种类", "营销类", "yx_bill", "电费电价", "", ""],
        ["业务种类", "", "yj", "运检类", "", ""],
        ["业务种类", "运检类", "yj_bill", "电费电价", "", ""],
        ["业务种类", "", "bill", "电费电价", "", ""],
        ["服务内容", "yx_bill", "", "电费查询", "", ""],
        ["服务内容", "yj_bill", "", "电费查询", "", ""],
        ["服务内容", "bill", "", "电费查询", "", ""],
        ["服务内容", "运检类", "", "巡视", "", ""],
    ]
    assert run(xlsx(tmp_path / "n.xlsx", rows), centre).ok
    exported = tmp_path / "e.xlsx"
    export_write("call-reasons", exported, centre=centre, actor=None)
    sheet = load_workbook(exported).active
    parents = {row[2]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    # 电费电价 is three reasons; each of its two under a parent is found with it, and the
    # top one (whose name alone fits the other two as well) by its code.
    assert parents["yx_bill_dianfeichaxun"] == "营销类/电费电价"
    assert parents["yj_bill_dianfeichaxun"] == "运检类/电费电价"
    assert parents["dianfeichaxun"] == "bill"
    assert parents["xunshi"] == "运检类"
    again = run(exported, centre)
    assert (again.ok, again.unchanged) == (True, 9), problems(again)


@pytest.mark.django_db
def test_a_csv_saved_by_chinese_excel_in_gb18030(centre: OrgUnit, tmp_path: Path) -> None:
    path = tmp_path / "来电原因.csv"
    path.write_bytes("\r\n".join(",".join(row) for row in CATALOGUE).encode("gb18030"))
    report = run(path, centre)
    assert (report.ok, report.created) == (True, 9), problems(report)
    assert CallReason.objects.get(code="bill_inquiry").parent == CallReason.objects.get(
        code="billing"
    )


@pytest.mark.django_db
def test_the_service_refuses_a_wrong_parent_a_loop_and_a_taken_code(centre: OrgUnit) -> None:
    from kefu.contacts.services import call_reason_save
    from kefu.core.errors import Conflict, Invalid

    dims = CallReason.Dimension
    top = call_reason_save(
        actor=None, centre=centre, dimension=dims.BUSINESS_TYPE, code="a", name="甲"
    )
    below = call_reason_save(
        actor=None, centre=centre, dimension=dims.BUSINESS_TYPE, code="b", name="乙", parent=top
    )
    attribute = call_reason_save(
        actor=None, centre=centre, dimension=dims.CUSTOMER_ATTRIBUTE, code="r", name="居民"
    )
    with pytest.raises(Invalid, match="上一级维度"):
        call_reason_save(
            actor=None,
            centre=centre,
            dimension=dims.SERVICE_CONTENT,
            code="c",
            name="丙",
            parent=attribute,
        )
    with pytest.raises(Invalid, match="不能挂在自己"):
        call_reason_save(
            actor=None,
            centre=centre,
            reason=top,
            dimension=dims.BUSINESS_TYPE,
            code="a",
            name="甲",
            parent=below,
        )
    with pytest.raises(Conflict):
        call_reason_save(
            actor=None, centre=centre, dimension=dims.BUSINESS_TYPE, code="a", name="又一个甲"
        )


@pytest.mark.django_db
def test_two_reasons_trade_places_in_one_import(centre: OrgUnit, tmp_path: Path) -> None:
    first = [HEADER, ["业务种类", "", "a", "甲", "", ""], ["业务种类", "a", "b", "乙", "", ""]]
    assert run(xlsx(tmp_path / "1.xlsx", first), centre).ok
    traded = [HEADER, ["业务种类", "b", "a", "甲", "", ""], ["业务种类", "", "b", "乙", "", ""]]
    report = run(xlsx(tmp_path / "2.xlsx", traded), centre)
    assert (report.ok, report.updated) == (True, 2), problems(report)
    assert tree(centre) == {
        ("business_type", "a"): ("甲", "b", 1, True),
        ("business_type", "b"): ("乙", None, 1, True),
    }
