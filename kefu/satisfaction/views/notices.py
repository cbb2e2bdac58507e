"""The notices pages (issue 19 point 6): those running now and coming, drafts, and the
ones that ended; a notice's page with its text messages' progress; writing, correcting,
publishing and withdrawing one."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.contacts.labels import path_label, resolve
from kefu.contacts.queries import region_paths
from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import DateTimeInput, refuse
from kefu.core.http import request_user
from kefu.satisfaction.models import MessageState, Notice, NoticeKind, NoticeState
from kefu.satisfaction.queries.notices import (
    may_publish,
    notice_get_for_user,
    notice_messages,
    notices_of,
)
from kefu.satisfaction.services import notices as services

# Between the regions of a notice: a new line or a comma (、 and › are inside a region's path).
_LIST = re.compile(r"[\n,，;；]+")
MAX_REGIONS = 50


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    starts_at = forms.DateTimeField(label=_("From"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Until"), widget=DateTimeInput())
    regions = forms.CharField(
        label=_("Affected regions"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "list": "region-list"}),
        help_text=_("One per line or separated by commas, as 南京市 › 鼓楼区 or 鼓楼区."),
    )
    text = forms.CharField(
        label=_("What agents tell callers"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    sms_text = forms.CharField(
        label=_("Text message to customers"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Sent to the affected customers' mobiles when published, outside the quiet "
            "hours; leave empty to send none. 70 characters make one message."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paths = region_paths()

    def clean_regions(self) -> list[str]:
        codes: list[str] = []
        for typed in (part.strip() for part in _LIST.split(self.cleaned_data["regions"])):
            if not typed:
                continue
            found = resolve(typed, self.paths)
            if found.code is None and found.ambiguous:
                raise forms.ValidationError(
                    _("%(typed)s could be %(choices)s: write the whole path.")
                    % {"typed": typed, "choices": "、".join(found.ambiguous[:3])}
                )
            if found.code is None:
                raise forms.ValidationError(_("There is no region %(code)s.") % {"code": typed})
            if found.code not in codes:
                codes.append(found.code)
        if not codes:
            raise forms.ValidationError(_("Name the regions the notice concerns."))
        if len(codes) > MAX_REGIONS:
            raise forms.ValidationError(_("A notice names at most 50 regions."))
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("A notice must end after it starts."))
        return data


def _initial(notice: Notice) -> dict[str, Any]:
    paths = region_paths()
    return {
        "kind": notice.kind,
        "title": notice.title,
        "starts_at": timezone.localtime(notice.starts_at).replace(tzinfo=None),
        "ends_at": timezone.localtime(notice.ends_at).replace(tzinfo=None),
        "regions": "\n".join(
            path_label(paths.get(region.code, (region.name,))) for region in notice.regions.all()
        ),
        "text": notice.text,
        "sms_text": notice.sms_text,
    }


def _save(request: HttpRequest, form: NoticeForm, notice: Notice | None) -> Notice | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return services.notice_save(
            actor=request_user(request),
            notice=notice,
            kind=data["kind"],
            title=data["title"],
            text=data["text"],
            sms_text=data["sms_text"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            region_codes=data["regions"],
        )
    except DomainError as refused:
        refuse(form, refused)
        return None


@login_required
def notices_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    now = timezone.now()
    notices = list(notices_of(user).order_by("starts_at", "pk"))
    published = [n for n in notices if n.state == NoticeState.PUBLISHED]
    return render(
        request,
        "satisfaction/notices.html",
        {
            "running": [n for n in published if n.starts_at <= now < n.ends_at],
            "coming": [n for n in published if n.starts_at > now],
            "drafts": [n for n in notices if n.state == NoticeState.DRAFT],
            "ended": sorted(
                (n for n in notices if n.state == NoticeState.WITHDRAWN or n.ends_at <= now),
                key=lambda n: n.ends_at,
                reverse=True,
            )[:20],
            "may_publish": may_publish(user),
        },
    )


@login_required
def notice_new_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not may_publish(user):
        raise Forbidden()
    form = NoticeForm(request.POST or None)
    if request.method == "POST":
        notice = _save(request, form, None)
        if notice is not None:
            messages.success(request, _("The notice is saved as a draft."))
            return redirect("satisfaction_notice", notice.pk)
    return render(
        request,
        "satisfaction/notice_form.html",
        {"form": form, "notice": None, "regions": _region_labels(form)},
        status=400 if form.is_bound else 200,
    )


def _region_labels(form: NoticeForm) -> list[str]:
    return sorted(path_label(path) for path in form.paths.values())


@login_required
def notice_page(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = request_user(request)
    notice = notice_get_for_user(user, notice_id)
    editable = may_publish(user) and notice.state != NoticeState.WITHDRAWN
    form = None
    if editable:
        form = NoticeForm(request.POST or None, initial=_initial(notice))
    if request.method == "POST":
        if form is None:
            raise Forbidden()
        if _save(request, form, notice) is not None:
            messages.success(request, _("The notice is saved."))
            return redirect("satisfaction_notice", notice.pk)
    sent = notice_messages(notice)
    return render(
        request,
        "satisfaction/notice.html",
        {
            "notice": notice,
            "form": form,
            "regions": _region_labels(form) if form else [],
            "may_publish": may_publish(user),
            "sent": [(label, sent[value]) for value, label in MessageState.choices if sent[value]],
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_POST
def notice_publish_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = request_user(request)
    notice = notice_get_for_user(user, notice_id)
    try:
        services.notice_publish(actor=user, notice=notice)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The notice is published."))
    return redirect("satisfaction_notice", notice.pk)


@login_required
@require_POST
def notice_withdraw_view(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = request_user(request)
    notice = notice_get_for_user(user, notice_id)
    services.notice_withdraw(actor=user, notice=notice)
    messages.success(request, _("The notice is withdrawn."))
    return redirect("satisfaction_notice", notice.pk)
