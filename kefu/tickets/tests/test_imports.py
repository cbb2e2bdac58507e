"""Time-limit policies and dispatch rules from spreadsheets and back (`kefu import policies`,
`kefu import dispatch-rules`, issue 16 points 2, 3 and 5): durations as people write them,
kinds, tiers, urgencies and calendars in Chinese, categories and departments by name or
code, re-imports by name reporting what changed, and every bad cell named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from kefu.contacts.models import CallReason
from kefu.core.imports import Report, export_write, import_file, template_write
from kefu.core.models import AuditEntry, OrgUnit, Region, User, WorkCalendar
from kefu.tickets import sla
from kefu.tickets.imports.policies import STAGE_HEADERS
from kefu.tickets.models import DispatchRule, TimeLimitPolicy

POLICY_HEADER = [
    "名称",
    "工单类型",
    "业务分类",
    "客户等级",
    "紧急程度",
    "日历",
    "专席",
    "需要回访",
    "启用",
]
STAGES = list(STAGE_HEADERS)


def xlsx(path: Path, rows: list[list[Any]], *, merge: str = "") -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    if merge:
        book.active.merge_cells(merge)
    book.save(path)
    return path


def policy_row(name: str, *, limits: dict[str, tuple[str, str]], **cells: str) -> list[str]:
    values = {"名称": name, "日历": "7×24小时", **cells}
    row = [values.get(header, "") for header in POLICY_HEADER]
    for stage in STAGES:
        row += list(limits.get(stage, ("", "")))
    return row


STAGE_NAMES = ["审核派单", "接单", "处理回单", "结果审核", "回复客户", "回访", "全程", "答复客户"]


def header() -> list[str]:
    """The sheet's headers as the template writes them."""
    return POLICY_HEADER + [f"{stage}{part}" for stage in STAGE_NAMES for part in ("时限", "预警")]


def run(
    kind: str, path: Path, centre: OrgUnit, *, actor: User | None = None, dry_run: bool = False
) -> Report:
    return import_file(kind, path, centre=centre, actor=actor, dry_run=dry_run)


def problems(report: Report) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.column, p.message) for p in report.problems]


@pytest.fixture
def setting(centre: OrgUnit, always: WorkCalendar, department: OrgUnit) -> dict[str, Any]:
    """The 24×7 and office-hours calendars, a small catalogue and two departments."""
    dims = CallReason.Dimension
    complaint = CallReason.objects.create(
        centre=centre, dimension=dims.BUSINESS_TYPE, code="complaint", name="投诉"
    )
    billing = CallReason.objects.create(
        centre=centre, dimension=dims.BUSINESS_TYPE, code="billing", name="电费电价"
    )
    attitude = CallReason.objects.create(
        centre=centre,
        dimension=dims.SERVICE_CONTENT,
        code="service_attitude",
        name="服务态度",
        parent=complaint,
    )
    for parent, code in ((complaint, "complaint_other"), (billing, "billing_other")):
        CallReason.objects.create(
            centre=centre, dimension=dims.SERVICE_CONTENT, code=code, name="其他", parent=parent
        )
    OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="billing_dept", name="电费", parent=centre
    )
    # The shared `department` fixture is 抢修 (repair).
    return {"attitude": attitude, "billing": billing}


# 002 第17篇 20: "在2小时之内（简单投诉）/24小时之内（复杂投诉）给您明确的答复".
SIMPLE = policy_row(
    "投诉（简单，2小时答复）",
    limits={"answer": ("2小时", "1个半小时"), "review": ("15分钟", "10分钟")},
    工单类型="投诉",
    业务分类="服务态度",
)
COMPLEX = policy_row(
    "投诉（复杂，24小时答复）",
    limits={"answer": ("24小时", "20小时"), "return": ("PT16H", "PT12H")},
    工单类型="投诉",
)
OFFICE = policy_row(
    "一般工单",
    limits={"overall": ("5个工作日", "4个工作日"), "review": ("两小时", "90分钟")},
    日历="workhours",
    客户等级="VIP 客户",
    紧急程度="紧急",
    需要回访="否",
)


