"""Issue 16, the organisation import (`kefu import org`): teams, departments with expert
seats, GB/T 2260 regions; re-import by code, every bad cell by row and column (point 5),
the template and the export round trip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from kefu.core.imports import Report, export_write, import_file, template_write
from kefu.core.models import OrgUnit, Region

HEADER = ["类型", "编码", "名称", "上级", "专家座席", "启用"]
GOOD = [
    HEADER,
    ["班组", "team-1", "一班", "", "", ""],
    ["班组", "team-2", "二班", "测试客服中心", "", "是"],
    ["部门", "repair", "抢修", "", "否", ""],
    ["部门", "expert-broadband", "宽带专席", "test-centre", "是", ""],
    # A district before its city and province; its parent found from its code.
    ["区域", "320106", "鼓楼区", "", "", ""],
    ["区域", "320100", "南京市", "江苏省", "", ""],
    ["区域", "320000", "江苏省", "", "", ""],
    ["区域", "320115", "江宁区", "320100", "", ""],
]


def xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def run(path: Path, centre: OrgUnit, *, dry_run: bool = False) -> Report:
    return import_file("org", path, centre=centre, actor=None, dry_run=dry_run)


def units(centre: OrgUnit) -> dict[str, tuple[str, str, bool, bool]]:
    return {
        unit.code: (unit.kind, unit.name, unit.expert_seat, unit.active)
        for unit in OrgUnit.objects.filter(parent=centre)
    }


def regions() -> dict[str, tuple[str, str | None]]:
    return {r.code: (r.name, r.parent.code if r.parent else None) for r in Region.objects.all()}


@pytest.mark.django_db
def test_teams_departments_and_regions_are_imported_and_updated_by_code(
    centre: OrgUnit, tmp_path: Path
) -> None:
    report = run(xlsx(tmp_path / "org.xlsx", GOOD), centre)
    assert report.ok and report.written, report.problems
    assert (report.rows, report.created) == (8, 8)
    assert units(centre) == {
        "team-1": ("team", "一班", False, True),
        "team-2": ("team", "二班", False, True),
        "repair": ("department", "抢修", False, True),
        "expert-broadband": ("department", "宽带专席", True, True),
    }
    assert regions() == {
        "320000": ("江苏省", None),
        "320100": ("南京市", "320000"),
        "320106": ("鼓楼区", "320100"),
        "320115": ("江宁区", "320100"),
    }
    # Again, with a team renamed, a department retired and a region renamed.
    changed = [
        HEADER,
        ["班组", "team-1", "一班（早班）", "", "", ""],
        ["班组", "team-2", "二班", "", "", ""],
        ["部门", "repair", "抢修", "", "", "否"],
        ["区域", "320106", "鼓楼", "", "", ""],
    ]
    again = run(xlsx(tmp_path / "org2.xlsx", changed), centre)
    assert (again.created, again.updated, again.unchanged) == (0, 3, 1)
    assert [(c.row, c.key, c.text) for c in again.changes] == [
        (2, "team-1", "名称：一班 → 一班（早班）"),
        (4, "repair", "启用：是 → 否"),
        (5, "320106", "名称：鼓楼区 → 鼓楼"),
    ]
    assert units(centre)["repair"][3] is False


@pytest.mark.django_db
def test_every_bad_cell_is_named_by_row_and_column_and_nothing_is_written(
    centre: OrgUnit, other_centre: OrgUnit, tmp_path: Path
) -> None:
    OrgUnit.objects.create(kind="team", code="theirs", name="外中心班组", parent=other_centre)
    OrgUnit.objects.create(kind="team", code="team-9", name="九班", parent=centre)
    rows = [
        HEADER,
        ["小组", "x", "某组", "", "", ""],  # 2: not a type
        ["班组", "team-1", "一班", "", "", ""],
        ["班组", "team-1", "一班又一次", "", "", ""],  # 4: duplicate code
        ["班组", "班组一", "一班", "", "", ""],  # 5: code not letters and digits
        ["班组", "theirs", "外班", "", "", ""],  # 6: another centre's code
        ["部门", "team-9", "九部", "", "", ""],  # 7: a team's code as a department
        ["班组", "team-3", "三班", "team-9", "", ""],  # 8: under a team
        ["班组", "team-4", "四班", "总公司", "", ""],  # 9: unknown parent
        ["班组", "team-5", "五班", "", "是", ""],  # 10: a team as expert seat
        ["部门", "dept-1", "营销", "", "也许", ""],  # 11: neither yes nor no
        ["区域", "3201", "南京市", "", "", ""],  # 12: not 6 digits
        ["区域", "990100", "某市", "", "", ""],  # 13: no such province
        ["区域", "320100", "南京市", "", "", ""],
        ["区域", "320100", "南京", "", "", ""],  # 15: duplicate region code
        ["区域", "320106", "鼓楼区", "浙江省", "", ""],  # 16: unknown parent region
        ["区域", "330106", "西湖区", "320100", "", ""],  # 17: parent's code not a prefix
        ["部门", "dept-2", "", "", "", ""],  # 18: no name
    ]
    report = run(xlsx(tmp_path / "bad.xlsx", rows), centre)
    assert not report.written
    found = [(p.row, p.column) for p in report.problems]
    assert found == [
        (2, "类型"),
        (4, "编码"),
        (5, "编码"),
        (6, "编码"),
        (7, "类型"),
        (8, "上级"),
        (9, "上级"),
        (10, "专家座席"),
        (11, "专家座席"),
        (18, "名称"),
        (12, "编码"),
        (13, "编码"),
        (15, "编码"),
        (16, "上级"),
        (17, "上级"),
    ], report.problems
    messages = {p.row: p.message for p in report.problems}
    assert "班组、部门或区域" in messages[2]
    assert "与第 3 行编码相同" in messages[4]
    assert "其他中心" in messages[6]
    assert "直属客服中心" in messages[8]
    assert "GB/T 2260" in messages[12]
    assert "与第 14 行编码相同" in messages[15]
    assert "没有这个区域" in messages[16]
    assert "不能包含" in messages[17]
    assert units(centre) == {"team-9": ("team", "九班", False, True)}
    assert regions() == {}


@pytest.mark.django_db
def test_a_region_name_two_regions_share_must_be_a_code(centre: OrgUnit, tmp_path: Path) -> None:
    Region.objects.create(code="320100", name="南京市")
    Region.objects.create(code="320106", name="鼓楼区")
    Region.objects.create(code="350102", name="鼓楼区")
    rows = [HEADER, ["区域", "320106001", "华侨路街道", "鼓楼区", "", ""]]
    report = run(xlsx(tmp_path / "r.xlsx", rows), centre)
    assert [(p.row, p.column) for p in report.problems] == [(2, "上级")]
    assert "请改填上级的代码" in report.problems[0].message
    rows = [HEADER, ["区域", "320106001", "华侨路街道", "320106", "", ""]]
    assert run(xlsx(tmp_path / "r2.xlsx", rows), centre).created == 1
    assert regions()["320106001"] == ("华侨路街道", "320106")


@pytest.mark.django_db
def test_a_missing_required_column_and_an_empty_sheet(centre: OrgUnit, tmp_path: Path) -> None:
    report = run(xlsx(tmp_path / "m.xlsx", [["类型", "名称"], ["班组", "一班"]]), centre)
    assert [(p.row, p.column) for p in report.problems] == [(1, "编码")]
    empty = run(xlsx(tmp_path / "e.xlsx", [HEADER]), centre)
    assert "只有表头" in empty.problems[0].message
    assert units(centre) == {}


@pytest.mark.django_db
def test_a_dry_run_counts_and_writes_nothing(centre: OrgUnit, tmp_path: Path) -> None:
    report = run(xlsx(tmp_path / "org.xlsx", GOOD), centre, dry_run=True)
    assert (report.ok, report.written, report.created) == (True, False, 8)
    assert units(centre) == {} and regions() == {}


@pytest.mark.django_db
def test_the_template_and_the_export_round_trip(centre: OrgUnit, tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    template_write("org", template)
    sheet = load_workbook(template).worksheets[0]
    assert [c.value for c in sheet[1]] == ["类型*", "编码*", "名称*", "上级", "专家座席", "启用"]
    assert run(xlsx(tmp_path / "org.xlsx", GOOD), centre).ok
    for suffix in (".xlsx", ".csv"):
        exported = tmp_path / f"org{suffix}"
        assert export_write("org", exported, centre=centre, actor=None) == 8
        again = run(exported, centre)
        assert (again.ok, again.unchanged, again.updated, again.created) == (True, 8, 0, 0)
    rows = list(load_workbook(tmp_path / "org.xlsx").worksheets[0].values)
    assert rows[1] == ("班组", "team-1", "一班", None, None, "是")
    assert ("部门", "expert-broadband", "宽带专席", None, "是", "是") in rows
    assert ("区域", "320106", "鼓楼区", "320100", None, None) in rows
