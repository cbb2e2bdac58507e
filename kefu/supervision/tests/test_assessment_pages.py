"""The assessment pages (issue 20 point 3) for each role: the departments' figures and a
department's page, the complaints to judge with the judging form (a refused form keeps what
was typed), a judgement's page, the appraisal with the unranked said so, and the weights
(a Chinese error when they do not make 100). A handler sees only their department's
judgements and no department figures; an agent sees none of it."""

from __future__ import annotations

import pytest
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit
from kefu.supervision.models import AppraisalRules, ComplaintJudgement
from kefu.supervision.services.judging import Verdict, complaint_judge
from kefu.supervision.tests.conftest import World
from kefu.supervision.tests.test_judging import complaint

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_each_role_sees_its_pages(world: World, make_user: object) -> None:
    department = world.users["handler"].department
    assert department is not None
    gas = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="gas", name="燃气", parent=world.centre
    )
    make_user("handler", username="gas-handler", department=gas)  # type: ignore[operator]
    complaint(world, "TS0201")
    judgement = complaint_judge(
        actor=world.users["backoffice"],
        number="TS0201",
        verdict=Verdict("department", department_id=department.pk),
        reason="抢修超时",
    )
    manager = _client("manager")
    for path in (
        "/supervision/assessment/departments/?period=quarter",
        f"/supervision/assessment/departments/{department.pk}/",
        "/supervision/assessment/judgements/",
        f"/supervision/assessment/judgements/{judgement.pk}/",
        "/supervision/assessment/appraisal/",
        "/supervision/assessment/weights/",
    ):
        assert manager.get(path).status_code == 200, path
    page = manager.get("/supervision/assessment/departments/").content.decode()
    assert "部门考核" in page and "抢修" in page and "燃气" in page
    appraisal = manager.get("/supervision/assessment/appraisal/").content.decode()
    assert "不参加排名" in appraisal and "季度考评" in appraisal

    handler = _client("handler")
    assert handler.get("/supervision/assessment/departments/").status_code == 403
    assert handler.get("/supervision/assessment/appraisal/").status_code == 403
    mine = handler.get("/supervision/assessment/judgements/").content.decode()
    assert "TS0201" in mine and "待判责" not in mine
    # The appeal form is offered to the department's handler.
    assert (
        "appeal-form"
        in handler.get(f"/supervision/assessment/judgements/{judgement.pk}/").content.decode()
    )
    other = _client("gas-handler")
    assert "TS0201" not in other.get("/supervision/assessment/judgements/").content.decode()
    assert other.get(f"/supervision/assessment/judgements/{judgement.pk}/").status_code == 404
    agent = _client("agent")
    assert agent.get("/supervision/assessment/judgements/").status_code == 403
    assert _client("leader").get("/supervision/assessment/weights/").status_code == 403


def test_refused_forms_keep_what_was_typed(world: World) -> None:
    complaint(world, "TS0202")
    backoffice = _client("backoffice")
    assert "TS0202" in backoffice.get("/supervision/assessment/judgements/").content.decode()
    path = "/supervision/assessment/complaints/TS0202/judge/"
    refused = backoffice.post(path, {"responsibility": "department", "reason": "抢修队超时"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "请选择本中心的部门。" in text and "抢修队超时" in text
    assert not ComplaintJudgement.objects.exists()
    department = world.users["handler"].department
    assert department is not None
    done = backoffice.post(
        path,
        {"responsibility": "department", "department": department.pk, "reason": "抢修队超时"},
    )
    assert done.status_code == 302
    assert ComplaintJudgement.objects.get().department == department

    manager = _client("manager")
    weights = {"answered": 15, "aht": 10, "qa": 30, "exam": 15, "attendance": 20}
    wrong = manager.post(
        "/supervision/assessment/weights/", {**weights, "complaints": 9, "appeal_days": 3}
    )
    assert wrong.status_code == 400
    assert "各项权重之和必须为 100。" in wrong.content.decode()
    assert 'value="9"' in wrong.content.decode()
    saved = manager.post(
        "/supervision/assessment/weights/", {**weights, "complaints": 10, "appeal_days": 4}
    )
    assert saved.status_code == 302
    assert AppraisalRules.objects.get().appeal_days == 4