@pytest.mark.django_db
def test_policies_as_people_write_them_the_seed_complaint_promises_stored_as_iso(
    centre: OrgUnit, setting: dict[str, Any], tmp_path: Path
) -> None:
    """The two complaint answers of 002 第17篇 20: 2 hours simple, 24 hours complex."""
    report = run("policies", xlsx(tmp_path / "p.xlsx", [header(), SIMPLE, COMPLEX, OFFICE]), centre)
    assert report.ok, problems(report)
    assert (report.created, report.written) == (3, True)
    simple = TimeLimitPolicy.objects.get(name="投诉（简单，2小时答复）")
    assert (simple.kind, simple.category, simple.calendar.name) == (
        "complaint",
        setting["attitude"],
        "24x7",
    )
    assert simple.limits == {
        "answer": {"limit": "PT2H", "warning": "PT1H30M"},
        "review": {"limit": "PT15M", "warning": "PT10M"},
    }
    complex_ = TimeLimitPolicy.objects.get(name="投诉（复杂，24小时答复）")
    assert complex_.limits["answer"] == {"limit": "PT24H", "warning": "PT20H"}
    office = TimeLimitPolicy.objects.get(name="一般工单")
    assert (office.tier, office.urgency, office.callback_required, office.calendar.name) == (
        "vip",
        "urgent",
        False,
        "workhours",
    )
    assert office.limits == {
        "overall": {"limit": "P5D", "warning": "P4D"},
        "review": {"limit": "PT2H", "warning": "PT1H30M"},
    }
    assert AuditEntry.objects.filter(action="policy.create").count() == 3


@pytest.mark.django_db
def test_the_templates_examples_are_the_seeds_limits_and_import_as_they_are(
    centre: OrgUnit, setting: dict[str, Any], tmp_path: Path
) -> None:
    """The template cites 002 第17篇 20 and 000 第8篇, and its example rows carry those
    limits: copied to the sheet, they import."""
    template = tmp_path / "t.xlsx"
    template_write("policies", template)
    book = load_workbook(template)
    sheet, notes = book.worksheets
    assert [str(cell.value).rstrip("*") for cell in sheet[1]] == header()
    assert sorted(STAGE_HEADERS) == sorted(sla.STAGES)  # a column pair for every stage
    rows = [[cell.value or "" for cell in row] for row in notes.iter_rows()]
    text = "\n".join("".join(map(str, row)) for row in rows)
    assert "002 第17篇 第20条" in text and "000 第8篇" in text
    start = next(i for i, row in enumerate(rows) if row[0] == "示例（复制到第一个工作表使用）：")
    examples = [row[: sheet.max_column] for row in rows[start + 2 :] if row[0]]
    assert [row[0] for row in examples] == [
        "投诉（简单，2小时答复）",
        "投诉（复杂，24小时答复）",
        "专席转派（10分钟接单，10分钟答复）",
        "一般工单",
    ]
    for example in examples:
        sheet.append(example)
    book.save(template)
    report = run("policies", template, centre)
    assert report.ok, problems(report)
    limits = dict(TimeLimitPolicy.objects.values_list("name", "limits"))
    assert limits["投诉（简单，2小时答复）"]["answer"] == {"limit": "PT2H", "warning": "PT1H30M"}
    assert limits["投诉（复杂，24小时答复）"]["answer"] == {"limit": "PT24H", "warning": "PT20H"}
    assert limits["专席转派（10分钟接单，10分钟答复）"] == {
        "take": {"limit": "PT10M", "warning": "PT8M"},
        "return": {"limit": "PT10M", "warning": "PT8M"},
    }


