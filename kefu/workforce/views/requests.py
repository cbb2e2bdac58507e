"""The request pages (调班申请, 002 第15篇 3.1.1): an agent's requests (ask leave, offer a
swap, withdraw), the swap offers addressed to them (accept, decline), and the team
leader's requests page (what each would change, approve or refuse with a reason)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden, NotFound
from kefu.core.forms import DateInput
from kefu.core.http import request_user
from kefu.core.models import User
from kefu.core.roles import ASK_ROTA_CHANGE, PLAN_ROTA
from kefu.core.schemas import MAX_BIGINT
from kefu.workforce.models import LeaveKind, LeaveRequest, Shift, SwapRequest
from kefu.workforce.queries import requests as queries
from kefu.workforce.services import requests as services


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of leave"), choices=LeaveKind.choices)
    first_day = forms.DateField(label=gettext_lazy("First day"), widget=DateInput())
    last_day = forms.DateField(label=gettext_lazy("Last day"), widget=DateInput())
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class SwapForm(forms.Form):
    shift = forms.TypedChoiceField(label=gettext_lazy("My shift"), coerce=int)
    counterpart_shift = forms.TypedChoiceField(
        label=gettext_lazy("Colleague's shift in exchange"), coerce=int, required=False,
        empty_value=None,
    )  # fmt: skip
    counterpart = forms.TypedChoiceField(
        label=gettext_lazy("Or give it to"), coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, member: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = dict(self.fields)
        fields["shift"].choices = [("", _("Choose…"))] + [
            (shift.pk, shift_label(shift)) for shift in queries.upcoming_shifts(member)
        ]
        self.theirs = list(queries.colleague_shifts(member))
        fields["counterpart_shift"].choices = [("", _("None: give my shift away"))] + [
            (shift.pk, f"{_who(shift.member.user)} · {shift_label(shift)}") for shift in self.theirs
        ]
        fields["counterpart"].choices = [("", "—")] + [
            (colleague.pk, _who(colleague.user)) for colleague in queries.colleagues_of(member)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        other = data.get("counterpart_shift")
        if other is not None:
            owner = next((shift.member_id for shift in self.theirs if shift.pk == other), None)
            data["counterpart"] = owner
        elif data.get("counterpart") is None:
            self.add_error(
                "counterpart", _("Choose a colleague's shift, or a colleague to give it to.")
            )
        return data


def _who(user: User | None) -> str:
    if user is None:
        return "—"
    return user.full_name or user.username


def shift_label(shift: Shift | None) -> str:
    if shift is None:
        return _("a shift no longer on the rota")
    start = timezone.localtime(shift.starts_at)
    end = timezone.localtime(shift.ends_at)
    name = shift.template.name if shift.template else ""
    return f"{shift.day:%m-%d} {name} {start:%H:%M}–{end:%H:%M}".replace("  ", " ")


def _asker(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.has_perm(ASK_ROTA_CHANGE):
        raise Forbidden()
    return user


def _my_page(
    request: HttpRequest,
    *,
    leave_form: LeaveForm | None = None,
    swap_form: SwapForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _asker(request)
    member = queries.staff_member_of(user)
    context: dict[str, Any] = {"member": member}
    if member is not None:
        context |= {
            "leave_form": leave_form or LeaveForm(),
            "swap_form": swap_form or SwapForm(member=member),
            "leave": list(queries.my_leave_requests(user)[:50]),
            "swaps": list(queries.my_swap_requests(user)[:50]),
            "shifts": list(queries.upcoming_shifts(member)[:14]),
        }
    return render(request, "workforce/my_requests.html", context, status=status)


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """The page, and its two forms posted back to it (a refused form is shown again
    here, with what was typed)."""
    if request.method == "POST":
        if request.POST.get("form") == "swap":
            return swap_offer(request)
        return leave_ask(request)
    return _my_page(request)


def _form_error(form: forms.Form, error: DomainError) -> None:
    field = (error.detail or {}).get("field") if isinstance(error.detail, dict) else None
    form.add_error(field if field in form.fields else None, str(error.message))


def leave_ask(request: HttpRequest) -> HttpResponse:
    user = _asker(request)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.leave_request_create(actor=user, **form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your leave request was sent to the team leader."))
            return redirect("workforce_my_requests")
    return _my_page(request, leave_form=form)


def swap_offer(request: HttpRequest) -> HttpResponse:
    user = _asker(request)
    member = queries.staff_member_of(user)
    if member is None:
        return _my_page(request)
    form = SwapForm(request.POST, member=member)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.swap_request_create(
                actor=user,
                shift_id=data["shift"],
                counterpart_id=data["counterpart"],
                counterpart_shift_id=data["counterpart_shift"],
                reason=data["reason"],
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your swap offer was sent to the colleague."))
            return redirect("workforce_my_requests")
    return _my_page(request, swap_form=form)


def _act(request: HttpRequest, run: Any, success: str, back: str) -> HttpResponse:
    try:
        run()
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, success)
    return redirect(back)


@login_required
@require_POST
def leave_withdraw(request: HttpRequest, leave_id: int) -> HttpResponse:
    user = _asker(request)
    queries.leave_request_get_for_user(user, leave_id)
    return _act(
        request,
        lambda: services.leave_request_withdraw(actor=user, leave_id=leave_id),
        _("The request was withdrawn."),
        "workforce_my_requests",
    )


@login_required
@require_POST
def swap_withdraw(request: HttpRequest, swap_id: int) -> HttpResponse:
    user = _asker(request)
    queries.swap_request_get_for_user(user, swap_id)
    return _act(
        request,
        lambda: services.swap_request_withdraw(actor=user, swap_id=swap_id),
        _("The request was withdrawn."),
        "workforce_my_requests",
    )


@login_required
def swap_offers(request: HttpRequest) -> HttpResponse:
    user = _asker(request)
    offers = list(queries.swap_offers_to(user)[:50])
    return render(request, "workforce/swap_offers.html", {"offers": offers})


@login_required
@require_POST
def swap_answer(request: HttpRequest, swap_id: int) -> HttpResponse:
    user = _asker(request)
    queries.swap_request_get_for_user(user, swap_id)
    accept = request.POST.get("answer") == "accept"
    return _act(
        request,
        lambda: services.swap_request_answer(
            actor=user, swap_id=swap_id, accept=accept, note=request.POST.get("note", "")
        ),
        _("You accepted the swap; it now waits for the team leader.")
        if accept
        else _("You declined the swap."),
        "workforce_swap_offers",
    )


# --- the leader's page --------------------------------------------------------------------


def _planner(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.has_perm(PLAN_ROTA):
        raise Forbidden()
    return user


def _decide_page(
    request: HttpRequest, *, failed: tuple[str, int] | None = None, note: str = "", error: str = ""
) -> HttpResponse:
    user = _planner(request)
    items: list[dict[str, Any]] = [
        {"kind": "leave", "item": leave, "impact": queries.leave_impact(leave)}
        for leave in queries.leave_to_decide(user)[:30]
    ] + [
        {"kind": "swap", "item": swap, "impact": queries.swap_impact(swap)}
        for swap in queries.swaps_to_decide(user)[:30]
    ]
    for entry in items:
        entry["shifts"] = _shift_lines(entry["item"])
        if failed == (entry["kind"], entry["item"].pk):
            entry["note"] = note
            entry["error"] = error
    context = {"items": items, "decided": queries.recently_decided(user)}
    return render(request, "workforce/requests.html", context, status=200)


def _shift_lines(item: LeaveRequest | SwapRequest) -> list[str]:
    if isinstance(item, SwapRequest):
        lines = [
            _("%(agent)s gives %(shift)s")
            % {"agent": _who(item.requester.user), "shift": shift_label(item.shift)}
        ]
        if item.counterpart_shift is not None:
            lines.append(
                _("%(agent)s gives %(shift)s")
                % {
                    "agent": _who(item.counterpart.user),
                    "shift": shift_label(item.counterpart_shift),
                }
            )
        return lines
    return [shift_label(shift) for shift in queries.leave_shifts(item)]


@login_required
def requests_page(request: HttpRequest) -> HttpResponse:
    """The page, and the decisions posted back to it (a refusal without a reason is
    shown again here, on its request, with what was typed)."""
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        try:
            item_id = int(request.POST.get("id", ""))
        except ValueError:
            item_id = 0
        if kind not in ("leave", "swap") or not 0 < item_id <= MAX_BIGINT:
            raise NotFound()
        return request_decide(request, kind, item_id)
    return _decide_page(request)


def request_decide(request: HttpRequest, kind: str, item_id: int) -> HttpResponse:
    user = _planner(request)
    approve = request.POST.get("decision") == "approve"
    note = request.POST.get("note", "")
    digest = request.POST.get("digest") or None
    try:
        if kind == "leave":
            queries.leave_request_get_for_user(user, item_id)
            services.leave_request_decide(
                actor=user, leave_id=item_id, approve=approve, note=note, digest=digest
            )
        else:
            queries.swap_request_get_for_user(user, item_id)
            services.swap_request_decide(
                actor=user, swap_id=item_id, approve=approve, note=note, digest=digest
            )
    except DomainError as error:
        if error.code == "reason_required" or error.code == "too_long":
            return _decide_page(
                request, failed=(kind, item_id), note=note, error=str(error.message)
            )
        messages.error(request, str(error.message))
        return redirect("workforce_requests")
    messages.success(request, _("Approved: the rota was changed.") if approve else _("Refused."))
    return redirect("workforce_requests")
