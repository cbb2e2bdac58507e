"""The outbox (issue 19 points 2, 4, 7): quiet hours, the marketing window, caps,
opt-outs on every channel, replies that unsubscribe, and writes safe to repeat."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit
from kefu.satisfaction import outreach
from kefu.satisfaction.models import (
    InboundMessage,
    Message,
    MessageState,
    OptOut,
    RefusalReason,
)
from kefu.satisfaction.services.outbound import (
    inbound_receive,
    message_enqueue,
    opt_out_record,
    rules_of,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
QUIET = {"quiet_from": dt.time(21, 0), "quiet_until": dt.time(8, 0)}


def at(hour: int, minute: int = 0, day: int = 7) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("wanted", "marketing", "expected"),
    [
        (at(10), False, at(10)),
        (at(21), False, at(8, day=8)),  # the quiet hours begin: tomorrow morning
        (at(23, 30), False, at(8, day=8)),
        (at(2), False, at(8)),  # after midnight: this morning
        (at(7, 59), False, at(8)),
        (at(20, 59), False, at(20, 59)),
    ],
)
def test_a_message_due_in_the_quiet_hours_waits_for_their_end(
    wanted: dt.datetime, marketing: bool, expected: dt.datetime
) -> None:
    assert outreach.send_time(wanted, marketing=marketing, **QUIET) == expected


def test_marketing_keeps_08_to_22_even_when_the_centre_has_no_quiet_hours() -> None:
    """China's SMS rules as the cloud SMS providers publish them: marketing 08:00-22:00."""
    none = {"quiet_from": dt.time(0, 0), "quiet_until": dt.time(0, 0)}
    assert outreach.send_time(at(23), marketing=False, **none) == at(23)
    assert outreach.send_time(at(23), marketing=True, **none) == at(8, day=8)
    assert outreach.send_time(at(6), marketing=True, **none) == at(8)
    # A centre quiet from 20:00 to 09:00 holds marketing to 09:00 too.
    late = {"quiet_from": dt.time(20, 0), "quiet_until": dt.time(9, 0)}
    assert outreach.send_time(at(21, 30), marketing=True, **late) == at(9, day=8)


