"""The duty-log pages (值班记录, 交接班; 002 第15篇 3.4): the leader's current log with its
quick entry form, the handover the outgoing leader prepares, the incoming leader's
acknowledgement, one log read-only, and the search. Thin: the services write, the
queries read."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import DateInput, DateTimeInput, refuse
from kefu.core.http import request_user
from kefu.core.models import User
from kefu.core.pagination import PageParams, page
from kefu.workforce.models import DutyEntryKind, DutyLog, DutyLogState
from kefu.workforce.queries.duty import (
    current_duty_log,
    duty_log_get_for_user,
    duty_log_search,
    handover_of,
    handovers_waiting_for,
    incoming_leaders,
    order_state_label,
    orders_needing_attention,
)
from kefu.workforce.services import duty as services

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
SEARCH_PAGE = 20


def _when(label: Any, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput(),
        input_formats=[LOCAL_MINUTE],
    )


class DutyLogOpenForm(forms.Form):
    starts_at = _when(_("Shift starts"))
    ends_at = _when(_("Shift ends"))


class DutyEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DutyEntryKind.choices)
    text = forms.CharField(
        label=_("What happened"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    ticket = forms.CharField(label=_("Work order number (optional)"), max_length=20, required=False)
    at = _when(_("Time (empty: now)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # No ids: htmx settles elements of the same id by copying their attributes, and
        # a textarea the leader resized carries an inline style the page's CSP refuses.
        # Each field sits inside its label, which needs no id to name it.
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)


class HandoverForm(forms.Form):
    incoming = forms.ChoiceField(label=_("Incoming leader"))
    notes = forms.CharField(
        label=_("Matters to watch"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Problems left over and what the next shift must watch (002 第15篇 3.4.2.4)."),
    )

    def __init__(self, *args: Any, leaders: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incoming"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (user.username, str(user)) for user in leaders
        ]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("What you found on taking over"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Equipment checked, anything unusual, work to follow up (3.4.1.2–3.4.1.4)."),
    )


class DutySearchForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())
    leader = forms.ChoiceField(label=_("Leader on duty"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *DutyEntryKind.choices]
    )
    q = forms.CharField(label=_("Words"), max_length=100, required=False)

    def __init__(self, *args: Any, leaders: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", _("All"))] + [  # type: ignore[attr-defined]
            (user.username, str(user)) for user in leaders
        ]


def _orders(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Handover rows as a page shows them: the state's name, the limit as a time."""
    return [
        {
            **row,
            "state_label": order_state_label(row["state"]),
            "due_at": datetime.fromisoformat(row["due_at"])
            if isinstance(row["due_at"], str)
            else row["due_at"],
        }
        for row in rows
    ]


def _log_context(log: DutyLog) -> dict[str, Any]:
    handover = handover_of(log)
    return {
        "log": log,
        "entries": list(log.entries.all()),
        "handover": handover,
        "handover_orders": _orders(handover.orders) if handover else [],
    }


@login_required
def duty_log_page(request: HttpRequest) -> HttpResponse:
    """The leader's current duty log: start one, write entries, go to the handover; and
    the handovers waiting for the leader's acknowledgement."""
    user = request_user(request)
    log = current_duty_log(user)  # refuses those who keep no duty log
    waiting = handovers_waiting_for(user)
    status = 200
    now = timezone.localtime().replace(second=0, microsecond=0)
    open_form = DutyLogOpenForm(
        request.POST or None,
        initial={"starts_at": now, "ends_at": now + timedelta(hours=8)},
    )
    if request.method == "POST" and log is None:
        if open_form.is_valid():
            try:
                services.duty_log_open(actor=user, **open_form.cleaned_data)
            except DomainError as refused:
                refuse(open_form, refused)
            else:
                messages.success(request, _("Your duty log is open."))
                return redirect("duty_log")
        status = 400
    context: dict[str, Any] = {"waiting": waiting, "open_form": open_form}
    if log is not None:
        context |= _log_context(log)
        context["entry_form"] = DutyEntryForm()
    return render(request, "workforce/duty/current.html", context, status=status)


