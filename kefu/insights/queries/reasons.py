"""Reads of the call-reason suggestions (issue 21 point 2): the model that serves a centre,
its threshold, the model's figures and the acceptance rate measured from use."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from kefu.contacts.labels import path_label
from kefu.contacts.models import CallReason
from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import User
from kefu.core.queries import require_centre
from kefu.core.roles import ADD_CONTACT, MANAGE_REASON_MODEL
from kefu.insights.models import ReasonModel, ReasonSettings, ReasonSuggestion, SuggestionOutcome
from kefu.insights.reasons import Model

DEFAULT_THRESHOLD = Decimal("0.15")
#: The acceptance rate is told over these last days.
ACCEPTANCE_WINDOWS = (7, 30)
FIRST_THREE = (SuggestionOutcome.TOP1, SuggestionOutcome.TOP3)


def may_suggest(user: User) -> bool:
    """Who records contacts is offered suggestions."""
    return user.has_perm(ADD_CONTACT)


def may_manage(user: User) -> bool:
    return user.has_perm(MANAGE_REASON_MODEL)


def threshold_of(centre_id: int) -> Decimal:
    found = ReasonSettings.objects.filter(centre_id=centre_id).values_list("threshold", flat=True)
    return next(iter(found), DEFAULT_THRESHOLD)


# Loaded models by their row: a row never changes once trained, so each process keeps the
# few it serves and reads a newer one when the centre retrains (nothing shared between
# processes; a new row has a new key).
_LOADED: OrderedDict[tuple[int, dt.datetime], Model] = OrderedDict()
_LOADED_MAX = 8
_LOCK = threading.Lock()


def served_model(centre_id: int) -> tuple[int, Model] | None:
    """The centre's newest model (its row id, the arrays), or None before the first
    training."""
    # Kept by row and training time: SQLite may give a deleted row's id to a new one.
    newest = (
        ReasonModel.objects.filter(centre_id=centre_id)
        .order_by("-trained_at", "-id")
        .values_list("pk", "trained_at")
        .first()
    )
    if newest is None:
        return None
    pk = newest[0]
    with _LOCK:
        if newest in _LOADED:
            _LOADED.move_to_end(newest)
            return pk, _LOADED[newest]
    data = ReasonModel.objects.filter(pk=pk).values_list("data", flat=True).get()
    try:
        model = Model.from_bytes(bytes(data))
    except ValueError:  # trained on features of an older release: not served until retrained
        return None
    with _LOCK:
        _LOADED[newest] = model
        while len(_LOADED) > _LOADED_MAX:
            _LOADED.popitem(last=False)
    return pk, model


@dataclass(frozen=True)
class ReasonChoice:
    """A suggested reason as the workbench shows and fills it."""

    id: int
    code: str
    business_type: str
    service_content: str
    label: str  # what the call-reason box takes: 业务类型 › 服务内容
    confidence: float


def reason_choices(centre_id: int, ranked: list[tuple[int, float]]) -> list[ReasonChoice]:
    """The reasons of `ranked` (id, confidence) that are still active in the centre's
    catalogue, in order."""
    rows = {
        reason.pk: reason
        for reason in CallReason.objects.filter(
            centre_id=centre_id,
            pk__in=[pk for pk, _ in ranked],
            active=True,
            dimension=CallReason.Dimension.SERVICE_CONTENT,
        ).select_related("parent")
    }
    out = []
    for pk, confidence in ranked:
        reason = rows.get(pk)
        if reason is None:
            continue
        business = reason.parent.name if reason.parent else ""
        out.append(
            ReasonChoice(
                id=reason.pk,
                code=reason.code,
                business_type=business,
                service_content=reason.name,
                label=path_label((business, reason.name)),
                confidence=confidence,
            )
        )
    return out


def reason_model_get_for_user(user: User) -> ReasonModel:
    """The newest model of the manager's centre (the page and the API alike)."""
    if not may_manage(user):
        raise Forbidden()
    found = ReasonModel.objects.filter(centre_id=require_centre(user)).defer("data").first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class ReasonRow:
    reason_id: int
    label: str
    support: int
    recall: float | None


def per_reason_rows(model: ReasonModel) -> list[ReasonRow]:
    """The held-out recall of each reason with its support, weakest first."""
    ids = [row["reason"] for row in model.per_reason]
    names = {
        reason.pk: path_label((reason.parent.name if reason.parent else "", reason.name))
        for reason in CallReason.objects.filter(pk__in=ids).select_related("parent")
    }
    rows = [
        ReasonRow(
            reason_id=row["reason"],
            label=names.get(row["reason"], "—"),
            support=row["support"],
            recall=row["recall"],
        )
        for row in model.per_reason
    ]
    return sorted(rows, key=lambda r: (r.recall if r.recall is not None else 2, -r.support))


@dataclass(frozen=True)
class Acceptance:
    days: int
    matched: int  # contacts saved after suggestions were shown
    top1: int
    top3: int  # among the three, the first included
    none: int

    @property
    def top1_rate(self) -> float | None:
        return self.top1 / self.matched if self.matched else None

    @property
    def top3_rate(self) -> float | None:
        return self.top3 / self.matched if self.matched else None


def acceptance(centre_id: int, *, days: int) -> Acceptance:
    """Of the contacts saved on a workbench that had shown suggestions in the last `days`:
    how many were saved with the first suggestion, with one of the three, with none."""
    since = timezone.now() - timedelta(days=days)
    counts = (
        ReasonSuggestion.objects.filter(centre_id=centre_id, updated_at__gte=since)
        .exclude(outcome="")
        .aggregate(
            matched=Count("pk"),
            top1=Count("pk", filter=Q(outcome=SuggestionOutcome.TOP1)),
            top3=Count(
                "pk", filter=Q(outcome__in=[SuggestionOutcome.TOP1, SuggestionOutcome.TOP3])
            ),
            none=Count("pk", filter=Q(outcome=SuggestionOutcome.NONE)),
        )
    )
    return Acceptance(days=days, **counts)