@pytest.mark.django_db
def test_a_second_import_updates_by_name_and_reports_what_changed(
    centre: OrgUnit, setting: dict[str, Any], tmp_path: Path
) -> None:
    assert run("policies", xlsx(tmp_path / "p.xlsx", [header(), SIMPLE, COMPLEX]), centre).ok
    # The same limits written another way change nothing.
    same = policy_row(
        "投诉（简单，2小时答复）",
        limits={"answer": ("PT2H", "90分钟"), "review": ("15 min", "PT10M")},
        工单类型="complaint",
        业务分类="service_attitude",
    )
    changed = policy_row(
        "投诉（复杂，24小时答复）",
        limits={"answer": ("24小时", "22小时"), "return": ("PT16H", "PT12H")},
        工单类型="投诉",
        业务分类="投诉",
        启用="否",
    )
    report = run("policies", xlsx(tmp_path / "p2.xlsx", [header(), same, changed]), centre)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1), problems(report)
    assert [(c.row, c.key, c.text) for c in report.changes] == [
        (
            3,
            "投诉（复杂，24小时答复）",
            "业务分类：— → 投诉；启用：是 → 否；答复客户预警：20小时 → 22小时",
        )
    ]
    assert TimeLimitPolicy.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            policy_row("甲", limits={"review": ("2小时", "1小时")}, 日历="节假日历"),
            [(2, "日历", "未知的日历：请填写 7×24、工作时间 之一。")],
        ),
        (
            policy_row("甲", limits={"review": ("2小时", "1小时")}, 业务分类="电费查询"),
            [(2, "业务分类", "未知的业务分类：请填写业务种类或服务内容的代码或名称。")],
        ),
        (
            policy_row("甲", limits={"review": ("2小时", "1小时")}, 业务分类="其他"),
            [(2, "业务分类", "有多个来电原因符合：请填写代码，或写成 业务种类/服务内容。")],
        ),
        (
            policy_row("甲", limits={"review": ("两个钟", "1小时")}),
            [
                (
                    2,
                    "审核派单时限",
                    "不是时长：请写成 2小时、90分钟、3个工作日 或 1天4小时（也可写 PT2H、P3D）。",
                )
            ],
        ),
        (
            policy_row("甲", limits={"review": ("2小时", "3小时")}),
            [(2, "审核派单预警", "预警晚于时限（2小时）：预警不能比时限长。")],
        ),
        (
            policy_row("甲", limits={"review": ("2小时", "")}),
            [(2, "审核派单预警", "填了时限就必须填预警：到时限之前何时提醒。")],
        ),
        (
            policy_row("甲", limits={"review": ("0分钟", "0分钟")}),
            [(2, "审核派单时限", "时限为零会让每张工单一开始就超时。")],
        ),
        (
            policy_row("甲", limits={"callback": ("1天", "4小时")}, 需要回访="否"),
            [(2, "回访时限", "不需要回访的规则没有回访时限：请留空。")],
        ),
        (
            policy_row("甲", limits={"review": ("10分钟", "8分钟")}, 专席="是"),
            [(2, "审核派单时限", "专席时限只设接单和处理回单两项。")],
        ),
        (
            policy_row("甲", limits={}, 专席="是"),
            [(2, "接单时限", "专席时限必须填写接单时限。")],
        ),
        (
            policy_row("甲", limits={}, 工单类型="催办", 客户等级="钻石"),
            [
                (
                    2,
                    "工单类型",
                    "未知的值：请填写 咨询、查询、业务受理、投诉、建议、故障报修、表扬、求助"
                    " 之一。",
                ),
                (2, "客户等级", "未知的值：请填写 特定客户、VIP 客户、中高端客户、一般客户 之一。"),
            ],
        ),
    ],
    ids=[
        "unknown-calendar",
        "unknown-category",
        "ambiguous-category",
        "not-a-duration",
        "warning-after-limit",
        "limit-without-warning",
        "zero-limit",
        "callback-without-callbacks",
        "expert-seat-stage",
        "expert-seat-without-limits",
        "unknown-kind-and-tier",
    ],
)
def test_a_bad_policy_cell_is_named_and_nothing_is_written(
    centre: OrgUnit,
    setting: dict[str, Any],
    tmp_path: Path,
    row: list[str],
    expected: list[tuple[int, str, str]],
) -> None:
    report = run("policies", xlsx(tmp_path / "bad.xlsx", [header(), row]), centre)
    assert problems(report) == expected
    assert not report.written and not TimeLimitPolicy.objects.exists()


@pytest.mark.django_db
def test_duplicate_names_a_missing_column_a_merged_cell_and_an_empty_sheet(
    centre: OrgUnit, setting: dict[str, Any], tmp_path: Path
) -> None:
    twice = run("policies", xlsx(tmp_path / "d.xlsx", [header(), SIMPLE, COMPLEX, SIMPLE]), centre)
    assert problems(twice) == [(4, "名称", "同名的规则已在第 2 行：每条规则只占一行。")]
    no_calendar = [
        [h for h in header() if h != "日历"],
        [c for i, c in enumerate(SIMPLE) if i != 5],
    ]
    missing = run("policies", xlsx(tmp_path / "m.xlsx", no_calendar), centre)
    assert problems(missing) == [(1, "日历", "缺少必填列：请添加表头为“日历”的一列。")]
    merged = run(
        "policies", xlsx(tmp_path / "g.xlsx", [header(), SIMPLE, COMPLEX], merge="B2:B3"), centre
    )
    assert merged.problems[0].row == 2 and "合并单元格" in merged.problems[0].message
    empty = run("policies", xlsx(tmp_path / "e.xlsx", [header()]), centre)
    assert "只有表头" in empty.problems[0].message
    assert not TimeLimitPolicy.objects.exists()


