"""The agent workbench's forms, validated at the edge; the services decide the rest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kefu.contacts.labels import resolve
from kefu.contacts.models import Channel
from kefu.core.forms import DayField, start_of
from kefu.tickets.models import Kind, Urgency

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# The longest texts the workbench keeps; the page counts the characters against them as the
# agent types or pastes, and a longer text is refused with the count, never cut.
SUMMARY_MAX_LENGTH = 2000
TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 4000


class OnceForm(forms.Form):
    """A form that writes once: the one-time token of its rendering (contacts/views.py)."""

    submission = forms.CharField(
        max_length=255,
        error_messages={"required": _("The page is out of date. Reload it and try again.")},
    )


class NewCustomerForm(OnceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class ContactForm(OnceForm):
    """The workbench's one form: the contact, and the work order when it is not settled.

    Call reason and region are typed or picked as the Chinese names the agent sees (with
    their path); `clean_*` turns them into the codes the services take. A refused form is
    shown again with everything the agent typed (contacts/views.py).
    """

    caller_number = forms.CharField(label=_("Caller number"), max_length=32, required=False)
    customer_id = forms.IntegerField(min_value=1, required=False)
    customer_attribute = forms.CharField(
        label=_("Customer attribute"), max_length=64, required=False
    )
    region = forms.CharField(label=_("Region"), max_length=200, required=False)
    service_content = forms.CharField(label=_("Call reason"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=SUMMARY_MAX_LENGTH)
    settled = forms.BooleanField(label=_("Settled on the call"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=DESCRIPTION_MAX_LENGTH, required=False
    )
    to_expert_seat = forms.BooleanField(label=_("Transfer to the expert seat"), required=False)

    def __init__(
        self,
        *args: Any,
        contents: Mapping[str, Sequence[str]] | None = None,
        regions: Mapping[str, Sequence[str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.contents = contents or {}
        self.regions = regions or {}

    def _code(
        self, field: str, choices: Mapping[str, Sequence[str]], unknown: str | _StrPromise
    ) -> str:
        text = self.cleaned_data.get(field) or ""
        found = resolve(text, choices)
        if found.code is not None:
            return found.code
        if not text.strip():
            return ""
        if found.ambiguous:
            raise ValidationError(
                _("“%(text)s” could mean %(choices)s: pick one from the list."),
                code="ambiguous",
                params={"text": text.strip(), "choices": "、".join(found.ambiguous)},
            )
        raise ValidationError(unknown, code="unknown", params={"text": text.strip()})

    def clean_service_content(self) -> str:
        return self._code(
            "service_content",
            self.contents,
            _("There is no call reason “%(text)s”: pick one from the list."),
        )

    def clean_region(self) -> str:
        return self._code(
            "region", self.regions, _("There is no region “%(text)s”: pick one from the list.")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("settled") and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of work order, or mark the contact settled."))
        return data

    def problems(self) -> list[str]:
        """Each refusal once, named by the field's label: what the page says at the top."""
        lines: list[str] = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else None
            lines.extend(f"{label}：{error}" if label else str(error) for error in errors)
        return lines

    def contact(self) -> dict[str, Any]:
        """The fields of `contacts.services.contact_create`."""
        data = self.cleaned_data
        return {
            "channel": "hotline",
            "caller_number": data["caller_number"],
            "customer_id": data["customer_id"],
            "customer_attribute": data["customer_attribute"] or None,
            "region": data["region"] or None,
            "service_content": data["service_content"] or None,
            "summary": data["summary"],
        }

    def ticket(self) -> dict[str, Any]:
        data = self.cleaned_data
        summary = data["summary"]
        return {
            "kind": data["kind"],
            "urgency": data["urgency"] or Urgency.NORMAL,
            "title": data["title"] or summary.split("，")[0][:60],
            "description": data["description"] or summary,
            "to_expert_seat": data["to_expert_seat"],
        }


class ContactFilterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False
    )
    settled = forms.ChoiceField(
        label=_("Settled on the call"),
        choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))],
        required=False,
    )
    caller = forms.CharField(label=_("Caller number"), max_length=32, required=False)
    repeat = forms.BooleanField(label=_("Repeat contacts only"), required=False)
    since = DayField(label=_("From"), required=False)
    until = DayField(label=_("Before"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("", _("Newest first")), ("oldest", _("Oldest first"))],
        required=False,
    )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "channel": data["channel"] or None,
            "settled": {"true": True, "false": False}.get(data["settled"]),
            "caller": data["caller"] or None,
            "since": start_of(data["since"]),
            "until": start_of(data["until"]),
            "sort": data["sort"] or None,
            "repeat": data["repeat"],
        }


class IdentityCheckForm(forms.Form):
    """三字段认证 on the workbench: the caller's number, and the name and ID number they give."""

    customer_id = forms.IntegerField(min_value=1, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    id_number = forms.CharField(label=_("ID number"), max_length=32)


class UnmaskForm(forms.Form):
    # Checked by the service, which says what the reason is for.
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
