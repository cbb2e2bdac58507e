"""The appointments pages (预约 and 跟踪, issue 19 point 5): those coming, those to track
(their time has passed and no outcome is recorded), the last 30 days summed up; booking
one for a customer (from the workbench or the customer's page); moving and closing one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import DateTimeInput, refuse
from kefu.core.http import request_user
from kefu.core.queries import departments_of_centre
from kefu.customers.queries import customer_get_for_user
from kefu.satisfaction.models.appointments import Appointment, AppointmentState
from kefu.satisfaction.queries.appointments import (
    appointment_get_for_user,
    appointment_summary,
    appointments_of,
    may_book,
    may_read,
)
from kefu.satisfaction.services import appointments as services

SUMMARY_DAYS = 30


class BookForm(forms.Form):
    subject = forms.CharField(label=_("What for"), max_length=100)
    at = forms.DateTimeField(label=_("When"), widget=DateTimeInput())
    place = forms.CharField(
        label=_("Where"),
        max_length=200,
        help_text=_("A service hall, or the customer's address."),
    )
    department = forms.TypedChoiceField(
        label=_("Served by"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, centre_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *departments_of_centre(centre_id).order_by("name").values_list("pk", "name"),
        ]


class MoveForm(forms.Form):
    at = forms.DateTimeField(label=_("New time"), widget=DateTimeInput())


class CloseForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (value, label)
            for value, label in AppointmentState.choices
            if value != AppointmentState.BOOKED
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


@login_required
def appointments_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not may_read(user):
        raise Forbidden()
    now = timezone.now()
    booked = appointments_of(user).filter(state=AppointmentState.BOOKED)
    since = now - dt.timedelta(days=SUMMARY_DAYS)
    return render(
        request,
        "satisfaction/appointments.html",
        {
            "to_track": list(booked.filter(at__lte=now).order_by("at")[:50]),
            "coming": list(booked.filter(at__gt=now).order_by("at")[:50]),
            "summary": appointment_summary(user, since, now),
            "summary_days": SUMMARY_DAYS,
        },
    )


@login_required
def appointment_new_page(request: HttpRequest) -> HttpResponse:
    """Book for the customer named in the address (?customer=…, and ?contact=… when booked
    during a contact)."""
    user = request_user(request)
    if not may_book(user):
        raise Forbidden()
    source = request.POST if request.method == "POST" else request.GET
    customer = customer_get_for_user(user, _id(source.get("customer")))
    contact_id = _id(source.get("contact")) or None
    # The place is typed: the customer's address stays masked here as everywhere.
    form = BookForm(request.POST or None, centre_id=user.centre_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.appointment_book(
                actor=user,
                customer_id=customer.pk,
                contact_id=contact_id,
                subject=data["subject"],
                place=data["place"],
                at=data["at"],
                department_id=data["department"],
                note=data["note"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The appointment is booked."))
            return redirect("satisfaction_appointment", appointment.pk)
    return render(
        request,
        "satisfaction/appointment_new.html",
        {"form": form, "customer": customer, "contact_id": contact_id or ""},
        status=400 if form.is_bound else 200,
    )


def _id(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 19 else 0


@login_required
def appointment_page(request: HttpRequest, appointment_id: int) -> HttpResponse:
    user = request_user(request)
    appointment = appointment_get_for_user(user, appointment_id)
    open_ = appointment.state == AppointmentState.BOOKED and may_book(user)
    move = MoveForm(request.POST if "move" in request.POST else None) if open_ else None
    close = CloseForm(request.POST if "close" in request.POST else None) if open_ else None
    if request.method == "POST":
        if not open_:
            raise Forbidden()
        done = _act(request, appointment, move, close)
        if done:
            return redirect("satisfaction_appointment", appointment.pk)
    return render(
        request,
        "satisfaction/appointment.html",
        {"appointment": appointment, "move": move, "close": close},
        status=400 if request.method == "POST" else 200,
    )


def _act(
    request: HttpRequest,
    appointment: Appointment,
    move: MoveForm | None,
    close: CloseForm | None,
) -> bool:
    user = request_user(request)
    form: forms.Form | None = move if "move" in request.POST else close
    if form is None or not form.is_valid():
        return False
    try:
        if form is move:
            services.appointment_move(
                actor=user, appointment=appointment, at=form.cleaned_data["at"]
            )
            messages.success(request, _("The appointment is moved."))
        else:
            services.appointment_close(
                actor=user,
                appointment=appointment,
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The outcome is recorded."))
    except DomainError as refused:
        refuse(form, refused)
        return False
    return True
