"""The standard phrases (issue 18 point 6): the library in use by situation, read by
everyone who speaks with customers; its history of versions; and for inspectors and
managers a draft, edited one situation at a time, published when ready."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.core.errors import DomainError, Forbidden, NotFound
from kefu.core.http import request_user
from kefu.quality.models import PhraseHoliday, PhraseKind, PhraseSituation
from kefu.quality.phrasebook import PhraseSpec
from kefu.quality.queries.phrases import (
    book_phrases,
    by_situation,
    may_edit_phrases,
    phrase_book_draft,
    phrase_book_get_for_user,
    phrase_book_in_use,
    phrase_books_of,
)
from kefu.quality.services import phrases as services

ROWS_EXTRA = 3


class PhraseRowForm(forms.Form):
    kind = forms.ChoiceField(label=_("Say or never say"), choices=PhraseKind.choices)
    text = forms.CharField(label=_("Wording"), max_length=300, required=False)
    when = forms.CharField(label=_("When to say"), max_length=100, required=False)
    checked = forms.BooleanField(label=_("Checked in transcripts"), required=False)
    exceptions = forms.CharField(label=_("Allowed inside"), max_length=200, required=False)
    holiday = forms.ChoiceField(
        label=_("Holiday"),
        choices=[("", _("Any holiday")), *PhraseHoliday.choices],
        required=False,
    )
    delete = forms.BooleanField(label=_("Remove"), required=False)

    def filled(self) -> bool:
        return bool(self.cleaned_data.get("text")) and not self.cleaned_data.get("delete")


PhraseRows = forms.formset_factory(
    PhraseRowForm,
    extra=ROWS_EXTRA,
    max_num=services.MAX_PER_SITUATION,
    absolute_max=services.MAX_PER_SITUATION + ROWS_EXTRA,
)


def _situation(value: str) -> str:
    if value not in PhraseSituation.values:
        raise NotFound(code="situation_not_found")
    return value


def _specs(situation: str, rows: Any) -> list[PhraseSpec]:
    return [
        PhraseSpec(
            situation=situation,
            kind=row.cleaned_data["kind"],
            text=row.cleaned_data["text"],
            when=row.cleaned_data.get("when") or "",
            checked=row.cleaned_data.get("checked", False),
            exceptions=row.cleaned_data.get("exceptions") or "",
            holiday=row.cleaned_data.get("holiday") or "",
        )
        for row in rows
        if row.filled()
    ]


@login_required
def phrases_page(request: HttpRequest) -> HttpResponse:
    """The library in use (or `?version=N`), by situation, and its versions."""
    user = request_user(request)
    raw = request.GET.get("version", "")
    number = int(raw) if raw.isdigit() and len(raw) < 9 else None
    book = phrase_book_get_for_user(user, number)
    editor = may_edit_phrases(user)
    groups = by_situation(book)
    shown = {group.situation for group in groups}
    return render(
        request,
        "quality/phrases.html",
        {
            "book": book,
            "groups": groups,
            "in_use": phrase_book_in_use(user.centre_id),
            "draft": phrase_book_draft(user.centre_id) if editor else None,
            "versions": phrase_books_of(user),
            "editor": editor,
            "empty": [
                (value, label) for value, label in PhraseSituation.choices if value not in shown
            ],
        },
    )


@login_required
def phrase_situation_page(request: HttpRequest, situation: str) -> HttpResponse:
    """One situation's phrases in the draft (as in the version in use until a draft
    exists); saving writes them into the draft."""
    user = request_user(request)
    if not may_edit_phrases(user):
        raise Forbidden()
    situation = _situation(situation)
    start = phrase_book_draft(user.centre_id) or phrase_book_in_use(user.centre_id)
    initial = [
        {
            "kind": spec.kind,
            "text": spec.text,
            "when": spec.when,
            "checked": spec.checked,
            "exceptions": spec.exceptions,
            "holiday": spec.holiday,
        }
        for spec in (book_phrases(start) if start else [])
        if spec.situation == situation
    ]
    rows = PhraseRows(request.POST or None, prefix="rows", initial=initial)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if rows.is_valid():
            try:
                services.phrase_draft_save(
                    actor=user,
                    situation=situation,
                    phrases=_specs(situation, rows),
                    note=request.POST.get("note", "")[:200],
                )
            except DomainError as refused:
                errors.append(str(refused.message))
            else:
                messages.success(request, _("Saved in the draft. Publish it to put it in use."))
                return redirect(reverse("quality_phrases") + f"#{situation}")
        status = 400
    draft = phrase_book_draft(user.centre_id)
    return render(
        request,
        "quality/phrase_situation.html",
        {
            "situation": situation,
            "label": PhraseSituation(situation).label,
            "rows": rows,
            "errors": errors,
            "draft": draft,
            "festival": situation == PhraseSituation.FESTIVAL,
        },
        status=status,
    )


@login_required
@require_POST
def phrase_publish_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not may_edit_phrases(user):
        raise Forbidden()
    try:
        book = services.phrase_draft_publish(actor=user)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("Version %(number)d is in use.") % {"number": book.number})
    return redirect("quality_phrases")


@login_required
@require_POST
def phrase_discard_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not may_edit_phrases(user):
        raise Forbidden()
    try:
        services.phrase_draft_discard(actor=user)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The draft is thrown away."))
    return redirect("quality_phrases")


@login_required
@require_POST
def phrase_defaults_view(request: HttpRequest) -> HttpResponse:
    """A centre without standard phrases starts from the seeds' (its name in the greeting)."""
    services.phrase_book_start(actor=request_user(request))
    messages.success(request, _("The standard phrases are in use."))
    return redirect("quality_phrases")