RULES_HEADER = ["业务分类", "地域", "处理部门", "转组长或主管", "排序"]


@pytest.mark.django_db
def test_dispatch_rules_by_name_or_code_updated_by_route_and_reported(
    centre: OrgUnit, setting: dict[str, Any], region: Region, tmp_path: Path
) -> None:
    rows = [
        RULES_HEADER,
        ["电费电价", "", "电费", "", "10"],
        ["billing", "320106", "repair", "否", "20"],
        # 002 第17篇 18-19: complaints about a staff member's attitude go to the leaders.
        ["服务态度", "", "", "是", "30"],
        ["", "", "抢修", "", ""],
    ]
    report = run("dispatch-rules", xlsx(tmp_path / "r.xlsx", rows), centre)
    assert (report.ok, report.created) == (True, 4), problems(report)
    routes = {
        (r.category.code if r.category else None, r.region_id, r.to_leaders): (
            r.department.code if r.department else None,
            r.position,
        )
        for r in DispatchRule.objects.select_related("category", "department")
    }
    assert routes == {
        ("billing", None, False): ("billing_dept", 10),
        ("billing", region.pk, False): ("repair", 20),
        ("service_attitude", None, True): (None, 30),
        (None, None, False): ("repair", 40),
    }
    moved = [RULES_HEADER, ["电费电价", "", "抢修", "", "10"], ["服务态度", "", "", "是", "35"]]
    again = run("dispatch-rules", xlsx(tmp_path / "r2.xlsx", moved), centre)
    assert (again.created, again.updated) == (0, 2)
    assert [(c.row, c.key, c.text) for c in again.changes] == [
        (2, "电费电价", "处理部门：电费 → 抢修"),
        (3, "服务态度", "排序：30 → 35"),
    ]
    assert DispatchRule.objects.count() == 4  # the rules left out stay


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            ["电费电价", "", "营销部", "", ""],
            [(2, "处理部门", "未知的部门：请填写本中心某个业务部门的名称或代码。")],
        ),
        (
            ["电费查询", "", "电费", "", ""],
            [(2, "业务分类", "未知的业务分类：请填写业务种类或服务内容的代码或名称。")],
        ),
        (
            ["电费电价", "999999", "电费", "", ""],
            [(2, "地域", "未知的地域：请填写地域代码（GB/T 2260）或名称。")],
        ),
        (
            ["电费电价", "", "", "", ""],
            [(2, "处理部门", "必须填写：工单派往的部门（或在“转组长或主管”下填 是）。")],
        ),
        (
            ["服务态度", "", "电费", "是", ""],
            [(2, "处理部门", "一条派单规则只能派往业务部门或提交组长，不能两者兼有。")],
        ),
        (["", "", "", "是", ""], [(2, "业务分类", "请指定提交组长处理的投诉类别。")]),
    ],
    ids=[
        "unknown-department",
        "unknown-category",
        "unknown-region",
        "no-target",
        "two-targets",
        "leaders-need-a-category",
    ],
)
def test_a_bad_dispatch_rule_is_named_and_nothing_is_written(
    centre: OrgUnit, setting: dict[str, Any], tmp_path: Path, row: list[str], expected: Any
) -> None:
    report = run("dispatch-rules", xlsx(tmp_path / "bad.xlsx", [RULES_HEADER, row]), centre)
    assert problems(report) == expected
    assert not DispatchRule.objects.exists()


@pytest.mark.django_db
def test_a_route_twice_in_the_file(
    centre: OrgUnit, setting: dict[str, Any], tmp_path: Path
) -> None:
    rows = [RULES_HEADER, ["电费电价", "", "电费", "", ""], ["billing", "", "抢修", "", ""]]
    report = run("dispatch-rules", xlsx(tmp_path / "d.xlsx", rows), centre)
    assert problems(report) == [
        (3, "业务分类", "第 2 行已有这个分类和地域的派单去向：每个去向只占一行。")
    ]


