"""The quality pages' forms. The score form is built from a scorecard version: for each
item an answer (met, not met, not applicable where allowed) and a comment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import DateInput
from kefu.quality.models import Answer, ScorecardItem, ScorecardVersion
from kefu.quality.scoring import NA
from kefu.quality.services.evaluations import AnswerSpec

COMMENT_MAX = 500


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the agent"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        version: ScorecardVersion,
        prefilled: Mapping[int, str] | None = None,
        previous: Mapping[int, tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.prefilled = dict(prefilled or {})
        self.sections: list[tuple[str, list[tuple[ScorecardItem, Any, Any]]]] = []
        for section in version.sections.all():
            rows = []
            for item in section.items.all():
                choices = [
                    (value, label)
                    for value, label in Answer.Value.choices
                    if value != NA or item.allow_na
                ]
                answer_name, note_name = f"item_{item.pk}", f"note_{item.pk}"
                value, note = (previous or {}).get(item.pk, (self.prefilled.get(item.pk), ""))
                self.fields[answer_name] = forms.ChoiceField(
                    label=item.text, choices=choices, widget=forms.RadioSelect, initial=value
                )
                self.fields[note_name] = forms.CharField(
                    label=_("Comment"), max_length=COMMENT_MAX, required=False, initial=note
                )
                rows.append((item, self[answer_name], self[note_name]))
            self.sections.append((section.title, rows))

    def answers(self) -> dict[int, AnswerSpec]:
        found = {}
        for _title, rows in self.sections:
            for item, _answer, _note in rows:
                value = self.cleaned_data[f"item_{item.pk}"]
                found[item.pk] = AnswerSpec(
                    value=value,
                    comment=self.cleaned_data[f"note_{item.pk}"],
                    automatic=self.prefilled.get(item.pk) == value,
                )
        return found


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you appeal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    OUTCOMES = [("upheld", _("The score stands")), ("changed", _("Change the score"))]
    outcome = forms.ChoiceField(
        label=_("Ruling"), choices=OUTCOMES, widget=forms.RadioSelect, initial="upheld"
    )
    decision = forms.CharField(
        label=_("Reason for the decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CoachingForm(forms.Form):
    note = forms.CharField(
        label=_("What to improve"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    due = forms.DateField(label=_("Due"), widget=DateInput())


class SkipForm(forms.Form):
    reason = forms.CharField(label=_("Why skip it"), max_length=200)


class ChooseForm(forms.Form):
    contact = forms.IntegerField(label=_("Contact number"), min_value=1, max_value=2**62)
