"""The improvement projects' forms: they check what a person typed; the services decide.
Rates are typed as percentages (85 for 85 %) and stored as fractions, as kefu.metrics
holds them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.forms import DateInput
from kefu.core.models import User
from kefu.metrics.standards import Unit
from kefu.supervision import library, progress


def people_of(centre_id: int | None) -> list[tuple[str, str]]:
    users = User.objects.filter(centre_id=centre_id, is_active=True).order_by("username")
    return [("", "—")] + [(str(user.pk), str(user)) for user in users]


def to_stored(value: Decimal | float, unit: str) -> float:
    """What a person typed (a percentage for a rate) as the indicator's own number."""
    number = float(value)
    return number / 100 if unit == Unit.RATE else number


def to_typed(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    number = value * 100 if unit == Unit.RATE else value
    return f"{number:.2f}".rstrip("0").rstrip(".")


def period_label(two_months: progress.TwoMonths) -> str:
    first, last = two_months.months
    return str(_("%(year)s, months %(first)s–%(last)s")) % {
        "year": two_months.year,
        "first": first,
        "last": last,
    }


def period_choices(today: dt.date) -> list[tuple[str, str]]:
    """The current two-month period and the five after it."""
    current = progress.TwoMonths.of(today)
    choices = []
    for _n in range(6):
        choices.append((f"{current.year}-{current.index}", period_label(current)))
        current = current.next()
    return choices


def indicator_choices() -> list[tuple[str, str]]:
    """The indicators a project can be set on: computed ones with a better side."""
    return [
        (code, str(standard.name))
        for code, standard in library.COMPUTED.items()
        if library.better(code, standard.default_target) is not None
    ]


class ProjectForm(forms.Form):
    theme = forms.CharField(label=_("Theme"), max_length=100)
    indicator = forms.ChoiceField(label=_("Indicator"))
    period = forms.ChoiceField(label=_("Two-month period"))
    target = forms.DecimalField(
        label=_("Target"),
        max_digits=14,
        decimal_places=4,
        help_text=_("In the indicator's unit; a rate as a percentage (85 for 85%)."),
    )
    description = forms.CharField(
        label=pgettext_lazy("project", "Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["indicator"].choices = indicator_choices()  # type: ignore[attr-defined]
        self.fields["period"].choices = period_choices(timezone.localdate())  # type: ignore[attr-defined]

    def two_months(self) -> progress.TwoMonths:
        year, index = self.cleaned_data["period"].split("-")
        return progress.TwoMonths(int(year), int(index))


class ActionForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("project", "Action"), max_length=200)
    owner = forms.ChoiceField(label=_("Owner"))
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args: object, centre_id: int | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].choices = people_of(centre_id)  # type: ignore[attr-defined]


class DoneForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class BaselineForm(forms.Form):
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=14, decimal_places=4)
    reason = forms.CharField(label=_("Reason for the change"), max_length=500)


class CloseForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OwnerForm(forms.Form):
    owner = forms.ChoiceField(label=_("Owner"), required=False)

    def __init__(self, *args: object, centre_id: int | None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].choices = people_of(centre_id)  # type: ignore[attr-defined]
