"""The rota pages (issue 17 points 3 and 7): the leaders' plan and rota, the agents' own
rota. Thin: the reads are `queries.rota`, the writes `services.rota`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import DateInput
from kefu.core.http import request_user
from kefu.core.roles import PLAN_ROTA, VIEW_ROTA
from kefu.workforce.models import RotaStatus, Shift
from kefu.workforce.queries import service_target
from kefu.workforce.queries.rota import (
    changes_visible_to,
    member_get_for_user,
    rota_coverage,
    rota_get_for_user,
    rota_grid,
    rota_members,
    rota_plan,
    rotas_visible_to,
    shift_templates_of,
    shifts_visible_to,
    template_get_for_user,
)
from kefu.workforce.services.planning import PERCENT_RANGE, SECONDS_RANGE, staffing_goal_set
from kefu.workforce.services.rota import MAX_DAYS, rota_generate, rota_publish, shift_change

PLAN_DAYS_MAX = 14


class SpanForm(forms.Form):
    first_day = forms.DateField(label=_("First day"), widget=DateInput())
    last_day = forms.DateField(label=_("Last day"), widget=DateInput())

    max_days = MAX_DAYS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_day"), cleaned.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", _("The last day comes before the first."))
            elif (last - first).days + 1 > self.max_days:
                self.add_error(
                    "last_day", _("At most %(days)s days at once.") % {"days": self.max_days}
                )
        return cleaned


class ShiftEditForm(forms.Form):
    """One agent's shift on one day of the rota: a template, or a day off (""), and why."""

    member = forms.TypedChoiceField(label=_("Agent"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=DateInput())
    template = forms.ChoiceField(label=_("Shift"), required=False)
    note = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, rota: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rota = rota
        self.fields["member"].choices = [  # type: ignore[attr-defined]
            (member.pk, member.user.full_name or member.user.username) for member in members
        ]
        templates = shift_templates_of(rota.centre_id)
        self.fields["template"].choices = [  # type: ignore[attr-defined]
            ("", _("day off")),
            *((t.code, f"{t.name} {t.start:%H:%M}") for t in templates),
        ]
        self.fields["day"].widget.attrs.update(
            min=rota.first_day.isoformat(), max=rota.last_day.isoformat()
        )

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        if not self.rota.first_day <= day <= self.rota.last_day:
            raise forms.ValidationError(_("The day is outside this rota."))
        return day


class PlanForm(SpanForm):
    queue = forms.ChoiceField(label=_("Queue"), required=False)
    max_days = PLAN_DAYS_MAX


def _require(request: HttpRequest, permission: str) -> Any:
    user = request_user(request)
    if not user.has_perm(permission):
        raise Forbidden()
    return user


class GoalForm(forms.Form):
    """The staffing goal: X % of calls answered within Y s."""

    target_percent = forms.IntegerField(
        label=_("Calls answered in time (%)"),
        min_value=PERCENT_RANGE[0],
        max_value=PERCENT_RANGE[1],
    )
    answer_seconds = forms.IntegerField(
        label=_("Within (s)"), min_value=SECONDS_RANGE[0], max_value=SECONDS_RANGE[1]
    )


@login_required
def plan_page(request: HttpRequest) -> HttpResponse:
    """Per queue: forecast calls, handle time and agents required per interval."""
    return _plan_page(request, _require(request, PLAN_ROTA))


@login_required
@require_POST
def plan_goal_view(request: HttpRequest) -> HttpResponse:
    """A leader sets the staffing goal the plans aim at; a refused one keeps what was typed."""
    user = _require(request, PLAN_ROTA)
    goal = GoalForm(request.POST)
    if goal.is_valid():
        try:
            staffing_goal_set(actor=user, **goal.cleaned_data)
        except DomainError as error:
            goal.add_error(None, str(error.message))
        else:
            return redirect(f"{reverse('workforce_plan')}?{request.GET.urlencode()}")
    return _plan_page(request, user, goal=goal, status=400)


def _plan_page(
    request: HttpRequest, user: Any, *, goal: GoalForm | None = None, status: int = 200
) -> HttpResponse:
    today = timezone.localdate()
    data = request.GET or {
        "first_day": today.isoformat(),
        "last_day": (today + dt.timedelta(days=6)).isoformat(),
    }
    form = PlanForm(data)
    plans: list[Any] = []
    chosen = None
    chart: dict[str, Any] | None = None
    if user.centre is not None:
        from kefu.telephony.models import Queue

        queues = list(Queue.objects.filter(centre=user.centre).order_by("name"))
        choices = [(q.name, q.title or q.name) for q in queues]
        form.fields["queue"].choices = choices  # type: ignore[attr-defined]
        if form.is_valid():
            plans = rota_plan(
                centre=user.centre,
                first=form.cleaned_data["first_day"],
                last=form.cleaned_data["last_day"],
            )
            name = form.cleaned_data.get("queue") or (plans[0].name if plans else "")
            chosen = next((plan for plan in plans if plan.name == name), None)
    if chosen is not None and chosen.days:
        first = chosen.days[0]
        chart = {
            "days": [f"{n // 2:02d}:{n % 2 * 30:02d}" for n in range(len(first.required))],
            "series": [
                {"name": str(_("Forecast calls")), "data": first.calls},
                {"name": str(_("Agents required")), "data": first.required},
            ],
        }
    target = None
    if user.centre is not None:
        share, seconds = service_target(user.centre)
        target = {"share": f"{share * 100:g}", "seconds": seconds}
        if goal is None:
            goal = GoalForm(
                initial={"target_percent": round(share * 100), "answer_seconds": seconds}
            )
    rows = []
    if chosen is not None:
        for day in chosen.days:
            handled = sum(day.calls)
            aht = (
                sum(c * a for c, a in zip(day.calls, day.aht_seconds, strict=True)) / handled
                if handled
                else 0
            )
            rows.append(
                {
                    "day": day.day,
                    "calls": round(handled),
                    "aht": round(aht),
                    "peak": max(day.required, default=0),
                    "hours": sum(day.required) / 2,
                }
            )
    return render(
        request,
        "workforce/plan.html",
        {
            "form": form,
            "plan": chosen,
            "rows": rows,
            "chart": chart,
            "target": target,
            "goal": goal,
            "query": request.GET.urlencode(),
        },
        status=status,
    )


@login_required
def rota_page(request: HttpRequest) -> HttpResponse:
    """The rota: agents × days, the solver's status and explanation, requirement against
    coverage for a day, generate and publish, the versions and the change log."""
    user = _require(request, PLAN_ROTA)
    rotas = list(rotas_visible_to(user).order_by("-first_day", "-pk")[:24])
    today = timezone.localdate()
    rota = None
    if request.GET.get("rota", "").isdigit():
        rota = rota_get_for_user(user, int(request.GET["rota"]))
    elif rotas:
        rota = next((r for r in rotas if r.first_day <= today <= r.last_day), rotas[0])
    return _rota_page(request, user, rotas, rota, _generate_form(rota))


def _generate_form(rota: Any) -> SpanForm:
    """The next rota's four weeks, from the day after `rota` (or today)."""
    today = timezone.localdate()
    return SpanForm(
        initial={
            "first_day": rota.last_day + dt.timedelta(days=1) if rota else today,
            "last_day": (rota.last_day if rota else today - dt.timedelta(days=1))
            + dt.timedelta(days=28),
        }
    )


def _rota_page(
    request: HttpRequest,
    user: Any,
    rotas: list[Any],
    rota: Any,
    generate: SpanForm,
    edit: ShiftEditForm | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {"rotas": rotas, "rota": rota, "generate": generate}
    if rota is not None:
        days, rows = rota_grid(rota)
        try:
            chosen = dt.date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            chosen = None
        if edit is not None and edit.is_valid():
            chosen = edit.cleaned_data["day"]
        today = timezone.localdate()
        if chosen is None or not rota.first_day <= chosen <= rota.last_day:
            chosen = today if rota.first_day <= today <= rota.last_day else rota.first_day
        if edit is None:  # the day shown is the day to change
            members = [row.member for row in rows]
            edit = ShiftEditForm(rota=rota, members=members, initial={"day": chosen})
        coverage = rota_coverage(rota, chosen)
        context.update(
            days=days,
            rows=rows,
            day=chosen,
            chart={
                "days": coverage["labels"],
                "series": [
                    {"name": str(_("Agents required")), "data": coverage["required"]},
                    {"name": str(_("Agents on the rota")), "data": coverage["covered"]},
                ],
            },
            versions=list(rota.versions.select_related("published_by").order_by("-number")),
            changes=list(changes_visible_to(user).filter(rota=rota).order_by("-at", "-pk")[:50]),
            published=rota.status == RotaStatus.PUBLISHED,
            edit=edit,
        )
    return render(request, "workforce/rota.html", context)


@login_required
@require_POST
def shift_edit_view(request: HttpRequest, rota_id: int) -> HttpResponse:
    """The leader gives one agent one day's shift or a day off, with the reason; on a
    published rota the change is recorded. A refused form comes back as typed."""
    user = _require(request, PLAN_ROTA)
    rota = rota_get_for_user(user, rota_id)
    form = ShiftEditForm(request.POST, rota=rota, members=rota_members(rota))
    if form.is_valid():
        data = form.cleaned_data
        try:
            shift_change(
                actor=user,
                member=member_get_for_user(user, data["member"]),
                day=data["day"],
                template=template_get_for_user(user, data["template"])
                if data["template"]
                else None,
                note=data["note"],
                rota=rota,
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect(f"{reverse('workforce_rota')}?rota={rota.pk}&day={data['day']}")
    rotas = list(rotas_visible_to(user).order_by("-first_day", "-pk")[:24])
    return _rota_page(request, user, rotas, rota, _generate_form(rota), edit=form)


@login_required
@require_POST
def rota_generate_view(request: HttpRequest) -> HttpResponse:
    user = _require(request, PLAN_ROTA)
    form = SpanForm(request.POST)
    rotas = list(rotas_visible_to(user).order_by("-first_day", "-pk")[:24])
    if form.is_valid() and user.centre is not None:
        try:
            rota = rota_generate(
                actor=user,
                centre=user.centre,
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect(f"{reverse('workforce_rota')}?rota={rota.pk}")
    return _rota_page(request, user, rotas, rotas[0] if rotas else None, form)


@login_required
@require_POST
def rota_publish_view(request: HttpRequest, rota_id: int) -> HttpResponse:
    user = _require(request, PLAN_ROTA)
    rota = rota_get_for_user(user, rota_id)
    rota_publish(actor=user, rota=rota)
    return redirect(f"{reverse('workforce_rota')}?rota={rota.pk}")


@login_required
def my_rota_page(request: HttpRequest) -> HttpResponse:
    """The agent's own shifts of published rotas from today for four weeks, with their
    breaks, and the changes made to them since publication."""
    user = _require(request, VIEW_ROTA)
    today = timezone.localdate()
    last = today + dt.timedelta(days=27)
    shifts: list[Shift] = list(
        shifts_visible_to(user)
        .filter(member__user=user, rota__status=RotaStatus.PUBLISHED, day__range=(today, last))
        .select_related("template")
        .order_by("day")
    )
    rows = []
    for shift in shifts:
        breaks = []
        for item in shift.breaks:
            start = timezone.localtime(dt.datetime.fromisoformat(item["start"]))
            end = timezone.localtime(dt.datetime.fromisoformat(item["end"]))
            label = _("Meal") if item.get("meal") else _("Break")
            breaks.append(f"{label} {start:%H:%M}–{end:%H:%M}")
        rows.append({"shift": shift, "breaks": breaks})
    changes = list(
        changes_visible_to(user).filter(member__user=user, day__gte=today).order_by("-at")[:20]
    )
    return render(
        request,
        "workforce/my_rota.html",
        {"rows": rows, "changes": changes, "first": today, "last": last},
    )