@pytest.mark.django_db
def test_export_edit_nothing_import_again_changes_nothing(
    centre: OrgUnit, setting: dict[str, Any], region: Region, tmp_path: Path
) -> None:
    assert run(
        "policies", xlsx(tmp_path / "p.xlsx", [header(), SIMPLE, COMPLEX, OFFICE]), centre
    ).ok
    rules = [
        RULES_HEADER,
        ["电费电价", "鼓楼区", "电费", "", "10"],
        ["服务态度", "", "", "是", "30"],
    ]
    assert run("dispatch-rules", xlsx(tmp_path / "r.xlsx", rules), centre).ok
    policies = list(TimeLimitPolicy.objects.order_by("name").values())
    for kind, count in (("policies", 3), ("dispatch-rules", 2)):
        for suffix in (".xlsx", ".csv"):
            exported = tmp_path / f"{kind}{suffix}"
            assert export_write(kind, exported, centre=centre, actor=None) == count
            again = run(kind, exported, centre)
            assert (again.ok, again.created, again.updated, again.unchanged) == (
                True,
                0,
                0,
                count,
            ), problems(again)
    assert list(TimeLimitPolicy.objects.order_by("name").values()) == policies
    sheet = load_workbook(tmp_path / "policies.xlsx").active
    exported_rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    office = exported_rows["一般工单"]
    # As people write them: working days on office hours, hours and minutes otherwise.
    assert office[1:9] == (None, None, "VIP 客户", "紧急", "工作时间", "否", "否", "是")
    assert "5个工作日" in office and "1小时30分钟" in office
    assert exported_rows["投诉（简单，2小时答复）"][2] == "服务态度"


@pytest.mark.django_db
def test_only_who_may_change_policies_imports_them(
    centre: OrgUnit, setting: dict[str, Any], tmp_path: Path, users: dict[str, User]
) -> None:
    path = xlsx(tmp_path / "p.xlsx", [header(), SIMPLE])
    assert problems(run("policies", path, centre, actor=users["manager"])) == [
        (None, "", "您无权修改时限规则。")
    ]
    assert run("policies", path, centre, actor=users["admin"]).created == 1


@pytest.mark.django_db
def test_both_kinds_find_names_alike_and_refuse_alike(
    centre: OrgUnit,
    setting: dict[str, Any],
    region: Region,
    tmp_path: Path,
    users: dict[str, User],
) -> None:
    """The two kinds read a category the same way (one finder, one way of reporting it),
    the dispatch rules a department and a region the same way by name or code, and a person
    who may not change the rules is refused by both."""
    CallReason.objects.create(
        centre=centre,
        dimension=CallReason.Dimension.BUSINESS_TYPE,
        code="retired",
        name="旧业务",
        active=False,
    )
    fuzhou = Region.objects.create(code="350100", name="福州市")
    Region.objects.create(code="350102", name="鼓楼区", parent=fuzhou)
    OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="billing_2", name="电费", parent=centre
    )
    for text, message in (
        # Two service contents called 其他 (under 投诉 and under 电费电价).
        ("其他", "有多个来电原因符合：请填写代码，或写成 业务种类/服务内容。"),
        ("旧业务", "这个来电原因已停用（启用=否）。"),
        ("电费查询", "未知的业务分类：请填写业务种类或服务内容的代码或名称。"),
    ):
        policy_file = [header(), policy_row("一条", limits={}, 业务分类=text)]
        policy = run("policies", xlsx(tmp_path / "p.xlsx", policy_file), centre)
        rule_file = [RULES_HEADER, [text, "", "抢修", "", ""]]
        routes = run("dispatch-rules", xlsx(tmp_path / "r.xlsx", rule_file), centre)
        assert problems(policy) == problems(routes) == [(2, "业务分类", message)]
    by_name = [RULES_HEADER, ["投诉/其他", "鼓楼区", "电费", "", ""]]
    assert problems(run("dispatch-rules", xlsx(tmp_path / "n.xlsx", by_name), centre)) == [
        (2, "地域", "有多个地域叫这个名称：请填写地域代码（GB/T 2260）。"),
        (2, "处理部门", "有多个部门叫这个名称：请填写部门代码。"),
    ]
    by_code = [RULES_HEADER, ["complaint_other", "350102", "billing_2", "", ""]]
    report = run("dispatch-rules", xlsx(tmp_path / "c.xlsx", by_code), centre)
    assert (report.ok, report.created) == (True, 1), problems(report)
    assert list(
        DispatchRule.objects.values_list("category__code", "region__code", "department__code")
    ) == [("complaint_other", "350102", "billing_2")]
    for kind, file, message in (
        ("policies", [header(), SIMPLE], "您无权修改时限规则。"),
        ("dispatch-rules", by_code, "您无权修改派单规则。"),
    ):
        refused = run(kind, xlsx(tmp_path / "x.xlsx", file), centre, actor=users["manager"])
        assert problems(refused) == [(None, "", message)]


