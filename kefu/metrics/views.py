"""Report pages: the daily, weekly and monthly report with its workbook, and the page where
managers set the centre's targets, counting rules and report e-mails. Thin: reads through
`reports` and `queries`, every change through `services`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kefu.core.errors import Forbidden, Invalid, NotFound
from kefu.core.exports import attachment
from kefu.core.http import request_user
from kefu.core.models import OrgUnit, User
from kefu.core.roles import CHANGE_TARGETS, VIEW_REPORTS
from kefu.metrics import exports, formatting, queries, reports, services, standards
from kefu.metrics.forms import (
    INPUT_UNITS,
    SCOPE_CHOICES,
    ReportForm,
    RulesForm,
    SubscriptionForm,
    TargetForm,
    shown,
)
from kefu.metrics.indicators import Rules
from kefu.metrics.standards import Group
from kefu.telephony.intervals import INTERVAL_SECONDS
from kefu.tickets.stages import STAGE_LABELS

# The order the report's cards come in: the telephone platform's figures first, because
# they move by the interval and a supervisor acts on them during the day.
GROUP_TITLES = {
    Group.QUEUE: gettext_lazy("Calls and queues"),
    Group.AGENT: gettext_lazy("Agents"),
    Group.SERVICE: gettext_lazy("Service and work orders"),
    Group.QUALITY: gettext_lazy("Quality"),
    Group.WORKFORCE: gettext_lazy("Workforce"),
    Group.COST: gettext_lazy("Cost"),
}
SCOPE_TITLES = dict(SCOPE_CHOICES)
TREND_SERIES = ("offered", "answered", "abandoned")


def _centre(request: HttpRequest, permission: str) -> tuple[User, OrgUnit]:
    user = request_user(request)
    if not user.has_perm(permission) or user.centre is None:
        raise Forbidden()
    return user, user.centre


def _report_form(request: HttpRequest, centre: OrgUnit) -> ReportForm:
    return ReportForm(request.GET, scopes=queries.report_scopes(centre), today=timezone.localdate())


def _build(centre: OrgUnit, form: ReportForm) -> reports.Report:
    data = form.cleaned_data
    return reports.kept(
        centre, data["kind"], data["date"], scope=data["scope"], name=data["name"] or None
    )


def _cell(row: dict[str, Any], code: str) -> str:
    value = row[code]
    if code == "login_hours":  # hours read best with a decimal, unlike other counts
        return _("%(hours)s h") % {"hours": f"{value:.1f}"}
    return formatting.value_text(value, exports.column_title(code)[1])


def _table(
    rows: list[dict[str, Any]], columns: tuple[str, ...], lead: list[tuple[str, str]]
) -> dict[str, Any]:
    """A breakdown as headings and text cells: the standards' names head the figures."""
    return {
        "header": [str(title) for _key, title in lead]
        + [exports.column_title(code)[0] for code in columns],
        "rows": [
            [row[key] or "—" for key, _title in lead] + [_cell(row, code) for code in columns]
            for row in rows
        ],
    }


def _stages(report: reports.Report) -> dict[str, Any]:
    return {
        "header": [_("Stage"), _("Stages ended"), _("Of them overdue"), _("On-time rate")],
        "rows": [
            [
                STAGE_LABELS.get(row["stage"], row["stage"]),
                row["ended"],
                row["overdue"],
                formatting.value_text(row["on_time_rate"], "rate"),
            ]
            for row in report.stages
        ],
    }


def _moment(at: dt.date | dt.datetime) -> str:
    return f"{at:%H:%M}" if isinstance(at, dt.datetime) else f"{at:%m-%d}"


def _slots(report: reports.Report) -> list[tuple[str, bool]]:
    """Every interval or day of the period, and whether it has begun: quiet ones show as
    zero, the ones still to come as nothing."""
    now = timezone.now()
    if report.kind == "daily":
        step = dt.timedelta(seconds=INTERVAL_SECONDS)
        start = report.period.start
        count = int((report.period.end - start) / step)
        moments = [start + step * n for n in range(count)]
        return [(_moment(timezone.localtime(at)), at <= now) for at in moments]
    today = timezone.localdate()
    days = [
        report.first_day + dt.timedelta(days=n)
        for n in range((report.last_day - report.first_day).days + 1)
    ]
    return [(_moment(day), day <= today) for day in days]


