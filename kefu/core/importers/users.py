"""The centre's people from one sheet (`kefu import users`): one row per user, keyed by the
登录名 a second import updates by.

- 工号 is the employee number the telephone platform logs as the agent's id (`Agent/1001`
  is the user whose 工号 is 1001, kefu/telephony/services/folding.py), so it is unique
  within the centre and is no other user's 登录名.
- 角色 is one role, as users see it named (客服代表, 班长, …); kefu gives each user one.
- A new user's first password is the 初始密码 cell, or, left empty, one generated for
  them, handed once to the person who ran the import (`Importer.handouts`: a file from
  the command line, a one-time download from the page) and never kept in the report.
  A second import never changes a password.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kefu.core.importers.cells import yes_no, yes_no_problem, yes_no_text
from kefu.core.imports import Column, Importer, Report, Row
from kefu.core.models import OrgUnit, User
from kefu.core.roles import (
    ADMIN,
    AGENT,
    BACKOFFICE,
    EDITOR,
    EXPERT,
    HANDLER,
    LEADER,
    MANAGER,
    QA,
    ROLES,
)
from kefu.core.services import first_password_hash, user_create, user_update
from kefu.core.validation import InvalidNumber, normalize_phone, phone_kind

# What centres call the roles besides the names kefu shows.
ROLE_WORDS = {
    AGENT: ("值机员", "话务员", "坐席", "座席", "一线", "客服"),
    EXPERT: ("专家座席", "专家坐席", "专席坐席"),
    BACKOFFICE: ("后台人员", "后台审核"),
    HANDLER: ("处理人", "部门处理人", "业务接口部门处理人"),
    LEADER: ("值班长", "班组长", "组长"),
    QA: ("质检",),
    EDITOR: ("知识编辑", "知识库管理员"),
    MANAGER: ("经理", "中心主管"),
    ADMIN: ("管理员", "系统管理"),
}
ROLE_SEPARATORS = ("、", ",", "，", ";", "；", "/", "|")
# Letters and digits people do not mistake for one another when they copy a password.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105
PASSWORD_LENGTH = 14
USERNAME = UnicodeUsernameValidator()


def generated_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _n in range(PASSWORD_LENGTH))


def role_names() -> dict[str, str]:
    """Every way a role may be written in the sheet → its code."""
    names: dict[str, str] = {}
    for code, role in ROLES.items():
        names[code] = code
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(role.label).lower()] = code
        for word in ROLE_WORDS.get(code, ()):
            names[word] = code
    return names


def role_label(code: str | None) -> str:
    role = ROLES.get(code or "")
    return str(role.label) if role else "—"


@dataclass
class UserRecord:
    row: int
    username: str
    full_name: str
    employee_number: str
    phone: str
    role: str
    team: OrgUnit | None
    department: OrgUnit | None
    active: bool
    password: str


class UsersImporter(Importer[UserRecord]):
    kind = "users"
    title = pgettext_lazy("import kind", "Users")
    batch_size = 5_000
    columns = (
        Column(
            "username",
            pgettext_lazy("import column", "Sign-in name"),
            required=True,
            help=gettext_lazy(
                "What the person signs in with: letters, digits and @ . + - _ (at most "
                "150). A second import updates the user by it."
            ),
            example="zhangsan",
            aliases=("用户名", "账号", "帐号", "登录账号"),
        ),
        Column(
            "full_name",
            pgettext_lazy("import column", "Full name"),
            required=True,
            help=gettext_lazy("The person's name as colleagues see it."),
            example="张三",
            aliases=("名字", "员工姓名"),
        ),
        Column(
            "employee_number",
            pgettext_lazy("import column", "Employee number"),
            help=gettext_lazy(
                "The agent's id on the telephone platform (its logs say Agent/1001 for 1001); "
                "unique in the centre."
            ),
            example="1001",
            aliases=("员工编号", "坐席号", "座席号", "坐席工号", "座席工号", "分机号"),
        ),
        Column(
            "phone",
            pgettext_lazy("import column", "Mobile number"),
            help=gettext_lazy("A mainland mobile number, for notices by SMS."),
            example="13800138000",
            aliases=("手机", "手机号码", "联系电话"),
        ),
        Column(
            "role",
            pgettext_lazy("import column", "Role"),
            required=True,
            help=gettext_lazy(
                "One of 客服代表, 专席, 后台, 业务部门处理人, 班长, 质检员, 知识管理员, 主管, "
                "系统管理员."
            ),
            example="客服代表",
            aliases=("岗位", "角色名称"),
        ),
        Column(
            "team",
            pgettext_lazy("import column", "Team"),
            help=gettext_lazy("The team's name or code (import the organisation first)."),
            example="一班",
            aliases=("所属班组", "班组名称"),
        ),
        Column(
            "department",
            pgettext_lazy("users import column", "Department"),
            help=gettext_lazy(
                "For department handlers and expert agents: the department's name or code."
            ),
            example="",
            aliases=("所属部门", "业务部门", "部门名称"),
        ),
        Column(
            "active",
            pgettext_lazy("import column", "Active"),
            help=gettext_lazy("是 or empty: may sign in; 否: may not (left the centre)."),
            example="是",
            aliases=("是否启用", "状态", "在职"),
        ),
        Column(
            "password",
            pgettext_lazy("import column", "First password"),
            help=gettext_lazy(
                "Usually empty: kefu generates one per new user and gives them to you once. "
                "Filled in, it must pass the password rules. Never changes an existing user's."
            ),
            aliases=("密码",),
        ),
    )

    handout_columns = (
        ("username", pgettext_lazy("import column", "Sign-in name")),
        ("full_name", pgettext_lazy("import column", "Full name")),
        ("password", pgettext_lazy("import column", "First password")),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.roles = role_names()
        self.usernames: dict[str, int] = {}  # casefolded → row, across batches
        self.numbers: dict[str, int] = {}  # employee number → row
        units = OrgUnit.objects.filter(
            parent=self.centre, kind__in=[OrgUnit.Kind.TEAM, OrgUnit.Kind.DEPARTMENT]
        )
        self.units: dict[tuple[str, str], list[OrgUnit]] = {}
        for unit in units:
            for name in {unit.code, unit.name}:
                self.units.setdefault((unit.kind, name), []).append(unit)

    # -- check ---------------------------------------------------------------------------

    def check(self, rows: Sequence[Row], report: Report) -> list[UserRecord]:
        names = [row["username"] for row in rows if row["username"]]
        known = {
            user.username: user
            for user in User.objects.filter(username__in=names).only("username", "centre_id")
        }
        batch_names = set(names)
        numbers = [row["employee_number"] for row in rows if row["employee_number"]]
        # Who holds these numbers (or has them as sign-in names) among the centre's people.
        holders = dict(
            User.objects.filter(centre=self.centre, employee_number__in=numbers).values_list(
                "employee_number", "username"
            )
        )
        named = set(
            User.objects.filter(centre=self.centre, username__in=numbers).values_list(
                "username", flat=True
            )
        )
        records = []
        for row in rows:
            ok = self._username(row, known.get(row["username"]), report)
            ok = self._full_name(row, report) and ok
            ok = self._number(row, holders, named, batch_names, report) and ok
            phone = self._phone(row, report)
            role = self._role(row, report)
            team = self._unit(row, "team", OrgUnit.Kind.TEAM, report)
            department = self._unit(row, "department", OrgUnit.Kind.DEPARTMENT, report)
            active = yes_no(row["active"], default=True)
            if active is None:
                self.problem(report, row, "active", yes_no_problem())
            ok = self._self(row, role, active, report) and ok
            existing = row["username"] in known
            ok = self._password(row, existing, report) and ok
            if not ok or phone is None or role is None or active is None:
                continue
            if isinstance(team, bool) or isinstance(department, bool):
                continue
            records.append(
                UserRecord(
                    row.number,
                    row["username"],
                    row["full_name"],
                    row["employee_number"],
                    phone,
                    role,
                    team,
                    department,
                    active,
                    "" if existing else row["password"],
                )
            )
        return records

    def _username(self, row: Row, user: User | None, report: Report) -> bool:
        name = row["username"]
        if not name:
            self.problem(report, row, "username", _("Required: fill in the sign-in name."))
            return False
        try:
            USERNAME(name)
        except ValidationError:
            self.problem(
                report,
                row,
                "username",
                _("A sign-in name is letters, digits and @ . + - _ only, without spaces."),
            )
            return False
        if len(name) > 150:
            self.problem(report, row, "username", _("Too long: at most 150 characters."))
            return False
        folded = name.casefold()
        if folded in self.usernames:
            self.problem(
                report,
                row,
                "username",
                _("The same sign-in name as row %(row)d: each person once.")
                % {"row": self.usernames[folded]},
            )
            return False
        self.usernames[folded] = row.number
        if user is not None and user.centre_id != self.centre.pk:
            self.problem(
                report,
                row,
                "username",
                _("Someone outside this centre signs in with this name: choose another."),
            )
            return False
        return True

    def _full_name(self, row: Row, report: Report) -> bool:
        if not row["full_name"]:
            self.problem(report, row, "full_name", _("Required: fill in the person's name."))
            return False
        if len(row["full_name"]) > 100:
            self.problem(report, row, "full_name", _("Too long: at most 100 characters."))
            return False
        return True

    def _number(
        self,
        row: Row,
        holders: dict[str, str],
        named: set[str],
        batch: set[str],
        report: Report,
    ) -> bool:
        number = row["employee_number"]
        if not number:
            return True
        if len(number) > 32 or any(char.isspace() for char in number):
            self.problem(
                report,
                row,
                "employee_number",
                _("An employee number is at most 32 characters, without spaces."),
            )
            return False
        if number in self.numbers:
            self.problem(
                report,
                row,
                "employee_number",
                _("The same employee number as row %(row)d: each number once in the centre.")
                % {"row": self.numbers[number]},
            )
            return False
        self.numbers[number] = row.number
        holder = holders.get(number)
        # A holder the file itself renumbers (a row of the file) gives the number up.
        if (
            holder
            and holder != row["username"]
            and holder not in batch
            and holder.casefold() not in self.usernames
        ):
            self.problem(
                report,
                row,
                "employee_number",
                _("The user %(name)s has this employee number already.") % {"name": holder},
            )
            return False
        if number != row["username"] and (number in named or number in batch):
            self.problem(
                report,
                row,
                "employee_number",
                _(
                    "Another user signs in with this name: the telephone platform's agent "
                    "%(number)s would match both."
                )
                % {"number": number},
            )
            return False
        return True

    def _phone(self, row: Row, report: Report) -> str | None:
        text = row["phone"]
        if not text:
            return ""
        try:
            number = normalize_phone(text)
            if phone_kind(number) == "mobile":
                return number
        except InvalidNumber:
            pass
        self.problem(
            report, row, "phone", _("Not a mainland mobile number: 11 digits such as 13800138000.")
        )
        return None

    def _role(self, row: Row, report: Report) -> str | None:
        text = row["role"].strip()
        if not text:
            self.problem(report, row, "role", _("Required: fill in the user's role."))
            return None
        words = [text]
        for separator in ROLE_SEPARATORS:
            words = [part.strip() for word in words for part in word.split(separator)]
        codes = {self.roles.get(word.lower()) for word in words if word}
        if None in codes:
            self.problem(
                report,
                row,
                "role",
                _("Not a role of kefu: use one of %(roles)s.")
                % {"roles": "、".join(str(role.label) for role in ROLES.values())},
            )
            return None
        if len(codes) > 1:
            self.problem(report, row, "role", _("One role per user: keep one of them."))
            return None
        return codes.pop()

    def _unit(self, row: Row, key: str, kind: str, report: Report) -> OrgUnit | bool | None:
        """The team or department named; None for none, False for a problem."""
        text = row[key]
        if not text:
            return None
        found = self.units.get((kind, text), [])
        if len(found) == 1:
            return found[0]
        if found:
            self.problem(report, row, key, _("Several have this name: give the code instead."))
        elif kind == OrgUnit.Kind.TEAM:
            self.problem(
                report,
                row,
                key,
                _("No such team in the centre: import the organisation first, or check the name."),
            )
        else:
            self.problem(
                report,
                row,
                key,
                _(
                    "No such department in the centre: import the organisation first, or "
                    "check the name."
                ),
            )
        return False

    def _self(self, row: Row, role: str | None, active: bool | None, report: Report) -> bool:
        """The person running the import keeps their own way in."""
        if self.actor is None or row["username"] != self.actor.username:
            return True
        if active is False:
            self.problem(report, row, "active", _("You cannot switch off your own account."))
            return False
        if role is not None and role != ADMIN and self.actor.role == ADMIN:
            self.problem(
                report, row, "role", _("You cannot take away your own administrator role.")
            )
            return False
        return True

    def _password(self, row: Row, existing: bool, report: Report) -> bool:
        password = row["password"]
        if not password:
            return True
        if existing:
            report.warn(
                row.number,
                self.labels.get("password", "password"),
                _("The password of an existing user is never changed by an import: left as it is."),
            )
            return True
        try:
            validate_password(password, User(username=row["username"], full_name=row["full_name"]))
        except ValidationError as error:
            for message in error.messages:
                report.problem(row.number, self.labels.get("password", "password"), message)
            return False
        return True

    # -- write ---------------------------------------------------------------------------

    def write(self, records: list[UserRecord], report: Report) -> None:
        existing = {
            user.username: user
            for user in User.objects.filter(
                username__in=[record.username for record in records]
            ).select_related("team", "department")
        }
        for record in records:
            user = existing.get(record.username)
            if user is None:
                password = record.password or generated_password()
                user_create(
                    actor=self.actor,
                    username=record.username,
                    password=password,
                    password_hash="" if record.password else first_password_hash(password),
                    role=record.role,
                    full_name=record.full_name,
                    centre=self.centre,
                    team=record.team,
                    department=record.department,
                    employee_number=record.employee_number,
                    phone=record.phone,
                    is_active=record.active,
                )
                report.created += 1
                if not record.password:
                    self.handouts.append(
                        {
                            "username": record.username,
                            "full_name": record.full_name,
                            "password": password,
                        }
                    )
                continue
            changes = user_update(
                actor=self.actor,
                user=user,
                full_name=record.full_name,
                employee_number=record.employee_number,
                phone=record.phone,
                role=record.role,
                team=record.team,
                department=record.department,
                is_active=record.active,
            )
            if not changes:
                report.unchanged += 1
                continue
            report.updated += 1
            report.change(record.row, record.username, self._changes(changes))

    def _changes(self, changes: dict[str, tuple[Any, Any]]) -> str:
        keys = {"is_active": "active"}
        parts = []
        for field, (before, after) in changes.items():
            label = self.labels.get(keys.get(field, field), field)
            if field == "role":
                before, after = role_label(before), role_label(after)
            elif isinstance(before, bool):
                before, after = yes_no_text(before), yes_no_text(bool(after))
            parts.append(f"{label}：{before or '—'} → {after or '—'}")
        return "；".join(parts)

    # -- export --------------------------------------------------------------------------

    def export_rows(self) -> Iterable[Sequence[Any]]:
        people = (
            User.objects.filter(centre=self.centre)
            .select_related("team", "department")
            .prefetch_related("groups")
            .order_by("username")
        )
        for user in people.iterator(chunk_size=2000):
            role = next((g.name for g in user.groups.all() if g.name in ROLES), None)
            yield [
                user.username,
                user.full_name,
                user.employee_number,
                user.phone,
                role_label(role),
                user.team.name if user.team else "",
                user.department.name if user.department else "",
                yes_no_text(user.is_active),
                "",
            ]
