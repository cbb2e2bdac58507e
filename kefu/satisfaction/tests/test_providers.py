"""SMS and e-mail delivery (issue 19 point 7): the Alibaba Cloud and Tencent Cloud SMS
providers through their official SDKs against a local stand-in of each HTTP API (the SDK
signs and sends for real; only the provider's server is stood in), their answers mapped
to accepted / temporary / permanent, the receipts and replies they push in their
documented formats counted once, and e-mail through Django's backend."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone, translation

from kefu.core import sms
from kefu.core.models import OrgUnit
from kefu.core.sms import PermanentFailure, TemporaryFailure
from kefu.satisfaction import delivery
from kefu.satisfaction.models import InboundMessage, Message, MessageState, OptOut
from kefu.satisfaction.providers.aliyun import AliyunSms
from kefu.satisfaction.providers.email import message_email
from kefu.satisfaction.providers.tasks import receipts_pull as receipts_pull_task
from kefu.satisfaction.providers.tencent import TencentSms
from kefu.satisfaction.services.dispatch import dispatch_batch
from kefu.satisfaction.services.outbound import message_enqueue
from kefu.satisfaction.services.receipts import receipt_record, receipts_pull
from kefu.satisfaction.tests.standins import DROP, StandIn, closed_endpoint, stand_in

SHANGHAI = ZoneInfo("Asia/Shanghai")
Failure = type[TemporaryFailure] | type[PermanentFailure]
TOKEN = "push-secret-7f3a"
NUMBER = "13812345678"


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with stand_in() as server:
        yield server


def aliyun_config(endpoint: str) -> dict[str, str]:
    return {
        "access_key_id": "LTAI-test",
        "access_key_secret": "secret",
        "region": "cn-hangzhou",
        "endpoint": endpoint,
        "protocol": "http",
        "sign_name": "国网客服",
        "templates": json.dumps({"survey": "SMS_154950909"}),
        "timeout_seconds": "5",
    }


def tencent_config(endpoint: str) -> dict[str, str]:
    return {
        "secret_id": "AKID-test",
        "secret_key": "secret",
        "region": "ap-guangzhou",
        "endpoint": endpoint,
        "protocol": "http",
        "sdk_app_id": "1400006666",
        "sign_name": "国网客服",
        "templates": json.dumps(
            {"survey": {"id": "449739", "params": ["name", "link"]}, "notice": "449740"}
        ),
        "timeout_seconds": "5",
    }


def send_survey(provider: Any) -> str:
    return str(
        provider.send(
            NUMBER,
            "王先生，请评价本次服务：https://kefu.example.cn/s/abc/",
            key="survey:42",
            template_code="survey",
            params={"name": "王先生", "link": "https://kefu.example.cn/s/abc/"},
        )
    )


# Alibaba Cloud SMS ------------------------------------------------------------------


def test_aliyun_sends_the_approved_template_with_the_key_as_out_id(standin: StandIn) -> None:
    standin.answer(
        200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "R1"}
    )
    reference = send_survey(AliyunSms(aliyun_config(standin.endpoint)))
    assert reference == "900619746936498440^0"
    [request] = standin.seen
    assert request.action == "SendSms"
    assert request.headers["authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI-test")
    assert request.query["PhoneNumbers"] == NUMBER
    assert request.query["SignName"] == "国网客服"
    assert request.query["TemplateCode"] == "SMS_154950909"
    assert request.query["OutId"] == "survey:42"
    # The template's values go as a JSON object of strings.
    assert json.loads(request.query["TemplateParam"]) == {
        "name": "王先生",
        "link": "https://kefu.example.cn/s/abc/",
    }


@pytest.mark.parametrize(
    ("status", "answer", "expected", "words"),
    [
        # Throttling: Alibaba answers HTTP 200 with the code in the body.
        (
            200,
            {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发号码天级流控"},
            TemporaryFailure,
            "稍后重试",
        ),
        (
            400,
            {"Code": "Throttling.User", "Message": "Request was denied"},
            TemporaryFailure,
            "稍后重试",
        ),
        (
            200,
            {"Code": "isv.AMOUNT_NOT_ENOUGH", "Message": "账户余额不足"},
            TemporaryFailure,
            "余额",
        ),
        (503, {"Code": "ServiceUnavailable", "Message": "busy"}, TemporaryFailure, "稍后重试"),
        (
            200,
            {"Code": "isv.SMS_TEMPLATE_ILLEGAL", "Message": "模板不合法"},
            PermanentFailure,
            "模板",
        ),
        (
            200,
            {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "签名不合法"},
            PermanentFailure,
            "签名",
        ),
        (
            200,
            {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "号码格式错误"},
            PermanentFailure,
            "号码",
        ),
        (
            400,
            {"Code": "SignatureDoesNotMatch", "Message": "bad signature"},
            PermanentFailure,
            "密钥",
        ),
        (200, {"Code": "isv.SOMETHING_NEW", "Message": "?"}, PermanentFailure, "拒绝"),
    ],
)
def test_aliyun_answers_map_to_temporary_or_permanent_with_words_for_staff(
    standin: StandIn, status: int, answer: dict[str, str], expected: Failure, words: str
) -> None:
    standin.answer(status, {**answer, "RequestId": "R2"})
    with translation.override("zh-hans"), pytest.raises(expected) as raised:
        send_survey(AliyunSms(aliyun_config(standin.endpoint)))
    error = raised.value
    assert isinstance(error, TemporaryFailure | PermanentFailure)
    assert error.code == answer["Code"]
    assert words in error.message
    assert answer["Code"] not in error.message  # staff never read the bare code


def test_aliyun_unreachable_is_temporary() -> None:
    with translation.override("zh-hans"), pytest.raises(TemporaryFailure) as raised:
        send_survey(AliyunSms(aliyun_config(closed_endpoint())))
    assert raised.value.code == "network" and "无法连接" in raised.value.message


def details(*out_ids: str) -> Any:
    rows = [
        {
            "PhoneNum": NUMBER,
            "SendStatus": 1,
            "ErrCode": "",
            "TemplateCode": "SMS_154950909",
            "Content": "…",
            "SendDate": "2026-12-06 10:00:00",
            "ReceiveDate": "",
            "OutId": out_id,
        }
        for out_id in out_ids
    ]
    return {
        "Code": "OK",
        "Message": "OK",
        "RequestId": "R",
        "TotalCount": len(rows),
        "SmsSendDetailDTOs": {"SmsSendDetailDTO": rows},
    }


def test_aliyun_after_an_answer_lost_looks_before_sending_again(standin: StandIn) -> None:
    """SendSms is not idempotent: a try whose answer was lost may have gone. The next try
    of the same key first asks QuerySendDetails for a message with that OutId."""
    standin.answer(DROP, None)  # the request reached the provider; no answer came back
    standin.answer(200, details("survey:41", "survey:42"))
    provider = AliyunSms(aliyun_config(standin.endpoint))
    with pytest.raises(TemporaryFailure) as raised:
        send_survey(provider)
    assert raised.value.code == "unsure"
    # It had gone: the key is its reference, and nothing is sent twice.
    assert send_survey(provider) == "out:survey:42"
    assert [seen.action for seen in standin.seen] == ["SendSms", "QuerySendDetails"]
    assert standin.seen[1].query["PhoneNumber"] == NUMBER


def test_aliyun_after_an_answer_lost_sends_again_what_did_not_go(standin: StandIn) -> None:
    standin.answer(DROP, None)
    standin.answer(200, details("survey:41"))
    standin.answer(200, details())  # yesterday's list: nothing either
    standin.answer(200, {"Code": "OK", "Message": "OK", "BizId": "5^0", "RequestId": "R"})
    provider = AliyunSms(aliyun_config(standin.endpoint))
    with pytest.raises(TemporaryFailure):
        send_survey(provider)
    assert send_survey(provider) == "5^0"
    assert [seen.action for seen in standin.seen] == [
        "SendSms",
        "QuerySendDetails",
        "QuerySendDetails",
        "SendSms",
    ]
    # Once sent, the key is no longer in doubt: a third try does not look first.
    send_survey(provider)
    assert len(standin.seen) == 5 and standin.seen[-1].action == "SendSms"


def test_aliyun_refused_connection_is_certainly_not_sent_and_is_not_looked_for() -> None:
    provider = AliyunSms(aliyun_config(closed_endpoint()))
    for _attempt in range(2):
        with pytest.raises(TemporaryFailure) as raised:
            send_survey(provider)
        assert raised.value.code == "network"


def test_a_message_without_a_configured_template_is_refused_before_any_call(
    standin: StandIn,
) -> None:
    standin.answer(200, {"Code": "OK", "BizId": "1"})
    provider = AliyunSms(aliyun_config(standin.endpoint))
    with pytest.raises(PermanentFailure):
        provider.send(NUMBER, "text", key="k", template_code="")
    with pytest.raises(PermanentFailure):
        provider.send(NUMBER, "text", key="k", template_code="unknown")
    assert standin.seen == []


def test_a_text_without_a_template_goes_with_the_free_text_template(standin: StandIn) -> None:
    """The gateway's older callers (an agent texting a knowledge answer) send bare text."""
    standin.answer(200, {"Code": "OK", "Message": "OK", "BizId": "77^0", "RequestId": "R"})
    config = {**aliyun_config(standin.endpoint), "templates": '{"*": "SMS_100000001"}'}
    assert AliyunSms(config).send(NUMBER, "停电通知：明日 9:00-12:00") == "77^0"
    assert standin.seen[0].query["TemplateCode"] == "SMS_100000001"
    assert json.loads(standin.seen[0].query["TemplateParam"]) == {
        "text": "停电通知：明日 9:00-12:00"
    }