def _trend(report: reports.Report) -> dict[str, Any]:
    """What the chart draws: volumes as bars, service level as a line in percent."""
    points = {_moment(point["at"]): point for point in report.trend}
    slots = _slots(report)
    titles = {code: str(standards.BY_CODE[code].name) for code in TREND_SERIES}

    def series(code: str) -> list[Any]:
        return [
            points[slot][code] if slot in points else (0 if begun else None)
            for slot, begun in slots
        ]

    levels = [points[slot]["service_level"] if slot in points else None for slot, _begun in slots]
    return {
        "labels": [slot for slot, _begun in slots],
        "bars": [{"name": titles[code], "data": series(code)} for code in TREND_SERIES],
        "line": {
            "name": str(standards.BY_CODE["service_level"].name),
            "data": [None if level is None else round(level * 100, 1) for level in levels],
        },
    }


def _reasons(report: reports.Report) -> list[dict[str, Any]]:
    return [
        {
            "title": _(reports.REASON_TITLES[block["dimension"]]),
            "top": block["top"],
            "risers": block["risers"],
        }
        for block in report.reasons
    ]


def _groups(lines: list[reports.Line], *, narrow: bool) -> tuple[list[dict[str, Any]], bool]:
    """The cards by group, and whether some were left out: for one queue, team or agent,
    the figures the platform does not count at that level (agent time per queue, queue
    waits per team, contacts and costs per anything) would be nothing but n/a."""
    by_group: dict[Group, list[reports.Line]] = {}
    left_out = False
    for line in lines:
        if narrow and line.value is None and line.previous is None:
            left_out = True
            continue
        by_group.setdefault(standards.BY_CODE[line.code].group, []).append(line)
    groups = [
        {"title": title, "lines": by_group[group]}
        for group, title in GROUP_TITLES.items()
        if by_group.get(group)
    ]
    return groups, left_out


def _period_text(report: reports.Report) -> str:
    if report.first_day == report.last_day:
        return f"{report.first_day:%Y-%m-%d}"
    return f"{report.first_day:%Y-%m-%d} – {report.last_day:%Y-%m-%d}"


def _scope_label(form: ReportForm, report: reports.Report) -> str:
    """The queue's title and the agent's full name, where the report knows only codes."""
    scope = form.cleaned_data["scope"]
    if scope == "centre":
        return report.scope_label
    labels = dict(form.named()[scope][1])
    return f"{SCOPE_TITLES[scope]} · {labels.get(form.cleaned_data['name'], report.scope_label)}"


@login_required
@require_GET
def report_page(request: HttpRequest) -> HttpResponse:
    """日报/周报/月报: the indicators judged against the targets, the trend, the
    breakdowns by queue, team and agent, and the call reasons with their hot topics."""
    user, centre = _centre(request, VIEW_REPORTS)
    form = _report_form(request, centre)
    context: dict[str, Any] = {"form": form, "centre": centre}
    if not form.is_valid():
        return render(request, "metrics/report.html", context, status=400)
    report = _build(centre, form)
    groups, left_out = _groups(report.lines, narrow=report.scope != "centre")
    context.update(
        {
            "groups": groups,
            "left_out": left_out,
            "unfinished": report.period.end > timezone.now(),
            "report": report,
            "kind_title": _(exports.KIND_TITLES[report.kind]),
            "period_text": _period_text(report),
            "scope_label": _scope_label(form, report),
            "off": report.off(),
            "trend": _trend(report) if report.trend else None,
            "trend_by_interval": report.kind == "daily",
            "queues": _table(report.queues, reports.QUEUE_COLUMNS, [("name", _("Queue"))]),
            "teams": _table(report.teams, reports.AGENT_COLUMNS, [("name", _("Team"))]),
            "agents": _table(
                report.agents, reports.AGENT_COLUMNS, [("name", _("Agent")), ("team", _("Team"))]
            ),
            "reasons": _reasons(report),
            "rule_notes": [
                reports.rule_note("service_level", report.rules),
                reports.rule_note("fcr", report.rules),
            ],
            "stages": _stages(report),
            "export_url": f"{reverse('report_export')}?{urlencode(form.query())}",
            "can_change_targets": user.has_perm(CHANGE_TARGETS),
        }
    )
    return render(request, "metrics/report.html", context)


def _filename(report: reports.Report, form: ReportForm) -> str:
    """daily-20261130.xlsx; a narrower report adds its scope and name (Agent/1001 loses
    the slash a file name cannot hold)."""
    name = f"{report.kind}-{report.first_day:%Y%m%d}"
    if report.scope != "centre":
        safe = re.sub(r"[^\w.-]+", "", form.cleaned_data["name"])
        name += f"-{report.scope}-{safe}"
    return f"{name}.xlsx"


