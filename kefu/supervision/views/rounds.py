"""The rounds: the list, starting one, and a round's page where the inspector records the
items' results, the findings (with the correction made on the spot and the photos), the
records drawn for a spot check, the questions put to staff, and finishes it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden, NotFound
from kefu.core.forms import refuse
from kefu.core.http import posted_version, request_user
from kefu.core.models import User
from kefu.supervision import queries, scoring
from kefu.supervision.forms import (
    DrawForm,
    FindingForm,
    FinishForm,
    QuestionForm,
    RoundFilterForm,
    RoundStartForm,
    VerdictForm,
)
from kefu.supervision.models import (
    Checklist,
    ChecklistKind,
    FindingPhoto,
    ResultChoice,
    Round,
    RoundState,
)
from kefu.supervision.services import rounds as services
from kefu.supervision.services import spot_checks

PAGE_SIZE = 50


@login_required
def rounds_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_view(user):
        raise Forbidden()
    filters = RoundFilterForm(request.GET or None)
    rounds = queries.rounds_of(user).order_by("-started_at", "-pk")
    if filters.is_valid():
        if filters.cleaned_data["kind"]:
            rounds = rounds.filter(kind=filters.cleaned_data["kind"])
        if filters.cleaned_data["state"]:
            rounds = rounds.filter(state=filters.cleaned_data["state"])
    listed = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/rounds.html",
        {
            "filters": filters,
            "rounds": listed,
            "may_start": queries.may_make_rounds(user),
        },
    )


def _round_first(checklists: list[Checklist]) -> list[Checklist]:
    """The daily rounds' checklists first: the one most rounds use is offered first."""
    return sorted(checklists, key=lambda c: c.kind != ChecklistKind.ROUND)


def _start_form(request: HttpRequest, user: User) -> RoundStartForm:
    return RoundStartForm(
        request.POST or None,
        checklists=_round_first(list(queries.checklists_of(user).order_by("kind", "name"))),
        teams=list(queries.teams_of(user.centre_id)),
        spot=queries.may_spot_check(user),
        initial={"team": user.team_id or ""},
    )