@login_required
@require_POST
def duty_entry_add(request: HttpRequest, log_id: int) -> HttpResponse:
    """Add one line to the leader's log: with htmx, the entries and a fresh form come back
    (or the form with what was typed and why it was refused); without, the page."""
    user = request_user(request)
    log = duty_log_get_for_user(user, log_id)
    form = DutyEntryForm(request.POST)
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.duty_entry_add(
                actor=user,
                log_id=log.pk,
                kind=data["kind"],
                text=data["text"],
                at=data["at"],
                ticket_number=data["ticket"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            saved = True
    if saved:
        log = duty_log_get_for_user(user, log_id)
        form = DutyEntryForm(initial={"kind": form.cleaned_data["kind"]})
    if request.htmx:  # type: ignore[attr-defined]
        context = _log_context(log) | {"entry_form": form, "saved": saved}
        return render(request, "workforce/duty/partials/log_entries.html", context)
    if saved:
        messages.success(request, _("The entry is in the duty log."))
        return redirect("duty_log")
    context = _log_context(log) | {
        "entry_form": form,
        "waiting": handovers_waiting_for(user),
        "open_form": None,
    }
    return render(request, "workforce/duty/current.html", context, status=400)


@login_required
def duty_handover_page(request: HttpRequest, log_id: int) -> HttpResponse:
    """The outgoing leader prepares the handover: the open issues and the orders in
    warning or overdue now, the incoming leader and the matters to watch."""
    user = request_user(request)
    log = duty_log_get_for_user(user, log_id)
    if log.leader_id != user.pk:
        raise Forbidden()
    if log.state != DutyLogState.OPEN:
        return redirect("duty_log_detail", log_id=log.pk)
    form = HandoverForm(request.POST or None, leaders=incoming_leaders(user))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.handover_prepare(actor=user, log_id=log.pk, **form.cleaned_data)
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(
                    request, _("The handover is prepared; it waits for the incoming leader.")
                )
                return redirect("duty_log_detail", log_id=log.pk)
        status = 400
    found = orders_needing_attention(user, timezone.now())
    context = _log_context(log) | {
        "form": form,
        "orders_now": _orders(found.rows),
        "orders_total": found.total,
    }
    return render(request, "workforce/duty/handover.html", context, status=status)


@login_required
def duty_acknowledge_page(request: HttpRequest, log_id: int) -> HttpResponse:
    """The incoming leader reads the log handed over and acknowledges it with a note."""
    user = request_user(request)
    log = duty_log_get_for_user(user, log_id)
    handover = handover_of(log)
    if handover is None or handover.incoming_id != user.pk:
        raise Forbidden()
    if handover.acknowledged_at is not None:
        return redirect("duty_log_detail", log_id=log.pk)
    form = AcknowledgeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.handover_acknowledge(
                    actor=user, log_id=log.pk, note=form.cleaned_data["note"]
                )
            except DomainError as refused:
                refuse(form, refused)
            else:
                messages.success(request, _("You have taken over the shift."))
                return redirect("duty_log_detail", log_id=log.pk)
        status = 400
    context = _log_context(log) | {"form": form}
    return render(request, "workforce/duty/acknowledge.html", context, status=status)


@login_required
def duty_log_detail(request: HttpRequest, log_id: int) -> HttpResponse:
    """One duty log as it stands, with its handover: read-only once acknowledged."""
    log = duty_log_get_for_user(request_user(request), log_id)
    return render(request, "workforce/duty/detail.html", _log_context(log))


@login_required
def duty_search_page(request: HttpRequest) -> HttpResponse:
    """The centre's duty logs by day range, leader, kind and words."""
    user = request_user(request)
    leaders = incoming_leaders(user)
    form = DutySearchForm(request.GET or None, leaders=[user, *leaders])
    results: dict[str, Any] | None = None
    narrowed = False
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        narrowed = bool(data.get("kind") or (data.get("q") or "").strip())
        found = duty_log_search(
            user,
            since=data.get("since"),
            until=data.get("until"),
            leader=data.get("leader") or None,
            kind=data.get("kind") or None,
            q=data.get("q"),
        )
        # The newest logs found; a longer stretch is narrowed by its days.
        results = page(found, PageParams(limit=SEARCH_PAGE, offset=0), lambda log: log)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "workforce/duty/search.html",
        {"form": form, "results": results, "narrowed": narrowed},
        status=status,
    )
