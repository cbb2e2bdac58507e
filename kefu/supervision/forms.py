"""The supervision pages' forms: they check what a person typed; the services decide."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.forms import DateInput
from kefu.core.models import User
from kefu.supervision.models import (
    AnswerVerdict,
    Checklist,
    ChecklistItem,
    ChecklistKind,
    RecordKind,
    RoundKind,
    RoundState,
    Section,
    Verdict,
)
from kefu.supervision.services.checklists import ItemIn
from kefu.supervision.services.rounds import SPOT_CHECK_KINDS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _people(centre_id: int | None) -> list[tuple[str, str]]:
    users = User.objects.filter(centre_id=centre_id, is_active=True).order_by("username")
    return [("", "—")] + [(str(user.pk), str(user)) for user in users]


class RoundFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *RoundKind.choices], required=False
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *RoundState.choices], required=False
    )


class RoundStartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RoundKind.choices)
    checklist = forms.ChoiceField(label=_("Checklist"))
    team = forms.ChoiceField(label=_("Team"), required=False)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    unannounced = forms.BooleanField(label=_("Unannounced"), required=False)

    def __init__(
        self, *args: Any, checklists: list[Checklist], teams: list[Any], spot: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)  # noqa: S101 (declared above)
        kind_field.choices = [
            (value, label)
            for value, label in RoundKind.choices
            if spot or value not in SPOT_CHECK_KINDS
        ]
        checklist_field = self.fields["checklist"]
        assert isinstance(checklist_field, forms.ChoiceField)  # noqa: S101
        checklist_field.choices = [(str(c.pk), c.name) for c in checklists if c.active]
        team_field = self.fields["team"]
        assert isinstance(team_field, forms.ChoiceField)  # noqa: S101
        team_field.choices = [("", "—")] + [(str(t.pk), t.name) for t in teams]


class FindingForm(forms.Form):
    item = forms.ChoiceField(label=_("Checklist item"), required=False)
    person = forms.ChoiceField(label=_("Staff member concerned"), required=False)
    description = forms.CharField(
        label=_("What was found"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    correction = forms.CharField(
        label=_("Corrected and shown on the spot"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Correct it there and then and show how it is done: never only record it."),
    )
    photos = MultipleFileField(label=_("Photos"), required=False)
    requirement = forms.CharField(
        label=_("Rectification needed"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when it cannot be put right on the spot."),
    )
    owner = forms.ChoiceField(label=_("Rectification owner"), required=False)
    deadline = forms.DateField(label=_("Rectify by"), required=False, widget=DateInput())

    def __init__(
        self, *args: Any, items: list[ChecklistItem], centre_id: int | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        people = _people(centre_id)
        self.fields["item"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(item.pk), f"{item.position}. {item.text}") for item in items
        ]
        self.fields["person"].choices = people  # type: ignore[attr-defined]
        self.fields["owner"].choices = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wants = [bool(data.get("requirement")), bool(data.get("owner")), bool(data.get("deadline"))]
        if any(wants) and not all(wants):
            self.add_error(
                "requirement",
                _("A rectification needs what must change, an owner and a deadline."),
            )
        if data.get("deadline") and data["deadline"] < timezone.localdate():
            self.add_error("deadline", _("The deadline lies between today and a year from now."))
        return data


class DrawForm(forms.Form):
    kind = forms.ChoiceField(label=_("Records"), choices=RecordKind.choices)
    count = forms.IntegerField(label=_("How many"), min_value=1, max_value=20, initial=3)


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"), choices=[c for c in Verdict.choices if c[0] != Verdict.PENDING]
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class QuestionForm(forms.Form):
    person = forms.ChoiceField(label=pgettext_lazy("supervision", "Asked"))
    question = forms.CharField(label=_("Question"), max_length=300)
    answer = forms.CharField(
        label=_("Answer given"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    verdict = forms.ChoiceField(label=_("Verdict"), choices=AnswerVerdict.choices)

    def __init__(self, *args: Any, centre_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = _people(centre_id)  # type: ignore[attr-defined]


class FinishForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("supervision", "Summary"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecheckForm(forms.Form):
    passed = forms.ChoiceField(
        label=_("Re-check"),
        choices=[("yes", _("Holds: close it")), ("no", _("Falls short: send it back"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("passed") == "no" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what still falls short."))
        return data


class ComplianceForm(forms.Form):
    first = forms.DateField(label=_("From"), required=False, widget=DateInput())
    last = forms.DateField(label=_("To"), required=False, widget=DateInput())
    team = forms.ChoiceField(label=_("Team"), required=False)

    def __init__(self, *args: Any, teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("All teams"))] + [  # type: ignore[attr-defined]
            (str(t.pk), t.name) for t in teams
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last and (first > last or (last - first).days >= 92):
            self.add_error("first", _("Choose a period of 1 to 92 days."))
        return data


# One item a line; "（2分）" at the end weighs it 2 points.
_POINTS = re.compile(r"[（(]\s*(\d{1,2}(?:\.\d)?)\s*分\s*[)）]\s*$")


class ChecklistForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=ChecklistKind.choices)
    active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def __init__(self, *args: Any, sources: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = sources or {}
        for value, label in Section.choices:
            self.fields[f"section_{value}"] = forms.CharField(
                label=label,
                required=False,
                max_length=6000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        items: list[ItemIn] = []
        for value, _label in Section.choices:
            for line in (data.get(f"section_{value}") or "").splitlines():
                text = line.strip()
                if not text:
                    continue
                points = Decimal(1)
                found = _POINTS.search(text)
                if found:
                    points = Decimal(found.group(1))
                    text = text[: found.start()].strip()
                if len(text) > 300:
                    self.add_error(f"section_{value}", _("An item is at most 300 characters."))
                    continue
                if points <= 0:
                    self.add_error(f"section_{value}", _("An item weighs more than 0 points."))
                    continue
                items.append(ItemIn(value, text, points, self.sources.get(text, "")))
        if not items and not self.errors:
            self.add_error(None, _("A checklist needs at least one item."))
        data["items"] = items
        return data


def checklist_initial(checklist: Checklist, items: list[ChecklistItem]) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "name": checklist.name,
        "kind": checklist.kind,
        "active": checklist.active,
    }
    for value, _label in Section.choices:
        lines = []
        for item in items:
            if item.section != value:
                continue
            suffix = "" if item.points == 1 else f"（{item.points.normalize()}分）"
            lines.append(item.text + suffix)
        initial[f"section_{value}"] = "\n".join(lines)
    return initial
