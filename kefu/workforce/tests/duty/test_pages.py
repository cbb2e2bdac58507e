"""The duty-log pages over real HTTP: who may open them, refused forms keeping what was
typed, the htmx entry form, the acknowledgement kept to the incoming leader."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User
from kefu.core.roles import ROLES
from kefu.workforce.models import DutyEntry, DutyLog, Handover
from kefu.workforce.navigation import tabs_for
from kefu.workforce.services.duty import duty_log_open, handover_prepare

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_leaders_managers_and_administrators_keep_and_search_duty_logs(
    users: dict[str, User],
) -> None:
    keepers = {"leader", "manager", "admin"}
    for role in ROLES:
        client = signed_in(users[role])
        for path in ("/workforce/duty/", "/workforce/duty/search/"):
            response = client.get(path)
            assert response.status_code == (200 if role in keepers else 403), (role, path)
        names = {tab.url_name for tab in tabs_for(role)}
        assert ({"duty_log", "duty_search"} <= names) == (role in keepers), role


def test_a_refused_start_keeps_what_was_typed(users: dict[str, User]) -> None:
    client = signed_in(users["leader"])
    response = client.post(
        "/workforce/duty/",
        {"starts_at": "2026-03-02T16:00", "ends_at": "2026-03-02T08:00"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "班次结束时间必须晚于开始时间" in page
    assert 'value="2026-03-02T16:00"' in page and 'value="2026-03-02T08:00"' in page
    assert not DutyLog.objects.exists()


def test_an_entry_through_htmx_comes_back_with_the_log_or_with_what_was_typed(
    outgoing: User,
) -> None:
    now = timezone.now()
    log = duty_log_open(
        actor=outgoing, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7)
    )
    client = signed_in(outgoing)
    path = f"/workforce/duty/{log.pk}/entries/"
    response = client.post(
        path, {"kind": "equipment", "text": "5号座席电脑蓝屏"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.startswith('<div id="duty-log"') and "5号座席电脑蓝屏" in fragment
    assert "已记入值班记录" in fragment
    refused = client.post(
        path,
        {"kind": "event", "text": "来电激增", "ticket": "GD404"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "没有这个工单号的工单" in refused and "来电激增</textarea>" in refused
    plain = client.post(path, {"kind": "event", "text": ""})
    assert plain.status_code == 400
    assert list(DutyEntry.objects.values_list("text", flat=True)) == ["5号座席电脑蓝屏"]


def test_only_the_incoming_leader_opens_the_acknowledgement(
    users: dict[str, User], outgoing: User, incoming: User
) -> None:
    now = timezone.now()
    log = duty_log_open(
        actor=outgoing, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7)
    )
    path = f"/workforce/duty/{log.pk}/acknowledge/"
    assert signed_in(incoming).get(path).status_code == 403  # nothing handed over yet
    handover_prepare(actor=outgoing, log_id=log.pk, incoming="li", notes="无")
    for user in (outgoing, users["manager"], users["leader"]):
        assert signed_in(user).get(path).status_code == 403, user.username
    assert signed_in(incoming).get(path).status_code == 200
    # The outgoing leader's handover page now shows the log, not a second handover form.
    response = signed_in(outgoing).get(f"/workforce/duty/{log.pk}/handover/")
    assert response.status_code == 302 and response["Location"] == f"/workforce/duty/{log.pk}/"
    assert signed_in(users["manager"]).get(f"/workforce/duty/{log.pk}/").status_code == 200
    assert signed_in(users["agent"]).get(f"/workforce/duty/{log.pk}/").status_code == 403


def test_the_search_page_refuses_a_bad_day(users: dict[str, User]) -> None:
    response = signed_in(users["manager"]).get("/workforce/duty/search/", {"since": "昨天"})
    assert response.status_code == 400


def test_the_search_page_reads_in_a_fixed_number_of_queries(
    centre: OrgUnit,
    users: dict[str, User],
    outgoing: User,
    incoming: User,
    django_assert_max_num_queries: Any,
) -> None:
    now = timezone.now()
    for day in range(1, 9):
        log = DutyLog.objects.create(
            centre=centre,
            leader=outgoing,
            starts_at=now - timedelta(days=day, hours=8),
            ends_at=now - timedelta(days=day),
            state="handed_over",
        )
        DutyEntry.objects.create(
            log=log, at=log.starts_at, kind="event", text="停电", author=outgoing
        )
        Handover.objects.create(
            log=log, handed_by=outgoing, handed_at=log.ends_at, notes="无", incoming=incoming
        )
    client = signed_in(users["manager"])
    with django_assert_max_num_queries(14):
        response = client.get("/workforce/duty/search/", {"q": "停电"})
    assert response.content.decode().count("停电</div>") == 8
