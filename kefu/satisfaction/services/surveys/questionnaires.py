"""The monthly owner questionnaires (000 第7篇): archived with the staff ID they are signed
with, and spot-checked by calling a sample back."""

from __future__ import annotations

import datetime as dt
import random

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Invalid, NotFound
from kefu.core.models import User
from kefu.core.roles import VIEW_SATISFACTION, WORK_CALLBACKS
from kefu.core.services.audit import audit_record
from kefu.core.validation import check_lengths
from kefu.customers.models import CustomerPhone
from kefu.satisfaction import scores
from kefu.satisfaction.models import (
    Questionnaire,
    SpotCheck,
    SurveyChannel,
)
from kefu.satisfaction.services.outbound import address_normalize
from kefu.satisfaction.services.surveys.templates import centre_of, require_permission


@transaction.atomic
def questionnaire_record(
    *,
    actor: User,
    month: dt.date,
    staff_number: str,
    respondent: str,
    phone: str,
    score: int,
    paper_number: str,
    comment: str = "",
) -> Questionnaire:
    """Archive one owner's paper questionnaire, signed with the staff ID it rates."""
    require_permission(actor, VIEW_SATISFACTION)
    centre = centre_of(actor)
    errors: dict[str, str] = {}
    staff = User.objects.filter(centre=centre, employee_number=staff_number.strip()).first()
    if not staff_number.strip() or staff is None:
        errors["staff_number"] = gettext("No one of this centre has this staff ID.")
    if not scores.in_scale("csat", score):
        errors["score"] = gettext("Between 1 and 5.")
    if not respondent.strip() or not paper_number.strip():
        errors["respondent"] = gettext("Give the respondent's name and the form number.")
    try:
        number = address_normalize(SurveyChannel.SMS, phone)
    except Invalid:
        errors["phone"] = gettext("Enter a valid phone number.")
        number = ""
    if errors:
        raise Invalid(code="questionnaire_invalid", detail=errors)
    phone_row = CustomerPhone.objects.filter(number=number, customer__centre=centre).first()
    questionnaire = Questionnaire(
        centre=centre,
        month=month.replace(day=1),
        staff=staff,
        staff_number=staff_number.strip(),
        customer_id=phone_row.customer_id if phone_row else None,
        respondent=respondent.strip(),
        phone=number,
        score=score,
        comment=comment.strip(),
        paper_number=paper_number.strip(),
        recorded_by=actor,
    )
    check_lengths(questionnaire)
    try:
        with transaction.atomic():
            questionnaire.save()
    except IntegrityError as error:
        raise Conflict(
            _("This form number is recorded already."), code="questionnaire_exists"
        ) from error
    audit_record(actor=actor, action="satisfaction.questionnaire_record", obj=questionnaire)
    return questionnaire


@transaction.atomic
def questionnaires_spot_draw(
    *, actor: User, month: dt.date, share: float, seed: int | None = None
) -> list[Questionnaire]:
    """Draw a share (0-1, at least one a staff member) of the month's questionnaires not
    yet drawn, to be checked by calling the owner back."""
    require_permission(actor, VIEW_SATISFACTION)
    centre = centre_of(actor)
    if not 0 < share <= 1:
        raise Invalid(code="share_invalid", detail={"share": gettext("Between 0 and 1.")})
    pool = list(
        Questionnaire.objects.select_for_update()
        .filter(centre=centre, month=month.replace(day=1), spot_check=SpotCheck.NOT_DRAWN)
        .order_by("pk")
    )
    chooser = random.Random(seed)  # noqa: S311 (a sample, not a secret)
    by_staff: dict[str, list[Questionnaire]] = {}
    for q in pool:
        by_staff.setdefault(q.staff_number, []).append(q)
    drawn: list[Questionnaire] = []
    for number in sorted(by_staff):
        group = by_staff[number]
        drawn += chooser.sample(group, max(1, round(len(group) * share)))
    Questionnaire.objects.filter(pk__in=[q.pk for q in drawn]).update(spot_check=SpotCheck.DRAWN)
    for q in drawn:
        q.spot_check = SpotCheck.DRAWN
    audit_record(
        actor=actor,
        action="satisfaction.questionnaire_draw",
        object_type="satisfaction.questionnaire",
        after={"month": month.isoformat(), "drawn": len(drawn)},
    )
    return drawn


@transaction.atomic
def questionnaire_check_record(
    *, actor: User, questionnaire_id: int, outcome: str, note: str = ""
) -> Questionnaire:
    """The outcome of calling a drawn owner back: the answer confirmed, disputed, or the
    owner not reached."""
    require_permission(actor, WORK_CALLBACKS)
    if outcome not in (SpotCheck.CONFIRMED, SpotCheck.DISPUTED, SpotCheck.UNREACHABLE):
        raise Invalid(code="outcome_invalid", detail={"outcome": gettext("No such outcome.")})
    questionnaire = (
        Questionnaire.objects.select_for_update()
        .filter(pk=questionnaire_id, centre_id=actor.centre_id)
        .first()
    )
    if questionnaire is None:
        raise NotFound()
    if questionnaire.spot_check == SpotCheck.NOT_DRAWN:
        raise Conflict(_("This questionnaire was not drawn for a check."), code="not_drawn")
    before = questionnaire.spot_check
    questionnaire.spot_check = outcome
    questionnaire.check_note = note.strip()[:500]
    questionnaire.checked_by = actor
    questionnaire.checked_at = timezone.now()
    questionnaire.save(update_fields=["spot_check", "check_note", "checked_by", "checked_at"])
    audit_record(
        actor=actor,
        action="satisfaction.questionnaire_check",
        obj=questionnaire,
        before={"spot_check": before},
        after={"spot_check": outcome},
    )
    return questionnaire
