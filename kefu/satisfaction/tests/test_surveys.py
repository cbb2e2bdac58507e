"""Surveys (issue 19 point 2): templates in versions, invitations through the outbox with
caps, quiet hours and opt-outs on every channel, answers by link, digit reply, agent and
IVR, the draw, skipping, the figures against hand-computed values, the questionnaires."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.satisfaction.models import (
    InboundMessage,
    Invitation,
    Message,
    OptOut,
    Questionnaire,
    SurveyAnswer,
    SurveyVersion,
)
from kefu.satisfaction.queries.surveys import (
    staff_appraisal,
    survey_figures,
    survey_low_scores_since,
)
from kefu.satisfaction.services import surveys as services
from kefu.satisfaction.services.outbound import inbound_receive, opt_out_record, rules_of
from kefu.satisfaction.services.surveys import (
    QuestionSpec,
    Recipient,
    invitations_send,
    ivr_import,
    questionnaire_check_record,
    questionnaire_record,
    questionnaires_spot_draw,
    survey_answer,
    survey_record,
    survey_skip,
    surveys_draw,
    template_revise,
)
from kefu.satisfaction.tests.survey_world import SPEC, World, today_at, token_of
from kefu.satisfaction.tests.survey_world import world as world  # the fixture

pytestmark = pytest.mark.django_db


def _answers(
    invitation: Invitation | SurveyVersion, csat: str = "5", nps: str = "9", ces: str = "6"
) -> dict[int, str]:
    version = invitation.version if isinstance(invitation, Invitation) else invitation
    qs = list(version.questions.order_by("position"))
    return {qs[0].pk: csat, qs[1].pk: nps, qs[2].pk: ces, qs[3].pk: "很好"}


def test_a_survey_is_sent_by_sms_with_a_single_use_link_in_the_outbox(world: World) -> None:
    (invitation,) = world.send(0)
    assert invitation.state == "pending" and invitation.channel == "sms"
    message = invitation.message
    assert message is not None and message.purpose == "survey" and message.state == "queued"
    assert message.address == "13912340000" and message.text.endswith("回T退订")
    token = token_of(invitation)
    # Only the hash is kept.
    digest = invitation.token_digest or ""
    assert token not in digest and len(digest) == 64
    assert invitation.staff == world.agent and invitation.team == world.team
    assert invitation.expires_at == invitation.sent_at + dt.timedelta(days=7)
    # The version is sent: it will not change any more.
    assert SurveyVersion.objects.get().sent


def test_sending_again_under_the_same_key_returns_the_first_invitation(world: World) -> None:
    (first,) = world.send(0)
    (again,) = world.send(0)
    assert again.pk == first.pk
    assert Invitation.objects.count() == 1 and Message.objects.count() == 1


def test_the_link_answers_once(world: World) -> None:
    (invitation,) = world.send(0)
    token = token_of(invitation)
    survey_answer(token=token, values=_answers(invitation))
    invitation.refresh_from_db()
    assert invitation.state == "answered" and invitation.answered_via == "link"
    assert sorted(SurveyAnswer.objects.values_list("kind", "score")) == [
        ("ces", 6),
        ("csat", 5),
        ("nps", 9),
        ("text", None),
    ]
    with pytest.raises(NotFound):
        survey_answer(token=token, values=_answers(invitation, csat="1"))
    assert SurveyAnswer.objects.filter(kind="csat").get().score == 5


def test_an_expired_or_guessed_link_is_refused_alike(world: World) -> None:
    (invitation,) = world.send(0)
    token = token_of(invitation)
    later = invitation.expires_at + dt.timedelta(seconds=1)
    with pytest.raises(NotFound) as expired:
        survey_answer(token=token, values=_answers(invitation), now=later)
    with pytest.raises(NotFound) as guessed:
        survey_answer(token="A" * 22, values=_answers(invitation))
    assert expired.value.code == guessed.value.code == "survey_link_invalid"
    assert str(expired.value.message) == str(guessed.value.message)


def test_answers_off_the_scale_or_missing_are_refused_naming_the_question(world: World) -> None:
    (invitation,) = world.send(0)
    qs = list(invitation.version.questions.order_by("position"))
    with pytest.raises(Invalid) as refused:
        survey_answer(
            token=token_of(invitation), values={qs[0].pk: "6", qs[1].pk: "11", qs[3].pk: ""}
        )
    assert set(refused.value.detail) == {str(qs[0].pk), str(qs[1].pk), str(qs[2].pk)}
    invitation.refresh_from_db()
    assert invitation.state == "pending"


def test_a_digit_reply_answers_the_first_question(world: World) -> None:
    (invitation,) = world.send(0)
    Message.objects.filter(pk=invitation.message_id or 0).update(state="sent", sent_at=today_at(10))
    reply = inbound_receive(
        centre=world.centre,
        channel="sms",
        sender="13912340000",
        text="４",  # full-width, as some phones type it
        received_at=today_at(10, 5),
    )
    assert reply.handled_as == InboundMessage.Handling.ANSWER
    invitation.refresh_from_db()
    assert invitation.state == "answered" and invitation.answered_via == "reply"
    assert SurveyAnswer.objects.get().score == 4
    # A second digit changes nothing: the survey is answered.
    again = inbound_receive(
        centre=world.centre,
        channel="sms",
        sender="13912340000",
        text="1",
        received_at=today_at(10, 6),
    )
    assert again.handled_as == InboundMessage.Handling.NONE
    assert SurveyAnswer.objects.get().score == 4


def test_a_reply_off_the_scale_or_unsubscribing_is_no_answer(world: World) -> None:
    (invitation,) = world.send(0)
    Message.objects.filter(pk=invitation.message_id or 0).update(state="sent", sent_at=today_at(10))
    off = inbound_receive(
        centre=world.centre, channel="sms", sender="13912340000", text="9", received_at=today_at(11)
    )
    assert off.handled_as == InboundMessage.Handling.NONE
    stop = inbound_receive(
        centre=world.centre, channel="sms", sender="13912340000", text="T", received_at=today_at(11)
    )
    assert stop.handled_as == InboundMessage.Handling.OPT_OUT
    assert not SurveyAnswer.objects.exists()


def test_the_cap_per_customer_refuses_a_second_survey_in_the_period(world: World) -> None:
    rules = rules_of(world.centre.pk)
    assert (rules.surveys_per_period, rules.survey_period_days) == (1, 30)
    (first,) = world.send(0, at=today_at(10))
    (second,) = invitations_send(
        actor=world.manager,
        template_id=world.template.pk,
        recipients=[Recipient(key="other", customer_id=world.customer(0).pk)],
        now=today_at(10, days=10),
    )
    assert first.state == "pending"
    assert second.state == "refused" and second.refusal == "capped" and second.message is None
    (after,) = invitations_send(
        actor=world.manager,
        template_id=world.template.pk,
        recipients=[Recipient(key="later", customer_id=world.customer(0).pk)],
        now=today_at(10, days=31),
    )
    assert after.state == "pending"


def test_a_survey_due_in_the_quiet_hours_goes_in_the_morning(world: World) -> None:
    (invitation,) = world.send(0, at=today_at(23))
    assert invitation.message is not None
    assert invitation.message.scheduled_for == today_at(8, days=1)
    # The link's days count from when it goes.
    assert invitation.sent_at == today_at(8, days=1)
    assert invitation.expires_at == today_at(8, days=8)


@pytest.mark.parametrize("channel", ["sms", ""])
def test_an_opted_out_number_gets_no_sms_survey(world: World, channel: str) -> None:
    opt_out_record(centre=world.centre, channel=channel, address="13912340000", source="agent")
    (invitation,) = world.send(0)
    assert invitation.state == "refused" and invitation.refusal == "opted_out"
    assert invitation.token_digest is None
    assert invitation.message is not None and invitation.message.state == "refused"


def test_an_opted_out_address_gets_no_email_survey(world: World) -> None:
    opt_out_record(centre=world.centre, channel="email", address="li@example.cn", source="reply")
    sent = invitations_send(
        actor=world.manager,
        template_id=world.template.pk,
        channel="email",
        recipients=[
            Recipient(key="a", address="Li@Example.cn"),
            Recipient(key="b", address="wang@example.cn"),
        ],
        now=today_at(10),
    )
    assert [i.state for i in sent] == ["refused", "pending"]
    assert sent[1].message is not None and sent[1].message.channel == "email"
    assert "/s/" in sent[1].message.text


def test_an_agent_records_a_survey_on_a_contact(world: World) -> None:
    contact = world.contact()
    invitation = survey_record(
        actor=world.agent,
        template_id=world.template.pk,
        contact_id=contact.pk,
        values=_answers(world.template.versions.get(), csat="2"),
    )
    assert invitation.state == "answered" and invitation.answered_via == "agent"
    assert invitation.channel == "agent" and invitation.staff_number == "A001"
    assert invitation.recorded_by == world.agent and invitation.message is None
    with pytest.raises(Conflict):
        survey_record(
            actor=world.agent,
            template_id=world.template.pk,
            contact_id=contact.pk,
            values=_answers(invitation),
        )


def test_an_agent_record_honours_the_opt_out_of_every_channel_and_the_cap(world: World) -> None:
    opt_out_record(centre=world.centre, channel="", address="13912340000", source="agent")
    refused = survey_record(
        actor=world.agent,
        template_id=world.template.pk,
        contact_id=world.contact().pk,
        values=_answers(world.template.versions.get()),
    )
    assert refused.state == "refused" and refused.refusal == "opted_out"
    assert not SurveyAnswer.objects.exists()
    world.send(1)
    capped = survey_record(
        actor=world.agent,
        template_id=world.template.pk,
        contact_id=world.contact(customer=1).pk,
        values=_answers(world.template.versions.get()),
    )
    assert capped.state == "refused" and capped.refusal == "capped"


def test_the_ivr_import_records_scores_once_and_honours_opt_outs(world: World) -> None:
    world.customer(2)
    opt_out_record(centre=world.centre, channel="", address="13912340001", source="reply")
    data = (
        "call_id,number,score,staff_id\n"
        "c1,13912340000,5,A001\n"
        "c2,13912340001,4,A001\n"
        "c3,13912340002,9,A001\n"
        "c4,,3,\n"
    )
    result = ivr_import(actor=world.manager, template_id=world.template.pk, data=data)
    assert (result.recorded, result.refused, result.repeated) == (2, 1, 0)
    assert [line for line, _message in result.errors] == [4]  # 9 is off the CSAT scale
    again = ivr_import(actor=world.manager, template_id=world.template.pk, data=data)
    assert (again.recorded, again.repeated) == (0, 3)
    answered = Invitation.objects.filter(state="answered", channel="ivr")
    assert answered.count() == 2
    assert answered.get(key="ivr:c1").customer == world.customer(0)


def test_the_draw_surveys_each_contact_once_and_passes_by_a_skipped_one(world: World) -> None:
    world.template.trigger = "after_contact"
    world.template.save()
    rules = rules_of(world.centre.pk)
    rules.surveys_per_period = 5
    rules.quiet_from = rules.quiet_until = dt.time(0, 0)  # no quiet hours in this test
    rules.save()
    first, skipped = world.contact(0), world.contact(1)
    world.contact(2, ended_at=timezone.now())  # within the delay: not yet
    survey_skip(actor=world.agent, contact_id=skipped.pk, reason="客户情绪激动")
    assert surveys_draw(centre_id=world.centre.pk) == 1
    assert surveys_draw(centre_id=world.centre.pk) == 0  # idempotent
    invitation = Invitation.objects.get()
    assert invitation.key == f"contact:{first.pk}" and invitation.contact_id == first.pk
    assert invitation.staff == world.agent


def test_the_draw_after_a_closed_work_order_honours_opt_outs(world: World) -> None:
    from kefu.tickets.models import Ticket

    world.template.trigger = "after_ticket"
    world.template.touchpoint = "field_repair"
    world.template.save()
    opt_out_record(centre=world.centre, channel="sms", address="13912340001", source="reply")
    made = []
    for n, kind in enumerate(["fault", "fault", "consultation"]):
        made.append(
            Ticket.objects.create(
                number=f"T{n}",
                centre=world.centre,
                kind=kind,
                customer=world.customer(n),
                title="停电报修",
                state="closed",
                assignee=world.agent,
                created_at=timezone.now() - dt.timedelta(days=1),
                created_by=world.agent,
                closed_at=timezone.now() - dt.timedelta(hours=3),
            )
        )
    assert surveys_draw(centre_id=world.centre.pk) == 2  # the consultation is no repair
    states = dict(Invitation.objects.values_list("ticket_id", "state"))
    assert states == {made[0].pk: "pending", made[1].pk: "refused"}
    assert Invitation.objects.get(ticket_id=made[0].pk).subject_kind == "fault"


def test_a_change_after_sending_makes_the_next_version(world: World) -> None:
    changed = SPEC.__class__(**{**SPEC.__dict__, "questions": [QuestionSpec("csat", "满意吗？")]})
    template_revise(actor=world.manager, template_id=world.template.pk, spec=changed)
    assert SurveyVersion.objects.count() == 1  # not sent: changed in place
    (invitation,) = world.send(0)
    template_revise(actor=world.manager, template_id=world.template.pk, spec=SPEC)
    assert list(SurveyVersion.objects.values_list("number", flat=True)) == [2, 1]
    # The old link still answers the question it asked.
    survey_answer(token=token_of(invitation), values={invitation.version.questions.get().pk: "4"})
    assert SurveyAnswer.objects.get().question.text == "满意吗？"


def test_only_those_who_keep_outreach_change_or_send_surveys(world: World) -> None:
    with pytest.raises(Forbidden):
        services.template_create(actor=world.agent, spec=SPEC)
    with pytest.raises(Forbidden):
        invitations_send(
            actor=world.reader, template_id=world.template.pk, recipients=[Recipient(key="x")]
        )


def test_a_template_needs_a_scored_first_question(world: World) -> None:
    spec = SPEC.__class__(
        **{**SPEC.__dict__, "name": "x", "questions": [QuestionSpec("text", "?")]}
    )
    with pytest.raises(Invalid) as refused:
        services.template_create(actor=world.manager, spec=spec)
    assert "questions" in refused.value.detail


def test_figures_against_hand_computed_values(world: World) -> None:
    """CSAT = share of 4-5 (6 of 10: 60 %, Wilson 31.27-83.18 %); NPS = % 9-10 minus
    % 0-6 (5 and 3 of 10: 20, ±54.03); CES = mean (5.6 over 5, ±1.467); response rate =
    answered / sent (10 of 16: 62.5 %). kefu.satisfaction.scores states each formula."""
    rules = rules_of(world.centre.pk)
    rules.messages_per_day = 10
    rules.save()
    csat = [5, 4, 4, 3, 2, 1, 5, 4, 3, 5]
    nps = [10, 9, 9, 8, 7, 6, 5, 0, 10, 9]
    ces = [7, 6, 5, 7, 3]
    invitations = world.send(*range(16))
    assert [i.refusal for i in invitations] == [""] * 16
    for n in range(5):
        values = _answers(invitations[n], str(csat[n]), str(nps[n]), str(ces[n]))
        survey_answer(token=token_of(invitations[n]), values=values)
    for n in range(5, 10):
        _answer_without_ces(invitations[n], csat[n], nps[n])
    since, until = today_at(0, days=-1), today_at(0, days=2)
    (whole,) = survey_figures(Invitation.objects.all(), since, until)
    f = whole.figures
    assert (f.sent, f.answered) == (16, 10) and f.rate.value == pytest.approx(62.5)
    assert f.csat.value == pytest.approx(60.0)
    assert (f.csat.low, f.csat.high) == (
        pytest.approx(31.27, abs=0.01),
        pytest.approx(83.18, abs=0.01),
    )
    assert f.nps.value == pytest.approx(20.0)
    assert (f.nps.low, f.nps.high) == (
        pytest.approx(-34.03, abs=0.01),
        pytest.approx(74.03, abs=0.01),
    )
    assert f.ces.value == pytest.approx(5.6) and f.ces.n == 5
    assert (f.ces.low, f.ces.high) == (
        pytest.approx(4.133, abs=0.001),
        pytest.approx(7.067, abs=0.001),
    )
    # By staff member: the same, all of them were about A001's service.
    (staff,) = survey_figures(Invitation.objects.all(), since, until, by="staff")
    assert staff.key[0] == "A001" and staff.figures.csat.value == pytest.approx(60.0)
    appraisal = staff_appraisal(
        centre_id=world.centre.pk, staff_number="A001", since=since, until=until
    )
    assert appraisal.nps.value == pytest.approx(20.0)
    (month,) = survey_figures(Invitation.objects.all(), since, until, by="month")
    assert month.figures.answered == 10
    # The low scores for the dissatisfied list: CSAT 1-2 and NPS 0-6.
    low = survey_low_scores_since(centre_id=world.centre.pk, since=since)
    assert sorted((row.kind, row.score) for row in low) == [
        ("csat", 1),
        ("csat", 2),
        ("nps", 0),
        ("nps", 5),
        ("nps", 6),
    ]


def _answer_without_ces(invitation: Invitation, csat: int, nps: int) -> None:
    qs = list(invitation.version.questions.order_by("position"))
    # CES is required on the page; the agent's record is the same service: set it apart.
    qs[2].required = False
    qs[2].save()
    survey_answer(token=token_of(invitation), values={qs[0].pk: str(csat), qs[1].pk: str(nps)})
    qs[2].required = True
    qs[2].save()


def test_low_score_handlers_are_called_in_the_answers_transaction(world: World) -> None:
    seen.clear()
    services.LOW_SCORE_HANDLERS.append(f"{__name__}.remember")
    try:
        (invitation,) = world.send(0)
        survey_answer(token=token_of(invitation), values=_answers(invitation, csat="1"))
    finally:
        services.LOW_SCORE_HANDLERS.pop()
    assert seen == [invitation.pk]


seen: list[int] = []


def remember(invitation: Invitation) -> None:
    seen.append(invitation.pk)


def test_monthly_questionnaires_are_archived_and_spot_checked(world: World) -> None:
    """000 第7篇: monthly owner questionnaires signed with the staff ID, spot-checked by
    calling a sample back."""
    month = dt.date(2026, 11, 1)
    world.customer(0)
    for n in range(4):
        questionnaire_record(
            actor=world.reader,
            month=dt.date(2026, 11, 15),
            staff_number="A001",
            respondent=f"业主{n}",
            phone=f"1391234{n:04d}",
            score=5 - n,
            paper_number=f"2026-11-{n}",
        )
    with pytest.raises(Invalid) as unknown:
        questionnaire_record(
            actor=world.reader,
            month=month,
            staff_number="Z999",
            respondent="业主",
            phone="13912340000",
            score=5,
            paper_number="x",
        )
    assert "staff_number" in unknown.value.detail
    with pytest.raises(Conflict):
        questionnaire_record(
            actor=world.reader,
            month=month,
            staff_number="A001",
            respondent="业主",
            phone="13912340000",
            score=5,
            paper_number="2026-11-0",
        )
    drawn = questionnaires_spot_draw(actor=world.reader, month=month, share=0.5, seed=1)
    assert len(drawn) == 2 and {q.spot_check for q in drawn} == {"drawn"}
    checked = questionnaire_check_record(
        actor=world.agent, questionnaire_id=drawn[0].pk, outcome="disputed", note="业主说未填写"
    )
    assert checked.spot_check == "disputed" and checked.checked_by == world.agent
    undrawn = Questionnaire.objects.exclude(pk__in=[q.pk for q in drawn]).first()
    assert undrawn is not None
    with pytest.raises(Conflict):
        questionnaire_check_record(
            actor=world.agent, questionnaire_id=undrawn.pk, outcome="confirmed"
        )
    assert Questionnaire.objects.get(paper_number="2026-11-0").customer == world.customer(0)


def test_the_survey_page_unsubscribe_opts_the_number_out(world: World) -> None:
    (invitation,) = world.send(0)
    services.survey_unsubscribe(token=token_of(invitation))
    entry = OptOut.objects.get()
    assert (entry.address, entry.channel, entry.source) == ("13912340000", "sms", "link")
    invitation.refresh_from_db()
    assert invitation.state == "declined"
    (later,) = invitations_send(
        actor=world.manager,
        template_id=world.template.pk,
        recipients=[Recipient(key="later", customer_id=world.customer(0).pk)],
        now=today_at(10, days=40),
    )
    assert later.state == "refused" and later.refusal == "opted_out"


def test_the_cap_counts_the_surveys_of_the_same_call(world: World) -> None:
    customer = world.customer(0)
    sent = invitations_send(
        actor=world.manager,
        template_id=world.template.pk,
        recipients=[
            Recipient(key="a", customer_id=customer.pk),
            Recipient(key="b", address="13912340000"),  # the same customer's number
        ],
        now=today_at(10),
    )
    assert [(i.state, i.refusal) for i in sent] == [("pending", ""), ("refused", "capped")]
    assert Invitation.objects.count() == 2


def test_a_low_score_puts_the_customer_on_the_dissatisfied_list_once(world: World) -> None:
    """Issue 19 point 3: the list is entered from a low survey score (CSAT 1-2)."""
    from kefu.satisfaction.models import DissatisfiedEntry, DissatisfiedReason

    low, high = world.send(0), world.send(1)
    survey_answer(token=token_of(low[0]), values=_answers(low[0], csat="2"))
    survey_answer(token=token_of(high[0]), values=_answers(high[0], csat="5"))
    entry = DissatisfiedEntry.objects.get()
    assert entry.customer_id == low[0].customer_id
    reason = DissatisfiedReason.objects.get()
    assert reason.cause == "low_survey_score" and reason.source == f"survey:{low[0].pk}"
