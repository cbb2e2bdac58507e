"""Reads of the appointments: which a user may see, the one access-checked getter, and the
summary the centre analyses (seed 002 第11篇: 预约和跟踪信息的汇总及分析)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.roles import ADD_CONTACT, VIEW_SATISFACTION
from kefu.satisfaction.models.appointments import Appointment, AppointmentState


def may_book(user: User) -> bool:
    return user.is_superuser or user.has_perm(ADD_CONTACT)


def may_read(user: User) -> bool:
    """Those who book and track appointments, and those who read the centre's figures."""
    return may_book(user) or user.has_perm(VIEW_SATISFACTION)


def appointments_of(user: User) -> QuerySet[Appointment]:
    """The appointments of the user's centre for those who may read them; else none."""
    if not may_read(user):
        return Appointment.objects.none()
    return Appointment.objects.filter(centre_id=user.centre_id).select_related(
        "customer", "department", "booked_by"
    )


def appointment_get_for_user(user: User, appointment_id: int) -> Appointment:
    appointment = appointments_of(user).filter(pk=appointment_id).first()
    if appointment is None:
        raise NotFound()
    return appointment


@dataclass(frozen=True)
class AppointmentSummary:
    """Appointments due in a period by outcome; the kept rate is kept / (kept + missed),
    those cancelled or not yet recorded left out."""

    by_state: Counter[str]
    by_subject: list[tuple[str, int, int, int]]  # subject, due, kept, missed

    @property
    def kept_rate(self) -> float | None:
        settled = self.by_state[AppointmentState.KEPT] + self.by_state[AppointmentState.MISSED]
        return None if not settled else 100 * self.by_state[AppointmentState.KEPT] / settled


def appointment_summary(user: User, since: dt.datetime, until: dt.datetime) -> AppointmentSummary:
    rows = (
        appointments_of(user)
        .filter(at__gte=since, at__lt=until)
        .values("subject", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_state: Counter[str] = Counter()
    subjects: dict[str, Counter[str]] = {}
    for row in rows:
        by_state[row["state"]] += row["n"]
        subjects.setdefault(row["subject"], Counter())[row["state"]] += row["n"]
    by_subject = sorted(
        (
            (
                subject,
                sum(counts.values()),
                counts[AppointmentState.KEPT],
                counts[AppointmentState.MISSED],
            )
            for subject, counts in subjects.items()
        ),
        key=lambda row: (-row[1], row[0]),
    )
    return AppointmentSummary(by_state, by_subject[:20])
