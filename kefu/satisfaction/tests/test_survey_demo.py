"""The demo's surveys (issue 19 point 8): two months of invitations with answers on
several channels, two versions of the hotline survey, the cap of one a customer a month,
questionnaires with spot checks; loaded once."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit, User
from kefu.customers.models import Customer, CustomerPhone
from kefu.satisfaction.demo import load_surveys
from kefu.satisfaction.models import Invitation, Questionnaire, SurveyAnswer
from kefu.satisfaction.queries.surveys import survey_figures

pytestmark = pytest.mark.django_db


def test_the_demo_surveys(centre: OrgUnit, make_user: Callable[..., User]) -> None:
    team = OrgUnit.objects.create(kind="team", code="t1", name="一班", parent=centre)
    agents = [
        make_user("agent", f"agent{n}", team=team, employee_number=f"10{n:02d}") for n in range(4)
    ]
    now = timezone.now()
    contacts = []
    for n in range(400):
        customer = Customer.objects.create(centre=centre, name=f"客户{n}")
        CustomerPhone.objects.create(customer=customer, number=f"1381234{n:04d}", kind="mobile")
        for k in range(2):
            ended = now - dt.timedelta(days=(n * 7 + k * 17) % 59, hours=2)
            contacts.append(
                Contact(
                    centre=centre,
                    channel="hotline",
                    direction="inbound",
                    customer=customer,
                    agent=agents[n % 4],
                    started_at=ended - dt.timedelta(minutes=5),
                    ended_at=ended,
                )
            )
    Contact.objects.bulk_create(contacts)
    written = load_surveys(centre, days=60)
    assert written > 100
    assert load_surveys(centre, days=60) == 0
    invitations = Invitation.objects.all()
    answered = invitations.filter(state="answered")
    assert 0.4 < answered.count() / invitations.count() < 0.7
    assert set(answered.values_list("answered_via", flat=True)) == {"link", "reply", "ivr"}
    assert set(invitations.values_list("version__number", flat=True)) == {1, 2}
    # One a customer a month.
    for customer_id in invitations.values_list("customer_id", flat=True).distinct()[:50]:
        times = sorted(
            invitations.filter(customer_id=customer_id).values_list("sent_at", flat=True)
        )
        assert all(b - a >= dt.timedelta(days=29) for a, b in itertools.pairwise(times))
    assert SurveyAnswer.objects.filter(kind="nps").exists()
    rows = survey_figures(invitations, now - dt.timedelta(days=61), now, by="staff")
    assert {row.key[0] for row in rows} == {"1000", "1001", "1002", "1003"}
    assert Questionnaire.objects.count() == 4 * 3 * 2
    assert Questionnaire.objects.exclude(spot_check="").exists()
