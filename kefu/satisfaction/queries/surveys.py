"""Reads of surveys: the templates a user may see, the open invitation behind a link, the
figures by touchpoint, team, staff member, work-order kind, survey and month, a staff
member's figures for their appraisal (双向评价, 003), the questionnaires, and the low
scores the dissatisfied-customer list takes in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.queries import token_digest
from kefu.core.roles import MANAGE_OUTREACH, VIEW_SATISFACTION, WORK_CALLBACKS
from kefu.satisfaction import scores
from kefu.satisfaction.models import (
    Invitation,
    InvitationState,
    Questionnaire,
    SpotCheck,
    SurveyAnswer,
    SurveyQuestion,
    SurveySkip,
    SurveyTemplate,
    SurveyVersion,
    Touchpoint,
)
from kefu.tickets.models import TicketKind


def may_read_surveys(user: User) -> bool:
    return user.centre_id is not None and (
        user.has_perm(VIEW_SATISFACTION) or user.has_perm(MANAGE_OUTREACH)
    )


def templates_of(user: User) -> QuerySet[SurveyTemplate]:
    if not may_read_surveys(user):
        return SurveyTemplate.objects.none()
    return SurveyTemplate.objects.filter(centre_id=user.centre_id).prefetch_related(
        Prefetch(
            "versions",
            queryset=SurveyVersion.objects.order_by("-number").prefetch_related("questions"),
        )
    )


def template_get_for_user(user: User, template_id: int) -> SurveyTemplate:
    template = templates_of(user).filter(pk=template_id).first()
    if template is None:
        raise NotFound()
    return template


def latest_version(template: SurveyTemplate) -> SurveyVersion:
    """The current version, from the prefetched versions (newest first)."""
    return next(iter(template.versions.all()))


def invitation_for_token(raw: str, now: dt.datetime | None = None) -> Invitation | None:
    """The open invitation of a survey link, with its questions; None for a link that is
    unknown, expired, answered or unsubscribed, alike."""
    if not 10 <= len(raw) <= 64:
        return None
    return (
        Invitation.objects.filter(
            token_digest=token_digest(raw),
            state=InvitationState.PENDING,
            expires_at__gt=now or timezone.now(),
        )
        .select_related("version__template")
        .prefetch_related(
            Prefetch("version__questions", queryset=SurveyQuestion.objects.order_by("position"))
        )
        .first()
    )


def invitations_visible_to(user: User) -> QuerySet[Invitation]:
    if not may_read_surveys(user):
        return Invitation.objects.none()
    return Invitation.objects.filter(centre_id=user.centre_id)


# Figures --------------------------------------------------------------------------------

#: The groupings of the report: what each groups by, as fields of an invitation.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "whole": (),
    "touchpoint": ("touchpoint",),
    "team": ("team__name",),
    "staff": ("staff_number", "staff__full_name", "staff__username"),
    "kind": ("subject_kind",),
    "survey": ("version__template__name",),
    "month": ("month",),
}


@dataclass(frozen=True)
class FigureRow:
    key: tuple[Any, ...]
    figures: scores.Figures


def _period(invitations: QuerySet[Invitation], since: dt.datetime, until: dt.datetime) -> Any:
    return invitations.filter(sent_at__gte=since, sent_at__lt=until)


def survey_figures(
    invitations: QuerySet[Invitation], since: dt.datetime, until: dt.datetime, by: str = "whole"
) -> list[FigureRow]:
    """The response rate, CSAT, NPS and CES of the invitations sent in [since, until),
    grouped `by` one of DIMENSIONS (formulas and intervals: kefu.satisfaction.scores).
    Counted in the database: two grouped queries whatever the number of answers."""
    fields = DIMENSIONS[by]
    sent = _period(invitations, since, until).exclude(state=InvitationState.REFUSED)
    answers = SurveyAnswer.objects.filter(invitation__in=sent.values("pk"))
    if by == "month":
        sent = sent.annotate(month=TruncMonth("sent_at"))
        answers = answers.annotate(month=TruncMonth("invitation__sent_at"))
        answer_fields: tuple[str, ...] = ("month",)
    else:
        answer_fields = tuple(f"invitation__{name}" for name in fields)
    sent_counts = {
        "sent": Count("pk"),
        "answered": Count("pk", filter=Q(state=InvitationState.ANSWERED)),
    }
    answer_counts = {
        "csat_n": Count("pk", filter=Q(kind="csat")),
        "csat_top": Count("pk", filter=Q(kind="csat", score__gte=4)),
        "nps_n": Count("pk", filter=Q(kind="nps")),
        "nps_promoters": Count("pk", filter=Q(kind="nps", score__gte=9)),
        "nps_detractors": Count("pk", filter=Q(kind="nps", score__lte=6)),
        "ces_n": Count("pk", filter=Q(kind="ces")),
        "ces_sum": Sum("score", filter=Q(kind="ces")),
        "ces_squares": Sum(F("score") * F("score"), filter=Q(kind="ces")),
    }
    sent_rows: Any
    answer_rows: Any
    if not fields:  # the whole: one row (values() without fields would group by each row)
        sent_rows = [sent.aggregate(**sent_counts)]
        answer_rows = [answers.aggregate(**answer_counts)]
    else:
        sent_rows = sent.values(*fields).annotate(**sent_counts).order_by(*fields)
        answer_rows = (
            answers.values(*answer_fields).annotate(**answer_counts).order_by(*answer_fields)
        )
    by_key: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in sent_rows:
        if not row["sent"]:
            continue
        key = tuple(row[name] for name in fields)
        by_key[key] = {"sent": row["sent"], "answered": row["answered"]}
    for row in answer_rows:
        key = tuple(row[name] for name in answer_fields)
        if not fields and not row["csat_n"] + row["nps_n"] + row["ces_n"]:
            continue
        entry = by_key.setdefault(key, {"sent": 0, "answered": 0})
        for name in ("csat_n", "csat_top", "nps_n", "nps_promoters", "nps_detractors", "ces_n"):
            entry[name] = row[name]
        entry["ces_sum"] = float(row["ces_sum"] or 0)
        entry["ces_squares"] = float(row["ces_squares"] or 0)
    rows = [FigureRow(key, scores.figures(scores.Counts(**entry))) for key, entry in by_key.items()]
    return sorted(rows, key=lambda row: tuple("" if v is None else str(v) for v in row.key))


def label_of(by: str, key: tuple[Any, ...]) -> str:
    """What a group is called on a page."""
    if by == "whole":
        return ""
    if by == "touchpoint":
        return str(Touchpoint(key[0]).label) if key[0] in Touchpoint.values else str(key[0])
    if by == "staff":
        number, full_name, username = key
        return f"{full_name or username or '—'} ({number or '—'})"
    if by == "month":
        return timezone.localtime(key[0]).strftime("%Y-%m") if key[0] else "—"
    if by == "kind":
        return str(TicketKind(key[0]).label) if key[0] in TicketKind.values else "—"
    return str(key[0] or "—")


def staff_appraisal(
    *, centre_id: int, staff_number: str, since: dt.datetime, until: dt.datetime
) -> scores.Figures:
    """A staff member's survey figures for their appraisal (双向评价, 003): every survey
    about their service in the period, on whatever channel it was answered."""
    invitations = Invitation.objects.filter(centre_id=centre_id, staff_number=staff_number)
    rows = survey_figures(invitations, since, until)
    return rows[0].figures if rows else scores.figures(scores.Counts())


def answers_of(invitation: Invitation) -> list[SurveyAnswer]:
    return list(invitation.answers.select_related("question").order_by("question__position"))


# The dissatisfied-customer list ---------------------------------------------------------


@dataclass(frozen=True)
class LowScore:
    invitation_id: int
    customer_id: int | None
    address: str
    kind: str
    score: int
    answered_at: dt.datetime
    staff_number: str
    touchpoint: str


def survey_low_scores_since(*, centre_id: int, since: dt.datetime) -> list[LowScore]:
    """The answers given since `since` low enough for the dissatisfied-customer list:
    CSAT 1-2 and NPS 0-6 (kefu.satisfaction.scores.LOW), oldest first. The list's sweep
    reads this with the time of its last run (or registers in
    services.surveys.LOW_SCORE_HANDLERS to be called inside the answer's transaction)."""
    low = Q(kind="csat", score__lte=scores.LOW["csat"]) | Q(
        kind="nps", score__lte=scores.LOW["nps"]
    )
    rows = (
        SurveyAnswer.objects.filter(
            low,
            invitation__centre_id=centre_id,
            invitation__answered_at__gte=since,
        )
        .select_related("invitation")
        .order_by("invitation__answered_at", "pk")
    )
    return [
        LowScore(
            invitation_id=row.invitation_id,
            customer_id=row.invitation.customer_id,
            address=row.invitation.address,
            kind=row.kind,
            score=int(row.score or 0),
            answered_at=row.invitation.answered_at or since,
            staff_number=row.invitation.staff_number,
            touchpoint=row.invitation.touchpoint,
        )
        for row in rows
    ]


def questionnaires_of(user: User) -> QuerySet[Questionnaire]:
    if not may_read_surveys(user):
        return Questionnaire.objects.none()
    return Questionnaire.objects.filter(centre_id=user.centre_id).select_related("staff")


# An agent's survey on a contact ----------------------------------------------------------


def templates_to_record(user: User) -> QuerySet[SurveyTemplate]:
    """The surveys in use an agent may ask on the phone and record (WORK_CALLBACKS)."""
    if user.centre_id is None or not user.has_perm(WORK_CALLBACKS):
        return SurveyTemplate.objects.none()
    return templates_of_centre(user.centre_id).filter(active=True)


def templates_of_centre(centre_id: int) -> QuerySet[SurveyTemplate]:
    return SurveyTemplate.objects.filter(centre_id=centre_id).prefetch_related(
        Prefetch(
            "versions",
            queryset=SurveyVersion.objects.order_by("-number").prefetch_related(
                Prefetch("questions", queryset=SurveyQuestion.objects.order_by("position"))
            ),
        )
    )


@dataclass(frozen=True)
class ContactSurvey:
    """What was done about surveying one contact: its survey (sent, answered or refused)
    with the answers, and whether an agent chose to skip it."""

    invitation: Invitation | None
    answers: list[SurveyAnswer]
    skip: SurveySkip | None


def contact_survey(contact_id: int, centre_id: int) -> ContactSurvey:
    key = f"contact:{contact_id}"
    invitation = (
        Invitation.objects.filter(centre_id=centre_id, key=key)
        .select_related("version__template", "recorded_by", "staff")
        .first()
    )
    skip = (
        SurveySkip.objects.filter(centre_id=centre_id, key=key).select_related("created_by").first()
    )
    return ContactSurvey(invitation, answers_of(invitation) if invitation else [], skip)


# The monthly questionnaires (000 第7篇) --------------------------------------------------


@dataclass(frozen=True)
class StaffQuestionnaires:
    staff_number: str
    name: str
    forms: int
    average: float | None
    satisfied: int
    drawn: int
    confirmed: int
    disputed: int
    unreachable: int


@dataclass(frozen=True)
class QuestionnaireMonth:
    """A month of the archive: its counts, who signed, and the spot-check sample."""

    month: dt.date
    forms: int
    average: float | None
    satisfied: int
    drawn: int
    to_call: int
    confirmed: int
    disputed: int
    unreachable: int
    staff: list[StaffQuestionnaires]
    sample: list[Questionnaire]


def questionnaire_months(user: User) -> list[dt.date]:
    """The months that have questionnaires, newest first."""
    return list(
        questionnaires_of(user).order_by("-month").values_list("month", flat=True).distinct()
    )


def questionnaire_month(user: User, month: dt.date) -> QuestionnaireMonth:
    rows = questionnaires_of(user).filter(month=month.replace(day=1))
    drawn_states = [SpotCheck.DRAWN, SpotCheck.CONFIRMED, SpotCheck.DISPUTED, SpotCheck.UNREACHABLE]

    def counts() -> dict[str, Any]:
        return {
            "forms": Count("id"),
            "average": Sum("score"),
            "satisfied": Count("id", filter=Q(score__gte=4)),
            "drawn": Count("id", filter=Q(spot_check__in=drawn_states)),
            "to_call": Count("id", filter=Q(spot_check=SpotCheck.DRAWN)),
            "confirmed": Count("id", filter=Q(spot_check=SpotCheck.CONFIRMED)),
            "disputed": Count("id", filter=Q(spot_check=SpotCheck.DISPUTED)),
            "unreachable": Count("id", filter=Q(spot_check=SpotCheck.UNREACHABLE)),
        }

    whole = rows.aggregate(**counts())
    staff = [
        StaffQuestionnaires(
            staff_number=row["staff_number"],
            name=row["staff__full_name"] or row["staff__username"] or "",
            forms=row["forms"],
            average=round(row["average"] / row["forms"], 2) if row["forms"] else None,
            satisfied=row["satisfied"],
            drawn=row["drawn"],
            confirmed=row["confirmed"],
            disputed=row["disputed"],
            unreachable=row["unreachable"],
        )
        for row in rows.values("staff_number", "staff__full_name", "staff__username")
        .annotate(**counts())
        .order_by("staff_number")
    ]
    forms = whole["forms"] or 0
    return QuestionnaireMonth(
        month=month.replace(day=1),
        forms=forms,
        average=round((whole["average"] or 0) / forms, 2) if forms else None,
        satisfied=whole["satisfied"] or 0,
        drawn=whole["drawn"] or 0,
        to_call=whole["to_call"] or 0,
        confirmed=whole["confirmed"] or 0,
        disputed=whole["disputed"] or 0,
        unreachable=whole["unreachable"] or 0,
        staff=staff,
        sample=list(
            rows.filter(spot_check__in=drawn_states)
            .select_related("checked_by")
            .order_by("staff_number", "paper_number")
        ),
    )


def callback_survey(task_id: int, centre_id: int) -> ContactSurvey:
    """The survey recorded on an outbound list's call (`callback:<task id>`), with the
    answers; never skipped."""
    invitation = (
        Invitation.objects.filter(centre_id=centre_id, key=f"callback:{task_id}")
        .select_related("version__template", "recorded_by", "staff")
        .first()
    )
    return ContactSurvey(invitation, answers_of(invitation) if invitation else [], None)
