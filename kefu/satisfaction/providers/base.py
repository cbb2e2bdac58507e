"""What every cloud SMS provider has in common: its settings, the approved template a
message is sent with, what it answers mapped to kefu's three outcomes (accepted with a
reference; a temporary failure, tried again later; a permanent failure, with the reason
staff read), and what it pushes back (delivery receipts and customers' replies).

A provider is a `kefu.core.sms.Gateway`: `KEFU_SMS_GATEWAY` names its class. China's
providers send only approved templates under an approved signature (签名), so a message
goes with its `template_code` (kefu's name for the template, mapped to the provider's in
the settings) and its `params`; the free text is kept for kefu's own record."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kefu.core.sms import PermanentFailure, TemporaryFailure

# The template (if any) that carries texts sent without one, as its value "text".
FREE_TEXT = "*"

# Both providers write their push times in China's time without a zone.
CHINA = ZoneInfo("Asia/Shanghai")

# What staff read about a message that did not go (the provider's own code is logged).
THROTTLED = _("The SMS provider limits how many messages this number may get; tried again later.")
UNAVAILABLE = _("The SMS provider is busy or cannot be reached; tried again later.")
NO_BALANCE = _(
    "The SMS account has no balance left; once it is topped up the message is tried again."
)
MARKETING_HOURS = _("Marketing messages go only between 08:00 and 22:00; tried again later.")
BAD_SIGNATURE = _("The SMS signature is not approved by the provider.")
BAD_TEMPLATE = _(
    "The SMS template is not approved by the provider, or the message's values do not fit it."
)
NO_TEMPLATE = _("This message's template is not set up for the SMS provider.")
BAD_NUMBER = _("The number cannot receive text messages.")
BLOCKED_NUMBER = _("The number refuses text messages (unsubscribed at the carrier).")
BAD_CONTENT = _("The provider refused the text's content (a forbidden word or link).")
BAD_ACCOUNT = _("The SMS account or its keys are not valid: ask the administrator to check them.")
REFUSED = _("The SMS provider refused the message.")
NOT_DELIVERED = _("The carrier could not deliver the message.")


@dataclass(frozen=True)
class Receipt:
    """A provider's word on one message it accepted: delivered to the phone or not."""

    reference: str
    delivered: bool
    error: str = ""
    # kefu's key, where the provider hands it back with the receipt (Alibaba's out_id).
    key: str = ""
    number: str = ""
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Reply:
    """A customer's text back. `reference` is what makes a repeated push count once."""

    number: str
    text: str
    reference: str
    at: dt.datetime | None = None


def key_reference(key: str) -> str:
    """The reference of a message the provider took but gave no reference for (its answer
    was lost): kefu's key, which the provider hands back with the receipt."""
    return f"out:{key}"[:100]


class PushInvalid(ValueError):
    """A pushed body that is not the provider's documented format."""


def china_time(text: str) -> dt.datetime | None:
    """'2017-01-01 00:00:00' (or '20170101000000') in China's time, or None."""
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y%m%d%H%M%S"):
        try:
            return dt.datetime.strptime(str(text).strip(), pattern).replace(tzinfo=CHINA)
        except ValueError:
            continue
    return None


def json_array(body: bytes) -> list[dict[str, Any]]:
    """The pushed JSON: an array of objects (a single object is taken as an array of one)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise PushInvalid("not JSON") from error
    items = data if isinstance(data, list) else [data]
    if not all(isinstance(item, dict) for item in items):
        raise PushInvalid("not an array of objects")
    return items


def readable(description: Any) -> str:
    """What staff read about an undelivered message: the provider's description when it
    is words (Chinese), kefu's own when it is a bare carrier code (MK:0001, DB:0141)."""
    text = "" if description is None else str(description).strip()
    if any("\u4e00" <= char <= "\u9fff" for char in text):
        return text[:200]
    return str(NOT_DELIVERED)


def text_of(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    return "" if value is None else str(value).strip()


class Provider:
    """A cloud SMS provider configured by `settings.<settings_name>` (a dict of strings)."""

    name: ClassVar[str]
    settings_name: ClassVar[str]
    required: ClassVar[tuple[str, ...]]

    def __init__(self, config: Mapping[str, str] | None = None) -> None:
        self.config = dict(getattr(settings, self.settings_name, {}) if config is None else config)
        missing = [field for field in self.required if not str(self.config.get(field, "")).strip()]
        if missing:
            raise ImproperlyConfigured(
                f"{self.settings_name} lacks {', '.join(missing)} (docs/operations.md)"
            )
        templates = self.config.get("templates") or "{}"
        try:
            self.templates = json.loads(templates) if isinstance(templates, str) else templates
        except ValueError as error:
            raise ImproperlyConfigured(f"{self.settings_name} templates: not JSON") from error
        if not isinstance(self.templates, dict):
            raise ImproperlyConfigured(f"{self.settings_name} templates: not a JSON object")
        self.timeout = float(self.config.get("timeout_seconds") or 10)

    def template(
        self, template_code: str, text: str, params: dict[str, Any] | None
    ) -> tuple[Any, dict[str, Any]]:
        """The provider's template for kefu's template name, and the values to fill it.
        A text sent with no template (an agent's SMS of a knowledge answer) goes with the
        template configured as "*", its whole text as the value "text"; a message for which
        no template is configured cannot go."""
        if not template_code and FREE_TEXT in self.templates:
            return self.templates[FREE_TEXT], {"text": text, **(params or {})}
        if not template_code or template_code not in self.templates:
            raise PermanentFailure(str(NO_TEMPLATE), code="template_not_configured")
        return self.templates[template_code], dict(params or {})

    def send(
        self,
        number: str,
        text: str,
        *,
        key: str = "",
        template_code: str = "",
        params: dict[str, Any] | None = None,
    ) -> str:
        raise NotImplementedError

    @staticmethod
    def parse_receipts(body: bytes) -> list[Receipt]:
        raise NotImplementedError

    @staticmethod
    def parse_replies(body: bytes) -> list[Reply]:
        raise NotImplementedError

    @staticmethod
    def answer(ok: bool) -> tuple[int, dict[str, Any]]:
        """The HTTP status and JSON body the provider expects back from a push: a failure
        makes it push again later."""
        raise NotImplementedError


def temporary(message: Any, code: str) -> TemporaryFailure:
    return TemporaryFailure(str(message), code=code)


def permanent(message: Any, code: str) -> PermanentFailure:
    return PermanentFailure(str(message), code=code)
