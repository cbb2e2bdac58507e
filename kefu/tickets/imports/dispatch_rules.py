"""派单规则 from a spreadsheet and back: `kefu import dispatch-rules`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kefu.contacts.models import CallReason
from kefu.core.errors import DomainError
from kefu.core.imports import Column, Report, Row
from kefu.core.imports.cells import yes_no, yes_no_text
from kefu.core.models import OrgUnit, Region
from kefu.tickets.imports.names import RuleImporter, any_blank, category_column
from kefu.tickets.models import DispatchRule
from kefu.tickets.queries import dispatch_rules_of
from kefu.tickets.services import dispatch_rule_save

# -- dispatch rules -----------------------------------------------------------------------


@dataclass
class RulePlan:
    number: int
    category: CallReason | None
    region: Region | None
    department: OrgUnit | None
    to_leaders: bool
    position: int
    changes: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[int | None, int | None, bool]:
        return (
            self.category.pk if self.category else None,
            self.region.pk if self.region else None,
            self.to_leaders,
        )


class DispatchRules(RuleImporter[RulePlan]):
    """派单规则: where orders of a category (and region) go when the back office names no
    department, or, with 转组长或主管, the complaints about a staff member's attitude that
    go to the centre's team leaders and supervisors (002 第17篇 18-19)."""

    kind = "dispatch-rules"
    title = gettext_lazy("Dispatch rules")
    refused = gettext_lazy("You may not change the dispatch rules.")
    columns = (
        category_column(
            help=gettext_lazy(
                "A business type or service content: its code, name, or 业务种类/服务内容; blank: "
                "any category (a catch-all route)."
            ),
            example="电费电价",
        ),
        Column(
            "region",
            pgettext_lazy("import column", "Region"),
            help=gettext_lazy("The customer's region: its code (GB/T 2260) or name; blank: any."),
            example="",
            aliases=("区域", "地区"),
        ),
        Column(
            "department",
            pgettext_lazy("import column", "Department"),
            help=gettext_lazy(
                "The department the orders go to: its name or code. Blank when they go to "
                "the team leaders."
            ),
            example="电费",
            aliases=("处理部门", "业务部门", "派往部门"),
        ),
        Column(
            "to_leaders",
            pgettext_lazy("import column", "To the team leaders"),
            help=gettext_lazy(
                "是: complaints of this category (a staff member's attitude) go to the "
                "centre's team leaders and supervisors, not to a department; blank: 否."
            ),
            aliases=("转组长", "提交组长或主管"),
        ),
        Column(
            "position",
            pgettext_lazy("import column", "Position"),
            help=gettext_lazy(
                "A whole number: between two rules as near to an order, the lower wins. "
                "Blank: the file's order."
            ),
            example="10",
            aliases=("顺序", "序号"),
        ),
    )
    notes = (
        gettext_lazy(
            "One row per route. Importing again updates the rule with the same category, "
            "region and target (a department, or the team leaders) and reports what "
            "changed; a rule missing from the file is not deleted."
        ),
        gettext_lazy(
            "The nearest rule wins: the order's own service content before its business "
            "type, a rule for the customer's region before one for any region."
        ),
    )
    examples = (
        ("故障报修", "", "抢修", "", "10"),
        ("电费电价", "", "电费", "", "20"),
        ("服务态度", "", "", "是", "30"),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: dict[tuple[int | None, int | None, bool], int] = {}

    def row_record(self, row: Row, report: Report) -> RulePlan | None:
        problems = report.problem_count
        category = self.found(
            report, row, "category", any_blank(row["category"]), self.names.category
        )
        region = self.found(report, row, "region", any_blank(row["region"]), self.names.region)
        to_leaders = yes_no(row["to_leaders"], default=False)
        if to_leaders is None:
            self.problem(report, row, "to_leaders", _("Write 是 or 否."))
        department: OrgUnit | None = None
        if row["department"]:
            if to_leaders:
                self.problem(
                    report,
                    row,
                    "department",
                    _("A rule sends orders to a department or to the team leaders, not both."),
                )
            else:
                department = self.found(
                    report, row, "department", row["department"], self.names.department
                )
        elif to_leaders is False:
            self.problem(
                report,
                row,
                "department",
                _("Required: the department the orders go to (or 是 under “%(column)s”).")
                % {"column": self.labels.get("to_leaders", "")},
            )
        if to_leaders and not any_blank(row["category"]):
            self.problem(
                report,
                row,
                "category",
                _("Name the category whose complaints go to the team leaders."),
            )
        position = 0
        if row["position"]:
            if row["position"].isdigit() and int(row["position"]) < 2**31:
                position = int(row["position"])
            else:
                self.problem(report, row, "position", _("A whole number of 0 or more."))
        else:
            position = (len(self.seen) + 1) * 10
        if report.problem_count > problems:
            return None
        plan = RulePlan(row.number, category, region, department, bool(to_leaders), position)
        first = self.seen.setdefault(plan.key, row.number)
        if first != row.number:
            self.problem(
                report,
                row,
                "category",
                _("Row %(row)d already routes this category and region: one row per route.")
                % {"row": first},
            )
            return None
        return plan

    def write(self, records: list[RulePlan], report: Report) -> None:
        existing: dict[tuple[int | None, int | None, bool], DispatchRule] = {}
        for one in sorted(dispatch_rules_of(self.centre.pk), key=lambda r: (r.position, r.pk)):
            existing.setdefault((one.category_id, one.region_id, one.to_leaders), one)
        for plan in records:
            rule = existing.get(plan.key)
            changes: list[str] = []
            if rule is not None:
                old = rule.department
                if (old.pk if old else None) != (plan.department.pk if plan.department else None):
                    changes.append(
                        f"{self.labels['department']}：{old.name if old else '—'} → "
                        f"{plan.department.name if plan.department else '—'}"
                    )
                if rule.position != plan.position:
                    changes.append(
                        f"{self.labels.get('position', _('Position'))}：{rule.position} → "
                        f"{plan.position}"
                    )
                if not changes:
                    report.unchanged += 1
                    continue
            try:
                dispatch_rule_save(
                    actor=self.actor,
                    centre=self.centre,
                    rule_id=rule.pk if rule else None,
                    department=plan.department.code if plan.department else None,
                    category=plan.category.code if plan.category else None,
                    region=plan.region.code if plan.region else None,
                    position=plan.position,
                    to_leaders=plan.to_leaders,
                )
            except DomainError as error:
                report.problem(plan.number, "", str(error.message))
                raise
            if rule is None:
                report.created += 1
            else:
                report.updated += 1
                what = self.names.category_text(plan.category) if plan.category else "*"
                report.change(plan.number, what, "；".join(changes))

    def export_rows(self) -> Iterable[Sequence[Any]]:
        rules = sorted(dispatch_rules_of(self.centre.pk), key=lambda r: (r.position, r.pk))
        regions = {r.pk: r for r in Region.objects.filter(pk__in={r.region_id for r in rules})}
        categories = {r.pk: r for r in self.names.categories}
        for rule in rules:
            category = categories.get(rule.category_id) if rule.category_id else None
            region = regions.get(rule.region_id) if rule.region_id else None
            yield [
                self.names.category_text(category) if category else "",
                self.names.region_text(region) if region else "",
                self.names.department_text(rule.department) if rule.department else "",
                yes_no_text(rule.to_leaders),
                str(rule.position),
            ]