@login_required
def round_new_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_make_rounds(user):
        raise Forbidden()
    form = _start_form(request, user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_start(
                actor=user,
                kind=data["kind"],
                checklist_id=int(data["checklist"]),
                team_id=int(data["team"]) if data["team"] else None,
                place=data["place"],
                unannounced=data["unannounced"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            return redirect("supervision_round", round_.pk)
    return render(
        request,
        "supervision/round_new.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def _round_context(
    request: HttpRequest, round_: Round, forms: dict[str, Any] | None = None
) -> dict[str, Any]:
    user = request_user(request)
    detail = queries.round_detail(round_)
    items = list(detail.checklist_version.items.all())
    results = {r.item_id: r for r in detail.results.all()}
    editable = detail.state == RoundState.OPEN and detail.inspector_id == user.pk
    forms = forms or {}
    findings = list(detail.findings.all())
    by_item: dict[int, list[Any]] = {}
    for finding in findings:
        if finding.item_id:
            by_item.setdefault(finding.item_id, []).append(finding)
    if editable:
        # A failed item's "record a finding" link names the item (?item=ID#finding).
        chosen = request.GET.get("item", "")
        forms.setdefault(
            "finding",
            FindingForm(
                items=items,
                centre_id=detail.centre_id,
                initial={"item": chosen} if chosen.isdigit() else None,
            ),
        )
        forms.setdefault("draw", DrawForm())
        forms.setdefault("question", QuestionForm(centre_id=detail.centre_id))
        forms.setdefault("finish", FinishForm())
    return {
        "round": detail,
        "rows": [(item, results.get(item.pk), by_item.get(item.pk, [])) for item in items],
        "answered": len(results),
        "findings": findings,
        "records": list(detail.records.all()),
        "questions": list(detail.questions.all()),
        "editable": editable,
        # Photos taken on the round are often uploaded later from the phone (001 4.1.4).
        "may_add_photos": detail.inspector_id == user.pk,
        "photos_per_finding": services.PHOTOS_PER_FINDING,
        "results": ResultChoice.choices,
        "verdict_form": VerdictForm(),
        "band": scoring.band(detail.score),
        "forms": forms,
    }


@login_required
def round_page(request: HttpRequest, round_id: int) -> HttpResponse:
    user = request_user(request)
    round_ = queries.round_get_for_user(user, round_id)
    return render(request, "supervision/round.html", _round_context(request, round_))


def _refused_page(request: HttpRequest, round_: Round, name: str, form: Any) -> HttpResponse:
    return render(
        request,
        "supervision/round.html",
        _round_context(request, round_, {name: form}),
        status=400,
    )


@login_required
@require_POST
def round_results_view(request: HttpRequest, round_id: int) -> HttpResponse:
    user = request_user(request)
    round_ = queries.round_get_for_user(user, round_id)
    results: dict[int, services.ResultIn] = {}
    for item_id in round_.checklist_version.items.values_list("pk", flat=True):
        value = request.POST.get(f"item_{item_id}", "")
        if value in ResultChoice.values:
            results[item_id] = services.ResultIn(
                value, request.POST.get(f"note_{item_id}", "")[:300]
            )
    try:
        services.round_record(
            actor=user, round_=round_, version=posted_version(request), results=results
        )
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The results are saved."))
    return redirect("supervision_round", round_.pk)


@login_required
@require_POST
def finding_add_view(request: HttpRequest, round_id: int) -> HttpResponse:
    user = request_user(request)
    round_ = queries.round_get_for_user(user, round_id)
    items = list(round_.checklist_version.items.all())
    form = FindingForm(request.POST, request.FILES, items=items, centre_id=round_.centre_id)
    if not form.is_valid():
        return _refused_page(request, round_, "finding", form)
    data = form.cleaned_data
    rectification = None
    if data["requirement"]:
        rectification = services.RectificationIn(
            data["requirement"], int(data["owner"]), data["deadline"]
        )
    try:
        services.finding_add(
            actor=user,
            round_=round_,
            version=posted_version(request),
            item_id=int(data["item"]) if data["item"] else None,
            person_id=int(data["person"]) if data["person"] else None,
            description=data["description"],
            correction=data["correction"],
            photos=data["photos"],
            rectification=rectification,
        )
    except DomainError as refused:
        refuse(form, refused)
        return _refused_page(request, round_, "finding", form)
    messages.success(request, _("The finding is recorded."))
    return redirect("supervision_round", round_.pk)


@login_required
@require_POST
def finding_photos_view(request: HttpRequest, finding_id: int) -> HttpResponse:
    """More photos of a finding, from its round's page: its inspector only."""
    user = request_user(request)
    finding = queries.finding_get_for_user(user, finding_id)
    try:
        added = services.finding_photos_add(
            actor=user, finding=finding, uploads=request.FILES.getlist("photos")
        )
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(
            request,
            ngettext("%(count)d photo is added.", "%(count)d photos are added.", len(added))
            % {"count": len(added)},
        )
    return redirect(
        reverse("supervision_round", args=[finding.round_id]) + f"#finding-{finding.pk}"
    )


@login_required
@require_POST
def records_draw_view(request: HttpRequest, round_id: int) -> HttpResponse:
    user = request_user(request)
    round_ = queries.round_get_for_user(user, round_id)
    form = DrawForm(request.POST)
    if not form.is_valid():
        return _refused_page(request, round_, "draw", form)
    try:
        drawn = spot_checks.records_draw(
            actor=user,
            round_=round_,
            version=posted_version(request),
            kind=form.cleaned_data["kind"],
            count=form.cleaned_data["count"],
        )
    except DomainError as refused:
        refuse(form, refused)
        return _refused_page(request, round_, "draw", form)
    if drawn:
        messages.success(request, _("%(n)d records drawn.") % {"n": len(drawn)})
    else:
        messages.warning(request, _("No record of this kind in the month before the round."))
    return redirect("supervision_round", round_.pk)


@login_required
@require_POST
def record_judge_view(request: HttpRequest, record_id: int) -> HttpResponse:
    user = request_user(request)
    record = queries.record_get_for_user(user, record_id)
    form = VerdictForm(request.POST)
    if form.is_valid():
        try:
            spot_checks.record_judge(
                actor=user,
                record=record,
                verdict=form.cleaned_data["verdict"],
                note=form.cleaned_data["note"],
            )
        except DomainError as refused:
            messages.error(request, str(refused.message))
    else:
        messages.error(request, _("Choose a verdict."))
    return redirect("supervision_round", record.round_id)


@login_required
@require_POST
def question_add_view(request: HttpRequest, round_id: int) -> HttpResponse:
    user = request_user(request)
    round_ = queries.round_get_for_user(user, round_id)
    form = QuestionForm(request.POST, centre_id=round_.centre_id)
    if not form.is_valid():
        return _refused_page(request, round_, "question", form)
    data = form.cleaned_data
    try:
        spot_checks.question_add(
            actor=user,
            round_=round_,
            version=posted_version(request),
            person_id=int(data["person"]),
            question=data["question"],
            answer=data["answer"],
            verdict=data["verdict"],
        )
    except DomainError as refused:
        refuse(form, refused)
        return _refused_page(request, round_, "question", form)
    messages.success(request, _("The question is recorded."))
    return redirect("supervision_round", round_.pk)


@login_required
@require_POST
def round_finish_view(request: HttpRequest, round_id: int) -> HttpResponse:
    user = request_user(request)
    round_ = queries.round_get_for_user(user, round_id)
    form = FinishForm(request.POST)
    if not form.is_valid():
        return _refused_page(request, round_, "finish", form)
    try:
        services.round_finish(
            actor=user,
            round_=round_,
            version=posted_version(request),
            note=form.cleaned_data["note"],
        )
    except DomainError as refused:
        refuse(form, refused)
        return _refused_page(request, round_, "finish", form)
    messages.success(request, _("The round is finished."))
    return redirect("supervision_round", round_.pk)


@login_required
def photo_view(request: HttpRequest, photo_id: int) -> FileResponse:
    user = request_user(request)
    photo = (
        FindingPhoto.objects.filter(pk=photo_id)
        .filter(finding__round__in=queries.rounds_of(user).order_by().values("pk"))
        .first()
    )
    if photo is None:
        # The owner of the finding's rectification sees its photos too.
        photo = FindingPhoto.objects.filter(
            pk=photo_id,
            finding__rectification__in=queries.rectifications_of(user).order_by().values("pk"),
        ).first()
    if photo is None:
        raise NotFound()
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
