"""Issue 16, the users import (`kefu import users`): roles by their Chinese names, teams,
departments, employee numbers the telephone platform logs as agent ids; first passwords
handed out once and never changed by a second import; every bad cell by row and column."""

from __future__ import annotations

import csv
import stat
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from kefu.core.imports import Report, export_write, import_file, template_write
from kefu.core.models import OrgUnit, User

HEADER = ["登录名", "姓名", "工号", "手机号", "角色", "班组", "部门", "启用"]
PEOPLE = [
    HEADER,
    ["zhangsan", "张三", "1001", "13800138000", "客服代表", "一班", "", ""],
    ["lisi", "李四", "1002", "", "值班长", "team-1", "", "是"],
    ["wangwu", "王五", "", "", "业务部门处理人", "", "抢修", ""],
    ["zhaoliu", "赵六", "2001", "", "专席", "", "宽带专席", ""],
]


def xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.fixture
def org(centre: OrgUnit, department: OrgUnit) -> dict[str, OrgUnit]:
    def unit(kind: str, code: str, name: str, **extra: Any) -> OrgUnit:
        return OrgUnit.objects.create(kind=kind, code=code, name=name, parent=centre, **extra)

    return {
        "team-1": unit("team", "team-1", "一班"),
        "repair": department,  # 抢修
        "broadband": unit("department", "broadband", "宽带专席", expert_seat=True),
    }


def run(
    path: Path,
    centre: OrgUnit,
    *,
    actor: User | None = None,
    dry_run: bool = False,
    handed: list[dict[str, str]] | None = None,
) -> Report:
    return import_file(
        "users",
        path,
        centre=centre,
        actor=actor,
        dry_run=dry_run,
        handout=None if handed is None else handed.extend,
    )


def people(centre: OrgUnit) -> dict[str, tuple[Any, ...]]:
    return {
        user.username: (
            user.full_name,
            user.employee_number,
            user.phone,
            user.role,
            user.team.code if user.team else None,
            user.department.code if user.department else None,
            user.is_active,
        )
        for user in User.objects.filter(centre=centre).select_related("team", "department")
    }


@pytest.mark.django_db
def test_users_are_created_with_roles_teams_and_numbers_and_get_first_passwords_once(
    centre: OrgUnit, org: dict[str, OrgUnit], tmp_path: Path
) -> None:
    path = xlsx(tmp_path / "users.xlsx", PEOPLE)
    handed: list[dict[str, str]] = []
    dry = run(path, centre, dry_run=True, handed=handed)
    assert (dry.ok, dry.written, dry.created) == (True, False, 4)
    assert people(centre) == {} and handed == []

    report = run(path, centre, handed=handed)
    assert report.ok and report.written and report.created == 4, report.problems
    assert people(centre) == {
        "zhangsan": ("张三", "1001", "13800138000", "agent", "team-1", None, True),
        "lisi": ("李四", "1002", "", "leader", "team-1", None, True),
        "wangwu": ("王五", "", "", "handler", None, "repair", True),
        "zhaoliu": ("赵六", "2001", "", "expert", None, "broadband", True),
    }
    # Each new user gets a password of their own; it is in no report.
    assert [h["username"] for h in handed] == ["zhangsan", "lisi", "wangwu", "zhaoliu"]
    passwords = {h["username"]: h["password"] for h in handed}
    assert len(set(passwords.values())) == 4
    for username, password in passwords.items():
        assert User.objects.get(username=username).check_password(password)
        assert password not in str(report.as_json())


