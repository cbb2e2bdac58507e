"""Supervision's sections of the centre's daily, weekly and monthly reports (added to the
metrics app's reports in `apps.py`): the rounds owed and made (001 4.5), the findings and
their rectifications (4.1.3–4.1.4), the spot checks' records and the site inspections'
scores (000 第7篇); and the people's: training attended, exams sat and passed (001 4.4.3),
complaints judged and appealed (判责), the honours confirmed."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.models import OrgUnit
from kefu.metrics.queries import Period
from kefu.metrics.reports import Figure, Section
from kefu.supervision import queries
from kefu.supervision.frequency import DayStatus
from kefu.supervision.models import (
    Attendance,
    ComplaintJudgement,
    Finding,
    HonourCandidate,
    HonourMonthState,
    JudgementState,
    Paper,
    Rectification,
    RectificationState,
    Responsibility,
    Round,
    RoundKind,
    RoundState,
    SampledRecord,
    Verdict,
)


def _days(period: Period) -> tuple[dt.date, dt.date]:
    days = period.whole_days()
    if days is not None:
        return days
    return (
        timezone.localtime(period.start).date(),
        timezone.localtime(period.end - dt.timedelta(microseconds=1)).date(),
    )


def rounds_section(centre: OrgUnit, period: Period) -> Section | None:
    """The period's rounds: how many of the rounds owed were made, by whom too few, what
    they found and how the rectifications stand; None when nobody owed or made one."""
    first, last = _days(period)
    rounds = Round.objects.filter(
        centre=centre,
        state=RoundState.DONE,
        started_at__gte=period.start,
        started_at__lt=period.end,
    )
    made = rounds.aggregate(
        n=Count("id"),
        site=Count("id", filter=Q(kind=RoundKind.SITE)),
        site_score=Avg("score", filter=Q(kind=RoundKind.SITE)),
        spot=Count("id", filter=Q(kind__in=queries.SPOT_CHECKS)),
    )
    rows = queries.compliance_of(centre, first, last).rows
    owed = sum(day.owed for row in rows for day in row.days if day.status != DayStatus.OPEN)
    done = sum(
        min(day.made, day.owed) for row in rows for day in row.days if day.status != DayStatus.OPEN
    )
    short = sorted(row.person.name for row in rows if row.days_missed)
    if not made["n"] and not owed:
        return None
    records = {"n": 0, "failed": 0}
    if made["spot"]:
        records = SampledRecord.objects.filter(round__in=rounds).aggregate(
            n=Count("id", filter=~Q(verdict=Verdict.PENDING)),
            failed=Count("id", filter=Q(verdict=Verdict.FAULTY)),
        )
    closed = Q(state=RectificationState.CLOSED)
    rects = Rectification.objects.filter(centre=centre).aggregate(
        set=Count("id", filter=Q(finding__round__in=rounds)),
        closed=Count("id", filter=Q(finding__round__in=rounds) & closed),
        on_time=Count(
            "id",
            filter=Q(finding__round__in=rounds) & closed & Q(closed_at__date__lte=F("deadline")),
        ),
        late_now=Count(
            "id",
            filter=Q(state=RectificationState.OPEN, deadline__lt=timezone.localdate()),
        ),
    )
    figures = [
        Figure(_("Rounds made"), made["n"], "count"),
        Figure(
            _("Daily rounds made of those owed"),
            done / owed if owed else None,
            "rate",
            _("%(done)d of %(owed)d; too few: %(names)s")
            % {"done": done, "owed": owed, "names": "、".join(short) or _("nobody")}
            if owed
            else "",
        ),
        Figure(_("Findings"), Finding.objects.filter(round__in=rounds).count(), "count"),
        Figure(_("Rectifications set"), rects["set"], "count"),
        Figure(
            _("Of them closed after the re-check"),
            rects["closed"],
            "count",
            _("%(n)d by the deadline") % {"n": rects["on_time"]},
        ),
        Figure(_("Rectifications overdue now"), rects["late_now"], "count"),
        Figure(_("Spot checks and mystery visits"), made["spot"], "count"),
        Figure(
            _("Records checked that were not in order"),
            records["failed"] / records["n"] if records["n"] else None,
            "rate",
            _("%(failed)d of %(n)d records checked") % records if records["n"] else "",
        ),
        Figure(
            _("Site inspections' mean score (out of 10)"),
            float(made["site_score"]) if made["site"] else None,
            "score",
            _("%(n)d site inspections") % {"n": made["site"]} if made["site"] else "",
        ),
    ]
    return Section(key="supervision-rounds", title=_("Rounds and inspections"), figures=figures)


def people_section(centre: OrgUnit, period: Period) -> Section | None:
    """Training, exams, complaint judging and honours in the period; None when there was
    none of them."""
    attended = Attendance.objects.filter(
        session__centre=centre,
        session__starts_at__gte=period.start,
        session__starts_at__lt=period.end,
    ).aggregate(n=Count("id", filter=Q(present=True)), sessions=Count("session", distinct=True))
    papers = Paper.objects.filter(
        exam__centre=centre,
        marked_at__isnull=False,
        submitted_at__gte=period.start,
        submitted_at__lt=period.end,
    ).aggregate(
        n=Count("id"),
        passed=Count("id", filter=Q(passed=True)),
        mean=Avg("percent"),
    )
    judged = ComplaintJudgement.objects.filter(
        centre=centre, judged_at__gte=period.start, judged_at__lt=period.end
    ).aggregate(
        n=Count("id"),
        at_fault=Count("id", filter=~Q(responsibility=Responsibility.NONE)),
        appealed=Count("id", filter=Q(appealed_at__isnull=False)),
        upheld=Count("id", filter=Q(state=JudgementState.UPHELD)),
    )
    first, last = _days(period)
    honoured = HonourCandidate.objects.filter(
        month__centre=centre,
        month__state=HonourMonthState.CONFIRMED,
        month__month__gte=first.replace(day=1),
        month__month__lte=last,
        removed=False,
    ).count()
    if not (attended["sessions"] or papers["n"] or judged["n"] or honoured):
        return None
    figures = [
        Figure(
            _("Training attendances"),
            attended["n"],
            "count",
            _("%(n)d sessions") % {"n": attended["sessions"]} if attended["sessions"] else "",
        ),
        Figure(_("Exam papers marked"), papers["n"], "count"),
        Figure(
            _("Exam pass rate"),
            papers["passed"] / papers["n"] if papers["n"] else None,
            "rate",
            _("mean %(mean).1f%%") % {"mean": float(papers["mean"])} if papers["n"] else "",
        ),
        Figure(_("Complaints judged"), judged["n"], "count"),
        Figure(
            _("Of them someone at fault"),
            judged["at_fault"] / judged["n"] if judged["n"] else None,
            "rate",
            _("%(appealed)d appealed, %(upheld)d upheld") % judged if judged["n"] else "",
        ),
        Figure(_("Honours confirmed"), honoured, "count"),
    ]
    return Section(
        key="supervision-people", title=_("Training, judging and honours"), figures=figures
    )