def test_aliyun_pull_mode_reads_query_send_details(standin: StandIn) -> None:
    detail = {
        "PhoneNum": NUMBER,
        "SendStatus": 3,
        "ErrCode": "DELIVERED",
        "TemplateCode": "SMS_154950909",
        "Content": "【国网客服】王先生，请评价本次服务",
        "SendDate": "2026-12-06 10:00:00",
        "ReceiveDate": "2026-12-06 10:00:03",
        "OutId": "survey:42",
    }
    answer = {"Code": "OK", "Message": "OK", "RequestId": "R3", "TotalCount": 1}
    standin.answer(200, {**answer, "SmsSendDetailDTOs": {"SmsSendDetailDTO": [detail]}})
    standin.answer(
        200, {**answer, "SmsSendDetailDTOs": {"SmsSendDetailDTO": [{**detail, "SendStatus": 1}]}}
    )
    provider = AliyunSms(aliyun_config(standin.endpoint))
    receipt = provider.query(number=NUMBER, reference="9006^0", sent_on=dt.date(2026, 12, 6))
    assert receipt is not None and receipt.delivered and receipt.reference == "9006^0"
    assert receipt.at == dt.datetime(2026, 12, 6, 10, 0, 3, tzinfo=SHANGHAI)
    assert standin.seen[0].action == "QuerySendDetails"
    assert standin.seen[0].query["SendDate"] == "20261206"
    # Still waiting for the carrier's word: nothing to record yet.
    assert provider.query(number=NUMBER, reference="9006^0", sent_on=dt.date(2026, 12, 6)) is None


