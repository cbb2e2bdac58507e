"""The organisation from one sheet (`kefu import org`): the centre's teams (班组), its
departments (部门, some of them expert seats 专家座席) and the regions (区域) it serves,
one row each, told apart by the 类型 column.

- Teams and departments are keyed by their 编码 (letters, digits, - and _), which a
  second import uses to update them; in kefu they sit directly under the centre, so their
  上级 is empty or the centre itself.
- Regions are keyed by their GB/T 2260 code (6 digits: 2 of the province, 2 of the
  city, 2 of the district; 9 or 12 for towns and villages under them). Their 上级 is a
  region's code or name (a name two regions share must be given as a code); left empty,
  it is found from the code (320106 → 320100 → 320000) among the regions kefu holds or
  the file brings. Regions are shared by every centre.

The file is checked as a whole (one batch up to `batch_size` rows), so a parent may come
after its children in the file; parents are written first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from kefu.core.importers.cells import yes_no, yes_no_problem, yes_no_text
from kefu.core.imports import Column, Importer, Report, Row
from kefu.core.models import OrgUnit, Region
from kefu.core.services import org_unit_create, org_unit_update, region_save
from kefu.core.validation import PROVINCE_CODES

TEAM, DEPARTMENT, REGION = "team", "department", "region"
KIND_WORDS = {
    TEAM: ("班组", "班", "组", "team"),
    DEPARTMENT: ("部门", "业务部门", "业务接口部门", "department"),
    REGION: ("区域", "地域", "行政区", "行政区划", "region"),
}
UNIT_CODE = re.compile(r"[-a-zA-Z0-9_]+")
REGION_CODE = re.compile(r"\d{6}(\d{3}){0,2}")


def kind_label(kind: str) -> str:
    return {
        TEAM: pgettext("org kind", "Team"),
        DEPARTMENT: pgettext("org kind", "Department"),
        REGION: pgettext("org kind", "Region"),
    }[kind]


def region_prefix(code: str) -> str:
    """What the codes of the regions under `code` begin with (GB/T 2260: 320000 → 32,
    320100 → 3201; a district or a town holds everything that begins with its code)."""
    if len(code) == 6 and code.endswith("00"):
        return code[:2] if code[2:4] == "00" else code[:4]
    return code


def region_ancestors(code: str) -> list[str]:
    """The codes that may hold `code`, nearest first (320106 → 320100, 320000)."""
    if len(code) > 6:
        return [code[: len(code) - 3], *region_ancestors(code[: len(code) - 3])]
    found = []
    if code[4:] != "00":
        found.append(code[:4] + "00")
    if code[2:4] != "00":
        found.append(code[:2] + "0000")
    return found


@dataclass
class UnitRecord:
    row: int
    kind: str
    code: str
    name: str
    expert_seat: bool
    active: bool


@dataclass
class RegionRecord:
    row: int
    code: str
    name: str
    parent: str  # a code; "" derives it from the code when written


class OrgImporter(Importer[UnitRecord | RegionRecord]):
    kind = "org"
    title = pgettext_lazy("import kind", "Organisation")
    batch_size = 50_000
    columns = (
        Column(
            "kind",
            pgettext_lazy("import column", "Type"),
            required=True,
            help=gettext_lazy("班组, 部门 or 区域: what the row describes."),
            example="班组",
            aliases=("类别", "种类"),
        ),
        Column(
            "code",
            pgettext_lazy("org import column", "Code"),
            required=True,
            help=gettext_lazy(
                "Teams and departments: a code of letters, digits, - and _ that stays the "
                "same (a second import updates by it). Regions: the GB/T 2260 code, 6 digits."
            ),
            example="team-1",
            aliases=("代码", "区划代码", "行政区划代码"),
        ),
        Column(
            "name",
            pgettext_lazy("import column", "Name"),
            required=True,
            help=gettext_lazy("The name people know it by."),
            example="一班",
            aliases=("名字",),
        ),
        Column(
            "parent",
            pgettext_lazy("import column", "Parent"),
            help=gettext_lazy(
                "Teams and departments: empty (they sit directly under the centre). Regions: "
                "the code or name of the region above it; empty finds it from the code."
            ),
            example="320100",
            aliases=("上级编码", "上级代码", "上级名称", "所属", "上级区域"),
        ),
        Column(
            "expert_seat",
            pgettext_lazy("org import column", "Expert seat"),
            help=gettext_lazy(
                "Departments only: 是 for a department of expert agents inside the centre "
                "that takes transfers (专席), else 否 or empty."
            ),
            example="否",
            aliases=("专席", "专家坐席", "是否专家座席"),
        ),
        Column(
            "active",
            pgettext_lazy("import column", "Active"),
            help=gettext_lazy(
                "Teams and departments: 是 or empty while in use, 否 for one no longer used."
            ),
            example="是",
            aliases=("是否启用", "状态"),
        ),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unit_rows: dict[str, int] = {}  # code → its row, across batches
        self.region_names: dict[str, str] = {}  # code → name, of the file's regions
        self.region_rows: dict[str, int] = {}

    # -- check ---------------------------------------------------------------------------

    def check(self, rows: Sequence[Row], report: Report) -> list[UnitRecord | RegionRecord]:
        kinds = {row.number: self._kind(row, report) for row in rows}
        unit_rows = [row for row in rows if kinds[row.number] in (TEAM, DEPARTMENT)]
        region_rows = [row for row in rows if kinds[row.number] == REGION]
        units = {
            unit.code: unit
            for unit in OrgUnit.objects.filter(code__in=[row["code"] for row in unit_rows])
        }
        records: list[UnitRecord | RegionRecord] = []
        for row in unit_rows:
            unit = self._unit(row, kinds[row.number] or "", units.get(row["code"]), report)
            if unit is not None:
                records.append(unit)
        # Every region of the batch is known before any parent is looked up, so a parent
        # may come later in the file than its children.
        fresh = [row for row in region_rows if self._region_code(row, report)]
        for row in fresh:
            self.region_names.setdefault(row["code"], row["name"])
        for row in fresh:
            region = self._region(row, report)
            if region is not None:
                records.append(region)
        return records

    def _kind(self, row: Row, report: Report) -> str | None:
        text = row["kind"].strip().lower()
        for kind, words in KIND_WORDS.items():
            if text in words or text == kind_label(kind):
                return kind
        if not text:
            self.problem(report, row, "kind", _("Required: fill in 班组, 部门 or 区域."))
        else:
            self.problem(
                report, row, "kind", _("Not a type of this sheet: use 班组, 部门 or 区域.")
            )
        return None

    def _common(self, row: Row, report: Report) -> bool:
        if not row["name"]:
            self.problem(report, row, "name", _("Required: fill in the name."))
            return False
        if len(row["name"]) > 100:
            self.problem(report, row, "name", _("Too long: at most 100 characters."))
            return False
        return True

    def _unit(self, row: Row, kind: str, unit: OrgUnit | None, report: Report) -> UnitRecord | None:
        code, ok = row["code"], self._common(row, report)
        if not code:
            self.problem(report, row, "code", _("Required: fill in the code."))
            return None
        if not UNIT_CODE.fullmatch(code) or len(code) > 64:
            self.problem(
                report,
                row,
                "code",
                _("A code is made of letters, digits, - and _ (at most 64), such as team-1."),
            )
            return None
        if code in self.unit_rows:
            self.problem(
                report,
                row,
                "code",
                _("The same code as row %(row)d: each code once.") % {"row": self.unit_rows[code]},
            )
            return None
        self.unit_rows[code] = row.number
        elsewhere = unit is not None and (
            unit.kind == OrgUnit.Kind.CENTRE or unit.parent_id != self.centre.pk
        )
        if unit is not None and elsewhere:
            self.problem(
                report,
                row,
                "code",
                _("This code belongs to another centre's unit: choose another."),
            )
            ok = False
        elif unit is not None and unit.kind != kind:
            self.problem(
                report,
                row,
                "kind",
                _("%(code)s is a %(kind)s already: a code keeps its type.")
                % {"code": code, "kind": kind_label(unit.kind)},
            )
            ok = False
        parent = row["parent"]
        if parent and parent not in (self.centre.code, self.centre.name):
            sibling = (
                parent in self.unit_rows
                or OrgUnit.objects.filter(parent=self.centre, code=parent).exists()
                or OrgUnit.objects.filter(parent=self.centre, name=parent).exists()
            )
            if sibling:
                self.problem(
                    report,
                    row,
                    "parent",
                    _(
                        "Teams and departments sit directly under the centre: leave this empty "
                        "or fill in %(centre)s."
                    )
                    % {"centre": self.centre.name},
                )
            else:
                self.problem(
                    report,
                    row,
                    "parent",
                    _("No such parent: leave this empty or fill in %(centre)s.")
                    % {"centre": self.centre.name},
                )
            ok = False
        expert = yes_no(row["expert_seat"], default=False)
        if expert is None:
            self.problem(report, row, "expert_seat", yes_no_problem())
            ok = False
        elif expert and kind != DEPARTMENT:
            self.problem(report, row, "expert_seat", _("Only a department can be an expert seat."))
            ok = False
        active = yes_no(row["active"], default=True)
        if active is None:
            self.problem(report, row, "active", yes_no_problem())
            ok = False
        if not ok:
            return None
        return UnitRecord(row.number, kind, code, row["name"], bool(expert), bool(active))

    def _region_code(self, row: Row, report: Report) -> bool:
        code = row["code"]
        if not code:
            self.problem(report, row, "code", _("Required: fill in the code."))
            return False
        if not REGION_CODE.fullmatch(code) or code[:2] not in PROVINCE_CODES:
            self.problem(
                report,
                row,
                "code",
                _(
                    "Not a GB/T 2260 region code: 6 digits (9 or 12 for towns and villages) "
                    "that begin with a province's two, such as 320106."
                ),
            )
            return False
        if code in self.region_rows:
            self.problem(
                report,
                row,
                "code",
                _("The same code as row %(row)d: each code once.")
                % {"row": self.region_rows[code]},
            )
            return False
        self.region_rows[code] = row.number
        return True

    def _region(self, row: Row, report: Report) -> RegionRecord | None:
        code, ok = row["code"], self._common(row, report)
        parent = row["parent"]
        if parent:
            found = self._region_named(parent)
            if found is None:
                self.problem(
                    report,
                    row,
                    "parent",
                    _(
                        "No such region: give the code or the name of a region kefu holds or "
                        "this file adds."
                    ),
                )
                return None
            if found == "":
                self.problem(
                    report,
                    row,
                    "parent",
                    _("Several regions have this name: give the parent's code instead."),
                )
                return None
            if found == code or not code.startswith(region_prefix(found)):
                self.problem(
                    report,
                    row,
                    "parent",
                    _("%(parent)s cannot hold %(code)s: a region's code begins with its parent's.")
                    % {"parent": found, "code": code},
                )
                return None
            parent = found
        if not ok:
            return None
        return RegionRecord(row.number, code, row["name"], parent)

    def _region_named(self, text: str) -> str | None:
        """The code of the region `text` names (a code or a name), None for none, "" for a
        name several regions share."""
        if text.isdigit():
            if text in self.region_names or Region.objects.filter(code=text).exists():
                return text
            return None
        codes = {code for code, name in self.region_names.items() if name == text}
        codes |= set(Region.objects.filter(name=text).values_list("code", flat=True))
        if len(codes) > 1:
            return ""
        return codes.pop() if codes else None

    # -- write ---------------------------------------------------------------------------

    def write(self, records: list[UnitRecord | RegionRecord], report: Report) -> None:
        units = [record for record in records if isinstance(record, UnitRecord)]
        existing = {
            unit.code: unit
            for unit in OrgUnit.objects.filter(code__in=[record.code for record in units])
        }
        for record in units:
            unit = existing.get(record.code)
            if unit is None:
                org_unit_create(
                    actor=self.actor,
                    centre=self.centre,
                    kind=record.kind,
                    code=record.code,
                    name=record.name,
                    expert_seat=record.expert_seat,
                    active=record.active,
                )
                report.created += 1
                continue
            changes = org_unit_update(
                actor=self.actor,
                unit=unit,
                name=record.name,
                expert_seat=record.expert_seat,
                active=record.active,
            )
            self._count(report, record.row, record.code, changes)
        # Parents before their children: provinces, then cities, then districts, ….
        regions = sorted(
            (record for record in records if isinstance(record, RegionRecord)),
            key=lambda record: (len(region_prefix(record.code)), record.row),
        )
        written: dict[str, Region] = {}
        for region_record in regions:
            parent = self._parent(region_record, written)
            existed = Region.objects.filter(code=region_record.code).exists()
            region, changes = region_save(
                actor=self.actor, code=region_record.code, name=region_record.name, parent=parent
            )
            written[region.code] = region
            if not existed:
                report.created += 1
            else:
                self._count(report, region_record.row, region_record.code, changes)

    def _parent(self, record: RegionRecord, written: dict[str, Region]) -> Region | None:
        candidates = [record.parent] if record.parent else region_ancestors(record.code)
        for code in candidates:
            region = written.get(code) or Region.objects.filter(code=code).first()
            if region is not None:
                return region
        # An empty 上级 and no region above it by the code: a region kefu holds keeps its own.
        held = Region.objects.filter(code=record.code).select_related("parent").first()
        return held.parent if held is not None else None

    def _count(
        self, report: Report, row: int, code: str, changes: dict[str, tuple[Any, Any]]
    ) -> None:
        if not changes:
            report.unchanged += 1
            return
        report.updated += 1
        labels = {"name": "name", "expert_seat": "expert_seat", "active": "active"}
        parts = []
        for field, (before, after) in changes.items():
            label = self.labels.get(labels.get(field, field), field)
            if isinstance(before, bool):
                before, after = yes_no_text(before), yes_no_text(bool(after))
            before, after = _shown(before), _shown(after)
            parts.append(f"{label}：{before} → {after}")
        report.change(row, code, "；".join(parts))

    # -- export --------------------------------------------------------------------------

    def export_rows(self) -> Iterable[Sequence[Any]]:
        units = OrgUnit.objects.filter(
            parent=self.centre, kind__in=[OrgUnit.Kind.TEAM, OrgUnit.Kind.DEPARTMENT]
        ).order_by("-kind", "code")
        for unit in units:
            yield [
                kind_label(unit.kind),
                unit.code,
                unit.name,
                "",
                yes_no_text(unit.expert_seat) if unit.kind == OrgUnit.Kind.DEPARTMENT else "",
                yes_no_text(unit.active),
            ]
        for code, name, parent in Region.objects.order_by("code").values_list(
            "code", "name", "parent__code"
        ):
            yield [kind_label(REGION), code, name, parent or "", "", ""]


def _shown(value: Any) -> str:
    if isinstance(value, Region):
        return f"{value.name}（{value.code}）"
    return str(value) if value not in (None, "") else "—"
