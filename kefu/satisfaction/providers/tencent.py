"""Tencent Cloud SMS (腾讯云短信, API 2021-01-11) through its official SDK,
`tencentcloud-sdk-python-sms` (SmsClient).

Sending is `SendSms` with the application (SmsSdkAppId), the approved signature
(SignName), the template's ID (TemplateId) and its values in the template's order
(TemplateParamSet, positional: {1}, {2}, ...); kefu's key goes as SessionContext. The
answer has one SendStatus per number: Code "Ok" with a SerialNo (the reference), or a
code mapped below; a request the API refuses as a whole (a bad key, an unapproved
signature) comes back as the SDK's exception with the code. The SDK does not retry
unless told to; the outbox retries, with back-off.

Pushes: the delivery status callback (短信下发状态通知), a JSON array of receipts (`sid`
= SerialNo, `report_status` SUCCESS/FAIL, `errmsg`, `description`, `user_receive_time`),
and the reply callback (回复短信通知), one JSON object (`mobile`, `nationcode`, `text`,
`time`, `sign`, `extend`); both are answered `{"result": 0, "errmsg": "OK"}`. Tencent
signs neither push: the endpoint checks kefu's shared token. Pull mode:
PullSmsSendStatus (a queue: each status is handed out once).

SendSms is not idempotent. A send whose answer was lost (a read timeout, a connection cut
after the request left) may have gone: it fails as temporary with the code "unsure", and
kefu remembers the key for two days (in the cache); before that key is sent again, and
whenever the outbox finds a message a crash left `sending` (`find`, the
`kefu.core.sms.Reconciling` protocol), the number's sends are looked up with
PullSmsSendStatusByPhoneNumber (拉取单个号码短信下发状态: by number and a time range of
at most seven days back, each status with its SerialNo and SessionContext, which is
kefu's key). A status with the key: sent, not sent again. None in the range: not sent.
Statuses whose SessionContext is empty (Tencent returns it only once enabled for the
account), or a full page without the key, cannot tell: the lookup raises and the outbox
asks again later rather than risk a second send. The lookup sees a send once its status
report has come back from the carrier, which is seconds after it as a rule.

Settings: KEFU_SMS_TENCENT_* (docs/operations.md); TEMPLATES maps kefu's template names
to template IDs with the order of the message's values, e.g.
{"survey": {"id": "1234567", "params": ["name", "link"]}}; a bare ID takes values named
"1", "2", ... in that order."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from typing import Any

from django.core.cache import cache
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models as sms_models
from tencentcloud.sms.v20210111.sms_client import SmsClient

from kefu.core.sms import TemporaryFailure
from kefu.satisfaction.providers import base
from kefu.satisfaction.providers.base import Receipt, Reply, permanent, temporary

logger = logging.getLogger("kefu.sms.tencent")

# Codes by their exact name first, then by their family (the part before the dot).
EXACT = {
    "FailedOperation.InsufficientBalanceInSmsPackage": (False, base.NO_BALANCE),
    "UnauthorizedOperation.ServiceSuspendDueToArrears": (False, base.NO_BALANCE),
    "FailedOperation.MarketingSendTimeConstraint": (False, base.MARKETING_HOURS),
    "FailedOperation.SignatureIncorrectOrUnapproved": (True, base.BAD_SIGNATURE),
    "FailedOperation.MissingSignature": (True, base.BAD_SIGNATURE),
    "InvalidParameterValue.SignNameLengthTooLong": (True, base.BAD_SIGNATURE),
    "FailedOperation.TemplateIncorrectOrUnapproved": (True, base.BAD_TEMPLATE),
    "FailedOperation.TemplateUnapprovedOrNotExist": (True, base.BAD_TEMPLATE),
    "FailedOperation.TemplateIdNotExist": (True, base.BAD_TEMPLATE),
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate": (True, base.BAD_TEMPLATE),
    "InvalidParameterValue.TemplateParameterFormatError": (True, base.BAD_TEMPLATE),
    "InvalidParameterValue.TemplateParameterLengthLimit": (True, base.BAD_TEMPLATE),
    "InvalidParameterValue.MarketingTemplateWithoutUnsubscribe": (True, base.BAD_TEMPLATE),
    "InvalidParameterValue.IncorrectPhoneNumber": (True, base.BAD_NUMBER),
    "FailedOperation.PhoneNumberParseFail": (True, base.BAD_NUMBER),
    "FailedOperation.PhoneNumberInBlacklist": (True, base.BLOCKED_NUMBER),
    "FailedOperation.ContainSensitiveWord": (True, base.BAD_CONTENT),
    "InvalidParameter.DirtyWordFound": (True, base.BAD_CONTENT),
    "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter": (True, base.BAD_CONTENT),
    "InvalidParameterValue.ContentLengthLimit": (True, base.BAD_CONTENT),
    # The SDK's own words for no answer, and for an answer that was not HTTP 200.
    "ClientNetworkError": (False, base.UNAVAILABLE),
    "ServerNetworkError": (False, base.UNAVAILABLE),
}
FAMILIES = {
    "LimitExceeded": (False, base.THROTTLED),
    "RequestLimitExceeded": (False, base.THROTTLED),
    "InternalError": (False, base.UNAVAILABLE),
    "ResourceUnavailable": (False, base.UNAVAILABLE),
    "AuthFailure": (True, base.BAD_ACCOUNT),
    "UnauthorizedOperation": (True, base.BAD_ACCOUNT),
}


# What the SDK's transport says when no connection was made (the request never left).
NOT_CONNECTED = (
    "NewConnectionError",
    "ConnectTimeout",
    "Failed to establish",
    "Connection refused",
    "Name or service",
    "NameResolutionError",
)
# The code of a failure after which the message may have gone all the same.
UNSURE = "unsure"
# How long kefu remembers such a message, to look for it before sending it again.
UNSURE_SECONDS = 2 * 86400
# How far back PullSmsSendStatusByPhoneNumber reaches (seven days), less a margin.
LOOKUP_REACH = dt.timedelta(days=7) - dt.timedelta(minutes=10)
# The statuses one lookup returns at most (the API's Limit; its Offset is always 0).
LOOKUP_LIMIT = 100
# Before the range's start, for clocks that disagree.
LOOKUP_MARGIN = dt.timedelta(minutes=5)


def unsure_cache_key(key: str) -> str:
    return "kefu:sms:tencent:unsure:" + hashlib.sha256(key.encode()).hexdigest()


def session_context(key: str) -> str:
    """kefu's key as it goes in SessionContext (at most 500 bytes)."""
    return key.encode()[:500].decode(errors="ignore")