# Tencent Cloud SMS ------------------------------------------------------------------


def tencent_status(code: str = "Ok", serial: str = "5000:104571066915705365784949619") -> Any:
    return {
        "Response": {
            "SendStatusSet": [
                {
                    "SerialNo": serial if code == "Ok" else "",
                    "PhoneNumber": "+86" + NUMBER,
                    "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": "survey:42",
                    "Code": code,
                    "Message": "send success" if code == "Ok" else "failed",
                    "IsoCode": "CN",
                }
            ],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279",
        }
    }


def test_tencent_sends_the_template_values_in_order_with_the_key_as_context(
    standin: StandIn,
) -> None:
    standin.answer(200, tencent_status())
    reference = send_survey(TencentSms(tencent_config(standin.endpoint)))
    assert reference == "5000:104571066915705365784949619"
    [request] = standin.seen
    assert request.action == "SendSms"
    assert request.headers["authorization"].startswith("TC3-HMAC-SHA256 Credential=AKID-test/")
    assert request.body == {
        "PhoneNumberSet": ["+8613812345678"],
        "SmsSdkAppId": "1400006666",
        "TemplateId": "449739",
        "SignName": "国网客服",
        "TemplateParamSet": ["王先生", "https://kefu.example.cn/s/abc/"],
        "SessionContext": "survey:42",
    }


def test_tencent_a_bare_template_id_takes_numbered_values_in_their_order(
    standin: StandIn,
) -> None:
    standin.answer(200, tencent_status())
    provider = TencentSms(tencent_config(standin.endpoint))
    values = {str(n): f"v{n}" for n in (10, 2, 1)}
    provider.send(NUMBER, "text", key="n:1", template_code="notice", params=values)
    assert standin.seen[0].body["TemplateParamSet"] == ["v1", "v2", "v10"]
    with pytest.raises(PermanentFailure):  # named values have no order without the mapping
        provider.send(NUMBER, "text", key="n:2", template_code="notice", params={"a": "1"})


def tencent_error(code: str) -> Any:
    return {"Response": {"Error": {"Code": code, "Message": "refused"}, "RequestId": "r"}}


@pytest.mark.parametrize(
    ("status", "answer", "expected", "words"),
    [
        # Per number, in the send status.
        (200, tencent_status("LimitExceeded.PhoneNumberDailyLimit"), TemporaryFailure, "稍后重试"),
        (
            200,
            tencent_status("LimitExceeded.PhoneNumberThirtySecondLimit"),
            TemporaryFailure,
            "稍后重试",
        ),
        (
            200,
            tencent_status("FailedOperation.SignatureIncorrectOrUnapproved"),
            PermanentFailure,
            "签名",
        ),
        (200, tencent_status("FailedOperation.PhoneNumberInBlacklist"), PermanentFailure, "拒收"),
        (
            200,
            tencent_status("FailedOperation.InsufficientBalanceInSmsPackage"),
            TemporaryFailure,
            "余额",
        ),
        (
            200,
            tencent_status("FailedOperation.MarketingSendTimeConstraint"),
            TemporaryFailure,
            "22:00",
        ),
        # For the whole request, as the API's error.
        (
            200,
            tencent_error("FailedOperation.TemplateIncorrectOrUnapproved"),
            PermanentFailure,
            "模板",
        ),
        (200, tencent_error("AuthFailure.SignatureFailure"), PermanentFailure, "密钥"),
        (200, tencent_error("RequestLimitExceeded"), TemporaryFailure, "稍后重试"),
        (200, tencent_error("InternalError.Timeout"), TemporaryFailure, "稍后重试"),
        (502, {"message": "bad gateway"}, TemporaryFailure, "稍后重试"),
    ],
)
def test_tencent_answers_map_to_temporary_or_permanent_with_words_for_staff(
    standin: StandIn, status: int, answer: Any, expected: Failure, words: str
) -> None:
    standin.answer(status, answer)
    with translation.override("zh-hans"), pytest.raises(expected) as raised:
        send_survey(TencentSms(tencent_config(standin.endpoint)))
    error = raised.value
    assert isinstance(error, TemporaryFailure | PermanentFailure)
    assert words in error.message and error.code not in error.message


