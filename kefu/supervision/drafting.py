"""Work reports (issue 20 point 6; seed 002 第14篇 客户服务中心日常工作要求): the period a
report covers, when it is due, its sections, the draft drawn from a person's own figures,
and the plan-completion rule. Pure: no database, no clock.

The seed's rules, as kefu applies them:

- 日报: the day's report, handed in by 9:00 the next morning (第14篇 客户经理 1).
- 周报: the week's (Monday to Sunday) report, handed in by Saturday 18:00 of that week,
  with 本周工作总结, 下周工作计划, 建议或问题 (客户经理 2, 全体员工 4's weekly pair).
- 月报: the month's report, handed in on the last day of the month (by its end), with
  本月工作总结, 下月工作计划, 建议或问题 (全体员工 4).
- The summary is written against the plan; only 80 % or more of the planned tasks done is
  合格 (全体员工 5: 只有按计划完成80%以上的任务才能视为合格).
- A report the leader finds unreasonable is returned and written again (全体员工 6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _


class Kind(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


#: 全体员工 5: only ≥ 80 % of the planned tasks done is 合格 ("80%以上" includes 80 %).
PASS_RATIO = Decimal("0.8")


def period_of(kind: Kind | str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the report's period that holds `day`: the day itself,
    its Monday-to-Sunday week, or its calendar month."""
    kind = Kind(kind)
    if kind is Kind.DAILY:
        return day, day
    if kind is Kind.WEEKLY:
        first = day - dt.timedelta(days=day.weekday())
        return first, first + dt.timedelta(days=6)
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def next_period(kind: Kind | str, first: dt.date) -> tuple[dt.date, dt.date]:
    return period_of(kind, period_of(kind, first)[1] + dt.timedelta(days=1))


def previous_period(kind: Kind | str, first: dt.date) -> tuple[dt.date, dt.date]:
    return period_of(kind, first - dt.timedelta(days=1))


def due_of(kind: Kind | str, first: dt.date) -> dt.datetime:
    """When the report of the period starting `first` is due, in local wall time (naive):
    a day's by 9:00 the next morning; a week's by Saturday 18:00; a month's by the end of
    its last day (002 第14篇)."""
    kind = Kind(kind)
    if kind is Kind.DAILY:
        return dt.datetime.combine(first + dt.timedelta(days=1), dt.time(9))
    if kind is Kind.WEEKLY:
        return dt.datetime.combine(first + dt.timedelta(days=5), dt.time(18))
    last = period_of(kind, first)[1]
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time())


def section_titles(kind: Kind | str) -> dict[str, str]:
    """The three sections of the report as the seed names them for its kind."""
    kind = Kind(kind)
    if kind is Kind.DAILY:
        return {
            "summary": _("Today's work"),
            "problems": _("Suggestions or problems"),
            "plans": _("Plan for tomorrow"),
        }
    if kind is Kind.WEEKLY:
        return {
            "summary": _("This week's work summary"),
            "problems": _("Suggestions or problems"),
            "plans": _("Next week's work plan"),
        }
    return {
        "summary": _("This month's work summary"),
        "problems": _("Suggestions or problems"),
        "plans": _("Next month's work plan"),
    }