@login_required
@require_GET
def report_export(request: HttpRequest) -> HttpResponse:
    """The same report as the page, as the .xlsx workbook the e-mails carry."""
    _user, centre = _centre(request, VIEW_REPORTS)
    form = _report_form(request, centre)
    if not form.is_valid():
        context = {"form": form, "centre": centre}
        return render(request, "metrics/report.html", context, status=400)
    report = _build(centre, form)
    disposition = attachment(exports.report_filename(report), fallback=_filename(report, form))
    return HttpResponse(
        exports.report_xlsx(report),
        content_type=services.XLSX,
        headers={"Content-Disposition": disposition},
    )


# The definitions page ------------------------------------------------------------------


def source_text(standard: standards.Standard) -> str:
    """Where a definition comes from: the seed section, its title and the seed's own name
    for the figure (002 第7篇《客户服务中心标准》“平均单呼成本”), or that it is kefu's."""
    if not standard.seed:
        return _("kefu's own indicator, from its work-order process")
    title = standards.SEED_SECTIONS.get(standard.seed, "")
    text = f"{standard.seed}《{title}》" if title else standard.seed
    return f"{text}“{standard.seed_term}”" if standard.seed_term else text


def basis_text(standard: standards.Standard) -> str:
    """Where a default target comes from: the seed's words it follows, quoted, and why it
    reads them as it does; or that kefu chose it."""
    parts = []
    if standard.target_basis:
        parts.append(f"{standard.target_seed or standard.seed}：“{standard.target_basis}”")
    if standard.target_note is not None:
        parts.append(str(standard.target_note))
    return " ".join(parts)


@login_required
@require_GET
def definitions_page(request: HttpRequest) -> HttpResponse:
    """指标定义: every indicator's one name and one definition, how kefu counts it, its seed
    source, and the default target with its direction and where it comes from."""
    _user, centre = _centre(request, VIEW_REPORTS)
    rules = queries.rules_of(centre)
    targets = queries.targets_of(centre)
    groups = []
    for group, title in GROUP_TITLES.items():
        items = [
            {
                "standard": standard,
                "source": source_text(standard),
                "default": formatting.target_text(standard.default_target, standard.unit),
                "basis": basis_text(standard),
                "current": formatting.target_text(targets.get(standard.code), standard.unit),
                "note": reports.rule_note(standard.code, rules),
            }
            for standard in standards.STANDARDS
            if standard.group == group
        ]
        if items:
            groups.append({"title": title, "items": items})
    return render(request, "metrics/definitions.html", {"centre": centre, "groups": groups})


# The targets page ----------------------------------------------------------------------


def _target_row(
    standard: standards.Standard,
    own: dict[str, tuple[float | None, float | None]],
    *,
    typed: dict[str, str] | None = None,
    error: str = "",
    saved: bool = False,
) -> dict[str, Any]:
    """One indicator's row: its default, the centre's own range if set, and the inputs
    (showing what was typed when it was refused)."""
    bounds = own.get(standard.code)
    if bounds is None:
        current = formatting.target_text(standard.default_target, standard.unit)
    else:
        target = None if bounds == (None, None) else standards.Target(*bounds)
        current = formatting.target_text(target, standard.unit)
    effective = bounds if bounds is not None else _default_bounds(standard)
    return {
        "standard": standard,
        "default": formatting.target_text(standard.default_target, standard.unit),
        "basis": basis_text(standard),
        "current": current,
        "own": bounds is not None,
        "low": typed["low"] if typed else shown(effective[0], standard.unit),
        "high": typed["high"] if typed else shown(effective[1], standard.unit),
        "input_unit": INPUT_UNITS.get(standard.unit, ""),
        "error": error,
        "saved": saved,
    }


def _default_bounds(standard: standards.Standard) -> tuple[float | None, float | None]:
    target = standard.default_target
    return (None, None) if target is None else (target.low, target.high)


def _rules_initial(centre: OrgUnit) -> dict[str, Any]:
    row = queries.rules_row(centre)
    if row is None:
        defaults = Rules()
        return {
            "service_level_seconds": defaults.service_level_seconds,
            "short_abandon_seconds": defaults.short_abandon_seconds,
            "ring_cycle_seconds": defaults.ring_cycle_seconds,
            "fcr_window_days": defaults.fcr_window_days,
            "monthly_cost": None,
        }
    return {
        "service_level_seconds": row.service_level_seconds,
        "short_abandon_seconds": row.short_abandon_seconds,
        "ring_cycle_seconds": row.ring_cycle_seconds,
        "fcr_window_days": row.fcr_window_days,
        "monthly_cost": row.monthly_cost,
    }