def test_tencent_unreachable_is_temporary() -> None:
    with pytest.raises(TemporaryFailure) as raised:
        send_survey(TencentSms(tencent_config(closed_endpoint())))
    assert raised.value.code == "ClientNetworkError"


def tencent_lookup(*contexts: str) -> Any:
    """PullSmsSendStatusByPhoneNumber's answer: one status per SessionContext given."""
    return {
        "Response": {
            "PullSmsSendStatusSet": [
                {
                    "UserReceiveTime": 1796580000,
                    "CountryCode": "86",
                    "SubscriberNumber": NUMBER,
                    "PhoneNumber": "+86" + NUMBER,
                    "SerialNo": f"5000:{index}",
                    "ReportStatus": "SUCCESS",
                    "Description": "用户短信送达成功",
                    "SessionContext": context,
                }
                for index, context in enumerate(contexts, start=1)
            ],
            "RequestId": "r",
        }
    }


def test_tencent_after_an_answer_lost_looks_before_sending_again(standin: StandIn) -> None:
    """SendSms is not idempotent: a try whose answer was lost may have gone. The next try
    of the same key first asks PullSmsSendStatusByPhoneNumber for a send with that
    SessionContext; found, it is not sent again."""
    standin.answer(DROP, None)  # the request reached the provider; no answer came back
    standin.answer(200, tencent_lookup("survey:41", "survey:42"))
    provider = TencentSms(tencent_config(standin.endpoint))
    with pytest.raises(TemporaryFailure) as raised:
        send_survey(provider)
    assert raised.value.code == "unsure"
    assert send_survey(provider) == "5000:2"
    assert [seen.action for seen in standin.seen] == ["SendSms", "PullSmsSendStatusByPhoneNumber"]
    lookup = standin.seen[1].body
    assert (lookup["PhoneNumber"], lookup["SmsSdkAppId"], lookup["Offset"], lookup["Limit"]) == (
        "+86" + NUMBER,
        "1400006666",
        0,
        100,
    )
    assert lookup["BeginTime"] < lookup["EndTime"]


def test_tencent_after_an_answer_lost_sends_again_what_did_not_go(standin: StandIn) -> None:
    standin.answer(DROP, None)
    standin.answer(200, tencent_lookup("survey:41"))  # another message's status only
    standin.answer(200, tencent_status())
    provider = TencentSms(tencent_config(standin.endpoint))
    with pytest.raises(TemporaryFailure):
        send_survey(provider)
    assert send_survey(provider) == "5000:104571066915705365784949619"
    assert [seen.action for seen in standin.seen] == [
        "SendSms",
        "PullSmsSendStatusByPhoneNumber",
        "SendSms",
    ]
    # Once sent, the key is no longer in doubt: a third try does not look first.
    send_survey(provider)
    assert len(standin.seen) == 4 and standin.seen[-1].action == "SendSms"


def test_tencent_a_lookup_that_cannot_tell_does_not_send(standin: StandIn) -> None:
    """Statuses without SessionContext (Tencent returns it once enabled for the account)
    may be this message: the lookup says it cannot tell, and nothing is sent."""
    standin.answer(200, tencent_lookup(""))
    standin.answer(200, tencent_lookup())
    provider = TencentSms(tencent_config(standin.endpoint))
    since = timezone.now() - dt.timedelta(hours=1)
    with pytest.raises(TemporaryFailure) as raised:
        provider.find(NUMBER, "survey:42", since)
    assert raised.value.code == "lookup_unsure"
    assert provider.find(NUMBER, "survey:42", since) is None
    assert {seen.action for seen in standin.seen} == {"PullSmsSendStatusByPhoneNumber"}


def test_tencent_refused_connection_is_certainly_not_sent_and_is_not_looked_for() -> None:
    provider = TencentSms(tencent_config(closed_endpoint()))
    for _attempt in range(2):
        with pytest.raises(TemporaryFailure) as raised:
            send_survey(provider)
        assert raised.value.code == "ClientNetworkError"


def left_sending(centre: OrgUnit, key: str) -> Message:
    """A message a dispatcher claimed and was killed with: `sending`, its lease out."""
    message = message_enqueue(
        centre=centre,
        channel="sms",
        address=NUMBER,
        purpose="survey",
        text="王先生，请评价本次服务：https://kefu.example.cn/s/abc/",
        key=key,
        template_code="survey",
        params={"name": "王先生", "link": "https://kefu.example.cn/s/abc/"},
    )
    moment = dt.datetime(2026, 12, 7, 10, tzinfo=SHANGHAI)
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING,
        claim="killed",
        attempts=1,
        scheduled_for=moment,
        due_at=moment,
        lease_until=moment + dt.timedelta(minutes=1),
    )
    message.refresh_from_db()
    return message


@pytest.mark.django_db
def test_aliyun_a_send_a_crash_left_unsettled_is_found_and_not_sent_again(
    standin: StandIn, centre: OrgUnit
) -> None:
    """Alibaba's gateway is `Reconciling` too: the day the message was due is read in
    QuerySendDetails for its OutId (today first, then back to that day)."""
    message = left_sending(centre, "survey:92")
    key = delivery.out_id(centre.pk, message.pk)
    standin.answer(200, details("survey:89", key))
    gateway = AliyunSms(aliyun_config(standin.endpoint))
    later = dt.datetime(2026, 12, 7, 10, 5, tzinfo=SHANGHAI)
    outcome = dispatch_batch(now=later, gateways={"sms": gateway})
    assert (outcome.claimed, outcome.settled, outcome.sent) == (1, 1, 0)
    message.refresh_from_db()
    assert (message.state, message.reference) == (MessageState.SENT, f"out:{key}")
    assert [seen.action for seen in standin.seen] == ["QuerySendDetails"]