def failure(code: str) -> Exception:
    """The exception for an answer code that is not "Ok"."""
    final, message = EXACT.get(code) or FAMILIES.get(code.split(".")[0]) or (True, base.REFUSED)
    # "LimitExceeded.PhoneNumberCountLimit" is a request of too many numbers: final.
    if code == "LimitExceeded.PhoneNumberCountLimit":
        final, message = True, base.BAD_NUMBER
    return permanent(message, code) if final else temporary(message, code)


def e164(number: str) -> str:
    """+86 and the digits for a mainland number; a number given with its + kept as it is."""
    digits = number.strip()
    if digits.startswith("+"):
        return digits
    return f"+86{digits}"


class TencentSms(base.Provider):
    name = "tencent"
    settings_name = "KEFU_SMS_TENCENT"
    required = ("secret_id", "secret_key", "sdk_app_id", "sign_name")

    def __init__(self, config: dict[str, str] | None = None) -> None:
        super().__init__(config)
        http = HttpProfile(
            protocol=(self.config.get("protocol") or "https").lower(),
            endpoint=str(self.config.get("endpoint") or "").strip() or None,
            reqTimeout=max(1, round(self.timeout)),
        )
        self.client = SmsClient(
            credential.Credential(self.config["secret_id"], self.config["secret_key"]),
            self.config.get("region") or "ap-guangzhou",
            ClientProfile(httpProfile=http),
        )

    def _call(self, action: Any, request: Any) -> Any:
        try:
            return action(request)
        except TencentCloudSDKException as error:
            code = str(error.get_code() or "")
            if code == "ClientNetworkError":
                # The error's text may hold the request's URL: not logged. Refused before
                # the request went: certainly not sent. Anything else (a read timeout, a
                # cut connection) may have been sent.
                reason = str(error.get_message() or "")
                unsure = not any(sign in reason for sign in NOT_CONNECTED)
                logger.warning(
                    "Tencent Cloud SMS %s", "gave no answer" if unsure else "unreachable"
                )
                raise temporary(base.UNAVAILABLE, UNSURE if unsure else code) from error
            logger.warning("Tencent Cloud SMS refused: %s %s", code, error.get_message())
            raise failure(code) from error

    def _values(self, template: Any, params: dict[str, Any]) -> tuple[str, list[str]]:
        """The template's ID and the message's values in the template's order."""
        if isinstance(template, dict):
            template_id, names = str(template.get("id", "")), template.get("params") or []
        elif all(name.isdigit() for name in params):  # {"1": ..., "2": ...}: JSON keeps no order
            template_id, names = str(template), sorted(params, key=int)
        else:
            raise permanent(base.BAD_TEMPLATE, "template_params_unordered")
        if not template_id or any(name not in params for name in names):
            raise permanent(base.BAD_TEMPLATE, "template_params_missing")
        return template_id, [str(params[name]) for name in names]

    def send(
        self,
        number: str,
        text: str,
        *,
        key: str = "",
        template_code: str = "",
        params: dict[str, Any] | None = None,
    ) -> str:
        template_id, values = self._values(*self.template(template_code, text, params))
        unsure_key = unsure_cache_key(key) if key else ""
        if unsure_key and cache.get(unsure_key):
            # The last try may have gone (SendSms is not idempotent): look before sending.
            since = dt.datetime.now(tz=dt.UTC) - dt.timedelta(seconds=UNSURE_SECONDS)
            found = self.find(number, key, since)
            if found is not None:
                cache.delete(unsure_key)
                return found
        request = sms_models.SendSmsRequest()
        request.PhoneNumberSet = [e164(number)]
        request.SmsSdkAppId = self.config["sdk_app_id"]
        request.SignName = self.config["sign_name"]
        request.TemplateId = template_id
        request.TemplateParamSet = values
        if key:
            request.SessionContext = session_context(key)
        try:
            response = self._call(self.client.SendSms, request)
        except TemporaryFailure as error:
            if unsure_key and error.code == UNSURE:
                cache.set(unsure_key, True, UNSURE_SECONDS)
            raise
        if unsure_key:
            cache.delete(unsure_key)
        statuses = response.SendStatusSet or []
        if not statuses:
            raise temporary(base.UNAVAILABLE, "no_status")
        status = statuses[0]
        code = str(status.Code or "")
        if code != "Ok":
            logger.warning("Tencent Cloud SMS did not send to %s: %s", number[-4:], code)
            raise failure(code)
        if not status.SerialNo:  # taken all the same: sending again would send it twice
            return base.key_reference(key) if key else ""
        return str(status.SerialNo)

    def find(self, number: str, key: str, since: dt.datetime) -> str | None:
        """Whether Tencent took a message with this key for this number since `since`
        (`kefu.core.sms.Reconciling`): its SerialNo, or the key as its reference when the
        status has none; None when no send to the number is there at all. Raises a
        temporary failure when it cannot tell (see the module's docstring)."""
        now = dt.datetime.now(tz=dt.UTC)
        begin = max(since - LOOKUP_MARGIN, now - LOOKUP_REACH)
        request = sms_models.PullSmsSendStatusByPhoneNumberRequest()
        request.BeginTime = int(begin.timestamp())
        request.EndTime = int(now.timestamp()) + 60
        request.Offset = 0
        request.Limit = LOOKUP_LIMIT
        request.PhoneNumber = e164(number)
        request.SmsSdkAppId = self.config["sdk_app_id"]
        response = self._call(self.client.PullSmsSendStatusByPhoneNumber, request)
        statuses = response.PullSmsSendStatusSet or []
        wanted = session_context(key)
        for status in statuses:
            if key and str(status.SessionContext or "") == wanted:
                return str(status.SerialNo or "") or base.key_reference(key)
        if not statuses:
            return None
        if len(statuses) >= LOOKUP_LIMIT or any(not s.SessionContext for s in statuses):
            logger.warning(
                "Tencent Cloud SMS: cannot tell whether %s was sent to %s", key, number[-4:]
            )
            raise temporary(base.UNAVAILABLE, "lookup_unsure")
        return None

    def pull_receipts(self, limit: int = 100) -> list[Receipt]:
        """Pull mode (PullSmsSendStatus): the statuses not handed out before, at most 100."""
        request = sms_models.PullSmsSendStatusRequest()
        request.Limit = max(1, min(limit, 100))
        request.SmsSdkAppId = self.config["sdk_app_id"]
        response = self._call(self.client.PullSmsSendStatus, request)
        receipts = []
        for status in response.PullSmsSendStatusSet or []:
            delivered = str(status.ReportStatus or "").upper() == "SUCCESS"
            received = status.UserReceiveTime
            receipts.append(
                Receipt(
                    reference=str(status.SerialNo or ""),
                    delivered=delivered,
                    error="" if delivered else base.readable(status.Description),
                    number=str(status.SubscriberNumber or ""),
                    at=dt.datetime.fromtimestamp(int(received), tz=dt.UTC) if received else None,
                )
            )
        return [receipt for receipt in receipts if receipt.reference]

    @staticmethod
    def parse_receipts(body: bytes) -> list[Receipt]:
        receipts = []
        for item in base.json_array(body):
            reference = base.text_of(item, "sid")
            status = base.text_of(item, "report_status").upper()
            if not reference or status not in {"SUCCESS", "FAIL"}:
                raise base.PushInvalid("a receipt without sid or report_status")
            delivered = status == "SUCCESS"
            receipts.append(
                Receipt(
                    reference=reference,
                    delivered=delivered,
                    error="" if delivered else base.readable(item.get("description")),
                    number=base.text_of(item, "mobile"),
                    at=base.china_time(base.text_of(item, "user_receive_time")),
                )
            )
        return receipts

    @staticmethod
    def parse_replies(body: bytes) -> list[Reply]:
        replies = []
        for item in base.json_array(body):
            number = base.text_of(item, "mobile")
            moment = item.get("time")
            if not number or not isinstance(moment, int | str) or not str(moment).isdigit():
                raise base.PushInvalid("a reply without mobile or time")
            text = base.text_of(item, "text")
            # Tencent gives a reply no ID: the sender, the second and the text make one.
            digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            nation = base.text_of(item, "nationcode") or "86"
            replies.append(
                Reply(
                    number=number if nation == "86" else f"+{nation}{number}",
                    text=text,
                    reference=f"{nation}-{number}-{moment}-{digest}"[:100],
                    at=dt.datetime.fromtimestamp(int(moment), tz=dt.UTC),
                )
            )
        return replies

    @staticmethod
    def answer(ok: bool) -> tuple[int, dict[str, Any]]:
        if ok:
            return 200, {"result": 0, "errmsg": "OK"}
        return 503, {"result": 1, "errmsg": "retry later"}
