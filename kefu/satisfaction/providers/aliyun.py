"""Alibaba Cloud SMS (阿里云短信服务, dysmsapi 2017-05-25) through its official SDK,
`alibabacloud_dysmsapi20170525`.

Sending is `SendSms` with the approved signature (SignName), the template's code
(TemplateCode) and its values as a JSON object of strings (TemplateParam); kefu's key goes
as OutId, which the provider hands back with the receipt and in QuerySendDetails. The
answer's `Code` is "OK" with a BizId (the reference), or a code mapped below. The SDK is
built with no retries of its own: the outbox retries, with back-off, and Alibaba's SendSms
is not idempotent (its documentation says so), so one call is one try.

Pushes (HTTP 批量推送): SmsReport, a JSON array of receipts (`biz_id`, `out_id`,
`success`, `err_code`, `err_msg`, `report_time`), and SmsUp, a JSON array of replies
(`phone_number`, `content`, `send_time`, `dest_code`, `sequence_id`); both are answered
`{"code": 0, "msg": "..."}` with HTTP 200, and pushed again (after 1, 5 and 10 minutes)
on any other status. Alibaba signs neither push: the endpoint checks kefu's shared token.

Settings: KEFU_SMS_ALIYUN_* (docs/operations.md); TEMPLATES maps kefu's template names
to template codes, e.g. {"survey": "SMS_123456789"}."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from typing import Any

from alibabacloud_dysmsapi20170525 import models as sms_models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.exceptions import ResponseException, UnretryableException
from django.core.cache import cache

from kefu.core.sms import TemporaryFailure
from kefu.satisfaction.providers import base
from kefu.satisfaction.providers.base import Receipt, Reply, permanent, temporary

logger = logging.getLogger("kefu.sms.aliyun")

# The answer codes that mean "not now": throttling per number, per account or per API,
# and the provider's own trouble. Everything else not "OK" is final for this message.
TEMPORARY = {
    "isv.BUSINESS_LIMIT_CONTROL": base.THROTTLED,
    "isv.DAY_LIMIT_CONTROL": base.THROTTLED,
    "isv.MONTH_LIMIT_CONTROL": base.THROTTLED,
    "isv.BUSINESS_LIMIT_HOUR": base.THROTTLED,
    "isv.BUSINESS_LIMIT_DAY": base.THROTTLED,
    "BUSINESS_LIMIT_CONTROL_MINUTE": base.THROTTLED,
    "BUSINESS_LIMIT_CONTROL_PHONE": base.THROTTLED,
    "Throttling": base.THROTTLED,
    "Throttling.User": base.THROTTLED,
    "Throttling.Api": base.THROTTLED,
    "isv.AMOUNT_NOT_ENOUGH": base.NO_BALANCE,
    "isv.OUT_OF_SERVICE": base.NO_BALANCE,
    "isp.SYSTEM_ERROR": base.UNAVAILABLE,
    "isp.GATEWAY_ERROR": base.UNAVAILABLE,
    "isp.UNKNOWN": base.UNAVAILABLE,
    "isv.DATA_NOT_EXIST": base.UNAVAILABLE,
    "ServiceUnavailable": base.UNAVAILABLE,
    "InternalError": base.UNAVAILABLE,
}
PERMANENT = {
    "isv.SMS_SIGNATURE_ILLEGAL": base.BAD_SIGNATURE,
    "isv.SMS_SIGN_NAME_ILLEGAL": base.BAD_SIGNATURE,
    "isv.SIGN_NAME_ILLEGAL": base.BAD_SIGNATURE,
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL": base.BAD_SIGNATURE,
    "isv.SMS_TEMPLATE_ILLEGAL": base.BAD_TEMPLATE,
    "isv.TEMPLATE_MISSING_PARAMETERS": base.BAD_TEMPLATE,
    "isv.TEMPLATE_PARAMS_ILLEGAL": base.BAD_TEMPLATE,
    "isv.INVALID_JSON_PARAM": base.BAD_TEMPLATE,
    "isv.PARAM_LENGTH_LIMIT": base.BAD_TEMPLATE,
    "isv.INVALID_PARAMETERS": base.BAD_TEMPLATE,
    "isv.MOBILE_NUMBER_ILLEGAL": base.BAD_NUMBER,
    "isv.MOBILE_COUNT_OVER_LIMIT": base.BAD_NUMBER,
    "isv.BLACK_KEY_CONTROL_LIMIT": base.BAD_CONTENT,
    "isv.PARAM_NOT_SUPPORT_URL": base.BAD_CONTENT,
    "isv.SMS_CONTENT_ILLEGAL": base.BAD_CONTENT,
    "isv.EXTEND_CODE_ERROR": base.REFUSED,
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": base.BAD_NUMBER,
    "isv.DENY_IP_RANGE": base.BAD_ACCOUNT,
    "isv.PRODUCT_UN_SUBSCRIPT": base.BAD_ACCOUNT,
    "isv.PRODUCT_UNSUBSCRIBE": base.BAD_ACCOUNT,
    "isv.ACCOUNT_NOT_EXISTS": base.BAD_ACCOUNT,
    "isv.ACCOUNT_ABNORMAL": base.BAD_ACCOUNT,
    "isp.RAM_PERMISSION_DENY": base.BAD_ACCOUNT,
    "InvalidAccessKeyId.NotFound": base.BAD_ACCOUNT,
    "InvalidAccessKeyId.Inactive": base.BAD_ACCOUNT,
    "SignatureDoesNotMatch": base.BAD_ACCOUNT,
    "Forbidden.RAM": base.BAD_ACCOUNT,
}


# What the SDK's transport says when no connection was made (the request never left).
NOT_CONNECTED = ("NewConnectionError", "ConnectTimeout", "Failed to establish", "Name or service")
# The code of a failure after which the message may have gone all the same.
UNSURE = "unsure"
# How long kefu remembers such a message, to look for it before sending it again.
UNSURE_SECONDS = 2 * 86400
# How far a look-up reads: QuerySendDetails keeps 30 days; pages of 50 a day.
LOOKUP_DAYS = dt.timedelta(days=29)
LOOKUP_PAGES = 4


def unsure_cache_key(key: str) -> str:
    return "kefu:sms:aliyun:unsure:" + hashlib.sha256(key.encode()).hexdigest()


def failure(code: str, http_status: int | None = None) -> Exception:
    """The exception for an answer code that is not "OK"."""
    if code in TEMPORARY:
        return temporary(TEMPORARY[code], code)
    if code in PERMANENT:
        return permanent(PERMANENT[code], code)
    if code.startswith(("Throttling", "isv.BUSINESS_LIMIT")):
        return temporary(base.THROTTLED, code)
    if http_status is not None and http_status >= 500:
        return temporary(base.UNAVAILABLE, code)
    return permanent(base.REFUSED, code)


class AliyunSms(base.Provider):
    name = "aliyun"
    settings_name = "KEFU_SMS_ALIYUN"
    required = ("access_key_id", "access_key_secret", "sign_name")

    def __init__(self, config: dict[str, str] | None = None) -> None:
        super().__init__(config)
        endpoint = str(self.config.get("endpoint") or "").strip()
        milliseconds = int(self.timeout * 1000)
        self.client = Client(
            Config(
                access_key_id=self.config["access_key_id"],
                access_key_secret=self.config["access_key_secret"],
                region_id=self.config.get("region") or "cn-hangzhou",
                endpoint=endpoint or None,
                protocol=(self.config.get("protocol") or "https").upper(),
                connect_timeout=milliseconds,
                read_timeout=milliseconds,
            )
        )

    def _call(self, action: Any, request: Any) -> Any:
        """One call of the SDK; what went wrong on the way mapped to kefu's failures."""
        try:
            return action(request)
        except ResponseException as error:  # the provider answered 4xx/5xx with a code
            code = str(getattr(error, "code", "") or "")
            logger.warning("Alibaba Cloud SMS refused: %s %s", code, error)
            raise failure(code, getattr(error, "status_code", None)) from error
        except UnretryableException as error:  # no answer, or one that is not the API's
            # The error's text holds the request's URL, and so the number: not logged.
            cause = getattr(error, "inner_exception", None) or error
            reason = str(getattr(cause, "message", "") or cause)
            # Refused before the request went: certainly not sent. Anything else (a read
            # timeout, a cut connection, an answer kefu cannot read) may have been sent.
            unsure = not any(sign in reason for sign in NOT_CONNECTED)
            logger.warning(
                "Alibaba Cloud SMS %s: %s",
                "gave no usable answer" if unsure else "unreachable",
                type(cause).__name__,
            )
            raise temporary(base.UNAVAILABLE, UNSURE if unsure else "network") from error

    def send(
        self,
        number: str,
        text: str,
        *,
        key: str = "",
        template_code: str = "",
        params: dict[str, Any] | None = None,
    ) -> str:
        template, values = self.template(template_code, text, params)
        unsure_key = unsure_cache_key(key) if key else ""
        if unsure_key and cache.get(unsure_key):
            # The last try may have gone (SendSms is not idempotent): look before sending.
            found = self.sent_before(number, key)
            if found:
                cache.delete(unsure_key)
                return found
        request = sms_models.SendSmsRequest(
            phone_numbers=number,
            sign_name=self.config["sign_name"],
            template_code=str(template),
            # The template's values must be strings: {"code": "123"}, never {"code": 123}.
            template_param=json.dumps(
                {name: str(value) for name, value in values.items()}, ensure_ascii=False
            ),
            out_id=key[:255] or None,
        )
        try:
            response = self._call(self.client.send_sms, request)
        except TemporaryFailure as error:
            if unsure_key and error.code == UNSURE:
                cache.set(unsure_key, True, UNSURE_SECONDS)
            raise
        body = response.body
        code = str(getattr(body, "code", "") or "")
        if code != "OK":
            logger.warning("Alibaba Cloud SMS did not send to %s: %s", number[-4:], code)
            raise failure(code)
        if unsure_key:
            cache.delete(unsure_key)
        if not body.biz_id:  # taken all the same: sending again would send it twice
            return base.key_reference(key) if key else ""
        return str(body.biz_id)

    def sent_before(self, number: str, key: str, since: dt.datetime | None = None) -> str:
        """Whether the provider took a message with this key (its OutId) on any day from
        `since` (today and yesterday without it; QuerySendDetails reaches back 30 days) to
        today, China's time: its reference, or "" when it did not. QuerySendDetails gives
        no BizId, so the reference is the key itself; the receipt, which carries the key
        as out_id, finds the message by it. Raises a temporary failure when a day holds
        more sends to the number than the pages read: it cannot tell."""
        today = dt.datetime.now(tz=base.CHINA).date()
        first = today - dt.timedelta(days=1)
        if since is not None:
            first = max(since.astimezone(base.CHINA).date(), today - LOOKUP_DAYS)
        day = today
        while day >= first:
            for page in range(1, LOOKUP_PAGES + 1):
                request = sms_models.QuerySendDetailsRequest(
                    phone_number=number,
                    send_date=day.strftime("%Y%m%d"),
                    page_size=50,
                    current_page=page,
                )
                body = self._call(self.client.query_send_details, request).body
                if str(body.code or "") != "OK":
                    raise failure(str(body.code or ""))
                dtos = body.sms_send_detail_dtos
                details = (dtos.sms_send_detail_dto if dtos else None) or []
                if any(detail.out_id == key[:255] for detail in details):
                    return base.key_reference(key)
                if len(details) < 50:
                    break
            else:
                raise temporary(base.UNAVAILABLE, "lookup")
            day -= dt.timedelta(days=1)
        return ""

    def find(self, number: str, key: str, since: dt.datetime) -> str | None:
        """`kefu.core.sms.Reconciling`: a message a crash left `sending` is looked up by
        its key from the day it was due, not sent blindly again."""
        return self.sent_before(number, key, since) or None

    def query(self, *, number: str, reference: str, sent_on: dt.date) -> Receipt | None:
        """Pull mode (QuerySendDetails): the message's delivery, or None while it waits
        for the carrier's word (SendStatus 1; 2 is failed, 3 delivered)."""
        request = sms_models.QuerySendDetailsRequest(
            phone_number=number,
            biz_id=reference,
            send_date=sent_on.strftime("%Y%m%d"),
            page_size=10,
            current_page=1,
        )
        body = self._call(self.client.query_send_details, request).body
        if str(body.code or "") != "OK":
            raise failure(str(body.code or ""))
        details = body.sms_send_detail_dtos.sms_send_detail_dto if body.sms_send_detail_dtos else []
        for detail in details or []:
            if detail.send_status in (2, 3, "2", "3"):
                delivered = str(detail.send_status) == "3"
                return Receipt(
                    reference=reference,
                    delivered=delivered,
                    # ErrCode is the carrier's code (MK:0001): staff read kefu's words.
                    error="" if delivered else str(base.NOT_DELIVERED),
                    number=number,
                    at=base.china_time(detail.receive_date or ""),
                )
        return None

    @staticmethod
    def parse_receipts(body: bytes) -> list[Receipt]:
        receipts = []
        for item in base.json_array(body):
            reference = base.text_of(item, "biz_id")
            success = item.get("success")
            if not reference or not isinstance(success, bool):
                raise base.PushInvalid("a receipt without biz_id or success")
            receipts.append(
                Receipt(
                    reference=reference,
                    delivered=success,
                    key=base.text_of(item, "out_id"),
                    error="" if success else base.readable(item.get("err_msg")),
                    number=base.text_of(item, "phone_number"),
                    at=base.china_time(base.text_of(item, "report_time")),
                )
            )
        return receipts

    @staticmethod
    def parse_replies(body: bytes) -> list[Reply]:
        replies = []
        for item in base.json_array(body):
            number = base.text_of(item, "phone_number")
            sequence = base.text_of(item, "sequence_id")
            if not number or not sequence:
                raise base.PushInvalid("a reply without phone_number or sequence_id")
            replies.append(
                Reply(
                    number=number,
                    text=base.text_of(item, "content"),
                    reference=sequence,
                    at=base.china_time(base.text_of(item, "send_time")),
                )
            )
        return replies

    @staticmethod
    def answer(ok: bool) -> tuple[int, dict[str, Any]]:
        if ok:
            return 200, {"code": 0, "msg": "接收成功"}
        # Alibaba asks for a 50x when the receiver could not take the push: it pushes again.
        return 503, {"code": 1, "msg": "稍后重试"}