@pytest.mark.django_db
def test_the_demo_centres_catalogue_policies_and_routes_round_trip(tmp_path: Path) -> None:
    """The demo centre's own rules (the power-grid catalogue, the policies of 002 第17篇
    and 000 第8篇, the routes) exported and imported again: nothing changes."""
    from kefu import demo
    from kefu.core import demo_content
    from kefu.tickets.demo import load_policies

    calendars = demo._calendars()
    org = demo_content.ORGANISATION
    centre = OrgUnit.objects.create(
        kind=OrgUnit.Kind.CENTRE,
        code=org["code"],
        name=org["name"],
        calendar=calendars["workhours"],
    )
    for unit in org["departments"]:
        OrgUnit.objects.create(
            kind=OrgUnit.Kind.DEPARTMENT, code=unit["code"], name=unit["name"], parent=centre
        )
    demo._taxonomy(centre, demo_content.POWER_TAXONOMY)
    load_policies(centre)
    reasons = list(CallReason.objects.order_by("pk").values())
    policies = list(TimeLimitPolicy.objects.order_by("pk").values())
    rules = list(DispatchRule.objects.order_by("pk").values())
    for kind in ("call-reasons", "policies", "dispatch-rules"):
        exported = tmp_path / f"{kind}.xlsx"
        count = export_write(kind, exported, centre=centre, actor=None)
        again = run(kind, exported, centre)
        assert (again.ok, again.unchanged, again.created, again.updated) == (
            True,
            count,
            0,
            0,
        ), (kind, problems(again))
    assert list(CallReason.objects.order_by("pk").values()) == reasons
    assert list(TimeLimitPolicy.objects.order_by("pk").values()) == policies
    assert list(DispatchRule.objects.order_by("pk").values()) == rules
    # A name holding the path separator is written by its code.
    sheet = load_workbook(tmp_path / "call-reasons.xlsx").active
    parents = {row[3]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert parents["线上缴费"] == "online_channel" and parents["电费查询"] == "电费电价"


@pytest.mark.django_db
def test_the_command_line_exports_and_tries_a_policy_file(
    centre: OrgUnit, setting: dict[str, Any], tmp_path: Path
) -> None:
    from io import StringIO

    from django.core.management import call_command

    assert run("policies", xlsx(tmp_path / "p.xlsx", [header(), SIMPLE]), centre).ok
    exported = tmp_path / "时限规则.csv"
    call_command("export", "policies", "-o", str(exported), stdout=StringIO())
    edited = exported.read_text(encoding="utf-8-sig").replace("1小时30分钟", "1小时45分钟")
    exported.write_text(edited, encoding="utf-8-sig")
    out = StringIO()
    call_command("import", "policies", str(exported), "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "试导入，未写入任何数据。共 1 行：新增 0，更新 1，未变 0。"
    assert lines[1].endswith("投诉（简单，2小时答复）：答复客户预警：1小时30分钟 → 1小时45分钟")
    stored = TimeLimitPolicy.objects.get().limits["answer"]
    assert stored == {"limit": "PT2H", "warning": "PT1H30M"}


def test_the_dispatch_rules_template_and_its_examples(tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    template_write("dispatch-rules", template)
    sheet, notes = load_workbook(template).worksheets
    assert (sheet.title, [cell.value for cell in sheet[1]]) == ("派单规则", RULES_HEADER)
    text = [[cell.value for cell in row if cell.value] for row in notes.iter_rows()]
    assert ["服务态度", "是", "30"] in text
    assert any("文件中没有的规则不会被删除" in str(row) for row in text)