@pytest.mark.django_db
def test_aliyun_a_send_a_crash_left_unmade_is_sent_after_the_lookup(
    standin: StandIn, centre: OrgUnit
) -> None:
    message = left_sending(centre, "survey:93")
    days = (dt.datetime.now(tz=SHANGHAI).date() - dt.date(2026, 12, 7)).days + 1
    for _day in range(min(max(days, 1), 30)):  # each day from today back to the due one
        standin.answer(200, details("survey:89"))
    standin.answer(200, {"Code": "OK", "Message": "OK", "BizId": "6^0", "RequestId": "R"})
    gateway = AliyunSms(aliyun_config(standin.endpoint))
    later = dt.datetime(2026, 12, 7, 10, 5, tzinfo=SHANGHAI)
    outcome = dispatch_batch(now=later, gateways={"sms": gateway})
    assert (outcome.claimed, outcome.settled, outcome.sent) == (1, 0, 1)
    message.refresh_from_db()
    assert (message.state, message.reference) == (MessageState.SENT, "6^0")
    assert [seen.action for seen in standin.seen][-1] == "SendSms"
    assert standin.seen[-1].query["OutId"] == delivery.out_id(centre.pk, message.pk)


def test_aliyun_a_lookup_that_cannot_read_a_whole_day_does_not_send(standin: StandIn) -> None:
    full = details(*[f"other:{n}" for n in range(50)])
    for _page in range(4):
        standin.answer(200, full)
    provider = AliyunSms(aliyun_config(standin.endpoint))
    since = dt.datetime.now(tz=SHANGHAI)
    with pytest.raises(TemporaryFailure):
        provider.find(NUMBER, "survey:94", since)
    assert [seen.action for seen in standin.seen] == ["QuerySendDetails"] * 4


@pytest.mark.django_db
def test_tencent_a_send_a_crash_left_unsettled_is_found_and_not_sent_again(
    standin: StandIn, centre: OrgUnit
) -> None:
    message = left_sending(centre, "survey:90")
    key = delivery.out_id(centre.pk, message.pk)
    standin.answer(200, tencent_lookup("survey:89", key))
    gateway = TencentSms(tencent_config(standin.endpoint))
    later = dt.datetime(2026, 12, 7, 10, 5, tzinfo=SHANGHAI)
    outcome = dispatch_batch(now=later, gateways={"sms": gateway})
    assert (outcome.claimed, outcome.settled, outcome.sent) == (1, 1, 0)
    message.refresh_from_db()
    assert (message.state, message.reference) == (MessageState.SENT, "5000:2")
    assert [seen.action for seen in standin.seen] == ["PullSmsSendStatusByPhoneNumber"]


@pytest.mark.django_db
def test_tencent_a_send_a_crash_left_unmade_is_sent_after_the_lookup(
    standin: StandIn, centre: OrgUnit
) -> None:
    message = left_sending(centre, "survey:91")
    standin.answer(200, tencent_lookup())
    standin.answer(200, tencent_status())
    gateway = TencentSms(tencent_config(standin.endpoint))
    later = dt.datetime(2026, 12, 7, 10, 5, tzinfo=SHANGHAI)
    outcome = dispatch_batch(now=later, gateways={"sms": gateway})
    assert (outcome.claimed, outcome.settled, outcome.sent) == (1, 0, 1)
    message.refresh_from_db()
    assert (message.state, message.reference) == (
        MessageState.SENT,
        "5000:104571066915705365784949619",
    )
    assert [seen.action for seen in standin.seen] == ["PullSmsSendStatusByPhoneNumber", "SendSms"]
    assert standin.seen[1].body["SessionContext"] == delivery.out_id(centre.pk, message.pk)


def test_tencent_pull_mode_reads_the_status_queue(standin: StandIn) -> None:
    standin.answer(
        200,
        {
            "Response": {
                "PullSmsSendStatusSet": [
                    {
                        "UserReceiveTime": 1796580000,
                        "CountryCode": "86",
                        "SubscriberNumber": NUMBER,
                        "PhoneNumber": "+86" + NUMBER,
                        "SerialNo": "5000:1",
                        "ReportStatus": "FAIL",
                        "Description": "用户关机",
                        "SessionContext": "",
                    }
                ],
                "RequestId": "r",
            }
        },
    )
    [receipt] = TencentSms(tencent_config(standin.endpoint)).pull_receipts()
    assert standin.seen[0].action == "PullSmsSendStatus"
    assert standin.seen[0].body == {"Limit": 100, "SmsSdkAppId": "1400006666"}
    assert receipt.reference == "5000:1" and not receipt.delivered
    assert receipt.error == "用户关机"


