"""SMS gateways. A centre plugs in its operator's gateway by a dotted path in
KEFU_SMS_GATEWAY; the default writes each message to the log."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("kefu.sms")


class Gateway(Protocol):
    """Sends one text. Returns the gateway's reference for the message, if it gives one;
    raises when the message was not accepted (the caller records why)."""

    def send(self, number: str, text: str) -> str | None: ...


class LogGateway:
    def send(self, number: str, text: str) -> None:
        logger.info("SMS to %s: %s", number, text)


def gateway() -> Gateway:
    gateway_class = import_string(settings.KEFU_SMS_GATEWAY)
    return gateway_class()


class TemporaryFailure(Exception):
    """The gateway did not take the message this time (throttled, a network error, the
    provider down): the same message may be tried again later. `message` says why, for
    staff; `code` is the provider's own answer, for the log."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class PermanentFailure(Exception):
    """The gateway refused the message for good (an unapproved template or signature, a
    number it cannot reach): trying again cannot help. `message` says why, for staff."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
