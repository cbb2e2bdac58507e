"""What the knowledge pages accept, validated at the edge; whether a change may happen is
the services' to say."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason
from kefu.core.roles import ROLES
from kefu.knowledge.analysis import split_words
from kefu.knowledge.models import STATE_CHOICES, Article, Feedback, Kind, KnowledgeCategory

BLANK: list[tuple[str, Any]] = [("", "—")]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=BLANK + Kind.choices, required=False)
    category = forms.CharField(label=_("Category"), max_length=64, required=False)
    state = forms.ChoiceField(label=_("State"), choices=BLANK + STATE_CHOICES, required=False)


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("Category"), required=False)
    tags = forms.CharField(
        label=_("Tags"), max_length=300, required=False, help_text=_("Separated by commas.")
    )
    questions = forms.CharField(
        label=_("Also asked as"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One a line: how callers put the question, in their own words."),
    )
    effective_from = forms.DateField(label=_("Effective from"), required=False)
    expires_at = forms.DateField(label=_("Expires on"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Visible to roles"),
        required=False,
        choices=[(code, role.label) for code, role in ROLES.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every role."),
    )
    call_reasons = forms.MultipleChoiceField(
        label=_("Call reasons it answers"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    body = forms.CharField(
        label=_("Body (Markdown)"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 18})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        categories: list[KnowledgeCategory],
        reasons: list[CallReason],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = BLANK + [(c.code, c.name) for c in categories]  # type: ignore[attr-defined]
        self.fields["call_reasons"].choices = [  # type: ignore[attr-defined]
            (r.code, f"{r.parent.name} / {r.name}" if r.parent else r.name) for r in reasons
        ]

    @classmethod
    def initial_of(cls, article: Article) -> dict[str, Any]:
        return {
            "title": article.title,
            "kind": article.kind,
            "category": article.category.code if article.category else "",
            "tags": ", ".join(article.tags),
            "questions": "\n".join(article.questions),
            "effective_from": article.effective_from,
            "expires_at": article.expires_at,
            "roles": [role for role in article.roles.split(",") if role],
            "call_reasons": [reason.code for reason in article.call_reasons.all()],
            "body": article.body,
            "version": article.version,
        }

    def values(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of the article services."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "category": data["category"] or None,
            "tags": split_words(data["tags"]),
            "questions": data["questions"].splitlines(),
            "effective_from": data["effective_from"],
            "expires_at": data["expires_at"],
            "roles": data["roles"],
            "call_reasons": data["call_reasons"],
            "body": data["body"],
        }


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=_("Your word"), choices=Feedback.Kind.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class PreviewForm(forms.Form):
    """What the editor's preview renders: the title and body as typed, bounded as saved."""

    title = forms.CharField(max_length=200, required=False)
    body = forms.CharField(max_length=100_000, required=False)  # ArticleForm's bound


class ActForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    reason = forms.CharField(max_length=1000, required=False)


class UseForm(forms.Form):
    contact = forms.IntegerField(min_value=1, required=False)
    ticket = forms.CharField(max_length=20, required=False)
    next = forms.CharField(max_length=200, required=False)


class ImportForm(forms.Form):
    """Documents to import as drafts: the file, and what documents that say nothing of it
    get (a category, a kind); a dry run only reports."""

    file = forms.FileField(label=_("File"))
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        help_text=_("For documents whose folder or front matter names no category."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.PROCEDURE)
    dry_run = forms.BooleanField(label=_("Check only, write nothing (dry run)"), required=False)

    def __init__(self, *args: Any, categories: list[KnowledgeCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = BLANK + [(c.code, c.name) for c in categories]  # type: ignore[attr-defined]
