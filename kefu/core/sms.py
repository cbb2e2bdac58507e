"""SMS gateways. A centre plugs in its operator's gateway by a dotted path in
KEFU_SMS_GATEWAY; the default writes each message to the log.

A send carries a key, the outbox message's own idempotency key, which the gateway hands to
the provider as its out-id (Aliyun's OutId, Tencent's SessionContext), so the provider's
records name the message. A gateway that can look a send up by that key afterwards
(`find`) lets the dispatcher settle a send whose outcome a crash left unknown instead of
sending it again (kefu.satisfaction.services.dispatch)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("kefu.sms")


class SendFailed(Exception):
    """The provider refused the message. `temporary` when it says trying again later may
    work (throttled, busy); otherwise the message will never go as it is (a blacklisted
    number, a template not approved)."""

    def __init__(self, reason: str, *, temporary: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary


class Gateway(Protocol):
    """Sends one text (as the provider's approved `template_code` with its `params` where
    the provider needs one). Returns the gateway's reference for the message, if it gives
    one; raises SendFailed (TemporaryFailure, PermanentFailure) when the provider did not
    accept it, any other exception when the outcome is unknown (a timeout: the provider
    may have it)."""

    def send(
        self,
        number: str,
        text: str,
        *,
        key: str = "",
        template_code: str = "",
        params: dict[str, str] | None = None,
    ) -> str | None: ...


@runtime_checkable
class Reconciling(Protocol):
    """A gateway that can tell whether a send under `key` reached the provider: its
    reference if it did, None if it did not (then sending it again is no duplicate).
    Raises when it cannot tell now."""

    def find(self, number: str, key: str, since: dt.datetime) -> str | None: ...


class LogGateway:
    name = "log"

    def send(
        self,
        number: str,
        text: str,
        *,
        key: str = "",
        template_code: str = "",
        params: dict[str, str] | None = None,
    ) -> None:
        logger.info("SMS to %s (%s): %s", number, key or "-", text)


def gateway() -> Gateway:
    gateway_class = import_string(settings.KEFU_SMS_GATEWAY)
    return gateway_class()


class TemporaryFailure(SendFailed):
    """The gateway did not take the message this time (throttled, a network error, the
    provider down): the same message may be tried again later. `message` says why, for
    staff; `code` is the provider's own answer, for the log."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message, temporary=True)
        self.message = message
        self.code = code


class PermanentFailure(SendFailed):
    """The gateway refused the message for good (an unapproved template or signature, a
    number it cannot reach): trying again cannot help. `message` says why, for staff."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message, temporary=False)
        self.message = message
        self.code = code


def gateway_name(sender: object) -> str:
    """What a gateway calls itself in delivery receipts: its `name`, else its class's."""
    return str(getattr(sender, "name", "") or type(sender).__name__)[:20]