@given(
    st.datetimes(
        min_value=dt.datetime(2026, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
        max_value=dt.datetime(2027, 12, 31),  # noqa: DTZ001
    ).map(lambda moment: moment.replace(tzinfo=SHANGHAI)),
    st.times(),
    st.times(),
)
def test_the_send_time_is_never_earlier_nor_in_the_quiet_hours(
    wanted: dt.datetime, start: dt.time, end: dt.time
) -> None:
    moment = outreach.send_time(wanted, quiet_from=start, quiet_until=end, marketing=False)
    assert wanted <= moment <= wanted + dt.timedelta(days=1)
    assert not outreach._quiet(moment.time(), start, end)


@pytest.mark.parametrize(
    "text", ["T", "t", "TD", "ｔｄ", "退订", " 退订！", "N", "取消订阅", "退定"]
)
def test_replies_that_unsubscribe(text: str) -> None:
    assert outreach.unsubscribes(text)


@pytest.mark.parametrize("text", ["5", "满意", "不要退订", "TDD", "", "谢谢"])
def test_replies_that_do_not(text: str) -> None:
    assert not outreach.unsubscribes(text)


def _enqueue(centre: OrgUnit, key: str, **values: object) -> Message:
    defaults: dict[str, object] = {
        "channel": "sms",
        "address": "138 1234 5678",
        "purpose": "reminder",
        "text": "您的电能表将于下周校验。",
        "due_at": at(10),
    }
    defaults.update(values)
    return message_enqueue(centre=centre, key=key, **defaults)  # type: ignore[arg-type]


def test_a_message_is_written_once_per_key(centre: OrgUnit) -> None:
    first = _enqueue(centre, "calibration:1")
    again = _enqueue(centre, "calibration:1", text="另一条")
    assert again.pk == first.pk and again.text == first.text
    assert first.address == "13812345678" and first.state == MessageState.QUEUED
    assert Message.objects.count() == 1


def test_a_message_due_at_night_is_scheduled_for_the_morning(centre: OrgUnit) -> None:
    message = _enqueue(centre, "k", due_at=at(23))
    assert message.scheduled_for == message.due_at == at(8, day=8)


def test_the_daily_cap_refuses_the_next_message_and_says_so(centre: OrgUnit) -> None:
    rules = rules_of(centre.pk)
    assert rules.messages_per_day == 3
    sent = [_enqueue(centre, f"k{n}", due_at=at(9 + n)) for n in range(4)]
    assert [m.state for m in sent] == ["queued"] * 3 + ["refused"]
    assert sent[3].refusal == RefusalReason.CAPPED
    # The next day the number may be written to again.
    assert _enqueue(centre, "k5", due_at=at(13, day=8)).state == MessageState.QUEUED


def test_an_opt_out_refuses_new_messages_and_cancels_waiting_ones(centre: OrgUnit) -> None:
    waiting = _enqueue(centre, "before")
    mail = _enqueue(centre, "mail", channel="email", address="Li@Example.cn")
    opt_out_record(centre=centre, channel="sms", address="+86 13812345678", source="agent")
    waiting.refresh_from_db()
    assert waiting.state == MessageState.REFUSED and waiting.refusal == RefusalReason.OPTED_OUT
    after = _enqueue(centre, "after")
    assert after.state == MessageState.REFUSED and after.refusal == RefusalReason.OPTED_OUT
    # Only that channel: the e-mail still goes.
    mail.refresh_from_db()
    assert mail.state == MessageState.QUEUED and mail.address == "li@example.cn"
    # Opting out of every channel stops the e-mail too.
    opt_out_record(centre=centre, channel="", address="li@example.cn", source="link")
    assert _enqueue(centre, "mail2", channel="email", address="li@example.cn").state == "refused"


def test_a_message_without_a_valid_number_is_kept_as_refused(centre: OrgUnit) -> None:
    message = _enqueue(centre, "k", address="12345")
    assert message.state == MessageState.REFUSED and message.refusal == RefusalReason.NO_ADDRESS


def test_unknown_channels_and_purposes_are_refused(centre: OrgUnit) -> None:
    with pytest.raises(Invalid):
        _enqueue(centre, "k", channel="fax")
    with pytest.raises(Invalid):
        _enqueue(centre, "k", purpose="spam")
    assert not Message.objects.exists()


def test_an_unsubscribe_reply_opts_the_number_out_once(centre: OrgUnit) -> None:
    message = _enqueue(centre, "k")
    Message.objects.filter(pk=message.pk).update(state="sent", sent_at=at(10))
    reply = inbound_receive(
        centre=centre,
        channel="sms",
        sender="+8613812345678",
        text="TD",
        provider="stand-in",
        reference="r1",
        received_at=at(10, 5),
    )
    assert reply.handled_as == InboundMessage.Handling.OPT_OUT and reply.reply_to == message
    assert OptOut.objects.get().source == "reply"
    # The provider delivers the same reply again: it counts once.
    again = inbound_receive(
        centre=centre,
        channel="sms",
        sender="13812345678",
        text="TD",
        provider="stand-in",
        reference="r1",
    )
    assert again.pk == reply.pk and InboundMessage.objects.count() == 1


def test_a_reply_from_a_number_that_is_not_valid_is_kept_and_changes_nothing(
    centre: OrgUnit,
) -> None:
    reply = inbound_receive(centre=centre, channel="sms", sender="10690000", text="退订")
    assert reply.sender == "10690000" and not OptOut.objects.exists()


def test_the_administrator_keeps_the_rules_and_reads_the_outbox_in_the_admin(
    users: dict[str, Any], centre: OrgUnit
) -> None:
    from django.test import Client

    from kefu.conftest import PASSWORD

    _enqueue(centre, "k")
    opt_out_record(centre=centre, channel="sms", address="13900000000", source="agent")
    rules = rules_of(centre.pk)
    page = Client()
    page.login(username="admin", password=PASSWORD)
    for path in ("outreachrules", "optout", "message"):
        answer = page.get(f"/admin/satisfaction/{path}/")
        assert answer.status_code == 200, path
    message = Message.objects.get()
    assert page.post(f"/admin/satisfaction/message/{message.pk}/delete/").status_code == 403
    shown = page.get(f"/admin/satisfaction/outreachrules/{rules.pk}/change/")
    assert shown.status_code == 200 and "免打扰开始" in shown.content.decode()