def test_the_gateway_setting_names_a_provider(settings: Any, standin: StandIn) -> None:
    """KEFU_SMS_GATEWAY picks the provider; its settings come from KEFU_SMS_<PROVIDER>."""
    settings.KEFU_SMS_GATEWAY = "kefu.satisfaction.providers.tencent.TencentSms"
    settings.KEFU_SMS_TENCENT = tencent_config(standin.endpoint)
    standin.answer(200, tencent_status())
    assert send_survey(sms.gateway()) == "5000:104571066915705365784949619"


# Pushed receipts and replies ----------------------------------------------------------


@pytest.fixture
def pushes(settings: Any) -> Client:
    settings.KEFU_SMS_CALLBACK_TOKEN = TOKEN
    return Client()


def push(client: Client, provider: str, kind: str, payload: Any, token: str = TOKEN) -> Any:
    return client.post(
        f"/sms/{provider}/{kind}/{token}/",
        data=json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
    )


def sent_message(centre: OrgUnit, key: str, reference: str, number: str = NUMBER) -> Message:
    message = message_enqueue(
        centre=centre,
        channel="sms",
        address=number,
        purpose="survey",
        text="请评价本次服务",
        key=key,
        template_code="survey",
    )
    Message.objects.filter(pk=message.pk).update(
        state=MessageState.SENT, reference=reference, sent_at=timezone.now()
    )
    message.refresh_from_db()
    return message


ALIYUN_RECEIPT = {
    "phone_number": NUMBER,
    "send_time": "2026-12-06 10:00:00",
    "report_time": "2026-12-06 10:00:05",
    "success": True,
    "err_code": "DELIVERED",
    "err_msg": "用户接收成功",
    "sms_size": "1",
    "biz_id": "900619746936498440^0",
    "out_id": "survey:42",
}


def test_an_aliyun_receipt_marks_the_message_delivered_once(
    pushes: Client, centre: OrgUnit
) -> None:
    message = sent_message(centre, "survey:42", "900619746936498440^0")
    answer = push(pushes, "aliyun", "receipts", [ALIYUN_RECEIPT])
    assert answer.status_code == 200 and answer.json() == {"code": 0, "msg": "接收成功"}
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED
    assert message.delivered_at == dt.datetime(2026, 12, 6, 10, 0, 5, tzinfo=SHANGHAI)
    # The same push again, and a late contrary one: the first receipt stands.
    assert push(pushes, "aliyun", "receipts", [ALIYUN_RECEIPT]).status_code == 200
    late = {**ALIYUN_RECEIPT, "success": False, "err_code": "MK:0001", "err_msg": "失败"}
    assert push(pushes, "aliyun", "receipts", [late]).status_code == 200
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED and message.error == ""


def test_an_aliyun_failed_receipt_says_why_in_the_providers_words(
    pushes: Client, centre: OrgUnit
) -> None:
    message = sent_message(centre, "survey:43", "B2")
    failed = {
        **ALIYUN_RECEIPT,
        "biz_id": "B2",
        "success": False,
        "err_code": "MK:0012",
        "err_msg": "号码停机",
    }
    assert push(pushes, "aliyun", "receipts", [failed]).status_code == 200
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.error == "号码停机"
    assert message.delivered_at is None


def test_a_failed_receipt_with_a_bare_carrier_code_reads_kefus_words(
    pushes: Client, centre: OrgUnit
) -> None:
    message = sent_message(centre, "survey:51", "B7")
    failed = {
        **ALIYUN_RECEIPT,
        "biz_id": "B7",
        "success": False,
        "err_code": "MK:0001",
        "err_msg": "MK:0001",
    }
    with translation.override("zh-hans"):
        assert push(pushes, "aliyun", "receipts", [failed]).status_code == 200
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.error == "运营商未能将短信送达。"


def test_a_receipt_finds_a_message_known_by_its_key(pushes: Client, centre: OrgUnit) -> None:
    """A message whose send answer was lost has its key as reference (out_id comes back)."""
    message = sent_message(centre, "survey:42", "out:survey:42")
    assert push(pushes, "aliyun", "receipts", [ALIYUN_RECEIPT]).status_code == 200
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED


def test_a_receipt_before_the_reference_is_stored_is_asked_again(
    pushes: Client, centre: OrgUnit
) -> None:
    receipt = {**ALIYUN_RECEIPT, "biz_id": "B3"}
    answer = push(pushes, "aliyun", "receipts", [receipt])
    assert answer.status_code == 503  # Alibaba pushes again after 1, 5 and 10 minutes
    message = sent_message(centre, "survey:44", "B3")
    assert push(pushes, "aliyun", "receipts", [receipt]).status_code == 200
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED


def test_pushes_need_the_token(pushes: Client, settings: Any, centre: OrgUnit) -> None:
    message = sent_message(centre, "survey:45", "B4")
    receipt = {**ALIYUN_RECEIPT, "biz_id": "B4"}
    assert push(pushes, "aliyun", "receipts", [receipt], token="guess").status_code == 404
    assert push(pushes, "nosuch", "receipts", [receipt]).status_code == 404
    assert pushes.get(f"/sms/aliyun/receipts/{TOKEN}/").status_code == 405
    settings.KEFU_SMS_CALLBACK_TOKEN = ""  # no token set: the endpoints do not exist
    assert push(pushes, "aliyun", "receipts", [receipt], token="").status_code == 404
    message.refresh_from_db()
    assert message.state == MessageState.SENT


