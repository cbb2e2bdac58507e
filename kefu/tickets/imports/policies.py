"""服务时限标准 from a spreadsheet and back: `kefu import policies`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kefu.contacts.models import CallReason
from kefu.core.errors import DomainError
from kefu.core.imports import Column, Report, Row
from kefu.core.imports.cells import yes_no, yes_no_text
from kefu.core.models import WorkCalendar
from kefu.core.workcal import parse_iso_duration
from kefu.customers.models import Tier
from kefu.tickets import sla
from kefu.tickets.durations import duration_iso, duration_text, same_duration
from kefu.tickets.imports.names import (
    RuleImporter,
    any_blank,
    category_column,
    choice_label,
    choices_by_name,
)
from kefu.tickets.models import TicketKind, TimeLimitPolicy, Urgency
from kefu.tickets.services import policy_save
from kefu.tickets.stages import STAGE_LABELS

# The stages in the order a work order meets them (sla.STAGES), and what the sheet calls
# each: the pages' names, and short ones for the two spans over the stages.
STAGE_HEADERS = {
    **{stage: STAGE_LABELS[stage] for stage in ("review", "take", "return", "verify", "reply")},
    "callback": STAGE_LABELS["callback"],
    "overall": gettext_lazy("Whole order"),
    "answer": gettext_lazy("Answer to the customer"),
}


@dataclass
class PolicyPlan:
    number: int
    name: str
    kind: str
    category: CallReason | None
    tier: str
    urgency: str
    calendar: WorkCalendar
    limits: dict[str, dict[str, str]]
    callback_required: bool
    expert_seat: bool
    active: bool


def _stage_columns() -> tuple[Column, ...]:
    columns = []
    for stage, label in STAGE_HEADERS.items():
        columns.append(
            Column(
                f"{stage}_limit",
                format_lazy(_limit_header, stage=label),
                help=format_lazy(_limit_help, stage=label),
                example=_EXAMPLE_LIMITS.get(stage, ("", ""))[0],
            )
        )
        columns.append(
            Column(
                f"{stage}_warning",
                format_lazy(_warning_header, stage=label),
                help=_warning_help,
                example=_EXAMPLE_LIMITS.get(stage, ("", ""))[1],
            )
        )
    return tuple(columns)


_limit_header = gettext_lazy("{stage} limit")
_warning_header = gettext_lazy("{stage} warning")
_limit_help = gettext_lazy(
    "How long “{stage}” may take: 2小时, 90分钟, 3个工作日, 1天4小时 or PT2H. A day is a "
    "working day of the calendar. Blank: no limit for this stage."
)
_warning_help = gettext_lazy(
    "When people are warned before the limit, counted like the limit (no later than it). "
    "Needed with every limit."
)
# The example in each stage column: the complex complaint of 002 第17篇 20 (a clear answer
# within 24 hours).
_EXAMPLE_LIMITS = {
    "review": ("1小时", "45分钟"),
    "take": ("2小时", "1小时30分钟"),
    "return": ("16小时", "12小时"),
    "verify": ("2小时", "1小时30分钟"),
    "reply": ("2小时", "1小时30分钟"),
    "callback": ("24小时", "20小时"),
    "overall": ("48小时", "40小时"),
    "answer": ("24小时", "20小时"),
}


def _example(
    name: str,
    kind: str,
    category: str,
    calendar: str,
    expert_seat: str,
    callback: str,
    limits: dict[str, tuple[str, str]],
) -> tuple[str, ...]:
    cells = [name, kind, category, "", "", calendar, expert_seat, callback, "是"]
    for stage in STAGE_HEADERS:
        cells += list(limits.get(stage, ("", "")))
    return tuple(cells)


class Policies(RuleImporter[PolicyPlan]):
    """服务时限标准. The examples are the source documents' own limits: a complaint not
    answered on the call gets a clear answer within 2 hours (simple) or 24 hours
    (complex) (002 第17篇 20); an expert seat takes a transfer within 10 minutes and
    answers within 10 minutes (000 第8篇)."""

    kind = "policies"
    title = gettext_lazy("Time-limit policies")
    refused = gettext_lazy("You may not change the time-limit policies.")
    columns = (
        Column(
            "name",
            pgettext_lazy("import column", "Policy name"),
            required=True,
            help=gettext_lazy(
                "Unique, up to 100 characters: importing again updates the policy of this name."
            ),
            example="投诉（复杂，24小时答复）",
            aliases=("名称", "规则名称", "时限名称"),
        ),
        Column(
            "kind",
            pgettext_lazy("import column", "Work-order kind"),
            help=gettext_lazy(
                "咨询, 查询, 业务受理, 投诉, 建议, 故障报修, 表扬 or 求助; blank or 不限: any kind."
            ),
            example="投诉",
            aliases=("工单种类", "类型"),
        ),
        category_column(
            help=gettext_lazy(
                "A business type or service content of the call-reason catalogue: its code, "
                "name, or 业务种类/服务内容; blank: any."
            ),
            example="服务态度",
        ),
        Column(
            "tier",
            pgettext_lazy("import column", "Customer tier"),
            help=gettext_lazy("特定客户, VIP 客户, 中高端客户 or 一般客户; blank: any."),
            aliases=("客户级别",),
        ),
        Column(
            "urgency",
            pgettext_lazy("import column", "Urgency"),
            help=gettext_lazy("一般, 紧急 or 特急; blank: any."),
            aliases=("紧急度",),
        ),
        Column(
            "calendar",
            pgettext_lazy("import column", "Calendar"),
            required=True,
            help=gettext_lazy(
                "The working calendar the limits count on: its name or title, or 7×24小时 / "
                "工作时间 when the centre has one of that kind."
            ),
            example="7×24小时",
            aliases=("工作日历", "时限日历"),
        ),
        Column(
            "expert_seat",
            pgettext_lazy("import column", "Expert seat"),
            help=gettext_lazy(
                "是: limits for an expert seat holding the order (接单 and 处理回单 only); "
                "blank: 否."
            ),
            aliases=("专席时限",),
        ),
        Column(
            "callback_required",
            pgettext_lazy("import column", "Callback required"),
            help=gettext_lazy("是 or 否 (blank: 是). Without callbacks, leave 回访 blank."),
            example="是",
            aliases=("是否回访",),
        ),
        Column(
            "active",
            pgettext_lazy("import column", "Active"),
            help=gettext_lazy(
                "是 or 否 (blank: 是). A policy missing from the file is not deleted: write 否 "
                "here to stop using it."
            ),
            example="是",
            aliases=("是否启用",),
        ),
        *_stage_columns(),
    )
    notes = (
        gettext_lazy(
            "One row per policy. Empty match columns match any order; the most specific "
            "matching policy applies."
        ),
        gettext_lazy(
            "Importing again updates the policies found by name and reports what changed; a "
            "policy missing from the file is not deleted."
        ),
        gettext_lazy(
            "The examples are the source documents' own limits: a complaint not answered on "
            "the call gets a clear answer within 2 hours (simple) or 24 hours (complex), 002 "
            "第17篇 20; an expert seat takes a transfer and answers within 10 minutes each, "
            "000 第8篇."
        ),
    )
    examples = (
        _example(
            "投诉（简单，2小时答复）",
            "投诉",
            "服务态度",
            "7×24小时",
            "",
            "是",
            {
                "review": ("15分钟", "10分钟"),
                "take": ("15分钟", "10分钟"),
                "return": ("1小时", "45分钟"),
                "verify": ("10分钟", "5分钟"),
                "reply": ("10分钟", "5分钟"),
                "callback": ("24小时", "20小时"),
                "overall": ("26小时", "24小时"),
                "answer": ("2小时", "1小时30分钟"),
            },
        ),
        _example("投诉（复杂，24小时答复）", "投诉", "", "7×24小时", "", "是", _EXAMPLE_LIMITS),
        _example(
            "专席转派（10分钟接单，10分钟答复）",
            "",
            "",
            "7×24小时",
            "是",
            "是",
            {"take": ("10分钟", "8分钟"), "return": ("10分钟", "8分钟")},
        ),
        _example(
            "一般工单",
            "",
            "",
            "工作时间",
            "",
            "是",
            {
                "review": ("2小时", "1小时30分钟"),
                "return": ("2个工作日", "1个工作日"),
                "overall": ("5个工作日", "4个工作日"),
            },
        ),
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seen: dict[str, int] = {}

    def _choice(
        self, row: Row, report: Report, key: str, choices: list[tuple[str, Any]]
    ) -> str | None:
        text = any_blank(row[key])
        if not text:
            return ""
        value = choices_by_name(choices).get(text.lower())
        if value is None:
            labels = "、".join(str(label) for _value, label in choices)
            self.problem(
                report, row, key, _("Unknown value: write one of %(names)s.") % {"names": labels}
            )
        return value

    def row_record(self, row: Row, report: Report) -> PolicyPlan | None:
        problems = report.problem_count
        name = row["name"]
        if not name:
            self.problem(report, row, "name", _("Required."))
        elif len(name) > 100:
            self.problem(report, row, "name", _("At most 100 characters."))
        elif name in self.seen:
            self.problem(
                report,
                row,
                "name",
                _("The same name is already on row %(row)d: one row per policy.")
                % {"row": self.seen[name]},
            )
        else:
            self.seen[name] = row.number
        kind = self._choice(row, report, "kind", TicketKind.choices)
        tier = self._choice(row, report, "tier", Tier.choices)
        urgency = self._choice(row, report, "urgency", Urgency.choices)
        category = self.found(
            report, row, "category", any_blank(row["category"]), self.names.category
        )
        if not row["calendar"]:
            self.problem(report, row, "calendar", _("Required."))
        calendar = self.found(report, row, "calendar", row["calendar"], self.names.calendar)
        flags = {}
        for key, default in (("expert_seat", False), ("callback_required", True), ("active", True)):
            flags[key] = yes_no(row[key], default=default)
            if flags[key] is None:
                self.problem(report, row, key, _("Write 是 or 否."))
        limits = self._limits(row, report, flags)
        if report.problem_count > problems or calendar is None:
            return None
        plan = PolicyPlan(
            number=row.number,
            name=name,
            kind=kind or "",
            category=category,
            tier=tier or "",
            urgency=urgency or "",
            calendar=calendar,
            limits=limits,
            callback_required=bool(flags["callback_required"]),
            expert_seat=bool(flags["expert_seat"]),
            active=bool(flags["active"]),
        )
        try:
            sla.validate_policy(_as_sla(plan))
        except ValueError:
            # Every rule of validate_policy is checked above, cell by cell; this is the
            # guard that the two never drift apart unnoticed.
            self.problem(report, row, "name", _("These limits do not make a valid policy."))
            return None
        return plan

    def _limits(
        self, row: Row, report: Report, flags: dict[str, bool | None]
    ) -> dict[str, dict[str, str]]:
        limits: dict[str, dict[str, str]] = {}
        problems = report.problem_count
        for stage in STAGE_HEADERS:
            limit_key, warning_key = f"{stage}_limit", f"{stage}_warning"
            values = {}
            for key in (limit_key, warning_key):
                if row[key]:
                    try:
                        values[key] = duration_iso(row[key])
                    except ValueError as error:
                        self.problem(report, row, key, str(error))
            if not row[limit_key] and not row[warning_key]:
                continue
            if not row[limit_key]:
                self.problem(report, row, limit_key, _("A warning needs its limit."))
                continue
            if not row[warning_key]:
                self.problem(
                    report,
                    row,
                    warning_key,
                    _("A limit needs its warning: when people are alerted before it."),
                )
                continue
            if len(values) < 2:
                continue
            limit, warning = values[limit_key], values[warning_key]
            if parse_iso_duration(limit) == (0, parse_iso_duration("PT0S")[1]):
                self.problem(report, row, limit_key, _("A limit of zero makes every order late."))
                continue
            # Working days first, then working time: as validate_policy compares them.
            if parse_iso_duration(warning) > parse_iso_duration(limit):
                self.problem(
                    report,
                    row,
                    warning_key,
                    _("The warning comes after the limit (%(limit)s): it must not be longer.")
                    % {"limit": row[limit_key]},
                )
                continue
            if stage == "callback" and flags["callback_required"] is False:
                self.problem(
                    report,
                    row,
                    limit_key,
                    _("A policy without callbacks has no callback limit: leave it blank."),
                )
                continue
            if flags["expert_seat"] and stage not in sla.EXPERT_SEAT_STAGES:
                self.problem(
                    report,
                    row,
                    limit_key,
                    _("An expert-seat policy sets only the take and return limits."),
                )
                continue
            limits[stage] = {"limit": limit, "warning": warning}
        if flags["expert_seat"] and not limits and report.problem_count == problems:
            self.problem(
                report, row, "take_limit", _("An expert-seat policy needs its take limit.")
            )
        return limits

    def write(self, records: list[PolicyPlan], report: Report) -> None:
        existing = {
            policy.name: policy
            for policy in TimeLimitPolicy.objects.filter(
                name__in=[plan.name for plan in records]
            ).select_related("calendar", "category")
        }
        for plan in records:
            policy = existing.get(plan.name)
            limits = plan.limits
            changes: list[str] = []
            if policy is not None:
                # The same limit however written (PT90M, 1小时30分钟) is kept as stored.
                limits = {
                    stage: (
                        policy.limits[stage]
                        if stage in policy.limits
                        and all(
                            same_duration(policy.limits[stage][part], value[part])
                            for part in ("limit", "warning")
                        )
                        else value
                    )
                    for stage, value in plan.limits.items()
                }
                changes = self._changes(policy, plan, limits)
                if not changes:
                    report.unchanged += 1
                    continue
            try:
                policy_save(
                    actor=self.actor,
                    centre=self.centre,
                    policy_id=policy.pk if policy else None,
                    name=plan.name,
                    calendar=plan.calendar.name,
                    limits=limits,
                    kind=plan.kind,
                    category=plan.category.code if plan.category else None,
                    tier=plan.tier,
                    urgency=plan.urgency,
                    callback_required=plan.callback_required,
                    expert_seat=plan.expert_seat,
                    active=plan.active,
                )
            except DomainError as error:
                report.problem(plan.number, "", str(error.message))
                raise
            if policy is None:
                report.created += 1
            else:
                report.updated += 1
                report.change(plan.number, plan.name, "；".join(changes))

    def _changes(
        self, policy: TimeLimitPolicy, plan: PolicyPlan, limits: dict[str, dict[str, str]]
    ) -> list[str]:
        changes = []

        def compare(label: Any, old: Any, new: Any) -> None:
            if old != new:
                changes.append(f"{label}：{old or '—'} → {new or '—'}")

        columns = {column.key: column.header for column in self.columns}
        compare(
            columns["kind"],
            choice_label(TicketKind.choices, policy.kind),
            choice_label(TicketKind.choices, plan.kind),
        )
        compare(
            columns["category"],
            self.names.category_text(policy.category) if policy.category else "",
            self.names.category_text(plan.category) if plan.category else "",
        )
        compare(
            columns["tier"],
            choice_label(Tier.choices, policy.tier),
            choice_label(Tier.choices, plan.tier),
        )
        compare(
            columns["urgency"],
            choice_label(Urgency.choices, policy.urgency),
            choice_label(Urgency.choices, plan.urgency),
        )
        compare(
            columns["calendar"],
            self.names.calendar_text(policy.calendar),
            self.names.calendar_text(plan.calendar),
        )
        for key in ("expert_seat", "callback_required", "active"):
            compare(
                columns[key], yes_no_text(getattr(policy, key)), yes_no_text(getattr(plan, key))
            )
        days = plan.calendar.kind != WorkCalendar.Kind.ALWAYS
        for stage in STAGE_HEADERS:
            for part in ("limit", "warning"):
                old = policy.limits.get(stage, {}).get(part, "")
                new = limits.get(stage, {}).get(part, "")
                if old != new:
                    compare(
                        columns[f"{stage}_{part}"],
                        _duration_text(old, days),
                        _duration_text(new, days),
                    )
        return changes

    def export_rows(self) -> Iterable[Sequence[Any]]:
        policies = TimeLimitPolicy.objects.select_related("calendar", "category").filter(
            Q(category__isnull=True) | Q(category__centre=self.centre)
        )
        for policy in policies.order_by("name"):
            days = policy.calendar.kind != WorkCalendar.Kind.ALWAYS
            cells = [
                policy.name,
                choice_label(TicketKind.choices, policy.kind),
                self.names.category_text(policy.category) if policy.category else "",
                choice_label(Tier.choices, policy.tier),
                choice_label(Urgency.choices, policy.urgency),
                self.names.calendar_text(policy.calendar),
                yes_no_text(policy.expert_seat),
                yes_no_text(policy.callback_required),
                yes_no_text(policy.active),
            ]
            for stage in STAGE_HEADERS:
                limit = policy.limits.get(stage, {})
                cells += [
                    _duration_text(limit.get("limit", ""), days),
                    _duration_text(limit.get("warning", ""), days),
                ]
            yield cells


def _duration_text(iso: str, working_days: bool) -> str:
    if not iso:
        return ""
    try:
        return duration_text(iso, working_days=working_days)
    except ValueError:
        return iso


def _as_sla(plan: PolicyPlan) -> sla.Policy:
    return sla.Policy(
        key=plan.name,
        kind=plan.kind or None,
        category=plan.category.code if plan.category else None,
        tier=plan.tier or None,
        urgency=plan.urgency or None,
        calendar=plan.calendar.name,
        limits={
            stage: sla.StageLimit(limit=value["limit"], warning=value["warning"])
            for stage, value in plan.limits.items()
        },
        callback_required=plan.callback_required,
        expert_seat=plan.expert_seat,
    )
