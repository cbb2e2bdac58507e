"""What the report and target pages accept, validated at the edge; whether a change may
happen, and whether its values make sense to the centre, is the services' to say."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import DateInput
from kefu.metrics import formatting
from kefu.metrics.models import ReportSubscription
from kefu.metrics.queries import Scopes
from kefu.metrics.standards import Unit
from kefu.telephony.intervals import WAIT_THRESHOLDS

SCOPE_CHOICES = [
    ("centre", _("Centre")),
    ("queue", _("Queue")),
    ("team", _("Team")),
    ("agent", _("Agent")),
]
# Before this the calendar arithmetic of a period and the one before it has no meaning
# for a centre, and at year 1 it would leave the range of dates altogether.
EARLIEST = dt.date(2000, 1, 1)
# What a bound is typed in: rates as percentages, everything else in its own unit.
INPUT_UNITS = {
    Unit.RATE: "%",
    Unit.SECONDS: _("s"),
    Unit.MONEY: _("yuan"),
    Unit.RINGS: _("rings"),
    Unit.PER_10K: _("per 10,000 customers"),
    Unit.PER_HOUR: _("per hour"),
    Unit.SCORE: _("points"),
    Unit.COUNT: "",
}


class ReportForm(forms.Form):
    """The report asked for in the query string; every field has a default, so the page
    opens on yesterday's daily report for the whole centre."""

    kind = forms.ChoiceField(
        label=_("Report"), choices=ReportSubscription.Period.choices, required=False
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    scope = forms.ChoiceField(label=_("Scope"), choices=SCOPE_CHOICES, required=False)
    name = forms.ChoiceField(label=_("Queue, team or agent"), required=False)

    def __init__(self, *args: Any, scopes: Scopes, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = scopes
        self.today = today
        self.fields["name"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *self.named().values(),
        ]

    def named(self) -> dict[str, tuple[str, list[tuple[str, str]]]]:
        """Each narrower scope with its choices, as option groups of the name select."""
        return {
            "queue": (str(_("Queues")), self.scopes.queues),
            "team": (str(_("Teams")), self.scopes.teams),
            "agent": (str(_("Agents")), self.scopes.agents),
        }

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or ReportSubscription.Period.DAILY

    def clean_date(self) -> dt.date:
        day: dt.date | None = self.cleaned_data["date"]
        if day is None:
            return self.today - dt.timedelta(days=1)
        if day > self.today:
            raise forms.ValidationError(_("The date cannot be in the future."))
        if day < EARLIEST:
            raise forms.ValidationError(
                _("The date cannot be before %(date)s.") % {"date": f"{EARLIEST:%Y-%m-%d}"}
            )
        return day

    def clean_scope(self) -> str:
        return self.cleaned_data["scope"] or "centre"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == "centre":
            data["name"] = ""
        elif scope in self.named():
            names = {value for value, _label in self.named()[scope][1]}
            if data.get("name") not in names:
                self.add_error("name", _("Choose the queue, team or agent the report is for."))
        return data

    def current(self) -> dict[str, str]:
        """What the form shows: the choice as cleaned, or as typed when it was refused."""
        if self.is_valid():
            return {"name": "", **self.query()}
        return {key: str(self.data.get(key, "")) for key in ("kind", "date", "scope", "name")}

    def query(self) -> dict[str, str]:
        """The cleaned choice as query parameters, for the export link and the tabs."""
        data = self.cleaned_data
        query = {"kind": data["kind"], "date": f"{data['date']:%Y-%m-%d}", "scope": data["scope"]}
        if data["name"]:
            query["name"] = data["name"]
        return query


def shown(value: float | None, unit: Unit | str) -> str:
    """A stored bound as it is typed: 0.8 of a rate reads 80."""
    if value is None:
        return ""
    if Unit(unit) is Unit.RATE:
        value = round(value * 100, 6)
    return f"{value:g}"


class TargetForm(forms.Form):
    low = forms.FloatField(label=_("Lowest good value"), required=False)
    high = forms.FloatField(label=_("Highest good value"), required=False)

    def __init__(self, *args: Any, unit: Unit | str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = Unit(unit)

    def bounds(self) -> tuple[float | None, float | None]:
        """The bounds in the indicator's own unit, as the service stores them."""
        scale = 100 if self.unit is Unit.RATE else 1
        low, high = self.cleaned_data["low"], self.cleaned_data["high"]
        return (
            None if low is None else low / scale,
            None if high is None else high / scale,
        )


def _thresholds() -> list[tuple[int, str]]:
    # A callable, so the labels are in the language of the request that shows them.
    return [(seconds, formatting.value_text(seconds, Unit.SECONDS)) for seconds in WAIT_THRESHOLDS]


class RulesForm(forms.Form):
    service_level_seconds = forms.TypedChoiceField(
        label=_("service level threshold (s)"), choices=_thresholds, coerce=int
    )
    short_abandon_seconds = forms.TypedChoiceField(
        label=_("short abandon threshold (s)"), choices=_thresholds, coerce=int
    )
    ring_cycle_seconds = forms.FloatField(label=_("ring cycle (s)"))
    fcr_window_days = forms.IntegerField(label=_("repeat-contact window (days)"))
    monthly_cost = forms.DecimalField(
        label=_("monthly cost (yuan)"), required=False, max_digits=14, decimal_places=2
    )

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        cost = data["monthly_cost"]
        data["monthly_cost"] = None if cost is None else float(cost)
        return data


class SubscriptionForm(forms.Form):
    subscription = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    period = forms.ChoiceField(label=_("period"), choices=ReportSubscription.Period.choices)
    recipients = forms.CharField(
        label=_("recipients"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One e-mail address per line."),
    )
    active = forms.BooleanField(label=_("active"), required=False)
