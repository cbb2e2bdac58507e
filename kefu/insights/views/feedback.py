"""The page of the feedback to departments (部门信息反馈, issue 21 point 3): a department's
daily, weekly or monthly report (the back office, team leaders and managers choose the
department; a handler reads their own), its e-mail subscriptions, and the manager's forms
to subscribe it and change a subscription (a refused form keeps what was typed)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden, Invalid, NotFound
from kefu.core.forms import DateInput, DayField, refuse
from kefu.core.http import request_user
from kefu.core.models import OrgUnit, User
from kefu.insights.models import FeedbackPeriod, FeedbackSubscription
from kefu.insights.queries import feedback as queries
from kefu.insights.services import feedback as services


class FeedbackChooserForm(forms.Form):
    department = forms.TypedChoiceField(label=gettext_lazy("Department"), coerce=int)
    period = forms.ChoiceField(
        label=gettext_lazy("Report"), choices=FeedbackPeriod.choices, initial="daily"
    )
    day = DayField(label=gettext_lazy("Day"), widget=DateInput())

    def __init__(self, *args: Any, departments: list[OrgUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            (unit.pk, unit.name) for unit in departments
        ]
        self.department_count = len(departments)
        self.fields["day"].widget.attrs["max"] = timezone.localdate().isoformat()


class SubscriptionForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Report"), choices=FeedbackPeriod.choices)
    recipients = forms.CharField(
        label=gettext_lazy("Recipients"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One e-mail address per line; left empty, the department's handlers'."
        ),
    )
    active = forms.BooleanField(label=gettext_lazy("Send it"), required=False, initial=True)


class SubscriptionChangeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    recipients = SubscriptionForm.base_fields["recipients"]
    active = forms.BooleanField(label=gettext_lazy("Send it"), required=False)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _page_url(department_id: int, period: str, day: dt.date) -> str:
    query = urlencode({"department": str(department_id), "period": period, "day": day.isoformat()})
    return f"{reverse('insights_feedback')}?{query}"


def _chosen(
    user: User, request: HttpRequest
) -> tuple[FeedbackChooserForm, int | None, str, dt.date]:
    departments = list(queries.departments_for(user))
    today = timezone.localdate()
    default = user.department_id if user.department_id in {d.pk for d in departments} else None
    if default is None and departments:
        default = queries.busiest(departments)
    initial = {"department": default, "period": FeedbackPeriod.DAILY, "day": today}
    data = {**initial, **{key: value for key, value in request.GET.items() if value}}
    chooser = FeedbackChooserForm(data, departments=departments)
    valid = chooser.is_valid()
    cleaned = chooser.cleaned_data
    if valid:
        return chooser, cleaned["department"], cleaned["period"], cleaned["day"]
    if "department" in chooser.errors and request.GET.get("department"):
        # A department the user may not read is as good as none.
        raise NotFound()
    # A refused day: its error shows, what was typed stays, and today's report of the
    # chosen department and period stands below.
    return (
        chooser,
        cleaned.get("department", default),
        cleaned.get("period", FeedbackPeriod.DAILY),
        today,
    )


def _render(
    request: HttpRequest,
    *,
    department_id: int | None,
    period: str,
    day: dt.date,
    chooser: FeedbackChooserForm,
    subscription_form: SubscriptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    report = None
    if department_id is not None:
        try:
            report = queries.feedback_get_for_user(user, department_id, period, day)
        except Invalid as refused:  # a period that has not begun: shown at the day
            refuse(chooser, refused)
            day = timezone.localdate()
            report = queries.feedback_get_for_user(user, department_id, period, day)
    subscriptions = (
        list(queries.subscriptions_of(user, department_id)) if department_id is not None else []
    )
    may_manage = queries.may_manage(user)
    return render(
        request,
        "insights/feedback/report.html",
        {
            "chooser": chooser,
            "report": report,
            "period": period,
            "day": day,
            "previous_day": (report.span.first - dt.timedelta(days=1)) if report else None,
            "next_day": (
                report.span.last + dt.timedelta(days=1)
                if report and not report.span.running
                else None
            ),
            "period_label": dict(FeedbackPeriod.choices)[period],
            "subscriptions": subscriptions,
            "may_manage": may_manage,
            "subscription_form": (
                subscription_form or SubscriptionForm(initial={"active": True})
                if may_manage and department_id is not None
                else None
            ),
            "department_count": chooser.department_count,
        },
        status=status,
    )


@login_required
def feedback_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_view(user):
        raise Forbidden()
    chooser, department_id, period, day = _chosen(user, request)
    return _render(request, department_id=department_id, period=period, day=day, chooser=chooser)


@login_required
@require_POST
def subscription_create_view(request: HttpRequest) -> HttpResponse:
    """Subscribe the chosen department; refused, the page again with what was typed."""
    user = request_user(request)
    if not queries.may_manage(user):
        raise Forbidden()
    chooser, department_id, period, day = _chosen(user, request)
    if department_id is None:
        raise NotFound()
    department = queries.department_get_for_user(user, department_id)
    form = SubscriptionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_subscription_create(
                actor=user,
                department_id=department.pk,
                period=data["period"],
                recipients=_lines(data["recipients"]),
                active=data["active"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Subscribed: the report goes out by e-mail."))
            return redirect(_page_url(department.pk, period, day))
    return _render(
        request,
        department_id=department.pk,
        period=period,
        day=day,
        chooser=chooser,
        subscription_form=form,
        status=400,
    )


@login_required
def subscription_page(request: HttpRequest, subscription_id: int) -> HttpResponse:
    """Change a subscription's recipients or pause it."""
    user = request_user(request)
    row: FeedbackSubscription = queries.subscription_get_for_user(user, subscription_id)
    if not queries.may_manage(user):
        raise Forbidden()
    form = SubscriptionChangeForm(
        request.POST or None,
        initial={"version": row.version, "recipients": row.recipients, "active": row.active},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_subscription_update(
                actor=user,
                subscription_id=row.pk,
                version=data["version"],
                recipients=_lines(data["recipients"]),
                active=data["active"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Subscription saved."))
            return redirect(_page_url(row.department_id, row.period, timezone.localdate()))
    return render(
        request,
        "insights/feedback/subscription.html",
        {"subscription": row, "form": form},
        status=400 if form.is_bound else 200,
    )