@pytest.mark.django_db
def test_a_second_import_updates_by_sign_in_name_and_never_changes_a_password(
    centre: OrgUnit, org: dict[str, OrgUnit], tmp_path: Path
) -> None:
    assert run(xlsx(tmp_path / "u.xlsx", PEOPLE), centre).ok
    before = User.objects.get(username="zhangsan").password
    changed = [
        [*HEADER, "初始密码"],
        ["zhangsan", "张三", "1001", "13900139000", "班长", "一班", "", "", "new-Password-2026"],
        ["lisi", "李四", "1002", "", "值班长", "team-1", "", "否", ""],
        ["wangwu", "王五", "", "", "业务部门处理人", "", "抢修", "", ""],
    ]
    handed: list[dict[str, str]] = []
    report = run(xlsx(tmp_path / "u2.xlsx", changed), centre, handed=handed)
    assert (report.created, report.updated, report.unchanged) == (0, 2, 1), report.problems
    assert [(c.row, c.key, c.text) for c in report.changes] == [
        (2, "zhangsan", "手机号：13800138000 → 13900139000；角色：客服代表 → 班长"),
        (3, "lisi", "启用：是 → 否"),
    ]
    assert [(w.row, w.column) for w in report.warnings] == [(2, "初始密码")]
    assert User.objects.get(username="zhangsan").password == before
    assert handed == []


@pytest.mark.django_db
def test_every_bad_cell_is_named_by_row_and_column_and_nothing_is_written(
    centre: OrgUnit,
    other_centre: OrgUnit,
    org: dict[str, OrgUnit],
    make_user: Callable[..., User],
    tmp_path: Path,
) -> None:
    make_user("agent", "held", employee_number="3001")
    make_user("agent", "4001")
    make_user("agent", "elsewhere", centre=other_centre)
    rows = [
        [*HEADER, "初始密码"],
        ["a1", "甲", "", "", "话务主管", "", "", "", ""],  # 2: no such role
        ["a2", "乙", "", "", "客服代表、班长", "", "", "", ""],  # 3: two roles
        ["a3", "丙", "", "", "客服代表", "九班", "", "", ""],  # 4: unknown team
        ["a4", "丁", "", "", "业务部门处理人", "", "营销", "", ""],  # 5: unknown department
        ["a5", "戊", "5001", "", "客服代表", "", "", "", ""],
        ["A5", "戊二", "", "", "客服代表", "", "", "", ""],  # 7: the same sign-in name
        ["a6", "己", "5001", "", "客服代表", "", "", "", ""],  # 8: the same number
        ["a7", "庚", "3001", "", "客服代表", "", "", "", ""],  # 9: another user's number
        ["a8", "辛", "4001", "", "客服代表", "", "", "", ""],  # 10: another's sign-in name
        ["elsewhere", "壬", "", "", "客服代表", "", "", "", ""],  # 11: another centre's
        ["a9", "癸", "", "1380013800", "客服代表", "", "", "", ""],  # 12: bad mobile
        ["a10", "子", "", "02583456789", "客服代表", "", "", "", ""],  # 13: a fixed line
        ["a11", "丑", "", "", "客服代表", "", "", "", "123"],  # 14: weak password
        ["a12", "寅", "", "", "客服代表", "", "", "在", ""],  # 15: neither yes nor no
        ["a 13", "卯", "", "", "客服代表", "", "", "", ""],  # 16: a space in the name
        ["a14", "", "", "", "客服代表", "", "", "", ""],  # 17: no name
        ["a15", "辰", "", "", "", "", "", "", ""],  # 18: no role
    ]
    report = run(xlsx(tmp_path / "bad.xlsx", rows), centre)
    assert not report.written
    found = [(p.row, p.column) for p in report.problems]
    assert found == [
        (2, "角色"),
        (3, "角色"),
        (4, "班组"),
        (5, "部门"),
        (7, "登录名"),
        (8, "工号"),
        (9, "工号"),
        (10, "工号"),
        (11, "登录名"),
        (12, "手机号"),
        (13, "手机号"),
        *[(14, "初始密码")] * (len(found) - 15),
        (15, "启用"),
        (16, "登录名"),
        (17, "姓名"),
        (18, "角色"),
    ], report.problems
    assert (14, "初始密码") in found  # the password rules' own messages, one or more
    messages = {p.row: p.message for p in report.problems}
    assert "不是系统中的角色" in messages[2] and "客服代表" in messages[2]
    assert "每个用户只能有一个角色" in messages[3]
    assert "中心没有这个班组" in messages[4]
    assert "中心没有这个部门" in messages[5]
    assert "与第 6 行登录名相同" in messages[7]
    assert "与第 6 行工号相同" in messages[8]
    assert "用户 held 已使用这个工号" in messages[9]
    assert "4001" in messages[10] and "同时匹配" in messages[10]
    assert "其他中心" in messages[11]
    assert "手机号码" in messages[12]
    assert set(people(centre)) == {"held", "4001"}


