"""The monthly owner questionnaires' pages (000 第7篇: monthly questionnaires signed with
the staff ID, archived, and spot-checked by calling a sample back): the archive by month
with its counts, who signed and the sample; entering a paper form (a refused one keeps
what was typed); drawing the sample; recording a call back; each role, and another
centre's people, against them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User
from kefu.core.services.users import user_create
from kefu.satisfaction.models import Questionnaire
from kefu.satisfaction.services.surveys import questionnaire_record, questionnaires_spot_draw
from kefu.satisfaction.tests.survey_world import World
from kefu.satisfaction.tests.survey_world import world as world  # the fixture

pytestmark = pytest.mark.django_db

ARCHIVE = "/satisfaction/surveys/questionnaires/"
MONTH = dt.date(2026, 11, 1)


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _forms(world: World, count: int = 4) -> list[Questionnaire]:
    return [
        questionnaire_record(
            actor=world.reader,
            month=MONTH,
            staff_number="A001",
            respondent=f"业主{n}",
            phone=f"1391234{n:04d}",
            score=5 - n,
            paper_number=f"2026-11-{n:03d}",
        )
        for n in range(count)
    ]


FORM = {
    "month": "2026-11",
    "staff_number": "A001",
    "respondent": "李业主",
    "phone": "13912349999",
    "score": "4",
    "paper_number": "2026-11-100",
    "comment": "维修师傅很准时",
}


def test_the_archive_shows_the_month_its_counts_who_signed_and_the_sample(world: World) -> None:
    forms = _forms(world)
    questionnaires_spot_draw(actor=world.reader, month=MONTH, share=0.5, seed=3)
    page = _signed_in("back1").get(ARCHIVE, {"month": "2026-11"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "月度业主问卷 · 2026-11" in html and "A001" in html and "王芳" in html
    summary = html[html.index("questionnaire-summary") :]
    cells = [c.split("<")[0] for c in summary.split('<td class="num">')[1:9]]
    # 4 forms, scores 5, 4, 3, 2: average 3.50, two satisfied (4-5); 2 drawn, 2 to call.
    assert cells == ["4", "3.50", "2", "2", "2", "0", "0", "0"]
    assert "抽查样本及回访结果" in html and html.count('class="inline-actions check-form"') == 2
    assert forms[0].paper_number in html
    # The newest month is the default.
    assert "月度业主问卷 · 2026-11" in _signed_in("back1").get(ARCHIVE).content.decode()


def test_entering_a_form_and_a_refused_one_keeps_what_was_typed(world: World) -> None:
    reader = _signed_in("back1")
    assert reader.get(f"{ARCHIVE}new/").status_code == 200
    refused = reader.post(f"{ARCHIVE}new/", {**FORM, "staff_number": "Z999"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "本中心没有这个工号。" in html
    assert "李业主" in html and "维修师傅很准时" in html and "2026-11-100" in html
    assert not Questionnaire.objects.exists()
    saved = reader.post(f"{ARCHIVE}new/", FORM)
    assert saved.status_code == 302 and saved["Location"].endswith("?month=2026-11")
    stored = Questionnaire.objects.get()
    assert (stored.staff_number, stored.score, stored.month) == ("A001", 4, MONTH)
    again = reader.post(f"{ARCHIVE}new/", FORM)
    assert again.status_code == 400 and "这个问卷编号已登记。" in again.content.decode()


def test_drawing_the_sample_and_recording_the_call_back(world: World) -> None:
    _forms(world)
    reader = _signed_in("back1")
    bad = reader.post(f"{ARCHIVE}draw/", {"month": "2026-11", "percent": "0"})
    assert bad.status_code == 400 and 'value="0"' in bad.content.decode()
    drawn = reader.post(f"{ARCHIVE}draw/", {"month": "2026-11", "percent": "50"})
    assert drawn.status_code == 302
    sample = list(Questionnaire.objects.filter(spot_check="drawn"))
    assert len(sample) == 2
    target = sample[0]
    prefix = f"c{target.pk}"
    long = reader.post(
        f"{ARCHIVE}{target.pk}/check/",
        {"month": "2026-11", f"{prefix}-outcome": "disputed", f"{prefix}-note": "说" * 501},
    )
    assert long.status_code == 400 and "说" * 501 in long.content.decode()
    done = reader.post(
        f"{ARCHIVE}{target.pk}/check/",
        {"month": "2026-11", f"{prefix}-outcome": "disputed", f"{prefix}-note": "业主说未填写"},
    )
    assert done.status_code == 302
    target.refresh_from_db()
    assert target.spot_check == "disputed" and target.check_note == "业主说未填写"
    html = reader.get(ARCHIVE, {"month": "2026-11"}).content.decode()
    assert "业主说未填写" in html and "回访结果已记录" in html
    undrawn = Questionnaire.objects.filter(spot_check="").first()
    assert undrawn is not None
    refused = reader.post(f"{ARCHIVE}{undrawn.pk}/check/", {f"c{undrawn.pk}-outcome": "confirmed"})
    assert refused.status_code == 400 and "未被抽中" in refused.content.decode()


@pytest.mark.parametrize(
    ("role", "reads", "calls"),
    [
        ("backoffice", 200, 302),
        ("leader", 200, 302),
        ("admin", 200, 302),
        ("manager", 200, 403),
        ("qa", 200, 403),
        ("agent", 403, 302),
        ("expert", 403, 302),
        ("handler", 403, 403),
        ("editor", 403, 403),
    ],
)
def test_each_role_as_roles_py_says(
    world: World, make_user: Callable[..., User], role: str, reads: int, calls: int
) -> None:
    forms = _forms(world, 2)
    questionnaires_spot_draw(actor=world.reader, month=MONTH, share=1)
    make_user(role, f"{role}-x")
    client = _signed_in(f"{role}-x")
    assert client.get(ARCHIVE).status_code == reads
    assert client.get(f"{ARCHIVE}new/").status_code == reads
    entered = client.post(f"{ARCHIVE}new/", FORM)
    assert entered.status_code == (302 if reads == 200 else reads)
    drawn = client.post(f"{ARCHIVE}draw/", {"month": "2026-11", "percent": "10"})
    assert drawn.status_code == (302 if reads == 200 else reads)
    target = forms[0]
    checked = client.post(f"{ARCHIVE}{target.pk}/check/", {f"c{target.pk}-outcome": "confirmed"})
    assert checked.status_code == calls
    target.refresh_from_db()
    assert target.spot_check == ("confirmed" if calls == 302 else "drawn")


@pytest.mark.parametrize("role", ["backoffice", "leader", "admin"])
def test_another_centre_sees_and_checks_none_of_them(
    world: World, other_centre: OrgUnit, role: str
) -> None:
    forms = _forms(world, 2)
    questionnaires_spot_draw(actor=world.reader, month=MONTH, share=1)
    user_create(username=f"far-{role}", password=PASSWORD, role=role, centre=other_centre)
    client = _signed_in(f"far-{role}")
    page = client.get(ARCHIVE, {"month": "2026-11"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "业主0" not in html and forms[0].paper_number not in html
    target = forms[0]
    checked = client.post(f"{ARCHIVE}{target.pk}/check/", {f"c{target.pk}-outcome": "confirmed"})
    assert checked.status_code == 404
    target.refresh_from_db()
    assert target.spot_check == "drawn"


def test_the_tab_strip_shows_the_archive_to_readers(world: World) -> None:
    assert f'href="{ARCHIVE}"' in _signed_in("back1").get(ARCHIVE).content.decode()
    agent_page = _signed_in("agent1").get("/satisfaction/callbacks/mine/").content.decode()
    assert f'href="{ARCHIVE}"' not in agent_page
