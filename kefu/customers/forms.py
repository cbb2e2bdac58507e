from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import DateInput
from kefu.customers.models import CustomerDocument, Tier


class CustomerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name, phone, account or ID number"), max_length=100, required=False
    )
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", "—"), *Tier.choices], required=False)
    tag = forms.CharField(label=_("Tag"), max_length=32, required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("", _("Newest first")), ("name", _("By name"))],
        required=False,
    )

    def filters(self) -> dict[str, Any]:
        return {key: value or None for key, value in self.cleaned_data.items()}


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the customer's request)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."), required=True)


class CustomerEditForm(forms.Form):
    """What the customer page lets its editors change: tier, tags and notes (the rest of
    the archive changes through the API or the workbench)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    tags = forms.MultipleChoiceField(
        label=_("Tags"), required=False, widget=forms.CheckboxSelectMultiple
    )
    # Notes may hold personal data: the textarea comes only with an audited unmasking, and
    # the notes change only when it was sent.
    edit_notes = forms.BooleanField(required=False, widget=forms.HiddenInput)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, tags: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notes"].widget.attrs.pop("maxlength", None)  # the server says why
        field = self.fields["tags"]
        if isinstance(field, forms.MultipleChoiceField):  # always: declared above
            field.choices = tags


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CustomerDocument.Kind.choices)
    file = forms.FileField(label=_("File"))


# The seed's instruction for nuisance calls (002 第17篇 28), offered as the default.
NUISANCE_INSTRUCTION = _(
    "Say politely: “Sorry, your request is outside our service; please hang up.” If the "
    "caller keeps on, transfer the call to the automatic service or report it to the "
    "supervisor on the floor. Never blame the caller or hang up rudely."
)


class WatchEntryForm(forms.Form):
    """Lengths are checked on the server, which says so; a browser's maxlength would cut a
    pasted text without a word."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)

    number = forms.CharField(label=_("Phone number"), max_length=32)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    instruction = forms.CharField(
        label=_("Instruction to the agent"),
        max_length=500,
        initial=NUISANCE_INSTRUCTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    until = forms.DateField(
        label=_("Until (inclusive)"),
        required=False,
        widget=DateInput(),
    )