@pytest.mark.django_db
def test_the_importing_admin_keeps_their_own_way_in(
    centre: OrgUnit, users: dict[str, User], tmp_path: Path
) -> None:
    admin = users["admin"]
    rows = [HEADER, ["admin", "管理员", "", "", "客服代表", "", "", "否"]]
    report = run(xlsx(tmp_path / "me.xlsx", rows), centre, actor=admin)
    assert [(p.row, p.column) for p in report.problems] == [(2, "启用")]
    rows = [HEADER, ["admin", "管理员", "", "", "客服代表", "", "", ""]]
    report = run(xlsx(tmp_path / "me2.xlsx", rows), centre, actor=admin)
    assert [(p.row, p.column) for p in report.problems] == [(2, "角色")]


@pytest.mark.django_db
def test_the_template_and_the_export_round_trip(
    centre: OrgUnit, org: dict[str, OrgUnit], tmp_path: Path
) -> None:
    template = tmp_path / "t.xlsx"
    template_write("users", template)
    sheet = load_workbook(template).worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "登录名*",
        "姓名*",
        "工号",
        "手机号",
        "角色*",
        "班组",
        "部门",
        "启用",
        "初始密码",
    ]
    assert run(xlsx(tmp_path / "u.xlsx", PEOPLE), centre).ok
    for suffix in (".xlsx", ".csv"):
        exported = tmp_path / f"users{suffix}"
        assert export_write("users", exported, centre=centre, actor=None) == 4
        again = run(exported, centre)
        assert (again.ok, again.unchanged, again.created) == (True, 4, 0), again.problems
    rows = list(load_workbook(tmp_path / "users.xlsx").worksheets[0].values)
    assert ("zhangsan", "张三", "1001", "13800138000", "客服代表", "一班", None, "是", None) in rows