@dataclass(frozen=True)
class Figures:
    """A person's own figures for the period. None means the source holds nothing for
    them (no calls on the platform, no QA score): it is left out, never shown as 0."""

    contacts: int = 0
    calls_answered: int | None = None
    talk_seconds: int | None = None
    tickets_created: int = 0
    tickets_handled: int = 0
    tickets_closed: int = 0
    tickets_overdue: int = 0
    qa_count: int = 0
    qa_average: Decimal | None = None
    qa_fatal: int = 0
    callbacks: int = 0
    shifts_planned: int | None = None
    shifts_present: int | None = None
    rounds: int | None = None  # for those who make rounds
    findings: int | None = None
    rectifications_open: int = 0
    rectifications_overdue: int = 0
    rectifications_closed: int = 0

    def as_dict(self) -> dict[str, int | str | None]:
        return {
            name: (str(value) if isinstance(value, Decimal) else value)
            for name, value in self.__dict__.items()
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Figures:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        if known.get("qa_average") is not None:
            known["qa_average"] = Decimal(str(known["qa_average"]))
        return cls(**known)  # type: ignore[arg-type]

    @property
    def empty(self) -> bool:
        return not any(value for name, value in self.__dict__.items() if name != "qa_average") and (
            self.qa_average is None
        )


@dataclass(frozen=True)
class Line:
    """One figure as the report shows it: its label and its value in words."""

    key: str
    label: str
    value: str


def figure_lines(figures: Figures) -> list[Line]:
    """The figures worth a line, in the report's order; a missing source gives no line."""
    lines: list[Line] = []

    def add(key: str, label: str, value: str) -> None:
        lines.append(Line(key, label, value))

    if figures.contacts:
        add("contacts", _("Contacts taken"), str(figures.contacts))
    if figures.calls_answered is not None:
        value = str(figures.calls_answered)
        if figures.calls_answered and figures.talk_seconds is not None:
            average = round(figures.talk_seconds / figures.calls_answered)
            value += " " + _("(average talk %(seconds)s s)") % {"seconds": average}
        add("calls_answered", _("Calls answered"), value)
    if figures.tickets_created or figures.tickets_handled or figures.tickets_closed:
        add(
            "tickets",
            _("Work orders"),
            _("%(created)s created, %(handled)s handled, %(closed)s closed")
            % {
                "created": figures.tickets_created,
                "handled": figures.tickets_handled,
                "closed": figures.tickets_closed,
            },
        )
    if figures.tickets_overdue:
        add("tickets_overdue", _("Work orders overdue"), str(figures.tickets_overdue))
    if figures.qa_count and figures.qa_average is not None:
        value = _("%(count)s scored, average %(average)s") % {
            "count": figures.qa_count,
            "average": figures.qa_average,
        }
        if figures.qa_fatal:
            value += _(", %(fatal)s with a fatal error") % {"fatal": figures.qa_fatal}
        add("qa", _("Quality scores"), value)
    if figures.callbacks:
        add("callbacks", _("Callbacks made"), str(figures.callbacks))
    if figures.shifts_planned:
        add(
            "shifts",
            _("Shifts"),
            _("%(present)s of %(planned)s present")
            % {"present": figures.shifts_present or 0, "planned": figures.shifts_planned},
        )
    if figures.rounds is not None:
        add(
            "rounds",
            _("Supervision rounds"),
            _("%(rounds)s made, %(findings)s findings")
            % {"rounds": figures.rounds, "findings": figures.findings or 0},
        )
    if figures.rectifications_open or figures.rectifications_closed:
        add(
            "rectifications",
            _("Rectifications owned"),
            _("%(closed)s closed, %(open)s open")
            % {"closed": figures.rectifications_closed, "open": figures.rectifications_open},
        )
    return lines


@dataclass(frozen=True)
class Draft:
    summary: str
    problems: str
    plans: str
    lines: list[Line] = field(default_factory=list)


def draft(kind: Kind | str, figures: Figures, *, previous_plans: str = "") -> Draft:
    """The report's first text, from the person's figures: the summary lists what they did
    (and, per 第14篇 5, the plan of the period before to write the summary against); the
    problems name what went overdue; the plans carry the open rectifications. A person
    with no figures gets a summary that says so, for them to write in their own words."""
    lines = figure_lines(figures)
    summary: list[str] = []
    if previous_plans.strip():
        summary.append(_("Planned for this period:"))
        summary.extend(f"- {item}" for item in plan_items(previous_plans))
        summary.append("")
    if lines:
        summary.append(_("From my figures:"))
        summary.extend(
            "- " + _("%(label)s: %(value)s") % {"label": line.label, "value": line.value}
            for line in lines
        )
    else:
        summary.append(_("No figures recorded for this period."))
    problems: list[str] = []
    if figures.tickets_overdue:
        problems.append(
            _("- %(count)s work orders went overdue: reasons and what I will change.")
            % {"count": figures.tickets_overdue}
        )
    if figures.qa_fatal:
        problems.append(
            _("- %(count)s quality scores with a fatal error.") % {"count": figures.qa_fatal}
        )
    if figures.rectifications_overdue:
        problems.append(
            _("- %(count)s rectifications past their deadline.")
            % {"count": figures.rectifications_overdue}
        )
    plans: list[str] = []
    if figures.rectifications_open:
        plans.append(
            _("- Finish the %(count)s open rectifications.")
            % {"count": figures.rectifications_open}
        )
    return Draft("\n".join(summary), "\n".join(problems), "\n".join(plans), lines)


def plan_items(plans: str) -> list[str]:
    """The tasks of a plan: its non-empty lines, list marks taken off."""
    items = []
    for line in plans.splitlines():
        text = line.strip().lstrip("-*·•").strip()
        if text:
            items.append(text)
    return items


@dataclass(frozen=True)
class Completion:
    planned: int
    done: int
    ratio: Decimal
    passed: bool


def completion(planned: int, done: int | None) -> Completion | None:
    """How much of the plan was done (第14篇 全体员工 5): None without a plan or without
    the person's count; 合格 at 80 % or more."""
    if planned <= 0 or done is None:
        return None
    done = max(0, min(done, planned))
    ratio = (Decimal(done) / Decimal(planned)).quantize(Decimal("0.001"))
    return Completion(planned, done, ratio, Decimal(done) >= PASS_RATIO * planned)
