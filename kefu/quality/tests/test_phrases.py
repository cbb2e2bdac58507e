"""The standard phrases (规范用语, issue 18 point 6): seeded from 002 第13/17/18篇 with the
festival greetings of 000 第5篇 and 002 第13篇 20; kept in versions; read by every role that
speaks with customers and edited by inspectors and managers; shown on the workbench; and
the words the forbidden-phrase check looks for."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client

from kefu.conftest import ApiClient, migrated_back_to, token_for
from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import AuditEntry, HolidayNotice, OrgUnit
from kefu.quality import checks
from kefu.quality.models import Phrase, PhraseBook
from kefu.quality.phrase_defaults import default_phrases
from kefu.quality.phrasebook import (
    PhraseSpec,
    exceptions_of,
    festival_greetings,
    forbidden_words,
    holiday_key,
    holidays_near,
    with_library_words,
)
from kefu.quality.queries.phrases import phrases_for_call
from kefu.quality.queries.rules import live_rules
from kefu.quality.services.phrases import (
    phrase_book_ensure,
    phrase_draft_discard,
    phrase_draft_publish,
    phrase_draft_save,
)
from kefu.quality.tests.conftest import World
from kefu.quality.tests.test_pages import signed_in
from kefu.tickets.models import StandardPhrase

RULES = Path(checks.__file__).parent / "default_rules.json"
SEEDED = default_phrases("国网95598", "95598")


@pytest.fixture
def library(world: World) -> PhraseBook:
    book = phrase_book_ensure(actor=None, centre=world.centre, phrases=SEEDED)
    assert book is not None
    return book


def _say(situation: str, *texts: str) -> list[PhraseSpec]:
    return [PhraseSpec(situation, "recommended", text) for text in texts]


# --------------------------------------------------------------------------- the seeds


def test_every_situation_of_the_issue_has_its_wording_and_what_never_to_say() -> None:
    """002 第13/17/18篇: greeting, identity check, hold and return, transfer, apology,
    refusal, complaint, angry customer, closing."""
    for situation in (
        "greeting",
        "identity",
        "hold",
        "transfer",
        "apology",
        "refusal",
        "complaint",
        "angry",
        "closing",
    ):
        kinds = {p.kind for p in SEEDED if p.situation == situation}
        assert kinds == {"recommended", "forbidden"}, situation
    never = {p.text for p in SEEDED if p.kind == "forbidden" and p.checked}
    assert {"喂", "OK", "BYEBYE", "不可能", "我不知道", "您说什么"} <= never
    hold = [p.text for p in SEEDED if p.situation == "hold" and p.kind == "recommended"]
    assert "对不起，请您稍等片刻，好吗？" in hold and "对不起，让您久等了。" in hold
    assert all(p.source for p in SEEDED)
    assert SEEDED[0].text == "国网95598，您好，很高兴为您服务。"


def test_the_checked_phrases_are_the_default_checks_words() -> None:
    """The library the agents read and the check the inspectors trust say the same."""
    rule = next(r for r in json.loads(RULES.read_text())["rules"] if r["id"] == "forbidden_phrase")
    words, exceptions = forbidden_words(SEEDED)
    assert set(words) == set(rule["conditions"]["forbidden"]["words"])
    assert set(exceptions) == set(rule["conditions"]["forbidden"]["exclude"])


def test_festival_greetings_follow_the_holidays() -> None:
    """002 第13篇 20 (元旦春节等节日 “祝您节日愉快”), 000 第5篇 (春节：新春快乐！): from three days
    before the first day off through the last; none on 清明节 but its own."""
    calendar = {
        dt.date(2026, 2, 15) + dt.timedelta(days=n): "Spring Festival" for n in range(9)
    } | {dt.date(2026, 4, 4) + dt.timedelta(days=n): "Tomb-sweeping Day" for n in range(3)}
    assert holidays_near(dt.date(2026, 2, 11), calendar) == []
    assert holidays_near(dt.date(2026, 2, 12), calendar) == ["春节"]
    assert holidays_near(dt.date(2026, 2, 23), calendar) == ["春节"]
    assert holidays_near(dt.date(2026, 2, 24), calendar) == []
    spring = [p.text for p in festival_greetings(SEEDED, ["春节"])]
    assert spring == ["祝您新春快乐！", "祝您节日愉快！"]
    assert festival_greetings(SEEDED, holidays_near(dt.date(2026, 4, 3), calendar)) == []
    assert festival_greetings(SEEDED, []) == []
    # A notice may name two holidays at once; the package names them in English.
    assert holidays_near(dt.date(2025, 10, 1), {dt.date(2025, 10, 1): "国庆节、中秋节"}) == [
        "国庆节",
        "中秋节",
    ]
    assert holiday_key("Mid-autumn Festival") == "中秋节" and holiday_key("某纪念日") == ""


def test_the_library_words_replace_the_checks_words() -> None:
    source = json.loads(RULES.read_text())
    value = with_library_words(source, ["不归我们管"], ["不归我们管理"])
    rules = checks.rules_from_value(value)
    rule = next(r for r in rules.rules if r.id == "forbidden_phrase")
    condition = next(iter(rule.conditions.values()))
    assert condition.pattern is not None and condition.pattern.search("这不归我们管")
    assert not condition.pattern.search("喂，您好")
    # Without a checked phrase the rule is left out; the bare-question rule stays.
    ids = {rule["id"] for rule in with_library_words(source, [], [])["rules"]}
    assert "forbidden_phrase" not in ids and "forbidden_bare_question" in ids
    assert exceptions_of("喂养、喂奶, 投喂") == ["喂养", "喂奶", "投喂"]


# ------------------------------------------------------------------------- versions


def test_a_centre_starts_once_with_the_seeds(world: World, library: PhraseBook) -> None:
    assert (library.number, library.state) == (1, "published")
    assert library.phrases.count() == len(SEEDED)
    assert phrase_book_ensure(actor=None, centre=world.centre, phrases=SEEDED) is None
    assert PhraseBook.objects.count() == 1


def test_a_draft_changes_one_situation_and_publishing_retires_the_version_in_use(
    world: World, library: PhraseBook
) -> None:
    qa = world.people["qa1"]
    draft = phrase_draft_save(
        actor=qa,
        situation="progress",
        phrases=[
            *_say("progress", "您的工单正在处理中，一有结果我们会马上和您联系。"),
            PhraseSpec("progress", "forbidden", "您再等等吧", checked=True),
        ],
        note="处理进度改写",
    )
    assert (draft.number, draft.state) == (2, "draft")
    # Only the situation changed: every other phrase was copied from the version in use.
    others = draft.phrases.exclude(situation="progress").count()
    assert others == library.phrases.exclude(situation="progress").count()
    assert draft.phrases.filter(situation="progress").count() == 2
    # Until published, agents and the check keep the version in use.
    assert "您再等等吧" not in forbidden_words_of(world)
    published = phrase_draft_publish(actor=qa)
    library.refresh_from_db()
    assert (published.state, library.state) == ("published", "retired")
    assert "您再等等吧" in forbidden_words_of(world)
    # The old version never changed.
    assert library.phrases.count() == len(SEEDED)
    assert set(
        AuditEntry.objects.filter(action__startswith="phrase_book.").values_list(
            "action", flat=True
        )
    ) == {"phrase_book.add_defaults", "phrase_book.draft_save", "phrase_book.publish"}
    with pytest.raises(Conflict):
        phrase_draft_publish(actor=qa)


def forbidden_words_of(world: World) -> list[str]:
    rules = live_rules(world.centre.pk)
    rule = next(r for r in rules.rules if r.id == "forbidden_phrase")
    pattern = next(iter(rule.conditions.values())).pattern
    assert pattern is not None
    return pattern.pattern.split("|")


@pytest.mark.parametrize(
    ("phrase", "code"),
    [
        (PhraseSpec("hold", "recommended", "  "), "phrase_text_required"),
        (PhraseSpec("hold", "recommended", "请稍等", checked=True), "phrase_check_invalid"),
        (PhraseSpec("hold", "forbidden", "喂" * 21, checked=True), "phrase_check_too_long"),
        (PhraseSpec("hold", "forbidden", "我忙", exceptions="喂养"), "phrase_exceptions_invalid"),
        (
            PhraseSpec("hold", "forbidden", "喂", checked=True, exceptions="喂养、您好"),
            "phrase_exception_unrelated",
        ),
        (PhraseSpec("hold", "recommended", "节日快乐", holiday="春节"), "phrase_holiday_invalid"),
        (PhraseSpec("festival", "forbidden", "节日快乐"), "phrase_kind_invalid"),
        (PhraseSpec("festival", "recommended", "快乐", holiday="圣诞节"), "phrase_holiday_unknown"),
        (PhraseSpec("greeting", "recommended", "您好"), "phrase_kind_invalid"),
    ],
)
def test_a_bad_phrase_is_refused_with_its_row_and_changes_nothing(
    world: World, library: PhraseBook, phrase: PhraseSpec, code: str
) -> None:
    situation = "festival" if phrase.situation == "festival" else "hold"
    with pytest.raises(Invalid) as refused:
        phrase_draft_save(
            actor=world.people["qa1"],
            situation=situation,
            phrases=[*_say(situation, "对不起，让您久等了。"), phrase],
        )
    assert refused.value.code == code
    assert str(refused.value.message).startswith("第 2 行：")
    assert PhraseBook.objects.count() == 1


def test_only_inspectors_and_managers_keep_the_phrases(world: World, library: PhraseBook) -> None:
    for name in ("a1", "leader"):
        with pytest.raises(Forbidden):
            phrase_draft_save(
                actor=world.people[name], situation="hold", phrases=_say("hold", "请稍等")
            )
    phrase_draft_save(
        actor=world.people["manager"], situation="hold", phrases=_say("hold", "请稍等")
    )
    with pytest.raises(Forbidden):
        phrase_draft_discard(actor=world.people["a1"])
    phrase_draft_discard(actor=world.people["qa2"])
    assert list(PhraseBook.objects.values_list("number", flat=True)) == [1]


# ----------------------------------------------------------- the check and the workbench


def test_a_phrase_the_centre_forbids_is_found_in_its_transcripts(
    world: World, library: PhraseBook
) -> None:
    transcript = checks.transcript_from_value(
        {
            "sentences": [
                {"speaker": "agent", "start": 0, "end": 2, "text": "您好，很高兴为您服务"},
                {"speaker": "customer", "start": 2, "end": 5, "text": "路灯坏了"},
                {"speaker": "agent", "start": 5, "end": 8, "text": "路灯不归我们管"},
                {"speaker": "agent", "start": 8, "end": 9, "text": "感谢您的来电，再见"},
            ]
        }
    )

    def forbidden() -> list[int]:
        found = checks.check(transcript, live_rules(world.centre.pk))
        return [hit.sentence for hit in found.hits if hit.rule == "forbidden_phrase"]

    assert forbidden() == []
    never = PhraseSpec("complaint", "forbidden", "不归我们管", checked=True)
    kept = [p for p in SEEDED if p.situation == "complaint"]
    phrase_draft_save(actor=world.people["qa1"], situation="complaint", phrases=[*kept, never])
    phrase_draft_publish(actor=world.people["qa1"])
    assert forbidden() == [2]


def test_the_workbench_panel_offers_the_festival_greeting_around_a_holiday(
    world: World, library: PhraseBook
) -> None:
    before_spring = phrases_for_call(world.centre.pk, dt.date(2026, 2, 13))
    assert [p.text for p in before_spring.festival] == ["祝您新春快乐！", "祝您节日愉快！"]
    assert before_spring.holidays == ["春节"]
    assert "festival" not in {group.situation for group in before_spring.situations}
    assert phrases_for_call(world.centre.pk, dt.date(2026, 3, 10)).festival == []
    # A year the package does not cover yet: the administrator's notice names the days.
    HolidayNotice.objects.create(
        year=2027, text="元旦：1月1日至3日放假", holidays=[["2027-01-01", "元旦"]]
    )
    new_year = phrases_for_call(world.centre.pk, dt.date(2026, 12, 30))
    assert new_year.festival[0].text == "祝您元旦快乐，新年顺利！"


def test_another_centres_library_is_not_shown(world: World, library: PhraseBook) -> None:
    other = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="other", name="另一中心")
    assert phrases_for_call(other.pk, dt.date(2026, 2, 13)).situations == []
    assert Phrase.objects.filter(book__centre=other).count() == 0


# ------------------------------------------------------------------------------ pages


def test_every_front_line_role_reads_the_library_and_only_editors_change_it(
    world: World, library: PhraseBook
) -> None:
    for name in ("a1", "leader", "qa1", "manager"):
        page = signed_in(name).get("/quality/phrases/")
        html = page.content.decode()
        assert page.status_code == 200, name
        assert "规范用语" in html and "开头语" in html and "“喂”" in html
        assert "例外：喂养、喂奶" in html
        assert ("编辑" in html) == (name in {"qa1", "manager"}), name
    agent = signed_in("a1")
    assert agent.get("/quality/phrases/hold/").status_code == 403
    assert agent.post("/quality/phrases/publish/").status_code == 403
    assert agent.post("/quality/phrases/defaults/").status_code == 403
    assert signed_in("qa1").get("/quality/phrases/nowhere/").status_code == 404


def _rows(*rows: dict[str, str]) -> dict[str, str]:
    data = {
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
        "note": "等待用语调整",
    }
    for n, row in enumerate(rows):
        data |= {f"rows-{n}-{key}": value for key, value in row.items()}
    return data


def test_an_inspector_edits_a_situation_publishes_and_reads_the_history(
    world: World, library: PhraseBook
) -> None:
    qa = signed_in("qa1")
    form = qa.get("/quality/phrases/hold/").content.decode()
    assert "对不起，请您稍等片刻，好吗？" in form  # the version in use, to edit
    refused = qa.post(
        "/quality/phrases/hold/",
        _rows(
            {"kind": "recommended", "text": "请您稍等，我马上为您查询。"},
            {"kind": "forbidden", "text": "喂", "checked": "on", "exceptions": "喂养、您好"},
        ),
    )
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "第 2 行：每个例外词都须包含该禁语" in html
    assert "请您稍等，我马上为您查询。" in html and "喂养、您好" in html  # kept as typed
    assert PhraseBook.objects.count() == 1
    saved = qa.post(
        "/quality/phrases/hold/",
        _rows(
            {"kind": "recommended", "text": "请您稍等，我马上为您查询。", "when": "查询之前"},
            {"kind": "forbidden", "text": "你等着", "checked": "on"},
            {"kind": "recommended", "text": "删掉我", "delete": "on"},
        ),
    )
    assert saved.status_code == 302 and saved["Location"] == "/quality/phrases/#hold"
    draft = PhraseBook.objects.get(state="draft")
    assert list(draft.phrases.filter(situation="hold").values_list("text", flat=True)) == [
        "请您稍等，我马上为您查询。",
        "你等着",
    ]
    # The agents still read version 1; the draft is the editors' alone.
    assert "你等着" not in signed_in("a1").get("/quality/phrases/").content.decode()
    assert signed_in("a1").get("/quality/phrases/", {"version": 2}).status_code == 404
    assert "你等着" in qa.get("/quality/phrases/", {"version": 2}).content.decode()
    assert qa.post("/quality/phrases/publish/").status_code == 302
    page = signed_in("a1").get("/quality/phrases/").content.decode()
    assert "第 2 版 · 使用中" in page and "“你等着”" in page and "等待用语调整" in page
    old = signed_in("a1").get("/quality/phrases/", {"version": 1}).content.decode()
    assert "第 1 版 · 已停用" in old and "“你等着”" not in old


def test_a_centre_without_phrases_starts_from_the_seeds_with_its_own_name(world: World) -> None:
    qa = signed_in("qa1")
    assert "本中心尚未设置规范用语" in qa.get("/quality/phrases/").content.decode()
    assert qa.post("/quality/phrases/defaults/").status_code == 302
    book = PhraseBook.objects.get()
    assert book.phrases.order_by("position")[0].text.startswith(world.centre.name)


def test_the_workbench_shows_the_version_in_use(world: World, library: PhraseBook) -> None:
    client = Client()
    client.force_login(world.people["a1"])
    html = client.get("/workbench/").content.decode()
    assert "国网95598，您好，很高兴为您服务。" in html
    assert 'href="/quality/phrases/"' in html


# -------------------------------------------------------------------------------- API


def test_the_api_reads_and_edits_the_library(world: World, library: PhraseBook) -> None:
    agent, qa = ApiClient(token_for("a1")), ApiClient(token_for("qa1"))
    current = agent.get("/api/v1/quality/phrases")
    assert current.status_code == 200
    body = current.json()
    assert body["version"] == 1 and body["state"] == "published"
    hello = next(p for p in body["phrases"] if p["text"] == "喂")
    assert hello["checked"] and "喂养" in hello["exceptions"] and hello["situation"] == "greeting"
    put = {"phrases": [{"kind": "recommended", "text": "祝您新年快乐！", "holiday": "元旦"}]}
    assert agent.put("/api/v1/quality/phrases/draft/festival", put).status_code == 403
    unknown = qa.put("/api/v1/quality/phrases/draft/festival", {**put, "colour": "red"})
    assert unknown.status_code == 422
    wrong = qa.put("/api/v1/quality/phrases/draft/nowhere", put)
    assert wrong.status_code == 422
    draft = qa.put("/api/v1/quality/phrases/draft/festival", put)
    assert draft.status_code == 200 and draft.json()["state"] == "draft"
    assert agent.get("/api/v1/quality/phrases", version=2).status_code == 404
    published = qa.post("/api/v1/quality/phrases/publish")
    assert published.status_code == 200 and published.json()["version"] == 2
    assert qa.post("/api/v1/quality/phrases/publish").status_code == 409
    versions = agent.get("/api/v1/quality/phrases/versions").json()
    assert [(v["version"], v["state"]) for v in versions] == [(2, "published"), (1, "retired")]


def test_the_checks_page_says_where_the_forbidden_words_come_from(
    world: World, library: PhraseBook
) -> None:
    html = signed_in("qa1").get("/quality/rules/").content.decode()
    words, _ = forbidden_words(SEEDED)
    assert f"查找使用中规范用语里勾选自动检查的 {len(words)} 条禁语。" in html


@pytest.mark.django_db(transaction=True)
def test_the_work_orders_call_phrases_move_into_the_library(centre: OrgUnit) -> None:
    """Before the library, the work-order app kept what an agent says during a call; an
    upgraded centre finds them as its version 1 in use, with the check's words as they
    were, and the back office's reply phrases stay where they are."""
    before = [
        ("quality", "0002_automatic_check_switches"),
        ("tickets", "0016_department_created_index"),
    ]
    with migrated_back_to(before) as state:
        old = state.apps.get_model("tickets", "StandardPhrase")
        old.objects.create(
            use="call",
            situation="客户要求找领导",
            text="先生/女士很抱歉给您带来这么多麻烦。",
            avoid="“您有多大的事还用找领导”",
        )
        old.objects.create(use="reply", text="您好，{result}。")
    book = PhraseBook.objects.get(centre=centre)
    assert (book.number, book.state) == (1, "published")
    said = book.phrases.get(kind="recommended")
    assert (said.situation, said.when) == ("angry", "客户要求找领导")
    assert book.phrases.get(kind="forbidden", checked=False).text == "“您有多大的事还用找领导”"
    words, _ = forbidden_words(SEEDED)
    assert set(book.phrases.filter(checked=True).values_list("text", flat=True)) == set(words)
    assert list(StandardPhrase.objects.values_list("use", flat=True)) == ["reply"]