@pytest.mark.django_db
def test_the_command_line_writes_first_passwords_to_a_file_only(
    centre: OrgUnit, org: dict[str, OrgUnit], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = xlsx(tmp_path / "users.xlsx", PEOPLE)
    out, err = StringIO(), StringIO()
    target = tmp_path / "passwords.csv"
    call_command("import", "users", str(path), "-o", str(target), stdout=out, stderr=err)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with target.open(encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["登录名", "姓名", "初始密码"]
    assert [row[0] for row in rows[1:]] == ["zhangsan", "lisi", "wangwu", "zhaoliu"]
    for username, _name, password in rows[1:]:
        assert User.objects.get(username=username).check_password(password)
        assert password not in out.getvalue() + err.getvalue() + caplog.text
    assert "4 个新用户的初始密码" in out.getvalue()
    # Without -o the file goes beside the imported one; a second run creates nobody.
    more = xlsx(tmp_path / "more.xlsx", [HEADER, ["sunqi", "孙七", "", "", "客服代表", "", "", ""]])
    call_command("import", "users", str(more), stdout=StringIO())
    beside = list(tmp_path.glob("more-初始密码-*.csv"))
    assert len(beside) == 1
    out = StringIO()
    call_command("import", "users", str(more), stdout=out)
    assert "初始密码" not in out.getvalue() and len(list(tmp_path.glob("more-*.csv"))) == 1


@pytest.mark.django_db
def test_the_telephone_import_finds_the_agents_by_their_imported_employee_numbers(
    centre: OrgUnit, org: dict[str, OrgUnit], tmp_path: Path
) -> None:
    """The queue_log names agents Agent/1001 and Agent/1002: the users imported with those
    employee numbers are those agents."""
    from kefu.telephony import services
    from kefu.telephony.models import Agent
    from kefu.telephony.tests.test_ingest import LOG

    assert run(xlsx(tmp_path / "users.xlsx", PEOPLE), centre).ok
    log = tmp_path / "queue_log"
    log.write_text(LOG)
    services.telephony_import(centre=centre, path=log)
    agents = {a.name: a.user and a.user.username for a in Agent.objects.select_related("user")}
    assert agents == {"Agent/1001": "zhangsan", "Agent/1002": "lisi"}
    assert Agent.objects.get(name="Agent/1001").team == org["team-1"]


@pytest.mark.django_db
def test_generated_first_passwords_are_hashed_quickly_and_fully_at_the_first_sign_in(
    centre: OrgUnit, org: dict[str, OrgUnit], settings: Any, tmp_path: Path
) -> None:
    """With the product's own hasher (PBKDF2): the random first password is stored with few
    rounds, and Django stores it again with the full rounds when its user signs in."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from kefu.core.services import FIRST_PASSWORD_ITERATIONS, signin

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    rows = [[*HEADER, "初始密码"], ["sunqi", "孙七", "", "", "客服代表", "", "", "", ""]]
    rows.append(["zhouba", "周八", "", "", "客服代表", "", "", "", "Chosen-Password-2026"])
    handed: list[dict[str, str]] = []
    assert run(xlsx(tmp_path / "u.xlsx", rows), centre, handed=handed).ok
    quick = User.objects.get(username="sunqi").password
    assert quick.startswith(f"pbkdf2_sha256${FIRST_PASSWORD_ITERATIONS}$")
    # A password the centre chose itself is hashed in full from the start.
    full = f"pbkdf2_sha256${PBKDF2PasswordHasher.iterations}$"
    assert User.objects.get(username="zhouba").password.startswith(full)
    assert signin(username="sunqi", password=handed[0]["password"], channel="web") is not None
    assert User.objects.get(username="sunqi").password.startswith(full)


@pytest.mark.django_db
def test_a_missing_column_a_merged_cell_and_an_empty_sheet_write_nobody(
    centre: OrgUnit, org: dict[str, OrgUnit], tmp_path: Path
) -> None:
    missing = run(xlsx(tmp_path / "m.xlsx", [["登录名", "姓名"], ["zhangsan", "张三"]]), centre)
    assert [(p.row, p.column) for p in missing.problems] == [(1, "角色")]
    assert "缺少必填列" in missing.problems[0].message
    book = Workbook()
    for row in PEOPLE:
        book.active.append(row)
    book.active.merge_cells("F2:F3")
    book.save(tmp_path / "merged.xlsx")
    merged = run(tmp_path / "merged.xlsx", centre)
    assert [(p.row, p.message) for p in merged.problems] == [
        (2, "工作表中有合并单元格（F2:F3）：请取消合并，并在每个单元格中填写各自的值。")
    ]
    empty = run(xlsx(tmp_path / "e.xlsx", [HEADER]), centre)
    assert "只有表头" in empty.problems[0].message
    assert people(centre) == {}


@pytest.mark.django_db
def test_agents_the_platform_named_before_the_users_import_are_matched_afterwards(
    centre: OrgUnit, org: dict[str, OrgUnit], tmp_path: Path
) -> None:
    """The telephone platform was connected first: its agents had no users; after the
    users import, the next telephone import matches them by their employee numbers."""
    from kefu.telephony import services
    from kefu.telephony.models import Agent
    from kefu.telephony.tests.test_ingest import LOG

    log = tmp_path / "queue_log"
    log.write_text(LOG)
    services.telephony_import(centre=centre, path=log)
    assert not Agent.objects.filter(user__isnull=False).exists()
    assert run(xlsx(tmp_path / "users.xlsx", PEOPLE), centre).ok
    services.telephony_import(centre=centre, path=log)
    agents = {a.name: a.user and a.user.username for a in Agent.objects.select_related("user")}
    assert agents == {"Agent/1001": "zhangsan", "Agent/1002": "lisi"}
    assert Agent.objects.get(name="Agent/1001").team == org["team-1"]