def _targets_context(
    centre: OrgUnit,
    *,
    row: dict[str, Any] | None = None,
    rules_form: RulesForm | None = None,
    subscription_form: SubscriptionForm | None = None,
    rules_error: str = "",
    subscription_error: str = "",
) -> dict[str, Any]:
    """The page, with the one form that was refused in place of its saved state."""
    own = queries.centre_targets(centre)
    rows = [_target_row(standard, own) for standard in standards.STANDARDS]
    if row is not None:
        rows = [row if item["standard"].code == row["standard"].code else item for item in rows]
    groups = [
        {"title": title, "rows": [r for r in rows if r["standard"].group == group]}
        for group, title in GROUP_TITLES.items()
    ]
    refused_id = subscription_form.data.get("subscription") if subscription_form else None
    subscriptions = []
    for subscription in queries.subscriptions_of(centre):
        if subscription_form is not None and refused_id == str(subscription.pk):
            form = subscription_form
        else:
            form = SubscriptionForm(
                initial={
                    "subscription": subscription.pk,
                    "period": subscription.period,
                    "recipients": subscription.recipients,
                    "active": subscription.active,
                },
                auto_id=f"id_s{subscription.pk}_%s",
            )
        subscriptions.append({"row": subscription, "form": form})
    new = (
        subscription_form
        if subscription_form is not None and not refused_id
        else SubscriptionForm(initial={"period": "daily", "active": True}, auto_id="id_new_%s")
    )
    return {
        "centre": centre,
        "groups": [group for group in groups if group["rows"]],
        "rules_form": rules_form or RulesForm(initial=_rules_initial(centre)),
        "rules_error": rules_error,
        "subscriptions": subscriptions,
        "new_subscription": new,
        "subscription_error": subscription_error,
    }


def _form_error(form: Any) -> str:
    """The first thing wrong with a form, said with its field's label."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return _("Some fields are not valid.")


@login_required
@require_GET
def targets_page(request: HttpRequest) -> HttpResponse:
    """指标目标: each indicator's definition and target, the counting rules, the e-mails."""
    _user, centre = _centre(request, CHANGE_TARGETS)
    return render(request, "metrics/targets.html", _targets_context(centre))


@login_required
@require_POST
def target_save(request: HttpRequest, code: str) -> HttpResponse:
    """One indicator's range; from htmx the row answers in place, otherwise the page."""
    user, centre = _centre(request, CHANGE_TARGETS)
    standard = standards.BY_CODE.get(code)
    if standard is None:
        raise NotFound()
    form = TargetForm(request.POST, unit=standard.unit)
    error = ""
    if form.is_valid():
        low, high = form.bounds()
        try:
            services.target_set(actor=user, code=code, low=low, high=high)
        except Invalid as refused:
            error = str(refused.message)
    else:
        error = _form_error(form)
    typed = (
        {"low": request.POST.get("low", "")[:40], "high": request.POST.get("high", "")[:40]}
        if error
        else None
    )
    row = _target_row(
        standard, queries.centre_targets(centre), typed=typed, error=error, saved=not error
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "metrics/partials/target_row.html", {"row": row})
    if error:
        context = _targets_context(centre, row=row)
        return render(request, "metrics/targets.html", context, status=400)
    messages.success(request, _("The target of %(name)s is saved.") % {"name": standard.name})
    return redirect(f"{reverse('report_targets')}#target-{code}")


@login_required
@require_POST
def rules_save(request: HttpRequest) -> HttpResponse:
    user, centre = _centre(request, CHANGE_TARGETS)
    form = RulesForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.rules_set(actor=user, **form.values())
        except Invalid as refused:
            error = str(refused.message)
    else:
        error = _form_error(form)
    if error:
        context = _targets_context(centre, rules_form=form, rules_error=error)
        return render(request, "metrics/targets.html", context, status=400)
    messages.success(request, _("The counting rules are saved."))
    return redirect(f"{reverse('report_targets')}#rules")


@login_required
@require_POST
def subscription_save(request: HttpRequest) -> HttpResponse:
    user, centre = _centre(request, CHANGE_TARGETS)
    form = SubscriptionForm(request.POST)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_save(
                actor=user,
                period=data["period"],
                recipients=data["recipients"],
                active=data["active"],
                subscription_id=data["subscription"],
            )
        except Invalid as refused:
            error = str(refused.message)
    else:
        error = _form_error(form)
    if error:
        context = _targets_context(centre, subscription_form=form, subscription_error=error)
        return render(request, "metrics/targets.html", context, status=400)
    messages.success(request, _("The report e-mail is saved."))
    return redirect(f"{reverse('report_targets')}#subscriptions")
