"""The rectifications (001 4.1.3): those the user owns and those of the rounds they see,
overdue ones marked; a rectification's page where the owner reports it done and the
inspector re-checks it (closes it, or sends it back)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import refuse
from kefu.core.http import posted_version, request_user
from kefu.core.roles import RECTIFY
from kefu.supervision import queries
from kefu.supervision.forms import RecheckForm, ReportForm
from kefu.supervision.models import Rectification, RectificationState
from kefu.supervision.services import rectifications as services

SHOWN_CLOSED = 30
#: Open rectifications of others shown, nearest deadline first (the overdue ones lead).
SHOWN_OPEN = 100


@login_required
def rectifications_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not user.has_perm(RECTIFY) and not queries.may_view(user):
        raise Forbidden()
    rects = queries.rectifications_of(user)
    today = timezone.localdate()
    open_ = rects.exclude(state=RectificationState.CLOSED).order_by("deadline", "pk")
    others = open_.exclude(owner_id=user.pk)
    return render(
        request,
        "supervision/rectifications.html",
        {
            "mine": list(open_.filter(owner_id=user.pk)),
            "others": list(others[:SHOWN_OPEN]),
            "others_count": others.count(),
            "closed": list(
                rects.filter(state=RectificationState.CLOSED).order_by("-closed_at", "-pk")[
                    :SHOWN_CLOSED
                ]
            ),
            "today": today,
        },
    )


def _page(
    request: HttpRequest,
    rect: Rectification,
    report: ReportForm | None = None,
    recheck: RecheckForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    may_report = rect.owner_id == user.pk and rect.state == RectificationState.OPEN
    may_recheck = services.may_recheck(user, rect) and rect.state != RectificationState.CLOSED
    return render(
        request,
        "supervision/rectification.html",
        {
            "rect": rect,
            "finding": rect.finding,
            "photos": list(rect.finding.photos.all()),
            "events": list(rect.events.select_related("actor")),
            "overdue": queries.overdue(rect),
            "notices_to_place": queries.notices_to_place(rect),
            "report_form": (report or ReportForm()) if may_report else None,
            "recheck_form": (recheck or RecheckForm()) if may_recheck else None,
        },
        status=status,
    )


@login_required
def rectification_page(request: HttpRequest, rectification_id: int) -> HttpResponse:
    rect = queries.rectification_get_for_user(request_user(request), rectification_id)
    return _page(request, rect)


@login_required
def rectification_report_view(request: HttpRequest, rectification_id: int) -> HttpResponse:
    user = request_user(request)
    rect = queries.rectification_get_for_user(user, rectification_id)
    if request.method != "POST":
        return redirect("supervision_rectification", rect.pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.rectification_report(
                actor=user,
                rectification=rect,
                version=posted_version(request),
                note=form.cleaned_data["note"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("Reported done: it waits for the re-check."))
            return redirect("supervision_rectification", rect.pk)
    return _page(request, rect, report=form, status=400)


@login_required
def rectification_recheck_view(request: HttpRequest, rectification_id: int) -> HttpResponse:
    user = request_user(request)
    rect = queries.rectification_get_for_user(user, rectification_id)
    if request.method != "POST":
        return redirect("supervision_rectification", rect.pk)
    form = RecheckForm(request.POST)
    if form.is_valid():
        try:
            done = services.rectification_recheck(
                actor=user,
                rectification=rect,
                version=posted_version(request),
                passed=form.cleaned_data["passed"] == "yes",
                note=form.cleaned_data["note"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            if done.state == RectificationState.CLOSED:
                messages.success(request, _("Re-checked: the rectification is closed."))
            else:
                messages.success(request, _("Re-checked: sent back to the owner."))
            return redirect("supervision_rectification", rect.pk)
    return _page(request, rect, recheck=form, status=400)
