"""The forms of the outbound-list pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.contacts.models import CallReason
from kefu.core.forms import DateInput
from kefu.core.models import OrgUnit, Region
from kefu.customers.models import Tier
from kefu.satisfaction.models import Assignment, CallListPurpose, FillRule, SurveyTemplate

#: Bytes of an uploaded list of account numbers read at most (5,000 numbers and more).
UPLOAD_MAX = 256 * 1024


class CallListForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("call list", "Name"), max_length=100)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=CallListPurpose.choices)
    fill_rule = forms.ChoiceField(label=_("Fill rule"), choices=FillRule.choices)
    business_type = forms.ModelChoiceField(
        label=_("Business type of the work orders"),
        queryset=CallReason.objects.none(),
        required=False,
    )
    tier = forms.ChoiceField(
        label=_("Tier"), choices=[("", _("Any")), *Tier.choices], required=False
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    sample_size = forms.IntegerField(
        label=_("Sample size"), min_value=0, max_value=5000, required=False, initial=0
    )
    script = forms.CharField(
        label=_("Script"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    survey = forms.ModelChoiceField(
        label=_("Survey recorded on the call"),
        queryset=SurveyTemplate.objects.none(),
        required=False,
    )
    due_on = forms.DateField(label=_("To be done by"), widget=DateInput())
    max_attempts = forms.IntegerField(
        label=_("attempts at most"), min_value=1, max_value=20, initial=3
    )
    retry_hours = forms.IntegerField(
        label=_("hours before calling again"), min_value=0, max_value=720, initial=4
    )
    team = forms.ModelChoiceField(
        label=_("Worked by team"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=_("All agents of the centre"),
    )
    assignment = forms.ChoiceField(label=_("assignment"), choices=Assignment.choices)

    def __init__(self, *args: Any, centre_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["business_type"].queryset = CallReason.objects.filter(
            centre_id=centre_id,
            active=True,
            dimension__in=[
                CallReason.Dimension.BUSINESS_TYPE,
                CallReason.Dimension.SERVICE_CONTENT,
            ],
        ).order_by("dimension", "position", "code")
        fields["region"].queryset = Region.objects.order_by("code")
        fields["survey"].queryset = SurveyTemplate.objects.filter(centre_id=centre_id, active=True)
        fields["team"].queryset = OrgUnit.objects.filter(
            parent_id=centre_id, kind=OrgUnit.Kind.TEAM
        ).order_by("code")


class FillForm(forms.Form):
    """Account numbers pasted or uploaded (a text or CSV file, first column)."""

    accounts = forms.CharField(
        label=_("Account numbers, one a line"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    upload = forms.FileField(label=_("Or a file of them (.txt, .csv)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        if upload is not None:
            if upload.size > UPLOAD_MAX:
                self.add_error("upload", _("The file is too large."))
                return data
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                try:
                    text = raw.decode("gb18030")
                except UnicodeDecodeError:
                    self.add_error("upload", _("The file is not text."))
                    return data
            # A CSV's first column: the account number.
            lines = [line.split(",")[0] for line in text.splitlines()]
            data["accounts"] = "\n".join(filter(None, [data.get("accounts", ""), *lines]))
        if not (data.get("accounts") or "").strip():
            self.add_error("accounts", _("Give at least one account number."))
        return data