@pytest.mark.parametrize("body", ["not json", "[1, 2]", '[{"success": true}]', '{"biz_id": "x"}'])
def test_a_push_not_in_the_documented_format_is_refused(pushes: Client, body: str) -> None:
    answer = pushes.post(
        f"/sms/aliyun/receipts/{TOKEN}/", data=body, content_type="application/json"
    )
    assert answer.status_code == 400
    answer = pushes.post(
        f"/sms/tencent/replies/{TOKEN}/", data=body, content_type="application/json"
    )
    assert answer.status_code == 400


def test_an_aliyun_reply_unsubscribes_once(pushes: Client, centre: OrgUnit) -> None:
    sent_message(centre, "survey:46", "B5")
    reply = {
        "phone_number": NUMBER,
        "send_time": "2026-12-06 10:05:00",
        "content": "退订",
        "sign_name": "国网客服",
        "dest_code": "1234",
        "sequence_id": 1234567890,
    }
    answer = push(pushes, "aliyun", "replies", [reply])
    assert answer.status_code == 200 and answer.json()["code"] == 0
    assert push(pushes, "aliyun", "replies", [reply]).status_code == 200
    [inbound] = InboundMessage.objects.all()
    assert inbound.handled_as == InboundMessage.Handling.OPT_OUT
    assert inbound.provider == "aliyun" and inbound.reference == "1234567890"
    assert inbound.received_at == dt.datetime(2026, 12, 6, 10, 5, tzinfo=SHANGHAI)
    assert OptOut.objects.filter(centre=centre, address=NUMBER, channel="sms").count() == 1


def test_a_digit_reply_is_tied_to_the_message_it_answers(
    pushes: Client, centre: OrgUnit, other_centre: OrgUnit
) -> None:
    """The reply goes to the centre that last wrote to the number."""
    message = sent_message(other_centre, "survey:47", "B6")
    reply = {
        "phone_number": NUMBER,
        "send_time": "2099-01-01 10:00:00",
        "content": "5",
        "dest_code": "1234",
        "sequence_id": "77",
    }
    assert push(pushes, "aliyun", "replies", [reply]).status_code == 200
    [inbound] = InboundMessage.objects.all()
    assert inbound.centre == other_centre and inbound.reply_to == message
    assert inbound.text == "5"


TENCENT_RECEIPT = {
    "user_receive_time": "2026-12-06 10:00:07",
    "nationcode": "86",
    "mobile": NUMBER,
    "report_status": "SUCCESS",
    "errmsg": "DELIVRD",
    "description": "用户短信送达成功",
    "sid": "5000:104571066915705365784949619",
}


def test_tencent_receipts_in_one_push_each_count_once(pushes: Client, centre: OrgUnit) -> None:
    delivered = sent_message(centre, "survey:48", TENCENT_RECEIPT["sid"])
    failed = sent_message(centre, "survey:49", "5000:2", number="13912345678")
    batch = [
        TENCENT_RECEIPT,
        {
            **TENCENT_RECEIPT,
            "sid": "5000:2",
            "mobile": "13912345678",
            "report_status": "FAIL",
            "errmsg": "MK:0005",
            "description": "空号",
        },
    ]
    for _attempt in range(2):
        answer = push(pushes, "tencent", "receipts", batch)
        assert answer.status_code == 200 and answer.json() == {"result": 0, "errmsg": "OK"}
    delivered.refresh_from_db()
    failed.refresh_from_db()
    assert delivered.state == MessageState.DELIVERED
    assert delivered.delivered_at == dt.datetime(2026, 12, 6, 10, 0, 7, tzinfo=SHANGHAI)
    assert failed.state == MessageState.FAILED and failed.error == "空号"


def test_a_tencent_reply_is_recorded_once(pushes: Client, centre: OrgUnit) -> None:
    sent_message(centre, "survey:50", "5000:3")
    reply = {
        "extend": "",
        "mobile": NUMBER,
        "nationcode": "86",
        "sign": "国网客服",
        "text": "TD",
        "time": 1796580144,
    }
    assert push(pushes, "tencent", "replies", reply).status_code == 200
    assert push(pushes, "tencent", "replies", reply).status_code == 200
    [inbound] = InboundMessage.objects.all()
    assert inbound.provider == "tencent" and inbound.sender == NUMBER
    assert inbound.received_at == dt.datetime.fromtimestamp(1796580144, tz=dt.UTC)
    # Another reply in the same second with other words is another reply.
    assert push(pushes, "tencent", "replies", {**reply, "text": "3"}).status_code == 200
    assert InboundMessage.objects.count() == 2


def test_receipt_record_takes_only_a_sent_message(centre: OrgUnit) -> None:
    message = message_enqueue(
        centre=centre, channel="sms", address=NUMBER, purpose="survey", text="t", key="q"
    )
    assert receipt_record(provider="aliyun", reference="", delivered=True) is None
    Message.objects.filter(pk=message.pk).update(reference="R9")  # still queued
    recorded = receipt_record(provider="aliyun", reference="R9", delivered=True)
    assert recorded is not None and recorded.state == MessageState.QUEUED


