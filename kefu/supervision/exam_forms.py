"""The forms of the training and exam pages (issue 20 point 2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import DateTimeInput
from kefu.core.models import User
from kefu.supervision.models import (
    ExamKind,
    ExamQuestionKind,
    PartialRule,
    Question,
    TrainingTopic,
)

ROWS = {"rows": 2}


class SessionForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=TrainingTopic.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    minutes = forms.IntegerField(label=_("Length in minutes"), min_value=1, max_value=1440)
    trainer = forms.TypedChoiceField(
        label=_("Trainer"), coerce=int, required=False, empty_value=None
    )
    trainer_name = forms.CharField(
        label=_("Outside trainer"),
        max_length=60,
        required=False,
        help_text=_("When not one of us."),
    )
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    people = forms.TypedMultipleChoiceField(
        label=_("People expected"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(u.pk, str(u)) for u in staff]
        cast(forms.ChoiceField, self.fields["trainer"]).choices = [("", "—"), *choices]
        cast(forms.ChoiceField, self.fields["people"]).choices = choices


class QuestionBankForm(forms.Form):
    """Options one a line; the key: the right options' numbers (from 1, e.g. 1,3),
    对/错 (or true/false), or the reference answer."""

    topic = forms.ChoiceField(label=_("Topic"), choices=TrainingTopic.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=ExamQuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=1000, widget=forms.Textarea(attrs=ROWS))
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Choice questions: one option a line."),
    )
    key = forms.CharField(
        label=_("Answer"),
        max_length=1000,
        widget=forms.Textarea(attrs=ROWS),
        help_text=_(
            "The right options' numbers (e.g. 1,3); 对 or 错; or the reference answer of a "
            "short-answer question."
        ),
    )
    article = forms.TypedChoiceField(
        label=_("Source article"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, articles: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["article"]).choices = [("", "—"), *articles]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, key = data.get("kind"), (data.get("key") or "").strip()
        options = [
            line.strip() for line in (data.get("options") or "").splitlines() if line.strip()
        ]
        data["option_list"] = options
        if kind in (ExamQuestionKind.SINGLE, ExamQuestionKind.MULTIPLE):
            try:
                numbers = [
                    int(n) - 1 for n in key.replace("，", ",").replace(" ", ",").split(",") if n
                ]
            except ValueError:
                self.add_error("key", _("Write the right options' numbers, e.g. 1,3."))
                return data
            data["key_value"] = numbers
        elif kind == ExamQuestionKind.TRUE_FALSE:
            truth = {
                "对": True,
                "true": True,
                "正确": True,
                "错": False,
                "false": False,
                "错误": False,
            }
            if key.lower() not in truth:
                self.add_error("key", _("Write 对 or 错."))
                return data
            data["key_value"] = truth[key.lower()]
        else:
            data["key_value"] = key
        return data


class QuestionEditForm(QuestionBankForm):
    """Changing a question of the bank: the same fields, whether it is in use, and the
    version it was read at (a change meanwhile is refused, what was typed kept)."""

    active = forms.BooleanField(
        label=_("In use"),
        required=False,
        help_text=_("A question not in use is never drawn for a new paper."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @staticmethod
    def initial_of(question: Question) -> dict[str, Any]:
        """The question as the form shows it: options one a line, the key as typed."""
        key = question.key
        if question.kind in (ExamQuestionKind.SINGLE, ExamQuestionKind.MULTIPLE):
            shown = ",".join(str(int(i) + 1) for i in key)
        elif question.kind == ExamQuestionKind.TRUE_FALSE:
            shown = "对" if key else "错"
        else:
            shown = str(key)
        return {
            "topic": question.topic,
            "kind": question.kind,
            "text": question.text,
            "options": "\n".join(question.options),
            "key": shown,
            "article": question.article_id,
            "active": question.active,
            "version": question.version,
        }


class ExamForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExamKind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=TrainingTopic.choices, widget=forms.CheckboxSelectMultiple
    )
    single = forms.IntegerField(
        label=_("Single choice questions"), min_value=0, max_value=200, initial=0
    )
    single_points = forms.DecimalField(
        label=_("Points each"), min_value=Decimal("0.5"), max_value=100, initial=2
    )
    multiple = forms.IntegerField(
        label=_("Multiple choice questions"), min_value=0, max_value=200, initial=0
    )
    multiple_points = forms.DecimalField(
        label=_("Points each"), min_value=Decimal("0.5"), max_value=100, initial=4
    )
    true_false = forms.IntegerField(
        label=_("True or false questions"), min_value=0, max_value=200, initial=0
    )
    true_false_points = forms.DecimalField(
        label=_("Points each"), min_value=Decimal("0.5"), max_value=100, initial=2
    )
    short = forms.IntegerField(
        label=_("Short answer questions"), min_value=0, max_value=200, initial=0
    )
    short_points = forms.DecimalField(
        label=_("Points each"), min_value=Decimal("0.5"), max_value=100, initial=10
    )
    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput())
    minutes = forms.IntegerField(
        label=_("Time limit in minutes"), min_value=1, max_value=600, initial=60
    )
    pass_mark = forms.DecimalField(label=_("Pass mark (%)"), min_value=1, max_value=100, initial=60)
    partial_rule = forms.ChoiceField(
        label=_("Partial multiple-choice answers"),
        choices=PartialRule.choices,
        initial=PartialRule.HALF,
    )
    certifies = forms.TypedChoiceField(
        label=_("Certifies for queue"), coerce=int, required=False, empty_value=None
    )
    certification_days = forms.IntegerField(
        label=_("Certification valid for (days)"), min_value=1, max_value=3650, initial=365
    )

    def __init__(self, *args: Any, queues: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["certifies"]).choices = [("", "—"), *queues]

    def spec(self) -> dict[str, tuple[int, Decimal]]:
        data = self.cleaned_data
        return {
            kind: (data[kind], data[f"{kind}_points"])
            for kind in ExamQuestionKind.values
            if data.get(kind)
        }


class MarkForm(forms.Form):
    points = forms.DecimalField(label=_("Points"), min_value=0, max_value=100, decimal_places=2)
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)