# E-mail -----------------------------------------------------------------------------


def test_an_email_goes_with_a_text_and_an_html_body(settings: Any, centre: OrgUnit) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message = message_enqueue(
        centre=centre,
        channel="email",
        address="li@example.cn",
        purpose="survey",
        text="李女士，请评价本次服务：https://kefu.example.cn/s/abc/ <谢谢>",
        key="survey:mail:1",
    )
    with translation.override("zh-hans"):
        reference = message_email(message)
    [sent] = mail.outbox
    assert isinstance(sent, EmailMultiAlternatives)
    assert sent.to == ["li@example.cn"] and sent.extra_headers["Message-ID"] == reference
    assert sent.subject.startswith("测试客服中心")
    assert "https://kefu.example.cn/s/abc/ <谢谢>" in sent.body
    [(html, kind)] = sent.alternatives
    assert kind == "text/html" and isinstance(html, str)
    assert '<a href="https://kefu.example.cn/s/abc/"' in html
    assert "&lt;谢谢&gt;" in html  # the text is escaped, never markup


def test_an_unreachable_mail_server_is_temporary(settings: Any, centre: OrgUnit) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    host, port = closed_endpoint().split(":")
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = host, int(port), 5
    message = message_enqueue(
        centre=centre,
        channel="email",
        address="li@example.cn",
        purpose="reminder",
        text="提醒",
        key="reminder:mail:1",
    )
    with pytest.raises(TemporaryFailure):
        message_email(message)


# Pull mode ----------------------------------------------------------------------------


def test_tencent_receipts_pulled_from_the_queue_are_recorded(
    standin: StandIn, centre: OrgUnit
) -> None:
    message = sent_message(centre, "survey:60", "5000:60")
    row = {
        "UserReceiveTime": 1796580000,
        "CountryCode": "86",
        "SubscriberNumber": NUMBER,
        "PhoneNumber": "+86" + NUMBER,
        "SerialNo": "5000:60",
        "ReportStatus": "SUCCESS",
        "Description": "用户短信送达成功",
        "SessionContext": "",
    }
    standin.answer(
        200,
        {
            "Response": {
                "PullSmsSendStatusSet": [
                    row,
                    {**row, "SerialNo": "5000:other"},
                ],
                "RequestId": "r",
            }
        },
    )
    taken = receipts_pull(gateway=TencentSms(tencent_config(standin.endpoint)))
    assert taken == 1
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED
    assert message.delivered_at == dt.datetime.fromtimestamp(1796580000, tz=dt.UTC)


def test_aliyun_receipts_are_asked_for_per_message_once_the_carrier_had_time(
    standin: StandIn, centre: OrgUnit
) -> None:
    now = timezone.now()
    older = sent_message(centre, "survey:61", "61^0")
    fresh = sent_message(centre, "survey:62", "62^0")
    lost = sent_message(centre, "survey:63", "out:survey:63")
    Message.objects.filter(pk__in=[older.pk, lost.pk]).update(
        sent_at=now - dt.timedelta(minutes=10)
    )
    failed = {
        "PhoneNum": NUMBER,
        "SendStatus": 2,
        "ErrCode": "MK:0001",
        "TemplateCode": "SMS_1",
        "Content": "…",
        "SendDate": "",
        "ReceiveDate": "2026-12-06 10:00:09",
        "OutId": "",
    }
    standin.answer(
        200,
        {
            "Code": "OK",
            "Message": "OK",
            "RequestId": "R",
            "TotalCount": 1,
            "SmsSendDetailDTOs": {"SmsSendDetailDTO": [failed]},
        },
    )
    assert receipts_pull(gateway=AliyunSms(aliyun_config(standin.endpoint)), now=now) == 1
    [asked] = standin.seen
    assert asked.action == "QuerySendDetails" and asked.query["BizId"] == "61^0"
    sent_on = timezone.localtime(now - dt.timedelta(minutes=10), SHANGHAI).strftime("%Y%m%d")
    assert asked.query["SendDate"] == sent_on
    for message in (older, fresh, lost):
        message.refresh_from_db()
    assert older.state == MessageState.FAILED and "MK" not in older.error
    assert fresh.state == lost.state == MessageState.SENT


def test_a_throttled_pull_stops_until_the_next_run(standin: StandIn, centre: OrgUnit) -> None:
    now = timezone.now()
    for number in range(3):
        sent_message(centre, f"survey:7{number}", f"7{number}^0")
    Message.objects.update(sent_at=now - dt.timedelta(hours=1))
    standin.answer(400, {"Code": "Throttling.User", "Message": "slow down", "RequestId": "R"})
    assert receipts_pull(gateway=AliyunSms(aliyun_config(standin.endpoint)), now=now) == 0
    assert len(standin.seen) == 1
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}


def test_the_pull_task_does_nothing_unless_asked(settings: Any, centre: OrgUnit) -> None:
    settings.KEFU_SMS_PULL_RECEIPTS = False
    assert receipts_pull_task() == 0
    settings.KEFU_SMS_PULL_RECEIPTS = True  # the log gateway has nothing to pull
    assert receipts_pull_task() == 0
